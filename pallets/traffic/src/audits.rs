//! Audits (whitepaper ch.3 §1 step 3): the audit windows, the seeds drawn when the report
//! window closes, the audited bytes of each report, and the check of a peer's answers — each
//! audited byte's receipt and its Merkle sum proof.

use crate::*;
use frame_support::pallet_prelude::*;
use sp_runtime::transaction_validity::{
	InvalidTransaction, TransactionPriority, TransactionSource, TransactionValidityWithRefund,
	ValidTransaction,
};

impl<T: Config> Pallet<T> {
	/// The audit round open now for reports of `period`: 1 or 2, or `None`.
	pub fn open_round(period: u32) -> Option<u8> {
		let now = frame_system::Pallet::<T>::block_number();
		if Self::period_of(now) != period.saturating_add(1) {
			return None;
		}
		let offset = Self::offset_of(now);
		let (start, audit) = (Self::audit_start(), T::AuditWindow::get());
		if offset < start {
			None
		} else if offset < start + audit {
			Some(1)
		} else if offset < start + 2 * audit {
			Some(2)
		} else {
			None
		}
	}

	/// The offset in a period at which the first audit round of the previous period opens (and
	/// its seed is drawn): [`Config::SeedDelay`] blocks after the report window, so that the
	/// seed mixes the VRF outputs of that many packers after the last report.
	pub fn audit_start() -> u32 {
		T::ReportWindow::get().saturating_add(T::SeedDelay::get())
	}

	/// The bytes audited in `round` of `peer`'s report of `period`, in order; empty until the
	/// round's seed is drawn.
	///
	/// Round 1 draws [`Config::AuditSamples`] bytes from the first seed. Round 2 asks for the
	/// same bytes again, followed by new ones from the second seed up to
	/// [`Config::SecondAuditSamples`]: a peer that could not answer a first-round byte cannot
	/// pass by staying silent until the second round.
	pub fn audit_positions(period: u32, peer: &T::AccountId, round: u8) -> Vec<u128> {
		let seeds = AuditSeeds::<T>::get(period);
		let (Some(first), Some(record)) = (seeds.first(), Reports::<T>::get(period, peer)) else {
			return Vec::new();
		};
		let total = record.report.root.sum;
		let first_samples = T::AuditSamples::get();
		let mut positions = Self::positions(first, 1, peer, total, first_samples);
		match (round, seeds.get(1)) {
			(1, _) => positions,
			(2, Some(second)) => {
				let more = T::SecondAuditSamples::get().saturating_sub(first_samples);
				positions.extend(Self::positions(second, 2, peer, total, more));
				positions
			}
			_ => Vec::new(),
		}
	}

	pub(crate) fn positions(
		seed: &H256,
		round: u8,
		peer: &T::AccountId,
		total: u128,
		samples: u32,
	) -> Vec<u128> {
		if total == 0 {
			return Vec::new();
		}
		(0..samples)
			.map(|i| {
				let hash =
					sp_io::hashing::blake2_256(&(AUDIT_CONTEXT, seed, round, peer, i).encode());
				let mut low = [0u8; 16];
				low.copy_from_slice(&hash[..16]);
				u128::from_le_bytes(low) % total
			})
			.collect()
	}

	/// Check answers to the open round of a report; returns the report and the round.
	pub fn check_answers(
		period: u32,
		peer: &T::AccountId,
		answers: &[SampleAnswer<T::AccountId>],
	) -> Result<(ReportRecordOf<T>, u8), Error<T>> {
		let record = Reports::<T>::get(period, peer).ok_or(Error::<T>::NoReport)?;
		ensure!(record.status == AuditStatus::Pending, Error::<T>::AuditNotPending);
		let round = Self::open_round(period).ok_or(Error::<T>::AuditNotOpen)?;
		let positions = Self::audit_positions(period, peer, round);
		ensure!(!positions.is_empty(), Error::<T>::AuditNotOpen);
		ensure!(answers.len() == positions.len(), Error::<T>::WrongAnswerCount);
		let genesis = Self::genesis_hash();
		for (answer, position) in answers.iter().zip(positions) {
			Self::check_sample(&record.report, &genesis, answer, position)?;
		}
		Ok((record, round))
	}

	/// Check one answer: the leaf covering `position` of `report`'s bytes.
	pub fn check_sample(
		report: &TrafficReportOf<T>,
		genesis: &H256,
		answer: &SampleAnswer<T::AccountId>,
		position: u128,
	) -> Result<(), Error<T>> {
		let leaf = SumNode::leaf(&answer.receipt);
		let offset =
			verify_proof(&report.root, report.leaf_count, answer.leaf_index, &leaf, &answer.proof)
				.map_err(|e| match e {
					ProofError::OutOfOrder => Error::<T>::LeavesOutOfOrder,
					ProofError::WrongShape | ProofError::RootMismatch => Error::<T>::BadProof,
				})?;
		ensure!(
			offset <= position && position < offset.saturating_add(leaf.sum),
			Error::<T>::WrongLeaf
		);
		Self::check_receipt(report, genesis, &answer.receipt)?;
		ensure!(
			Self::dapp_at(report, position) == Some(&answer.receipt.receipt.dapp),
			Error::<T>::WrongDApp
		);
		Ok(())
	}

	pub(crate) fn check_receipt(
		report: &TrafficReportOf<T>,
		genesis: &H256,
		signed: &SignedReceipt<T::AccountId>,
	) -> Result<(), Error<T>> {
		let receipt = &signed.receipt;
		ensure!(signed.verify(genesis), Error::<T>::BadReceiptSignature);
		ensure!(
			Self::dapp_of_receipt_key(receipt).as_ref() == Some(&receipt.dapp),
			Error::<T>::ClientKeyNotAuthorized
		);
		ensure!(receipt.server == report.peer, Error::<T>::WrongServer);
		ensure!(
			(report.from_period..=report.period).contains(&receipt.period),
			Error::<T>::ReceiptOutOfPeriod
		);
		Ok(())
	}

	/// The DApp whose range of the per-DApp totals holds byte `position`.
	pub(crate) fn dapp_at(report: &TrafficReportOf<T>, position: u128) -> Option<&T::AccountId> {
		let mut end = 0u128;
		for (dapp, bytes) in report.per_dapp.iter() {
			end = end.saturating_add(*bytes);
			if position < end {
				return Some(dapp);
			}
		}
		None
	}

	/// The transaction validity of [`Pallet::answer_audit`]: valid while every answer checks;
	/// one per report and round.
	pub fn authorize_answer(
		_source: TransactionSource,
		period: &u32,
		peer: &T::AccountId,
		answers: &AnswersOf<T>,
	) -> TransactionValidityWithRefund {
		let (record, round) = Self::check_answers(*period, peer, answers).map_err(|e| match e {
			Error::<T>::AuditNotPending | Error::<T>::AuditNotOpen | Error::<T>::NoReport => {
				InvalidTransaction::Stale
			}
			_ => InvalidTransaction::BadProof,
		})?;
		let validity = ValidTransaction::with_tag_prefix("TrafficAudit")
			.priority(TransactionPriority::MAX / 512)
			.and_provides((peer, period, round))
			.longevity(T::AuditWindow::get().into())
			.propagate(true)
			.build()?;
		let unused = Self::max_answer_authorization_weight()
			.saturating_sub(Self::answer_authorization_weight(round, &record.report));
		Ok((validity, unused))
	}

	/// The weight of authorizing an answer to round `round` of `report`: the call's checks
	/// without its writes (the authorization runs the same [`Self::check_answers`] but tallies
	/// nothing). Derived from the call's benchmark, which measures the checks and the tally
	/// together, so it stays an upper bound.
	pub(crate) fn answer_authorization_weight(round: u8, report: &TrafficReportOf<T>) -> Weight {
		Self::answer_weight(round, report)
			.saturating_sub(Self::answer_writes(report.per_dapp.len() as u32))
	}

	/// The most an answer's authorization weighs: the second round, [`Config::MaxDApps`].
	pub fn max_answer_authorization_weight() -> Weight {
		Self::max_answer_weight().saturating_sub(Self::answer_writes(T::MaxDApps::get()))
	}

	/// The writes of an answer naming `d` DApps: its report's status and a tally per DApp.
	pub(crate) fn answer_writes(d: u32) -> Weight {
		T::DbWeight::get().writes(1u64.saturating_add(d.into()))
	}

	/// The weight of answering audit round `round` of `report` (checking its samples, tallying
	/// its DApps).
	pub(crate) fn answer_weight(round: u8, report: &TrafficReportOf<T>) -> Weight {
		T::WeightInfo::answer_audit(u32::from(round), report.per_dapp.len() as u32)
	}

	/// The most an audit answer weighs: the second round's samples, [`Config::MaxDApps`].
	pub fn max_answer_weight() -> Weight {
		T::WeightInfo::answer_audit(2, T::MaxDApps::get())
	}

	pub(crate) fn draw_seed(period: u32, round: u8) -> Weight {
		let reports = Ranking::<T>::get(period).len() as u32;
		let seed = sp_io::hashing::blake2_256(
			&(AUDIT_CONTEXT, T::AuditRandomness::get(), period, round).encode(),
		)
		.into();
		let stored = AuditSeeds::<T>::mutate(period, |seeds| {
			(seeds.len() == usize::from(round - 1)) && seeds.try_push(seed).is_ok()
		});
		if stored && reports > 0 {
			Self::deposit_event(Event::AuditRequested { period, round, seed, reports });
		}
		T::WeightInfo::draw_seed()
	}
}

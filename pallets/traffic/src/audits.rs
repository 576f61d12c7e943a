//! Audits (whitepaper ch.3 §1 step 3): the audit windows, the seeds drawn when the report
//! window closes, the audited bytes of each report, and the check of a peer's answers — each
//! audited byte's receipt and its Merkle sum proof.

use crate::*;
use frame_support::{defensive, pallet_prelude::*};
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
	/// The samples fall in the **backed** bytes, the ones the report may be paid for: in each
	/// DApp's range of the tree (its claim, in `per_dapp` order), the first `backed` bytes and
	/// the contested ones after them (which settlement counts if reservations are freed).
	/// Round 1 draws one byte in each backed DApp's range, then more over all backed bytes up
	/// to [`Config::AuditSamples`]. Round 2 asks for the same bytes again, followed by new ones
	/// from the second seed, [`Config::SecondAuditSamples`] − [`Config::AuditSamples`] of them:
	/// a peer that could not answer a first-round byte cannot pass by staying silent until the
	/// second round.
	///
	/// One sample per backed DApp means a report cannot hide claims on one DApp's paid bytes
	/// behind a mass of other traffic: a DApp range without genuine receipts always fails
	/// (`docs/security.md`). A report that nothing backs (it only carries bytes) is sampled over
	/// all its claimed bytes.
	pub fn audit_positions(period: u32, peer: &T::AccountId, round: u8) -> Vec<u128> {
		let seeds = AuditSeeds::<T>::get(period);
		let (Some(first), Some(record)) = (seeds.first(), Reports::<T>::get(period, peer)) else {
			return Vec::new();
		};
		let ranges = Self::backed_ranges(&record);
		let mut positions = Self::first_round_positions(first, peer, &ranges, &record);
		match (round, seeds.get(1)) {
			(1, _) => positions,
			(2, Some(second)) => {
				let more = Self::second_round_new_samples();
				positions.extend(Self::spread_positions(second, 2, peer, &ranges, &record, more));
				positions
			}
			_ => Vec::new(),
		}
	}

	/// The backed part of each DApp's range of a report's bytes, contested bytes included:
	/// `(first byte, backed and contested bytes)`, for the DApps with any, in `per_dapp` order.
	pub(crate) fn backed_ranges(record: &ReportRecordOf<T>) -> Vec<(u128, u128)> {
		let mut start = 0u128;
		let mut ranges = Vec::new();
		for (i, (_, claimed)) in record.report.per_dapp.iter().enumerate() {
			let backed = record.claimable_of(i).min(*claimed);
			if backed > 0 {
				ranges.push((start, backed));
			}
			start = start.saturating_add(*claimed);
		}
		ranges
	}

	/// Round 1's samples: one in each backed range, then up to [`Config::AuditSamples`] over
	/// all backed bytes.
	fn first_round_positions(
		seed: &H256,
		peer: &T::AccountId,
		ranges: &[(u128, u128)],
		record: &ReportRecordOf<T>,
	) -> Vec<u128> {
		let mut positions: Vec<u128> = ranges
			.iter()
			.enumerate()
			.map(|(k, (start, backed))| {
				start.saturating_add(Self::draw(seed, 1, peer, (b"dapp", k as u32)) % backed)
			})
			.collect();
		let more = T::AuditSamples::get().saturating_sub(positions.len() as u32);
		positions.extend(Self::spread_positions(seed, 1, peer, ranges, record, more));
		positions
	}

	/// `samples` bytes drawn over all backed bytes of a report (over all its bytes if nothing is
	/// backed).
	fn spread_positions(
		seed: &H256,
		round: u8,
		peer: &T::AccountId,
		ranges: &[(u128, u128)],
		record: &ReportRecordOf<T>,
		samples: u32,
	) -> Vec<u128> {
		let backed = ranges.iter().fold(0u128, |sum, (_, b)| sum.saturating_add(*b));
		if backed == 0 {
			return Self::positions(seed, round, peer, record.report.root.sum, samples);
		}
		Self::positions(seed, round, peer, backed, samples)
			.into_iter()
			.map(|mut x| {
				for (start, len) in ranges {
					if x < *len {
						return start.saturating_add(x);
					}
					x -= len;
				}
				defensive!("a draw below the backed total falls in a backed range");
				0
			})
			.collect()
	}

	/// The most answers a round may ask for: a sample per DApp (or [`Config::AuditSamples`])
	/// and the second round's new samples.
	pub fn max_audit_answers() -> u32 {
		Self::audit_samples(2, T::MaxDApps::get())
	}

	/// The new samples of the second round: [`Config::SecondAuditSamples`] −
	/// [`Config::AuditSamples`].
	fn second_round_new_samples() -> u32 {
		T::SecondAuditSamples::get().saturating_sub(T::AuditSamples::get())
	}

	fn draw(seed: &H256, round: u8, peer: &T::AccountId, what: impl Encode) -> u128 {
		let hash = sp_io::hashing::blake2_256(&(AUDIT_CONTEXT, seed, round, peer, what).encode());
		let mut low = [0u8; 16];
		low.copy_from_slice(&hash[..16]);
		u128::from_le_bytes(low)
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
		(0..samples).map(|i| Self::draw(seed, round, peer, i) % total).collect()
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
			Self::dapp_of_receipt_key(receipt, report.period).as_ref() == Some(&receipt.dapp),
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
			.saturating_sub(Self::answer_authorization_weight(round, &record));
		Ok((validity, unused))
	}

	/// The weight of authorizing an answer to round `round` of `report`: the call's checks
	/// without its writes (the authorization runs the same [`Self::check_answers`] but tallies
	/// nothing). Derived from the call's benchmark, which measures the checks and the tally
	/// together, so it stays an upper bound.
	pub(crate) fn answer_authorization_weight(round: u8, record: &ReportRecordOf<T>) -> Weight {
		Self::answer_weight(round, record).saturating_sub(Self::answer_writes())
	}

	/// The most an answer's authorization weighs: the second round, [`Config::MaxDApps`].
	pub fn max_answer_authorization_weight() -> Weight {
		Self::max_answer_weight().saturating_sub(Self::answer_writes())
	}

	/// The writes of an answer: its report's status.
	pub(crate) fn answer_writes() -> Weight {
		T::DbWeight::get().writes(1)
	}

	/// The samples of audit round `round` of a report with `backed` backed DApps.
	pub fn audit_samples(round: u8, backed: u32) -> u32 {
		let first = T::AuditSamples::get().max(backed);
		if round >= 2 {
			first.saturating_add(Self::second_round_new_samples())
		} else {
			first
		}
	}

	/// The weight of answering audit round `round` of `record` (checking its samples).
	pub(crate) fn answer_weight(round: u8, record: &ReportRecordOf<T>) -> Weight {
		Self::answer_weight_of(round, record.report.per_dapp.len() as u32)
	}

	/// The weight of answering round `round` of a report naming `d` DApps: the benchmark's
	/// `answer_audit(round, d)`, whose DApps are all backed (a sample each, beyond
	/// [`Config::AuditSamples`] if more), every sample on a receipt of its own. A report with fewer
	/// backed DApps samples no more.
	pub(crate) fn answer_weight_of(round: u8, d: u32) -> Weight {
		T::WeightInfo::answer_audit(u32::from(round), d)
	}

	/// The most an audit answer weighs: the second round, [`Config::MaxDApps`] DApps, all backed.
	pub fn max_answer_weight() -> Weight {
		Self::answer_weight_of(2, T::MaxDApps::get())
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

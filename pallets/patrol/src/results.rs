//! Results: a batch checked (its signature, its period, its VRF draw, each target's
//! eligibility) and applied (quality figures, patrol rewards, penalties).

use crate::*;
use frame_support::pallet_prelude::{
	InvalidTransaction, TransactionPriority, TransactionSource, TransactionValidityWithRefund,
	ValidTransaction,
};
use pallet_peers::{Penalties, PenaltyLevel, PenaltyReason};
use pallet_token::{MiningPool, PayoutPurpose};
use sp_runtime::traits::Saturating;
use spacebook_patrol_primitives::{draw_output, is_drawn};

impl<T: Config> Pallet<T> {
	/// Whether `batch` may be taken now: signed by an active scheduling peer's node key, of
	/// the current or previous period, its first of that period, its VRF proof valid, every
	/// target different. The draw's output, for [`Self::apply_batch`] to tell which targets
	/// count.
	pub(crate) fn check_batch(
		batch: &PatrolBatchOf<T>,
		signature: &KeySignature<T>,
	) -> Result<[u8; 32], Error<T>> {
		let key = T::Registry::scheduler_key(&batch.scheduler).ok_or(Error::<T>::NotScheduler)?;
		ensure!(key.verify(&Self::batch_payload(batch), signature), Error::<T>::BadSignature);
		let current = T::MiningPool::current_period();
		ensure!(
			batch.period == current || batch.period.saturating_add(1) == current,
			Error::<T>::PeriodClosed
		);
		let record = Periods::<T>::get(batch.period).ok_or(Error::<T>::PeriodClosed)?;
		ensure!(
			!record.batches.iter().any(|b| b.scheduler == batch.scheduler),
			Error::<T>::AlreadySubmitted
		);
		ensure!(
			(record.batches.len() as u32) < T::MaxSchedulers::get(),
			Error::<T>::TooManyBatches
		);
		let output = draw_output(key.as_ref(), &record.draw.seed, batch.period, &batch.draw)
			.ok_or(Error::<T>::BadDraw)?;
		ensure!(!batch.results.is_empty(), Error::<T>::EmptyBatch);
		for (i, result) in batch.results.iter().enumerate() {
			ensure!(
				!batch.results[..i].iter().any(|r| r.peer == result.peer),
				Error::<T>::DuplicateTarget
			);
		}
		Ok(output)
	}

	/// Whether a batch of `period` whose draw had `output` may patrol `peer`: a failed audit
	/// requests it, or the draw selects it and it registered before the period began.
	pub(crate) fn eligible(
		peer: &T::AccountId,
		period: u32,
		output: &[u8; 32],
		draw: &PatrolDraw,
	) -> bool {
		Requests::<T>::contains_key(peer)
			|| (is_drawn(output, peer, draw)
				&& T::Registry::registered_in(peer).is_some_and(|since| since < period))
	}

	/// The transaction-pool check of [`Pallet::submit_results`].
	pub fn authorize_submit(
		_source: TransactionSource,
		batch: &PatrolBatchOf<T>,
		signature: &KeySignature<T>,
	) -> TransactionValidityWithRefund {
		Self::check_batch(batch, signature).map_err(|e| match e {
			Error::<T>::BadSignature | Error::<T>::BadDraw => InvalidTransaction::BadProof,
			Error::<T>::NotScheduler => InvalidTransaction::BadSigner,
			Error::<T>::PeriodClosed | Error::<T>::AlreadySubmitted => InvalidTransaction::Stale,
			_ => InvalidTransaction::Custom(e.encode().first().copied().unwrap_or(0)),
		})?;
		let validity = ValidTransaction::with_tag_prefix("PatrolBatch")
			.priority(TransactionPriority::MAX / 1024)
			.and_provides((batch.period, &batch.scheduler))
			.longevity(64)
			.propagate(true)
			.build()?;
		Ok((validity, Weight::zero()))
	}

	/// Record a checked batch's results, pay the passes, punish the wrong answers.
	pub(crate) fn apply_batch(batch: PatrolBatchOf<T>, output: [u8; 32]) {
		let period = batch.period;
		let Some(mut record) = Periods::<T>::get(period) else {
			frame_support::defensive!("a checked batch's period is kept");
			return;
		};
		let (mut recorded, mut skipped) = (0u32, 0u32);
		for result in batch.results.iter() {
			let peer = &result.peer;
			let skip = if !Self::eligible(peer, period, &output, &record.draw) {
				Some(SkipReason::NotDrawn)
			} else if !T::Registry::is_patrollable(peer) {
				Some(SkipReason::NotServing)
			} else if Self::patrolled(peer, period) {
				Some(SkipReason::AlreadyPatrolled)
			} else {
				None
			};
			if let Some(reason) = skip {
				skipped += 1;
				Self::deposit_event(Event::ResultSkipped { peer: peer.clone(), period, reason });
				continue;
			}
			recorded += 1;
			let mut quality = Quality::<T>::get(peer).unwrap_or_default();
			let wrong_before = quality.last_wrong;
			quality.record(result, period);
			match result.outcome {
				PatrolOutcome::Passed => {
					Requests::<T>::remove(peer);
					let reward = Self::pay_pass(peer, &mut record);
					if !reward.is_zero() {
						quality.rewarded = quality.rewarded.saturating_add(1);
					}
					Self::deposit_event(Event::Passed { peer: peer.clone(), period, reward });
				}
				PatrolOutcome::WrongAnswer(check) => {
					Requests::<T>::remove(peer);
					let repeated = wrong_before
						.is_some_and(|at| at < period && period - at <= record.failure_memory);
					let level = if repeated { PenaltyLevel::Suspend } else { PenaltyLevel::Warn };
					if let Err(e) = T::Penalties::penalize(peer, PenaltyReason::PatrolFailed, level)
					{
						log::warn!(target: LOG_TARGET, "cannot penalize {peer:?}: {e:?}");
					}
					Self::deposit_event(Event::WrongAnswer { peer: peer.clone(), period, check });
				}
				PatrolOutcome::Unanswered(check) => {
					Self::deposit_event(Event::Unanswered { peer: peer.clone(), period, check });
					Self::note_unanswered_request(peer);
				}
			}
			Quality::<T>::insert(peer, quality);
		}
		let pushed = record.batches.try_push(BatchRecord {
			scheduler: batch.scheduler.clone(),
			inputs: batch.inputs,
			results: batch.results.len() as u32,
		});
		if pushed.is_err() {
			frame_support::defensive!("a checked batch has room in its period");
		}
		Periods::<T>::insert(period, record);
		Self::deposit_event(Event::BatchAccepted {
			scheduler: batch.scheduler,
			period,
			inputs: batch.inputs,
			recorded,
			skipped,
		});
	}

	/// A patrol of `peer` went unanswered: if it is requested, count it; the
	/// [`MAX_UNANSWERED_REQUESTS`]th ends the request with a warning.
	fn note_unanswered_request(peer: &T::AccountId) {
		let Some(mut request) = Requests::<T>::get(peer) else { return };
		request.unanswered = request.unanswered.saturating_add(1);
		if request.unanswered < MAX_UNANSWERED_REQUESTS {
			Requests::<T>::insert(peer, request);
			return;
		}
		Requests::<T>::remove(peer);
		if let Err(e) =
			T::Penalties::penalize(peer, PenaltyReason::PatrolFailed, PenaltyLevel::Warn)
		{
			log::warn!(target: LOG_TARGET, "cannot penalize {peer:?}: {e:?}");
		}
		Self::deposit_event(Event::RequestExpired { peer: peer.clone(), since: request.since });
	}

	/// Pay a pass of the record's period, if the period still pays passes; the reward paid.
	fn pay_pass(peer: &T::AccountId, record: &mut PeriodPatrolsOf<T>) -> T::Balance {
		let reward = record.reward_per_pass;
		if reward.is_zero() || record.passes_paid >= record.rewarded_passes {
			return Zero::zero();
		}
		match T::MiningPool::pay_from_pool(peer, reward, PayoutPurpose::Patrol) {
			Ok(()) => {
				record.passes_paid += 1;
				record.paid = record.paid.saturating_add(reward);
				T::Registry::on_reward(peer, reward);
				reward
			}
			Err(e) => {
				log::warn!(target: LOG_TARGET, "cannot pay {peer:?} its patrol reward: {e:?}");
				Zero::zero()
			}
		}
	}
}

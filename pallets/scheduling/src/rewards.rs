//! Scheduling rewards: the scheduling share of each ledgering period's emission, split among
//! the scheduling peers by their credits — the holding fees paid in the period to the peers
//! they proposed — each capped at [`RewardCap`] of its credits.

use crate::*;
use pallet_token::{MiningPool, PayoutPurpose};
use sp_runtime::{
	helpers_128bit::multiply_by_rational_with_rounding, traits::Zero, Rounding, Saturating,
};

impl<T: Config> Pallet<T> {
	/// Credit `scheduler` with `amount` in `period`. A period that already credits
	/// [`Config::MaxSchedulers`] others drops the credit (scheduling peers are admitted by
	/// governance, which keeps them fewer).
	pub(crate) fn credit(period: u32, scheduler: T::AccountId, amount: BalanceOf<T>) {
		if amount.is_zero() {
			return;
		}
		Credits::<T>::mutate(period, |credits| {
			if let Some((_, total)) = credits.iter_mut().find(|(who, _)| *who == scheduler) {
				total.saturating_accrue(amount);
			} else if credits.try_push((scheduler, amount)).is_err() {
				log::warn!(target: "runtime::scheduling", "period {period}: credits full");
			}
		});
	}

	/// In the first block of a period (or the first block after a missed one), pay the
	/// credits of the earliest period before it that has credits not paid, one period per
	/// block: each scheduling peer still active gets `share × its credits / all credits`,
	/// rounded down; the rest stays in the pool.
	pub(crate) fn pay_scheduling_rewards(_n: BlockNumberFor<T>) -> Weight {
		let current = Self::current_period();
		let next = RewardsPaidBefore::<T>::get();
		if next >= current {
			return T::DbWeight::get().reads(1);
		}
		RewardsPaidBefore::<T>::put(next.saturating_add(1));
		let credits = Credits::<T>::take(next);
		if credits.is_empty() {
			return T::DbWeight::get().reads_writes(2, 2);
		}
		let share: u128 = T::MiningPool::period_emission(next).scheduling.into();
		let all: u128 = credits.iter().map(|(_, c)| (*c).into()).fold(0u128, u128::saturating_add);
		let cap = RewardCap::<T>::get();
		for (scheduler, credit) in credits.iter() {
			let part =
				multiply_by_rational_with_rounding(share, (*credit).into(), all, Rounding::Down)
					.and_then(|a| BalanceOf::<T>::try_from(a).ok())
					.unwrap_or_default();
			let amount = match cap {
				Some(cap) => part.min(cap.mul_floor(*credit)),
				None => part,
			};
			if amount.is_zero() {
				continue;
			}
			let paid = T::Registry::scheduler_key(scheduler).is_some()
				&& T::MiningPool::pay_from_pool(scheduler, amount, PayoutPurpose::Scheduling)
					.is_ok();
			Self::deposit_event(if paid {
				Event::SchedulerRewarded { period: next, scheduler: scheduler.clone(), amount }
			} else {
				Event::SchedulerRewardFailed { period: next, scheduler: scheduler.clone(), amount }
			});
		}
		T::WeightInfo::pay_rewards(credits.len() as u32)
	}
}

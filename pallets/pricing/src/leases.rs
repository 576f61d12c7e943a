//! DApp leases: a deposit on hold of `instances ×` the nominal instance price, re-priced
//! automatically when the price changes (`docs/pricing.md`).

use crate::{pallet::*, types::*, WeightInfo};
use frame_support::{
	pallet_prelude::*,
	traits::{fungible::MutateHold, tokens::Precision, Defensive},
};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::{traits::Saturating, SaturatedConversion};

impl<T: Config> Pallet<T> {
	/// The deposit `instances` instances need at `price`.
	pub fn lease_deposit(instances: u32, price: u128) -> u128 {
		price.saturating_mul(u128::from(instances))
	}

	/// Whether serving peers may open new sessions for `dapp`, as far as its lease goes.
	pub fn standing(dapp: &T::AccountId) -> Standing<BlockNumberFor<T>> {
		let Some(lease) = Leases::<T>::get(dapp) else { return Standing::NoLease };
		let required = Self::lease_deposit(lease.instances, Self::current_prices().instance);
		if lease.held >= required {
			return Standing::Good;
		}
		let shortfall = required - lease.held;
		let by = lease.top_up_by.unwrap_or_else(|| Self::top_up_deadline());
		if frame_system::Pallet::<T>::block_number() > by {
			Standing::Lapsed { shortfall }
		} else {
			Standing::TopUpDue { shortfall, by }
		}
	}

	/// The last block to top up a lease the latest price change left short.
	fn top_up_deadline() -> BlockNumberFor<T> {
		LeasePrice::<T>::get().1.saturating_add(T::TopUpGrace::get())
	}

	fn hold(dapp: &T::AccountId, amount: u128) -> DispatchResult {
		if amount == 0 {
			return Ok(());
		}
		T::Currency::hold(&HoldReason::Lease.into(), dapp, amount)
			.map_err(|_| Error::<T>::InsufficientBalance.into())
	}

	fn release(dapp: &T::AccountId, amount: u128) {
		if amount == 0 {
			return;
		}
		if let Err(e) =
			T::Currency::release(&HoldReason::Lease.into(), dapp, amount, Precision::Exact)
		{
			frame_support::defensive!("a lease's deposit is on hold", e);
		}
	}

	/// Lease `instances` at the instance price in force: hold or release the difference.
	pub(crate) fn do_lease(dapp: &T::AccountId, instances: u32) -> DispatchResult {
		let required = Self::lease_deposit(instances, Self::current_prices().instance);
		let previous = Leases::<T>::get(dapp);
		let held = previous.map_or(0, |l| l.held);
		if required > held {
			Self::hold(dapp, required - held)?;
		} else {
			Self::release(dapp, held - required);
		}
		Self::accrue_lease_usage();
		LeasedInstances::<T>::mutate(|total| {
			*total = total
				.saturating_sub(previous.map_or(0, |l| u64::from(l.instances)))
				.saturating_add(u64::from(instances))
		});
		Leases::<T>::insert(dapp, Lease { instances, held: required, top_up_by: None });
		Self::deposit_event(Event::Leased { dapp: dapp.clone(), instances, held: required });
		Ok(())
	}

	/// Put the lease's shortfall at the instance price in force on hold.
	pub(crate) fn do_top_up(dapp: &T::AccountId) -> DispatchResult {
		let mut lease = Leases::<T>::get(dapp).ok_or(Error::<T>::NoLease)?;
		let required = Self::lease_deposit(lease.instances, Self::current_prices().instance);
		ensure!(required > lease.held, Error::<T>::NothingToTopUp);
		let amount = required - lease.held;
		Self::hold(dapp, amount)?;
		lease.held = required;
		lease.top_up_by = None;
		Leases::<T>::insert(dapp, lease);
		Self::deposit_event(Event::LeaseToppedUp { dapp: dapp.clone(), amount });
		Ok(())
	}

	/// End the lease and release its deposit.
	pub(crate) fn do_end_lease(dapp: &T::AccountId) -> DispatchResult {
		let lease = Leases::<T>::take(dapp).ok_or(Error::<T>::NoLease)?;
		Self::release(dapp, lease.held);
		Self::accrue_lease_usage();
		LeasedInstances::<T>::mutate(|total| {
			*total = total.saturating_sub(u64::from(lease.instances))
		});
		Self::deposit_event(Event::LeaseEnded { dapp: dapp.clone(), released: lease.held });
		Ok(())
	}

	/// End `dapp`'s lease, if it has one, because it stopped being a DApp (it started leaving
	/// the registry, or was evicted): its whole deposit is released at once. The registry calls
	/// this (the runtime's `OnLeaving`); it weighs at most [`WeightInfo::end_lease`].
	pub fn end_lease_of_departed(dapp: &T::AccountId) {
		if Leases::<T>::contains_key(dapp) {
			let _ = Self::do_end_lease(dapp).defensive();
		}
	}

	/// Add the instance-blocks leased since [`LeaseUsage`]'s block to it, before the leased
	/// instances change.
	pub(crate) fn accrue_lease_usage() {
		let now = frame_system::Pallet::<T>::block_number();
		let leased = u128::from(LeasedInstances::<T>::get());
		LeaseUsage::<T>::mutate(|(since, used)| {
			let blocks: u128 = now.saturating_sub(*since).saturated_into();
			*used = used.saturating_add(leased.saturating_mul(blocks));
			*since = now;
		});
	}

	/// The instances leased on average over the cycle in progress so far, valued at
	/// `instance_price` (the leases in force at its first block when no block has passed).
	pub fn average_lease_value(instance_price: u128) -> u128 {
		let now = frame_system::Pallet::<T>::block_number();
		let leased = u128::from(LeasedInstances::<T>::get());
		let (since, used) = LeaseUsage::<T>::get();
		let since_then: u128 = now.saturating_sub(since).saturated_into();
		let used = used.saturating_add(leased.saturating_mul(since_then));
		let blocks: u128 = now.saturating_sub(CycleStart::<T>::get()).saturated_into();
		if blocks == 0 {
			return leased.saturating_mul(instance_price);
		}
		sp_runtime::helpers_128bit::multiply_by_rational_with_rounding(
			used,
			instance_price,
			blocks,
			sp_runtime::Rounding::Down,
		)
		.unwrap_or(u128::MAX)
	}

	/// The hook's share of lease work at block `n`: when the instance price in force changed,
	/// start a pass over the leases; while a pass runs, re-price [`Config::LeaseBatch`] leases.
	pub(crate) fn reprice_leases(n: BlockNumberFor<T>) -> Weight {
		let price = Self::prices_of_period(Self::period_of(n)).instance;
		if price != LeasePrice::<T>::get().0 {
			LeasePrice::<T>::put((price, n));
			LeaseRepricing::<T>::put(None::<T::AccountId>);
		}
		let Some(after) = LeaseRepricing::<T>::get() else {
			return T::WeightInfo::reprice_leases(0);
		};
		let batch = T::LeaseBatch::get() as usize;
		let leases: alloc::vec::Vec<_> = match after {
			None => Leases::<T>::iter().take(batch).collect(),
			Some(last) => {
				Leases::<T>::iter_from(Leases::<T>::hashed_key_for(&last)).take(batch).collect()
			}
		};
		let done = leases.len() as u32;
		let last = leases.last().map(|(dapp, _)| dapp.clone());
		for (dapp, lease) in leases {
			Self::reprice_lease(&dapp, lease, price);
		}
		match last {
			Some(last) if done as usize == batch => LeaseRepricing::<T>::put(Some(last)),
			_ => LeaseRepricing::<T>::kill(),
		}
		T::WeightInfo::reprice_leases(done)
	}

	/// Bring one lease's deposit to `instances × price`: release the excess, or hold the
	/// shortfall from the free balance, or give the DApp until the grace period ends.
	fn reprice_lease(dapp: &T::AccountId, mut lease: Lease<BlockNumberFor<T>>, price: u128) {
		let required = Self::lease_deposit(lease.instances, price);
		if lease.held > required {
			let amount = lease.held - required;
			Self::release(dapp, amount);
			lease.held = required;
			lease.top_up_by = None;
			Self::deposit_event(Event::LeaseReleased { dapp: dapp.clone(), amount });
		} else if lease.held < required {
			let amount = required - lease.held;
			if Self::hold(dapp, amount).is_ok() {
				lease.held = required;
				lease.top_up_by = None;
				Self::deposit_event(Event::LeaseToppedUp { dapp: dapp.clone(), amount });
			} else if lease.top_up_by.is_none() {
				let by = Self::top_up_deadline();
				lease.top_up_by = Some(by);
				Self::deposit_event(Event::TopUpDue { dapp: dapp.clone(), shortfall: amount, by });
			}
		} else {
			lease.top_up_by = None;
		}
		Leases::<T>::insert(dapp, lease);
	}
}

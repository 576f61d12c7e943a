//! The pallet's invariants, checked by `try_state` after every test and by `try-runtime`.

use crate::{pallet::*, DAppRegistry};
use frame_support::traits::{fungible::InspectHold, Get};
use sp_runtime::{Perbill, TryRuntimeError};

impl<T: Config> Pallet<T> {
	/// - the price history is not empty, its periods increase and every price is above zero;
	/// - the cycle records and the averaging window are in cycle order;
	/// - the step bound is below 100 %;
	/// - every lease holds between 1 and [`Config::MaxInstances`] instances, its recorded
	///   deposit is exactly what the currency holds for it, its holder is a DApp (a DApp that
	///   leaves loses its lease), and the leased instances add up;
	/// - once a pass over the leases is done, every lease holds its instances at the price
	///   it was re-priced to, or is short with a top-up deadline.
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		let history = PriceHistory::<T>::get();
		ensure_that(!history.is_empty(), "the price history is never empty")?;
		ensure_that(
			history.windows(2).all(|w| w[0].from_period < w[1].from_period),
			"the price history's periods increase",
		)?;
		ensure_that(
			history.iter().all(|entry| Self::all_priced(&entry.prices)),
			"every price in the history is above zero",
		)?;
		ensure_that(
			CycleRecords::<T>::get().windows(2).all(|w| w[0].cycle < w[1].cycle),
			"the cycle records are in cycle order",
		)?;
		ensure_that(
			CycleRecords::<T>::get().last().is_none_or(|r| r.cycle == CurrentCycle::<T>::get()),
			"the last cycle record is the cycle in progress",
		)?;
		ensure_that(
			Parameters::<T>::get().max_step < Perbill::one(),
			"the step bound is below 100 %",
		)?;

		ensure_that(
			LeaseUsage::<T>::get().0 >= CycleStart::<T>::get(),
			"the leases' use is counted from within the cycle in progress",
		)?;
		let (price, _) = LeasePrice::<T>::get();
		let settled = LeaseRepricing::<T>::get().is_none();
		let mut instances = 0u64;
		for (dapp, lease) in Leases::<T>::iter() {
			ensure_that(
				(1..=T::MaxInstances::get()).contains(&lease.instances),
				"a lease holds between 1 and MaxInstances instances",
			)?;
			ensure_that(
				T::Currency::balance_on_hold(&HoldReason::Lease.into(), &dapp) == lease.held,
				"a lease's recorded deposit is what is on hold",
			)?;
			ensure_that(T::DApps::is_dapp(&dapp), "every lease belongs to a DApp")?;
			instances += u64::from(lease.instances);
			if settled && Self::current_prices().instance == price {
				let required = Self::lease_deposit(lease.instances, price);
				ensure_that(
					lease.held == required || (lease.held < required && lease.top_up_by.is_some()),
					"a re-priced lease holds its instances at the price, or has a top-up deadline",
				)?;
			}
		}
		ensure_that(instances == LeasedInstances::<T>::get(), "the leased instances add up")?;
		Ok(())
	}
}

fn ensure_that(condition: bool, message: &'static str) -> Result<(), TryRuntimeError> {
	if condition {
		Ok(())
	} else {
		Err(message.into())
	}
}

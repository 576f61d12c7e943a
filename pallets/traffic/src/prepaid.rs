//! Prepaid traffic: until the pricing pallet bills DApps, the paid traffic that backs reports is
//! what DApps prepay at the flat price ([`Pallet::buy_traffic`]).
//!
//! The fees stay on hold on the DApp's account ([`HoldReason::PrepaidTraffic`]). When a report
//! that passed its audit counts bytes, their share of the fees leaves the hold for the pools; a
//! DApp may withdraw the rest after a notice ([`Pallet::announce_withdrawal`]), so a client key
//! the DApp no longer trusts stops costing it anything (issue 14, finding 8).

use crate::*;
use frame_support::traits::{
	fungible::{BalancedHold, MutateHold},
	tokens::{Imbalance, Precision},
};

/// Prepaid traffic as the paid traffic the settlement counts: a claim takes the DApp's fees
/// in proportion to the bytes it takes, from the hold into the pools.
impl<T: Config> TrafficBilling<T::AccountId, T::Balance> for Pallet<T> {
	fn unclaimed_paid_bytes(dapp: &T::AccountId, report_period: u32) -> u128 {
		let bytes = Prepaid::<T>::get(dapp).bytes;
		match Withdrawals::<T>::get(dapp) {
			Some(w) if report_period > w.period => bytes.saturating_sub(w.bytes),
			_ => bytes,
		}
	}

	fn claim_paid_bytes(dapp: &T::AccountId, bytes: u128) -> T::Balance {
		let fee = Self::take_prepaid(dapp, bytes);
		if fee.is_zero() {
			return fee;
		}
		let (credit, missing) =
			<T::Currency as BalancedHold<_>>::slash(&HoldReason::PrepaidTraffic.into(), dapp, fee);
		if !missing.is_zero() {
			defensive!("prepaid traffic's fees were not all on hold");
		}
		let taken = credit.peek();
		T::Revenue::recycle_held_revenue(dapp, credit);
		taken
	}
}

impl<T: Config> Pallet<T> {
	/// The first block of the period after `period`'s successor's report window: by then the
	/// reports of `period` were all submitted (and reserved what they could).
	pub fn withdrawal_due(period: u32) -> BlockNumberFor<T> {
		Self::period_start(period.saturating_add(1)).saturating_add(T::ReportWindow::get().into())
	}

	/// `dapp`'s prepaid bytes that no report has claimed or reserved.
	pub fn unreserved_prepaid_bytes(dapp: &T::AccountId) -> u128 {
		Prepaid::<T>::get(dapp).bytes.saturating_sub(Reserved::<T>::get(dapp))
	}

	/// Take up to `bytes` of `dapp`'s prepaid traffic off its record; returns their share of
	/// the fees (all that is left when no bytes are left). The caller moves the fee.
	fn take_prepaid(dapp: &T::AccountId, bytes: u128) -> T::Balance {
		Prepaid::<T>::mutate_exists(dapp, |entry| {
			let Some(p) = entry else { return Zero::zero() };
			let taken = bytes.min(p.bytes);
			let fee: T::Balance = if taken == p.bytes {
				p.fees
			} else {
				sp_runtime::helpers_128bit::multiply_by_rational_with_rounding(
					p.fees.saturated_into::<u128>(),
					taken,
					p.bytes.max(1),
					Rounding::Down,
				)
				.unwrap_or(0)
				.saturated_into()
			};
			p.bytes = p.bytes.saturating_sub(taken);
			p.fees = p.fees.saturating_sub(fee);
			if p.bytes == 0 {
				*entry = None;
			}
			fee
		})
	}

	/// Withdraw `bytes` of `dapp`'s prepaid traffic: release their fees from hold.
	pub(crate) fn withdraw_prepaid_bytes(
		dapp: &T::AccountId,
		bytes: u128,
	) -> Result<T::Balance, DispatchError> {
		if bytes == 0 {
			return Ok(Zero::zero());
		}
		let fee = Self::take_prepaid(dapp, bytes);
		if !fee.is_zero() {
			T::Currency::release(&HoldReason::PrepaidTraffic.into(), dapp, fee, Precision::Exact)?;
		}
		Ok(fee)
	}
}

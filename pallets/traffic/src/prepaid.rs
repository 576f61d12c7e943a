//! Prepaid traffic: until the pricing pallet bills DApps, the paid traffic that backs reports is
//! what DApps prepay at the flat price ([`Pallet::buy_traffic`]).
//!
//! The fees wait in the pallet's escrow account ([`Pallet::prepaid_escrow`]). When a report
//! that passed its audit counts bytes, their share of the fees goes from the escrow to the
//! pools; a DApp may withdraw the rest after a notice ([`Pallet::announce_withdrawal`]), so a
//! client key the DApp no longer trusts stops costing it anything (issue 14, finding 8).
//!
//! An escrow account, not a hold on the DApp's account: holds may overlap freezes, so fees held
//! on a locked or vesting balance would let the DApp spend locked SPB on traffic, and self-deal
//! it into liquid rewards (the attacker review of this change). A transfer respects freezes.

use crate::*;
use frame_support::traits::{
	fungible::{Balanced, Mutate},
	tokens::{Fortitude, Imbalance, Precision, Preservation},
};
use sp_runtime::traits::AccountIdConversion;

/// Prepaid traffic as the paid traffic the settlement counts: a claim takes the DApp's fees
/// in proportion to the bytes it takes, from the escrow into the pools.
impl<T: Config> TrafficBilling<T::AccountId, T::Balance> for Pallet<T> {
	fn unclaimed_paid_bytes(dapp: &T::AccountId, from_period: u32) -> u128 {
		let bytes = Prepaid::<T>::get(dapp).bytes;
		match Withdrawals::<T>::get(dapp) {
			Some(w) if from_period > w.period => bytes.saturating_sub(w.bytes),
			_ => bytes,
		}
	}

	fn claim_paid_bytes(dapp: &T::AccountId, bytes: u128) -> T::Balance {
		let fee = Self::take_prepaid(dapp, bytes);
		if fee.is_zero() {
			return fee;
		}
		// The escrow keeps its existential deposit; the fees are all above it.
		let credit = match T::Currency::withdraw(
			&Self::prepaid_escrow(),
			fee,
			Precision::BestEffort,
			Preservation::Preserve,
			Fortitude::Polite,
		) {
			Ok(credit) => credit,
			Err(e) => {
				defensive!("the escrow holds every prepaid fee", e);
				return Zero::zero();
			}
		};
		let taken: T::Balance = credit.peek();
		if taken != fee {
			defensive!("the escrow held less than a prepaid fee");
		}
		T::Revenue::recycle_held_revenue(dapp, credit);
		taken
	}
}

impl<T: Config> Pallet<T> {
	/// The escrow account of prepaid traffic's fees.
	pub fn prepaid_escrow() -> T::AccountId {
		PREPAID_ESCROW.into_account_truncating()
	}

	/// The first block at which a withdrawal announced in `period` may be made: after the
	/// report window of the last report that may carry receipts of `period` (one of period
	/// `period + MaxRollover`).
	pub fn withdrawal_due(period: u32) -> BlockNumberFor<T> {
		Self::period_start(period.saturating_add(T::MaxRollover::get()).saturating_add(1))
			.saturating_add(T::ReportWindow::get().into())
	}

	/// `dapp`'s prepaid bytes that no report has claimed or reserved.
	pub fn unreserved_prepaid_bytes(dapp: &T::AccountId) -> u128 {
		Prepaid::<T>::get(dapp).bytes.saturating_sub(Reserved::<T>::get(dapp))
	}

	/// A report with receipts from `from_period` is about to reserve `backing` of `dapp`'s
	/// paid bytes. If the DApp announced a withdrawal that such a report may still draw on, the
	/// part of the reservation that the DApp's unannounced free bytes cannot cover is taken
	/// from the announcement: those bytes are no longer the DApp's to withdraw, and reports of
	/// later receipts must not lose them twice (the attacker reviews of this change). Returns
	/// the part taken, which [`Self::return_announced`] gives back if the report is not
	/// counted.
	pub(crate) fn note_reservation(dapp: &T::AccountId, from_period: u32, backing: u128) -> u128 {
		Withdrawals::<T>::mutate(dapp, |w| {
			let Some(w) = w.as_mut().filter(|w| from_period <= w.period) else { return 0 };
			let free = Prepaid::<T>::get(dapp)
				.bytes
				.saturating_sub(Reserved::<T>::get(dapp))
				.saturating_sub(w.bytes);
			let taken = backing.saturating_sub(free).min(w.bytes);
			w.bytes = w.bytes.saturating_sub(taken);
			taken
		})
	}

	/// A report that took `amount` of `dapp`'s announced bytes was dropped or failed: they are
	/// the DApp's to withdraw again, if its announcement still covers the report's receipts.
	/// (A peer's false report naming the DApp cannot shrink its withdrawal for good.)
	pub(crate) fn return_announced(dapp: &T::AccountId, from_period: u32, amount: u128) {
		Withdrawals::<T>::mutate(dapp, |w| {
			if let Some(w) = w.as_mut().filter(|w| from_period <= w.period) {
				// Never more than the DApp's unreserved bytes.
				let unreserved = Self::unreserved_prepaid_bytes(dapp);
				w.bytes = w.bytes.saturating_add(amount).min(unreserved);
			}
		});
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

	/// Withdraw `bytes` of `dapp`'s prepaid traffic: the escrow pays their fees back.
	pub(crate) fn withdraw_prepaid_bytes(
		dapp: &T::AccountId,
		bytes: u128,
	) -> Result<T::Balance, DispatchError> {
		if bytes == 0 {
			return Ok(Zero::zero());
		}
		let fee = Self::take_prepaid(dapp, bytes);
		if !fee.is_zero() {
			T::Currency::transfer(&Self::prepaid_escrow(), dapp, fee, Preservation::Preserve)?;
		}
		Ok(fee)
	}
}

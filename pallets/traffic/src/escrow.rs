//! The traffic escrow and the bills per ledgering period (whitepaper ch.3 §2 iii: "throughput
//! consumption of per period, charged at a quantitative price").
//!
//! A DApp funds its **traffic escrow** in SPB ([`Pallet::fund_traffic`]); the funds wait in the
//! pallet's escrow account ([`Pallet::traffic_escrow`]). The bytes Proof-of-Traffic counts for
//! the DApp in a ledgering period are **billed** at that period's nominal traffic price
//! ([`Config::Prices`]): the bill goes from the escrow into the pools as DApp revenue
//! (0.5 % to the foundation, the rest to the mining pool) and is recorded per period
//! ([`Bills`]). A DApp may withdraw what no report reserved after a notice
//! ([`Pallet::announce_withdrawal`]), so a client key the DApp no longer trusts stops costing it
//! anything (issue 14, finding 8).
//!
//! **Paid bytes.** The traffic pallet thinks in bytes: a DApp's paid bytes in period `p` are
//! its escrow divided by `p`'s price, rounded down, and a claim of `b` bytes costs `b ×` the
//! price, rounded down. Reports reserve bytes of the one period whose reports are pending, so a
//! price that changes at a period boundary never re-prices a reservation. Rounding down on both
//! sides keeps every reservation covered (`docs/pricing.md`).
//!
//! An escrow account, not a hold on the DApp's account: holds may overlap freezes, so fees held
//! on a locked or vesting balance would let the DApp spend locked SPB on traffic, and self-deal
//! it into liquid rewards (the attacker review of issue 14). A transfer respects freezes.

use crate::*;
use frame_support::traits::{
	fungible::{Balanced, Mutate},
	tokens::{Fortitude, Imbalance, Precision, Preservation},
};
use sp_runtime::traits::AccountIdConversion;

/// Bytes in a GiB: prices are per GiB.
pub const GIB: u128 = 1 << 30;

/// The escrow as the paid traffic the settlement counts: a claim bills the DApp's escrow at the
/// period's price, from the escrow into the pools.
impl<T: Config> TrafficBilling<T::AccountId, T::Balance> for Pallet<T> {
	fn unclaimed_paid_bytes(dapp: &T::AccountId, from_period: u32, period: u32) -> u128 {
		let funds = Escrow::<T>::get(dapp);
		let usable = match Withdrawals::<T>::get(dapp) {
			Some(w) if from_period > w.period => funds.saturating_sub(w.amount),
			_ => funds,
		};
		Self::bytes_for(usable, period)
	}

	fn claim_paid_bytes(dapp: &T::AccountId, bytes: u128, period: u32) -> T::Balance {
		let funds = Escrow::<T>::get(dapp);
		let bill = Self::cost_of(bytes, period).min(funds);
		if bill.is_zero() {
			return bill;
		}
		// The escrow keeps its existential deposit; the funds are all above it.
		let credit = match T::Currency::withdraw(
			&Self::traffic_escrow(),
			bill,
			Precision::BestEffort,
			Preservation::Preserve,
			Fortitude::Polite,
		) {
			Ok(credit) => credit,
			Err(e) => {
				defensive!("the escrow holds every DApp's funds", e);
				return Zero::zero();
			}
		};
		let taken: T::Balance = credit.peek();
		if taken != bill {
			defensive!("the escrow held less than a DApp's funds");
		}
		Escrow::<T>::mutate_exists(dapp, |f| {
			let left = f.unwrap_or_default().saturating_sub(taken);
			*f = (!left.is_zero()).then_some(left);
		});
		Bills::<T>::mutate(period, dapp, |b| {
			b.bytes = b.bytes.saturating_add(bytes);
			b.amount = b.amount.saturating_add(taken);
		});
		T::Prices::note_bill(taken);
		T::Revenue::recycle_escrowed_revenue(dapp, credit);
		taken
	}
}

impl<T: Config> Pallet<T> {
	/// The escrow account of DApps' traffic funds.
	pub fn traffic_escrow() -> T::AccountId {
		TRAFFIC_ESCROW.into_account_truncating()
	}

	/// The bytes `amount` pays for at period `period`'s traffic price, rounded down (none at a
	/// price of zero, which the pricing pallet never sets).
	pub fn bytes_for(amount: T::Balance, period: u32) -> u128 {
		let price: u128 = T::Prices::price_per_gib(period).saturated_into();
		if price == 0 {
			return 0;
		}
		sp_runtime::helpers_128bit::multiply_by_rational_with_rounding(
			amount.saturated_into(),
			GIB,
			price,
			Rounding::Down,
		)
		.unwrap_or(u128::MAX)
	}

	/// The bill for `bytes` at period `period`'s traffic price, rounded down.
	pub fn cost_of(bytes: u128, period: u32) -> T::Balance {
		Self::cost_rounded(bytes, period, Rounding::Down)
	}

	/// What `bytes` cost at period `period`'s traffic price, rounded `rounding`.
	fn cost_rounded(bytes: u128, period: u32, rounding: Rounding) -> T::Balance {
		let price: u128 = T::Prices::price_per_gib(period).saturated_into();
		sp_runtime::helpers_128bit::multiply_by_rational_with_rounding(bytes, price, GIB, rounding)
			.unwrap_or(u128::MAX)
			.saturated_into()
	}

	/// The period whose reports are pending, and whose price values their reservations.
	pub(crate) fn reservation_period() -> u32 {
		NextToSettle::<T>::get()
	}

	/// `dapp`'s funds that no report reserved, were `extra` more bytes reserved: the escrow less
	/// the reservations' value at the pending period's price, rounded **up**, so that what a
	/// withdrawal leaves still pays for every reserved byte (`⌊⌈R·p⌉ / p⌋ ≥ R`; the attacker
	/// review of issue 15). Bills round down piece by piece, so the reservations are never
	/// billed more than that; the planck of rounding stays in the escrow, the DApp's to
	/// withdraw with its next announcement.
	fn funds_left_after(dapp: &T::AccountId, extra: u128) -> T::Balance {
		let reserved = Reserved::<T>::get(dapp).saturating_add(extra);
		let cost = Self::cost_rounded(reserved, Self::reservation_period(), Rounding::Up);
		Escrow::<T>::get(dapp).saturating_sub(cost)
	}

	/// `dapp`'s funds that no report reserved: what a withdrawal may take.
	pub fn unreserved_funds(dapp: &T::AccountId) -> T::Balance {
		Self::funds_left_after(dapp, 0)
	}

	/// The bytes `dapp`'s funds that no report reserved (valued at the pending reports'
	/// price) and no announced withdrawal takes pay for at period `period`'s price: what a
	/// serving peer may still serve it now. (Reservations are bytes at the pending period's
	/// price, which may differ from `period`'s: they are valued as funds first.)
	pub fn unreserved_paid_bytes(dapp: &T::AccountId, period: u32) -> u128 {
		let announced = Withdrawals::<T>::get(dapp).map_or(Zero::zero(), |w| w.amount);
		Self::bytes_for(Self::unreserved_funds(dapp).saturating_sub(announced), period)
	}

	/// The first block at which a withdrawal announced in `period` may be made: after the
	/// report window of the last report that may carry receipts of `period` (one of period
	/// `period + MaxRollover`).
	pub fn withdrawal_due(period: u32) -> BlockNumberFor<T> {
		Self::period_start(period.saturating_add(T::MaxRollover::get()).saturating_add(1))
			.saturating_add(T::ReportWindow::get().into())
	}

	/// A report with receipts from `from_period` is about to reserve (or claim) `backing` more
	/// of `dapp`'s paid bytes, not yet in [`Reserved`]. If the DApp announced a withdrawal that such a report may still draw on, the
	/// announcement shrinks to what the reservations leave, so that the announced funds and the
	/// reservations never overlap: those funds are no longer the DApp's to withdraw, and reports
	/// of later receipts must not lose them twice (the attacker reviews of issue 14). Returns
	/// the funds taken from the announcement, which [`Self::return_announced`] gives back if the
	/// report is not counted.
	pub(crate) fn note_reservation(
		dapp: &T::AccountId,
		from_period: u32,
		backing: u128,
	) -> T::Balance {
		if backing == 0 {
			return Zero::zero();
		}
		let unreserved = Self::funds_left_after(dapp, backing);
		Withdrawals::<T>::mutate(dapp, |w| {
			let Some(w) = w.as_mut().filter(|w| from_period <= w.period) else {
				return Zero::zero();
			};
			let kept = w.amount.min(unreserved);
			let taken = w.amount.saturating_sub(kept);
			w.amount = kept;
			taken
		})
	}

	/// A report that took `amount` of `dapp`'s announced funds was dropped or failed: they are
	/// the DApp's to withdraw again, if its announcement still covers the report's receipts.
	/// (A peer's false report naming the DApp cannot shrink its withdrawal for good.)
	pub(crate) fn return_announced(dapp: &T::AccountId, from_period: u32, amount: T::Balance) {
		let unreserved = Self::unreserved_funds(dapp);
		Withdrawals::<T>::mutate(dapp, |w| {
			if let Some(w) = w.as_mut().filter(|w| from_period <= w.period) {
				// Never more than the DApp's unreserved funds.
				w.amount = w.amount.saturating_add(amount).min(unreserved);
			}
		});
	}

	/// Pay `amount` of `dapp`'s funds back from the escrow.
	pub(crate) fn withdraw_funds(dapp: &T::AccountId, amount: T::Balance) -> DispatchResult {
		if amount.is_zero() {
			return Ok(());
		}
		T::Currency::transfer(&Self::traffic_escrow(), dapp, amount, Preservation::Preserve)?;
		Escrow::<T>::mutate_exists(dapp, |f| {
			let left = f.unwrap_or_default().saturating_sub(amount);
			*f = (!left.is_zero()).then_some(left);
		});
		Ok(())
	}
}

//! Prepaid traffic: until the pricing pallet bills DApps, the paid traffic that backs reports is
//! what DApps prepay at the flat price ([`Pallet::buy_traffic`]).

use crate::*;

/// Prepaid traffic as the paid traffic the settlement counts: a claim takes the DApp's fees
/// in proportion to the bytes it takes.
impl<T: Config> TrafficBilling<T::AccountId, T::Balance> for Pallet<T> {
	fn unclaimed_paid_bytes(dapp: &T::AccountId) -> u128 {
		Prepaid::<T>::get(dapp).bytes
	}

	fn claim_paid_bytes(dapp: &T::AccountId, bytes: u128) -> T::Balance {
		Prepaid::<T>::mutate_exists(dapp, |entry| {
			let Some(p) = entry else { return Zero::zero() };
			let taken = bytes.min(p.bytes);
			let fee: T::Balance = sp_runtime::helpers_128bit::multiply_by_rational_with_rounding(
				p.fees.saturated_into::<u128>(),
				taken,
				p.bytes.max(1),
				Rounding::Down,
			)
			.unwrap_or(0)
			.saturated_into();
			p.bytes = p.bytes.saturating_sub(taken);
			p.fees = p.fees.saturating_sub(fee);
			if p.bytes == 0 {
				*entry = None;
			}
			fee
		})
	}
}

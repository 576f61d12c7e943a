//! Runtime API of `pallet-pricing`: what wallets, explorers, the `spacebook` CLI and a serving
//! peer's data plane ask of nominal pricing.
//!
//! - [`PricingApi::prices`]: the price list in force, and the one that applies from the next
//!   period if it differs.
//! - [`PricingApi::cycles`]: the last pricing cycles' inputs and outputs.
//! - [`PricingApi::dapp`]: a DApp's lease, its standing, its traffic escrow and its bills.
#![cfg_attr(not(feature = "std"), no_std)]
#![warn(missing_docs)]

extern crate alloc;

use alloc::vec::Vec;
use codec::Codec;
pub use spacebook_pricing_primitives::{
	BillView, CycleRecord, DAppAccount, EffectivePrices, Lease, PriceList, PricesView, Standing,
};

sp_api::decl_runtime_apis! {
	/// Nominal pricing.
	pub trait PricingApi<AccountId, Balance, BlockNumber>
	where
		AccountId: Codec,
		Balance: Codec,
		BlockNumber: Codec,
	{
		/// The prices in force and any list set for later.
		fn prices() -> PricesView;
		/// The last pricing cycles, oldest first.
		fn cycles() -> Vec<CycleRecord>;
		/// `dapp`'s lease, standing, escrow and bills.
		fn dapp(dapp: AccountId) -> DAppAccount<Balance, BlockNumber>;
	}
}

//! The answers of the `PricingApi` runtime API.

use crate::types::{EffectivePrices, Lease, PriceList, Standing};
use alloc::vec::Vec;
use codec::{Decode, Encode};
use scale_info::TypeInfo;

/// The prices a wallet shows.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct PricesView {
	/// The ledgering period in progress.
	pub period: u32,
	/// The pricing cycle in progress.
	pub cycle: u32,
	/// Ledgering periods in a pricing cycle.
	pub cycle_periods: u32,
	/// The prices in force.
	pub current: PriceList<u128>,
	/// A list set for a later period (by governance during this period), if any.
	pub next: Option<EffectivePrices>,
}

/// One period's bill of a DApp.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct BillView<Balance> {
	/// The ledgering period of the traffic.
	pub period: u32,
	/// The bytes Proof-of-Traffic counted.
	pub bytes: u128,
	/// What they cost at the period's price.
	pub amount: Balance,
}

/// A DApp's account with the network: its lease and its traffic.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct DAppAccount<Balance, BlockNumber> {
	/// Its lease, if any.
	pub lease: Option<Lease<BlockNumber>>,
	/// Whether serving peers open its new sessions, as far as the lease goes.
	pub standing: Standing<BlockNumber>,
	/// Its traffic funds not billed yet.
	pub escrow: Balance,
	/// Its announced withdrawal: the funds and the first block it may be made.
	pub withdrawal: Option<(Balance, BlockNumber)>,
	/// The bytes its funds pay for this period that no pending report reserved.
	pub available_bytes: u128,
	/// Its bills of the periods kept, oldest first.
	pub bills: Vec<BillView<Balance>>,
}

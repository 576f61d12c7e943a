//! The price list: a nominal price per resource unit (`docs/pricing.md`).

use crate::formula::{reprice, Repricing, SupplyAndDemand};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_arithmetic::Perbill;

/// A resource unit with a nominal price.
#[derive(
	Clone,
	Copy,
	Debug,
	PartialEq,
	Eq,
	PartialOrd,
	Ord,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub enum ResourceUnit {
	/// An instance: one CPU core, 100 Mbit/s of bandwidth, 500 GB of disk (whitepaper ch.3 §2
	/// iii). DApp leases are counted in instances.
	Instance,
	/// A GiB of traffic served, billed per ledgering period.
	TrafficGib,
	/// A GB stored for a month, for the storage orders to come.
	StorageGbMonth,
}

impl ResourceUnit {
	/// Every unit, in the price list's order.
	pub const ALL: [ResourceUnit; 3] =
		[ResourceUnit::Instance, ResourceUnit::TrafficGib, ResourceUnit::StorageGbMonth];
}

/// A price (or any amount) per resource unit: typed and bounded, one field per unit.
#[derive(
	Clone,
	Copy,
	Debug,
	Default,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	serde::Serialize,
	serde::Deserialize,
)]
#[serde(rename_all = "camelCase")]
pub struct PriceList<Balance> {
	/// Per instance (a DApp lease's deposit is `instances ×` this).
	pub instance: Balance,
	/// Per GiB of traffic.
	pub traffic_gib: Balance,
	/// Per GB-month of storage.
	pub storage_gb_month: Balance,
}

impl<Balance: Copy> PriceList<Balance> {
	/// The price of `unit`.
	pub fn get(&self, unit: ResourceUnit) -> Balance {
		match unit {
			ResourceUnit::Instance => self.instance,
			ResourceUnit::TrafficGib => self.traffic_gib,
			ResourceUnit::StorageGbMonth => self.storage_gb_month,
		}
	}

	/// Set the price of `unit`.
	pub fn set(&mut self, unit: ResourceUnit, price: Balance) {
		match unit {
			ResourceUnit::Instance => self.instance = price,
			ResourceUnit::TrafficGib => self.traffic_gib = price,
			ResourceUnit::StorageGbMonth => self.storage_gb_month = price,
		}
	}
}

/// `a` for every unit: the arithmetic mean of each unit's price over `history` (the last
/// cycles' price lists), rounding down; zero prices for an empty history.
pub fn average_list<'a>(
	history: impl IntoIterator<Item = &'a PriceList<u128>> + Clone,
) -> PriceList<u128> {
	let mut average = PriceList::default();
	for unit in ResourceUnit::ALL {
		average
			.set(unit, crate::formula::average(history.clone().into_iter().map(|p| p.get(unit))));
	}
	average
}

/// What a pricing cycle made of each unit's price.
pub type CycleOutcome = [(ResourceUnit, Repricing); 3];

/// Re-price every unit of `previous` by the formula: with its average over the last cycles in
/// `averages` (`a`), its competitors' price in `competitors` (`A`), the cycle's `market` and the
/// step bound. A unit without a competitor price keeps its price. Returns the new list and what
/// happened to each unit.
pub fn reprice_list(
	previous: &PriceList<u128>,
	averages: &PriceList<u128>,
	competitors: &PriceList<u128>,
	market: &SupplyAndDemand,
	max_step: Perbill,
) -> (PriceList<u128>, CycleOutcome) {
	let mut next = *previous;
	let outcome = ResourceUnit::ALL.map(|unit| {
		let result = reprice(
			previous.get(unit),
			averages.get(unit),
			competitors.get(unit),
			market,
			max_step,
		);
		if let Repricing::Priced { price, .. } = result {
			next.set(unit, price);
		}
		(unit, result)
	});
	(next, outcome)
}

/// The derives every stored or emitted pricing type has.
macro_rules! stored {
	($item:item) => {
		#[derive(
			Clone,
			Copy,
			Debug,
			PartialEq,
			Eq,
			Encode,
			Decode,
			DecodeWithMemTracking,
			MaxEncodedLen,
			TypeInfo,
		)]
		$item
	};
}

stored! {
/// A price list and the first ledgering period it applies to: an entry of the price history.
/// Traffic of a period is billed at the list in effect for that period.
pub struct EffectivePrices {
	/// The first ledgering period the list applies to.
	pub from_period: u32,
	/// The pricing cycle it was set in.
	pub cycle: u32,
	/// The prices.
	pub prices: PriceList<u128>,
}
}

stored! {
/// The competitors' prices (`A`, per unit, in SPB at the SPB market price) and when they were
/// observed, as the governance origin last set them.
pub struct CompetitorQuote {
	/// The price of each unit's equivalent at the main competitors, converted to SPB.
	pub prices: PriceList<u128>,
	/// When the prices were observed, in milliseconds since the Unix epoch.
	pub observed_at: u64,
}
}

stored! {
/// The pricing parameters the governance origin sets.
pub struct PricingParameters {
	/// How far a cycle may move a price, up or down, as a part of the previous price.
	pub max_step: Perbill,
	/// How long a competitor quote stays valid after it was observed, in milliseconds; a cycle
	/// with an older quote (or none) keeps its prices.
	pub quote_validity_ms: u64,
}
}

impl Default for PricingParameters {
	/// A tenth per cycle, a quote valid for 31 days: what genesis sets on a production chain.
	fn default() -> Self {
		Self { max_step: Perbill::from_percent(10), quote_validity_ms: 31 * 24 * 3_600_000 }
	}
}

stored! {
/// Why a pricing cycle kept a price.
pub enum FreezeReason {
	/// No competitor quote was ever set.
	NoQuote,
	/// The competitor quote is older than its validity.
	StaleQuote,
	/// The quote has no competitor price for the unit (`A = 0`).
	NoCompetitorPrice,
}
}

stored! {
/// What one pricing cycle did: its inputs and the price list it produced. The last few are kept
/// for explorers (the pallet's `CycleRecords`).
pub struct CycleRecord {
	/// The cycle that begins with these prices.
	pub cycle: u32,
	/// The first ledgering period the prices apply to.
	pub from_period: u32,
	/// `S`, `S1`, `D` and `D1`.
	pub market: SupplyAndDemand,
	/// The prices before the cycle.
	pub previous: PriceList<u128>,
	/// `a`: each unit's average over the last cycles.
	pub averages: PriceList<u128>,
	/// `A`: the competitor quote used, if it was valid.
	pub quote: Option<CompetitorQuote>,
	/// The prices the cycle set.
	pub prices: PriceList<u128>,
	/// Why the prices were kept, if they were all kept.
	pub frozen: Option<FreezeReason>,
}
}

stored! {
/// A DApp's lease of instances (whitepaper ch.3 §2 iii: "lock-up a certain amount of grid
/// computing resources"). Its deposit on hold follows `instances ×` the nominal instance price.
pub struct Lease<BlockNumber> {
	/// The instances leased.
	pub instances: u32,
	/// The deposit on hold for them.
	pub held: u128,
	/// When the deposit fell short of `instances ×` the price: the DApp must top up by this
	/// block, after which serving peers refuse its new sessions.
	pub top_up_by: Option<BlockNumber>,
}
}

stored! {
/// Whether a DApp may open new sessions, as far as its lease goes: what serving peers read.
pub enum Standing<BlockNumber> {
	/// The DApp leases nothing: it may not open sessions.
	NoLease,
	/// The lease's deposit covers its instances at the nominal price.
	Good,
	/// The price rose: the DApp must put `shortfall` more on hold by block `by`; until then it
	/// is served.
	TopUpDue {
		/// What is missing.
		shortfall: u128,
		/// The last block of the grace period.
		by: BlockNumber,
	},
	/// The grace period passed without a top-up: serving peers refuse new sessions until the
	/// DApp tops up.
	Lapsed {
		/// What is missing.
		shortfall: u128,
	},
}
}

impl<BlockNumber> Standing<BlockNumber> {
	/// Whether serving peers may open new sessions for the DApp.
	pub fn may_open_sessions(&self) -> bool {
		matches!(self, Standing::Good | Standing::TopUpDue { .. })
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	const SPB: u128 = 1_000_000_000_000;

	fn list(instance: u128, traffic_gib: u128, storage_gb_month: u128) -> PriceList<u128> {
		PriceList { instance, traffic_gib, storage_gb_month }
	}

	/// The whitepaper's example over the whole list: supply exceeds demand by a ninth and our
	/// prices match the competitors', so every price falls by a tenth (the instance from 100 to
	/// 90 SPB, a GiB of traffic from 0.01 to 0.009 SPB); storage has no competitor price yet and
	/// keeps its own.
	#[test]
	fn a_cycle_reprices_every_unit_with_its_own_average_and_competitor_price() {
		let previous = list(100 * SPB, SPB / 100, SPB / 1_000);
		let competitors = list(100 * SPB, SPB / 100, 0);
		let market = SupplyAndDemand {
			idle_capacity: 8_000 * SPB,
			new_capacity: 2_000 * SPB,
			spent: 9_000 * SPB,
			expected_increase: 0,
		};
		let (next, outcome) =
			reprice_list(&previous, &previous, &competitors, &market, Perbill::from_percent(20));
		assert_eq!(next, list(90 * SPB, 9 * SPB / 1_000, SPB / 1_000));
		assert_eq!(
			outcome,
			[
				(ResourceUnit::Instance, Repricing::Priced { price: 90 * SPB, bounded: false }),
				(
					ResourceUnit::TrafficGib,
					Repricing::Priced { price: 9 * SPB / 1_000, bounded: false }
				),
				(ResourceUnit::StorageGbMonth, Repricing::NoCompetitorPrice),
			]
		);
	}

	#[test]
	fn the_average_list_is_each_units_mean_over_the_history() {
		let history = [list(100, 10, 1), list(90, 12, 2), list(95, 11, 6)];
		assert_eq!(average_list(history.iter()), list(95, 11, 3));
		assert_eq!(average_list([].iter()), list(0, 0, 0));
	}

	#[test]
	fn get_and_set_name_the_same_field() {
		let mut prices = PriceList::<u128>::default();
		for (i, unit) in ResourceUnit::ALL.into_iter().enumerate() {
			prices.set(unit, i as u128 + 1);
		}
		assert_eq!(prices, list(1, 2, 3));
		assert_eq!(ResourceUnit::ALL.map(|u| prices.get(u)), [1, 2, 3]);
	}

	#[test]
	fn a_price_list_encodes_within_its_bound() {
		let prices = list(u128::MAX, 1, 0);
		let encoded = prices.encode();
		assert_eq!(encoded.len(), PriceList::<u128>::max_encoded_len());
		assert_eq!(PriceList::<u128>::decode(&mut &encoded[..]).unwrap(), prices);
	}
}

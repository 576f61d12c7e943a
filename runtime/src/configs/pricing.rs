//! `pallet_pricing`: the nominal price list, the pricing cycle and DApp leases (whitepaper ch.3
//! §2 iii). The design is in `docs/pricing.md`; the reasons for the values are in
//! `docs/decisions.md`.

use crate::{AccountId, BlockNumber, Runtime, RuntimeHoldReason};
use frame_support::traits::{ConstU32, Get};

/// Who sets the nominal prices, the expected demand (`D1`), the competitor quote (`A`) and the
/// step bound: the governance committee's majority (ch.4 §3; the foundation before it).
pub type PriceOrigin = super::governance::GovernanceOrigin;

/// Blocks in a ledgering period, as the token pallet counts them.
pub struct BlocksPerPeriod;
impl Get<BlockNumber> for BlocksPerPeriod {
	fn get() -> BlockNumber {
		crate::Token::blocks_per_period()
	}
}

/// The network's capacity: the instances the professional peers that are not leaving declare.
pub struct DeclaredCapacity;
impl pallet_pricing::NetworkCapacity for DeclaredCapacity {
	fn instances() -> u64 {
		pallet_peers::DeclaredInstances::<Runtime>::get()
	}
}

/// Only registered DApps that are not leaving lease instances.
pub struct RegisteredDApps;
impl pallet_pricing::DAppRegistry<AccountId> for RegisteredDApps {
	fn is_dapp(who: &AccountId) -> bool {
		pallet_peers::Registrations::<Runtime>::get(who).is_some_and(|r| {
			r.role.kind() == pallet_peers::RoleKind::DApp
				&& !matches!(r.status, pallet_peers::Status::Leaving { .. })
		})
	}
}

impl pallet_pricing::Config for Runtime {
	type Currency = crate::Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type UnixTime = crate::Timestamp;
	type Capacity = DeclaredCapacity;
	type DApps = RegisteredDApps;
	type PriceOrigin = PriceOrigin;
	type BlocksPerPeriod = BlocksPerPeriod;
	/// `a` averages the last three cycles' prices: a quarter on a production chain.
	type AveragingCycles = ConstU32<3>;
	/// A year of monthly price lists (and cycle records) for explorers.
	type MaxHistory = ConstU32<12>;
	/// A DApp leases up to a thousand instances.
	type MaxInstances = ConstU32<1_000>;
	/// Fifty leases re-priced per block: 10 000 leases in 200 blocks (10 minutes).
	type LeaseBatch = ConstU32<50>;
	/// A day of 3-second blocks to top up a lease after the price rose.
	type TopUpGrace = ConstU32<{ 24 * 60 * 20 }>;
	type WeightInfo = pallet_pricing::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = BenchmarkSetup;
}

/// Registers DApps in the peer registry for the benchmarks.
#[cfg(feature = "runtime-benchmarks")]
pub struct BenchmarkSetup;
#[cfg(feature = "runtime-benchmarks")]
impl pallet_pricing::BenchmarkHelper<AccountId> for BenchmarkSetup {
	fn register_dapp(who: &AccountId) {
		use frame_support::traits::fungible::Mutate;
		crate::Balances::set_balance(who, 1_000_000 * crate::SPB);
		// A client key of its own: the account's bytes (no signature is ever checked).
		let key = sp_core::sr25519::Public::from_raw(who.clone().into());
		crate::Peers::register_dapp(
			crate::RuntimeOrigin::signed(who.clone()),
			b"bench".to_vec().try_into().expect("short"),
			alloc::vec![key].try_into().expect("one key"),
		)
		.expect("a funded account registers");
	}
}

/// Traffic is billed at the nominal traffic price of the period it was served in, and the bills
/// are the demand the pricing formula counts.
pub struct NominalTrafficPrice;
impl pallet_traffic::NominalTrafficPrice<crate::Balance> for NominalTrafficPrice {
	fn price_per_gib(period: u32) -> crate::Balance {
		<crate::Pricing as pallet_pricing::TrafficPrices>::traffic_price_per_gib(period)
	}
	fn note_bill(amount: crate::Balance) {
		<crate::Pricing as pallet_pricing::TrafficPrices>::note_traffic_bill(amount)
	}
}

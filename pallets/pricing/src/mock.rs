//! A test runtime with `System`, `Balances` and `Pricing`: u128 balances with 12 decimals and an
//! existential deposit of 0.01 SPB as in the Spacebook runtime, ten-block ledgering periods,
//! three-period pricing cycles, and a settable wall clock, network capacity and DApp registry.

use crate as pallet_pricing;
use crate::*;
use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU128, ConstU32, ConstU64, Hooks, UnixTime, VariantCountOf},
};
use sp_runtime::{BuildStorage, Perbill};
use std::{cell::RefCell, collections::BTreeSet};

type Block = frame_system::mocking::MockBlock<Test>;
/// An account id in the mock.
pub type AccountId = u64;
/// A balance in the mock.
pub type Balance = u128;

/// Plancks in one SPB.
pub const SPB: Balance = 1_000_000_000_000;
/// The existential deposit, as in the runtime: 0.01 SPB.
pub const ED: Balance = SPB / 100;
/// Blocks in a ledgering period.
pub const PERIOD: u64 = 10;
/// Ledgering periods in a pricing cycle.
pub const CYCLE_PERIODS: u32 = 3;
/// Blocks in a pricing cycle.
pub const CYCLE: u64 = PERIOD * CYCLE_PERIODS as u64;
/// Blocks a DApp has to top up.
pub const GRACE: u64 = 20;
/// Leases re-priced per block.
pub const LEASE_BATCH: u32 = 2;
/// The most instances of a lease.
pub const MAX_INSTANCES: u32 = 100;
/// The wall clock at genesis (ms).
pub const GENESIS_MS: u64 = 1_700_000_000_000;
/// How long a quote stays valid in the mock (ms): an hour.
pub const QUOTE_VALIDITY: u64 = 3_600_000;
/// The genesis price of an instance: the whitepaper's 100 SPB.
pub const INSTANCE: Balance = 100 * SPB;
/// The genesis price of a GiB of traffic: a hundredth of an SPB (10 SPB a monthly TB).
pub const TRAFFIC: Balance = SPB / 100;
/// The genesis price of a GB-month of storage.
pub const STORAGE: Balance = SPB / 1_000;

/// A DApp.
pub const DAPP: AccountId = 1;
/// Another DApp.
pub const DAPP_2: AccountId = 2;
/// A DApp with little money.
pub const POOR_DAPP: AccountId = 3;
/// An account that is not a DApp.
pub const NOBODY: AccountId = 9;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Pricing: pallet_pricing,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<Balance>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type Balance = Balance;
	type ExistentialDeposit = ConstU128<ED>;
	type AccountStore = System;
	type RuntimeHoldReason = RuntimeHoldReason;
	type FreezeIdentifier = RuntimeFreezeReason;
	type MaxFreezes = VariantCountOf<RuntimeFreezeReason>;
}

thread_local! {
	static NOW_MS: RefCell<u64> = const { RefCell::new(GENESIS_MS) };
	static CAPACITY: RefCell<u64> = const { RefCell::new(0) };
	static DAPPS: RefCell<BTreeSet<AccountId>> = const { RefCell::new(BTreeSet::new()) };
}

/// A settable wall clock.
pub struct Clock;
impl UnixTime for Clock {
	fn now() -> core::time::Duration {
		core::time::Duration::from_millis(NOW_MS.with(|t| *t.borrow()))
	}
}
/// Set the wall clock (ms since the epoch).
pub fn set_now_ms(ms: u64) {
	NOW_MS.with(|t| *t.borrow_mut() = ms);
}

/// A settable network capacity.
pub struct Capacity;
impl NetworkCapacity for Capacity {
	fn instances() -> u64 {
		CAPACITY.with(|c| *c.borrow())
	}
}
/// Set the network's capacity in instances.
pub fn set_capacity(instances: u64) {
	CAPACITY.with(|c| *c.borrow_mut() = instances);
}

/// A settable DApp registry.
pub struct Registry;
impl DAppRegistry<AccountId> for Registry {
	fn is_dapp(who: &AccountId) -> bool {
		DAPPS.with(|d| d.borrow().contains(who))
	}
}

#[cfg(feature = "runtime-benchmarks")]
impl BenchmarkHelper<AccountId> for Registry {
	fn register_dapp(who: &AccountId) {
		DAPPS.with(|d| d.borrow_mut().insert(*who));
	}
}

parameter_types! {
	pub const BlocksPerPeriod: u64 = PERIOD;
}

impl pallet_pricing::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type UnixTime = Clock;
	type Capacity = Capacity;
	type DApps = Registry;
	type PriceOrigin = frame_system::EnsureRoot<AccountId>;
	type BlocksPerPeriod = BlocksPerPeriod;
	type AveragingCycles = ConstU32<3>;
	type MaxHistory = ConstU32<6>;
	type MaxInstances = ConstU32<MAX_INSTANCES>;
	type LeaseBatch = ConstU32<LEASE_BATCH>;
	type TopUpGrace = ConstU64<GRACE>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = Registry;
}

/// The genesis price list.
pub fn genesis_prices() -> PriceList<Balance> {
	PriceList { instance: INSTANCE, traffic_gib: TRAFFIC, storage_gb_month: STORAGE }
}

/// Genesis: three funded DApps (a thousand SPB each, the poor one 150), a thousand instances of
/// capacity, the genesis prices, a 20 % step bound and an hour's quote validity. Runs the
/// invariants after the test.
pub fn new_test_ext() -> sp_io::TestExternalities {
	set_now_ms(GENESIS_MS);
	set_capacity(1_000);
	DAPPS.with(|d| *d.borrow_mut() = [DAPP, DAPP_2, POOR_DAPP].into_iter().collect());
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: vec![
			(DAPP, 1_000 * SPB),
			(DAPP_2, 1_000 * SPB),
			(POOR_DAPP, 150 * SPB),
			(NOBODY, 1_000 * SPB),
		],
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	pallet_pricing::GenesisConfig::<Test> {
		prices: genesis_prices(),
		max_step: Perbill::from_percent(20),
		quote_validity_ms: QUOTE_VALIDITY,
		cycle_periods: CYCLE_PERIODS,
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// Run a test and then the pallet's invariants.
pub fn test(f: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		f();
		Pricing::do_try_state().expect("the invariants hold");
	});
}

/// Run blocks up to and including `n`, with the pallet's hook.
pub fn run_to(n: u64) {
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		Pricing::on_initialize(next);
		Pricing::do_try_state().expect("the invariants hold after every block");
	}
}

/// The first block of pricing cycle `cycle`.
pub fn cycle_start(cycle: u32) -> u64 {
	u64::from(cycle) * CYCLE
}

/// The pallet's events so far.
pub fn events() -> Vec<Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|r| if let RuntimeEvent::Pricing(e) = r.event { Some(e) } else { None })
		.collect()
}

/// A quote at the genesis prices, observed now.
pub fn quote_now(prices: PriceList<Balance>) {
	let now = NOW_MS.with(|t| *t.borrow());
	Pricing::set_competitor_prices(RuntimeOrigin::root(), prices, now).expect("a fresh quote");
}

/// Free balance of `who`.
pub fn free(who: AccountId) -> Balance {
	use frame_support::traits::fungible::Inspect;
	Balances::balance(&who)
}

/// What the pallet holds of `who`.
pub fn held(who: AccountId) -> Balance {
	use frame_support::traits::fungible::InspectHold;
	Balances::balance_on_hold(&HoldReason::Lease.into(), &who)
}

/// Make `who` a DApp or not.
pub fn set_dapp(who: AccountId, dapp: bool) {
	DAPPS.with(|d| {
		if dapp {
			d.borrow_mut().insert(who);
		} else {
			d.borrow_mut().remove(&who);
		}
	});
}

/// Advance the wall clock by `ms`.
pub fn advance_clock(ms: u64) {
	NOW_MS.with(|t| *t.borrow_mut() += ms);
}

/// One percent.
pub fn percent(p: u32) -> Perbill {
	Perbill::from_percent(p)
}

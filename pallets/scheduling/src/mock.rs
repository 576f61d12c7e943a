//! A test runtime with `System`, `Balances` and `Scheduling`: u128 balances with 12 decimals
//! and an existential deposit of 0.01 SPB as in the Spacebook runtime, ten-block ledgering
//! periods, `UintAuthorityId` node keys, and a registry, a price, a mining pool and a
//! randomness the tests set.

use crate as pallet_scheduling;
use crate::*;
use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU128, ConstU32, ConstU64, ConstU8, Hooks, VariantCountOf},
};
use frame_system::EnsureRoot;
use pallet_token::{MiningPool, PayoutPurpose, PeriodEmission};
use sp_core::H256;
use sp_runtime::{testing::UintAuthorityId, BuildStorage, Permill};
use std::{
	cell::RefCell,
	collections::{BTreeMap, BTreeSet},
};

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
/// Periods in a month, in the mock.
pub const MONTH: u32 = 10;
/// The storage price of a GB-month: a GB stored for one period costs one SPB.
pub const PRICE: Balance = 10 * SPB;
/// A GB.
pub const GB: u64 = 1_000_000_000;
/// A GiB.
pub const GIB: u64 = 1 << 30;
/// An order's deposit.
pub const DEPOSIT: Balance = SPB;
/// Blocks an election stays open.
pub const WINDOW: u64 = 3;
/// Blocks a storing peer has to confirm.
pub const CONFIRM: u64 = 5;
/// The scheduling share of every period's emission in the mock.
pub const SCHEDULING_SHARE: Balance = 1_000 * SPB;

/// A DApp with some SPB.
pub const DAPP: AccountId = 1;
/// A DApp with more SPB.
pub const RICH_DAPP: AccountId = 2;
/// A DApp with little SPB.
pub const POOR_DAPP: AccountId = 3;
/// An account that is no DApp.
pub const NOBODY: AccountId = 4;
/// A scheduling peer.
pub const SCHEDULER: AccountId = 10;
/// Another scheduling peer.
pub const SCHEDULER_2: AccountId = 11;
/// The foundation, which receives the processing fee.
pub const FOUNDATION: AccountId = 99;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Scheduling: pallet_scheduling,
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

impl<C> frame_system::offchain::CreateTransactionBase<C> for Test
where
	RuntimeCall: From<C>,
{
	type RuntimeCall = RuntimeCall;
	type Extrinsic = sp_runtime::testing::TestXt<RuntimeCall, ()>;
}

impl<C> frame_system::offchain::CreateTransaction<C> for Test
where
	RuntimeCall: From<C>,
{
	type Extension = ();
	fn create_transaction(call: RuntimeCall, extension: ()) -> Self::Extrinsic {
		sp_runtime::testing::TestXt::new_transaction(call, extension)
	}
}

impl<C> frame_system::offchain::CreateAuthorizedTransaction<C> for Test
where
	RuntimeCall: From<C>,
{
	fn create_extension() {}
}

thread_local! {
	static PROFESSIONALS: RefCell<BTreeMap<AccountId, ProfessionalFacts>> = const { RefCell::new(BTreeMap::new()) };
	static DAPPS: RefCell<BTreeSet<AccountId>> = const { RefCell::new(BTreeSet::new()) };
	static SCHEDULERS: RefCell<BTreeSet<AccountId>> = const { RefCell::new(BTreeSet::new()) };
	static STORAGE_PRICE: RefCell<Balance> = const { RefCell::new(PRICE) };
	static SEED: RefCell<[u8; 32]> = const { RefCell::new([7; 32]) };
	static POOL_PAYOUTS: RefCell<Vec<(AccountId, Balance)>> = const { RefCell::new(Vec::new()) };
	static REGISTRY_READS: RefCell<u32> = const { RefCell::new(0) };
	static COMMONS: RefCell<BTreeMap<AccountId, (AccountId, u32)>> = const { RefCell::new(BTreeMap::new()) };
	static PAID_TRAFFIC: RefCell<BTreeMap<(AccountId, u32, AccountId), u128>> = const { RefCell::new(BTreeMap::new()) };
}

/// Make the mock traffic pallet hold a report of `peer` for `period` backing `bytes` of
/// `dapp`'s paid traffic.
pub fn set_paid_traffic(peer: AccountId, period: u32, dapp: AccountId, bytes: u128) {
	PAID_TRAFFIC.with(|t| t.borrow_mut().insert((peer, period, dapp), bytes));
}

/// The mock traffic pallet.
pub struct MockTraffic;
impl crate::PaidTraffic<AccountId> for MockTraffic {
	fn paid_bytes(peer: &AccountId, period: u32, dapp: &AccountId) -> u128 {
		PAID_TRAFFIC.with(|t| t.borrow().get(&(*peer, period, *dapp)).copied().unwrap_or(0))
	}
	fn reported(peer: &AccountId, period: u32) -> bool {
		PAID_TRAFFIC.with(|t| t.borrow().keys().any(|(p, q, _)| p == peer && *q == period))
	}
}

/// The node key of an account in the mock.
pub fn key_of(who: AccountId) -> UintAuthorityId {
	UintAuthorityId(1_000 + who)
}

/// The mock registry.
pub struct MockRegistry;
impl SchedulingRegistry<AccountId, UintAuthorityId> for MockRegistry {
	fn professional(who: &AccountId) -> Option<ProfessionalFacts> {
		REGISTRY_READS.with(|r| *r.borrow_mut() += 1);
		PROFESSIONALS.with(|p| p.borrow().get(who).copied())
	}
	fn is_active_dapp(who: &AccountId) -> bool {
		DAPPS.with(|d| d.borrow().contains(who))
	}
	fn scheduler_key(who: &AccountId) -> Option<UintAuthorityId> {
		SCHEDULERS.with(|s| s.borrow().contains(who)).then(|| key_of(*who))
	}
	fn peer_key(who: &AccountId) -> Option<UintAuthorityId> {
		PROFESSIONALS.with(|p| p.borrow().contains_key(who)).then(|| key_of(*who))
	}
	fn scheduler_of_key(key: &UintAuthorityId) -> Option<AccountId> {
		let who = key.0.checked_sub(1_000)?;
		Self::scheduler_key(&who).map(|_| who)
	}
	fn professional_of_key(key: &UintAuthorityId) -> Option<AccountId> {
		let who = key.0.checked_sub(1_000)?;
		Self::peer_key(&who).map(|_| who)
	}
	fn endpoint(who: &AccountId) -> Vec<u8> {
		format!("http://127.0.0.1:{}", 9_000 + who).into_bytes()
	}
	fn professionals() -> Vec<(AccountId, ProfessionalFacts)> {
		PROFESSIONALS.with(|p| p.borrow().iter().map(|(who, f)| (*who, *f)).collect())
	}
	fn commons(who: &AccountId, max: u32) -> Vec<(AccountId, u32, Vec<u8>)> {
		COMMONS.with(|c| {
			c.borrow()
				.iter()
				.filter(|(_, (pro, _))| pro == who)
				.take(max as usize)
				.map(|(common, (_, gib))| (*common, *gib, Self::endpoint(common)))
				.collect()
		})
	}
	fn professional_of_common(who: &AccountId) -> Option<AccountId> {
		COMMONS.with(|c| c.borrow().get(who).map(|(pro, _)| *pro))
	}
	fn common_storage_gib(who: &AccountId) -> u32 {
		COMMONS.with(|c| c.borrow().get(who).map_or(0, |(_, gib)| *gib))
	}
}

/// Attach the common peer `who`, offering `storage_gib`, to the professional peer `to`.
pub fn attach_common(who: AccountId, to: AccountId, storage_gib: u32) {
	COMMONS.with(|c| c.borrow_mut().insert(who, (to, storage_gib)));
}

/// A professional peer that may take work: `storage_gib` declared, in `region`, online for
/// 100 periods and lately, without common peers.
pub fn professional(who: AccountId, storage_gib: u32, region: &[u8; 2]) {
	set_facts(
		who,
		ProfessionalFacts {
			storage_gib,
			online_periods: 100,
			last_online_period: Some(1_000_000),
			commons: 0,
			commons_storage_gib: 0,
			region: *region,
			patrol_passed_ppm: None,
		},
	);
}

/// Set (or replace) a professional peer's facts.
pub fn set_facts(who: AccountId, facts: ProfessionalFacts) {
	PROFESSIONALS.with(|p| p.borrow_mut().insert(who, facts));
}

/// A professional peer's facts.
pub fn facts(who: AccountId) -> ProfessionalFacts {
	MockRegistry::professional(&who).expect("a professional peer")
}

/// How many professional peers' facts the pallet read since the last call.
pub fn take_registry_reads() -> u32 {
	REGISTRY_READS.with(|r| core::mem::take(&mut *r.borrow_mut()))
}

/// Remove a professional peer from the registry (it left or was suspended).
pub fn unregister_professional(who: AccountId) {
	PROFESSIONALS.with(|p| p.borrow_mut().remove(&who));
}

/// Admit a scheduling peer.
pub fn add_scheduler(who: AccountId) {
	SCHEDULERS.with(|s| s.borrow_mut().insert(who));
}

/// Remove a scheduling peer from the registry.
pub fn unregister_scheduler(who: AccountId) {
	SCHEDULERS.with(|s| s.borrow_mut().remove(&who));
}

/// Remove a DApp from the registry.
pub fn unregister_dapp(who: AccountId) {
	DAPPS.with(|d| d.borrow_mut().remove(&who));
}

/// The mock's nominal storage price.
pub struct MockPrices;
impl NominalStoragePrice<Balance> for MockPrices {
	fn storage_price_per_gb_month(_period: u32) -> Balance {
		STORAGE_PRICE.with(|p| *p.borrow())
	}
}

/// Set the storage price per GB-month.
pub fn set_price(price: Balance) {
	STORAGE_PRICE.with(|p| *p.borrow_mut() = price);
}

/// The mock's randomness.
pub struct MockRandomness;
impl Get<H256> for MockRandomness {
	fn get() -> H256 {
		H256(SEED.with(|s| *s.borrow()))
	}
}

/// Set the randomness the next elections draw.
pub fn set_seed(seed: [u8; 32]) {
	SEED.with(|s| *s.borrow_mut() = seed);
}

/// A mining pool that mints what it pays and records it.
pub struct MockPool;
impl MiningPool<AccountId, Balance> for MockPool {
	fn current_period() -> u32 {
		(System::block_number() / PERIOD) as u32
	}
	fn emission_for_period(_period: u32) -> Balance {
		10 * SCHEDULING_SHARE
	}
	fn period_emission(period: u32) -> PeriodEmission<Balance> {
		let total = 10 * SCHEDULING_SHARE;
		PeriodEmission {
			period,
			year: 1,
			total,
			peers: total - SCHEDULING_SHARE - SPB,
			billing: SPB,
			scheduling: SCHEDULING_SHARE,
		}
	}
	fn pay_from_pool(who: &AccountId, amount: Balance, purpose: PayoutPurpose) -> DispatchResult {
		assert_eq!(purpose, PayoutPurpose::Scheduling);
		use frame_support::traits::fungible::Mutate;
		Balances::mint_into(who, amount)?;
		POOL_PAYOUTS.with(|p| p.borrow_mut().push((*who, amount)));
		Ok(())
	}
}

/// What the pool paid, in order.
pub fn pool_payouts() -> Vec<(AccountId, Balance)> {
	POOL_PAYOUTS.with(|p| p.borrow().clone())
}

parameter_types! {
	/// Deadlines checked per block: two elections of six placements.
	pub static DeadlineBatch: u32 = 12;
	/// No cap in the mock unless a test sets one.
	pub static DefaultRewardCap: Option<sp_runtime::Perbill> = None;
	pub const Foundation: AccountId = FOUNDATION;
	pub const FoundationShare: Permill = Permill::from_parts(5_000);
	pub const MaxFileLength: u64 = 64 * GIB;
}

impl pallet_scheduling::Config for Test {
	type Balance = Balance;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type PeerKey = UintAuthorityId;
	type Registry = MockRegistry;
	type Prices = MockPrices;
	type MiningPool = MockPool;
	type Randomness = MockRandomness;
	type Foundation = Foundation;
	type FoundationShare = FoundationShare;
	type DefaultRewardCap = DefaultRewardCap;
	type RuleOrigin = EnsureRoot<AccountId>;
	type OrderDeposit = ConstU128<DEPOSIT>;
	type PeriodsPerMonth = ConstU32<MONTH>;
	type MaxFileLength = MaxFileLength;
	type MaxReplicas = ConstU8<4>;
	type Reserves = ConstU8<2>;
	type MaxPlacements = ConstU32<6>;
	type MinPeriods = ConstU32<1>;
	type MaxPeriods = ConstU32<100>;
	type ElectionWindow = ConstU64<WINDOW>;
	type ConfirmWindow = ConstU64<CONFIRM>;
	type MaxAttempts = ConstU8<3>;
	type MaxCandidates = ConstU32<8>;
	type MaxSchedulers = ConstU32<4>;
	type CloseBatch = ConstU32<2>;
	type DeadlineBatch = DeadlineBatch;
	type Traffic = MockTraffic;
	type MaxDemandEntries = ConstU32<8>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = BenchSetup;
}

/// Sets up the stand-ins for the benchmarks.
#[cfg(feature = "runtime-benchmarks")]
pub struct BenchSetup;
#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper<AccountId, UintAuthorityId> for BenchSetup {
	fn register_dapp(who: &AccountId) {
		DAPPS.with(|d| d.borrow_mut().insert(*who));
	}
	fn register_professional(who: &AccountId, facts: ProfessionalFacts) -> UintAuthorityId {
		set_facts(*who, facts);
		key_of(*who)
	}
	fn register_scheduler(who: &AccountId) -> UintAuthorityId {
		add_scheduler(*who);
		key_of(*who)
	}
	fn enable_scheduling_share() {}
	fn paid_traffic(peer: &AccountId, period: u32, dapp: &AccountId, bytes: u128) {
		set_paid_traffic(*peer, period, *dapp, bytes);
	}
}

/// The test genesis: funded DApps, scheduling peers, the foundation.
pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut t = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: vec![
			(DAPP, 1_000 * SPB),
			(RICH_DAPP, 100_000 * SPB),
			(POOR_DAPP, 2 * SPB),
			(NOBODY, 1_000 * SPB),
			(SCHEDULER, SPB),
			(SCHEDULER_2, SPB),
			(FOUNDATION, SPB),
		],
		..Default::default()
	}
	.assimilate_storage(&mut t)
	.unwrap();
	pallet_scheduling::GenesisConfig::<Test>::default().assimilate_storage(&mut t).unwrap();
	let mut ext: sp_io::TestExternalities = t.into();
	ext.execute_with(|| {
		System::set_block_number(1);
		PROFESSIONALS.with(|p| p.borrow_mut().clear());
		COMMONS.with(|c| c.borrow_mut().clear());
		PAID_TRAFFIC.with(|t| t.borrow_mut().clear());
		DAPPS.with(|d| *d.borrow_mut() = [DAPP, RICH_DAPP, POOR_DAPP].into());
		SCHEDULERS.with(|s| *s.borrow_mut() = [SCHEDULER, SCHEDULER_2].into());
		STORAGE_PRICE.with(|p| *p.borrow_mut() = PRICE);
		SEED.with(|s| *s.borrow_mut() = [7; 32]);
		POOL_PAYOUTS.with(|p| p.borrow_mut().clear());
		DeadlineBatch::set(12);
		DefaultRewardCap::set(None);
	});
	ext
}

/// Run `f` in the test genesis with off-chain storage and a transaction pool (an off-chain
/// worker's environment); `f` gets the pool's state. Checks the invariants after it.
pub fn test_offchain(
	f: impl FnOnce(std::sync::Arc<parking_lot::RwLock<sp_core::offchain::testing::PoolState>>),
) {
	use sp_core::offchain::{testing, OffchainDbExt, OffchainWorkerExt, TransactionPoolExt};
	let (offchain, _state) = testing::TestOffchainExt::new();
	let (pool, pool_state) = testing::TestTransactionPoolExt::new();
	let mut ext = new_test_ext();
	ext.register_extension(OffchainDbExt::new(offchain.clone()));
	ext.register_extension(OffchainWorkerExt::new(offchain));
	ext.register_extension(TransactionPoolExt::new(pool));
	ext.execute_with(|| {
		f(pool_state);
		Scheduling::do_try_state().expect("invariants hold after the test");
	});
}

/// The calls the off-chain workers put in the pool, taking them out.
pub fn pool_calls(
	pool: &std::sync::Arc<parking_lot::RwLock<sp_core::offchain::testing::PoolState>>,
) -> Vec<Call<Test>> {
	use codec::Decode;
	let mut pool = pool.write();
	pool.transactions
		.drain(..)
		.map(|tx| {
			let xt = sp_runtime::testing::TestXt::<RuntimeCall, ()>::decode(&mut &tx[..])
				.expect("a test extrinsic");
			match xt.function {
				RuntimeCall::Scheduling(call) => call,
				other => panic!("not a scheduling call: {other:?}"),
			}
		})
		.collect()
}

/// Run `f` in the test genesis and check the invariants after it.
pub fn test(f: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		f();
		Scheduling::do_try_state().expect("invariants hold after the test");
	});
}

/// Run the blocks up to `n`, each one's `on_initialize`.
pub fn run_to(n: u64) {
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		Scheduling::on_initialize(next);
		Scheduling::do_try_state().expect("invariants hold after every block");
	}
}

/// The first block of ledgering period `p`.
pub fn period_start(p: u32) -> u64 {
	u64::from(p) * PERIOD
}

/// The pallet's events so far.
pub fn events() -> Vec<Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::Scheduling(e) => Some(e),
			_ => None,
		})
		.collect()
}

/// A file of `length` bytes whose hash index starts with `tag`.
pub fn file(tag: u8, length: u64) -> FileRef {
	FileRef { hash_index: [tag; 32], length }
}

/// `dapp` orders `file` and returns the order's number.
pub fn order(dapp: AccountId, file: FileRef, replicas: u8, periods: u32) -> OrderId {
	let id = NextOrderId::<Test>::get();
	Scheduling::order_storage(RuntimeOrigin::signed(dapp), file, replicas, periods)
		.expect("the order is valid");
	id
}

/// A response of `scheduler`, signed by its key.
pub fn signed_response(
	scheduler: AccountId,
	order: OrderId,
	attempt: u8,
	candidates: &[AccountId],
) -> (ResponseOf<Test>, KeySignature<Test>) {
	use sp_runtime::RuntimeAppPublic;
	let response = ElectionResponse {
		order,
		attempt,
		scheduler,
		candidates: candidates.to_vec().try_into().expect("within MaxCandidates"),
	};
	let signature =
		key_of(scheduler).sign(&Scheduling::response_payload(&response)).expect("a test key signs");
	(response, signature)
}

/// `scheduler` answers the open election of `order` proposing `candidates`.
pub fn respond(scheduler: AccountId, order: OrderId, candidates: &[AccountId]) -> DispatchResult {
	let attempt = Orders::<Test>::get(order).map(|o| o.attempts).unwrap_or_default();
	let (response, signature) = signed_response(scheduler, order, attempt, candidates);
	Scheduling::respond(frame_system::RawOrigin::Authorized.into(), response, signature)
}

/// A confirmation of `peer` for `order`, signed by its key.
pub fn signed_confirmation(
	peer: AccountId,
	order: OrderId,
) -> (ConfirmationOf<Test>, KeySignature<Test>) {
	use sp_runtime::RuntimeAppPublic;
	let deadline = Placements::<Test>::get(order)
		.iter()
		.find_map(|p| match p.status {
			PlacementStatus::Fetching { deadline } if p.peer == peer => Some(deadline),
			_ => None,
		})
		.unwrap_or_default();
	let confirmation = StorageConfirmation { order, peer, deadline };
	let signature = key_of(peer)
		.sign(&Scheduling::confirmation_payload(&confirmation))
		.expect("a test key signs");
	(confirmation, signature)
}

/// `peer` confirms it stores the file of `order`.
pub fn confirm(peer: AccountId, order: OrderId) -> DispatchResult {
	let (confirmation, signature) = signed_confirmation(peer, order);
	Scheduling::confirm_stored(frame_system::RawOrigin::Authorized.into(), confirmation, signature)
}

/// Close the open election of the last order: run past its window.
pub fn close_elections() {
	run_to(System::block_number() + WINDOW);
}

/// The order's storing peers, in slot order.
pub fn storing(order: OrderId) -> Vec<AccountId> {
	Placements::<Test>::get(order).iter().filter(|p| p.status.stores()).map(|p| p.peer).collect()
}

/// The order's reserves, in the order they take over.
pub fn reserves(order: OrderId) -> Vec<AccountId> {
	Placements::<Test>::get(order).iter().filter(|p| !p.status.stores()).map(|p| p.peer).collect()
}

/// The free balance of `who`.
pub fn free(who: AccountId) -> Balance {
	use frame_support::traits::fungible::Inspect;
	Balances::balance(&who)
}

/// What `who` has on hold for `reason`.
pub fn held(who: AccountId, reason: HoldReason) -> Balance {
	use frame_support::traits::fungible::InspectHold;
	Balances::balance_on_hold(&reason.into(), &who)
}

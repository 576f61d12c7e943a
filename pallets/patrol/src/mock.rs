//! A test runtime with `System` and `Patrol`, and stand-ins for the other pallets: a registry of
//! scheduling and serving peers, a mining pool that records its payouts (and can be told to
//! refuse), a penalty ladder that records, settable randomness.
//!
//! Scheduling peers' node keys are real sr25519 keys (`//Sam`, `//Sue`), so that their batches'
//! signatures and VRF draws are the real thing.

use crate as pallet_patrol;
use crate::*;
use frame_support::{derive_impl, parameter_types, traits::Hooks};
use frame_system::EnsureRoot;
use pallet_peers::{crypto::PeerKey, PenaltyLevel, PenaltyReason, Standing};
use pallet_token::{PayoutPurpose, PeriodEmission};
use sp_core::{crypto::VrfSecret, sr25519, Pair, H256};
use sp_runtime::{BuildStorage, DispatchError, DispatchResult, Perbill};
use spacebook_patrol_primitives::{draw_output, is_drawn, vrf_sign_data, DrawProof};
use std::{
	cell::RefCell,
	collections::{BTreeMap, BTreeSet},
};

type Block = frame_system::mocking::MockBlock<Test>;
/// An account id in the mock.
pub type AccountId = u64;
/// A balance in the mock.
pub type Balance = u128;

/// Blocks in a ledgering period.
pub const PERIOD: u64 = 10;
/// The peers' emission of every period.
pub const PEERS_EMISSION: Balance = 1_000_000;
/// A scheduling peer.
pub const SAM: AccountId = 100;
/// Another scheduling peer.
pub const SUE: AccountId = 101;
/// Serving peers are 1..=SERVING.
pub const SERVING: AccountId = 40;
/// Results a batch carries at most.
pub const MAX_RESULTS: u32 = 16;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Patrol: pallet_patrol,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
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
	static SERVING_PEERS: RefCell<BTreeSet<AccountId>> = const { RefCell::new(BTreeSet::new()) };
	static SCHEDULERS: RefCell<BTreeMap<AccountId, &'static str>> = const { RefCell::new(BTreeMap::new()) };
	static PAYOUTS: RefCell<Vec<(AccountId, Balance)>> = const { RefCell::new(Vec::new()) };
	static POOL_REFUSES: RefCell<bool> = const { RefCell::new(false) };
	static PENALTIES: RefCell<Vec<(AccountId, PenaltyLevel)>> = const { RefCell::new(Vec::new()) };
	static RANDOMNESS: RefCell<H256> = const { RefCell::new(H256::repeat_byte(3)) };
	static REGISTERED_IN: RefCell<BTreeMap<AccountId, u32>> = const { RefCell::new(BTreeMap::new()) };
}

/// The key pair of a scheduling peer.
pub fn pair(who: AccountId) -> sr25519::Pair {
	let name = SCHEDULERS.with(|s| s.borrow().get(&who).copied()).unwrap_or("//Nobody");
	sr25519::Pair::from_string(name, None).expect("a dev seed")
}

/// The node key of a scheduling peer.
pub fn key_of(who: AccountId) -> PeerKey {
	PeerKey::from(pair(who).public())
}

/// The mock registry: serving peers 1..=SERVING unless removed, Sam and Sue scheduling.
pub struct MockRegistry;
impl PatrolRegistry<AccountId, PeerKey, Balance> for MockRegistry {
	fn scheduler_key(who: &AccountId) -> Option<PeerKey> {
		SCHEDULERS.with(|s| s.borrow().contains_key(who)).then(|| key_of(*who))
	}
	fn scheduler_of_key(key: &PeerKey) -> Option<AccountId> {
		SCHEDULERS.with(|s| s.borrow().keys().copied().find(|who| &key_of(*who) == key))
	}
	fn is_patrollable(who: &AccountId) -> bool {
		SERVING_PEERS.with(|s| s.borrow().contains(who))
	}
	fn serving_peers_count() -> u32 {
		SERVING_PEERS.with(|s| s.borrow().len() as u32)
	}
	fn registered_in(who: &AccountId) -> Option<u32> {
		// Serving peers 1..=SERVING registered at genesis (and stay registered when they stop
		// serving: suspended); others when `register_serving` says.
		REGISTERED_IN
			.with(|r| r.borrow().get(who).copied())
			.or_else(|| (1..=SERVING).contains(who).then_some(0))
	}
	fn serving_peers() -> Vec<(AccountId, Vec<u8>)> {
		SERVING_PEERS.with(|s| s.borrow().iter().map(|p| (*p, endpoint(*p))).collect())
	}
	fn endpoint(who: &AccountId) -> Vec<u8> {
		endpoint(*who)
	}
	fn on_reward(_: &AccountId, _: Balance) {}
}

/// A serving peer's endpoint in the mock.
pub fn endpoint(who: AccountId) -> Vec<u8> {
	format!("http://peer-{who}").into_bytes()
}

/// The mock mining pool: period = block / [`PERIOD`], a fixed peers' emission.
pub struct MockPool;
impl pallet_token::MiningPool<AccountId, Balance> for MockPool {
	fn current_period() -> u32 {
		(System::block_number() / PERIOD) as u32
	}
	fn emission_for_period(_: u32) -> Balance {
		PEERS_EMISSION * 2
	}
	fn period_emission(period: u32) -> PeriodEmission<Balance> {
		PeriodEmission {
			period,
			year: 1,
			total: PEERS_EMISSION * 2,
			peers: PEERS_EMISSION,
			billing: PEERS_EMISSION / 2,
			scheduling: PEERS_EMISSION / 2,
		}
	}
	fn pay_from_pool(who: &AccountId, amount: Balance, purpose: PayoutPurpose) -> DispatchResult {
		assert_eq!(purpose, PayoutPurpose::Patrol);
		if POOL_REFUSES.with(|r| *r.borrow()) {
			return Err(DispatchError::Other("the pool cannot pay"));
		}
		PAYOUTS.with(|p| p.borrow_mut().push((*who, amount)));
		Ok(())
	}
}

/// The mock penalty ladder: records.
pub struct MockPenalties;
impl pallet_peers::Penalties<AccountId> for MockPenalties {
	fn penalize(
		who: &AccountId,
		reason: PenaltyReason,
		level: PenaltyLevel,
	) -> Result<Standing, DispatchError> {
		assert_eq!(reason, PenaltyReason::PatrolFailed);
		PENALTIES.with(|p| p.borrow_mut().push((*who, level)));
		Ok(Standing::Good)
	}
}

/// The mock randomness.
pub struct MockRandomness;
impl Get<H256> for MockRandomness {
	fn get() -> H256 {
		RANDOMNESS.with(|r| *r.borrow())
	}
}

parameter_types! {
	pub const DefaultParameters: PatrolParameters = PatrolParameters {
		share: Perbill::from_percent(2),
		expected: 4,
		rewarded_passes: 5,
		failure_memory: 6,
	};
}

impl pallet_patrol::Config for Test {
	type Balance = Balance;
	type PeerKey = PeerKey;
	type Registry = MockRegistry;
	type Penalties = MockPenalties;
	type MiningPool = MockPool;
	type Randomness = MockRandomness;
	type ParametersOrigin = EnsureRoot<AccountId>;
	type DefaultParameters = DefaultParameters;
	type MaxResults = frame_support::traits::ConstU32<MAX_RESULTS>;
	type MaxSchedulers = frame_support::traits::ConstU32<2>;
	type HistoryDepth = frame_support::traits::ConstU32<8>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MockBenchmarkHelper;
}

/// Registers the benchmarks' accounts in the mock registry.
#[cfg(feature = "runtime-benchmarks")]
pub struct MockBenchmarkHelper;
#[cfg(feature = "runtime-benchmarks")]
impl BenchmarkHelper<AccountId, PeerKey> for MockBenchmarkHelper {
	fn register_scheduler(who: &AccountId, key: PeerKey) {
		assert_eq!(
			key,
			PeerKey::from(sr25519::Pair::from_string("//Alice", None).unwrap().public())
		);
		SCHEDULERS.with(|s| s.borrow_mut().insert(*who, "//Alice"));
	}
	fn register_serving_peer(who: &AccountId) {
		SERVING_PEERS.with(|s| s.borrow_mut().insert(*who));
	}
	fn fund_pool() {}
	fn go_to_period(period: u32) {
		System::set_block_number(u64::from(period) * PERIOD);
	}
}

/// The test genesis: period 0 opened, serving peers 1..=SERVING, Sam and Sue scheduling, an
/// empty keystore.
pub fn new_test_ext() -> sp_io::TestExternalities {
	ext_with_keystore(sp_keystore::testing::MemoryKeystore::new())
}

fn ext_with_keystore(keystore: sp_keystore::testing::MemoryKeystore) -> sp_io::TestExternalities {
	SERVING_PEERS.with(|s| *s.borrow_mut() = (1..=SERVING).collect());
	SCHEDULERS.with(|s| *s.borrow_mut() = [(SAM, "//Sam"), (SUE, "//Sue")].into());
	PAYOUTS.with(|p| p.borrow_mut().clear());
	POOL_REFUSES.with(|r| *r.borrow_mut() = false);
	PENALTIES.with(|p| p.borrow_mut().clear());
	RANDOMNESS.with(|r| *r.borrow_mut() = H256::repeat_byte(3));
	REGISTERED_IN.with(|r| r.borrow_mut().clear());
	let storage = RuntimeGenesisConfig::default().build_storage().expect("a valid genesis");
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.register_extension(sp_keystore::KeystoreExt::new(keystore));
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// Run `f` in the test genesis and check the invariants after it.
pub fn test(f: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		f();
		Patrol::do_try_state().expect("invariants hold after the test");
	});
}

/// Run `f` in the test genesis with off-chain storage and a transaction pool, and a keystore
/// holding Sam's node key; `f` gets the pool's state. Checks the invariants after it.
pub fn test_offchain(
	f: impl FnOnce(std::sync::Arc<parking_lot::RwLock<sp_core::offchain::testing::PoolState>>),
) {
	use sp_core::offchain::{testing, OffchainDbExt, OffchainWorkerExt, TransactionPoolExt};
	use sp_keystore::{testing::MemoryKeystore, Keystore};
	let (offchain, _state) = testing::TestOffchainExt::new();
	let (pool, pool_state) = testing::TestTransactionPoolExt::new();
	let keystore = MemoryKeystore::new();
	keystore
		.sr25519_generate_new(pallet_peers::crypto::PEER_KEY_TYPE, Some("//Sam"))
		.expect("the keystore takes a key");
	let mut ext = ext_with_keystore(keystore);
	ext.register_extension(OffchainDbExt::new(offchain.clone()));
	ext.register_extension(OffchainWorkerExt::new(offchain));
	ext.register_extension(TransactionPoolExt::new(pool));
	ext.execute_with(|| {
		f(pool_state);
		Patrol::do_try_state().expect("invariants hold after the test");
	});
}

/// The calls the off-chain worker put in the pool, taking them out.
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
				RuntimeCall::Patrol(call) => call,
				other => panic!("not a patrol call: {other:?}"),
			}
		})
		.collect()
}

/// Run the blocks up to `n`, each one's `on_initialize`, checking the invariants after each.
pub fn run_to(n: u64) {
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		Patrol::on_initialize(next);
		Patrol::do_try_state().expect("invariants hold after every block");
	}
}

/// Run to the first block of period `p`.
pub fn run_to_period(p: u32) {
	run_to(u64::from(p) * PERIOD);
}

/// The pallet's events so far.
pub fn events() -> Vec<Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::Patrol(e) => Some(e),
			_ => None,
		})
		.collect()
}

/// The payouts so far.
pub fn payouts() -> Vec<(AccountId, Balance)> {
	PAYOUTS.with(|p| p.borrow().clone())
}

/// The penalties so far.
pub fn penalties() -> Vec<(AccountId, PenaltyLevel)> {
	PENALTIES.with(|p| p.borrow().clone())
}

/// Make the pool refuse (or accept again) payouts.
pub fn pool_refuses(refuses: bool) {
	POOL_REFUSES.with(|r| *r.borrow_mut() = refuses);
}

/// Set the chain randomness.
pub fn set_randomness(r: H256) {
	RANDOMNESS.with(|x| *x.borrow_mut() = r);
}

/// Stop `who` serving (suspended, gone).
pub fn stop_serving(who: AccountId) {
	SERVING_PEERS.with(|s| s.borrow_mut().remove(&who));
}

/// Make `who` a serving peer registered in period `period`.
pub fn register_serving(who: AccountId, period: u32) {
	SERVING_PEERS.with(|s| s.borrow_mut().insert(who));
	REGISTERED_IN.with(|r| r.borrow_mut().insert(who, period));
}

/// Make `who` a scheduling peer whose node key is `seed`'s.
pub fn add_scheduler(who: AccountId, seed: &'static str) {
	SCHEDULERS.with(|s| s.borrow_mut().insert(who, seed));
}

/// Make `who` no longer a scheduling peer.
pub fn remove_scheduler(who: AccountId) {
	SCHEDULERS.with(|s| s.borrow_mut().remove(&who));
}

/// `scheduler`'s VRF proof on the draw of `period`.
pub fn draw_proof(scheduler: AccountId, period: u32) -> DrawProof {
	let draw = Patrol::draw(period).expect("the period is kept");
	pair(scheduler)
		.vrf_sign(&vrf_sign_data(&draw.seed, period))
		.encode()
		.try_into()
		.expect("96 bytes")
}

/// `scheduler`'s draw output of `period`.
pub fn output(scheduler: AccountId, period: u32) -> [u8; 32] {
	let draw = Patrol::draw(period).expect("the period is kept");
	draw_output(&pair(scheduler).public(), &draw.seed, period, &draw_proof(scheduler, period))
		.expect("a valid proof")
}

/// The serving peers `scheduler`'s draw of `period` selects.
pub fn drawn(scheduler: AccountId, period: u32) -> Vec<AccountId> {
	let draw = Patrol::draw(period).expect("the period is kept");
	let output = output(scheduler, period);
	(1..=SERVING).filter(|p| is_drawn(&output, p, &draw)).collect()
}

/// A serving peer `scheduler`'s draw of `period` does not select.
pub fn not_drawn(scheduler: AccountId, period: u32) -> AccountId {
	let drawn = drawn(scheduler, period);
	(1..=SERVING).find(|p| !drawn.contains(p)).expect("not every peer is drawn")
}

/// A result for `peer`.
pub fn result(peer: AccountId, outcome: PatrolOutcome) -> PatrolResult<AccountId> {
	PatrolResult { peer, checks: 3, outcome, latency_ms: 40, throughput_kib_s: 12_000 }
}

/// `scheduler`'s batch of `period` with `results`, and its signature.
pub fn signed_batch(
	scheduler: AccountId,
	period: u32,
	results: Vec<PatrolResult<AccountId>>,
) -> (PatrolBatchOf<Test>, KeySignature<Test>) {
	let batch = PatrolBatch {
		scheduler,
		period,
		draw: draw_proof(scheduler, period),
		inputs: sp_io::hashing::blake2_256(&(period, scheduler).encode()),
		results: results.try_into().expect("within the bound"),
	};
	let signature = sign(scheduler, &batch);
	(batch, signature)
}

/// `scheduler`'s node key's signature on `batch`.
pub fn sign(scheduler: AccountId, batch: &PatrolBatchOf<Test>) -> KeySignature<Test> {
	pair(scheduler).sign(&Patrol::batch_payload(batch)).into()
}

/// Submit `scheduler`'s batch of `period` with `results`, as the pool would: authorized, then
/// dispatched.
pub fn submit(
	scheduler: AccountId,
	period: u32,
	results: Vec<PatrolResult<AccountId>>,
) -> DispatchResult {
	let (batch, signature) = signed_batch(scheduler, period, results);
	Patrol::submit_results(frame_system::RawOrigin::Authorized.into(), batch, signature)
}

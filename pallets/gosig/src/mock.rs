//! A test runtime with `System`, `Timestamp` and `Gosig`, and helpers to execute blocks with real
//! Gosig pre-digests.

use crate as pallet_gosig;
use codec::Encode;
use frame_support::{
	derive_impl,
	traits::{ConstU32, ConstU64, Hooks},
};
use sp_core::{crypto::VrfSecret, sr25519, Pair};
use sp_runtime::{generic::DigestItem, BuildStorage, Digest, Perbill};
use spacebook_gosig_primitives::{vrf_sign_data, AuthorityId, PreDigest, Round, GOSIG_ENGINE_ID};

type Block = frame_system::mocking::MockBlock<Test>;

/// Milliseconds per round in the mock.
pub const ROUND_MS: u64 = 3_000;
/// Blocks per randomness epoch in the mock.
pub const EPOCH: u64 = 4;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Timestamp: pallet_timestamp,
		Gosig: pallet_gosig,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
}

impl pallet_timestamp::Config for Test {
	type Moment = u64;
	type OnTimestampSet = Gosig;
	type MinimumPeriod = ConstU64<{ ROUND_MS / 2 }>;
	type WeightInfo = ();
}

impl pallet_gosig::Config for Test {
	type MaxAuthorities = ConstU32<8>;
	type RoundDuration = ConstU64<ROUND_MS>;
	type EpochLength = ConstU64<EPOCH>;
	type MaxPastSets = ConstU32<2>;
	type MinChangeInterval = MinChangeInterval;
	type OnEquivocation = RecordEquivocations;
	type ParticipationWindow = ConstU64<WINDOW>;
	type OnMissedVotes = RecordMissedVotes;
	type WeightInfo = ();
}

frame_support::parameter_types! {
	/// Blocks between set changes: one (a change a block) unless a test sets more.
	pub static MinChangeInterval: u64 = 1;
}

/// Blocks per participation window in the mock.
pub const WINDOW: u64 = 8;

std::thread_local! {
	/// What `OnMissedVotes` was told, in order.
	pub static MISSED_VOTES: std::cell::RefCell<Vec<(AuthorityId, u32)>> =
		const { std::cell::RefCell::new(Vec::new()) };
}

/// Records the strikes it is told of in [`MISSED_VOTES`].
pub struct RecordMissedVotes;
impl crate::OnMissedVotes for RecordMissedVotes {
	fn on_missed_votes(absentee: &AuthorityId, strikes: u32) {
		MISSED_VOTES.with(|m| m.borrow_mut().push((absentee.clone(), strikes)));
	}
}

std::thread_local! {
	/// What `OnEquivocation` was told, in order.
	pub static EQUIVOCATIONS: std::cell::RefCell<Vec<(AuthorityId, u64, Round)>> =
		const { std::cell::RefCell::new(Vec::new()) };
}

/// Records the offences it is told of in [`EQUIVOCATIONS`].
pub struct RecordEquivocations;
impl crate::OnEquivocation for RecordEquivocations {
	fn on_equivocation(offender: &AuthorityId, set_id: u64, round: Round) {
		EQUIVOCATIONS.with(|e| e.borrow_mut().push((offender.clone(), set_id, round)));
	}
}

/// The sr25519 key of a dev account, e.g. `"Alice"`.
pub fn pair(name: &str) -> sr25519::Pair {
	sr25519::Pair::from_string(&format!("//{name}"), None).expect("static seed")
}

/// The Gosig id of a dev account.
pub fn id(name: &str) -> AuthorityId {
	pair(name).public().into()
}

/// Genesis with Alice, Bob and Charlie as billing peers and a 99 % election target.
pub fn new_test_ext() -> sp_io::TestExternalities {
	ext_with(vec![id("Alice"), id("Bob"), id("Charlie")], Perbill::from_percent(99))
}

/// Genesis with these billing peers and election target.
pub fn ext_with(
	authorities: Vec<AuthorityId>,
	election_target: Perbill,
) -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_gosig::GenesisConfig::<Test> { authorities, election_target, ..Default::default() }
		.assimilate_storage(&mut storage)
		.unwrap();
	let mut ext: sp_io::TestExternalities = storage.into();
	// Benchmarks sign with keys they generate in the keystore.
	ext.register_extension(sp_keystore::KeystoreExt::new(
		sp_keystore::testing::MemoryKeystore::new(),
	));
	ext.execute_with(|| System::set_block_number(1));
	EQUIVOCATIONS.with(|e| e.borrow_mut().clear());
	MISSED_VOTES.with(|m| m.borrow_mut().clear());
	ext
}

/// Run `test` on the default genesis, then check the pallet's invariants.
pub fn build_and_execute(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		Gosig::do_try_state().expect("invariants hold after the test");
	});
}

/// A pre-digest of `round` by authority `index`, with `signer`'s VRF on the current seed.
pub fn pre_digest(round: Round, index: u32, signer: &str) -> PreDigest {
	let seed = crate::EpochRandomness::<Test>::get();
	let vrf_signature = pair(signer).vrf_sign(&vrf_sign_data(&seed, round));
	PreDigest { round, authority_index: index, vrf_signature }
}

/// Start block `n` with `pre` as its Gosig pre-digest and run `on_initialize`.
pub fn start_block(n: u64, pre: &PreDigest) {
	let digest = Digest { logs: vec![DigestItem::PreRuntime(GOSIG_ENGINE_ID, pre.encode())] };
	System::reset_events();
	System::initialize(&n, &Default::default(), &digest);
	Gosig::on_initialize(n);
}

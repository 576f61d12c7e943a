//! A test runtime with `System`, `Balances` and `Peers`: u128 balances with 12 decimals and an
//! existential deposit of 0.01 SPB as in the Spacebook runtime, `UintAuthorityId` peer keys
//! (signatures that tests can forge on purpose), and a settable ledgering period and DApp
//! deposit requirement.

use crate as pallet_peers;
use crate::*;
use frame_support::{
	derive_impl, ord_parameter_types, parameter_types,
	traits::{fungible::Balanced, ConstU128, ConstU32, ConstU8, VariantCountOf},
};
use frame_system::{EnsureRoot, EnsureSignedBy};
pub use sp_runtime::testing::UintAuthorityId;
use sp_runtime::{testing::TestXt, BuildStorage, Perbill};

type Block = frame_system::mocking::MockBlock<Test>;
/// An account id in the mock.
pub type AccountId = u64;
/// A balance in the mock.
pub type Balance = u128;

/// Plancks in one SPB.
pub const SPB: Balance = 1_000_000_000_000;
/// The existential deposit, as in the runtime: 0.01 SPB.
pub const ED: Balance = SPB / 100;
/// A professional peer's deposit.
pub const PROFESSIONAL_DEPOSIT: Balance = 10_000 * SPB;
/// A common peer's minimum deposit.
pub const COMMON_DEPOSIT: Balance = 1_000 * SPB;
/// A DApp's least deposit.
pub const DAPP_DEPOSIT: Balance = 500 * SPB;
/// A billing-peer candidate's deposit.
pub const CANDIDATE_DEPOSIT: Balance = 50_000 * SPB;
/// A scheduling or routing peer's deposit.
pub const SERVICE_DEPOSIT: Balance = 100 * SPB;
/// Blocks over which a deposit unlocks in good standing.
pub const UNLOCK_PERIOD: u64 = 1_000;
/// Blocks between leaving and the release of the deposit.
pub const EXIT_DELAY: u64 = 100;
/// Blocks a retired client key still vouches for its receipts.
pub const CLIENT_KEY_RETENTION: u64 = 50;
/// Blocks a suspension lasts at least.
pub const SUSPENSION_PERIOD: u64 = 50;
/// Blocks after which warnings are forgotten.
pub const WARNING_EXPIRY: u64 = 500;
/// Warnings before a suspension.
pub const MAX_WARNINGS: u8 = 2;
/// Client keys a DApp may authorize.
pub const MAX_CLIENT_KEYS: u32 = 4;
/// The storage quota a DApp has on each serving peer until governance sets one.
pub const DEFAULT_STORAGE_QUOTA: u64 = 1 << 30;

/// A professional peer.
pub const PRO: AccountId = 1;
/// Another professional peer.
pub const PRO_2: AccountId = 2;
/// A common peer.
pub const COMMON: AccountId = 3;
/// Another common peer.
pub const COMMON_2: AccountId = 4;
/// A DApp.
pub const DAPP: AccountId = 5;
/// A billing-peer candidate.
pub const CANDIDATE: AccountId = 6;
/// A scheduling peer.
pub const SCHEDULER: AccountId = 7;
/// A user of a DApp.
pub const USER: AccountId = 8;
/// An account with no funds.
pub const PAUPER: AccountId = 9;
/// Where slashed deposits go (the mining pool in the runtime).
pub const POOL: AccountId = 99;
/// The signer of the admission origin.
pub const FOUNDATION: AccountId = 100;
/// Someone without any role.
pub const NOBODY: AccountId = 200;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Peers: pallet_peers,
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
	type Extrinsic = TestXt<RuntimeCall, ()>;
}

impl<C> frame_system::offchain::CreateTransaction<C> for Test
where
	RuntimeCall: From<C>,
{
	type Extension = ();
	fn create_transaction(call: RuntimeCall, extension: ()) -> Self::Extrinsic {
		TestXt::new_transaction(call, extension)
	}
}

impl<C> frame_system::offchain::CreateAuthorizedTransaction<C> for Test
where
	RuntimeCall: From<C>,
{
	fn create_extension() {}
}

/// Sends slashed deposits to [`POOL`], so nothing is burned.
pub struct ToPool;
impl OnUnbalanced<CreditOf<Test>> for ToPool {
	fn on_nonzero_unbalanced(credit: CreditOf<Test>) {
		let _ = <Balances as Balanced<AccountId>>::resolve(&POOL, credit);
	}
}

/// The Gosig authority set's stand-in: the billing keys in [`BillingAuthoritySet`].
pub struct IsBillingAuthority;
impl frame_support::traits::Contains<UintAuthorityId> for IsBillingAuthority {
	fn contains(key: &UintAuthorityId) -> bool {
		BillingAuthoritySet::get().contains(&key.0)
	}
}

/// `key`'s proof of possession for `who`'s candidacy on this chain.
pub fn billing_key_proof(who: AccountId, key: u64) -> sp_runtime::testing::TestSignature {
	use sp_runtime::RuntimeAppPublic;
	let statement =
		sp_core::proof_of_possession::statement_of_ownership(&Peers::billing_key_statement(&who));
	UintAuthorityId(key).sign(&statement).expect("test keys sign")
}

/// `who` stands as a billing-peer candidate with the Gosig key `key`, proving it holds it.
pub fn stand(who: AccountId, key: u64) -> frame_support::dispatch::DispatchResult {
	Peers::register_billing_candidate(
		RuntimeOrigin::signed(who),
		UintAuthorityId(key),
		billing_key_proof(who, key),
	)
}

/// `who` stands with `key`, backed by `bond` of its own SPB.
pub fn stand_backed(
	who: AccountId,
	key: u64,
	bond: Balance,
) -> frame_support::dispatch::DispatchResult {
	Peers::register_billing_candidate_backed(
		RuntimeOrigin::signed(who),
		UintAuthorityId(key),
		billing_key_proof(who, key),
		bond,
	)
}

parameter_types! {
	/// The candidate a backed registration may displace, and its backing.
	pub static Displaceable: Option<(AccountId, Balance)> = None;
	/// Who backed itself with what, in order.
	pub static SelfBacking: Vec<(AccountId, Balance)> = vec![];
}

/// Names [`Displaceable`] to a bond larger than its backing; records [`SelfBacking`], and
/// fails as the elections would for a bond beyond the free balance.
pub struct MockDisplacement;
impl pallet_peers::CandidateDisplacement<AccountId, Balance> for MockDisplacement {
	fn displaceable(bond: Balance) -> Option<AccountId> {
		Displaceable::get().filter(|(_, backing)| *backing < bond).map(|(who, _)| who)
	}
	fn back(newcomer: &AccountId, bond: Balance) -> sp_runtime::DispatchResult {
		use frame_support::traits::fungible::Inspect;
		frame_support::ensure!(
			bond > 0 && bond <= Balances::balance(newcomer),
			sp_runtime::DispatchError::Other("the bond exceeds the free balance")
		);
		SelfBacking::mutate(|b| b.push((*newcomer, bond)));
		Ok(())
	}
}

parameter_types! {
	/// Who [`OnLeaving`] was told of, in order.
	pub static LeavingCalls: Vec<(AccountId, RoleKind)> = vec![];
	/// Who [`OnLeaving::on_evicted`] was told of, in order.
	pub static EvictedCalls: Vec<(AccountId, RoleKind)> = vec![];
	pub static BillingAuthoritySet: Vec<u64> = vec![];
	pub static CurrentPeriod: u32 = 0;
	pub const EvictionSlash: Perbill = Perbill::from_percent(50);
	pub const EarningDepositFloor: Perbill = Perbill::from_percent(10);
}

/// Records who starts leaving.
pub struct RecordLeaving;
impl OnLeaving<AccountId> for RecordLeaving {
	fn on_leaving(who: &AccountId, role: RoleKind) {
		LeavingCalls::mutate(|calls| calls.push((*who, role)));
	}
	fn on_evicted(who: &AccountId, role: RoleKind) {
		EvictedCalls::mutate(|calls| calls.push((*who, role)));
	}
	fn weight() -> Weight {
		Weight::zero()
	}
}

ord_parameter_types! {
	pub const Foundation: AccountId = FOUNDATION;
}

impl pallet_peers::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type PeerKey = UintAuthorityId;
	type ClientKey = u64;
	type BillingKey = UintAuthorityId;
	type BillingAuthorities = IsBillingAuthority;
	type AdmissionOrigin = EnsureSignedBy<Foundation, AccountId>;
	type GovernanceOrigin = EnsureRoot<AccountId>;
	type ProfessionalDeposit = ConstU128<PROFESSIONAL_DEPOSIT>;
	type CommonDeposit = ConstU128<COMMON_DEPOSIT>;
	type DAppDeposit = ConstU128<DAPP_DEPOSIT>;
	type MaxBillingCandidates = ConstU32<3>;
	type CandidateDeposit = ConstU128<CANDIDATE_DEPOSIT>;
	type ServiceDeposit = ConstU128<SERVICE_DEPOSIT>;
	type DepositUnlockPeriod = frame_support::traits::ConstU64<UNLOCK_PERIOD>;
	type EarningDepositFloor = EarningDepositFloor;
	type ExitDelay = frame_support::traits::ConstU64<EXIT_DELAY>;
	type SuspensionPeriod = frame_support::traits::ConstU64<SUSPENSION_PERIOD>;
	type WarningExpiry = frame_support::traits::ConstU64<WARNING_EXPIRY>;
	type MaxWarnings = ConstU8<MAX_WARNINGS>;
	type EvictionSlash = EvictionSlash;
	type Slashed = ToPool;
	type OnLeaving = RecordLeaving;
	type CandidateDisplacement = MockDisplacement;
	type CurrentPeriod = CurrentPeriod;
	type MaxEndpointLen = ConstU32<64>;
	type MaxNameLen = ConstU32<32>;
	type MaxClientKeys = ConstU32<MAX_CLIENT_KEYS>;
	type DefaultDAppStorageQuota = frame_support::traits::ConstU64<DEFAULT_STORAGE_QUOTA>;
	type ClientKeyRetention = frame_support::traits::ConstU64<CLIENT_KEY_RETENTION>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = BenchKeys;
}

/// Keys for the benchmarks.
#[cfg(feature = "runtime-benchmarks")]
pub struct BenchKeys;
#[cfg(feature = "runtime-benchmarks")]
impl BenchmarkHelper<u64, AccountId> for BenchKeys {
	fn client_key(i: u32) -> u64 {
		u64::from(i) + 1_000_000
	}
	fn make_displaceable(victim: &AccountId) {
		Displaceable::set(Some((*victim, 0)));
	}
}

/// `n` whole SPB.
pub const fn spb(n: u128) -> Balance {
	n * SPB
}

/// Accounts funded at genesis (everyone but [`PAUPER`] and [`NOBODY`]).
pub fn endowed() -> Vec<(AccountId, Balance)> {
	[PRO, PRO_2, COMMON, COMMON_2, DAPP, CANDIDATE, SCHEDULER, USER, FOUNDATION]
		.into_iter()
		.map(|who| (who, spb(1_000_000)))
		.chain([(POOL, ED)])
		.collect()
}

/// Storage with the endowments and `config`.
pub fn storage_with(config: pallet_peers::GenesisConfig<Test>) -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> { balances: endowed(), ..Default::default() }
		.assimilate_storage(&mut storage)
		.unwrap();
	config.assimilate_storage(&mut storage).unwrap();
	let mut ext: sp_io::TestExternalities = storage.into();
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// Run `test` on the default genesis (no service peers), then check the pallet's invariants
/// and that total issuance did not change.
pub fn build_and_execute(test: impl FnOnce()) {
	execute_with(Default::default(), test)
}

/// Run `test` on the genesis `config`, then check the invariants.
pub fn execute_with(config: pallet_peers::GenesisConfig<Test>, test: impl FnOnce()) {
	storage_with(config).execute_with(|| {
		let issuance = pallet_balances::TotalIssuance::<Test>::get();
		test();
		Peers::do_try_state().expect("invariants hold after the test");
		assert_eq!(
			pallet_balances::TotalIssuance::<Test>::get(),
			issuance,
			"nothing is minted or burned"
		);
	});
}

/// Jump to block `n`.
pub fn go_to(n: u64) {
	System::set_block_number(n);
}

/// The peer key of account `who` in the tests.
pub fn key(who: AccountId) -> UintAuthorityId {
	UintAuthorityId(1_000 + who)
}

/// A valid endpoint.
pub fn endpoint(s: &str) -> Endpoint<Test> {
	s.as_bytes().to_vec().try_into().unwrap()
}

/// A common peer's endpoint.
pub fn common_endpoint() -> Endpoint<Test> {
	endpoint("http://192.0.2.9:8480")
}

/// A valid professional declaration.
pub fn declaration() -> ProfessionalDeclaration<Test> {
	ProfessionalDeclaration {
		resources: Resources { storage_gib: 4_096, bandwidth_mbps: 1_000, cpu_cores: 16 },
		location: Location { region: *b"SG", latitude: 1_352_083, longitude: 103_819_836 },
		endpoint: endpoint("https://203.0.113.7:8443"),
	}
}

/// A valid service declaration.
pub fn service_declaration() -> ServiceDeclaration<Test> {
	ServiceDeclaration {
		location: Location { region: *b"DE", latitude: 50_110_922, longitude: 8_682_127 },
		endpoint: endpoint("https://198.51.100.3"),
		node_key: UintAuthorityId(
			900_000 + NEXT_SERVICE_KEY.fetch_add(1, core::sync::atomic::Ordering::Relaxed),
		),
	}
}

/// A fresh node key for each service declaration.
static NEXT_SERVICE_KEY: core::sync::atomic::AtomicU64 = core::sync::atomic::AtomicU64::new(0);

/// Register `who` as a professional peer with the default declaration.
pub fn register_pro(who: AccountId) {
	frame_support::assert_ok!(Peers::register_professional(
		RuntimeOrigin::signed(who),
		key(who),
		declaration()
	));
}

/// Register `who` as a common peer attached to `to`.
pub fn register_common(who: AccountId, to: AccountId, storage_gib: u32) {
	frame_support::assert_ok!(Peers::register_common(
		RuntimeOrigin::signed(who),
		key(who),
		to,
		storage_gib,
		common_endpoint()
	));
}

/// A DApp name.
pub fn name(s: &str) -> DAppName<Test> {
	s.as_bytes().to_vec().try_into().unwrap()
}

/// A list of client keys.
pub fn keys(list: &[u64]) -> ClientKeys<Test> {
	list.to_vec().try_into().unwrap()
}

/// Register [`DAPP`] with client keys.
pub fn register_dapp(client_keys: &[u64]) {
	frame_support::assert_ok!(Peers::register_dapp(
		RuntimeOrigin::signed(DAPP),
		name("video"),
		keys(client_keys)
	));
}

/// The record of `who`.
pub fn record(who: AccountId) -> PeerRecord<Test> {
	pallet_peers::Registrations::<Test>::get(who).expect("registered")
}

/// What `who` holds for its role.
pub fn held(who: AccountId, kind: RoleKind) -> Balance {
	use frame_support::traits::fungible::InspectHold;
	<Balances as InspectHold<AccountId>>::balance_on_hold(&Peers::hold_reason(kind), &who)
}

/// The free balance of `who`.
pub fn free(who: AccountId) -> Balance {
	pallet_balances::Pallet::<Test>::free_balance(who)
}

/// The events of this pallet so far.
pub fn events() -> Vec<pallet_peers::Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::Peers(e) => Some(e),
			_ => None,
		})
		.collect()
}

/// The last event of this pallet.
pub fn last_event() -> pallet_peers::Event<Test> {
	events().pop().expect("an event")
}

/// The default test genesis (for the benchmark tests).
#[cfg(feature = "runtime-benchmarks")]
pub fn new_test_ext() -> sp_io::TestExternalities {
	storage_with(Default::default())
}

//! A test runtime with `System`, `Balances` and `Traffic`, and stand-ins for the other pallets:
//! a mining pool paying from [`POOL`] with a settable period emission, a peer registry with
//! `UintAuthorityId` peer keys and sr25519 client keys, a penalty ladder that records, and a
//! pricing pallet with settable paid bytes and prices.
//!
//! [`Node`] plays a serving peer's node: it holds signed receipts, builds the sum tree,
//! reports and answers audits as the real node would.

use crate as pallet_traffic;
use crate::*;
use frame_support::{
	derive_impl, parameter_types,
	traits::{fungible::Mutate, tokens::Preservation, ConstU128, ConstU32, ConstU64, Hooks},
};
use frame_system::EnsureRoot;
use pallet_peers::Standing;
use pallet_token::PeriodEmission;
use sp_core::{sr25519, Pair};
use sp_runtime::{
	testing::{TestXt, UintAuthorityId},
	BuildStorage, DispatchError, DispatchResult,
};
use spacebook_receipts::{Receipt, SumTree};
use std::{cell::RefCell, collections::BTreeMap};

type Block = frame_system::mocking::MockBlock<Test>;
/// An account id in the mock.
pub type AccountId = u64;
/// A balance in the mock.
pub type Balance = u128;

/// Plancks in one SPB.
pub const SPB: Balance = 1_000_000_000_000;
/// The existential deposit.
pub const ED: Balance = SPB / 100;
/// Blocks in a ledgering period.
pub const PERIOD: u64 = 100;
/// Blocks a removed client key still vouches for its receipts: `MaxRollover` + 2 periods.
pub const CLIENT_KEY_RETENTION: u64 = (12 + 2) * PERIOD;
/// Blocks of the report window.
pub const REPORT_WINDOW: u32 = 10;
/// Blocks between the report window and the first audit seed.
pub const SEED_DELAY: u32 = 2;
/// The offset of the first audit round.
pub const AUDIT_START: u32 = REPORT_WINDOW + SEED_DELAY;
/// Blocks of an audit window.
pub const AUDIT_WINDOW: u32 = 10;
/// First-round samples.
pub const SAMPLES: u32 = 2;
/// Second-round samples.
pub const SECOND_SAMPLES: u32 = 4;
/// Reports a period keeps.
pub const MAX_REPORTS: u32 = 8;
/// The largest top group.
pub const MAX_TOP: u32 = 100;
/// The top group at genesis.
pub const DEFAULT_TOP: u32 = 4;

/// The mining pool's account.
pub const POOL: AccountId = 99;
/// Peers (professional or common) are accounts 1..=20.
pub const PEER: AccountId = 1;
/// The most periods a report reaches back.
pub const MAX_ROLLOVER: u32 = 12;
/// A DApp.
pub const DAPP: AccountId = 40;
/// Another DApp.
pub const DAPP_2: AccountId = 41;
/// A billing peer.
pub const BILLER: AccountId = 30;
/// Another billing peer.
pub const BILLER_2: AccountId = 31;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Traffic: pallet_traffic,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<Balance>;
	/// The database weights `weights.rs`'s `()` implementation uses, so that weights derived
	/// from it (an answer's authorization) are tested with real write costs.
	type DbWeight = frame_support::weights::constants::RocksDbWeight;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type Balance = Balance;
	type ExistentialDeposit = ConstU128<ED>;
	type AccountStore = System;
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

/// A registered peer in the stand-in registry.
#[derive(Clone, Debug)]
pub struct MockPeer {
	/// Its peer key.
	pub key: UintAuthorityId,
	/// Whether it may earn now.
	pub can_earn: bool,
}

thread_local! {
	static PEERS: RefCell<BTreeMap<AccountId, MockPeer>> = const { RefCell::new(BTreeMap::new()) };
	/// Each client key's DApp and, once the DApp removed it, the block it did.
	static CLIENT_KEYS: RefCell<BTreeMap<sr25519::Public, (AccountId, Option<u64>)>> =
		const { RefCell::new(BTreeMap::new()) };
	static REWARDS: RefCell<Vec<(AccountId, Balance)>> = const { RefCell::new(Vec::new()) };
	static PENALTIES: RefCell<Vec<(AccountId, PenaltyReason)>> = const { RefCell::new(Vec::new()) };
	static PENALTY_LEVELS: RefCell<Vec<PenaltyLevel>> = const { RefCell::new(Vec::new()) };
	static PAID_BYTES: RefCell<BTreeMap<AccountId, (u128, Balance)>> =
		const { RefCell::new(BTreeMap::new()) };
	/// The traffic price per GiB from a period on (the default before the first).
	static TRAFFIC_PRICES: RefCell<BTreeMap<u32, Balance>> = const { RefCell::new(BTreeMap::new()) };
	/// The bills the pricing pallet was told of.
	static NOTED_BILLS: RefCell<Vec<Balance>> = const { RefCell::new(Vec::new()) };
	/// The failed audits the patrol pallet's stand-in was told of.
	static AUDITS_FAILED: RefCell<Vec<(AccountId, u32)>> = const { RefCell::new(Vec::new()) };
}

/// The patrol pallet's stand-in: records the failed audits, reserves [`ReservedForPatrols`].
pub struct MockPatrols;
impl spacebook_patrol_primitives::OnAuditFailed<AccountId> for MockPatrols {
	fn audit_failed(peer: &AccountId, period: u32) {
		AUDITS_FAILED.with(|a| a.borrow_mut().push((*peer, period)));
	}
}
impl spacebook_patrol_primitives::PeersShareReserve<Balance> for MockPatrols {
	fn reserved(_period: u32, peers: Balance) -> Balance {
		ReservedForPatrols::get().mul_floor(peers)
	}
}

/// The failed audits the patrol pallet was told of.
pub fn audits_failed() -> Vec<(AccountId, u32)> {
	AUDITS_FAILED.with(|a| a.borrow().clone())
}

/// The traffic price per GiB before any is set: the whitepaper's 10 SPB a monthly TB.
pub const DEFAULT_PRICE_PER_GIB: Balance = SPB / 100;

/// The pricing pallet's stand-in: a price per GiB from a period on.
pub struct MockPrices;
impl NominalTrafficPrice<Balance> for MockPrices {
	fn price_per_gib(period: u32) -> Balance {
		TRAFFIC_PRICES.with(|p| {
			p.borrow().range(..=period).next_back().map_or(DEFAULT_PRICE_PER_GIB, |(_, v)| *v)
		})
	}
	fn note_bill(amount: Balance) {
		NOTED_BILLS.with(|b| b.borrow_mut().push(amount));
	}
}

/// Price a GiB of traffic at `price` from period `period` on.
pub fn set_traffic_price(period: u32, price: Balance) {
	TRAFFIC_PRICES.with(|p| p.borrow_mut().insert(period, price));
}

/// The bills the pricing pallet was told of.
pub fn noted_bills() -> Vec<Balance> {
	NOTED_BILLS.with(|b| b.borrow().clone())
}

parameter_types! {
	/// The part of the peers' emission the patrol pallet's stand-in reserves.
	pub static ReservedForPatrols: sp_runtime::Perbill = sp_runtime::Perbill::zero();
	pub static PeersEmission: Balance = 1_000_000 * SPB;
	pub static BillingEmission: Balance = 21_000 * SPB;
	pub static Randomness: H256 = H256::repeat_byte(0x42);
	/// The billing peer packing the blocks being built, if it may be paid.
	pub static Packer: Option<AccountId> = None;
	/// `MaxReports`, `SettleBatch` and `PayoutBatch`: small by default, so that tests reach the
	/// bounds; the whitepaper's top-100 example raises them together (the settlement must still
	/// fit in a period).
	pub static MaxReportsParam: u32 = MAX_REPORTS;
	pub static SettleBatchParam: u32 = 3;
	/// No bound on the DApps a period's reports name unless a test sets one.
	pub static MaxDAppEntriesParam: u32 = 1_000_000;
	/// No weight bound on a settlement block unless a test sets one.
	pub static SettleWeightParam: Weight = Weight::MAX;
	pub static PayoutBatchParam: u32 = 3;
	/// A whole old period forgotten in a block unless a test (or the benchmarks) sets a batch.
	pub static PruneBatchParam: u32 = 1_000_000;
	/// The wash-trading cap until governance sets one: none in most tests, which check the
	/// whitepaper formula; the runtime's default is tested in `runtime/tests/self_dealing.rs`.
	pub static DefaultRewardCapParam: Option<sp_runtime::Perbill> = None;
}

/// The mining pool's stand-in: pays from [`POOL`] with [`Preservation::Preserve`].
pub struct MockPool;
impl MiningPool<AccountId, Balance> for MockPool {
	fn current_period() -> u32 {
		Traffic::period_of(System::block_number())
	}
	fn emission_for_period(period: u32) -> Balance {
		Self::period_emission(period).total
	}
	fn period_emission(period: u32) -> PeriodEmission<Balance> {
		let (peers, billing) = (PeersEmission::get(), BillingEmission::get());
		PeriodEmission { period, year: 1, total: peers + billing, peers, billing, scheduling: 0 }
	}
	fn pay_from_pool(who: &AccountId, amount: Balance, _: PayoutPurpose) -> DispatchResult {
		<Balances as Mutate<AccountId>>::transfer(&POOL, who, amount, Preservation::Preserve)
			.map(|_| ())
	}
}

/// The peer registry's stand-in.
pub struct MockRegistry;
impl PeerRegistry<AccountId, Balance, UintAuthorityId, ClientKey, u64> for MockRegistry {
	fn peer_of_key(key: &UintAuthorityId) -> Option<AccountId> {
		PEERS.with(|p| p.borrow().iter().find(|(_, m)| m.key == *key).map(|(a, _)| *a))
	}
	fn peer_key(who: &AccountId) -> Option<UintAuthorityId> {
		PEERS.with(|p| p.borrow().get(who).map(|m| m.key.clone()))
	}
	fn dapp_of_client_key(key: &ClientKey, since: u64) -> Option<AccountId> {
		CLIENT_KEYS.with(|k| {
			k.borrow()
				.get(key)
				.filter(|(_, removed_at)| removed_at.is_none_or(|at| at >= since))
				.map(|(dapp, _)| *dapp)
		})
	}
	fn client_key_retention() -> u64 {
		CLIENT_KEY_RETENTION
	}
	fn can_earn(who: &AccountId) -> bool {
		PEERS.with(|p| p.borrow().get(who).is_some_and(|m| m.can_earn))
	}
	fn on_reward(who: &AccountId, amount: Balance) -> Balance {
		REWARDS.with(|r| r.borrow_mut().push((*who, amount)));
		0
	}
}

/// The penalty ladder's stand-in: records.
pub struct MockPenalties;
impl Penalties<AccountId> for MockPenalties {
	fn penalize(
		who: &AccountId,
		reason: PenaltyReason,
		level: PenaltyLevel,
	) -> Result<Standing, DispatchError> {
		PENALTIES.with(|p| p.borrow_mut().push((*who, reason)));
		PENALTY_LEVELS.with(|p| p.borrow_mut().push(level));
		Ok(Standing::Good)
	}
}

/// The pricing pallet's stand-in: paid bytes and a price per byte, per DApp.
pub struct MockBilling;
impl TrafficBilling<AccountId, Balance> for MockBilling {
	fn unclaimed_paid_bytes(dapp: &AccountId, _from_period: u32, _period: u32) -> u128 {
		PAID_BYTES.with(|p| p.borrow().get(dapp).map_or(0, |(b, _)| *b))
	}
	fn claim_paid_bytes(dapp: &AccountId, bytes: u128, _period: u32) -> Balance {
		PAID_BYTES.with(|p| {
			let mut paid = p.borrow_mut();
			let entry = paid.entry(*dapp).or_default();
			let claimed = bytes.min(entry.0);
			entry.0 -= claimed;
			claimed * entry.1
		})
	}
}

/// The token pallet's stand-in: revenue goes to [`POOL`].
pub struct MockRevenue;
impl pallet_token::RevenueRecycler<AccountId, Balance> for MockRevenue {
	type Credit = frame_support::traits::fungible::Credit<AccountId, Balances>;
	fn recycle_revenue(
		payer: &AccountId,
		amount: Balance,
	) -> Result<pallet_token::RecycledShares<Balance>, DispatchError> {
		<Balances as Mutate<AccountId>>::transfer(payer, &POOL, amount, Preservation::Preserve)?;
		Ok(pallet_token::RecycledShares { foundation: 0, mining_pool: amount })
	}
	fn recycle_escrowed_revenue(
		_payer: &AccountId,
		credit: Self::Credit,
	) -> pallet_token::RecycledShares<Balance> {
		use frame_support::traits::{fungible::Balanced, tokens::Imbalance};
		let amount = credit.peek();
		let _ = <Balances as Balanced<AccountId>>::resolve(&POOL, credit);
		pallet_token::RecycledShares { foundation: 0, mining_pool: amount }
	}
}

/// The billing peers' stand-in: [`Packer`] packs every block.
pub struct MockBillingPeers;
impl BillingPeers<AccountId> for MockBillingPeers {
	fn packer() -> Option<AccountId> {
		Packer::get()
	}
	fn packer_weight() -> Weight {
		<Test as frame_system::Config>::DbWeight::get().reads(3)
	}
}

impl pallet_traffic::Config for Test {
	type Balance = Balance;
	type MiningPool = MockPool;
	type PeerKey = UintAuthorityId;
	type Registry = MockRegistry;
	type Penalties = MockPenalties;
	type OnAuditFailed = MockPatrols;
	type PeersShareReserve = MockPatrols;
	type Billing = MockBilling;
	type Revenue = MockRevenue;
	type Currency = Balances;
	type Prices = MockPrices;
	type OnBilled = MockOnBilled;
	type BillingPeers = MockBillingPeers;
	type AuditRandomness = Randomness;
	type GovernanceOrigin = EnsureRoot<AccountId>;
	type BlocksPerPeriod = ConstU64<PERIOD>;
	type ReportWindow = ConstU32<REPORT_WINDOW>;
	type SeedDelay = ConstU32<SEED_DELAY>;
	type AuditWindow = ConstU32<AUDIT_WINDOW>;
	type AuditSamples = ConstU32<SAMPLES>;
	type SecondAuditSamples = ConstU32<SECOND_SAMPLES>;
	type MaxReports = MaxReportsParam;
	type MaxDApps = ConstU32<4>;
	type MaxTopGroup = ConstU32<MAX_TOP>;
	type DefaultTopGroup = ConstU32<DEFAULT_TOP>;
	type DefaultRewardCap = DefaultRewardCapParam;
	type MaxRollover = ConstU32<MAX_ROLLOVER>;
	type MaxBillingPeers = ConstU32<4>;
	type MaxDAppEntries = MaxDAppEntriesParam;
	type SettleBatch = SettleBatchParam;
	type SettleWeight = SettleWeightParam;
	type PayoutBatch = PayoutBatchParam;
	type HistoryDepth = ConstU32<3>;
	type PruneBatch = PruneBatchParam;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = BenchSetup;
}

/// `n` whole SPB.
pub const fn spb(n: u128) -> Balance {
	n * SPB
}

/// The pool's balance at genesis.
pub const POOL_FUNDS: Balance = 1_000_000_000 * SPB;

/// Storage with the pool funded, every peer and DApp endowed.
pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	let balances = (1..=20u64)
		.chain([DAPP, DAPP_2, BILLER, BILLER_2])
		.map(|who| (who, spb(10)))
		.chain([(POOL, POOL_FUNDS)])
		.collect::<Vec<_>>();
	pallet_balances::GenesisConfig::<Test> { balances, ..Default::default() }
		.assimilate_storage(&mut storage)
		.unwrap();
	let mut ext: sp_io::TestExternalities = storage.into();
	ext.execute_with(|| {
		System::set_block_number(1);
		reset_stand_ins();
	});
	ext
}

fn reset_stand_ins() {
	PEERS.with(|p| p.borrow_mut().clear());
	CLIENT_KEYS.with(|k| k.borrow_mut().clear());
	REWARDS.with(|r| r.borrow_mut().clear());
	PENALTIES.with(|p| p.borrow_mut().clear());
	PENALTY_LEVELS.with(|p| p.borrow_mut().clear());
	PAID_BYTES.with(|p| p.borrow_mut().clear());
	TRAFFIC_PRICES.with(|p| p.borrow_mut().clear());
	NOTED_BILLS.with(|b| b.borrow_mut().clear());
	PeersEmission::set(1_000_000 * SPB);
	BillingEmission::set(21_000 * SPB);
	ReservedForPatrols::set(sp_runtime::Perbill::zero());
	AUDITS_FAILED.with(|a| a.borrow_mut().clear());
	Packer::set(None);
	Randomness::set(H256::repeat_byte(0x42));
}

/// Run `test`, then check the pallet's invariants and that total issuance did not change.
pub fn build_and_execute(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		let issuance = pallet_balances::TotalIssuance::<Test>::get();
		test();
		Traffic::do_try_state().expect("invariants hold after the test");
		assert_eq!(
			pallet_balances::TotalIssuance::<Test>::get(),
			issuance,
			"nothing is minted or burned"
		);
	});
}

/// Register `who` as a peer that may earn.
pub fn register_peer(who: AccountId) {
	PEERS.with(|p| {
		p.borrow_mut().insert(who, MockPeer { key: UintAuthorityId(1_000 + who), can_earn: true })
	});
}

/// Let `who` earn or not (suspended, leaving).
pub fn set_can_earn(who: AccountId, can_earn: bool) {
	PEERS.with(|p| p.borrow_mut().get_mut(&who).expect("registered").can_earn = can_earn);
}

/// The client key pair `n` (of no DApp until [`authorize`]).
pub fn client(n: u32) -> sr25519::Pair {
	sr25519::Pair::from_string(&format!("//client/{n}"), None).unwrap()
}

/// Let `dapp` authorize client key `n`.
pub fn authorize(dapp: AccountId, n: u32) {
	CLIENT_KEYS.with(|k| k.borrow_mut().insert(client(n).public(), (dapp, None)));
}

/// Let the DApp of client key `n` remove it now: it stays retired (vouching for receipts of
/// periods that began before) for longer than any test runs.
pub fn retire(n: u32) {
	let now = System::block_number();
	CLIENT_KEYS
		.with(|k| k.borrow_mut().get_mut(&client(n).public()).expect("authorized").1 = Some(now));
}

/// Let `dapp` have paid for `bytes` more at `price` per byte.
pub fn pay_for(dapp: AccountId, bytes: u128, price: Balance) {
	PAID_BYTES.with(|p| {
		let mut paid = p.borrow_mut();
		let entry = paid.entry(dapp).or_default();
		entry.0 += bytes;
		entry.1 = price;
	});
}

/// Unclaimed paid bytes of `dapp`.
pub fn unclaimed(dapp: AccountId) -> u128 {
	MockBilling::unclaimed_paid_bytes(&dapp, 0, 0)
}

/// Rewards the registry was told of.
pub fn rewards() -> Vec<(AccountId, Balance)> {
	REWARDS.with(|r| r.borrow().clone())
}

/// Penalties recorded.
pub fn penalties() -> Vec<(AccountId, PenaltyReason)> {
	PENALTIES.with(|p| p.borrow().clone())
}

/// The levels of the penalties recorded.
pub fn penalty_levels() -> Vec<PenaltyLevel> {
	PENALTY_LEVELS.with(|p| p.borrow().clone())
}

/// The free balance of `who`.
pub fn free(who: AccountId) -> Balance {
	pallet_balances::Pallet::<Test>::free_balance(who)
}

/// The events of this pallet so far.
pub fn events() -> Vec<pallet_traffic::Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::Traffic(e) => Some(e),
			_ => None,
		})
		.collect()
}

/// Run the blocks after the current one up to `n`, with `on_initialize`.
pub fn run_to(n: u64) {
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		Traffic::on_initialize(next);
	}
}

/// The first block of `period`.
pub fn start_of(period: u32) -> u64 {
	u64::from(period) * PERIOD
}

/// Run to the report window of `period` (the first block of the next period).
pub fn run_to_report_window(period: u32) {
	run_to(start_of(period + 1));
}

/// Run to the block from which a node sends its report of `period`.
pub fn run_to_report_sending(period: u32) {
	run_to(start_of(period + 1) + u64::from(Traffic::report_send_from()));
}

/// Run to the first audit round of `period`.
pub fn run_to_first_audit(period: u32) {
	run_to(start_of(period + 1) + u64::from(AUDIT_START));
}

/// Run to the second audit round of `period`.
pub fn run_to_second_audit(period: u32) {
	run_to(start_of(period + 1) + u64::from(AUDIT_START + AUDIT_WINDOW));
}

/// Run until `period` is settled.
pub fn run_to_settled(period: u32) {
	while NextToSettle::<Test>::get() <= period {
		run_to(System::block_number() + 1);
	}
}

/// A serving peer's node: its receipts, tree, report and audit answers.
#[derive(Clone)]
pub struct Node {
	/// The peer's account.
	pub peer: AccountId,
	/// Its signed receipts, sorted by stream key.
	pub receipts: Vec<SignedReceipt<AccountId>>,
}

impl Node {
	/// A node of `peer` without receipts.
	pub fn new(peer: AccountId) -> Self {
		Node { peer, receipts: Vec::new() }
	}

	/// Add the receipt `(period, session, server: the peer, dapp, client n, bytes)` signed by
	/// client `n`.
	pub fn serve(&mut self, period: u32, session: u8, dapp: AccountId, n: u32, bytes: u64) {
		let receipt = Receipt {
			period,
			session: [session; 16],
			server: self.peer,
			dapp,
			client_key: client(n).public(),
			bytes,
		};
		self.push(receipt.sign(&client(n), &Traffic::genesis_hash()));
	}

	/// Add a signed receipt as it is, keeping the stream-key order.
	pub fn push(&mut self, signed: SignedReceipt<AccountId>) {
		self.receipts.push(signed);
		self.receipts.sort_by_key(|r| r.receipt.stream_key());
	}

	/// The sum tree over the receipts.
	pub fn tree(&self) -> SumTree {
		SumTree::from_leaves(self.receipts.iter().map(SumNode::leaf).collect()).unwrap()
	}

	/// The report of `period` from `from_period`.
	pub fn report(&self, period: u32, from_period: u32) -> TrafficReportOf<Test> {
		let tree = self.tree();
		let per_dapp = Traffic::per_dapp_totals(&self.receipts);
		TrafficReport {
			peer: self.peer,
			period,
			from_period,
			root: tree.root(),
			leaf_count: tree.leaf_count(),
			per_dapp: per_dapp.try_into().unwrap(),
		}
	}

	/// Sign a report with the peer's key.
	pub fn sign(report: &TrafficReportOf<Test>) -> ReportSignature<Test> {
		let key = UintAuthorityId(1_000 + report.peer);
		key.sign(&Traffic::report_payload(report)).unwrap()
	}

	/// Submit a signed report.
	pub fn submit_report(report: TrafficReportOf<Test>) -> DispatchResult {
		let signature = Self::sign(&report);
		Traffic::submit_report(frame_system::RawOrigin::Authorized.into(), report, signature)
	}

	/// Report `period` from `from_period`.
	pub fn submit(&self, period: u32, from_period: u32) -> DispatchResult {
		Self::submit_report(self.report(period, from_period))
	}

	/// The honest answers to the open round of its report of `period`.
	pub fn answers(&self, period: u32) -> AnswersOf<Test> {
		// Built here rather than with `Traffic::answers_from`, so that the tests check the
		// pallet's answers against an independent construction.
		let round = Traffic::open_round(period).expect("an audit round is open");
		let tree = self.tree();
		Traffic::audit_positions(period, &self.peer, round)
			.into_iter()
			.map(|position| {
				let index = tree.leaf_at(position).expect("a leaf covers every byte");
				self.answer(&tree, index)
			})
			.collect::<Vec<_>>()
			.try_into()
			.unwrap()
	}

	/// The answer revealing leaf `index`.
	pub fn answer(&self, tree: &SumTree, index: u32) -> SampleAnswer<AccountId> {
		SampleAnswer {
			leaf_index: index,
			receipt: self.receipts[index as usize].clone(),
			proof: tree.proof(index).unwrap().try_into().unwrap(),
		}
	}

	/// Answer the open audit round of its report of `period` honestly.
	pub fn answer_audit(&self, period: u32) -> DispatchResult {
		Self::send_answers(period, self.peer, self.answers(period))
	}

	/// Send answers.
	pub fn send_answers(period: u32, peer: AccountId, answers: AnswersOf<Test>) -> DispatchResult {
		Traffic::answer_audit(frame_system::RawOrigin::Authorized.into(), period, peer, answers)
			.map(|_| ())
			.map_err(|e| e.error)
	}
}

/// A registered peer whose node served `bytes` for [`DAPP`] (paid for) in `period`, in one
/// receipt of client 0.
pub fn honest_node(peer: AccountId, period: u32, bytes: u64) -> Node {
	register_peer(peer);
	authorize(DAPP, 0);
	pay_for(DAPP, u128::from(bytes), 1);
	let mut node = Node::new(peer);
	node.serve(period, peer as u8, DAPP, 0, bytes);
	node
}

/// Report, pass the audit and settle `period` for `nodes` (their reports from `from`).
pub fn report_and_settle(period: u32, nodes: &[(&Node, u32)]) {
	run_to_report_window(period);
	for (node, from) in nodes {
		frame_support::assert_ok!(node.submit(period, *from));
	}
	run_to_first_audit(period);
	for (node, _) in nodes {
		frame_support::assert_ok!(node.answer_audit(period));
	}
	run_to_settled(period);
}

/// Sets up the stand-ins for the benchmarks.
#[cfg(feature = "runtime-benchmarks")]
pub struct BenchSetup;
#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper<AccountId, UintAuthorityId> for BenchSetup {
	fn register_peer(who: &AccountId, key: UintAuthorityId) {
		PEERS.with(|p| p.borrow_mut().insert(*who, MockPeer { key, can_earn: true }));
	}
	fn register_dapp(dapp: &AccountId, client_key: ClientKey, bytes: u128) {
		CLIENT_KEYS.with(|k| k.borrow_mut().insert(client_key, (*dapp, None)));
		pay_for(*dapp, bytes, 1);
	}
	fn fund(who: &AccountId) {
		<Balances as Mutate<AccountId>>::set_balance(who, spb(1_000_000));
	}
}

/// The test genesis with a keystore (for the benchmark tests).
#[cfg(feature = "runtime-benchmarks")]
pub fn bench_ext() -> sp_io::TestExternalities {
	use sp_keystore::{testing::MemoryKeystore, KeystoreExt};
	// The benchmarks fill a batch of old entries.
	PruneBatchParam::set(50);
	let mut ext = new_test_ext();
	ext.register_extension(KeystoreExt::new(MemoryKeystore::new()));
	ext
}

/// Like [`build_and_execute`], with off-chain storage and a transaction pool; `test` gets the
/// pool's state.
pub fn build_and_execute_offchain(
	test: impl FnOnce(std::sync::Arc<parking_lot::RwLock<sp_core::offchain::testing::PoolState>>),
) {
	use sp_core::offchain::{testing, OffchainDbExt, OffchainWorkerExt, TransactionPoolExt};
	let (offchain, _state) = testing::TestOffchainExt::new();
	let (pool, pool_state) = testing::TestTransactionPoolExt::new();
	let mut ext = new_test_ext();
	ext.register_extension(OffchainDbExt::new(offchain.clone()));
	ext.register_extension(OffchainWorkerExt::new(offchain));
	ext.register_extension(TransactionPoolExt::new(pool));
	ext.execute_with(|| {
		let issuance = pallet_balances::TotalIssuance::<Test>::get();
		test(pool_state);
		Traffic::do_try_state().expect("invariants hold after the test");
		assert_eq!(pallet_balances::TotalIssuance::<Test>::get(), issuance);
	});
}

/// Keep `receipts` in the node's off-chain storage for `peer` and `period`, as the node's RPC
/// does.
/// (The store files each receipt under its own server and period, whatever `peer` and
/// `period` say: a node cannot be made to report another peer's receipts.)
pub fn store_receipts(_peer: AccountId, _period: u32, receipts: &[SignedReceipt<AccountId>]) {
	for receipt in receipts {
		let mut storage = crate::offchain::LocalStorage;
		spacebook_receipts::store::keep(&mut storage, receipt).expect("kept");
	}
}

/// What the node does beside its worker: write the report snapshots the worker queued to disk
/// (here, nowhere) and mark them synced (`spacebook_receipts::snapshots::sync_pending`).
/// Returns how many it synced.
pub fn node_syncs_snapshots() -> usize {
	let mut storage = crate::offchain::LocalStorage;
	node_beats();
	spacebook_receipts::snapshots::sync_pending(&mut storage, |_, _| Ok::<(), ()>(()))
		.expect("writing nowhere succeeds")
}

/// The node's heartbeat at the current block: it syncs snapshots, so the worker waits for it.
pub fn node_beats() {
	let mut storage = crate::offchain::LocalStorage;
	spacebook_receipts::snapshots::beat(&mut storage, System::block_number() as u32);
}

/// Run the off-chain worker at the current block as the node does: the node's heartbeat, the
/// worker, the node's sync of the snapshots it kept, and the worker again (which sends a report
/// built in the first run, as the next block's run would).
pub fn offchain_worker_with_node() {
	node_beats();
	Traffic::offchain_worker(System::block_number());
	if node_syncs_snapshots() > 0 {
		Traffic::offchain_worker(System::block_number());
	}
}

/// Run the off-chain worker with the node ([`offchain_worker_with_node`]) at the current block,
/// then dispatch what it sent (as a block would) and empty the pool. Returns the calls.
pub fn run_offchain_worker(
	pool: &std::sync::Arc<parking_lot::RwLock<sp_core::offchain::testing::PoolState>>,
) -> Vec<pallet_traffic::Call<Test>> {
	offchain_worker_with_node();
	dispatch_pool(pool)
}

/// Dispatch what is in the pool (as a block would) and empty it. Returns the calls.
pub fn dispatch_pool(
	pool: &std::sync::Arc<parking_lot::RwLock<sp_core::offchain::testing::PoolState>>,
) -> Vec<pallet_traffic::Call<Test>> {
	use codec::Decode;
	use frame_support::traits::UnfilteredDispatchable;
	let txs = std::mem::take(&mut pool.write().transactions);
	txs.into_iter()
		.map(|tx| {
			let xt = TestXt::<RuntimeCall, ()>::decode(&mut &tx[..]).expect("an extrinsic");
			let RuntimeCall::Traffic(call) = xt.function else { panic!("a traffic call") };
			call.clone()
				.dispatch_bypass_filter(frame_system::RawOrigin::Authorized.into())
				.expect("what the worker sends checks");
			call
		})
		.collect()
}

parameter_types! {
	/// The bills `OnBilled` was told of.
	pub static BillsTold: Vec<(AccountId, Balance)> = vec![];
}

/// The stand-in listener of the bills (the committee's DApp ranking).
pub struct MockOnBilled;
impl crate::OnTrafficBilled<AccountId, Balance> for MockOnBilled {
	fn on_billed(dapp: &AccountId, amount: Balance) {
		BillsTold::mutate(|b| b.push((*dapp, amount)));
	}
}

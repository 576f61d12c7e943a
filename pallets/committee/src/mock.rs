//! A test runtime: balances, stand-in billing peers, top DApps and collective.

use crate as pallet_committee;
use crate::*;
use frame_support::{
	derive_impl, parameter_types,
	traits::{ChangeMembers, ConstU128, ConstU32, Hooks, VariantCountOf},
};
use sp_runtime::{BuildStorage, DispatchResult};

type Block = frame_system::mocking::MockBlock<Test>;
/// An account id in the mock.
pub type AccountId = u64;
/// A balance in the mock.
pub type Balance = u128;

/// Plancks in one SPB.
pub const SPB: Balance = 1_000_000_000_000;
/// The existential deposit.
pub const ED: Balance = SPB / 100;
/// What every funded account holds.
pub const FUNDS: Balance = 10_000 * SPB;
/// Seats (9 on production).
pub const MAX_MEMBERS: u32 = 3;
/// The fewest an election seats (7 on production).
pub const MIN_MEMBERS: u32 = 2;
/// The quotas (21, 6, 10, 5 on production).
pub const BILLING_NOMINATIONS: u32 = 3;
pub const FOUNDATION_NOMINATIONS: u32 = 2;
pub const DAPP_NOMINATIONS: u32 = 2;
pub const PRE_ELECTED: u32 = 2;
/// The sign-up threshold (10 000 SPB on production).
pub const THRESHOLD: Balance = 100 * SPB;
/// The sign-up deposit.
pub const SIGN_UP_DEPOSIT: Balance = 10 * SPB;
/// The smallest support or vote.
pub const MIN_VOTE: Balance = 10 * SPB;
/// The pre-election list's bound.
pub const MAX_SIGN_UPS: u32 = 3;
/// Ballots released a block.
pub const RELEASES: u32 = 2;
/// The first election's start and the schedule.
pub const FIRST: u64 = 5;
pub const TERM: u64 = 50;
pub const NOMINATING: u64 = 10;
pub const VOTING: u64 = 10;

/// Billing peers' accounts.
pub const BILLING_PEERS: [AccountId; 3] = [101, 102, 103];
/// The top DApps, most paid traffic first.
pub const DAPPS: [AccountId; 3] = [201, 202, 203];
/// Voters and candidates: funded accounts.
pub const FUNDED: core::ops::RangeInclusive<AccountId> = 1..=40;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Committee: pallet_committee,
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

parameter_types! {
	/// The billing peers in the authority set now.
	pub static BillingPeerSet: Vec<AccountId> = BILLING_PEERS.to_vec();
	/// The collective's members, as it was told.
	pub static CollectiveMembers: Vec<AccountId> = vec![];
	pub const DefaultSchedule: Schedule<u64> =
		Schedule { term: TERM, nominating: NOMINATING, voting: VOTING };
}

/// Account [`MAJOR`] stands for a major issue's motion.
pub const MAJOR: AccountId = 999;
/// The foundation's account.
pub const FOUNDATION: AccountId = 998;
frame_support::ord_parameter_types! {
	pub const MajorityOf: AccountId = MAJOR;
}

/// The stand-in billing-peer set.
pub struct MockBillingPeers;
impl BillingPeers<AccountId> for MockBillingPeers {
	fn accounts() -> Vec<AccountId> {
		BillingPeerSet::get()
	}
}

/// The stand-in collective.
pub struct MockCollective;
impl ChangeMembers<AccountId> for MockCollective {
	fn change_members_sorted(_: &[AccountId], _: &[AccountId], new: &[AccountId]) {
		CollectiveMembers::set(new.to_vec());
	}
}

impl pallet_committee::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type BillingPeers = MockBillingPeers;
	type FoundationOrigin = frame_system::EnsureRoot<AccountId>;
	type MajorOrigin = frame_system::EnsureSignedBy<MajorityOf, AccountId>;
	type RuntimeCall = RuntimeCall;
	type FirstElectionWithin = frame_support::traits::ConstU64<100>;
	type Members = MockCollective;
	type MembersWeight = ();
	type MaxMembers = ConstU32<MAX_MEMBERS>;
	type MinMembers = ConstU32<MIN_MEMBERS>;
	type BillingNominations = ConstU32<BILLING_NOMINATIONS>;
	type FoundationNominations = ConstU32<FOUNDATION_NOMINATIONS>;
	type DAppNominations = ConstU32<DAPP_NOMINATIONS>;
	type PreElected = ConstU32<PRE_ELECTED>;
	type MaxCandidates =
		ConstU32<{ BILLING_NOMINATIONS + FOUNDATION_NOMINATIONS + DAPP_NOMINATIONS + PRE_ELECTED }>;
	type SignUpThreshold = ConstU128<THRESHOLD>;
	type MaxSignUps = ConstU32<MAX_SIGN_UPS>;
	type SignUpDeposit = ConstU128<SIGN_UP_DEPOSIT>;
	type MinVote = ConstU128<MIN_VOTE>;
	type MaxVotes = ConstU32<4>;
	type MaxReleasesPerBlock = ConstU32<RELEASES>;
	type DefaultSchedule = DefaultSchedule;
	type WeightInfo = ();
}

/// The test externalities: funded accounts, the first election at [`FIRST`].
pub fn new_test_ext() -> sp_io::TestExternalities {
	BillingPeerSet::set(BILLING_PEERS.to_vec());
	CollectiveMembers::set(vec![]);
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: FUNDED.chain(BILLING_PEERS).chain(DAPPS).map(|who| (who, FUNDS)).collect(),
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	pallet_committee::GenesisConfig::<Test> {
		schedule: None,
		first_election: FIRST,
		foundation: Some(FOUNDATION),
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| {
		System::set_block_number(1);
		// Proof-of-Traffic's bills before the first election: the DApps ranked in order.
		for (i, dapp) in DAPPS.iter().enumerate() {
			Committee::note_paid_traffic(dapp, 1_000 - 100 * i as u128);
		}
	});
	ext
}

/// Run a test, then the pallet's invariants.
pub fn test(f: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		Committee::integrity_test();
		f();
		Committee::do_try_state().expect("the invariants hold");
	});
}

/// Run blocks up to and including `n`, with the pallet's hook, checking the invariants.
pub fn run_to(n: u64) {
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		Committee::on_initialize(next);
		Committee::do_try_state().expect("the invariants hold after every block");
	}
}

/// The block the current election's nominations close.
pub fn nominations_close() -> u64 {
	match Phase::<Test>::get() {
		Some(ElectionPhase::Nominating { ends_at }) => ends_at,
		other => panic!("not nominating: {other:?}"),
	}
}

/// The block the current election's votes are counted.
pub fn votes_counted() -> u64 {
	match Phase::<Test>::get() {
		Some(ElectionPhase::Voting { ends_at }) => ends_at,
		other => panic!("not voting: {other:?}"),
	}
}

/// `who` gives `amounts` whole SPB, an amount each.
fn choices(amounts: &[(AccountId, u128)]) -> Choices<AccountId, ConstU32<4>> {
	amounts.iter().map(|(who, a)| (*who, a * SPB)).collect::<Vec<_>>().try_into().unwrap()
}

/// `who` supports sign-ups with whole SPB.
pub fn support(who: AccountId, amounts: &[(AccountId, u128)]) -> DispatchResult {
	Committee::support(RuntimeOrigin::signed(who), choices(amounts))
}

/// `who` votes for candidates with whole SPB.
pub fn vote(who: AccountId, amounts: &[(AccountId, u128)]) -> DispatchResult {
	Committee::vote(RuntimeOrigin::signed(who), choices(amounts))
}

/// The pre-election list's accounts.
pub fn list() -> Vec<AccountId> {
	PreElectionList::<Test>::get().into_iter().map(|(who, _, _)| who).collect()
}

/// The candidates' accounts, in nomination order.
pub fn candidates() -> Vec<AccountId> {
	Candidates::<Test>::get().into_iter().map(|c| c.who).collect()
}

/// The pallet's events.
pub fn events() -> Vec<Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::Committee(e) => Some(e),
			_ => None,
		})
		.collect()
}

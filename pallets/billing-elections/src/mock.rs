//! A test runtime with `System`, `Balances` and `BillingElections`: u128 balances with 12
//! decimals, ten-block eras, a settable candidate registry and an authority set that takes one
//! change a block (as Gosig does).

use crate as pallet_billing_elections;
use crate::*;
use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU128, ConstU32, ConstU64, Hooks, VariantCountOf},
};
use sp_runtime::{BuildStorage, DispatchError};
use std::{cell::RefCell, collections::BTreeMap};

type Block = frame_system::mocking::MockBlock<Test>;
/// An account id in the mock.
pub type AccountId = u64;
/// A balance in the mock.
pub type Balance = u128;

/// Plancks in one SPB.
pub const SPB: Balance = 1_000_000_000_000;
/// The existential deposit: 0.01 SPB.
pub const ED: Balance = SPB / 100;
/// Blocks in an era.
pub const ERA: u64 = 10;
/// Blocks between two tries to replace departures the floor keeps.
pub const REPLACEMENT_RETRY: u64 = 3;
/// The most billing peers elected (the mock's "21").
pub const MAX_ELECTED: u32 = 4;
/// The fewest an election must elect.
pub const MIN_ELECTED: u32 = 2;
/// The most backups ranked.
pub const MAX_BACKUPS: u32 = 4;
/// The most candidates a vote names.
pub const MAX_VOTES: u32 = 4;
/// The most voters.
pub const MAX_VOTERS: u32 = 5;
/// The smallest vote.
pub const MIN_VOTE: Balance = 10 * SPB;
/// Blocks SPB unbond for.
pub const UNBONDING: u64 = 7;
/// The most unbonding chunks.
pub const MAX_UNBONDING: u32 = 2;
/// Each voter's genesis balance.
pub const FUNDS: Balance = 1_000 * SPB;

/// Voters: accounts 1..=9 are funded.
pub const VOTERS: core::ops::RangeInclusive<AccountId> = 1..=9;
/// A candidate's key is its account plus this.
pub const KEY_OFFSET: u64 = 1_000;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		BillingElections: pallet_billing_elections,
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

/// A candidate of the stand-in registry.
#[derive(Clone, Copy, Debug)]
pub struct MockCandidate {
	/// Its registration's number.
	pub registration: u64,
	/// Neither leaving nor suspended.
	pub eligible: bool,
	/// Not leaving (votes may name it).
	pub registered: bool,
}

thread_local! {
	static CANDIDATES: RefCell<BTreeMap<AccountId, MockCandidate>> = const { RefCell::new(BTreeMap::new()) };
	static AUTHORITIES: RefCell<Vec<u64>> = const { RefCell::new(Vec::new()) };
	static CHANGED_AT: RefCell<Option<u64>> = const { RefCell::new(None) };
	static CHANGES: RefCell<u32> = const { RefCell::new(0) };
	static REFUSE: RefCell<bool> = const { RefCell::new(false) };
	/// Whether the members pack the blocks [`run_to`] builds (in turn), or nobody does.
	static PACKING: RefCell<bool> = const { RefCell::new(true) };
	/// The key that packed the block being built.
	static PACKER: RefCell<Option<u64>> = const { RefCell::new(None) };
	/// Candidates leaving of their own accord (not evicted).
	static LEAVING: RefCell<Vec<AccountId>> = const { RefCell::new(Vec::new()) };
}

/// `who` leaves of its own accord: no longer eligible nor votable, but not evicted.
pub fn set_leaving(who: AccountId) {
	set_candidate(who, false, false);
	LEAVING.with(|l| l.borrow_mut().push(who));
}

/// Whether the members pack the blocks [`run_to`] builds, in turn (the default), or nobody
/// does (their nodes silent: nobody on probation proves it).
pub fn set_packing(packing: bool) {
	PACKING.with(|p| *p.borrow_mut() = packing);
}

/// Make Gosig refuse every set from now on (as it would a set it cannot hold).
pub fn refuse_sets(refuse: bool) {
	REFUSE.with(|r| *r.borrow_mut() = refuse);
}

/// The SPB voters gave `candidate`'s current registration, in whole SPB.
pub fn backing(candidate: AccountId) -> u128 {
	let registration = CANDIDATES.with(|c| c.borrow().get(&candidate).map(|m| m.registration));
	registration.map_or(0, |r| Backing::<Test>::get(candidate, r)) / SPB
}

/// `who` leaves and registers again under a new registration number.
pub fn re_register(who: AccountId, registration: u64) {
	add_candidate(who, registration);
}

/// The stand-in registry.
pub struct Registry;
impl BillingCandidates<AccountId, u64> for Registry {
	fn eligible() -> Vec<Candidate<AccountId, u64>> {
		CANDIDATES.with(|c| {
			c.borrow()
				.iter()
				.filter(|(_, m)| m.eligible)
				.map(|(a, m)| Candidate {
					account: *a,
					key: a + KEY_OFFSET,
					registration: m.registration,
				})
				.collect()
		})
	}
	fn registration_of(who: &AccountId) -> Option<u64> {
		CANDIDATES.with(|c| c.borrow().get(who).filter(|m| m.registered).map(|m| m.registration))
	}
	fn is_eligible(who: &AccountId) -> bool {
		CANDIDATES.with(|c| c.borrow().get(who).is_some_and(|m| m.eligible))
	}
	fn key_of(who: &AccountId) -> Option<u64> {
		CANDIDATES.with(|c| c.borrow().contains_key(who).then_some(who + KEY_OFFSET))
	}
	fn account_of(key: &u64) -> Option<AccountId> {
		let who = key.checked_sub(KEY_OFFSET)?;
		CANDIDATES.with(|c| c.borrow().contains_key(&who).then_some(who))
	}
	fn may_keep_seat(key: &u64) -> bool {
		key.checked_sub(KEY_OFFSET).is_some_and(|who| LEAVING.with(|l| l.borrow().contains(&who)))
	}
}

#[cfg(feature = "runtime-benchmarks")]
impl BenchmarkHelper<AccountId> for Registry {
	fn register_candidate(who: &AccountId, i: u32) {
		add_candidate(*who, u64::from(i));
	}
	fn fund(who: &AccountId) {
		use frame_support::traits::fungible::Mutate;
		Balances::set_balance(who, 1_000_000 * SPB);
	}
}

/// The test genesis for the benchmark tests.
#[cfg(feature = "runtime-benchmarks")]
pub fn bench_ext() -> sp_io::TestExternalities {
	new_test_ext(ElectionMethod::Phragmen)
}

/// Register `who` as an eligible candidate with registration number `registration`.
pub fn add_candidate(who: AccountId, registration: u64) {
	CANDIDATES.with(|c| {
		c.borrow_mut().insert(who, MockCandidate { registration, eligible: true, registered: true })
	});
}

/// The registry forgets `who` (its registration is gone).
pub fn remove_candidate(who: AccountId) {
	CANDIDATES.with(|c| c.borrow_mut().remove(&who));
}

/// Change what the registry says of `who`.
pub fn set_candidate(who: AccountId, eligible: bool, registered: bool) {
	CANDIDATES.with(|c| {
		if let Some(m) = c.borrow_mut().get_mut(&who) {
			m.eligible = eligible;
			m.registered = registered;
		}
	});
}

/// The stand-in Gosig: one change a block, never empty.
pub struct Gosig;
impl AuthoritySet<u64> for Gosig {
	fn authorities() -> Vec<u64> {
		AUTHORITIES.with(|a| a.borrow().clone())
	}
	fn can_change() -> bool {
		CHANGED_AT.with(|c| *c.borrow()) != Some(System::block_number())
	}
	fn max_authorities() -> u32 {
		MAX_ELECTED
	}
	fn packer() -> Option<u64> {
		PACKER.with(|p| *p.borrow())
	}
	fn change(keys: Vec<u64>) -> DispatchResult {
		let now = System::block_number();
		if CHANGED_AT.with(|c| *c.borrow()) == Some(now) {
			return Err(DispatchError::Other("one change a block"));
		}
		if keys.is_empty() || keys.len() > MAX_ELECTED as usize || REFUSE.with(|r| *r.borrow()) {
			return Err(DispatchError::Other("not a valid set"));
		}
		CHANGED_AT.with(|c| *c.borrow_mut() = Some(now));
		CHANGES.with(|c| *c.borrow_mut() += 1);
		AUTHORITIES.with(|a| *a.borrow_mut() = keys);
		Ok(())
	}
}

/// The authority set's accounts (keys less the offset), sorted.
pub fn set_accounts() -> Vec<AccountId> {
	let mut accounts: Vec<_> = Gosig::authorities().iter().map(|k| k - KEY_OFFSET).collect();
	accounts.sort();
	accounts
}

/// How many times the set changed.
pub fn changes() -> u32 {
	CHANGES.with(|c| *c.borrow())
}

/// Make this block's set change fail (as if another change came first).
pub fn block_set_change() {
	CHANGED_AT.with(|c| *c.borrow_mut() = Some(System::block_number()));
}

parameter_types! {
	pub static EraLengthParam: u64 = ERA;
}

impl pallet_billing_elections::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type BillingKey = u64;
	type Candidates = Registry;
	type AuthoritySet = Gosig;
	type MethodOrigin = frame_system::EnsureRoot<AccountId>;
	type PartnerOrigin = frame_system::EnsureRoot<AccountId>;
	type MaxElected = ConstU32<MAX_ELECTED>;
	type MinElected = ConstU32<MIN_ELECTED>;
	type MaxBackups = ConstU32<MAX_BACKUPS>;
	type MaxCandidates = ConstU32<{ MAX_ELECTED + MAX_BACKUPS + 8 }>;
	type MaxVotes = ConstU32<MAX_VOTES>;
	type MaxVoters = ConstU32<MAX_VOTERS>;
	type MinVote = ConstU128<MIN_VOTE>;
	type MinBacking = ConstU128<MIN_VOTE>;
	type DefaultMinBackingShare = ();
	type ReplacementRetry = ConstU64<REPLACEMENT_RETRY>;
	type UnbondingPeriod = ConstU64<UNBONDING>;
	type MaxUnbonding = ConstU32<MAX_UNBONDING>;
	type DefaultEraLength = EraLengthParam;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = Registry;
}

/// Genesis: voters 1..=9 with a thousand SPB each; candidates 11..=16 (registrations in that
/// order) whose keys are their accounts plus [`KEY_OFFSET`]; the authority set is 11 and 12;
/// `method` counts the votes.
pub fn new_test_ext(method: ElectionMethod) -> sp_io::TestExternalities {
	CANDIDATES.with(|c| c.borrow_mut().clear());
	LEAVING.with(|l| l.borrow_mut().clear());
	for (i, who) in (11..=16).enumerate() {
		add_candidate(who, i as u64);
	}
	AUTHORITIES.with(|a| *a.borrow_mut() = vec![11 + KEY_OFFSET, 12 + KEY_OFFSET]);
	CHANGED_AT.with(|c| *c.borrow_mut() = None);
	CHANGES.with(|c| *c.borrow_mut() = 0);
	REFUSE.with(|r| *r.borrow_mut() = false);
	PACKING.with(|p| *p.borrow_mut() = true);
	PACKER.with(|p| *p.borrow_mut() = None);
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: VOTERS.map(|v| (v, FUNDS)).collect(),
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	pallet_billing_elections::GenesisConfig::<Test> { era_length: None, method }
		.assimilate_storage(&mut storage)
		.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// Run a test with Phragmén and then the pallet's invariants.
pub fn test(f: impl FnOnce()) {
	test_with(ElectionMethod::Phragmen, f)
}

/// Run a test with `method` and then the pallet's invariants.
pub fn test_with(method: ElectionMethod, f: impl FnOnce()) {
	new_test_ext(method).execute_with(|| {
		f();
		BillingElections::do_try_state().expect("the invariants hold");
	});
}

/// Run blocks up to and including `n`, with the pallet's hook, checking the invariants. Each
/// block is packed by the member at `block % size` of the set (unless [`set_packing`] is off).
pub fn run_to(n: u64) {
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		let set = Gosig::authorities();
		let packer = (PACKING.with(|p| *p.borrow()) && !set.is_empty())
			.then(|| set[(next % set.len() as u64) as usize]);
		PACKER.with(|p| *p.borrow_mut() = packer);
		BillingElections::on_initialize(next);
		BillingElections::do_try_state().expect("the invariants hold after every block");
	}
}

/// `voter`'s vote of `amounts` whole SPB to candidates.
pub fn vote(voter: AccountId, amounts: &[(AccountId, u128)]) -> DispatchResult {
	let votes: Vec<(AccountId, Balance)> = amounts.iter().map(|(c, a)| (*c, a * SPB)).collect();
	BillingElections::vote(RuntimeOrigin::signed(voter), votes.try_into().expect("few votes"))
}

/// What is held of `who` for the elections.
pub fn held(who: AccountId) -> Balance {
	use frame_support::traits::fungible::InspectHold;
	Balances::balance_on_hold(&HoldReason::BillingVote.into(), &who)
}

/// The pallet's events.
pub fn events() -> Vec<Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(
			|r| if let RuntimeEvent::BillingElections(e) = r.event { Some(e) } else { None },
		)
		.collect()
}

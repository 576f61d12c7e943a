//! `pallet_billing_elections`: SPB holders elect the billing peers (whitepaper ch.2 §5 iii,
//! ch.3 §2 iv). The design is in `docs/billing.md`; the candidates come from the peer registry
//! and the elected set goes to Gosig.

use crate::{AccountId, BlockNumber, Runtime, RuntimeHoldReason, DAYS, SPB};
use alloc::vec::Vec;
use frame_support::{
	dispatch::DispatchResult,
	traits::{ConstU128, ConstU32, Get},
};
use pallet_billing_elections::Candidate;
use pallet_peers::{Registrations, Role, RoleKind, Status};
use spacebook_gosig_primitives::AuthorityId as GosigId;

/// Who changes how the votes are counted: a major issue, the committee's 7-of-9 motion
/// (ch.4 §3; the foundation before the committee).
pub type ElectionMethodOrigin = super::governance::MajorOrigin;

/// Who names regional partners (ch.4 §4): the committee's majority, or the foundation before
/// the first committee (the flag decides exact ties in the billing-peer elections, so the
/// foundation alone keeps it no longer than it governs).
pub type RegionalPartnerOrigin = super::governance::GovernanceOrigin;

/// The billing-peer candidates of the peer registry: an eligible one is active (neither
/// suspended nor leaving) with its whole candidate deposit on hold.
pub struct RegisteredCandidates;

impl RegisteredCandidates {
	fn candidate(who: &AccountId) -> Option<(GosigId, u64, bool)> {
		let record = Registrations::<Runtime>::get(who)?;
		let Role::BillingCandidate { billing_key } = &record.role else { return None };
		let leaving = matches!(record.status, Status::Leaving { .. });
		let eligible = record.status == Status::Active
			&& record.deposit.held >= pallet_peers::Pallet::<Runtime>::required(&record);
		(!leaving).then(|| (billing_key.clone(), record.index, eligible))
	}
}

/// The candidate a newcomer backed by `bond` displaces from a full registry (candidate
/// squatting, third and fifth reviews): one leaving of its own accord, or an active one, in good
/// standing (no offence or suspension within the warning expiry), backed below `bond` and below
/// the registry bar (`BillingElections::registry_bar`: `MinBacking`, or 1 % of the SPB held for
/// the elections) — it cannot win a seat — whose key is neither in the authority set nor
/// in a set Gosig keeps for equivocation reports; leavers first, then the least backed, the
/// oldest registration among equals. A squatter keeps a slot only by backing it with more than
/// every newcomer brings, or with 1 % of all votes: holding the 79 slots beside the 21 seats
/// that way takes nearly four times the SPB every other voter holds — more than it takes to
/// win all 21 seats. There is no grace by age: a candidacy that could be refreshed would keep
/// its grace for ever (fifth review); a newcomer is protected by its own bond, a locked vote
/// (a hold: it cannot be moved away while the deposit is held too).
pub struct DisplaceUnbacked;

impl pallet_peers::CandidateDisplacement<AccountId, crate::Balance> for DisplaceUnbacked {
	fn displaceable(bond: crate::Balance) -> Option<AccountId> {
		let bar = crate::BillingElections::registry_bar().min(bond);
		let set = pallet_gosig::Authorities::<Runtime>::get();
		let past = pallet_gosig::PastSets::<Runtime>::get();
		let seated =
			|key: &GosigId| set.contains(key) || past.iter().any(|(_, keys)| keys.contains(key));
		let now = frame_system::Pallet::<Runtime>::block_number();
		let expiry = <Runtime as pallet_peers::Config>::WarningExpiry::get();
		pallet_peers::BillingKeyOwner::<Runtime>::iter()
			.filter_map(|(key, who)| {
				let record = Registrations::<Runtime>::get(&who)?;
				// In good standing only (active, no offence within the warning expiry): a
				// suspended or recently warned candidate must go through the exit delay, not be
				// displaced with its deposit at once.
				// A leaver (of its own accord) holds a slot until its exit: it goes first, as
				// unbacked (votes for it elect nobody), its exit ended early (fifth review: a
				// squatter leaving and registering again at each exit kept its slots).
				let leaving = matches!(record.status, Status::Leaving { evicted: false, .. });
				let clean = (record.status == Status::Active || leaving)
					&& record.last_offence.is_none_or(|at| now.saturating_sub(at) >= expiry)
					&& record.suspended_at.is_none_or(|at| now.saturating_sub(at) >= expiry);
				if !clean || seated(&key) {
					return None;
				}
				let backing = if leaving {
					0
				} else {
					pallet_billing_elections::Backing::<Runtime>::get(&who, record.index)
				};
				(backing < bar).then_some((!leaving, backing, record.index, who))
			})
			.min_by_key(|(active, backing, registration, _)| (*active, *backing, *registration))
			.map(|(_, _, _, who)| who)
	}
	/// The newcomer's vote for itself.
	fn back(newcomer: &AccountId, bond: crate::Balance) -> DispatchResult {
		crate::BillingElections::back_self(newcomer, bond)
	}
}

impl pallet_billing_elections::BillingCandidates<AccountId, GosigId> for RegisteredCandidates {
	fn eligible() -> Vec<Candidate<AccountId, GosigId>> {
		// Every candidate's key is in `BillingKeyOwner`, at most `MaxBillingCandidates` (100).
		pallet_peers::BillingKeyOwner::<Runtime>::iter()
			.filter_map(|(_, who)| {
				let (key, registration, eligible) = Self::candidate(&who)?;
				eligible.then_some(Candidate { account: who, key, registration })
			})
			.collect()
	}
	fn registration_of(who: &AccountId) -> Option<u64> {
		Self::candidate(who).map(|(_, registration, _)| registration)
	}
	fn is_eligible(who: &AccountId) -> bool {
		Self::candidate(who).is_some_and(|(_, _, eligible)| eligible)
	}
	fn account_of(key: &GosigId) -> Option<AccountId> {
		pallet_peers::BillingKeyOwner::<Runtime>::get(key)
	}
	fn may_keep_seat(key: &GosigId) -> bool {
		pallet_peers::BillingKeyOwner::<Runtime>::get(key)
			.and_then(Registrations::<Runtime>::get)
			.is_some_and(|r| matches!(r.status, Status::Leaving { evicted: false, .. }))
	}
	fn key_of(who: &AccountId) -> Option<GosigId> {
		match Registrations::<Runtime>::get(who)?.role {
			Role::BillingCandidate { billing_key } => Some(billing_key),
			_ => None,
		}
	}
}

/// Gosig's authority set: changes five blocks apart, announced in the header.
pub struct GosigSet;
impl pallet_billing_elections::AuthoritySet<GosigId> for GosigSet {
	fn authorities() -> Vec<GosigId> {
		pallet_gosig::Authorities::<Runtime>::get().into_inner()
	}
	fn can_change() -> bool {
		pallet_gosig::Pallet::<Runtime>::can_change()
	}
	fn max_authorities() -> u32 {
		<<Runtime as pallet_gosig::Config>::MaxAuthorities as Get<u32>>::get()
	}
	fn change(keys: Vec<GosigId>) -> DispatchResult {
		pallet_gosig::Pallet::<Runtime>::change_authorities(keys)
	}
	fn packer() -> Option<GosigId> {
		let index = pallet_gosig::Pallet::<Runtime>::pre_digest()?.authority_index;
		pallet_gosig::Authorities::<Runtime>::get().get(index as usize).cloned()
	}
	fn participation() -> (Vec<(u32, u32, u32)>, u32) {
		let (view, window) = pallet_gosig::Pallet::<Runtime>::participation();
		(view.into_iter().map(|p| (p.counted, p.present, p.strikes)).collect(), window)
	}
}

/// A day: the whitepaper's eras; `dev` and `local` set minutes at genesis.
pub struct DefaultEraLength;
impl Get<BlockNumber> for DefaultEraLength {
	fn get() -> BlockNumber {
		DAYS
	}
}

/// 1 % of the voting stake.
pub struct MinBackingShare;
impl Get<sp_runtime::Perbill> for MinBackingShare {
	fn get() -> sp_runtime::Perbill {
		sp_runtime::Perbill::from_percent(1)
	}
}

/// A week to take SPB out of the elections.
pub struct UnbondingPeriod;
impl Get<BlockNumber> for UnbondingPeriod {
	fn get() -> BlockNumber {
		7 * DAYS
	}
}

impl pallet_billing_elections::Config for Runtime {
	type Currency = crate::Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type BillingKey = GosigId;
	type Candidates = RegisteredCandidates;
	type AuthoritySet = GosigSet;
	type MethodOrigin = ElectionMethodOrigin;
	type PartnerOrigin = RegionalPartnerOrigin;
	/// The whitepaper's 21.
	type MaxElected = ConstU32<21>;
	/// The smallest Gosig set that survives a faulty billing peer.
	type MinElected = ConstU32<4>;
	/// Every other candidate the registry may hold (`MaxBillingCandidates` 100).
	type MaxBackups = ConstU32<79>;
	type MaxCandidates = ConstU32<100>;
	/// As Polkadot's council votes.
	type MaxVotes = ConstU32<16>;
	/// Phragmén reads every vote at an era's first block; the voter list is one value every
	/// vote rewrites (`docs/billing.md`).
	type MaxVoters = ConstU32<512>;
	type MinVote = ConstU128<{ 100 * SPB }>;
	/// A seat needs at least a tenth of a candidate's deposit in votes: dust does not fill it
	/// (issue 16's attacker review).
	type MinBacking = ConstU128<{ 10_000 * SPB }>;
	/// The registry bar: 1 % of the SPB held for the elections, when more than `MinBacking`
	/// (a quarter of an average seat's share among 21): what makes squatting the registry
	/// dearer than winning the seats.
	type DefaultMinBackingShare = MinBackingShare;
	/// Ten blocks (30 s) between tries to replace a kept leaver or absentee.
	type ReplacementRetry = ConstU32<10>;
	type UnbondingPeriod = UnbondingPeriod;
	type MaxUnbonding = ConstU32<8>;
	type DefaultEraLength = DefaultEraLength;
	type WeightInfo = pallet_billing_elections::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = BenchmarkSetup;
}

/// Registers candidates in the peer registry for the benchmarks.
#[cfg(feature = "runtime-benchmarks")]
pub struct BenchmarkSetup;
#[cfg(feature = "runtime-benchmarks")]
impl pallet_billing_elections::BenchmarkHelper<AccountId> for BenchmarkSetup {
	fn register_candidate(who: &AccountId, _i: u32) {
		use frame_support::traits::fungible::Mutate;
		crate::Balances::set_balance(who, 1_000_000 * SPB);
		use sp_runtime::RuntimeAppPublic;
		// A key the benchmark's keystore holds, to prove possession.
		let key = GosigId::generate_pair(None);
		let statement = sp_core::proof_of_possession::statement_of_ownership(
			&crate::Peers::billing_key_statement(who),
		);
		let proof = key.sign(&statement).expect("the keystore holds the key");
		crate::Peers::register_billing_candidate(
			crate::RuntimeOrigin::signed(who.clone()),
			key,
			proof,
		)
		.expect("a funded account stands as a candidate");
	}
	fn fund(who: &AccountId) {
		use frame_support::traits::fungible::Mutate;
		crate::Balances::set_balance(who, 1_000_000 * SPB);
	}
}

/// What ends with a role when its account starts leaving the registry (or is evicted): a
/// DApp's instance lease; a billing peer's seat, and on eviction its billing share of the
/// periods not settled yet. Only the registry's own calls, which count
/// [`pallet_peers::OnLeaving::weight`], can make a DApp leave; Gosig's equivocation reports,
/// which evict billing candidates, count it through `EquivocationPenalty`'s weight.
pub struct RoleEnds;
impl pallet_peers::OnLeaving<AccountId> for RoleEnds {
	fn on_leaving(who: &AccountId, role: RoleKind) {
		match role {
			RoleKind::DApp => crate::Pricing::end_lease_of_departed(who),
			RoleKind::BillingCandidate => crate::BillingElections::note_departure(who),
			_ => {}
		}
	}
	/// An evicted billing-peer candidate forfeits its billing share of the periods not settled
	/// yet, also when it had started leaving before the eviction; and it leaves the set even if
	/// it had kept its seat as a leaver (the departure is noted again: a kept leaver is no
	/// longer kept once evicted).
	fn on_evicted(who: &AccountId, role: RoleKind) {
		if role == RoleKind::BillingCandidate {
			crate::Traffic::forfeit_billing_share(who);
			crate::BillingElections::note_departure(who);
		}
	}
	fn weight() -> frame_support::weights::Weight {
		use pallet_billing_elections::WeightInfo as _;
		use pallet_pricing::WeightInfo as _;
		let lease = <Runtime as pallet_pricing::Config>::WeightInfo::end_lease();
		// A departure noted when it starts leaving and again when evicted.
		let seat = <Runtime as pallet_billing_elections::Config>::WeightInfo::note_departure()
			.saturating_mul(2)
			.saturating_add(crate::Traffic::forfeit_weight());
		lease.max(seat)
	}
}

//! The governance committee (whitepaper ch.4 §3): its election (`pallet_committee`), its
//! motions (`pallet_collective`), and the named origins every governance power uses
//! (`docs/governance.md`). Before a committee that can pass a motion exists, the foundation
//! governs; on `dev` and `local` the sudo key is root as well.

use crate::{
	AccountId, Balances, BlockNumber, Runtime, RuntimeCall, RuntimeEvent, RuntimeHoldReason,
	RuntimeOrigin, DAYS, SPB,
};
use alloc::vec::Vec;
use frame_support::{
	parameter_types,
	traits::{ConstU128, ConstU32, EitherOfDiverse, EnsureOrigin},
	weights::Weight,
};
use frame_system::EnsureRoot;
use pallet_committee::Schedule;
use sp_runtime::Perbill;

/// The committee's collective (its motions).
pub type CommitteeCollective = pallet_collective::Instance1;

/// Ayes for a general motion: more than half of nine.
pub const MAJORITY: u32 = 5;
/// Ayes for a major issue: seven of nine (more than two thirds).
pub const TWO_THIRDS: u32 = 7;

/// A motion of the committee passed by at least `MIN` ayes that are more than `NUM / DEN` of
/// its members. The floor is absolute: an election seats at least [`TWO_THIRDS`] members or
/// nobody (`MinMembers`), and a motion's ayes are counted against the whitepaper's numbers.
pub struct EnsureCommittee<const MIN: u32, const NUM: u32, const DEN: u32>;
impl<const MIN: u32, const NUM: u32, const DEN: u32> EnsureOrigin<RuntimeOrigin>
	for EnsureCommittee<MIN, NUM, DEN>
{
	type Success = ();
	fn try_origin(o: RuntimeOrigin) -> Result<(), RuntimeOrigin> {
		let o: Result<pallet_collective::RawOrigin<AccountId, CommitteeCollective>, RuntimeOrigin> =
			o.into();
		o.and_then(|o| match o {
			pallet_collective::RawOrigin::<AccountId, CommitteeCollective>::Members(
				ayes,
				total,
			) if ayes >= MIN && ayes.saturating_mul(DEN) > total.saturating_mul(NUM) => Ok(()),
			o => Err(RuntimeOrigin::from(o)),
		})
	}
	#[cfg(feature = "runtime-benchmarks")]
	fn try_successful_origin() -> Result<RuntimeOrigin, ()> {
		Ok(RuntimeOrigin::from(
			pallet_collective::RawOrigin::<AccountId, CommitteeCollective>::Members(9, 9),
		))
	}
}

/// A general motion: more than half, at least 5 (ch.4 §3).
pub type CommitteeMajority = EnsureCommittee<MAJORITY, 1, 2>;
/// A major issue's motion: more than two thirds, at least 7 of 9 (ch.4 §3).
pub type CommitteeTwoThirds = EnsureCommittee<TWO_THIRDS, 2, 3>;

/// The foundation, until the first committee is seated: "initially managed by the
/// Foundation, subsequently by the Governance Committee after its election" (ch.4). An
/// election seats at least seven members or keeps the committee (`MinMembers`), so once seated
/// a committee never leaves the foundation a way back.
pub struct FoundationWhileNoCommittee;
impl EnsureOrigin<RuntimeOrigin> for FoundationWhileNoCommittee {
	type Success = AccountId;
	fn try_origin(o: RuntimeOrigin) -> Result<AccountId, RuntimeOrigin> {
		if pallet_committee::Members::<Runtime>::decode_len().unwrap_or(0) > 0 {
			return Err(o);
		}
		pallet_committee::EnsureFoundation::<Runtime>::try_origin(o)
	}
	#[cfg(feature = "runtime-benchmarks")]
	fn try_successful_origin() -> Result<RuntimeOrigin, ()> {
		Err(())
	}
}

/// General governance, rewards and punishments (penalties, pardons, fines, prices and pricing
/// inputs, Proof-of-Traffic parameters, admissions, regional partners): the committee's
/// majority, or the foundation before the first committee; root (the sudo key of `dev` and
/// `local`, or a major motion's enactment).
pub type GovernanceOrigin = EitherOfDiverse<
	EnsureRoot<AccountId>,
	EitherOfDiverse<CommitteeMajority, FoundationWhileNoCommittee>,
>;

/// Major issues (runtime upgrades, the voting mechanism, the billing-peer decision method): the
/// committee's two thirds, or the foundation while there is no committee; root.
pub type MajorOrigin = EitherOfDiverse<
	EnsureRoot<AccountId>,
	EitherOfDiverse<CommitteeTwoThirds, FoundationWhileNoCommittee>,
>;

/// The foundation's own powers (its pools, its six nominations): its account; root.
pub type FoundationOrigin =
	EitherOfDiverse<EnsureRoot<AccountId>, pallet_committee::EnsureFoundation<Runtime>>;

parameter_types! {
	/// A motion not decided in a week expires.
	pub const MotionDuration: BlockNumber = 7 * DAYS;
	/// A motion's call may use at most half a block.
	pub MaxProposalWeight: Weight =
		Perbill::from_percent(50) * super::RuntimeBlockWeights::get().max_block;
	/// A term of twelve months, two weeks of nominations and two of public vote.
	pub const CommitteeSchedule: Schedule<BlockNumber> =
		Schedule { term: 365 * DAYS, nominating: 14 * DAYS, voting: 14 * DAYS };
}

impl pallet_collective::Config<CommitteeCollective> for Runtime {
	type RuntimeOrigin = RuntimeOrigin;
	type Proposal = RuntimeCall;
	type RuntimeEvent = RuntimeEvent;
	type MotionDuration = MotionDuration;
	type MaxProposals = ConstU32<32>;
	type MaxMembers = ConstU32<9>;
	/// Absent votes count against: a motion passes on its ayes.
	type DefaultVote = pallet_collective::PrimeDefaultVote;
	/// Measured here (`scripts/bench-weights.sh pallet_collective`).
	type WeightInfo = crate::weights::pallet_collective::WeightInfo<Runtime>;
	/// The members change only through the election (`pallet_committee`), so that both agree
	/// and outgoing members' votes go with them.
	#[cfg(not(feature = "runtime-benchmarks"))]
	type SetMembersOrigin = frame_system::EnsureNever<()>;
	/// The collective's benchmarks seat their members through `set_members`, which needs an
	/// origin that can succeed: root, in benchmark builds only.
	#[cfg(feature = "runtime-benchmarks")]
	type SetMembersOrigin = EnsureRoot<AccountId>;
	type MaxProposalWeight = MaxProposalWeight;
	/// A majority clears motions (a member filling the 32 places, say).
	type DisapproveOrigin = CommitteeMajority;
	type KillOrigin = CommitteeMajority;
	/// Only members propose: no deposit.
	type Consideration = ();
}

/// The collective's members, changed to the elected: the outgoing are those the collective
/// holds (not the election's own record), so that no member the collective knows keeps its
/// votes on open motions (review).
pub struct CollectiveMembers;
impl frame_support::traits::ChangeMembers<AccountId> for CollectiveMembers {
	fn change_members_sorted(_: &[AccountId], _: &[AccountId], new: &[AccountId]) {
		let old = pallet_collective::Members::<Runtime, CommitteeCollective>::get();
		<crate::Committee as frame_support::traits::ChangeMembers<AccountId>>::set_members_sorted(
			new, &old,
		);
	}
}

/// The accounts of the billing peers in Gosig's set (their keys' owners in the registry).
pub struct GosigBillingPeers;
impl pallet_committee::BillingPeers<AccountId> for GosigBillingPeers {
	fn accounts() -> Vec<AccountId> {
		pallet_gosig::Authorities::<Runtime>::get()
			.iter()
			.filter_map(pallet_peers::BillingKeyOwner::<Runtime>::get)
			.collect()
	}
}

parameter_types! {
	/// The most the collective's change of members weighs: nine members out, nine in, with its
	/// 32 open motions' votes rewritten.
	pub CollectiveMembersWeight: Weight = {
		use pallet_collective::WeightInfo;
		<Runtime as pallet_collective::Config<CommitteeCollective>>::WeightInfo::set_members(9, 9, 32)
	};
}

/// Proof-of-Traffic's bills, told to the committee's ranking of the DApps by paid traffic over
/// the term (the ten that paid the most nominate a candidate each): each DApp's bill of a
/// period, when the period's bills are pruned (traffic's `prune_bills` weighs it).
pub struct DAppRanking;
impl pallet_traffic::OnTrafficBilled<AccountId, crate::Balance> for DAppRanking {
	fn on_billed(dapp: &AccountId, amount: crate::Balance) {
		crate::CommitteeElection::note_paid_traffic(dapp, amount);
	}
}

impl pallet_committee::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type BillingPeers = GosigBillingPeers;
	type FoundationOrigin = FoundationOrigin;
	/// Six months.
	type FirstElectionWithin = ConstU32<{ 183 * DAYS }>;
	type MajorOrigin = MajorOrigin;
	type RuntimeCall = RuntimeCall;
	type Members = CollectiveMembers;
	type MembersWeight = CollectiveMembersWeight;
	type MaxMembers = ConstU32<9>;
	/// A committee smaller than a major issue's seven ayes could never decide one.
	type MinMembers = ConstU32<TWO_THIRDS>;
	type BillingNominations = ConstU32<21>;
	type FoundationNominations = ConstU32<6>;
	type DAppNominations = ConstU32<10>;
	type PreElected = ConstU32<5>;
	type MaxCandidates = ConstU32<42>;
	type SignUpThreshold = ConstU128<{ 10_000 * SPB }>;
	type MaxSignUps = ConstU32<64>;
	type SignUpDeposit = ConstU128<{ 100 * SPB }>;
	type MinVote = ConstU128<{ 100 * SPB }>;
	type MaxVotes = ConstU32<16>;
	type MaxReleasesPerBlock = ConstU32<64>;
	type DefaultSchedule = CommitteeSchedule;
	type WeightInfo = pallet_committee::weights::SubstrateWeight<Runtime>;
}

/// The ayes a general motion and a major issue's motion need with the members seated now (the
/// thresholds [`CommitteeMajority`] and [`CommitteeTwoThirds`] check), for the runtime API.
pub fn motion_thresholds() -> (u32, u32) {
	let members = pallet_collective::Members::<Runtime, CommitteeCollective>::decode_len()
		.unwrap_or(0) as u32;
	// The fewest ayes with `ayes * den > members * num`, and at least `min`.
	let least = |min: u32, num: u32, den: u32| min.max(members.saturating_mul(num) / den + 1);
	(least(MAJORITY, 1, 2), least(TWO_THIRDS, 2, 3))
}

/// A motion's tally as `pallet_collective::Votes` encodes it.
#[derive(codec::Decode)]
struct MotionVotes {
	index: u32,
	threshold: u32,
	ayes: Vec<AccountId>,
	nays: Vec<AccountId>,
	end: BlockNumber,
}

/// The committee's open motions, oldest first, with their calls and tallies (the runtime API).
pub fn motions() -> Vec<pallet_committee::MotionView<AccountId, crate::Hash, BlockNumber>> {
	use codec::Decode;
	use frame_support::{dispatch::GetDispatchInfo, traits::GetCallMetadata};
	pallet_collective::Proposals::<Runtime, CommitteeCollective>::get()
		.into_iter()
		.filter_map(|hash| {
			let votes = pallet_collective::Voting::<Runtime, CommitteeCollective>::get(hash)?;
			// The collective keeps its tally's fields private; its encoding is public.
			let votes = MotionVotes::decode(&mut &codec::Encode::encode(&votes)[..]).ok()?;
			let call = pallet_collective::ProposalOf::<Runtime, CommitteeCollective>::get(hash)?;
			let metadata = call.get_call_metadata();
			let weight = call.get_dispatch_info().call_weight;
			Some(pallet_committee::MotionView {
				hash,
				index: votes.index,
				call: (
					metadata.pallet_name.as_bytes().to_vec(),
					metadata.function_name.as_bytes().to_vec(),
				),
				length: codec::Encode::encoded_size(&call) as u32,
				weight: (weight.ref_time(), weight.proof_size()),
				threshold: votes.threshold,
				ayes: votes.ayes,
				nays: votes.nays,
				end: votes.end,
			})
		})
		.collect()
}

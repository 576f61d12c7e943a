//! What the `CommitteeApi` runtime API answers: the committee and its election, the ballot
//! sheet, a voter's ballot and holds, the open motions.

use crate::{ElectionPhase, Nominator, Schedule};
use alloc::vec::Vec;
use codec::{Decode, Encode};
use scale_info::TypeInfo;

/// The committee, its term and its election.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct CommitteeView<AccountId, BlockNumber> {
	/// The members, sorted (empty before the first election seats a committee: the foundation
	/// governs until then).
	pub members: Vec<AccountId>,
	/// The foundation's account.
	pub foundation: Option<AccountId>,
	/// The number of the election under way or next (the first is 1).
	pub round: u32,
	/// Where that election stands (`None` only on a chain without a first election).
	pub phase: Option<ElectionPhase<BlockNumber>>,
	/// The block the current or last election started.
	pub started_at: BlockNumber,
	/// The term's length and the election's phases.
	pub schedule: Schedule<BlockNumber>,
	/// The block the next count is due: the serving committee's term ends then (it serves on
	/// if that election seats no committee).
	pub term_ends_at: Option<BlockNumber>,
	/// Seats, and the fewest voted-for candidates that seat a committee.
	pub seats: (u32, u32),
	/// The ayes a general motion needs and those a major issue's motion needs, with the
	/// members seated now.
	pub thresholds: (u32, u32),
	/// The candidates on the ballot and the most it holds.
	pub candidates: (u32, u32),
	/// Sign-ups for the pre-election so far.
	pub sign_ups: u32,
	/// The support that puts a sign-up on the pre-election list.
	pub sign_up_threshold: u128,
	/// The deposit a sign-up holds.
	pub sign_up_deposit: u128,
	/// The smallest support or vote.
	pub min_vote: u128,
	/// The most accounts one support or vote names.
	pub max_choices: u32,
}

/// A candidate on the ballot.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct CandidateView<AccountId> {
	/// The candidate.
	pub who: AccountId,
	/// Who nominated it.
	pub nominator: Nominator<AccountId>,
	/// The SPB voted for it.
	pub votes: u128,
	/// Its rank if the votes were counted now (1 = most votes), `None` without votes.
	pub rank: Option<u32>,
}

/// The election's ballot sheet: the candidates, who may still nominate, the pre-election.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct SheetView<AccountId> {
	/// The candidates, in nomination order (the tie order).
	pub candidates: Vec<CandidateView<AccountId>>,
	/// The nominators of this election that have not nominated yet, and the foundation's
	/// nominations left.
	pub nominators_left: (Vec<Nominator<AccountId>>, u32),
	/// The pre-election list: sign-ups with at least the threshold's support, best supported
	/// first, with their support and sign-up number.
	pub pre_election: Vec<(AccountId, u128, u32)>,
}

/// One election's part of a ballot.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct BallotView<AccountId> {
	/// The election.
	pub round: u32,
	/// The deposit of its own sign-up, if it signed up.
	pub sign_up_deposit: u128,
	/// Its support in the pre-election.
	pub support: Vec<(AccountId, u128)>,
	/// Its vote in the public vote.
	pub vote: Vec<(AccountId, u128)>,
}

/// A voter's ballots and holds.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct VoterView<AccountId> {
	/// Its ballots: the election under way's, and those of completed elections not released
	/// yet (a few are released every block).
	pub ballots: Vec<BallotView<AccountId>>,
	/// Everything held for the committee's elections.
	pub held: u128,
	/// Whether it is a member of the committee.
	pub member: bool,
}

/// An open motion of the committee.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct MotionView<AccountId, Hash, BlockNumber> {
	/// The proposal's hash (what members vote on and close).
	pub hash: Hash,
	/// Its index (members' votes name it too).
	pub index: u32,
	/// The pallet and the call it would dispatch.
	pub call: (Vec<u8>, Vec<u8>),
	/// The encoded call's length (what `close` names as its length bound).
	pub length: u32,
	/// The call's weight (what `close` names as its weight bound): `(ref_time, proof_size)`.
	pub weight: (u64, u64),
	/// The ayes that carry it.
	pub threshold: u32,
	/// The members voting aye.
	pub ayes: Vec<AccountId>,
	/// The members voting nay.
	pub nays: Vec<AccountId>,
	/// The block it expires (it can be closed from then on, counting abstentions).
	pub end: BlockNumber,
}

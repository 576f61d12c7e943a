//! The pallet's types: votes, unbonding chunks, the decision method and the candidates the
//! registry offers.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::BoundedVec;
use scale_info::TypeInfo;

pub use spacebook_billing_elections_primitives::{ElectionMethod, EraOutcome};

/// What a voter asks for: SPB given to each of some candidates.
pub type VotesOf<AccountId, Balance, MaxVotes> = BoundedVec<(AccountId, Balance), MaxVotes>;

/// A voter's SPB given to one registration of a candidate: if the candidate leaves and
/// registers again, the old votes do not follow it.
#[derive(
	Encode, Decode, DecodeWithMemTracking, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen,
)]
pub struct VoteEntry<AccountId, Balance> {
	/// The candidate.
	pub candidate: AccountId,
	/// Its registration's number when the vote was cast.
	pub registration: u64,
	/// The SPB given.
	pub amount: Balance,
}

/// A voter's vote as stored.
pub type VoteOf<AccountId, Balance, MaxVotes> = BoundedVec<VoteEntry<AccountId, Balance>, MaxVotes>;

/// Locked SPB on their way out: held until `unlock_at`.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct UnbondingChunk<Balance, BlockNumber> {
	/// How much.
	pub amount: Balance,
	/// The first block it may be withdrawn in.
	pub unlock_at: BlockNumber,
}

/// A billing-peer candidate the registry says may be elected now.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Candidate<AccountId, BillingKey> {
	/// Its account (the one voters name).
	pub account: AccountId,
	/// Its Gosig key: what the authority set holds.
	pub key: BillingKey,
	/// Its registration's number: an older registration wins an exact tie.
	pub registration: u64,
}

/// A candidate's place in an era's ranking.
#[derive(
	Encode, Decode, DecodeWithMemTracking, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen,
)]
pub struct Ranked<AccountId> {
	/// The candidate.
	pub account: AccountId,
	/// Its registration's number.
	pub registration: u64,
	/// The SPB voters gave it.
	pub backing: u128,
}

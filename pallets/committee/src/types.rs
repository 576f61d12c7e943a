//! The election's types: its phases, who nominated a candidate, a voter's ballot.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::BoundedVec;
use scale_info::TypeInfo;

/// Where the term's election stands.
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
pub enum ElectionPhase<BlockNumber> {
	/// Between elections: the committee serves; the next election starts at `starts_at`.
	Waiting {
		/// The block the nominations open.
		starts_at: BlockNumber,
	},
	/// Nominations and the community pre-election, until `ends_at`.
	Nominating {
		/// The block the nominations close and the public vote opens.
		ends_at: BlockNumber,
	},
	/// The public vote on the candidates, until `ends_at`.
	Voting {
		/// The block the votes are counted.
		ends_at: BlockNumber,
	},
}

/// Who put a candidate on the ballot (ch.4 §3: 21 + 6 + 10 + 5 = 42 candidates).
#[derive(
	Encode, Decode, DecodeWithMemTracking, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen,
)]
pub enum Nominator<AccountId> {
	/// A default billing peer, by its account.
	BillingPeer(AccountId),
	/// The foundation.
	Foundation,
	/// One of the DApps with the most paid traffic over the term, by its account.
	DApp(AccountId),
	/// The community pre-election.
	PreElection,
}

/// A candidate of the public vote, in nomination order (the tie order).
#[derive(
	Encode, Decode, DecodeWithMemTracking, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen,
)]
pub struct CandidateRecord<AccountId> {
	/// The candidate.
	pub who: AccountId,
	/// Who nominated it.
	pub nominator: Nominator<AccountId>,
	/// The SPB voted for it.
	pub votes: u128,
}

/// SPB given to some accounts, an amount each.
pub type Choices<AccountId, MaxVotes> = BoundedVec<(AccountId, u128), MaxVotes>;

/// One account's part in one election, all of it held until the election completes (or until
/// withdrawn while its phase is open).
#[derive(
	Encode, Decode, DecodeWithMemTracking, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen,
)]
#[scale_info(skip_type_params(MaxVotes))]
pub struct Ballot<AccountId, MaxVotes: frame_support::traits::Get<u32>> {
	/// The deposit of its own sign-up for the pre-election, if it signed up.
	pub sign_up_deposit: u128,
	/// Its support in the pre-election: sign-ups and SPB.
	pub support: Choices<AccountId, MaxVotes>,
	/// Its vote in the public vote: candidates and SPB.
	pub vote: Choices<AccountId, MaxVotes>,
}

impl<AccountId, MaxVotes: frame_support::traits::Get<u32>> Default for Ballot<AccountId, MaxVotes> {
	fn default() -> Self {
		Self { sign_up_deposit: 0, support: BoundedVec::new(), vote: BoundedVec::new() }
	}
}

impl<AccountId, MaxVotes: frame_support::traits::Get<u32>> Ballot<AccountId, MaxVotes> {
	/// Everything the ballot holds.
	pub fn held(&self) -> u128 {
		total(&self.support).saturating_add(total(&self.vote)).saturating_add(self.sign_up_deposit)
	}

	/// Whether it holds nothing.
	pub fn is_empty(&self) -> bool {
		self.sign_up_deposit == 0 && self.support.is_empty() && self.vote.is_empty()
	}
}

/// The SPB of `choices` together.
pub fn total<AccountId>(choices: &[(AccountId, u128)]) -> u128 {
	choices.iter().fold(0u128, |sum, (_, amount)| sum.saturating_add(*amount))
}

/// A term's schedule: its length and the election's two phases.
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
	serde::Serialize,
	serde::Deserialize,
)]
pub struct Schedule<BlockNumber> {
	/// Blocks from one election's start to the next (12 months on production).
	pub term: BlockNumber,
	/// Blocks of nominations and pre-election.
	pub nominating: BlockNumber,
	/// Blocks of the public vote.
	pub voting: BlockNumber,
}

//! The election's types: a voter's ballot here; its phases, its schedule, who nominated a
//! candidate in `spacebook-committee-primitives` (shared with the runtime API's users).

pub use spacebook_committee_primitives::{CandidateRecord, ElectionPhase, Nominator, Schedule};

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::BoundedVec;
use scale_info::TypeInfo;

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

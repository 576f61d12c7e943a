//! Runtime API of the governance committee (`pallet-committee` and the committee's
//! `pallet-collective`): what wallets, explorers and the `spacebook` CLI ask of it.
//!
//! - [`CommitteeApi::committee`]: the members, the term and its election, the motions'
//!   thresholds.
//! - [`CommitteeApi::sheet`]: the candidates with their nominators, votes and ranks; the
//!   nominations left; the pre-election list.
//! - [`CommitteeApi::voter`]: a voter's ballots and holds.
//! - [`CommitteeApi::motions`]: the open motions and their tallies.
#![cfg_attr(not(feature = "std"), no_std)]
#![warn(missing_docs)]

extern crate alloc;

use alloc::vec::Vec;
use codec::Codec;
pub use spacebook_committee_primitives::{
	BallotView, CandidateView, CommitteeView, ElectionPhase, MotionView, Nominator, Schedule,
	SheetView, VoterView,
};

sp_api::decl_runtime_apis! {
	/// The governance committee.
	pub trait CommitteeApi<AccountId, Hash, BlockNumber>
	where
		AccountId: Codec,
		Hash: Codec,
		BlockNumber: Codec,
	{
		/// The members, the term and its election, the motions' thresholds.
		fn committee() -> CommitteeView<AccountId, BlockNumber>;
		/// The candidates, the nominations left and the pre-election list.
		fn sheet() -> SheetView<AccountId>;
		/// `who`'s ballots and holds.
		fn voter(who: AccountId) -> VoterView<AccountId>;
		/// The open motions, oldest first, with their tallies.
		fn motions() -> Vec<MotionView<AccountId, Hash, BlockNumber>>;
	}
}

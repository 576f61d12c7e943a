//! The governance committee's types, shared below the runtime, the node and the SDK (whitepaper
//! ch.4 §3; `docs/governance.md`):
//!
//! - [`ElectionPhase`], [`Schedule`]: where a term's election stands and how long its parts last;
//! - [`Nominator`], [`CandidateRecord`]: who put a candidate on the ballot and its votes;
//! - [`api`]: what the `CommitteeApi` runtime API answers.
//!
//! No FRAME: the SDK and the CLI decode the runtime API's answers with these types without
//! linking the pallet.

#![cfg_attr(not(feature = "std"), no_std)]
#![warn(missing_docs)]

extern crate alloc;

pub mod api;

pub use api::{BallotView, CandidateView, CommitteeView, MotionView, SheetView, VoterView};

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
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

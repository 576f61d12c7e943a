//! Billing-peer elections' types, shared below the runtime, the node and the SDK (whitepaper
//! ch.2 §5 iii, ch.3 §2 iv; `docs/billing.md`):
//!
//! - [`ElectionMethod`]: how an era's votes are counted;
//! - [`EraOutcome`]: what an era's election decided;
//! - [`api`]: what the `BillingElectionsApi` runtime API answers.
//!
//! No FRAME: the SDK and the CLI decode the runtime API's answers with these types without
//! linking the pallet.

#![cfg_attr(not(feature = "std"), no_std)]
#![warn(missing_docs)]

extern crate alloc;

pub mod api;

pub use api::{CandidateView, ElectionView, Projection, Seat, VoterView};

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// How an era's billing peers are decided from the votes (a governance parameter: a major
/// issue, the committee's 7-of-9 motion once it exists). `docs/billing.md` argues the default.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Default,
	TypeInfo,
	MaxEncodedLen,
	serde::Serialize,
	serde::Deserialize,
)]
pub enum ElectionMethod {
	/// Sequential Phragmén (`sp-npos-elections`): each voter's whole stake backs the
	/// candidates it names, spread by the algorithm so that every group of voters is
	/// represented in proportion to its stake. The default.
	#[default]
	#[codec(index = 0)]
	Phragmen,
	/// The candidates with the most votes, each counting the SPB voters gave it.
	#[codec(index = 1)]
	TopByStake,
}

/// What an era's election decided, for explorers.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Default,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct EraOutcome {
	/// The era.
	pub era: u32,
	/// How the votes were counted.
	pub method: ElectionMethod,
	/// Billing peers seated (0 when the set was kept).
	pub elected: u32,
	/// Of the set that took over, the billing peers new to it (at most the era's turnover
	/// budget).
	pub newcomers: u32,
	/// Candidates elected by the votes who must wait: the turnover budget was spent, so
	/// incumbents kept their seats. They lead the backups.
	pub deferred: u32,
	/// Backups ranked.
	pub backups: u32,
	/// Whether the authority set changed.
	pub changed: bool,
}

/// The domain of a billing-peer candidacy's proof of possession of its Gosig key.
pub const BILLING_CANDIDATE_DOMAIN: &[u8] = b"spacebook/billing-candidate";

/// What a Gosig key signs (after `sp_core`'s `"POP_"` proof-of-possession prefix) to prove that
/// `who`'s candidacy on the chain of `genesis_hash` holds it: `(domain, genesis hash, who)`,
/// SCALE-encoded. The registry checks it (`Peers::billing_key_statement`) and the CLI signs it:
/// one definition for both.
pub fn billing_candidate_statement<Hash: Encode, AccountId: Encode>(
	genesis_hash: &Hash,
	who: &AccountId,
) -> alloc::vec::Vec<u8> {
	(BILLING_CANDIDATE_DOMAIN, genesis_hash, who).encode()
}

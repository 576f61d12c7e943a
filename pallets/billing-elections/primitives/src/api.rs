//! The answers of the `BillingElectionsApi` runtime API.

use crate::{ElectionMethod, EraOutcome};
use alloc::vec::Vec;
use codec::{Decode, Encode};
use scale_info::TypeInfo;

/// Where a candidate stands now.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub enum Seat {
	/// In the authority set: a billing peer, at this index.
	BillingPeer(u32),
	/// A backup of the last election, at this rank (1 is the first to replace a departure).
	Backup(u32),
	/// Neither.
	Candidate,
}

/// A billing-peer candidate as wallets and explorers show it.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct CandidateView<AccountId, BillingKey> {
	/// Its account (the one voters name).
	pub account: AccountId,
	/// Its Gosig key.
	pub key: BillingKey,
	/// Its registration's number (an older registration wins an exact tie).
	pub registration: u64,
	/// The SPB votes give this registration.
	pub backing: u128,
	/// Whether it is a regional partner (wins an exact tie first).
	pub regional_partner: bool,
	/// Where it stands now.
	pub seat: Seat,
	/// Its place if the votes were counted now, 1-based (see [`Projection`]); `None` when it
	/// would not be ranked.
	pub projected_rank: Option<u32>,
}

/// The election as a whole: the era, the method, the set and its backups.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct ElectionView<AccountId, BillingKey, BlockNumber> {
	/// The era in progress.
	pub era: u32,
	/// The block it began at.
	pub era_start: BlockNumber,
	/// Blocks in an era.
	pub era_length: BlockNumber,
	/// The first block the next era's election may run in.
	pub next_election_at: BlockNumber,
	/// How votes are counted.
	pub method: ElectionMethod,
	/// The billing peers, in authority-index order: key and, if registered, account.
	pub billing_peers: Vec<(BillingKey, Option<AccountId>)>,
	/// The backups, best first, with their backing.
	pub backups: Vec<(AccountId, u128)>,
	/// The last election's outcome.
	pub last_outcome: Option<EraOutcome>,
	/// Billing peers on probation (seated, not yet seen packing a block), and the most the set
	/// may hold as it is (the turnover budget).
	pub on_probation: (u32, u32),
	/// Voters and the most the list holds.
	pub voters: (u32, u32),
	/// The smallest vote.
	pub min_vote: u128,
	/// The least backing that can win a seat (`MinBacking`).
	pub min_backing: u128,
	/// The backing a candidate needs to keep its place in a full candidate registry:
	/// `MinBacking`, or `MinBackingShare` of all SPB held for the elections if more.
	pub registry_bar: u128,
	/// Each billing peer's part in the Gosig votes of the current participation window, in
	/// the order of `billing_peers`: `(counted, present, strikes)` — blocks that carried their
	/// parent's votes since it joined, those with its own vote among them, and the windows in a
	/// row it was absent from more than half of (a warning at one, replacement at two).
	pub participation: Vec<(u32, u32, u32)>,
	/// Blocks in a participation window.
	pub participation_window: u32,
}

/// A voter's votes and locks.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct VoterView<AccountId, BlockNumber> {
	/// The candidates it backs and the SPB it gives each; `false` when that candidate has left
	/// or registered again since (the SPB then back nobody until the vote is renewed).
	pub votes: Vec<(AccountId, u128, bool)>,
	/// SPB taken out of votes and their first withdrawable block, oldest first.
	pub unbonding: Vec<(u128, BlockNumber)>,
	/// What it can withdraw now.
	pub withdrawable: u128,
	/// Everything frozen for the elections: its votes and its unbonding SPB.
	pub locked: u128,
	/// Whether it is in the voter list (a vote displaced from a full list counts no more).
	pub listed: bool,
}

/// The next era's set if the votes were counted now, with the turnover budget applied.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct Projection<AccountId> {
	/// The billing peers, in rank order, with their backing.
	pub billing_peers: Vec<(AccountId, u128)>,
	/// The backups, best first, with their backing.
	pub backups: Vec<(AccountId, u128)>,
	/// Billing peers new to the set.
	pub newcomers: u32,
	/// Elected candidates the turnover budget would leave out (they lead the backups).
	pub deferred: u32,
	/// Whether the set would be kept (too few electable).
	pub kept: bool,
}

//! The data of Proof-of-Traffic: reports, audit answers, peers' carried traffic, the settlement
//! in progress and its results.

// The `*NoBound` derives repeat the structs' bounds in their where clauses.
#![allow(clippy::multiple_bound_locations)]

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use core::fmt::Debug;
use frame_support::{
	pallet_prelude::ConstU32, traits::Get, BoundedVec, CloneNoBound, DebugNoBound, EqNoBound,
	PartialEqNoBound,
};
use scale_info::TypeInfo;
use sp_runtime::Perbill;
use spacebook_receipts::{SignedReceipt, SumNode};

/// The most siblings a proof holds: enough for a tree of [`crate::MAX_REPORTED_RECEIPTS`]
/// leaves (100 000 < 2¹⁷), the most a report may have.
pub const MAX_PROOF_LEN: u32 = 17;
/// [`MAX_PROOF_LEN`] as a bound.
pub type MaxProofLen = ConstU32<MAX_PROOF_LEN>;
const _: () = assert!(
	(crate::MAX_REPORTED_RECEIPTS as u64) <= 1u64 << MAX_PROOF_LEN,
	"a proof must reach every leaf of the largest report"
);
/// A Merkle sum proof, bottom up.
pub type Proof = BoundedVec<SumNode, MaxProofLen>;

/// What a peer claims for the ledgering period `period`, signed by its peer key.
///
/// The report covers the peer's receipts of periods `from_period ..= period` that it has not
/// reported before, committed to by the root of their Merkle sum tree (leaves sorted by stream
/// key, the DApp first). `per_dapp` lists the bytes of each DApp in the same order (strictly
/// increasing by the DApp's encoding), so that the DApps' totals are consecutive ranges of the
/// tree's bytes, and sums to `root.sum`.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	DebugNoBound,
	TypeInfo,
	MaxEncodedLen,
)]
#[scale_info(skip_type_params(MaxDApps))]
pub struct TrafficReport<AccountId: Clone + PartialEq + Eq + Debug, MaxDApps: Get<u32>> {
	/// The reporting professional or common peer.
	pub peer: AccountId,
	/// The ledgering period reported (the one before the current).
	pub period: u32,
	/// The first period whose receipts are included.
	pub from_period: u32,
	/// The root of the sum tree: its hash and the new bytes `T` claimed.
	pub root: SumNode,
	/// The number of leaves (receipts) of the tree.
	pub leaf_count: u32,
	/// Bytes per DApp, in increasing order of the DApp's encoding.
	pub per_dapp: BoundedVec<(AccountId, u128), MaxDApps>,
}

/// Where a report stands in its audits.
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
pub enum AuditStatus {
	/// Waiting for the answer of the first audit; after its window, for the second.
	Pending,
	/// The audit of the given round (1 or 2) was answered and every sample checked.
	Passed {
		/// The round that passed.
		round: u8,
	},
	/// Neither audit was answered with receipts that check: the report earns nothing.
	Failed,
}

/// The result of a report's settlement.
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
pub struct ReportOutcome<Balance> {
	/// New bytes counted after the paid-traffic cross-check (zero if the audit failed).
	pub counted: u128,
	/// `T(a)`: bytes carried in plus `counted`, the amount ranked.
	pub ranked: u128,
	/// The place among the period's ranked reports, from 1, if it was in the top group.
	pub rank: Option<u32>,
	/// The reward paid (or due, if the payout failed).
	pub reward: Balance,
	/// Bytes carried into the peer's next report.
	pub carried_out: u128,
	/// Fees the DApps paid for the counted bytes.
	pub fees: Balance,
	/// Whether some claimed bytes exceeded what their DApp paid for.
	pub unpaid_claimed: bool,
	/// Whether the wash-trading cap ([`TrafficParameters::reward_cap`]) cut the reward.
	pub capped: bool,
}

/// A report as the chain keeps it.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	DebugNoBound,
	TypeInfo,
	MaxEncodedLen,
)]
#[scale_info(skip_type_params(MaxDApps))]
pub struct ReportRecord<
	AccountId: Clone + PartialEq + Eq + Debug,
	Balance: Clone + PartialEq + Eq + Debug,
	MaxDApps: Get<u32>,
> {
	/// The report.
	pub report: TrafficReport<AccountId, MaxDApps>,
	/// Bytes carried in from earlier periods' verified reports when it was accepted.
	pub carried_in: u128,
	/// Fees paid for the carried bytes.
	pub carried_fees: Balance,
	/// Its audits.
	pub status: AuditStatus,
	/// Its settlement, once settled.
	pub outcome: Option<ReportOutcome<Balance>>,
	/// Whether it pushed another report out of the full set when it was accepted.
	pub displaced: bool,
	/// Per DApp of `report.per_dapp`, in the same order: the claimed bytes that the DApp's
	/// paid traffic backed when the report was accepted, reserved for it until it is settled
	/// (or dropped). Only these count and rank.
	pub backed: BoundedVec<u128, MaxDApps>,
	/// Whether a claim was above all its DApp had paid for and nobody had claimed (reserved or
	/// not): the peer's own fault, penalized if the report passes its audit.
	pub over_claimed: bool,
	/// Per DApp of `report.per_dapp` (empty if none): the funds (in the smallest SPB unit)
	/// that reserving `backed` took from the DApp's announced withdrawal, which go back to it
	/// if the report is not counted ([`crate::Pallet::announce_withdrawal`]).
	pub from_announced: BoundedVec<u128, MaxDApps>,
	/// Per DApp of `report.per_dapp` (empty if none): claimed bytes within what the DApp had
	/// paid for and nobody had claimed, beyond `backed` because other pending reports had
	/// reserved them first. They are audited with the backed bytes, and settlement counts them
	/// from what those reservations left free, in rank order (the front-running defence of
	/// issue 14: a report sent first cannot cost an honest peer its receipts).
	pub contested: BoundedVec<u128, MaxDApps>,
}

impl<
		AccountId: Clone + PartialEq + Eq + Debug,
		Balance: Clone + PartialEq + Eq + Debug,
		MaxDApps: Get<u32>,
	> ReportRecord<AccountId, Balance, MaxDApps>
{
	/// The report's backed bytes over all its DApps.
	pub fn backed_total(&self) -> u128 {
		self.backed.iter().fold(0u128, |sum, b| sum.saturating_add(*b))
	}

	/// The contested bytes of the `i`-th DApp of `report.per_dapp` (see `contested`).
	pub fn contested_of(&self, i: usize) -> u128 {
		self.contested.get(i).copied().unwrap_or(0)
	}

	/// The bytes of the `i`-th DApp that may count: its backed and contested bytes, the ones
	/// the audit samples.
	pub fn claimable_of(&self, i: usize) -> u128 {
		self.backed.get(i).copied().unwrap_or(0).saturating_add(self.contested_of(i))
	}
}

/// A peer's traffic between reports.
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
pub struct PeerTraffic<Balance> {
	/// The first period whose receipts the peer has not claimed in a settled report.
	pub next_period: u32,
	/// Verified, paid bytes of earlier reports that did not win yet.
	pub carried: u128,
	/// Fees the DApps paid for the carried bytes.
	pub carried_fees: Balance,
}

/// One audited byte's answer: the receipt covering it and its proof.
#[derive(
	Encode, Decode, DecodeWithMemTracking, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen,
)]
pub struct SampleAnswer<AccountId> {
	/// The index of the leaf that covers the audited byte.
	pub leaf_index: u32,
	/// Its signed receipt.
	pub receipt: SignedReceipt<AccountId>,
	/// Its proof: the siblings on its path, each with its sum and keys.
	pub proof: Proof,
}

/// The parameters governance sets.
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
pub struct TrafficParameters {
	/// K: the size of the top group that shares a period's reward.
	pub top_group: u32,
	/// If set, a peer's reward is at most this fraction of the fees its counted traffic paid
	/// (the wash-trading cap); `None` applies the whitepaper formula unchanged, which lets
	/// self-dealing pay while the emission per byte is above the price (`docs/security.md`).
	pub reward_cap: Option<Perbill>,
}

/// The stage of a settlement in progress.
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
pub enum SettlementStage {
	/// Counting the reports that did not pass their audits, in ranking order from the given
	/// position: their reservations are freed before any passed report is counted, so that
	/// passed reports' contested bytes may be counted from them.
	Failing(u32),
	/// Counting the reports that passed their audits, in ranking order from the given position.
	Counting(u32),
	/// Paying the top group from the given rank (0-based).
	Paying(u32),
}

/// A period's settlement in progress, advanced a bounded batch per block.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	DebugNoBound,
	TypeInfo,
	MaxEncodedLen,
)]
#[scale_info(skip_type_params(MaxTop))]
pub struct Settlement<
	AccountId: Clone + PartialEq + Eq + Debug,
	Balance: Clone + PartialEq + Eq + Debug,
	MaxTop: Get<u32>,
> {
	/// The period settled.
	pub period: u32,
	/// Where it is.
	pub stage: SettlementStage,
	/// The top group so far, by `T` descending then account ascending.
	pub top: BoundedVec<(u128, AccountId), MaxTop>,
	/// K for this settlement (fixed when it starts).
	pub top_group: u32,
	/// The wash-trading cap for this settlement (fixed when it starts, like K).
	pub reward_cap: Option<Perbill>,
	/// `T(total)` of the top group (set when counting ends).
	pub total_traffic: u128,
	/// `N(total)`: the peers' share of the period's emission.
	pub emission: Balance,
	/// Paid out so far.
	pub paid: Balance,
}

/// A settled period.
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
pub struct PeriodSummary<Balance> {
	/// Reports that took part (after the bounded set's replacements).
	pub reports: u32,
	/// Winners: the size of the top group reached.
	pub winners: u32,
	/// `T(total)` of the top group.
	pub total_traffic: u128,
	/// `N(total)`: the peers' share of the period's emission.
	pub emission: Balance,
	/// Paid to the winners.
	pub paid: Balance,
	/// The smallest winning `T` if the top group was full, else zero: reports of the next
	/// periods must reach it.
	pub cutoff: u128,
	/// Paid to the billing peers.
	pub billing_paid: Balance,
}

/// Why a report earned what it did, for anyone to recompute a payout from chain data.
#[derive(
	Encode, Decode, DecodeWithMemTracking, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen,
)]
pub struct RewardExplanation<Balance> {
	/// The period.
	pub period: u32,
	/// Whether the period is settled. Until it is, the cutoff, `T(total)`, `N(total)`, the
	/// rank and the reward are zero or none, not yet known.
	pub settled: bool,
	/// New bytes the report claimed (its root's sum).
	pub reported: u128,
	/// Bytes carried in from earlier reports.
	pub carried_in: u128,
	/// New bytes that paid traffic backed when the report was accepted (reserved for it).
	pub backed: u128,
	/// The audit's outcome.
	pub audit: AuditStatus,
	/// New bytes counted: the backed bytes, if the audit passed.
	pub counted: u128,
	/// `T(a)` ranked: `carried_in + counted`.
	pub ranked: u128,
	/// The place in the top group, from 1.
	pub rank: Option<u32>,
	/// The period's published cutoff.
	pub cutoff: u128,
	/// `T(total)` of the top group.
	pub total_traffic: u128,
	/// `N(total)`.
	pub emission: Balance,
	/// The reward: `N(total) · T(a) / T(total)` rounded down, capped if the cap is set.
	pub reward: Balance,
	/// Bytes carried into the next report.
	pub carried_out: u128,
	/// Whether claimed bytes exceeded what their DApp paid for.
	pub unpaid_claimed: bool,
	/// Fees the DApps paid for the ranked bytes (carried and counted).
	pub fees: Balance,
	/// Whether the wash-trading cap cut the reward to its fraction of `fees`.
	pub capped: bool,
}

/// The bill of a DApp in one ledgering period: the bytes reports counted and their cost at the
/// period's nominal traffic price.
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
pub struct Bill<Balance> {
	/// The bytes counted.
	pub bytes: u128,
	/// What they cost, paid from the DApp's escrow into the pools.
	pub amount: Balance,
}

/// A DApp's announced withdrawal of its unreserved traffic funds
/// ([`crate::Pallet::announce_withdrawal`]).
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
pub struct EscrowWithdrawal<Balance> {
	/// The funds to withdraw: those no report had reserved at the announcement. Reports of
	/// later periods cannot reserve them; reports of `period` and earlier still may.
	pub amount: Balance,
	/// The ledgering period of the announcement.
	pub period: u32,
}

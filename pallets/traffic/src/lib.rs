//! # Proof-of-Traffic pallet
//!
//! Pays professional and common peers for the traffic they served, proven by receipts the
//! paying side signed (whitepaper ch.3 §1). Each ledgering period the peers with the most
//! proven throughput share the period's reward `N(a) = N(total) · T(a) / T(total)`; the others
//! carry their throughput over.
//!
//! ## Terms
//!
//! - **Receipt**: a cumulative `(period, session, server, DApp, client key, bytes so far)`
//!   signed by a client key the DApp authorized in the peer registry
//!   ([`spacebook_receipts::Receipt`]).
//! - **Report**: a peer's claim for a ledgering period: the root of a Merkle *sum* tree over its
//!   receipts not claimed before (the root commits to the receipts and to their total `T`), the
//!   leaf count and the bytes per DApp ([`TrafficReport`]). Signed by the peer key and sent
//!   by the peer's node as a free authorized transaction in the **report window**, the first
//!   [`Config::ReportWindow`] blocks of the next period.
//! - **Carried traffic**: verified, paid bytes of a peer's earlier reports that did not win; they
//!   add to its next report's `T(a)`.
//! - **Cutoff**: the smallest `T(a)` that won the last settled period if its top group was full
//!   (else zero). A full report set refuses a report below it (as it refuses one below its
//!   smallest report), so peers below it keep accumulating receipts and report later; while the
//!   set has room every backed report is admitted. [`Config::MaxReports`] bounds the reports
//!   per period.
//! - **Audit**: when the report window closes, the chain draws a seed
//!   ([`Config::AuditRandomness`]); each report's audited bytes are `blake2(seed, round, peer,
//!   i) mod T`. In the audit window the peer (or anyone) reveals, for each audited byte, the
//!   receipt covering it and that one leaf's Merkle proof ([`Pallet::answer_audit`]); the
//!   proof's nodes carry the range of stream keys beneath them, so duplicated or misplaced
//!   leaves show on the path without revealing a neighbour. A report not answered by the end
//!   of the first window is audited again with more samples; not answered again, it fails: no
//!   reward, a penalty on the peers pallet's ladder and a patrol request.
//! - **Paid traffic**: a DApp's bytes count only up to what it paid for and nobody claimed yet
//!   ([`TrafficBilling`]); a claim above it is cut and penalized.
//! - **Traffic escrow and bills**: a DApp funds its traffic escrow in SPB
//!   ([`Pallet::fund_traffic`]); its paid bytes in a period are its funds at the period's
//!   nominal traffic price ([`Config::Prices`], the pricing pallet). The bytes reports count are
//!   billed at that price from the escrow into the pools, and recorded per period ([`Bills`]);
//!   the DApp may withdraw what no report reserved after a notice
//!   ([`Pallet::announce_withdrawal`], [`Pallet::withdraw_escrow`]).
//! - **Top group**: after the windows, the verified reports are ranked by `T(a)` descending
//!   (ties: account ascending); the first `K` ([`TrafficParameters::top_group`]) share the peers'
//!   part of the period's emission. Rounding dust stays in the mining pool.
//! - **Billing share**: the billing peers' part of the period's emission pays for the period's
//!   blocks: each billing peer gets `billing · blocks / BlocksPerPeriod` for the blocks it packed
//!   ([`PackedBlocks`], [`Config::BillingPeers`]); an evicted billing peer forfeits the blocks of
//!   the periods not settled yet.
//!
//! Every stage after the report window runs in `on_initialize`, in batches of bounded size, in
//! the same period; `integrity_test` checks that the windows and batches fit.
//!
//! ## Calls
//!
//! - Report, authorized by the peer key's signature: [`Pallet::submit_report`].
//! - Answer an audit, authorized by its own content (self-authenticating):
//!   [`Pallet::answer_audit`].
//! - Set the top group size and the wash-trading cap (governance): [`Pallet::set_parameters`].
//!
//! See `docs/pot.md` for the protocol, the bounds and the anti-cheating argument.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

mod audits;
mod billing_share;
mod escrow;
mod offchain;
mod reports;
mod settlement;
pub mod types;
pub mod weights;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

use alloc::vec::Vec;
use codec::Encode;
use frame_support::{
	pallet_prelude::*,
	traits::{fungible, Get},
	BoundedVec,
};
use frame_system::pallet_prelude::*;
use pallet_peers::{PeerRegistry, Penalties, PenaltyLevel, PenaltyReason};
use pallet_token::{MiningPool, PayoutPurpose, RevenueRecycler};
use sp_core::H256;
use sp_runtime::{
	traits::{SaturatedConversion, Saturating, Zero},
	Perbill, Rounding, RuntimeAppPublic,
};
use spacebook_receipts::{
	verify_proof, ClientKey, ProofError, Receipt, SignedReceipt, SumNode, SumTree,
};

/// The log target of this pallet.
pub const LOG_TARGET: &str = "runtime::traffic";

/// The domain tag of a report's signature.
pub const REPORT_CONTEXT: &[u8; 16] = b"spacebook/report";

/// The domain tag of audit positions.
pub const AUDIT_CONTEXT: &[u8; 16] = b"spacebook/audits";

/// The most peer keys of one node whose reports its off-chain worker sends.
pub const MAX_LOCAL_PEERS: usize = 8;
/// The most receipts a node puts in one report (the rest wait for a later one).
pub const MAX_REPORTED_RECEIPTS: usize = 100_000;
/// Blocks before the off-chain worker sends a report or an answer again.
pub const RESUBMIT_AFTER: u32 = 5;
/// A settlement block looks at up to this many times `SettleBatch` reports (a report left for
/// the other pass costs a read).
pub const LOOK_FACTOR: u32 = 8;
/// The prefix of the off-chain markers of sent reports.
const SENT_REPORT: &[u8] = b"spacebook/traffic/sent-report";
/// The keyless account that keeps DApps' traffic funds until their traffic is billed.
pub const TRAFFIC_ESCROW: frame_support::PalletId = frame_support::PalletId(*b"spb/prep");

pub use escrow::GIB;

/// The prefix of the off-chain markers of built reports.
const BUILT_REPORT: &[u8] = b"spacebook/traffic/built-report";
/// The prefix of the off-chain counts of reports built for a peer and period (their snapshots'
/// versions, [`spacebook_receipts::snapshots::snapshot_version_key`]).
const REPORT_VERSIONS: &[u8] = b"spacebook/traffic/report-versions";
/// The prefix of the off-chain markers of sent audit answers.
const SENT_ANSWER: &[u8] = b"spacebook/traffic/sent-answer";
/// The prefix of the off-chain keys of the receipts a report committed to.
pub const OFFCHAIN_REPORTED_PREFIX: &[u8] = spacebook_receipts::snapshots::REPORTED_PREFIX;

/// DApps' paid traffic, as the traffic escrow ([`Pallet::fund_traffic`]) tells it.
///
/// A DApp's **paid bytes** in a ledgering period are the funds it has not spent, at that
/// period's traffic price; they shrink as reports count them. Reports of one period are pending
/// at a time, so a reservation is valued at one price.
pub trait TrafficBilling<AccountId, Balance> {
	/// Bytes `dapp`'s funds pay for at period `period`'s price that may back a report whose
	/// oldest receipts are of period `from_period`: funds the DApp announced it withdraws back
	/// only reports that carry receipts of the announcement's period or earlier
	/// ([`Pallet::announce_withdrawal`]). `from_period` 0 asks for all of them.
	fn unclaimed_paid_bytes(dapp: &AccountId, from_period: u32, period: u32) -> u128;
	/// Bill `bytes` (at most [`Self::unclaimed_paid_bytes`]) of `dapp`'s traffic of period
	/// `period` at that period's price. Returns the bill, paid into the pools.
	fn claim_paid_bytes(dapp: &AccountId, bytes: u128, period: u32) -> Balance;
}

/// The nominal traffic price (the pricing pallet), and what it learns of the bills.
pub trait NominalTrafficPrice<Balance> {
	/// The price of a GiB of traffic served in ledgering period `period`: fixed once the period
	/// began. Never zero.
	fn price_per_gib(period: u32) -> Balance;
	/// `amount` of traffic was billed (the demand the pricing formula counts).
	fn note_bill(amount: Balance);
}

/// Who else learns of each DApp's bills: the governance committee's ranking of the DApps by
/// paid traffic over the term (ch.4 §3: the ten that paid the most nominate a candidate each).
/// Told each DApp's whole bill of a period once, when the period's bills are forgotten
/// ([`Config::HistoryDepth`] periods after it), in blocks without settlement work; the pruning's
/// benchmark, run in the runtime, weighs it.
pub trait OnTrafficBilled<AccountId, Balance> {
	/// `dapp` was billed `amount` for its traffic of a period.
	fn on_billed(dapp: &AccountId, amount: Balance);
}

impl<AccountId, Balance> OnTrafficBilled<AccountId, Balance> for () {
	fn on_billed(_: &AccountId, _: Balance) {}
}

/// Who packed the block being built: the billing peers are paid the billing part of each
/// period's emission for the blocks they pack.
pub trait BillingPeers<AccountId> {
	/// The billing peer that packed the block being built (read in `on_initialize`), if it may
	/// be paid for it.
	fn packer() -> Option<AccountId>;
	/// The most [`BillingPeers::packer`] weighs.
	fn packer_weight() -> Weight;
}

/// Sets up the other pallets for the benchmarks.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId, PeerKey> {
	/// Make `who` a professional peer that may earn, whose node signs with `key`.
	fn register_peer(who: &AccountId, key: PeerKey);
	/// Make `dapp` a DApp whose `client_key` vouches for receipts of the current period (the
	/// runtime's leaves it retired: the registry's longest lookup), and that paid for `bytes`
	/// of traffic.
	fn register_dapp(dapp: &AccountId, client_key: ClientKey, bytes: u128);
	/// Give `who` enough to buy a thousand GiB of traffic.
	fn fund(who: &AccountId);
}

/// What a serving node keeps of a report it sent: the report, its signature and the receipts
/// it commits to.
pub type ReportedOf<T> = (TrafficReportOf<T>, ReportSignature<T>, SignedReceipts<T>);

/// What admitting a checked report takes ([`Pallet::check_report`]).
#[derive(
	frame_support::CloneNoBound,
	frame_support::PartialEqNoBound,
	frame_support::EqNoBound,
	frame_support::DebugNoBound,
)]
pub struct Admission<T: Config> {
	/// The peer's carried bytes.
	pub carried_in: u128,
	/// The fees paid for them.
	pub carried_fees: T::Balance,
	/// Per DApp of the report, the claimed bytes paid traffic backs.
	pub backed: BoundedVec<u128, T::MaxDApps>,
	/// Per DApp of the report (empty if none), the claimed bytes paid traffic would back but
	/// other reports reserved first.
	pub contested: BoundedVec<u128, T::MaxDApps>,
	/// Whether a claim is above all its DApp paid for and nobody claimed.
	pub over_claimed: bool,
}

/// Signed receipts with the runtime's account type.
pub type SignedReceipts<T> = Vec<SignedReceipt<<T as frame_system::Config>::AccountId>>;

/// A report with the runtime's types.
pub type TrafficReportOf<T> =
	TrafficReport<<T as frame_system::Config>::AccountId, <T as Config>::MaxDApps>;
/// A kept report.
pub type ReportRecordOf<T> = ReportRecord<
	<T as frame_system::Config>::AccountId,
	<T as Config>::Balance,
	<T as Config>::MaxDApps,
>;
/// A peer key's signature.
pub type ReportSignature<T> = <<T as Config>::PeerKey as RuntimeAppPublic>::Signature;
/// A settlement with the runtime's types.
pub type SettlementOf<T> = Settlement<
	<T as frame_system::Config>::AccountId,
	<T as Config>::Balance,
	<T as Config>::MaxTopGroup,
>;
/// The answers to one audit round.
pub type AnswersOf<T> =
	BoundedVec<SampleAnswer<<T as frame_system::Config>::AccountId>, MaxAuditAnswers<T>>;

/// The most answers one audit round asks for ([`Pallet::max_audit_answers`]).
pub struct MaxAuditAnswers<T>(core::marker::PhantomData<T>);
impl<T: Config> Get<u32> for MaxAuditAnswers<T> {
	fn get() -> u32 {
		Pallet::<T>::max_audit_answers()
	}
}
/// The ranking of a period's reports: `(T(a), peer)` in increasing order.
pub type RankingOf<T> =
	BoundedVec<(u128, <T as frame_system::Config>::AccountId), <T as Config>::MaxReports>;
/// The blocks each billing peer packed in a period: `(billing peer, blocks)`.
pub type PackedBlocksOf<T> =
	BoundedVec<(<T as frame_system::Config>::AccountId, u32), <T as Config>::MaxBillingPeers>;

#[frame_support::pallet]
pub mod pallet {
	use super::*;

	/// The pallet's configuration.
	#[pallet::config]
	pub trait Config:
		frame_system::Config<Hash = H256>
		+ frame_system::offchain::CreateAuthorizedTransaction<Call<Self>>
	{
		/// The SPB balance.
		type Balance: frame_support::traits::tokens::Balance + Parameter + MaybeSerializeDeserialize;

		/// The mining pool that pays rewards and tells each period's emission.
		type MiningPool: MiningPool<Self::AccountId, Self::Balance>;

		/// The key a peer's node signs reports with.
		type PeerKey: Member + Parameter + RuntimeAppPublic + MaxEncodedLen;

		/// The peer registry: peer keys, DApps' client keys, who may earn, common peers'
		/// deposits from rewards.
		type Registry: PeerRegistry<
			Self::AccountId,
			Self::Balance,
			Self::PeerKey,
			ClientKey,
			BlockNumberFor<Self>,
		>;

		/// The penalty ladder for failed audits and unpaid claims.
		type Penalties: Penalties<Self::AccountId>;

		/// Told of every failed audit: the patrol pallet, which patrols the peer.
		type OnAuditFailed: spacebook_patrol_primitives::OnAuditFailed<Self::AccountId>;

		/// The part of each period's peers' emission settlement leaves for others: the patrol
		/// rewards'.
		type PeersShareReserve: spacebook_patrol_primitives::PeersShareReserve<Self::Balance>;

		/// DApps' paid traffic: this pallet's traffic escrow ([`Pallet::fund_traffic`]).
		type Billing: TrafficBilling<Self::AccountId, Self::Balance>;

		/// Where traffic bills go (the token pallet: 0.5 % to
		/// the foundation, the rest into the mining pool).
		type Revenue: RevenueRecycler<
			Self::AccountId,
			Self::Balance,
			Credit = fungible::Credit<Self::AccountId, Self::Currency>,
		>;

		/// The SPB currency: DApps' traffic funds wait in the pallet's escrow account
		/// ([`Pallet::traffic_escrow`]) until their traffic is billed or the DApp withdraws them.
		type Currency: fungible::Inspect<Self::AccountId, Balance = Self::Balance>
			+ fungible::Mutate<Self::AccountId>
			+ fungible::Balanced<Self::AccountId>;

		/// The nominal traffic price of each ledgering period (the pricing pallet).
		type Prices: NominalTrafficPrice<Self::Balance>;

		/// Who else learns of each DApp's bill (the committee's DApp ranking).
		type OnBilled: OnTrafficBilled<Self::AccountId, Self::Balance>;

		/// Who packed each block, to pay the billing share for it.
		type BillingPeers: BillingPeers<Self::AccountId>;

		/// Randomness for the audit seeds that nobody could know when the reports were
		/// committed (the Gosig VRF accumulator).
		type AuditRandomness: Get<H256>;

		/// Sets [`TrafficParameters`].
		type GovernanceOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Blocks in a ledgering period (the token pallet's numbering).
		#[pallet::constant]
		type BlocksPerPeriod: Get<BlockNumberFor<Self>>;

		/// The first blocks of a period in which the previous period is reported.
		#[pallet::constant]
		type ReportWindow: Get<u32>;

		/// Blocks between the end of the report window and the first audit seed, each adding
		/// its packer's VRF output: one packer (or a few colluding) cannot know the seed while
		/// it can still report.
		#[pallet::constant]
		type SeedDelay: Get<u32>;

		/// Blocks to answer an audit round.
		#[pallet::constant]
		type AuditWindow: Get<u32>;

		/// Audited bytes per report in the first round.
		#[pallet::constant]
		type AuditSamples: Get<u32>;

		/// Audited bytes per report in the second round (and the most answers in one call).
		#[pallet::constant]
		type SecondAuditSamples: Get<u32>;

		/// The most reports a period keeps.
		#[pallet::constant]
		type MaxReports: Get<u32>;

		/// The most DApps in one report.
		#[pallet::constant]
		type MaxDApps: Get<u32>;

		/// The largest top group governance may set.
		#[pallet::constant]
		type MaxTopGroup: Get<u32>;

		/// The top group size at genesis (the whitepaper's 100).
		#[pallet::constant]
		type DefaultTopGroup: Get<u32>;

		/// The wash-trading cap until governance sets one ([`TrafficParameters::reward_cap`]):
		/// a reward is at most this fraction of the fees paid for the traffic it rewards. Below
		/// 100 %, no self-dealing returns what it costs (`docs/security.md`).
		#[pallet::constant]
		type DefaultRewardCap: Get<Option<Perbill>>;

		/// The most periods one report may reach back.
		#[pallet::constant]
		type MaxRollover: Get<u32>;

		/// The most billing peers paid for one period (distinct packers of its blocks).
		#[pallet::constant]
		type MaxBillingPeers: Get<u32>;

		/// The most DApps a period's reports may name together (each DApp a report names is
		/// storage work at settlement): a report that would pass it enters only by displacing
		/// the smallest report, like a report entering a full set. Sized so that the settlement
		/// of a full set fits in its period.
		#[pallet::constant]
		type MaxDAppEntries: Get<u32>;

		/// Reports counted per block during settlement, at most.
		#[pallet::constant]
		type SettleBatch: Get<u32>;

		/// The most weight a block spends counting reports during settlement: a report whose
		/// count would not fit waits for the next block (a report naming many DApps costs many
		/// storage writes). At least one report is counted per block.
		#[pallet::constant]
		type SettleWeight: Get<Weight>;

		/// Winners paid per block during settlement.
		#[pallet::constant]
		type PayoutBatch: Get<u32>;

		/// Periods whose reports are kept for [`Pallet::explain_reward`].
		#[pallet::constant]
		type HistoryDepth: Get<u32>;

		/// Bills, or reports, of a period beyond [`Config::HistoryDepth`] forgotten per block.
		#[pallet::constant]
		type PruneBatch: Get<u32>;

		/// Weights of the calls and hooks.
		type WeightInfo: WeightInfo;

		/// Sets up peers and DApps for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::AccountId, Self::PeerKey>;
	}

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	/// The reports of each period, by peer.
	#[pallet::storage]
	pub type Reports<T: Config> =
		StorageDoubleMap<_, Twox64Concat, u32, Blake2_128Concat, T::AccountId, ReportRecordOf<T>>;

	/// Each period's reports as `(T(a) ranked, peer)` (carried plus backed bytes), worst first ([`Pallet::rank_key`]):
	/// bounds the set and says which report a better one displaces.
	#[pallet::storage]
	pub type Ranking<T: Config> = StorageMap<_, Twox64Concat, u32, RankingOf<T>, ValueQuery>;

	/// The DApps each period's reports name, together ([`Config::MaxDAppEntries`]).
	#[pallet::storage]
	pub type DAppEntries<T: Config> = StorageMap<_, Twox64Concat, u32, u32, ValueQuery>;

	/// Each peer's carried traffic and first unclaimed period.
	#[pallet::storage]
	pub type TrafficOf<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, PeerTraffic<T::Balance>, OptionQuery>;

	/// The audit seeds of a period's reports: first round, then second.
	#[pallet::storage]
	pub type AuditSeeds<T: Config> =
		StorageMap<_, Twox64Concat, u32, BoundedVec<H256, ConstU32<2>>, ValueQuery>;

	/// The settlement in progress.
	#[pallet::storage]
	pub type Settling<T: Config> = StorageValue<_, SettlementOf<T>, OptionQuery>;

	/// The next period to settle.
	#[pallet::storage]
	pub type NextToSettle<T: Config> = StorageValue<_, u32, ValueQuery>;

	/// Settled periods (kept [`Config::HistoryDepth`] periods).
	#[pallet::storage]
	pub type Settled<T: Config> =
		StorageMap<_, Twox64Concat, u32, PeriodSummary<T::Balance>, OptionQuery>;

	/// The cutoff reports must reach to enter a full set: the last settled period's.
	#[pallet::storage]
	pub type Cutoff<T: Config> = StorageValue<_, u128, ValueQuery>;

	/// Governance's parameters; `None` until set: [`Config::DefaultTopGroup`] and
	/// [`Config::DefaultRewardCap`].
	#[pallet::storage]
	pub type Parameters<T: Config> = StorageValue<_, TrafficParameters, OptionQuery>;

	/// Per DApp, the paid bytes that reports not settled yet reserved: they back those reports
	/// and no other ([`Pallet::available_paid_bytes`]). A report's reservation goes when it is
	/// settled (claimed if it passed its audit), or dropped from a full set.
	#[pallet::storage]
	pub type Reserved<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, u128, ValueQuery>;

	/// Each DApp's traffic funds not billed yet, kept in the escrow account.
	#[pallet::storage]
	pub type Escrow<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, T::Balance, ValueQuery>;

	/// The DApps' announced withdrawals of their unreserved funds.
	#[pallet::storage]
	pub type Withdrawals<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, EscrowWithdrawal<T::Balance>, OptionQuery>;

	/// The bills of each ledgering period: per DApp, the bytes counted and what they cost at
	/// the period's price. Kept for [`Config::HistoryDepth`] periods, like the reports (at most
	/// one per DApp entry of the period).
	#[pallet::storage]
	pub type Bills<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		u32,
		Blake2_128Concat,
		T::AccountId,
		Bill<T::Balance>,
		ValueQuery,
	>;

	/// Per period not settled yet, the blocks each billing peer packed in it on this chain (its
	/// billing share, paid and removed at the period's settlement).
	#[pallet::storage]
	pub type PackedBlocks<T: Config> =
		StorageMap<_, Twox64Concat, u32, PackedBlocksOf<T>, ValueQuery>;

	/// The oldest period whose reports may still be stored (the pruning cursor).
	#[pallet::storage]
	pub type OldestKept<T: Config> = StorageValue<_, u32, ValueQuery>;

	/// Events.
	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A peer's report was accepted.
		ReportAccepted {
			/// The peer.
			peer: T::AccountId,
			/// The period reported.
			period: u32,
			/// New bytes claimed.
			bytes: u128,
			/// New bytes that paid traffic backs, reserved for the report.
			backed: u128,
			/// `T(a)` ranked: carried plus backed.
			ranked: u128,
		},
		/// A full report set dropped its smallest report for a larger one; the peer may report
		/// its receipts again later.
		ReportDropped {
			/// The peer.
			peer: T::AccountId,
			/// The period.
			period: u32,
		},
		/// A period's audits opened: each report's audited bytes follow from the seed.
		AuditRequested {
			/// The period reported.
			period: u32,
			/// 1 or 2.
			round: u8,
			/// The seed.
			seed: H256,
			/// The period's reports, whatever their audit status: in round 2 this includes
			/// the reports that already passed round 1 and need not answer again.
			reports: u32,
		},
		/// A report's audit was answered and every sample checked.
		AuditPassed {
			/// The peer.
			peer: T::AccountId,
			/// The period.
			period: u32,
			/// The round answered.
			round: u8,
		},
		/// Neither audit of a report was answered with receipts that check: it earns nothing.
		AuditFailed {
			/// The peer.
			peer: T::AccountId,
			/// The period.
			period: u32,
		},
		/// A patrol should check a peer's service (raised by a failed audit).
		PatrolRequested {
			/// The peer.
			peer: T::AccountId,
			/// The period of the failed report.
			period: u32,
		},
		/// A report claimed more bytes for a DApp than the DApp paid for and nobody claimed;
		/// the excess counts for nothing.
		UnpaidTrafficClaimed {
			/// The peer.
			peer: T::AccountId,
			/// The period.
			period: u32,
			/// The DApp.
			dapp: T::AccountId,
			/// Bytes claimed.
			claimed: u128,
			/// The most that may count: the bytes backed, and those contested with reports
			/// that reserved the DApp's paid bytes first.
			counted: u128,
		},
		/// A top-group peer was paid.
		RewardPaid {
			/// The peer.
			peer: T::AccountId,
			/// The period.
			period: u32,
			/// Its rank, from 1.
			rank: u32,
			/// `T(a)`.
			traffic: u128,
			/// The reward.
			amount: T::Balance,
		},
		/// A reward could not be paid (it stays in the mining pool).
		RewardNotPaid {
			/// The peer.
			peer: T::AccountId,
			/// The period.
			period: u32,
			/// The reward due.
			amount: T::Balance,
			/// Why.
			error: DispatchError,
		},
		/// A billing peer was paid its share of a period's billing emission, for the blocks it
		/// packed in the period.
		BillingRewardPaid {
			/// The billing peer.
			peer: T::AccountId,
			/// The period.
			period: u32,
			/// The blocks it packed in the period.
			blocks: u32,
			/// The amount.
			amount: T::Balance,
		},
		/// An evicted billing peer lost its billing share of a period not settled yet.
		BillingShareForfeited {
			/// The billing peer.
			peer: T::AccountId,
			/// The period.
			period: u32,
			/// The blocks it had packed in the period.
			blocks: u32,
		},
		/// A period was settled.
		PeriodSettled {
			/// The period.
			period: u32,
			/// Its summary.
			summary: PeriodSummary<T::Balance>,
		},
		/// A DApp funded its traffic escrow.
		TrafficFunded {
			/// The DApp.
			dapp: T::AccountId,
			/// The amount paid in.
			amount: T::Balance,
		},
		/// A DApp announced it withdraws its unreserved traffic funds: reports of receipts of
		/// later periods only cannot reserve them.
		WithdrawalAnnounced {
			/// The DApp.
			dapp: T::AccountId,
			/// The funds to withdraw (what reports have not reserved when it is made may be
			/// less).
			amount: T::Balance,
			/// The first block at which [`Pallet::withdraw_escrow`] may make it.
			due: BlockNumberFor<T>,
		},
		/// A DApp withdrew traffic funds from the escrow.
		FundsWithdrawn {
			/// The DApp.
			dapp: T::AccountId,
			/// The funds paid back.
			amount: T::Balance,
		},
		/// Governance changed the parameters.
		ParametersSet {
			/// The new parameters.
			parameters: TrafficParameters,
		},
	}

	/// Errors.
	#[pallet::error]
	pub enum Error<T> {
		/// The report is not for the previous period, or the report window is over.
		ReportWindowClosed,
		/// The reporter is not a professional or common peer that may earn now.
		CannotEarn,
		/// The report's signature is not its peer's peer key's.
		BadReportSignature,
		/// The peer has reported this period already.
		DuplicateReport,
		/// `from_period` reaches into receipts claimed before, or more than
		/// [`Config::MaxRollover`] periods back, or past the period.
		BadFromPeriod,
		/// The report claims no bytes, or no leaves, or more leaves than bytes.
		EmptyReport,
		/// The per-DApp totals are not in strictly increasing order of the DApp, or one is zero.
		DAppsNotSorted,
		/// The per-DApp totals do not add up to the root's sum.
		TotalsMismatch,
		/// The period's report set is full and carried plus backed bytes are below the published
		/// cutoff.
		BelowCutoff,
		/// The period's report set is full and this report is not larger than its smallest.
		ReportSetFull,
		/// No such report.
		NoReport,
		/// The report's audit is over (passed or failed).
		AuditNotPending,
		/// No audit round of this report is open now.
		AuditNotOpen,
		/// The answers are not one per audited byte.
		WrongAnswerCount,
		/// A leaf's proof does not lead to the report's root.
		BadProof,
		/// The revealed leaf does not cover the audited byte.
		WrongLeaf,
		/// A receipt's signature is not its client key's over this chain's payload.
		BadReceiptSignature,
		/// The receipt's DApp has not authorized its client key.
		ClientKeyNotAuthorized,
		/// The receipt names another server.
		WrongServer,
		/// The receipt's period is outside the report's periods.
		ReceiptOutOfPeriod,
		/// The audited byte lies in another DApp's range of the per-DApp totals.
		WrongDApp,
		/// A node on the leaf's path has its stream keys out of order: the tree holds a duplicate,
		/// superseded or misplaced receipt beneath it.
		LeavesOutOfOrder,
		/// The top group is zero or above [`Config::MaxTopGroup`], or the cap is zero.
		BadParameters,
		/// A zero amount of funds.
		ZeroAmount,
		/// The amount (with the escrow's existential deposit) does not fit the balance type.
		Overflow,
		/// Paid traffic backs none of the report's bytes (its DApps paid for none, or other
		/// reports claimed or reserved all they paid for) and the peer carries none.
		NotPaidFor,
		/// The report's tree has more leaves than [`MAX_REPORTED_RECEIPTS`], deeper than the
		/// audit proofs the pallet accepts and benchmarks.
		TooManyReceipts,
		/// The DApp announced a withdrawal already; it must make it first.
		WithdrawalPending,
		/// The DApp has announced no withdrawal.
		NoWithdrawal,
		/// The withdrawal's notice is not over: reports of receipts of its period may still
		/// come.
		WithdrawalNotDue,
		/// The DApp has no traffic funds that reports have not reserved.
		NothingToWithdraw,
		/// The amount is more than the DApp's free balance can pay without what it must keep:
		/// its existential deposit and its frozen (locked or vesting) funds.
		CannotPayFee,
		/// The previous period is still being settled; reports of this period are taken once
		/// it is (a peer's first unclaimed period depends on it).
		PreviousPeriodNotSettled,
		/// A report names a DApp whose paid traffic could back none of its claim (nothing paid
		/// for, or all of it claimed or announced for withdrawal): its range would never be
		/// audited, and would only take a place in the period's DApp entries.
		DAppNotPaidFor,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(n: BlockNumberFor<T>) -> Weight {
			Self::advance(n)
		}

		fn offchain_worker(n: BlockNumberFor<T>) {
			Self::serve_reports_and_audits(n);
		}

		fn integrity_test() {
			let period: u32 = T::BlocksPerPeriod::get().saturated_into();
			// Counting (two passes, see `settle_step`) and paying, while reports fit in
			// `SettleWeight` (reports naming many DApps may take longer: reports of the next
			// period wait for it, `PreviousPeriodNotSettled`).
			let batch = T::SettleBatch::get().max(1);
			let settle_blocks = T::MaxReports::get().div_ceil(batch)
				+ T::MaxReports::get().div_ceil((LOOK_FACTOR - 1) * batch + 1)
				+ T::MaxTopGroup::get().div_ceil(T::PayoutBatch::get().max(1))
				+ 4;
			assert!(T::ReportWindow::get() > 0, "ReportWindow must be positive");
			assert!(T::AuditWindow::get() > 0, "AuditWindow must be positive");
			assert!(
				Self::audit_start() + 2 * T::AuditWindow::get() + settle_blocks <= period,
				"the report window, the seed delay, two audit windows and the settlement must fit \
				 in a period"
			);
			assert!(T::AuditSamples::get() > 0, "AuditSamples must be positive");
			assert!(
				T::SecondAuditSamples::get() >= T::AuditSamples::get(),
				"the second audit samples at least as much as the first"
			);
			assert!(T::SettleBatch::get() > 0 && T::PayoutBatch::get() > 0, "batches");
			assert!(
				(1..=T::MaxTopGroup::get()).contains(&T::DefaultTopGroup::get()),
				"DefaultTopGroup must be in 1..=MaxTopGroup"
			);
			assert!(T::MaxDApps::get() > 0 && T::MaxReports::get() > 0, "bounds");
			assert!(
				T::MaxDAppEntries::get() >= T::MaxDApps::get(),
				"MaxDAppEntries must admit a report naming MaxDApps DApps"
			);
			assert!(T::HistoryDepth::get() > 0, "HistoryDepth must be positive");
			assert!(T::PruneBatch::get() > 0, "PruneBatch must be positive");
			// Between a period's settlement and the next one's start: the blocks of the report
			// window, the seed delay and both audit windows.
			assert!(
				Self::prune_blocks() < Self::audit_start() + 2 * T::AuditWindow::get(),
				"a full period must be pruned between two settlements"
			);
			// A receipt of period `p` may be reported up to `p + MaxRollover` and audited in the
			// period after: its client key, if removed, must vouch for it that long.
			let audited_for = Self::period_start(T::MaxRollover::get().saturating_add(2));
			assert!(
				T::Registry::client_key_retention() >= audited_for,
				"the registry must keep retired client keys for MaxRollover + 2 periods"
			);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Report a period's traffic.
		///
		/// - Origin: none. The call is authorized by the signature of the peer's peer key over
		///   `(REPORT_CONTEXT, genesis hash, report)` (`#[pallet::authorize]`); the peer's node
		///   sends it free of fees in the report window.
		/// - `report`: for the previous period, in the first [`Config::ReportWindow`] blocks of
		///   the current one; by a peer that may earn and has not reported it; `from_period` no
		///   earlier than its first unclaimed period nor [`Config::MaxRollover`] periods back;
		///   a non-empty tree; per-DApp totals sorted and adding up to the root's sum; some
		///   bytes backed by paid traffic, or carried; if the period's set is full, carried plus
		///   backed bytes at least the [`Cutoff`] and above the smallest report (which is then
		///   dropped).
		/// - `signature`: by the peer's registered peer key.
		///
		/// Emits [`Event::ReportAccepted`], and [`Event::ReportDropped`] for a displaced report.
		///
		/// Complexity: `O(D + R)` for `D` DApps in the report and `R` reports in the period's
		/// ranking (a binary search and one shift of the ranking). The authorization is charged
		/// for [`Config::MaxDApps`] and refunds the DApps the report does not name.
		#[pallet::call_index(0)]
		#[pallet::weight(Pallet::<T>::submit_report_weight(report.per_dapp.len() as u32))]
		#[pallet::authorize(Pallet::<T>::authorize_report)]
		#[pallet::weight_of_authorize(Pallet::<T>::authorize_report_weight(T::MaxDApps::get()))]
		pub fn submit_report(
			origin: OriginFor<T>,
			report: TrafficReportOf<T>,
			signature: ReportSignature<T>,
		) -> DispatchResult {
			frame_system::ensure_authorized(origin)?;
			let admission = Self::check_report(&report, &signature)?;
			Self::accept_report(report, admission)
		}

		/// Answer the open audit round of a report.
		///
		/// - Origin: none. The call is authorized by its own content: it is valid only if every
		///   answer checks, so anyone (normally the peer's node) may send it, free of fees.
		/// - `period`, `peer`: the report; its audit is pending and a round is open.
		/// - `answers`: one per audited byte of the round, in order: the index of the leaf that
		///   covers the byte, its signed receipt and its Merkle proof ([`SampleAnswer`]). The
		///   proof leads to the report's root through nodes whose stream keys are in order, and
		///   the leaf covers the byte; the receipt is signed by its client key, which its DApp
		///   authorized; names the peer as server; is of a period the report covers; and its
		///   DApp's range of the per-DApp totals holds the byte.
		///
		/// Emits [`Event::AuditPassed`]. The settlement counts the report's backed bytes.
		///
		/// Complexity: `O(S · log L + D)` for `S` samples, `L` leaves and `D` DApps: a signature
		/// check and a proof per sample, a DApp range per sample. Charged for the second round and
		/// [`Config::MaxDApps`]; the unused part (a first round, fewer DApps) is refunded, in
		/// the authorization and in the call.
		#[pallet::call_index(1)]
		#[pallet::weight(Pallet::<T>::max_answer_weight())]
		#[pallet::authorize(Pallet::<T>::authorize_answer)]
		#[pallet::weight_of_authorize(Pallet::<T>::max_answer_authorization_weight())]
		pub fn answer_audit(
			origin: OriginFor<T>,
			period: u32,
			peer: T::AccountId,
			answers: AnswersOf<T>,
		) -> DispatchResultWithPostInfo {
			frame_system::ensure_authorized(origin)?;
			let (mut record, round) = Self::check_answers(period, &peer, &answers)?;
			let actual = Self::answer_weight(round, &record);
			record.status = AuditStatus::Passed { round };
			Reports::<T>::insert(period, &peer, record);
			Self::deposit_event(Event::AuditPassed { peer, period, round });
			Ok(Some(actual).into())
		}

		/// Set the top group size and the wash-trading cap.
		///
		/// - Origin: [`Config::GovernanceOrigin`].
		/// - `parameters`: a top group in `1..=MaxTopGroup`; a cap above zero, or none (the
		///   whitepaper formula uncapped, under which self-dealing pays: `docs/security.md`).
		///   They apply from the next settlement.
		///
		/// Emits [`Event::ParametersSet`].
		///
		/// Complexity: `O(1)`.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::set_parameters())]
		pub fn set_parameters(
			origin: OriginFor<T>,
			parameters: TrafficParameters,
		) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			ensure!(
				(1..=T::MaxTopGroup::get()).contains(&parameters.top_group)
					&& parameters.reward_cap.is_none_or(|cap| !cap.is_zero()),
				Error::<T>::BadParameters
			);
			Parameters::<T>::put(parameters);
			Self::deposit_event(Event::ParametersSet { parameters });
			Ok(())
		}

		/// Fund the DApp's traffic escrow: `amount` goes to the pallet's escrow account
		/// ([`Pallet::traffic_escrow`]) and pays for the DApp's traffic at the nominal price of
		/// the period it is served in. As reports count bytes, their bill goes from the escrow
		/// to the pools as DApp revenue; the DApp may withdraw what no report reserved
		/// ([`Pallet::announce_withdrawal`]).
		///
		/// - Origin: signed, by the DApp (any account may pay; its funds count only for
		///   receipts of client keys it authorized as a DApp).
		/// - `amount`: above zero, transferred from the free balance, which keeps its
		///   existential deposit and its frozen (locked or vesting) funds: those cannot be spent
		///   on traffic, which would turn them into rewards. The first funding ever also pays the
		///   escrow's existential deposit, which stays there.
		///
		/// Emits [`Event::TrafficFunded`].
		///
		/// Complexity: `O(1)`.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::fund_traffic())]
		pub fn fund_traffic(origin: OriginFor<T>, amount: T::Balance) -> DispatchResult {
			use frame_support::traits::tokens::Preservation;
			use fungible::{Inspect, Mutate};
			let dapp = ensure_signed(origin)?;
			ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
			let escrow = Self::traffic_escrow();
			let seed = T::Currency::minimum_balance().saturating_sub(T::Currency::balance(&escrow));
			let paid = amount.checked_add(&seed).ok_or(Error::<T>::Overflow)?;
			// A transfer respects freezes (a hold would not: holds may overlap them).
			T::Currency::transfer(&dapp, &escrow, paid, Preservation::Preserve)
				.map_err(|_| Error::<T>::CannotPayFee)?;
			Escrow::<T>::mutate(&dapp, |f| *f = f.saturating_add(amount));
			Self::deposit_event(Event::TrafficFunded { dapp, amount });
			Ok(())
		}

		/// Announce the withdrawal of the DApp's unreserved traffic funds: what no report has
		/// reserved now. Reports that carry receipts of this period or earlier (`from_period`
		/// no later than it) may still reserve them, so the peers that served the DApp until
		/// now are paid, rolled-over receipts included; reports of later receipts only may not.
		/// [`Pallet::withdraw_escrow`] makes the withdrawal once the last report that may carry
		/// this period's receipts is in: [`Config::MaxRollover`] periods later
		/// ([`Pallet::withdrawal_due`]).
		///
		/// - Origin: signed, by the DApp; with funds to withdraw and no withdrawal announced.
		///
		/// Emits [`Event::WithdrawalAnnounced`].
		///
		/// Complexity: `O(1)`.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::announce_withdrawal())]
		pub fn announce_withdrawal(origin: OriginFor<T>) -> DispatchResult {
			let dapp = ensure_signed(origin)?;
			ensure!(!Withdrawals::<T>::contains_key(&dapp), Error::<T>::WithdrawalPending);
			let amount = Self::unreserved_funds(&dapp);
			ensure!(!amount.is_zero(), Error::<T>::NothingToWithdraw);
			let period = Self::period_of(frame_system::Pallet::<T>::block_number());
			Withdrawals::<T>::insert(&dapp, EscrowWithdrawal { amount, period });
			let due = Self::withdrawal_due(period);
			Self::deposit_event(Event::WithdrawalAnnounced { dapp, amount, due });
			Ok(())
		}

		/// Make the DApp's announced withdrawal: pay back from the escrow the announced funds
		/// that no report reserved. If reports reserved them all in the meantime, nothing is
		/// paid back and the announcement ends all the same.
		///
		/// - Origin: signed, by the DApp; its announcement's notice is over
		///   ([`Pallet::withdrawal_due`]).
		///
		/// Emits [`Event::FundsWithdrawn`].
		///
		/// Complexity: `O(1)`.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::withdraw_escrow())]
		pub fn withdraw_escrow(origin: OriginFor<T>) -> DispatchResult {
			let dapp = ensure_signed(origin)?;
			let withdrawal = Withdrawals::<T>::get(&dapp).ok_or(Error::<T>::NoWithdrawal)?;
			ensure!(
				frame_system::Pallet::<T>::block_number()
					>= Self::withdrawal_due(withdrawal.period),
				Error::<T>::WithdrawalNotDue
			);
			// Reservations are never withdrawn, whichever period's reports made them.
			let amount = withdrawal.amount.min(Self::unreserved_funds(&dapp));
			Self::withdraw_funds(&dapp, amount)?;
			Withdrawals::<T>::remove(&dapp);
			Self::deposit_event(Event::FundsWithdrawn { dapp, amount });
			Ok(())
		}
	}
}

impl<T: Config> Pallet<T> {
	/// The ledgering period of block `n`.
	pub fn period_of(n: BlockNumberFor<T>) -> u32 {
		(n / T::BlocksPerPeriod::get().max(1u32.into())).saturated_into()
	}

	/// The first block of ledgering period `period`.
	pub fn period_start(period: u32) -> BlockNumberFor<T> {
		BlockNumberFor::<T>::from(period).saturating_mul(T::BlocksPerPeriod::get().max(1u32.into()))
	}

	/// The DApp a receipt's client key vouches for in a report of `report_period`: the DApp
	/// that authorizes it now, or that retired it no earlier than the start of the reported
	/// period (see `pallet_peers`'s retired keys).
	///
	/// The chain cannot tell when an off-chain signature was made, and a key's holder can date a
	/// receipt to any period. So a removed key vouches only for receipts in reports of periods
	/// that began before its removal — the period of the removal and the one before it, whose
	/// reports may still be due — and not for receipts rolled over into any later report, whatever
	/// period they name (issue 14, finding 8). `report_period`, not the current block, decides,
	/// so a report's audit has the same outcome whenever it is answered.
	fn dapp_of_receipt_key(
		receipt: &Receipt<T::AccountId>,
		report_period: u32,
	) -> Option<T::AccountId> {
		let since = Self::period_start(report_period.max(receipt.period));
		T::Registry::dapp_of_client_key(&receipt.client_key, since)
	}

	/// The block's offset within its period.
	pub fn offset_of(n: BlockNumberFor<T>) -> u32 {
		(n % T::BlocksPerPeriod::get().max(1u32.into())).saturated_into()
	}

	/// The current parameters.
	pub fn parameters() -> TrafficParameters {
		Parameters::<T>::get().unwrap_or(TrafficParameters {
			top_group: T::DefaultTopGroup::get(),
			reward_cap: T::DefaultRewardCap::get(),
		})
	}

	/// The genesis hash receipts and reports are signed against.
	pub fn genesis_hash() -> H256 {
		frame_system::Pallet::<T>::block_hash(BlockNumberFor::<T>::zero())
	}

	/// The message a report's signature covers.
	pub fn report_payload(report: &TrafficReportOf<T>) -> Vec<u8> {
		(REPORT_CONTEXT, Self::genesis_hash(), report).encode()
	}

	/// Invariants: every period's ranking matches its reports one to one with the ranked
	/// `T(a)` (carried plus backed); each report's backing is within its claims; the DApps'
	/// reservations are exactly the backing of the reports not settled and within their paid
	/// bytes; the rankings are sorted and bounded; a settlement in progress is for
	/// [`NextToSettle`] and its top group is sorted and within K; the settled periods' winners
	/// were paid at most their peers' share of the emission.
	#[cfg(any(feature = "try-runtime", test))]
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		for (period, ranking) in Ranking::<T>::iter() {
			ensure!(
				ranking
					.windows(2)
					.all(|w| Self::rank_key(w[0].0, &w[0].1) < Self::rank_key(w[1].0, &w[1].1)),
				"a ranking is not sorted"
			);
			for (ranked, peer) in ranking.iter() {
				let record = Reports::<T>::get(period, peer).ok_or("a ranked report is missing")?;
				ensure!(
					record.carried_in.saturating_add(record.backed_total()) == *ranked,
					"a ranking entry does not match its report"
				);
				ensure!(
					record.backed.len() == record.report.per_dapp.len()
						&& (record.contested.is_empty()
							|| record.contested.len() == record.report.per_dapp.len())
						&& record
							.report
							.per_dapp
							.iter()
							.enumerate()
							.all(|(i, (_, claimed))| record.claimable_of(i) <= *claimed),
					"a report's backing does not match its claims"
				);
			}
			let reports = Reports::<T>::iter_prefix(period).count();
			ensure!(reports == ranking.len(), "reports and ranking differ");
			let entries: usize =
				Reports::<T>::iter_prefix_values(period).map(|r| r.report.per_dapp.len()).sum();
			ensure!(
				entries == DAppEntries::<T>::get(period) as usize
					&& entries <= T::MaxDAppEntries::get() as usize,
				"a period's DApp entries do not match its reports"
			);
		}
		// The reservations are exactly the backing of the reports not settled yet, and within
		// what their DApps paid for.
		let mut reserved = alloc::collections::BTreeMap::<T::AccountId, u128>::new();
		for (_, _, record) in Reports::<T>::iter() {
			if record.outcome.is_some() {
				continue;
			}
			for ((dapp, _), backing) in record.report.per_dapp.iter().zip(record.backed.iter()) {
				if *backing > 0 {
					let entry = reserved.entry(dapp.clone()).or_default();
					*entry = entry.saturating_add(*backing);
				}
			}
		}
		ensure!(
			Reserved::<T>::iter().collect::<alloc::collections::BTreeMap<_, _>>() == reserved,
			"the reservations differ from the pending reports' backing"
		);
		ensure!(
			reserved.iter().all(|(dapp, r)| {
				*r <= T::Billing::unclaimed_paid_bytes(dapp, 0, Self::reservation_period())
			}),
			"a DApp's reservations exceed its paid bytes"
		);
		// The escrow holds every DApp's funds not billed yet, and its existential deposit.
		{
			use fungible::Inspect;
			let funds =
				Escrow::<T>::iter_values().fold(T::Balance::zero(), |sum, f| sum.saturating_add(f));
			ensure!(
				funds.is_zero()
					|| T::Currency::balance(&Self::traffic_escrow())
						>= funds.saturating_add(T::Currency::minimum_balance()),
				"the escrow holds less than the DApps' funds"
			);
		}
		// An announcement never covers reserved funds.
		ensure!(
			Withdrawals::<T>::iter().all(|(dapp, w)| w.amount <= Self::unreserved_funds(&dapp)),
			"a withdrawal covers reserved funds"
		);
		// Blocks are counted for the periods not settled yet, up to the current one; each packer
		// once, with at least one block, and no more blocks than the period has.
		let current = Self::period_of(frame_system::Pallet::<T>::block_number());
		for (period, packed) in PackedBlocks::<T>::iter() {
			ensure!(
				(NextToSettle::<T>::get()..=current).contains(&period),
				"blocks counted for a settled or future period"
			);
			ensure!(!packed.is_empty(), "an empty count of packed blocks is stored");
			let mut packers: Vec<_> = packed.iter().map(|(who, _)| who).collect();
			packers.sort();
			packers.dedup();
			ensure!(packers.len() == packed.len(), "a packer is counted twice in a period");
			let blocks = packed.iter().fold(0u64, |sum, (_, b)| sum.saturating_add(u64::from(*b)));
			ensure!(
				packed.iter().all(|(_, b)| *b > 0)
					&& blocks <= T::BlocksPerPeriod::get().saturated_into::<u64>(),
				"a period's packed blocks are out of bounds"
			);
		}
		if let Some(s) = Settling::<T>::get() {
			ensure!(s.period == NextToSettle::<T>::get(), "settling another period than next");
			ensure!(s.top.len() as u32 <= s.top_group, "top group above K");
			ensure!(s.paid <= s.emission, "paid more than the emission");
		}
		for (_, summary) in Settled::<T>::iter() {
			ensure!(summary.paid <= summary.emission, "a period paid more than its emission");
			ensure!(summary.winners <= T::MaxTopGroup::get(), "too many winners");
		}
		Ok(())
	}
}

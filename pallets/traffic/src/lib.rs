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
//!   (else zero). A report below it is refused, so peers below it keep accumulating receipts and
//!   report later: this, with [`Config::MaxReports`], bounds the reports per period.
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
//! - **Top group**: after the windows, the verified reports are ranked by `T(a)` descending
//!   (ties: account ascending); the first `K` ([`TrafficParameters::top_group`]) share the peers'
//!   part of the period's emission. Rounding dust stays in the mining pool.
//! - **Billing share**: the billing peers' part of the period's emission is split equally among
//!   the billing peers of the era ([`Config::BillingPeers`]).
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
	traits::{Defensive, Get},
	BoundedVec,
};
use frame_system::pallet_prelude::*;
use pallet_peers::{PeerRegistry, Penalties, PenaltyLevel, PenaltyReason};
use pallet_token::{MiningPool, PayoutPurpose, RevenueRecycler};
use sp_core::H256;
use sp_runtime::{
	traits::{AtLeast32BitUnsigned, SaturatedConversion, Saturating, Zero},
	transaction_validity::{
		InvalidTransaction, TransactionPriority, TransactionSource, TransactionValidityWithRefund,
		ValidTransaction,
	},
	Rounding, RuntimeAppPublic,
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
/// The prefix of the off-chain markers of sent reports.
const SENT_REPORT: &[u8] = b"spacebook/traffic/sent-report";
/// The prefix of the off-chain markers of sent audit answers.
const SENT_ANSWER: &[u8] = b"spacebook/traffic/sent-answer";
/// The prefix of the off-chain keys of the receipts a report committed to.
pub const OFFCHAIN_REPORTED_PREFIX: &[u8] = b"spacebook/traffic/reported/";

/// What the pricing pallet tells of DApps' paid traffic.
///
/// A DApp's **paid bytes** grow as it pays for traffic and shrink as reports count them; the
/// count is cumulative over periods, because a report may carry receipts of several periods.
pub trait TrafficBilling<AccountId, Balance> {
	/// Bytes `dapp` has paid for that no report has counted yet.
	fn unclaimed_paid_bytes(dapp: &AccountId) -> u128;
	/// Count `bytes` (at most [`Self::unclaimed_paid_bytes`]) of `dapp`'s paid traffic as
	/// claimed. Returns the fees the DApp paid for them.
	fn claim_paid_bytes(dapp: &AccountId, bytes: u128) -> Balance;
}

/// The billing peers of the era, who share the billing part of each period's emission.
pub trait BillingPeers<AccountId> {
	/// Their accounts (at most [`Config::MaxBillingPeers`] are paid).
	fn billing_peers() -> Vec<AccountId>;
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
pub type AnswersOf<T> = BoundedVec<
	SampleAnswer<<T as frame_system::Config>::AccountId>,
	<T as Config>::SecondAuditSamples,
>;
/// The ranking of a period's reports: `(T(a), peer)` in increasing order.
pub type RankingOf<T> =
	BoundedVec<(u128, <T as frame_system::Config>::AccountId), <T as Config>::MaxReports>;

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
		type Balance: Parameter
			+ Member
			+ AtLeast32BitUnsigned
			+ Copy
			+ Default
			+ MaxEncodedLen
			+ MaybeSerializeDeserialize;

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

		/// DApps' paid traffic: the pricing pallet, or this pallet's flat-price prepaid traffic
		/// ([`Pallet::buy_traffic`]) until it exists.
		type Billing: TrafficBilling<Self::AccountId, Self::Balance>;

		/// Where the fees of prepaid traffic go (the token pallet: 0.5 % to the foundation, the
		/// rest into the mining pool).
		type Revenue: RevenueRecycler<Self::AccountId, Self::Balance>;

		/// The flat price of a GiB of prepaid traffic at genesis.
		#[pallet::constant]
		type DefaultPricePerGib: Get<Self::Balance>;

		/// The billing peers of the era.
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

		/// The most periods one report may reach back.
		#[pallet::constant]
		type MaxRollover: Get<u32>;

		/// The most billing peers paid.
		#[pallet::constant]
		type MaxBillingPeers: Get<u32>;

		/// Reports counted per block during settlement.
		#[pallet::constant]
		type SettleBatch: Get<u32>;

		/// Winners paid per block during settlement.
		#[pallet::constant]
		type PayoutBatch: Get<u32>;

		/// Periods whose reports are kept for [`Pallet::explain_reward`].
		#[pallet::constant]
		type HistoryDepth: Get<u32>;

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

	/// Each period's reports as `(T(a) claimed, peer)`, worst first ([`Pallet::rank_key`]):
	/// bounds the set and says which report a better one displaces.
	#[pallet::storage]
	pub type Ranking<T: Config> = StorageMap<_, Twox64Concat, u32, RankingOf<T>, ValueQuery>;

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

	/// The cutoff reports must reach: the last settled period's.
	#[pallet::storage]
	pub type Cutoff<T: Config> = StorageValue<_, u128, ValueQuery>;

	/// Governance's parameters; `None` until set: [`Config::DefaultTopGroup`], no cap.
	#[pallet::storage]
	pub type Parameters<T: Config> = StorageValue<_, TrafficParameters, OptionQuery>;

	/// Per period and DApp, the bytes the passed reports claim and the settlement has not
	/// counted yet, and the DApp's paid bytes when counting began: the claims share the paid
	/// bytes in proportion. Entries go as the claims are counted.
	#[pallet::storage]
	pub type PeriodClaims<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		u32,
		Blake2_128Concat,
		T::AccountId,
		ClaimTally,
		ValueQuery,
	>;

	/// Each DApp's prepaid traffic not counted yet, and the fees paid for it.
	#[pallet::storage]
	pub type Prepaid<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, PrepaidTraffic<T::Balance>, ValueQuery>;

	/// The flat price of a GiB of prepaid traffic, if governance changed it from
	/// [`Config::DefaultPricePerGib`].
	#[pallet::storage]
	pub type PricePerGib<T: Config> = StorageValue<_, T::Balance, OptionQuery>;

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
			/// `T(a)` claimed: carried plus new.
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
		/// A report claimed more bytes for a DApp than it paid for; the excess was not counted.
		UnpaidTrafficClaimed {
			/// The peer.
			peer: T::AccountId,
			/// The period.
			period: u32,
			/// The DApp.
			dapp: T::AccountId,
			/// Bytes claimed.
			claimed: u128,
			/// Bytes counted.
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
		/// A billing peer was paid its share of a period's billing emission.
		BillingRewardPaid {
			/// The billing peer.
			peer: T::AccountId,
			/// The period.
			period: u32,
			/// The amount.
			amount: T::Balance,
		},
		/// A period was settled.
		PeriodSettled {
			/// The period.
			period: u32,
			/// Its summary.
			summary: PeriodSummary<T::Balance>,
		},
		/// A DApp prepaid traffic at the flat price.
		TrafficBought {
			/// The DApp.
			dapp: T::AccountId,
			/// Bytes bought.
			bytes: u128,
			/// The fee paid into the pools.
			fee: T::Balance,
		},
		/// Governance changed the flat price of prepaid traffic.
		PriceSet {
			/// The new price of a GiB.
			price_per_gib: T::Balance,
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
		/// Carried plus new bytes are below the published cutoff.
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
		/// The top group is zero or above [`Config::MaxTopGroup`], or the cap multiple is zero.
		BadParameters,
		/// Zero GiB bought, or a zero price.
		ZeroAmount,
		/// The fee does not fit the balance type.
		Overflow,
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
			let settle_blocks = T::MaxReports::get().div_ceil(T::SettleBatch::get().max(1))
				+ T::MaxTopGroup::get().div_ceil(T::PayoutBatch::get().max(1))
				+ 2;
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
			assert!(T::HistoryDepth::get() > 0, "HistoryDepth must be positive");
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
		///   a non-empty tree; per-DApp totals sorted and adding up to the root's sum; carried
		///   plus new bytes at least the [`Cutoff`]; larger than the smallest report if the
		///   period's set is full (which is then dropped).
		/// - `signature`: by the peer's registered peer key.
		///
		/// Emits [`Event::ReportAccepted`], and [`Event::ReportDropped`] for a displaced report.
		///
		/// Complexity: `O(D + R)` for `D` DApps in the report and `R` reports in the period's
		/// ranking (a binary search and one shift of the ranking). The authorization is charged
		/// for [`Config::MaxDApps`] and refunds the DApps the report does not name.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::submit_report(report.per_dapp.len() as u32))]
		#[pallet::authorize(Pallet::<T>::authorize_report)]
		#[pallet::weight_of_authorize(T::WeightInfo::authorize_report(T::MaxDApps::get()))]
		pub fn submit_report(
			origin: OriginFor<T>,
			report: TrafficReportOf<T>,
			signature: ReportSignature<T>,
		) -> DispatchResult {
			frame_system::ensure_authorized(origin)?;
			let (carried_in, carried_fees) = Self::check_report(&report, &signature)?;
			Self::accept_report(report, carried_in, carried_fees)
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
		/// Emits [`Event::AuditPassed`]. The report's claims join its DApps' tallies for the
		/// period ([`PeriodClaims`]).
		///
		/// Complexity: `O(S · log L + D)` for `S` samples, `L` leaves and `D` DApps: a signature
		/// check and a proof per sample, a tally per DApp. Charged for the second round and
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
			let actual = Self::answer_weight(round, &record.report);
			record.status = AuditStatus::Passed { round };
			for (dapp, claimed) in record.report.per_dapp.iter() {
				PeriodClaims::<T>::mutate(period, dapp, |tally| {
					tally.claims_left = tally.claims_left.saturating_add(*claimed)
				});
			}
			Reports::<T>::insert(period, &peer, record);
			Self::deposit_event(Event::AuditPassed { peer, period, round });
			Ok(Some(actual).into())
		}

		/// Set the top group size and the wash-trading cap.
		///
		/// - Origin: [`Config::GovernanceOrigin`].
		/// - `parameters`: a top group in `1..=MaxTopGroup`; a cap multiple above zero, or none.
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
					&& parameters.reward_cap_multiple != Some(0),
				Error::<T>::BadParameters
			);
			Parameters::<T>::put(parameters);
			Self::deposit_event(Event::ParametersSet { parameters });
			Ok(())
		}

		/// Prepay traffic at the flat price, until the pricing pallet bills DApps: the fee goes
		/// to the pools as DApp revenue, and the bytes become paid traffic that reports naming
		/// the caller as their DApp may count.
		///
		/// - Origin: signed, by the DApp (any account may pay; its bytes count only for
		///   receipts of client keys it authorized as a DApp).
		/// - `gib`: GiB (2³⁰ bytes) to buy, above zero. The fee, `gib` × [`PricePerGib`], is
		///   taken from the free balance, which keeps its existential deposit.
		///
		/// Emits [`Event::TrafficBought`].
		///
		/// Complexity: `O(1)`.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::buy_traffic())]
		pub fn buy_traffic(origin: OriginFor<T>, gib: u32) -> DispatchResult {
			let dapp = ensure_signed(origin)?;
			ensure!(gib > 0, Error::<T>::ZeroAmount);
			let price = Self::price_per_gib();
			let fee = price.checked_mul(&gib.into()).ok_or(Error::<T>::Overflow)?;
			ensure!(!fee.is_zero(), Error::<T>::ZeroAmount);
			T::Revenue::recycle_revenue(&dapp, fee)?;
			let bytes = u128::from(gib) << 30;
			Prepaid::<T>::mutate(&dapp, |p| {
				p.bytes = p.bytes.saturating_add(bytes);
				p.fees = p.fees.saturating_add(fee);
			});
			Self::deposit_event(Event::TrafficBought { dapp, bytes, fee });
			Ok(())
		}

		/// Set the flat price of a GiB of prepaid traffic.
		///
		/// - Origin: [`Config::GovernanceOrigin`].
		/// - `price_per_gib`: above zero; applies to later purchases.
		///
		/// Emits [`Event::PriceSet`].
		///
		/// Complexity: `O(1)`.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::set_parameters())]
		pub fn set_price(origin: OriginFor<T>, price_per_gib: T::Balance) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			ensure!(!price_per_gib.is_zero(), Error::<T>::ZeroAmount);
			PricePerGib::<T>::put(price_per_gib);
			Self::deposit_event(Event::PriceSet { price_per_gib });
			Ok(())
		}
	}
}

/// Prepaid traffic as the paid traffic the settlement counts: a claim takes the DApp's fees
/// in proportion to the bytes it takes.
impl<T: Config> TrafficBilling<T::AccountId, T::Balance> for Pallet<T> {
	fn unclaimed_paid_bytes(dapp: &T::AccountId) -> u128 {
		Prepaid::<T>::get(dapp).bytes
	}

	fn claim_paid_bytes(dapp: &T::AccountId, bytes: u128) -> T::Balance {
		Prepaid::<T>::mutate_exists(dapp, |entry| {
			let Some(p) = entry else { return Zero::zero() };
			let taken = bytes.min(p.bytes);
			let fee: T::Balance = sp_runtime::helpers_128bit::multiply_by_rational_with_rounding(
				p.fees.saturated_into::<u128>(),
				taken,
				p.bytes.max(1),
				Rounding::Down,
			)
			.unwrap_or(0)
			.saturated_into();
			p.bytes = p.bytes.saturating_sub(taken);
			p.fees = p.fees.saturating_sub(fee);
			if p.bytes == 0 {
				*entry = None;
			}
			fee
		})
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

	/// The DApp a receipt's client key signed for in the receipt's period: the DApp that
	/// authorizes it, or that authorized it when the period began (a key removed since is
	/// retired, and still vouches for earlier receipts; see `pallet_peers`).
	fn dapp_of_receipt_key(receipt: &Receipt<T::AccountId>) -> Option<T::AccountId> {
		T::Registry::dapp_of_client_key(&receipt.client_key, Self::period_start(receipt.period))
	}

	/// The block's offset within its period.
	pub fn offset_of(n: BlockNumberFor<T>) -> u32 {
		(n % T::BlocksPerPeriod::get().max(1u32.into())).saturated_into()
	}

	/// The flat price of a GiB of prepaid traffic.
	pub fn price_per_gib() -> T::Balance {
		PricePerGib::<T>::get().unwrap_or_else(T::DefaultPricePerGib::get)
	}

	/// The current parameters.
	pub fn parameters() -> TrafficParameters {
		Parameters::<T>::get().unwrap_or(TrafficParameters {
			top_group: T::DefaultTopGroup::get(),
			reward_cap_multiple: None,
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

	/// The audit round open now for reports of `period`: 1 or 2, or `None`.
	pub fn open_round(period: u32) -> Option<u8> {
		let now = frame_system::Pallet::<T>::block_number();
		if Self::period_of(now) != period.saturating_add(1) {
			return None;
		}
		let offset = Self::offset_of(now);
		let (start, audit) = (Self::audit_start(), T::AuditWindow::get());
		if offset < start {
			None
		} else if offset < start + audit {
			Some(1)
		} else if offset < start + 2 * audit {
			Some(2)
		} else {
			None
		}
	}

	/// The offset in a period at which the first audit round of the previous period opens (and
	/// its seed is drawn): [`Config::SeedDelay`] blocks after the report window, so that the
	/// seed mixes the VRF outputs of that many packers after the last report.
	pub fn audit_start() -> u32 {
		T::ReportWindow::get().saturating_add(T::SeedDelay::get())
	}

	/// The bytes audited in `round` of `peer`'s report of `period`, in order; empty until the
	/// round's seed is drawn.
	///
	/// Round 1 draws [`Config::AuditSamples`] bytes from the first seed. Round 2 asks for the
	/// same bytes again, followed by new ones from the second seed up to
	/// [`Config::SecondAuditSamples`]: a peer that could not answer a first-round byte cannot
	/// pass by staying silent until the second round.
	pub fn audit_positions(period: u32, peer: &T::AccountId, round: u8) -> Vec<u128> {
		let seeds = AuditSeeds::<T>::get(period);
		let (Some(first), Some(record)) = (seeds.first(), Reports::<T>::get(period, peer)) else {
			return Vec::new();
		};
		let total = record.report.root.sum;
		let first_samples = T::AuditSamples::get();
		let mut positions = Self::positions(first, 1, peer, total, first_samples);
		match (round, seeds.get(1)) {
			(1, _) => positions,
			(2, Some(second)) => {
				let more = T::SecondAuditSamples::get().saturating_sub(first_samples);
				positions.extend(Self::positions(second, 2, peer, total, more));
				positions
			}
			_ => Vec::new(),
		}
	}

	fn positions(
		seed: &H256,
		round: u8,
		peer: &T::AccountId,
		total: u128,
		samples: u32,
	) -> Vec<u128> {
		if total == 0 {
			return Vec::new();
		}
		(0..samples)
			.map(|i| {
				let hash =
					sp_io::hashing::blake2_256(&(AUDIT_CONTEXT, seed, round, peer, i).encode());
				let mut low = [0u8; 16];
				low.copy_from_slice(&hash[..16]);
				u128::from_le_bytes(low) % total
			})
			.collect()
	}

	/// Check a report against the chain; returns the peer's carried bytes and their fees.
	pub fn check_report(
		report: &TrafficReportOf<T>,
		signature: &ReportSignature<T>,
	) -> Result<(u128, T::Balance), Error<T>> {
		let now = frame_system::Pallet::<T>::block_number();
		let current = Self::period_of(now);
		ensure!(
			current >= 1
				&& report.period == current - 1
				&& Self::offset_of(now) < T::ReportWindow::get(),
			Error::<T>::ReportWindowClosed
		);
		ensure!(T::Registry::can_earn(&report.peer), Error::<T>::CannotEarn);
		let key = T::Registry::peer_key(&report.peer).ok_or(Error::<T>::CannotEarn)?;
		ensure!(
			!Reports::<T>::contains_key(report.period, &report.peer),
			Error::<T>::DuplicateReport
		);
		let traffic = TrafficOf::<T>::get(&report.peer).unwrap_or_default();
		let earliest = traffic.next_period.max(report.period.saturating_sub(T::MaxRollover::get()));
		ensure!(
			(earliest..=report.period).contains(&report.from_period),
			Error::<T>::BadFromPeriod
		);
		let total = report.root.sum;
		ensure!(
			total > 0 && report.leaf_count > 0 && u128::from(report.leaf_count) <= total,
			Error::<T>::EmptyReport
		);
		let mut sum = 0u128;
		let mut previous: Option<Vec<u8>> = None;
		for (dapp, bytes) in report.per_dapp.iter() {
			let key = dapp.encode();
			ensure!(
				*bytes > 0 && previous.as_ref().is_none_or(|p| *p < key),
				Error::<T>::DAppsNotSorted
			);
			previous = Some(key);
			sum = sum.checked_add(*bytes).ok_or(Error::<T>::TotalsMismatch)?;
		}
		ensure!(sum == total, Error::<T>::TotalsMismatch);
		let ranked = traffic.carried.saturating_add(total);
		ensure!(ranked >= Cutoff::<T>::get(), Error::<T>::BelowCutoff);
		let ranking = Ranking::<T>::get(report.period);
		if ranking.is_full() {
			let smallest = ranking.first().ok_or(Error::<T>::ReportSetFull)?;
			ensure!(
				Self::rank_key(ranked, &report.peer) > Self::rank_key(smallest.0, &smallest.1),
				Error::<T>::ReportSetFull
			);
		}
		ensure!(
			key.verify(&Self::report_payload(report), signature),
			Error::<T>::BadReportSignature
		);
		Ok((traffic.carried, traffic.carried_fees))
	}

	fn accept_report(
		report: TrafficReportOf<T>,
		carried_in: u128,
		carried_fees: T::Balance,
	) -> DispatchResult {
		let period = report.period;
		let peer = report.peer.clone();
		let ranked = carried_in.saturating_add(report.root.sum);
		let mut ranking = Ranking::<T>::get(period);
		let displaced = ranking.is_full();
		if displaced {
			let (_, dropped) = ranking.remove(0);
			Reports::<T>::remove(period, &dropped);
			Self::deposit_event(Event::ReportDropped { peer: dropped, period });
		}
		let key = Self::rank_key(ranked, &peer);
		let at = ranking.partition_point(|(t, who)| Self::rank_key(*t, who) < key);
		ranking.try_insert(at, (ranked, peer.clone())).map_err(|_| Error::<T>::ReportSetFull)?;
		Ranking::<T>::insert(period, ranking);
		let bytes = report.root.sum;
		Reports::<T>::insert(
			period,
			&peer,
			ReportRecord {
				report,
				carried_in,
				carried_fees,
				status: AuditStatus::Pending,
				outcome: None,
				displaced,
			},
		);
		Self::deposit_event(Event::ReportAccepted { peer, period, bytes, ranked });
		Ok(())
	}

	/// The order of reports, worst first: by `T(a)` ascending, then by the account's encoding
	/// descending, so that of two equal reports the smaller account ranks higher (the same
	/// order as the top group's).
	pub fn rank_key(traffic: u128, who: &T::AccountId) -> (u128, core::cmp::Reverse<Vec<u8>>) {
		(traffic, core::cmp::Reverse(who.encode()))
	}

	/// The transaction validity of [`Pallet::submit_report`]: valid while the report checks;
	/// one per peer and period, until the report window closes.
	pub fn authorize_report(
		_source: TransactionSource,
		report: &TrafficReportOf<T>,
		signature: &ReportSignature<T>,
	) -> TransactionValidityWithRefund {
		Self::check_report(report, signature).map_err(|e| match e {
			Error::<T>::BadReportSignature => InvalidTransaction::BadProof,
			Error::<T>::ReportWindowClosed | Error::<T>::DuplicateReport => {
				InvalidTransaction::Stale
			}
			Error::<T>::CannotEarn => InvalidTransaction::BadSigner,
			_ => InvalidTransaction::Custom(Self::error_index(&e)),
		})?;
		let validity = ValidTransaction::with_tag_prefix("TrafficReport")
			.priority(TransactionPriority::MAX / 512)
			.and_provides((&report.peer, report.period))
			.longevity(T::ReportWindow::get().into())
			.propagate(true)
			.build()?;
		let unused = T::WeightInfo::authorize_report(T::MaxDApps::get())
			.saturating_sub(T::WeightInfo::authorize_report(report.per_dapp.len() as u32));
		Ok((validity, unused))
	}

	/// Check answers to the open round of a report; returns the report and the round.
	pub fn check_answers(
		period: u32,
		peer: &T::AccountId,
		answers: &[SampleAnswer<T::AccountId>],
	) -> Result<(ReportRecordOf<T>, u8), Error<T>> {
		let record = Reports::<T>::get(period, peer).ok_or(Error::<T>::NoReport)?;
		ensure!(record.status == AuditStatus::Pending, Error::<T>::AuditNotPending);
		let round = Self::open_round(period).ok_or(Error::<T>::AuditNotOpen)?;
		let positions = Self::audit_positions(period, peer, round);
		ensure!(!positions.is_empty(), Error::<T>::AuditNotOpen);
		ensure!(answers.len() == positions.len(), Error::<T>::WrongAnswerCount);
		let genesis = Self::genesis_hash();
		for (answer, position) in answers.iter().zip(positions) {
			Self::check_sample(&record.report, &genesis, answer, position)?;
		}
		Ok((record, round))
	}

	/// Check one answer: the leaf covering `position` of `report`'s bytes.
	pub fn check_sample(
		report: &TrafficReportOf<T>,
		genesis: &H256,
		answer: &SampleAnswer<T::AccountId>,
		position: u128,
	) -> Result<(), Error<T>> {
		let leaf = SumNode::leaf(&answer.receipt);
		let offset =
			verify_proof(&report.root, report.leaf_count, answer.leaf_index, &leaf, &answer.proof)
				.map_err(|e| match e {
					ProofError::OutOfOrder => Error::<T>::LeavesOutOfOrder,
					ProofError::WrongShape | ProofError::RootMismatch => Error::<T>::BadProof,
				})?;
		ensure!(
			offset <= position && position < offset.saturating_add(leaf.sum),
			Error::<T>::WrongLeaf
		);
		Self::check_receipt(report, genesis, &answer.receipt)?;
		ensure!(
			Self::dapp_at(report, position) == Some(&answer.receipt.receipt.dapp),
			Error::<T>::WrongDApp
		);
		Ok(())
	}

	fn check_receipt(
		report: &TrafficReportOf<T>,
		genesis: &H256,
		signed: &SignedReceipt<T::AccountId>,
	) -> Result<(), Error<T>> {
		let receipt = &signed.receipt;
		ensure!(signed.verify(genesis), Error::<T>::BadReceiptSignature);
		ensure!(
			Self::dapp_of_receipt_key(receipt).as_ref() == Some(&receipt.dapp),
			Error::<T>::ClientKeyNotAuthorized
		);
		ensure!(receipt.server == report.peer, Error::<T>::WrongServer);
		ensure!(
			(report.from_period..=report.period).contains(&receipt.period),
			Error::<T>::ReceiptOutOfPeriod
		);
		Ok(())
	}

	/// The DApp whose range of the per-DApp totals holds byte `position`.
	fn dapp_at(report: &TrafficReportOf<T>, position: u128) -> Option<&T::AccountId> {
		let mut end = 0u128;
		for (dapp, bytes) in report.per_dapp.iter() {
			end = end.saturating_add(*bytes);
			if position < end {
				return Some(dapp);
			}
		}
		None
	}

	/// The transaction validity of [`Pallet::answer_audit`]: valid while every answer checks;
	/// one per report and round.
	pub fn authorize_answer(
		_source: TransactionSource,
		period: &u32,
		peer: &T::AccountId,
		answers: &AnswersOf<T>,
	) -> TransactionValidityWithRefund {
		let (record, round) = Self::check_answers(*period, peer, answers).map_err(|e| match e {
			Error::<T>::AuditNotPending | Error::<T>::AuditNotOpen | Error::<T>::NoReport => {
				InvalidTransaction::Stale
			}
			_ => InvalidTransaction::BadProof,
		})?;
		let validity = ValidTransaction::with_tag_prefix("TrafficAudit")
			.priority(TransactionPriority::MAX / 512)
			.and_provides((peer, period, round))
			.longevity(T::AuditWindow::get().into())
			.propagate(true)
			.build()?;
		let unused = Self::max_answer_authorization_weight()
			.saturating_sub(Self::answer_authorization_weight(round, &record.report));
		Ok((validity, unused))
	}

	/// The weight of authorizing an answer to round `round` of `report`: the call's checks
	/// without its writes (the authorization runs the same [`Self::check_answers`] but tallies
	/// nothing). Derived from the call's benchmark, which measures the checks and the tally
	/// together, so it stays an upper bound.
	fn answer_authorization_weight(round: u8, report: &TrafficReportOf<T>) -> Weight {
		Self::answer_weight(round, report)
			.saturating_sub(Self::answer_writes(report.per_dapp.len() as u32))
	}

	/// The most an answer's authorization weighs: the second round, [`Config::MaxDApps`].
	pub fn max_answer_authorization_weight() -> Weight {
		Self::max_answer_weight().saturating_sub(Self::answer_writes(T::MaxDApps::get()))
	}

	/// The writes of an answer naming `d` DApps: its report's status and a tally per DApp.
	fn answer_writes(d: u32) -> Weight {
		T::DbWeight::get().writes(1u64.saturating_add(d.into()))
	}

	/// The weight of answering audit round `round` of `report` (checking its samples, tallying
	/// its DApps).
	fn answer_weight(round: u8, report: &TrafficReportOf<T>) -> Weight {
		T::WeightInfo::answer_audit(u32::from(round), report.per_dapp.len() as u32)
	}

	/// The most an audit answer weighs: the second round's samples, [`Config::MaxDApps`].
	pub fn max_answer_weight() -> Weight {
		T::WeightInfo::answer_audit(2, T::MaxDApps::get())
	}

	fn error_index(e: &Error<T>) -> u8 {
		e.encode().first().copied().unwrap_or(0)
	}

	/// The per-block work: draw audit seeds at the windows' ends, settle, prune.
	fn advance(n: BlockNumberFor<T>) -> Weight {
		let current = Self::period_of(n);
		let offset = Self::offset_of(n);
		let (start, audit) = (Self::audit_start(), T::AuditWindow::get());
		let mut weight = T::DbWeight::get().reads(1);
		if current >= 1 && (offset == start || offset == start + audit) {
			weight.saturating_accrue(Self::draw_seed(
				current - 1,
				if offset == start { 1 } else { 2 },
			));
		}
		if let Some(settlement) = Settling::<T>::get() {
			weight.saturating_accrue(Self::settle_step(settlement));
		} else {
			let next = NextToSettle::<T>::get();
			let ready = next < current && (next + 1 < current || offset >= start + 2 * audit);
			if ready {
				weight.saturating_accrue(Self::start_settlement(next));
			}
		}
		weight
	}

	fn draw_seed(period: u32, round: u8) -> Weight {
		let reports = Ranking::<T>::get(period).len() as u32;
		let seed = sp_io::hashing::blake2_256(
			&(AUDIT_CONTEXT, T::AuditRandomness::get(), period, round).encode(),
		)
		.into();
		let stored = AuditSeeds::<T>::mutate(period, |seeds| {
			(seeds.len() == usize::from(round - 1)) && seeds.try_push(seed).is_ok()
		});
		if stored && reports > 0 {
			Self::deposit_event(Event::AuditRequested { period, round, seed, reports });
		}
		T::WeightInfo::draw_seed()
	}

	fn start_settlement(period: u32) -> Weight {
		let parameters = Self::parameters();
		let emission = T::MiningPool::period_emission(period).peers;
		Settling::<T>::put(Settlement {
			period,
			stage: SettlementStage::Counting(0),
			top: BoundedVec::new(),
			top_group: parameters.top_group.min(T::MaxTopGroup::get()),
			reward_cap_multiple: parameters.reward_cap_multiple,
			total_traffic: 0,
			emission,
			paid: Zero::zero(),
		});
		T::WeightInfo::start_settlement()
	}

	fn settle_step(mut s: SettlementOf<T>) -> Weight {
		match s.stage {
			SettlementStage::Counting(from) => {
				let ranking = Ranking::<T>::get(s.period);
				let end = from.saturating_add(T::SettleBatch::get()).min(ranking.len() as u32);
				// Highest first, so that a full top group is filled in rank order.
				for i in from..end {
					let (_, peer) = &ranking[ranking.len() - 1 - i as usize];
					Self::count_report(&mut s, peer);
				}
				let counted = end - from;
				if end as usize >= ranking.len() {
					s.total_traffic =
						s.top.iter().fold(0u128, |sum, (t, _)| sum.saturating_add(*t));
					s.stage = SettlementStage::Paying(0);
				} else {
					s.stage = SettlementStage::Counting(end);
				}
				Settling::<T>::put(s);
				T::WeightInfo::settle_count(counted)
			}
			SettlementStage::Paying(from) => {
				let end = from.saturating_add(T::PayoutBatch::get()).min(s.top.len() as u32);
				for rank in from..end {
					Self::pay_winner(&mut s, rank);
				}
				let paid = end - from;
				if end as usize >= s.top.len() {
					let billing = Self::pay_billing_peers(s.period);
					Self::finish_settlement(s, billing);
					// Paying a billing peer costs what paying a winner does.
					T::WeightInfo::settle_pay(paid.saturating_add(T::MaxBillingPeers::get()))
						.saturating_add(T::WeightInfo::finish_settlement())
				} else {
					s.stage = SettlementStage::Paying(end);
					Settling::<T>::put(s);
					T::WeightInfo::settle_pay(paid)
				}
			}
		}
	}

	/// Count one report: its audit, its paid bytes, its place in the top group.
	fn count_report(s: &mut SettlementOf<T>, peer: &T::AccountId) {
		let period = s.period;
		let Some(mut record) = Reports::<T>::get(period, peer).defensive() else { return };
		let mut traffic = TrafficOf::<T>::get(peer).unwrap_or_default();
		let mut outcome = ReportOutcome::<T::Balance>::default();
		let passed = matches!(record.status, AuditStatus::Passed { .. });
		match record.status {
			AuditStatus::Passed { .. } => {
				let mut fees = T::Balance::zero();
				let mut over_claimed = false;
				for (dapp, claimed) in record.report.per_dapp.iter() {
					let (counted, alone_above_paid) = Self::count_claim(period, dapp, *claimed);
					if counted > 0 {
						fees = fees.saturating_add(T::Billing::claim_paid_bytes(dapp, counted));
					}
					if counted < *claimed {
						outcome.unpaid_claimed = true;
						Self::deposit_event(Event::UnpaidTrafficClaimed {
							peer: peer.clone(),
							period,
							dapp: dapp.clone(),
							claimed: *claimed,
							counted,
						});
					}
					over_claimed |= alone_above_paid;
					outcome.counted = outcome.counted.saturating_add(counted);
				}
				// Only a claim above all the DApp paid for is the peer's fault; a share cut
				// because several peers together served more than the DApp paid is not.
				if over_claimed {
					Self::penalize(peer, PenaltyReason::UnpaidTrafficClaimed);
				}
				outcome.fees = record.carried_fees.saturating_add(fees);
			}
			_ => {
				record.status = AuditStatus::Failed;
				outcome.fees = record.carried_fees;
				Self::deposit_event(Event::AuditFailed { peer: peer.clone(), period });
				Self::deposit_event(Event::PatrolRequested { peer: peer.clone(), period });
				// A failed report that pushed another out of a full set is punished harder:
				// huge false claims must not be a cheap way to crowd out honest reports.
				let level =
					if record.displaced { PenaltyLevel::Suspend } else { PenaltyLevel::Warn };
				Self::penalize_at(peer, PenaltyReason::AuditFailed, level);
			}
		}
		outcome.ranked = record.carried_in.saturating_add(outcome.counted);
		outcome.carried_out = outcome.ranked;
		traffic.carried = outcome.ranked;
		traffic.carried_fees = outcome.fees;
		traffic.next_period = traffic.next_period.max(period.saturating_add(1));
		TrafficOf::<T>::insert(peer, traffic);
		// A failed report does not rank, not even with its carried bytes (which it keeps); nor
		// does the report of a peer that may no longer earn (suspended or leaving since), whose
		// bytes stay carried.
		if passed && outcome.ranked > 0 && T::Registry::can_earn(peer) {
			Self::enter_top(s, outcome.ranked, peer);
		}
		record.outcome = Some(outcome);
		Reports::<T>::insert(period, peer, record);
	}

	/// Count `claimed` bytes of `dapp` in `period`'s settlement. The passed reports' claims on
	/// a DApp share its paid bytes in proportion: each takes `claimed · paid left / claims
	/// left` (all of it while the DApp paid enough), so the order of counting does not matter.
	/// Returns the bytes counted and whether `claimed` alone is above what the DApp had paid
	/// when the settlement began.
	fn count_claim(period: u32, dapp: &T::AccountId, claimed: u128) -> (u128, bool) {
		let mut tally = PeriodClaims::<T>::get(period, dapp);
		let paid_left = T::Billing::unclaimed_paid_bytes(dapp);
		let paid_at_start = *tally.paid_at_start.get_or_insert(paid_left);
		// Defensive: a claim not tallied (it cannot happen) counts against itself alone.
		let claims_left = tally.claims_left.max(claimed);
		let counted = if paid_left >= claims_left {
			claimed
		} else {
			sp_runtime::helpers_128bit::multiply_by_rational_with_rounding(
				claimed,
				paid_left,
				claims_left,
				Rounding::Down,
			)
			.unwrap_or(0)
		};
		tally.claims_left = claims_left.saturating_sub(claimed);
		if tally.claims_left == 0 {
			PeriodClaims::<T>::remove(period, dapp);
		} else {
			PeriodClaims::<T>::insert(period, dapp, tally);
		}
		(counted, claimed > paid_at_start)
	}

	/// Put `(traffic, peer)` into the top group if it ranks there.
	fn enter_top(s: &mut SettlementOf<T>, traffic: u128, peer: &T::AccountId) {
		let limit = s.top_group as usize;
		// Order: traffic descending, then account ascending (by encoding).
		let key = |t: &u128, who: &T::AccountId| (core::cmp::Reverse(*t), who.encode());
		let new = key(&traffic, peer);
		let at = s.top.partition_point(|(t, who)| key(t, who) < new);
		if at >= limit {
			return;
		}
		if s.top.len() >= limit {
			s.top.pop();
		}
		if s.top.try_insert(at, (traffic, peer.clone())).is_err() {
			defensive!("the top group is bounded by MaxTopGroup");
		}
	}

	fn pay_winner(s: &mut SettlementOf<T>, rank: u32) {
		let Some((traffic, peer)) = s.top.get(rank as usize).cloned() else { return };
		let Some(mut record) = Reports::<T>::get(s.period, &peer).defensive() else { return };
		let mut outcome = record.outcome.unwrap_or_default();
		let mut reward = Self::reward_of(s.emission, traffic, s.total_traffic);
		if let Some(multiple) = s.reward_cap_multiple {
			reward = reward.min(outcome.fees.saturating_mul(multiple.into()));
		}
		outcome.rank = Some(rank + 1);
		outcome.reward = reward;
		let paid = reward.is_zero()
			|| match T::MiningPool::pay_from_pool(&peer, reward, PayoutPurpose::Traffic) {
				Ok(()) => {
					s.paid = s.paid.saturating_add(reward);
					T::Registry::on_reward(&peer, reward);
					Self::deposit_event(Event::RewardPaid {
						peer: peer.clone(),
						period: s.period,
						rank: rank + 1,
						traffic,
						amount: reward,
					});
					true
				}
				Err(error) => {
					Self::deposit_event(Event::RewardNotPaid {
						peer: peer.clone(),
						period: s.period,
						amount: reward,
						error,
					});
					false
				}
			};
		if paid {
			// The winner's traffic is paid for: its counters clear.
			outcome.carried_out = 0;
			TrafficOf::<T>::mutate(&peer, |t| {
				if let Some(t) = t {
					t.carried = 0;
					t.carried_fees = Zero::zero();
				}
			});
		} else {
			// Not paid: the traffic stays carried (as set when counting) for a later period.
			outcome.reward = Zero::zero();
		}
		record.outcome = Some(outcome);
		Reports::<T>::insert(s.period, &peer, record);
	}

	/// `N(a) = N(total) · T(a) / T(total)`, rounded down.
	pub fn reward_of(emission: T::Balance, traffic: u128, total: u128) -> T::Balance {
		if total == 0 {
			return Zero::zero();
		}
		sp_runtime::helpers_128bit::multiply_by_rational_with_rounding(
			emission.saturated_into::<u128>(),
			traffic,
			total,
			Rounding::Down,
		)
		.unwrap_or(0)
		.saturated_into()
	}

	fn pay_billing_peers(period: u32) -> T::Balance {
		let billing = T::MiningPool::period_emission(period).billing;
		let mut peers = T::BillingPeers::billing_peers();
		peers.truncate(T::MaxBillingPeers::get() as usize);
		if peers.is_empty() || billing.is_zero() {
			return Zero::zero();
		}
		let share = billing / (peers.len() as u32).into();
		let mut paid = T::Balance::zero();
		for peer in peers {
			match T::MiningPool::pay_from_pool(&peer, share, PayoutPurpose::Billing) {
				Ok(()) => {
					paid = paid.saturating_add(share);
					Self::deposit_event(Event::BillingRewardPaid { peer, period, amount: share });
				}
				Err(error) => {
					Self::deposit_event(Event::RewardNotPaid { peer, period, amount: share, error })
				}
			}
		}
		paid
	}

	fn finish_settlement(s: SettlementOf<T>, billing_paid: T::Balance) {
		let period = s.period;
		let full = s.top.len() as u32 >= s.top_group;
		let cutoff = if full { s.top.last().map_or(0, |(t, _)| *t) } else { 0 };
		let summary = PeriodSummary {
			reports: Ranking::<T>::get(period).len() as u32,
			winners: s.top.len() as u32,
			total_traffic: s.total_traffic,
			emission: s.emission,
			paid: s.paid,
			cutoff,
			billing_paid,
		};
		Cutoff::<T>::put(cutoff);
		Settled::<T>::insert(period, summary);
		Settling::<T>::kill();
		NextToSettle::<T>::put(period.saturating_add(1));
		AuditSeeds::<T>::remove(period);
		Self::prune(period);
		Self::deposit_event(Event::PeriodSettled { period, summary });
	}

	/// Forget the reports of periods older than [`Config::HistoryDepth`], a bounded number of
	/// entries per call.
	fn prune(settled: u32) {
		let oldest = OldestKept::<T>::get();
		let keep_from = settled.saturating_add(1).saturating_sub(T::HistoryDepth::get());
		if oldest >= keep_from {
			return;
		}
		let limit = T::MaxReports::get();
		let _ = PeriodClaims::<T>::clear_prefix(oldest, limit, None);
		let result = Reports::<T>::clear_prefix(oldest, limit, None);
		if result.maybe_cursor.is_none() {
			Ranking::<T>::remove(oldest);
			Settled::<T>::remove(oldest);
			OldestKept::<T>::put(oldest.saturating_add(1));
		}
	}

	fn penalize(peer: &T::AccountId, reason: PenaltyReason) {
		Self::penalize_at(peer, reason, PenaltyLevel::Warn)
	}

	fn penalize_at(peer: &T::AccountId, reason: PenaltyReason, level: PenaltyLevel) {
		if let Err(e) = T::Penalties::penalize(peer, reason, level) {
			log::warn!(target: LOG_TARGET, "cannot penalize {peer:?} for {reason:?}: {e:?}");
		}
	}

	/// Why `who` earned what it did for `period`, from chain data; `settled` says whether the
	/// settlement's figures are in yet.
	pub fn explain_reward(
		who: &T::AccountId,
		period: u32,
	) -> Option<RewardExplanation<T::Balance>> {
		let record = Reports::<T>::get(period, who)?;
		let settled = Settled::<T>::get(period);
		let summary = settled.unwrap_or_default();
		let outcome = record.outcome.unwrap_or_default();
		Some(RewardExplanation {
			period,
			settled: settled.is_some(),
			reported: record.report.root.sum,
			carried_in: record.carried_in,
			audit: record.status,
			counted: outcome.counted,
			ranked: outcome.ranked,
			rank: outcome.rank,
			cutoff: summary.cutoff,
			total_traffic: summary.total_traffic,
			emission: summary.emission,
			reward: outcome.reward,
			carried_out: outcome.carried_out,
			unpaid_claimed: outcome.unpaid_claimed,
		})
	}

	// --- The serving node's off-chain worker ---

	/// The off-chain worker's part, for every peer key in the node's keystore that belongs to
	/// a professional or common peer (at most [`MAX_LOCAL_PEERS`]):
	///
	/// - in the report window, from a quarter into it ([`Pallet::report_send_from`]), report
	///   the previous period from the receipts the node keeps
	///   ([`spacebook_receipts::offchain_receipts_key`], written by the node's
	///   `traffic_submitReceipt` RPC), if they reach the cutoff; the receipts reported are kept
	///   until the report is settled, to answer its audits;
	/// - in an audit round of a pending report, answer it;
	/// - forget the receipts of periods already claimed.
	///
	/// Each submission is retried at most every [`RESUBMIT_AFTER`] blocks.
	fn serve_reports_and_audits(n: BlockNumberFor<T>) {
		let current = Self::period_of(n);
		if current == 0 {
			return;
		}
		let period = current - 1;
		let locals = T::PeerKey::all()
			.into_iter()
			.filter_map(|key| T::Registry::peer_of_key(&key).map(|peer| (key, peer)))
			.take(MAX_LOCAL_PEERS);
		for (key, peer) in locals {
			Self::forget_claimed_receipts(&peer);
			let offset = Self::offset_of(n);
			if (Self::report_send_from()..T::ReportWindow::get()).contains(&offset) {
				Self::send_report(&key, &peer, period, n);
			} else if let Some(round) = Self::open_round(period) {
				Self::send_answers(&peer, period, round, n);
			}
		}
	}

	/// The offset in the report window from which a node sends its report: a quarter into the
	/// window, so that receipts the data plane hands over just after the period ends are still
	/// in it, with time left to resend.
	pub fn report_send_from() -> u32 {
		T::ReportWindow::get() / 4
	}

	/// Whether `what` may be sent now: not sent in the last [`RESUBMIT_AFTER`] blocks.
	fn claim_send(what: &[u8], n: BlockNumberFor<T>) -> bool {
		use sp_runtime::offchain::storage::StorageValueRef;
		let now: u32 = n.saturated_into();
		StorageValueRef::persistent(what)
			.mutate(|last: Result<Option<u32>, _>| match last {
				Ok(Some(at)) if now < at.saturating_add(RESUBMIT_AFTER) => Err(()),
				_ => Ok(now),
			})
			.is_ok()
	}

	/// The receipts `peer`'s node keeps for `period`.
	pub fn stored_receipts(peer: &T::AccountId, period: u32) -> Vec<SignedReceipt<T::AccountId>> {
		use sp_runtime::offchain::storage::StorageValueRef;
		let key = spacebook_receipts::offchain_receipts_key(peer, period);
		StorageValueRef::persistent(&key)
			.get::<Vec<SignedReceipt<T::AccountId>>>()
			.ok()
			.flatten()
			.unwrap_or_default()
	}

	fn reported_key(peer: &T::AccountId, period: u32) -> Vec<u8> {
		(OFFCHAIN_REPORTED_PREFIX, peer, period).encode()
	}

	/// The bytes per DApp of receipts sorted by stream key (so each DApp's receipts are
	/// consecutive), in the same order: a report's `per_dapp`.
	pub fn per_dapp_totals(receipts: &[SignedReceipt<T::AccountId>]) -> Vec<(T::AccountId, u128)> {
		let mut per_dapp: Vec<(T::AccountId, u128)> = Vec::new();
		for r in receipts {
			match per_dapp.last_mut() {
				Some((dapp, bytes)) if *dapp == r.receipt.dapp => {
					*bytes = bytes.saturating_add(r.receipt.bytes.into())
				}
				_ => per_dapp.push((r.receipt.dapp.clone(), r.receipt.bytes.into())),
			}
		}
		per_dapp
	}

	/// The report `peer` would send for `period` from the receipts its node keeps, with the
	/// receipts it commits to; `None` if there is nothing to report or it would not reach the
	/// cutoff.
	pub fn build_report(
		peer: &T::AccountId,
		period: u32,
	) -> Option<(TrafficReportOf<T>, SignedReceipts<T>)> {
		let traffic = TrafficOf::<T>::get(peer).unwrap_or_default();
		let from = traffic.next_period.max(period.saturating_sub(T::MaxRollover::get()));
		if from > period {
			return None;
		}
		let mut receipts: Vec<SignedReceipt<T::AccountId>> = Vec::new();
		let genesis = Self::genesis_hash();
		// Only receipts the audit would accept: for this peer and period, signed by a client
		// key that their DApp authorizes.
		let acceptable = |r: &SignedReceipt<T::AccountId>, q: u32| {
			r.receipt.server == *peer
				&& r.receipt.period == q
				&& r.receipt.bytes > 0
				&& Self::dapp_of_receipt_key(&r.receipt).as_ref() == Some(&r.receipt.dapp)
				&& r.verify(&genesis)
		};
		for q in from..=period {
			receipts
				.extend(Self::stored_receipts(peer, q).into_iter().filter(|r| acceptable(r, q)));
			if receipts.len() >= MAX_REPORTED_RECEIPTS {
				break;
			}
		}
		receipts.truncate(MAX_REPORTED_RECEIPTS);
		receipts.sort_by_key(|r| r.receipt.stream_key());
		receipts.dedup_by_key(|r| r.receipt.stream_key());
		// Per DApp, in the leaves' order. Past MaxDApps DApps, those with the most bytes are
		// kept; the others' receipts are not reported (and are lost once the periods are
		// claimed).
		let mut per_dapp = Self::per_dapp_totals(&receipts);
		let limit = T::MaxDApps::get() as usize;
		if per_dapp.len() > limit {
			let mut by_bytes = per_dapp.clone();
			by_bytes.sort_by_key(|d| core::cmp::Reverse(d.1));
			let smallest_kept = by_bytes[limit - 1].clone();
			let keep = |d: &(T::AccountId, u128)| {
				(core::cmp::Reverse(d.1), d.0.encode())
					<= (core::cmp::Reverse(smallest_kept.1), smallest_kept.0.encode())
			};
			per_dapp.retain(|d| keep(d));
			per_dapp.truncate(limit);
		}
		// Each DApp's receipts up to what it paid for and nobody claimed yet: claims above it
		// would not count and would be penalized.
		let mut room: Vec<(T::AccountId, u128)> = per_dapp
			.iter()
			.map(|(d, _)| (d.clone(), T::Billing::unclaimed_paid_bytes(d)))
			.collect();
		let kept: Vec<_> = receipts
			.into_iter()
			.filter(|r| {
				let Some((_, left)) = room.iter_mut().find(|(d, _)| *d == r.receipt.dapp) else {
					return false;
				};
				let bytes = u128::from(r.receipt.bytes);
				(bytes <= *left).then(|| *left -= bytes).is_some()
			})
			.collect();
		let per_dapp = Self::per_dapp_totals(&kept);
		let tree = SumTree::new(&kept).ok()?;
		let root = tree.root();
		if root.sum == 0 || traffic.carried.saturating_add(root.sum) < Cutoff::<T>::get() {
			return None;
		}
		let report = TrafficReport {
			peer: peer.clone(),
			period,
			from_period: from,
			root,
			leaf_count: tree.leaf_count(),
			per_dapp: per_dapp.try_into().ok()?,
		};
		Some((report, kept))
	}

	/// Send the report of `period`: built and signed once, kept with the receipts it commits
	/// to, and sent again unchanged if the chain has not recorded it a few blocks later, so
	/// that the receipts kept always answer the report that lands.
	fn send_report(key: &T::PeerKey, peer: &T::AccountId, period: u32, n: BlockNumberFor<T>) {
		use sp_runtime::offchain::storage::StorageValueRef;
		if Reports::<T>::contains_key(period, peer) || !T::Registry::can_earn(peer) {
			return;
		}
		if !Self::claim_send(&(SENT_REPORT, peer, period).encode(), n) {
			return;
		}
		let kept_key = Self::reported_key(peer, period);
		let kept = StorageValueRef::persistent(&kept_key);
		let (report, signature) = match kept.get::<ReportedOf<T>>().ok().flatten() {
			Some((report, signature, _)) => (report, signature),
			None => {
				let Some((report, receipts)) = Self::build_report(peer, period) else { return };
				let Some(signature) = key.sign(&Self::report_payload(&report)) else {
					log::warn!(target: LOG_TARGET, "cannot sign the report of {peer:?}");
					return;
				};
				kept.set(&(report.clone(), signature.clone(), receipts));
				(report, signature)
			}
		};
		let bytes = report.root.sum;
		let call = Call::<T>::submit_report { report, signature };
		Self::submit(call.into(), "report", peer, period);
		log::debug!(target: LOG_TARGET, "{peer:?} reports {bytes} bytes for period {period}");
	}

	fn send_answers(peer: &T::AccountId, period: u32, round: u8, n: BlockNumberFor<T>) {
		use sp_runtime::offchain::storage::StorageValueRef;
		let Some(record) = Reports::<T>::get(period, peer) else { return };
		if record.status != AuditStatus::Pending {
			return;
		}
		let Some((_, _, receipts)) = StorageValueRef::persistent(&Self::reported_key(peer, period))
			.get::<ReportedOf<T>>()
			.ok()
			.flatten()
		else {
			return;
		};
		let Ok(tree) = SumTree::new(&receipts) else { return };
		if tree.root() != record.report.root {
			log::warn!(target: LOG_TARGET, "{peer:?}: the kept receipts do not match the report");
			return;
		}
		let Some(answers) = Self::answers_from(&tree, &receipts, period, peer, round) else {
			return;
		};
		if !Self::claim_send(&(SENT_ANSWER, peer, period, round).encode(), n) {
			return;
		}
		let call = Call::<T>::answer_audit { period, peer: peer.clone(), answers };
		Self::submit(call.into(), "audit answer", peer, period);
	}

	/// The answers to `round` of a report over `receipts` (whose tree is `tree`).
	pub fn answers_from(
		tree: &SumTree,
		receipts: &[SignedReceipt<T::AccountId>],
		period: u32,
		peer: &T::AccountId,
		round: u8,
	) -> Option<AnswersOf<T>> {
		let positions = Self::audit_positions(period, peer, round);
		if positions.is_empty() {
			return None;
		}
		let mut answers = Vec::with_capacity(positions.len());
		for position in positions {
			let index = tree.leaf_at(position)?;
			answers.push(SampleAnswer {
				leaf_index: index,
				receipt: receipts.get(index as usize)?.clone(),
				proof: tree.proof(index)?.try_into().ok()?,
			});
		}
		answers.try_into().ok()
	}

	fn submit(
		call: <T as frame_system::offchain::CreateTransactionBase<Call<T>>>::RuntimeCall,
		what: &str,
		peer: &T::AccountId,
		period: u32,
	) {
		use frame_system::offchain::SubmitTransaction;
		let xt = T::create_authorized_transaction(call);
		match SubmitTransaction::<T, Call<T>>::submit_transaction(xt) {
			Ok(()) => log::debug!(target: LOG_TARGET, "{what} of {peer:?} for {period} sent"),
			Err(()) => log::warn!(target: LOG_TARGET, "{what} of {peer:?} for {period} not sent"),
		}
	}

	/// Delete the kept receipts (and reported snapshots) of the periods `peer` has claimed,
	/// at most `MaxRollover + 1` periods per call.
	fn forget_claimed_receipts(peer: &T::AccountId) {
		use sp_runtime::offchain::storage::StorageValueRef;
		let Some(traffic) = TrafficOf::<T>::get(peer) else { return };
		let marker_key = spacebook_receipts::offchain_forgotten_key(peer);
		let marker = StorageValueRef::persistent(&marker_key);
		let from = marker.get::<u32>().ok().flatten().unwrap_or(0);
		let until = traffic.next_period;
		if from >= until {
			return;
		}
		let from = from.max(until.saturating_sub(T::MaxRollover::get().saturating_add(1)));
		for q in from..until {
			StorageValueRef::persistent(&spacebook_receipts::offchain_receipts_key(peer, q))
				.clear();
			StorageValueRef::persistent(&Self::reported_key(peer, q)).clear();
			StorageValueRef::persistent(&(SENT_REPORT, peer, q).encode()).clear();
			for round in 1u8..=2 {
				StorageValueRef::persistent(&(SENT_ANSWER, peer, q, round).encode()).clear();
			}
		}
		marker.set(&until);
	}

	/// Invariants: every period's ranking matches its reports one to one with the claimed
	/// `T(a)`; the rankings are sorted and bounded; a settlement in progress is for
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
					record.carried_in.saturating_add(record.report.root.sum) == *ranked,
					"a ranking entry does not match its report"
				);
			}
			let reports = Reports::<T>::iter_prefix(period).count();
			ensure!(reports == ranking.len(), "reports and ranking differ");
		}
		let next = NextToSettle::<T>::get();
		ensure!(
			PeriodClaims::<T>::iter_keys().all(|(period, _)| period >= next),
			"a settled period left claims uncounted"
		);
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

//! # Scheduling
//!
//! Storage tasks placed on professional peers by the scheduling peers (whitepaper ch.2 §4 and
//! §5 ii, iv; issue 18). The design, the rule's weights and the attack analysis are in
//! `docs/scheduling.md`.
//!
//! ## Terms
//!
//! - **Storage order**: a DApp's order to store a file (its hash index and length) in
//!   `replicas` copies for a number of ledgering periods ([`Pallet::order_storage`]). It pays
//!   the whole term up front at the nominal storage price (per GB-month, [`Config::Prices`])
//!   into an **escrow** on hold on its own account ([`HoldReason::StorageEscrow`]), and an order
//!   **deposit** ([`Config::OrderDeposit`], [`HoldReason::OrderDeposit`]) that pays for the
//!   order's state and comes back when it ends.
//! - **Election**: an order opens one as it is placed: its [`Event::StorageOrdered`] is the
//!   broadcast the scheduling peers' off-chain workers follow. For [`Config::ElectionWindow`]
//!   blocks each scheduling peer may answer with the qualified professional peers it proposes
//!   ([`Pallet::respond`], signed by the scheduling peer's node key). When the window closes
//!   the chain, playing the part of the broadcasting scheduling peer made deterministic, scores
//!   every proposed peer by the **scheduling rule** ([`scoring`], [`SchedulingRule`]) with a
//!   random factor drawn then from chain randomness, and picks the order's **slots**.
//! - **Slots**: `replicas` **storing** slots — the **primary** (slot 0) and the **backups** —
//!   and up to [`Config::Reserves`] **reserves**, which store nothing and take the place of a
//!   storing peer that does not confirm in time.
//! - **Execution**: a storing peer fetches the file from the uploader or from the peers that
//!   hold it (the data plane's verified slices) and confirms ([`Pallet::confirm_stored`], signed
//!   by its node's peer key) within [`Config::ConfirmWindow`] blocks. A peer that misses its
//!   deadline loses the slot to the next reserve; an order left with empty slots and no reserve
//!   opens a new election, at most [`Config::MaxAttempts`] in all.
//! - **Token priority**: when several elections close in one block they run in the order of
//!   their DApps' SPB (total balance, greatest first), so that when a professional peer has
//!   room for fewer tasks than it is offered, the tasks of accounts holding more SPB get it
//!   (ch.2 §5 iv).
//! - **Holding fees**: a storing peer that confirmed is paid from the escrow for every whole
//!   period it holds the file, [`Config::FoundationShare`] of it to the foundation (the
//!   whitepaper's 0.5 % processing fee); it claims with [`Pallet::claim`], and is paid anyway
//!   when the order is renewed or ends. What no peer earned (slots empty or fetching) goes back
//!   to the DApp when the order ends.
//! - **Scheduling rewards**: the scheduling share of each period's emission
//!   ([`pallet_token::MiningPool::period_emission`]) is split among the scheduling peers in
//!   proportion to their **credits** of the period: each confirmed placement credits the first
//!   scheduling peer that proposed its peer with the placement's storing fee for the rest of
//!   the term. Paid in the next period's first block; with no credits the share stays in the
//!   pool.
//! - **Popular files**: a DApp's opt-in **popular-file terms** for an order
//!   ([`Pallet::set_popular_terms`]): when the file's **demand** in a period — the bytes its
//!   holders' data planes served of it in sessions the DApp paid for, reported by the holders
//!   ([`Pallet::report_demand`]) within what the DApp's paid traffic backs in their traffic
//!   reports ([`Config::Traffic`]) — reaches the terms' bytes per copy for each copy, the order
//!   gets a copy more, paid from the DApp's funds for the rest of the term, up to the terms'
//!   copies ([`popular`]).
//!
//! ## Calls
//!
//! - DApps: [`Pallet::order_storage`], [`Pallet::renew`], [`Pallet::end_order`],
//!   [`Pallet::set_popular_terms`].
//! - Scheduling peers' nodes (authorized by their key's signature): [`Pallet::respond`].
//! - Professional peers' nodes (authorized by their peer key's signature):
//!   [`Pallet::confirm_stored`], [`Pallet::report_demand`]; their accounts: [`Pallet::claim`].
//! - Anyone: [`Pallet::reap`] an expired order.
//! - Governance ([`Config::RuleOrigin`]): [`Pallet::set_rule`].
//!
//! Every hook's work is bounded: elections and deadlines wait in first-in-first-out queues and
//! [`Config::CloseBatch`] and [`Config::DeadlineBatch`] of them are taken per block; the
//! rewards pay at most [`Config::MaxSchedulers`] accounts per period.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

mod election;
#[cfg(any(feature = "try-runtime", test))]
mod invariants;
pub mod offchain;
mod orders;
mod placements;
pub mod popular;
mod rewards;
pub mod scoring;
mod views;
pub mod weights;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

pub use pallet::*;
pub use popular::MIN_BYTES_PER_COPY;
/// The orders' types live in a crate of their own, which the SDK shares without linking FRAME.
pub use spacebook_scheduling_primitives::{self as types, *};
pub use weights::WeightInfo;

use frame_support::pallet_prelude::*;
use frame_system::pallet_prelude::*;
use sp_runtime::RuntimeAppPublic;

/// The balance type of the pallet's currency.
pub type BalanceOf<T> = <T as Config>::Balance;
/// An election response of this runtime.
pub type ResponseOf<T> = ElectionResponse<
	<T as frame_system::Config>::AccountId,
	BoundedVec<<T as frame_system::Config>::AccountId, <T as Config>::MaxCandidates>,
>;
/// A placement of this runtime.
pub type PlacementOf<T> = Placement<<T as frame_system::Config>::AccountId, BlockNumberFor<T>>;
/// An order's placements.
pub type PlacementsOf<T> = BoundedVec<PlacementOf<T>, <T as Config>::MaxPlacements>;
/// A storage order of this runtime.
pub type OrderOf<T> = StorageOrder<<T as frame_system::Config>::AccountId, BalanceOf<T>>;
/// A storage confirmation of this runtime.
pub type ConfirmationOf<T> =
	StorageConfirmation<<T as frame_system::Config>::AccountId, BlockNumberFor<T>>;
/// A scheduling peer's credits in one period: the storing fees of the placements it proposed
/// that were confirmed.
pub type PeriodCredits<AccountId, Balance, MaxSchedulers> =
	BoundedVec<(AccountId, Balance), MaxSchedulers>;
/// The signature of a response, a confirmation or a demand report.
pub type KeySignature<T> = <<T as Config>::PeerKey as RuntimeAppPublic>::Signature;
/// A demand report of this runtime.
pub type DemandReportOf<T> = DemandReport<
	<T as frame_system::Config>::AccountId,
	BoundedVec<(OrderId, u64), <T as Config>::MaxDemandEntries>,
>;
/// An order's demand of this runtime.
pub type OrderDemandOf<T> =
	OrderDemand<BoundedVec<<T as frame_system::Config>::AccountId, <T as Config>::MaxPlacements>>;

/// What the scheduling pallet needs of the peer registry.
pub trait SchedulingRegistry<AccountId, PeerKey> {
	/// What the rule weighs of `who`, if it is a professional peer that may take work now:
	/// active (not suspended nor leaving) and holding its required deposit.
	fn professional(who: &AccountId) -> Option<ProfessionalFacts>;
	/// Whether `who` is a registered DApp in good standing (active).
	fn is_active_dapp(who: &AccountId) -> bool;
	/// The node key of `who`, if it is an active scheduling peer.
	fn scheduler_key(who: &AccountId) -> Option<PeerKey>;
	/// The node (peer) key of `who`, if it is a professional peer.
	fn peer_key(who: &AccountId) -> Option<PeerKey>;
	/// The active scheduling peer whose node signs with `key`.
	fn scheduler_of_key(key: &PeerKey) -> Option<AccountId>;
	/// The professional peer whose node signs with `key`.
	fn professional_of_key(key: &PeerKey) -> Option<AccountId>;
	/// The data-plane endpoint `who` registered (empty if none), for the runtime API.
	fn endpoint(who: &AccountId) -> alloc::vec::Vec<u8>;
	/// Every professional peer that may take work now, with its facts. For the scheduling
	/// peers' off-chain workers only: it reads the whole registry.
	fn professionals() -> alloc::vec::Vec<(AccountId, ProfessionalFacts)>;
	/// The common peers attached to the professional peer `who` that may earn (live
	/// attachments, active, holding their deposit), at most `max`: account, storage offered
	/// (GiB) and data-plane endpoint.
	fn commons(who: &AccountId, max: u32)
		-> alloc::vec::Vec<(AccountId, u32, alloc::vec::Vec<u8>)>;
	/// The professional peer the common peer `who` is attached to, if it is a common peer
	/// that may earn (active, holding its deposit) with a live attachment.
	fn professional_of_common(who: &AccountId) -> Option<AccountId>;
	/// The storage the common peer `who` offers, in GiB (0 if it is none).
	fn common_storage_gib(who: &AccountId) -> u32;
}

/// The nominal storage price (the pricing pallet).
pub trait NominalStoragePrice<Balance> {
	/// The price of a GB stored for a month, in force in ledgering period `period`.
	fn storage_price_per_gb_month(period: u32) -> Balance;
	/// `amount` of holding fees was paid out of a DApp's escrow: it counts in what DApps spent
	/// in the pricing cycle (the formula's `D`).
	fn note_storage_paid(_amount: Balance) {}
}

/// The Proof-of-Traffic the chain holds (the traffic pallet): what backs a storing peer's
/// demand report.
pub trait PaidTraffic<AccountId> {
	/// The bytes of `dapp`'s traffic that `peer`'s traffic report for ledgering period `period`,
	/// accepted on chain, claims and the DApp's payments back (zero if there is no such report).
	fn paid_bytes(peer: &AccountId, period: u32, dapp: &AccountId) -> u128;
	/// Whether `peer` has a traffic report for `period` on chain.
	fn reported(peer: &AccountId, period: u32) -> bool;
}

/// Prepares the benchmarks' accounts in the registry and the mining pool.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId, PeerKey> {
	/// Make `who` a registered DApp in good standing.
	fn register_dapp(who: &AccountId);
	/// Make `who` a professional peer whose registry facts are as close to `facts` as the
	/// registry allows (qualified when `facts` are). Returns the key its node signs with (in
	/// the keystore, to sign with).
	fn register_professional(who: &AccountId, facts: ProfessionalFacts) -> PeerKey;
	/// Make `who` an active scheduling peer. Returns the key its node signs with.
	fn register_scheduler(who: &AccountId) -> PeerKey;
	/// Give the scheduling peers a share of the emission the pool can pay from period 1.
	fn enable_scheduling_share();
	/// Make the chain hold a traffic report of `peer` for `period` that backs `bytes` of
	/// `dapp`'s paid traffic.
	fn paid_traffic(peer: &AccountId, period: u32, dapp: &AccountId, bytes: u128);
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::traits::{
		fungible::{Inspect, Mutate, MutateHold},
		BuildGenesisConfig,
	};
	use pallet_token::MiningPool;
	use sp_runtime::{traits::Zero, Perbill, Permill};

	/// The pallet's configuration.
	#[pallet::config]
	pub trait Config:
		frame_system::Config + frame_system::offchain::CreateAuthorizedTransaction<Call<Self>>
	{
		/// The SPB balance.
		type Balance: frame_support::traits::tokens::Balance
			+ MaybeSerializeDeserialize
			+ From<u64>
			+ Into<u128>
			+ TryFrom<u128>;

		/// The SPB currency, whose holds carry the escrows and deposits.
		type Currency: Inspect<Self::AccountId, Balance = Self::Balance>
			+ Mutate<Self::AccountId>
			+ MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;

		/// The overarching hold reason, which includes [`HoldReason`].
		type RuntimeHoldReason: From<HoldReason>;

		/// The node key type of professional and scheduling peers (`spbp`).
		type PeerKey: Member + Parameter + RuntimeAppPublic + MaxEncodedLen;

		/// The peer registry.
		type Registry: SchedulingRegistry<Self::AccountId, Self::PeerKey>;

		/// The nominal storage price.
		type Prices: NominalStoragePrice<Self::Balance>;

		/// The mining pool, which pays the scheduling share and tells the periods.
		type MiningPool: MiningPool<Self::AccountId, Self::Balance>;

		/// The randomness the election's random factor is drawn from when it closes.
		type Randomness: Get<sp_core::H256>;

		/// Who receives the processing fee of the holding fees.
		type Foundation: Get<Self::AccountId>;

		/// The processing fee's part of every holding fee (the whitepaper's 0.5 %).
		#[pallet::constant]
		type FoundationShare: Get<Permill>;

		/// The scheduling-reward cap at genesis: a scheduling peer is paid at most this part of
		/// the holding fees it is credited with in a period (`None`: no cap).
		#[pallet::constant]
		type DefaultRewardCap: Get<Option<Perbill>>;

		/// Sets the scheduling rule: the governance committee's power; root until it exists.
		type RuleOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The deposit each order holds until it ends.
		#[pallet::constant]
		type OrderDeposit: Get<Self::Balance>;

		/// Ledgering periods in a month, to price a period of storage from the GB-month price.
		#[pallet::constant]
		type PeriodsPerMonth: Get<u32>;

		/// The largest file an order may store, in bytes.
		#[pallet::constant]
		type MaxFileLength: Get<u64>;

		/// The most storing copies an order may ask for.
		#[pallet::constant]
		type MaxReplicas: Get<u8>;

		/// Reserves an election picks beyond the storing slots.
		#[pallet::constant]
		type Reserves: Get<u8>;

		/// Bound of an order's placements: at least `MaxReplicas + Reserves`.
		#[pallet::constant]
		type MaxPlacements: Get<u32>;

		/// The shortest term an order may have, in periods.
		#[pallet::constant]
		type MinPeriods: Get<u32>;

		/// The longest term an order may have from now, in periods.
		#[pallet::constant]
		type MaxPeriods: Get<u32>;

		/// Blocks an election stays open for responses.
		#[pallet::constant]
		type ElectionWindow: Get<BlockNumberFor<Self>>;

		/// Blocks a storing peer has to fetch the file and confirm.
		#[pallet::constant]
		type ConfirmWindow: Get<BlockNumberFor<Self>>;

		/// The most elections an order may have (the first and the repairs).
		#[pallet::constant]
		type MaxAttempts: Get<u8>;

		/// The most professional peers one response may propose.
		#[pallet::constant]
		type MaxCandidates: Get<u32>;

		/// The most responses one election takes, and the most scheduling peers credited in a
		/// period.
		#[pallet::constant]
		type MaxSchedulers: Get<u32>;

		/// Elections closed per block at most.
		#[pallet::constant]
		type CloseBatch: Get<u32>;

		/// Confirmation deadlines checked per block at most.
		#[pallet::constant]
		type DeadlineBatch: Get<u32>;

		/// The Proof-of-Traffic that backs demand reports.
		type Traffic: PaidTraffic<Self::AccountId>;

		/// The most orders one demand report counts.
		#[pallet::constant]
		type MaxDemandEntries: Get<u32>;

		/// Weights of the calls and hooks.
		type WeightInfo: WeightInfo;

		/// Prepares the benchmarks' accounts.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::AccountId, Self::PeerKey>;
	}

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	/// Why the pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// The unpaid part of a DApp's storage orders.
		#[codec(index = 0)]
		StorageEscrow,
		/// The deposits of a DApp's storage orders.
		#[codec(index = 1)]
		OrderDeposit,
	}

	/// The storage orders.
	#[pallet::storage]
	pub type Orders<T: Config> = StorageMap<_, Twox64Concat, OrderId, OrderOf<T>>;

	/// The number the next order gets.
	#[pallet::storage]
	pub type NextOrderId<T> = StorageValue<_, OrderId, ValueQuery>;

	/// Each order's elected professional peers: the storing slots in slot order (slot 0 the
	/// primary), then the reserves in the order they take over.
	#[pallet::storage]
	pub type Placements<T: Config> =
		StorageMap<_, Twox64Concat, OrderId, PlacementsOf<T>, ValueQuery>;

	/// The orders each professional peer has a placement in (any status), for its node.
	#[pallet::storage]
	pub type PeerOrders<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, T::AccountId, Twox64Concat, OrderId, ()>;

	/// Bytes each professional peer holds or fetches for placements.
	#[pallet::storage]
	pub type Committed<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, u64, ValueQuery>;

	/// The order of each DApp for each file: one per DApp and file (a DApp renews its order
	/// rather than ordering the file again), so that nobody can fill a file's orders.
	#[pallet::storage]
	pub type FileOrders<T: Config> =
		StorageDoubleMap<_, Identity, HashIndex, Blake2_128Concat, T::AccountId, OrderId>;

	/// Each ordered file's length and how many orders it has: every order of a file names the
	/// same length (the bytes behind a hash index have one length).
	#[pallet::storage]
	pub type Files<T: Config> = StorageMap<_, Identity, HashIndex, (u64, u32)>;

	/// The professional peers that missed a confirmation deadline in an order: no later
	/// election of the order picks them.
	#[pallet::storage]
	pub type Missed<T: Config> =
		StorageDoubleMap<_, Twox64Concat, OrderId, Blake2_128Concat, T::AccountId, ()>;

	/// The responses of each open election, in the order they came.
	#[pallet::storage]
	pub type Responses<T: Config> = StorageMap<
		_,
		Twox64Concat,
		OrderId,
		BoundedVec<ResponseOf<T>, T::MaxSchedulers>,
		ValueQuery,
	>;

	/// Open elections, first in first out: `(order, attempt, closes at)`.
	#[pallet::storage]
	pub type ElectionQueue<T: Config> =
		StorageMap<_, Twox64Concat, u64, (OrderId, u8, BlockNumberFor<T>)>;

	/// `(head, tail)` of [`ElectionQueue`].
	#[pallet::storage]
	pub type ElectionQueueBounds<T> = StorageValue<_, (u64, u64), ValueQuery>;

	/// Confirmation deadlines, first in first out: `(order, peer, deadline)`.
	#[pallet::storage]
	pub type DeadlineQueue<T: Config> =
		StorageMap<_, Twox64Concat, u64, (OrderId, T::AccountId, BlockNumberFor<T>)>;

	/// `(head, tail)` of [`DeadlineQueue`].
	#[pallet::storage]
	pub type DeadlineQueueBounds<T> = StorageValue<_, (u64, u64), ValueQuery>;

	/// Each period's scheduling credits, until they are paid.
	#[pallet::storage]
	pub type Credits<T: Config> = StorageMap<
		_,
		Twox64Concat,
		u32,
		PeriodCredits<T::AccountId, BalanceOf<T>, T::MaxSchedulers>,
		ValueQuery,
	>;

	/// The scheduling-reward cap: a scheduling peer is paid at most this part of the holding
	/// fees it is credited with in a period (`None`: no cap).
	#[pallet::storage]
	pub type RewardCap<T: Config> =
		StorageValue<_, Option<Perbill>, ValueQuery, T::DefaultRewardCap>;

	/// The first period whose credits are not paid yet.
	#[pallet::storage]
	pub type RewardsPaidBefore<T> = StorageValue<_, u32, ValueQuery>;

	/// The scheduling rule's weights and thresholds.
	#[pallet::storage]
	pub type Rule<T> = StorageValue<_, SchedulingRule, ValueQuery>;

	/// The popular-file terms of the orders whose DApps set them.
	#[pallet::storage]
	pub type PopularTerms<T: Config> = StorageMap<_, Twox64Concat, OrderId, PopularityTerms>;

	/// Each order with popular-file terms: its demand in the latest period reported.
	#[pallet::storage]
	pub type Demand<T: Config> = StorageMap<_, Twox64Concat, OrderId, OrderDemandOf<T>>;

	/// The latest period each storing peer sent a demand report for: one a period, in order.
	#[pallet::storage]
	pub type LastDemandReport<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, u32>;

	/// The genesis rule.
	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// The scheduling rule at genesis (the default's when absent).
		pub rule: SchedulingRule,
		#[serde(skip)]
		pub _phantom: core::marker::PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			assert!(self.rule.is_valid(), "the genesis scheduling rule is not valid");
			Rule::<T>::put(self.rule);
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A DApp ordered storage of a file and its election opened: the broadcast the
		/// scheduling peers answer.
		StorageOrdered {
			order: OrderId,
			dapp: T::AccountId,
			file: FileRef,
			replicas: u8,
			ends: u32,
			paid: BalanceOf<T>,
		},
		/// An election for an order's empty slots opened again.
		ElectionReopened { order: OrderId, attempt: u8 },
		/// A scheduling peer answered an election.
		ResponseAccepted { order: OrderId, attempt: u8, scheduler: T::AccountId, candidates: u32 },
		/// An election closed: these peers were picked to store the file and these as
		/// reserves.
		PlacementsElected {
			order: OrderId,
			attempt: u8,
			storing: alloc::vec::Vec<T::AccountId>,
			reserves: alloc::vec::Vec<T::AccountId>,
		},
		/// An election closed without a qualified candidate for any empty slot.
		NoCandidates { order: OrderId, attempt: u8 },
		/// A storing peer confirmed it holds the file.
		PlacementConfirmed { order: OrderId, peer: T::AccountId },
		/// A storing peer did not confirm by its deadline and lost its slot.
		PlacementMissed { order: OrderId, peer: T::AccountId },
		/// A reserve took an empty storing slot.
		ReservePromoted { order: OrderId, peer: T::AccountId },
		/// A holding peer was paid its holding fees (less the processing fee).
		HoldingPaid { order: OrderId, peer: T::AccountId, amount: BalanceOf<T>, fee: BalanceOf<T> },
		/// An order was renewed to end at `ends`.
		OrderRenewed { order: OrderId, ends: u32, paid: BalanceOf<T>, refunded: BalanceOf<T> },
		/// An order ended (by its DApp, expiry, or no placement after every attempt); its
		/// escrow's rest and its deposit went back to the DApp.
		OrderEnded { order: OrderId, refunded: BalanceOf<T> },
		/// A scheduling peer was paid its part of a period's scheduling share.
		SchedulerRewarded { period: u32, scheduler: T::AccountId, amount: BalanceOf<T> },
		/// A period's scheduling reward could not be paid to a scheduling peer; it stays in
		/// the pool.
		SchedulerRewardFailed { period: u32, scheduler: T::AccountId, amount: BalanceOf<T> },
		/// The scheduling rule changed.
		RuleSet { rule: SchedulingRule },
		/// The scheduling-reward cap changed.
		RewardCapSet { cap: Option<Perbill> },
		/// A DApp set its order's popular-file terms.
		PopularTermsSet { order: OrderId, max_replicas: u8, bytes_per_copy: u64 },
		/// A storing peer reported the bytes it served of its files in a period.
		DemandReported { peer: T::AccountId, period: u32, orders: u32, bytes: u64 },
		/// A popular file's order got a storing copy more, paid from its DApp's funds for the
		/// rest of the term.
		PopularCopyAdded { order: OrderId, replicas: u8, paid: BalanceOf<T> },
		/// A popular file's order reached its threshold but its DApp could not pay a copy more.
		PopularCopyUnpaid { order: OrderId, due: BalanceOf<T> },
		/// Copies popular-file terms added that no election could place were dropped; their
		/// fee for the rest of the term went back to the DApp.
		PopularCopiesDropped { order: OrderId, replicas: u8, refunded: BalanceOf<T> },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The account is not a registered DApp in good standing.
		NotActiveDApp,
		/// The file is empty or longer than [`Config::MaxFileLength`].
		BadFileLength,
		/// Replicas are zero or more than [`Config::MaxReplicas`].
		BadReplicas,
		/// The term is shorter than [`Config::MinPeriods`] or would end more than
		/// [`Config::MaxPeriods`] periods from now.
		BadTerm,
		/// The DApp has an order for this file already: renew it.
		AlreadyOrdered,
		/// The file was ordered with another length: the bytes behind a hash index have one.
		LengthMismatch,
		/// A holder's fee could not be paid to its account.
		CannotPayHolder,
		/// The fee does not fit in a balance.
		FeeOverflow,
		/// The DApp cannot put the fee and the deposit on hold.
		CannotPay,
		/// No such order.
		UnknownOrder,
		/// Only the order's DApp may do this.
		NotOrderOwner,
		/// The order's term is over: it can only be reaped.
		OrderExpired,
		/// The order's term is not over yet.
		OrderNotExpired,
		/// No election for this order and attempt is open.
		NoOpenElection,
		/// The account is not an active scheduling peer.
		NotScheduler,
		/// The signature is not the key's over this chain's payload.
		BadSignature,
		/// This scheduling peer answered this election already.
		DuplicateResponse,
		/// The election has [`Config::MaxSchedulers`] responses already.
		TooManyResponses,
		/// A response proposes nobody or one peer twice.
		BadCandidates,
		/// The peer has no placement in the order that is fetching, or its deadline passed.
		NotFetching,
		/// The peer holds nothing in this order that is payable now.
		NothingToClaim,
		/// The rule's weights or thresholds are out of bounds.
		BadRule,
		/// Popular-file terms allow fewer copies than the order has or more than
		/// [`Config::MaxReplicas`], or count less than [`MIN_BYTES_PER_COPY`] a copy.
		BadPopularTerms,
		/// A demand report counts a period that is not one of the last two, or one the peer
		/// reported already (or a later one).
		BadDemandPeriod,
		/// The account is not a professional peer with a node key.
		NotProfessional,
		/// A demand report counts no order, an order twice, or zero bytes.
		BadDemandEntries,
		/// A demand report counts an order that has no popular-file terms.
		NotPopular,
		/// A demand report counts an order in which the peer does not hold the file.
		NotHolding,
		/// A demand report counts more of a DApp's files than the DApp's paid traffic in the
		/// peer's traffic report of the period backs.
		DemandNotBacked,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(n: BlockNumberFor<T>) -> Weight {
			let mut weight = Self::pay_scheduling_rewards(n);
			weight.saturating_accrue(Self::close_due_elections(n));
			weight.saturating_accrue(Self::check_due_deadlines(n));
			weight
		}

		fn integrity_test() {
			assert!(
				T::MaxPlacements::get()
					>= u32::from(T::MaxReplicas::get()) + u32::from(T::Reserves::get()),
				"MaxPlacements must hold the storing slots and the reserves"
			);
			assert!(T::MaxReplicas::get() > 0, "an order must be able to store a copy");
			assert!(T::MinPeriods::get() > 0 && T::MinPeriods::get() <= T::MaxPeriods::get());
			assert!(T::PeriodsPerMonth::get() > 0);
			assert!(T::MaxAttempts::get() > 0);
			assert!(
				u32::from(T::MaxAttempts::get()) + 2 * u32::from(T::MaxReplicas::get()) <= 255,
				"an order's elections, its copies added granted theirs, must be counted in a u8"
			);
			assert!(T::MaxDemandEntries::get() > 0);
			assert!(T::MaxCandidates::get() > 0 && T::MaxSchedulers::get() > 0);
			assert!(T::CloseBatch::get() > 0 && T::DeadlineBatch::get() > 0);
			assert!(!T::ElectionWindow::get().is_zero() && !T::ConfirmWindow::get().is_zero());
			assert!(
				T::DeadlineBatch::get() >= T::CloseBatch::get() * T::MaxPlacements::get(),
				"the deadlines a block's closes and promotions queue must be checked as fast"
			);
			let hooks = T::WeightInfo::close_elections(T::CloseBatch::get())
				.saturating_add(T::WeightInfo::check_deadlines(T::DeadlineBatch::get()))
				.saturating_add(T::WeightInfo::pay_rewards(T::MaxSchedulers::get()));
			let max = <T as frame_system::Config>::BlockWeights::get().max_block;
			assert!(
				hooks.all_lte(max / 4),
				"the scheduling hooks may take a quarter of a block at most: {hooks:?} of {max:?}"
			);
		}

		fn offchain_worker(n: BlockNumberFor<T>) {
			Self::answer_elections(n);
			Self::confirm_stored_files(n);
			Self::report_served_demand(n);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Order storage of a file.
		///
		/// - Origin: signed by a registered DApp in good standing.
		/// - `file`: the hash index and length (1 ..= [`Config::MaxFileLength`] bytes).
		/// - `replicas`: storing copies, 1 ..= [`Config::MaxReplicas`].
		/// - `periods`: the term in ledgering periods from this one,
		///   [`Config::MinPeriods`] ..= [`Config::MaxPeriods`].
		///
		/// Puts the whole term's fee (`replicas × periods ×` one copy's period fee at the nominal
		/// storage price, rounded up) and [`Config::OrderDeposit`] on hold and opens the
		/// election. One order per DApp and file, all of a file's orders of one length. Emits
		/// [`Event::StorageOrdered`].
		///
		/// Weight: the call and the hooks' work it causes at most ([`Config::MaxAttempts`]
		/// elections closed, a deadline checked per slot and attempt), so that the fee pays
		/// for the elections an order brings.
		///
		/// Complexity: O(1).
		#[pallet::call_index(0)]
		#[pallet::weight(Pallet::<T>::order_storage_weight())]
		pub fn order_storage(
			origin: OriginFor<T>,
			file: FileRef,
			replicas: u8,
			periods: u32,
		) -> DispatchResult {
			let dapp = ensure_signed(origin)?;
			Self::do_order(dapp, file, replicas, periods)
		}

		/// Extend an order's term and re-price what is left of it.
		///
		/// - Origin: signed by the order's DApp.
		/// - `periods`: periods added to the term; it may end at most [`Config::MaxPeriods`]
		///   from now.
		///
		/// Pays the holding peers to now, then sets the fee of the rest of the term, from this
		/// period to the new end, at the current nominal storage price or the order's fee,
		/// whichever is higher (a renewal never lowers what the holders agreed to): the escrow is
		/// topped up. Emits [`Event::HoldingPaid`] per paid peer and [`Event::OrderRenewed`].
		///
		/// Complexity: O(P), P the order's placements.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::renew(T::MaxPlacements::get()))]
		pub fn renew(origin: OriginFor<T>, order: OrderId, periods: u32) -> DispatchResult {
			let dapp = ensure_signed(origin)?;
			Self::do_renew(dapp, order, periods)
		}

		/// End an order now.
		///
		/// - Origin: signed by the order's DApp.
		///
		/// Pays the holding peers to the end of this period (a peer that fetched and confirmed
		/// is paid at least a period), releases the escrow's rest and the deposit, and removes
		/// the placements: the peers may delete the file. Emits [`Event::OrderEnded`].
		///
		/// Complexity: O(P), P the order's placements.
		#[pallet::call_index(2)]
		#[pallet::weight(Pallet::<T>::end_order_weight())]
		pub fn end_order(origin: OriginFor<T>, order: OrderId) -> DispatchResult {
			let dapp = ensure_signed(origin)?;
			let record = Orders::<T>::get(order).ok_or(Error::<T>::UnknownOrder)?;
			ensure!(record.dapp == dapp, Error::<T>::NotOrderOwner);
			Self::finish(order, record);
			Ok(())
		}

		/// Answer an open election with the professional peers a scheduling peer proposes.
		///
		/// - Origin: none; authorized by `signature`, the scheduling peer's node key over
		///   `(RESPONSE_CONTEXT, genesis hash, response)` (`#[pallet::authorize]`); its node
		///   sends it free of fees while the election is open.
		/// - `response`: the order and attempt of an open election, an active scheduling peer
		///   that has not answered it, 1 ..= [`Config::MaxCandidates`] distinct peers.
		///
		/// Emits [`Event::ResponseAccepted`].
		///
		/// Complexity: O(C log C), C the candidates.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::respond(response.candidates.len() as u32))]
		#[pallet::authorize(Pallet::<T>::authorize_respond)]
		#[pallet::weight_of_authorize(T::WeightInfo::authorize_respond(T::MaxCandidates::get()))]
		pub fn respond(
			origin: OriginFor<T>,
			response: ResponseOf<T>,
			signature: KeySignature<T>,
		) -> DispatchResult {
			frame_system::ensure_authorized(origin)?;
			Self::check_response(&response, &signature)?;
			Self::accept_response(response);
			Ok(())
		}

		/// Confirm that a professional peer stores an order's file.
		///
		/// - Origin: none; authorized by `signature`, the peer's node key over
		///   `(CONFIRMATION_CONTEXT, genesis hash, confirmation)`; its node sends it free of
		///   fees before the placement's deadline.
		/// - `confirmation`: an order in which the peer has a storing slot that is fetching, with
		///   that slot's deadline, not passed.
		///
		/// The peer holds the file from this period and is paid from the next; the scheduling
		/// peer that proposed it is credited. Emits [`Event::PlacementConfirmed`].
		///
		/// Complexity: O(P), P the order's placements.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::confirm_stored())]
		#[pallet::authorize(Pallet::<T>::authorize_confirm)]
		#[pallet::weight_of_authorize(T::WeightInfo::authorize_confirm())]
		pub fn confirm_stored(
			origin: OriginFor<T>,
			confirmation: ConfirmationOf<T>,
			signature: KeySignature<T>,
		) -> DispatchResult {
			frame_system::ensure_authorized(origin)?;
			Self::check_confirmation(&confirmation, &signature)?;
			Self::do_confirm(confirmation);
			Ok(())
		}

		/// Claim the holding fees a peer earned in an order so far.
		///
		/// - Origin: signed by a peer holding the file in `order`.
		///
		/// Pays every whole period since the last payment, less the processing fee; fails,
		/// changing nothing, if the peer's account cannot receive it. Emits
		/// [`Event::HoldingPaid`].
		///
		/// Complexity: O(P), P the order's placements.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::claim())]
		pub fn claim(origin: OriginFor<T>, order: OrderId) -> DispatchResult {
			let peer = ensure_signed(origin)?;
			Self::do_claim(peer, order)
		}

		/// Remove an order whose term is over.
		///
		/// - Origin: signed by anyone.
		///
		/// Pays the holding peers to the end of the term and gives the escrow's rest and the
		/// deposit back to the DApp. Emits [`Event::OrderEnded`].
		///
		/// Complexity: O(P), P the order's placements.
		#[pallet::call_index(6)]
		#[pallet::weight(Pallet::<T>::end_order_weight())]
		pub fn reap(origin: OriginFor<T>, order: OrderId) -> DispatchResult {
			ensure_signed(origin)?;
			let record = Orders::<T>::get(order).ok_or(Error::<T>::UnknownOrder)?;
			ensure!(Self::current_period() >= record.ends, Error::<T>::OrderNotExpired);
			Self::finish(order, record);
			Ok(())
		}

		/// Set the scheduling rule's weights and thresholds.
		///
		/// - Origin: [`Config::RuleOrigin`].
		/// - `rule`: every weight at most [`SchedulingRule::MAX_WEIGHT`], one non-zero; the
		///   online saturation and window at least one period.
		///
		/// Applies to elections that close from the next block. Emits [`Event::RuleSet`].
		///
		/// Complexity: O(1).
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::set_rule())]
		pub fn set_rule(origin: OriginFor<T>, rule: SchedulingRule) -> DispatchResult {
			T::RuleOrigin::ensure_origin(origin)?;
			ensure!(rule.is_valid(), Error::<T>::BadRule);
			Rule::<T>::put(rule);
			Self::deposit_event(Event::RuleSet { rule });
			Ok(())
		}

		/// Set an order's popular-file terms: when its file's traffic that the DApp paid for
		/// reaches `bytes_per_copy` a period for each storing copy, a copy is added.
		///
		/// - Origin: signed by the order's DApp.
		/// - `max_replicas`: the most copies the order may grow to, from its copies now to
		///   [`Config::MaxReplicas`] (equal to its copies now: no more are added).
		/// - `bytes_per_copy`: at least [`MIN_BYTES_PER_COPY`].
		///
		/// Each copy added is paid like the order's own, from the DApp's free balance into the
		/// escrow, for the rest of the term; a copy that cannot be paid is not added. Emits
		/// [`Event::PopularTermsSet`].
		///
		/// Weight: the call and the elections the copies it allows may bring, which the DApp
		/// pays now, as [`Pallet::order_storage`] does for its own.
		///
		/// Complexity: O(1).
		#[pallet::call_index(9)]
		#[pallet::weight(Pallet::<T>::set_popular_terms_weight(*max_replicas))]
		pub fn set_popular_terms(
			origin: OriginFor<T>,
			order: OrderId,
			max_replicas: u8,
			bytes_per_copy: u64,
		) -> DispatchResult {
			let dapp = ensure_signed(origin)?;
			Self::do_set_popular_terms(dapp, order, max_replicas, bytes_per_copy)
		}

		/// Report the bytes a storing peer's data plane served of the files it holds for orders
		/// with popular-file terms in a ledgering period.
		///
		/// - Origin: none; authorized by `signature`, the peer's node key over
		///   `(DEMAND_CONTEXT, genesis hash, report)`; its node sends it free of fees.
		/// - `report`: one of the last two periods, later than the peer's last demand report,
		///   after the peer's traffic report of that period is on chain; 1 ..=
		///   [`Config::MaxDemandEntries`] distinct orders with popular-file terms in which the
		///   peer holds the file, each with bytes served in sessions the order's DApp paid for;
		///   per DApp at most what that DApp's paid traffic backs in the peer's traffic report.
		///
		/// Adds to each order's demand of the period; an order whose demand reaches its terms'
		/// bytes per copy times its copies gets a copy more (one a period), for which an
		/// election opens. Emits [`Event::DemandReported`] and
		/// [`Event::PopularCopyAdded`] or [`Event::PopularCopyUnpaid`] per order raised.
		///
		/// Complexity: O(E · P), E the entries, P an order's placements.
		#[pallet::call_index(10)]
		#[pallet::weight(T::WeightInfo::report_demand(report.files.len() as u32))]
		#[pallet::authorize(Pallet::<T>::authorize_report_demand)]
		#[pallet::weight_of_authorize(T::WeightInfo::authorize_report_demand(
			T::MaxDemandEntries::get()
		))]
		pub fn report_demand(
			origin: OriginFor<T>,
			report: DemandReportOf<T>,
			signature: KeySignature<T>,
		) -> DispatchResult {
			frame_system::ensure_authorized(origin)?;
			Self::check_demand(&report, &signature)?;
			Self::take_demand(report);
			Ok(())
		}

		/// Set the scheduling-reward cap.
		///
		/// - Origin: [`Config::RuleOrigin`].
		/// - `cap`: the most part of the holding fees credited to a scheduling peer in a period
		///   that it is paid; `None` for no cap.
		///
		/// Applies to the periods paid from the next block. Emits [`Event::RewardCapSet`].
		///
		/// Complexity: O(1).
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::set_rule())]
		pub fn set_reward_cap(origin: OriginFor<T>, cap: Option<Perbill>) -> DispatchResult {
			T::RuleOrigin::ensure_origin(origin)?;
			RewardCap::<T>::put(cap);
			Self::deposit_event(Event::RewardCapSet { cap });
			Ok(())
		}
	}

	impl<T: Config> Pallet<T> {
		/// The current ledgering period.
		pub fn current_period() -> u32 {
			T::MiningPool::current_period()
		}

		/// The weight of [`Pallet::order_storage`]: the call and the hooks' work it may cause.
		pub fn order_storage_weight() -> Weight {
			let attempts = u32::from(T::MaxAttempts::get());
			T::WeightInfo::order_storage()
				.saturating_add(T::WeightInfo::close_elections(1).saturating_mul(attempts.into()))
				.saturating_add(
					T::WeightInfo::check_deadlines(1)
						.saturating_mul(u64::from(T::MaxPlacements::get() * attempts)),
				)
		}

		/// The weight of [`Pallet::end_order`] and [`Pallet::reap`]: full placements and the
		/// most missed peers an order may have to forget.
		pub fn end_order_weight() -> Weight {
			T::WeightInfo::end_order(T::MaxPlacements::get())
				.saturating_add(T::DbWeight::get().writes(Self::max_missed().into()))
		}

		/// This chain's genesis hash, which every signed payload names.
		pub fn genesis_hash() -> T::Hash {
			frame_system::Pallet::<T>::block_hash(BlockNumberFor::<T>::zero())
		}
	}
}

//! # Patrol
//!
//! Hidden checks of the serving peers among real work, by the scheduling peers (whitepaper
//! ch.2 §5 v: "a patrol task is a computing task involving … sorting, ellipse
//! encryption/decryption, file compression, floating point operation and large-file I/O …
//! the scheduling peer will verify the results returned and decide whether to issue patrol
//! token rewards"; ch.3 §1 step 2: "node with multiple comparison failures may trigger patrol
//! tasks"; issue 19). The design and what a peer can still infer are in `docs/patrol.md`.
//!
//! ## Terms
//!
//! - **Serving peers**: the professional and common peers, which patrols check.
//! - **Draw**: when a ledgering period begins the chain fixes its [`PatrolDraw`]: a seed from
//!   chain randomness, the number of serving peers then (the **population**) and how many of
//!   them a scheduling peer is expected to patrol at random ([`PatrolParameters::expected`]).
//!   Each scheduling peer signs the seed with its node key's VRF; the output selects its
//!   **drawn** targets ([`spacebook_patrol_primitives::is_drawn`]). Nobody else can compute
//!   the output before the results show it, so a serving peer cannot know from public state
//!   whether a period will patrol it; the chain verifies the VRF proof, so a scheduling peer
//!   cannot choose whom it patrols (nor patrol a friend more often to pay it).
//! - **Requests**: a serving peer whose Proof-of-Traffic report failed its audit is
//!   **requested** ([`Requests`], filled by the traffic pallet through
//!   [`OnAuditFailed`]): any scheduling peer patrols it in its next batch, drawn or not, until a
//!   patrol of it is answered (or [`MAX_UNANSWERED_REQUESTS`] patrols go unanswered, which
//!   warns it). A batch names requested peers in the room its draws leave, least recently
//!   patrolled first.
//! - **Patrol**: the tasks a scheduling peer's node runs on a target through the data plane's
//!   ordinary endpoints, as a DApp's client (compute tasks whose answers it knows or
//!   recomputes, random slices of the files the target is placed to hold), verifying every
//!   answer; the node's worker (not the runtime) does this work.
//! - **Batch**: a scheduling peer's results of one period ([`PatrolBatch`]) with its VRF proof
//!   and a commitment to the tasks' inputs and the answers, signed by its node key and sent by
//!   its off-chain worker ([`Pallet::submit_results`]), in that period or the next. One batch
//!   per scheduling peer and period; a peer's first recorded patrol in a period counts, later
//!   ones are skipped, as are results for peers neither drawn (registered before the period)
//!   nor requested.
//! - **Patrol reward**: [`PatrolParameters::share`] of each period's peers' emission is
//!   reserved for patrols (the traffic pallet's settlement pays the rest,
//!   [`PeersShareReserve`]); each pass earns an equal part of it, `share × peers emission ÷`
//!   [`PatrolParameters::rewarded_passes`], for the period's first `rewarded_passes` passes.
//!   What is not earned stays in the mining pool.
//! - **Penalties**: a wrong answer (a wrong result or a corrupt slice) warns the peer on the
//!   peers pallet's ladder with the reason `PatrolFailed`; a second within
//!   [`PatrolParameters::failure_memory`] periods of the previous one suspends it. An
//!   unanswered patrol is neither paid nor punished: it counts in the error rate.
//! - **Quality figure** ([`PatrolQuality`], [`Quality`]): patrols, passes, wrong and
//!   unanswered ones, and moving averages of the time to first byte and the throughput; shown
//!   in the peer's view, for the scheduling rule.
//!
//! ## Calls
//!
//! - Scheduling peers' nodes (authorized by their node key's signature):
//!   [`Pallet::submit_results`].
//! - Governance ([`Config::ParametersOrigin`], root until the committee takes it over):
//!   [`Pallet::set_parameters`].
#![cfg_attr(not(feature = "std"), no_std)]
#![warn(missing_docs)]

extern crate alloc;

pub use pallet::*;
pub use spacebook_patrol_primitives::{
	OnAuditFailed, PatrolBatch, PatrolCheck, PatrolDraw, PatrolOutcome, PatrolQuality,
	PatrolResult, PatrolTarget, PeersShareReserve,
};
pub use types::*;
pub use weights::WeightInfo;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod invariants;
#[cfg(test)]
mod mock;
pub mod offchain;
mod periods;
mod results;
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;

use codec::Encode;
use frame_support::{
	pallet_prelude::*,
	traits::{EnsureOrigin, Get},
};
use frame_system::pallet_prelude::*;
use sp_runtime::{traits::Zero, RuntimeAppPublic};

/// The log target of the pallet.
pub const LOG_TARGET: &str = "runtime::patrol";

/// A batch of this runtime.
pub type PatrolBatchOf<T> = PatrolBatch<
	<T as frame_system::Config>::AccountId,
	BoundedVec<PatrolResult<<T as frame_system::Config>::AccountId>, <T as Config>::MaxResults>,
>;
/// A period's patrols of this runtime.
pub type PeriodPatrolsOf<T> = PeriodPatrols<
	<T as Config>::Balance,
	BoundedVec<BatchRecord<<T as frame_system::Config>::AccountId>, <T as Config>::MaxSchedulers>,
>;
/// The signature of a batch.
pub type KeySignature<T> = <<T as Config>::PeerKey as RuntimeAppPublic>::Signature;

/// What the patrol pallet needs of the peer registry.
pub trait PatrolRegistry<AccountId, PeerKey, Balance> {
	/// The node key of `who`, if it is an active scheduling peer.
	fn scheduler_key(who: &AccountId) -> Option<PeerKey>;
	/// The active scheduling peer whose node signs with `key`.
	fn scheduler_of_key(key: &PeerKey) -> Option<AccountId>;
	/// Whether `who` is a professional or common peer that may earn now (active, holding its
	/// deposit): one a patrol's result may count for.
	fn is_patrollable(who: &AccountId) -> bool;
	/// The professional and common peers registered, in O(1): the draw's population.
	fn serving_peers_count() -> u32;
	/// The ledgering period in which `who` registered, if it is registered: a draw selects only
	/// peers registered before its period began, so that a scheduling peer cannot register
	/// peers its draw selects after seeing it.
	fn registered_in(who: &AccountId) -> Option<u32>;
	/// Every professional and common peer that may earn now, with its data plane's endpoint.
	/// Reads the whole registry: for the runtime API only.
	fn serving_peers() -> alloc::vec::Vec<(AccountId, alloc::vec::Vec<u8>)>;
	/// The data plane endpoint `who` registered (empty if none).
	fn endpoint(who: &AccountId) -> alloc::vec::Vec<u8>;
	/// `who` was paid `amount` of patrol reward (a common peer short of its deposit has it put
	/// on hold).
	fn on_reward(who: &AccountId, amount: Balance);
}

/// Prepares the benchmarks' accounts.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId, PeerKey> {
	/// Make `who` an active scheduling peer whose node key is `key`.
	fn register_scheduler(who: &AccountId, key: PeerKey);
	/// Make `who` a professional peer that may earn.
	fn register_serving_peer(who: &AccountId);
	/// Make the mining pool able to pay the patrol rewards of the current period.
	fn fund_pool();
	/// Move the chain to the first block of ledgering period `period`.
	fn go_to_period(period: u32);
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use pallet_token::MiningPool;

	/// The pallet's configuration.
	#[pallet::config]
	pub trait Config:
		frame_system::Config + frame_system::offchain::CreateAuthorizedTransaction<Call<Self>>
	{
		/// The SPB balance.
		type Balance: frame_support::traits::tokens::Balance + From<u64> + Into<u128>;

		/// The node key type of scheduling peers (`spbp`, sr25519): it signs batches and the
		/// draw's VRF.
		type PeerKey: Member
			+ Parameter
			+ RuntimeAppPublic
			+ MaxEncodedLen
			+ AsRef<sp_core::sr25519::Public>;

		/// The peer registry.
		type Registry: PatrolRegistry<Self::AccountId, Self::PeerKey, Self::Balance>;

		/// The penalty ladder.
		type Penalties: pallet_peers::Penalties<Self::AccountId>;

		/// The mining pool: the periods, the peers' emission, the payouts.
		type MiningPool: MiningPool<Self::AccountId, Self::Balance>;

		/// The chain randomness each period's seed is drawn from.
		type Randomness: Get<sp_core::H256>;

		/// Sets the patrol parameters: the governance committee's power; root until it
		/// exists.
		type ParametersOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The parameters at genesis.
		#[pallet::constant]
		type DefaultParameters: Get<PatrolParameters>;

		/// The most results a batch carries.
		#[pallet::constant]
		type MaxResults: Get<u32>;

		/// The most batches a period takes (one per scheduling peer).
		#[pallet::constant]
		type MaxSchedulers: Get<u32>;

		/// Periods a period's patrols are kept for audits.
		#[pallet::constant]
		type HistoryDepth: Get<u32>;

		/// Weights of the calls and hooks.
		type WeightInfo: WeightInfo;

		/// Prepares the benchmarks' accounts.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::AccountId, Self::PeerKey>;
	}

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	/// Each kept period's patrols: its draw, its reward and the batches taken.
	#[pallet::storage]
	pub type Periods<T: Config> = StorageMap<_, Twox64Concat, u32, PeriodPatrolsOf<T>>;

	/// The oldest period whose record may still be kept: records below it were pruned.
	#[pallet::storage]
	pub type OldestPeriod<T> = StorageValue<_, u32, ValueQuery>;

	/// The parameters; a change applies from the next period.
	#[pallet::storage]
	pub type Parameters<T: Config> =
		StorageValue<_, PatrolParameters, ValueQuery, T::DefaultParameters>;

	/// What patrols measured of each peer ever patrolled.
	#[pallet::storage]
	pub type Quality<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, PatrolQuality>;

	/// The serving peers a failed audit asks to be patrolled: the period of the first failed
	/// audit not yet answered by a patrol, and the patrols unanswered since.
	#[pallet::storage]
	pub type Requests<T: Config> =
		CountedStorageMap<_, Blake2_128Concat, T::AccountId, PatrolRequest>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		#[serde(skip)]
		_config: core::marker::PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			Pallet::<T>::open_period(T::MiningPool::current_period());
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A period's patrols were opened: its draw and what a pass earns in it.
		PeriodOpened {
			/// The draw scheduling peers sign.
			draw: PatrolDraw,
			/// What each of the period's first rewarded passes earns.
			reward_per_pass: T::Balance,
		},
		/// A scheduling peer's batch was taken.
		BatchAccepted {
			/// The scheduling peer.
			scheduler: T::AccountId,
			/// The period.
			period: u32,
			/// The commitment to the tasks' inputs and the answers.
			inputs: [u8; 32],
			/// Results recorded.
			recorded: u32,
			/// Results skipped (the peer no longer serving, or already patrolled in the
			/// period).
			skipped: u32,
		},
		/// A peer passed a patrol.
		Passed {
			/// The peer.
			peer: T::AccountId,
			/// The period.
			period: u32,
			/// The patrol reward paid (zero once the period's rewarded passes are paid, or if
			/// the pool could not pay).
			reward: T::Balance,
		},
		/// A peer answered a patrol's check wrongly.
		WrongAnswer {
			/// The peer.
			peer: T::AccountId,
			/// The period.
			period: u32,
			/// The first check it answered wrongly.
			check: PatrolCheck,
		},
		/// A peer did not answer a patrol's check.
		Unanswered {
			/// The peer.
			peer: T::AccountId,
			/// The period.
			period: u32,
			/// The first check it did not answer.
			check: PatrolCheck,
		},
		/// A result was not recorded.
		ResultSkipped {
			/// The peer.
			peer: T::AccountId,
			/// The period.
			period: u32,
			/// Why.
			reason: SkipReason,
		},
		/// A failed audit's request for a patrol of a serving peer was queued.
		RequestQueued {
			/// The peer.
			peer: T::AccountId,
			/// The period of the failed report.
			period: u32,
		},
		/// A request ended unanswered: the peer answered none of its patrols and was warned.
		RequestExpired {
			/// The peer.
			peer: T::AccountId,
			/// The period of the failed report.
			since: u32,
		},
		/// The parameters were set; they apply from the next period.
		ParametersSet {
			/// The new parameters.
			parameters: PatrolParameters,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The batch's scheduling peer is not an active scheduling peer.
		NotScheduler,
		/// The batch's signature is not its scheduling peer's node key's.
		BadSignature,
		/// The batch's period is neither the current nor the previous one, or its draw is not
		/// kept.
		PeriodClosed,
		/// The scheduling peer already sent its batch of that period.
		AlreadySubmitted,
		/// The period took as many batches as it can.
		TooManyBatches,
		/// The batch's VRF proof is not its scheduling peer's signature on the period's draw.
		BadDraw,
		/// The batch has no result.
		EmptyBatch,
		/// The batch names a peer twice.
		DuplicateTarget,
		/// Invalid parameters: a share above the cap, no expected patrol, no rewarded pass,
		/// or no failure memory.
		InvalidParameters,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(_n: BlockNumberFor<T>) -> Weight {
			Self::on_period_hooks()
		}

		fn integrity_test() {
			assert!(T::MaxResults::get() > 0 && T::MaxResults::get() <= 255);
			assert!(T::MaxSchedulers::get() > 0);
			assert!(
				T::HistoryDepth::get() >= 8,
				"a period's record must outlive its batches and the traffic settlement"
			);
			assert!(
				Pallet::<T>::validate_parameters(&T::DefaultParameters::get()).is_ok(),
				"the default parameters must be valid"
			);
			let submit = Pallet::<T>::submit_weight(T::MaxResults::get());
			let max = <T as frame_system::Config>::BlockWeights::get().max_block;
			assert!(submit.all_lte(max / 4), "a full batch may take a quarter of a block at most");
		}

		fn offchain_worker(n: BlockNumberFor<T>) {
			Self::send_batches(n);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Submit a scheduling peer's patrol results of a period.
		///
		/// - Origin: none; authorized by `signature`, the scheduling peer's node key over
		///   `(BATCH_CONTEXT, genesis hash, batch)`; its off-chain worker sends it free of fees.
		/// - `batch`: the results of `batch.period`, the current or the previous period, at
		///   most [`Config::MaxResults`], each naming a different peer, with the scheduling
		///   peer's VRF signature on the period's draw (`batch.draw`, checked against the
		///   period's seed).
		///
		/// Records each result in the peer's quality figure, unless the draw did not select the
		/// peer (or it registered in the period or after) and no failed audit requests it, the
		/// peer no longer serves, or its patrol of the period is already recorded
		/// ([`Event::ResultSkipped`]: a result skipped changes nothing); pays a pass the
		/// patrol reward ([`Event::Passed`]); warns a wrong answer, or suspends it if the peer
		/// answered wrongly within [`PatrolParameters::failure_memory`] periods before
		/// ([`Event::WrongAnswer`]); an answered patrol ends the peer's request, and a requested
		/// peer's [`MAX_UNANSWERED_REQUESTS`]th unanswered patrol ends it with a warning
		/// ([`Event::RequestExpired`]). Keeps the batch's commitment with the period
		/// ([`Event::BatchAccepted`]).
		///
		/// Complexity: O(R²) comparisons and O(R) reads and writes, R the results.
		#[pallet::call_index(0)]
		#[pallet::weight(Pallet::<T>::submit_weight(batch.results.len() as u32))]
		#[pallet::authorize(Pallet::<T>::authorize_submit)]
		#[pallet::weight_of_authorize(T::WeightInfo::authorize_submit(T::MaxResults::get()))]
		pub fn submit_results(
			origin: OriginFor<T>,
			batch: PatrolBatchOf<T>,
			signature: KeySignature<T>,
		) -> DispatchResult {
			frame_system::ensure_authorized(origin)?;
			let output = Self::check_batch(&batch, &signature)?;
			Self::apply_batch(batch, output);
			Ok(())
		}

		/// Set the patrol parameters.
		///
		/// - Origin: [`Config::ParametersOrigin`].
		/// - `parameters`: a share of at most [`MAX_PATROL_SHARE`], at least one expected
		///   patrol (at most [`Config::MaxResults`]), at least one rewarded pass, a failure
		///   memory of at least one period.
		///
		/// Applies from the next period: a period's reward is fixed when it opens. Emits
		/// [`Event::ParametersSet`].
		///
		/// Complexity: O(1).
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::set_parameters())]
		pub fn set_parameters(
			origin: OriginFor<T>,
			parameters: PatrolParameters,
		) -> DispatchResult {
			T::ParametersOrigin::ensure_origin(origin)?;
			Self::validate_parameters(&parameters)?;
			Parameters::<T>::put(parameters);
			Self::deposit_event(Event::ParametersSet { parameters });
			Ok(())
		}
	}

	impl<T: Config> Pallet<T> {
		/// The weight of a batch of `r` results: each paid or each suspending, whichever weighs
		/// more.
		pub fn submit_weight(r: u32) -> Weight {
			T::WeightInfo::submit_passes(r).max(T::WeightInfo::submit_wrong(r))
		}

		/// The hash of block 0, which batches' signatures name.
		pub fn genesis_hash() -> T::Hash {
			frame_system::Pallet::<T>::block_hash(BlockNumberFor::<T>::zero())
		}

		/// What a scheduling peer's node key signs to submit `batch`.
		pub fn batch_payload(batch: &PatrolBatchOf<T>) -> alloc::vec::Vec<u8> {
			(spacebook_patrol_primitives::BATCH_CONTEXT, Self::genesis_hash(), batch).encode()
		}

		pub(crate) fn validate_parameters(p: &PatrolParameters) -> Result<(), Error<T>> {
			ensure!(
				p.share <= MAX_PATROL_SHARE
					&& p.expected > 0
					&& p.expected <= T::MaxResults::get()
					&& p.rewarded_passes > 0
					&& p.failure_memory > 0,
				Error::<T>::InvalidParameters
			);
			Ok(())
		}
	}
}

impl<T: Config> OnAuditFailed<T::AccountId> for Pallet<T> {
	fn audit_failed(peer: &T::AccountId, period: u32) {
		if !Requests::<T>::contains_key(peer) {
			Requests::<T>::insert(peer, PatrolRequest { since: period, unanswered: 0 });
			Self::deposit_event(Event::RequestQueued { peer: peer.clone(), period });
		}
	}
}

impl<T: Config> PeersShareReserve<T::Balance> for Pallet<T> {
	fn reserved(period: u32, peers: T::Balance) -> T::Balance {
		Periods::<T>::get(period).map_or_else(Zero::zero, |p| p.share.mul_floor(peers))
	}
}

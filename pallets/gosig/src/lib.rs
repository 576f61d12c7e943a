//! # Gosig pallet
//!
//! The runtime side of the Gosig consensus: who the billing peers are, how likely each is to be
//! elected packer of a round, and the randomness the election draws on. The node's Gosig engine
//! reads all of it at the start of every round through [`Pallet::configuration`] (the
//! `GosigApi` runtime API).
//!
//! ## Terms
//!
//! - **Billing peer**: an elected validator of the chain, known by its `gosg` sr25519 key. The
//!   ordered list of billing peers is the *authority set*; a billing peer's position in it is
//!   its authority index. Each change of the set increments the *set id*.
//! - **Round**: a slot of `d` milliseconds ([`RoundDurationMs`]: set at genesis, by default
//!   [`Config::RoundDuration`]); round `r` covers timestamps `[r·d, (r+1)·d)`. A block belongs to the round in its pre-runtime digest; rounds strictly
//!   increase along the chain and the block's timestamp must fall in its round.
//! - **Epoch**: [`Config::EpochLength`] blocks. The election seed of an epoch
//!   ([`EpochRandomness`]) is fixed when the epoch starts; during the epoch every block mixes its
//!   packer's VRF output into the seed of the next one ([`NextEpochRandomness`]).
//! - **Election target**: the probability that a round has at least one elected packer. From it
//!   and the number of billing peers follows each peer's probability and the **proposer
//!   threshold** its VRF output must be under.
//!
//! ## Calls
//!
//! - [`Pallet::set_authorities`]: replace the billing peers (root). The billing-peer elections
//!   change the set through [`Pallet::change_authorities`]; changes are at least
//!   [`Config::MinChangeInterval`] blocks apart.
//! - [`Pallet::set_election_target`]: change the election target (root).
//! - [`Pallet::report_equivocation`]: record that a billing peer signed two conflicting votes or
//!   proposed two blocks in one round (no origin: authorized by its proof, so any node submits
//!   it for free; each offence is recorded once).
//!
//! The first two are root calls for now; the governance committee takes them over later.
//!
//! ## Equivocations
//!
//! - **Equivocation**: two signatures of one billing peer, in one round of one authority set, on
//!   two different blocks — two prepares, two tentative commits, or two proposals. An honest
//!   billing peer never signs both; the node's Gosig engine detects them in gossip and submits
//!   the pair as an [`EquivocationProof`](spacebook_gosig_primitives::EquivocationProof).
//! - Proofs are checked against the current authority set or one of the last
//!   [`Config::MaxPastSets`] sets ([`PastSets`]), so that an offence committed just before a
//!   set change can still be reported; a report for an older set is refused as stale.
//! - [`Config::OnEquivocation`] is told of every recorded offence; the peers pallet's penalty
//!   ladder (deposit slashing) hooks in there.
//!
//! ## Participation (missed votes)
//!
//! - **Parent votes**: each block's packer hands the runtime, as an inherent
//!   ([`Pallet::note_parent_votes`]), the votes it saw for the block's parent — the block its
//!   round built on, final by then. The runtime checks every signature: a packer can leave a
//!   vote out but cannot make one up.
//! - **Participation window**: [`Config::ParticipationWindow`] blocks. For each billing peer the
//!   runtime counts the blocks that carried their parent's votes while it was in the set
//!   (*counted*) and those whose parent's votes included its own (*present*,
//!   [`ParticipationTally`]).
//! - **Absent**: present in fewer than half of at least a quarter of the window's blocks. At
//!   the window's end an absent billing peer gets a **strike**, a present one loses its strikes
//!   ([`MissedVoteStrikes`]); [`Config::OnMissedVotes`] is told of each strike (the runtime
//!   warns at the first and replaces the billing peer at the second).
//! - Why half: a packer decides only its own blocks' votes. Packers are elected in proportion
//!   to the set, so the fewer than a third of the set that may be faulty pack fewer than a third
//!   of the blocks: leaving an honest peer's votes out of all of them cannot bring it below
//!   half, and putting an absent peer's votes in needs its signatures.
#![cfg_attr(not(feature = "std"), no_std)]
#![warn(missing_docs)]

extern crate alloc;

use alloc::vec::Vec;
use codec::Encode;
use frame_support::{
	pallet_prelude::*,
	traits::{FindAuthor, OnTimestampSet},
};
use frame_system::pallet_prelude::*;
use sp_runtime::{
	traits::{One, Saturating, Zero},
	Perbill,
};
use spacebook_gosig_primitives::{
	per_peer_probability, proposer_threshold, vrf_input, AuthorityId, AuthorityIndex, ConsensusLog,
	EquivocationError, EquivocationProof, GosigConfiguration, ParentVotes, PreDigest, Randomness,
	Round, SetId, GOSIG_ENGINE_ID, PARENT_VOTES_INHERENT_IDENTIFIER, VRF_RANDOMNESS_CONTEXT,
};

/// An equivocation proof of the runtime's block type.
pub type EquivocationProofOf<T> =
	EquivocationProof<<T as frame_system::Config>::Hash, BlockNumberFor<T>>;

/// What happens to a billing peer proven to have equivocated. The peers pallet's penalty ladder
/// (deposit slashing) implements it; `()` only records.
pub trait OnEquivocation {
	/// `offender` signed two conflicting messages in `round` of authority set `set_id`.
	fn on_equivocation(offender: &AuthorityId, set_id: SetId, round: Round);
	/// The most [`OnEquivocation::on_equivocation`] weighs: `report_equivocation` adds it to its
	/// own (a penalty may slash, evict and end roles in other pallets).
	fn weight() -> Weight {
		Weight::zero()
	}
}

impl OnEquivocation for () {
	fn on_equivocation(_offender: &AuthorityId, _set_id: SetId, _round: Round) {}
}

/// What happens to a billing peer that misses the votes of more than half the blocks of a
/// participation window. The runtime warns it on the peers pallet's penalty ladder and, at the
/// second window in a row, replaces it; `()` only records.
pub trait OnMissedVotes {
	/// `absentee` was absent from `strikes` windows in a row (at least 1).
	fn on_missed_votes(absentee: &AuthorityId, strikes: u32);
	/// The most [`OnMissedVotes::on_missed_votes`] weighs.
	fn weight() -> Weight {
		Weight::zero()
	}
}

impl OnMissedVotes for () {
	fn on_missed_votes(_absentee: &AuthorityId, _strikes: u32) {}
}

/// What a block's parent votes are checked against ([`ParentContext`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, codec::Decode, TypeInfo, MaxEncodedLen)]
pub struct ParentVoteContext {
	/// The round of the parent block (its votes are of this round or later).
	pub parent_round: Round,
	/// The set that voted on the parent; `None` when the parent changed the set.
	pub voters: Option<SetId>,
}

pub use pallet::*;
pub use weights::WeightInfo;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
mod participation;
#[cfg(test)]
mod tests;
pub mod weights;

const LOG_TARGET: &str = "runtime::gosig";

/// How many blocks an equivocation report stays valid in the transaction pool.
pub const REPORT_LONGEVITY: u64 = 64;

/// The shortest round a chain may be configured with: a packer, two vote phases and the network
/// between them need more than half a second.
pub const MIN_ROUND_DURATION_MS: u64 = 500;

#[frame_support::pallet]
pub mod pallet {
	use super::*;

	/// The pallet's configuration.
	#[pallet::config]
	pub trait Config: frame_system::Config + pallet_timestamp::Config<Moment = u64> {
		/// The most billing peers an authority set may hold.
		#[pallet::constant]
		type MaxAuthorities: Get<u32>;

		/// The length of a round in milliseconds, unless the genesis sets another
		/// ([`RoundDurationMs`]). At least [`MIN_ROUND_DURATION_MS`].
		#[pallet::constant]
		type RoundDuration: Get<u64>;

		/// The number of blocks of a randomness epoch.
		#[pallet::constant]
		type EpochLength: Get<BlockNumberFor<Self>>;

		/// How many earlier authority sets are kept for equivocation reports.
		#[pallet::constant]
		type MaxPastSets: Get<u32>;

		/// The fewest blocks between two changes of the authority set (at least 1). With
		/// [`Config::MaxPastSets`] it bounds how fast a set leaves [`PastSets`]: a set is kept at
		/// least `MaxPastSets · MinChangeInterval` blocks after it ended, which must cover an
		/// equivocation report's life in the pool ([`REPORT_LONGEVITY`]), or members leaving one
		/// after another could push an offender's set out before its report lands.
		#[pallet::constant]
		type MinChangeInterval: Get<BlockNumberFor<Self>>;

		/// Told of every equivocation recorded.
		type OnEquivocation: OnEquivocation;

		/// The blocks of a participation window: billing peers absent from more than half of a
		/// window's votes get a strike ([`OnMissedVotes`]).
		#[pallet::constant]
		type ParticipationWindow: Get<BlockNumberFor<Self>>;

		/// Told of every strike for missed votes.
		type OnMissedVotes: OnMissedVotes;

		/// Weights of the calls.
		type WeightInfo: WeightInfo;
	}

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	/// The billing peers, by authority index.
	#[pallet::storage]
	pub type Authorities<T: Config> =
		StorageValue<_, BoundedVec<AuthorityId, T::MaxAuthorities>, ValueQuery>;

	/// The number of the current authority set.
	#[pallet::storage]
	pub type CurrentSetId<T> = StorageValue<_, SetId, ValueQuery>;

	/// The last [`Config::MaxPastSets`] authority sets before the current one, oldest first,
	/// with their numbers: equivocations committed in them can still be reported.
	#[pallet::storage]
	pub type PastSets<T: Config> = StorageValue<
		_,
		BoundedVec<(SetId, BoundedVec<AuthorityId, T::MaxAuthorities>), T::MaxPastSets>,
		ValueQuery,
	>;

	/// The block of the last change of the authority set: the next may come
	/// [`Config::MinChangeInterval`] blocks later.
	#[pallet::storage]
	pub type LastChangeAt<T: Config> = StorageValue<_, BlockNumberFor<T>, OptionQuery>;

	/// The election seed of the current epoch.
	#[pallet::storage]
	pub type EpochRandomness<T> = StorageValue<_, Randomness, ValueQuery>;

	/// The election seed being accumulated for the next epoch.
	#[pallet::storage]
	pub type NextEpochRandomness<T> = StorageValue<_, Randomness, ValueQuery>;

	/// The round of the latest block.
	#[pallet::storage]
	pub type CurrentRound<T> = StorageValue<_, Round, ValueQuery>;

	/// The probability that a round has at least one elected packer.
	#[pallet::storage]
	pub type ElectionTarget<T> = StorageValue<_, Perbill, ValueQuery>;

	/// The length of a round in milliseconds. Fixed at genesis (a chain-spec parameter):
	/// changing it on a running chain would renumber the rounds, which must only increase.
	#[pallet::storage]
	pub type RoundDurationMs<T: Config> = StorageValue<_, u64, ValueQuery, T::RoundDuration>;

	/// Equivocations recorded, by `(set id, round, authority index)`: a second report of the same
	/// offence is refused. Grows only with proven offences.
	#[pallet::storage]
	pub type ReportedEquivocations<T> =
		StorageMap<_, Twox64Concat, (SetId, Round, AuthorityIndex), (), OptionQuery>;

	/// Per billing peer of the current set, by authority index: `(counted, present)` — the blocks
	/// of this participation window (while it was in the set) that carried their parent's votes,
	/// and those whose votes included its own. Shorter than the set when a member has no entry
	/// yet (read as zeros).
	#[pallet::storage]
	pub type ParticipationTally<T: Config> =
		StorageValue<_, BoundedVec<(u32, u32), T::MaxAuthorities>, ValueQuery>;

	/// Consecutive participation windows each current billing peer was absent from. Cleared when
	/// it is present in a window or leaves the set.
	#[pallet::storage]
	pub type MissedVoteStrikes<T: Config> =
		StorageMap<_, Blake2_128Concat, AuthorityId, u32, ValueQuery>;

	/// Whether this block carried its parent's votes already (taken at the block's end).
	#[pallet::storage]
	pub type ParentVotesNoted<T> = StorageValue<_, bool, ValueQuery>;

	/// What the parent's votes are checked against, recorded by each block's `on_initialize`
	/// before any set change in the block: the parent's round and the set that voted on it
	/// (`None` when the parent changed the set: its votes count for nobody).
	#[pallet::storage]
	pub type ParentContext<T> = StorageValue<_, ParentVoteContext, OptionQuery>;

	/// How many equivocations each billing peer was recorded for.
	#[pallet::storage]
	pub type EquivocationCount<T> = StorageMap<_, Blake2_128Concat, AuthorityId, u32, ValueQuery>;

	/// The genesis billing peers and election target.
	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// The billing peers at genesis: none (builds nothing), or a list without duplicates.
		pub authorities: Vec<AuthorityId>,
		/// The probability that a round has at least one elected packer.
		pub election_target: Perbill,
		/// The length of a round in milliseconds; `None` keeps [`Config::RoundDuration`].
		pub round_duration_ms: Option<u64>,
		#[serde(skip)]
		#[doc(hidden)]
		pub _config: core::marker::PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			// The default (empty) configuration builds nothing: a chain without billing peers
			// cannot author, and every preset of the runtime names its billing peers.
			if self.authorities.is_empty() {
				return;
			}
			let authorities = Pallet::<T>::validate_authorities(self.authorities.clone())
				.unwrap_or_else(|e| panic!("invalid Gosig genesis authorities: {e:?}"));
			assert!(!self.election_target.is_zero(), "the Gosig election target must not be zero");
			if let Some(ms) = self.round_duration_ms {
				assert!(
					ms >= MIN_ROUND_DURATION_MS,
					"the Gosig round must last at least {MIN_ROUND_DURATION_MS} ms, not {ms} ms"
				);
				RoundDurationMs::<T>::put(ms);
			}
			let seed = sp_io::hashing::blake2_256(&authorities.encode());
			Authorities::<T>::put(authorities);
			ElectionTarget::<T>::put(self.election_target);
			EpochRandomness::<T>::put(seed);
			NextEpochRandomness::<T>::put(seed);
		}
	}

	/// Events of the pallet.
	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// The billing peers were replaced; the new set has number `set_id`.
		AuthoritiesChanged {
			/// The new set's number.
			set_id: SetId,
			/// How many billing peers it has.
			count: u32,
		},
		/// The election target changed.
		ElectionTargetChanged {
			/// The new probability that a round has at least one elected packer.
			target: Perbill,
		},
		/// A billing peer was proven to have signed two conflicting messages in one round.
		EquivocationReported {
			/// The offender.
			offender: AuthorityId,
			/// Its authority set.
			set_id: SetId,
			/// The round.
			round: Round,
		},
		/// A billing peer missed the votes of more than half the blocks of a participation
		/// window.
		MissedVotes {
			/// The billing peer.
			authority: AuthorityId,
			/// Blocks of the window counted for it.
			counted: u32,
			/// Of those, the blocks that carried its vote.
			present: u32,
			/// Windows in a row it was absent from.
			strikes: u32,
		},
	}

	/// Errors of the pallet.
	#[pallet::error]
	pub enum Error<T> {
		/// An authority set must hold at least one billing peer.
		EmptyAuthoritySet,
		/// A billing peer appears twice in the authority set.
		DuplicateAuthority,
		/// The election target must be above zero, or no round would have a packer.
		ZeroElectionTarget,
		/// More billing peers than `MaxAuthorities`.
		TooManyAuthorities,
		/// The equivocation proof does not hold: different signers, rounds or vote kinds, the
		/// same block twice, or a bad signature.
		InvalidEquivocationProof,
		/// The equivocation proof is for an authority set older than those kept.
		StaleEquivocationProof,
		/// This equivocation was recorded already.
		DuplicateEquivocationReport,
		/// The authority set changed fewer than `MinChangeInterval` blocks ago.
		SetChangedRecently,
		/// A block carries its parent's votes once.
		ParentVotesNotedTwice,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(n: BlockNumberFor<T>) -> Weight {
			let window = T::ParticipationWindow::get();
			let judged = if !n.is_zero() && !window.is_zero() && (n % window).is_zero() {
				Self::end_participation_window()
			} else {
				Weight::zero()
			};
			let previous = CurrentRound::<T>::get();
			// The parent was voted on by the set in force at its start: the current one, unless
			// the parent changed it. Written for every block, so that no block reads an older
			// block's context.
			let parent = n.saturating_sub(One::one());
			let voters = (LastChangeAt::<T>::get() != Some(parent) || parent.is_zero())
				.then(CurrentSetId::<T>::get);
			ParentContext::<T>::put(ParentVoteContext { parent_round: previous, voters });
			let Some(pre) = Self::pre_digest() else {
				return judged.saturating_add(T::DbWeight::get().reads_writes(3, 1));
			};
			assert!(
				pre.round > previous,
				"Gosig round must increase: block of round {} after round {previous}",
				pre.round
			);
			CurrentRound::<T>::put(pre.round);

			// Mix the packer's VRF output into the next epoch's seed. The node evaluated the VRF
			// against the seed of the parent's state, which is the one stored now.
			let seed = EpochRandomness::<T>::get();
			match Self::vrf_output(&pre, &seed) {
				Some(output) => NextEpochRandomness::<T>::mutate(|next| {
					*next = sp_io::hashing::blake2_256(&(&*next, output).encode());
				}),
				None => log::error!(
					target: LOG_TARGET,
					"block of round {} has no usable VRF output of billing peer {}",
					pre.round,
					pre.authority_index
				),
			}
			let epoch = T::EpochLength::get();
			if !n.is_zero() && !epoch.is_zero() && (n % epoch).is_zero() {
				EpochRandomness::<T>::put(NextEpochRandomness::<T>::get());
			}
			// Reads: CurrentRound, EpochRandomness, Authorities, NextEpochRandomness,
			// LastChangeAt, CurrentSetId (the digest is in memory). Writes: CurrentRound,
			// NextEpochRandomness, EpochRandomness, ParentContext, and ParentVotesNoted at the
			// block's end.
			T::DbWeight::get().reads_writes(6, 5).saturating_add(judged)
		}

		fn on_finalize(_n: BlockNumberFor<T>) {
			ParentVotesNoted::<T>::kill();
		}

		fn integrity_test() {
			assert!(
				T::RoundDuration::get() >= MIN_ROUND_DURATION_MS,
				"RoundDuration must be at least MIN_ROUND_DURATION_MS"
			);
			assert!(!T::EpochLength::get().is_zero(), "EpochLength must be positive");
			assert!(T::MaxAuthorities::get() > 0, "MaxAuthorities must be positive");
			assert!(
				!T::ParticipationWindow::get().is_zero(),
				"ParticipationWindow must be positive"
			);
			assert!(!T::MinChangeInterval::get().is_zero(), "MinChangeInterval must be positive");
			assert!(
				T::MaxAuthorities::get() <= spacebook_gosig_primitives::MAX_PARENT_VOTES,
				"a block's parent votes must have room for the whole set"
			);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Replace the billing peers.
		///
		/// - Origin: root.
		/// - `authorities`: the new set, in authority-index order; not empty, no duplicates.
		///
		/// Increments the set id and announces the change in the block's header
		/// ([`ConsensusLog::AuthoritiesChange`]). Takes effect once this block is final: the
		/// block itself is voted on by the old set (the engine reads the set at a block's parent)
		/// and the new set votes from its children on. Fails with
		/// [`Error::SetChangedRecently`] within [`Config::MinChangeInterval`] blocks of the last
		/// change.
		///
		/// Emits [`Event::AuthoritiesChanged`].
		///
		/// Complexity: `O(a log a)` in the number of billing peers `a` (duplicate check).
		#[pallet::call_index(0)]
		#[pallet::weight(<T as Config>::WeightInfo::set_authorities(authorities.len() as u32))]
		pub fn set_authorities(
			origin: OriginFor<T>,
			authorities: BoundedVec<AuthorityId, T::MaxAuthorities>,
		) -> DispatchResult {
			ensure_root(origin)?;
			Self::change_authorities(authorities.into_inner())
		}

		/// Change the probability that a round has at least one elected packer.
		///
		/// - Origin: root.
		/// - `target`: the new probability; above zero.
		///
		/// Emits [`Event::ElectionTargetChanged`].
		///
		/// Complexity: `O(1)`.
		#[pallet::call_index(1)]
		#[pallet::weight(<T as Config>::WeightInfo::set_election_target())]
		pub fn set_election_target(origin: OriginFor<T>, target: Perbill) -> DispatchResult {
			ensure_root(origin)?;
			ensure!(!target.is_zero(), Error::<T>::ZeroElectionTarget);
			ElectionTarget::<T>::put(target);
			Self::deposit_event(Event::ElectionTargetChanged { target });
			Ok(())
		}

		/// Record that a billing peer signed two conflicting votes, or proposed two different
		/// blocks, in one round.
		///
		/// - Origin: none. The call is authorized by its proof (`#[pallet::authorize]`): the
		///   transaction is valid, and free, only while the proof checks against its authority
		///   set (the current one or one of [`PastSets`]) and the offence is not recorded yet. Billing peers' nodes submit it.
		/// - `proof`: the two signed messages.
		///
		/// Records the offence once per `(set id, round, offender)`, counts it against the
		/// offender and tells [`Config::OnEquivocation`].
		///
		/// Emits [`Event::EquivocationReported`].
		///
		/// Complexity: `O(1)`: two signature checks, three storage accesses (the authority set
		/// is bounded by `MaxAuthorities`); for two blocks, also two hashes of headers of at most
		/// [`MAX_SEALED_HEADER_LEN`](spacebook_gosig_primitives::MAX_SEALED_HEADER_LEN) bytes and two reads of block hashes
		/// ([`Pallet::report_equivocation_weight`]).
		#[pallet::call_index(2)]
		#[pallet::weight(Pallet::<T>::report_equivocation_weight(proof))]
		#[pallet::authorize(Pallet::<T>::authorize_report_equivocation)]
		#[pallet::weight_of_authorize(
			<T as Config>::WeightInfo::authorize_report_equivocation()
				.max(<T as Config>::WeightInfo::authorize_report_block_equivocation())
		)]
		pub fn report_equivocation(
			origin: OriginFor<T>,
			proof: alloc::boxed::Box<EquivocationProofOf<T>>,
		) -> DispatchResult {
			frame_system::ensure_authorized(origin)?;
			let (index, offender) = Self::check_equivocation(&proof)?;
			let (set_id, round) = (proof.set_id(), proof.round());
			ReportedEquivocations::<T>::insert((set_id, round, index), ());
			EquivocationCount::<T>::mutate(&offender, |count| *count = count.saturating_add(1));
			T::OnEquivocation::on_equivocation(&offender, set_id, round);
			log::warn!(
				target: LOG_TARGET,
				"billing peer {index} equivocated in round {round} of set {set_id}"
			);
			Self::deposit_event(Event::EquivocationReported { offender, set_id, round });
			Ok(())
		}

		/// Count the votes the packer saw for this block's parent.
		///
		/// - Origin: none; an inherent the packer's node puts in the block
		///   ([`PARENT_VOTES_INHERENT_IDENTIFIER`]). A block without it counts for nobody.
		/// - `votes`: the parent's votes in the round it was committed, at most one per billing
		///   peer, by increasing authority index.
		///
		/// The votes must be of the set that voted on the parent, in a round from the parent's
		/// to this block's, for the parent's hash and number; a vote that does not hold (or
		/// every vote, for another set or round, or a parent that changed the set) counts for
		/// nobody, and the block stays valid: the inherent is the packer's, and nothing a
		/// Byzantine billing peer gossips may make an honest packer's block fail. Each member of
		/// the voting set still in the set is *counted* once more, and *present* if its vote is
		/// in ([`ParticipationTally`]). Fails only with [`Error::ParentVotesNotedTwice`].
		///
		/// Complexity: `O(v)` signature checks for `v` votes, at most `MaxAuthorities`.
		#[pallet::call_index(3)]
		#[pallet::weight((
			<T as Config>::WeightInfo::note_parent_votes(votes.votes.len() as u32),
			DispatchClass::Mandatory
		))]
		pub fn note_parent_votes(origin: OriginFor<T>, votes: ParentVotes) -> DispatchResult {
			ensure_none(origin)?;
			Self::count_parent_votes(&votes)
		}
	}

	#[pallet::inherent]
	impl<T: Config> ProvideInherent for Pallet<T> {
		type Call = Call<T>;
		type Error = sp_inherents::MakeFatalError<()>;
		const INHERENT_IDENTIFIER: InherentIdentifier = PARENT_VOTES_INHERENT_IDENTIFIER;

		fn create_inherent(data: &InherentData) -> Option<Self::Call> {
			let votes: ParentVotes = data.get_data(&Self::INHERENT_IDENTIFIER).ok().flatten()?;
			Some(Call::note_parent_votes { votes })
		}

		fn is_inherent(call: &Self::Call) -> bool {
			matches!(call, Call::note_parent_votes { .. })
		}
	}
}

impl<T: Config> Pallet<T> {
	/// The weight of reporting `proof`: a proof of two blocks hashes two headers of up to
	/// [`MAX_SEALED_HEADER_LEN`](spacebook_gosig_primitives::MAX_SEALED_HEADER_LEN) bytes and reads two block hashes, which a proof of two votes
	/// does not.
	pub fn report_equivocation_weight(proof: &EquivocationProofOf<T>) -> Weight {
		let check = match proof {
			EquivocationProof::Blocks { .. } => {
				<T as Config>::WeightInfo::report_block_equivocation()
			}
			_ => <T as Config>::WeightInfo::report_equivocation(),
		};
		check.saturating_add(T::OnEquivocation::weight())
	}

	/// What the node's engine needs for a round, as of the current state.
	pub fn configuration() -> GosigConfiguration {
		let authorities = Authorities::<T>::get().into_inner();
		let q = per_peer_probability(ElectionTarget::<T>::get(), authorities.len() as u32);
		GosigConfiguration {
			round_duration_ms: RoundDurationMs::<T>::get(),
			authorities,
			set_id: CurrentSetId::<T>::get(),
			randomness: EpochRandomness::<T>::get(),
			proposer_threshold: proposer_threshold(q),
		}
	}

	/// The hash of this chain's genesis block, which every Gosig signature covers.
	pub fn genesis_hash() -> T::Hash {
		frame_system::Pallet::<T>::block_hash(BlockNumberFor::<T>::zero())
	}

	/// Replace the billing peers (see [`Pallet::set_authorities`]): the set is validated, the
	/// old one joins [`PastSets`], the change is announced in the block's header. Changes are at
	/// least [`Config::MinChangeInterval`] blocks apart ([`Error::SetChangedRecently`]).
	pub fn change_authorities(authorities: Vec<AuthorityId>) -> DispatchResult {
		ensure!(Self::can_change(), Error::<T>::SetChangedRecently);
		let authorities = Self::validate_authorities(authorities)?;
		let count = authorities.len() as u32;
		let old_id = CurrentSetId::<T>::get();
		PastSets::<T>::mutate(|past| {
			if past.is_full() && !past.is_empty() {
				past.remove(0);
			}
			// Nothing is kept when `MaxPastSets` is zero.
			let _ = past.try_push((old_id, Authorities::<T>::get()));
		});
		Self::carry_participation(&authorities);
		let set_id = old_id.saturating_add(1);
		CurrentSetId::<T>::put(set_id);
		// Announce the change in the header, so that header-following nodes learn of it.
		let log = ConsensusLog::AuthoritiesChange {
			set_id,
			authorities: authorities.clone().into_inner(),
		};
		frame_system::Pallet::<T>::deposit_log(sp_runtime::generic::DigestItem::Consensus(
			GOSIG_ENGINE_ID,
			log.encode(),
		));
		Authorities::<T>::put(authorities);
		LastChangeAt::<T>::put(frame_system::Pallet::<T>::block_number());
		Self::deposit_event(Event::AuthoritiesChanged { set_id, count });
		Ok(())
	}

	/// Whether this block may change the authority set: at least [`Config::MinChangeInterval`]
	/// blocks (one: not in the same block) after the last change.
	pub fn can_change() -> bool {
		let interval = T::MinChangeInterval::get().max(One::one());
		LastChangeAt::<T>::get().is_none_or(|at| {
			frame_system::Pallet::<T>::block_number() >= at.saturating_add(interval)
		})
	}

	/// The authority set numbered `set_id`, if it is the current one or a kept past one.
	pub fn authorities_of(set_id: SetId) -> Option<BoundedVec<AuthorityId, T::MaxAuthorities>> {
		if set_id == CurrentSetId::<T>::get() {
			return Some(Authorities::<T>::get());
		}
		PastSets::<T>::get().into_iter().find(|(id, _)| *id == set_id).map(|(_, set)| set)
	}

	/// Check an equivocation proof against its authority set (the current one or a kept past
	/// one) and the offences recorded. Returns the offender's index and id.
	pub fn check_equivocation(
		proof: &EquivocationProofOf<T>,
	) -> Result<(AuthorityIndex, AuthorityId), Error<T>> {
		let authorities =
			Self::authorities_of(proof.set_id()).ok_or(Error::<T>::StaleEquivocationProof)?;
		let index = proof.check(proof.set_id(), &Self::genesis_hash(), &authorities).map_err(
			|e| match e {
				EquivocationError::WrongSet => Error::<T>::StaleEquivocationProof,
				_ => Error::<T>::InvalidEquivocationProof,
			},
		)?;
		ensure!(
			!ReportedEquivocations::<T>::contains_key((proof.set_id(), proof.round(), index)),
			Error::<T>::DuplicateEquivocationReport
		);
		// Blocks prove an equivocation here only if both were packed on this chain: their
		// parents are this chain's blocks (a billing peer that reuses its key on a chain with
		// aligned rounds packs blocks there too). Parents older than `BlockHashCount` blocks
		// cannot be checked, so such a proof is refused: nodes report at import.
		for (number, parent) in proof.block_parents() {
			use sp_runtime::SaturatedConversion;
			let on_this_chain = number.checked_sub(1).is_some_and(|parent_number| {
				let at: BlockNumberFor<T> = parent_number.saturated_into();
				// A hash the chain no longer keeps reads as the default: never a match.
				at.saturated_into::<u64>() == parent_number
					&& parent != T::Hash::default()
					&& frame_system::Pallet::<T>::block_hash(at) == parent
			});
			ensure!(on_this_chain, Error::<T>::InvalidEquivocationProof);
		}
		let offender =
			authorities.get(index as usize).cloned().ok_or(Error::<T>::InvalidEquivocationProof)?;
		Ok((index, offender))
	}

	/// The transaction validity of [`Pallet::report_equivocation`]: valid while the proof holds
	/// and the offence is not recorded; one transaction per offence in the pool.
	pub fn authorize_report_equivocation(
		_source: TransactionSource,
		proof: &alloc::boxed::Box<EquivocationProofOf<T>>,
	) -> TransactionValidityWithRefund {
		let (index, _) = Self::check_equivocation(proof).map_err(|e| match e {
			Error::<T>::InvalidEquivocationProof => InvalidTransaction::BadProof,
			_ => InvalidTransaction::Stale,
		})?;
		let validity = ValidTransaction::with_tag_prefix("GosigEquivocation")
			.priority(TransactionPriority::MAX / 2)
			.and_provides((proof.set_id(), proof.round(), index))
			.longevity(REPORT_LONGEVITY)
			.propagate(true)
			.build()?;
		Ok((validity, Weight::zero()))
	}

	/// Submit a report of `proof` to the transaction pool, from the node's runtime API call
	/// (which must have the offchain transaction-pool extension).
	pub fn submit_report_equivocation(proof: EquivocationProofOf<T>) -> bool
	where
		T: frame_system::offchain::CreateAuthorizedTransaction<Call<T>>,
	{
		use frame_system::offchain::SubmitTransaction;
		let call = Call::<T>::report_equivocation { proof: alloc::boxed::Box::new(proof) };
		let xt = T::create_authorized_transaction(call.into());
		SubmitTransaction::<T, Call<T>>::submit_transaction(xt).is_ok()
	}

	/// The Gosig pre-digest of the block being executed, if any.
	pub fn pre_digest() -> Option<PreDigest> {
		frame_system::Pallet::<T>::digest()
			.logs
			.iter()
			.find_map(|log| log.pre_runtime_try_to::<PreDigest>(&GOSIG_ENGINE_ID))
	}

	/// The block's VRF output for the randomness accumulator, or `None` if the author index is
	/// unknown or the pre-output does not belong to the author.
	fn vrf_output(pre: &PreDigest, seed: &Randomness) -> Option<[u8; 32]> {
		let authorities = Authorities::<T>::get();
		let author = authorities.get(pre.authority_index as usize)?;
		let public: &sp_core::sr25519::Public = author.as_ref();
		pre.vrf_signature
			.pre_output
			.make_bytes::<32>(VRF_RANDOMNESS_CONTEXT, &vrf_input(seed, pre.round), public)
			.ok()
	}

	fn validate_authorities(
		authorities: Vec<AuthorityId>,
	) -> Result<BoundedVec<AuthorityId, T::MaxAuthorities>, Error<T>> {
		ensure!(!authorities.is_empty(), Error::<T>::EmptyAuthoritySet);
		let mut sorted = authorities.clone();
		sorted.sort();
		sorted.dedup();
		ensure!(sorted.len() == authorities.len(), Error::<T>::DuplicateAuthority);
		// The call's argument is bounded already; a genesis list may be longer.
		BoundedVec::try_from(authorities).map_err(|_| Error::<T>::TooManyAuthorities)
	}

	/// Invariants: the authority set is not empty and has no duplicates; the election target is
	/// above zero; the round is not shorter than [`MIN_ROUND_DURATION_MS`].
	#[cfg(any(feature = "try-runtime", test))]
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		let authorities = Authorities::<T>::get();
		ensure!(!authorities.is_empty(), "Gosig authority set is empty");
		let mut sorted = authorities.clone().into_inner();
		sorted.sort();
		sorted.dedup();
		ensure!(sorted.len() == authorities.len(), "Gosig authority set has duplicates");
		ensure!(!ElectionTarget::<T>::get().is_zero(), "Gosig election target is zero");
		let past = PastSets::<T>::get();
		ensure!(
			past.windows(2).all(|w| w[0].0 < w[1].0)
				&& past.last().is_none_or(|(id, _)| *id < CurrentSetId::<T>::get()),
			"Gosig's past sets are not older than the current one, in order"
		);
		ensure!(
			RoundDurationMs::<T>::get() >= MIN_ROUND_DURATION_MS,
			"Gosig round shorter than the minimum"
		);
		Self::participation_invariants()
	}
}

impl<T: Config> OnTimestampSet<u64> for Pallet<T> {
	/// A block packed by Gosig must carry a timestamp inside its round.
	fn on_timestamp_set(moment: u64) {
		let Some(pre) = Self::pre_digest() else { return };
		assert_eq!(
			pre.round,
			round_of::<T>(moment),
			"Gosig timestamp round mismatch: timestamp {moment} is not in round {}",
			pre.round
		);
	}
}

impl<T: Config> FindAuthor<u32> for Pallet<T> {
	fn find_author<'a, I>(digests: I) -> Option<u32>
	where
		I: 'a + IntoIterator<Item = (sp_runtime::ConsensusEngineId, &'a [u8])>,
	{
		digests.into_iter().find_map(|(id, mut data)| {
			(id == GOSIG_ENGINE_ID)
				.then(|| <PreDigest as codec::Decode>::decode(&mut data).ok())
				.flatten()
				.map(|pre| pre.authority_index)
		})
	}
}

impl<T: Config> sp_runtime::BoundToRuntimeAppPublic for Pallet<T> {
	type Public = AuthorityId;
}

/// The round of a timestamp under the pallet's round duration.
pub fn round_of<T: Config>(moment: u64) -> Round {
	moment / RoundDurationMs::<T>::get().max(1)
}

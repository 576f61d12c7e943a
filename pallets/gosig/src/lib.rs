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
//! - **Round**: a slot of [`Config::RoundDuration`] milliseconds; round `r` covers timestamps
//!   `[r·d, (r+1)·d)`. A block belongs to the round in its pre-runtime digest; rounds strictly
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
//! - [`Pallet::set_authorities`]: replace the billing peers (root).
//! - [`Pallet::set_election_target`]: change the election target (root).
//!
//! Both are root calls for now; the governance committee takes them over later.
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
use sp_runtime::{traits::Zero, Perbill};
use spacebook_gosig_primitives::{
	per_peer_probability, proposer_threshold, vrf_input, AuthorityId, GosigConfiguration,
	PreDigest, Randomness, Round, SetId, GOSIG_ENGINE_ID, VRF_RANDOMNESS_CONTEXT,
};

pub use pallet::*;
pub use weights::WeightInfo;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod weights;

const LOG_TARGET: &str = "runtime::gosig";

#[frame_support::pallet]
pub mod pallet {
	use super::*;

	/// The pallet's configuration.
	#[pallet::config]
	pub trait Config: frame_system::Config + pallet_timestamp::Config<Moment = u64> {
		/// The most billing peers an authority set may hold.
		#[pallet::constant]
		type MaxAuthorities: Get<u32>;

		/// The length of a round in milliseconds.
		#[pallet::constant]
		type RoundDuration: Get<u64>;

		/// The number of blocks of a randomness epoch.
		#[pallet::constant]
		type EpochLength: Get<BlockNumberFor<Self>>;

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

	/// The genesis billing peers and election target.
	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// The billing peers at genesis: none (builds nothing), or a list without duplicates.
		pub authorities: Vec<AuthorityId>,
		/// The probability that a round has at least one elected packer.
		pub election_target: Perbill,
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
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(n: BlockNumberFor<T>) -> Weight {
			let Some(pre) = Self::pre_digest() else {
				return Weight::zero();
			};
			let previous = CurrentRound::<T>::get();
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
			// Reads: CurrentRound, EpochRandomness, Authorities, NextEpochRandomness (the digest
			// is in memory). Writes: CurrentRound, NextEpochRandomness, EpochRandomness.
			T::DbWeight::get().reads_writes(4, 3)
		}

		fn integrity_test() {
			assert!(T::RoundDuration::get() > 0, "RoundDuration must be positive");
			assert!(!T::EpochLength::get().is_zero(), "EpochLength must be positive");
			assert!(T::MaxAuthorities::get() > 0, "MaxAuthorities must be positive");
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
		/// Increments the set id. Takes effect from the next block: the engine reads the set
		/// at a block's parent.
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
			let authorities = Self::validate_authorities(authorities.into_inner())?;
			let count = authorities.len() as u32;
			let set_id = CurrentSetId::<T>::mutate(|id| {
				*id = id.saturating_add(1);
				*id
			});
			Authorities::<T>::put(authorities);
			Self::deposit_event(Event::AuthoritiesChanged { set_id, count });
			Ok(())
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
	}
}

impl<T: Config> Pallet<T> {
	/// What the node's engine needs for a round, as of the current state.
	pub fn configuration() -> GosigConfiguration {
		let authorities = Authorities::<T>::get().into_inner();
		let q = per_peer_probability(ElectionTarget::<T>::get(), authorities.len() as u32);
		GosigConfiguration {
			round_duration_ms: T::RoundDuration::get(),
			authorities,
			set_id: CurrentSetId::<T>::get(),
			randomness: EpochRandomness::<T>::get(),
			proposer_threshold: proposer_threshold(q),
		}
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
	/// above zero.
	#[cfg(any(feature = "try-runtime", test))]
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		let authorities = Authorities::<T>::get();
		ensure!(!authorities.is_empty(), "Gosig authority set is empty");
		let mut sorted = authorities.clone().into_inner();
		sorted.sort();
		sorted.dedup();
		ensure!(sorted.len() == authorities.len(), "Gosig authority set has duplicates");
		ensure!(!ElectionTarget::<T>::get().is_zero(), "Gosig election target is zero");
		Ok(())
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
	moment / T::RoundDuration::get().max(1)
}

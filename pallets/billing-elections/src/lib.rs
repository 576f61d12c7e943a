//! # Billing-peer elections
//!
//! SPB holders elect the chain's **billing peers**, the Gosig validators (whitepaper ch.2 §5 iii:
//! "no more than 21 nodes will be elected as default billing peers, whilst other running nodes
//! will be appointed as backup billing peers"; ch.3 §2 iv: votes are locked SPB; ch.4 §4:
//! regional partners have priority under equal conditions). The design and the choice of the
//! decision method are argued in `docs/billing.md`.
//!
//! ## Terms
//!
//! - **Candidate**: an account registered as a billing-peer candidate in the peer registry, with
//!   its deposit and its Gosig key ([`Config::Candidates`]). It may be elected while it is
//!   neither leaving nor suspended.
//! - **Vote**: SPB a voter gives to up to [`Config::MaxVotes`] candidates, an amount each;
//!   1 SPB is one vote. It is given to the candidate's registration: a candidate that leaves
//!   and registers again starts without votes. The whole vote is **locked** (a hold with its own
//!   reason, [`HoldReason::BillingVote`]): it stays in the voter's account but cannot be moved,
//!   and no other hold or slash reaches it. A hold rather than a freeze: freezes overlap holds,
//!   so a freeze on an account with a deposit on hold would leave the voted SPB free to move
//!   (fifth review); SPB frozen by a vesting schedule may still vote (holds overlap freezes).
//!   A vote is replaced as a whole ([`Pallet::vote`]) or withdrawn ([`Pallet::unvote`]).
//! - **Unbonding**: SPB a voter took out of its vote stays locked for
//!   [`Config::UnbondingPeriod`] blocks, then [`Pallet::withdraw_unbonded`] unlocks it (a larger
//!   vote takes unbonding SPB back first). Moving SPB between candidates is immediate; taking
//!   them out of the election is not, so locked SPB cannot vote and be spent within an era.
//! - **Voter list**: the voters by the size of their vote, at most [`Config::MaxVoters`]. When it
//!   is full, a new vote must be larger than the smallest, which it displaces (that voter's SPB
//!   goes to unbonding): the list cannot be filled with dust to keep voters out.
//! - **Era**: [`EraLength`] blocks (set at genesis: a day on a production chain, minutes on
//!   `dev` and `local`). At each era's first block the votes are counted by the
//!   [`ElectionMethod`] in force: at most [`Config::MaxElected`] (21) candidates are
//!   **elected** and become the next Gosig authority set ([`Config::AuthoritySet`]); the others
//!   are the **backups**, ranked. With fewer than [`Config::MinElected`] electable, the set is
//!   kept unless it has fewer eligible members still. Only candidates backed with at least
//!   [`Config::MinBacking`] are elected or promoted.
//! - **Registry bar**: what a candidate's backing must reach to keep its place in a full
//!   candidate registry ([`Pallet::registry_bar`]): [`Config::MinBacking`], or
//!   [`MinBackingShare`] of all SPB held for the elections ([`TotalLocked`]) if that is more.
//! - **Probation**: a billing peer seated by an election or a replacement is **on probation**
//!   until it packs a block. A set of `n` holds at most [`turnover_budget`]`(n)` = `⌊(n − 1) / 3⌋`
//!   (at least one) members on probation: elected candidates beyond it wait at the head of the
//!   backups while proven incumbents keep their seats, so that votes alone can never seat more
//!   members than Gosig tolerates silent.
//! - **Ties**: equal backing is broken for a **regional partner** ([`RegionalPartners`], set by
//!   [`Config::PartnerOrigin`]), then for the older registration.
//! - **Replacement**: a billing peer that leaves the registry or is evicted (the penalty ladder,
//!   an equivocation) is taken out of the set at the next block, and the best eligible backup
//!   takes its place ([`Pallet::note_departure`]). Departures kept at the floor are tried
//!   again every [`Config::ReplacementRetry`] blocks.
//!
//! ## Calls
//!
//! - [`Pallet::vote`], [`Pallet::unvote`], [`Pallet::withdraw_unbonded`]: any SPB holder.
//! - [`Pallet::set_regional_partner`]: [`Config::PartnerOrigin`] (the foundation or the
//!   committee).
//! - [`Pallet::set_election_method`], [`Pallet::set_min_backing_share`]:
//!   [`Config::MethodOrigin`] (the committee's 7 of 9 once it exists; root until then).
//! - [`Pallet::back_self`] (no call): the registry's backed registration, a candidate's vote
//!   for itself.
#![cfg_attr(not(feature = "std"), no_std)]
#![warn(missing_docs)]

extern crate alloc;

pub use pallet::*;
pub use turnover::turnover_budget;
pub use types::*;
pub use weights::WeightInfo;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod election;
mod invariants;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
mod turnover;
pub mod types;
mod views;
mod voting;
pub mod weights;

use alloc::vec::Vec;
use frame_support::dispatch::DispatchResult;

const LOG_TARGET: &str = "runtime::billing-elections";

/// The peer registry's billing-peer candidates, as the election sees them.
pub trait BillingCandidates<AccountId, BillingKey> {
	/// The candidates that may be elected now: registered with their deposit, neither leaving
	/// nor suspended. At most the registry's bound on candidates.
	fn eligible() -> Vec<Candidate<AccountId, BillingKey>>;
	/// `who`'s registration number if it is a registered candidate that is not leaving: a
	/// vote may name it.
	fn registration_of(who: &AccountId) -> Option<u64>;
	/// Whether `who` may be elected now (as [`BillingCandidates::eligible`] says).
	fn is_eligible(who: &AccountId) -> bool;
	/// `who`'s Gosig key, while it is registered.
	fn key_of(who: &AccountId) -> Option<BillingKey>;
	/// The registered candidate whose Gosig key is `key` (for the runtime API's views).
	fn account_of(key: &BillingKey) -> Option<AccountId>;
	/// Whether the departed billing peer of `key` left of its own accord (it was not evicted):
	/// it may keep its seat while the set has no one to replace it.
	fn may_keep_seat(key: &BillingKey) -> bool;
}

/// Gosig's authority set, as the election changes it.
pub trait AuthoritySet<BillingKey> {
	/// The billing peers' keys now.
	fn authorities() -> Vec<BillingKey>;
	/// Whether this block may still carry a change (Gosig takes one a block).
	fn can_change() -> bool;
	/// The most billing peers a set may hold.
	fn max_authorities() -> u32;
	/// Replace the set (announced in the block's header, in force once the block is final).
	/// Fails when this block cannot carry a change (one was made in it already) or the set is
	/// not valid (empty, duplicates, too many).
	fn change(keys: Vec<BillingKey>) -> DispatchResult;
	/// The billing peer that packed the block being built, as the set before any change in
	/// this block names it (read in `on_initialize`; at most two storage reads).
	fn packer() -> Option<BillingKey>;
	/// Each billing peer's `(counted, present, strikes)` in the votes of the current
	/// participation window, by authority index, and the window's length (for the runtime API;
	/// nothing by default).
	fn participation() -> (Vec<(u32, u32, u32)>, u32) {
		(Vec::new(), 0)
	}
}

/// Prepares the benchmarks' candidates and voters.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId> {
	/// Register `who` as an eligible candidate (its deposit, a key of its own).
	fn register_candidate(who: &AccountId, i: u32);
	/// Give `who` enough free SPB for any vote of the benchmarks.
	fn fund(who: &AccountId);
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::{pallet_prelude::*, traits::fungible};
	use frame_system::pallet_prelude::*;
	use sp_runtime::{traits::Zero, Perbill};

	/// The pallet's configuration.
	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The SPB currency (pallet-balances), whose holds lock the votes.
		type Currency: fungible::Inspect<Self::AccountId, Balance = u128>
			+ fungible::InspectHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
			+ fungible::MutateHold<Self::AccountId>;

		/// The overarching hold reason, which includes [`HoldReason`].
		type RuntimeHoldReason: From<HoldReason>;

		/// A billing peer's Gosig key.
		type BillingKey: Parameter + Member + MaxEncodedLen + Ord;

		/// The billing-peer candidates (the peer registry).
		type Candidates: BillingCandidates<Self::AccountId, Self::BillingKey>;

		/// Gosig's authority set.
		type AuthoritySet: AuthoritySet<Self::BillingKey>;

		/// Sets the decision method: a major issue, the committee's 7-of-9 motion (ch.4 §3);
		/// root until the committee exists.
		type MethodOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Names regional partners (ch.4 §4): the foundation or the committee.
		type PartnerOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The most billing peers an era elects (the whitepaper's 21).
		#[pallet::constant]
		type MaxElected: Get<u32>;

		/// The fewest an election must elect to replace the set: with fewer, the set is kept.
		#[pallet::constant]
		type MinElected: Get<u32>;

		/// The most backups ranked.
		#[pallet::constant]
		type MaxBackups: Get<u32>;

		/// The most candidates an election looks at (the registry's bound on candidates).
		#[pallet::constant]
		type MaxCandidates: Get<u32>;

		/// The most candidates one vote names.
		#[pallet::constant]
		type MaxVotes: Get<u32>;

		/// The most voters (the voter list's bound: Phragmén reads every vote in one block).
		#[pallet::constant]
		type MaxVoters: Get<u32>;

		/// The smallest vote.
		#[pallet::constant]
		type MinVote: Get<u128>;

		/// The least backing a candidate needs to be elected or promoted from the backups: a
		/// seat is not filled with dust (a planck of a split vote backs a candidate under
		/// Phragmén with the voter's whole stake, but counts here as a planck).
		#[pallet::constant]
		type MinBacking: Get<u128>;

		/// [`MinBackingShare`] unless the genesis or [`Pallet::set_min_backing_share`] sets
		/// another.
		#[pallet::constant]
		type DefaultMinBackingShare: Get<Perbill>;

		/// Blocks between two tries to replace departed billing peers that the floor keeps
		/// waiting ([`Departed`]) for want of a backup; a new departure is tried at once.
		#[pallet::constant]
		type ReplacementRetry: Get<BlockNumberFor<Self>>;

		/// Blocks SPB taken out of a vote stays locked.
		#[pallet::constant]
		type UnbondingPeriod: Get<BlockNumberFor<Self>>;

		/// The most unbonding chunks a voter has; more are merged into the last.
		#[pallet::constant]
		type MaxUnbonding: Get<u32>;

		/// The era's length unless the genesis sets another ([`EraLength`]).
		#[pallet::constant]
		type DefaultEraLength: Get<BlockNumberFor<Self>>;

		/// Weights of the calls and hooks.
		type WeightInfo: WeightInfo;

		/// Prepares the benchmarks' candidates.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::AccountId>;
	}

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	/// Why the pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// SPB voting in the billing-peer elections, or unbonding from a vote.
		#[codec(index = 0)]
		BillingVote,
	}

	/// Each voter's vote: the candidates it backs and the SPB it gives each.
	#[pallet::storage]
	pub type Votes<T: Config> = StorageMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		VoteOf<T::AccountId, u128, T::MaxVotes>,
		OptionQuery,
	>;

	/// The voters by the size of their vote, smallest first (ties by account): at most
	/// [`Config::MaxVoters`].
	#[pallet::storage]
	pub type VoterList<T: Config> =
		StorageValue<_, BoundedVec<(u128, T::AccountId), T::MaxVoters>, ValueQuery>;

	/// SPB taken out of votes, still locked, oldest first.
	#[pallet::storage]
	pub type Unbonding<T: Config> = StorageMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		BoundedVec<UnbondingChunk<u128, BlockNumberFor<T>>, T::MaxUnbonding>,
		ValueQuery,
	>;

	/// The SPB votes give each registration of a candidate (kept while votes name it, whether or
	/// not it is still a candidate).
	#[pallet::storage]
	pub type Backing<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, T::AccountId, Twox64Concat, u64, u128, ValueQuery>;

	/// Candidates that win an exact tie (ch.4 §4).
	#[pallet::storage]
	pub type RegionalPartners<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, (), OptionQuery>;

	/// How votes are counted.
	#[pallet::storage]
	pub type Method<T: Config> = StorageValue<_, ElectionMethod, ValueQuery>;

	/// Blocks in an era (set at genesis).
	#[pallet::storage]
	pub type EraLength<T: Config> =
		StorageValue<_, BlockNumberFor<T>, ValueQuery, T::DefaultEraLength>;

	/// The era in progress.
	#[pallet::storage]
	pub type CurrentEra<T: Config> = StorageValue<_, u32, ValueQuery>;

	/// The block the era in progress began at.
	#[pallet::storage]
	pub type EraStart<T: Config> = StorageValue<_, BlockNumberFor<T>, ValueQuery>;

	/// The last election's backups, best first.
	#[pallet::storage]
	pub type Backups<T: Config> =
		StorageValue<_, BoundedVec<Ranked<T::AccountId>, T::MaxBackups>, ValueQuery>;

	/// The last election's outcome.
	#[pallet::storage]
	pub type LastOutcome<T: Config> = StorageValue<_, EraOutcome, OptionQuery>;

	/// Members of the authority set on probation: seated since they last packed a block (or
	/// never), their nodes not proven yet. The genesis billing peers are proven. See
	/// [`turnover_budget`].
	#[pallet::storage]
	pub type OnProbation<T: Config> =
		StorageValue<_, BoundedVec<T::BillingKey, T::MaxElected>, ValueQuery>;

	/// Billing peers that left, were evicted or missed too many votes, to be replaced at the
	/// next block that can carry a change (voluntary leavers and absentees kept at the floor wait
	/// here for a backup or the next election).
	#[pallet::storage]
	pub type Departed<T: Config> =
		StorageValue<_, BoundedVec<T::BillingKey, T::MaxElected>, ValueQuery>;

	/// Those of [`Departed`] replaced for missed votes ([`Pallet::replace_absent`]).
	#[pallet::storage]
	pub type Absent<T: Config> =
		StorageValue<_, BoundedVec<T::BillingKey, T::MaxElected>, ValueQuery>;

	/// The share of everything held for the elections ([`TotalLocked`]) a candidate's backing
	/// must reach to keep its place in a full candidate registry, when it is more than
	/// [`Config::MinBacking`] ([`Pallet::registry_bar`]): the bar rises with the votes, so that
	/// squatting the registry costs a share of what the voters hold rather than a fixed sum.
	#[pallet::storage]
	pub type MinBackingShare<T: Config> =
		StorageValue<_, Perbill, ValueQuery, T::DefaultMinBackingShare>;

	/// Every SPB held for the elections: all votes and all unbonding SPB, those of votes for
	/// departed registrations too. The share of [`Pallet::registry_bar`] is taken of it: SPB
	/// taken out of a vote still count while they unbond, so lowering or raising the bar by
	/// moving votes out and in costs the SPB locked for the unbonding period (follow-up
	/// reviews).
	#[pallet::storage]
	pub type TotalLocked<T: Config> = StorageValue<_, u128, ValueQuery>;

	/// While only departures the floor keeps wait in [`Departed`], the block at which the
	/// replacement is tried again ([`Config::ReplacementRetry`]); cleared by a new departure.
	#[pallet::storage]
	pub type ReplacementRetryAt<T: Config> = StorageValue<_, BlockNumberFor<T>, OptionQuery>;

	/// The genesis era length and decision method.
	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Blocks in an era; `None` keeps [`Config::DefaultEraLength`].
		pub era_length: Option<BlockNumberFor<T>>,
		/// How votes are counted.
		pub method: ElectionMethod,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			if let Some(length) = self.era_length {
				assert!(!length.is_zero(), "an era must last at least a block");
				EraLength::<T>::put(length);
			}
			Method::<T>::put(self.method);
			// The keep rule and the probation count only registered candidates as incumbents:
			// a genesis billing peer without a candidacy would leave the set unprotected (one
			// backed candidate could take it over at the first era).
			for key in T::AuthoritySet::authorities() {
				assert!(
					T::Candidates::account_of(&key).is_some(),
					"every genesis billing peer must be a registered billing-peer candidate"
				);
			}
		}
	}

	/// Events of the pallet.
	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A voter voted, or changed its vote.
		Voted {
			/// The voter.
			voter: T::AccountId,
			/// Its vote's SPB, all candidates together.
			total: u128,
			/// How many candidates it names.
			candidates: u32,
		},
		/// A voter withdrew its vote; its SPB unbond.
		Unvoted {
			/// The voter.
			voter: T::AccountId,
			/// The SPB now unbonding.
			amount: u128,
		},
		/// A larger vote displaced the smallest from the full voter list; its SPB unbond.
		VoteDisplaced {
			/// The displaced voter.
			voter: T::AccountId,
			/// The SPB now unbonding.
			amount: u128,
		},
		/// Unbonded SPB were unlocked.
		Withdrawn {
			/// The voter.
			voter: T::AccountId,
			/// The SPB unlocked.
			amount: u128,
		},
		/// An era began; its election's outcome.
		NewEra {
			/// The outcome.
			outcome: EraOutcome,
		},
		/// A billing peer on probation packed a block: its node is proven.
		ProbationPassed {
			/// Its Gosig key.
			key: T::BillingKey,
		},
		/// Fewer than [`Config::MinElected`] candidates could be elected: the set is kept.
		SetKept {
			/// The era.
			era: u32,
			/// How many could have been elected.
			electable: u32,
		},
		/// The authority set could not be changed in this block; tried again at the next.
		ChangeDeferred,
		/// Gosig refused the elected set: the set is kept for the era.
		SetChangeFailed {
			/// The era.
			era: u32,
		},
		/// Departed billing peers were replaced by backups.
		BillingPeersReplaced {
			/// How many left the set.
			removed: u32,
			/// How many backups joined it.
			added: u32,
		},
		/// A candidate's regional-partner flag changed.
		RegionalPartnerSet {
			/// The candidate.
			candidate: T::AccountId,
			/// Whether it is a regional partner now.
			partner: bool,
		},
		/// The decision method changed (from the next era).
		ElectionMethodSet {
			/// The method.
			method: ElectionMethod,
		},
		/// The registry bar's share of the SPB held for the elections changed.
		MinBackingShareSet {
			/// The share.
			share: Perbill,
		},
	}

	/// Errors of the pallet.
	#[pallet::error]
	pub enum Error<T> {
		/// A vote must name at least one candidate.
		NoCandidates,
		/// A vote names an account that is not a registered candidate, or one that is leaving.
		NotACandidate,
		/// A vote names a candidate twice.
		DuplicateCandidate,
		/// A vote gives a candidate nothing.
		ZeroVote,
		/// The vote is smaller than [`Config::MinVote`].
		VoteTooSmall,
		/// The vote and the SPB still unbonding are more than the voter's free balance.
		InsufficientBalance,
		/// The voter list is full and the vote is not larger than the smallest.
		VoterListFull,
		/// The account has no vote.
		NotVoting,
		/// No unbonding SPB is unlocked yet.
		NothingToWithdraw,
		/// The amounts overflow.
		Overflow,
		/// The registry bar's share may be at most one in [`Config::MaxElected`].
		ShareTooLarge,
		/// A candidate that stands backed by its own SPB votes already: it withdraws that vote
		/// first.
		AlreadyVoting,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(n: BlockNumberFor<T>) -> Weight {
			Self::advance(n)
		}

		fn integrity_test() {
			assert!(T::MaxElected::get() > 0, "MaxElected must be positive");
			assert!(
				(1..=T::MaxElected::get()).contains(&T::MinElected::get()),
				"MinElected must be in 1..=MaxElected"
			);
			assert!(T::MaxVotes::get() > 0, "MaxVotes must be positive");
			assert!(T::MaxVoters::get() > 0, "MaxVoters must be positive");
			assert!(T::MinVote::get() > 0, "MinVote must be positive");
			assert!(T::MaxUnbonding::get() > 0, "MaxUnbonding must be positive");
			assert!(!T::DefaultEraLength::get().is_zero(), "an era must last at least a block");
			assert!(
				T::DefaultMinBackingShare::get() <= Perbill::from_rational(1, T::MaxElected::get()),
				"the registry bar's share must be at most one in MaxElected"
			);
			assert!(
				T::AuthoritySet::max_authorities() == T::MaxElected::get(),
				"the authority set must hold exactly MaxElected billing peers at most"
			);
			assert!(
				T::MaxCandidates::get() >= T::MaxElected::get(),
				"MaxCandidates must admit MaxElected"
			);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Vote for billing-peer candidates, or replace one's vote.
		///
		/// - Origin: signed, by any account.
		/// - `votes`: the candidates and the SPB given each: 1 to [`Config::MaxVotes`] registered
		///   candidates that are not leaving, each once, each given more than zero, together at
		///   least [`Config::MinVote`]. The total is locked; a larger total than the previous
		///   vote's takes unbonding SPB back first (newest first), and with what is left
		///   unbonding may not exceed the free balance. A smaller total unbonds the difference.
		///
		/// When the voter list is full, a new voter's total must exceed the smallest vote,
		/// which is displaced ([`Event::VoteDisplaced`]).
		///
		/// Emits [`Event::Voted`].
		///
		/// Complexity: `O(v + W)`: `v` candidates of the new vote and of the old one (bounded
		/// by [`Config::MaxVotes`]), and the voter list of `W` voters, read and written as one
		/// value (bounded by [`Config::MaxVoters`]; the benchmark fills it).
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::vote(votes.len() as u32))]
		pub fn vote(
			origin: OriginFor<T>,
			votes: VotesOf<T::AccountId, u128, T::MaxVotes>,
		) -> DispatchResult {
			let voter = ensure_signed(origin)?;
			Self::do_vote(&voter, votes)
		}

		/// Withdraw one's vote: its SPB unbond for [`Config::UnbondingPeriod`].
		///
		/// - Origin: signed, by a voter.
		///
		/// Emits [`Event::Unvoted`].
		///
		/// Complexity: `O(v + W)` for the vote's `v` candidates and the voter list.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::unvote())]
		pub fn unvote(origin: OriginFor<T>) -> DispatchResult {
			let voter = ensure_signed(origin)?;
			let amount = Self::remove_vote(&voter)?;
			Self::deposit_event(Event::Unvoted { voter, amount });
			Ok(())
		}

		/// Unlock the caller's SPB whose unbonding period is over.
		///
		/// - Origin: signed.
		///
		/// Fails with [`Error::NothingToWithdraw`] when no chunk is unlocked yet.
		///
		/// Emits [`Event::Withdrawn`].
		///
		/// Complexity: `O(1)` ([`Config::MaxUnbonding`] chunks).
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::withdraw_unbonded())]
		pub fn withdraw_unbonded(origin: OriginFor<T>) -> DispatchResult {
			let voter = ensure_signed(origin)?;
			Self::do_withdraw(&voter)
		}

		/// Name a candidate a regional partner, or stop: a regional partner wins an exact tie.
		///
		/// - Origin: [`Config::PartnerOrigin`].
		/// - `candidate`: any account (the flag is looked at only while it is a candidate).
		///
		/// Emits [`Event::RegionalPartnerSet`].
		///
		/// Complexity: `O(1)`.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::set_regional_partner())]
		pub fn set_regional_partner(
			origin: OriginFor<T>,
			candidate: T::AccountId,
			partner: bool,
		) -> DispatchResult {
			T::PartnerOrigin::ensure_origin(origin)?;
			if partner {
				RegionalPartners::<T>::insert(&candidate, ());
			} else {
				RegionalPartners::<T>::remove(&candidate);
			}
			Self::deposit_event(Event::RegionalPartnerSet { candidate, partner });
			Ok(())
		}

		/// Change how the votes are counted, from the next era's election.
		///
		/// - Origin: [`Config::MethodOrigin`].
		///
		/// Emits [`Event::ElectionMethodSet`].
		///
		/// Complexity: `O(1)`.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::set_election_method())]
		pub fn set_election_method(origin: OriginFor<T>, method: ElectionMethod) -> DispatchResult {
			T::MethodOrigin::ensure_origin(origin)?;
			Method::<T>::put(method);
			Self::deposit_event(Event::ElectionMethodSet { method });
			Ok(())
		}

		/// Change the share of the SPB held for the elections that a candidate's backing must
		/// reach to keep its place in a full registry ([`MinBackingShare`]).
		///
		/// - Origin: [`Config::MethodOrigin`] (the voting mechanism is a major issue).
		/// - `share`: at most one in [`Config::MaxElected`] — more could make every candidate
		///   without a seat displaceable however the votes were spread.
		///
		/// Emits [`Event::MinBackingShareSet`].
		///
		/// Complexity: `O(1)`.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::set_min_backing_share())]
		pub fn set_min_backing_share(origin: OriginFor<T>, share: Perbill) -> DispatchResult {
			T::MethodOrigin::ensure_origin(origin)?;
			ensure!(
				share <= Perbill::from_rational(1, T::MaxElected::get()),
				Error::<T>::ShareTooLarge
			);
			MinBackingShare::<T>::put(share);
			Self::deposit_event(Event::MinBackingShareSet { share });
			Ok(())
		}
	}
}

//! # Committee pallet
//!
//! The election of the Spacebook governance committee (whitepaper ch.4 §3): every term (12
//! months on production, the first within six months of launch), SPB holders elect at most
//! [`Config::MaxMembers`] (9) members among at most 42 candidates. The members then bring and
//! pass motions through `pallet-collective` (wired in the runtime, `docs/governance.md`).
//!
//! ## Terms
//!
//! - **Term**: [`Schedule::term`] blocks from one election's start to the next.
//! - **Nominating** phase ([`ElectionPhase::Nominating`], [`Schedule::nominating`] blocks): each
//!   default billing peer nominates one candidate ([`Config::BillingPeers`]), the foundation up
//!   to [`Config::FoundationNominations`] (6), each of the [`Config::DAppNominations`] (10) DApps
//!   with the most paid traffic over the term one (Proof-of-Traffic's bills,
//!   [`Pallet::note_paid_traffic`]: [`TopDApps`]). Meanwhile any SPB
//!   holder may **sign up** for the community **pre-election** and SPB holders **support** the
//!   sign-ups (1 SPB = 1 vote).
//! - **Pre-election list**: the sign-ups supported with at least [`Config::SignUpThreshold`]
//!   (10 000 SPB), at most [`Config::MaxSignUps`] of them (the best supported). When the
//!   nominations close, the [`Config::PreElected`] (5) best supported become candidates.
//! - **Voting** phase ([`ElectionPhase::Voting`], [`Schedule::voting`] blocks): the **public
//!   vote** on the candidates, 1 SPB = 1 vote, split among up to [`Config::MaxVotes`]
//!   candidates. When it closes, the [`Config::MaxMembers`] candidates with the most votes
//!   (ties: the earlier nomination) become the committee ([`Config::Members`]).
//! - **Ballot**: an account's sign-up deposit, support and vote in one election, all of it
//!   **held** ([`HoldReason::CommitteeVote`]: a hold, not a freeze, so that no other hold can
//!   cover it and let the SPB move) until the election completes; then released
//!   automatically, [`Config::MaxReleasesPerBlock`] ballots a block. Support may be changed or
//!   withdrawn while the nominations are open, a vote while the public vote is.
//!
//! Quotas left unfilled (fewer billing peers, fewer DApps, fewer sign-ups on the list) leave
//! their places empty: the ballot has fewer than 42 candidates and the seats never exceed 9.
//! An election whose candidates got no votes keeps the committee for another term.
//!
//! ## Calls
//!
//! - [`Pallet::nominate`]: a default billing peer or a top DApp;
//!   [`Pallet::nominate_as_foundation`]: [`Config::FoundationOrigin`].
//! - [`Pallet::sign_up`], [`Pallet::support`], [`Pallet::vote`], [`Pallet::withdraw`]: any SPB
//!   holder.
#![cfg_attr(not(feature = "std"), no_std)]
#![warn(missing_docs)]

extern crate alloc;

pub use pallet::*;
pub use spacebook_committee_primitives::{
	BallotView, CandidateView, CommitteeView, MotionView, SheetView, VoterView,
};
pub use types::*;
pub use weights::WeightInfo;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod dapp_ranking;
mod election;
mod invariants;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod types;
mod views;
mod voting;
pub mod weights;

use alloc::vec::Vec;

const LOG_TARGET: &str = "runtime::committee";

/// The foundation's origin: signed by its account ([`Foundation`], set at genesis).
pub struct EnsureFoundation<T>(core::marker::PhantomData<T>);
impl<T: Config> frame_support::traits::EnsureOrigin<T::RuntimeOrigin> for EnsureFoundation<T> {
	type Success = T::AccountId;
	fn try_origin(o: T::RuntimeOrigin) -> Result<Self::Success, T::RuntimeOrigin> {
		let foundation = Foundation::<T>::get();
		o.into().and_then(|o| match o {
			frame_system::RawOrigin::Signed(who) if Some(&who) == foundation.as_ref() => Ok(who),
			o => Err(T::RuntimeOrigin::from(o)),
		})
	}
	#[cfg(feature = "runtime-benchmarks")]
	fn try_successful_origin() -> Result<T::RuntimeOrigin, ()> {
		let foundation = Foundation::<T>::get().ok_or(())?;
		Ok(frame_system::RawOrigin::Signed(foundation).into())
	}
}

/// The default billing peers, which nominate one candidate each.
pub trait BillingPeers<AccountId> {
	/// The accounts of the billing peers in the authority set now (at most the set's bound).
	fn accounts() -> Vec<AccountId>;
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::{
		dispatch::{GetDispatchInfo, PostDispatchInfo},
		pallet_prelude::*,
		traits::{fungible, ChangeMembers},
	};
	use frame_system::pallet_prelude::*;
	use sp_runtime::traits::Dispatchable;
	use sp_runtime::traits::{Saturating, Zero};

	/// The pallet's configuration.
	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The SPB currency (pallet-balances), whose holds lock the ballots.
		type Currency: fungible::Inspect<Self::AccountId, Balance = u128>
			+ fungible::Mutate<Self::AccountId>
			+ fungible::InspectHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
			+ fungible::MutateHold<Self::AccountId>;

		/// The overarching hold reason, which includes [`HoldReason`].
		type RuntimeHoldReason: From<HoldReason>;

		/// The default billing peers (the billing-peer elections).
		type BillingPeers: BillingPeers<Self::AccountId>;

		/// The foundation, which nominates [`Config::FoundationNominations`] candidates.
		type FoundationOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Decides major issues (the committee's two-thirds motion, ch.4 §3): it may enact any
		/// call as root ([`Pallet::enact`]), a runtime upgrade included.
		type MajorOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The runtime's calls, which [`Pallet::enact`] dispatches as root.
		type RuntimeCall: Parameter
			+ Dispatchable<RuntimeOrigin = Self::RuntimeOrigin, PostInfo = PostDispatchInfo>
			+ GetDispatchInfo
			+ From<frame_system::Call<Self>>;

		/// The latest block the genesis may set for the first election (six months: the
		/// whitepaper's first election within six months of launch).
		#[pallet::constant]
		type FirstElectionWithin: Get<BlockNumberFor<Self>>;

		/// Told the new committee (`pallet-collective`'s members).
		type Members: ChangeMembers<Self::AccountId>;

		/// The most telling [`Config::Members`] a new committee weighs, on top of the count's
		/// benchmark (the collective rewrites the votes of every open motion, which the
		/// pallet's benchmark cannot open).
		type MembersWeight: Get<Weight>;

		/// The most members (the whitepaper's 9).
		#[pallet::constant]
		type MaxMembers: Get<u32>;

		/// The fewest members an election must seat to replace the committee: with fewer
		/// candidates voted for, the committee (before the first, the foundation) serves on. A
		/// committee smaller than a major issue's threshold could never decide one.
		#[pallet::constant]
		type MinMembers: Get<u32>;

		/// Candidates the billing peers nominate, one each (21).
		#[pallet::constant]
		type BillingNominations: Get<u32>;

		/// Candidates the foundation nominates (6).
		#[pallet::constant]
		type FoundationNominations: Get<u32>;

		/// DApps that nominate a candidate each: those with the most paid traffic (10).
		#[pallet::constant]
		type DAppNominations: Get<u32>;

		/// Candidates from the pre-election (5).
		#[pallet::constant]
		type PreElected: Get<u32>;

		/// The most candidates: the four quotas together (42).
		#[pallet::constant]
		type MaxCandidates: Get<u32>;

		/// The support a sign-up needs to enter the pre-election list (10 000 SPB).
		#[pallet::constant]
		type SignUpThreshold: Get<u128>;

		/// The most sign-ups on the pre-election list.
		#[pallet::constant]
		type MaxSignUps: Get<u32>;

		/// What a sign-up holds until the election completes: signing up costs something, so
		/// that sign-ups cannot be made by the thousand.
		#[pallet::constant]
		type SignUpDeposit: Get<u128>;

		/// The smallest support or vote.
		#[pallet::constant]
		type MinVote: Get<u128>;

		/// The most accounts one support or one vote names.
		#[pallet::constant]
		type MaxVotes: Get<u32>;

		/// Ballots released a block once an election completes.
		#[pallet::constant]
		type MaxReleasesPerBlock: Get<u32>;

		/// The schedule unless the genesis sets another.
		type DefaultSchedule: Get<Schedule<BlockNumberFor<Self>>>;

		/// Weights of the calls and hooks.
		type WeightInfo: WeightInfo;
	}

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	/// Why the pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// A ballot in the committee's election: sign-up deposit, support and vote.
		#[codec(index = 0)]
		CommitteeVote,
	}

	/// The term's length and the election's phases.
	#[pallet::storage]
	pub type ElectionSchedule<T: Config> =
		StorageValue<_, Schedule<BlockNumberFor<T>>, ValueQuery, T::DefaultSchedule>;

	/// The number of the election under way or next (the first is 1).
	#[pallet::storage]
	pub type Round<T: Config> = StorageValue<_, u32, ValueQuery>;

	/// Where the election stands; `None` before the genesis sets the first election's start.
	#[pallet::storage]
	pub type Phase<T: Config> = StorageValue<_, ElectionPhase<BlockNumberFor<T>>, OptionQuery>;

	/// The block the current or last election started: the next starts a term later.
	#[pallet::storage]
	pub type StartedAt<T: Config> = StorageValue<_, BlockNumberFor<T>, ValueQuery>;

	/// The candidates of the election under way, in nomination order (the tie order).
	#[pallet::storage]
	pub type Candidates<T: Config> =
		StorageValue<_, BoundedVec<CandidateRecord<T::AccountId>, T::MaxCandidates>, ValueQuery>;

	/// The accounts signed up for each election's pre-election, with their support and their
	/// sign-up's number (the tie order). Removed with the sign-up's ballot, which holds its
	/// deposit, when an election's ballots are released.
	#[pallet::storage]
	pub type SignUps<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		u32,
		Blake2_128Concat,
		T::AccountId,
		(u128, u32),
		OptionQuery,
	>;

	/// Sign-ups so far in this election (numbers them).
	#[pallet::storage]
	pub type SignUpCount<T: Config> = StorageValue<_, u32, ValueQuery>;

	/// The pre-election list: sign-ups supported with at least [`Config::SignUpThreshold`],
	/// best supported first (the earlier sign-up among equals), at most [`Config::MaxSignUps`],
	/// each with its support and sign-up number.
	#[pallet::storage]
	pub type PreElectionList<T: Config> =
		StorageValue<_, BoundedVec<(T::AccountId, u128, u32), T::MaxSignUps>, ValueQuery>;

	/// Who may nominate in the election under way, taken when it starts (the billing peers in
	/// the set and the top DApps then): a set or ranking that changes during the nominations
	/// gives no one a second nomination.
	#[pallet::storage]
	pub type Nominators<T: Config> =
		StorageValue<_, BoundedVec<Nominator<T::AccountId>, T::MaxCandidates>, ValueQuery>;

	/// Each account's ballot in each election. An election's ballots are released after it
	/// completes.
	#[pallet::storage]
	pub type Ballots<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		u32,
		Blake2_128Concat,
		T::AccountId,
		Ballot<T::AccountId, T::MaxVotes>,
		OptionQuery,
	>;

	/// The oldest election whose ballots are not all released: the hook releases the ballots
	/// of every election before [`Round`], oldest first.
	#[pallet::storage]
	pub type NextToRelease<T: Config> = StorageValue<_, u32, ValueQuery>;

	/// The committee: its members, sorted.
	#[pallet::storage]
	pub type Members<T: Config> =
		StorageValue<_, BoundedVec<T::AccountId, T::MaxMembers>, ValueQuery>;

	/// Each DApp's paid traffic over the term: the election it counts for
	/// ([`Pallet::note_paid_traffic`]) and the SPB billed. A DApp's entry is rewritten, not
	/// added to, by its first bill of a new term.
	#[pallet::storage]
	pub type DAppPaid<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, (u32, u128), OptionQuery>;

	/// The DApps with the most paid traffic over the term, most first, with their totals: the
	/// election they will nominate in and at most [`Config::DAppNominations`] of them.
	#[pallet::storage]
	pub type TopDApps<T: Config> =
		StorageValue<_, (u32, BoundedVec<(T::AccountId, u128), T::DAppNominations>), ValueQuery>;

	/// The foundation's account ([`EnsureFoundation`]): a key or multisig account the
	/// foundation controls, set at genesis.
	#[pallet::storage]
	pub type Foundation<T: Config> = StorageValue<_, T::AccountId, OptionQuery>;

	/// The genesis schedule and the first election's start.
	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// The schedule; `None` keeps [`Config::DefaultSchedule`].
		pub schedule: Option<Schedule<BlockNumberFor<T>>>,
		/// The block the first election starts (within six months of launch).
		pub first_election: BlockNumberFor<T>,
		/// The foundation's account.
		pub foundation: Option<T::AccountId>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			if let Some(schedule) = self.schedule {
				assert!(
					!schedule.nominating.is_zero() && !schedule.voting.is_zero(),
					"each phase lasts at least a block"
				);
				assert!(
					schedule.term > schedule.nominating.saturating_add(schedule.voting),
					"a term outlasts its election"
				);
				ElectionSchedule::<T>::put(schedule);
			}
			assert!(
				self.first_election <= T::FirstElectionWithin::get(),
				"the first election starts within six months of launch"
			);
			if let Some(foundation) = &self.foundation {
				Foundation::<T>::put(foundation);
			}
			Round::<T>::put(1);
			NextToRelease::<T>::put(1);
			Phase::<T>::put(ElectionPhase::Waiting { starts_at: self.first_election });
		}
	}

	/// Events of the pallet.
	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// An election opened its nominations and pre-election.
		ElectionStarted {
			/// The election.
			round: u32,
		},
		/// A candidate was nominated.
		Nominated {
			/// The candidate.
			candidate: T::AccountId,
			/// Who nominated it.
			nominator: Nominator<T::AccountId>,
		},
		/// An account signed up for the pre-election.
		SignedUp {
			/// The account.
			who: T::AccountId,
		},
		/// An account's support in the pre-election changed.
		Supported {
			/// The supporter.
			who: T::AccountId,
			/// The SPB it gives together.
			total: u128,
		},
		/// The public vote opened, with the candidates nominated and pre-elected.
		VotingStarted {
			/// The election.
			round: u32,
			/// How many candidates.
			candidates: u32,
		},
		/// An account's vote in the public vote changed.
		Voted {
			/// The voter.
			who: T::AccountId,
			/// The SPB it gives together.
			total: u128,
		},
		/// An account withdrew its support or its vote.
		Withdrawn {
			/// The account.
			who: T::AccountId,
			/// The SPB released.
			amount: u128,
		},
		/// The votes were counted: the committee for the next term.
		CommitteeElected {
			/// The election.
			round: u32,
			/// The members, sorted.
			members: Vec<T::AccountId>,
		},
		/// Fewer than [`Config::MinMembers`] candidates got votes: the committee serves another
		/// term.
		CommitteeKept {
			/// The election.
			round: u32,
		},
		/// An election's ballots were all released.
		BallotsReleased {
			/// The election.
			round: u32,
		},
		/// A major issue's motion enacted a call as root.
		Enacted {
			/// What the call returned.
			result: DispatchResult,
		},
	}

	/// Errors of the pallet.
	#[pallet::error]
	pub enum Error<T> {
		/// The nominations and the pre-election are not open.
		NotNominating,
		/// The public vote is not open.
		NotVoting,
		/// The account is neither a default billing peer nor one of the top DApps.
		NotANominator,
		/// This nominator has nominated its candidate already, or the foundation its six.
		NominationsUsed,
		/// The billing peers', the DApps' or the pre-election's places are all taken.
		QuotaFull,
		/// The account is a candidate already.
		AlreadyCandidate,
		/// The ballot has its [`Config::MaxCandidates`] candidates.
		TooManyCandidates,
		/// The account signed up already.
		AlreadySignedUp,
		/// Support or a vote must name at least one account.
		NothingChosen,
		/// Support or a vote names an account twice.
		Duplicate,
		/// Support names an account that did not sign up, or a vote one that is no candidate.
		NotOnTheBallot,
		/// Support or a vote gives an account nothing.
		ZeroAmount,
		/// The support or vote is smaller than [`Config::MinVote`].
		TooSmall,
		/// The free balance cannot hold it (the existential deposit stays free).
		InsufficientBalance,
		/// There is nothing to withdraw in this phase.
		NothingToWithdraw,
		/// The amounts overflow.
		Overflow,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(n: BlockNumberFor<T>) -> Weight {
			Self::release_ballots().saturating_add(Self::advance(n))
		}

		fn integrity_test() {
			assert!(T::MaxMembers::get() > 0, "MaxMembers must be positive");
			assert!(
				(1..=T::MaxMembers::get()).contains(&T::MinMembers::get()),
				"MinMembers must be in 1..=MaxMembers"
			);
			assert_eq!(
				T::MaxCandidates::get(),
				T::BillingNominations::get()
					+ T::FoundationNominations::get()
					+ T::DAppNominations::get()
					+ T::PreElected::get(),
				"MaxCandidates must be the four quotas together"
			);
			assert!(
				T::MaxSignUps::get() >= T::PreElected::get(),
				"the pre-election list must hold the pre-elected"
			);
			assert!(T::MinVote::get() > 0, "MinVote must be positive");
			assert!(T::SignUpDeposit::get() > 0, "a sign-up holds a deposit (its ballot's key)");
			assert!(T::MaxVotes::get() > 0, "MaxVotes must be positive");
			assert!(T::MaxReleasesPerBlock::get() > 0, "ballots must be released");
			let schedule = T::DefaultSchedule::get();
			assert!(
				schedule.term > schedule.nominating.saturating_add(schedule.voting),
				"a term outlasts its election"
			);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Nominate a candidate, as a default billing peer or as one of the
		/// [`Config::DAppNominations`] DApps with the most paid traffic over the term.
		///
		/// - Origin: signed, by the account of a billing peer in the authority set or of a top
		///   DApp when the election started ([`Nominators`]), once an election.
		/// - `candidate`: any account that is no candidate yet.
		///
		/// Only while the nominations are open. Emits [`Event::Nominated`].
		///
		/// Complexity: `O(C + D)`, `C` candidates, `D` top DApps.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::nominate())]
		pub fn nominate(origin: OriginFor<T>, candidate: T::AccountId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(
				matches!(Phase::<T>::get(), Some(ElectionPhase::Nominating { .. })),
				Error::<T>::NotNominating
			);
			let is_own = |n: &Nominator<T::AccountId>| match n {
				Nominator::BillingPeer(a) | Nominator::DApp(a) => *a == who,
				_ => false,
			};
			let nominators = Nominators::<T>::get();
			ensure!(nominators.iter().any(is_own), Error::<T>::NotANominator);
			let candidates = Candidates::<T>::get();
			// Its right not used yet (an account with two would use them in turn).
			let nominator = nominators
				.iter()
				.filter(|n| is_own(n))
				.find(|n| !candidates.iter().any(|c| c.nominator == **n))
				.cloned()
				.ok_or(Error::<T>::NominationsUsed)?;
			Self::do_nominate(candidate, nominator)
		}

		/// Nominate a candidate for the foundation, up to [`Config::FoundationNominations`] an
		/// election.
		///
		/// - Origin: [`Config::FoundationOrigin`].
		/// - `candidate`: any account that is no candidate yet.
		///
		/// Only while the nominations are open. Emits [`Event::Nominated`].
		///
		/// Complexity: `O(C)`, `C` candidates.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::nominate())]
		pub fn nominate_as_foundation(
			origin: OriginFor<T>,
			candidate: T::AccountId,
		) -> DispatchResult {
			T::FoundationOrigin::ensure_origin(origin)?;
			Self::do_nominate(candidate, Nominator::Foundation)
		}

		/// Sign up for the community pre-election, holding [`Config::SignUpDeposit`] until the
		/// election completes.
		///
		/// - Origin: signed, by any SPB holder not signed up yet.
		///
		/// Only while the nominations are open. Emits [`Event::SignedUp`].
		///
		/// Complexity: `O(1)`.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::sign_up())]
		pub fn sign_up(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_sign_up(&who)
		}

		/// Support sign-ups in the pre-election, replacing one's support.
		///
		/// - Origin: signed, by any SPB holder.
		/// - `support`: 1 to [`Config::MaxVotes`] signed-up accounts, each once, each given
		///   more than zero SPB, together at least [`Config::MinVote`]. Held until the
		///   election completes (or withdrawn while the nominations are open).
		///
		/// Only while the nominations are open. Emits [`Event::Supported`].
		///
		/// Complexity: `O(v + L)`: `v` accounts named now and before, `L` the pre-election
		/// list ([`Config::MaxSignUps`]).
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::support(T::MaxVotes::get()))]
		pub fn support(
			origin: OriginFor<T>,
			support: Choices<T::AccountId, T::MaxVotes>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_support(&who, support)
		}

		/// Vote in the public vote, replacing one's vote.
		///
		/// - Origin: signed, by any SPB holder.
		/// - `vote`: 1 to [`Config::MaxVotes`] candidates, each once, each given more than zero
		///   SPB, together at least [`Config::MinVote`]. Held until the election completes (or
		///   withdrawn while the public vote is open).
		///
		/// Only while the public vote is open. Emits [`Event::Voted`].
		///
		/// Complexity: `O(v + C)`: `v` candidates named now and before, `C` candidates.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::vote(vote.len() as u32))]
		pub fn vote(
			origin: OriginFor<T>,
			vote: Choices<T::AccountId, T::MaxVotes>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_vote(&who, vote)
		}

		/// Withdraw one's support (while the nominations are open) or vote (while the public
		/// vote is open): its SPB are released at once.
		///
		/// - Origin: signed, by an account with support or a vote in the open phase.
		///
		/// Emits [`Event::Withdrawn`].
		///
		/// Complexity: `O(v + L + C)`.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::withdraw())]
		pub fn withdraw(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_withdraw(&who)
		}

		/// Enact `call` as root, by the decision of a major issue's motion (runtime upgrades and
		/// everything else only root may do): the two-thirds motion is the chain's root once
		/// no production chain has a sudo key.
		///
		/// - Origin: [`Config::MajorOrigin`].
		/// - `call`: any call.
		///
		/// Emits [`Event::Enacted`] with the call's result (the enactment itself succeeds).
		///
		/// Complexity: the call's.
		#[pallet::call_index(6)]
		#[pallet::weight({
			let info = call.get_dispatch_info();
			(T::WeightInfo::enact().saturating_add(info.call_weight), info.class)
		})]
		pub fn enact(
			origin: OriginFor<T>,
			call: alloc::boxed::Box<<T as Config>::RuntimeCall>,
		) -> DispatchResultWithPostInfo {
			T::MajorOrigin::ensure_origin(origin)?;
			let info = call.get_dispatch_info();
			let result = call.dispatch(frame_system::RawOrigin::Root.into());
			let used = frame_support::dispatch::extract_actual_weight(&result, &info);
			Self::deposit_event(Event::Enacted { result: result.map(|_| ()).map_err(|e| e.error) });
			Ok(Some(T::WeightInfo::enact().saturating_add(used)).into())
		}
	}

	impl<T: Config> Pallet<T> {
		/// Put `candidate` on the ballot for `nominator`.
		pub(crate) fn do_nominate(
			candidate: T::AccountId,
			nominator: Nominator<T::AccountId>,
		) -> DispatchResult {
			ensure!(
				matches!(Phase::<T>::get(), Some(ElectionPhase::Nominating { .. })),
				Error::<T>::NotNominating
			);
			let mut candidates = Candidates::<T>::get();
			ensure!(!candidates.iter().any(|c| c.who == candidate), Error::<T>::AlreadyCandidate);
			// A billing peer or DApp nominates once; each kind within its quota, so that the
			// pre-election's places stay free.
			ensure!(
				nominator == Nominator::Foundation
					|| !candidates.iter().any(|c| c.nominator == nominator),
				Error::<T>::NominationsUsed
			);
			let same_kind = |c: &CandidateRecord<T::AccountId>| {
				core::mem::discriminant(&c.nominator) == core::mem::discriminant(&nominator)
			};
			let (quota, full) = match &nominator {
				Nominator::BillingPeer(_) => (T::BillingNominations::get(), Error::<T>::QuotaFull),
				Nominator::Foundation => {
					(T::FoundationNominations::get(), Error::<T>::NominationsUsed)
				}
				Nominator::DApp(_) => (T::DAppNominations::get(), Error::<T>::QuotaFull),
				Nominator::PreElection => (T::PreElected::get(), Error::<T>::QuotaFull),
			};
			ensure!((candidates.iter().filter(|c| same_kind(c)).count() as u32) < quota, full);
			let record =
				CandidateRecord { who: candidate.clone(), nominator: nominator.clone(), votes: 0 };
			candidates.try_push(record).map_err(|_| Error::<T>::TooManyCandidates)?;
			Candidates::<T>::put(candidates);
			Self::deposit_event(Event::Nominated { candidate, nominator });
			Ok(())
		}

		/// The schedule's next start after an election that started at `started`.
		pub(crate) fn next_start(started: BlockNumberFor<T>) -> BlockNumberFor<T> {
			started.saturating_add(ElectionSchedule::<T>::get().term)
		}
	}
}

//! What the runtime API answers about the election (`pallet-committee-runtime-api`): the
//! committee and its term, the ballot sheet, a voter's ballots. The motions are the
//! collective's, read by the runtime.

use crate::{pallet::*, types::*};
use alloc::vec::Vec;
use frame_support::traits::Get;
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::traits::Saturating;
use spacebook_committee_primitives::{
	BallotView, CandidateView, CommitteeView, SheetView, VoterView,
};

impl<T: Config> Pallet<T> {
	/// The committee, its term and its election; `thresholds` are the ayes a general and a
	/// major motion need (the runtime's origins decide them).
	pub fn committee_view(
		thresholds: (u32, u32),
	) -> CommitteeView<T::AccountId, BlockNumberFor<T>> {
		let schedule = ElectionSchedule::<T>::get();
		let term_ends_at = Phase::<T>::get().map(|phase| match phase {
			ElectionPhase::Waiting { starts_at } => {
				starts_at.saturating_add(schedule.nominating).saturating_add(schedule.voting)
			}
			ElectionPhase::Nominating { ends_at } => ends_at.saturating_add(schedule.voting),
			ElectionPhase::Voting { ends_at } => ends_at,
		});
		CommitteeView {
			members: Members::<T>::get().into_inner(),
			foundation: Foundation::<T>::get(),
			round: Round::<T>::get(),
			phase: Phase::<T>::get(),
			started_at: StartedAt::<T>::get(),
			schedule,
			term_ends_at,
			seats: (T::MaxMembers::get(), T::MinMembers::get()),
			thresholds,
			candidates: (
				Candidates::<T>::decode_len().unwrap_or(0) as u32,
				T::MaxCandidates::get(),
			),
			sign_ups: SignUpCount::<T>::get(),
			sign_up_threshold: T::SignUpThreshold::get(),
			sign_up_deposit: T::SignUpDeposit::get(),
			min_vote: T::MinVote::get(),
			max_choices: T::MaxVotes::get(),
		}
	}

	/// The candidates with their ranks if counted now, the nominations left, the pre-election
	/// list.
	pub fn sheet_view() -> SheetView<T::AccountId> {
		let candidates = Candidates::<T>::get().into_inner();
		let ranked = Self::ranked(candidates.clone());
		let nominated = |n: &Nominator<T::AccountId>| candidates.iter().any(|c| c.nominator == *n);
		let foundation_used =
			candidates.iter().filter(|c| c.nominator == Nominator::Foundation).count() as u32;
		let nominators_left = match Phase::<T>::get() {
			Some(ElectionPhase::Nominating { .. }) => (
				Nominators::<T>::get().into_iter().filter(|n| !nominated(n)).collect(),
				T::FoundationNominations::get().saturating_sub(foundation_used),
			),
			_ => (Vec::new(), 0),
		};
		let candidates = candidates
			.iter()
			.map(|c| CandidateView {
				who: c.who.clone(),
				nominator: c.nominator.clone(),
				votes: c.votes,
				rank: ranked.iter().position(|r| r.who == c.who).map(|i| i as u32 + 1),
			})
			.collect();
		SheetView {
			candidates,
			nominators_left,
			pre_election: PreElectionList::<T>::get().into_inner(),
		}
	}

	/// `who`'s ballots (the election under way's and those not released yet) and holds.
	pub fn voter_view(who: &T::AccountId) -> VoterView<T::AccountId> {
		let ballots = (NextToRelease::<T>::get()..=Round::<T>::get())
			.filter_map(|round| {
				Ballots::<T>::get(round, who).map(|b| BallotView {
					round,
					sign_up_deposit: b.sign_up_deposit,
					support: b.support.into_inner(),
					vote: b.vote.into_inner(),
				})
			})
			.collect();
		VoterView { ballots, held: Self::held_of(who), member: Members::<T>::get().contains(who) }
	}
}

//! The election's course: its phases, the pre-election's close, the count, and the release of
//! the ballots.

use crate::{pallet::*, types::*, BillingPeers, WeightInfo, LOG_TARGET};
use alloc::vec::Vec;
use frame_support::{
	pallet_prelude::*,
	traits::{fungible::MutateHold, tokens::Precision, ChangeMembers},
};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::traits::Saturating;

impl<T: Config> Pallet<T> {
	/// Move the election on at block `n`: open the nominations, close them into the public
	/// vote, count the votes. Returns the weight.
	pub(crate) fn advance(n: BlockNumberFor<T>) -> Weight {
		let schedule = ElectionSchedule::<T>::get();
		let read = T::DbWeight::get().reads(2);
		match Phase::<T>::get() {
			Some(ElectionPhase::Waiting { starts_at }) if n >= starts_at => {
				StartedAt::<T>::put(n);
				Self::take_nominators();
				Phase::<T>::put(ElectionPhase::Nominating {
					ends_at: n.saturating_add(schedule.nominating),
				});
				Self::deposit_event(Event::ElectionStarted { round: Round::<T>::get() });
				read.saturating_add(T::WeightInfo::start_election())
			}
			Some(ElectionPhase::Nominating { ends_at }) if n >= ends_at => {
				Self::close_nominations();
				Phase::<T>::put(ElectionPhase::Voting {
					ends_at: n.saturating_add(schedule.voting),
				});
				read.saturating_add(T::WeightInfo::close_nominations())
			}
			Some(ElectionPhase::Voting { ends_at }) if n >= ends_at => {
				Self::complete();
				read.saturating_add(T::WeightInfo::complete())
					.saturating_add(T::MembersWeight::get())
			}
			_ => read,
		}
	}

	/// The pre-election's result: the [`Config::PreElected`] best supported sign-ups on the list
	/// that are not candidates already join the ballot.
	fn close_nominations() {
		let mut candidates = Candidates::<T>::get();
		let mut added = 0u32;
		for (who, _, _) in PreElectionList::<T>::get() {
			if added >= T::PreElected::get() {
				break;
			}
			if candidates.iter().any(|c| c.who == who) {
				continue;
			}
			let record = CandidateRecord { who, nominator: Nominator::PreElection, votes: 0 };
			if candidates.try_push(record).is_err() {
				defensive!("the quotas together are MaxCandidates");
				break;
			}
			added += 1;
		}
		let count = candidates.len() as u32;
		Candidates::<T>::put(candidates);
		Self::deposit_event(Event::VotingStarted { round: Round::<T>::get(), candidates: count });
	}

	/// Count the public vote: the [`Config::MaxMembers`] candidates with the most votes (the
	/// earlier nomination among equals) become the committee; with fewer than
	/// [`Config::MinMembers`] voted for, the committee serves on. The ballots are then released, a few a block, and the next
	/// election is a term after this one's start.
	fn complete() {
		let round = Round::<T>::get();
		let mut elected: Vec<T::AccountId> = Self::ranked(Candidates::<T>::get().into_inner())
			.into_iter()
			.take(T::MaxMembers::get() as usize)
			.map(|c| c.who)
			.collect();
		if (elected.len() as u32) < T::MinMembers::get() {
			Self::deposit_event(Event::CommitteeKept { round });
		} else {
			elected.sort();
			let old = Members::<T>::get();
			T::Members::set_members_sorted(&elected, &old);
			Members::<T>::put(BoundedVec::truncate_from(elected.clone()));
			Self::deposit_event(Event::CommitteeElected { round, members: elected });
		}
		Candidates::<T>::kill();
		Nominators::<T>::kill();
		PreElectionList::<T>::kill();
		SignUpCount::<T>::kill();
		Round::<T>::put(round.saturating_add(1));
		Phase::<T>::put(ElectionPhase::Waiting {
			starts_at: Self::next_start(StartedAt::<T>::get()),
		});
	}

	/// The candidates with votes, most votes first, the earlier nomination among equals: the
	/// count's order.
	pub(crate) fn ranked(
		candidates: Vec<CandidateRecord<T::AccountId>>,
	) -> Vec<CandidateRecord<T::AccountId>> {
		let mut ranked: Vec<_> = candidates.into_iter().filter(|c| c.votes > 0).collect();
		// A stable sort keeps the nomination order among equals.
		ranked.sort_by_key(|c| core::cmp::Reverse(c.votes));
		ranked
	}

	/// Who may nominate in the election starting now: the billing peers in the set (at most
	/// [`Config::BillingNominations`]) and the top [`Config::DAppNominations`] DApps.
	fn take_nominators() {
		let billing = T::BillingPeers::accounts()
			.into_iter()
			.take(T::BillingNominations::get() as usize)
			.map(Nominator::BillingPeer);
		let dapps = Self::top_dapps()
			.into_iter()
			.take(T::DAppNominations::get() as usize)
			.map(Nominator::DApp);
		let nominators: Vec<Nominator<T::AccountId>> = billing.chain(dapps).collect();
		Nominators::<T>::put(BoundedVec::truncate_from(nominators));
	}

	/// Release up to [`Config::MaxReleasesPerBlock`] ballots of the oldest completed election
	/// not released yet (with their sign-ups). Returns the weight.
	pub(crate) fn release_ballots() -> Weight {
		let round = NextToRelease::<T>::get();
		if round >= Round::<T>::get() {
			return T::DbWeight::get().reads(2);
		}
		let max = T::MaxReleasesPerBlock::get();
		let reason = HoldReason::CommitteeVote.into();
		let mut released = 0u32;
		for (who, ballot) in Ballots::<T>::drain_prefix(round).take(max as usize) {
			let amount = ballot.held();
			match T::Currency::release(&reason, &who, amount, Precision::BestEffort) {
				Ok(done) if done == amount => {}
				outcome => {
					log::error!(target: LOG_TARGET, "a ballot's hold released {outcome:?} of {amount}");
					defensive!("a ballot's hold is what the ballot holds");
				}
			}
			SignUps::<T>::remove(round, &who);
			released += 1;
		}
		if released < max {
			NextToRelease::<T>::put(round.saturating_add(1));
			Self::deposit_event(Event::BallotsReleased { round });
		}
		T::WeightInfo::release_ballots(released)
	}
}

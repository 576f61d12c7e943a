//! The pallet's invariants, checked by `try_state` and after every test.

use crate::{pallet::*, types::*};
use alloc::collections::btree_map::BTreeMap;
use frame_support::traits::fungible::InspectHold;
use frame_support::traits::Get;
use sp_runtime::TryRuntimeError;

impl<T: Config> Pallet<T> {
	/// - the committee has at most [`Config::MaxMembers`] members, sorted, each once;
	/// - the ballot has at most [`Config::MaxCandidates`] candidates, each once, each with the
	///   votes the ballots give it;
	/// - each sign-up's support is what the ballots give it; the pre-election list holds
	///   sign-ups with at least the threshold, ranked, each once; each quota holds; between
	///   elections no candidate, list, sign-up count or nominator is left;
	/// - every ballot belongs to an election not released yet;
	/// - each account's hold for the elections is what its ballots hold, and no ballot is
	///   empty;
	/// - the DApp ranking holds each DApp's total for its term, largest first, each once.
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		let members = Members::<T>::get();
		ensure_that(members.windows(2).all(|w| w[0] < w[1]), "the members are sorted, once each")?;
		let round = Round::<T>::get();
		let candidates = Candidates::<T>::get();
		let mut votes: BTreeMap<T::AccountId, u128> = BTreeMap::new();
		let mut support: BTreeMap<T::AccountId, u128> = BTreeMap::new();
		let mut held: BTreeMap<T::AccountId, u128> = BTreeMap::new();
		for (r, who, ballot) in Ballots::<T>::iter() {
			ensure_that(!ballot.is_empty(), "no ballot is empty")?;
			ensure_that(
				r >= NextToRelease::<T>::get() && r <= round,
				"every ballot belongs to an election not released yet",
			)?;
			let h = held.entry(who).or_default();
			*h = h.saturating_add(ballot.held());
			if r == round {
				for (c, amount) in ballot.vote.iter() {
					let v = votes.entry(c.clone()).or_default();
					*v = v.saturating_add(*amount);
				}
				for (s, amount) in ballot.support.iter() {
					let v = support.entry(s.clone()).or_default();
					*v = v.saturating_add(*amount);
				}
			}
		}
		for (i, c) in candidates.iter().enumerate() {
			ensure_that(
				!candidates.iter().skip(i + 1).any(|o| o.who == c.who),
				"a candidate is on the ballot once",
			)?;
			ensure_that(
				c.votes == votes.get(&c.who).copied().unwrap_or(0),
				"a candidate's votes are what the ballots give it",
			)?;
		}
		for (who, (s, _)) in SignUps::<T>::iter_prefix(round) {
			ensure_that(
				s == support.get(&who).copied().unwrap_or(0),
				"a sign-up's support is what the ballots give it",
			)?;
		}
		let list = PreElectionList::<T>::get();
		ensure_that(
			list.iter().all(|(who, support, number)| {
				*support >= T::SignUpThreshold::get()
					&& SignUps::<T>::get(round, who) == Some((*support, *number))
			}) && list.windows(2).all(|w| {
				(core::cmp::Reverse(w[0].1), w[0].2) < (core::cmp::Reverse(w[1].1), w[1].2)
			}),
			"the pre-election list holds sign-ups at the threshold, ranked, each once",
		)?;
		let quota_of = |kind: fn(&Nominator<T::AccountId>) -> bool, quota: u32| {
			(candidates.iter().filter(|c| kind(&c.nominator)).count() as u32) <= quota
		};
		ensure_that(
			quota_of(|n| matches!(n, Nominator::BillingPeer(_)), T::BillingNominations::get())
				&& quota_of(
					|n| matches!(n, Nominator::Foundation),
					T::FoundationNominations::get(),
				) && quota_of(|n| matches!(n, Nominator::DApp(_)), T::DAppNominations::get())
				&& quota_of(|n| matches!(n, Nominator::PreElection), T::PreElected::get()),
			"each quota holds",
		)?;
		if matches!(Phase::<T>::get(), Some(ElectionPhase::Waiting { .. })) {
			ensure_that(
				candidates.is_empty()
					&& list.is_empty()
					&& Nominators::<T>::get().is_empty()
					&& SignUpCount::<T>::get() == 0,
				"between elections nothing of one is left",
			)?;
		}
		let (ranked_round, ranking) = TopDApps::<T>::get();
		ensure_that(
			ranking.windows(2).all(|w| w[0].1 >= w[1].1)
				&& ranking.iter().enumerate().all(|(i, (dapp, total))| {
					*total > 0
						&& DAppPaid::<T>::get(dapp) == Some((ranked_round, *total))
						&& !ranking.iter().skip(i + 1).any(|(other, _)| other == dapp)
				}),
			"the DApp ranking holds term totals, largest first, each DApp once",
		)?;
		let first = NextToRelease::<T>::get();
		ensure_that(first <= round, "no election is released before it completes")?;
		let reason = HoldReason::CommitteeVote.into();
		for (who, amount) in held.iter() {
			ensure_that(
				T::Currency::balance_on_hold(&reason, who) == *amount,
				"an account's hold is what its ballots hold",
			)?;
		}
		Ok(())
	}
}

fn ensure_that(condition: bool, message: &'static str) -> Result<(), TryRuntimeError> {
	if condition {
		Ok(())
	} else {
		Err(message.into())
	}
}

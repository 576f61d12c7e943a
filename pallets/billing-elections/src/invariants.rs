//! The pallet's invariants, checked by `try_state` after every test and by `try-runtime`.

use crate::{pallet::*, AuthoritySet};
use alloc::collections::BTreeMap;
use frame_support::traits::fungible::InspectHold;
use sp_runtime::TryRuntimeError;

impl<T: Config> Pallet<T> {
	/// - every vote names 1 to [`Config::MaxVotes`] distinct candidates, each given more than
	///   zero (not checked against [`Config::MinVote`], which an upgrade may raise);
	/// - the voter list holds exactly the voters, each with its vote's total, strictly in
	///   order, at most [`Config::MaxVoters`];
	/// - each candidate's backing is the sum of what the votes give it;
	/// - what is held for the elections is each account's vote plus its unbonding SPB, their
	///   sum is [`TotalLocked`], and no unbonding list is empty;
	/// - no backup is ranked twice, and the authority set is within its bound;
	/// - no key is on probation twice.
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		let mut backing: BTreeMap<(T::AccountId, u64), u128> = BTreeMap::new();
		let mut voters = 0usize;
		let list = VoterList::<T>::get();
		for (voter, vote) in Votes::<T>::iter() {
			voters += 1;
			ensure_that(!vote.is_empty(), "a vote names a candidate")?;
			let mut names: alloc::vec::Vec<_> = vote.iter().map(|e| &e.candidate).collect();
			names.sort();
			names.dedup();
			ensure_that(names.len() == vote.len(), "a vote names each candidate once")?;
			ensure_that(vote.iter().all(|e| e.amount > 0), "a vote gives each candidate SPB")?;
			let total = Self::total_of(&vote);
			ensure_that(
				list.binary_search(&(total, voter.clone())).is_ok(),
				"every voter is in the voter list with its total",
			)?;
			for e in vote.iter() {
				let b = backing.entry((e.candidate.clone(), e.registration)).or_default();
				*b = b.saturating_add(e.amount);
			}
		}
		ensure_that(list.len() == voters, "the voter list holds exactly the voters")?;
		ensure_that(list.windows(2).all(|w| w[0] < w[1]), "the voter list is in order")?;
		ensure_that(
			Backing::<T>::iter().count() == backing.len()
				&& backing.iter().all(|((c, r), b)| Backing::<T>::get(c, r) == *b),
			"each candidate's backing is what the votes give it",
		)?;
		let reason = HoldReason::BillingVote.into();
		let mut held = 0u128;
		for voter in Votes::<T>::iter_keys()
			.chain(Unbonding::<T>::iter_keys().filter(|who| !Votes::<T>::contains_key(who)))
		{
			held = held.saturating_add(T::Currency::balance_on_hold(&reason, &voter));
		}
		ensure_that(held == TotalLocked::<T>::get(), "the total locked is every vote's hold")?;
		for (who, chunks) in Unbonding::<T>::iter() {
			ensure_that(!chunks.is_empty(), "no unbonding list is empty")?;
			ensure_that(
				T::Currency::balance_on_hold(&reason, &who) == Self::locked_of(&who),
				"an unbonding account's hold is its vote and unbonding",
			)?;
		}
		for (total, voter) in list.iter() {
			ensure_that(
				T::Currency::balance_on_hold(&reason, voter) == Self::locked_of(voter)
					&& Self::locked_of(voter) >= *total,
				"a voter's hold is its vote and unbonding",
			)?;
		}
		let backups = Backups::<T>::get();
		let mut names: alloc::vec::Vec<_> = backups.iter().map(|b| &b.account).collect();
		names.sort();
		names.dedup();
		ensure_that(names.len() == backups.len(), "a backup is ranked once")?;
		let set = T::AuthoritySet::authorities();
		ensure_that(
			set.len() <= T::AuthoritySet::max_authorities() as usize,
			"the authority set is within its bound",
		)?;
		let probation = OnProbation::<T>::get();
		let mut keys: alloc::vec::Vec<_> = probation.iter().collect();
		keys.sort();
		keys.dedup();
		// Root may change the set by hand (`Gosig::set_authorities`): a key on probation that
		// left the set that way is ignored until the next election or replacement rewrites
		// the list.
		ensure_that(keys.len() == probation.len(), "a member is on probation once")?;
		let departed = Departed::<T>::get();
		ensure_that(
			Absent::<T>::get().iter().all(|k| departed.contains(k)),
			"an absentee waits among the departed",
		)?;
		ensure_that(
			ReplacementRetryAt::<T>::get().is_none() || !departed.is_empty(),
			"a replacement is retried only while departures wait",
		)?;
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

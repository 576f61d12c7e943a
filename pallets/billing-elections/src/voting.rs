//! Votes: locked SPB given to candidates, the voter list, unbonding and the hold.

use crate::{pallet::*, types::*, BillingCandidates};
use alloc::vec::Vec;
use frame_support::{
	pallet_prelude::*,
	traits::{
		fungible::{InspectHold, MutateHold},
		tokens::Precision,
	},
};
use sp_runtime::traits::{Saturating, Zero};

impl<T: Config> Pallet<T> {
	/// Check and record `voter`'s new vote (see [`Pallet::vote`]).
	pub(crate) fn do_vote(
		voter: &T::AccountId,
		votes: VotesOf<T::AccountId, u128, T::MaxVotes>,
	) -> DispatchResult {
		ensure!(!votes.is_empty(), Error::<T>::NoCandidates);
		let mut named: Vec<&T::AccountId> = votes.iter().map(|(c, _)| c).collect();
		named.sort();
		named.dedup();
		ensure!(named.len() == votes.len(), Error::<T>::DuplicateCandidate);
		let mut total: u128 = 0;
		let mut entries = Vec::with_capacity(votes.len());
		for (candidate, amount) in votes.into_iter() {
			ensure!(!amount.is_zero(), Error::<T>::ZeroVote);
			let registration =
				T::Candidates::registration_of(&candidate).ok_or(Error::<T>::NotACandidate)?;
			total = total.checked_add(amount).ok_or(Error::<T>::Overflow)?;
			entries.push(VoteEntry { candidate, registration, amount });
		}
		let vote: VoteOf<T::AccountId, u128, T::MaxVotes> = BoundedVec::truncate_from(entries);
		ensure!(total >= T::MinVote::get(), Error::<T>::VoteTooSmall);

		let old = Votes::<T>::get(voter);
		let old_total = old.as_ref().map_or(0, |v| Self::total_of(v));
		// A larger vote takes unbonding SPB back first; what it adds beyond that must be free
		// to be held, the existential deposit kept.
		let unbonding = Self::unbonding_of(voter);
		let rebond = total.saturating_sub(old_total).min(unbonding);
		let locked =
			total.checked_add(unbonding.saturating_sub(rebond)).ok_or(Error::<T>::Overflow)?;
		let more = locked.saturating_sub(old_total.saturating_add(unbonding));
		T::Currency::ensure_can_hold(&HoldReason::BillingVote.into(), voter, more)
			.map_err(|_| Error::<T>::InsufficientBalance)?;

		// The voter list: out with the old entry, in with the new; a new voter on a full list
		// displaces the smallest vote if it is larger.
		let mut list = VoterList::<T>::get();
		if old.is_some() {
			if let Ok(at) = list.binary_search(&(old_total, voter.clone())) {
				list.remove(at);
			} else {
				defensive!("a voter is missing from the voter list");
			}
		}
		let mut displaced = None;
		if list.is_full() {
			let smallest = list.first().map_or(0, |(t, _)| *t);
			ensure!(total > smallest, Error::<T>::VoterListFull);
			displaced = Some(list.remove(0));
		}
		let entry = (total, voter.clone());
		let at = list.partition_point(|e| *e < entry);
		list.try_insert(at, entry).map_err(|_| Error::<T>::VoterListFull)?;

		// Every check passed: apply.
		if let Some(old) = &old {
			Self::unback(old);
		}
		Self::back(&vote);
		if total < old_total {
			Self::unbond(voter, old_total - total);
		}
		Self::rebond(voter, rebond);
		let candidates = vote.len() as u32;
		Votes::<T>::insert(voter, vote);
		VoterList::<T>::put(list);
		Self::update_hold(voter)?;
		if let Some((amount, displaced)) = displaced {
			if let Some(vote) = Votes::<T>::take(&displaced) {
				Self::unback(&vote);
			}
			Self::unbond(&displaced, amount);
			Self::update_hold(&displaced)?;
			Self::deposit_event(Event::VoteDisplaced { voter: displaced, amount });
		}
		Self::deposit_event(Event::Voted { voter: voter.clone(), total, candidates });
		Ok(())
	}

	/// `candidate`, just registered, backs itself with `bond` of its own SPB: its vote for
	/// itself, checked, locked and counted as any vote ([`Pallet::vote`]). The registry calls
	/// this for a candidate that stands backed; one that votes already must withdraw its vote
	/// first ([`Error::AlreadyVoting`]), so that a vote is never replaced unasked.
	pub fn back_self(candidate: &T::AccountId, bond: u128) -> DispatchResult {
		ensure!(!Votes::<T>::contains_key(candidate), Error::<T>::AlreadyVoting);
		let vote: VotesOf<T::AccountId, u128, T::MaxVotes> =
			BoundedVec::try_from(alloc::vec![(candidate.clone(), bond)])
				.map_err(|_| Error::<T>::NoCandidates)?;
		Self::do_vote(candidate, vote)
	}

	/// Remove `voter`'s vote; its SPB unbond. Returns the vote's total.
	pub(crate) fn remove_vote(voter: &T::AccountId) -> Result<u128, DispatchError> {
		let vote = Votes::<T>::take(voter).ok_or(Error::<T>::NotVoting)?;
		let total = Self::total_of(&vote);
		Self::unback(&vote);
		VoterList::<T>::mutate(|list| match list.binary_search(&(total, voter.clone())) {
			Ok(at) => {
				list.remove(at);
			}
			Err(_) => {
				defensive!("a voter is missing from the voter list");
			}
		});
		Self::unbond(voter, total);
		Self::update_hold(voter)?;
		Ok(total)
	}

	/// Unlock `voter`'s unbonded chunks (see [`Pallet::withdraw_unbonded`]).
	pub(crate) fn do_withdraw(voter: &T::AccountId) -> DispatchResult {
		let now = frame_system::Pallet::<T>::block_number();
		let chunks = Unbonding::<T>::get(voter);
		let (unlocked, kept): (Vec<_>, Vec<_>) =
			chunks.into_iter().partition(|chunk| chunk.unlock_at <= now);
		let amount = unlocked.iter().fold(0u128, |sum, c| sum.saturating_add(c.amount));
		ensure!(!amount.is_zero(), Error::<T>::NothingToWithdraw);
		if kept.is_empty() {
			Unbonding::<T>::remove(voter);
		} else {
			// At most as many chunks as before.
			Unbonding::<T>::insert(voter, BoundedVec::truncate_from(kept));
		}
		Self::update_hold(voter)?;
		Self::deposit_event(Event::Withdrawn { voter: voter.clone(), amount });
		Ok(())
	}

	/// The SPB a vote gives all its candidates together.
	pub fn total_of(vote: &VoteOf<T::AccountId, u128, T::MaxVotes>) -> u128 {
		vote.iter().fold(0u128, |sum, entry| sum.saturating_add(entry.amount))
	}

	/// The SPB `who` has unbonding.
	pub fn unbonding_of(who: &T::AccountId) -> u128 {
		Unbonding::<T>::get(who).iter().fold(0u128, |sum, c| sum.saturating_add(c.amount))
	}

	/// What the pallet holds of `who`: its vote and its unbonding SPB.
	pub fn locked_of(who: &T::AccountId) -> u128 {
		let vote = Votes::<T>::get(who).map_or(0, |v| Self::total_of(&v));
		vote.saturating_add(Self::unbonding_of(who))
	}

	fn back(vote: &VoteOf<T::AccountId, u128, T::MaxVotes>) {
		for entry in vote.iter() {
			Backing::<T>::mutate(&entry.candidate, entry.registration, |b| {
				*b = b.saturating_add(entry.amount)
			});
		}
	}

	fn unback(vote: &VoteOf<T::AccountId, u128, T::MaxVotes>) {
		for entry in vote.iter() {
			Backing::<T>::mutate_exists(&entry.candidate, entry.registration, |b| {
				let left = b.unwrap_or(0).saturating_sub(entry.amount);
				*b = (!left.is_zero()).then_some(left);
			});
		}
	}

	/// Start unbonding `amount` of `who`'s SPB. Unbonding in the block of the last chunk joins
	/// it; with every chunk in use, it joins the last one, whose unlock moves to the new one's.
	fn unbond(who: &T::AccountId, amount: u128) {
		if amount.is_zero() {
			return;
		}
		let unlock_at =
			frame_system::Pallet::<T>::block_number().saturating_add(T::UnbondingPeriod::get());
		Unbonding::<T>::mutate(who, |chunks| {
			if let Some(last) = chunks.last_mut() {
				if last.unlock_at == unlock_at {
					last.amount = last.amount.saturating_add(amount);
					return;
				}
			}
			if let Err(chunk) = chunks.try_push(UnbondingChunk { amount, unlock_at }) {
				if let Some(last) = chunks.last_mut() {
					last.amount = last.amount.saturating_add(chunk.amount);
					last.unlock_at = last.unlock_at.max(chunk.unlock_at);
				}
			}
		});
	}

	/// Take `amount` of `who`'s unbonding SPB back into its vote, newest chunks first.
	fn rebond(who: &T::AccountId, mut amount: u128) {
		if amount.is_zero() {
			return;
		}
		Unbonding::<T>::mutate_exists(who, |maybe| {
			let Some(chunks) = maybe else { return };
			while amount > 0 {
				let Some(last) = chunks.last_mut() else { break };
				let taken = last.amount.min(amount);
				last.amount -= taken;
				amount -= taken;
				if last.amount.is_zero() {
					chunks.pop();
				}
			}
			if chunks.is_empty() {
				*maybe = None;
			}
		});
	}

	/// Hold exactly what `who` has voting and unbonding: more is held from the free balance
	/// (which must keep the existential deposit: else [`Error::InsufficientBalance`]), less is
	/// released.
	fn update_hold(who: &T::AccountId) -> DispatchResult {
		let locked = Self::locked_of(who);
		let reason = HoldReason::BillingVote.into();
		let held = T::Currency::balance_on_hold(&reason, who);
		if locked > held {
			T::Currency::hold(&reason, who, locked - held)
				.map_err(|_| Error::<T>::InsufficientBalance)?;
			TotalLocked::<T>::mutate(|total| *total = total.saturating_add(locked - held));
		} else if held > locked {
			T::Currency::release(&reason, who, held - locked, Precision::Exact)?;
			TotalLocked::<T>::mutate(|total| *total = total.saturating_sub(held - locked));
		}
		Ok(())
	}
}

//! Turnover: how many unproven billing peers the authority set may hold.
//!
//! Gosig finalizes with `n − f` votes of `n` billing peers (`f = ⌊(n − 1) / 3⌋`), and blocks are
//! only built on the finalized head: a set with more than `f` members that do not vote halts the
//! chain for good, since no block can then carry the change that would remove them. Votes alone
//! must not be able to do that. A newcomer's node is unknown (it may be down, or misconfigured);
//! a member that has packed a block on this chain since it was seated has shown that its node
//! runs Gosig with its key. So a newcomer is **on probation** ([`OnProbation`]) until it packs a
//! block ([`AuthoritySet::packer`]), and the set never holds more than
//! [`turnover_budget`]`(n)` members on probation — at an election as at a replacement:
//!
//! - at an election, the *proven* incumbents (members not on probation, still eligible) that
//!   the votes elect keep their seats; the others elected — newcomers, and members still on
//!   probation — take seats in rank order up to the budget; elected candidates the budget
//!   leaves out lead the backups, and their seats go to the other proven incumbents in rank
//!   order (voted or not);
//! - a replacement of departed billing peers seats backups while the budget allows, or as many as
//!   keep the set at the smaller of its size and [`Config::MinElected`], or as many as keep its
//!   fault tolerance `f` (a set that shrank would tolerate fewer faults among the members it
//!   keeps).
//!
//! A member on probation that is elected again stays on probation, and counts against the budget
//! again: a silent newcomer cannot become an incumbent by waiting an era. A set grows from the four
//! genesis billing peers (proven by the genesis) to 21 in at least six eras (4 → 5 → 7 → 10 →
//! 14 → 20 → 21), each step once the newcomers before it have packed.
//!
//! With no proven eligible incumbent left there is nothing working to protect, and the elected
//! take every seat.

use crate::{election::Backed, pallet::*, AuthoritySet};
use alloc::vec::Vec;
use frame_support::pallet_prelude::*;

/// The members on probation a set of `size` billing peers may hold: `⌊(size − 1) / 3⌋`, the
/// faults Gosig tolerates, and at least one, so that a set of one to three can grow.
pub fn turnover_budget(size: u32) -> u32 {
	(size.saturating_sub(1) / 3).max(1)
}

/// Gosig's fault tolerance in a set of `size`: `⌊(size − 1) / 3⌋`.
fn faults_tolerated(size: u32) -> u32 {
	size.saturating_sub(1) / 3
}

/// Who takes the seats of an election.
pub struct Seating<AccountId, BillingKey> {
	/// The new set, in rank order (the elected who are seated, then the proven incumbents kept
	/// on seats the budget left them).
	pub seated: Vec<Backed<AccountId, BillingKey>>,
	/// The backups, in rank order: the elected the budget left out first.
	pub backups: Vec<Backed<AccountId, BillingKey>>,
	/// Members of the new set on probation: newcomers, and members still on probation.
	pub on_probation: Vec<BillingKey>,
	/// Newcomers seated (not in the set before).
	pub newcomers: u32,
	/// Elected candidates left out by the budget.
	pub deferred: u32,
}

impl<T: Config> Pallet<T> {
	/// Seat an election's `elected` (rank order) given the `backups` (rank order) and the
	/// keys of the `current` set, within the turnover budget.
	pub(crate) fn seat(
		elected: Vec<Backed<T::AccountId, T::BillingKey>>,
		backups: Vec<Backed<T::AccountId, T::BillingKey>>,
		current: &[T::BillingKey],
	) -> Seating<T::AccountId, T::BillingKey> {
		let probation = OnProbation::<T>::get();
		let is_proven = |(c, _): &Backed<T::AccountId, T::BillingKey>| {
			current.contains(&c.key) && !probation.contains(&c.key)
		};
		let seats = elected.len() as u32;
		let unproven_elected = elected.iter().filter(|b| !is_proven(b)).count() as u32;
		let proven = elected.iter().chain(backups.iter()).filter(|b| is_proven(b)).count() as u32;
		let admitted = if proven == 0 {
			unproven_elected
		} else {
			let floor = T::MinElected::get().min(seats);
			(0..=unproven_elected)
				.rev()
				.find(|&x| {
					let size = seats.min(x.saturating_add(proven));
					x <= turnover_budget(size) || x <= floor.saturating_sub(proven)
				})
				.unwrap_or(0)
		};
		let size = seats.min(admitted.saturating_add(proven));
		// Proven incumbents kept on seats that the unproven elected could not take, best
		// ranked first.
		let elected_proven = seats.saturating_sub(unproven_elected);
		let mut extra = size.saturating_sub(admitted).saturating_sub(elected_proven);
		let (mut seated, mut left_out, mut on_probation) = (Vec::new(), Vec::new(), Vec::new());
		let (mut taken, mut newcomers) = (0u32, 0u32);
		for backed in elected {
			if is_proven(&backed) {
				seated.push(backed);
			} else if taken < admitted {
				taken += 1;
				if !current.contains(&backed.0.key) {
					newcomers += 1;
				}
				on_probation.push(backed.0.key.clone());
				seated.push(backed);
			} else {
				left_out.push(backed);
			}
		}
		let deferred = left_out.len() as u32;
		for backed in backups {
			if extra > 0 && is_proven(&backed) {
				extra -= 1;
				seated.push(backed);
			} else {
				left_out.push(backed);
			}
		}
		Seating { seated, backups: left_out, on_probation, newcomers, deferred }
	}

	/// How many backups may replace the `departed` keys of the set `current` now: while the
	/// members on probation stay within the budget of the set they make, or as many as keep the
	/// set at the smaller of its size and [`Config::MinElected`], or as many as keep its fault
	/// tolerance.
	pub(crate) fn replacements_allowed(
		current: &[T::BillingKey],
		departed: &[T::BillingKey],
	) -> u32 {
		let size = current.len() as u32;
		let leaving = current.iter().filter(|k| departed.contains(k)).count() as u32;
		let remaining = size.saturating_sub(leaving);
		// Keys no longer in the set (root may change it by hand) do not count.
		let unproven = OnProbation::<T>::get()
			.iter()
			.filter(|k| current.contains(k) && !departed.contains(k))
			.count() as u32;
		let floor = T::MinElected::get().min(size).saturating_sub(remaining);
		let keep_faults = (3 * faults_tolerated(size) + 1).saturating_sub(remaining);
		let within_budget = (0..=leaving)
			.rev()
			.find(|&x| unproven.saturating_add(x) <= turnover_budget(remaining.saturating_add(x)))
			.unwrap_or(0);
		within_budget.max(floor).max(keep_faults).min(leaving)
	}

	/// Note the block being built: its packer, if on probation, has proven its node. Returns
	/// the weight.
	pub(crate) fn note_packer() -> Weight {
		// The packer (the digest and the set) and the probation list.
		let weight = T::DbWeight::get().reads(3);
		let Some(packer) = T::AuthoritySet::packer() else { return weight };
		let mut probation = OnProbation::<T>::get();
		if let Some(at) = probation.iter().position(|k| *k == packer) {
			probation.remove(at);
			OnProbation::<T>::put(probation);
			Self::deposit_event(Event::ProbationPassed { key: packer });
			return weight.saturating_add(T::DbWeight::get().writes(1));
		}
		weight
	}
}

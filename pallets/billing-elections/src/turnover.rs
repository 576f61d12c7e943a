//! Turnover: how many new billing peers one era may bring into the authority set.
//!
//! Gosig finalizes with `n − f` votes of `n` billing peers (`f = ⌊(n − 1) / 3⌋`), and blocks are
//! only built on the finalized head: a set with more than `f` members that do not vote halts the
//! chain for good, since no block can then carry the change that would remove them. Votes alone
//! must not be able to do that. A newcomer's node is unknown (it may be down, or its key held by
//! nobody), an incumbent's has been voting; so each era admits at most
//! [`turnover_budget`]`(n)` newcomers into a set of `n`, counting the election and the
//! replacements of departed billing peers together ([`EraNewcomers`]). Elected candidates the
//! budget leaves out lead the backups and come in at later eras; the seats they would have
//! taken stay with eligible incumbents (in rank order, voted or not). A set can thus grow from
//! the four genesis billing peers to 21 in six eras: 4 → 5 → 7 → 10 → 14 → 20 → 21.
//!
//! The budget never shrinks a set below what the election could otherwise fill up to
//! [`Config::MinElected`] (when too few eligible incumbents are left), and does not apply when no
//! eligible incumbent is left (there is nothing working to protect).

use crate::{election::Backed, pallet::*};
use alloc::vec::Vec;
use frame_support::pallet_prelude::*;

/// The newcomers a set of `size` billing peers may take in one era: `⌊(size − 1) / 3⌋`, the
/// faults Gosig tolerates, and at least one, so that a set of one to three can grow.
pub fn turnover_budget(size: u32) -> u32 {
	(size.saturating_sub(1) / 3).max(1)
}

/// Who takes the seats of an election.
pub struct Seating<AccountId, BillingKey> {
	/// The new set, in rank order (the elected who are seated, then the incumbents kept on
	/// seats the budget left them).
	pub seated: Vec<Backed<AccountId, BillingKey>>,
	/// The backups, in rank order: the elected the budget left out first.
	pub backups: Vec<Backed<AccountId, BillingKey>>,
	/// Newcomers seated.
	pub newcomers: u32,
	/// Elected newcomers left out by the budget.
	pub deferred: u32,
}

impl<T: Config> Pallet<T> {
	/// Seat an election's `elected` (rank order) given the `backups` (rank order) and the
	/// keys of the `current` set, within the era's turnover budget (a fresh one: the election
	/// starts the era).
	pub(crate) fn seat(
		elected: Vec<Backed<T::AccountId, T::BillingKey>>,
		backups: Vec<Backed<T::AccountId, T::BillingKey>>,
		current: &[T::BillingKey],
	) -> Seating<T::AccountId, T::BillingKey> {
		let is_incumbent = |(c, _): &Backed<T::AccountId, T::BillingKey>| current.contains(&c.key);
		let seats = elected.len() as u32;
		let new_elected = elected.iter().filter(|b| !is_incumbent(b)).count() as u32;
		let incumbents =
			elected.iter().chain(backups.iter()).filter(|b| is_incumbent(b)).count() as u32;
		let admitted = if incumbents == 0 {
			new_elected
		} else {
			let floor = T::MinElected::get().min(seats);
			(0..=new_elected)
				.rev()
				.find(|&x| {
					let size = seats.min(x.saturating_add(incumbents));
					x <= turnover_budget(size) || x <= floor.saturating_sub(incumbents)
				})
				.unwrap_or(0)
		};
		let size = seats.min(admitted.saturating_add(incumbents));
		// Incumbents kept on seats that elected newcomers could not take, best ranked first.
		let elected_incumbents = seats.saturating_sub(new_elected);
		let mut extra = size.saturating_sub(admitted).saturating_sub(elected_incumbents);
		let (mut seated, mut left_out) = (Vec::new(), Vec::new());
		let mut taken = 0u32;
		for backed in elected {
			if is_incumbent(&backed) {
				seated.push(backed);
			} else if taken < admitted {
				taken += 1;
				seated.push(backed);
			} else {
				left_out.push(backed);
			}
		}
		let deferred = left_out.len() as u32;
		for backed in backups {
			if extra > 0 && is_incumbent(&backed) {
				extra -= 1;
				seated.push(backed);
			} else {
				left_out.push(backed);
			}
		}
		Seating { seated, backups: left_out, newcomers: admitted, deferred }
	}

	/// How many backups may replace `departed` billing peers of a set of `current` members
	/// now: the era's budget left for the set they make, or enough to keep the set at the
	/// smaller of its size and [`Config::MinElected`].
	pub(crate) fn replacements_allowed(current: u32, departed: u32) -> u32 {
		let remaining = current.saturating_sub(departed);
		let spent = EraNewcomers::<T>::get();
		let floor = T::MinElected::get().min(current).saturating_sub(remaining);
		(0..=departed)
			.rev()
			.find(|&x| {
				x.saturating_add(spent) <= turnover_budget(remaining.saturating_add(x))
					|| x <= floor
			})
			.unwrap_or(0)
	}
}

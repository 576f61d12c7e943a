//! The DApps with the most paid traffic over the term (ch.4 §3: "the 10 DApps with the most
//! paid traffic nominate one candidate each"): Proof-of-Traffic tells the pallet each DApp's
//! bill of a ledgering period once, when it forgets the period's bills
//! ([`Pallet::note_paid_traffic`]), and the pallet keeps each DApp's total for the term and the
//! [`Config::DAppNominations`] largest, most first. An election's nominators are taken from
//! that ranking when it starts; the bills told from then on count for the next.
//!
//! The ranking is exact with bounded work: totals only grow, so a DApp outside the ranking
//! enters it exactly when its own total passes the smallest in it (each bill is one read and
//! write of the DApp's total and of the ranking, at most [`Config::DAppNominations`] long).
//! Among equal totals, the DApp whose total reached it first ranks first; the bills of one
//! period reach the pallet in the order of the DApps' hashed account keys.

use crate::{pallet::*, types::ElectionPhase};
use alloc::vec::Vec;
use frame_support::pallet_prelude::*;

impl<T: Config> Pallet<T> {
	/// The election whose nominations bills paid now count for: the next to start.
	pub(crate) fn ranking_round() -> u32 {
		match Phase::<T>::get() {
			Some(ElectionPhase::Waiting { .. }) | None => Round::<T>::get(),
			// The election under way took its nominators when it started.
			_ => Round::<T>::get().saturating_add(1),
		}
	}

	/// `dapp` was billed `amount` for paid traffic (Proof-of-Traffic's settlement): add it to
	/// its total for the term and to the ranking.
	///
	/// Complexity: `O(D)`, `D` = [`Config::DAppNominations`].
	pub fn note_paid_traffic(dapp: &T::AccountId, amount: u128) {
		if amount == 0 || T::DAppNominations::get() == 0 {
			return;
		}
		let round = Self::ranking_round();
		let total = DAppPaid::<T>::mutate(dapp, |entry| {
			let before = match *entry {
				Some((r, paid)) if r == round => paid,
				_ => 0,
			};
			let total = before.saturating_add(amount);
			*entry = Some((round, total));
			total
		});
		TopDApps::<T>::mutate(|(ranked_round, ranking)| {
			if *ranked_round != round {
				*ranked_round = round;
				ranking.clear();
			}
			if let Some(at) = ranking.iter().position(|(who, _)| who == dapp) {
				ranking.remove(at);
			} else if ranking.is_full() {
				match ranking.last() {
					Some((_, smallest)) if *smallest >= total => return,
					_ => {
						ranking.pop();
					}
				}
			}
			// After every DApp with as much: the earlier to reach a total ranks first.
			let at = ranking.iter().position(|(_, paid)| *paid < total).unwrap_or(ranking.len());
			if ranking.try_insert(at, (dapp.clone(), total)).is_err() {
				defensive!("a place was made in the ranking");
			}
		});
	}

	/// The DApps with the most paid traffic over the term, most first (at most
	/// [`Config::DAppNominations`]): the nominators of the election starting now.
	pub(crate) fn top_dapps() -> Vec<T::AccountId> {
		let (round, ranking) = TopDApps::<T>::get();
		if round != Self::ranking_round() {
			return Vec::new();
		}
		ranking.into_iter().map(|(dapp, _)| dapp).collect()
	}
}

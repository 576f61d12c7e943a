//! Participation: who misses the votes. Each block's packer hands the runtime the votes it saw
//! for the parent ([`ParentVotes`]); the runtime counts them per billing peer over a window
//! ([`ParticipationTally`]) and strikes those absent from more than half ([`MissedVoteStrikes`]).

use crate::*;
use sp_runtime::{
	traits::{One, Saturating},
	RuntimeAppPublic,
};
use spacebook_gosig_primitives::ParticipationView;

impl<T: Config> Pallet<T> {
	/// Count the parent's votes (see [`Pallet::note_parent_votes`]). Votes that do not hold —
	/// another set, a round outside the parent's, a bad signature, an index out of order — are
	/// counted for nobody; the block stays valid, so that no vote a Byzantine billing peer
	/// gossips can stop honest packers from building.
	pub(crate) fn count_parent_votes(votes: &ParentVotes) -> DispatchResult {
		ensure!(!ParentVotesNoted::<T>::get(), Error::<T>::ParentVotesNotedTwice);
		ParentVotesNoted::<T>::put(true);
		let Some(context) = ParentContext::<T>::get() else { return Ok(()) };
		// The set that voted on the parent (recorded before any change in this block), unless
		// the parent changed it; the round it was committed in, from its own round on.
		let (Some(set_id), true) = (
			context.voters,
			context.parent_round <= votes.round && votes.round < CurrentRound::<T>::get(),
		) else {
			return Ok(());
		};
		if votes.set_id != set_id {
			return Ok(());
		}
		let Some(voters) = Self::authorities_of(set_id) else { return Ok(()) };
		let now = frame_system::Pallet::<T>::block_number();
		let parent_number = now.saturating_sub(One::one());
		let parent_hash = frame_system::Pallet::<T>::parent_hash();
		let genesis_hash = Self::genesis_hash();
		let mut present: Vec<&AuthorityId> = Vec::new();
		let mut last: Option<AuthorityIndex> = None;
		for (index, code, signature) in votes.votes.iter() {
			if last.is_some_and(|l| *index <= l) {
				continue;
			}
			last = Some(*index);
			let (Some(signer), Some(payload)) =
				(voters.get(*index as usize), votes.payload(*code, parent_hash, parent_number))
			else {
				continue;
			};
			if signer.verify(&payload.signing_bytes(&genesis_hash, *index), signature) {
				present.push(signer);
			}
		}
		// The tally follows the set in force now (changed in this block or not): each member
		// that was among the voters is counted, and present if its vote is in.
		let authorities = Authorities::<T>::get();
		let mut tally = Self::tally(authorities.len());
		for (key, (counted, seen)) in authorities.iter().zip(tally.iter_mut()) {
			if voters.contains(key) {
				*counted = counted.saturating_add(1);
				if present.contains(&key) {
					*seen = seen.saturating_add(1);
				}
			}
		}
		ParticipationTally::<T>::put(tally);
		Ok(())
	}

	/// The tally of the current set's `len` billing peers, missing entries as zeros.
	fn tally(len: usize) -> BoundedVec<(u32, u32), T::MaxAuthorities> {
		let mut tally = ParticipationTally::<T>::get();
		while tally.len() < len {
			if tally.try_push((0, 0)).is_err() {
				break;
			}
		}
		tally.truncate(len);
		tally
	}

	/// The fewest counted blocks a billing peer is judged on: a quarter of the window (at least
	/// one), so that one who joined the set late in a window is not judged on a few blocks.
	pub fn min_counted() -> u32 {
		use sp_runtime::SaturatedConversion;
		(T::ParticipationWindow::get().saturated_into::<u32>() / 4).max(1)
	}

	/// Whether `present` of `counted` blocks is an absence: judged, and present in fewer than
	/// half.
	pub fn is_absent(counted: u32, present: u32) -> bool {
		counted >= Self::min_counted() && (present as u64) * 2 < counted as u64
	}

	/// End the participation window: strike the absent, clear the present's strikes, start a
	/// new tally. `on_initialize` calls it every [`Config::ParticipationWindow`] blocks. At most
	/// `MaxAuthorities` billing peers; returns the weight used.
	pub fn end_participation_window() -> Weight {
		let authorities = Authorities::<T>::get();
		let tally = Self::tally(authorities.len());
		let mut struck = 0u64;
		for (key, (counted, present)) in authorities.iter().zip(tally.iter()) {
			// Present, or not judged (too few counted blocks): strikes count windows in a row.
			if !Self::is_absent(*counted, *present) {
				MissedVoteStrikes::<T>::remove(key);
				continue;
			}
			let strikes = MissedVoteStrikes::<T>::mutate(key, |s| {
				*s = s.saturating_add(1);
				*s
			});
			struck = struck.saturating_add(1);
			log::warn!(
				target: LOG_TARGET,
				"billing peer {key:?} missed votes: present in {present} of {counted} blocks, \
				 strike {strikes}"
			);
			Self::deposit_event(Event::MissedVotes {
				authority: key.clone(),
				counted: *counted,
				present: *present,
				strikes,
			});
			T::OnMissedVotes::on_missed_votes(key, strikes);
		}
		ParticipationTally::<T>::kill();
		<T as Config>::WeightInfo::end_participation_window(authorities.len() as u32)
			.saturating_add(T::OnMissedVotes::weight().saturating_mul(struck))
	}

	/// The tally and strikes follow the billing peers that stay into `next`; those that leave
	/// the set lose theirs. `O(a²)` comparisons for `a` billing peers, at most `MaxAuthorities`.
	pub(crate) fn carry_participation(next: &[AuthorityId]) {
		let current = Authorities::<T>::get();
		let tally = Self::tally(current.len());
		let carried: Vec<(u32, u32)> = next
			.iter()
			.map(|key| {
				current
					.iter()
					.position(|k| k == key)
					.and_then(|i| tally.get(i).copied())
					.unwrap_or((0, 0))
			})
			.collect();
		for key in current.iter().filter(|k| !next.contains(k)) {
			MissedVoteStrikes::<T>::remove(key);
		}
		ParticipationTally::<T>::put(BoundedVec::truncate_from(carried));
	}

	/// Each billing peer's participation in the current window, by authority index, and the
	/// window's length (the `GosigApi` runtime API).
	pub fn participation() -> (Vec<ParticipationView>, u32) {
		use sp_runtime::SaturatedConversion;
		let authorities = Authorities::<T>::get();
		let tally = Self::tally(authorities.len());
		let view = authorities
			.into_iter()
			.zip(tally)
			.map(|(authority, (counted, present))| ParticipationView {
				strikes: MissedVoteStrikes::<T>::get(&authority),
				authority,
				counted,
				present,
			})
			.collect();
		(view, T::ParticipationWindow::get().saturated_into())
	}

	/// Invariants: the tally is no longer than the set and nobody is present in more blocks
	/// than counted; strikes are kept only for billing peers of the set.
	#[cfg(any(feature = "try-runtime", test))]
	pub(crate) fn participation_invariants() -> Result<(), sp_runtime::TryRuntimeError> {
		let authorities = Authorities::<T>::get();
		let tally = ParticipationTally::<T>::get();
		ensure!(tally.len() <= authorities.len(), "participation tally longer than the set");
		ensure!(
			tally.iter().all(|(counted, present)| present <= counted),
			"a billing peer present in more blocks than counted"
		);
		ensure!(
			MissedVoteStrikes::<T>::iter_keys().all(|key| authorities.contains(&key)),
			"strikes kept for a key outside the set"
		);
		Ok(())
	}
}

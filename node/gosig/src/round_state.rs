//! What the worker publishes of its state for operators: the node's `gosig_roundState` RPC reads
//! it. The worker replaces the view after every event it handles; readers never wait on it.

use gosig_core::{Height, RoundVotes, ROUND_WINDOW};
use parking_lot::RwLock;
use spacebook_gosig_primitives::{AuthorityId, AuthorityIndex, Round, SetId};
use std::sync::Arc;

/// The lock a billing peer holds: the block it may only prepare until a newer certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LockView<Hash> {
	/// The locked block.
	pub block: Hash,
	/// Its height.
	pub height: Height,
	/// The round of the prepare certificate that locked it.
	pub round: Round,
}

/// A node's view of Gosig at one moment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoundStateView<Hash> {
	/// The authority set the worker runs in.
	pub set_id: SetId,
	/// Its billing peers, by index.
	pub authorities: Vec<AuthorityId>,
	/// This node's index in the set, unless it observes.
	pub me: Option<AuthorityIndex>,
	/// The current round.
	pub round: Round,
	/// The finalized head the voter builds on: `(hash, height)`.
	pub finalized: (Hash, Height),
	/// The lock held, if any.
	pub lock: Option<LockView<Hash>>,
	/// What was seen in the current round and the ones still in the vote window, newest first.
	pub rounds: Vec<RoundVotes<Hash>>,
}

/// The view shared between the worker (which writes it) and the RPC (which reads it); `None`
/// until the worker entered its first authority set. Readers take a reference-counted copy, so
/// neither side holds the lock for longer than a pointer swap.
#[derive(Clone)]
pub struct SharedRoundState<Hash>(Arc<RwLock<Option<Arc<RoundStateView<Hash>>>>>);

impl<Hash> SharedRoundState<Hash> {
	/// An empty view.
	pub fn new() -> Self {
		Self(Arc::new(RwLock::new(None)))
	}

	/// The latest view, if the worker published one.
	pub fn get(&self) -> Option<Arc<RoundStateView<Hash>>> {
		self.0.read().clone()
	}

	pub(crate) fn set(&self, view: RoundStateView<Hash>) {
		let old = self.0.write().replace(Arc::new(view));
		// The old view is freed here, outside the lock.
		drop(old);
	}
}

impl<Hash> Default for SharedRoundState<Hash> {
	fn default() -> Self {
		Self::new()
	}
}

/// The view of `voter` in set `set_id` of `authorities`.
pub(crate) fn view_of<Hash: Clone + Ord, S: Clone>(
	voter: &gosig_core::Voter<Hash, S>,
	set_id: SetId,
	authorities: &[AuthorityId],
) -> RoundStateView<Hash> {
	let round = voter.round();
	let (finalized, height) = voter.finalized();
	RoundStateView {
		set_id,
		authorities: authorities.to_vec(),
		me: voter.me(),
		round,
		finalized: (finalized.clone(), height),
		lock: voter.lock().map(|l| LockView {
			block: l.block.clone(),
			height: l.height,
			round: l.round,
		}),
		rounds: (round.saturating_sub(ROUND_WINDOW)..=round)
			.rev()
			.filter_map(|r| voter.round_votes(r))
			.collect(),
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use gosig_core::{Vote, VoteKind, Voter};

	#[test]
	fn the_view_shows_the_open_rounds_newest_first_and_the_lock() {
		let mut voter: Voter<u32, u8> = Voter::new(4, Some(1), 5, 0, 0);
		voter.start_round(6);
		for v in 0..3 {
			let vote = Vote {
				kind: VoteKind::Prepare,
				round: 6,
				block: 9,
				height: 1,
				voter: v,
				signature: 0,
			};
			voter.on_vote(vote).unwrap();
		}
		let authorities = vec![AuthorityId::from(sp_core::sr25519::Public::from_raw([1; 32]))];
		let view = view_of(&voter, 3, &authorities);
		assert_eq!((view.set_id, view.me, view.round, view.finalized), (3, Some(1), 6, (0, 0)));
		assert_eq!(view.authorities, authorities);
		assert_eq!(view.rounds.iter().map(|r| r.round).collect::<Vec<_>>(), vec![6, 5]);
		assert_eq!(view.rounds[0].prepares, vec![(0, 9), (1, 9), (2, 9)]);
		assert_eq!(
			view.lock,
			Some(LockView { block: 9, height: 1, round: 6 }),
			"a certificate locks"
		);
		let shared = SharedRoundState::new();
		assert_eq!(shared.get(), None);
		shared.set(view.clone());
		assert_eq!(shared.get().as_deref(), Some(&view));
	}
}

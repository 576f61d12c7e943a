//! # Gosig core: the round state machine
//!
//! The part of the Gosig consensus (Li, Wang, Chen, Xu, 2018) that decides, free of any Substrate
//! type, so that it can be tested with an in-memory network as the `finality-grandpa` crate is.
//! The node's glue (`spacebook-gosig`) feeds it what it sees — round starts, proposals, signed
//! votes — and carries out what it answers: sign and broadcast a vote, finalize a block.
//!
//! ## Terms
//!
//! - **Billing peer** (voter): one of the `n` elected validators, known by its index in the
//!   authority set of the current era. At most `f = ⌊(n − 1) / 3⌋` of them may be faulty.
//! - **Quorum**: `n − f` votes, which is `2f + 1` when `n = 3f + 1` (1 of 1, 3 of 4, 15 of 21).
//!   Any two quorums share at least one honest billing peer.
//! - **Round**: a fixed time slot. A round has a *proposal stage*, in which the secretly elected
//!   packers propose blocks, and a *signature stage*, in which billing peers vote.
//! - **Priority**: the VRF output of a proposer for the round; the lowest wins.
//! - **Prepare (P)**: a billing peer's one vote per round for the best proposal it may accept.
//! - **Tentative commit (TC)**: sent after seeing a quorum of prepares for a block. Seeing that
//!   quorum also *locks* the peer on the block: in later rounds it prepares only that block, or a
//!   proposal carrying a prepare certificate from a newer round than its lock.
//! - **Commit**: a quorum of tentative commits for a block makes it final. The tentative-commit
//!   signatures are its justification.
//!
//! Each input returns the [`Output`]s the glue must carry out. A vote the voter itself must cast
//! comes back as [`Output::Vote`]; the glue signs it, broadcasts it and feeds the signed vote back
//! through [`Voter::on_vote`] like any other vote.
#![cfg_attr(not(test), no_std)]
#![warn(missing_docs)]

extern crate alloc;

use alloc::{collections::BTreeMap, vec, vec::Vec};

#[cfg(test)]
mod tests;

/// A round number. Rounds are fixed-length slots of wall-clock time.
pub type Round = u64;
/// The index of a billing peer in the authority set.
pub type VoterIndex = u32;

/// How many rounds before the current one still accept votes (late votes can still commit).
pub const ROUND_WINDOW: Round = 2;

/// The largest number of faulty billing peers that `n` of them tolerate: `⌊(n − 1) / 3⌋`.
pub fn max_faulty(n: usize) -> usize {
	n.saturating_sub(1) / 3
}

/// Votes needed for a prepare certificate or a commit among `n` billing peers: `n − f`.
///
/// Never below 1, so that an empty authority set can never reach a quorum of no votes.
pub fn quorum(n: usize) -> usize {
	(n - max_faulty(n)).max(1)
}

/// The two votes of the signature stage.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum VoteKind {
	/// A prepare vote (P) for the best proposal of the round.
	Prepare,
	/// A tentative commit (TC), sent after a quorum of prepares.
	TentativeCommit,
}

/// A block proposed in a round by an eligible packer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proposal<B> {
	/// The proposed block (its hash, for the glue).
	pub block: B,
	/// The proposer's VRF priority in this round: lower is better.
	pub priority: u128,
	/// The proposer.
	pub proposer: VoterIndex,
	/// When the proposer re-proposes a block it is locked on, the round of the prepare
	/// certificate it carries. The glue has verified that certificate.
	pub certificate_round: Option<Round>,
}

/// A signed vote, as the glue hands it over after checking the signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Vote<B, S> {
	/// Prepare or tentative commit.
	pub kind: VoteKind,
	/// The round the vote belongs to.
	pub round: Round,
	/// The block voted for.
	pub block: B,
	/// Who voted.
	pub voter: VoterIndex,
	/// The voter's signature over the vote (opaque to the core).
	pub signature: S,
}

/// A quorum of signatures for one block in one round.
pub type Certificate<S> = Vec<(VoterIndex, S)>;

/// The block a billing peer is locked on after seeing a quorum of prepares.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lock<B, S> {
	/// The locked block.
	pub block: B,
	/// The round whose prepares locked it.
	pub round: Round,
	/// The prepare certificate: a quorum of prepare signatures.
	pub certificate: Certificate<S>,
}

/// What the glue must do after an input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Output<B, S> {
	/// Sign this vote, broadcast it and feed it back through [`Voter::on_vote`].
	Vote {
		/// Prepare or tentative commit.
		kind: VoteKind,
		/// The round.
		round: Round,
		/// The block to vote for.
		block: B,
	},
	/// The block is final: `certificate` holds a quorum of tentative-commit signatures.
	Commit {
		/// The round in which it was committed.
		round: Round,
		/// The final block.
		block: B,
		/// The justification's signatures, ordered by voter index.
		certificate: Certificate<S>,
	},
	/// A billing peer signed two different blocks of the same kind in one round. Only its
	/// first vote counts.
	Equivocation {
		/// The offender.
		voter: VoterIndex,
		/// The vote kind it equivocated on.
		kind: VoteKind,
		/// The round.
		round: Round,
		/// The block it voted for first (the one counted).
		first: B,
		/// The conflicting block.
		second: B,
	},
}

/// Why an input was not taken. Nothing changes when one is returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rejected {
	/// The voter index is not in the authority set.
	UnknownVoter,
	/// The round is older than the window of rounds still accepting votes.
	StaleRound,
	/// The round has not started here yet.
	FutureRound,
	/// The same vote was already counted.
	Duplicate,
}

#[derive(Clone, Debug)]
struct RoundState<B, S> {
	best_proposal: Option<Proposal<B>>,
	proposal_stage_over: bool,
	prepares: BTreeMap<VoterIndex, (B, S)>,
	tentative_commits: BTreeMap<VoterIndex, (B, S)>,
	my_prepare: Option<B>,
	my_tentative_commit: Option<B>,
	committed: Option<B>,
}

impl<B, S> Default for RoundState<B, S> {
	fn default() -> Self {
		Self {
			best_proposal: None,
			proposal_stage_over: false,
			prepares: BTreeMap::new(),
			tentative_commits: BTreeMap::new(),
			my_prepare: None,
			my_tentative_commit: None,
			committed: None,
		}
	}
}

/// The Gosig state machine of one billing peer (or of an observer, which counts votes but never
/// casts any).
#[derive(Clone, Debug)]
pub struct Voter<B, S> {
	n: usize,
	me: Option<VoterIndex>,
	round: Round,
	lock: Option<Lock<B, S>>,
	rounds: BTreeMap<Round, RoundState<B, S>>,
}

impl<B: Clone + Ord, S: Clone> Voter<B, S> {
	/// A voter among `n` billing peers, itself `me` (or `None` for an observer), in `round`.
	pub fn new(n: usize, me: Option<VoterIndex>, round: Round) -> Self {
		let me = me.filter(|i| (*i as usize) < n);
		let mut rounds = BTreeMap::new();
		rounds.insert(round, RoundState::default());
		Self { n, me, round, lock: None, rounds }
	}

	/// The number of billing peers.
	pub fn authority_count(&self) -> usize {
		self.n
	}

	/// The current round.
	pub fn round(&self) -> Round {
		self.round
	}

	/// The lock held, if any.
	pub fn lock(&self) -> Option<&Lock<B, S>> {
		self.lock.as_ref()
	}

	/// Restore a lock persisted before a restart. A lock from a newer round than the one held wins.
	pub fn restore_lock(&mut self, lock: Lock<B, S>) {
		if self.lock.as_ref().is_none_or(|l| l.round < lock.round) {
			self.lock = Some(lock);
		}
	}

	/// The block committed in `round`, if one was.
	pub fn committed(&self, round: Round) -> Option<&B> {
		self.rounds.get(&round).and_then(|r| r.committed.as_ref())
	}

	/// Enter `round` (ignored unless newer than the current one). Locks are kept; rounds that
	/// fall out of the vote window are forgotten.
	pub fn start_round(&mut self, round: Round) {
		if round <= self.round {
			return;
		}
		self.round = round;
		self.rounds.entry(round).or_default();
		let oldest = round.saturating_sub(ROUND_WINDOW);
		self.rounds = self.rounds.split_off(&oldest);
	}

	/// A proposal seen in `round`. Kept if it is the best so far; once the proposal stage is over
	/// and no prepare was cast yet, it is prepared at once if the lock allows it.
	pub fn on_proposal(&mut self, round: Round, proposal: Proposal<B>) -> Vec<Output<B, S>> {
		if round != self.round || (proposal.proposer as usize) >= self.n {
			return Vec::new();
		}
		let allowed = self.lock_allows(&proposal);
		let state = self.rounds.entry(round).or_default();
		if !allowed {
			return Vec::new();
		}
		let better = state.best_proposal.as_ref().is_none_or(|best| {
			(proposal.priority, proposal.proposer) < (best.priority, best.proposer)
		});
		if better {
			state.best_proposal = Some(proposal);
		}
		if state.proposal_stage_over {
			self.prepare_best(round)
		} else {
			Vec::new()
		}
	}

	/// The proposal stage of `round` is over: prepare the best proposal the lock allows.
	pub fn end_proposal_stage(&mut self, round: Round) -> Vec<Output<B, S>> {
		if round != self.round {
			return Vec::new();
		}
		self.rounds.entry(round).or_default().proposal_stage_over = true;
		self.prepare_best(round)
	}

	/// A signed vote (the glue checked the signature). Returns what follows from counting it.
	pub fn on_vote(&mut self, vote: Vote<B, S>) -> Result<Vec<Output<B, S>>, Rejected> {
		if (vote.voter as usize) >= self.n {
			return Err(Rejected::UnknownVoter);
		}
		if vote.round > self.round {
			return Err(Rejected::FutureRound);
		}
		if vote.round < self.round.saturating_sub(ROUND_WINDOW) {
			return Err(Rejected::StaleRound);
		}
		let quorum = quorum(self.n);
		let state = self.rounds.entry(vote.round).or_default();
		let votes = match vote.kind {
			VoteKind::Prepare => &mut state.prepares,
			VoteKind::TentativeCommit => &mut state.tentative_commits,
		};
		if let Some((first, _)) = votes.get(&vote.voter) {
			if *first == vote.block {
				return Err(Rejected::Duplicate);
			}
			return Ok(vec![Output::Equivocation {
				voter: vote.voter,
				kind: vote.kind,
				round: vote.round,
				first: first.clone(),
				second: vote.block,
			}]);
		}
		votes.insert(vote.voter, (vote.block.clone(), vote.signature));
		let certificate = certificate_for(votes, &vote.block, quorum);
		let Some(certificate) = certificate else { return Ok(Vec::new()) };

		let mut out = Vec::new();
		match vote.kind {
			VoteKind::Prepare => {
				// A quorum of prepares: lock on the block and send the tentative commit.
				if self.lock.as_ref().is_none_or(|l| l.round < vote.round) {
					self.lock =
						Some(Lock { block: vote.block.clone(), round: vote.round, certificate });
				}
				let state = self.rounds.entry(vote.round).or_default();
				if self.me.is_some() && state.my_tentative_commit.is_none() {
					state.my_tentative_commit = Some(vote.block.clone());
					out.push(Output::Vote {
						kind: VoteKind::TentativeCommit,
						round: vote.round,
						block: vote.block,
					});
				}
			}
			VoteKind::TentativeCommit => {
				if state.committed.is_none() {
					state.committed = Some(vote.block.clone());
					if self.lock.as_ref().is_some_and(|l| l.round <= vote.round) {
						self.lock = None;
					}
					out.push(Output::Commit { round: vote.round, block: vote.block, certificate });
				}
			}
		}
		Ok(out)
	}

	fn lock_allows(&self, proposal: &Proposal<B>) -> bool {
		match &self.lock {
			None => true,
			Some(lock) => {
				proposal.block == lock.block
					|| proposal.certificate_round.is_some_and(|r| r > lock.round)
			}
		}
	}

	fn prepare_best(&mut self, round: Round) -> Vec<Output<B, S>> {
		if self.me.is_none() {
			return Vec::new();
		}
		let state = self.rounds.entry(round).or_default();
		if state.my_prepare.is_some() {
			return Vec::new();
		}
		let Some(best) = state.best_proposal.as_ref() else { return Vec::new() };
		let block = best.block.clone();
		state.my_prepare = Some(block.clone());
		vec![Output::Vote { kind: VoteKind::Prepare, round, block }]
	}
}

/// The votes for `block` as a certificate, if they reach `quorum`.
fn certificate_for<B: Ord, S: Clone>(
	votes: &BTreeMap<VoterIndex, (B, S)>,
	block: &B,
	quorum: usize,
) -> Option<Certificate<S>> {
	let cert: Certificate<S> = votes
		.iter()
		.filter(|(_, (b, _))| b == block)
		.map(|(voter, (_, sig))| (*voter, sig.clone()))
		.collect();
	(cert.len() >= quorum).then_some(cert)
}

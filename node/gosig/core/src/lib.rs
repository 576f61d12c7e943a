//! # Gosig core: the round state machine
//!
//! The part of the Gosig consensus (Li, Wang, Chen, Xu, 2018) that decides, free of any Substrate
//! type, so that it can be tested with an in-memory network as the `finality-grandpa` crate is.
//! The node's glue (`spacebook-gosig`) feeds it what it sees — round starts, proposals, signed
//! votes, blocks finalized through sync — and carries out what it answers: sign and broadcast a
//! vote, finalize a block, report an equivocation.
//!
//! ## Terms
//!
//! - **Billing peer** (voter): one of the `n` elected validators, known by its index in the
//!   authority set of the current era. At most `f = ⌊(n − 1) / 3⌋` of them may be faulty.
//! - **Quorum**: `n − f` votes, which is `2f + 1` when `n = 3f + 1` (1 of 1, 3 of 4, 15 of 21).
//!   Any two quorums share at least one honest billing peer.
//! - **Finalized head**: the highest block this voter knows to be final. Every proposal it may
//!   prepare is a child of it: a block one higher than the finalized head, whose parent is it.
//! - **Round**: a fixed time slot. A round has a *proposal stage*, in which the secretly elected
//!   packers propose blocks, and a *signature stage*, in which billing peers vote.
//! - **Priority**: the VRF output of a proposer for the round; the lowest wins.
//! - **Prepare (P)**: a billing peer's one vote per round for the best proposal it may accept.
//! - **Prepare certificate**: a quorum of prepares for one block in one round.
//! - **Tentative commit (TC)**: sent in the current round after seeing a prepare certificate of
//!   that round. Seeing a certificate also *locks* the peer on its block: in later rounds it
//!   prepares only that block, or a proposal carrying a prepare certificate from a newer round than
//!   its lock. A lock is dropped once a block at its height or above is final.
//! - **Commit**: a quorum of tentative commits for a block makes it final. The tentative-commit
//!   signatures are its justification.
//!
//! ## Safety in brief
//!
//! If a block `B` at height `h` is committed in round `r`, at least `f + 1` honest peers sent a
//! tentative commit for it in round `r` and were locked on `B` from round `r` on, *before* they
//! prepared anything in a later round (a tentative commit is only sent for the current round —
//! sending one for an older round would break this order). A prepare certificate for another block
//! at height `h` in any round after `r` needs a quorum, hence one of those `f + 1`; it prepares only
//! `B` or a block carrying a certificate newer than `r` — and the first such certificate cannot
//! exist. In round `r` itself two certificates would need more than `f` voters to prepare twice.
//! Every prepared block is a child of the preparer's finalized head, so a committed block's parent
//! is final too, and final blocks form one chain. See `docs/gosig.md`.
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

#[cfg(test)]
mod simulation;

/// A round number. Rounds are fixed-length slots of wall-clock time.
pub type Round = u64;
/// The index of a billing peer in the authority set.
pub type VoterIndex = u32;
/// The height (number) of a block.
pub type Height = u64;

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
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum VoteKind {
	/// A prepare vote (P) for the best proposal of the round.
	Prepare,
	/// A tentative commit (TC), sent after a quorum of prepares.
	TentativeCommit,
}

/// A quorum of signatures for one block in one round, by strictly increasing voter index.
pub type Certificate<S> = Vec<(VoterIndex, S)>;

/// Whether `signatures` are a certificate in its canonical form among `n` billing peers: exactly
/// a quorum of them, by strictly increasing voter index within the set.
///
/// Peers build certificates of the lowest-indexed quorum of the votes they hold, and accept no
/// other form: a certificate with more signatures than a quorum proves no more, and accepting
/// every subset of a large set of signatures would let anyone make the network verify and forward
/// tens of thousands of distinct messages (issue 14, finding 5).
pub fn is_canonical_certificate<S>(signatures: &[(VoterIndex, S)], n: usize) -> bool {
	signatures.len() == quorum(n)
		&& signatures.windows(2).all(|w| w[0].0 < w[1].0)
		&& signatures.iter().all(|(i, _)| (*i as usize) < n)
}

/// A prepare certificate as a proposal carries it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrepareCertificate<S> {
	/// The round whose prepares it holds.
	pub round: Round,
	/// The prepare signatures (checked by the glue; counted here).
	pub signatures: Certificate<S>,
}

/// A block proposed in a round by an eligible packer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proposal<B, S> {
	/// The proposed block (its hash, for the glue).
	pub block: B,
	/// Its parent.
	pub parent: B,
	/// Its height.
	pub height: Height,
	/// The proposer's VRF priority in this round: lower is better.
	pub priority: u128,
	/// The proposer.
	pub proposer: VoterIndex,
	/// When the proposer re-proposes a block it is locked on: the prepare certificate of the
	/// lock. The glue has checked its signatures against this block.
	pub certificate: Option<PrepareCertificate<S>>,
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
	/// Its height.
	pub height: Height,
	/// Who voted.
	pub voter: VoterIndex,
	/// The voter's signature over the vote (opaque to the core).
	pub signature: S,
}

/// The block a billing peer is locked on after seeing a prepare certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lock<B, S> {
	/// The locked block.
	pub block: B,
	/// Its height.
	pub height: Height,
	/// The round whose prepares locked it.
	pub round: Round,
	/// The prepare certificate: a quorum of prepare signatures.
	pub certificate: Certificate<S>,
}

impl<B: Clone, S: Clone> Lock<B, S> {
	/// The certificate as a proposal carries it.
	pub fn prepare_certificate(&self) -> PrepareCertificate<S> {
		PrepareCertificate { round: self.round, signatures: self.certificate.clone() }
	}
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
		/// Its height.
		height: Height,
	},
	/// The block is final: `certificate` holds a quorum of tentative-commit signatures.
	/// Emitted once per round that reaches a quorum, even when the block is not above the
	/// finalized head (the glue then checks it agrees with what is final).
	Commit {
		/// The round in which it was committed.
		round: Round,
		/// The final block.
		block: B,
		/// Its height.
		height: Height,
		/// The justification's signatures, ordered by voter index.
		certificate: Certificate<S>,
	},
	/// A billing peer signed two different blocks of the same kind in one round. Only its
	/// first vote counts. Both signed votes are the evidence.
	Equivocation {
		/// The vote counted.
		first: Vote<B, S>,
		/// The conflicting vote.
		second: Vote<B, S>,
	},
	/// A billing peer proposed two different blocks in one round. Only its first proposal is
	/// considered.
	ProposalEquivocation {
		/// The offender.
		proposer: VoterIndex,
		/// The round.
		round: Round,
		/// The block proposed first.
		first: B,
		/// The other block.
		second: B,
	},
}

/// Why an input was not taken. Nothing changes when one is returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rejected {
	/// The voter or proposer index is not in the authority set.
	UnknownVoter,
	/// The round is older than the window of rounds still accepting votes, or (for a
	/// proposal) not the current round.
	StaleRound,
	/// The round has not started here yet.
	FutureRound,
	/// The same vote or proposal was already taken.
	Duplicate,
	/// The block is at or below the finalized head.
	Finalized,
	/// A proposal's certificate holds no quorum of distinct known voters.
	BadCertificate,
}

#[derive(Clone, Debug)]
struct RoundState<B, S> {
	proposals: BTreeMap<VoterIndex, Proposal<B, S>>,
	proposal_stage_over: bool,
	prepares: BTreeMap<VoterIndex, Vote<B, S>>,
	tentative_commits: BTreeMap<VoterIndex, Vote<B, S>>,
	my_prepare: Option<B>,
	my_tentative_commit: Option<B>,
	committed: Option<B>,
}

impl<B, S> Default for RoundState<B, S> {
	fn default() -> Self {
		Self {
			proposals: BTreeMap::new(),
			proposal_stage_over: false,
			prepares: BTreeMap::new(),
			tentative_commits: BTreeMap::new(),
			my_prepare: None,
			my_tentative_commit: None,
			committed: None,
		}
	}
}

/// What a billing peer must remember across a restart so that it never signs against its own
/// lock or twice in a round: its lock and the votes it cast in the rounds still open.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Persisted<B, S> {
	/// The lock held.
	pub lock: Option<Lock<B, S>>,
	/// The votes this peer cast: `(round, kind, block)`.
	pub own_votes: Vec<(Round, VoteKind, B)>,
}

/// What a voter saw in one round, for operators (the node's `gosig_roundState` RPC): who
/// proposed, who prepared and who tentatively committed which block, and what was committed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoundVotes<B> {
	/// The round.
	pub round: Round,
	/// The proposers whose proposals were taken, by increasing index.
	pub proposers: Vec<VoterIndex>,
	/// Whether the proposal stage is over (prepares may be cast).
	pub proposal_stage_over: bool,
	/// The prepares taken: `(voter, block)` by increasing voter index.
	pub prepares: Vec<(VoterIndex, B)>,
	/// The tentative commits taken: `(voter, block)` by increasing voter index.
	pub tentative_commits: Vec<(VoterIndex, B)>,
	/// The block committed in the round, if a quorum of tentative commits came.
	pub committed: Option<B>,
}

/// The Gosig state machine of one billing peer (or of an observer, which counts votes but never
/// casts any).
#[derive(Clone, Debug)]
pub struct Voter<B, S> {
	n: usize,
	me: Option<VoterIndex>,
	round: Round,
	finalized: B,
	finalized_height: Height,
	lock: Option<Lock<B, S>>,
	rounds: BTreeMap<Round, RoundState<B, S>>,
}

impl<B: Clone + Ord, S: Clone> Voter<B, S> {
	/// A voter among `n` billing peers, itself `me` (or `None` for an observer), in `round`, on
	/// the finalized head `finalized` at `finalized_height`.
	pub fn new(
		n: usize,
		me: Option<VoterIndex>,
		round: Round,
		finalized: B,
		finalized_height: Height,
	) -> Self {
		let me = me.filter(|i| (*i as usize) < n);
		let mut rounds = BTreeMap::new();
		rounds.insert(round, RoundState::default());
		Self { n, me, round, finalized, finalized_height, lock: None, rounds }
	}

	/// The number of billing peers.
	pub fn authority_count(&self) -> usize {
		self.n
	}

	/// This voter's index, unless it is an observer.
	pub fn me(&self) -> Option<VoterIndex> {
		self.me
	}

	/// The current round.
	pub fn round(&self) -> Round {
		self.round
	}

	/// The finalized head: `(block, height)`.
	pub fn finalized(&self) -> (&B, Height) {
		(&self.finalized, self.finalized_height)
	}

	/// The lock held, if any.
	pub fn lock(&self) -> Option<&Lock<B, S>> {
		self.lock.as_ref()
	}

	/// The block committed in `round`, if one was.
	pub fn committed(&self, round: Round) -> Option<&B> {
		self.rounds.get(&round).and_then(|r| r.committed.as_ref())
	}

	/// What this voter saw in `round`, if the round is still in its vote window (or is the
	/// current one).
	pub fn round_votes(&self, round: Round) -> Option<RoundVotes<B>> {
		let state = self.rounds.get(&round)?;
		let blocks = |votes: &BTreeMap<VoterIndex, Vote<B, S>>| {
			votes.iter().map(|(voter, vote)| (*voter, vote.block.clone())).collect()
		};
		Some(RoundVotes {
			round,
			proposers: state.proposals.keys().copied().collect(),
			proposal_stage_over: state.proposal_stage_over,
			prepares: blocks(&state.prepares),
			tentative_commits: blocks(&state.tentative_commits),
			committed: state.committed.clone(),
		})
	}

	/// What to persist so that a restart never contradicts what was signed.
	pub fn persisted(&self) -> Persisted<B, S> {
		let mut own_votes = Vec::new();
		for (round, state) in &self.rounds {
			if let Some(b) = &state.my_prepare {
				own_votes.push((*round, VoteKind::Prepare, b.clone()));
			}
			if let Some(b) = &state.my_tentative_commit {
				own_votes.push((*round, VoteKind::TentativeCommit, b.clone()));
			}
		}
		Persisted { lock: self.lock.clone(), own_votes }
	}

	/// Restore what [`Self::persisted`] returned before a restart. A lock from a newer round than
	/// the one held wins; a lock at or below the finalized head is dropped; own votes of rounds
	/// still open are remembered so they are not cast again.
	pub fn restore(&mut self, persisted: Persisted<B, S>) {
		if let Some(lock) = persisted.lock {
			if lock.height > self.finalized_height
				&& self.lock.as_ref().is_none_or(|l| l.round < lock.round)
			{
				self.lock = Some(lock);
			}
		}
		let oldest = self.round.saturating_sub(ROUND_WINDOW);
		for (round, kind, block) in persisted.own_votes {
			if round < oldest {
				continue;
			}
			// A vote cast in a round not reached yet here (a clock that went back) is kept too:
			// the round state is made now so that it is not cast again.
			let state = self.rounds.entry(round).or_default();
			match kind {
				VoteKind::Prepare => state.my_prepare = Some(block),
				VoteKind::TentativeCommit => state.my_tentative_commit = Some(block),
			}
		}
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

	/// A block became final by other means than this voter's own count (a justification
	/// imported with a synced block). Moves the finalized head up and drops a lock it passes.
	pub fn on_finalized(&mut self, block: B, height: Height) {
		if height <= self.finalized_height {
			return;
		}
		self.finalized = block;
		self.finalized_height = height;
		if self.lock.as_ref().is_some_and(|l| l.height <= height) {
			self.lock = None;
		}
	}

	/// A prepare certificate another peer announced for its lock (the glue checked the
	/// signatures against `block`, `height` and the certificate's round). A certificate newer than
	/// this voter's lock is a proof that a quorum prepared the block, as good as seeing those
	/// prepares: the voter locks on it. This spreads locks formed while the network was bad, so
	/// that the next honest leader's re-proposal is acceptable to every honest peer.
	///
	/// Returns whether the lock changed.
	pub fn on_certificate(
		&mut self,
		block: B,
		height: Height,
		certificate: PrepareCertificate<S>,
	) -> Result<bool, Rejected> {
		if !self.is_quorum(&certificate.signatures) {
			return Err(Rejected::BadCertificate);
		}
		if height <= self.finalized_height {
			return Err(Rejected::Finalized);
		}
		if self.lock.as_ref().is_some_and(|l| l.round >= certificate.round) {
			return Ok(false);
		}
		self.lock = Some(Lock {
			block,
			height,
			round: certificate.round,
			certificate: certificate.signatures,
		});
		Ok(true)
	}

	/// A proposal seen in `round` (the glue checked the proposer's election and seal, imported
	/// the block and checked the signatures of any certificate). Once the proposal stage is over
	/// and no prepare was cast yet, the best proposal is prepared at once.
	pub fn on_proposal(
		&mut self,
		round: Round,
		proposal: Proposal<B, S>,
	) -> Result<Vec<Output<B, S>>, Rejected> {
		if (proposal.proposer as usize) >= self.n {
			return Err(Rejected::UnknownVoter);
		}
		if round > self.round {
			return Err(Rejected::FutureRound);
		}
		if round < self.round {
			return Err(Rejected::StaleRound);
		}
		if let Some(cert) = &proposal.certificate {
			if !self.is_quorum(&cert.signatures) {
				return Err(Rejected::BadCertificate);
			}
		}
		let state = self.rounds.entry(round).or_default();
		if let Some(first) = state.proposals.get(&proposal.proposer) {
			if first.block == proposal.block {
				return Err(Rejected::Duplicate);
			}
			return Ok(vec![Output::ProposalEquivocation {
				proposer: proposal.proposer,
				round,
				first: first.block.clone(),
				second: proposal.block,
			}]);
		}
		let stage_over = state.proposal_stage_over;
		// A certificate newer than the lock is a proof of a quorum of prepares: lock on it, as
		// if those prepares had been seen.
		if let Some(cert) = &proposal.certificate {
			if proposal.height > self.finalized_height {
				let _ = self.on_certificate(proposal.block.clone(), proposal.height, cert.clone());
			}
		}
		self.rounds.entry(round).or_default().proposals.insert(proposal.proposer, proposal);
		Ok(if stage_over { self.prepare_best(round) } else { Vec::new() })
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
		let current_round = self.round;
		let finalized_height = self.finalized_height;
		let state = self.rounds.entry(vote.round).or_default();
		let votes = match vote.kind {
			VoteKind::Prepare => &mut state.prepares,
			VoteKind::TentativeCommit => &mut state.tentative_commits,
		};
		if let Some(first) = votes.get(&vote.voter) {
			if first.block == vote.block && first.height == vote.height {
				return Err(Rejected::Duplicate);
			}
			return Ok(vec![Output::Equivocation { first: first.clone(), second: vote }]);
		}
		votes.insert(vote.voter, vote.clone());
		let Some(certificate) = certificate_for(votes, &vote.block, vote.height, quorum) else {
			return Ok(Vec::new());
		};

		let mut out = Vec::new();
		match vote.kind {
			VoteKind::Prepare => {
				if vote.height <= finalized_height {
					return Ok(out);
				}
				// A quorum of prepares: lock on the block (any certificate newer than the lock
				// is safe to lock on: it proves a quorum prepared the block in that round).
				if self.lock.as_ref().is_none_or(|l| l.round < vote.round) {
					self.lock = Some(Lock {
						block: vote.block.clone(),
						height: vote.height,
						round: vote.round,
						certificate,
					});
				}
				// ... and send the tentative commit — only in the current round, so that the lock
				// precedes every later prepare of this peer.
				let state = self.rounds.entry(vote.round).or_default();
				if self.me.is_some()
					&& vote.round == current_round
					&& state.my_tentative_commit.is_none()
				{
					state.my_tentative_commit = Some(vote.block.clone());
					out.push(Output::Vote {
						kind: VoteKind::TentativeCommit,
						round: vote.round,
						block: vote.block,
						height: vote.height,
					});
				}
			}
			VoteKind::TentativeCommit => {
				if state.committed.is_none() {
					state.committed = Some(vote.block.clone());
					self.on_finalized(vote.block.clone(), vote.height);
					out.push(Output::Commit {
						round: vote.round,
						block: vote.block,
						height: vote.height,
						certificate,
					});
				}
			}
		}
		Ok(out)
	}

	/// The votes seen for `block` at `height` in `round`, at most one per voter by increasing
	/// voter index: its tentative commit, or its prepare if no tentative commit for the block
	/// came. Empty once the round left the vote window. What a packer hands the runtime as the
	/// measure of who takes part in the votes.
	pub fn votes_for(
		&self,
		round: Round,
		block: &B,
		height: Height,
	) -> Vec<(VoterIndex, VoteKind, S)>
	where
		B: PartialEq,
		S: Clone,
	{
		let Some(state) = self.rounds.get(&round) else { return Vec::new() };
		let mut votes: BTreeMap<VoterIndex, (VoteKind, S)> = BTreeMap::new();
		for (voter, vote) in &state.prepares {
			if &vote.block == block && vote.height == height {
				votes.insert(*voter, (VoteKind::Prepare, vote.signature.clone()));
			}
		}
		for (voter, vote) in &state.tentative_commits {
			if &vote.block == block && vote.height == height {
				votes.insert(*voter, (VoteKind::TentativeCommit, vote.signature.clone()));
			}
		}
		votes.into_iter().map(|(voter, (kind, signature))| (voter, kind, signature)).collect()
	}

	/// Whether `signatures` are a quorum of distinct voters of the set in canonical form
	/// ([`is_canonical_certificate`]).
	pub fn is_quorum(&self, signatures: &Certificate<S>) -> bool {
		is_canonical_certificate(signatures, self.n)
	}

	fn acceptable(&self, proposal: &Proposal<B, S>) -> bool {
		if proposal.height != self.finalized_height.saturating_add(1)
			|| proposal.parent != self.finalized
		{
			return false;
		}
		match &self.lock {
			None => true,
			Some(lock) => {
				proposal.block == lock.block
					|| proposal.certificate.as_ref().is_some_and(|c| c.round > lock.round)
			}
		}
	}

	fn prepare_best(&mut self, round: Round) -> Vec<Output<B, S>> {
		if self.me.is_none() {
			return Vec::new();
		}
		let Some(state) = self.rounds.get(&round) else { return Vec::new() };
		if state.my_prepare.is_some() {
			return Vec::new();
		}
		let best = state
			.proposals
			.values()
			.filter(|p| self.acceptable(p))
			.min_by_key(|p| (p.priority, p.proposer))
			.map(|p| (p.block.clone(), p.height));
		let Some((block, height)) = best else { return Vec::new() };
		let state = self.rounds.entry(round).or_default();
		state.my_prepare = Some(block.clone());
		vec![Output::Vote { kind: VoteKind::Prepare, round, block, height }]
	}
}

/// The votes for `block` at `height` as a canonical certificate (the lowest-indexed `quorum` of
/// them), if they reach `quorum`. A vote naming the block at another height signed other bytes:
/// it never completes a certificate of the true height (a Byzantine voter's vote with a wrong
/// number would otherwise make the certificate fail everywhere it is checked).
fn certificate_for<B: Ord, S: Clone>(
	votes: &BTreeMap<VoterIndex, Vote<B, S>>,
	block: &B,
	height: Height,
	quorum: usize,
) -> Option<Certificate<S>> {
	let cert: Certificate<S> = votes
		.iter()
		.filter(|(_, v)| &v.block == block && v.height == height)
		.take(quorum)
		.map(|(voter, v)| (*voter, v.signature.clone()))
		.collect();
	(cert.len() == quorum).then_some(cert)
}

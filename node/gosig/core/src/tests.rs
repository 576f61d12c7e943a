//! Tests of the round state machine, alone and as `n` voters on an in-memory network.

use super::*;
use std::collections::VecDeque;

/// Blocks are numbers, signatures are "signed by voter i" markers.
type Block = u32;
type Sig = (VoterIndex, Block);

fn vote(kind: VoteKind, round: Round, block: Block, voter: VoterIndex) -> Vote<Block, Sig> {
	Vote { kind, round, block, voter, signature: (voter, block) }
}

fn proposal(block: Block, priority: u128, proposer: VoterIndex) -> Proposal<Block> {
	Proposal { block, priority, proposer, certificate_round: None }
}

#[test]
fn quorum_is_n_minus_f() {
	assert_eq!(quorum(0), 1);
	assert_eq!(quorum(1), 1);
	assert_eq!(quorum(2), 2);
	assert_eq!(quorum(3), 3);
	assert_eq!(quorum(4), 3);
	assert_eq!(quorum(5), 4);
	assert_eq!(quorum(7), 5);
	assert_eq!(quorum(21), 15);
	for n in 1..100 {
		// Two quorums always intersect in more than f voters: at least one honest.
		assert!(2 * quorum(n) > n + max_faulty(n), "n = {n}");
		// And the honest voters alone form a quorum.
		assert!(n - max_faulty(n) >= quorum(n), "n = {n}");
	}
}

#[test]
fn single_billing_peer_commits_its_own_block_in_one_round() {
	let mut v = Voter::<Block, Sig>::new(1, Some(0), 7);
	assert!(v.on_proposal(7, proposal(42, 5, 0)).is_empty(), "no vote during proposal stage");
	let out = v.end_proposal_stage(7);
	assert_eq!(out, vec![Output::Vote { kind: VoteKind::Prepare, round: 7, block: 42 }]);
	let out = v.on_vote(vote(VoteKind::Prepare, 7, 42, 0)).unwrap();
	assert_eq!(out, vec![Output::Vote { kind: VoteKind::TentativeCommit, round: 7, block: 42 }]);
	assert_eq!(v.lock().map(|l| (l.block, l.round)), Some((42, 7)));
	let out = v.on_vote(vote(VoteKind::TentativeCommit, 7, 42, 0)).unwrap();
	assert_eq!(out, vec![Output::Commit { round: 7, block: 42, certificate: vec![(0, (0, 42))] }]);
	assert_eq!(v.committed(7), Some(&42));
	assert!(v.lock().is_none(), "a commit releases the lock it came from");
}

#[test]
fn no_proposal_means_no_prepare() {
	let mut v = Voter::<Block, Sig>::new(1, Some(0), 1);
	assert!(v.end_proposal_stage(1).is_empty());
	// A late proposal after the stage ended is prepared at once.
	assert_eq!(
		v.on_proposal(1, proposal(9, 1, 0)),
		vec![Output::Vote { kind: VoteKind::Prepare, round: 1, block: 9 }]
	);
	// But only one prepare per round.
	assert!(v.on_proposal(1, proposal(10, 0, 0)).is_empty());
}

#[test]
fn lowest_priority_proposal_is_prepared() {
	let mut v = Voter::<Block, Sig>::new(4, Some(0), 3);
	v.on_proposal(3, proposal(100, 50, 1));
	v.on_proposal(3, proposal(200, 10, 2));
	v.on_proposal(3, proposal(300, 70, 3));
	assert_eq!(
		v.end_proposal_stage(3),
		vec![Output::Vote { kind: VoteKind::Prepare, round: 3, block: 200 }]
	);
}

#[test]
fn proposals_for_other_rounds_or_unknown_proposers_are_ignored() {
	let mut v = Voter::<Block, Sig>::new(4, Some(0), 3);
	v.on_proposal(2, proposal(100, 1, 1));
	v.on_proposal(4, proposal(101, 1, 1));
	v.on_proposal(3, proposal(102, 1, 4));
	assert!(v.end_proposal_stage(3).is_empty());
}

#[test]
fn duplicate_votes_count_once() {
	let mut v = Voter::<Block, Sig>::new(4, Some(0), 1);
	assert_eq!(v.on_vote(vote(VoteKind::Prepare, 1, 5, 1)), Ok(vec![]));
	assert_eq!(v.on_vote(vote(VoteKind::Prepare, 1, 5, 1)), Err(Rejected::Duplicate));
	assert_eq!(v.on_vote(vote(VoteKind::Prepare, 1, 5, 1)), Err(Rejected::Duplicate));
	// Two distinct voters are still one short of the quorum of 3.
	assert_eq!(v.on_vote(vote(VoteKind::Prepare, 1, 5, 2)), Ok(vec![]));
	assert!(v.lock().is_none());
	let out = v.on_vote(vote(VoteKind::Prepare, 1, 5, 3)).unwrap();
	assert_eq!(out, vec![Output::Vote { kind: VoteKind::TentativeCommit, round: 1, block: 5 }]);
	let lock = v.lock().unwrap();
	assert_eq!(lock.certificate, vec![(1, (1, 5)), (2, (2, 5)), (3, (3, 5))]);
}

#[test]
fn threshold_of_four_is_three_tentative_commits() {
	let mut v = Voter::<Block, Sig>::new(4, None, 1);
	assert_eq!(v.on_vote(vote(VoteKind::TentativeCommit, 1, 5, 0)), Ok(vec![]));
	assert_eq!(v.on_vote(vote(VoteKind::TentativeCommit, 1, 6, 1)), Ok(vec![]));
	assert_eq!(v.on_vote(vote(VoteKind::TentativeCommit, 1, 5, 2)), Ok(vec![]));
	assert!(v.committed(1).is_none(), "2 of 4 for a block is no quorum");
	let out = v.on_vote(vote(VoteKind::TentativeCommit, 1, 5, 3)).unwrap();
	assert_eq!(
		out,
		vec![Output::Commit {
			round: 1,
			block: 5,
			certificate: vec![(0, (0, 5)), (2, (2, 5)), (3, (3, 5))]
		}]
	);
	// A fourth vote does not commit twice.
	let mut v2 = v.clone();
	assert_eq!(
		v2.on_vote(vote(VoteKind::TentativeCommit, 1, 5, 1)),
		Ok(vec![Output::Equivocation {
			voter: 1,
			kind: VoteKind::TentativeCommit,
			round: 1,
			first: 6,
			second: 5
		}])
	);
}

#[test]
fn observers_count_but_never_vote() {
	let mut v = Voter::<Block, Sig>::new(1, None, 1);
	v.on_proposal(1, proposal(5, 0, 0));
	assert!(v.end_proposal_stage(1).is_empty());
	assert_eq!(v.on_vote(vote(VoteKind::Prepare, 1, 5, 0)), Ok(vec![]));
	assert_eq!(v.lock().map(|l| l.block), Some(5));
	assert!(matches!(
		v.on_vote(vote(VoteKind::TentativeCommit, 1, 5, 0)).unwrap().as_slice(),
		[Output::Commit { block: 5, .. }]
	));
	// An index outside the set is an observer too.
	let mut v = Voter::<Block, Sig>::new(1, Some(3), 1);
	v.on_proposal(1, proposal(5, 0, 0));
	assert!(v.end_proposal_stage(1).is_empty());
}

#[test]
fn votes_outside_the_window_or_set_are_rejected() {
	let mut v = Voter::<Block, Sig>::new(4, Some(0), 10);
	assert_eq!(v.on_vote(vote(VoteKind::Prepare, 11, 5, 1)), Err(Rejected::FutureRound));
	assert_eq!(
		v.on_vote(vote(VoteKind::Prepare, 10 - ROUND_WINDOW - 1, 5, 1)),
		Err(Rejected::StaleRound)
	);
	assert_eq!(v.on_vote(vote(VoteKind::Prepare, 10, 5, 4)), Err(Rejected::UnknownVoter));
	// A late vote within the window still counts.
	assert_eq!(v.on_vote(vote(VoteKind::Prepare, 10 - ROUND_WINDOW, 5, 1)), Ok(vec![]));
}

#[test]
fn equivocation_is_reported_and_only_the_first_vote_counts() {
	let mut v = Voter::<Block, Sig>::new(4, Some(0), 1);
	v.on_vote(vote(VoteKind::Prepare, 1, 5, 1)).unwrap();
	let out = v.on_vote(vote(VoteKind::Prepare, 1, 6, 1)).unwrap();
	assert_eq!(
		out,
		vec![Output::Equivocation {
			voter: 1,
			kind: VoteKind::Prepare,
			round: 1,
			first: 5,
			second: 6
		}]
	);
	v.on_vote(vote(VoteKind::Prepare, 1, 6, 2)).unwrap();
	v.on_vote(vote(VoteKind::Prepare, 1, 6, 3)).unwrap();
	assert!(v.lock().is_none(), "the equivocator's second vote must not complete a quorum for 6");
}

#[test]
fn locked_peer_prepares_only_its_block_or_a_newer_certificate() {
	let mut v = Voter::<Block, Sig>::new(4, Some(0), 1);
	for voter in 1..4 {
		v.on_vote(vote(VoteKind::Prepare, 1, 5, voter)).unwrap();
	}
	assert_eq!(v.lock().map(|l| (l.block, l.round)), Some((5, 1)));
	// Round 2: a better proposal for another block without certificate is refused.
	v.start_round(2);
	v.on_proposal(2, proposal(6, 0, 1));
	assert!(v.end_proposal_stage(2).is_empty());
	// Round 3: a re-proposal of the locked block is prepared.
	v.start_round(3);
	v.on_proposal(3, proposal(6, 0, 1));
	v.on_proposal(3, proposal(5, 9, 2));
	assert_eq!(
		v.end_proposal_stage(3),
		vec![Output::Vote { kind: VoteKind::Prepare, round: 3, block: 5 }]
	);
	// Round 4: another block with a certificate from round 1 is not newer; from round 2 it is.
	v.start_round(4);
	v.on_proposal(4, Proposal { block: 7, priority: 0, proposer: 1, certificate_round: Some(1) });
	v.on_proposal(4, Proposal { block: 8, priority: 5, proposer: 2, certificate_round: Some(2) });
	assert_eq!(
		v.end_proposal_stage(4),
		vec![Output::Vote { kind: VoteKind::Prepare, round: 4, block: 8 }]
	);
}

#[test]
fn restored_lock_survives_a_restart() {
	let mut v = Voter::<Block, Sig>::new(4, Some(0), 5);
	v.restore_lock(Lock { block: 5, round: 4, certificate: vec![] });
	v.restore_lock(Lock { block: 6, round: 3, certificate: vec![] });
	assert_eq!(v.lock().map(|l| l.block), Some(5), "an older lock does not replace a newer one");
	v.on_proposal(5, proposal(9, 0, 1));
	assert!(v.end_proposal_stage(5).is_empty());
}

#[test]
fn old_rounds_are_pruned_and_round_never_goes_back() {
	let mut v = Voter::<Block, Sig>::new(1, Some(0), 1);
	v.start_round(5);
	v.start_round(3);
	assert_eq!(v.round(), 5);
	assert_eq!(v.rounds.keys().copied().collect::<Vec<_>>(), vec![5]);
	v.start_round(6);
	v.start_round(7);
	assert_eq!(v.rounds.keys().copied().collect::<Vec<_>>(), vec![5, 6, 7]);
}

// ------------------------------------------------------------------------------------------
// n voters on an in-memory network.

/// A deterministic pseudo-random sequence (xorshift64*), so that runs are reproducible.
struct Rng(u64);
impl Rng {
	fn next(&mut self) -> u64 {
		self.0 ^= self.0 >> 12;
		self.0 ^= self.0 << 25;
		self.0 ^= self.0 >> 27;
		self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
	}
	fn below(&mut self, n: usize) -> usize {
		(self.next() % n as u64) as usize
	}
}

/// `n` voters, of which those in `silent` never send anything and those in `equivocating` send
/// a prepare for another block to half of the others. Messages are delivered in random order.
struct Network {
	voters: Vec<Voter<Block, Sig>>,
	silent: Vec<VoterIndex>,
	equivocating: Vec<VoterIndex>,
	queue: VecDeque<(usize, Vote<Block, Sig>)>,
	commits: Vec<(usize, Round, Block, usize)>,
	equivocations_seen: usize,
	rng: Rng,
}

impl Network {
	fn new(n: usize, silent: &[VoterIndex], equivocating: &[VoterIndex], seed: u64) -> Self {
		Self {
			voters: (0..n).map(|i| Voter::new(n, Some(i as VoterIndex), 1)).collect(),
			silent: silent.to_vec(),
			equivocating: equivocating.to_vec(),
			queue: VecDeque::new(),
			commits: Vec::new(),
			equivocations_seen: 0,
			rng: Rng(seed | 1),
		}
	}

	fn handle(&mut self, at: usize, outputs: Vec<Output<Block, Sig>>) {
		for out in outputs {
			match out {
				Output::Vote { kind, round, block } => {
					let me = at as VoterIndex;
					if self.silent.contains(&me) {
						continue;
					}
					for to in 0..self.voters.len() {
						let block = if self.equivocating.contains(&me) && to % 2 == 1 {
							block + 1000
						} else {
							block
						};
						self.queue.push_back((to, vote(kind, round, block, me)));
					}
				}
				Output::Commit { round, block, certificate } => {
					self.commits.push((at, round, block, certificate.len()))
				}
				Output::Equivocation { .. } => self.equivocations_seen += 1,
			}
		}
	}

	/// One round: everyone hears the proposals (each peer may see a different subset), then the
	/// votes flow in random order until none are left.
	fn run_round(&mut self, round: Round, proposals: &[Proposal<Block>]) {
		for v in &mut self.voters {
			v.start_round(round);
		}
		for at in 0..self.voters.len() {
			for p in proposals {
				let out = self.voters[at].on_proposal(round, p.clone());
				self.handle(at, out);
			}
			let out = self.voters[at].end_proposal_stage(round);
			self.handle(at, out);
		}
		while !self.queue.is_empty() {
			let i = self.rng.below(self.queue.len());
			let (to, vote) = self.queue.remove(i).unwrap();
			if let Ok(out) = self.voters[to].on_vote(vote) {
				self.handle(to, out);
			}
		}
	}

	fn committed_by(&self, round: Round) -> Vec<(usize, Block)> {
		self.commits.iter().filter(|c| c.1 == round).map(|c| (c.0, c.2)).collect()
	}
}

#[test]
fn four_honest_peers_all_commit_the_best_proposal() {
	for seed in 0..50 {
		let mut net = Network::new(4, &[], &[], seed);
		net.run_round(1, &[proposal(11, 30, 1), proposal(12, 20, 2)]);
		let commits = net.committed_by(1);
		assert_eq!(commits.len(), 4, "seed {seed}");
		assert!(commits.iter().all(|(_, b)| *b == 12), "seed {seed}: {commits:?}");
		assert!(net.commits.iter().all(|c| c.3 >= 3), "certificates hold a quorum");
	}
}

#[test]
fn four_peers_with_one_silent_still_commit() {
	for seed in 0..50 {
		let mut net = Network::new(4, &[3], &[], seed);
		net.run_round(1, &[proposal(11, 1, 0)]);
		let commits = net.committed_by(1);
		assert_eq!(commits.len(), 4, "seed {seed}: every peer sees the commit");
		assert!(commits.iter().all(|(_, b)| *b == 11));
	}
}

#[test]
fn four_peers_with_two_silent_never_commit() {
	for seed in 0..20 {
		let mut net = Network::new(4, &[2, 3], &[], seed);
		net.run_round(1, &[proposal(11, 1, 0)]);
		assert!(net.committed_by(1).is_empty(), "seed {seed}");
		assert!(net.voters.iter().all(|v| v.lock().is_none()));
	}
}

#[test]
fn split_proposals_and_an_equivocator_never_commit_two_blocks() {
	// Peers 0 and 1 see proposal A first, 2 and 3 see only B; peer 3 also equivocates.
	for seed in 0..200 {
		let mut net = Network::new(4, &[], &[3], seed);
		for v in &mut net.voters {
			v.start_round(1);
		}
		for at in 0..4 {
			let p = if at < 2 { proposal(21, 1, 0) } else { proposal(22, 1, 1) };
			let out = net.voters[at].on_proposal(1, p);
			net.handle(at, out);
			let out = net.voters[at].end_proposal_stage(1);
			net.handle(at, out);
		}
		net.run_round(1, &[]);
		let mut blocks: Vec<Block> = net.committed_by(1).into_iter().map(|(_, b)| b).collect();
		blocks.sort();
		blocks.dedup();
		assert!(blocks.len() <= 1, "seed {seed}: two blocks committed in one round: {blocks:?}");
	}
}

#[test]
fn consecutive_rounds_commit_consecutive_blocks() {
	let mut net = Network::new(4, &[0], &[], 99);
	for round in 1..=10u64 {
		let block = round as Block * 10;
		net.run_round(round, &[proposal(block, round as u128, (round % 4) as VoterIndex)]);
		let commits = net.committed_by(round);
		assert_eq!(commits.len(), 4, "round {round}");
		assert!(commits.iter().all(|(_, b)| *b == block));
	}
}

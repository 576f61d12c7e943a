//! Unit tests of the round state machine, one input at a time. The n-voter network runs are in
//! `simulation.rs`.

use super::*;

/// Blocks are numbers (block 0 is genesis at height 0), signatures are "signed by voter i"
/// markers.
type Block = u32;
type Sig = (VoterIndex, Block);

const GENESIS: Block = 0;

fn vote(kind: VoteKind, round: Round, block: Block, voter: VoterIndex) -> Vote<Block, Sig> {
	Vote { kind, round, block, height: 1, voter, signature: (voter, block) }
}

fn vote_at(
	kind: VoteKind,
	round: Round,
	block: Block,
	height: Height,
	voter: VoterIndex,
) -> Vote<Block, Sig> {
	Vote { kind, round, block, height, voter, signature: (voter, block) }
}

/// A proposal of `block` at height 1 on genesis.
fn proposal(block: Block, priority: u128, proposer: VoterIndex) -> Proposal<Block, Sig> {
	Proposal { block, parent: GENESIS, height: 1, priority, proposer, certificate: None }
}

fn prepare_out(round: Round, block: Block) -> Output<Block, Sig> {
	Output::Vote { kind: VoteKind::Prepare, round, block, height: 1 }
}

fn tc_out(round: Round, block: Block) -> Output<Block, Sig> {
	Output::Vote { kind: VoteKind::TentativeCommit, round, block, height: 1 }
}

fn voter(n: usize, me: Option<VoterIndex>, round: Round) -> Voter<Block, Sig> {
	Voter::new(n, me, round, GENESIS, 0)
}

/// Lock voter 0 of 4 on `block` in `round` by feeding it prepares of voters 1..=3.
fn lock_on(v: &mut Voter<Block, Sig>, block: Block, round: Round) {
	for voter in 1..4 {
		v.on_vote(vote(VoteKind::Prepare, round, block, voter)).unwrap();
	}
}

fn cert(round: Round, block: Block, voters: &[VoterIndex]) -> PrepareCertificate<Sig> {
	PrepareCertificate { round, signatures: voters.iter().map(|v| (*v, (*v, block))).collect() }
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
	let mut v = voter(1, Some(0), 7);
	assert_eq!(v.on_proposal(7, proposal(42, 5, 0)), Ok(vec![]), "no vote in the proposal stage");
	assert_eq!(v.end_proposal_stage(7), vec![prepare_out(7, 42)]);
	let out = v.on_vote(vote(VoteKind::Prepare, 7, 42, 0)).unwrap();
	assert_eq!(out, vec![tc_out(7, 42)]);
	assert_eq!(v.lock().map(|l| (l.block, l.round)), Some((42, 7)));
	let out = v.on_vote(vote(VoteKind::TentativeCommit, 7, 42, 0)).unwrap();
	assert_eq!(
		out,
		vec![Output::Commit { round: 7, block: 42, height: 1, certificate: vec![(0, (0, 42))] }]
	);
	assert_eq!(v.committed(7), Some(&42));
	assert_eq!(v.finalized(), (&42, 1));
	assert!(v.lock().is_none(), "a commit at the lock's height releases the lock");
}

#[test]
fn no_proposal_means_no_prepare() {
	let mut v = voter(1, Some(0), 1);
	assert!(v.end_proposal_stage(1).is_empty());
	// A late proposal after the stage ended is prepared at once.
	assert_eq!(v.on_proposal(1, proposal(9, 1, 0)), Ok(vec![prepare_out(1, 9)]));
	// But only one prepare per round, even for a better proposal.
	let mut four = voter(4, Some(0), 1);
	four.end_proposal_stage(1);
	assert_eq!(four.on_proposal(1, proposal(9, 5, 1)), Ok(vec![prepare_out(1, 9)]));
	assert_eq!(four.on_proposal(1, proposal(10, 0, 2)), Ok(vec![]));
}

#[test]
fn lowest_priority_proposal_is_prepared() {
	let mut v = voter(4, Some(0), 3);
	v.on_proposal(3, proposal(100, 50, 1)).unwrap();
	v.on_proposal(3, proposal(200, 10, 2)).unwrap();
	v.on_proposal(3, proposal(300, 70, 3)).unwrap();
	assert_eq!(v.end_proposal_stage(3), vec![prepare_out(3, 200)]);
}

#[test]
fn proposals_for_other_rounds_or_unknown_proposers_are_refused() {
	let mut v = voter(4, Some(0), 3);
	assert_eq!(v.on_proposal(2, proposal(100, 1, 1)), Err(Rejected::StaleRound));
	assert_eq!(v.on_proposal(4, proposal(101, 1, 1)), Err(Rejected::FutureRound));
	assert_eq!(v.on_proposal(3, proposal(102, 1, 4)), Err(Rejected::UnknownVoter));
	assert!(v.end_proposal_stage(3).is_empty());
}

#[test]
fn only_children_of_the_finalized_head_are_prepared() {
	let mut v = voter(4, Some(0), 1);
	// A sibling of the finalized head's child at the wrong height, and a block on another parent.
	let wrong_height = Proposal {
		block: 5,
		parent: GENESIS,
		height: 2,
		priority: 0,
		proposer: 1,
		certificate: None,
	};
	let wrong_parent =
		Proposal { block: 6, parent: 99, height: 1, priority: 1, proposer: 2, certificate: None };
	v.on_proposal(1, wrong_height).unwrap();
	v.on_proposal(1, wrong_parent).unwrap();
	assert!(v.end_proposal_stage(1).is_empty());
	// Once block 7 at height 1 is final, only its children are.
	let mut v = voter(4, Some(0), 2);
	v.on_finalized(7, 1);
	v.on_proposal(2, proposal(8, 0, 1)).unwrap();
	let child =
		Proposal { block: 9, parent: 7, height: 2, priority: 5, proposer: 2, certificate: None };
	v.on_proposal(2, child).unwrap();
	assert_eq!(
		v.end_proposal_stage(2),
		vec![Output::Vote { kind: VoteKind::Prepare, round: 2, block: 9, height: 2 }]
	);
}

#[test]
fn duplicate_votes_count_once() {
	let mut v = voter(4, Some(0), 1);
	assert_eq!(v.on_vote(vote(VoteKind::Prepare, 1, 5, 1)), Ok(vec![]));
	assert_eq!(v.on_vote(vote(VoteKind::Prepare, 1, 5, 1)), Err(Rejected::Duplicate));
	assert_eq!(v.on_vote(vote(VoteKind::Prepare, 1, 5, 1)), Err(Rejected::Duplicate));
	// Two distinct voters are still one short of the quorum of 3.
	assert_eq!(v.on_vote(vote(VoteKind::Prepare, 1, 5, 2)), Ok(vec![]));
	assert!(v.lock().is_none());
	let out = v.on_vote(vote(VoteKind::Prepare, 1, 5, 3)).unwrap();
	assert_eq!(out, vec![tc_out(1, 5)]);
	let lock = v.lock().unwrap();
	assert_eq!(lock.certificate, vec![(1, (1, 5)), (2, (2, 5)), (3, (3, 5))]);
}

#[test]
fn threshold_of_four_is_three_tentative_commits() {
	let mut v = voter(4, None, 1);
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
			height: 1,
			certificate: vec![(0, (0, 5)), (2, (2, 5)), (3, (3, 5))]
		}]
	);
	// A fourth, conflicting vote is an equivocation and commits nothing twice.
	assert_eq!(
		v.on_vote(vote(VoteKind::TentativeCommit, 1, 5, 1)),
		Ok(vec![Output::Equivocation {
			first: vote(VoteKind::TentativeCommit, 1, 6, 1),
			second: vote(VoteKind::TentativeCommit, 1, 5, 1),
		}])
	);
}

#[test]
fn observers_count_but_never_vote() {
	let mut v = voter(1, None, 1);
	v.on_proposal(1, proposal(5, 0, 0)).unwrap();
	assert!(v.end_proposal_stage(1).is_empty());
	assert_eq!(v.on_vote(vote(VoteKind::Prepare, 1, 5, 0)), Ok(vec![]));
	assert_eq!(v.lock().map(|l| l.block), Some(5));
	assert!(matches!(
		v.on_vote(vote(VoteKind::TentativeCommit, 1, 5, 0)).unwrap().as_slice(),
		[Output::Commit { block: 5, .. }]
	));
	// An index outside the set is an observer too.
	let mut v = voter(1, Some(3), 1);
	assert_eq!(v.me(), None);
	v.on_proposal(1, proposal(5, 0, 0)).unwrap();
	assert!(v.end_proposal_stage(1).is_empty());
}

#[test]
fn votes_outside_the_window_or_set_are_rejected() {
	let mut v = voter(4, Some(0), 10);
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
fn equivocation_is_reported_with_both_votes_and_only_the_first_counts() {
	let mut v = voter(4, Some(0), 1);
	v.on_vote(vote(VoteKind::Prepare, 1, 5, 1)).unwrap();
	let out = v.on_vote(vote(VoteKind::Prepare, 1, 6, 1)).unwrap();
	assert_eq!(
		out,
		vec![Output::Equivocation {
			first: vote(VoteKind::Prepare, 1, 5, 1),
			second: vote(VoteKind::Prepare, 1, 6, 1),
		}]
	);
	v.on_vote(vote(VoteKind::Prepare, 1, 6, 2)).unwrap();
	v.on_vote(vote(VoteKind::Prepare, 1, 6, 3)).unwrap();
	assert!(v.lock().is_none(), "the equivocator's second vote must not complete a quorum for 6");
}

#[test]
fn two_proposals_of_one_proposer_are_an_equivocation() {
	let mut v = voter(4, Some(0), 1);
	assert_eq!(v.on_proposal(1, proposal(5, 3, 2)), Ok(vec![]));
	assert_eq!(v.on_proposal(1, proposal(5, 3, 2)), Err(Rejected::Duplicate));
	assert_eq!(
		v.on_proposal(1, proposal(6, 1, 2)),
		Ok(vec![Output::ProposalEquivocation { proposer: 2, round: 1, first: 5, second: 6 }])
	);
	// Only the first is considered.
	assert_eq!(v.end_proposal_stage(1), vec![prepare_out(1, 5)]);
}

#[test]
fn locked_peer_prepares_only_its_block_or_a_newer_certificate() {
	let mut v = voter(4, Some(0), 1);
	lock_on(&mut v, 5, 1);
	assert_eq!(v.lock().map(|l| (l.block, l.round)), Some((5, 1)));
	// Round 2: a better proposal for another block without certificate is refused.
	v.start_round(2);
	v.on_proposal(2, proposal(6, 0, 1)).unwrap();
	assert!(v.end_proposal_stage(2).is_empty());
	// Round 3: a re-proposal of the locked block is prepared.
	v.start_round(3);
	v.on_proposal(3, proposal(6, 0, 1)).unwrap();
	let mut again = proposal(5, 9, 2);
	again.certificate = Some(cert(1, 5, &[1, 2, 3]));
	v.on_proposal(3, again).unwrap();
	assert_eq!(v.end_proposal_stage(3), vec![prepare_out(3, 5)]);
	// Round 4: another block with a certificate from round 1 is not newer; from round 2 it is,
	// and the peer adopts that lock.
	v.start_round(4);
	let mut old = proposal(7, 0, 1);
	old.certificate = Some(cert(1, 7, &[0, 1, 3]));
	let mut newer = proposal(8, 5, 2);
	newer.certificate = Some(cert(2, 8, &[1, 2, 3]));
	v.on_proposal(4, old).unwrap();
	v.on_proposal(4, newer).unwrap();
	assert_eq!(v.end_proposal_stage(4), vec![prepare_out(4, 8)]);
	assert_eq!(v.lock().map(|l| (l.block, l.round)), Some((8, 2)));
}

#[test]
fn a_certificate_without_a_quorum_is_refused() {
	let mut v = voter(4, Some(0), 2);
	let mut short = proposal(7, 0, 1);
	short.certificate = Some(cert(1, 7, &[1, 2]));
	assert_eq!(v.on_proposal(2, short), Err(Rejected::BadCertificate));
	let mut repeated = proposal(7, 0, 1);
	repeated.certificate = Some(cert(1, 7, &[1, 1, 2]));
	assert_eq!(v.on_proposal(2, repeated), Err(Rejected::BadCertificate));
	let mut outsider = proposal(7, 0, 1);
	outsider.certificate = Some(cert(1, 7, &[1, 2, 9]));
	assert_eq!(v.on_proposal(2, outsider), Err(Rejected::BadCertificate));
	assert!(v.lock().is_none());
}

/// Finding 5 of issue 14: any subset of a quorum of signatures was a distinct valid certificate,
/// so the four prepares below made five (four of three, one of four) that every peer verified and
/// forwarded. Checked before the fix: `is_quorum` accepted `len() >= quorum`, so the certificate
/// of all four voters was taken. Now only the canonical form counts, and a voter builds it from the
/// lowest-indexed quorum of the votes it holds, whatever their order of arrival.
#[test]
fn only_canonical_certificates_count_and_voters_build_them() {
	let mut v = voter(4, Some(0), 2);
	let mut oversized = proposal(7, 0, 1);
	oversized.certificate = Some(cert(1, 7, &[0, 1, 2, 3]));
	assert_eq!(v.on_proposal(2, oversized), Err(Rejected::BadCertificate));
	assert_eq!(v.on_certificate(7, 1, cert(1, 7, &[0, 1, 2, 3])), Err(Rejected::BadCertificate));
	assert!(v.lock().is_none());

	// Prepares arrive from voters 3, 1, 2: the certificate is of 1, 2, 3, by index.
	let mut v = voter(4, Some(0), 2);
	for voter in [3, 1, 2] {
		v.on_vote(vote(VoteKind::Prepare, 2, 5, voter)).unwrap();
	}
	let lock = v.lock().expect("a quorum of prepares locks");
	assert_eq!(lock.certificate.iter().map(|(i, _)| *i).collect::<Vec<_>>(), vec![1, 2, 3]);
	assert!(v.is_quorum(&lock.certificate));
	// A fourth prepare does not change the lock's certificate.
	v.on_vote(vote(VoteKind::Prepare, 2, 5, 0)).unwrap();
	assert_eq!(v.lock().unwrap().certificate.len(), quorum(4));
}

#[test]
fn tentative_commit_only_in_the_current_round() {
	// Voter 0 prepared block 6 in round 2; the prepares of round 1 for block 5 arrive late. It
	// locks (newer than nothing) but must not send a tentative commit for round 1: it already
	// voted in a later round without that lock.
	let mut v = voter(4, Some(0), 1);
	v.start_round(2);
	v.on_proposal(2, proposal(6, 0, 1)).unwrap();
	assert_eq!(v.end_proposal_stage(2), vec![prepare_out(2, 6)]);
	for voter in 1..3 {
		assert_eq!(v.on_vote(vote(VoteKind::Prepare, 1, 5, voter)), Ok(vec![]));
	}
	assert_eq!(v.on_vote(vote(VoteKind::Prepare, 1, 5, 3)), Ok(vec![]), "no TC for round 1");
	assert_eq!(v.lock().map(|l| (l.block, l.round)), Some((5, 1)));
	// A quorum of round 2 prepares for 6 is newer: lock and tentative commit.
	for voter in 1..3 {
		v.on_vote(vote(VoteKind::Prepare, 2, 6, voter)).unwrap();
	}
	assert_eq!(v.on_vote(vote(VoteKind::Prepare, 2, 6, 0)), Ok(vec![tc_out(2, 6)]));
	assert_eq!(v.lock().map(|l| (l.block, l.round)), Some((6, 2)));
}

#[test]
fn late_tentative_commits_still_finalize() {
	let mut v = voter(4, None, 1);
	v.start_round(3);
	for voter in 0..3 {
		v.on_vote(vote(VoteKind::TentativeCommit, 1, 5, voter)).unwrap();
	}
	assert_eq!(v.committed(1), Some(&5));
	assert_eq!(v.finalized(), (&5, 1));
}

#[test]
fn finality_from_sync_drops_the_lock_and_moves_the_head() {
	let mut v = voter(4, Some(0), 1);
	lock_on(&mut v, 5, 1);
	v.on_finalized(4, 0);
	assert!(v.lock().is_some(), "a block below the head changes nothing");
	v.on_finalized(5, 1);
	assert!(v.lock().is_none());
	assert_eq!(v.finalized(), (&5, 1));
	// Prepares for blocks at or below the head no longer lock or trigger a tentative commit.
	v.start_round(2);
	for voter in 1..4 {
		assert_eq!(v.on_vote(vote_at(VoteKind::Prepare, 2, 6, 1, voter)), Ok(vec![]));
	}
	assert!(v.lock().is_none());
	// A lock above a newly final block stays.
	let mut v = voter(4, Some(0), 1);
	for voter in 1..4 {
		v.on_vote(vote_at(VoteKind::Prepare, 1, 9, 3, voter)).unwrap();
	}
	v.on_finalized(8, 2);
	assert_eq!(v.lock().map(|l| l.block), Some(9));
}

#[test]
fn persisted_state_survives_a_restart() {
	let mut v = voter(4, Some(0), 5);
	lock_on(&mut v, 5, 5);
	v.on_proposal(5, proposal(5, 0, 1)).unwrap();
	assert_eq!(v.end_proposal_stage(5), vec![prepare_out(5, 5)]);
	let saved = v.persisted();
	assert_eq!(saved.lock.as_ref().map(|l| (l.block, l.round)), Some((5, 5)));
	assert!(saved.own_votes.contains(&(5, VoteKind::Prepare, 5)));
	assert!(saved.own_votes.contains(&(5, VoteKind::TentativeCommit, 5)));

	// After the restart, in the same round: no second prepare, no second tentative commit.
	let mut restarted = voter(4, Some(0), 5);
	restarted.restore(saved.clone());
	assert_eq!(restarted.lock().map(|l| l.block), Some(5));
	restarted.on_proposal(5, proposal(6, 0, 2)).unwrap();
	assert!(restarted.end_proposal_stage(5).is_empty());
	for voter in 1..4 {
		assert!(restarted.on_vote(vote(VoteKind::Prepare, 5, 5, voter)).unwrap().is_empty());
	}
	// In a later round the lock still binds.
	restarted.start_round(6);
	restarted.on_proposal(6, proposal(6, 0, 2)).unwrap();
	assert!(restarted.end_proposal_stage(6).is_empty());

	// An older lock does not replace a newer one; a lock below the finalized head is dropped.
	let mut newer = voter(4, Some(0), 7);
	lock_on(&mut newer, 9, 7);
	newer.restore(saved.clone());
	assert_eq!(newer.lock().map(|l| l.block), Some(9));
	let mut past = Voter::<Block, Sig>::new(4, Some(0), 7, 5, 1);
	past.restore(saved);
	assert!(past.lock().is_none());
}

#[test]
fn old_rounds_are_pruned_and_round_never_goes_back() {
	let mut v = voter(1, Some(0), 1);
	v.start_round(5);
	v.start_round(3);
	assert_eq!(v.round(), 5);
	assert_eq!(v.rounds.keys().copied().collect::<Vec<_>>(), vec![5]);
	v.start_round(6);
	v.start_round(7);
	assert_eq!(v.rounds.keys().copied().collect::<Vec<_>>(), vec![5, 6, 7]);
}

#[test]
fn the_votes_for_a_committed_block_include_late_ones_and_prefer_commits() {
	// Observer of 4: voters 0–2 commit block 5 in round 3; voter 3 prepared it, and its
	// tentative commit arrives after the commit was counted; a prepare for another block and
	// votes of another round are not the block's.
	let mut v = voter(4, None, 3);
	for i in 0..4 {
		v.on_vote(vote(VoteKind::Prepare, 3, 5, i)).unwrap();
	}
	for i in 0..3 {
		v.on_vote(vote(VoteKind::TentativeCommit, 3, 5, i)).unwrap();
	}
	assert_eq!(v.committed(3), Some(&5));
	let kinds = |v: &Voter<Block, Sig>| {
		v.votes_for(3, &5, 1).into_iter().map(|(i, kind, _)| (i, kind)).collect::<Vec<_>>()
	};
	assert_eq!(
		kinds(&v),
		vec![
			(0, VoteKind::TentativeCommit),
			(1, VoteKind::TentativeCommit),
			(2, VoteKind::TentativeCommit),
			(3, VoteKind::Prepare),
		]
	);
	v.on_vote(vote(VoteKind::TentativeCommit, 3, 5, 3)).unwrap();
	assert_eq!(kinds(&v)[3], (3, VoteKind::TentativeCommit), "the late commit");
	assert_eq!(v.votes_for(3, &5, 1)[3].2, (3, 5), "with its signature");
	assert!(v.votes_for(3, &6, 1).is_empty());
	assert!(v.votes_for(3, &5, 2).is_empty(), "another height");
	assert!(v.votes_for(2, &5, 1).is_empty());
	// Rounds that leave the window are forgotten.
	v.start_round(3 + ROUND_WINDOW + 1);
	assert!(v.votes_for(3, &5, 1).is_empty());
}

#[test]
fn a_vote_naming_the_block_at_another_height_completes_no_certificate() {
	// Voter 3 is Byzantine: its prepare and tentative commit name block 5 at height 7. With
	// the honest 0 and 1 they would make a quorum of 3 of 4 for "block 5" — of two heights.
	let mut v = voter(4, None, 3);
	v.on_vote(vote_at(VoteKind::Prepare, 3, 5, 7, 3)).unwrap();
	v.on_vote(vote_at(VoteKind::TentativeCommit, 3, 5, 7, 3)).unwrap();
	for i in 0..2 {
		assert_eq!(v.on_vote(vote(VoteKind::Prepare, 3, 5, i)).unwrap(), vec![]);
		assert_eq!(v.on_vote(vote(VoteKind::TentativeCommit, 3, 5, i)).unwrap(), vec![]);
	}
	assert!(v.lock().is_none(), "no certificate of either height");
	assert_eq!(v.committed(3), None);
	// The third honest vote completes the true height's.
	v.on_vote(vote(VoteKind::Prepare, 3, 5, 2)).unwrap();
	assert_eq!(v.lock().map(|l| l.height), Some(1));
	let out = v.on_vote(vote(VoteKind::TentativeCommit, 3, 5, 2)).unwrap();
	assert!(matches!(&out[..], [Output::Commit { height: 1, .. }]), "{out:?}");
	assert_eq!(v.votes_for(3, &5, 1).len(), 3, "the wrong height's vote is not handed on");
}

#[test]
fn round_votes_show_who_proposed_prepared_and_committed_what() {
	let mut v = voter(4, Some(0), 1);
	assert_eq!(
		v.round_votes(1),
		Some(RoundVotes {
			round: 1,
			proposers: vec![],
			proposal_stage_over: false,
			prepares: vec![],
			tentative_commits: vec![],
			committed: None,
		})
	);
	v.on_proposal(1, proposal(5, 3, 2)).unwrap();
	v.end_proposal_stage(1);
	// Voter 0's own prepare comes back through on_vote, like everyone's.
	for voter in [0, 1, 3] {
		v.on_vote(vote(VoteKind::Prepare, 1, 5, voter)).unwrap();
	}
	for voter in [3, 1] {
		v.on_vote(vote(VoteKind::TentativeCommit, 1, 5, voter)).unwrap();
	}
	let seen = v.round_votes(1).unwrap();
	assert_eq!(seen.proposers, vec![2]);
	assert!(seen.proposal_stage_over);
	assert_eq!(seen.prepares, vec![(0, 5), (1, 5), (3, 5)]);
	assert_eq!(seen.tentative_commits, vec![(1, 5), (3, 5)], "by increasing voter index");
	assert_eq!(seen.committed, None, "two of four is no quorum");
	v.on_vote(vote(VoteKind::TentativeCommit, 1, 5, 0)).unwrap();
	assert_eq!(v.round_votes(1).unwrap().committed, Some(5));
	// A round not reached, or out of the window, has nothing to show.
	assert_eq!(v.round_votes(2), None);
	v.start_round(1 + ROUND_WINDOW + 1);
	assert_eq!(v.round_votes(1), None, "forgotten once out of the vote window");
	assert!(v.round_votes(1 + ROUND_WINDOW + 1).is_some());
}

//! Participation: the parent's votes a packer hands the runtime, their checks, and the strikes
//! of billing peers that miss them.

use crate::{mock::*, *};
use frame_support::{assert_noop, assert_ok, traits::Hooks};
use sp_core::Pair as _;
use sp_runtime::DispatchError;
use spacebook_gosig_primitives::{vote_kind_code, VoteKind, VotePayload};

/// The authority index of dev account `name` in the current set.
fn index_of(name: &str) -> AuthorityIndex {
	Authorities::<Test>::get().iter().position(|k| *k == id(name)).expect("in the set") as u32
}

/// `name`'s signed vote of `kind` in `round` for (`hash`, `number`) of set `set_id`.
fn vote(
	name: &str,
	kind: VoteKind,
	round: Round,
	hash: sp_core::H256,
	number: u64,
	set_id: SetId,
) -> (AuthorityIndex, u8, AuthoritySignatureOf) {
	let index = index_of(name);
	let payload = VotePayload::new(kind, round, hash, number, set_id);
	let signature = pair(name).sign(&payload.signing_bytes(&Gosig::genesis_hash(), index));
	(index, vote_kind_code(kind), signature.into())
}

type AuthoritySignatureOf = spacebook_gosig_primitives::AuthoritySignature;

/// The tentative commits of `names` for the parent of the current block, in round `round`.
fn parent_votes(round: Round, names: &[&str]) -> ParentVotes {
	let parent = System::parent_hash();
	let number = System::block_number() - 1;
	let set_id = CurrentSetId::<Test>::get();
	let mut votes: Vec<_> = names
		.iter()
		.map(|name| vote(name, VoteKind::TentativeCommit, round, parent, number, set_id))
		.collect();
	votes.sort_by_key(|(i, _, _)| *i);
	ParentVotes { set_id, round, votes }
}

/// Execute block `n` (round `n`, packed by Alice) carrying the votes of `names`, and end it.
fn block(n: u64, names: &[&str]) {
	start_block(n, &pre_digest(n, 0, "Alice"));
	assert_ok!(Gosig::note_parent_votes(RuntimeOrigin::none(), parent_votes(n - 1, names)));
	Gosig::on_finalize(n);
}

/// Execute block `n` without the parent's votes.
fn bare_block(n: u64) {
	start_block(n, &pre_digest(n, 0, "Alice"));
	Gosig::on_finalize(n);
}

fn tally() -> Vec<(u32, u32)> {
	ParticipationTally::<Test>::get().into_inner()
}

fn missed() -> Vec<(AuthorityId, u32)> {
	MISSED_VOTES.with(|m| m.borrow().clone())
}

#[test]
fn the_parents_votes_are_counted_for_each_billing_peer() {
	build_and_execute(|| {
		assert!(tally().is_empty());
		block(2, &["Alice", "Charlie"]);
		assert_eq!(tally(), vec![(1, 1), (1, 0), (1, 1)]);
		block(3, &["Alice", "Bob", "Charlie"]);
		assert_eq!(tally(), vec![(2, 2), (2, 1), (2, 2)]);
		// A block without them counts for nobody.
		bare_block(4);
		assert_eq!(tally(), vec![(2, 2), (2, 1), (2, 2)]);
		// A prepare counts as well as a tentative commit.
		start_block(5, &pre_digest(5, 0, "Alice"));
		let set_id = CurrentSetId::<Test>::get();
		let prepare = vote("Bob", VoteKind::Prepare, 4, System::parent_hash(), 4, set_id);
		assert_ok!(Gosig::note_parent_votes(
			RuntimeOrigin::none(),
			ParentVotes { set_id, round: 4, votes: vec![prepare] }
		));
		assert_eq!(tally(), vec![(3, 2), (3, 2), (3, 2)]);
	});
}

#[test]
fn forged_misplaced_or_malformed_votes_make_the_block_invalid_and_change_nothing() {
	build_and_execute(|| {
		block(2, &["Alice"]);
		start_block(3, &pre_digest(3, 0, "Alice"));
		let set_id = CurrentSetId::<Test>::get();
		let parent = System::parent_hash();
		let note = |votes: Vec<(AuthorityIndex, u8, AuthoritySignatureOf)>, round, set_id| {
			Gosig::note_parent_votes(RuntimeOrigin::none(), ParentVotes { set_id, round, votes })
		};
		let commit = |name, round, hash, number| {
			vote(name, VoteKind::TentativeCommit, round, hash, number, set_id)
		};
		// Bob's place, Alice's signature: a packer cannot vote for an absent friend.
		let (_, kind, alice_signature) = commit("Alice", 2, parent, 2);
		assert_noop!(
			note(vec![(index_of("Bob"), kind, alice_signature)], 2, set_id),
			Error::<Test>::BadVote
		);
		// A vote for another block, another number or another round.
		let other = sp_core::H256::repeat_byte(9);
		assert_noop!(note(vec![commit("Bob", 2, other, 2)], 2, set_id), Error::<Test>::BadVote);
		assert_noop!(note(vec![commit("Bob", 2, parent, 1)], 2, set_id), Error::<Test>::BadVote);
		assert_noop!(note(vec![commit("Bob", 1, parent, 2)], 2, set_id), Error::<Test>::BadVote);
		// A kind that is no vote.
		let (i, _, signature) = commit("Bob", 2, parent, 2);
		assert_noop!(note(vec![(i, 7, signature)], 2, set_id), Error::<Test>::BadVote);
		// Another set.
		assert_noop!(
			note(vec![commit("Bob", 2, parent, 2)], 2, set_id + 1),
			Error::<Test>::VotesOfAnotherSet
		);
		// Twice the same peer, out of order, outside the set.
		let bob = commit("Bob", 2, parent, 2);
		let alice = commit("Alice", 2, parent, 2);
		assert_noop!(
			note(vec![bob.clone(), bob.clone()], 2, set_id),
			Error::<Test>::UnorderedVotes
		);
		assert_noop!(
			note(vec![bob.clone(), alice.clone()], 2, set_id),
			Error::<Test>::UnorderedVotes
		);
		let (_, kind, signature) = bob.clone();
		assert_noop!(note(vec![(3, kind, signature)], 2, set_id), Error::<Test>::UnorderedVotes);
		// Not a transaction anyone may send.
		assert_noop!(
			Gosig::note_parent_votes(
				RuntimeOrigin::signed(1),
				ParentVotes { set_id, round: 2, votes: vec![] }
			),
			DispatchError::BadOrigin
		);
		assert_eq!(tally(), vec![(1, 1), (1, 0), (1, 0)]);
		// Once a block.
		assert_ok!(note(vec![alice, bob], 2, set_id));
		assert_noop!(note(vec![], 2, set_id), Error::<Test>::ParentVotesNotedTwice);
		assert_eq!(tally(), vec![(2, 2), (2, 1), (2, 0)]);
	});
}

#[test]
fn a_parent_that_changed_the_set_is_counted_for_nobody() {
	build_and_execute(|| {
		start_block(2, &pre_digest(2, 0, "Alice"));
		assert_ok!(Gosig::change_authorities(vec![id("Alice"), id("Bob"), id("Dave")]));
		Gosig::on_finalize(2);
		start_block(3, &pre_digest(3, 0, "Alice"));
		// The new set did not vote on block 2, and the old one is not current any more.
		let new_set = CurrentSetId::<Test>::get();
		let old_set = new_set - 1;
		let parent = System::parent_hash();
		let by_new = vote("Alice", VoteKind::TentativeCommit, 2, parent, 2, new_set);
		assert_noop!(
			Gosig::note_parent_votes(
				RuntimeOrigin::none(),
				ParentVotes { set_id: new_set, round: 2, votes: vec![by_new] }
			),
			Error::<Test>::VotesOfAnotherSet
		);
		assert_noop!(
			Gosig::note_parent_votes(
				RuntimeOrigin::none(),
				ParentVotes { set_id: old_set, round: 2, votes: vec![] }
			),
			Error::<Test>::VotesOfAnotherSet
		);
	});
}

#[test]
fn absent_from_more_than_half_a_window_is_a_strike_the_second_in_a_row_too() {
	build_and_execute(|| {
		// Window 1 (blocks 1–7, judged at 8): Charlie votes in 3 of 6 blocks (half: present),
		// Bob in 2 of 6 (absent).
		for n in 2..=7 {
			let mut voters = vec!["Alice"];
			if n <= 3 {
				voters.push("Bob");
			}
			if n % 2 == 0 {
				voters.push("Charlie");
			}
			block(n, &voters);
		}
		assert_eq!(tally(), vec![(6, 6), (6, 2), (6, 3)]);
		block(8, &["Alice", "Bob", "Charlie"]);
		assert_eq!(missed(), vec![(id("Bob"), 1)]);
		System::assert_has_event(
			Event::MissedVotes { authority: id("Bob"), counted: 6, present: 2, strikes: 1 }.into(),
		);
		assert_eq!(MissedVoteStrikes::<Test>::get(id("Bob")), 1);
		assert_eq!(MissedVoteStrikes::<Test>::get(id("Charlie")), 0);
		// The new window started with block 8's votes.
		assert_eq!(tally(), vec![(1, 1), (1, 1), (1, 1)]);
		assert_eq!(Gosig::participation().0[1].strikes, 1);

		// Window 2 (judged at 16): Bob votes in 3 of 8 — a second strike in a row.
		for n in 9..=15 {
			let voters: &[&str] =
				if n <= 10 { &["Alice", "Bob", "Charlie"] } else { &["Alice", "Charlie"] };
			block(n, voters);
		}
		block(16, &["Alice", "Bob", "Charlie"]);
		assert_eq!(missed(), vec![(id("Bob"), 1), (id("Bob"), 2)]);
		assert_eq!(MissedVoteStrikes::<Test>::get(id("Bob")), 2);

		// Window 3: present again, the strikes are forgotten.
		for n in 17..=24 {
			block(n, &["Alice", "Bob", "Charlie"]);
		}
		assert_eq!(missed().len(), 2);
		assert_eq!(MissedVoteStrikes::<Test>::get(id("Bob")), 0);
	});
}

#[test]
fn too_few_counted_blocks_are_not_judged() {
	build_and_execute(|| {
		MissedVoteStrikes::<Test>::insert(id("Bob"), 1);
		// One block with votes in the window: below a quarter of it (2).
		block(2, &["Alice"]);
		for n in 3..=8 {
			bare_block(n);
		}
		assert!(missed().is_empty());
		// Neither struck nor cleared.
		assert_eq!(MissedVoteStrikes::<Test>::get(id("Bob")), 1);
		assert_eq!(Gosig::min_counted(), 2);
		assert!(!Gosig::is_absent(1, 0));
		assert!(Gosig::is_absent(2, 0));
		assert!(!Gosig::is_absent(2, 1));
		assert!(Gosig::is_absent(9, 4));
	});
}

#[test]
fn the_tally_and_strikes_follow_billing_peers_into_a_new_set() {
	build_and_execute(|| {
		block(2, &["Alice", "Bob"]);
		block(3, &["Bob"]);
		MissedVoteStrikes::<Test>::insert(id("Charlie"), 1);
		MissedVoteStrikes::<Test>::insert(id("Bob"), 1);
		start_block(4, &pre_digest(4, 0, "Alice"));
		// Bob moves to index 0, Dave joins, Charlie leaves.
		assert_ok!(Gosig::change_authorities(vec![id("Bob"), id("Dave"), id("Alice")]));
		assert_eq!(tally(), vec![(2, 2), (0, 0), (2, 1)]);
		assert_eq!(MissedVoteStrikes::<Test>::get(id("Charlie")), 0);
		assert_eq!(MissedVoteStrikes::<Test>::get(id("Bob")), 1);
		Gosig::do_try_state().unwrap();
	});
}

#[test]
fn packers_that_leave_an_honest_peer_out_cannot_strike_it() {
	// Four billing peers, one of them (Dave, fewer than a third) leaving Charlie's votes out of
	// every block it packs; packers take turns as the VRF election makes them on average.
	new_test_ext().execute_with(|| {
		Authorities::<Test>::put(BoundedVec::truncate_from(vec![
			id("Alice"),
			id("Bob"),
			id("Charlie"),
			id("Dave"),
		]));
		for n in 2..=40u64 {
			let dave_packs = n % 4 == 0;
			let voters: &[&str] = if dave_packs {
				&["Alice", "Bob", "Dave"]
			} else {
				&["Alice", "Bob", "Charlie", "Dave"]
			};
			block(n, voters);
		}
		assert!(missed().is_empty(), "{:?}", missed());
	});
}

#[test]
fn the_inherent_is_made_from_the_packers_data() {
	use frame_support::inherent::ProvideInherent;
	build_and_execute(|| {
		let mut data = sp_inherents::InherentData::new();
		assert!(Gosig::create_inherent(&data).is_none());
		let votes = ParentVotes { set_id: 0, round: 1, votes: vec![] };
		data.put_data(PARENT_VOTES_INHERENT_IDENTIFIER, &votes).unwrap();
		let call = Gosig::create_inherent(&data).expect("votes given");
		assert!(Gosig::is_inherent(&call));
		assert_eq!(call, Call::note_parent_votes { votes });
		assert!(!Gosig::is_inherent(&Call::set_election_target { target: Perbill::one() }));
	});
}

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
	ParentVotes { set_id, round, votes: BoundedVec::truncate_from(votes) }
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
			ParentVotes { set_id, round: 4, votes: BoundedVec::truncate_from(vec![prepare]) }
		));
		assert_eq!(tally(), vec![(3, 2), (3, 2), (3, 2)]);
	});
}

#[test]
fn forged_misplaced_or_malformed_votes_count_for_nobody_and_the_block_stays_valid() {
	build_and_execute(|| {
		// Each block carries one kind of bad vote of Bob's beside Alice's good one: Alice is
		// counted present each time, Bob never; the block is valid (no gossiped vote may stop an
		// honest packer).
		type Votes = Vec<(AuthorityIndex, u8, AuthoritySignatureOf)>;
		let bob = index_of("Bob");
		let other_block = sp_core::H256::repeat_byte(9);
		let cases: Vec<Box<dyn Fn() -> Votes>> = vec![
			// Bob's place, Alice's signature: a packer cannot vote for an absent friend.
			Box::new(move || {
				let (_, kind, signature) = commit_now("Alice");
				vec![commit_now("Alice"), (bob, kind, signature)]
			}),
			// A vote for another block, another number, another round (signed by Bob).
			Box::new(move || {
				vec![commit_now("Alice"), commit_with("Bob", None, Some(other_block), None)]
			}),
			Box::new(|| vec![commit_now("Alice"), commit_with("Bob", None, None, Some(1))]),
			Box::new(|| vec![commit_now("Alice"), commit_with("Bob", Some(0), None, None)]),
			// A kind that is no vote.
			Box::new(move || {
				let (_, _, signature) = commit_now("Bob");
				vec![commit_now("Alice"), (bob, 7, signature)]
			}),
			// Twice the same, outside the set: only the first in order counts.
			Box::new(|| vec![commit_now("Alice"), commit_now("Alice")]),
			Box::new(move || {
				let (_, kind, signature) = commit_now("Bob");
				vec![commit_now("Alice"), (3, kind, signature)]
			}),
		];
		let mut n = 2;
		for (i, votes) in cases.iter().enumerate() {
			start_block(n, &pre_digest(n, 0, "Alice"));
			let votes = ParentVotes {
				set_id: CurrentSetId::<Test>::get(),
				round: n - 1,
				votes: BoundedVec::truncate_from(votes()),
			};
			let before = tally();
			let before = |i: usize| before.get(i).copied().unwrap_or_default();
			assert_ok!(Gosig::note_parent_votes(RuntimeOrigin::none(), votes));
			let after = tally();
			assert_eq!(after[0], (before(0).0 + 1, before(0).1 + 1), "case {i}: Alice");
			for peer in [1, 2] {
				assert_eq!(after[peer], (before(peer).0 + 1, before(peer).1), "case {i}");
			}
			Gosig::on_finalize(n);
			n += 1;
		}
		// Another set, or a round before the parent's or not before this block's: nobody is
		// counted at all.
		let before = tally();
		for (set_offset, round) in [(1, n - 1), (0, n - 3), (0, n)] {
			start_block(n, &pre_digest(n, 0, "Alice"));
			let mut votes = parent_votes(n - 1, &["Alice", "Bob"]);
			votes.set_id += set_offset;
			votes.round = round;
			assert_ok!(Gosig::note_parent_votes(RuntimeOrigin::none(), votes));
			assert_eq!(tally(), before);
			Gosig::on_finalize(n);
			n += 1;
		}
		// Not a transaction anyone may send, and once a block.
		start_block(n, &pre_digest(n, 0, "Alice"));
		assert_noop!(
			Gosig::note_parent_votes(RuntimeOrigin::signed(1), parent_votes(n - 1, &["Bob"])),
			DispatchError::BadOrigin
		);
		assert_ok!(Gosig::note_parent_votes(RuntimeOrigin::none(), parent_votes(n - 1, &["Bob"])));
		assert_noop!(
			Gosig::note_parent_votes(RuntimeOrigin::none(), parent_votes(n - 1, &["Bob"])),
			Error::<Test>::ParentVotesNotedTwice
		);
	});
}

/// A tentative commit of `name` for the parent of the current block in the round before this
/// block's.
fn commit_now(name: &str) -> (AuthorityIndex, u8, AuthoritySignatureOf) {
	commit_with(name, None, None, None)
}

/// [`commit_now`] with another round, hash or number.
fn commit_with(
	name: &str,
	round: Option<Round>,
	hash: Option<sp_core::H256>,
	number: Option<u64>,
) -> (AuthorityIndex, u8, AuthoritySignatureOf) {
	vote(
		name,
		VoteKind::TentativeCommit,
		round.unwrap_or(CurrentRound::<Test>::get() - 1),
		hash.unwrap_or_else(System::parent_hash),
		number.unwrap_or(System::block_number() - 1),
		CurrentSetId::<Test>::get(),
	)
}

#[test]
fn a_parent_that_changed_the_set_is_counted_for_nobody() {
	build_and_execute(|| {
		block(2, &["Alice"]);
		start_block(3, &pre_digest(3, 0, "Alice"));
		assert_ok!(Gosig::change_authorities(vec![id("Alice"), id("Bob"), id("Dave")]));
		Gosig::on_finalize(3);
		let before = tally();
		start_block(4, &pre_digest(4, 0, "Alice"));
		// The new set did not vote on block 3, the old one is not the voters' set any more.
		for set_id in [CurrentSetId::<Test>::get(), CurrentSetId::<Test>::get() - 1] {
			let mut votes = parent_votes(3, &["Alice", "Bob"]);
			votes.set_id = set_id;
			assert_ok!(Gosig::note_parent_votes(RuntimeOrigin::none(), votes));
			assert_eq!(tally(), before);
			ParentVotesNoted::<Test>::kill();
		}
	});
}

/// An election or a replacement changes the set in `on_initialize`, before the inherent: the
/// parent's votes are still those of the set in force at the parent, and count for its members
/// that stay (attacker review of the missed votes).
#[test]
fn a_set_change_earlier_in_the_block_still_counts_the_old_sets_votes() {
	build_and_execute(|| {
		block(2, &["Alice", "Bob", "Charlie"]);
		start_block(3, &pre_digest(3, 0, "Alice"));
		let voters = parent_votes(2, &["Alice", "Bob", "Charlie"]);
		// Charlie leaves, Dave joins, Alice and Bob swap places.
		assert_ok!(Gosig::change_authorities(vec![id("Bob"), id("Alice"), id("Dave")]));
		assert_ok!(Gosig::note_parent_votes(RuntimeOrigin::none(), voters));
		// Bob and Alice counted and present twice; Dave not counted (he could not vote).
		assert_eq!(tally(), vec![(2, 2), (2, 2), (0, 0)]);
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
		// Not struck, and strikes count judged windows in a row: cleared.
		assert_eq!(MissedVoteStrikes::<Test>::get(id("Bob")), 0);
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
		let votes = ParentVotes { set_id: 0, round: 1, votes: BoundedVec::new() };
		data.put_data(PARENT_VOTES_INHERENT_IDENTIFIER, &votes).unwrap();
		let call = Gosig::create_inherent(&data).expect("votes given");
		assert!(Gosig::is_inherent(&call));
		assert_eq!(call, Call::note_parent_votes { votes });
		assert!(!Gosig::is_inherent(&Call::set_election_target { target: Perbill::one() }));
	});
}

//! Votes: locking, changing, withdrawing and unbonding, the voter list's bound.

use crate::{mock::*, *};
use frame_support::{
	assert_noop, assert_ok,
	traits::{
		fungible::{Inspect, Mutate},
		tokens::Preservation,
	},
};
use sp_runtime::{DispatchError, TokenError};

#[test]
fn a_vote_locks_exactly_its_spb_and_backs_each_candidate() {
	test(|| {
		assert_ok!(vote(1, &[(11, 100), (12, 50)]));
		assert_eq!(held(1), 150 * SPB);
		assert_eq!(backing(11), 100);
		assert_eq!(backing(12), 50);
		assert_eq!(VoterList::<Test>::get().into_inner(), vec![(150 * SPB, 1)]);
		assert_eq!(
			events().last(),
			Some(&Event::Voted { voter: 1, total: 150 * SPB, candidates: 2 })
		);
		// The locked SPB stay in the account, on hold, but cannot leave it.
		assert_eq!(<Balances as Inspect<_>>::total_balance(&1), FUNDS);
		assert_eq!(Balances::free_balance(1), FUNDS - 150 * SPB);
		assert_noop!(
			<Balances as Mutate<_>>::transfer(&1, &2, FUNDS - 100 * SPB, Preservation::Preserve),
			TokenError::FundsUnavailable
		);
		assert_ok!(<Balances as Mutate<_>>::transfer(
			&1,
			&2,
			FUNDS - 150 * SPB - ED,
			Preservation::Preserve
		));
	});
}

#[test]
fn a_bad_vote_is_refused_and_changes_nothing() {
	test(|| {
		set_candidate(13, false, false);
		assert_noop!(
			BillingElections::vote(RuntimeOrigin::signed(1), Default::default()),
			Error::<Test>::NoCandidates
		);
		assert_noop!(vote(1, &[(99, 100)]), Error::<Test>::NotACandidate);
		assert_noop!(vote(1, &[(12, 100), (99, 100)]), Error::<Test>::NotACandidate);
		assert_noop!(vote(1, &[(11, 50), (13, 50)]), Error::<Test>::NotACandidate);
		assert_noop!(vote(1, &[(11, 50), (11, 50)]), Error::<Test>::DuplicateCandidate);
		assert_noop!(vote(1, &[(11, 50), (12, 0)]), Error::<Test>::ZeroVote);
		assert_noop!(vote(1, &[(11, 5), (12, 4)]), Error::<Test>::VoteTooSmall);
		assert_noop!(vote(1, &[(11, 600), (12, 401)]), Error::<Test>::InsufficientBalance);
		assert_noop!(
			BillingElections::vote(
				RuntimeOrigin::signed(1),
				vec![(11, u128::MAX), (12, 1)].try_into().unwrap()
			),
			Error::<Test>::Overflow
		);
		assert_noop!(BillingElections::unvote(RuntimeOrigin::signed(1)), Error::<Test>::NotVoting);
		assert_noop!(vote(1, &[(11, 1_001)]), Error::<Test>::InsufficientBalance);
		// A suspended candidate (registered, not eligible) may still be voted for.
		set_candidate(14, false, true);
		assert_ok!(vote(1, &[(14, 100)]));
	});
}

#[test]
fn a_smaller_vote_unbonds_the_difference_and_a_larger_takes_it_back_first() {
	test(|| {
		assert_ok!(vote(1, &[(11, 600), (12, 300)]));
		assert_ok!(vote(1, &[(13, 200)]));
		// The old candidates lose the old vote; 700 SPB unbond.
		assert_eq!((backing(11), backing(12)), (0, 0));
		assert!(!Backing::<Test>::contains_key(11, 0), "no empty entry is kept");
		assert_eq!(backing(13), 200);
		assert_eq!(BillingElections::unbonding_of(&1), 700 * SPB);
		assert_eq!(held(1), 900 * SPB);
		assert_eq!(VoterList::<Test>::get().into_inner(), vec![(200 * SPB, 1)]);
		// A larger vote takes the unbonding SPB back first (newest first): all of the 1 000
		// may vote again, no more.
		assert_ok!(vote(1, &[(13, 500)]));
		assert_eq!(BillingElections::unbonding_of(&1), 400 * SPB);
		assert_eq!(held(1), 900 * SPB);
		// All but the existential deposit, which stays free.
		assert_noop!(vote(1, &[(13, 1_000)]), Error::<Test>::InsufficientBalance);
		assert_ok!(vote(1, &[(13, 999)]));
		assert_eq!(BillingElections::unbonding_of(&1), 0);
		assert!(!Unbonding::<Test>::contains_key(1));
		assert_eq!(held(1), 999 * SPB);
	});
}

#[test]
fn withdrawn_votes_unlock_only_after_the_unbonding_period() {
	test(|| {
		assert_ok!(vote(1, &[(11, 100), (12, 50)]));
		assert_ok!(vote(2, &[(11, 30)]));
		run_to(3);
		assert_ok!(BillingElections::unvote(RuntimeOrigin::signed(1)));
		assert_eq!(events().last(), Some(&Event::Unvoted { voter: 1, amount: 150 * SPB }));
		assert!(Votes::<Test>::get(1).is_none());
		assert_eq!(backing(11), 30);
		assert!(!Backing::<Test>::contains_key(12, 1));
		assert_eq!(VoterList::<Test>::get().into_inner(), vec![(30 * SPB, 2)]);
		assert_eq!(held(1), 150 * SPB, "still locked while unbonding");
		run_to(3 + UNBONDING - 1);
		assert_noop!(
			BillingElections::withdraw_unbonded(RuntimeOrigin::signed(1)),
			Error::<Test>::NothingToWithdraw
		);
		run_to(3 + UNBONDING);
		assert_ok!(BillingElections::withdraw_unbonded(RuntimeOrigin::signed(1)));
		assert_eq!(held(1), 0);
		assert!(!Unbonding::<Test>::contains_key(1));
		assert_eq!(events().last(), Some(&Event::Withdrawn { voter: 1, amount: 150 * SPB }));
		assert_ok!(<Balances as Mutate<_>>::transfer(&1, &3, FUNDS, Preservation::Expendable));
	});
}

#[test]
fn unbonding_chunks_beyond_the_bound_join_the_last_one() {
	test(|| {
		assert_ok!(vote(1, &[(11, 500)]));
		assert_ok!(vote(1, &[(11, 400)]));
		// Unbonding again in the same block joins the chunk.
		assert_ok!(vote(1, &[(11, 300)]));
		run_to(2);
		assert_ok!(vote(1, &[(11, 200)]));
		run_to(4);
		// Every chunk in use: this one joins the last, whose unlock moves later.
		assert_ok!(vote(1, &[(11, 100)]));
		let chunks = Unbonding::<Test>::get(1).into_inner();
		assert_eq!(
			chunks,
			vec![
				UnbondingChunk { amount: 200 * SPB, unlock_at: 1 + UNBONDING },
				UnbondingChunk { amount: 200 * SPB, unlock_at: 4 + UNBONDING },
			]
		);
		assert_eq!(held(1), 500 * SPB);
		run_to(1 + UNBONDING);
		assert_ok!(BillingElections::withdraw_unbonded(RuntimeOrigin::signed(1)));
		assert_eq!(held(1), 300 * SPB);
	});
}

/// The voter list cannot be filled with dust to keep voters out: a larger vote displaces the
/// smallest, whose SPB unbond.
#[test]
fn a_full_voter_list_takes_a_larger_vote_in_place_of_the_smallest() {
	test(|| {
		for (voter, amount) in (1..=5).zip([10u128, 20, 30, 40, 50]) {
			assert_ok!(vote(voter, &[(11, amount)]));
		}
		assert_eq!(backing(11), 150);
		assert_noop!(vote(6, &[(12, 10)]), Error::<Test>::VoterListFull);
		assert_ok!(vote(6, &[(12, 11)]));
		assert!(Votes::<Test>::get(1).is_none());
		assert_eq!(backing(11), 140);
		assert_eq!(backing(12), 11);
		assert_eq!(BillingElections::unbonding_of(&1), 10 * SPB);
		assert_eq!(held(1), 10 * SPB);
		assert!(events().contains(&Event::VoteDisplaced { voter: 1, amount: 10 * SPB }));
		let list: Vec<_> = VoterList::<Test>::get().iter().map(|(_, v)| *v).collect();
		assert_eq!(list, vec![6, 2, 3, 4, 5]);
		// A voter already listed changes its vote freely, even to the smallest.
		assert_ok!(vote(5, &[(11, 10)]));
		assert_eq!(VoterList::<Test>::get().first(), Some(&(10 * SPB, 5)));
		assert_eq!(VoterList::<Test>::get().len(), 5);
	});
}

#[test]
fn only_signed_accounts_vote() {
	test(|| {
		assert_noop!(
			BillingElections::vote(RuntimeOrigin::root(), vec![(11, MIN_VOTE)].try_into().unwrap()),
			DispatchError::BadOrigin
		);
	});
}

/// Votes go to a candidate's registration: one that leaves and registers again starts
/// without them (an evicted equivocator is not re-elected by yesterday's votes).
#[test]
fn votes_do_not_follow_a_candidate_that_registers_again() {
	test_with(ElectionMethod::TopByStake, || {
		assert_ok!(vote(1, &[(13, 100), (14, 100)]));
		assert_eq!(backing(13), 100);
		re_register(13, 42);
		assert_eq!(backing(13), 0, "the new registration has no votes");
		assert_eq!(Backing::<Test>::get(13, 2), 100 * SPB, "the old one keeps them");
		run_to(ERA);
		// Only 14 has votes now: too few to elect, the set is kept, and 13 ranks unvoted.
		assert_eq!(set_accounts(), vec![11, 12]);
		let ranked: Vec<_> =
			Backups::<Test>::get().iter().map(|r| (r.account, r.registration, r.backing)).collect();
		assert_eq!(ranked[0], (14, 3, 100 * SPB));
		assert!(ranked.iter().all(|(who, _, backing)| *who != 13 || *backing == 0));
		// The voter's vote is unchanged and may be withdrawn as usual.
		assert_ok!(BillingElections::unvote(RuntimeOrigin::signed(1)));
		assert!(!Backing::<Test>::contains_key(13, 2));
	});
}

/// A candidate standing backed by its own SPB (the registry's backed registration) votes for
/// itself, locked and counted as any vote; one that votes already is refused rather than have
/// its vote replaced, and the vote's checks hold.
#[test]
fn a_candidate_backs_itself_with_a_vote_of_its_own() {
	test(|| {
		add_candidate(2, 100);
		assert_noop!(BillingElections::back_self(&2, MIN_VOTE - 1), Error::<Test>::VoteTooSmall);
		assert_noop!(
			BillingElections::back_self(&2, FUNDS + 1),
			Error::<Test>::InsufficientBalance
		);
		assert_ok!(BillingElections::back_self(&2, 50 * SPB));
		assert_eq!(backing(2), 50);
		assert_eq!(held(2), 50 * SPB);
		assert_noop!(BillingElections::back_self(&2, 60 * SPB), Error::<Test>::AlreadyVoting);
		// A voter that then stands keeps its vote: refused.
		assert_ok!(vote(1, &[(11, 20)]));
		add_candidate(1, 101);
		assert_noop!(BillingElections::back_self(&1, 60 * SPB), Error::<Test>::AlreadyVoting);
		assert_eq!(backing(11), 20);
	});
}

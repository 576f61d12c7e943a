//! The community pre-election: sign-ups, support, the list and its best supported.

use crate::{mock::*, *};
use frame_support::{assert_noop, assert_ok};

/// A sign-up holds its deposit; support holds its SPB and ranks the sign-ups that reach the
/// threshold on the list, best supported first (the earlier sign-up among equals).
#[test]
fn support_at_the_threshold_puts_a_sign_up_on_the_list() {
	test(|| {
		assert_noop!(Committee::sign_up(RuntimeOrigin::signed(1)), Error::<Test>::NotNominating);
		run_to(FIRST);
		for who in [1, 2, 3] {
			assert_ok!(Committee::sign_up(RuntimeOrigin::signed(who)));
		}
		assert_noop!(Committee::sign_up(RuntimeOrigin::signed(1)), Error::<Test>::AlreadySignedUp);
		assert_eq!(Committee::held_of(&1), SIGN_UP_DEPOSIT);
		// Only sign-ups may be supported, each once, with at least the smallest vote.
		assert_noop!(support(10, &[(4, 50)]), Error::<Test>::NotOnTheBallot);
		assert_noop!(support(10, &[(1, 50), (1, 50)]), Error::<Test>::Duplicate);
		assert_noop!(support(10, &[(1, 5)]), Error::<Test>::TooSmall);
		assert_noop!(support(10, &[(1, 0), (2, 20)]), Error::<Test>::ZeroAmount);
		assert_noop!(support(10, &[]), Error::<Test>::NothingChosen);
		assert_noop!(support(10, &[(1, 10_000)]), Error::<Test>::InsufficientBalance);
		// 90 SPB: below the threshold, off the list.
		assert_ok!(support(10, &[(1, 90), (2, 100)]));
		assert_eq!(Committee::held_of(&10), 190 * SPB);
		assert_eq!(list(), vec![2]);
		// Equal support: the earlier sign-up first.
		assert_ok!(support(11, &[(1, 10)]));
		assert_eq!(list(), vec![1, 2]);
		assert_ok!(support(12, &[(3, 150)]));
		assert_eq!(list(), vec![3, 1, 2]);
		// Changing support moves it: 3 loses 150, 1 gains.
		assert_ok!(support(12, &[(1, 150)]));
		assert_eq!(list(), vec![1, 2]);
		assert_eq!(SignUps::<Test>::get(1, 1), Some((250 * SPB, 1)));
		// Withdrawn while the nominations are open: released at once.
		assert_ok!(Committee::withdraw(RuntimeOrigin::signed(12)));
		assert_eq!(Committee::held_of(&12), 0);
		assert_eq!(list(), vec![1, 2]);
		assert_noop!(
			Committee::withdraw(RuntimeOrigin::signed(12)),
			Error::<Test>::NothingToWithdraw
		);
	});
}

/// The list holds at most `MaxSignUps`: a better supported sign-up drops the least supported,
/// which comes back when its support next ranks it. The best supported `PreElected` become
/// candidates when the nominations close, unless nominated already.
#[test]
fn the_best_supported_on_the_list_become_candidates() {
	test(|| {
		run_to(FIRST);
		for who in [1, 2, 3, 4, 5] {
			assert_ok!(Committee::sign_up(RuntimeOrigin::signed(who)));
		}
		assert_ok!(support(10, &[(1, 400), (2, 300), (3, 200), (4, 100)]));
		assert_eq!(list(), vec![1, 2, 3]);
		assert_ok!(support(11, &[(4, 150)]));
		assert_eq!(list(), vec![1, 2, 4], "3 dropped");
		assert_ok!(support(12, &[(3, 150)]));
		assert_eq!(list(), vec![1, 3, 2], "3 is back");
		// 1 is nominated by a billing peer: the pre-election's two places go to 3 and 2.
		assert_ok!(Committee::nominate(RuntimeOrigin::signed(101), 1));
		run_to(nominations_close());
		assert_eq!(candidates(), vec![1, 3, 2]);
		assert_eq!(Candidates::<Test>::get()[1].nominator, Nominator::PreElection, "pre-elected");
		assert!(events().contains(&Event::VotingStarted { round: 1, candidates: 3 }));
		// Support is closed now, and stays held until the election completes.
		assert_noop!(support(13, &[(5, 100)]), Error::<Test>::NotNominating);
		assert_noop!(
			Committee::withdraw(RuntimeOrigin::signed(10)),
			Error::<Test>::NothingToWithdraw
		);
		assert_eq!(Committee::held_of(&10), 1_000 * SPB);
	});
}

/// Issue 17's review: re-placing sign-ups one by one let a withdrawal order the list at will
/// (a sign-up re-placed before a briefly top-supported one, whose support was already gone,
/// took its place). The list is ranked again as a whole after every change.
#[test]
fn a_withdrawal_cannot_order_the_list() {
	test(|| {
		run_to(FIRST);
		for who in [1, 2, 3] {
			assert_ok!(Committee::sign_up(RuntimeOrigin::signed(who)));
		}
		// 1 is an honest sign-up with 500; 2 has the bare threshold.
		assert_ok!(support(10, &[(1, 500)]));
		assert_ok!(support(11, &[(2, 100)]));
		assert_eq!(list(), vec![1, 2]);
		// The attacker briefly puts 3 on top alongside a touch of 2, then withdraws.
		assert_ok!(support(12, &[(2, 10), (3, 600)]));
		assert_eq!(list(), vec![3, 1, 2]);
		assert_ok!(Committee::withdraw(RuntimeOrigin::signed(12)));
		assert_eq!(list(), vec![1, 2], "2 ranks by its own support, below 1");
		assert_eq!(
			PreElectionList::<Test>::get().into_inner(),
			vec![(1, 500 * SPB, 1), (2, 100 * SPB, 2)]
		);
	});
}

//! The public vote: held SPB, tallies, changes and withdrawals.

use crate::{mock::*, *};
use frame_support::{
	assert_noop, assert_ok,
	traits::{fungible::Mutate, tokens::Preservation},
};
use sp_runtime::TokenError;

fn ballot_of_three() {
	run_to(FIRST);
	assert_ok!(Committee::nominate(RuntimeOrigin::signed(101), 1));
	assert_ok!(Committee::nominate(RuntimeOrigin::signed(102), 2));
	assert_ok!(Committee::nominate_as_foundation(RuntimeOrigin::root(), 3));
	run_to(nominations_close());
}

fn votes() -> Vec<(AccountId, u128)> {
	Candidates::<Test>::get().iter().map(|c| (c.who, c.votes / SPB)).collect()
}

/// A vote names candidates only, holds its SPB (which cannot leave the account), and moves the
/// tallies when changed or withdrawn.
#[test]
fn a_vote_holds_its_spb_and_counts_for_the_candidates() {
	test(|| {
		run_to(FIRST);
		assert_noop!(vote(10, &[(1, 50)]), Error::<Test>::NotVoting);
		assert_ok!(Committee::nominate(RuntimeOrigin::signed(101), 1));
		assert_ok!(Committee::nominate(RuntimeOrigin::signed(102), 2));
		assert_ok!(Committee::nominate_as_foundation(RuntimeOrigin::root(), 3));
		run_to(nominations_close());
		assert_noop!(vote(10, &[(4, 50)]), Error::<Test>::NotOnTheBallot);
		assert_noop!(vote(10, &[(1, 10_000)]), Error::<Test>::InsufficientBalance);
		assert_ok!(vote(10, &[(1, 600), (2, 300)]));
		assert!(events().contains(&Event::Voted { who: 10, total: 900 * SPB }));
		assert_eq!(votes(), vec![(1, 600), (2, 300), (3, 0)]);
		assert_eq!(Committee::held_of(&10), 900 * SPB);
		assert_noop!(
			<Balances as Mutate<_>>::transfer(&10, &11, FUNDS - 800 * SPB, Preservation::Preserve),
			TokenError::FundsUnavailable
		);
		assert_ok!(vote(10, &[(3, 100)]));
		assert_eq!(votes(), vec![(1, 0), (2, 0), (3, 100)]);
		assert_eq!(Committee::held_of(&10), 100 * SPB);
		assert_ok!(Committee::withdraw(RuntimeOrigin::signed(10)));
		assert!(events().contains(&Event::Withdrawn { who: 10, amount: 100 * SPB }));
		assert_eq!(votes(), vec![(1, 0), (2, 0), (3, 0)]);
		assert_eq!(Committee::held_of(&10), 0);
		assert!(Ballots::<Test>::get(1, 10).is_none());
	});
}

/// A voter may have supported sign-ups and signed up itself: its ballot holds all of it, and a
/// vote adds to the hold.
#[test]
fn a_ballot_holds_sign_up_support_and_vote_together() {
	test(|| {
		run_to(FIRST);
		assert_ok!(Committee::sign_up(RuntimeOrigin::signed(10)));
		assert_ok!(support(10, &[(10, 100)]));
		ballot_of_three();
		assert_ok!(vote(10, &[(1, 50)]));
		assert_eq!(Committee::held_of(&10), SIGN_UP_DEPOSIT + 150 * SPB);
		let ballot = Ballots::<Test>::get(1, 10).unwrap();
		assert_eq!(ballot.held(), SIGN_UP_DEPOSIT + 150 * SPB);
	});
}

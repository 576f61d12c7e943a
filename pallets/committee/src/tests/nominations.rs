//! Nominations: billing peers, the foundation and the top DApps, each within its quota.

use crate::{mock::*, *};
use frame_support::{assert_noop, assert_ok};
use sp_runtime::DispatchError;

#[test]
fn nominations_open_at_the_first_election_and_close_after_their_phase() {
	test(|| {
		assert_eq!(Phase::<Test>::get(), Some(ElectionPhase::Waiting { starts_at: FIRST }));
		assert_noop!(
			Committee::nominate(RuntimeOrigin::signed(101), 1),
			Error::<Test>::NotNominating
		);
		run_to(FIRST);
		assert_eq!(nominations_close(), FIRST + NOMINATING);
		assert!(events().contains(&Event::ElectionStarted { round: 1 }));
		assert_ok!(Committee::nominate(RuntimeOrigin::signed(101), 1));
		run_to(FIRST + NOMINATING);
		assert_eq!(votes_counted(), FIRST + NOMINATING + VOTING);
		assert_noop!(
			Committee::nominate(RuntimeOrigin::signed(102), 2),
			Error::<Test>::NotNominating
		);
	});
}

/// Each billing peer in the set and each top DApp nominates one candidate; the foundation its
/// quota; nobody else; a candidate is on the ballot once.
#[test]
fn each_nominator_nominates_within_its_quota() {
	test(|| {
		run_to(FIRST);
		assert_ok!(Committee::nominate(RuntimeOrigin::signed(101), 1));
		assert!(events()
			.contains(&Event::Nominated { candidate: 1, nominator: Nominator::BillingPeer(101) }));
		assert_noop!(
			Committee::nominate(RuntimeOrigin::signed(101), 2),
			Error::<Test>::NominationsUsed
		);
		assert_noop!(
			Committee::nominate(RuntimeOrigin::signed(102), 1),
			Error::<Test>::AlreadyCandidate
		);
		assert_ok!(Committee::nominate(RuntimeOrigin::signed(102), 2));
		// The top two DApps nominate; the third does not rank.
		assert_ok!(Committee::nominate(RuntimeOrigin::signed(201), 3));
		assert_ok!(Committee::nominate(RuntimeOrigin::signed(202), 4));
		assert_noop!(
			Committee::nominate(RuntimeOrigin::signed(203), 5),
			Error::<Test>::NotANominator
		);
		assert_noop!(
			Committee::nominate(RuntimeOrigin::signed(7), 5),
			Error::<Test>::NotANominator
		);
		// A billing peer that left the set no longer nominates.
		BillingPeerSet::set(vec![101, 102]);
		assert_noop!(
			Committee::nominate(RuntimeOrigin::signed(103), 5),
			Error::<Test>::NotANominator
		);
		// The foundation: its origin only, two in the mock.
		assert_noop!(
			Committee::nominate_as_foundation(RuntimeOrigin::signed(7), 5),
			DispatchError::BadOrigin
		);
		assert_ok!(Committee::nominate_as_foundation(RuntimeOrigin::root(), 5));
		assert_ok!(Committee::nominate_as_foundation(RuntimeOrigin::root(), 6));
		assert_noop!(
			Committee::nominate_as_foundation(RuntimeOrigin::root(), 7),
			Error::<Test>::NominationsUsed
		);
		assert_eq!(candidates(), vec![1, 2, 3, 4, 5, 6]);
		assert!(Candidates::<Test>::get().iter().all(|c| c.votes == 0));
	});
}

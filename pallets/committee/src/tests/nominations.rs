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

/// Issue 17's review: who may nominate is taken when the election starts. A billing peer
/// elected, or a DApp ranked, during the nominations gets no nomination of its own (else each
/// era's newcomers, or DApps buying traffic in turn, would fill every place); one that left
/// keeps its nomination.
#[test]
fn the_nominators_are_those_of_the_election_start() {
	test(|| {
		run_to(FIRST);
		assert_eq!(
			Nominators::<Test>::get().into_inner(),
			vec![
				Nominator::BillingPeer(101),
				Nominator::BillingPeer(102),
				Nominator::BillingPeer(103),
				Nominator::DApp(201),
				Nominator::DApp(202)
			]
		);
		BillingPeerSet::set(vec![104, 105, 106]);
		// Bills paid now count for the next election.
		Committee::note_paid_traffic(&203, 5_000);
		Committee::note_paid_traffic(&204, 4_000);
		for newcomer in [104, 203] {
			assert_noop!(
				Committee::nominate(RuntimeOrigin::signed(newcomer), 1),
				Error::<Test>::NotANominator
			);
		}
		assert_ok!(Committee::nominate(RuntimeOrigin::signed(103), 1));
		assert_ok!(Committee::nominate(RuntimeOrigin::signed(201), 2));
		assert_noop!(
			Committee::nominate(RuntimeOrigin::signed(201), 3),
			Error::<Test>::NominationsUsed
		);
		// The next election takes the nominators of its own start.
		run_to(nominations_close());
		run_to(votes_counted());
		assert!(Nominators::<Test>::get().is_empty());
		run_to(FIRST + TERM);
		assert_ok!(Committee::nominate(RuntimeOrigin::signed(104), 1));
		assert_ok!(Committee::nominate(RuntimeOrigin::signed(203), 2));
		assert_noop!(
			Committee::nominate(RuntimeOrigin::signed(201), 3),
			Error::<Test>::NotANominator
		);
	});
}

/// The billing peers nominate at most their quota even when the set is larger (a set of
/// more than 21 cannot happen on production; the quota holds all the same).
#[test]
fn more_billing_peers_than_their_quota_nominate_only_the_quota() {
	test(|| {
		BillingPeerSet::set(vec![101, 102, 103, 104]);
		run_to(FIRST);
		for (peer, candidate) in [(101, 1), (102, 2), (103, 3)] {
			assert_ok!(Committee::nominate(RuntimeOrigin::signed(peer), candidate));
		}
		assert_noop!(
			Committee::nominate(RuntimeOrigin::signed(104), 4),
			Error::<Test>::NotANominator
		);
	});
}

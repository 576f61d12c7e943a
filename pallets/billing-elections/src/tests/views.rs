//! The runtime API's views: the election, the candidates, a voter, the projection.

use crate::{mock::*, *};
use frame_support::assert_ok;
use spacebook_billing_elections_primitives::Seat;

/// The projection is what the next era then does, by either method, with the turnover budget.
#[test]
fn the_projection_is_what_the_next_election_decides() {
	for method in [ElectionMethod::TopByStake, ElectionMethod::Phragmen] {
		test_with(method, || {
			assert_ok!(vote(1, &[(11, 175), (12, 175), (13, 175), (14, 175)]));
			assert_ok!(vote(2, &[(15, 150), (16, 150)]));
			for era in 1..=3 {
				// The projection counts probation as it stands: nobody packs the era's block.
				run_to(era * ERA - 1);
				set_packing(false);
				let projection = BillingElections::projection();
				run_to(era * ERA);
				set_packing(true);
				let seated: Vec<AccountId> =
					projection.billing_peers.iter().map(|(who, _)| *who).collect();
				let mut elected =
					Gosig::authorities().iter().map(|k| k - KEY_OFFSET).collect::<Vec<_>>();
				assert_eq!(seated, elected, "{method:?}, era {era}");
				let backups: Vec<(AccountId, u128)> =
					Backups::<Test>::get().iter().map(|r| (r.account, r.backing)).collect();
				assert_eq!(projection.backups, backups, "{method:?}, era {era}");
				let outcome = LastOutcome::<Test>::get().unwrap();
				assert_eq!(
					(projection.newcomers, projection.deferred, projection.kept),
					(outcome.newcomers, outcome.deferred, false)
				);
				elected.sort();
				assert!(elected.len() <= MAX_ELECTED as usize);
			}
		});
	}
}

#[test]
fn a_projection_with_too_few_electable_keeps_the_set() {
	test(|| {
		assert_ok!(vote(1, &[(13, 100)]));
		let projection = BillingElections::projection();
		assert!(projection.kept);
		assert_eq!(
			projection.billing_peers.iter().map(|(w, _)| *w).collect::<Vec<_>>(),
			vec![11, 12]
		);
		assert_eq!(projection.backups[0], (13, 100 * SPB));
		run_to(ERA);
		assert_eq!(set_accounts(), vec![11, 12]);
	});
}

#[test]
fn the_election_and_candidate_views_show_the_set_the_backups_and_the_ranks() {
	test_with(ElectionMethod::TopByStake, || {
		assert_ok!(vote(1, &[(11, 100), (12, 100), (13, 100)]));
		assert_ok!(vote(2, &[(14, 100), (15, 60), (16, 50)]));
		assert_ok!(BillingElections::set_regional_partner(RuntimeOrigin::root(), 16, true));
		run_to(ERA);
		let view = BillingElections::election_view();
		assert_eq!((view.era, view.era_start, view.era_length), (1, ERA, ERA));
		assert_eq!(view.next_election_at, 2 * ERA);
		assert_eq!(view.method, ElectionMethod::TopByStake);
		assert_eq!(
			view.billing_peers,
			vec![
				(11 + KEY_OFFSET, Some(11)),
				(12 + KEY_OFFSET, Some(12)),
				(13 + KEY_OFFSET, Some(13))
			]
		);
		assert_eq!(view.backups, vec![(14, 100 * SPB), (15, 60 * SPB), (16, 50 * SPB)]);
		assert_eq!(view.on_probation, (1, 1), "13 came in and has not packed yet");
		assert_eq!(view.voters, (2, MAX_VOTERS));
		assert_eq!((view.min_vote, view.min_backing), (MIN_VOTE, MIN_VOTE));
		assert_eq!(view.last_outcome, LastOutcome::<Test>::get());

		let candidates = BillingElections::candidates_view();
		let find = |who| candidates.iter().find(|c| c.account == who).unwrap().clone();
		// Most backed first, ties by registration.
		assert_eq!(
			candidates.iter().map(|c| c.account).collect::<Vec<_>>(),
			vec![11, 12, 13, 14, 15, 16]
		);
		assert_eq!(find(12).seat, Seat::BillingPeer(1));
		assert_eq!(find(15).seat, Seat::Backup(2));
		assert!(find(16).regional_partner && !find(15).regional_partner);
		assert_eq!(
			(find(14).backing, find(14).key, find(14).registration),
			(100 * SPB, 14 + KEY_OFFSET, 3)
		);
		// Counted now, 14 would join (the budget is fresh at the election): rank 4.
		assert_eq!(find(14).projected_rank, Some(4));
		assert_eq!(find(16).projected_rank, Some(6));
		// A suspended candidate is not shown.
		set_candidate(16, false, true);
		assert!(BillingElections::candidates_view().iter().all(|c| c.account != 16));
	});
}

#[test]
fn the_voter_view_shows_votes_unbonding_and_locks() {
	test(|| {
		assert_ok!(vote(1, &[(13, 100), (14, 50)]));
		let view = BillingElections::voter_view(&1);
		assert_eq!(view.votes, vec![(13, 100 * SPB, true), (14, 50 * SPB, true)]);
		assert_eq!((view.locked, view.withdrawable, view.listed), (150 * SPB, 0, true));
		// 14 leaves and registers again: the old vote backs nobody.
		add_candidate(14, 99);
		assert_eq!(BillingElections::voter_view(&1).votes[1], (14, 50 * SPB, false));
		// A smaller vote: 50 SPB unbond.
		assert_ok!(vote(1, &[(13, 100)]));
		let view = BillingElections::voter_view(&1);
		assert_eq!(view.unbonding, vec![(50 * SPB, 1 + UNBONDING)]);
		assert_eq!((view.locked, view.withdrawable), (150 * SPB, 0));
		run_to(1 + UNBONDING);
		assert_eq!(BillingElections::voter_view(&1).withdrawable, 50 * SPB);
		assert_ok!(BillingElections::unvote(RuntimeOrigin::signed(1)));
		let view = BillingElections::voter_view(&1);
		assert!(view.votes.is_empty() && !view.listed);
		assert_eq!(view.locked, 150 * SPB, "all of it unbonding");
		// Nobody's view is empty.
		let nobody = BillingElections::voter_view(&42);
		assert!(nobody.votes.is_empty() && nobody.unbonding.is_empty() && nobody.locked == 0);
	});
}

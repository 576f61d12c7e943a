//! Eras: the decision methods, ties, the bounds and the set change.

use crate::{mock::*, *};
use frame_support::{assert_noop, assert_ok};
use sp_runtime::{DispatchError, Perbill};

fn elected_in_rank_order() -> Vec<AccountId> {
	Gosig::authorities().iter().map(|k| k - KEY_OFFSET).collect()
}

fn backups() -> Vec<(AccountId, u128)> {
	Backups::<Test>::get().iter().map(|r| (r.account, r.backing / SPB)).collect()
}

/// By stake, a voter with most of the SPB takes every seat: what Phragmén prevents.
#[test]
fn by_stake_the_most_backed_candidates_are_elected_and_the_rest_ranked() {
	test_with(ElectionMethod::TopByStake, || {
		// A whale (700 SPB over four candidates) and a minority (300 over two).
		assert_ok!(vote(1, &[(11, 175), (12, 175), (13, 175), (14, 175)]));
		assert_ok!(vote(2, &[(15, 150), (16, 150)]));
		run_to(ERA - 1);
		assert_eq!(set_accounts(), vec![11, 12], "nothing changes before the era ends");
		run_to(ERA);
		// One newcomer an era into a set of two to four: 14 waits at the head of the backups.
		assert_eq!(elected_in_rank_order(), vec![11, 12, 13]);
		assert_eq!(backups(), vec![(14, 175), (15, 150), (16, 150)]);
		let outcome = LastOutcome::<Test>::get().unwrap();
		assert_eq!((outcome.elected, outcome.newcomers, outcome.deferred), (3, 1, 1));
		run_to(2 * ERA);
		assert_eq!(elected_in_rank_order(), vec![11, 12, 13, 14]);
		assert_eq!(backups(), vec![(15, 150), (16, 150)]);
		let outcome = EraOutcome {
			era: 2,
			method: ElectionMethod::TopByStake,
			elected: 4,
			newcomers: 1,
			deferred: 0,
			backups: 2,
			changed: true,
		};
		assert_eq!(LastOutcome::<Test>::get(), Some(outcome));
		assert!(events().contains(&Event::NewEra { outcome }));
		assert_eq!((CurrentEra::<Test>::get(), EraStart::<Test>::get()), (2, 2 * ERA));
	});
}

/// Sequential Phragmén represents the minority in proportion to its stake: 30 % of the SPB
/// takes one of four seats (worked by hand in `docs/billing.md`).
#[test]
fn phragmen_gives_a_minority_its_proportional_seat() {
	test(|| {
		assert_ok!(vote(1, &[(11, 175), (12, 175), (13, 175), (14, 175)]));
		assert_ok!(vote(2, &[(15, 150), (16, 150)]));
		run_to(ERA);
		assert_eq!(elected_in_rank_order(), vec![11, 12, 15], "one newcomer an era");
		run_to(2 * ERA);
		// Elected in the algorithm's order: 11, 12, then the minority's 15, then 13.
		assert_eq!(elected_in_rank_order(), vec![11, 12, 15, 13]);
		assert_eq!(backups(), vec![(14, 175), (16, 150)]);
		assert_eq!(LastOutcome::<Test>::get().map(|o| o.method), Some(ElectionMethod::Phragmen));
	});
}

/// Exact ties go to a regional partner, then to the older registration, by either method.
#[test]
fn ties_go_to_regional_partners_then_to_older_registrations() {
	for method in [ElectionMethod::TopByStake, ElectionMethod::Phragmen] {
		test_with(method, || {
			// One voter per candidate; 14 and 15 tie for the last seat.
			for (voter, (candidate, amount)) in
				(1..).zip([(11, 100), (12, 90), (13, 80), (15, 50), (14, 50)])
			{
				assert_ok!(vote(voter, &[(candidate, amount)]));
			}
			// Two eras: one newcomer an era.
			run_to(2 * ERA);
			assert_eq!(set_accounts(), vec![11, 12, 13, 14], "{method:?}: 14 registered first");
			assert_eq!(backups()[0], (15, 50));
			assert_ok!(BillingElections::set_regional_partner(RuntimeOrigin::root(), 15, true));
			assert_eq!(
				events().last(),
				Some(&Event::RegionalPartnerSet { candidate: 15, partner: true })
			);
			run_to(3 * ERA);
			assert_eq!(set_accounts(), vec![11, 12, 13, 15], "{method:?}: the partner wins");
			assert_ok!(BillingElections::set_regional_partner(RuntimeOrigin::root(), 15, false));
			run_to(4 * ERA);
			assert_eq!(set_accounts(), vec![11, 12, 13, 14], "{method:?}: no longer a partner");
		});
	}
}

/// Only eligible candidates with votes are elected; the SPB given to others does not count
/// under Phragmén either.
#[test]
fn suspended_or_unvoted_candidates_are_not_elected() {
	for method in [ElectionMethod::TopByStake, ElectionMethod::Phragmen] {
		test_with(method, || {
			assert_ok!(vote(1, &[(11, 100), (13, 500)]));
			assert_ok!(vote(2, &[(12, 60)]));
			assert_ok!(vote(3, &[(14, 70)]));
			set_candidate(13, false, true);
			run_to(ERA);
			assert_eq!(set_accounts(), vec![11, 12, 14], "{method:?}");
			// The backups: unvoted candidates last; the suspended one is not ranked.
			assert_eq!(backups(), vec![(15, 0), (16, 0)], "{method:?}");
		});
	}
}

#[test]
fn fewer_electable_than_the_minimum_keeps_the_set() {
	test(|| {
		assert_ok!(vote(1, &[(13, 100)]));
		run_to(ERA);
		assert_eq!(set_accounts(), vec![11, 12]);
		assert_eq!(changes(), 0);
		assert!(events().contains(&Event::SetKept { era: 1, electable: 1 }));
		assert_eq!(CurrentEra::<Test>::get(), 1, "the era still advances");
		assert_eq!(LastOutcome::<Test>::get().map(|o| (o.elected, o.changed)), Some((0, false)));
	});
}

#[test]
fn the_same_billing_peers_elected_again_change_nothing() {
	test(|| {
		assert_ok!(vote(1, &[(12, 100), (11, 50)]));
		run_to(ERA);
		assert_eq!(changes(), 0, "the set is {{11, 12}} already");
		assert_eq!(LastOutcome::<Test>::get().map(|o| (o.elected, o.changed)), Some((2, false)));
	});
}

/// A block that cannot take a set change (another came first) leaves the era to the next
/// block, which elects.
#[test]
fn an_election_the_set_cannot_take_yet_is_tried_at_the_next_block() {
	test(|| {
		assert_ok!(vote(1, &[(13, 100), (14, 100)]));
		run_to(ERA - 1);
		System::set_block_number(ERA);
		block_set_change();
		use frame_support::traits::Hooks;
		BillingElections::on_initialize(ERA);
		assert_eq!(events().last(), Some(&Event::ChangeDeferred));
		assert_eq!(CurrentEra::<Test>::get(), 0);
		assert_eq!(set_accounts(), vec![11, 12]);
		run_to(ERA + 1);
		assert_eq!(set_accounts(), vec![11, 13], "one newcomer an era; 11 keeps its seat");
		assert_eq!((CurrentEra::<Test>::get(), EraStart::<Test>::get()), (1, ERA + 1));
	});
}

#[test]
fn the_genesis_sets_the_era_length_and_governance_the_method() {
	EraLengthParam::set(4);
	test(|| {
		assert_eq!(EraLength::<Test>::get(), 4);
		assert_ok!(vote(1, &[(13, 100), (14, 100)]));
		run_to(4);
		assert_eq!(set_accounts(), vec![11, 13], "one newcomer an era");
		assert_noop!(
			BillingElections::set_election_method(
				RuntimeOrigin::signed(1),
				ElectionMethod::TopByStake
			),
			DispatchError::BadOrigin
		);
		assert_noop!(
			BillingElections::set_regional_partner(RuntimeOrigin::signed(1), 13, true),
			DispatchError::BadOrigin
		);
		assert_ok!(BillingElections::set_election_method(
			RuntimeOrigin::root(),
			ElectionMethod::TopByStake
		));
		assert_eq!(
			events().last(),
			Some(&Event::ElectionMethodSet { method: ElectionMethod::TopByStake })
		);
		run_to(8);
		assert_eq!(LastOutcome::<Test>::get().map(|o| o.method), Some(ElectionMethod::TopByStake));
	});
}

#[test]
fn at_most_max_elected_and_max_backups() {
	test(|| {
		for c in 17..=22 {
			add_candidate(c, c);
		}
		// Twelve candidates with votes, from four voters (three candidates each).
		let all: Vec<AccountId> = (11..=22).collect();
		for (voter, chunk) in (1..).zip(all.chunks(3)) {
			let votes: Vec<(AccountId, u128)> =
				chunk.iter().map(|c| (*c, 10 + u128::from(*c))).collect();
			assert_ok!(vote(voter, &votes));
		}
		// The set grows by the turnover budget: 3 members at the first era, 4 at the second.
		run_to(2 * ERA);
		assert_eq!(Gosig::authorities().len(), MAX_ELECTED as usize);
		assert_eq!(Backups::<Test>::get().len(), MAX_BACKUPS as usize);
	});
}

/// A set Gosig refuses (it would only do so for a set it cannot hold) is kept for the era,
/// and the era still advances: eras do not stall on it.
#[test]
fn a_set_gosig_refuses_is_kept_for_the_era() {
	test(|| {
		assert_ok!(vote(1, &[(13, 100), (14, 90)]));
		refuse_sets(true);
		run_to(ERA);
		assert_eq!(set_accounts(), vec![11, 12]);
		assert!(events().contains(&Event::SetChangeFailed { era: 1 }));
		assert_eq!(CurrentEra::<Test>::get(), 1);
		assert_eq!(LastOutcome::<Test>::get().map(|o| (o.elected, o.changed)), Some((0, false)));
		// The would-be elected lead the backups.
		assert_eq!(backups()[..2], [(13, 100), (14, 90)]);
		refuse_sets(false);
		run_to(3 * ERA);
		assert_eq!(set_accounts(), vec![13, 14], "in two eras: one newcomer an era");
	});
}

/// Fewer electable than `MinElected` keeps the set only while the set has at least as many
/// eligible billing peers: a set whose members were all suspended gives way.
#[test]
fn a_set_of_suspended_billing_peers_gives_way_to_fewer_than_the_minimum() {
	test(|| {
		assert_ok!(vote(1, &[(13, 100)]));
		set_candidate(11, false, true);
		run_to(ERA);
		assert_eq!(set_accounts(), vec![11, 12], "12 is eligible: one against one, kept");
		set_candidate(12, false, true);
		run_to(2 * ERA);
		assert_eq!(set_accounts(), vec![13]);
	});
}

/// A seat needs `MinBacking` (10 SPB in the mock): a vote split into dust backs nobody enough,
/// under Phragmén (which would count the voter's whole stake for each) as by stake.
#[test]
fn dust_backing_wins_no_seat() {
	for method in [ElectionMethod::TopByStake, ElectionMethod::Phragmen] {
		test_with(method, || {
			assert_ok!(vote(1, &[(13, 5), (14, 5), (15, 5), (16, 5)]));
			assert_ok!(vote(2, &[(11, 10), (12, 10)]));
			run_to(ERA);
			assert_eq!(set_accounts(), vec![11, 12], "{method:?}");
			assert_eq!(LastOutcome::<Test>::get().map(|o| o.changed), Some(false));
		});
	}
}

/// The registry bar — what a candidate's backing must reach to keep its place in a full
/// candidate registry — is `MinBackingShare` of every SPB held for the elections, votes and
/// unbonding SPB alike, when that is more than `MinBacking`: withdrawing votes does not lower
/// it until the SPB have unbonded. Only the method origin sets the share, at most one in
/// `MaxElected` (a quarter in the mock). The share never changes who is elected: a seat is won
/// against the other candidates, with at least `MinBacking`.
#[test]
fn the_registry_bar_is_a_share_of_every_spb_held_for_the_elections() {
	for method in [ElectionMethod::TopByStake, ElectionMethod::Phragmen] {
		test_with(method, || {
			let fifth = Perbill::from_percent(20);
			assert_noop!(
				BillingElections::set_min_backing_share(RuntimeOrigin::signed(1), fifth),
				DispatchError::BadOrigin
			);
			assert_noop!(
				BillingElections::set_min_backing_share(
					RuntimeOrigin::root(),
					Perbill::from_percent(26)
				),
				Error::<Test>::ShareTooLarge
			);
			assert_eq!(BillingElections::registry_bar(), MIN_VOTE, "no votes: `MinBacking`");
			assert_ok!(BillingElections::set_min_backing_share(RuntimeOrigin::root(), fifth));
			assert_eq!(events().last(), Some(&Event::MinBackingShareSet { share: fifth }));
			// 300 SPB vote: the bar is a fifth, 60.
			assert_ok!(vote(1, &[(11, 100)]));
			assert_ok!(vote(2, &[(12, 100)]));
			assert_ok!(vote(3, &[(13, 40)]));
			assert_ok!(vote(4, &[(14, 60)]));
			assert_eq!(TotalLocked::<Test>::get(), 300 * SPB);
			assert_eq!(BillingElections::registry_bar(), 60 * SPB);
			assert_eq!(BillingElections::election_view().registry_bar, 60 * SPB);
			// Withdrawn SPB count while they unbond, not after.
			assert_ok!(BillingElections::unvote(RuntimeOrigin::signed(3)));
			assert_eq!(BillingElections::registry_bar(), 60 * SPB);
			System::set_block_number(System::block_number() + UNBONDING);
			assert_ok!(BillingElections::withdraw_unbonded(RuntimeOrigin::signed(3)));
			assert_eq!(BillingElections::registry_bar(), 52 * SPB);
			assert_ok!(vote(3, &[(13, 40)]));
			// The elections are the candidates' contest: 13, below the bar, is elected.
			run_to(ERA);
			run_to(2 * ERA);
			assert_eq!(set_accounts(), vec![11, 12, 13, 14], "{method:?}");
			assert_ok!(BillingElections::set_min_backing_share(
				RuntimeOrigin::root(),
				Perbill::zero()
			));
			assert_eq!(BillingElections::registry_bar(), MIN_VOTE);
		});
	}
}

//! Departed billing peers replaced by backups at the next block.

use crate::{mock::*, *};
use frame_support::{assert_ok, traits::Hooks};

/// The era from which the tests replace: the set of four is complete and the era's turnover
/// budget unspent.
const SETTLED: u64 = 3 * ERA;

/// Elect 11..=14 by stake, with 15 and 16 as backed backups (15 first). The set fills one
/// newcomer an era (the turnover budget of a set of two to four): 13 at the first era, 14 at
/// the second; the third elects the same set and leaves its budget for replacements.
fn elect_four_with_two_backups() {
	assert_ok!(vote(1, &[(11, 100), (12, 100), (13, 100)]));
	assert_ok!(vote(2, &[(14, 100), (15, 60), (16, 50)]));
	run_to(ERA);
	assert_eq!(set_accounts(), vec![11, 12, 13]);
	run_to(SETTLED);
	assert_eq!(set_accounts(), vec![11, 12, 13, 14]);
	assert!(OnProbation::<Test>::get().is_empty(), "14 has packed since it came in");
}

/// Candidate 17 appears, voter 3 backs it with 100 SPB, and it is ranked the last backup.
fn backed_backup_17() {
	add_candidate(17, 17);
	assert_ok!(vote(3, &[(17, 100)]));
	Backups::<Test>::mutate(|b| {
		b.try_push(Ranked { account: 17, registration: 17, backing: 100 * SPB }).unwrap()
	});
}

#[test]
fn a_departed_billing_peer_is_replaced_by_the_best_backup_at_the_next_block() {
	test_with(ElectionMethod::TopByStake, || {
		elect_four_with_two_backups();
		// 12 is evicted (the registry says it is leaving, and tells the pallet).
		set_candidate(12, false, false);
		BillingElections::note_departure(&12);
		BillingElections::note_departure(&12);
		assert_eq!(Departed::<Test>::get().into_inner(), vec![12 + KEY_OFFSET], "noted once");
		assert_eq!(set_accounts(), vec![11, 12, 13, 14], "not in the block it departed");
		run_to(SETTLED + 1);
		assert_eq!(set_accounts(), vec![11, 13, 14, 15]);
		assert!(events().contains(&Event::BillingPeersReplaced { removed: 1, added: 1 }));
		assert!(Departed::<Test>::get().is_empty());
		assert_eq!(
			Backups::<Test>::get().iter().map(|r| r.account).collect::<Vec<_>>(),
			vec![16],
			"the promoted backup is no longer a backup"
		);
	});
}

#[test]
fn a_departure_outside_the_set_changes_nothing() {
	test_with(ElectionMethod::TopByStake, || {
		elect_four_with_two_backups();
		set_candidate(15, false, false);
		BillingElections::note_departure(&15);
		BillingElections::note_departure(&99);
		assert!(Departed::<Test>::get().is_empty());
		let before = changes();
		run_to(SETTLED + 2);
		assert_eq!(changes(), before);
	});
}

/// An ineligible or unbacked backup is skipped; without a backup the set shrinks; a set is
/// never emptied.
#[test]
fn without_an_eligible_backup_the_set_shrinks_but_never_empties() {
	test_with(ElectionMethod::TopByStake, || {
		elect_four_with_two_backups();
		set_candidate(15, false, true);
		for peer in [11, 12] {
			set_candidate(peer, false, false);
			BillingElections::note_departure(&peer);
		}
		run_to(SETTLED + 1);
		// 15 is suspended: 16 takes one place, none is left for the other.
		assert_eq!(set_accounts(), vec![13, 14, 16]);
		assert!(events().contains(&Event::BillingPeersReplaced { removed: 2, added: 1 }));
		for peer in [13, 14, 16] {
			set_candidate(peer, false, false);
			BillingElections::note_departure(&peer);
		}
		let before = changes();
		run_to(SETTLED + 2);
		assert_eq!(set_accounts(), vec![13, 14, 16], "never an empty set");
		assert_eq!(changes(), before);
		assert_eq!(Departed::<Test>::get().len(), 3, "the departures wait for a backup");
		// A backup with votes appears: it alone replaces the three (at the next try).
		backed_backup_17();
		run_to(SETTLED + 2 + REPLACEMENT_RETRY);
		assert_eq!(set_accounts(), vec![17]);
		assert!(Departed::<Test>::get().is_empty());
	});
}

#[test]
fn a_replacement_the_set_cannot_take_yet_waits_for_the_next_block() {
	test_with(ElectionMethod::TopByStake, || {
		elect_four_with_two_backups();
		set_candidate(13, false, false);
		BillingElections::note_departure(&13);
		System::set_block_number(SETTLED + 1);
		block_set_change();
		BillingElections::on_initialize(SETTLED + 1);
		assert_eq!(set_accounts(), vec![11, 12, 13, 14]);
		assert_eq!(Departed::<Test>::get().len(), 1, "waiting for a block that can change");
		run_to(SETTLED + 2);
		assert_eq!(set_accounts(), vec![11, 12, 14, 15]);
	});
}

/// The era's election supersedes the pending replacements: the departed are not eligible.
#[test]
fn an_election_in_the_block_after_a_departure_replaces_it_too() {
	test_with(ElectionMethod::TopByStake, || {
		elect_four_with_two_backups();
		run_to(SETTLED + ERA - 1);
		set_candidate(11, false, false);
		BillingElections::note_departure(&11);
		run_to(SETTLED + ERA);
		assert_eq!(set_accounts(), vec![12, 13, 14, 15]);
		assert!(Departed::<Test>::get().is_empty());
	});
}

/// A backup is promoted on the votes it has now, not those it had at the era's election: SPB
/// moved to another candidate since do not count twice.
#[test]
fn a_backup_whose_votes_moved_away_is_skipped() {
	test_with(ElectionMethod::TopByStake, || {
		elect_four_with_two_backups();
		assert_ok!(vote(2, &[(14, 100), (16, 110)]));
		set_candidate(11, false, false);
		BillingElections::note_departure(&11);
		run_to(SETTLED + 1);
		assert_eq!(set_accounts(), vec![12, 13, 14, 16]);
	});
}

#[test]
fn a_departing_candidate_is_no_longer_a_regional_partner() {
	test(|| {
		assert_ok!(BillingElections::set_regional_partner(RuntimeOrigin::root(), 15, true));
		BillingElections::note_departure(&15);
		assert!(!RegionalPartners::<Test>::contains_key(15));
	});
}

#[test]
fn an_absent_billing_peer_is_replaced_but_keeps_its_candidacy() {
	test_with(ElectionMethod::TopByStake, || {
		elect_four_with_two_backups();
		assert_ok!(BillingElections::set_regional_partner(RuntimeOrigin::root(), 13, true));
		// Gosig struck 13 twice for missed votes; a key outside the set changes nothing.
		BillingElections::replace_absent(&(13 + KEY_OFFSET));
		BillingElections::replace_absent(&(16 + KEY_OFFSET));
		assert_eq!(Departed::<Test>::get().into_inner(), vec![13 + KEY_OFFSET]);
		assert_eq!(Absent::<Test>::get().into_inner(), vec![13 + KEY_OFFSET]);
		run_to(SETTLED + 1);
		assert_eq!(set_accounts(), vec![11, 12, 14, 15]);
		assert!(RegionalPartners::<Test>::contains_key(13), "still a regional partner");
		assert_eq!(Backups::<Test>::get().iter().map(|r| r.account).collect::<Vec<_>>(), vec![16]);
		// Its votes stand: at the next era it is elected again, on probation.
		run_to(SETTLED + ERA);
		assert!(set_accounts().contains(&13), "{:?}", set_accounts());
		assert!(OnProbation::<Test>::get().contains(&(13 + KEY_OFFSET)));
	});
}

/// Shrinking (third review): billing peers leaving of their own accord, with no backup to take
/// their places, keep seats rather than take the set below `MinElected` (their exits wait for
/// their seats anyway); an evicted one goes whatever the size.
#[test]
fn a_voluntary_leaver_keeps_its_seat_rather_than_shrink_the_set_below_the_minimum() {
	test_with(ElectionMethod::TopByStake, || {
		elect_four_with_two_backups();
		assert_eq!(MIN_ELECTED, 2);
		// The backups go first: 15 and 16 replace two leavers.
		for peer in [11, 12] {
			set_leaving(peer);
			BillingElections::note_departure(&peer);
		}
		run_to(SETTLED + 1);
		assert_eq!(set_accounts(), vec![13, 14, 15, 16]);
		// No backup left: of three leavers, the first keeps its seat to keep two.
		for peer in [13, 14, 15] {
			set_leaving(peer);
			BillingElections::note_departure(&peer);
		}
		run_to(SETTLED + 2);
		assert_eq!(set_accounts(), vec![13, 16]);
		assert!(events().contains(&Event::BillingPeersReplaced { removed: 2, added: 0 }));
		assert_eq!(
			Departed::<Test>::get().into_inner(),
			vec![13 + KEY_OFFSET],
			"13 is kept, waiting for a backup or an election"
		);
		// An evicted billing peer goes even below the minimum.
		set_candidate(16, false, false);
		BillingElections::note_departure(&16);
		run_to(SETTLED + 3);
		assert_eq!(set_accounts(), vec![13]);
		// The kept leaver alone does not change the set ...
		let before = changes();
		run_to(SETTLED + 4);
		assert_eq!(set_accounts(), vec![13]);
		assert_eq!(changes(), before);
		// ... until a backup with votes can take its seat (tried again after the retry
		// interval).
		backed_backup_17();
		run_to(SETTLED + 4 + REPLACEMENT_RETRY);
		assert_eq!(set_accounts(), vec![17]);
		assert!(Departed::<Test>::get().is_empty());
	});
}

/// Absentees are replaced only as far as the set keeps `MinElected`: a cloud outage that takes
/// several billing peers' nodes down does not empty the set when no backup is left (attacker
/// review of the missed votes).
#[test]
fn absentees_without_backups_keep_the_set_at_the_minimum() {
	test_with(ElectionMethod::TopByStake, || {
		elect_four_with_two_backups();
		// All four absent: the two backups take two seats, which keeps the minimum (two in the
		// mock), and the absentees go.
		for peer in [11, 12, 13, 14] {
			BillingElections::replace_absent(&(peer + KEY_OFFSET));
		}
		run_to(SETTLED + 1);
		assert_eq!(set_accounts(), vec![15, 16]);
		assert!(events().contains(&Event::BillingPeersReplaced { removed: 4, added: 2 }));
		assert!(Departed::<Test>::get().is_empty() && Absent::<Test>::get().is_empty());
		// Now an absentee without a backup keeps its seat at the minimum, and waits.
		let before = changes();
		BillingElections::replace_absent(&(15 + KEY_OFFSET));
		run_to(SETTLED + 2);
		assert_eq!(set_accounts(), vec![15, 16]);
		assert_eq!(changes(), before);
		assert_eq!(Absent::<Test>::get().into_inner(), vec![15 + KEY_OFFSET]);
		BillingElections::do_try_state().unwrap();
	});
}

/// An absentee kept at the floor that is then evicted goes, and one seated again at the next
/// election is on probation, its node to prove anew (sixth review).
#[test]
fn a_kept_absentee_goes_when_evicted_and_is_on_probation_when_seated_again() {
	test_with(ElectionMethod::TopByStake, || {
		elect_four_with_two_backups();
		// Four absent, two backups: the set is 15 and 16; 15 absent too is kept at the floor.
		for peer in [11, 12, 13, 14] {
			BillingElections::replace_absent(&(peer + KEY_OFFSET));
		}
		run_to(SETTLED + 1);
		BillingElections::replace_absent(&(15 + KEY_OFFSET));
		run_to(SETTLED + 2);
		assert_eq!(set_accounts(), vec![15, 16]);
		// Evicted: no longer kept as an absentee.
		set_candidate(15, false, false);
		BillingElections::note_departure(&15);
		assert!(Absent::<Test>::get().is_empty());
		run_to(SETTLED + 3);
		assert_eq!(set_accounts(), vec![16]);
		BillingElections::do_try_state().unwrap();
	});
	test_with(ElectionMethod::TopByStake, || {
		elect_four_with_two_backups();
		for peer in [11, 12, 13, 14] {
			BillingElections::replace_absent(&(peer + KEY_OFFSET));
		}
		run_to(SETTLED + 1);
		BillingElections::replace_absent(&(15 + KEY_OFFSET));
		run_to(SETTLED + 2);
		assert_eq!(set_accounts(), vec![15, 16]);
		// The next election seats it again (its votes stand): on probation.
		set_packing(false);
		run_to(SETTLED + ERA);
		assert!(set_accounts().contains(&15), "{:?}", set_accounts());
		assert!(OnProbation::<Test>::get().contains(&(15 + KEY_OFFSET)));
		assert!(Absent::<Test>::get().is_empty());
	});
}

/// While only departures the floor keeps wait, the replacement is tried again every
/// `ReplacementRetry` blocks and charged a read in between, not its whole weight every block
/// (sixth review); a new departure is tried at the next block.
#[test]
fn kept_departures_are_tried_again_after_the_retry_interval() {
	test_with(ElectionMethod::TopByStake, || {
		elect_four_with_two_backups();
		Backups::<Test>::kill();
		// Three leave without backups: 11 keeps its seat at the floor of two.
		for peer in [11, 12, 13] {
			set_leaving(peer);
			BillingElections::note_departure(&peer);
		}
		run_to(SETTLED + 1);
		assert_eq!(set_accounts(), vec![11, 14]);
		assert_eq!(ReplacementRetryAt::<Test>::get(), None, "that replacement changed the set");
		// The next try changes nothing: the next is due after the interval.
		run_to(SETTLED + 2);
		let due = SETTLED + 2 + REPLACEMENT_RETRY;
		assert_eq!(ReplacementRetryAt::<Test>::get(), Some(due));
		let waiting = BillingElections::on_initialize(SETTLED + 3);
		assert!(
			waiting.ref_time() < <() as WeightInfo>::replace_departed().ref_time(),
			"a block in between is charged the check, not the replacement"
		);
		// A backup appears: taken at the due block, not before.
		backed_backup_17();
		run_to(due - 1);
		assert_eq!(set_accounts(), vec![11, 14]);
		run_to(due);
		assert_eq!(set_accounts(), vec![14, 17]);
		assert_eq!(ReplacementRetryAt::<Test>::get(), None);
		// A new departure while one waits is tried at once.
		set_leaving(14);
		BillingElections::note_departure(&14);
		run_to(due + 1);
		assert_eq!(Departed::<Test>::get().into_inner(), vec![14 + KEY_OFFSET], "kept: no backup");
		assert_eq!(ReplacementRetryAt::<Test>::get(), Some(due + 1 + REPLACEMENT_RETRY));
		set_leaving(17);
		BillingElections::note_departure(&17);
		assert_eq!(ReplacementRetryAt::<Test>::get(), None);
	});
}

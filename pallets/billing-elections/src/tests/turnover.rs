//! Turnover: votes alone seat at most `⌊(n − 1) / 3⌋` (at least one) new billing peers an era.

use crate::{mock::*, *};
use frame_support::assert_ok;

#[test]
fn the_budget_is_the_faults_gosig_tolerates_and_at_least_one() {
	let budgets: Vec<u32> = [1, 2, 3, 4, 5, 7, 10, 14, 20, 21].map(turnover_budget).to_vec();
	assert_eq!(budgets, vec![1, 1, 1, 1, 1, 2, 3, 4, 6, 6]);
	// A set growing from the four genesis billing peers to 21: each era seats the most
	// newcomers `x` with `x ≤ budget(kept + x)`.
	let mut size = 4u32;
	let mut sizes = vec![size];
	while size < 21 {
		let x = (0..=21 - size).rev().find(|x| *x <= turnover_budget(size + x)).unwrap();
		size += x;
		sizes.push(size);
	}
	assert_eq!(sizes, vec![4, 5, 7, 10, 14, 20, 21], "as docs/billing.md says");
}

/// The attack of the third review: a voter with most of the SPB elects four fresh candidates
/// whose nodes may be silent. Only one may join the working set of four this era; the
/// incumbents keep the other seats.
#[test]
fn a_whale_seats_one_newcomer_an_era_in_a_set_of_four() {
	test_with(ElectionMethod::TopByStake, || {
		for c in 17..=20 {
			add_candidate(c, c);
		}
		assert_ok!(vote(1, &[(11, 100), (12, 100), (13, 100), (14, 100)]));
		run_to(2 * ERA);
		assert_eq!(set_accounts(), vec![11, 12, 13, 14]);
		// The whale: 900 SPB on four fresh candidates.
		assert_ok!(vote(2, &[(17, 225), (18, 225), (19, 225), (20, 225)]));
		run_to(3 * ERA);
		let set = set_accounts();
		assert_eq!(set.iter().filter(|a| **a >= 17).count(), 1, "one newcomer: {set:?}");
		assert_eq!(set.len(), 4, "incumbents keep the other seats");
		let outcome = LastOutcome::<Test>::get().unwrap();
		assert_eq!((outcome.newcomers, outcome.deferred), (1, 3));
		assert_eq!(EraNewcomers::<Test>::get(), 1);
		// The deferred lead the backups, in rank order.
		let backups: Vec<AccountId> = Backups::<Test>::get().iter().map(|r| r.account).collect();
		assert_eq!(backups[..3], [18, 19, 20]);
	});
}

/// Replacements draw on the era's budget too: a departure after the budget was spent leaves
/// its seat empty until the next era, unless the set would fall below `MinElected`.
#[test]
fn a_replacement_beyond_the_budget_waits_for_the_next_era() {
	test_with(ElectionMethod::TopByStake, || {
		assert_ok!(vote(1, &[(11, 100), (12, 100), (13, 100)]));
		assert_ok!(vote(2, &[(14, 100), (15, 60), (16, 50)]));
		run_to(2 * ERA);
		assert_eq!(set_accounts(), vec![11, 12, 13, 14]);
		assert_eq!(EraNewcomers::<Test>::get(), 1, "14 came in this era");
		set_candidate(12, false, false);
		BillingElections::note_departure(&12);
		run_to(2 * ERA + 1);
		assert_eq!(set_accounts(), vec![11, 13, 14], "no second newcomer this era");
		assert!(events().contains(&Event::BillingPeersReplaced { removed: 1, added: 0 }));
		// Below the minimum (two in the mock) a departure is replaced whatever the budget.
		set_candidate(11, false, false);
		BillingElections::note_departure(&11);
		set_candidate(13, false, false);
		BillingElections::note_departure(&13);
		run_to(2 * ERA + 2);
		assert_eq!(set_accounts(), vec![14, 15], "15 keeps the set at the minimum");
		assert_eq!(EraNewcomers::<Test>::get(), 2);
		// The next era's budget seats 16 (the only backed candidate left).
		run_to(3 * ERA);
		assert_eq!(set_accounts(), vec![14, 15, 16]);
		assert_eq!(EraNewcomers::<Test>::get(), 1);
	});
}

/// With no eligible incumbent left there is nothing working to protect: the elected take every
/// seat at once.
#[test]
fn without_an_eligible_incumbent_the_budget_does_not_apply() {
	test(|| {
		assert_ok!(vote(1, &[(13, 100), (14, 90), (15, 80)]));
		set_candidate(11, false, true);
		set_candidate(12, false, true);
		run_to(ERA);
		assert_eq!(set_accounts(), vec![13, 14, 15]);
		assert_eq!(LastOutcome::<Test>::get().map(|o| (o.newcomers, o.deferred)), Some((3, 0)));
	});
}

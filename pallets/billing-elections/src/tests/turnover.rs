//! Turnover: a set holds at most `⌊(n − 1) / 3⌋` (at least one) members on probation, seated but
//! not yet seen packing a block.

use crate::{mock::*, *};
use frame_support::assert_ok;

fn on_probation() -> Vec<AccountId> {
	let mut keys: Vec<_> = OnProbation::<Test>::get().iter().map(|k| k - KEY_OFFSET).collect();
	keys.sort();
	keys
}

#[test]
fn the_budget_is_the_faults_gosig_tolerates_and_at_least_one() {
	let budgets: Vec<u32> = [1, 2, 3, 4, 5, 7, 10, 14, 20, 21].map(turnover_budget).to_vec();
	assert_eq!(budgets, vec![1, 1, 1, 1, 1, 2, 3, 4, 6, 6]);
	// A set growing from the four genesis billing peers to 21, each era's newcomers proven
	// before the next: each era seats the most `x` with `x ≤ budget(kept + x)`.
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
		// The deferred lead the backups, in rank order.
		let backups: Vec<AccountId> = Backups::<Test>::get().iter().map(|r| r.account).collect();
		assert_eq!(backups[..3], [18, 19, 20]);
	});
}

/// The fourth review's attack: newcomers whose nodes stay silent never become incumbents. A
/// silent newcomer elected again stays on probation and takes the budget again, so two eras
/// of votes cannot put two silent members into a set of four (more than Gosig tolerates).
#[test]
fn a_silent_newcomer_stays_on_probation_and_blocks_no_second_one() {
	test_with(ElectionMethod::TopByStake, || {
		assert_ok!(vote(1, &[(11, 100), (12, 100), (13, 100), (14, 100)]));
		run_to(2 * ERA + 4);
		assert_eq!(set_accounts(), vec![11, 12, 13, 14]);
		assert!(on_probation().is_empty(), "13 and 14 packed");
		// The attacker's 15 and 16 win every vote; their nodes never pack.
		assert_ok!(vote(2, &[(15, 300), (16, 300)]));
		set_packing(false);
		run_to(3 * ERA);
		let set = set_accounts();
		assert!(set.contains(&15) && !set.contains(&16), "{set:?}");
		assert_eq!(on_probation(), vec![15]);
		run_to(4 * ERA);
		// 15 is elected again but unproven: with 16 it would make two of four on probation.
		let set = set_accounts();
		assert_eq!(set.iter().filter(|a| **a >= 15).count(), 1, "{set:?}");
		assert_eq!(on_probation().len(), 1);
		// Once the members pack, 15's probation ends (an event says so), and the next era
		// may seat one more newcomer.
		set_packing(true);
		run_to(4 * ERA + 5);
		assert!(on_probation().is_empty(), "{:?}", on_probation());
		assert!(events().contains(&Event::ProbationPassed { key: 15 + KEY_OFFSET }));
		run_to(5 * ERA);
		let set = set_accounts();
		assert!(set.contains(&15) && set.contains(&16), "{set:?}");
		assert_eq!(on_probation(), vec![16]);
	});
}

/// Replacements count against the same budget: a departure while the set already holds as many
/// members on probation as it may leaves its seat empty until the next era, unless the set would
/// tolerate fewer faults or fall below `MinElected`.
#[test]
fn a_replacement_beyond_the_budget_waits_unless_the_set_would_tolerate_fewer_faults() {
	test_with(ElectionMethod::TopByStake, || {
		assert_ok!(vote(1, &[(11, 100), (12, 100), (13, 100)]));
		assert_ok!(vote(2, &[(14, 100), (15, 60), (16, 50)]));
		run_to(2 * ERA + 4);
		assert_eq!(set_accounts(), vec![11, 12, 13, 14]);
		assert!(on_probation().is_empty(), "14 packed");
		// Nobody packs from now on: a replacement stays on probation.
		set_packing(false);
		set_candidate(12, false, false);
		BillingElections::note_departure(&12);
		run_to(2 * ERA + 5);
		// Four would tolerate one fault, three none: 15 replaces 12 (on probation).
		assert_eq!(set_accounts(), vec![11, 13, 14, 15]);
		assert_eq!(on_probation(), vec![15]);
		assert!(events().contains(&Event::BillingPeersReplaced { removed: 1, added: 1 }));
		// A second departure: the budget is spent, but three would tolerate no fault where
		// four tolerate one; 16 replaces 11 (two unproven of four need both silent to halt
		// it, one of three only itself).
		set_candidate(11, false, false);
		BillingElections::note_departure(&11);
		run_to(2 * ERA + 6);
		assert_eq!(set_accounts(), vec![13, 14, 15, 16]);
		assert_eq!(on_probation(), vec![15, 16]);
	});
}

/// A replacement case: the set, the members on probation, the departed, the replacements
/// allowed.
type Case = (&'static [AccountId], &'static [AccountId], &'static [AccountId], u32);

/// The replacement rule itself: within the budget, or to keep `MinElected` (2 in the mock), or
/// to keep the set's fault tolerance; otherwise the seat waits.
#[test]
fn replacements_are_allowed_by_budget_minimum_or_fault_tolerance() {
	test(|| {
		use frame_support::traits::Hooks as _;
		let key = |a: AccountId| a + KEY_OFFSET;
		// (set, on probation, departed) → replacements allowed.
		let cases: [Case; 7] = [
			// Four to three lowers f from 1 to 0: replaced despite one on probation.
			(&[11, 12, 13, 14], &[14], &[11], 1),
			// Three to two keeps f = 0 and the minimum: one on probation already, it waits.
			(&[11, 12, 13], &[13], &[11], 0),
			// Nobody on probation: within the budget of one.
			(&[11, 12, 13], &[], &[11], 1),
			// Two to one falls below the minimum of two: replaced whatever the budget.
			(&[11, 12], &[12], &[11], 1),
			// Departed members on probation free their place in the budget.
			(&[11, 12, 13], &[13], &[13], 1),
			// Two of four leave, one on probation stays: f falls from 1 to 0 unless both are
			// replaced.
			(&[11, 12, 13, 14], &[14], &[11, 12], 2),
			// A key on probation that root took out of the set by hand does not count.
			(&[11, 12, 13], &[14], &[11], 1),
		];
		for (block, (set, probation, departed, allowed)) in (2u64..).zip(cases) {
			System::set_block_number(block);
			BillingElections::on_initialize(block);
			let set: Vec<u64> = set.iter().copied().map(key).collect();
			assert_ok!(Gosig::change(set.clone()));
			OnProbation::<Test>::put(frame_support::BoundedVec::truncate_from(
				probation.iter().copied().map(key).collect::<Vec<_>>(),
			));
			let departed: Vec<u64> = departed.iter().copied().map(key).collect();
			assert_eq!(
				BillingElections::replacements_allowed(&set, &departed),
				allowed,
				"set {set:?}, on probation {probation:?}, departed {departed:?}"
			);
		}
		OnProbation::<Test>::kill();
	});
}

/// With no proven eligible incumbent left there is nothing working to protect: the elected take
/// every seat at once.
#[test]
fn without_a_proven_eligible_incumbent_the_budget_does_not_apply() {
	test(|| {
		assert_ok!(vote(1, &[(13, 100), (14, 90), (15, 80)]));
		set_candidate(11, false, true);
		set_candidate(12, false, true);
		run_to(ERA);
		assert_eq!(set_accounts(), vec![13, 14, 15]);
		assert_eq!(LastOutcome::<Test>::get().map(|o| (o.newcomers, o.deferred)), Some((3, 0)));
	});
}

/// A genesis billing peer without a candidacy would leave the set unprotected: the genesis
/// refuses it.
#[test]
#[should_panic(expected = "every genesis billing peer must be a registered billing-peer candidate")]
fn a_genesis_billing_peer_must_be_a_candidate() {
	use frame_support::traits::BuildGenesisConfig;
	new_test_ext(ElectionMethod::Phragmen).execute_with(|| {
		remove_candidate(11);
		crate::GenesisConfig::<Test> { era_length: None, method: ElectionMethod::Phragmen }.build();
	});
}

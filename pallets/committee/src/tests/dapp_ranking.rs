//! The DApps with the most paid traffic over the term, from Proof-of-Traffic's bills.

use crate::{mock::*, *};
use frame_support::assert_ok;

fn ranking() -> Vec<(AccountId, u128)> {
	TopDApps::<Test>::get().1.into_inner()
}

/// The ranking keeps the `DAppNominations` (2 in the mock) largest totals, most first: a DApp
/// outside it enters when its total passes the smallest in it, totals only grow, and among
/// equal totals the DApp that reached it first ranks first. Bills of nothing change nothing.
#[test]
fn the_ranking_keeps_the_largest_totals_of_the_term() {
	test(|| {
		TopDApps::<Test>::kill();
		for dapp in [301, 302, 303] {
			DAppPaid::<Test>::remove(dapp);
		}
		Committee::note_paid_traffic(&301, 100);
		Committee::note_paid_traffic(&302, 50);
		Committee::note_paid_traffic(&303, 60);
		assert_eq!(ranking(), vec![(301, 100), (303, 60)]);
		// 302's bills add up: 70 passes 303's 60.
		Committee::note_paid_traffic(&302, 20);
		assert_eq!(ranking(), vec![(301, 100), (302, 70)]);
		// 303 reaches 100 after 301 did: it ranks after it, and 302 leaves.
		Committee::note_paid_traffic(&303, 40);
		assert_eq!(ranking(), vec![(301, 100), (303, 100)]);
		// A total equal to the smallest does not displace it.
		Committee::note_paid_traffic(&302, 30);
		assert_eq!(ranking(), vec![(301, 100), (303, 100)]);
		assert_eq!(DAppPaid::<Test>::get(302), Some((1, 100)));
		// One DApp holds one place however often it pays.
		Committee::note_paid_traffic(&303, 1);
		assert_eq!(ranking(), vec![(303, 101), (301, 100)]);
		Committee::note_paid_traffic(&301, 0);
		assert_eq!(ranking(), vec![(303, 101), (301, 100)]);
	});
}

/// The election takes its DApps from the ranking when it starts; bills paid from then on count
/// for the next election, from zero: a term's traffic, not all-time traffic.
#[test]
fn each_election_nominates_from_its_own_terms_bills() {
	test(|| {
		// Before the first election: the mock's bills rank 201 and 202.
		run_to(FIRST);
		assert_eq!(
			Nominators::<Test>::get()
				.into_iter()
				.filter(|n| matches!(n, Nominator::DApp(_)))
				.count(),
			2
		);
		assert_ok!(Committee::nominate(RuntimeOrigin::signed(202), 1));
		// During the election, 203 pays more than 201 ever did: it counts for the next term.
		Committee::note_paid_traffic(&203, 2_000);
		assert_eq!(TopDApps::<Test>::get().0, 2);
		assert_eq!(ranking(), vec![(203, 2_000)]);
		Committee::note_paid_traffic(&201, 10);
		assert_eq!(ranking(), vec![(203, 2_000), (201, 10)], "201's total starts again");
		assert_eq!(DAppPaid::<Test>::get(201), Some((2, 10)));
		run_to(nominations_close());
		run_to(votes_counted());
		// The next election: 203 and 201 nominate, 202 does not.
		run_to(FIRST + TERM);
		assert_eq!(
			Nominators::<Test>::get().into_inner(),
			vec![
				Nominator::BillingPeer(101),
				Nominator::BillingPeer(102),
				Nominator::BillingPeer(103),
				Nominator::DApp(203),
				Nominator::DApp(201)
			]
		);
		assert_eq!(ranking_round(), 3);
		// A term without bills: the third election has no DApps.
		run_to(nominations_close());
		run_to(votes_counted());
		run_to(FIRST + 2 * TERM);
		assert!(!Nominators::<Test>::get().iter().any(|n| matches!(n, Nominator::DApp(_))));
	});
}

fn ranking_round() -> u32 {
	Committee::ranking_round()
}

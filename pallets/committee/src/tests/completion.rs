//! The count, the new committee, unfilled quotas, the ballots' release and the next term.

use crate::{mock::*, *};
use frame_support::assert_ok;

/// The candidates with the most votes take the seats (the earlier nomination among equals);
/// the collective is told; the ballots are released a few a block; the next election starts
/// a term after this one's start.
#[test]
fn the_most_voted_take_the_seats_and_the_ballots_are_released() {
	test(|| {
		run_to(FIRST);
		for (peer, candidate) in [(101, 1), (102, 2), (103, 3)] {
			assert_ok!(Committee::nominate(RuntimeOrigin::signed(peer), candidate));
		}
		assert_ok!(Committee::nominate(RuntimeOrigin::signed(201), 4));
		run_to(nominations_close());
		// 4 has 310, 1 250; 2 and 3 tie at 200: 2, nominated first, wins the last seat.
		assert_ok!(vote(10, &[(1, 100), (2, 200)]));
		assert_ok!(vote(11, &[(3, 200), (4, 300)]));
		assert_ok!(vote(12, &[(1, 140)]));
		assert_ok!(vote(13, &[(4, 10)]));
		assert_ok!(vote(14, &[(1, 10)]));
		let counted = votes_counted();
		run_to(counted);
		assert_eq!(Members::<Test>::get().into_inner(), vec![1, 2, 4]);
		assert_eq!(CollectiveMembers::get(), vec![1, 2, 4]);
		assert!(events().contains(&Event::CommitteeElected { round: 1, members: vec![1, 2, 4] }));
		assert_eq!(Round::<Test>::get(), 2);
		assert_eq!(Phase::<Test>::get(), Some(ElectionPhase::Waiting { starts_at: FIRST + TERM }));
		assert!(Candidates::<Test>::get().is_empty());
		// Five ballots, two a block: released over three blocks, from the next block.
		assert_eq!(Ballots::<Test>::iter_prefix(1).count(), 5);
		run_to(counted + 1);
		assert_eq!(Ballots::<Test>::iter_prefix(1).count(), 3);
		run_to(counted + 3);
		assert_eq!(Ballots::<Test>::iter_prefix(1).count(), 0);
		assert!(events().contains(&Event::BallotsReleased { round: 1 }));
		assert_eq!(NextToRelease::<Test>::get(), 2);
		for voter in 10..=14 {
			assert_eq!(Committee::held_of(&voter), 0, "{voter}'s SPB are free again");
		}
	});
}

/// Quotas left unfilled leave places empty; an election that votes for fewer than
/// `MinMembers` candidates (two in the mock, seven on production: a smaller committee could
/// never decide a major issue) keeps the committee — before the first, nobody is seated; the
/// next election runs a term later, and a new committee replaces the old one in the
/// collective.
#[test]
fn unfilled_quotas_and_elections_that_seat_too_few() {
	test(|| {
		// Only one billing peer, no DApps with traffic, no sign-ups.
		BillingPeerSet::set(vec![101]);
		TopDApps::<Test>::kill();
		run_to(FIRST);
		assert_ok!(Committee::nominate(RuntimeOrigin::signed(101), 1));
		run_to(nominations_close());
		assert_eq!(candidates(), vec![1]);
		assert_ok!(vote(10, &[(1, 100)]));
		run_to(votes_counted());
		assert!(events().contains(&Event::CommitteeKept { round: 1 }));
		assert!(Members::<Test>::get().is_empty(), "one voted candidate seats nobody");
		// The second election: two candidates voted for, two seats of three.
		run_to(FIRST + TERM);
		assert_eq!(Round::<Test>::get(), 2);
		assert_ok!(Committee::nominate(RuntimeOrigin::signed(101), 2));
		assert_ok!(Committee::nominate_as_foundation(RuntimeOrigin::root(), 3));
		run_to(nominations_close());
		assert_ok!(vote(11, &[(2, 100), (3, 50)]));
		run_to(votes_counted());
		assert_eq!(CollectiveMembers::get(), vec![2, 3]);
		// The third: no votes; the committee serves on.
		run_to(FIRST + 2 * TERM);
		assert_ok!(Committee::nominate_as_foundation(RuntimeOrigin::root(), 4));
		run_to(nominations_close());
		run_to(votes_counted());
		assert!(events().contains(&Event::CommitteeKept { round: 3 }));
		assert_eq!(Members::<Test>::get().into_inner(), vec![2, 3]);
		// The fourth: 4 and 5 replace them.
		run_to(FIRST + 3 * TERM);
		assert_ok!(Committee::nominate_as_foundation(RuntimeOrigin::root(), 4));
		assert_ok!(Committee::nominate_as_foundation(RuntimeOrigin::root(), 5));
		run_to(nominations_close());
		assert_ok!(vote(12, &[(4, 100), (5, 100)]));
		run_to(votes_counted());
		assert_eq!(CollectiveMembers::get(), vec![4, 5]);
		assert_eq!(Members::<Test>::get().into_inner(), vec![4, 5]);
	});
}

/// A major issue's motion enacts any call as root (a runtime upgrade, say); nobody else can.
/// The foundation's origin is its own account's signature.
#[test]
fn a_major_motion_enacts_as_root_and_the_foundation_signs_for_itself() {
	use frame_support::{assert_noop, traits::EnsureOrigin};
	test(|| {
		let call: RuntimeCall =
			frame_system::Call::set_storage { items: vec![(b"key".to_vec(), b"value".to_vec())] }
				.into();
		assert_noop!(
			Committee::enact(RuntimeOrigin::signed(1), Box::new(call.clone())),
			sp_runtime::DispatchError::BadOrigin
		);
		assert_ok!(Committee::enact(RuntimeOrigin::signed(MAJOR), Box::new(call)));
		assert_eq!(sp_io::storage::get(b"key").as_deref(), Some(&b"value"[..]));
		assert!(events().contains(&Event::Enacted { result: Ok(()) }));
		// A call that fails as root is reported, the enactment itself stands.
		let failing: RuntimeCall =
			pallet_balances::Call::force_transfer { source: 77, dest: 1, value: SPB }.into();
		assert_ok!(Committee::enact(RuntimeOrigin::signed(MAJOR), Box::new(failing)));
		assert!(matches!(events().last(), Some(Event::Enacted { result: Err(_) })));
		assert_eq!(
			EnsureFoundation::<Test>::try_origin(RuntimeOrigin::signed(FOUNDATION)).ok(),
			Some(FOUNDATION)
		);
		assert!(EnsureFoundation::<Test>::try_origin(RuntimeOrigin::signed(1)).is_err());
		assert!(EnsureFoundation::<Test>::try_origin(RuntimeOrigin::root()).is_err());
	});
}

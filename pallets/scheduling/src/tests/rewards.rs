//! Scheduling rewards: the scheduling share of a period's emission split by the credits of the
//! placements confirmed in it.

use crate::{mock::*, *};
use frame_support::assert_ok;

#[test]
fn the_scheduling_share_is_split_by_the_confirmed_placements_fees() {
	test(|| {
		professional(20, 1_000, b"SG");
		professional(21, 1_000, b"DE");
		// Order 0: 1 GB for 5 periods proposed by SCHEDULER; order 1: 3 GB proposed by
		// SCHEDULER_2.
		let a = order(DAPP, file(1, GB), 1, 5);
		let b = order(DAPP, file(2, 3 * GB), 1, 5);
		assert_ok!(respond(SCHEDULER, a, &[20]));
		assert_ok!(respond(SCHEDULER_2, b, &[21]));
		close_elections();
		assert_ok!(confirm(20, a));
		assert_ok!(confirm(21, b));
		assert_eq!(
			Credits::<Test>::get(0).into_inner(),
			vec![(SCHEDULER, 5 * SPB), (SCHEDULER_2, 15 * SPB)]
		);
		run_to(period_start(1));
		assert_eq!(
			pool_payouts(),
			vec![(SCHEDULER, SCHEDULING_SHARE / 4), (SCHEDULER_2, SCHEDULING_SHARE * 3 / 4)]
		);
		assert!(events().contains(&Event::SchedulerRewarded {
			period: 0,
			scheduler: SCHEDULER,
			amount: SCHEDULING_SHARE / 4
		}));
		assert!(Credits::<Test>::get(0).is_empty());
		assert_eq!(RewardsPaidBefore::<Test>::get(), 1);
		// Nothing more next period: no credits.
		run_to(period_start(2));
		assert_eq!(pool_payouts().len(), 2);
	});
}

#[test]
fn a_placement_never_confirmed_earns_its_scheduler_nothing() {
	test(|| {
		professional(20, 1_000, b"SG");
		let id = order(DAPP, file(1, GB), 1, 5);
		assert_ok!(respond(SCHEDULER, id, &[20]));
		close_elections();
		run_to(period_start(2));
		assert!(pool_payouts().is_empty());
	});
}

#[test]
fn a_scheduler_that_left_forfeits_its_reward_to_the_pool() {
	test(|| {
		professional(20, 1_000, b"SG");
		let id = order(DAPP, file(1, GB), 1, 5);
		assert_ok!(respond(SCHEDULER, id, &[20]));
		close_elections();
		assert_ok!(confirm(20, id));
		unregister_scheduler(SCHEDULER);
		run_to(period_start(1));
		assert!(pool_payouts().is_empty());
		assert!(events().contains(&Event::SchedulerRewardFailed {
			period: 0,
			scheduler: SCHEDULER,
			amount: SCHEDULING_SHARE
		}));
	});
}

#[test]
fn the_credit_goes_to_the_first_scheduler_that_proposed_the_peer() {
	test(|| {
		professional(20, 1_000, b"SG");
		let id = order(DAPP, file(1, GB), 1, 5);
		assert_ok!(respond(SCHEDULER_2, id, &[20]));
		assert_ok!(respond(SCHEDULER, id, &[20]));
		close_elections();
		assert_ok!(confirm(20, id));
		assert_eq!(Credits::<Test>::get(0).into_inner(), vec![(SCHEDULER_2, 5 * SPB)]);
	});
}

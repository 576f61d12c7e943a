//! Scheduling rewards: the scheduling share of a period's emission split by the credits of the
//! holding fees paid in it, each capped at the reward cap of its credits.

use crate::{mock::*, *};
use frame_support::assert_ok;

/// Peers 20 and 21 hold a 1 GB file (order 0, proposed by SCHEDULER) and a 3 GB one (order 1,
/// proposed by SCHEDULER_2) from period 0; both claim in period 2.
fn two_orders_claimed_in_period_2() -> (OrderId, OrderId) {
	professional(20, 1_000, b"SG");
	professional(21, 1_000, b"DE");
	let a = order(DAPP, file(1, GB), 1, 5);
	let b = order(DAPP, file(2, 3 * GB), 1, 5);
	assert_ok!(respond(SCHEDULER, a, &[20]));
	assert_ok!(respond(SCHEDULER_2, b, &[21]));
	close_elections();
	assert_ok!(confirm(20, a));
	assert_ok!(confirm(21, b));
	assert!(Credits::<Test>::iter().next().is_none(), "a confirmation credits nothing");
	run_to(period_start(2));
	assert_ok!(Scheduling::claim(RuntimeOrigin::signed(20), a));
	assert_ok!(Scheduling::claim(RuntimeOrigin::signed(21), b));
	(a, b)
}

#[test]
fn the_scheduling_share_is_split_by_the_holding_fees_paid() {
	test(|| {
		two_orders_claimed_in_period_2();
		// Two periods of 1 SPB and of 3 SPB.
		assert_eq!(
			Credits::<Test>::get(2).into_inner(),
			vec![(SCHEDULER, 2 * SPB), (SCHEDULER_2, 6 * SPB)]
		);
		run_to(period_start(3));
		assert_eq!(
			pool_payouts(),
			vec![(SCHEDULER, SCHEDULING_SHARE / 4), (SCHEDULER_2, SCHEDULING_SHARE * 3 / 4)]
		);
		assert!(events().contains(&Event::SchedulerRewarded {
			period: 2,
			scheduler: SCHEDULER,
			amount: SCHEDULING_SHARE / 4
		}));
		assert!(Credits::<Test>::get(2).is_empty());
		assert_eq!(RewardsPaidBefore::<Test>::get(), 3);
		// Nothing more next period: no credits.
		run_to(period_start(4));
		assert_eq!(pool_payouts().len(), 2);
	});
}

#[test]
fn the_cap_bounds_each_reward_by_the_fees_credited() {
	test(|| {
		let cap = sp_runtime::Perbill::from_percent(10);
		assert_ok!(Scheduling::set_reward_cap(RuntimeOrigin::root(), Some(cap)));
		assert!(events().contains(&Event::RewardCapSet { cap: Some(cap) }));
		two_orders_claimed_in_period_2();
		run_to(period_start(3));
		assert_eq!(
			pool_payouts(),
			vec![(SCHEDULER, cap.mul_floor(2 * SPB)), (SCHEDULER_2, cap.mul_floor(6 * SPB))]
		);
		assert_eq!(
			Scheduling::set_reward_cap(RuntimeOrigin::signed(SCHEDULER), None),
			Err(sp_runtime::DispatchError::BadOrigin)
		);
	});
}

#[test]
fn a_placement_never_confirmed_earns_its_scheduler_nothing() {
	test(|| {
		professional(20, 1_000, b"SG");
		let id = order(DAPP, file(1, GB), 1, 5);
		assert_ok!(respond(SCHEDULER, id, &[20]));
		close_elections();
		run_to(period_start(3));
		assert!(pool_payouts().is_empty());
		assert!(Credits::<Test>::iter().next().is_none());
	});
}

#[test]
fn a_scheduler_that_left_forfeits_its_reward_to_the_pool() {
	test(|| {
		two_orders_claimed_in_period_2();
		unregister_scheduler(SCHEDULER);
		run_to(period_start(3));
		assert_eq!(pool_payouts(), vec![(SCHEDULER_2, SCHEDULING_SHARE * 3 / 4)]);
		assert!(events().contains(&Event::SchedulerRewardFailed {
			period: 2,
			scheduler: SCHEDULER,
			amount: SCHEDULING_SHARE / 4
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
		run_to(period_start(1));
		assert_ok!(Scheduling::claim(RuntimeOrigin::signed(20), id));
		assert_eq!(Credits::<Test>::get(1).into_inner(), vec![(SCHEDULER_2, SPB)]);
	});
}

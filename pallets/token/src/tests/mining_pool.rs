//! Payouts from the mining pool, held to the emission schedule.

use super::*;
use crate::{types::*, Error, Event, MiningPaidOut, MiningPool};
use frame_support::{assert_noop, assert_ok};

type Pool = crate::Pallet<Test>;

#[test]
fn rewards_are_paid_out_of_the_pool_with_an_event() {
	build_and_execute(|| {
		let before = mining_pool();
		assert_ok!(<Pool as MiningPool<_, _>>::pay_from_pool(
			&PEER,
			spb(100),
			PayoutPurpose::Traffic
		));
		assert_eq!(Balances::total_balance(&PEER), spb(100));
		assert_eq!(mining_pool(), before - spb(100));
		assert_eq!(MiningPaidOut::<Test>::get(), spb(100));
		System::assert_last_event(
			Event::MiningPoolPaid { who: PEER, amount: spb(100), purpose: PayoutPurpose::Traffic }
				.into(),
		);
	});
}

#[test]
fn the_pool_pays_no_more_than_the_schedule_has_released() {
	build_and_execute(|| {
		// In period 0 only period 0's emission is released.
		let released = Token::emission_for_period(0);
		assert_eq!(Token::unreleased_mining_pool(), MINING_POOL - released);
		assert_noop!(
			Token::do_pay_from_pool(&PEER, released + 1, PayoutPurpose::Traffic),
			Error::<Test>::EmissionScheduleExceeded
		);
		assert_ok!(Token::do_pay_from_pool(&PEER, released - spb(1), PayoutPurpose::Billing));
		assert_noop!(
			Token::do_pay_from_pool(&PEER, spb(1) + 1, PayoutPurpose::Scheduling),
			Error::<Test>::EmissionScheduleExceeded
		);
		assert_ok!(Token::do_pay_from_pool(&PEER, spb(1), PayoutPurpose::Scheduling));
		// The next period releases the next emission.
		go_to(PERIOD);
		let next = Token::emission_for_period(1);
		assert_noop!(
			Token::do_pay_from_pool(&PEER, next + 1, PayoutPurpose::Patrol),
			Error::<Test>::EmissionScheduleExceeded
		);
		assert_ok!(Token::do_pay_from_pool(&PEER, next, PayoutPurpose::Patrol));
	});
}

#[test]
fn unpaid_emission_stays_payable_later() {
	build_and_execute(|| {
		go_to(10 * PERIOD);
		let released: Balance = (0..=10).map(Token::emission_for_period).sum();
		assert_ok!(Token::do_pay_from_pool(&PEER, released, PayoutPurpose::Traffic));
		assert_eq!(mining_pool(), Token::unreleased_mining_pool());
	});
}

#[test]
fn fees_and_revenue_paid_in_are_payable_at_once() {
	use crate::RevenueRecycler;
	build_and_execute(|| {
		fund(DAPP, spb(1_000));
		let shares = <Pool as RevenueRecycler<_, _>>::recycle_revenue(&DAPP, spb(200)).unwrap();
		let released = Token::emission_for_period(0);
		assert_ok!(Token::do_pay_from_pool(
			&PEER,
			released + shares.mining_pool,
			PayoutPurpose::Traffic
		));
		assert_noop!(
			Token::do_pay_from_pool(&PEER, 1, PayoutPurpose::Traffic),
			Error::<Test>::EmissionScheduleExceeded
		);
	});
}

#[test]
fn after_ten_years_the_whole_pool_but_its_existential_deposit_is_payable() {
	build_and_execute(|| {
		go_to(10 * YEAR);
		assert_eq!(Token::unreleased_mining_pool(), 0);
		assert_noop!(
			Token::do_pay_from_pool(&PEER, MINING_POOL, PayoutPurpose::Traffic),
			Error::<Test>::InsufficientPool
		);
		assert_ok!(Token::do_pay_from_pool(&PEER, MINING_POOL - ED, PayoutPurpose::Traffic));
		assert_eq!(mining_pool(), ED);
	});
}

#[test]
fn bad_payouts_are_refused_and_change_nothing() {
	build_and_execute(|| {
		assert_noop!(
			Token::do_pay_from_pool(&PEER, 0, PayoutPurpose::Traffic),
			Error::<Test>::ZeroAmount
		);
		assert_noop!(
			Token::do_pay_from_pool(&PEER, ED - 1, PayoutPurpose::Traffic),
			Error::<Test>::BelowMinimum
		);
		assert_noop!(
			Token::do_pay_from_pool(&Token::market_pool_account(), spb(1), PayoutPurpose::Traffic),
			Error::<Test>::PoolAccount
		);
		assert_noop!(
			Token::do_pay_from_pool(&Token::mining_pool_account(), spb(1), PayoutPurpose::Traffic),
			Error::<Test>::PoolAccount
		);
		// An account that exists may receive less than the existential deposit.
		fund(PEER, spb(1));
		assert_ok!(Token::do_pay_from_pool(&PEER, 1, PayoutPurpose::Traffic));
	});
}

#[test]
fn the_pool_state_is_exposed_in_one_place() {
	build_and_execute(|| {
		assert_ok!(Token::do_pay_from_pool(&PEER, spb(3), PayoutPurpose::Traffic));
		fund(DAPP, spb(5));
		let pools = Token::pools();
		assert_eq!(pools.mining, MINING_POOL - spb(3));
		assert_eq!(pools.mining_paid_out, spb(3));
		assert_eq!(pools.market, MARKET_POOL - spb(5));
		assert_eq!(pools.market_paid_out, spb(5));
		assert_eq!(pools.mining_unreleased, MINING_POOL - Token::emission_for_period(0));
	});
}

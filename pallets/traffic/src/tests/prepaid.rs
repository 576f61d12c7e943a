//! Prepaid traffic: the fee on hold, counted bytes paying the pools, locked funds refused, and a
//! DApp's withdrawal of what no report counted (issue 14, finding 8).

use crate::{mock::*, *};
use frame_support::{
	assert_noop, assert_ok,
	traits::{fungible::InspectHold, LockIdentifier, LockableCurrency, WithdrawReasons},
};

/// A GiB's fee at the default price.
const GIB_FEE: Balance = SPB / 100;

fn held(who: AccountId) -> Balance {
	Balances::balance_on_hold(&HoldReason::PrepaidTraffic.into(), &who)
}

#[test]
fn dapps_prepay_traffic_on_hold_and_counted_bytes_pay_the_pools_pro_rata() {
	build_and_execute(|| {
		let pool = free(POOL);
		assert_noop!(
			Traffic::buy_traffic(RuntimeOrigin::signed(DAPP), 0),
			Error::<Test>::ZeroAmount
		);
		assert_ok!(Traffic::buy_traffic(RuntimeOrigin::signed(DAPP), 100));
		let fee = 100 * GIB_FEE;
		assert_eq!(held(DAPP), fee, "the fee waits on hold");
		assert_eq!(free(DAPP), spb(10) - fee);
		assert_eq!(free(POOL), pool, "nothing is revenue before reports count it");
		assert_eq!(Prepaid::<Test>::get(DAPP), PrepaidTraffic { bytes: 100 << 30, fees: fee });
		assert!(events().contains(&Event::TrafficBought { dapp: DAPP, bytes: 100 << 30, fee }));
		// A quarter of the bytes takes a quarter of the fees, from the hold into the pools.
		assert_eq!(Traffic::unclaimed_paid_bytes(&DAPP, 0), 100 << 30);
		assert_eq!(Traffic::claim_paid_bytes(&DAPP, 25 << 30), fee / 4);
		assert_eq!(free(POOL), pool + fee / 4);
		assert_eq!(held(DAPP), fee - fee / 4);
		assert_eq!(Traffic::unclaimed_paid_bytes(&DAPP, 0), 75 << 30);
		// More than is left takes what is left, rounding dust included.
		assert_eq!(Traffic::claim_paid_bytes(&DAPP, 1 << 40), fee - fee / 4);
		assert_eq!(free(POOL), pool + fee);
		assert_eq!(held(DAPP), 0);
		assert!(!Prepaid::<Test>::contains_key(DAPP));
		assert_eq!(Traffic::claim_paid_bytes(&DAPP, 1), 0, "nothing left to claim");
		// Governance sets the price.
		assert_noop!(
			Traffic::set_price(RuntimeOrigin::signed(DAPP), 1),
			sp_runtime::DispatchError::BadOrigin
		);
		assert_noop!(Traffic::set_price(RuntimeOrigin::root(), 0), Error::<Test>::ZeroAmount);
		assert_ok!(Traffic::set_price(RuntimeOrigin::root(), SPB));
		assert_eq!(Traffic::price_per_gib(), SPB);
	});
}

/// A hold may overlap freezes (a rig wallet's deposit relies on it), so buying traffic on hold
/// could spend locked or vesting SPB, and self-dealing would turn it into liquid rewards at the
/// cost of the foundation's 0.5 %. `buy_traffic` takes only funds that are neither frozen nor
/// the existential deposit. Checked failing without the defence: without the `reducible_balance`
/// check the locked DApp's purchase succeeds.
#[test]
fn locked_funds_cannot_buy_traffic() {
	build_and_execute(|| {
		const LOCK: LockIdentifier = *b"vesting ";
		// DAPP holds 10 SPB; 9.5 of them are locked.
		Balances::set_lock(LOCK, &DAPP, spb(10) - SPB / 2, WithdrawReasons::all());
		assert_noop!(
			Traffic::buy_traffic(RuntimeOrigin::signed(DAPP), 51),
			Error::<Test>::CannotPayFee
		);
		assert_ok!(Traffic::buy_traffic(RuntimeOrigin::signed(DAPP), 50));
		assert_eq!(held(DAPP), 50 * GIB_FEE);
		// Nor more than the free balance without the existential deposit.
		Balances::remove_lock(LOCK, &DAPP);
		assert_noop!(
			Traffic::buy_traffic(RuntimeOrigin::signed(DAPP), 1_000),
			Error::<Test>::CannotPayFee
		);
	});
}

/// A report's reservation is never withdrawn; the announcement keeps its bytes for reports of
/// its period and earlier only; the withdrawal waits for the end of the next period's report
/// window. Checked failing without the defence: with the withdrawal taking `Prepaid` whole, the
/// reserved bytes go too and `do_try_state` finds reservations above the paid bytes.
#[test]
fn a_withdrawal_waits_for_its_notice_and_leaves_the_reports_reservations() {
	build_and_execute(|| {
		let signed = || RuntimeOrigin::signed(DAPP);
		assert_noop!(Traffic::announce_withdrawal(signed()), Error::<Test>::NothingToWithdraw);
		assert_noop!(Traffic::withdraw_prepaid(signed()), Error::<Test>::NoWithdrawal);
		assert_ok!(Traffic::buy_traffic(signed(), 4));
		let fee = 4 * GIB_FEE;
		// A pending report reserved one GiB (`Reserved` stands for it: the mock's reports
		// reserve the stand-in billing's bytes).
		Reserved::<Test>::insert(DAPP, 1u128 << 30);
		run_to(start_of(2) + 3);
		assert_ok!(Traffic::announce_withdrawal(signed()));
		let due = start_of(3) + u64::from(REPORT_WINDOW);
		assert!(events().contains(&Event::WithdrawalAnnounced { dapp: DAPP, bytes: 3 << 30, due }));
		assert_noop!(Traffic::announce_withdrawal(signed()), Error::<Test>::WithdrawalPending);
		// Reports of the announcement's period and earlier may still reserve the bytes; later
		// ones may not.
		assert_eq!(Traffic::unclaimed_paid_bytes(&DAPP, 2), 4 << 30);
		assert_eq!(Traffic::unclaimed_paid_bytes(&DAPP, 3), 1 << 30);
		run_to(due - 1);
		assert_noop!(Traffic::withdraw_prepaid(signed()), Error::<Test>::WithdrawalNotDue);
		// A report of period 2 reserved another GiB in period 3's window.
		Reserved::<Test>::insert(DAPP, 2u128 << 30);
		run_to(due);
		let free_before = free(DAPP);
		assert_ok!(Traffic::withdraw_prepaid(signed()));
		assert!(events().contains(&Event::PrepaidWithdrawn {
			dapp: DAPP,
			bytes: 2 << 30,
			fee: fee / 2
		}));
		assert_eq!(free(DAPP), free_before + fee / 2);
		assert_eq!(held(DAPP), fee / 2, "the reserved bytes' fees stay on hold");
		assert_eq!(Prepaid::<Test>::get(DAPP), PrepaidTraffic { bytes: 2 << 30, fees: fee / 2 });
		assert!(!Withdrawals::<Test>::contains_key(DAPP));
		assert_eq!(Traffic::unclaimed_paid_bytes(&DAPP, 9), 2 << 30);
		assert_noop!(Traffic::withdraw_prepaid(signed()), Error::<Test>::NoWithdrawal);
		// Everything reserved: nothing to announce.
		assert_noop!(Traffic::announce_withdrawal(signed()), Error::<Test>::NothingToWithdraw);
		Reserved::<Test>::remove(DAPP);
	});
}

/// Withdrawing what reports counted meanwhile leaves less to withdraw, never an error that
/// strands the announcement; withdrawing everything releases the whole hold (rounding dust
/// included).
#[test]
fn a_withdrawal_takes_at_most_what_is_left_and_all_of_the_hold_with_the_last_byte() {
	build_and_execute(|| {
		let signed = || RuntimeOrigin::signed(DAPP);
		// 3 GiB at a price that does not divide evenly.
		assert_ok!(Traffic::set_price(RuntimeOrigin::root(), 7));
		assert_ok!(Traffic::buy_traffic(signed(), 3));
		assert_ok!(Traffic::announce_withdrawal(signed()));
		// A report counted 1 GiB and a bit: its fee share rounds down.
		assert_eq!(Traffic::claim_paid_bytes(&DAPP, (1 << 30) + 1), 7);
		run_to(Traffic::withdrawal_due(0));
		let free_before = free(DAPP);
		assert_ok!(Traffic::withdraw_prepaid(signed()));
		assert_eq!(free(DAPP), free_before + 14);
		assert_eq!(held(DAPP), 0);
		assert!(!Prepaid::<Test>::contains_key(DAPP));
		// Counted entirely before the withdrawal: the announcement ends with nothing withdrawn,
		// so that it does not hold back traffic the DApp buys later.
		assert_ok!(Traffic::buy_traffic(signed(), 1));
		assert_ok!(Traffic::announce_withdrawal(signed()));
		Traffic::claim_paid_bytes(&DAPP, 1 << 30);
		run_to(Traffic::withdrawal_due(Traffic::period_of(System::block_number())));
		assert_ok!(Traffic::withdraw_prepaid(signed()));
		assert!(events().contains(&Event::PrepaidWithdrawn { dapp: DAPP, bytes: 0, fee: 0 }));
		assert!(!Withdrawals::<Test>::contains_key(DAPP));
	});
}

//! Prepaid traffic: the fee in escrow, counted bytes paying the pools, locked funds refused, and
//! a DApp's withdrawal of what no report counted (issue 14, finding 8).

use crate::{mock::*, *};
use frame_support::{
	assert_noop, assert_ok,
	traits::{fungible::Mutate, LockIdentifier, LockableCurrency, WithdrawReasons},
};

/// A GiB's fee at the default price.
const GIB_FEE: Balance = SPB / 100;

/// The escrow's balance above its existential deposit: the prepaid fees it keeps.
fn escrowed() -> Balance {
	free(Traffic::prepaid_escrow()).saturating_sub(ED)
}

#[test]
fn dapps_prepay_traffic_into_escrow_and_counted_bytes_pay_the_pools_pro_rata() {
	build_and_execute(|| {
		let pool = free(POOL);
		assert_noop!(
			Traffic::buy_traffic(RuntimeOrigin::signed(DAPP), 0),
			Error::<Test>::ZeroAmount
		);
		assert_ok!(Traffic::buy_traffic(RuntimeOrigin::signed(DAPP), 100));
		let fee = 100 * GIB_FEE;
		assert_eq!(escrowed(), fee, "the fee waits in escrow");
		assert_eq!(free(DAPP), spb(10) - fee - ED, "the first purchase seeds the escrow");
		assert_eq!(free(POOL), pool, "nothing is revenue before reports count it");
		assert_eq!(Prepaid::<Test>::get(DAPP), PrepaidTraffic { bytes: 100 << 30, fees: fee });
		assert!(events().contains(&Event::TrafficBought { dapp: DAPP, bytes: 100 << 30, fee }));
		// Later purchases pay the fee alone.
		assert_ok!(Traffic::buy_traffic(RuntimeOrigin::signed(DAPP_2), 1));
		assert_eq!(free(DAPP_2), spb(10) - GIB_FEE);
		// A quarter of the bytes takes a quarter of the fees, from the escrow into the pools.
		assert_eq!(Traffic::unclaimed_paid_bytes(&DAPP, 0), 100 << 30);
		assert_eq!(Traffic::claim_paid_bytes(&DAPP, 25 << 30), fee / 4);
		assert_eq!(free(POOL), pool + fee / 4);
		assert_eq!(escrowed(), fee - fee / 4 + GIB_FEE);
		assert_eq!(Traffic::unclaimed_paid_bytes(&DAPP, 0), 75 << 30);
		// More than is left takes what is left, rounding dust included.
		assert_eq!(Traffic::claim_paid_bytes(&DAPP, 1 << 40), fee - fee / 4);
		assert_eq!(free(POOL), pool + fee);
		assert_eq!(escrowed(), GIB_FEE, "DAPP_2's fee");
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

/// Locked or vesting SPB spent on prepaid traffic and self-dealt would come back as liquid
/// rewards. The fee is a transfer, which respects freezes, so only free, unfrozen funds pay it,
/// however the purchases are split. Checked failing without the defence: with the fee held on
/// the DApp's account (this change's first version), a hold overlapped the lock, so a second
/// purchase, or a transfer away of the balance the hold freed, went through.
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
		// 49 GiB and the escrow's existential deposit: all that is unlocked.
		assert_ok!(Traffic::buy_traffic(RuntimeOrigin::signed(DAPP), 49));
		assert_eq!(escrowed(), 49 * GIB_FEE);
		// Nothing unlocked is left: neither more traffic nor a transfer away.
		assert_noop!(
			Traffic::buy_traffic(RuntimeOrigin::signed(DAPP), 1),
			Error::<Test>::CannotPayFee
		);
		assert!(<Balances as Mutate<_>>::transfer(
			&DAPP,
			&POOL,
			1,
			frame_support::traits::tokens::Preservation::Expendable
		)
		.is_err());
		// Nor more than the free balance without the existential deposit.
		Balances::remove_lock(LOCK, &DAPP);
		assert_noop!(
			Traffic::buy_traffic(RuntimeOrigin::signed(DAPP), 1_000),
			Error::<Test>::CannotPayFee
		);
	});
}

/// A report's reservation is never withdrawn; the announcement keeps its bytes for reports that
/// carry receipts of its period or earlier; the withdrawal waits until the last such report is
/// in. Checked failing without the defence: with the withdrawal taking `Prepaid` whole, the
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
		let due = start_of(2 + MAX_ROLLOVER + 1) + u64::from(REPORT_WINDOW);
		assert_eq!(Traffic::withdrawal_due(2), due);
		assert!(events().contains(&Event::WithdrawalAnnounced { dapp: DAPP, bytes: 3 << 30, due }));
		assert_noop!(Traffic::announce_withdrawal(signed()), Error::<Test>::WithdrawalPending);
		// Reports with receipts of the announcement's period or earlier may still reserve the
		// bytes; reports of later receipts only may not.
		assert_eq!(Traffic::unclaimed_paid_bytes(&DAPP, 2), 4 << 30);
		assert_eq!(Traffic::unclaimed_paid_bytes(&DAPP, 3), 1 << 30);
		run_to(due - 1);
		assert_noop!(Traffic::withdraw_prepaid(signed()), Error::<Test>::WithdrawalNotDue);
		// A report rolling over receipts of period 1 reserved another GiB meanwhile: the DApp
		// has no other free bytes, so it takes an announced one.
		assert_eq!(Traffic::note_reservation(&DAPP, 1, 1 << 30), 1 << 30);
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
		assert_eq!(escrowed(), fee / 2, "the reserved bytes' fees stay in escrow");
		assert_eq!(Prepaid::<Test>::get(DAPP), PrepaidTraffic { bytes: 2 << 30, fees: fee / 2 });
		assert!(!Withdrawals::<Test>::contains_key(DAPP));
		assert_eq!(Traffic::unclaimed_paid_bytes(&DAPP, 99), 2 << 30);
		assert_noop!(Traffic::withdraw_prepaid(signed()), Error::<Test>::NoWithdrawal);
		// Everything reserved: nothing to announce.
		assert_noop!(Traffic::announce_withdrawal(signed()), Error::<Test>::NothingToWithdraw);
		Reserved::<Test>::remove(DAPP);
	});
}

/// Announced bytes that a report of the announcement's receipts reserves are no longer the
/// DApp's to withdraw, and traffic bought afterwards backs later reports in full: the same
/// bytes are not taken off twice. Checked failing without the defence (the attacker review):
/// without `note_reservation` the later report was backed by nothing and the withdrawal took
/// back the fresh purchase.
#[test]
fn announced_bytes_a_report_reserves_do_not_hold_back_traffic_bought_later() {
	build_and_execute(|| {
		let signed = || RuntimeOrigin::signed(DAPP);
		assert_ok!(Traffic::buy_traffic(signed(), 10));
		assert_ok!(Traffic::announce_withdrawal(signed()));
		// A report of period 0's receipts reserves all 10 GiB.
		assert_eq!(Traffic::note_reservation(&DAPP, 0, 10 << 30), 10 << 30);
		Reserved::<Test>::insert(DAPP, 10u128 << 30);
		assert_eq!(Withdrawals::<Test>::get(DAPP).map(|w| w.bytes), Some(0));
		// A report of later receipts only does not draw on the announcement.
		assert_eq!(Traffic::note_reservation(&DAPP, 1, 1), 0);
		assert_eq!(Withdrawals::<Test>::get(DAPP).map(|w| w.bytes), Some(0));
		// 10 GiB more bought later back later reports in full.
		run_to(start_of(1));
		assert_ok!(Traffic::buy_traffic(signed(), 10));
		// (What `available_paid_bytes` reads when prepaid traffic is the billing.)
		let available = Traffic::unclaimed_paid_bytes(&DAPP, 1) - Reserved::<Test>::get(DAPP);
		assert_eq!(available, 10 << 30);
		Reserved::<Test>::insert(DAPP, 20u128 << 30);
		run_to(Traffic::withdrawal_due(0));
		let free_before = free(DAPP);
		assert_ok!(Traffic::withdraw_prepaid(signed()));
		assert_eq!(free(DAPP), free_before, "nothing is the DApp's to take back");
		Reserved::<Test>::remove(DAPP);
	});
}

/// Withdrawing what reports counted meanwhile leaves less to withdraw, never an error that
/// strands the announcement; withdrawing everything pays the whole fee back (rounding dust
/// included).
#[test]
fn a_withdrawal_takes_at_most_what_is_left_and_all_of_the_fee_with_the_last_byte() {
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
		assert_eq!(escrowed(), 0);
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

/// A report of the announcement's receipts takes announced bytes only where the DApp's other
/// free bytes do not cover it, and gives them back if it is not counted: a peer's false report
/// (dropped, or failing its audit) cannot shrink a withdrawal for good (the second attacker
/// review). Checked failing without the defence: without `return_announced` the withdrawal
/// stays at zero after the report is released.
#[test]
fn announced_bytes_come_back_when_the_report_that_took_them_is_not_counted() {
	build_and_execute(|| {
		let signed = || RuntimeOrigin::signed(DAPP);
		assert_ok!(Traffic::buy_traffic(signed(), 4));
		assert_ok!(Traffic::announce_withdrawal(signed()));
		// Bought after the announcement: free bytes, which a report uses first.
		assert_ok!(Traffic::buy_traffic(signed(), 2));
		assert_eq!(Traffic::note_reservation(&DAPP, 0, 3 << 30), 1 << 30, "2 GiB free first");
		Reserved::<Test>::insert(DAPP, 3u128 << 30);
		assert_eq!(Withdrawals::<Test>::get(DAPP).map(|w| w.bytes), Some(3 << 30));
		// The report failed its audit: its reservation goes, and its announced GiB comes back.
		Reserved::<Test>::remove(DAPP);
		Traffic::return_announced(&DAPP, 0, 1 << 30);
		assert_eq!(Withdrawals::<Test>::get(DAPP).map(|w| w.bytes), Some(4 << 30));
		run_to(Traffic::withdrawal_due(0));
		let free_before = free(DAPP);
		assert_ok!(Traffic::withdraw_prepaid(signed()));
		assert_eq!(free(DAPP), free_before + 4 * GIB_FEE);
	});
}

//! Storage orders: the fee, the escrow and deposit, renewal, the end, and the holding fees.

use crate::{mock::*, *};
use frame_support::{assert_noop, assert_ok};

const ESCROW: HoldReason = HoldReason::StorageEscrow;
const ORDER_DEPOSIT: HoldReason = HoldReason::OrderDeposit;

/// `peers` are professional peers in distinct regions; `dapp` orders a 1 GB file (one SPB per
/// copy and period) and `peers` are proposed, elected and confirm in period 0.
fn held_by(dapp: AccountId, peers: &[AccountId], replicas: u8, periods: u32) -> OrderId {
	for (i, peer) in peers.iter().enumerate() {
		professional(*peer, 1_000, &[b'A' + i as u8, b'A']);
	}
	let id = order(dapp, file(1, GB), replicas, periods);
	assert_ok!(respond(SCHEDULER, id, peers));
	close_elections();
	for peer in storing(id) {
		assert_ok!(confirm(peer, id));
	}
	id
}

fn processing_fee(amount: Balance) -> Balance {
	FoundationShare::get().mul_floor(amount)
}

#[test]
fn an_order_holds_the_whole_term_and_a_deposit_and_opens_an_election() {
	test(|| {
		let before = free(DAPP);
		let id = order(DAPP, file(1, GB), 2, 5);
		assert_eq!(held(DAPP, ESCROW), 10 * SPB);
		assert_eq!(held(DAPP, ORDER_DEPOSIT), DEPOSIT);
		assert_eq!(free(DAPP), before - 10 * SPB - DEPOSIT);
		let o = Orders::<Test>::get(id).unwrap();
		assert_eq!(
			(o.replica_period_fee, o.escrow, o.terms_from, o.ends, o.attempts, o.electing),
			(SPB, 10 * SPB, 0, 5, 1, true)
		);
		assert_eq!(FileOrders::<Test>::get([1; 32], DAPP), Some(id));
		assert_eq!(Files::<Test>::get([1; 32]), Some((GB, 1)));
		assert_eq!(ElectionQueue::<Test>::get(0), Some((id, 1, 1 + WINDOW)));
		assert_eq!(
			events(),
			vec![Event::StorageOrdered {
				order: id,
				dapp: DAPP,
				file: file(1, GB),
				replicas: 2,
				ends: 5,
				paid: 10 * SPB
			}]
		);
	});
}

#[test]
fn the_period_fee_is_the_gb_month_price_per_period_rounded_up() {
	test(|| {
		assert_eq!(Scheduling::replica_period_fee(GB, 0).ok(), Some(SPB));
		assert_eq!(Scheduling::replica_period_fee(GB / 2, 0).ok(), Some(SPB / 2));
		set_price(PRICE + 1);
		// (10 SPB + 1) · 1 GB / (1 GB · 10) = 1 SPB + 0.1 planck: rounded up.
		assert_eq!(Scheduling::replica_period_fee(GB, 0).ok(), Some(SPB + 1));
		assert_eq!(Scheduling::replica_period_fee(1, 0).ok(), Some(1_001));
		set_price(0);
		assert_eq!(Scheduling::replica_period_fee(GB, 0).ok(), Some(0));
	});
}

#[test]
fn bad_orders_are_refused_and_change_nothing() {
	test(|| {
		let ok = file(1, GB);
		let call = |who, f, r, p| Scheduling::order_storage(RuntimeOrigin::signed(who), f, r, p);
		assert_noop!(call(NOBODY, ok, 1, 5), Error::<Test>::NotActiveDApp);
		assert_noop!(call(DAPP, file(1, 0), 1, 5), Error::<Test>::BadFileLength);
		assert_noop!(call(DAPP, file(1, 64 * GIB + 1), 1, 5), Error::<Test>::BadFileLength);
		assert_noop!(call(DAPP, ok, 0, 5), Error::<Test>::BadReplicas);
		assert_noop!(call(DAPP, ok, 5, 5), Error::<Test>::BadReplicas);
		assert_noop!(call(DAPP, ok, 1, 0), Error::<Test>::BadTerm);
		assert_noop!(call(DAPP, ok, 1, 101), Error::<Test>::BadTerm);
		// 5 SPB of fees and 1 of deposit from 2 SPB.
		assert_noop!(call(POOR_DAPP, ok, 1, 5), Error::<Test>::CannotPay);
		set_price(Balance::MAX / 2);
		assert_noop!(call(DAPP, ok, 1, 5), Error::<Test>::FeeOverflow);
		set_price(PRICE);
		assert_ok!(call(DAPP, ok, 1, 5));
		// One order per DApp and file: it renews instead.
		assert_noop!(call(DAPP, ok, 2, 5), Error::<Test>::AlreadyOrdered);
		// The bytes behind a hash index have one length.
		assert_noop!(call(RICH_DAPP, file(1, GB + 1), 1, 5), Error::<Test>::LengthMismatch);
		assert_eq!(held(RICH_DAPP, ESCROW) + held(RICH_DAPP, ORDER_DEPOSIT), 0);
		// Another DApp orders the same file.
		assert_ok!(call(RICH_DAPP, ok, 1, 5));
		assert_eq!(Files::<Test>::get([1; 32]), Some((GB, 2)));
	});
}

#[test]
fn a_holder_is_paid_each_whole_period_less_the_processing_fee() {
	test(|| {
		let id = held_by(DAPP, &[20], 1, 5);
		assert_noop!(
			Scheduling::claim(RuntimeOrigin::signed(20), id),
			Error::<Test>::NothingToClaim
		);
		let foundation = free(FOUNDATION);
		run_to(period_start(2));
		assert_ok!(Scheduling::claim(RuntimeOrigin::signed(20), id));
		let fee = processing_fee(2 * SPB);
		assert_eq!(fee, SPB / 100);
		assert_eq!(free(20), 2 * SPB - fee);
		assert_eq!(free(FOUNDATION), foundation + fee);
		assert_eq!(held(DAPP, ESCROW), 3 * SPB);
		assert!(events().contains(&Event::HoldingPaid {
			order: id,
			peer: 20,
			amount: 2 * SPB - fee,
			fee
		}));
		// Nothing more within the same period; a peer without a placement has nothing.
		assert_noop!(
			Scheduling::claim(RuntimeOrigin::signed(20), id),
			Error::<Test>::NothingToClaim
		);
		assert_noop!(
			Scheduling::claim(RuntimeOrigin::signed(21), id),
			Error::<Test>::NothingToClaim
		);
		// Past the end of the term it is paid up to the end only.
		run_to(period_start(9));
		assert_ok!(Scheduling::claim(RuntimeOrigin::signed(20), id));
		assert_eq!(free(20), 5 * SPB - processing_fee(2 * SPB) - processing_fee(3 * SPB));
		assert_eq!(held(DAPP, ESCROW), 0);
		assert_noop!(
			Scheduling::claim(RuntimeOrigin::signed(20), id),
			Error::<Test>::NothingToClaim
		);
	});
}

#[test]
fn renewal_pays_the_holders_and_reprices_the_rest_of_the_term() {
	test(|| {
		let id = held_by(DAPP, &[20], 1, 5);
		run_to(period_start(2));
		set_price(2 * PRICE);
		assert_ok!(Scheduling::renew(RuntimeOrigin::signed(DAPP), id, 5));
		// The holder got periods 0 and 1 at the old fee; periods 2..10 cost 2 SPB each.
		assert_eq!(free(20), 2 * SPB - processing_fee(2 * SPB));
		assert_eq!(held(DAPP, ESCROW), 16 * SPB);
		let o = Orders::<Test>::get(id).unwrap();
		assert_eq!((o.ends, o.replica_period_fee, o.terms_from), (10, 2 * SPB, 2));
		assert!(events().contains(&Event::OrderRenewed {
			order: id,
			ends: 10,
			paid: 13 * SPB,
			refunded: 0
		}));
		// A lower price does not lower what the holders agreed to.
		set_price(PRICE / 2);
		assert_ok!(Scheduling::renew(RuntimeOrigin::signed(DAPP), id, 5));
		assert_eq!(Orders::<Test>::get(id).unwrap().replica_period_fee, 2 * SPB);
		assert_eq!(held(DAPP, ESCROW), 26 * SPB);
		assert!(events().contains(&Event::OrderRenewed {
			order: id,
			ends: 15,
			paid: 10 * SPB,
			refunded: 0
		}));
	});
}

#[test]
fn bad_renewals_are_refused() {
	test(|| {
		let id = held_by(DAPP, &[20], 1, 5);
		let renew = |who, periods| Scheduling::renew(RuntimeOrigin::signed(who), id, periods);
		assert_noop!(renew(RICH_DAPP, 1), Error::<Test>::NotOrderOwner);
		assert_noop!(renew(DAPP, 0), Error::<Test>::BadTerm);
		assert_noop!(renew(DAPP, 96), Error::<Test>::BadTerm);
		assert_noop!(
			Scheduling::renew(RuntimeOrigin::signed(DAPP), 9, 1),
			Error::<Test>::UnknownOrder
		);
		assert_ok!(renew(DAPP, 95));
		run_to(period_start(100));
		assert_noop!(renew(DAPP, 1), Error::<Test>::OrderExpired);
	});
}

#[test]
fn ending_early_pays_the_holders_to_the_end_of_the_period_and_refunds_the_rest() {
	test(|| {
		let id = held_by(DAPP, &[20, 21], 2, 5);
		assert_eq!(Committed::<Test>::get(20), GB);
		run_to(period_start(3));
		let before = free(DAPP);
		assert_noop!(
			Scheduling::end_order(RuntimeOrigin::signed(NOBODY), id),
			Error::<Test>::NotOrderOwner
		);
		assert_ok!(Scheduling::end_order(RuntimeOrigin::signed(DAPP), id));
		// Periods 0 to 3: the period in which the order ends counts.
		for peer in [20, 21] {
			assert_eq!(free(peer), 4 * SPB - processing_fee(4 * SPB));
			assert_eq!(Committed::<Test>::get(peer), 0);
			assert!(!PeerOrders::<Test>::contains_key(peer, id));
		}
		assert_eq!(free(DAPP), before + 2 * SPB + DEPOSIT);
		assert_eq!(held(DAPP, ESCROW) + held(DAPP, ORDER_DEPOSIT), 0);
		assert!(Orders::<Test>::get(id).is_none());
		assert!(Placements::<Test>::get(id).is_empty());
		assert!(!FileOrders::<Test>::contains_key([1; 32], DAPP));
		assert!(!Files::<Test>::contains_key([1; 32]));
		assert!(events().contains(&Event::OrderEnded { order: id, refunded: 2 * SPB }));
	});
}

#[test]
fn anyone_reaps_an_expired_order_and_only_then() {
	test(|| {
		let id = held_by(DAPP, &[20], 1, 5);
		run_to(period_start(4));
		assert_noop!(
			Scheduling::reap(RuntimeOrigin::signed(NOBODY), id),
			Error::<Test>::OrderNotExpired
		);
		run_to(period_start(8));
		let before = free(DAPP);
		assert_ok!(Scheduling::reap(RuntimeOrigin::signed(NOBODY), id));
		assert_eq!(free(20), 5 * SPB - processing_fee(5 * SPB));
		assert_eq!(free(DAPP), before + DEPOSIT);
		assert!(Orders::<Test>::get(id).is_none());
		assert_noop!(
			Scheduling::reap(RuntimeOrigin::signed(NOBODY), id),
			Error::<Test>::UnknownOrder
		);
	});
}

#[test]
fn copies_never_placed_are_refunded_when_the_order_ends() {
	test(|| {
		// Two copies ordered, one peer exists: one slot stays empty through every attempt.
		let id = held_by(DAPP, &[20], 2, 5);
		assert_eq!(storing(id), vec![20]);
		run_to(period_start(1));
		let o = Orders::<Test>::get(id).unwrap();
		assert_eq!((o.attempts, o.electing), (3, false));
		run_to(period_start(6));
		let before = free(DAPP);
		assert_ok!(Scheduling::reap(RuntimeOrigin::signed(NOBODY), id));
		assert_eq!(free(20), 5 * SPB - processing_fee(5 * SPB));
		assert_eq!(free(DAPP), before + 5 * SPB + DEPOSIT);
		assert!(events().contains(&Event::OrderEnded { order: id, refunded: 5 * SPB }));
	});
}

#[test]
fn an_order_nobody_can_place_ends_with_a_full_refund() {
	test(|| {
		let before = free(DAPP);
		let id = order(DAPP, file(1, GB), 1, 5);
		for attempt in 1..=3u8 {
			assert_eq!(Orders::<Test>::get(id).unwrap().attempts, attempt);
			close_elections();
			assert!(events().contains(&Event::NoCandidates { order: id, attempt }));
		}
		assert!(Orders::<Test>::get(id).is_none());
		assert_eq!(free(DAPP), before);
		assert!(events().contains(&Event::OrderEnded { order: id, refunded: 5 * SPB }));
	});
}

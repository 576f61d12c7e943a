//! Contested bytes (issue 14, the first review's front-running point): paid bytes that other
//! pending reports reserved first are still claimed, audited, and counted at settlement from
//! whatever reservations failed or dropped reports freed, in rank order, never from a passed
//! report's reservation.

use crate::{mock::*, *};
use frame_support::{assert_noop, assert_ok};

/// A liar's node whose receipts for [`DAPP`] no client key of the DApp signed (client 9).
fn liar(peer: AccountId, bytes: u64) -> Node {
	register_peer(peer);
	let mut node = Node::new(peer);
	node.serve(0, peer as u8, DAPP, 9, bytes);
	node
}

/// The attack: a report sent at the window's opening (or ordered first by its packer) reserves
/// most of a DApp's paid bytes with forged receipts. The honest peer that served the DApp
/// claims all its receipts anyway; the liar fails its audit, and the honest peer is counted
/// for everything it served, from the freed reservation.
///
/// How it was checked: with contested bytes never counted (`claimable_of` returning only the
/// backed bytes) the honest peer was counted 1 000 of its 4 000 bytes, and the 3 000 others were
/// lost with its claimed period.
#[test]
fn a_report_sent_first_with_forged_receipts_does_not_cost_an_honest_peer_its_receipts() {
	build_and_execute(|| {
		let honest = honest_node(1, 0, 4_000);
		let forged = liar(2, 3_000);
		run_to_report_window(0);
		assert_ok!(forged.submit(0, 0));
		assert_ok!(honest.submit(0, 0));
		let record = Reports::<Test>::get(0, 1).unwrap();
		assert_eq!((record.backed.to_vec(), record.contested.to_vec()), (vec![1_000], vec![3_000]));
		assert!(!events().iter().any(|e| matches!(e, Event::UnpaidTrafficClaimed { .. })));
		run_to_first_audit(0);
		assert_ok!(honest.answer_audit(0));
		run_to_settled(0);
		let explained = Traffic::explain_reward(&1, 0).unwrap();
		assert_eq!((explained.counted, explained.rank), (4_000, Some(1)));
		assert!(!explained.unpaid_claimed);
		assert_eq!(unclaimed(DAPP), 0);
		assert_eq!(penalties(), vec![(2, PenaltyReason::AuditFailed)]);
	});
}

/// Contested bytes come only from what no pending report holds: a passed report ranked below
/// the contesting one still counts all it reserved.
///
/// How it was checked: counting contested bytes from the DApp's unclaimed bytes (ignoring the
/// other reservations) let peer 4 take peer 5's reservation, whose count then tripped the
/// defensive check.
#[test]
fn contested_bytes_never_take_a_passed_reports_reservation() {
	build_and_execute(|| {
		// Peer 5 reserves 500, peer 1 3 000, the liar 2 000; peer 4, which served 3 000, finds
		// 500 left of 6 000, and ranks above peer 5 (equal bytes, smaller account): it is
		// counted first, and the liar's 2 000 freed bytes are all it may add.
		let small = honest_node(5, 0, 500);
		let big = honest_node(1, 0, 3_000);
		let forged = liar(2, 2_000);
		register_peer(4);
		let mut contesting = Node::new(4);
		contesting.serve(0, 4, DAPP, 0, 3_000);
		pay_for(DAPP, 2_500, 1);
		assert_eq!(unclaimed(DAPP), 6_000);
		run_to_report_window(0);
		for node in [&small, &big, &forged, &contesting] {
			assert_ok!(node.submit(0, 0));
		}
		let record = Reports::<Test>::get(0, 4).unwrap();
		assert_eq!((record.backed.to_vec(), record.contested.to_vec()), (vec![500], vec![2_500]));
		run_to_first_audit(0);
		for node in [&small, &big, &contesting] {
			assert_ok!(node.answer_audit(0));
		}
		run_to_settled(0);
		let counted = |peer| Traffic::explain_reward(&peer, 0).unwrap().counted;
		assert_eq!((counted(1), counted(5), counted(4)), (3_000, 500, 2_500));
		assert!(Traffic::explain_reward(&4, 0).unwrap().unpaid_claimed);
		assert_eq!(unclaimed(DAPP), 0);
	});
}

/// Freed bytes go to the contesting reports in rank order: the higher-ranked one is counted in
/// full, the next gets what is left and is told its claim was cut.
#[test]
fn contested_bytes_go_to_the_higher_ranked_report_first() {
	build_and_execute(|| {
		// The DApp paid for 3 000 bytes; the liar reserves 2 000 of them.
		let forged = liar(2, 2_000);
		let first = honest_node(1, 0, 2_500);
		pay_for(DAPP, 500, 1);
		// Peer 3 also served 1 000 bytes of the DApp (which signed more than it paid for), and
		// 100 of DApp 2, which back its report.
		register_peer(3);
		let mut second = Node::new(3);
		second.serve(0, 3, DAPP, 0, 1_000);
		authorize(DAPP_2, 1);
		pay_for(DAPP_2, 100, 1);
		second.serve(0, 30, DAPP_2, 1, 100);
		assert_eq!(unclaimed(DAPP), 3_000);
		run_to_report_window(0);
		assert_ok!(forged.submit(0, 0));
		assert_ok!(first.submit(0, 0));
		assert_ok!(second.submit(0, 0));
		assert_eq!(Reports::<Test>::get(0, 1).unwrap().contested.to_vec(), vec![1_500]);
		// Per DApp in `per_dapp` order: DAPP (40), then DAPP_2 (41).
		let record = Reports::<Test>::get(0, 3).unwrap();
		assert_eq!(
			(record.backed.to_vec(), record.contested.to_vec()),
			(vec![0, 100], vec![1_000, 0])
		);
		run_to_first_audit(0);
		assert_ok!(first.answer_audit(0));
		assert_ok!(second.answer_audit(0));
		run_to_settled(0);
		let first = Traffic::explain_reward(&1, 0).unwrap();
		assert_eq!((first.counted, first.unpaid_claimed), (2_500, false));
		let second = Traffic::explain_reward(&3, 0).unwrap();
		assert_eq!((second.counted, second.unpaid_claimed), (100 + 500, true));
		assert_eq!(unclaimed(DAPP), 0);
	});
}

/// Contested bytes are audited like backed ones: forged receipts hidden in them fail the
/// report, so a liar cannot wait behind honest reservations for bytes to be freed.
///
/// How it was checked: with the samples drawn over the backed bytes only, every sample fell on
/// the one genuine byte and the report passed.
#[test]
fn forged_receipts_in_contested_bytes_fail_the_audit() {
	build_and_execute(|| {
		let honest = honest_node(1, 0, 999_999);
		pay_for(DAPP, 1, 1);
		register_peer(2);
		let mut liar = Node::new(2);
		liar.serve(0, 2, DAPP, 0, 1);
		liar.serve(0, 3, DAPP, 9, 999_999);
		run_to_report_window(0);
		assert_ok!(honest.submit(0, 0));
		assert_ok!(liar.submit(0, 0));
		let record = Reports::<Test>::get(0, 2).unwrap();
		assert_eq!((record.backed.to_vec(), record.contested.to_vec()), (vec![1], vec![999_999]));
		run_to_first_audit(0);
		assert!(Traffic::audit_positions(0, &2, 1).iter().any(|p| *p >= 1), "contested sampled");
		assert_noop!(liar.answer_audit(0), Error::<Test>::ClientKeyNotAuthorized);
		assert_ok!(honest.answer_audit(0));
		run_to_settled(0);
		assert_eq!(Traffic::explain_reward(&2, 0).unwrap().audit, AuditStatus::Failed);
		assert_eq!(Traffic::explain_reward(&1, 0).unwrap().counted, 999_999);
	});
}

/// A report that nothing backs now is still refused, contested bytes or not: one DApp's paid
/// bytes cannot admit a set full of sybils (finding 1). Its receipts roll over.
#[test]
fn a_report_with_only_contested_bytes_is_refused_and_rolls_over() {
	build_and_execute(|| {
		let honest = honest_node(1, 0, 4_000);
		let forged = liar(2, 4_000);
		run_to_report_window(0);
		assert_ok!(forged.submit(0, 0));
		assert_noop!(honest.submit(0, 0), Error::<Test>::NotPaidFor);
		run_to_settled(0);
		report_and_settle(1, &[(&honest, 0)]);
		assert_eq!(Traffic::explain_reward(&1, 1).unwrap().counted, 4_000);
	});
}

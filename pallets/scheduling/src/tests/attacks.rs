//! Attacks (`docs/security.md`, "Scheduling"): forged and replayed responses and confirmations,
//! floods, oversized input, self-dealing.

use crate::{mock::*, *};
use codec::{Decode, Encode};
use frame_support::{assert_noop, assert_ok};

#[test]
fn a_response_cannot_be_replayed_into_a_later_election_or_relabelled() {
	test(|| {
		professional(20, 1_000, b"SG");
		let id = order(DAPP, file(1, GB), 1, 5);
		let (old, old_signature) = signed_response(SCHEDULER, id, 1, &[20]);
		close_elections(); // no response: the election reopens as attempt 2
		assert_eq!(Orders::<Test>::get(id).unwrap().attempts, 2);
		assert_noop!(
			Scheduling::respond(
				frame_system::RawOrigin::Authorized.into(),
				old.clone(),
				old_signature.clone()
			),
			Error::<Test>::NoOpenElection
		);
		let mut relabelled = old;
		relabelled.attempt = 2;
		assert_noop!(
			Scheduling::respond(
				frame_system::RawOrigin::Authorized.into(),
				relabelled,
				old_signature
			),
			Error::<Test>::BadSignature
		);
	});
}

#[test]
fn a_peer_that_missed_is_not_elected_again_and_its_late_confirmation_is_refused() {
	test(|| {
		professional(20, 1_000, b"SG");
		professional(21, 1_000, b"DE");
		let id = order(DAPP, file(1, GB), 1, 5);
		assert_ok!(respond(SCHEDULER, id, &[20]));
		close_elections();
		// Signed in time but held back until the deadline passed.
		let (late, late_signature) = signed_confirmation(20, id);
		run_to(late.deadline + 1);
		assert!(storing(id).is_empty());
		assert!(Missed::<Test>::contains_key(id, 20));
		// Proposed again, 20 is passed over for 21.
		assert_ok!(respond(SCHEDULER, id, &[20, 21]));
		close_elections();
		assert_eq!(storing(id), vec![21]);
		assert_noop!(
			Scheduling::confirm_stored(
				frame_system::RawOrigin::Authorized.into(),
				late,
				late_signature
			),
			Error::<Test>::NotFetching
		);
		// The order's end forgets who missed.
		assert_ok!(Scheduling::end_order(RuntimeOrigin::signed(DAPP), id));
		assert!(!Missed::<Test>::contains_key(id, 20));
	});
}

#[test]
fn a_dapp_and_a_scheduler_together_get_back_at_most_the_processing_fee() {
	test(|| {
		// One operator runs DAPP, SCHEDULER and peer 20; it orders a large file, confirms and
		// ends the order at once, hoping for the period's whole scheduling share.
		assert_ok!(Scheduling::set_reward_cap(
			RuntimeOrigin::root(),
			Some(sp_runtime::Perbill::from_parts(5_000_000))
		));
		professional(20, 100_000, b"SG");
		let operator = || free(RICH_DAPP) + free(SCHEDULER) + free(20);
		let start = operator();
		let id = order(RICH_DAPP, file(1, 64 * GIB), 4, 100);
		assert_ok!(respond(SCHEDULER, id, &[20]));
		close_elections();
		assert_ok!(confirm(20, id));
		assert_ok!(Scheduling::end_order(RuntimeOrigin::signed(RICH_DAPP), id));
		// The holder was paid one period; the scheduler is credited with what was paid.
		let paid = Scheduling::replica_period_fee(64 * GIB, 0).unwrap();
		assert_eq!(Credits::<Test>::get(0).into_inner(), vec![(SCHEDULER, paid)]);
		run_to(period_start(1));
		let fee = FoundationShare::get().mul_floor(paid);
		let reward = sp_runtime::Perbill::from_parts(5_000_000).mul_floor(paid);
		assert_eq!(pool_payouts(), vec![(SCHEDULER, reward)]);
		assert!(reward < SCHEDULING_SHARE);
		// What the operator got back from the pool is what the foundation took, to a planck.
		assert!(operator() <= start);
		assert!(start - operator() <= fee - reward + 1);
	});
}

#[test]
fn a_dapp_whose_funds_are_locked_still_pays_its_holders() {
	test(|| {
		use frame_support::traits::{LockableCurrency, WithdrawReasons};
		professional(20, 1_000, b"SG");
		let id = order(DAPP, file(1, GB), 1, 5);
		// Everything it has is locked (a vesting schedule, say).
		Balances::set_lock(*b"vesting ", &DAPP, 1_000 * SPB, WithdrawReasons::all());
		assert_ok!(respond(SCHEDULER, id, &[20]));
		close_elections();
		assert_ok!(confirm(20, id));
		run_to(period_start(2));
		assert_ok!(Scheduling::claim(RuntimeOrigin::signed(20), id));
		assert_eq!(free(20), 2 * SPB - FoundationShare::get().mul_floor(2 * SPB));
		assert_eq!(held(DAPP, HoldReason::StorageEscrow), 3 * SPB);
	});
}

#[test]
fn an_expired_order_takes_no_confirmation_and_elects_nobody() {
	test(|| {
		professional(20, 1_000, b"SG");
		professional(21, 1_000, b"DE");
		// One period, ordered late in period 0: the election closes in period 1.
		run_to(period_start(1) - WINDOW);
		let before = free(DAPP);
		let id = order(DAPP, file(1, GB), 1, 1);
		assert_ok!(respond(SCHEDULER, id, &[20, 21]));
		close_elections();
		// Nobody elected after the term, no election reopened: it ends with a full refund.
		assert!(Orders::<Test>::get(id).is_none());
		assert_eq!(free(DAPP), before);
		assert!(events().iter().all(|e| !matches!(e, Event::PlacementsElected { .. })));
	});
}

#[test]
fn responses_are_bounded_per_election() {
	test(|| {
		professional(20, 1_000, b"SG");
		for s in 12..=14 {
			add_scheduler(s);
		}
		let id = order(DAPP, file(1, GB), 1, 5);
		for s in [SCHEDULER, SCHEDULER_2, 12, 13] {
			assert_ok!(respond(s, id, &[20]));
		}
		assert_noop!(respond(14, id, &[20]), Error::<Test>::TooManyResponses);
	});
}

#[test]
fn an_oversized_response_does_not_decode() {
	test(|| {
		let id = order(DAPP, file(1, GB), 1, 5);
		// The same encoding as a response, with nine candidates where eight fit.
		let oversized = (id, 1u8, SCHEDULER, (20u64..29).collect::<Vec<_>>());
		let (_, signature) = signed_response(SCHEDULER, id, 1, &[20]);
		let mut call = vec![3u8]; // Call::respond
		call.extend(oversized.encode());
		call.extend(signature.encode());
		assert!(Call::<Test>::decode(&mut &call[..]).is_err());
		// Eight decode.
		let fits = (id, 1u8, SCHEDULER, (20u64..28).collect::<Vec<_>>());
		let mut call = vec![3u8];
		call.extend(fits.encode());
		call.extend(signature.encode());
		assert!(Call::<Test>::decode(&mut &call[..]).is_ok());
	});
}

#[test]
fn storing_with_ones_own_peer_returns_less_than_it_cost() {
	test(|| {
		// DAPP's operator also runs peer 20 and schedules nothing.
		professional(20, 1_000, b"SG");
		let start = free(DAPP) + free(20);
		let id = order(DAPP, file(1, GB), 1, 10);
		assert_ok!(respond(SCHEDULER, id, &[20]));
		close_elections();
		assert_ok!(confirm(20, id));
		run_to(period_start(10));
		assert_ok!(Scheduling::reap(RuntimeOrigin::signed(20), id));
		let fee = FoundationShare::get().mul_floor(10 * SPB);
		assert_eq!(free(DAPP) + free(20), start - fee);
		// The pool paid only the scheduling peer, which is not the operator's.
		assert!(pool_payouts().iter().all(|(who, _)| *who == SCHEDULER));
	});
}

#[test]
fn only_admitted_scheduling_peers_are_credited() {
	test(|| {
		professional(20, 1_000, b"SG");
		let id = order(DAPP, file(1, GB), 1, 5);
		// A DApp, a peer, anybody: not a scheduling peer, no response, no credit.
		for who in [DAPP, 20, NOBODY] {
			assert_noop!(respond(who, id, &[20]), Error::<Test>::NotScheduler);
		}
		close_elections();
		assert!(storing(id).is_empty());
		assert!(Credits::<Test>::iter().next().is_none());
	});
}

#[test]
fn a_dapp_that_left_cannot_order() {
	test(|| {
		unregister_dapp(DAPP);
		assert_noop!(
			Scheduling::order_storage(RuntimeOrigin::signed(DAPP), file(1, GB), 1, 5),
			Error::<Test>::NotActiveDApp
		);
	});
}

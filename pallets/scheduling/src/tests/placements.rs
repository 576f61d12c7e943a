//! Execution: confirmations, deadlines, reserves taking over, and the views the nodes and the
//! SDK read.

use crate::{mock::*, *};
use frame_support::{assert_noop, assert_ok};

/// Peers 20..=23 in four regions, storage decreasing; `DAPP` orders a 1 GB file in two copies
/// and the election picks 20 and 21 to store, 22 and 23 as reserves.
fn elected() -> OrderId {
	set_seed([0; 32]);
	for (i, (peer, region)) in
		[(20, b"SG"), (21, b"DE"), (22, b"US"), (23, b"BR")].into_iter().enumerate()
	{
		professional(peer, 100_000 - 20_000 * i as u32, region);
	}
	let id = order(DAPP, file(1, GB), 2, 5);
	assert_ok!(respond(SCHEDULER, id, &[20, 21, 22, 23]));
	close_elections();
	assert_eq!((storing(id), reserves(id)), (vec![20, 21], vec![22, 23]));
	id
}

fn status(id: OrderId, peer: AccountId) -> Option<PlacementStatus<u64>> {
	Placements::<Test>::get(id).iter().find(|p| p.peer == peer).map(|p| p.status)
}

#[test]
fn a_storing_peer_confirms_once_with_its_key_before_its_deadline() {
	test(|| {
		let id = elected();
		// A reserve, a stranger, another peer's key: refused.
		assert_noop!(confirm(22, id), Error::<Test>::NotFetching);
		assert_noop!(confirm(30, id), Error::<Test>::NotFetching);
		let (confirmation, _) = signed_confirmation(20, id);
		let (_, by_21) = signed_confirmation(21, id);
		assert_noop!(
			Scheduling::confirm_stored(
				frame_system::RawOrigin::Authorized.into(),
				confirmation.clone(),
				by_21
			),
			Error::<Test>::BadSignature
		);
		// A confirmation naming another deadline is not this placement's.
		let mut other = confirmation.clone();
		other.deadline += 1;
		let (_, signature) = signed_confirmation(20, id);
		assert_noop!(
			Scheduling::confirm_stored(
				frame_system::RawOrigin::Authorized.into(),
				other,
				signature
			),
			Error::<Test>::NotFetching
		);
		assert_ok!(confirm(20, id));
		assert_eq!(status(id, 20), Some(PlacementStatus::Holding { since: 0, paid_through: 0 }));
		assert!(events().contains(&Event::PlacementConfirmed { order: id, peer: 20 }));
		// Once only.
		assert_noop!(confirm(20, id), Error::<Test>::NotFetching);
		assert_noop!(
			Scheduling::confirm_stored(
				RuntimeOrigin::none(),
				confirmation,
				signed_confirmation(20, id).1
			),
			sp_runtime::DispatchError::BadOrigin
		);
	});
}

#[test]
fn a_confirmation_after_the_deadline_is_refused() {
	test(|| {
		let id = elected();
		let (confirmation, signature) = signed_confirmation(21, id);
		run_to(confirmation.deadline + 1);
		assert_noop!(
			Scheduling::confirm_stored(
				frame_system::RawOrigin::Authorized.into(),
				confirmation,
				signature
			),
			Error::<Test>::NotFetching
		);
	});
}

#[test]
fn a_peer_that_misses_its_deadline_loses_the_slot_to_the_next_reserve() {
	test(|| {
		let id = elected();
		assert_ok!(confirm(20, id));
		let deadline = 1 + WINDOW + CONFIRM;
		run_to(deadline);
		assert_eq!(storing(id), vec![20, 21], "the deadline's own block still counts");
		run_to(deadline + 1);
		assert_eq!(storing(id), vec![20, 22]);
		assert_eq!(reserves(id), vec![23]);
		assert_eq!(
			status(id, 22),
			Some(PlacementStatus::Fetching { deadline: deadline + 1 + CONFIRM })
		);
		assert_eq!(Committed::<Test>::get(21), 0);
		assert_eq!(Committed::<Test>::get(22), GB);
		assert!(!PeerOrders::<Test>::contains_key(21, id));
		assert!(events().contains(&Event::PlacementMissed { order: id, peer: 21 }));
		assert!(events().contains(&Event::ReservePromoted { order: id, peer: 22 }));
		// The promoted reserve confirms in its own window.
		assert_ok!(confirm(22, id));
		assert_eq!(status(id, 20), Some(PlacementStatus::Holding { since: 0, paid_through: 0 }));
	});
}

#[test]
fn a_reserve_that_no_longer_qualifies_is_passed_over() {
	test(|| {
		let id = elected();
		assert_ok!(confirm(20, id));
		unregister_professional(22);
		run_to(1 + WINDOW + CONFIRM + 1);
		assert_eq!(storing(id), vec![20, 23]);
		assert!(reserves(id).is_empty());
		assert!(!PeerOrders::<Test>::contains_key(22, id));
	});
}

#[test]
fn with_no_reserve_left_the_empty_slot_gets_a_new_election() {
	test(|| {
		let id = elected();
		// Nobody confirms: both storing peers miss, both reserves step in and miss too.
		let first = 1 + WINDOW + CONFIRM;
		run_to(first + 1);
		assert_eq!(storing(id), vec![22, 23]);
		run_to(first + 1 + CONFIRM + 1);
		assert!(storing(id).is_empty());
		let o = Orders::<Test>::get(id).unwrap();
		assert_eq!((o.attempts, o.electing), (2, true));
		assert!(events().contains(&Event::ElectionReopened { order: id, attempt: 2 }));
		// The peers that missed are passed over; a new one takes the slot.
		professional(24, 1_000, b"JP");
		assert_ok!(respond(SCHEDULER_2, id, &[21, 24]));
		close_elections();
		assert_eq!(storing(id), vec![24]);
	});
}

#[test]
fn deadlines_are_checked_in_batches() {
	test(|| {
		for peer in [20, 21, 22] {
			professional(peer, 1_000, b"SG");
		}
		// Four orders of three copies on the only three peers: six deadlines in each of two
		// blocks, five checked per block.
		DeadlineBatch::set(5);
		let ids: Vec<OrderId> = (0..4u8).map(|i| order(RICH_DAPP, file(i, GB), 3, 5)).collect();
		for id in &ids {
			assert_ok!(respond(SCHEDULER, *id, &[20, 21, 22]));
		}
		run_to(2 + WINDOW);
		let missed =
			|| events().iter().filter(|e| matches!(e, Event::PlacementMissed { .. })).count();
		let queued = || {
			let (head, tail) = DeadlineQueueBounds::<Test>::get();
			tail - head
		};
		let deadline = 1 + WINDOW + CONFIRM;
		assert_eq!(queued(), 12);
		for (block, expected) in [(5, 7), (10, 2), (12, 0)].into_iter().enumerate() {
			run_to(deadline + 1 + block as u64);
			assert_eq!((missed(), queued() as usize), expected);
		}
	});
}

#[test]
fn common_peers_back_up_what_their_professional_peer_holds_within_their_storage() {
	test(|| {
		let first = elected();
		// A second file on peer 20, ordered later; both held once confirmed.
		let second = order(RICH_DAPP, file(2, GB), 2, 5);
		assert_ok!(respond(SCHEDULER, second, &[20, 21]));
		close_elections();
		attach_common(40, 20, 1);
		attach_common(41, 20, 2);
		attach_common(42, 21, 5);
		// Nothing held yet: nothing to back up, and no backup is listed for a file.
		assert_eq!(Scheduling::backup_tasks(&40), Some((20, vec![])));
		assert!(Scheduling::backups([1; 32]).is_empty());
		assert_ok!(confirm(20, first));
		assert_ok!(confirm(20, second));
		// 1 GiB holds the older order's 1 GB file only; 2 GiB holds both.
		assert_eq!(Scheduling::backup_tasks(&40), Some((20, vec![file(1, GB)])));
		assert_eq!(Scheduling::backup_tasks(&41), Some((20, vec![file(1, GB), file(2, GB)])));
		// Peer 21 holds nothing yet; an account attached to no one keeps nothing.
		assert_eq!(Scheduling::backup_tasks(&42), Some((21, vec![])));
		assert_eq!(Scheduling::backup_tasks(&43), None);
		// The backups of a file are the confirmed holders' commons, with their endpoints.
		let listed = Scheduling::backups([1; 32]);
		let commons: Vec<(AccountId, AccountId)> =
			listed.iter().map(|b| (b.common, b.professional)).collect();
		assert_eq!(commons, vec![(40, 20), (41, 20)]);
		assert_eq!(listed[0].endpoint, b"http://127.0.0.1:9040".to_vec());
		assert_ok!(confirm(21, first));
		let commons: Vec<AccountId> =
			Scheduling::backups([1; 32]).iter().map(|b| b.common).collect();
		assert_eq!(commons, vec![40, 41, 42]);
		// Past the term: nothing to back up, nobody listed.
		run_to(period_start(5));
		assert_eq!(Scheduling::backup_tasks(&41), Some((20, vec![])));
		assert!(Scheduling::backups([1; 32]).is_empty());
	});
}

#[test]
fn backups_are_bounded_per_professional_peer_and_in_all() {
	test(|| {
		let id = elected();
		assert_ok!(confirm(20, id));
		assert_ok!(confirm(21, id));
		for i in 0..40u64 {
			attach_common(100 + i, 20, 1);
			attach_common(200 + i, 21, 1);
		}
		let listed = Scheduling::backups([1; 32]);
		let of = |pro: AccountId| listed.iter().filter(|b| b.professional == pro).count();
		assert_eq!(of(20), views::MAX_BACKUPS_PER_PROFESSIONAL as usize);
		assert_eq!(of(21), views::MAX_BACKUPS_PER_PROFESSIONAL as usize);
		assert!(listed.len() <= views::MAX_LISTED_BACKUPS);
	});
}

#[test]
fn holders_lists_a_files_storing_peers_confirmed_first() {
	test(|| {
		let id = elected();
		assert_ok!(confirm(21, id));
		let holders = Scheduling::holders([1; 32]);
		assert_eq!(
			holders,
			vec![
				HolderView {
					peer: 21,
					order: id,
					slot: 1,
					confirmed: true,
					endpoint: b"http://127.0.0.1:9021".to_vec()
				},
				HolderView {
					peer: 20,
					order: id,
					slot: 0,
					confirmed: false,
					endpoint: b"http://127.0.0.1:9020".to_vec()
				},
			]
		);
		assert!(Scheduling::holders([9; 32]).is_empty());
		let tasks = Scheduling::tasks_of(&22);
		assert_eq!(tasks, vec![(id, file(1, GB), PlacementStatus::Reserve)]);
		// An expired order lists no holders, and is no peer's task (its replicas may go).
		run_to(period_start(5));
		assert!(Scheduling::holders([1; 32]).is_empty());
		assert!(Scheduling::tasks_of(&22).is_empty());
		assert!(Scheduling::tasks_of(&20).is_empty());
	});
}

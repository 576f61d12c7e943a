//! Elections: the scheduling peers' responses, the pick by the rule at the close, and token
//! priority when elections compete for a peer's room.

use crate::{mock::*, *};
use frame_support::{assert_noop, assert_ok, pallet_prelude::Authorize};
use sp_runtime::transaction_validity::{InvalidTransaction, TransactionSource};

#[test]
fn a_response_is_kept_once_per_scheduler_and_election() {
	test(|| {
		professional(20, 1_000, b"SG");
		let id = order(DAPP, file(1, GB), 1, 5);
		assert_ok!(respond(SCHEDULER, id, &[20]));
		assert_noop!(respond(SCHEDULER, id, &[20]), Error::<Test>::DuplicateResponse);
		assert_ok!(respond(SCHEDULER_2, id, &[20]));
		assert_eq!(Responses::<Test>::get(id).len(), 2);
		assert!(events().contains(&Event::ResponseAccepted {
			order: id,
			attempt: 1,
			scheduler: SCHEDULER,
			candidates: 1
		}));
		close_elections();
		assert!(Responses::<Test>::get(id).is_empty());
		// The election closed: a late response is refused.
		assert_noop!(respond(SCHEDULER, id, &[20]), Error::<Test>::NoOpenElection);
	});
}

#[test]
fn bad_responses_are_refused() {
	test(|| {
		professional(20, 1_000, b"SG");
		professional(21, 1_000, b"SG");
		let id = order(DAPP, file(1, GB), 1, 5);
		assert_noop!(respond(NOBODY, id, &[20]), Error::<Test>::NotScheduler);
		assert_noop!(respond(SCHEDULER, id, &[]), Error::<Test>::BadCandidates);
		assert_noop!(respond(SCHEDULER, id, &[20, 21, 20]), Error::<Test>::BadCandidates);
		assert_noop!(respond(SCHEDULER, id + 1, &[20]), Error::<Test>::NoOpenElection);
		let (response, _) = signed_response(SCHEDULER, id, 2, &[20]);
		let (_, signature) = signed_response(SCHEDULER, id, 2, &[20]);
		assert_noop!(
			Scheduling::respond(frame_system::RawOrigin::Authorized.into(), response, signature),
			Error::<Test>::NoOpenElection
		);
		// Signed by another key, or signed for other candidates.
		let (response, _) = signed_response(SCHEDULER, id, 1, &[20]);
		let (_, other) = signed_response(SCHEDULER_2, id, 1, &[20]);
		assert_noop!(
			Scheduling::respond(
				frame_system::RawOrigin::Authorized.into(),
				response.clone(),
				other
			),
			Error::<Test>::BadSignature
		);
		let (_, for_21) = signed_response(SCHEDULER, id, 1, &[21]);
		assert_noop!(
			Scheduling::respond(frame_system::RawOrigin::Authorized.into(), response, for_21),
			Error::<Test>::BadSignature
		);
		// A scheduling peer that left may not answer.
		unregister_scheduler(SCHEDULER_2);
		assert_noop!(respond(SCHEDULER_2, id, &[20]), Error::<Test>::NotScheduler);
		// Signed calls are not authorized calls.
		let (response, signature) = signed_response(SCHEDULER, id, 1, &[20]);
		assert!(Scheduling::respond(RuntimeOrigin::signed(SCHEDULER), response, signature).is_err());
	});
}

#[test]
fn the_pool_takes_one_response_per_scheduler_and_election() {
	test(|| {
		professional(20, 1_000, b"SG");
		let id = order(DAPP, file(1, GB), 1, 5);
		let (response, signature) = signed_response(SCHEDULER, id, 1, &[20]);
		let call =
			Call::<Test>::respond { response: response.clone(), signature: signature.clone() };
		let (valid, _) = call.authorize(TransactionSource::External).unwrap().unwrap();
		assert_eq!(valid.provides.len(), 1);
		assert_eq!(valid.longevity, WINDOW);
		let (_, bad) = signed_response(SCHEDULER_2, id, 1, &[20]);
		let forged = Call::<Test>::respond { response, signature: bad };
		assert_eq!(
			forged.authorize(TransactionSource::External).unwrap().unwrap_err(),
			InvalidTransaction::BadProof.into()
		);
		assert_ok!(Scheduling::respond(
			frame_system::RawOrigin::Authorized.into(),
			signed_response(SCHEDULER, id, 1, &[20]).0,
			signature
		));
		assert_eq!(
			call.authorize(TransactionSource::External).unwrap().unwrap_err(),
			InvalidTransaction::Stale.into()
		);
	});
}

#[test]
fn the_close_picks_storing_peers_and_reserves_by_the_rule_whatever_the_proposal_order() {
	test(|| {
		set_seed([0; 32]);
		// Storage decides: 20 > 21 > 22 > 23 > 24, all in one region, so diversity is even.
		for (i, peer) in [20, 21, 22, 23, 24].into_iter().enumerate() {
			professional(peer, 100_000 - 20_000 * i as u32, b"SG");
		}
		let id = order(DAPP, file(1, GB), 2, 5);
		// Each scheduling peer proposes a part, worst first.
		assert_ok!(respond(SCHEDULER, id, &[24, 22, 20]));
		assert_ok!(respond(SCHEDULER_2, id, &[23, 21, 20]));
		close_elections();
		assert_eq!(storing(id), vec![20, 21]);
		assert_eq!(reserves(id), vec![22, 23]);
		let placements = Placements::<Test>::get(id);
		let deadline = 1 + WINDOW + CONFIRM;
		assert_eq!(placements[0].status, PlacementStatus::Fetching { deadline });
		// Credits go to the first scheduler that proposed each peer.
		assert_eq!(placements[0].scheduler, Some(SCHEDULER));
		assert_eq!(placements[1].scheduler, Some(SCHEDULER_2));
		assert_eq!(placements[2].status, PlacementStatus::Reserve);
		assert_eq!(Committed::<Test>::get(20), GB);
		assert_eq!(Committed::<Test>::get(22), 0);
		assert!(PeerOrders::<Test>::contains_key(22, id));
		assert!(events().contains(&Event::PlacementsElected {
			order: id,
			attempt: 1,
			storing: vec![20, 21],
			reserves: vec![22, 23]
		}));
		let o = Orders::<Test>::get(id).unwrap();
		assert!(!o.electing);
	});
}

#[test]
fn proposed_reserves_compete_for_an_empty_slot_and_keep_their_place_otherwise() {
	test(|| {
		// Storage alone decides: no random factor, one region.
		Rule::<Test>::put(SchedulingRule { random: 0, ..Default::default() });
		for (peer, storage) in [(20, 100_000), (21, 80_000), (22, 60_000), (23, 40_000)] {
			professional(peer, storage, b"SG");
		}
		let id = order(DAPP, file(1, GB), 2, 5);
		assert_ok!(respond(SCHEDULER, id, &[20, 21, 22, 23]));
		close_elections();
		assert_eq!((storing(id), reserves(id)), (vec![20, 21], vec![22, 23]));
		// A third copy, as popular-file terms add one: an election for the empty slot.
		Orders::<Test>::mutate(id, |o| {
			let o = o.as_mut().unwrap();
			o.replicas = 3;
			Scheduling::open_election(id, o, System::block_number());
		});
		professional(24, 50_000, b"SG");
		professional(25, 10_000, b"SG");
		// The proposals name both reserves, two new peers and a storing peer (skipped); another
		// scheduling peer answers first this time.
		assert_ok!(respond(SCHEDULER_2, id, &[23, 24, 22, 25, 20]));
		assert_ok!(respond(SCHEDULER, id, &[24]));
		close_elections();
		// The best reserve wins the slot over the new peers and leaves the reserves; the other
		// keeps its place (not elected twice); the better new peer takes the reserve place
		// freed (two reserves in the mock).
		assert_eq!((storing(id), reserves(id)), (vec![20, 21, 22], vec![23, 24]));
		assert!(matches!(Placements::<Test>::get(id)[2].status, PlacementStatus::Fetching { .. }));
		assert_eq!(Committed::<Test>::get(22), GB);
		assert!(PeerOrders::<Test>::contains_key(22, id));
		// The moved reserve keeps the credit of the scheduling peer that found it; the new
		// reserve's goes to the first that proposed it in this election.
		let credit = |peer| {
			Placements::<Test>::get(id).iter().find(|p| p.peer == peer).and_then(|p| p.scheduler)
		};
		assert_eq!(
			(credit(22), credit(23), credit(24)),
			(Some(SCHEDULER), Some(SCHEDULER), Some(SCHEDULER_2))
		);
		assert!(events().contains(&Event::PlacementsElected {
			order: id,
			attempt: 2,
			storing: vec![22],
			reserves: vec![24]
		}));
	});
}

#[test]
fn the_chain_rescores_and_drops_what_does_not_qualify() {
	test(|| {
		professional(20, 100, b"SG");
		let mut offline = facts(20);
		offline.storage_gib = 1_000_000;
		offline.last_online_period = None;
		set_facts(21, offline);
		professional(22, 0, b"SG"); // no room
		let id = order(DAPP, file(1, GB), 1, 5);
		// 23 is not a professional peer at all.
		assert_ok!(respond(SCHEDULER, id, &[21, 22, 23, 20]));
		close_elections();
		assert_eq!(storing(id), vec![20]);
		assert!(reserves(id).is_empty());
	});
}

#[test]
fn the_random_factor_is_drawn_at_the_close_not_chosen_by_a_scheduler() {
	// Two equal peers: the seed at the close decides, not who proposed them or in what order.
	let winner = |seed: [u8; 32], scheduler: AccountId, proposal: &[AccountId]| {
		let mut won = 0;
		test(|| {
			professional(20, 1_000, b"SG");
			professional(21, 1_000, b"SG");
			let id = order(DAPP, file(1, GB), 1, 5);
			assert_ok!(respond(scheduler, id, proposal));
			set_seed(seed);
			close_elections();
			won = storing(id)[0];
		});
		won
	};
	let mut winners = std::collections::BTreeSet::new();
	for i in 0u8..16 {
		let w = winner([i; 32], SCHEDULER, &[20, 21]);
		assert_eq!(w, winner([i; 32], SCHEDULER_2, &[21, 20]), "seed {i}");
		winners.insert(w);
	}
	assert_eq!(winners, [20, 21].into());
}

#[test]
fn richer_dapps_get_a_peer_with_room_for_one_task_first() {
	test(|| {
		// Room for one 1 GB file only.
		professional(20, 1, b"SG");
		let poor = order(DAPP, file(1, GB), 1, 5);
		let rich = order(RICH_DAPP, file(2, GB), 1, 5);
		assert_ok!(respond(SCHEDULER, poor, &[20]));
		assert_ok!(respond(SCHEDULER, rich, &[20]));
		close_elections();
		assert_eq!(storing(rich), vec![20]);
		assert!(storing(poor).is_empty());
		assert!(events().contains(&Event::NoCandidates { order: poor, attempt: 1 }));
		assert!(events().contains(&Event::ElectionReopened { order: poor, attempt: 2 }));
		// The reopened election is queued and closes in its turn.
		professional(21, 1, b"DE");
		assert_ok!(respond(SCHEDULER, poor, &[20, 21]));
		close_elections();
		assert_eq!(storing(poor), vec![21]);
	});
}

#[test]
fn an_election_fills_only_the_empty_slots_and_avoids_peers_placed_already() {
	test(|| {
		professional(20, 1_000, b"SG");
		let id = order(DAPP, file(1, GB), 2, 5);
		assert_ok!(respond(SCHEDULER, id, &[20]));
		close_elections();
		assert_eq!(storing(id), vec![20]);
		// The reopened election: 20 proposed again is skipped, 21 fills the empty slot.
		professional(21, 1_000, b"DE");
		professional(22, 1_000, b"SG");
		assert_ok!(respond(SCHEDULER, id, &[20, 22, 21]));
		close_elections();
		assert_eq!(storing(id), vec![20, 21]);
		assert_eq!(reserves(id), vec![22]);
		assert_eq!(Committed::<Test>::get(20), GB);
	});
}

#[test]
fn elections_wait_in_the_queue_when_more_close_than_a_batch() {
	test(|| {
		for i in 0..6u8 {
			order(RICH_DAPP, file(10 + i, GB), 1, 5);
		}
		run_to(1 + WINDOW);
		// Two closed (CloseBatch), four wait for the next blocks.
		let electing =
			|| Orders::<Test>::iter().filter(|(_, o)| o.attempts == 1 && o.electing).count();
		assert_eq!(electing(), 4);
		run_to(2 + WINDOW);
		assert_eq!(electing(), 2);
		run_to(3 + WINDOW);
		assert_eq!(electing(), 0);
	});
}

#[test]
fn the_rule_is_set_by_its_origin_within_bounds() {
	test(|| {
		let rule = SchedulingRule { random: 500, ..Default::default() };
		assert_noop!(
			Scheduling::set_rule(RuntimeOrigin::signed(DAPP), rule),
			sp_runtime::DispatchError::BadOrigin
		);
		assert_noop!(
			Scheduling::set_rule(
				RuntimeOrigin::root(),
				SchedulingRule { online_within: 0, ..rule }
			),
			Error::<Test>::BadRule
		);
		assert_ok!(Scheduling::set_rule(RuntimeOrigin::root(), rule));
		assert_eq!(Rule::<Test>::get(), rule);
		assert!(events().contains(&Event::RuleSet { rule }));
	});
}

#[test]
fn an_elections_work_depends_on_the_proposals_not_on_the_peers_registered() {
	test(|| {
		// 10 000 professional peers in 100 regions.
		for i in 0..10_000u64 {
			let region = [b'A' + (i % 10) as u8, b'A' + (i / 10 % 10) as u8];
			professional(1_000_000 + i, 1_000 + (i % 977) as u32, &region);
		}
		for s in 12..=13 {
			add_scheduler(s);
		}
		let id = order(RICH_DAPP, file(1, GB), 4, 5);
		// Four full responses: 32 distinct candidates.
		for (n, s) in [SCHEDULER, SCHEDULER_2, 12, 13].into_iter().enumerate() {
			let candidates: Vec<AccountId> =
				(0..8).map(|c| 1_000_000 + (n as u64) * 2_500 + c).collect();
			assert_ok!(respond(s, id, &candidates));
		}
		take_registry_reads();
		close_elections();
		// Each candidate once; the order had no storing peer yet.
		assert_eq!(take_registry_reads(), 32);
		assert_eq!(storing(id).len(), 4);
		assert_eq!(reserves(id).len(), 2);
	});
}

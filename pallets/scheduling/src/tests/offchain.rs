//! The off-chain workers: a scheduling peer's answers and a storing peer's confirmations.

use crate::{mock::*, *};
use frame_support::{assert_ok, traits::Hooks};
use sp_runtime::testing::UintAuthorityId;

/// Note in the off-chain storage that `peer`'s data plane holds `file`.
fn note_stored(peer: AccountId, file: FileRef) {
	let key =
		spacebook_scheduling_primitives::stored_file_key(&peer, &file.hash_index, file.length);
	sp_io::offchain::local_storage_set(
		sp_core::offchain::StorageKind::PERSISTENT,
		&key,
		&codec::Encode::encode(&true),
	);
}

#[test]
fn a_scheduling_peers_worker_proposes_the_best_qualified_peers_once() {
	test_offchain(|pool| {
		// Storage decides among five peers in one region; 24 cannot hold the file.
		for (i, peer) in [20, 21, 22, 23].into_iter().enumerate() {
			professional(peer, 100_000 - 10_000 * i as u32, b"SG");
		}
		professional(24, 0, b"SG");
		let id = order(DAPP, file(1, GB), 2, 5);
		UintAuthorityId::set_all_keys(vec![key_of(SCHEDULER).0, 4_242]);
		Scheduling::offchain_worker(1);
		let calls = pool_calls(&pool);
		let [Call::respond { response, signature }] = &calls[..] else {
			panic!("one response expected: {calls:?}")
		};
		assert_eq!((response.order, response.attempt, response.scheduler), (id, 1, SCHEDULER));
		assert_eq!(response.candidates.to_vec(), vec![20, 21, 22, 23]);
		// Not again within the resubmission delay, nor once the response is on chain.
		Scheduling::offchain_worker(2);
		assert!(pool_calls(&pool).is_empty());
		assert_ok!(Scheduling::respond(
			frame_system::RawOrigin::Authorized.into(),
			response.clone(),
			signature.clone()
		));
		Scheduling::offchain_worker(1 + u64::from(offchain::RESUBMIT_AFTER));
		assert!(pool_calls(&pool).is_empty());
	});
}

#[test]
fn the_worker_spreads_its_proposal_over_regions_and_skips_placed_and_missed_peers() {
	test_offchain(|pool| {
		professional(20, 100_000, b"SG");
		professional(21, 80_000, b"SG");
		professional(22, 10_000, b"DE");
		let id = order(DAPP, file(1, GB), 1, 5);
		let proposal = Scheduling::propose(
			id,
			&Orders::<Test>::get(id).unwrap(),
			&[(20, facts(20)), (21, facts(21)), (22, facts(22))],
		);
		// 22's new region outranks 21's storage once 20 is ranked.
		assert_eq!(proposal, vec![20, 22, 21]);
		assert_ok!(respond(SCHEDULER_2, id, &[20]));
		close_elections();
		// 20 misses; the reopened election's proposal leaves it out.
		run_to(1 + WINDOW + CONFIRM + 1);
		assert!(Missed::<Test>::contains_key(id, 20));
		UintAuthorityId::set_all_keys(vec![key_of(SCHEDULER).0]);
		Scheduling::offchain_worker(System::block_number());
		let calls = pool_calls(&pool);
		let [Call::respond { response, .. }] = &calls[..] else { panic!("{calls:?}") };
		assert_eq!(response.candidates.to_vec(), vec![21, 22]);
	});
}

#[test]
fn a_node_without_a_scheduling_key_answers_nothing() {
	test_offchain(|pool| {
		professional(20, 100_000, b"SG");
		order(DAPP, file(1, GB), 1, 5);
		// A professional peer's key and an unknown one.
		UintAuthorityId::set_all_keys(vec![key_of(20).0, 4_242]);
		Scheduling::offchain_worker(1);
		assert!(pool_calls(&pool).is_empty());
	});
}

#[test]
fn a_storing_peers_worker_confirms_only_what_its_data_plane_holds() {
	test_offchain(|pool| {
		professional(20, 100_000, b"SG");
		professional(21, 100_000, b"DE");
		let f = file(1, GB);
		let id = order(DAPP, f, 2, 5);
		assert_ok!(respond(SCHEDULER, id, &[20, 21]));
		close_elections();
		UintAuthorityId::set_all_keys(vec![key_of(20).0, key_of(21).0]);
		// Nothing held yet: nothing to confirm.
		Scheduling::offchain_worker(System::block_number());
		assert!(pool_calls(&pool).is_empty());
		// 20's data plane holds the file; 21's holds a file of another length.
		note_stored(20, f);
		note_stored(21, file(1, GB + 1));
		Scheduling::offchain_worker(System::block_number());
		let calls = pool_calls(&pool);
		let [Call::confirm_stored { confirmation, signature }] = &calls[..] else {
			panic!("{calls:?}")
		};
		assert_eq!((confirmation.order, confirmation.peer), (id, 20));
		assert_ok!(Scheduling::confirm_stored(
			frame_system::RawOrigin::Authorized.into(),
			confirmation.clone(),
			signature.clone()
		));
		// Holding now: nothing more to send.
		Scheduling::offchain_worker(System::block_number() + u64::from(offchain::RESUBMIT_AFTER));
		assert!(pool_calls(&pool).is_empty());
	});
}

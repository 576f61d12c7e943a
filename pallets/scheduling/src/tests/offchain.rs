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
			&Scheduling::candidates(vec![(20, facts(20)), (21, facts(21)), (22, facts(22))]),
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
fn the_worker_proposes_the_orders_reserves_but_not_its_storing_peers() {
	test_offchain(|_| {
		professional(20, 100_000, b"SG");
		professional(21, 60_000, b"SG");
		professional(22, 10_000, b"DE");
		let id = order(DAPP, file(1, GB), 1, 5);
		assert_ok!(respond(SCHEDULER, id, &[20, 21]));
		close_elections();
		assert_eq!((storing(id), reserves(id)), (vec![20], vec![21]));
		// A copy more: the reserve 21 may win the new slot; the storing 20 is left out.
		Orders::<Test>::mutate(id, |o| o.as_mut().unwrap().replicas = 2);
		let peers = Scheduling::candidates(vec![(20, facts(20)), (21, facts(21)), (22, facts(22))]);
		let proposal = Scheduling::propose(id, &Orders::<Test>::get(id).unwrap(), &peers);
		// 22's region is not the storing peer's: it ranks before 21's storage.
		assert_eq!(proposal, vec![22, 21]);
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

/// Count in the off-chain storage `bytes` that `peer`'s data plane served of `file` for `dapp`
/// in `period`.
fn note_served(peer: AccountId, file: FileRef, dapp: AccountId, period: u32, bytes: u64) {
	let key = spacebook_scheduling_primitives::served_bytes_key(&peer, &file.hash_index, &dapp);
	let mut served =
		sp_io::offchain::local_storage_get(sp_core::offchain::StorageKind::PERSISTENT, &key)
			.and_then(|raw| <ServedBytes as codec::Decode>::decode(&mut &raw[..]).ok())
			.unwrap_or_default();
	served.add(period, bytes);
	sp_io::offchain::local_storage_set(
		sp_core::offchain::StorageKind::PERSISTENT,
		&key,
		&codec::Encode::encode(&served),
	);
}

#[test]
fn a_storing_peers_worker_reports_its_popular_files_demand_within_the_dapps_backing() {
	test_offchain(|pool| {
		for (peer, region) in [(20, b"SG"), (21, b"DE")] {
			professional(peer, 100_000, region);
		}
		let (a, b, c) = (file(1, GB), file(2, GB), file(3, GB));
		let popular = order(DAPP, a, 1, 10);
		let second = order(DAPP, b, 1, 10);
		let plain = order(RICH_DAPP, c, 1, 10);
		for id in [popular, second, plain] {
			assert_ok!(respond(SCHEDULER, id, &[20]));
		}
		// Two elections close a block.
		close_elections();
		run_to(System::block_number() + 1);
		for id in [popular, second, plain] {
			assert_ok!(confirm(20, id));
		}
		for id in [popular, second] {
			assert_ok!(Scheduling::set_popular_terms(
				RuntimeOrigin::signed(DAPP),
				id,
				2,
				256 << 20
			));
		}
		const MIB: u64 = 1 << 20;
		note_served(20, a, DAPP, 0, 300 * MIB);
		note_served(20, b, DAPP, 0, 200 * MIB);
		// Another DApp's download of the file, and a file without terms: not reported.
		note_served(20, a, RICH_DAPP, 0, 900 * MIB);
		note_served(20, c, RICH_DAPP, 0, 900 * MIB);
		// This period's bytes wait for the next.
		note_served(20, a, DAPP, 1, 5 * MIB);
		run_to(period_start(1));
		UintAuthorityId::set_all_keys(vec![key_of(20).0]);
		// No traffic report of period 0 on chain yet: nothing to back the demand.
		Scheduling::offchain_worker(period_start(1));
		assert!(pool_calls(&pool).is_empty());
		// The DApp's paid traffic backs 400 MiB: the greatest first, the rest cut.
		set_paid_traffic(20, 0, DAPP, u128::from(400 * MIB));
		set_paid_traffic(20, 0, RICH_DAPP, u128::from(GB));
		Scheduling::offchain_worker(period_start(1) + 1);
		let calls = pool_calls(&pool);
		let [Call::report_demand { report, signature }] = &calls[..] else {
			panic!("one demand report expected: {calls:?}")
		};
		assert_eq!((report.peer, report.period), (20, 0));
		assert_eq!(report.files.to_vec(), vec![(popular, 300 * MIB), (second, 100 * MIB)]);
		// Not again within the resubmission delay, nor once it is on chain.
		Scheduling::offchain_worker(period_start(1) + 2);
		assert!(pool_calls(&pool).is_empty());
		assert_ok!(Scheduling::report_demand(
			frame_system::RawOrigin::Authorized.into(),
			report.clone(),
			signature.clone()
		));
		// 300 MiB passed the 256 MiB a copy of the first file's terms, not the second's.
		assert_eq!(Orders::<Test>::get(popular).map(|o| o.replicas), Some(2));
		assert_eq!(Orders::<Test>::get(second).map(|o| o.replicas), Some(1));
		Scheduling::offchain_worker(period_start(1) + 9);
		assert!(pool_calls(&pool).is_empty());
	});
}

#[test]
fn served_bytes_keep_the_latest_period_and_the_one_before() {
	let mut served = ServedBytes::default();
	served.add(4, 10);
	served.add(4, 5);
	assert_eq!((served.of(4), served.of(3)), (15, 0));
	served.add(5, 7);
	assert_eq!((served.of(5), served.of(4), served.of(3)), (7, 15, 0));
	// An older period is not counted; a gap forgets the period before.
	served.add(3, 100);
	assert_eq!(served.of(3), 0);
	served.add(8, 1);
	assert_eq!((served.of(8), served.of(7), served.of(5)), (1, 0, 0));
}

#[test]
fn a_scheduling_peers_worker_ranks_at_most_a_few_elections_a_block() {
	test_offchain(|pool| {
		professional(20, 100_000, b"SG");
		let orders: Vec<OrderId> = (1..=6).map(|tag| order(DAPP, file(tag, GB), 1, 5)).collect();
		UintAuthorityId::set_all_keys(vec![key_of(SCHEDULER).0]);
		Scheduling::offchain_worker(1);
		let answered = |calls: Vec<Call<Test>>| -> Vec<OrderId> {
			calls
				.into_iter()
				.map(|call| match call {
					Call::respond { response, .. } => response.order,
					other => panic!("a response expected: {other:?}"),
				})
				.collect()
		};
		let first = answered(pool_calls(&pool));
		assert_eq!(first, orders[..crate::offchain::MAX_ANSWERS_PER_BLOCK].to_vec());
		// The rest in the next block, the first not again.
		Scheduling::offchain_worker(2);
		assert_eq!(
			answered(pool_calls(&pool)),
			orders[crate::offchain::MAX_ANSWERS_PER_BLOCK..].to_vec()
		);
	});
}

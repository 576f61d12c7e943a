//! The off-chain worker signs and sends the batches the node's patrol worker left, once, and
//! clears them once on chain or closed.

use crate::{mock::*, *};
use frame_support::assert_ok;
use sp_runtime::offchain::storage::StorageValueRef;
use spacebook_patrol_primitives::batch_key;

fn leave(batch: &PatrolBatchOf<Test>) {
	let key = batch_key(batch.period, &key_of(batch.scheduler).to_raw_vec());
	StorageValueRef::persistent(&key).set(batch);
}

fn left(period: u32) -> Option<PatrolBatchOf<Test>> {
	let key = batch_key(period, &key_of(SAM).to_raw_vec());
	StorageValueRef::persistent(&key).get().ok().flatten()
}

#[test]
fn a_finished_batch_is_signed_sent_once_and_cleared_when_on_chain() {
	test_offchain(|pool| {
		run_to_period(1);
		let peer = drawn(SAM, 1)[0];
		let (batch, _) = signed_batch(SAM, 1, vec![result(peer, PatrolOutcome::Passed)]);
		leave(&batch);
		Patrol::offchain_worker(PERIOD + 1);
		let calls = pool_calls(&pool);
		let [Call::submit_results { batch: sent, signature }] = &calls[..] else {
			panic!("one batch sent: {calls:?}")
		};
		assert_eq!(sent, &batch);
		assert!(
			key_of(SAM).verify(&Patrol::batch_payload(&batch), signature),
			"signed by Sam's key"
		);
		// Not again within the resubmission delay.
		Patrol::offchain_worker(PERIOD + 2);
		assert!(pool_calls(&pool).is_empty());
		// On chain: cleared, nothing sent.
		assert_ok!(Patrol::submit_results(
			frame_system::RawOrigin::Authorized.into(),
			sent.clone(),
			signature.clone()
		));
		Patrol::offchain_worker(PERIOD + 9);
		assert!(pool_calls(&pool).is_empty());
		assert_eq!(left(1), None);
	});
}

#[test]
fn a_batch_of_a_closed_period_is_cleared_unsent() {
	test_offchain(|pool| {
		run_to_period(1);
		let peer = drawn(SAM, 1)[0];
		let (batch, _) = signed_batch(SAM, 1, vec![result(peer, PatrolOutcome::Passed)]);
		leave(&batch);
		run_to_period(3);
		Patrol::offchain_worker(3 * PERIOD);
		assert!(pool_calls(&pool).is_empty());
		assert_eq!(left(1), None);
	});
}

#[test]
fn a_batch_naming_another_scheduler_is_cleared_unsent() {
	test_offchain(|pool| {
		run_to_period(1);
		let peer = drawn(SUE, 1)[0];
		let (mut batch, _) = signed_batch(SUE, 1, vec![result(peer, PatrolOutcome::Passed)]);
		// Left under Sam's key, naming Sue.
		let key = batch_key(1, &key_of(SAM).to_raw_vec());
		batch.scheduler = SUE;
		StorageValueRef::persistent(&key).set(&batch);
		Patrol::offchain_worker(PERIOD + 1);
		assert!(pool_calls(&pool).is_empty());
		assert_eq!(left(1), None);
	});
}

//! A batch that is not what it claims changes nothing: forged or replayed signatures and
//! draws, targets the draw did not select (a scheduling peer choosing whom to pay or punish),
//! a period closed, a second batch, duplicates, a full period; and a pool or registry in the
//! way.

use crate::{mock::*, *};
use frame_support::{assert_noop, assert_ok, pallet_prelude::TransactionSource};

fn outcome_free() -> Vec<PatrolResult<AccountId>> {
	vec![]
}

#[test]
fn a_target_the_draw_did_not_select_is_skipped_and_changes_nothing() {
	test(|| {
		run_to_period(1);
		let drawn = drawn(SAM, 1)[0];
		let friend = not_drawn(SAM, 1);
		// A scheduling peer paying a friend, or punishing a competitor, it was not drawn to
		// patrol: the result is skipped, the drawn one counts.
		assert_ok!(submit(
			SAM,
			1,
			vec![
				result(drawn, PatrolOutcome::Passed),
				result(friend, PatrolOutcome::Passed),
				result(friend + 100, PatrolOutcome::WrongAnswer(PatrolCheck::Sort)),
			]
		));
		assert_eq!(payouts().len(), 1);
		assert_eq!(payouts()[0].0, drawn);
		assert!(penalties().is_empty());
		assert!(Patrol::quality(&friend).is_none() && Patrol::quality(&(friend + 100)).is_none());
		for peer in [friend, friend + 100] {
			assert!(events().contains(&Event::ResultSkipped {
				peer,
				period: 1,
				reason: SkipReason::NotDrawn
			}));
		}
	});
}

#[test]
fn a_peer_registered_in_the_period_is_not_drawn_in_it() {
	test(|| {
		run_to_period(2);
		// A scheduling peer that saw its draw registers accounts the draw selects, to pay them:
		// only peers registered before the period began count.
		let fresh = (1000..).find(|p| is_drawn_now(SAM, 2, p)).unwrap();
		register_serving(fresh, 2);
		assert_ok!(submit(SAM, 2, vec![result(fresh, PatrolOutcome::Passed)]));
		assert!(payouts().is_empty() && Patrol::quality(&fresh).is_none());
		assert!(!Patrol::targets(&SAM, 2, &output(SAM, 2)).iter().any(|t| t.peer == fresh));
		// In the next period it may be drawn like anyone.
		run_to_period(3);
		if is_drawn_now(SAM, 3, &fresh) {
			assert!(Patrol::targets(&SAM, 3, &output(SAM, 3)).iter().any(|t| t.peer == fresh));
		}
	});
}

fn is_drawn_now(scheduler: AccountId, period: u32, peer: &AccountId) -> bool {
	spacebook_patrol_primitives::is_drawn(
		&output(scheduler, period),
		peer,
		&Patrol::draw(period).unwrap(),
	)
}

#[test]
fn another_schedulers_draw_or_another_periods_does_not_verify() {
	test(|| {
		run_to_period(2);
		let peer = drawn(SUE, 2)[0];
		// Sam presents Sue's proof (which selects `peer`): it is not Sam's key's.
		let (mut batch, _) = signed_batch(SAM, 2, vec![result(peer, PatrolOutcome::Passed)]);
		batch.draw = draw_proof(SUE, 2);
		let signature = sign(SAM, &batch);
		assert_noop!(
			Patrol::submit_results(
				frame_system::RawOrigin::Authorized.into(),
				batch.clone(),
				signature
			),
			Error::<Test>::BadDraw
		);
		// Its own proof of another period, replayed.
		batch.draw = draw_proof(SAM, 1);
		let signature = sign(SAM, &batch);
		assert_noop!(
			Patrol::submit_results(
				frame_system::RawOrigin::Authorized.into(),
				batch.clone(),
				signature
			),
			Error::<Test>::BadDraw
		);
		// A proof with a bit flipped, or garbage.
		batch.draw = draw_proof(SAM, 2);
		batch.draw[70] ^= 1;
		let signature = sign(SAM, &batch);
		assert_noop!(
			Patrol::submit_results(
				frame_system::RawOrigin::Authorized.into(),
				batch.clone(),
				signature
			),
			Error::<Test>::BadDraw
		);
		batch.draw = [0xff; 96];
		let signature = sign(SAM, &batch);
		assert_noop!(
			Patrol::submit_results(frame_system::RawOrigin::Authorized.into(), batch, signature),
			Error::<Test>::BadDraw
		);
	});
}

#[test]
fn a_batch_not_signed_by_its_schedulers_node_key_is_refused() {
	test(|| {
		run_to_period(1);
		let peer = drawn(SAM, 1)[0];
		let (batch, _) = signed_batch(SAM, 1, vec![result(peer, PatrolOutcome::Passed)]);
		// Signed by Sue's key.
		let by_sue = sign(SUE, &batch);
		assert_noop!(
			Patrol::submit_results(
				frame_system::RawOrigin::Authorized.into(),
				batch.clone(),
				by_sue
			),
			Error::<Test>::BadSignature
		);
		// Sam's signature on a batch changed afterwards (a wrong answer made a pass).
		let signature = sign(SAM, &batch);
		let mut changed = batch.clone();
		changed.results[0].outcome = PatrolOutcome::WrongAnswer(PatrolCheck::Sort);
		assert_noop!(
			Patrol::submit_results(frame_system::RawOrigin::Authorized.into(), changed, signature),
			Error::<Test>::BadSignature
		);
		// A scheduling peer removed from the registry can no longer submit.
		remove_scheduler(SUE);
		assert_noop!(
			submit(SUE, 1, vec![result(peer, PatrolOutcome::Passed)]),
			Error::<Test>::NotScheduler
		);
		// Nor can anyone through a signed origin.
		let (batch, signature) = signed_batch(SAM, 1, vec![result(peer, PatrolOutcome::Passed)]);
		assert_noop!(
			Patrol::submit_results(RuntimeOrigin::signed(SAM), batch, signature),
			sp_runtime::DispatchError::BadOrigin
		);
	});
}

#[test]
fn a_batch_is_taken_once_and_only_while_its_period_is_open() {
	test(|| {
		run_to_period(1);
		let peer = drawn(SAM, 1)[0];
		let (batch, signature) = signed_batch(SAM, 1, vec![result(peer, PatrolOutcome::Passed)]);
		assert_ok!(Patrol::submit_results(
			frame_system::RawOrigin::Authorized.into(),
			batch.clone(),
			signature.clone()
		));
		// Replayed: refused, the reward not paid twice.
		assert_noop!(
			Patrol::submit_results(
				frame_system::RawOrigin::Authorized.into(),
				batch.clone(),
				signature.clone()
			),
			Error::<Test>::AlreadySubmitted
		);
		// Another batch of the same period, even with other results.
		let other = drawn(SAM, 1).last().copied().unwrap();
		assert_noop!(
			submit(SAM, 1, vec![result(other, PatrolOutcome::Passed)]),
			Error::<Test>::AlreadySubmitted
		);
		assert_eq!(payouts().len(), 1);
		// A period two behind is closed; a future one is not open.
		run_to_period(3);
		assert_noop!(
			submit(SUE, 1, vec![result(peer, PatrolOutcome::Passed)]),
			Error::<Test>::PeriodClosed
		);
		let (mut future, _) =
			signed_batch(SAM, 3, vec![result(drawn(SAM, 3)[0], PatrolOutcome::Passed)]);
		future.period = 4;
		let signature = sign(SAM, &future);
		assert_noop!(
			Patrol::submit_results(frame_system::RawOrigin::Authorized.into(), future, signature),
			Error::<Test>::PeriodClosed
		);
	});
}

#[test]
fn duplicates_and_empty_batches_are_refused() {
	test(|| {
		run_to_period(1);
		let peer = drawn(SAM, 1)[0];
		assert_noop!(
			submit(
				SAM,
				1,
				vec![result(peer, PatrolOutcome::Passed), result(peer, PatrolOutcome::Passed)]
			),
			Error::<Test>::DuplicateTarget
		);
		assert_noop!(submit(SAM, 1, outcome_free()), Error::<Test>::EmptyBatch);
	});
}

#[test]
fn a_period_takes_at_most_its_schedulers_batches() {
	test(|| {
		run_to_period(1);
		for p in 1..=3 {
			Patrol::audit_failed(&p, 0);
		}
		assert_ok!(submit(SAM, 1, vec![result(1, PatrolOutcome::Passed)]));
		assert_ok!(submit(SUE, 1, vec![result(2, PatrolOutcome::Passed)]));
		// A third scheduling peer: the period is full (two batches in the mock).
		add_scheduler(102, "//Sid");
		assert_noop!(
			submit(102, 1, vec![result(3, PatrolOutcome::Passed)]),
			Error::<Test>::TooManyBatches
		);
		assert_eq!(Periods::<Test>::get(1).unwrap().batches.len(), 2);
	});
}

#[test]
fn the_pool_check_refuses_what_dispatch_would() {
	test(|| {
		run_to_period(1);
		let peer = drawn(SAM, 1)[0];
		let (mut batch, signature) =
			signed_batch(SAM, 1, vec![result(peer, PatrolOutcome::Passed)]);
		batch.draw = draw_proof(SUE, 1);
		assert!(Patrol::authorize_submit(TransactionSource::External, &batch, &signature).is_err());
		let (batch, signature) = signed_batch(SAM, 1, vec![result(peer, PatrolOutcome::Passed)]);
		assert!(Patrol::authorize_submit(TransactionSource::External, &batch, &signature).is_ok());
		let by_sue = sign(SUE, &batch);
		assert_eq!(
			Patrol::authorize_submit(TransactionSource::External, &batch, &by_sue),
			Err(sp_runtime::transaction_validity::InvalidTransaction::BadProof.into())
		);
	});
}

//! Results applied: quality figures, patrol rewards within the period's budget, the penalty
//! ladder, requests ended.

use crate::{mock::*, *};
use frame_support::assert_ok;
use pallet_peers::PenaltyLevel;

fn reward() -> Balance {
	PEERS_EMISSION * 2 / 100 / 5
}

#[test]
fn a_pass_is_paid_and_recorded_in_the_quality_figure() {
	test(|| {
		run_to_period(1);
		let peer = drawn(SAM, 1)[0];
		assert_ok!(submit(SAM, 1, vec![result(peer, PatrolOutcome::Passed)]));
		assert_eq!(payouts(), vec![(peer, reward())]);
		assert!(penalties().is_empty());
		let q = Patrol::quality(&peer).expect("recorded");
		assert_eq!((q.patrols, q.passed, q.latency_ms, q.throughput_kib_s), (1, 1, 40, 12_000));
		assert_eq!(q.rewarded, 1);
		assert_eq!(q.last_period, 1);
		let record = Periods::<Test>::get(1).unwrap();
		assert_eq!((record.passes_paid, record.paid), (1, reward()));
		assert_eq!(record.batches.len(), 1);
		assert_eq!(record.batches[0].scheduler, SAM);
		assert_eq!(record.batches[0].results, 1);
		let inputs = sp_io::hashing::blake2_256(&(1u32, SAM).encode());
		assert_eq!(record.batches[0].inputs, inputs);
		let evs = events();
		assert!(evs.contains(&Event::Passed { peer, period: 1, reward: reward() }));
		assert!(evs.contains(&Event::BatchAccepted {
			scheduler: SAM,
			period: 1,
			inputs,
			recorded: 1,
			skipped: 0
		}));
	});
}

#[test]
fn a_period_pays_its_rewarded_passes_and_no_more() {
	test(|| {
		run_to_period(1);
		// Ask for every peer's patrol, so that one batch may name more than the draw selects.
		for peer in 1..=8 {
			Patrol::audit_failed(&peer, 0);
		}
		let results = (1..=8).map(|p| result(p, PatrolOutcome::Passed)).collect();
		assert_ok!(submit(SAM, 1, results));
		// Five rewarded passes: the budget, 2 % of the peers' emission, and not a unit more.
		assert_eq!(payouts().len(), 5);
		let paid: Balance = payouts().iter().map(|(_, a)| a).sum();
		assert_eq!(paid, PEERS_EMISSION * 2 / 100);
		assert_eq!(paid, Patrol::reserved(1, PEERS_EMISSION));
		assert!(events().contains(&Event::Passed { peer: 8, period: 1, reward: 0 }));
		assert_eq!(Patrol::quality(&8).unwrap().passed, 1, "recorded all the same");
		assert_eq!(Patrol::quality(&8).unwrap().rewarded, 0);
		assert_eq!(Patrol::quality(&1).unwrap().rewarded, 1);
		assert_eq!(Requests::<Test>::count(), 0, "every request answered");
	});
}

#[test]
fn a_pass_the_pool_cannot_pay_is_recorded_unpaid_and_nothing_is_lost() {
	test(|| {
		run_to_period(1);
		let peer = drawn(SAM, 1)[0];
		pool_refuses(true);
		assert_ok!(submit(SAM, 1, vec![result(peer, PatrolOutcome::Passed)]));
		assert!(payouts().is_empty());
		assert!(events().contains(&Event::Passed { peer, period: 1, reward: 0 }));
		let record = Periods::<Test>::get(1).unwrap();
		assert_eq!((record.passes_paid, record.paid), (0, 0), "the budget is still there");
		assert_eq!(Patrol::quality(&peer).unwrap().rewarded, 0);
	});
}

#[test]
fn a_wrong_answer_warns_and_a_second_within_the_memory_suspends() {
	test(|| {
		run_to_period(1);
		let peer = not_drawn(SAM, 1);
		Patrol::audit_failed(&peer, 0);
		assert_ok!(submit(
			SAM,
			1,
			vec![result(peer, PatrolOutcome::WrongAnswer(PatrolCheck::Sort))]
		));
		assert_eq!(penalties(), vec![(peer, PenaltyLevel::Warn)]);
		assert!(payouts().is_empty());
		assert!(events().contains(&Event::WrongAnswer {
			peer,
			period: 1,
			check: PatrolCheck::Sort
		}));
		assert!(!Requests::<Test>::contains_key(peer), "the request is answered");
		// Requested again by another failed audit, patrolled again within six periods.
		run_to_period(4);
		Patrol::audit_failed(&peer, 3);
		assert_ok!(submit(
			SAM,
			4,
			vec![result(peer, PatrolOutcome::WrongAnswer(PatrolCheck::Slice))]
		));
		assert_eq!(penalties(), vec![(peer, PenaltyLevel::Warn), (peer, PenaltyLevel::Suspend)]);
		let q = Patrol::quality(&peer).unwrap();
		assert_eq!((q.patrols, q.wrong, q.last_wrong), (2, 2, Some(4)));
		assert_eq!(q.error_rate(), Perbill::one());
	});
}

#[test]
fn a_wrong_answer_after_the_memory_only_warns() {
	test(|| {
		run_to_period(1);
		let peer = not_drawn(SAM, 1);
		Patrol::audit_failed(&peer, 0);
		assert_ok!(submit(
			SAM,
			1,
			vec![result(peer, PatrolOutcome::WrongAnswer(PatrolCheck::Sort))]
		));
		run_to_period(8);
		Patrol::audit_failed(&peer, 7);
		assert_ok!(submit(
			SAM,
			8,
			vec![result(peer, PatrolOutcome::WrongAnswer(PatrolCheck::Sort))]
		));
		assert_eq!(penalties(), vec![(peer, PenaltyLevel::Warn), (peer, PenaltyLevel::Warn)]);
	});
}

#[test]
fn an_unanswered_patrol_is_neither_paid_nor_punished_and_the_request_stays() {
	test(|| {
		run_to_period(1);
		let peer = not_drawn(SAM, 1);
		Patrol::audit_failed(&peer, 0);
		assert_ok!(submit(
			SAM,
			1,
			vec![PatrolResult {
				latency_ms: 0,
				throughput_kib_s: 0,
				..result(peer, PatrolOutcome::Unanswered(PatrolCheck::Compress))
			}]
		));
		assert!(payouts().is_empty() && penalties().is_empty());
		assert_eq!(
			Requests::<Test>::get(peer),
			Some(PatrolRequest { since: 0, unanswered: 1 }),
			"still to be patrolled"
		);
		let q = Patrol::quality(&peer).unwrap();
		assert_eq!((q.patrols, q.unanswered, q.latency_ms), (1, 1, 0));
		assert_eq!(q.error_rate(), Perbill::one());
		// The next period's patrol of it counts.
		run_to_period(2);
		assert_ok!(submit(SAM, 2, vec![result(peer, PatrolOutcome::Passed)]));
		assert_eq!(Requests::<Test>::get(peer), None);
		assert_eq!(Patrol::quality(&peer).unwrap().error_rate(), Perbill::from_percent(50));
	});
}

#[test]
fn a_peer_is_recorded_once_a_period_whoever_patrols_it() {
	test(|| {
		run_to_period(1);
		let peer = not_drawn(SAM, 1);
		Patrol::audit_failed(&peer, 0);
		assert_ok!(submit(
			SAM,
			1,
			vec![result(peer, PatrolOutcome::WrongAnswer(PatrolCheck::Sort))]
		));
		Patrol::audit_failed(&peer, 1);
		// Sue patrols it in the same period: skipped, not warned twice, not paid.
		assert_ok!(submit(SUE, 1, vec![result(peer, PatrolOutcome::Passed)]));
		assert_eq!(penalties().len(), 1);
		assert!(payouts().is_empty());
		assert!(events().contains(&Event::ResultSkipped {
			peer,
			period: 1,
			reason: SkipReason::AlreadyPatrolled
		}));
		assert_eq!(Patrol::quality(&peer).unwrap().patrols, 1);
	});
}

#[test]
fn a_peer_that_stopped_serving_is_skipped() {
	test(|| {
		run_to_period(1);
		let peer = drawn(SAM, 1)[0];
		stop_serving(peer);
		assert_ok!(submit(
			SAM,
			1,
			vec![result(peer, PatrolOutcome::WrongAnswer(PatrolCheck::Sort))]
		));
		assert!(penalties().is_empty() && Patrol::quality(&peer).is_none());
		assert!(events().contains(&Event::ResultSkipped {
			peer,
			period: 1,
			reason: SkipReason::NotServing
		}));
	});
}

#[test]
fn the_previous_periods_batch_is_taken_in_the_next_period() {
	test(|| {
		run_to_period(1);
		let peer = drawn(SAM, 1)[0];
		run_to_period(2);
		assert_ok!(submit(SAM, 1, vec![result(peer, PatrolOutcome::Passed)]));
		assert_eq!(Patrol::quality(&peer).unwrap().last_period, 1);
		assert_eq!(payouts(), vec![(peer, reward())]);
	});
}

#[test]
fn a_failed_audit_requests_a_patrol_once() {
	test(|| {
		Patrol::audit_failed(&7, 0);
		Patrol::audit_failed(&7, 0);
		run_to_period(1);
		Patrol::audit_failed(&7, 1);
		assert_eq!(Patrol::requests(), vec![(7, 0)], "the first request's period is kept");
		let requested: Vec<_> =
			events().into_iter().filter(|e| matches!(e, Event::RequestQueued { .. })).collect();
		assert_eq!(requested, vec![Event::RequestQueued { peer: 7, period: 0 }]);
	});
}

#[test]
fn the_share_reserved_from_settlement_is_the_periods() {
	test(|| {
		run_to_period(1);
		assert_eq!(Patrol::reserved(1, 1_000), 20);
		assert_eq!(Patrol::reserved(5, 1_000), 0, "a period never opened reserves nothing");
	});
}

use codec::Encode;
use sp_runtime::Perbill;

#[test]
fn a_requested_peer_answered_by_one_batch_does_not_cost_the_others_their_draws() {
	test(|| {
		run_to_period(1);
		let requested = (1..=SERVING)
			.find(|p| !drawn(SAM, 1).contains(p) && !drawn(SUE, 1).contains(p))
			.unwrap();
		Patrol::audit_failed(&requested, 0);
		assert_ok!(submit(SAM, 1, vec![result(requested, PatrolOutcome::Passed)]));
		// Sue's batch, built before Sam's answered the request, names it too: the request's
		// result is skipped, her drawn peers count.
		let sues = drawn(SUE, 1)[0];
		assert_ok!(submit(
			SUE,
			1,
			vec![result(requested, PatrolOutcome::Passed), result(sues, PatrolOutcome::Passed)]
		));
		assert_eq!(Patrol::quality(&sues).unwrap().passed, 1);
		assert_eq!(Patrol::quality(&requested).unwrap().patrols, 1);
	});
}

#[test]
fn a_request_three_patrols_leave_unanswered_ends_with_a_warning() {
	test(|| {
		let peer = 7;
		Patrol::audit_failed(&peer, 0);
		let unanswered = || PatrolResult {
			latency_ms: 0,
			throughput_kib_s: 0,
			..result(peer, PatrolOutcome::Unanswered(PatrolCheck::Sort))
		};
		for period in 1..=2 {
			run_to_period(period);
			assert_ok!(submit(SAM, period, vec![unanswered()]));
			assert!(penalties().is_empty());
		}
		assert_eq!(Requests::<Test>::get(peer).map(|r| r.unanswered), Some(2));
		run_to_period(3);
		assert_ok!(submit(SAM, 3, vec![unanswered()]));
		assert_eq!(penalties(), vec![(peer, PenaltyLevel::Warn)]);
		assert_eq!(Requests::<Test>::get(peer), None, "no longer first in every batch");
		assert!(events().contains(&Event::RequestExpired { peer, since: 0 }));
		assert_eq!(Patrol::quality(&peer).unwrap().unanswered, 3);
	});
}

#[test]
fn requests_take_only_the_room_the_draw_leaves_least_recently_patrolled_first() {
	test(|| {
		run_to_period(1);
		let sams = drawn(SAM, 1);
		// Every other serving peer requested: the batch holds the drawn ones and as many
		// requests as fit.
		let others: Vec<AccountId> = (1..=SERVING).filter(|p| !sams.contains(p)).collect();
		for p in &others {
			Patrol::audit_failed(p, 0);
		}
		let targets = Patrol::targets(&SAM, 1, &output(SAM, 1));
		assert_eq!(targets.len(), MAX_RESULTS as usize);
		let drawn_first: Vec<_> = targets[..sams.len()].iter().map(|t| t.peer).collect();
		assert_eq!(drawn_first, sams, "the draw is never crowded out");
		assert!(targets[sams.len()..].iter().all(|t| t.requested));
		// Patrolled requests go to the back of the queue in the next period.
		let first_requested: Vec<AccountId> =
			targets[sams.len()..].iter().map(|t| t.peer).collect();
		let unanswered: Vec<_> = first_requested
			.iter()
			.map(|p| result(*p, PatrolOutcome::Unanswered(PatrolCheck::Sort)))
			.collect();
		assert_ok!(submit(SAM, 1, unanswered));
		run_to_period(2);
		let next: Vec<AccountId> = Patrol::targets(&SAM, 2, &output(SAM, 2))
			.into_iter()
			.filter(|t| t.requested)
			.map(|t| t.peer)
			.collect();
		assert!(!next.is_empty());
		assert!(
			next.iter().all(|p| !first_requested.contains(p)),
			"the ones left out come first: {next:?}"
		);
	});
}

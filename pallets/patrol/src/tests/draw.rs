//! Periods and their draws: opened once each, seeded from chain randomness, pruned; the
//! targets a draw selects.

use crate::{mock::*, *};

#[test]
fn each_period_opens_once_with_its_seed_population_and_reward() {
	test(|| {
		let genesis = Patrol::draw(0).expect("genesis opens period 0");
		assert_eq!((genesis.population, genesis.expected), (SERVING as u32, 4));
		run_to_period(1);
		let first = Periods::<Test>::get(1).expect("period 1 opened");
		assert_eq!(first.draw.period, 1);
		assert_ne!(first.draw.seed, genesis.seed, "each period has its own seed");
		// 2 % of the peers' emission, in 5 rewarded passes.
		assert_eq!(first.reward_per_pass, PEERS_EMISSION * 2 / 100 / 5);
		assert_eq!((first.share, first.passes_paid, first.paid), (Perbill::from_percent(2), 0, 0));
		assert!(events().contains(&Event::PeriodOpened {
			draw: first.draw,
			reward_per_pass: first.reward_per_pass
		}));
		// Later blocks of the period leave it as it is, even if the randomness moves on.
		set_randomness(sp_core::H256::repeat_byte(9));
		run_to(PERIOD + 5);
		assert_eq!(Periods::<Test>::get(1), Some(first));
	});
}

#[test]
fn the_seed_follows_the_chain_randomness_at_the_period_start() {
	let seed_with = |byte| {
		let mut seed = [0; 32];
		new_test_ext().execute_with(|| {
			set_randomness(sp_core::H256::repeat_byte(byte));
			run_to_period(1);
			seed = Patrol::draw(1).expect("opened").seed;
		});
		seed
	};
	assert_eq!(seed_with(1), seed_with(1));
	assert_ne!(seed_with(1), seed_with(2));
}

#[test]
fn old_periods_are_pruned_after_the_history_depth() {
	test(|| {
		run_to_period(7);
		assert!((0..=7).all(Periods::<Test>::contains_key), "8 periods kept");
		run_to_period(8);
		assert!(!Periods::<Test>::contains_key(0));
		assert!((1..=8).all(Periods::<Test>::contains_key));
		assert_eq!(OldestPeriod::<Test>::get(), 1);
	});
}

#[test]
fn a_skipped_stretch_of_periods_is_pruned_a_few_records_a_block() {
	test(|| {
		run_to_period(3);
		// No block for 20 periods: the next block opens period 23 and prunes at most two
		// records a block until only the history is kept.
		System::set_block_number(23 * PERIOD - 1);
		run_to(23 * PERIOD);
		assert_eq!(OldestPeriod::<Test>::get(), 2);
		run_to(23 * PERIOD + 1);
		assert_eq!(OldestPeriod::<Test>::get(), 4);
		assert!(Periods::<Test>::contains_key(23));
		assert!(!Periods::<Test>::contains_key(0) && !Periods::<Test>::contains_key(3));
	});
}

#[test]
fn the_targets_are_the_drawn_peers_then_the_requested_ones() {
	test(|| {
		run_to_period(1);
		let sams = drawn(SAM, 1);
		assert!(!sams.is_empty() && sams.len() < SERVING as usize / 2, "about 4 of 40: {sams:?}");
		let requested = not_drawn(SAM, 1);
		Patrol::audit_failed(&requested, 0);
		let targets = Patrol::targets(&SAM, 1, &output(SAM, 1));
		let drawn_ones: Vec<_> = targets[..sams.len()].iter().map(|t| t.peer).collect();
		assert_eq!(drawn_ones, sams);
		assert!(targets[..sams.len()]
			.iter()
			.all(|t| !t.requested && t.endpoint == endpoint(t.peer)));
		assert_eq!(
			targets[sams.len()..],
			[PatrolTarget { peer: requested, requested: true, endpoint: endpoint(requested) }]
		);
		// Another scheduling peer's draw selects others (with overwhelming probability).
		assert_ne!(drawn(SUE, 1), sams);
		// A period not kept selects nobody.
		assert!(Patrol::targets(&SAM, 7, &output(SAM, 1)).is_empty());
	});
}

#[test]
fn targets_leave_out_peers_patrolled_in_the_period_and_those_not_serving() {
	test(|| {
		run_to_period(1);
		let sams = drawn(SAM, 1);
		assert!(sams.len() >= 2, "{sams:?}");
		assert_ok!(submit(SAM, 1, vec![result(sams[0], PatrolOutcome::Passed)]));
		stop_serving(sams[1]);
		let targets: Vec<_> =
			Patrol::targets(&SUE, 1, &output(SAM, 1)).into_iter().map(|t| t.peer).collect();
		assert_eq!(targets, sams[2..].to_vec());
	});
}

use frame_support::assert_ok;
use sp_runtime::Perbill;

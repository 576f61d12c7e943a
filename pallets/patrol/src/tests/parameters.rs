//! The parameters: governance's, checked, applied from the next period.

use crate::{mock::*, *};
use frame_support::{assert_noop, assert_ok};
use sp_runtime::{DispatchError, Perbill};

fn parameters() -> PatrolParameters {
	PatrolParameters {
		share: Perbill::from_percent(5),
		expected: 2,
		rewarded_passes: 10,
		failure_memory: 3,
	}
}

#[test]
fn governance_sets_the_parameters_from_the_next_period() {
	test(|| {
		run_to_period(1);
		assert_ok!(Patrol::set_parameters(RuntimeOrigin::root(), parameters()));
		assert!(events().contains(&Event::ParametersSet { parameters: parameters() }));
		// The open period keeps its terms.
		let open = Periods::<Test>::get(1).unwrap();
		assert_eq!(
			(open.share, open.draw.expected, open.rewarded_passes),
			(Perbill::from_percent(2), 4, 5)
		);
		run_to_period(2);
		let next = Periods::<Test>::get(2).unwrap();
		assert_eq!(
			(next.share, next.draw.expected, next.rewarded_passes),
			(Perbill::from_percent(5), 2, 10)
		);
		assert_eq!(next.reward_per_pass, PEERS_EMISSION * 5 / 100 / 10);
		assert_eq!(next.failure_memory, 3);
	});
}

#[test]
fn invalid_parameters_and_other_origins_are_refused() {
	test(|| {
		assert_noop!(
			Patrol::set_parameters(RuntimeOrigin::signed(SAM), parameters()),
			DispatchError::BadOrigin
		);
		for bad in [
			PatrolParameters { share: Perbill::from_percent(11), ..parameters() },
			PatrolParameters { expected: 0, ..parameters() },
			PatrolParameters { expected: MAX_RESULTS + 1, ..parameters() },
			PatrolParameters { rewarded_passes: 0, ..parameters() },
			PatrolParameters { failure_memory: 0, ..parameters() },
		] {
			assert_noop!(
				Patrol::set_parameters(RuntimeOrigin::root(), bad),
				Error::<Test>::InvalidParameters
			);
		}
	});
}

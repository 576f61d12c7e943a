//! The emission split and governance's power over it.

use super::*;
use crate::{types::*, CurrentSplit, Error, Event};
use frame_support::{assert_noop, assert_ok};
use sp_runtime::{DispatchError, Perbill};

fn split(peers: u32, billing: u32, scheduling: u32) -> EmissionSplit {
	EmissionSplit {
		peers: Perbill::from_percent(peers),
		billing: Perbill::from_percent(billing),
		scheduling: Perbill::from_percent(scheduling),
	}
}

#[test]
fn governance_changes_the_split_within_the_bounds() {
	build_and_execute(|| {
		for s in [split(64, 1, 35), split(99, 1, 0), split(80, 1, 19)] {
			assert_ok!(Token::set_emission_split(RuntimeOrigin::root(), s));
			assert_eq!(Token::emission_split(), s);
			System::assert_last_event(Event::EmissionSplitChanged { split: s }.into());
		}
	});
}

#[test]
fn splits_outside_the_bounds_are_refused_and_change_nothing() {
	build_and_execute(|| {
		let before = CurrentSplit::<Test>::get();
		let root = RuntimeOrigin::root;
		assert_noop!(
			Token::set_emission_split(RuntimeOrigin::signed(FOUNDATION_SIGNER), split(80, 1, 19)),
			DispatchError::BadOrigin
		);
		assert_noop!(
			Token::set_emission_split(root(), split(99, 0, 1)),
			Error::<Test>::BillingShareNotFixed
		);
		assert_noop!(
			Token::set_emission_split(root(), split(97, 2, 1)),
			Error::<Test>::BillingShareNotFixed
		);
		assert_noop!(
			Token::set_emission_split(root(), split(63, 1, 36)),
			Error::<Test>::SchedulingShareOutOfBounds
		);
		// 63 % for the peers with a scheduling share in bounds does not add up, but the peers'
		// bound is checked first.
		assert_noop!(
			Token::set_emission_split(root(), split(63, 1, 35)),
			Error::<Test>::PeersShareOutOfBounds
		);
		assert_noop!(
			Token::set_emission_split(root(), split(100, 1, 0)),
			Error::<Test>::PeersShareOutOfBounds
		);
		assert_noop!(
			Token::set_emission_split(root(), split(90, 1, 5)),
			Error::<Test>::SplitNotWhole
		);
		assert_noop!(
			Token::set_emission_split(root(), split(90, 1, 10)),
			Error::<Test>::SplitNotWhole
		);
		let just_over = EmissionSplit {
			peers: Perbill::from_parts(640_000_001),
			billing: Perbill::from_percent(1),
			scheduling: Perbill::from_percent(35),
		};
		assert_noop!(Token::set_emission_split(root(), just_over), Error::<Test>::SplitNotWhole);
		assert_eq!(CurrentSplit::<Test>::get(), before);
	});
}

#[test]
fn a_period_emission_is_divided_by_the_split_with_the_dust_to_the_peers() {
	build_and_execute(|| {
		assert_ok!(Token::set_emission_split(RuntimeOrigin::root(), split(70, 1, 29)));
		for p in [0, 1, 123_456, 10 * PERIODS_PER_YEAR - 1] {
			let e = Token::period_emission(p);
			assert_eq!(e.total, Token::emission_for_period(p));
			assert_eq!(e.peers + e.billing + e.scheduling, e.total);
			assert_eq!(e.billing, e.total / 100);
			assert_eq!(e.scheduling, e.total * 29 / 100);
			assert!(e.peers >= e.total * 70 / 100 && e.peers <= e.total * 70 / 100 + 2);
		}
	});
}

//! The vesting of the genesis allocation, through pallet-vesting.

use super::*;
use crate::types::SPB;
use frame_support::{assert_noop, assert_ok};
use sp_runtime::{Perbill, TokenError};

/// Check that `who` has vested `expected` (± `slack` plancks of per-block rounding), that it can
/// transfer what has vested and not one planck more.
fn assert_vested(who: AccountId, expected: Balance, slack: Balance) {
	assert_ok!(Vesting::vest(RuntimeOrigin::signed(who)));
	let vested = vested(who);
	assert!(
		vested >= expected && vested <= expected + slack,
		"{who} vested {vested}, expected {expected} (+ at most {slack})"
	);
	assert_eq!(transferable(who), vested);
	if vested < Balances::total_balance(&who) {
		assert_noop!(
			Balances::transfer_allow_death(RuntimeOrigin::signed(who), NOBODY, vested + 1),
			TokenError::Frozen
		);
	}
	if vested >= ED {
		assert_ok!(Balances::transfer_allow_death(RuntimeOrigin::signed(who), NOBODY, vested));
	}
}

/// Linear vesting of `total` over `duration` blocks, after `elapsed` blocks: `total·elapsed /
/// duration`. pallet-vesting releases `⌈total / duration⌉` per block, so it may run ahead by less
/// than one planck per elapsed block.
fn linear(total: Balance, elapsed: u64, duration: u64) -> Balance {
	total * elapsed as Balance / duration as Balance
}

#[test]
fn team_tokens_are_all_locked_at_launch() {
	build_and_execute(|| {
		go_to(0);
		assert_eq!(unvested(TEAM_A), spb(1_000_000_000));
		assert_eq!(transferable(TEAM_A), 0);
		assert_noop!(
			Balances::transfer_allow_death(RuntimeOrigin::signed(TEAM_A), NOBODY, spb(1)),
			TokenError::Frozen
		);
	});
}

#[test]
fn team_vests_one_day_of_six_years_after_a_day() {
	build_and_execute(|| {
		go_to(DAY);
		let expected = linear(spb(1_000_000_000), DAY, 6 * YEAR);
		// About 456 621 SPB: a 2 190th of the member's tokens.
		assert_eq!(expected / SPB, 456_621);
		assert_vested(TEAM_A, expected, DAY as Balance);
	});
}

#[test]
fn team_vests_half_after_three_years() {
	build_and_execute(|| {
		go_to(3 * YEAR);
		assert_vested(TEAM_B, spb(250_000_000), 3 * YEAR as Balance);
	});
}

#[test]
fn team_vests_everything_after_six_years_and_not_before() {
	build_and_execute(|| {
		go_to(6 * YEAR - 1);
		assert!(unvested(TEAM_A) > 0);
		go_to(6 * YEAR);
		assert_eq!(unvested(TEAM_A), 0);
		assert_vested(TEAM_A, spb(1_000_000_000), 0);
		// pallet-vesting forgets a finished schedule and drops its lock.
		assert_eq!(pallet_vesting::Vesting::<Test>::get(TEAM_A), None);
	});
}

#[test]
fn cornerstone_vests_nothing_in_the_first_five_months() {
	build_and_execute(|| {
		go_to(5 * MONTH);
		assert_vested(INVESTOR_A, 0, 0);
		assert_eq!(transferable(INVESTOR_A), 0);
	});
}

#[test]
fn cornerstone_starts_vesting_at_six_months() {
	build_and_execute(|| {
		// Six months (half a year) after launch the cliff ends: nothing has vested yet ...
		go_to(YEAR / 2);
		assert_vested(INVESTOR_A, 0, 0);
		// ... and from then on the tokens vest linearly over the following year.
		go_to(YEAR / 2 + DAY);
		assert_vested(INVESTOR_A, linear(spb(300_000_000), DAY, YEAR), DAY as Balance);
		go_to(YEAR / 2 + YEAR / 2);
		assert!(vested(INVESTOR_B) >= spb(100_000_000));
		assert!(vested(INVESTOR_B) < spb(100_000_000) + (YEAR / 2) as Balance);
	});
}

#[test]
fn cornerstone_vests_everything_at_the_end() {
	build_and_execute(|| {
		go_to(YEAR / 2 + YEAR - 1);
		assert!(unvested(INVESTOR_B) > 0);
		go_to(YEAR / 2 + YEAR);
		assert_vested(INVESTOR_B, spb(200_000_000), 0);
	});
}

#[test]
fn ecosystem_reserve_unlocks_a_fifth_at_launch_and_each_anniversary() {
	build_and_execute(|| {
		let fifth = spb(100_000_000);
		for (account, total) in [
			(COMMUNITY, spb(500_000_000)),
			(DAPP_FUND, spb(500_000_000)),
			(CONTRIBUTOR_A, spb(250_000_000)),
		] {
			let fifth_of = total / 5;
			go_to(1);
			assert_eq!(vested(account), fifth_of);
			for k in 1..5u64 {
				go_to(k * YEAR - 1);
				assert_eq!(vested(account), fifth_of * k as Balance, "before batch {k}");
				go_to(k * YEAR);
				assert_eq!(vested(account), fifth_of * (k + 1) as Balance, "at batch {k}");
			}
			assert_eq!(unvested(account), 0);
		}
		// Unlocked batches can be spent, the next one cannot.
		go_to(YEAR);
		assert_vested(COMMUNITY, 2 * fifth, 0);
	});
}

#[test]
fn ecosystem_batches_follow_the_genesis_schedule() {
	let mut config = genesis();
	config.ecosystem_batches = vec![
		(6 * MONTH, Perbill::from_percent(30)),
		(2 * YEAR, Perbill::from_percent(30)),
		(5 * YEAR, Perbill::from_percent(40)),
	];
	execute_with(config, || {
		go_to(1);
		assert_eq!(vested(DAPP_FUND), 0);
		go_to(6 * MONTH);
		assert_eq!(vested(DAPP_FUND), spb(150_000_000));
		go_to(5 * YEAR - 1);
		assert_eq!(vested(DAPP_FUND), spb(300_000_000));
		go_to(5 * YEAR);
		assert_vested(DAPP_FUND, spb(500_000_000), 0);
	});
}

#[test]
fn uneven_batches_put_the_rounding_remainder_in_the_last() {
	let mut config = genesis();
	// A third cannot be taken exactly of 250 M SPB: the last batch takes what is left.
	config.ecosystem_batches = vec![
		(0, Perbill::from_parts(333_333_333)),
		(YEAR, Perbill::from_parts(333_333_333)),
		(2 * YEAR, Perbill::from_parts(333_333_334)),
	];
	execute_with(config, || {
		go_to(2 * YEAR);
		assert_eq!(vested(CONTRIBUTOR_B), spb(250_000_000));
		assert_eq!(unvested(CONTRIBUTOR_B), 0);
	});
}

#[test]
fn vesting_locks_allow_a_peer_deposit_hold() {
	use frame_support::traits::fungible::{InspectHold, MutateHold};
	build_and_execute(|| {
		// Locked (unvested) tokens may still back a peer deposit: holds overlap locks.
		let reason = RuntimeHoldReason::Peers(pallet_peers::HoldReason::PeerDeposit);
		assert_ok!(Balances::hold(&reason, &TEAM_A, spb(1_000)));
		assert_eq!(Balances::balance_on_hold(&reason, &TEAM_A), spb(1_000));
	});
}

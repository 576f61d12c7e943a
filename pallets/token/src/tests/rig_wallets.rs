//! Deposit-only rig wallets: funded from the deposit and market pool, frozen for 12 months.

use super::*;
use crate::{Error, Event, FreezeReason, RigWallet, RigWallets};
use frame_support::{
	assert_noop, assert_ok,
	traits::fungible::{InspectFreeze, InspectHold, MutateHold},
};
use sp_runtime::{DispatchError, TokenError};

fn deposit() -> RuntimeHoldReason {
	RuntimeHoldReason::Peers(pallet_peers::HoldReason::PeerDeposit)
}

fn fund_rig(amount: Balance) {
	assert_ok!(Token::fund_rig_wallet(RuntimeOrigin::signed(FOUNDATION_SIGNER), RIG, amount));
}

#[test]
fn the_foundation_funds_a_rig_wallet_from_the_market_pool() {
	build_and_execute(|| {
		let before = market_pool();
		fund_rig(spb(10_000));
		assert_eq!(Balances::total_balance(&RIG), spb(10_000));
		assert_eq!(market_pool(), before - spb(10_000));
		assert_eq!(
			Balances::balance_frozen(&RuntimeFreezeReason::Token(FreezeReason::RigWallet), &RIG),
			spb(10_000)
		);
		assert_eq!(
			RigWallets::<Test>::get(RIG),
			Some(RigWallet { amount: spb(10_000), unlocks_at: 1 + YEAR })
		);
		System::assert_last_event(
			Event::RigWalletFunded { wallet: RIG, amount: spb(10_000), unlocks_at: 1 + YEAR }
				.into(),
		);
	});
}

#[test]
fn rig_funds_can_be_held_but_not_transferred_for_twelve_months_then_transferred() {
	build_and_execute(|| {
		fund_rig(spb(10_000));
		for at in [1, MONTH, 6 * MONTH, YEAR] {
			go_to(at);
			// Transfers fail, whatever the amount ...
			assert_noop!(
				Balances::transfer_allow_death(RuntimeOrigin::signed(RIG), PEER, spb(1)),
				TokenError::Frozen
			);
			assert_noop!(
				Balances::transfer_keep_alive(RuntimeOrigin::signed(RIG), PEER, ED),
				TokenError::Frozen
			);
		}
		// ... while the frozen tokens back a peer deposit: holds may overlap the freeze.
		assert_ok!(Balances::hold(&deposit(), &RIG, spb(9_000)));
		assert_eq!(Balances::balance_on_hold(&deposit(), &RIG), spb(9_000));
		assert_ok!(Balances::release(
			&deposit(),
			&RIG,
			spb(4_000),
			frame_support::traits::tokens::Precision::Exact
		));
		assert_noop!(
			Balances::transfer_allow_death(RuntimeOrigin::signed(RIG), PEER, spb(1)),
			TokenError::Frozen
		);
		// The lock ends twelve months after funding (funded at block 1).
		go_to(YEAR);
		assert_noop!(
			Token::thaw_rig_wallet(RuntimeOrigin::signed(NOBODY), RIG),
			Error::<Test>::RigWalletLocked
		);
		go_to(YEAR + 1);
		assert_ok!(Token::thaw_rig_wallet(RuntimeOrigin::signed(NOBODY), RIG));
		System::assert_last_event(
			Event::RigWalletThawed { wallet: RIG, amount: spb(10_000) }.into(),
		);
		assert_eq!(RigWallets::<Test>::get(RIG), None);
		// Free tokens move again (all but the existential deposit, which the hold needs); the
		// deposit still held stays held.
		assert_ok!(Balances::transfer_allow_death(
			RuntimeOrigin::signed(RIG),
			PEER,
			spb(5_000) - ED
		));
		assert_eq!(Balances::total_balance(&PEER), spb(5_000) - ED);
		assert_eq!(Balances::balance_on_hold(&deposit(), &RIG), spb(5_000));
	});
}

#[test]
fn other_funds_of_a_rig_wallet_stay_free() {
	build_and_execute(|| {
		fund(RIG, spb(50));
		fund_rig(spb(1_000));
		assert_ok!(Balances::transfer_allow_death(RuntimeOrigin::signed(RIG), PEER, spb(50)));
		assert_noop!(
			Balances::transfer_allow_death(RuntimeOrigin::signed(RIG), PEER, 1),
			TokenError::Frozen
		);
	});
}

#[test]
fn bad_fundings_are_refused_and_change_nothing() {
	build_and_execute(|| {
		let foundation = RuntimeOrigin::signed(FOUNDATION_SIGNER);
		assert_noop!(
			Token::fund_rig_wallet(RuntimeOrigin::signed(NOBODY), RIG, spb(1)),
			DispatchError::BadOrigin
		);
		assert_noop!(
			Token::fund_rig_wallet(RuntimeOrigin::root(), RIG, spb(1)),
			DispatchError::BadOrigin
		);
		assert_noop!(Token::fund_rig_wallet(foundation.clone(), RIG, 0), Error::<Test>::ZeroAmount);
		assert_noop!(
			Token::fund_rig_wallet(foundation.clone(), RIG, ED - 1),
			Error::<Test>::BelowMinimum
		);
		assert_noop!(
			Token::fund_rig_wallet(foundation.clone(), Token::market_pool_account(), spb(1)),
			Error::<Test>::PoolAccount
		);
		assert_noop!(
			Token::fund_rig_wallet(foundation.clone(), Token::mining_pool_account(), spb(1)),
			Error::<Test>::PoolAccount
		);
		// The pool keeps its existential deposit.
		let all = market_pool();
		assert_noop!(
			Token::fund_rig_wallet(foundation.clone(), RIG, all - ED + 1),
			Error::<Test>::InsufficientPool
		);
		fund_rig(spb(1));
		assert_noop!(
			Token::fund_rig_wallet(foundation, RIG, spb(1)),
			Error::<Test>::RigWalletActive
		);
	});
}

#[test]
fn bad_thaws_are_refused_and_change_nothing() {
	build_and_execute(|| {
		assert_noop!(
			Token::thaw_rig_wallet(RuntimeOrigin::signed(NOBODY), RIG),
			Error::<Test>::NotRigWallet
		);
		fund_rig(spb(1));
		assert_noop!(Token::thaw_rig_wallet(RuntimeOrigin::root(), RIG), DispatchError::BadOrigin);
		assert_noop!(
			Token::thaw_rig_wallet(RuntimeOrigin::signed(RIG), RIG),
			Error::<Test>::RigWalletLocked
		);
		go_to(1 + YEAR);
		assert_ok!(Token::thaw_rig_wallet(RuntimeOrigin::signed(RIG), RIG));
		assert_noop!(
			Token::thaw_rig_wallet(RuntimeOrigin::signed(RIG), RIG),
			Error::<Test>::NotRigWallet
		);
	});
}

#[test]
fn a_thawed_wallet_can_be_funded_again() {
	build_and_execute(|| {
		fund_rig(spb(1));
		go_to(1 + YEAR);
		assert_ok!(Token::thaw_rig_wallet(RuntimeOrigin::signed(NOBODY), RIG));
		fund_rig(spb(2));
		assert_eq!(
			RigWallets::<Test>::get(RIG),
			Some(RigWallet { amount: spb(2), unlocks_at: 1 + 2 * YEAR })
		);
		assert_eq!(Balances::total_balance(&RIG), spb(3));
	});
}

//! The deposit and market pool's free releases.

use super::*;
use crate::{Error, Event, MarketPaidOut};
use frame_support::{assert_noop, assert_ok};
use sp_runtime::DispatchError;

#[test]
fn the_foundation_releases_market_liquidity() {
	build_and_execute(|| {
		let before = market_pool();
		assert_ok!(Token::release_liquidity(
			RuntimeOrigin::signed(FOUNDATION_SIGNER),
			DAPP,
			spb(7)
		));
		assert_eq!(Balances::total_balance(&DAPP), spb(7));
		assert_eq!(market_pool(), before - spb(7));
		assert_eq!(MarketPaidOut::<Test>::get(), spb(7));
		System::assert_last_event(Event::LiquidityReleased { dest: DAPP, amount: spb(7) }.into());
		// Released tokens carry no lock.
		assert_ok!(Balances::transfer_allow_death(RuntimeOrigin::signed(DAPP), NOBODY, spb(7)));
	});
}

#[test]
fn bad_releases_are_refused_and_change_nothing() {
	build_and_execute(|| {
		let foundation = RuntimeOrigin::signed(FOUNDATION_SIGNER);
		assert_noop!(
			Token::release_liquidity(RuntimeOrigin::signed(NOBODY), DAPP, spb(1)),
			DispatchError::BadOrigin
		);
		assert_noop!(
			Token::release_liquidity(foundation.clone(), DAPP, 0),
			Error::<Test>::ZeroAmount
		);
		assert_noop!(
			Token::release_liquidity(foundation.clone(), DAPP, ED - 1),
			Error::<Test>::BelowMinimum
		);
		assert_noop!(
			Token::release_liquidity(foundation.clone(), Token::mining_pool_account(), spb(1)),
			Error::<Test>::PoolAccount
		);
		assert_noop!(
			Token::release_liquidity(foundation.clone(), DAPP, market_pool()),
			Error::<Test>::InsufficientPool
		);
		// Everything but the existential deposit can go.
		assert_ok!(Token::release_liquidity(foundation, DAPP, market_pool() - ED));
		assert_eq!(market_pool(), ED);
	});
}

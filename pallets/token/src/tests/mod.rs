//! Tests of `pallet_token`, by topic. Every test runs on a genesis built by the mock and checks
//! `do_try_state` at its end (see `mock::build_and_execute`).

mod emission;
mod fees;
mod genesis;
mod market_pool;
mod mining_pool;
mod rig_wallets;
mod split;
mod vesting;

use crate::mock::*;
use frame_support::traits::{
	fungible::Inspect,
	tokens::{Fortitude, Preservation},
	VestingSchedule,
};

/// What `who` could transfer now (keeping nothing back for the existential deposit).
pub fn transferable(who: AccountId) -> Balance {
	<Balances as Inspect<AccountId>>::reducible_balance(
		&who,
		Preservation::Expendable,
		Fortitude::Polite,
	)
}

/// What pallet-vesting still locks of `who`'s balance at the current block.
pub fn unvested(who: AccountId) -> Balance {
	<Vesting as VestingSchedule<AccountId>>::vesting_balance(&who).unwrap_or(0)
}

/// What `who` has received and may use: its balance minus what is still unvested.
pub fn vested(who: AccountId) -> Balance {
	Balances::total_balance(&who) - unvested(who)
}

/// Pay `amount` to `who` out of the market pool (keeps total issuance at 10 B).
pub fn fund(who: AccountId, amount: Balance) {
	frame_support::assert_ok!(Token::release_liquidity(
		RuntimeOrigin::signed(FOUNDATION_SIGNER),
		who,
		amount
	));
}

/// The balance of the mining pool.
pub fn mining_pool() -> Balance {
	Balances::total_balance(&Token::mining_pool_account())
}

/// The balance of the deposit and market pool.
pub fn market_pool() -> Balance {
	Balances::total_balance(&Token::market_pool_account())
}

//! The genesis presets mint exactly the whitepaper's 10 billion SPB through `pallet_token`, with
//! the pools and buckets in place, and Alice (the sudo key) able to pay fees from block 0.

use frame_support::traits::fungible::Inspect;
use sp_keyring::Sr25519Keyring;
use spacebook_runtime::{genesis_config_presets, Balances, Token, SPB};

const TOTAL: u128 = 10_000_000_000 * SPB;

mod common;
use common::genesis_of;

#[test]
fn both_presets_mint_exactly_ten_billion_spb() {
	for patch in [
		genesis_config_presets::development_config_genesis(),
		genesis_config_presets::local_testnet_genesis(),
	] {
		genesis_of(patch).execute_with(|| {
			assert_eq!(Balances::total_issuance(), TOTAL);
			let pools = Token::pools();
			assert_eq!(pools.mining, TOTAL / 100 * 45);
			assert_eq!(pools.market, TOTAL / 100 * 20);
			// The sudo key can pay fees: a fifth of its 5 % community share is free at genesis,
			// less its billing-peer candidate deposit.
			let alice = Sr25519Keyring::Alice.to_account_id();
			let spendable = <Balances as Inspect<_>>::reducible_balance(
				&alice,
				frame_support::traits::tokens::Preservation::Preserve,
				frame_support::traits::tokens::Fortitude::Polite,
			);
			let deposit = spacebook_runtime::configs::peers::CANDIDATE_DEPOSIT;
			assert!(spendable >= 100_000_000 * SPB - deposit - SPB, "Alice can spend {spendable}");
			// Team tokens are locked: nothing of Bob's 750 M is spendable at genesis.
			let bob = Sr25519Keyring::Bob.to_account_id();
			assert_eq!(Balances::total_balance(&bob), 750_000_000 * SPB);
			let bob_spendable = <Balances as Inspect<_>>::reducible_balance(
				&bob,
				frame_support::traits::tokens::Preservation::Preserve,
				frame_support::traits::tokens::Fortitude::Polite,
			);
			assert!(bob_spendable < SPB, "Bob's team tokens vest: {bob_spendable} spendable");
		});
	}
}

//! The peer registry in the runtime: the presets' billing peers are registered candidates with
//! their deposits on hold, and a Gosig equivocation evicts the offender's candidacy and pays
//! half its deposit into the mining pool.

use frame_support::traits::fungible::InspectHold;
use pallet_gosig::OnEquivocation;
use pallet_peers::{RoleKind, Standing};
use sp_keyring::Sr25519Keyring;
use spacebook_runtime::{
	configs::peers::CANDIDATE_DEPOSIT, genesis_config_presets, Balances, Peers, Runtime,
	RuntimeHoldReason, RuntimeOrigin, Token,
};

mod common;
use common::genesis_of;

fn candidate_hold(k: Sr25519Keyring) -> u128 {
	let reason = RuntimeHoldReason::Peers(pallet_peers::HoldReason::CandidateDeposit);
	<Balances as InspectHold<_>>::balance_on_hold(&reason, &k.to_account_id())
}

#[test]
fn the_local_billing_peers_are_registered_candidates() {
	genesis_of(genesis_config_presets::local_testnet_genesis()).execute_with(|| {
		use Sr25519Keyring::*;
		for k in [Alice, Bob, Charlie, Dave] {
			let view = Peers::peer_view(&k.to_account_id()).expect("registered at genesis");
			assert_eq!(view.role, RoleKind::BillingCandidate);
			assert_eq!(view.standing, Standing::Good);
			assert_eq!(view.deposit.held, CANDIDATE_DEPOSIT);
			assert_eq!(candidate_hold(k), CANDIDATE_DEPOSIT);
			assert_eq!(
				Peers::candidate_of_billing_key(&k.public().into()),
				Some(k.to_account_id())
			);
		}
		assert_eq!(pallet_peers::RoleCount::<Runtime>::get(RoleKind::BillingCandidate), 4);
		assert!(Peers::peer_view(&Eve.to_account_id()).is_none());
		// A billing peer in the authority set may leave: the elections take it out of the set
		// at the next block (issue 16); its exit waits until then.
		Peers::leave(RuntimeOrigin::signed(Bob.to_account_id())).expect("Bob leaves");
		assert_eq!(
			pallet_billing_elections::Departed::<Runtime>::get().into_inner(),
			vec![Bob.public().into()]
		);
	});
}

#[test]
fn an_equivocation_evicts_the_candidate_and_pays_the_mining_pool() {
	genesis_of(genesis_config_presets::local_testnet_genesis()).execute_with(|| {
		let bob = Sr25519Keyring::Bob;
		let pool_before = Token::pools().mining;
		let issuance = pallet_balances::TotalIssuance::<Runtime>::get();
		<<Runtime as pallet_gosig::Config>::OnEquivocation as OnEquivocation>::on_equivocation(
			&bob.public().into(),
			0,
			17,
		);
		let view = Peers::peer_view(&bob.to_account_id()).expect("kept until the exit delay");
		assert_eq!(view.standing, Standing::Evicted);
		assert_eq!(candidate_hold(bob), CANDIDATE_DEPOSIT / 2);
		assert_eq!(Token::pools().mining, pool_before + CANDIDATE_DEPOSIT / 2);
		assert_eq!(pallet_balances::TotalIssuance::<Runtime>::get(), issuance);
		// An unknown key is only recorded by pallet-gosig.
		<<Runtime as pallet_gosig::Config>::OnEquivocation as OnEquivocation>::on_equivocation(
			&Sr25519Keyring::Eve.public().into(),
			0,
			17,
		);
		assert_eq!(Token::pools().mining, pool_before + CANDIDATE_DEPOSIT / 2);
	});
}

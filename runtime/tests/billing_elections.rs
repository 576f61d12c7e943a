//! Billing-peer elections with the real pallets (issue 16): candidates registered in the peer
//! registry, votes with locked SPB, an era electing 21 of 25 voted candidates into Gosig's
//! authority set and ranking the rest, and an evicted billing peer replaced by the first
//! backup at the next block, paid no billing share from then on.

use frame_support::traits::{fungible::Mutate, Hooks};
use pallet_billing_elections::ElectionMethod;
use sp_core::{sr25519, Pair};
use spacebook_gosig_primitives::AuthorityId as GosigId;
use spacebook_runtime::{
	genesis_config_presets, AccountId, Balances, BillingElections, Peers, Runtime, RuntimeOrigin,
	SPB,
};

mod common;
use common::genesis_of;

fn account(seed: &str) -> AccountId {
	sr25519::Pair::from_string(seed, None).unwrap().public().into()
}

fn key(i: u32) -> GosigId {
	sr25519::Pair::from_string(&format!("//CandidateKey{i}"), None).unwrap().public().into()
}

fn run_to(n: u32) {
	while frame_system::Pallet::<Runtime>::block_number() < n {
		let next = frame_system::Pallet::<Runtime>::block_number() + 1;
		frame_system::Pallet::<Runtime>::set_block_number(next);
		BillingElections::on_initialize(next);
	}
}

#[test]
fn an_era_elects_twenty_one_of_more_and_an_evicted_billing_peer_is_replaced_by_the_first_backup() {
	genesis_of(genesis_config_presets::local_testnet_genesis()).execute_with(|| {
		assert_eq!(
			pallet_billing_elections::Method::<Runtime>::get(),
			ElectionMethod::Phragmen,
			"the default"
		);
		let era = pallet_billing_elections::EraLength::<Runtime>::get();
		assert_eq!(era, genesis_config_presets::DEV_ERA_BLOCKS);
		// 25 candidates, each voted for by a voter of its own with 10 000 + i SPB.
		let candidates: Vec<AccountId> =
			(0..25).map(|i| account(&format!("//Candidate{i}"))).collect();
		for (i, who) in candidates.iter().enumerate() {
			Balances::set_balance(who, 200_000 * SPB);
			Peers::register_billing_candidate(RuntimeOrigin::signed(who.clone()), key(i as u32))
				.expect("a funded account stands");
			let voter = account(&format!("//Voter{i}"));
			Balances::set_balance(&voter, 20_000 * SPB);
			let votes = vec![(who.clone(), (10_000 + i as u128) * SPB)];
			BillingElections::vote(RuntimeOrigin::signed(voter), votes.try_into().unwrap())
				.expect("a funded voter votes");
		}
		assert_eq!(pallet_gosig::Authorities::<Runtime>::get().len(), 4, "the genesis set");
		run_to(era);

		// The 21 with the most votes, in the order Phragmén elected them (most backed first).
		let expected: Vec<GosigId> = (4..25).rev().map(key).collect();
		assert_eq!(pallet_gosig::Authorities::<Runtime>::get().into_inner(), expected);
		assert_eq!(pallet_gosig::CurrentSetId::<Runtime>::get(), 1);
		assert_eq!(pallet_gosig::PastSets::<Runtime>::get().len(), 1, "the genesis set is kept");
		let backups: Vec<AccountId> = pallet_billing_elections::Backups::<Runtime>::get()
			.iter()
			.map(|b| b.account.clone())
			.collect();
		// The other voted candidates by their votes, then the unvoted genesis billing peers.
		assert_eq!(backups[..4], [3, 2, 1, 0].map(|i| candidates[i].clone()));
		assert_eq!(backups.len(), 8);
		let outcome = pallet_billing_elections::LastOutcome::<Runtime>::get().unwrap();
		assert_eq!((outcome.elected, outcome.backups, outcome.changed), (21, 8, true));

		// The committee (root for now) evicts the most backed billing peer.
		let evicted = candidates[24].clone();
		Peers::penalize(
			RuntimeOrigin::root(),
			evicted.clone().into(),
			pallet_peers::PenaltyReason::CommitteeDecision(1),
			pallet_peers::PenaltyLevel::Evict,
		)
		.expect("root evicts");
		assert_eq!(pallet_gosig::CurrentSetId::<Runtime>::get(), 1, "not in the block it left");
		run_to(era + 1);
		let set = pallet_gosig::Authorities::<Runtime>::get();
		assert_eq!(set.len(), 21);
		assert!(!set.contains(&key(24)));
		assert!(set.contains(&key(3)), "the first backup took the seat");
		assert_eq!(pallet_gosig::CurrentSetId::<Runtime>::get(), 2);
		// No billing share for the evicted from now on.
		let paid =
			<<Runtime as pallet_traffic::Config>::BillingPeers as pallet_traffic::BillingPeers<
				AccountId,
			>>::billing_peers();
		assert!(!paid.contains(&evicted));
		assert!(paid.contains(&candidates[3]));
		assert_eq!(paid.len(), 21);
	});
}

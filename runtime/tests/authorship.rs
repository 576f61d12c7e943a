//! Block authors for explorers (issue 20): `pallet_authorship` finds the packer from the Gosig
//! pre-runtime digest, and the runtime writes its account into the header as
//! `Consensus(*b"pow_", account)`, where `@polkadot/api` reads a block's author.

use codec::Encode;
use sp_core::{sr25519, Pair};
use sp_runtime::DigestItem;
use spacebook_gosig_primitives::AuthorityId as GosigId;
use spacebook_runtime::{
	configs::authorship::AUTHOR_ENGINE_ID, genesis_config_presets, AccountId, Runtime,
};

mod common;
use common::{genesis_of, run_to_packed_by};

/// The author items of the current block's header.
fn author_items() -> Vec<AccountId> {
	frame_system::Pallet::<Runtime>::digest()
		.logs
		.iter()
		.filter_map(|log| match log {
			DigestItem::Consensus(id, data) if *id == AUTHOR_ENGINE_ID => {
				Some(codec::Decode::decode(&mut &data[..]).expect("an account"))
			}
			_ => None,
		})
		.collect()
}

fn account_of(key: &GosigId) -> AccountId {
	let public: &sr25519::Public = key.as_ref();
	let raw: &[u8] = public.as_ref();
	AccountId::new(raw.try_into().unwrap())
}

#[test]
fn each_block_names_its_packer_in_the_header() {
	genesis_of(genesis_config_presets::local_testnet_genesis()).execute_with(|| {
		let set = pallet_gosig::Authorities::<Runtime>::get();
		assert_eq!(set.len(), 4);
		// Block 2 packed by the billing peer at index 2 of the set: a genesis billing peer
		// without a candidacy, shown as its key's account.
		run_to_packed_by(2, |_| 2);
		let packer = account_of(&set[2]);
		assert_eq!(pallet_authorship::Pallet::<Runtime>::author(), Some(packer.clone()));
		assert_eq!(author_items(), vec![packer]);
		// Its key registered to a candidate: the candidate's account is the author.
		let candidate: AccountId =
			sr25519::Pair::from_string("//Candidate", None).unwrap().public().into();
		pallet_peers::BillingKeyOwner::<Runtime>::insert(&set[1], candidate.clone());
		run_to_packed_by(3, |_| 1);
		assert_eq!(pallet_authorship::Pallet::<Runtime>::author(), Some(candidate.clone()));
		assert_eq!(author_items(), vec![candidate]);
		// The author item comes before any other consensus item of the block, where
		// `@polkadot/api` looks (it reads the first one).
		let first_consensus =
			frame_system::Pallet::<Runtime>::digest().logs.iter().find_map(|log| match log {
				DigestItem::Consensus(id, _) => Some(*id),
				_ => None,
			});
		assert_eq!(first_consensus, Some(AUTHOR_ENGINE_ID));
	});
}

#[test]
fn a_block_without_a_gosig_digest_names_no_author() {
	genesis_of(genesis_config_presets::development_config_genesis()).execute_with(|| {
		use frame_support::traits::Hooks;
		frame_system::Pallet::<Runtime>::initialize(&2, &Default::default(), &Default::default());
		spacebook_runtime::Authorship::on_initialize(2);
		assert_eq!(pallet_authorship::Pallet::<Runtime>::author(), None);
		assert!(author_items().is_empty());
		// A digest naming an index outside the set names nobody either.
		let pre = spacebook_gosig_primitives::PreDigest {
			round: 3,
			authority_index: 7,
			vrf_signature: codec::Decode::decode(&mut &[0u8; 96][..]).unwrap(),
		};
		let digest = sp_runtime::Digest {
			logs: vec![DigestItem::PreRuntime(
				spacebook_gosig_primitives::GOSIG_ENGINE_ID,
				pre.encode(),
			)],
		};
		spacebook_runtime::Authorship::on_finalize(2);
		frame_system::Pallet::<Runtime>::initialize(&3, &Default::default(), &digest);
		spacebook_runtime::Authorship::on_initialize(3);
		assert_eq!(pallet_authorship::Pallet::<Runtime>::author(), None);
		assert!(author_items().is_empty());
	});
}

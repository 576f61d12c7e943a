//! Genesis presets: `development` (one billing peer, Alice) and `local_testnet` (four billing
//! peers, Alice to Dave).
//!
//! The dev accounts are endowed with a round sum for testing. The whitepaper's 10 billion SPB
//! allocation (ch.3 §2) replaces these endowments in the token-economics work.

use crate::{
	AccountId, Balance, BalancesConfig, GosigConfig, RuntimeGenesisConfig, SudoConfig, SPB,
};
use alloc::{vec, vec::Vec};
use frame_support::build_struct_json_patch;
use serde_json::Value;
use sp_genesis_builder::{self, PresetId};
use sp_keyring::Sr25519Keyring;
use sp_runtime::Perbill;
use spacebook_gosig_primitives::AuthorityId as GosigId;

/// What each dev account holds at genesis: one million SPB.
pub const DEV_ENDOWMENT: Balance = 1_000_000 * SPB;

/// The `local_testnet` preset's probability that a round has at least one elected packer.
pub const LOCAL_ELECTION_TARGET: Perbill = Perbill::from_percent(99);

fn genesis(
	billing_peers: Vec<GosigId>,
	election_target: Perbill,
	endowed: Vec<AccountId>,
	root: AccountId,
) -> Value {
	build_struct_json_patch!(RuntimeGenesisConfig {
		balances: BalancesConfig {
			balances: endowed.into_iter().map(|a| (a, DEV_ENDOWMENT)).collect::<Vec<_>>(),
		},
		gosig: GosigConfig { authorities: billing_peers, election_target, ..Default::default() },
		sudo: SudoConfig { key: Some(root) },
	})
}

fn gosig_id(k: Sr25519Keyring) -> GosigId {
	k.public().into()
}

/// One billing peer, Alice, elected every round; Alice is the sudo key.
pub fn development_config_genesis() -> Value {
	genesis(
		vec![gosig_id(Sr25519Keyring::Alice)],
		Perbill::one(),
		Sr25519Keyring::well_known().map(|k| k.to_account_id()).collect(),
		Sr25519Keyring::Alice.to_account_id(),
	)
}

/// Four billing peers, Alice to Dave; a round has a packer with 99 % probability.
pub fn local_testnet_genesis() -> Value {
	genesis(
		[Sr25519Keyring::Alice, Sr25519Keyring::Bob, Sr25519Keyring::Charlie, Sr25519Keyring::Dave]
			.into_iter()
			.map(gosig_id)
			.collect(),
		LOCAL_ELECTION_TARGET,
		Sr25519Keyring::well_known().map(|k| k.to_account_id()).collect(),
		Sr25519Keyring::Alice.to_account_id(),
	)
}

/// The preset named `id`, as JSON.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let patch = match id.as_ref() {
		sp_genesis_builder::DEV_RUNTIME_PRESET => development_config_genesis(),
		sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET => local_testnet_genesis(),
		_ => return None,
	};
	Some(
		serde_json::to_string(&patch)
			.expect("serialization to json is expected to work. qed.")
			.into_bytes(),
	)
}

/// The names of the presets.
pub fn preset_names() -> Vec<PresetId> {
	vec![
		PresetId::from(sp_genesis_builder::DEV_RUNTIME_PRESET),
		PresetId::from(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET),
	]
}

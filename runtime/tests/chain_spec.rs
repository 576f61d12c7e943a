//! `chain-specs/local.json` must describe the same genesis as the runtime's `local_testnet`
//! preset. Regenerate it with `scripts/export-chain-specs.sh` after changing the preset or the
//! runtime. That its runtime code is this runtime's is checked where the wasm blob is at hand, in
//! the node (`node/src/chain_spec.rs`).

use serde_json::Value;
use spacebook_runtime::{genesis_config_presets, SS58_PREFIX, TOKEN_DECIMALS, TOKEN_SYMBOL};

fn load(name: &str) -> Value {
	let path = format!("{}/../chain-specs/{name}", env!("CARGO_MANIFEST_DIR"));
	let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
	serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path} is not JSON: {e}"))
}

#[test]
fn local_chain_spec_matches_the_local_testnet_preset() {
	let spec = load("local.json");
	assert_eq!(spec["id"], "spacebook_local");
	assert_eq!(spec["chainType"], "Local");
	assert_eq!(
		spec["genesis"]["runtimeGenesis"]["patch"],
		genesis_config_presets::local_testnet_genesis(),
		"chain-specs/local.json is out of date: run scripts/export-chain-specs.sh"
	);
}

#[test]
fn local_chain_spec_has_the_token_properties() {
	let spec = load("local.json");
	assert_eq!(spec["properties"]["tokenSymbol"], TOKEN_SYMBOL);
	assert_eq!(spec["properties"]["tokenDecimals"], TOKEN_DECIMALS);
	assert_eq!(spec["properties"]["ss58Format"], SS58_PREFIX);
}

#[test]
fn presets_name_their_billing_peers() {
	let dev = genesis_config_presets::development_config_genesis();
	assert_eq!(dev["gosig"]["authorities"].as_array().map(Vec::len), Some(1));
	assert_eq!(dev["gosig"]["electionTarget"], 1_000_000_000u32);
	let local = genesis_config_presets::local_testnet_genesis();
	assert_eq!(local["gosig"]["authorities"].as_array().map(Vec::len), Some(4));
	assert_eq!(
		local["gosig"]["electionTarget"],
		genesis_config_presets::LOCAL_ELECTION_TARGET.deconstruct()
	);
}

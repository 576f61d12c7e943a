//! Chain specifications: `dev` and `local` from the runtime's genesis presets, or a JSON file.

use sc_service::ChainType;
use spacebook_runtime::{SS58_PREFIX, TOKEN_DECIMALS, TOKEN_SYMBOL, WASM_BINARY};

/// A chain specification of the Spacebook chain.
pub type ChainSpec = sc_service::GenericChainSpec;

fn properties() -> sc_chain_spec::Properties {
	let mut p = sc_chain_spec::Properties::new();
	p.insert("tokenSymbol".into(), TOKEN_SYMBOL.into());
	p.insert("tokenDecimals".into(), TOKEN_DECIMALS.into());
	p.insert("ss58Format".into(), SS58_PREFIX.into());
	p
}

fn wasm_binary() -> Result<&'static [u8], String> {
	WASM_BINARY.ok_or_else(|| {
		"The runtime's wasm binary is not available; build without SKIP_WASM_BUILD".to_string()
	})
}

/// One billing peer (Alice), for development.
pub fn development_chain_spec() -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm_binary()?, None)
		.with_name("Spacebook Development")
		.with_id("spacebook_dev")
		.with_protocol_id("spacebook-dev")
		.with_chain_type(ChainType::Development)
		.with_genesis_config_preset_name(sp_genesis_builder::DEV_RUNTIME_PRESET)
		.with_properties(properties())
		.build())
}

/// Four billing peers (Alice to Dave) on one machine.
pub fn local_chain_spec() -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm_binary()?, None)
		.with_name("Spacebook Local Testnet")
		.with_id("spacebook_local")
		.with_protocol_id("spacebook-local")
		.with_chain_type(ChainType::Local)
		.with_genesis_config_preset_name(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET)
		.with_properties(properties())
		.build())
}

#[cfg(test)]
mod tests {
	use super::*;
	use serde_json::Value;

	/// `chain-specs/local.json`, as checked in.
	fn checked_in_local_spec() -> Value {
		let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../chain-specs/local.json");
		let text =
			std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
		serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path} is not JSON: {e}"))
	}

	/// The checked-in `local` chain spec must be exactly what `export-chain-spec --chain local`
	/// writes from this runtime: the same name, id, properties and genesis preset, and the same
	/// runtime code (the wasm build is reproducible: `runtime/build.rs`). A spec exported from an
	/// older runtime fails here and so fails the suite.
	///
	/// Checked on 2026-12-04: the spec checked in before this test embedded a runtime without
	/// `pallet-traffic`, and this test failed on it with "the runtime code in
	/// chain-specs/local.json is not this runtime's"; regenerated with
	/// `scripts/export-chain-specs.sh`, it passes.
	#[test]
	fn the_checked_in_local_spec_is_exported_from_this_runtime() {
		let checked_in = checked_in_local_spec();
		let current: Value =
			serde_json::from_str(&local_chain_spec().unwrap().as_json(false).unwrap()).unwrap();
		let code = |spec: &Value| -> Vec<u8> {
			let hex = spec["genesis"]["runtimeGenesis"]["code"].as_str().unwrap_or_default();
			sp_core::bytes::from_hex(hex).unwrap_or_default()
		};
		let (checked_in_code, current_code) = (code(&checked_in), code(&current));
		assert!(!current_code.is_empty(), "the exported spec carries the runtime code");
		assert!(
			checked_in_code == current_code,
			"the runtime code in chain-specs/local.json is not this runtime's (blake2-256 {} vs \
			 {}): regenerate it with scripts/export-chain-specs.sh",
			sp_core::hexdisplay::HexDisplay::from(&sp_io::hashing::blake2_256(&checked_in_code)),
			sp_core::hexdisplay::HexDisplay::from(&sp_io::hashing::blake2_256(&current_code)),
		);
		let without_code = |mut spec: Value| {
			spec["genesis"]["runtimeGenesis"]["code"] = Value::Null;
			spec
		};
		assert_eq!(
			without_code(checked_in),
			without_code(current),
			"chain-specs/local.json is out of date: regenerate it with \
			 scripts/export-chain-specs.sh"
		);
	}
}

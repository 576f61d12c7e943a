fn main() {
	#[cfg(feature = "std")]
	{
		substrate_wasm_builder::WasmBuilder::build_using_defaults();
		upgrade_test_runtime();
	}
}

/// The runtime the end-to-end runtime upgrade installs (`tests/tests/local_net.rs`): this one
/// with `spec_version` one higher (feature `upgrade-test`), built only when
/// `SPACEBOOK_UPGRADE_TEST_WASM` is set (`scripts/test.sh` sets it) into its own blob; the
/// runtime's `upgrade_test` module names it. Without the variable an earlier build's blob is
/// kept (else a placeholder that names none), so that building with and without it does not
/// rebuild the runtime for nothing.
#[cfg(feature = "std")]
fn upgrade_test_runtime() {
	const FILE: &str = "upgrade_test_wasm_binary.rs";
	println!("cargo:rerun-if-env-changed=SPACEBOOK_UPGRADE_TEST_WASM");
	let requested = std::env::var_os("SPACEBOOK_UPGRADE_TEST_WASM").is_some();
	let skipped = std::env::var_os("SKIP_WASM_BUILD").is_some();
	if requested && !skipped && std::env::var_os("CARGO_FEATURE_UPGRADE_TEST").is_none() {
		substrate_wasm_builder::WasmBuilder::init_with_defaults()
			.enable_feature("upgrade-test")
			.set_file_name(FILE)
			.build();
		return;
	}
	let out = std::path::PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
	let path = out.join(FILE);
	if !path.exists() {
		std::fs::write(&path, "pub const WASM_BINARY_PATH: Option<&str> = None;\n")
			.expect("OUT_DIR is writable");
	}
}

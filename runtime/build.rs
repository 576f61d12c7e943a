//! Builds the runtime's wasm blob with substrate-wasm-builder.
//!
//! The blob is reproducible on any machine with the same toolchain and Cargo.lock, wherever the
//! clone and the cargo home are: panic locations would otherwise embed the absolute paths of the
//! workspace (`/work/main/runtime/src/…`) and of the cargo registry, so a fresh clone elsewhere
//! (CI's) built different code, and `chain-specs/local.json`, which embeds the code, could not be
//! checked against the runtime it was exported from (`node/src/chain_spec.rs`, tests). Both
//! prefixes are remapped to fixed names, as `--remap-path-prefix` is meant for.

fn main() {
	#[cfg(feature = "std")]
	{
		let manifest_dir = std::path::PathBuf::from(
			std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
		);
		let workspace = manifest_dir.parent().expect("the runtime is inside the workspace");
		println!("cargo:rerun-if-env-changed=CARGO_HOME");
		let cargo_home =
			std::env::var("CARGO_HOME").map(std::path::PathBuf::from).unwrap_or_else(|_| {
				std::path::PathBuf::from(std::env::var("HOME").unwrap_or_default()).join(".cargo")
			});
		substrate_wasm_builder::WasmBuilder::init_with_defaults()
			.append_to_rust_flags(format!("--remap-path-prefix={}=/spacebook", workspace.display()))
			.append_to_rust_flags(format!(
				"--remap-path-prefix={}=/cargo/registry/src",
				cargo_home.join("registry").join("src").display()
			))
			.build();
	}
}

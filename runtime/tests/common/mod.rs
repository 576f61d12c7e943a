//! Helpers shared by the runtime's integration tests.

use spacebook_runtime::{Runtime, RuntimeGenesisConfig};

/// The externalities of the genesis a preset patch describes, at block 1: the full default
/// config with the preset's patch applied, built into storage.
pub fn genesis_of(patch: serde_json::Value) -> sp_io::TestExternalities {
	let mut config =
		serde_json::to_value(RuntimeGenesisConfig::default()).expect("the config serializes");
	json_patch(&mut config, patch);
	let config: RuntimeGenesisConfig =
		serde_json::from_value(config).expect("the patched preset is a valid genesis config");
	let mut ext: sp_io::TestExternalities =
		sp_runtime::BuildStorage::build_storage(&config).expect("the genesis builds").into();
	ext.execute_with(|| frame_system::Pallet::<Runtime>::set_block_number(1));
	ext
}

/// Apply a JSON merge patch (objects merge key by key, anything else replaces).
fn json_patch(base: &mut serde_json::Value, patch: serde_json::Value) {
	match (base, patch) {
		(serde_json::Value::Object(base), serde_json::Value::Object(patch)) => {
			for (key, value) in patch {
				json_patch(base.entry(key).or_insert(serde_json::Value::Null), value);
			}
		}
		(base, patch) => *base = patch,
	}
}

//! `pallet_sudo`: the foundation key of the dev and foundation phase. The governance committee
//! replaces it (whitepaper ch.4 §3).

use crate::{Runtime, RuntimeCall, RuntimeEvent};

impl pallet_sudo::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type WeightInfo = pallet_sudo::weights::SubstrateWeight<Runtime>;
}

//! `pallet_gosig`: the billing-peer authority set, rounds and the VRF election's randomness.

use crate::{Runtime, HOURS, ROUND_DURATION_MS};
use frame_support::traits::{ConstU32, ConstU64};

impl pallet_gosig::Config for Runtime {
	/// 21 elected billing peers plus ranked backups (whitepaper ch.3 §1) fit with room to spare.
	type MaxAuthorities = ConstU32<100>;
	type RoundDuration = ConstU64<ROUND_DURATION_MS>;
	/// The election seed changes every hour.
	type EpochLength = ConstU32<HOURS>;
	type WeightInfo = pallet_gosig::weights::SubstrateWeight<Runtime>;
}

//! `pallet_timestamp`: block time. `Gosig` checks that the timestamp falls in the block's round
//! and that rounds increase, so two blocks are at least a round apart; the minimum period only
//! needs to stay below the shortest round a chain spec may choose.

use crate::{Gosig, Runtime};
use frame_support::traits::ConstU64;

impl pallet_timestamp::Config for Runtime {
	type Moment = u64;
	type OnTimestampSet = Gosig;
	type MinimumPeriod = ConstU64<{ pallet_gosig::MIN_ROUND_DURATION_MS / 2 }>;
	type WeightInfo = ();
}

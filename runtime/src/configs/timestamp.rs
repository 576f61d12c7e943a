//! `pallet_timestamp`: block time. Two blocks are at least half a round apart; `Gosig` checks
//! that the timestamp falls in the block's round.

use crate::{Gosig, Runtime, ROUND_DURATION_MS};
use frame_support::traits::ConstU64;

impl pallet_timestamp::Config for Runtime {
	type Moment = u64;
	type OnTimestampSet = Gosig;
	type MinimumPeriod = ConstU64<{ ROUND_DURATION_MS / 2 }>;
	type WeightInfo = ();
}

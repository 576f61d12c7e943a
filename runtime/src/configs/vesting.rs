//! `pallet_vesting`: the vesting schedules of the genesis allocation (team, cornerstone
//! investors, ecosystem batches), added by `pallet_token`'s genesis.

use crate::{Balances, Runtime, RuntimeEvent, System, SPB};
use frame_support::{parameter_types, traits::WithdrawReasons};
use sp_runtime::traits::ConvertInto;

parameter_types! {
	/// A vested transfer of less than 1 SPB is refused (it would only bloat schedules).
	pub const MinVestedTransfer: crate::Balance = SPB;
	/// Locked (unvested) funds can still pay fees, never be transferred or reserved.
	pub UnvestedFundsAllowedWithdrawReasons: WithdrawReasons =
		WithdrawReasons::except(WithdrawReasons::TRANSFER | WithdrawReasons::RESERVE);
}

impl pallet_vesting::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	type BlockNumberToBalance = ConvertInto;
	type MinVestedTransfer = MinVestedTransfer;
	type WeightInfo = pallet_vesting::weights::SubstrateWeight<Runtime>;
	type UnvestedFundsAllowedWithdrawReasons = UnvestedFundsAllowedWithdrawReasons;
	type BlockNumberProvider = System;
	/// One schedule per genesis bucket an account is in, plus room for vested transfers.
	const MAX_VESTING_SCHEDULES: u32 = 28;
}

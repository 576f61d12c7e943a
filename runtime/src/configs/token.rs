//! `pallet_token`: the SPB genesis allocation, rig wallets, the mining pool's emission and the
//! recycling of fees and DApp revenue (whitepaper ch.3 §2 i).

use crate::{Balances, Runtime, RuntimeFreezeReason, Vesting, BLOCKS_PER_YEAR, PERIODS_PER_YEAR};
use frame_support::{parameter_types, PalletId};
use sp_runtime::{traits::AccountIdConversion, Permill};

parameter_types! {
	/// The mining pool is this id's account; the deposit and market pool its sub-account.
	pub const TokenPalletId: PalletId = PalletId(*b"spb/pool");
	/// The foundation's account for its share of recycled revenue: a keyless account of its
	/// own, spent by root (the foundation phase) until the governance committee exists.
	pub FoundationAccount: crate::AccountId = PalletId(*b"spb/fndn").into_account_truncating();
	/// 0.5 % of DApp traffic revenue goes to the foundation (whitepaper).
	pub const FoundationShare: Permill = Permill::from_parts(5_000);
	pub const BlocksPerYear: crate::BlockNumber = BLOCKS_PER_YEAR;
	pub const PeriodsPerYear: u32 = PERIODS_PER_YEAR;
	/// Rig wallets are deposit-only for 12 months.
	pub const RigWalletLockPeriod: crate::BlockNumber = BLOCKS_PER_YEAR;
}

impl pallet_token::Config for Runtime {
	type Currency = Balances;
	type RuntimeFreezeReason = RuntimeFreezeReason;
	type Vesting = Vesting;
	/// The foundation's account (root on `dev`/`local`).
	type FoundationOrigin = super::governance::FoundationOrigin;
	/// The committee's majority (the foundation before it).
	type GovernanceOrigin = super::governance::GovernanceOrigin;
	type PalletId = TokenPalletId;
	type FoundationAccount = FoundationAccount;
	type FoundationShare = FoundationShare;
	type BlocksPerYear = BlocksPerYear;
	type PeriodsPerYear = PeriodsPerYear;
	type RigWalletLockPeriod = RigWalletLockPeriod;
	type WeightInfo = pallet_token::weights::SubstrateWeight<Runtime>;
}

//! Data types and fixed amounts of `pallet_token`.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use core::fmt::Debug;
use scale_info::TypeInfo;
use serde::{Deserialize, Serialize};
use sp_arithmetic::Perbill;

/// Plancks in one SPB (12 decimals).
pub const SPB: u128 = 1_000_000_000_000;
/// The total supply: 10 000 000 000 SPB, all minted at genesis and never again.
pub const TOTAL_SUPPLY: u128 = 10_000_000_000 * SPB;
/// 45 %: the mining pool, owned by the pallet and paid out by the emission schedule.
pub const MINING_POOL: u128 = 4_500_000_000 * SPB;
/// 20 %: the deposit and market pool, owned by the pallet and managed by the foundation.
pub const MARKET_POOL: u128 = 2_000_000_000 * SPB;
/// 5 %: each of the three parts of the ecosystem reserve (15 % in all).
pub const ECOSYSTEM_PART: u128 = 500_000_000 * SPB;
/// 15 %: the team, vesting linearly.
pub const TEAM: u128 = 1_500_000_000 * SPB;
/// 5 %: the cornerstone investors, vesting linearly after a cliff.
pub const CORNERSTONE: u128 = 500_000_000 * SPB;

/// The mining pool is emitted over this many years at most.
pub const EMISSION_YEARS: u32 = 10;
/// The ecosystem reserve is unlocked within this many years after launch.
pub const ECOSYSTEM_UNLOCK_YEARS: u32 = 5;

/// Lowest share of a period's emission for professional and common peers (whitepaper: 64 %).
pub const PEERS_MIN: Perbill = Perbill::from_percent(64);
/// Highest share of a period's emission for professional and common peers (whitepaper: 99 %).
pub const PEERS_MAX: Perbill = Perbill::from_percent(99);
/// The billing peers' share of a period's emission, fixed by the whitepaper (1 %).
pub const BILLING_SHARE: Perbill = Perbill::from_percent(1);
/// Highest share of a period's emission for scheduling peers (whitepaper: 35 %).
pub const SCHEDULING_MAX: Perbill = Perbill::from_percent(35);

/// How a ledgering period's emission is divided between the kinds of infrastructure peers.
///
/// Valid when `billing` is [`BILLING_SHARE`], `peers` lies in [`PEERS_MIN`]..=[`PEERS_MAX`],
/// `scheduling` is at most [`SCHEDULING_MAX`] and the three add up to exactly 100 %.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	TypeInfo,
	MaxEncodedLen,
	Serialize,
	Deserialize,
)]
pub struct EmissionSplit {
	/// Professional and common peers, paid by Proof-of-Traffic (and patrol rewards).
	pub peers: Perbill,
	/// Billing peers, for packing blocks.
	pub billing: Perbill,
	/// Scheduling peers, for scheduling work.
	pub scheduling: Perbill,
}

impl Default for EmissionSplit {
	/// 99 % peers, 1 % billing, 0 % scheduling: scheduling peers are run by the team at launch
	/// (paid from the community-operations reserve), so all of the rest goes to the peers that
	/// carry traffic until governance opens scheduling to third parties. See `docs/token.md`.
	fn default() -> Self {
		Self { peers: PEERS_MAX, billing: BILLING_SHARE, scheduling: Perbill::zero() }
	}
}

/// What a payment out of the mining pool rewards.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	TypeInfo,
	MaxEncodedLen,
)]
pub enum PayoutPurpose {
	/// Proof-of-Traffic reward of a professional or common peer (the peers' share).
	Traffic,
	/// Patrol-task reward of a professional or common peer (the peers' share).
	Patrol,
	/// Block-packing reward of a billing peer (the billing share).
	Billing,
	/// Scheduling reward of a scheduling peer (the scheduling share).
	Scheduling,
}

/// One ledgering period's emission and its split.
///
/// `peers + billing + scheduling == total`: the billing and scheduling amounts are rounded
/// down and the peers receive the rounding dust.
#[derive(Encode, Decode, Clone, Copy, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen, Default)]
pub struct PeriodEmission<Balance> {
	/// The ledgering period, counted from 0 at genesis.
	pub period: u32,
	/// The emission year the period falls in, from 1; 0 once the ten years are over.
	pub year: u32,
	/// The period's whole emission, N(total) before the split.
	pub total: Balance,
	/// For professional and common peers.
	pub peers: Balance,
	/// For billing peers.
	pub billing: Balance,
	/// For scheduling peers.
	pub scheduling: Balance,
}

/// The balances of the pallet's pools.
#[derive(Encode, Decode, Clone, Copy, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen, Default)]
pub struct PoolBalances<Balance> {
	/// The mining pool's balance, including fees and recycled revenue paid in.
	pub mining: Balance,
	/// The part of the 4.5 B SPB not yet released by the emission schedule: the mining pool may
	/// never pay out below it.
	pub mining_unreleased: Balance,
	/// The deposit and market pool's balance.
	pub market: Balance,
	/// Everything the mining pool has paid out since genesis.
	pub mining_paid_out: Balance,
	/// Everything the deposit and market pool has paid out since genesis.
	pub market_paid_out: Balance,
}

/// A deposit-only rig wallet: `amount` is frozen until block `unlocks_at`.
#[derive(Encode, Decode, Clone, Copy, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen, Default)]
pub struct RigWallet<Balance, BlockNumber> {
	/// The amount funded and frozen: it may be put on hold (peer deposit), never transferred.
	pub amount: Balance,
	/// From this block on anyone may thaw the wallet.
	pub unlocks_at: BlockNumber,
}

/// The shares a recycled revenue payment was divided into.
#[derive(Encode, Decode, Clone, Copy, PartialEq, Eq, Debug, TypeInfo, Default)]
pub struct RecycledShares<Balance> {
	/// To the foundation's account.
	pub foundation: Balance,
	/// Into the mining pool.
	pub mining_pool: Balance,
}

//! Weights for `pallet_token`.
//!
//! HAND ESTIMATES, not measurements: conservative values derived from the storage each call
//! touches, in the shape `frame-omni-bencher` generates, to be replaced by the output of
//! `scripts/bench-weights.sh` over the v2 benchmarks in `benchmarking.rs` once it runs in CI.

#![allow(unused_parens)]
#![allow(unused_imports)]

use core::marker::PhantomData;
use frame_support::{
	traits::Get,
	weights::{constants::RocksDbWeight, Weight},
};

/// Weight functions needed for `pallet_token`.
pub trait WeightInfo {
	/// `fund_rig_wallet`.
	fn fund_rig_wallet() -> Weight;
	/// `thaw_rig_wallet`.
	fn thaw_rig_wallet() -> Weight;
	/// `release_liquidity`.
	fn release_liquidity() -> Weight;
	/// `set_emission_split`.
	fn set_emission_split() -> Weight;
	/// `MiningPool::pay_from_pool`, for the paying pallet to add to its own weight.
	fn pay_from_pool() -> Weight;
	/// `RevenueRecycler::recycle_revenue`, for the paying pallet to add to its own weight.
	fn recycle_revenue() -> Weight;
}

/// Weights for `pallet_token` using the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Storage: `Token::RigWallets` (r:1 w:1), `System::Account` (r:2 w:2) for the pool and the
	/// wallet, `Balances::Freezes` (r:1 w:1), `Token::MarketPaidOut` (r:1 w:1).
	/// Proof: `RigWallets` 72 bytes, `System::Account` 128 bytes, `Balances::Freezes` 67 bytes.
	fn fund_rig_wallet() -> Weight {
		Weight::from_parts(70_000_000, 3_600)
			.saturating_add(T::DbWeight::get().reads(5_u64))
			.saturating_add(T::DbWeight::get().writes(5_u64))
	}
	/// Storage: `Token::RigWallets` (r:1 w:1), `Balances::Freezes` (r:1 w:1),
	/// `System::Account` (r:1 w:1), `Balances::Locks` (r:1 w:0).
	fn thaw_rig_wallet() -> Weight {
		Weight::from_parts(45_000_000, 3_600)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	/// Storage: `System::Account` (r:2 w:2) for the pool and the recipient,
	/// `Token::MarketPaidOut` (r:1 w:1).
	fn release_liquidity() -> Weight {
		Weight::from_parts(50_000_000, 3_600)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	/// Storage: `Token::CurrentSplit` (r:0 w:1).
	fn set_emission_split() -> Weight {
		Weight::from_parts(10_000_000, 0).saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `System::Account` (r:2 w:2) for the pool and the recipient,
	/// `Token::YearlyEmission` (r:1 w:0), `Token::MiningPaidOut` (r:1 w:1).
	/// Proof: `YearlyEmission` 161 bytes.
	fn pay_from_pool() -> Weight {
		Weight::from_parts(55_000_000, 3_800)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	/// Storage: `System::Account` (r:3 w:3) for the payer, the foundation and the pool.
	fn recycle_revenue() -> Weight {
		Weight::from_parts(60_000_000, 3_600)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
}

/// For tests: the same estimates with RocksDB constants.
impl WeightInfo for () {
	fn fund_rig_wallet() -> Weight {
		Weight::from_parts(70_000_000, 3_600)
			.saturating_add(RocksDbWeight::get().reads(5_u64))
			.saturating_add(RocksDbWeight::get().writes(5_u64))
	}
	fn thaw_rig_wallet() -> Weight {
		Weight::from_parts(45_000_000, 3_600)
			.saturating_add(RocksDbWeight::get().reads(4_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
	fn release_liquidity() -> Weight {
		Weight::from_parts(50_000_000, 3_600)
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
	fn set_emission_split() -> Weight {
		Weight::from_parts(10_000_000, 0).saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn pay_from_pool() -> Weight {
		Weight::from_parts(55_000_000, 3_800)
			.saturating_add(RocksDbWeight::get().reads(4_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
	fn recycle_revenue() -> Weight {
		Weight::from_parts(60_000_000, 3_600)
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
}

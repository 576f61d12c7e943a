//! Weights for `pallet_traffic`.
//!
//! HAND ESTIMATES, not measurements: conservative values derived from the storage each call
//! touches and the signature checks it makes, in the shape `frame-omni-bencher` generates, to be
//! replaced by the output of `scripts/bench-weights.sh pallet_traffic` over the v2 benchmarks in
//! `benchmarking.rs`.

#![allow(unused_parens)]
#![allow(unused_imports)]

use core::marker::PhantomData;
use frame_support::{
	traits::Get,
	weights::{constants::RocksDbWeight, Weight},
};

/// Weight functions needed for `pallet_traffic`.
pub trait WeightInfo {
	/// `submit_report` with `d` DApps in the report.
	fn submit_report(d: u32) -> Weight;
	/// `authorize_report` (the pool's check) with `d` DApps.
	fn authorize_report(d: u32) -> Weight;
	/// `answer_audit` with [`crate::Config::SecondAuditSamples`] samples and a report of
	/// [`crate::Config::MaxDApps`] DApps (a claim tally each).
	fn answer_audit() -> Weight;
	/// `set_parameters` (and `set_price`).
	fn set_parameters() -> Weight;
	/// `buy_traffic`.
	fn buy_traffic() -> Weight;
	/// Drawing an audit seed (`on_initialize`).
	fn draw_seed() -> Weight;
	/// Starting a settlement (`on_initialize`).
	fn start_settlement() -> Weight;
	/// Counting `n` reports (`on_initialize`).
	fn settle_count(n: u32) -> Weight;
	/// Paying `n` winners (`on_initialize`).
	fn settle_pay(n: u32) -> Weight;
	/// Publishing a settlement and pruning an old period (`on_initialize`).
	fn finish_settlement() -> Weight;
}

/// Weights for `pallet_traffic` using the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn submit_report(d: u32) -> Weight {
		Weight::from_parts(150_000_000, 9_000)
			.saturating_add(Weight::from_parts(2_000_000, 200).saturating_mul(d.into()))
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	fn authorize_report(d: u32) -> Weight {
		Weight::from_parts(140_000_000, 9_000)
			.saturating_add(Weight::from_parts(1_500_000, 150).saturating_mul(d.into()))
			.saturating_add(T::DbWeight::get().reads(3_u64))
	}
	fn answer_audit() -> Weight {
		Weight::from_parts(4_000_000_000, 30_000)
			.saturating_add(T::DbWeight::get().reads(68_u64))
			.saturating_add(T::DbWeight::get().writes(65_u64))
	}
	fn set_parameters() -> Weight {
		Weight::from_parts(8_000_000, 0).saturating_add(T::DbWeight::get().writes(1_u64))
	}
	fn buy_traffic() -> Weight {
		Weight::from_parts(60_000_000, 4_000)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	fn draw_seed() -> Weight {
		Weight::from_parts(12_000_000, 50_000)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	fn start_settlement() -> Weight {
		Weight::from_parts(12_000_000, 1_500)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	fn settle_count(n: u32) -> Weight {
		Weight::from_parts(20_000_000, 60_000)
			.saturating_add(Weight::from_parts(45_000_000, 3_000).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
			.saturating_add(T::DbWeight::get().reads((4_u64).saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().writes((3_u64).saturating_mul(n.into())))
	}
	fn settle_pay(n: u32) -> Weight {
		Weight::from_parts(15_000_000, 5_000)
			.saturating_add(Weight::from_parts(70_000_000, 4_000).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
			.saturating_add(T::DbWeight::get().reads((3_u64).saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().writes((3_u64).saturating_mul(n.into())))
	}
	fn finish_settlement() -> Weight {
		Weight::from_parts(400_000_000, 120_000)
			.saturating_add(T::DbWeight::get().reads(6_u64))
			.saturating_add(T::DbWeight::get().writes(6_u64))
	}
}

/// For tests: the same estimates with RocksDB weights.
impl WeightInfo for () {
	fn submit_report(d: u32) -> Weight {
		Weight::from_parts(150_000_000, 9_000)
			.saturating_add(Weight::from_parts(2_000_000, 200).saturating_mul(d.into()))
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
	fn authorize_report(d: u32) -> Weight {
		Weight::from_parts(140_000_000, 9_000)
			.saturating_add(Weight::from_parts(1_500_000, 150).saturating_mul(d.into()))
			.saturating_add(RocksDbWeight::get().reads(3_u64))
	}
	fn answer_audit() -> Weight {
		Weight::from_parts(4_000_000_000, 30_000)
			.saturating_add(RocksDbWeight::get().reads(68_u64))
			.saturating_add(RocksDbWeight::get().writes(65_u64))
	}
	fn set_parameters() -> Weight {
		Weight::from_parts(8_000_000, 0).saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn buy_traffic() -> Weight {
		Weight::from_parts(60_000_000, 4_000)
			.saturating_add(RocksDbWeight::get().reads(4_u64))
			.saturating_add(RocksDbWeight::get().writes(4_u64))
	}
	fn draw_seed() -> Weight {
		Weight::from_parts(12_000_000, 50_000)
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn start_settlement() -> Weight {
		Weight::from_parts(12_000_000, 1_500)
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn settle_count(n: u32) -> Weight {
		Weight::from_parts(20_000_000, 60_000)
			.saturating_add(Weight::from_parts(45_000_000, 3_000).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
			.saturating_add(RocksDbWeight::get().reads((4_u64).saturating_mul(n.into())))
			.saturating_add(RocksDbWeight::get().writes((3_u64).saturating_mul(n.into())))
	}
	fn settle_pay(n: u32) -> Weight {
		Weight::from_parts(15_000_000, 5_000)
			.saturating_add(Weight::from_parts(70_000_000, 4_000).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
			.saturating_add(RocksDbWeight::get().reads((3_u64).saturating_mul(n.into())))
			.saturating_add(RocksDbWeight::get().writes((3_u64).saturating_mul(n.into())))
	}
	fn finish_settlement() -> Weight {
		Weight::from_parts(400_000_000, 120_000)
			.saturating_add(RocksDbWeight::get().reads(6_u64))
			.saturating_add(RocksDbWeight::get().writes(6_u64))
	}
}

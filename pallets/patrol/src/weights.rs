
//! Weights for `pallet_patrol`: provisional estimates (reads and writes counted from the code,
//! the VRF check measured by the primitives' tests' order of magnitude) until
//! `scripts/bench-weights.sh pallet_patrol` replaces this file.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use frame_support::{traits::Get, weights::{Weight, constants::RocksDbWeight}};
use core::marker::PhantomData;

/// Weight functions needed for `pallet_patrol`.
pub trait WeightInfo {
	fn submit_passes(r: u32, ) -> Weight;
	fn submit_wrong(r: u32, ) -> Weight;
	fn authorize_submit(r: u32, ) -> Weight;
	fn open_period() -> Weight;
	fn set_parameters() -> Weight;
}

/// Weights for `pallet_patrol` measured on the reference machine, using the runtime's database
/// weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn submit_passes(r: u32, ) -> Weight {
		Weight::from_parts(300_000_000, 8000)
			.saturating_add(Weight::from_parts(60_000_000, 12000).saturating_mul(r.into()))
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().reads((8_u64).saturating_mul(r.into())))
			.saturating_add(T::DbWeight::get().writes(1_u64))
			.saturating_add(T::DbWeight::get().writes((6_u64).saturating_mul(r.into())))
	}
	fn submit_wrong(r: u32, ) -> Weight {
		Weight::from_parts(300_000_000, 8000)
			.saturating_add(Weight::from_parts(60_000_000, 12000).saturating_mul(r.into()))
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().reads((8_u64).saturating_mul(r.into())))
			.saturating_add(T::DbWeight::get().writes(1_u64))
			.saturating_add(T::DbWeight::get().writes((6_u64).saturating_mul(r.into())))
	}
	fn authorize_submit(r: u32, ) -> Weight {
		Weight::from_parts(300_000_000, 8000)
			.saturating_add(Weight::from_parts(10_000_000, 2600).saturating_mul(r.into()))
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(r.into())))
	}
	fn open_period() -> Weight {
		Weight::from_parts(60_000_000, 6000)
			.saturating_add(T::DbWeight::get().reads(8_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	fn set_parameters() -> Weight {
		Weight::from_parts(10_000_000, 0)
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
}

// For backwards compatibility and tests.
impl WeightInfo for () {
	fn submit_passes(r: u32, ) -> Weight {
		Weight::from_parts(300_000_000, 8000)
			.saturating_add(Weight::from_parts(60_000_000, 12000).saturating_mul(r.into()))
			.saturating_add(RocksDbWeight::get().reads(4_u64))
			.saturating_add(RocksDbWeight::get().reads((8_u64).saturating_mul(r.into())))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
			.saturating_add(RocksDbWeight::get().writes((6_u64).saturating_mul(r.into())))
	}
	fn submit_wrong(r: u32, ) -> Weight {
		Weight::from_parts(300_000_000, 8000)
			.saturating_add(Weight::from_parts(60_000_000, 12000).saturating_mul(r.into()))
			.saturating_add(RocksDbWeight::get().reads(4_u64))
			.saturating_add(RocksDbWeight::get().reads((8_u64).saturating_mul(r.into())))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
			.saturating_add(RocksDbWeight::get().writes((6_u64).saturating_mul(r.into())))
	}
	fn authorize_submit(r: u32, ) -> Weight {
		Weight::from_parts(300_000_000, 8000)
			.saturating_add(Weight::from_parts(10_000_000, 2600).saturating_mul(r.into()))
			.saturating_add(RocksDbWeight::get().reads(4_u64))
			.saturating_add(RocksDbWeight::get().reads((1_u64).saturating_mul(r.into())))
	}
	fn open_period() -> Weight {
		Weight::from_parts(60_000_000, 6000)
			.saturating_add(RocksDbWeight::get().reads(8_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
	fn set_parameters() -> Weight {
		Weight::from_parts(10_000_000, 0)
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
}

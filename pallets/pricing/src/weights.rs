//! Weights for `pallet_pricing`.
//!
//! Provisional: written by hand from the storage each call touches, until
//! `scripts/bench-weights.sh pallet_pricing` measures them in the runtime (issue 15, next
//! slice). Do not trust the ref-time figures below for anything but ordering.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use frame_support::{traits::Get, weights::{Weight, constants::RocksDbWeight}};
use core::marker::PhantomData;

/// Weight functions needed for `pallet_pricing`.
pub trait WeightInfo {
	fn set_prices() -> Weight;
	fn set_expected_demand() -> Weight;
	fn set_competitor_prices() -> Weight;
	fn set_parameters() -> Weight;
	fn lease() -> Weight;
	fn top_up_lease() -> Weight;
	fn end_lease() -> Weight;
	fn begin_cycle() -> Weight;
	fn reprice_leases(n: u32, ) -> Weight;
}

/// Weights for `pallet_pricing` using the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn set_prices() -> Weight {
		Weight::from_parts(20_000_000, 1_500)
			.saturating_add(T::DbWeight::get().reads_writes(1, 1))
	}
	fn set_expected_demand() -> Weight {
		Weight::from_parts(10_000_000, 0)
			.saturating_add(T::DbWeight::get().writes(1))
	}
	fn set_competitor_prices() -> Weight {
		Weight::from_parts(15_000_000, 1_500)
			.saturating_add(T::DbWeight::get().reads_writes(2, 1))
	}
	fn set_parameters() -> Weight {
		Weight::from_parts(10_000_000, 0)
			.saturating_add(T::DbWeight::get().writes(1))
	}
	fn lease() -> Weight {
		Weight::from_parts(60_000_000, 4_000)
			.saturating_add(T::DbWeight::get().reads_writes(6, 4))
	}
	fn top_up_lease() -> Weight {
		Weight::from_parts(60_000_000, 4_000)
			.saturating_add(T::DbWeight::get().reads_writes(5, 3))
	}
	fn end_lease() -> Weight {
		Weight::from_parts(60_000_000, 4_000)
			.saturating_add(T::DbWeight::get().reads_writes(4, 4))
	}
	fn begin_cycle() -> Weight {
		Weight::from_parts(80_000_000, 6_000)
			.saturating_add(T::DbWeight::get().reads_writes(12, 7))
	}
	fn reprice_leases(n: u32, ) -> Weight {
		Weight::from_parts(10_000_000, 1_500)
			.saturating_add(Weight::from_parts(60_000_000, 4_000).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads_writes(3, 1))
			.saturating_add(T::DbWeight::get().reads_writes(4, 4).saturating_mul(n.into()))
	}
}

// For backwards compatibility and tests.
impl WeightInfo for () {
	fn set_prices() -> Weight { Weight::from_parts(20_000_000, 1_500).saturating_add(RocksDbWeight::get().reads_writes(1, 1)) }
	fn set_expected_demand() -> Weight { Weight::from_parts(10_000_000, 0).saturating_add(RocksDbWeight::get().writes(1)) }
	fn set_competitor_prices() -> Weight { Weight::from_parts(15_000_000, 1_500).saturating_add(RocksDbWeight::get().reads_writes(2, 1)) }
	fn set_parameters() -> Weight { Weight::from_parts(10_000_000, 0).saturating_add(RocksDbWeight::get().writes(1)) }
	fn lease() -> Weight { Weight::from_parts(60_000_000, 4_000).saturating_add(RocksDbWeight::get().reads_writes(6, 4)) }
	fn top_up_lease() -> Weight { Weight::from_parts(60_000_000, 4_000).saturating_add(RocksDbWeight::get().reads_writes(5, 3)) }
	fn end_lease() -> Weight { Weight::from_parts(60_000_000, 4_000).saturating_add(RocksDbWeight::get().reads_writes(4, 4)) }
	fn begin_cycle() -> Weight { Weight::from_parts(80_000_000, 6_000).saturating_add(RocksDbWeight::get().reads_writes(12, 7)) }
	fn reprice_leases(n: u32, ) -> Weight {
		Weight::from_parts(10_000_000, 1_500)
			.saturating_add(Weight::from_parts(60_000_000, 4_000).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads_writes(3, 1))
			.saturating_add(RocksDbWeight::get().reads_writes(4, 4).saturating_mul(n.into()))
	}
}

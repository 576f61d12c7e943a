//! Weights for `pallet_gosig`.
//!
//! HAND ESTIMATES, not measurements: conservative values derived from the storage each call
//! touches, to be replaced by the output of `scripts/bench-weights.sh` (frame-omni-bencher over
//! the v2 benchmarks in `benchmarking.rs`) once it runs in CI.

#![allow(unused_parens)]
#![allow(unused_imports)]

use core::marker::PhantomData;
use frame_support::{
	traits::Get,
	weights::{constants::RocksDbWeight, Weight},
};

/// Weight functions needed for `pallet_gosig`.
pub trait WeightInfo {
	/// `set_authorities` with `a` billing peers.
	fn set_authorities(a: u32) -> Weight;
	/// `set_election_target`.
	fn set_election_target() -> Weight;
	/// `report_equivocation`.
	fn report_equivocation() -> Weight;
	/// The authorization (transaction validation) of `report_equivocation`.
	fn authorize_report_equivocation() -> Weight;
}

/// Weights for `pallet_gosig` using the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Storage: `Gosig::CurrentSetId` (r:1 w:1), `Gosig::Authorities` (r:0 w:1).
	/// Proof: `Gosig::Authorities` up to `MaxAuthorities` × 32 bytes.
	fn set_authorities(a: u32) -> Weight {
		Weight::from_parts(20_000_000, 1_500)
			.saturating_add(Weight::from_parts(400_000, 32).saturating_mul(a.into()))
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	/// Storage: `Gosig::ElectionTarget` (r:0 w:1).
	fn set_election_target() -> Weight {
		Weight::from_parts(10_000_000, 0).saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Two sr25519 verifications (~50 µs each).
	/// Storage: `Gosig::Authorities` (r:1), `Gosig::CurrentSetId` (r:1),
	/// `Gosig::ReportedEquivocations` (r:1 w:1), `Gosig::EquivocationCount` (r:1 w:1).
	fn report_equivocation() -> Weight {
		Weight::from_parts(150_000_000, 4_000)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	/// Two sr25519 verifications. Storage: `Gosig::Authorities`, `Gosig::CurrentSetId`,
	/// `Gosig::ReportedEquivocations` (r:3).
	fn authorize_report_equivocation() -> Weight {
		Weight::from_parts(130_000_000, 4_000).saturating_add(T::DbWeight::get().reads(3_u64))
	}
}

/// For tests: the same estimates with RocksDB constants.
impl WeightInfo for () {
	fn set_authorities(a: u32) -> Weight {
		Weight::from_parts(20_000_000, 1_500)
			.saturating_add(Weight::from_parts(400_000, 32).saturating_mul(a.into()))
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
	fn set_election_target() -> Weight {
		Weight::from_parts(10_000_000, 0).saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn report_equivocation() -> Weight {
		Weight::from_parts(150_000_000, 4_000)
			.saturating_add(RocksDbWeight::get().reads(4_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
	fn authorize_report_equivocation() -> Weight {
		Weight::from_parts(130_000_000, 4_000).saturating_add(RocksDbWeight::get().reads(3_u64))
	}
}

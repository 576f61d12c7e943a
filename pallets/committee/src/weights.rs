//! Weights of the committee pallet.
//!
//! Provisional, until the benchmarks are written and measured (issue 17's next slice): each is
//! a generous estimate of its reads and writes (`DbWeight`) plus compute, counted from the code.

#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::Weight};

/// The weights the pallet needs.
pub trait WeightInfo {
	fn nominate() -> Weight;
	fn sign_up() -> Weight;
	fn support(v: u32) -> Weight;
	fn vote(v: u32) -> Weight;
	fn withdraw() -> Weight;
	fn start_election() -> Weight;
	fn close_nominations() -> Weight;
	fn complete() -> Weight;
	fn release_ballots(b: u32) -> Weight;
	fn enact() -> Weight;
}

/// Estimates with the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn nominate() -> Weight {
		Weight::from_parts(50_000_000, 8_000).saturating_add(T::DbWeight::get().reads_writes(4, 1))
	}
	fn sign_up() -> Weight {
		Weight::from_parts(60_000_000, 6_000).saturating_add(T::DbWeight::get().reads_writes(5, 4))
	}
	fn support(v: u32) -> Weight {
		Weight::from_parts(100_000_000, 12_000)
			.saturating_add(Weight::from_parts(20_000_000, 3_000).saturating_mul(v.into()))
			.saturating_add(T::DbWeight::get().reads_writes(5, 3))
			.saturating_add(T::DbWeight::get().reads_writes(6, 2).saturating_mul(v.into()))
	}
	fn vote(v: u32) -> Weight {
		Weight::from_parts(100_000_000, 12_000)
			.saturating_add(Weight::from_parts(10_000_000, 0).saturating_mul(v.into()))
			.saturating_add(T::DbWeight::get().reads_writes(5, 3))
	}
	fn withdraw() -> Weight {
		Weight::from_parts(400_000_000, 60_000)
			.saturating_add(T::DbWeight::get().reads_writes(40, 20))
	}
	fn start_election() -> Weight {
		Weight::from_parts(100_000_000, 12_000)
			.saturating_add(T::DbWeight::get().reads_writes(40, 4))
	}
	fn close_nominations() -> Weight {
		Weight::from_parts(100_000_000, 12_000)
			.saturating_add(T::DbWeight::get().reads_writes(70, 2))
	}
	fn complete() -> Weight {
		Weight::from_parts(200_000_000, 12_000)
			.saturating_add(T::DbWeight::get().reads_writes(6, 12))
	}
	fn release_ballots(b: u32) -> Weight {
		Weight::from_parts(10_000_000, 1_000)
			.saturating_add(Weight::from_parts(40_000_000, 4_000).saturating_mul(b.into()))
			.saturating_add(T::DbWeight::get().reads_writes(2, 1))
			.saturating_add(T::DbWeight::get().reads_writes(3, 3).saturating_mul(b.into()))
	}
	fn enact() -> Weight {
		Weight::from_parts(20_000_000, 0)
	}
}

/// For tests.
impl WeightInfo for () {
	fn nominate() -> Weight {
		Weight::from_parts(50_000_000, 0)
	}
	fn sign_up() -> Weight {
		Weight::from_parts(60_000_000, 0)
	}
	fn support(v: u32) -> Weight {
		Weight::from_parts(100_000_000 + 20_000_000 * v as u64, 0)
	}
	fn vote(v: u32) -> Weight {
		Weight::from_parts(100_000_000 + 10_000_000 * v as u64, 0)
	}
	fn withdraw() -> Weight {
		Weight::from_parts(400_000_000, 0)
	}
	fn start_election() -> Weight {
		Weight::from_parts(100_000_000, 0)
	}
	fn close_nominations() -> Weight {
		Weight::from_parts(100_000_000, 0)
	}
	fn complete() -> Weight {
		Weight::from_parts(200_000_000, 0)
	}
	fn release_ballots(b: u32) -> Weight {
		Weight::from_parts(10_000_000 + 40_000_000 * b as u64, 0)
	}
	fn enact() -> Weight {
		Weight::from_parts(20_000_000, 0)
	}
}

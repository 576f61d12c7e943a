//! Weights of `pallet_scheduling`.
//!
//! **Estimates, not measurements**: the storage reads and writes each call makes are counted
//! from the code, and the computation is put at a generous 50 µs per call plus 5 µs per scored
//! candidate. The pallet is not in the runtime yet; its v2 benchmarks (`benchmarking.rs`) and
//! the generated weights come with the runtime wiring, and replace this file before any chain
//! charges them.

#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use frame_support::{
	traits::Get,
	weights::{constants::RocksDbWeight, RuntimeDbWeight, Weight},
};

/// Weight functions needed for `pallet_scheduling`.
pub trait WeightInfo {
	fn order_storage() -> Weight;
	fn renew(p: u32) -> Weight;
	fn end_order(p: u32) -> Weight;
	fn respond(c: u32) -> Weight;
	fn authorize_respond(c: u32) -> Weight;
	fn confirm_stored() -> Weight;
	fn authorize_confirm() -> Weight;
	fn claim() -> Weight;
	fn set_rule() -> Weight;
	/// `c` queue entries taken, each charged as an election closed.
	fn close_elections(c: u32) -> Weight;
	/// `m` queue entries taken, each charged as a peer that missed.
	fn check_deadlines(m: u32) -> Weight;
	/// `s` scheduling peers paid.
	fn pay_rewards(s: u32) -> Weight;
}

const BASE: u64 = 50_000_000;
const PER_CANDIDATE: u64 = 5_000_000;
/// Candidates an election may score: 16 responses of 16.
const MAX_SCORED: u64 = 256;

/// Estimates with the database costs `D`.
pub struct Estimates<D>(PhantomData<D>);
/// Estimates for a runtime with `T::DbWeight`.
pub type SubstrateWeight<T> = Estimates<<T as frame_system::Config>::DbWeight>;

impl<D: Get<RuntimeDbWeight>> WeightInfo for Estimates<D> {
	fn order_storage() -> Weight {
		Weight::from_parts(BASE, 4_000).saturating_add(D::get().reads_writes(8, 9))
	}
	fn renew(p: u32) -> Weight {
		Weight::from_parts(BASE, 4_000)
			.saturating_add(D::get().reads_writes(6, 6))
			.saturating_add(D::get().reads_writes(3, 3).saturating_mul(p.into()))
	}
	fn end_order(p: u32) -> Weight {
		Weight::from_parts(BASE, 4_000)
			.saturating_add(D::get().reads_writes(8, 8))
			.saturating_add(D::get().reads_writes(4, 5).saturating_mul(p.into()))
	}
	fn respond(c: u32) -> Weight {
		Weight::from_parts(BASE + 100_000 * u64::from(c), 8_000)
			.saturating_add(D::get().reads_writes(4, 1))
	}
	fn authorize_respond(c: u32) -> Weight {
		Weight::from_parts(BASE + 100_000 * u64::from(c), 8_000).saturating_add(D::get().reads(4))
	}
	fn confirm_stored() -> Weight {
		Weight::from_parts(BASE, 4_000).saturating_add(D::get().reads_writes(5, 3))
	}
	fn authorize_confirm() -> Weight {
		Weight::from_parts(BASE, 4_000).saturating_add(D::get().reads(4))
	}
	fn claim() -> Weight {
		Weight::from_parts(BASE, 4_000).saturating_add(D::get().reads_writes(6, 6))
	}
	fn set_rule() -> Weight {
		Weight::from_parts(BASE / 5, 0).saturating_add(D::get().writes(1))
	}
	fn close_elections(c: u32) -> Weight {
		let per_election = Weight::from_parts(BASE + PER_CANDIDATE * MAX_SCORED, 64_000)
			.saturating_add(D::get().reads_writes(8 + 2 * MAX_SCORED, 9 + 4 * 16));
		D::get().reads_writes(1, 1).saturating_add(per_election.saturating_mul(c.into()))
	}
	fn check_deadlines(m: u32) -> Weight {
		let per_miss =
			Weight::from_parts(BASE, 8_000).saturating_add(D::get().reads_writes(11 + 3 * 16, 11));
		D::get().reads_writes(1, 1).saturating_add(per_miss.saturating_mul(m.into()))
	}
	fn pay_rewards(s: u32) -> Weight {
		Weight::from_parts(BASE, 4_000).saturating_add(D::get().reads_writes(4, 2)).saturating_add(
			Weight::from_parts(BASE, 4_000)
				.saturating_add(D::get().reads_writes(5, 3))
				.saturating_mul(s.into()),
		)
	}
}

/// For tests: the same estimates with RocksDB's read and write costs.
impl WeightInfo for () {
	fn order_storage() -> Weight {
		Estimates::<RocksDbWeight>::order_storage()
	}
	fn renew(p: u32) -> Weight {
		Estimates::<RocksDbWeight>::renew(p)
	}
	fn end_order(p: u32) -> Weight {
		Estimates::<RocksDbWeight>::end_order(p)
	}
	fn respond(c: u32) -> Weight {
		Estimates::<RocksDbWeight>::respond(c)
	}
	fn authorize_respond(c: u32) -> Weight {
		Estimates::<RocksDbWeight>::authorize_respond(c)
	}
	fn confirm_stored() -> Weight {
		Estimates::<RocksDbWeight>::confirm_stored()
	}
	fn authorize_confirm() -> Weight {
		Estimates::<RocksDbWeight>::authorize_confirm()
	}
	fn claim() -> Weight {
		Estimates::<RocksDbWeight>::claim()
	}
	fn set_rule() -> Weight {
		Estimates::<RocksDbWeight>::set_rule()
	}
	fn close_elections(c: u32) -> Weight {
		Estimates::<RocksDbWeight>::close_elections(c)
	}
	fn check_deadlines(m: u32) -> Weight {
		Estimates::<RocksDbWeight>::check_deadlines(m)
	}
	fn pay_rewards(s: u32) -> Weight {
		Estimates::<RocksDbWeight>::pay_rewards(s)
	}
}

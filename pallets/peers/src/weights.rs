//! Weights for `pallet_peers`.
//!
//! HAND ESTIMATES, not measurements: conservative values derived from the storage each call
//! touches, in the shape `frame-omni-bencher` generates, to be replaced by the output of
//! `scripts/bench-weights.sh pallet_peers` over the v2 benchmarks in `benchmarking.rs`.

#![allow(unused_parens)]
#![allow(unused_imports)]

use core::marker::PhantomData;
use frame_support::{
	traits::Get,
	weights::{constants::RocksDbWeight, Weight},
};

/// Weight functions needed for `pallet_peers`.
pub trait WeightInfo {
	/// `register_professional`.
	fn register_professional() -> Weight;
	/// `register_common`.
	fn register_common() -> Weight;
	/// `register_dapp`.
	fn register_dapp(k: u32) -> Weight;
	/// `register_billing_candidate`.
	fn register_billing_candidate() -> Weight;
	/// `admit_service_peer`.
	fn admit_service_peer() -> Weight;
	/// `update_professional`.
	fn update_professional() -> Weight;
	/// `update_common`.
	fn update_common() -> Weight;
	/// `add_client_key`.
	fn add_client_key() -> Weight;
	/// `remove_client_key`.
	fn remove_client_key() -> Weight;
	/// `top_up_deposit`.
	fn top_up_deposit() -> Weight;
	/// `withdraw_unlocked`.
	fn withdraw_unlocked() -> Weight;
	/// `leave`.
	fn leave() -> Weight;
	/// `finish_exit`.
	fn finish_exit(k: u32) -> Weight;
	/// `heartbeat`.
	fn heartbeat() -> Weight;
	/// `authorize_heartbeat`.
	fn authorize_heartbeat() -> Weight;
	/// `penalize`.
	fn penalize() -> Weight;
	/// `pardon`.
	fn pardon() -> Weight;
	/// `resume`.
	fn resume() -> Weight;
	/// `fine_dapp`.
	fn fine_dapp() -> Weight;
}

/// Weights for `pallet_peers` using the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Storage: `Peers` (r:1 w:1), `PeerKeyOwner` (r:1 w:1), `Balances::Holds` (r:1 w:1), `System::Account` (r:1 w:1), `NextIndex` and `RoleCount` (w:2).
	fn register_professional() -> Weight {
		Weight::from_parts(60_000_000, 4000)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(5_u64))
	}
	/// Storage: `Peers` of the peer and of its professional peer (r:2 w:2), `PeerKeyOwner` (r:1 w:1), `NextIndex` and `RoleCount` (w:2).
	fn register_common() -> Weight {
		Weight::from_parts(50_000_000, 4000)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(5_u64))
	}
	/// Storage: `Peers` (r:1 w:1), `Balances::Holds` (r:1 w:1), `System::Account` (r:1 w:1), `NextIndex` and `RoleCount` (w:2), per key `ClientKeyOwner` (r:1 w:1).
	fn register_dapp(k: u32) -> Weight {
		Weight::from_parts(60_000_000, 4000)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
			.saturating_add(Weight::from_parts(8_000_000, 64).saturating_mul(k.into()))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(k.into())))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(k.into())))
	}
	/// Storage: `Peers` (r:1 w:1), `BillingKeyOwner` (r:1 w:1), `Balances::Holds` (r:1 w:1), `System::Account` (r:1 w:1), `NextIndex` and `RoleCount` (w:2).
	fn register_billing_candidate() -> Weight {
		Weight::from_parts(55_000_000, 4000)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(5_u64))
	}
	/// Storage: `Peers` (r:1 w:1), `Balances::Holds` (r:1 w:1), `System::Account` (r:1 w:1), `NextIndex` and `RoleCount` (w:2).
	fn admit_service_peer() -> Weight {
		Weight::from_parts(55_000_000, 4000)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(5_u64))
	}
	/// Storage: `Peers` (r:1 w:1).
	fn update_professional() -> Weight {
		Weight::from_parts(25_000_000, 2000)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `Peers` of the peer, its old and its new professional peer (r:3 w:3).
	fn update_common() -> Weight {
		Weight::from_parts(40_000_000, 3000)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	/// Storage: `Peers` (r:1 w:1), `ClientKeyOwner` (r:1 w:1).
	fn add_client_key() -> Weight {
		Weight::from_parts(30_000_000, 2000)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	/// Storage: `Peers` (r:1 w:1), `ClientKeyOwner` (w:1).
	fn remove_client_key() -> Weight {
		Weight::from_parts(30_000_000, 2000)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	/// Storage: `Peers` (r:1 w:1), `Balances::Holds` (r:1 w:1), `System::Account` (r:1 w:1).
	fn top_up_deposit() -> Weight {
		Weight::from_parts(50_000_000, 3000)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	/// Storage: `Peers` (r:1 w:1), `Balances::Holds` (r:1 w:1), `System::Account` (r:1 w:1).
	fn withdraw_unlocked() -> Weight {
		Weight::from_parts(50_000_000, 3000)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	/// Storage: `Peers` of the peer and of a common peer's professional peer (r:2 w:2).
	fn leave() -> Weight {
		Weight::from_parts(35_000_000, 3000)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	/// Storage: `Peers` (r:1 w:1), `Balances::Holds` (r:1 w:1), `System::Account` (r:1 w:1), `RoleCount` (w:1), a key index (w:1), per client key `ClientKeyOwner` (w:1).
	fn finish_exit(k: u32) -> Weight {
		Weight::from_parts(55_000_000, 4000)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(5_u64))
			.saturating_add(Weight::from_parts(6_000_000, 64).saturating_mul(k.into()))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(k.into())))
	}
	/// Storage: `Peers` (r:1 w:1), `System::BlockHash` (r:1), the current period (r:1); one sr25519 verification.
	fn heartbeat() -> Weight {
		Weight::from_parts(70_000_000, 2000)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `Peers` (r:1), `System::BlockHash` (r:1), the current period (r:1); one sr25519 verification.
	fn authorize_heartbeat() -> Weight {
		Weight::from_parts(65_000_000, 2000)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(0_u64))
	}
	/// Storage: `Peers` of the peer and of a common peer's professional peer (r:2 w:2), `Balances::Holds` (r:1 w:1), the slash's destination account (r:1 w:1).
	fn penalize() -> Weight {
		Weight::from_parts(70_000_000, 4000)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	/// Storage: `Peers` (r:1 w:1).
	fn pardon() -> Weight {
		Weight::from_parts(25_000_000, 2000)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `Peers` (r:1 w:1).
	fn resume() -> Weight {
		Weight::from_parts(25_000_000, 2000)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `Peers` (r:1 w:1), `Balances::Holds` (r:1 w:1), `System::Account` of the DApp and the beneficiary (r:2 w:2).
	fn fine_dapp() -> Weight {
		Weight::from_parts(60_000_000, 4000)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
}

/// For tests: the same estimates with RocksDB's database weights.
impl WeightInfo for () {
	/// Storage: `Peers` (r:1 w:1), `PeerKeyOwner` (r:1 w:1), `Balances::Holds` (r:1 w:1), `System::Account` (r:1 w:1), `NextIndex` and `RoleCount` (w:2).
	fn register_professional() -> Weight {
		Weight::from_parts(60_000_000, 4000)
			.saturating_add(RocksDbWeight::get().reads(4_u64))
			.saturating_add(RocksDbWeight::get().writes(5_u64))
	}
	/// Storage: `Peers` of the peer and of its professional peer (r:2 w:2), `PeerKeyOwner` (r:1 w:1), `NextIndex` and `RoleCount` (w:2).
	fn register_common() -> Weight {
		Weight::from_parts(50_000_000, 4000)
			.saturating_add(RocksDbWeight::get().reads(4_u64))
			.saturating_add(RocksDbWeight::get().writes(5_u64))
	}
	/// Storage: `Peers` (r:1 w:1), `Balances::Holds` (r:1 w:1), `System::Account` (r:1 w:1), `NextIndex` and `RoleCount` (w:2), per key `ClientKeyOwner` (r:1 w:1).
	fn register_dapp(k: u32) -> Weight {
		Weight::from_parts(60_000_000, 4000)
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(4_u64))
			.saturating_add(Weight::from_parts(8_000_000, 64).saturating_mul(k.into()))
			.saturating_add(RocksDbWeight::get().reads((1_u64).saturating_mul(k.into())))
			.saturating_add(RocksDbWeight::get().writes((1_u64).saturating_mul(k.into())))
	}
	/// Storage: `Peers` (r:1 w:1), `BillingKeyOwner` (r:1 w:1), `Balances::Holds` (r:1 w:1), `System::Account` (r:1 w:1), `NextIndex` and `RoleCount` (w:2).
	fn register_billing_candidate() -> Weight {
		Weight::from_parts(55_000_000, 4000)
			.saturating_add(RocksDbWeight::get().reads(4_u64))
			.saturating_add(RocksDbWeight::get().writes(5_u64))
	}
	/// Storage: `Peers` (r:1 w:1), `Balances::Holds` (r:1 w:1), `System::Account` (r:1 w:1), `NextIndex` and `RoleCount` (w:2).
	fn admit_service_peer() -> Weight {
		Weight::from_parts(55_000_000, 4000)
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(5_u64))
	}
	/// Storage: `Peers` (r:1 w:1).
	fn update_professional() -> Weight {
		Weight::from_parts(25_000_000, 2000)
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	/// Storage: `Peers` of the peer, its old and its new professional peer (r:3 w:3).
	fn update_common() -> Weight {
		Weight::from_parts(40_000_000, 3000)
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
	/// Storage: `Peers` (r:1 w:1), `ClientKeyOwner` (r:1 w:1).
	fn add_client_key() -> Weight {
		Weight::from_parts(30_000_000, 2000)
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
	/// Storage: `Peers` (r:1 w:1), `ClientKeyOwner` (w:1).
	fn remove_client_key() -> Weight {
		Weight::from_parts(30_000_000, 2000)
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
	/// Storage: `Peers` (r:1 w:1), `Balances::Holds` (r:1 w:1), `System::Account` (r:1 w:1).
	fn top_up_deposit() -> Weight {
		Weight::from_parts(50_000_000, 3000)
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
	/// Storage: `Peers` (r:1 w:1), `Balances::Holds` (r:1 w:1), `System::Account` (r:1 w:1).
	fn withdraw_unlocked() -> Weight {
		Weight::from_parts(50_000_000, 3000)
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
	/// Storage: `Peers` of the peer and of a common peer's professional peer (r:2 w:2).
	fn leave() -> Weight {
		Weight::from_parts(35_000_000, 3000)
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
	/// Storage: `Peers` (r:1 w:1), `Balances::Holds` (r:1 w:1), `System::Account` (r:1 w:1), `RoleCount` (w:1), a key index (w:1), per client key `ClientKeyOwner` (w:1).
	fn finish_exit(k: u32) -> Weight {
		Weight::from_parts(55_000_000, 4000)
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(5_u64))
			.saturating_add(Weight::from_parts(6_000_000, 64).saturating_mul(k.into()))
			.saturating_add(RocksDbWeight::get().writes((1_u64).saturating_mul(k.into())))
	}
	/// Storage: `Peers` (r:1 w:1), `System::BlockHash` (r:1), the current period (r:1); one sr25519 verification.
	fn heartbeat() -> Weight {
		Weight::from_parts(70_000_000, 2000)
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	/// Storage: `Peers` (r:1), `System::BlockHash` (r:1), the current period (r:1); one sr25519 verification.
	fn authorize_heartbeat() -> Weight {
		Weight::from_parts(65_000_000, 2000)
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(0_u64))
	}
	/// Storage: `Peers` of the peer and of a common peer's professional peer (r:2 w:2), `Balances::Holds` (r:1 w:1), the slash's destination account (r:1 w:1).
	fn penalize() -> Weight {
		Weight::from_parts(70_000_000, 4000)
			.saturating_add(RocksDbWeight::get().reads(4_u64))
			.saturating_add(RocksDbWeight::get().writes(4_u64))
	}
	/// Storage: `Peers` (r:1 w:1).
	fn pardon() -> Weight {
		Weight::from_parts(25_000_000, 2000)
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	/// Storage: `Peers` (r:1 w:1).
	fn resume() -> Weight {
		Weight::from_parts(25_000_000, 2000)
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	/// Storage: `Peers` (r:1 w:1), `Balances::Holds` (r:1 w:1), `System::Account` of the DApp and the beneficiary (r:2 w:2).
	fn fine_dapp() -> Weight {
		Weight::from_parts(60_000_000, 4000)
			.saturating_add(RocksDbWeight::get().reads(4_u64))
			.saturating_add(RocksDbWeight::get().writes(4_u64))
	}
}

//! Runtime API of `pallet-token`: one source of truth for the mining pool's emission schedule,
//! its split and the pools' balances, for other pallets' off-chain code, the node's RPC and
//! explorers.
//!
//! The runtime implements it by calling [`pallet_token::Pallet::period_emission`] and friends.
#![cfg_attr(not(feature = "std"), no_std)]
#![warn(missing_docs)]

extern crate alloc;

use alloc::vec::Vec;
use codec::Codec;
pub use pallet_token::{EmissionSplit, PeriodEmission, PoolBalances};

sp_api::decl_runtime_apis! {
	/// The SPB token economics.
	pub trait TokenApi<Balance> where Balance: Codec {
		/// The ledgering period of the best block, counted from 0 at genesis.
		fn current_period() -> u32;
		/// The emission N(total) of ledgering period `period` and its split between peers,
		/// billing peers and scheduling peers under the current split.
		fn period_emission(period: u32) -> PeriodEmission<Balance>;
		/// The emission of each of the ten years, year 1 first.
		fn yearly_emission() -> Vec<Balance>;
		/// The current emission split.
		fn emission_split() -> EmissionSplit;
		/// The balances of the mining pool and the deposit and market pool.
		fn pools() -> PoolBalances<Balance>;
	}
}

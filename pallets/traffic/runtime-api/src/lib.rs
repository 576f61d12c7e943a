//! Runtime API of `pallet-traffic`: what explorers, wallets and a peer's node ask of
//! Proof-of-Traffic.
//!
//! - [`TrafficApi::explain_reward`]: everything needed to recompute a peer's payout for a period
//!   from chain data (reported, verified and counted bytes, rank, cutoff, `T(total)`,
//!   `N(total)`, reward, carried bytes, audit outcome).
//! - [`TrafficApi::audit_positions`]: the bytes a report's audit round samples, which the peer's
//!   node answers with receipts and proofs.
//! - [`TrafficApi::cutoff`]: the `T` a report must reach now.
#![cfg_attr(not(feature = "std"), no_std)]
#![warn(missing_docs)]

extern crate alloc;

use alloc::vec::Vec;
use codec::Codec;
pub use pallet_traffic::{AuditStatus, RewardExplanation};

sp_api::decl_runtime_apis! {
	/// Proof-of-Traffic.
	pub trait TrafficApi<AccountId, Balance>
	where
		AccountId: Codec,
		Balance: Codec,
	{
		/// Why `who` earned what it did for `period`; `None` if it has no report of that period
		/// kept (reports are kept for the pallet's history depth).
		fn explain_reward(who: AccountId, period: u32) -> Option<RewardExplanation<Balance>>;
		/// The bytes audited in `round` (1 or 2) of `peer`'s report of `period`, in order;
		/// empty until the round's seed is drawn.
		fn audit_positions(period: u32, peer: AccountId, round: u8) -> Vec<u128>;
		/// The smallest `T(a)` a report must reach now: the last settled period's cutoff.
		fn cutoff() -> u128;
	}
}

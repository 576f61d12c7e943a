//! Runtime API of patrols (`pallet-patrol`): what a scheduling peer's patrol worker, the
//! `spacebook` CLI and explorers ask of them.
//!
//! - [`PatrolApi::draw`]: what the chain fixed for a period's patrols, which a scheduling peer
//!   signs with its VRF.
//! - [`PatrolApi::targets`]: the peers a scheduling peer's draw output selects in a period, then
//!   the requested ones in the room left.
//! - [`PatrolApi::quality`]: what patrols measured of a peer.
//! - [`PatrolApi::requests`]: the peers whose failed Proof-of-Traffic audit asks for a patrol.
//! - [`PatrolApi::scheduler_of_key`], [`PatrolApi::current_period`]: what a node's patrol
//!   worker needs to know whether and when it patrols.
#![cfg_attr(not(feature = "std"), no_std)]
#![warn(missing_docs)]

extern crate alloc;

use alloc::vec::Vec;
use codec::Codec;
pub use spacebook_patrol_primitives::{PatrolDraw, PatrolQuality, PatrolTarget};

sp_api::decl_runtime_apis! {
	/// Patrols: the draw, the targets, the quality figures.
	pub trait PatrolApi<AccountId>
	where
		AccountId: Codec,
	{
		/// The draw of `period`, if the chain still keeps it (the current and the previous
		/// period at least).
		fn draw(period: u32) -> Option<PatrolDraw>;
		/// The peers `scheduler`'s draw of `period` with output `output` selects, not yet
		/// patrolled in that period: those drawn (registered before the period), then the
		/// requested ones, least recently patrolled first, at most a batch's worth. Reads the
		/// whole registry: for workers and tools, not for the runtime.
		fn targets(scheduler: AccountId, period: u32, output: [u8; 32]) -> Vec<PatrolTarget<AccountId>>;
		/// What patrols measured of `peer`, if it was ever patrolled.
		fn quality(peer: AccountId) -> Option<PatrolQuality>;
		/// The peers a failed audit asks to be patrolled, with the period of the request.
		fn requests() -> Vec<(AccountId, u32)>;
		/// The active scheduling peer whose node key is the sr25519 key `key`, if any.
		fn scheduler_of_key(key: [u8; 32]) -> Option<AccountId>;
		/// The current ledgering period.
		fn current_period() -> u32;
	}
}

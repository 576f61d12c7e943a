//! Runtime API of the storage orders (`pallet-scheduling`): what the SDK, the `spacebook` CLI
//! and a storing peer's node ask of them.
//!
//! - [`SchedulingApi::holders`]: the professional peers that store a file, confirmed first — the
//!   SDK finds a file's sources here instead of asking every professional peer.
//! - [`SchedulingApi::order`]: an order and its placements.
//! - [`SchedulingApi::tasks`]: a professional peer's placements: what its node fetches and keeps.
//! - [`SchedulingApi::rule`]: the scheduling rule's weights and thresholds.
//! - [`SchedulingApi::backups`]: the common peers backing up a file's confirmed holders — the
//!   SDK's sources when those are down.
//! - [`SchedulingApi::backup_tasks`]: what a common peer keeps of its professional peer's
//!   files: what its node fetches.
#![cfg_attr(not(feature = "std"), no_std)]
#![warn(missing_docs)]

extern crate alloc;

use alloc::vec::Vec;
use codec::Codec;
pub use spacebook_scheduling_primitives::{
	BackupView, FileRef, HashIndex, HolderView, OrderId, OrderView, PlacementStatus, SchedulingRule,
};

sp_api::decl_runtime_apis! {
	/// Storage orders and their placements.
	pub trait SchedulingApi<AccountId, Balance, BlockNumber>
	where
		AccountId: Codec,
		Balance: Codec,
		BlockNumber: Codec,
	{
		/// The professional peers with a storing slot for the file, over its orders that have
		/// not expired: confirmed holders first, each order's primary before its backups.
		fn holders(hash_index: HashIndex) -> Vec<HolderView<AccountId>>;
		/// An order and its placements.
		fn order(id: OrderId) -> Option<OrderView<AccountId, Balance, BlockNumber>>;
		/// The orders `peer` has a placement in: the file and what it is to do.
		fn tasks(peer: AccountId) -> Vec<(OrderId, FileRef, PlacementStatus<BlockNumber>)>;
		/// The scheduling rule.
		fn rule() -> SchedulingRule;
		/// The common peers backing up the file's confirmed holders (bounded), with endpoints.
		fn backups(hash_index: HashIndex) -> Vec<BackupView<AccountId>>;
		/// The professional peer the common peer `common` backs up, and the files of it that
		/// it keeps (those fitting its storage, oldest order first); `None` if it is no
		/// attached common peer.
		fn backup_tasks(common: AccountId) -> Option<(AccountId, Vec<FileRef>)>;
	}
}

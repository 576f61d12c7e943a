//! Runtime API of `pallet-peers`: what wallets, explorers, the data plane and scheduling ask of
//! the peer registry — an account's role, standing, deposit (held, required, unlockable) and
//! online time, who a peer key or client key belongs to, how many registrations each role
//! has, and the professional peers with their endpoints (how clients find serving peers).
//!
//! The runtime implements it by calling [`pallet_peers::Pallet::peer_view`] and the registry's
//! key indices.
#![cfg_attr(not(feature = "std"), no_std)]
#![warn(missing_docs)]

extern crate alloc;

use alloc::vec::Vec;
use codec::Codec;
pub use pallet_peers::{DepositView, PeerView, PenaltyReason, RoleKind, Standing};
pub use spacebook_receipts::ProfessionalPeerListing;

sp_api::decl_runtime_apis! {
	/// The peer registry.
	pub trait PeersApi<AccountId, Balance, BlockNumber, PeerKey, ClientKey>
	where
		AccountId: Codec,
		Balance: Codec,
		BlockNumber: Codec,
		PeerKey: Codec,
		ClientKey: Codec,
	{
		/// The role, standing, deposit and online time of `who`, if it is registered.
		fn peer(who: AccountId) -> Option<PeerView<AccountId, Balance, BlockNumber>>;
		/// The professional or common peer whose node signs with `key`.
		fn peer_of_key(key: PeerKey) -> Option<AccountId>;
		/// The DApp that authorized `key` to sign traffic receipts.
		fn dapp_of_client_key(key: ClientKey) -> Option<AccountId>;
		/// How many registrations each role has (including those leaving).
		fn role_counts() -> Vec<(RoleKind, u32)>;
		/// The bytes a DApp may upload to each serving peer (governance's quota, until storage
		/// orders place files).
		fn dapp_storage_quota() -> u64;
		/// The professional peers among at most `scan` (at most
		/// `pallet_peers::MAX_PEERS_SCAN`) registrations, in storage order,
		/// starting after the account `after` (from the first if `None`), and the account to
		/// continue after if registrations remain. Each call is bounded; a client pages through
		/// the registry (the DApp SDK's `ChainRpc::professional_peers`).
		fn professional_peers(
			after: Option<AccountId>,
			scan: u32,
		) -> (Vec<ProfessionalPeerListing<AccountId>>, Option<AccountId>);
	}
}

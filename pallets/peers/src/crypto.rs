//! The peer key: an sr25519 key of its own key type (`spbp`) that a professional or common
//! peer's node keeps in its keystore and signs heartbeats (and traffic reports) with. Keeping it
//! apart from the account key means the server never holds the keys to the peer's funds.
//!
//! Insert it into a node with `spacebook-node key insert --key-type spbp --scheme sr25519`
//! (or `author_insertKey`), and name its public key when registering.

use sp_runtime::KeyTypeId;

/// The key type of peer keys.
pub const PEER_KEY_TYPE: KeyTypeId = KeyTypeId(*b"spbp");

mod app {
	use sp_application_crypto::{app_crypto, sr25519};
	app_crypto!(sr25519, super::PEER_KEY_TYPE);
}

/// A peer key's public half.
pub type PeerKey = app::Public;
/// A peer key's signature.
pub type PeerSignature = app::Signature;

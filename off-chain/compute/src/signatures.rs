//! Elliptic-curve signature verification: sr25519 (Schnorr over Ristretto255, the chain's
//! account and peer keys) and ed25519, with the node's own implementations (`sp-core`).

use codec::{Decode, Encode};
use sp_core::{ed25519, sr25519};

/// A signature scheme.
#[derive(Encode, Decode, Clone, Copy, PartialEq, Eq, Debug)]
pub enum Scheme {
	/// Schnorrkel over Ristretto255 with the substrate signing context.
	Sr25519,
	/// EdDSA over Curve25519 (RFC 8032).
	Ed25519,
}

/// One signature to check.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug)]
pub struct SignatureCheck {
	/// The scheme.
	pub scheme: Scheme,
	/// The public key.
	pub public: [u8; 32],
	/// The message signed, at most [`crate::MAX_SIGNED_MESSAGE`] bytes.
	pub message: Vec<u8>,
	/// The signature.
	pub signature: [u8; 64],
}

impl SignatureCheck {
	/// Whether the signature is the public key's over the message.
	pub fn is_valid(&self) -> bool {
		use sp_core::Pair as _;
		match self.scheme {
			Scheme::Sr25519 => sr25519::Pair::verify(
				&sr25519::Signature::from_raw(self.signature),
				&self.message,
				&sr25519::Public::from_raw(self.public),
			),
			Scheme::Ed25519 => ed25519::Pair::verify(
				&ed25519::Signature::from_raw(self.signature),
				&self.message,
				&ed25519::Public::from_raw(self.public),
			),
		}
	}
}

//! # Gosig primitives
//!
//! The one place for Gosig data that both the runtime (`pallet-gosig`) and the node
//! (`spacebook-gosig`) read: the billing peers' key type, the pre-runtime digest a packer puts in
//! its block, the VRF election rule, signed votes, the justification that finalizes a block, and
//! the runtime API the engine reads every round.
//!
//! ## Terms
//!
//! - **Billing peer**: an elected validator; it holds a `gosg` sr25519 key ([`AuthorityId`]).
//! - **Round**: `timestamp / round_duration`; one block at most per round.
//! - **Election**: a billing peer may pack the block of round `r` when its VRF output on
//!   `(epoch randomness, r)` is below the [proposer threshold](proposer_threshold). The lowest
//!   output has priority.
//! - **Justification**: a quorum of tentative-commit signatures for the block.
#![cfg_attr(not(feature = "std"), no_std)]
#![warn(missing_docs)]

extern crate alloc;

use alloc::vec::Vec;
use codec::{Decode, Encode};
use scale_info::TypeInfo;
use sp_arithmetic::{traits::Saturating, PerThing, Perbill};
use sp_core::sr25519::vrf::{VrfInput, VrfSignData, VrfSignature, VrfTranscript};
use sp_runtime::{ConsensusEngineId, KeyTypeId, RuntimeAppPublic};

pub use gosig_core::{max_faulty, quorum, Round, VoteKind, VoterIndex};

/// The engine id of Gosig digests and justifications.
pub const GOSIG_ENGINE_ID: ConsensusEngineId = *b"GOSG";

/// The key type of billing peers' Gosig keys in the keystore (`key insert --key-type gosg`).
pub const KEY_TYPE: KeyTypeId = KeyTypeId(*b"gosg");

/// The application crypto of Gosig keys: sr25519, for VRF election, block seals and votes.
pub mod app {
	use sp_application_crypto::{app_crypto, sr25519};
	app_crypto!(sr25519, super::KEY_TYPE);
}

/// A billing peer's Gosig public key.
pub type AuthorityId = app::Public;
/// A signature by a billing peer's Gosig key.
pub type AuthoritySignature = app::Signature;
/// A billing peer's Gosig key pair.
#[cfg(feature = "std")]
pub type AuthorityPair = app::Pair;
/// The position of a billing peer in the authority set.
pub type AuthorityIndex = VoterIndex;
/// The number of an authority set; it grows by one at each change of the billing peers.
pub type SetId = u64;
/// Randomness of an epoch, the seed of the VRF election.
pub type Randomness = [u8; 32];

/// The VRF transcript label of the election.
const VRF_LABEL: &[u8] = b"spacebook-gosig-election";
/// The context for deriving a proposer's priority from its VRF pre-output.
pub const VRF_PRIORITY_CONTEXT: &[u8] = b"spacebook-gosig-priority";
/// The context for deriving the randomness contribution of a block from its VRF pre-output.
pub const VRF_RANDOMNESS_CONTEXT: &[u8] = b"spacebook-gosig-randomness";

/// What a packer puts in its block's header as a pre-runtime digest.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct PreDigest {
	/// The round the block was packed in.
	pub round: Round,
	/// The packer's index in the authority set.
	pub authority_index: AuthorityIndex,
	/// The packer's VRF signature on [`vrf_input`]`(epoch randomness, round)`.
	pub vrf_signature: VrfSignature,
}

/// The VRF input of the election for `round` under `randomness`.
pub fn vrf_input(randomness: &Randomness, round: Round) -> VrfInput {
	VrfTranscript::new(
		VRF_LABEL,
		&[(b"randomness", randomness.as_slice()), (b"round", &round.to_le_bytes())],
	)
}

/// The VRF sign data of the election for `round` under `randomness`.
pub fn vrf_sign_data(randomness: &Randomness, round: Round) -> VrfSignData {
	vrf_input(randomness, round).into_sign_data()
}

/// A packer's priority in `round`: the VRF output as a number; lower is better.
///
/// `None` when the pre-output does not belong to `public` and the input.
pub fn priority(
	public: &AuthorityId,
	randomness: &Randomness,
	round: Round,
	signature: &VrfSignature,
) -> Option<u128> {
	let public: &sp_core::sr25519::Public = public.as_ref();
	public
		.make_bytes::<16>(
			VRF_PRIORITY_CONTEXT,
			&vrf_input(randomness, round),
			&signature.pre_output,
		)
		.ok()
		.map(u128::from_le_bytes)
}

/// The per-peer probability of being elected such that a round has a packer with probability
/// `target` when there are `n` billing peers: the smallest `q` with `1 − (1 − q)^n ≥ target`.
///
/// Computed by bisection on `Perbill` parts, so that the runtime and every node agree exactly.
pub fn per_peer_probability(target: Perbill, n: u32) -> Perbill {
	if n <= 1 || target.is_zero() || target == Perbill::one() {
		return target;
	}
	let reaches = |q: Perbill| {
		Perbill::one().saturating_sub(q.left_from_one().saturating_pow(n as usize)) >= target
	};
	let (mut lo, mut hi) = (0u32, Perbill::one().deconstruct());
	// Invariant: `reaches(hi)` holds; find the smallest such parts.
	while lo < hi {
		let mid = lo + (hi - lo) / 2;
		if reaches(Perbill::from_parts(mid)) {
			hi = mid;
		} else {
			lo = mid + 1;
		}
	}
	Perbill::from_parts(hi)
}

/// The threshold a priority must be below to be elected, for a per-peer probability `q`.
/// `u128::MAX` stands for "always elected".
pub fn proposer_threshold(q: Perbill) -> u128 {
	if q == Perbill::one() {
		return u128::MAX;
	}
	(u128::MAX / 1_000_000_000).saturating_mul(q.deconstruct() as u128)
}

/// Whether a priority elects its peer under `threshold`.
pub fn is_elected(priority: u128, threshold: u128) -> bool {
	threshold == u128::MAX || priority < threshold
}

/// What a billing peer signs when it votes.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct VotePayload<Hash, Number> {
	/// Prepare or tentative commit, as `0` or `1`.
	pub kind: u8,
	/// The round.
	pub round: Round,
	/// The block voted for.
	pub block_hash: Hash,
	/// Its number.
	pub block_number: Number,
	/// The authority set the voter belongs to.
	pub set_id: SetId,
}

/// The domain tag prefixed to every signed vote, so that no other Gosig message can be replayed
/// as a vote.
pub const VOTE_DOMAIN: &[u8] = b"spacebook-gosig-vote";

impl<Hash: Encode, Number: Encode> VotePayload<Hash, Number> {
	/// A vote of `kind`.
	pub fn new(
		kind: VoteKind,
		round: Round,
		block_hash: Hash,
		block_number: Number,
		set_id: SetId,
	) -> Self {
		Self { kind: vote_kind_code(kind), round, block_hash, block_number, set_id }
	}

	/// The bytes that are signed.
	pub fn signing_bytes(&self) -> Vec<u8> {
		(VOTE_DOMAIN, self).encode()
	}

	/// Whether `signature` is `signer`'s signature of this vote.
	pub fn verify(&self, signer: &AuthorityId, signature: &AuthoritySignature) -> bool {
		signer.verify(&self.signing_bytes(), signature)
	}
}

/// The byte that stands for a vote kind in signed votes.
pub fn vote_kind_code(kind: VoteKind) -> u8 {
	match kind {
		VoteKind::Prepare => 0,
		VoteKind::TentativeCommit => 1,
	}
}

/// A vote kind from its byte.
pub fn vote_kind_from_code(code: u8) -> Option<VoteKind> {
	match code {
		0 => Some(VoteKind::Prepare),
		1 => Some(VoteKind::TentativeCommit),
		_ => None,
	}
}

/// The proof that a block is final: a quorum of the authority set's tentative-commit signatures.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct GosigJustification<Hash, Number> {
	/// The round the block was committed in.
	pub round: Round,
	/// The final block.
	pub block_hash: Hash,
	/// Its number.
	pub block_number: Number,
	/// The authority set that signed.
	pub set_id: SetId,
	/// The tentative-commit signatures, by strictly increasing authority index.
	pub commits: Vec<(AuthorityIndex, AuthoritySignature)>,
}

/// Why a justification was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JustificationError {
	/// It is for another block.
	WrongBlock,
	/// It was signed by another authority set.
	WrongSet,
	/// Fewer signatures than a quorum of the set.
	NoQuorum,
	/// An authority index appears twice or out of order.
	UnorderedOrDuplicate,
	/// An authority index is outside the set.
	UnknownAuthority,
	/// A signature does not verify.
	BadSignature,
}

impl<Hash: Encode + PartialEq + Clone, Number: Encode + PartialEq + Clone>
	GosigJustification<Hash, Number>
{
	/// Check that this justifies `(hash, number)` under `authorities` of set `set_id`.
	pub fn verify(
		&self,
		hash: &Hash,
		number: &Number,
		set_id: SetId,
		authorities: &[AuthorityId],
	) -> Result<(), JustificationError> {
		if &self.block_hash != hash || &self.block_number != number {
			return Err(JustificationError::WrongBlock);
		}
		if self.set_id != set_id {
			return Err(JustificationError::WrongSet);
		}
		if self.commits.len() < quorum(authorities.len()) {
			return Err(JustificationError::NoQuorum);
		}
		if self.commits.windows(2).any(|w| w[0].0 >= w[1].0) {
			return Err(JustificationError::UnorderedOrDuplicate);
		}
		let payload = VotePayload::new(
			VoteKind::TentativeCommit,
			self.round,
			self.block_hash.clone(),
			self.block_number.clone(),
			self.set_id,
		);
		let message = payload.signing_bytes();
		for (index, signature) in &self.commits {
			let signer =
				authorities.get(*index as usize).ok_or(JustificationError::UnknownAuthority)?;
			if !signer.verify(&message, signature) {
				return Err(JustificationError::BadSignature);
			}
		}
		Ok(())
	}
}

/// What the engine reads from the runtime at the start of every round.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct GosigConfiguration {
	/// The length of a round in milliseconds.
	pub round_duration_ms: u64,
	/// The billing peers, by authority index.
	pub authorities: Vec<AuthorityId>,
	/// The number of this authority set.
	pub set_id: SetId,
	/// The seed of the VRF election in this epoch.
	pub randomness: Randomness,
	/// The threshold a VRF priority must be below to elect its billing peer.
	pub proposer_threshold: u128,
}

sp_api::decl_runtime_apis! {
	/// The runtime API of Gosig.
	pub trait GosigApi {
		/// The Gosig configuration as of the state of the block this is called at.
		fn configuration() -> GosigConfiguration;
	}
}

#[cfg(all(test, feature = "std"))]
mod tests {
	use super::*;
	use sp_core::crypto::{Pair as _, VrfSecret};

	#[test]
	fn per_peer_probability_reaches_the_target() {
		assert_eq!(per_peer_probability(Perbill::one(), 4), Perbill::one());
		assert_eq!(per_peer_probability(Perbill::from_percent(99), 1), Perbill::from_percent(99));
		for n in [2u32, 4, 21] {
			let target = Perbill::from_percent(99);
			let q = per_peer_probability(target, n);
			let reached = |q: Perbill| {
				Perbill::one().saturating_sub(q.left_from_one().saturating_pow(n as usize))
			};
			assert!(reached(q) >= target, "n = {n}");
			assert!(
				reached(Perbill::from_parts(q.deconstruct() - 1)) < target,
				"smallest, n = {n}"
			);
		}
		// 1 − 0.01^(1/4) ≈ 0.6838
		let q4 = per_peer_probability(Perbill::from_percent(99), 4).deconstruct();
		assert!((683_000_000..685_000_000).contains(&q4), "{q4}");
	}

	#[test]
	fn threshold_and_election() {
		assert!(is_elected(u128::MAX, proposer_threshold(Perbill::one())));
		assert!(!is_elected(0, proposer_threshold(Perbill::zero())));
		let half = proposer_threshold(Perbill::from_percent(50));
		assert!(is_elected(half - 1, half));
		assert!(!is_elected(half, half));
		assert!(half > u128::MAX / 2 - u128::MAX / 1_000_000 && half < u128::MAX / 2 + 1);
	}

	#[test]
	fn vrf_priority_is_verifiable_and_bound_to_key_and_round() {
		let pair = sp_core::sr25519::Pair::from_string("//Alice", None).unwrap();
		let public: AuthorityId = pair.public().into();
		let randomness = [7u8; 32];
		let signature = pair.vrf_sign(&vrf_sign_data(&randomness, 5));
		use sp_core::crypto::VrfPublic;
		assert!(pair.public().vrf_verify(&vrf_sign_data(&randomness, 5), &signature));
		assert!(!pair.public().vrf_verify(&vrf_sign_data(&randomness, 6), &signature));
		let p = priority(&public, &randomness, 5, &signature).unwrap();
		assert_eq!(priority(&public, &randomness, 5, &signature), Some(p), "deterministic");
		assert_ne!(priority(&public, &randomness, 6, &signature), Some(p));
		let bob: AuthorityId =
			sp_core::sr25519::Pair::from_string("//Bob", None).unwrap().public().into();
		assert_ne!(priority(&bob, &randomness, 5, &signature), Some(p));
	}

	#[test]
	fn justification_needs_a_quorum_of_valid_ordered_signatures() {
		let pairs: Vec<AuthorityPair> = ["//Alice", "//Bob", "//Charlie", "//Dave"]
			.iter()
			.map(|s| AuthorityPair::from_string(s, None).unwrap())
			.collect();
		let authorities: Vec<AuthorityId> = pairs.iter().map(|p| p.public()).collect();
		let hash = [1u8; 32];
		let payload = VotePayload::new(VoteKind::TentativeCommit, 9, hash, 3u32, 0);
		let sign = |i: usize| (i as u32, pairs[i].sign(&payload.signing_bytes()));
		let just = |commits| GosigJustification {
			round: 9,
			block_hash: hash,
			block_number: 3u32,
			set_id: 0,
			commits,
		};
		assert_eq!(
			just(vec![sign(0), sign(1), sign(3)]).verify(&hash, &3, 0, &authorities),
			Ok(())
		);
		assert_eq!(
			just(vec![sign(0), sign(1)]).verify(&hash, &3, 0, &authorities),
			Err(JustificationError::NoQuorum)
		);
		assert_eq!(
			just(vec![sign(0), sign(0), sign(1)]).verify(&hash, &3, 0, &authorities),
			Err(JustificationError::UnorderedOrDuplicate)
		);
		assert_eq!(
			just(vec![sign(0), sign(1), sign(2)]).verify(&[2u8; 32], &3, 0, &authorities),
			Err(JustificationError::WrongBlock)
		);
		assert_eq!(
			just(vec![sign(0), sign(1), sign(2)]).verify(&hash, &3, 1, &authorities),
			Err(JustificationError::WrongSet)
		);
		let mut forged = just(vec![sign(0), sign(1), sign(2)]);
		forged.commits[2].1 = pairs[3].sign(&payload.signing_bytes());
		assert_eq!(
			forged.verify(&hash, &3, 0, &authorities),
			Err(JustificationError::BadSignature)
		);
		let prepare = VotePayload::new(VoteKind::Prepare, 9, hash, 3u32, 0);
		let mut wrong_kind = just(vec![sign(0), sign(1), sign(2)]);
		wrong_kind.commits[0].1 = pairs[0].sign(&prepare.signing_bytes());
		assert_eq!(
			wrong_kind.verify(&hash, &3, 0, &authorities),
			Err(JustificationError::BadSignature),
			"a prepare signature is no tentative commit"
		);
		let mut outsider = just(vec![sign(0), sign(1), sign(2)]);
		outsider.commits[2].0 = 7;
		assert_eq!(
			outsider.verify(&hash, &3, 0, &authorities),
			Err(JustificationError::UnknownAuthority)
		);
	}
}

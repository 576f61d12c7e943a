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
use codec::{Decode, DecodeWithMemTracking, Encode};
use scale_info::TypeInfo;
use sp_arithmetic::{traits::Saturating, PerThing, Perbill};
use sp_core::sr25519::vrf::{VrfInput, VrfSignData, VrfSignature, VrfTranscript};
use sp_runtime::{ConsensusEngineId, KeyTypeId, RuntimeAppPublic};

pub use gosig_core::{is_canonical_certificate, max_faulty, quorum, Round, VoteKind, VoterIndex};

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
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
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

/// What a billing peer signs besides a message's payload: the chain and its own place in the set.
///
/// A signature over `(domain, genesis hash, signer's authority index, payload)` is valid on one
/// chain only, and only for the index it names: a billing peer that uses its key on another chain
/// (a test network with aligned rounds, a fork with a new genesis) cannot have those messages
/// passed off as votes on this one, and so cannot be "proven" to equivocate here and lose its
/// deposit (issue 14, finding 6). Receipts and traffic reports sign the genesis hash likewise.
pub fn signing_bytes<Hash: Encode, P: Encode>(
	domain: &[u8],
	genesis_hash: &Hash,
	signer: AuthorityIndex,
	payload: &P,
) -> Vec<u8> {
	(domain, genesis_hash, signer, payload).encode()
}

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

	/// The bytes billing peer `voter` signs on the chain of `genesis_hash`.
	pub fn signing_bytes(&self, genesis_hash: &Hash, voter: AuthorityIndex) -> Vec<u8> {
		signing_bytes(VOTE_DOMAIN, genesis_hash, voter, self)
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

/// A billing peer's vote with its signature: what is gossiped, and half of an equivocation proof.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct SignedVote<Hash, Number> {
	/// What was signed.
	pub payload: VotePayload<Hash, Number>,
	/// The signer's authority index.
	pub voter: AuthorityIndex,
	/// The signature of [`VotePayload::signing_bytes`].
	pub signature: AuthoritySignature,
}

impl<Hash: Encode, Number: Encode> SignedVote<Hash, Number> {
	/// Whether the signature is the voter's on the chain of `genesis_hash`, `authorities` being
	/// the set of `payload.set_id`.
	pub fn verify(&self, genesis_hash: &Hash, authorities: &[AuthorityId]) -> bool {
		authorities.get(self.voter as usize).is_some_and(|signer| {
			signer.verify(&self.payload.signing_bytes(genesis_hash, self.voter), &self.signature)
		})
	}
}

/// The domain tag prefixed to every signed proposal.
pub const PROPOSAL_DOMAIN: &[u8] = b"spacebook-gosig-proposal";

/// What an elected billing peer signs when it proposes a block in a round: a block it just
/// packed, or the block it is locked on with that lock's prepare certificate.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct ProposalPayload<Hash, Number> {
	/// The round of the proposal.
	pub round: Round,
	/// The proposed block.
	pub block_hash: Hash,
	/// Its number.
	pub block_number: Number,
	/// Its parent (the proposer's last finalized block).
	pub parent_hash: Hash,
	/// The authority set the proposer belongs to.
	pub set_id: SetId,
	/// The round of the prepare certificate a re-proposal carries.
	pub certificate_round: Option<Round>,
	/// The BLAKE2-256 hash of that certificate's SCALE encoding ([`certificate_digest`]): the
	/// proposer signs the very certificate it sends, so that nobody can make new proposal
	/// messages out of its signature by choosing other subsets of the prepares.
	pub certificate_digest: Option<[u8; 32]>,
}

/// The digest of a prepare certificate a proposal signs: BLAKE2-256 of its SCALE encoding.
pub fn certificate_digest(certificate: &[(AuthorityIndex, AuthoritySignature)]) -> [u8; 32] {
	use sp_runtime::traits::Hash as _;
	sp_runtime::traits::BlakeTwo256::hash(&certificate.encode()).0
}

impl<Hash: Encode, Number: Encode> ProposalPayload<Hash, Number> {
	/// The bytes billing peer `proposer` signs on the chain of `genesis_hash`.
	pub fn signing_bytes(&self, genesis_hash: &Hash, proposer: AuthorityIndex) -> Vec<u8> {
		signing_bytes(PROPOSAL_DOMAIN, genesis_hash, proposer, self)
	}
}

/// A proposal with its proposer's signature: half of a proposal-equivocation proof.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct SignedProposal<Hash, Number> {
	/// What was signed.
	pub payload: ProposalPayload<Hash, Number>,
	/// The proposer's authority index.
	pub proposer: AuthorityIndex,
	/// The signature of [`ProposalPayload::signing_bytes`].
	pub signature: AuthoritySignature,
}

impl<Hash: Encode, Number: Encode> SignedProposal<Hash, Number> {
	/// Whether the signature is the proposer's on the chain of `genesis_hash`, `authorities`
	/// being the set of `payload.set_id`.
	pub fn verify(&self, genesis_hash: &Hash, authorities: &[AuthorityId]) -> bool {
		authorities.get(self.proposer as usize).is_some_and(|signer| {
			signer.verify(&self.payload.signing_bytes(genesis_hash, self.proposer), &self.signature)
		})
	}
}

/// The most bytes of a header in a block-equivocation proof: a header with a pre-digest and a
/// set change naming the largest authority set fits many times over.
pub const MAX_SEALED_HEADER_LEN: usize = 16 * 1024;

/// A block header as its packer sealed it: half of a block-equivocation proof.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct SealedHeader {
	/// The SCALE encoding of the header without its seal (the last digest item); the seal signs
	/// its BLAKE2-256 hash, the block's hash before sealing.
	pub header: Vec<u8>,
	/// The packer's seal.
	pub seal: AuthoritySignature,
}

/// What a block-equivocation proof reads from a [`SealedHeader`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SealedHeaderInfo<Hash> {
	/// The header's hash before sealing (what the seal signs).
	pub pre_hash: [u8; 32],
	/// The parent block.
	pub parent_hash: Hash,
	/// The block's number.
	pub number: u64,
	/// Its Gosig pre-digest: round and packer.
	pub pre_digest: PreDigest,
}

impl SealedHeader {
	/// The sealed header of a block whose last digest item is its Gosig seal; `None` if it has
	/// no Gosig seal.
	pub fn of<H: sp_runtime::traits::Header>(header: &H) -> Option<Self> {
		let mut header = header.clone();
		let seal = header.digest_mut().pop()?;
		let seal = match seal.as_seal() {
			Some((id, data)) if id == GOSIG_ENGINE_ID => {
				AuthoritySignature::decode(&mut &data[..]).ok()?
			}
			_ => return None,
		};
		Some(SealedHeader { header: header.encode(), seal })
	}

	/// Read a header laid out as `sp_runtime::generic::Header` (parent hash, compact number,
	/// state root, extrinsics root, digest) with exactly one Gosig pre-digest; `None` if it is
	/// not one, or longer than [`MAX_SEALED_HEADER_LEN`].
	pub fn read<Hash: Decode>(&self) -> Option<SealedHeaderInfo<Hash>> {
		if self.header.len() > MAX_SEALED_HEADER_LEN {
			return None;
		}
		let mut input = &self.header[..];
		let parent_hash = Hash::decode(&mut input).ok()?;
		let number = codec::Compact::<u64>::decode(&mut input).ok()?.0;
		let _state_root = Hash::decode(&mut input).ok()?;
		let _extrinsics_root = Hash::decode(&mut input).ok()?;
		let digest = sp_runtime::Digest::decode(&mut input).ok()?;
		if !input.is_empty() {
			return None;
		}
		let mut pre_digests = digest
			.logs
			.iter()
			.filter_map(|log| log.pre_runtime_try_to::<PreDigest>(&GOSIG_ENGINE_ID));
		let pre_digest = pre_digests.next()?;
		if pre_digests.next().is_some() {
			return None;
		}
		Some(SealedHeaderInfo {
			pre_hash: {
				use sp_runtime::traits::Hash as _;
				sp_runtime::traits::BlakeTwo256::hash(&self.header).0
			},
			parent_hash,
			number,
			pre_digest,
		})
	}
}

/// Evidence that a billing peer signed two conflicting messages in one round: two votes of one
/// kind for different blocks, two proposals of different blocks, or two blocks it packed.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub enum EquivocationProof<Hash, Number> {
	/// Two votes.
	Vote {
		/// One vote.
		first: SignedVote<Hash, Number>,
		/// The conflicting vote.
		second: SignedVote<Hash, Number>,
	},
	/// Two proposals.
	Proposal {
		/// One proposal.
		first: SignedProposal<Hash, Number>,
		/// The conflicting proposal.
		second: SignedProposal<Hash, Number>,
	},
	/// Two blocks sealed for one round by one packer (seen at import; a packer may send a
	/// second block to some nodes without proposing it). The chain also checks that both
	/// blocks' parents are its own, so that blocks a billing peer packs on another chain with
	/// the same key prove nothing here.
	Blocks {
		/// The authority set the packer belongs to (headers do not name it).
		set_id: SetId,
		/// One block.
		first: SealedHeader,
		/// The conflicting block.
		second: SealedHeader,
	},
}

/// Why an equivocation proof was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EquivocationError {
	/// The two messages are of different signers, rounds, sets or vote kinds.
	NotComparable,
	/// The two messages are for the same block: no equivocation.
	SameBlock,
	/// The proof is for another authority set than the one given.
	WrongSet,
	/// A signature does not verify.
	BadSignature,
	/// A header of a block-equivocation proof is not a Gosig header.
	Malformed,
}

impl<Hash: Encode + Decode + PartialEq, Number: Encode + PartialEq>
	EquivocationProof<Hash, Number>
{
	/// The offender's authority index (of a malformed block proof: `AuthorityIndex::MAX`).
	pub fn offender(&self) -> AuthorityIndex {
		match self {
			Self::Vote { first, .. } => first.voter,
			Self::Proposal { first, .. } => first.proposer,
			Self::Blocks { first, .. } => first
				.read::<Hash>()
				.map_or(AuthorityIndex::MAX, |info| info.pre_digest.authority_index),
		}
	}

	/// The round of the equivocation (of a malformed block proof: 0).
	pub fn round(&self) -> Round {
		match self {
			Self::Vote { first, .. } => first.payload.round,
			Self::Proposal { first, .. } => first.payload.round,
			Self::Blocks { first, .. } => {
				first.read::<Hash>().map_or(0, |info| info.pre_digest.round)
			}
		}
	}

	/// The authority set of the offender.
	pub fn set_id(&self) -> SetId {
		match self {
			Self::Vote { first, .. } => first.payload.set_id,
			Self::Proposal { first, .. } => first.payload.set_id,
			Self::Blocks { set_id, .. } => *set_id,
		}
	}

	/// The `(number, parent hash)` of each block of a block-equivocation proof, which the chain
	/// checks are its own blocks; empty for other proofs.
	pub fn block_parents(&self) -> Vec<(u64, Hash)> {
		match self {
			Self::Blocks { first, second, .. } => [first, second]
				.into_iter()
				.filter_map(|h| h.read::<Hash>())
				.map(|info| (info.number, info.parent_hash))
				.collect(),
			_ => Vec::new(),
		}
	}

	/// Check the proof against `authorities`, the billing peers of set `set_id` on the chain of
	/// `genesis_hash`. Returns the offender's index.
	pub fn check(
		&self,
		set_id: SetId,
		genesis_hash: &Hash,
		authorities: &[AuthorityId],
	) -> Result<AuthorityIndex, EquivocationError> {
		let (same_signer, same_block, signatures_valid) = match self {
			Self::Vote { first, second } => {
				let (a, b) = (&first.payload, &second.payload);
				(
					first.voter == second.voter
						&& a.round == b.round
						&& a.set_id == b.set_id
						&& a.kind == b.kind,
					a.block_hash == b.block_hash && a.block_number == b.block_number,
					first.verify(genesis_hash, authorities)
						&& second.verify(genesis_hash, authorities),
				)
			}
			Self::Proposal { first, second } => {
				let (a, b) = (&first.payload, &second.payload);
				(
					first.proposer == second.proposer && a.round == b.round && a.set_id == b.set_id,
					a.block_hash == b.block_hash,
					first.verify(genesis_hash, authorities)
						&& second.verify(genesis_hash, authorities),
				)
			}
			Self::Blocks { first, second, .. } => {
				let (Some(a), Some(b)) = (first.read::<Hash>(), second.read::<Hash>()) else {
					return Err(EquivocationError::Malformed);
				};
				let packer = a.pre_digest.authority_index;
				(
					packer == b.pre_digest.authority_index
						&& a.pre_digest.round == b.pre_digest.round,
					a.pre_hash == b.pre_hash,
					authorities.get(packer as usize).is_some_and(|signer| {
						signer.verify(&a.pre_hash, &first.seal)
							&& signer.verify(&b.pre_hash, &second.seal)
					}),
				)
			}
		};
		if !same_signer {
			return Err(EquivocationError::NotComparable);
		}
		if same_block {
			return Err(EquivocationError::SameBlock);
		}
		if self.set_id() != set_id {
			return Err(EquivocationError::WrongSet);
		}
		if !signatures_valid {
			return Err(EquivocationError::BadSignature);
		}
		Ok(self.offender())
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
	/// Check that this justifies `(hash, number)` under `authorities` of set `set_id` on the
	/// chain of `genesis_hash`. A justification with more than a quorum of signatures is still a
	/// proof of finality and is accepted here; gossip accepts only canonical ones
	/// ([`is_canonical_certificate`]).
	pub fn verify(
		&self,
		hash: &Hash,
		number: &Number,
		set_id: SetId,
		genesis_hash: &Hash,
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
		for (index, signature) in &self.commits {
			let signer =
				authorities.get(*index as usize).ok_or(JustificationError::UnknownAuthority)?;
			if !signer.verify(&payload.signing_bytes(genesis_hash, *index), signature) {
				return Err(JustificationError::BadSignature);
			}
		}
		Ok(())
	}
}

/// The identifier of the inherent by which a packer hands the runtime the votes it saw for the
/// parent block ([`ParentVotes`]).
pub const PARENT_VOTES_INHERENT_IDENTIFIER: [u8; 8] = *b"gosigvot";

/// The votes a packer saw for its block's parent, the block its round built on: for each billing
/// peer at most one signed vote (its tentative commit, or its prepare if no commit arrived) in
/// the round the parent was committed.
///
/// The runtime checks every signature and counts, per billing peer, in how many blocks its vote
/// was seen: the measure of who misses rounds ([participation](ParticipationView)). A packer can
/// leave votes out but cannot make them up.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct ParentVotes {
	/// The authority set that voted (the one in force at the parent).
	pub set_id: SetId,
	/// The round the parent was committed in.
	pub round: Round,
	/// `(authority index, vote kind code, signature)` by strictly increasing authority index;
	/// the kind codes are [`vote_kind_code`]'s. At most [`MAX_PARENT_VOTES`].
	pub votes: sp_runtime::BoundedVec<
		(AuthorityIndex, u8, AuthoritySignature),
		sp_core::ConstU32<MAX_PARENT_VOTES>,
	>,
}

/// The most votes [`ParentVotes`] carries: more than any authority set holds (the runtime checks
/// its `MaxAuthorities` against it).
pub const MAX_PARENT_VOTES: u32 = 64;

impl ParentVotes {
	/// The payload billing peer `voter` signed for `(parent_hash, parent_number)` with a vote of
	/// kind `code`, if the code is a vote kind.
	pub fn payload<Hash: Encode, Number: Encode>(
		&self,
		code: u8,
		parent_hash: Hash,
		parent_number: Number,
	) -> Option<VotePayload<Hash, Number>> {
		let kind = vote_kind_from_code(code)?;
		Some(VotePayload::new(kind, self.round, parent_hash, parent_number, self.set_id))
	}
}

/// One billing peer's participation in the current measurement window, as the runtime API
/// shows it.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct ParticipationView {
	/// The billing peer.
	pub authority: AuthorityId,
	/// Blocks of the window, since it joined the set, that carried their parent's votes.
	pub counted: u32,
	/// Of those, the blocks whose parent's votes included one of its own.
	pub present: u32,
	/// Consecutive windows it was absent from more than half of the counted blocks (a
	/// warning at one, replacement at two).
	pub strikes: u32,
}

/// A consensus digest the runtime puts in a block's header (`DigestItem::Consensus` with
/// [`GOSIG_ENGINE_ID`]), for nodes and light clients that follow the chain by headers.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub enum ConsensusLog {
	/// This block replaces the billing peers: from the state after it, set `set_id` holds
	/// `authorities`. The block itself is voted on, and justified, by the old set.
	AuthoritiesChange {
		/// The new set's number.
		set_id: SetId,
		/// The new billing peers, by authority index.
		authorities: Vec<AuthorityId>,
	},
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

		/// Submit a report of an equivocation to the transaction pool (the caller registers the
		/// offchain transaction-pool extension). Returns whether it was submitted.
		fn submit_report_equivocation_extrinsic(
			proof: EquivocationProof<Block::Hash, sp_runtime::traits::NumberFor<Block>>,
		) -> bool;

		/// Each billing peer's participation in the votes of the current window, by authority
		/// index, and the window's length in blocks.
		fn participation() -> (Vec<ParticipationView>, u32);
	}
}

#[cfg(all(test, feature = "std"))]
mod tests {
	use super::*;
	use sp_core::crypto::{Pair as _, VrfSecret};

	/// The genesis hash the tests' chain signs.
	const GENESIS: [u8; 32] = [0x60u8; 32];

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
		let sign = |i: usize| (i as u32, pairs[i].sign(&payload.signing_bytes(&GENESIS, i as u32)));
		let just = |commits| GosigJustification {
			round: 9,
			block_hash: hash,
			block_number: 3u32,
			set_id: 0,
			commits,
		};
		assert_eq!(
			just(vec![sign(0), sign(1), sign(3)]).verify(&hash, &3, 0, &GENESIS, &authorities),
			Ok(())
		);
		assert_eq!(
			just(vec![sign(0), sign(1)]).verify(&hash, &3, 0, &GENESIS, &authorities),
			Err(JustificationError::NoQuorum)
		);
		assert_eq!(
			just(vec![sign(0), sign(0), sign(1)]).verify(&hash, &3, 0, &GENESIS, &authorities),
			Err(JustificationError::UnorderedOrDuplicate)
		);
		assert_eq!(
			just(vec![sign(0), sign(1), sign(2)]).verify(&[2u8; 32], &3, 0, &GENESIS, &authorities),
			Err(JustificationError::WrongBlock)
		);
		assert_eq!(
			just(vec![sign(0), sign(1), sign(2)]).verify(&hash, &3, 1, &GENESIS, &authorities),
			Err(JustificationError::WrongSet)
		);
		let mut forged = just(vec![sign(0), sign(1), sign(2)]);
		forged.commits[2].1 = pairs[3].sign(&payload.signing_bytes(&GENESIS, 3));
		assert_eq!(
			forged.verify(&hash, &3, 0, &GENESIS, &authorities),
			Err(JustificationError::BadSignature)
		);
		let prepare = VotePayload::new(VoteKind::Prepare, 9, hash, 3u32, 0);
		let mut wrong_kind = just(vec![sign(0), sign(1), sign(2)]);
		wrong_kind.commits[0].1 = pairs[0].sign(&prepare.signing_bytes(&GENESIS, 0));
		assert_eq!(
			wrong_kind.verify(&hash, &3, 0, &GENESIS, &authorities),
			Err(JustificationError::BadSignature),
			"a prepare signature is no tentative commit"
		);
		let mut outsider = just(vec![sign(0), sign(1), sign(2)]);
		outsider.commits[2].0 = 7;
		assert_eq!(
			outsider.verify(&hash, &3, 0, &GENESIS, &authorities),
			Err(JustificationError::UnknownAuthority)
		);
	}

	type TestHeader = sp_runtime::generic::Header<u32, sp_runtime::traits::BlakeTwo256>;

	/// A header of block `number` on `parent`, packed in `round` by billing peer `packer` and
	/// sealed as the node seals it.
	fn sealed(
		pairs: &[AuthorityPair],
		packer: u32,
		round: Round,
		parent: [u8; 32],
		number: u32,
	) -> TestHeader {
		use sp_runtime::traits::Header as _;
		let pair: &sp_core::sr25519::Pair = pairs[packer as usize].as_ref();
		let pre = PreDigest {
			round,
			authority_index: packer,
			vrf_signature: pair.vrf_sign(&vrf_sign_data(&[7u8; 32], round)),
		};
		let mut header = TestHeader::new(
			number,
			Default::default(),
			Default::default(),
			parent.into(),
			Default::default(),
		);
		header.digest_mut().push(sp_runtime::DigestItem::PreRuntime(GOSIG_ENGINE_ID, pre.encode()));
		let seal = pairs[packer as usize].sign(header.hash().as_ref());
		header.digest_mut().push(sp_runtime::DigestItem::Seal(GOSIG_ENGINE_ID, seal.encode()));
		header
	}

	fn blocks_proof(
		set_id: SetId,
		a: &TestHeader,
		b: &TestHeader,
	) -> EquivocationProof<[u8; 32], u32> {
		EquivocationProof::Blocks {
			set_id,
			first: SealedHeader::of(a).unwrap(),
			second: SealedHeader::of(b).unwrap(),
		}
	}

	#[test]
	fn two_blocks_of_one_packer_in_one_round_prove_an_equivocation() {
		let (pairs, ids) = keys();
		let a = sealed(&pairs, 2, 40, [1; 32], 9);
		let b = sealed(&pairs, 2, 40, [2; 32], 10);
		let proof = blocks_proof(3, &a, &b);
		assert_eq!(proof.check(3, &GENESIS, &ids), Ok(2));
		assert_eq!((proof.offender(), proof.round(), proof.set_id()), (2, 40, 3));
		assert_eq!(proof.block_parents(), vec![(9, [1; 32]), (10, [2; 32])]);
		assert_eq!(proof.check(4, &GENESIS, &ids), Err(EquivocationError::WrongSet));
		// The same block twice, two rounds, two packers: no equivocation.
		assert_eq!(
			blocks_proof(3, &a, &a).check(3, &GENESIS, &ids),
			Err(EquivocationError::SameBlock)
		);
		let later = sealed(&pairs, 2, 41, [2; 32], 10);
		assert_eq!(
			blocks_proof(3, &a, &later).check(3, &GENESIS, &ids),
			Err(EquivocationError::NotComparable)
		);
		let other = sealed(&pairs, 1, 40, [2; 32], 10);
		assert_eq!(
			blocks_proof(3, &a, &other).check(3, &GENESIS, &ids),
			Err(EquivocationError::NotComparable)
		);
		// A block sealed by someone else in the packer's name.
		let mut forged = SealedHeader::of(&b).unwrap();
		forged.seal = {
			use sp_runtime::traits::Hash as _;
			pairs[0].sign(sp_runtime::traits::BlakeTwo256::hash(&forged.header).as_ref())
		};
		let proof = EquivocationProof::<[u8; 32], u32>::Blocks {
			set_id: 3,
			first: SealedHeader::of(&a).unwrap(),
			second: forged,
		};
		assert_eq!(proof.check(3, &GENESIS, &ids), Err(EquivocationError::BadSignature));
		// Bytes that are not a Gosig header, or too many of them.
		let mut garbage = SealedHeader::of(&b).unwrap();
		garbage.header.push(0);
		let proof = EquivocationProof::<[u8; 32], u32>::Blocks {
			set_id: 3,
			first: SealedHeader::of(&a).unwrap(),
			second: garbage.clone(),
		};
		assert_eq!(proof.check(3, &GENESIS, &ids), Err(EquivocationError::Malformed));
		garbage.header = vec![0; MAX_SEALED_HEADER_LEN + 1];
		assert!(garbage.read::<[u8; 32]>().is_none());
		// An unsealed header has no sealed form.
		let mut unsealed = a.clone();
		use sp_runtime::traits::Header as _;
		unsealed.digest_mut().pop();
		assert!(SealedHeader::of(&unsealed).is_none());
	}

	fn keys() -> (Vec<AuthorityPair>, Vec<AuthorityId>) {
		let pairs: Vec<AuthorityPair> = ["//Alice", "//Bob", "//Charlie", "//Dave"]
			.iter()
			.map(|s| AuthorityPair::from_string(s, None).unwrap())
			.collect();
		let ids = pairs.iter().map(|p| p.public()).collect();
		(pairs, ids)
	}

	fn signed_vote(
		pairs: &[AuthorityPair],
		voter: u32,
		kind: VoteKind,
		round: Round,
		block: [u8; 32],
	) -> SignedVote<[u8; 32], u32> {
		let payload = VotePayload::new(kind, round, block, 5u32, 3);
		let signature = pairs[voter as usize].sign(&payload.signing_bytes(&GENESIS, voter));
		SignedVote { payload, voter, signature }
	}

	fn signed_proposal(
		pairs: &[AuthorityPair],
		proposer: u32,
		round: Round,
		block: [u8; 32],
	) -> SignedProposal<[u8; 32], u32> {
		let payload = ProposalPayload {
			round,
			block_hash: block,
			block_number: 5u32,
			parent_hash: [0u8; 32],
			set_id: 3,
			certificate_round: None,
			certificate_digest: None,
		};
		let signature = pairs[proposer as usize].sign(&payload.signing_bytes(&GENESIS, proposer));
		SignedProposal { payload, proposer, signature }
	}

	#[test]
	fn two_votes_for_different_blocks_prove_an_equivocation() {
		let (pairs, ids) = keys();
		let a = signed_vote(&pairs, 1, VoteKind::Prepare, 9, [1u8; 32]);
		let b = signed_vote(&pairs, 1, VoteKind::Prepare, 9, [2u8; 32]);
		assert!(a.verify(&GENESIS, &ids) && b.verify(&GENESIS, &ids));
		let proof = EquivocationProof::Vote { first: a.clone(), second: b.clone() };
		assert_eq!(proof.check(3, &GENESIS, &ids), Ok(1));
		assert_eq!((proof.offender(), proof.round(), proof.set_id()), (1, 9, 3));
		assert_eq!(proof.check(4, &GENESIS, &ids), Err(EquivocationError::WrongSet));

		let same = EquivocationProof::Vote { first: a.clone(), second: a.clone() };
		assert_eq!(same.check(3, &GENESIS, &ids), Err(EquivocationError::SameBlock));
		let other_round = signed_vote(&pairs, 1, VoteKind::Prepare, 10, [2u8; 32]);
		let other_kind = signed_vote(&pairs, 1, VoteKind::TentativeCommit, 9, [2u8; 32]);
		let other_voter = signed_vote(&pairs, 2, VoteKind::Prepare, 9, [2u8; 32]);
		for second in [other_round, other_kind, other_voter] {
			let proof = EquivocationProof::Vote { first: a.clone(), second };
			assert_eq!(proof.check(3, &GENESIS, &ids), Err(EquivocationError::NotComparable));
		}
		// A vote signed by someone else than its claimed voter proves nothing.
		let mut forged = b.clone();
		forged.signature = pairs[2].sign(&forged.payload.signing_bytes(&GENESIS, 1));
		assert!(!forged.verify(&GENESIS, &ids));
		let proof = EquivocationProof::Vote { first: a, second: forged };
		assert_eq!(proof.check(3, &GENESIS, &ids), Err(EquivocationError::BadSignature));
	}

	#[test]
	fn two_proposals_of_different_blocks_prove_an_equivocation() {
		let (pairs, ids) = keys();
		let a = signed_proposal(&pairs, 0, 4, [1u8; 32]);
		let b = signed_proposal(&pairs, 0, 4, [2u8; 32]);
		let proof = EquivocationProof::Proposal { first: a.clone(), second: b.clone() };
		assert_eq!(proof.check(3, &GENESIS, &ids), Ok(0));
		// Re-proposing the same block with a certificate is no equivocation.
		let mut again = a.clone();
		again.payload.certificate_round = Some(3);
		again.signature = pairs[0].sign(&again.payload.signing_bytes(&GENESIS, 0));
		let proof = EquivocationProof::Proposal { first: a.clone(), second: again };
		assert_eq!(proof.check(3, &GENESIS, &ids), Err(EquivocationError::SameBlock));
		// A vote signature cannot be passed off as a proposal signature.
		let vote = signed_vote(&pairs, 0, VoteKind::Prepare, 4, [2u8; 32]);
		let mut disguised = b;
		disguised.signature = vote.signature;
		let proof = EquivocationProof::Proposal { first: a, second: disguised };
		assert_eq!(proof.check(3, &GENESIS, &ids), Err(EquivocationError::BadSignature));
	}

	/// Finding 6 of issue 14: votes were not bound to the chain or to the voter's index. Checked
	/// before the fix: the payload signed only `(domain, kind, round, block, set)`, so a vote a
	/// billing peer signed on another chain with aligned rounds verified here, and two of them made
	/// an equivocation proof that slashed it.
	#[test]
	fn votes_signed_on_another_chain_prove_no_equivocation_here() {
		let (pairs, ids) = keys();
		let other_chain = [0xEEu8; 32];
		// The same billing peer key signs, in round 9 of set 3, one block here and another on a
		// test network whose rounds line up with ours.
		let here = signed_vote(&pairs, 1, VoteKind::Prepare, 9, [1u8; 32]);
		let payload = VotePayload::new(VoteKind::Prepare, 9, [2u8; 32], 5u32, 3);
		let there = SignedVote {
			signature: pairs[1].sign(&payload.signing_bytes(&other_chain, 1)),
			payload,
			voter: 1,
		};
		assert!(there.verify(&other_chain, &ids), "valid on its own chain");
		assert!(!there.verify(&GENESIS, &ids), "but not here");
		let proof = EquivocationProof::Vote { first: here.clone(), second: there };
		assert_eq!(proof.check(3, &GENESIS, &ids), Err(EquivocationError::BadSignature));

		// The voter's index is signed too: the same signature under another index is no vote,
		// even where one key holds two places in the set.
		let twice: Vec<AuthorityId> = vec![ids[0].clone(), ids[1].clone(), ids[1].clone()];
		let mut moved = here.clone();
		moved.voter = 2;
		assert!(here.verify(&GENESIS, &twice));
		assert!(!moved.verify(&GENESIS, &twice));

		// Proposals likewise.
		let proposal = signed_proposal(&pairs, 0, 4, [1u8; 32]);
		assert!(proposal.verify(&GENESIS, &ids));
		assert!(!proposal.verify(&other_chain, &ids));
	}

	#[test]
	fn a_justification_of_another_chain_does_not_verify() {
		let (pairs, ids) = keys();
		let hash = [1u8; 32];
		let other_chain = [0xEEu8; 32];
		let payload = VotePayload::new(VoteKind::TentativeCommit, 9, hash, 3u32, 0);
		let justification = GosigJustification {
			round: 9,
			block_hash: hash,
			block_number: 3u32,
			set_id: 0,
			commits: (0..3u32)
				.map(|i| (i, pairs[i as usize].sign(&payload.signing_bytes(&other_chain, i))))
				.collect(),
		};
		assert_eq!(justification.verify(&hash, &3, 0, &other_chain, &ids), Ok(()));
		assert_eq!(
			justification.verify(&hash, &3, 0, &GENESIS, &ids),
			Err(JustificationError::BadSignature)
		);
	}

	#[test]
	fn only_an_exact_quorum_in_increasing_order_is_canonical() {
		let (pairs, _) = keys();
		let payload = VotePayload::new(VoteKind::Prepare, 9, [1u8; 32], 3u32, 0);
		let sign = |i: u32| (i, pairs[i as usize].sign(&payload.signing_bytes(&GENESIS, i)));
		// Four billing peers: a quorum is three.
		assert!(is_canonical_certificate(&[sign(0), sign(1), sign(3)], 4));
		assert!(!is_canonical_certificate(&[sign(0), sign(1), sign(2), sign(3)], 4), "too many");
		assert!(!is_canonical_certificate(&[sign(0), sign(1)], 4), "too few");
		assert!(!is_canonical_certificate(&[sign(1), sign(0), sign(3)], 4), "unordered");
		assert!(!is_canonical_certificate(&[sign(0), sign(1), sign(3)], 3), "index 3 outside");
	}
}

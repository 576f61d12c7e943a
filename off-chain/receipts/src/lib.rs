//! # Proof-of-Traffic receipts
//!
//! The types that the runtime (the Proof-of-Traffic pallet, the peer registry's runtime API)
//! and the data plane (the serving node, the DApp SDK) share, so that there is exactly one
//! definition of what a client signs, how a peer commits to its receipts, and how the registry
//! lists the peers a client may fetch from ([`ProfessionalPeerListing`]).
//!
//! - A [`Receipt`] is **cumulative**: within one ledgering period, a client signs
//!   `(period, session, server, DApp, client key, bytes so far)` again and again as bytes arrive;
//!   the receipt with the most bytes for a `(session, period)` supersedes the earlier ones, so a
//!   server keeps only the latest ([`supersedes`](Receipt::supersedes)). A session that runs
//!   into the next period starts counting from zero there.
//! - The client signs with a **client key** its DApp authorized in the peer registry, over
//!   `(RECEIPT_CONTEXT, genesis hash, receipt)`: a receipt of another chain or a test network
//!   never verifies here ([`SignedReceipt::verify`]).
//! - A peer commits to the receipts it reports with the root of a **Merkle sum tree**
//!   ([`SumTree`]): every node carries a hash and the bytes beneath it, so the root commits to
//!   the report's total as well as to every receipt. Leaves are the signed receipts sorted by
//!   their [stream key](Receipt::stream_key) (the DApp first), strictly increasing. An audit picks a random
//!   *byte* of the total; the peer reveals the one receipt that covers it, with its proof
//!   ([`SumTree::proof`], [`verify_proof`]). Every node carries the range of stream keys
//!   beneath it, and the verifier refuses a path whose nodes are out of order, so no neighbour
//!   needs revealing. Bytes claimed without a receipt behind them, duplicated receipts and
//!   out-of-order leaves are each caught with the probability of the share of the total they
//!   make up, per audited byte.
#![cfg_attr(not(feature = "std"), no_std)]
#![warn(missing_docs)]

extern crate alloc;

pub mod snapshots;
pub mod store;

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_core::{sr25519, H256};
use sp_runtime::{
	traits::{BlakeTwo256, ConstU32, Hash as _, Verify},
	BoundedVec,
};

/// A client key: the sr25519 key a DApp's client signs receipts with.
pub type ClientKey = sr25519::Public;
/// A client's signature of a receipt.
pub type ClientSignature = sr25519::Signature;
/// A session between a client and a serving peer, chosen at random by the client.
pub type SessionId = [u8; 16];

/// The domain tag of a receipt signature.
pub const RECEIPT_CONTEXT: &[u8; 16] = b"spacebook/receip";

/// What a client acknowledges: `bytes` received so far in `period` over `session` from
/// `server`, paid for by `dapp`.
#[derive(
	Encode, Decode, DecodeWithMemTracking, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen,
)]
pub struct Receipt<AccountId> {
	/// The ledgering period the bytes were served in.
	pub period: u32,
	/// The session.
	pub session: SessionId,
	/// The serving peer's account.
	pub server: AccountId,
	/// The DApp that pays for the traffic.
	pub dapp: AccountId,
	/// The client key that signs, authorized by `dapp`.
	pub client_key: ClientKey,
	/// Bytes served in this session and period so far.
	pub bytes: u64,
}

impl<AccountId: Encode + PartialEq> Receipt<AccountId> {
	/// The message the client signs.
	pub fn signing_payload(&self, genesis_hash: &H256) -> Vec<u8> {
		(RECEIPT_CONTEXT, genesis_hash, self).encode()
	}

	/// Whether this receipt replaces `other`: the same session, period, server, DApp and client
	/// key, and more bytes.
	pub fn supersedes(&self, other: &Self) -> bool {
		self.same_stream(other) && self.bytes > other.bytes
	}

	/// Whether both receipts count the same stream of bytes (session, period, server, DApp,
	/// client key).
	pub fn same_stream(&self, other: &Self) -> bool {
		self.period == other.period
			&& self.session == other.session
			&& self.server == other.server
			&& self.dapp == other.dapp
			&& self.client_key == other.client_key
	}

	/// Sign with the client key's pair.
	#[cfg(feature = "std")]
	pub fn sign(self, pair: &sr25519::Pair, genesis_hash: &H256) -> SignedReceipt<AccountId> {
		use sp_core::Pair as _;
		let signature = pair.sign(&self.signing_payload(genesis_hash));
		SignedReceipt { receipt: self, signature }
	}
}

/// A receipt with its client's signature.
#[derive(
	Encode, Decode, DecodeWithMemTracking, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen,
)]
pub struct SignedReceipt<AccountId> {
	/// The receipt.
	pub receipt: Receipt<AccountId>,
	/// The signature of its client key.
	pub signature: ClientSignature,
}

impl<AccountId: Encode + PartialEq> SignedReceipt<AccountId> {
	/// Whether the signature is the receipt's client key's over this chain's payload.
	pub fn verify(&self, genesis_hash: &H256) -> bool {
		self.signature
			.verify(&self.receipt.signing_payload(genesis_hash)[..], &self.receipt.client_key)
	}
}

/// A professional peer as the peer registry lists it for clients (the runtime API
/// `PeersApi::professional_peers`, read by the DApp SDK): where its data plane listens, and
/// whether it may serve new work now.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo)]
pub struct ProfessionalPeerListing<AccountId> {
	/// The peer's account: the server its receipts name.
	pub account: AccountId,
	/// The public endpoint it declared (UTF-8, `http://host:port` for the data plane).
	pub endpoint: Vec<u8>,
	/// Whether it is active: neither suspended nor leaving.
	pub active: bool,
}

/// The most bytes of a stream key kept in a tree node; longer keys (account types encoded in
/// more than 60 bytes) are cut, which only makes trees over such receipts fail to build.
pub const MAX_STREAM_KEY_LEN: u32 = 112;

/// A stream key as a tree node carries it.
pub type NodeKey = BoundedVec<u8, ConstU32<MAX_STREAM_KEY_LEN>>;

/// A node of a Merkle sum tree: a hash, the bytes of all receipts beneath it, and the smallest
/// and largest stream key beneath it.
///
/// The keys make the tree commit to the order of its leaves. A parent exists only if its left
/// child's largest key is below its right child's smallest, and a proof checks that at every
/// level. So every leaf a proof accepts sits in a strictly increasing sequence: a receipt
/// included twice (or a superseded one beside the latest) leaves a node out of order above it,
/// and an audit that lands on any byte beneath that node fails.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	Clone,
	PartialEq,
	Eq,
	Default,
	Debug,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct SumNode {
	/// The node's hash: of the leaf's signed receipt, or of the two children.
	pub hash: H256,
	/// Bytes beneath it.
	pub sum: u128,
	/// The smallest stream key beneath it.
	pub min: NodeKey,
	/// The largest stream key beneath it.
	pub max: NodeKey,
}

impl SumNode {
	/// The leaf of a signed receipt: its hash (domain-separated from inner nodes), its bytes and
	/// its stream key.
	pub fn leaf<AccountId: Encode + PartialEq>(signed: &SignedReceipt<AccountId>) -> Self {
		let hash = BlakeTwo256::hash_of(&(b'L', signed));
		let mut key = signed.receipt.stream_key();
		key.truncate(MAX_STREAM_KEY_LEN as usize);
		let key = NodeKey::truncate_from(key);
		SumNode { hash, sum: u128::from(signed.receipt.bytes), min: key.clone(), max: key }
	}

	/// Whether the node's keys are in order (`min ≤ max`).
	pub fn is_ordered(&self) -> bool {
		self.min <= self.max
	}

	/// The parent of `left` and `right`: `None` if the left child's largest key is not below
	/// the right child's smallest, if either child's keys are out of order, or if the sum
	/// overflows.
	pub fn parent(left: &SumNode, right: &SumNode) -> Option<Self> {
		let ordered = left.is_ordered() && right.is_ordered() && left.max < right.min;
		ordered.then(|| Self::join(left, right)).flatten()
	}

	/// The node above `left` and `right` whatever their order (`None` only if the sum
	/// overflows). A tree built with it may lie about its order; proofs through such a node do
	/// not check.
	pub fn join(left: &SumNode, right: &SumNode) -> Option<Self> {
		let sum = left.sum.checked_add(right.sum)?;
		let hash = BlakeTwo256::hash_of(&(b'N', left, right));
		Some(SumNode { hash, sum, min: left.min.clone(), max: right.max.clone() })
	}
}

/// Why a sum tree cannot be built.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum TreeError {
	/// Two leaves have the same stream key, or they are not in increasing order.
	NotStrictlyIncreasing,
	/// The total does not fit 128 bits.
	Overflow,
}

/// A Merkle sum tree over a peer's signed receipts, all levels kept (the peer keeps it until
/// its report's audits are over).
///
/// Level 0 holds the leaves; each next level pairs neighbours, and a last node without a
/// neighbour moves up unchanged.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct SumTree {
	levels: Vec<Vec<SumNode>>,
}

impl SumTree {
	/// Build the tree over `receipts`, which must be sorted by strictly increasing stream key.
	pub fn new<AccountId: Encode + PartialEq>(
		receipts: &[SignedReceipt<AccountId>],
	) -> Result<Self, TreeError> {
		let keyed =
			receipts.windows(2).all(|w| w[0].receipt.stream_key() < w[1].receipt.stream_key());
		if !keyed {
			return Err(TreeError::NotStrictlyIncreasing);
		}
		Self::from_leaves(receipts.iter().map(SumNode::leaf).collect())
	}

	/// Build the tree over leaves as given (no order check).
	pub fn from_leaves(leaves: Vec<SumNode>) -> Result<Self, TreeError> {
		let mut levels = alloc::vec![leaves];
		while levels.last().map_or(0, Vec::len) > 1 {
			let below = levels.last().expect("not empty");
			let mut above = Vec::with_capacity(below.len().div_ceil(2));
			for pair in below.chunks(2) {
				above.push(match pair {
					[left, right] => SumNode::parent(left, right).ok_or(
						if SumNode::join(left, right).is_some() {
							TreeError::NotStrictlyIncreasing
						} else {
							TreeError::Overflow
						},
					)?,
					[single] => single.clone(),
					_ => unreachable!("chunks of two"),
				});
			}
			levels.push(above);
		}
		Ok(SumTree { levels })
	}

	/// The number of leaves.
	pub fn leaf_count(&self) -> u32 {
		self.levels.first().map_or(0, Vec::len) as u32
	}

	/// The root: hash and total bytes (the zero node for an empty tree).
	pub fn root(&self) -> SumNode {
		self.levels.last().and_then(|level| level.first()).cloned().unwrap_or_default()
	}

	/// The proof of leaf `index`: its siblings from the bottom up, skipping levels where it has
	/// none. `None` if there is no such leaf.
	pub fn proof(&self, index: u32) -> Option<Vec<SumNode>> {
		let mut i = index as usize;
		if i >= self.levels.first()?.len() {
			return None;
		}
		let mut proof = Vec::new();
		for level in &self.levels[..self.levels.len() - 1] {
			if let Some(sibling) = level.get(i ^ 1) {
				proof.push(sibling.clone());
			}
			i /= 2;
		}
		Some(proof)
	}

	/// The index of the leaf that covers byte `position` of the total (bytes are numbered from
	/// 0 in leaf order), or `None` if the position is not below the total.
	pub fn leaf_at(&self, position: u128) -> Option<u32> {
		let leaves = self.levels.first()?;
		let mut start = 0u128;
		for (index, leaf) in leaves.iter().enumerate() {
			let end = start.checked_add(leaf.sum)?;
			if position < end {
				return Some(index as u32);
			}
			start = end;
		}
		None
	}
}

/// Why a proof does not check.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ProofError {
	/// The index is not below the leaf count, or the proof has too few or too many steps.
	WrongShape,
	/// A node on the path (or a sibling) has its keys out of order: the tree does not commit to
	/// strictly increasing leaves here.
	OutOfOrder,
	/// The path leads to another root (or the sum overflows).
	RootMismatch,
}

/// Check that `leaf` is leaf `index` of a tree of `leaf_count` leaves with root `root`, by
/// `proof`, and that every node on its path is in order. Returns the bytes before the leaf
/// (its offset within the total).
///
/// The root does not commit to `leaf_count` by itself (the leftmost leaves of trees of
/// different sizes can have the same path): the verifier takes the count from the same report
/// as the root.
pub fn verify_proof(
	root: &SumNode,
	leaf_count: u32,
	index: u32,
	leaf: &SumNode,
	proof: &[SumNode],
) -> Result<u128, ProofError> {
	if index >= leaf_count {
		return Err(ProofError::WrongShape);
	}
	let (mut i, mut width) = (index, leaf_count);
	let mut node = leaf.clone();
	let mut offset = 0u128;
	let mut siblings = proof.iter();
	while width > 1 {
		let has_sibling = (i ^ 1) < width;
		if has_sibling {
			let sibling = siblings.next().ok_or(ProofError::WrongShape)?;
			let (left, right) = if i % 2 == 0 { (&node, sibling) } else { (sibling, &node) };
			if i % 2 == 1 {
				offset = offset.checked_add(sibling.sum).ok_or(ProofError::RootMismatch)?;
			}
			if !(left.is_ordered() && right.is_ordered() && left.max < right.min) {
				return Err(ProofError::OutOfOrder);
			}
			node = SumNode::join(left, right).ok_or(ProofError::RootMismatch)?;
		}
		i /= 2;
		width = width.div_ceil(2);
	}
	if siblings.next().is_some() {
		return Err(ProofError::WrongShape);
	}
	if node != *root {
		return Err(ProofError::RootMismatch);
	}
	Ok(offset)
}

impl<AccountId: Encode + PartialEq> Receipt<AccountId> {
	/// The key that orders a sum tree's leaves: one per stream of bytes (DApp, period, session,
	/// client key). The DApp's encoding comes first, so that each DApp's receipts form one
	/// contiguous range of the total and a report's per-DApp totals, listed in the same order,
	/// can be audited byte by byte; the period follows, big-endian so that it sorts by number.
	pub fn stream_key(&self) -> Vec<u8> {
		let mut key = self.dapp.encode();
		key.extend_from_slice(&self.period.to_be_bytes());
		key.extend_from_slice(&self.session);
		key.extend_from_slice(self.client_key.as_ref());
		key
	}
}

/// The off-chain storage key under which the off-chain worker notes, for `peer`, the first
/// period whose receipts it has not forgotten: the periods before it are claimed and their
/// receipts deleted, so a node keeps no more receipts of them (a journal replay would bring
/// some back).
pub fn offchain_forgotten_key<AccountId: Encode>(peer: &AccountId) -> Vec<u8> {
	(b"spacebook/traffic/forgotten", peer).encode()
}

/// The most streams (sessions with receipts) one client key may have with one serving peer in
/// one ledgering period: the data plane refuses the receipts of more, and the node keeps no
/// more. Without a bound one key could flood a peer's receipt store with streams (issue 14,
/// finding 4); an honest client holds at most 64 sessions with a peer at once.
pub const MAX_STREAMS_PER_KEY_PERIOD: usize = 256;

#[cfg(test)]
mod tests {
	use super::*;
	use sp_core::Pair;

	type AccountId = u64;

	fn genesis() -> H256 {
		H256::repeat_byte(7)
	}

	fn client() -> sr25519::Pair {
		sr25519::Pair::from_string("//client", None).unwrap()
	}

	fn receipt(session: u8, bytes: u64) -> Receipt<AccountId> {
		Receipt {
			period: 12,
			session: [session; 16],
			server: 1,
			dapp: 2,
			client_key: client().public(),
			bytes,
		}
	}

	fn signed_receipts(count: u8) -> Vec<SignedReceipt<AccountId>> {
		(0..count).map(|i| receipt(i, 10 * u64::from(i) + 1).sign(&client(), &genesis())).collect()
	}

	#[test]
	fn a_signed_receipt_verifies_on_its_chain_only() {
		let signed = receipt(1, 1_000).sign(&client(), &genesis());
		assert!(signed.verify(&genesis()));
		assert!(!signed.verify(&H256::repeat_byte(8)), "another chain's receipt");
	}

	#[test]
	fn any_change_breaks_the_signature() {
		let signed = receipt(1, 1_000).sign(&client(), &genesis());
		let mut tampered = signed.clone();
		tampered.receipt.bytes += 1;
		assert!(!tampered.verify(&genesis()));
		let mut tampered = signed.clone();
		tampered.receipt.server = 9;
		assert!(!tampered.verify(&genesis()));
		let mut tampered = signed.clone();
		tampered.receipt.period = 13;
		assert!(!tampered.verify(&genesis()));
		// Signed by another key than the one it names.
		let other = sr25519::Pair::from_string("//other", None).unwrap();
		let forged = receipt(1, 1_000).sign(&other, &genesis());
		assert!(!forged.verify(&genesis()));
	}

	#[test]
	fn a_later_receipt_of_the_same_stream_supersedes() {
		let (a, b) = (receipt(1, 100), receipt(1, 200));
		assert!(b.supersedes(&a));
		assert!(!a.supersedes(&b));
		assert!(!a.supersedes(&a));
		assert!(!receipt(2, 300).supersedes(&a), "another session");
		let mut next_period = receipt(1, 300);
		next_period.period = 13;
		assert!(!next_period.supersedes(&a));
		assert_ne!(next_period.stream_key(), a.stream_key());
		assert_eq!(b.stream_key(), a.stream_key());
	}

	#[test]
	fn stream_keys_sort_by_dapp_then_period() {
		let mut late = receipt(0, 1);
		late.period = 256;
		let mut early = receipt(9, 1);
		early.period = 255;
		assert!(early.stream_key() < late.stream_key());
		// Another DApp's receipts sort by the DApp's encoding first, whatever the period.
		let mut other_dapp = receipt(0, 1);
		other_dapp.dapp = 3;
		other_dapp.period = 0;
		assert!(late.stream_key() < other_dapp.stream_key());
		assert!(late.stream_key().starts_with(&late.dapp.encode()));
	}

	#[test]
	fn the_root_commits_to_the_total() {
		let receipts = signed_receipts(5);
		let tree = SumTree::new(&receipts).unwrap();
		let total: u128 = receipts.iter().map(|r| u128::from(r.receipt.bytes)).sum();
		assert_eq!(tree.root().sum, total);
		assert_eq!(tree.leaf_count(), 5);
		assert_eq!(SumTree::new::<AccountId>(&[]).unwrap().root(), SumNode::default());
	}

	#[test]
	fn every_leaf_proves_with_its_offset_and_nothing_else_does() {
		for count in [1u8, 2, 3, 5, 8, 13] {
			let receipts = signed_receipts(count);
			let tree = SumTree::new(&receipts).unwrap();
			let root = tree.root();
			let n = u32::from(count);
			let mut offset = 0u128;
			for (i, signed) in receipts.iter().enumerate() {
				let i = i as u32;
				let leaf = SumNode::leaf(signed);
				let proof = tree.proof(i).unwrap();
				assert_eq!(verify_proof(&root, n, i, &leaf, &proof), Ok(offset), "{i} of {n}");
				assert_eq!(tree.leaf_at(offset), Some(i));
				assert_eq!(tree.leaf_at(offset + leaf.sum - 1), Some(i));
				if n > 1 {
					let j = (i + 1) % n;
					assert!(verify_proof(&root, n, j, &leaf, &proof).is_err(), "wrong index");
					let other = SumNode::leaf(&receipts[j as usize]);
					assert!(verify_proof(&root, n, i, &other, &proof).is_err(), "wrong leaf");
				}
				let mut long = proof.clone();
				long.push(leaf.clone());
				assert_eq!(
					verify_proof(&root, n, i, &leaf, &long),
					Err(ProofError::WrongShape),
					"extra steps"
				);
				offset += leaf.sum;
			}
			assert_eq!(tree.leaf_at(offset), None, "past the total");
			assert!(tree.proof(n).is_none());
		}
	}

	#[test]
	fn inflated_bytes_do_not_prove() {
		let receipts = signed_receipts(4);
		let tree = SumTree::new(&receipts).unwrap();
		let proof = tree.proof(2).unwrap();
		let mut inflated = receipts[2].clone();
		inflated.receipt.bytes = 1_000_000;
		assert!(verify_proof(&tree.root(), 4, 2, &SumNode::leaf(&inflated), &proof).is_err());
		// A leaf whose sum lies about its receipt's bytes changes the root.
		let mut lying = SumNode::leaf(&receipts[2]);
		lying.sum += 1;
		assert!(verify_proof(&tree.root(), 4, 2, &lying, &proof).is_err());
	}

	#[test]
	fn leaves_must_strictly_increase() {
		let mut receipts = signed_receipts(3);
		receipts.swap(0, 1);
		assert_eq!(SumTree::new(&receipts), Err(TreeError::NotStrictlyIncreasing));
		let mut receipts = signed_receipts(3);
		receipts[1] = receipts[0].clone();
		assert_eq!(SumTree::new(&receipts), Err(TreeError::NotStrictlyIncreasing));
	}

	#[test]
	fn sums_that_overflow_are_refused() {
		let mut low = SumNode::leaf(&receipt(1, 1).sign(&client(), &genesis()));
		let mut high = SumNode::leaf(&receipt(2, 1).sign(&client(), &genesis()));
		low.sum = u128::MAX;
		high.sum = u128::MAX;
		assert_eq!(SumTree::from_leaves(vec![low, high]), Err(TreeError::Overflow));
	}

	#[test]
	fn a_tree_that_repeats_receipts_cannot_prove_them() {
		// The attack: [A, Z, A, Z, A] with A a real receipt and Z anything sorting above it. A
		// plain tree (or one that checks only neighbours) proves every copy of A.
		let a = SumNode::leaf(&receipt(1, 1_000).sign(&client(), &genesis()));
		let z = SumNode::leaf(&receipt(9, 0).sign(&client(), &genesis()));
		assert!(SumTree::from_leaves(vec![a.clone(), z.clone(), a.clone()]).is_err());
		// Built with `join`, which does not check the order, the tree exists but no copy of A
		// proves: each lies beneath a node out of order.
		let leaves = [a.clone(), z.clone(), a.clone(), z.clone(), a.clone()];
		let mut levels = vec![leaves.to_vec()];
		while levels.last().unwrap().len() > 1 {
			let below = levels.last().unwrap();
			let above = below
				.chunks(2)
				.map(|pair| match pair {
					[l, r] => SumNode::join(l, r).unwrap(),
					[single] => single.clone(),
					_ => unreachable!(),
				})
				.collect();
			levels.push(above);
		}
		let root = levels.last().unwrap()[0].clone();
		assert_eq!(root.sum, 3_000, "the claim");
		for index in [0u32, 2, 4] {
			let mut i = index as usize;
			let mut proof = Vec::new();
			for level in &levels[..levels.len() - 1] {
				if let Some(sibling) = level.get(i ^ 1) {
					proof.push(sibling.clone());
				}
				i /= 2;
			}
			assert_eq!(
				verify_proof(&root, 5, index, &a, &proof),
				Err(ProofError::OutOfOrder),
				"copy at {index}"
			);
		}
		// A sibling claiming keys out of order (min > max) is refused too.
		let mut liar = z.clone();
		liar.min = a.max.clone();
		liar.max = a.min.clone();
		liar.min.try_push(0xff).unwrap();
		let root = SumNode::join(&a, &liar).unwrap();
		assert_eq!(verify_proof(&root, 2, 0, &a, &[liar]), Err(ProofError::OutOfOrder));
	}
}

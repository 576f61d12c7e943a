//! # Proof-of-Traffic receipts
//!
//! The types that the runtime (the Proof-of-Traffic pallet) and the data plane (the serving
//! node, the DApp SDK) share, so that there is exactly one definition of what a client signs
//! and how a peer commits to its receipts.
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
//!   *byte* of the total; the peer reveals the receipt that covers it and the next one, each
//!   with its proof ([`SumTree::proof`], [`verify_proof`]). Bytes claimed without a receipt
//!   behind them, duplicated receipts and out-of-order leaves are each caught with the
//!   probability of the share of the total they make up, per audited byte.
#![cfg_attr(not(feature = "std"), no_std)]
#![warn(missing_docs)]

extern crate alloc;

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_core::{sr25519, H256};
use sp_runtime::traits::{BlakeTwo256, Hash as _, Verify};

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

/// A node of a Merkle sum tree: a hash and the bytes of all receipts beneath it.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Default,
	Debug,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct SumNode {
	/// The node's hash.
	pub hash: H256,
	/// Bytes beneath it.
	pub sum: u128,
}

impl SumNode {
	/// The leaf of a signed receipt: its hash (domain-separated from inner nodes) and its bytes.
	pub fn leaf<AccountId: Encode>(signed: &SignedReceipt<AccountId>) -> Self {
		let hash = BlakeTwo256::hash_of(&(b'L', signed));
		SumNode { hash, sum: u128::from(signed.receipt.bytes) }
	}

	/// The parent of `left` and `right`; `None` if the sum overflows.
	pub fn parent(left: &SumNode, right: &SumNode) -> Option<Self> {
		let sum = left.sum.checked_add(right.sum)?;
		let hash = BlakeTwo256::hash_of(&(b'N', left, right));
		Some(SumNode { hash, sum })
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
					[left, right] => SumNode::parent(left, right).ok_or(TreeError::Overflow)?,
					[single] => *single,
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
		self.levels.last().and_then(|level| level.first()).copied().unwrap_or_default()
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
				proof.push(*sibling);
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

/// Check that `leaf` is leaf `index` of a tree of `leaf_count` leaves with root `root`, by
/// `proof`. Returns the bytes before the leaf (its offset within the total), or `None` if the
/// proof does not check.
///
/// The root does not commit to `leaf_count` by itself (the leftmost leaves of trees of
/// different sizes can have the same path): the verifier takes the count from the same report
/// as the root, and an audit of the last leaf, which must have no successor, and of any byte
/// beyond it, holds the peer to the count it reported.
pub fn verify_proof(
	root: &SumNode,
	leaf_count: u32,
	index: u32,
	leaf: &SumNode,
	proof: &[SumNode],
) -> Option<u128> {
	if index >= leaf_count {
		return None;
	}
	let (mut i, mut width) = (index, leaf_count);
	let mut node = *leaf;
	let mut offset = 0u128;
	let mut siblings = proof.iter();
	while width > 1 {
		let has_sibling = (i ^ 1) < width;
		if has_sibling {
			let sibling = siblings.next()?;
			node = if i % 2 == 0 {
				SumNode::parent(&node, sibling)?
			} else {
				offset = offset.checked_add(sibling.sum)?;
				SumNode::parent(sibling, &node)?
			};
		}
		i /= 2;
		width = width.div_ceil(2);
	}
	(siblings.next().is_none() && node == *root).then_some(offset)
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

/// The prefix of the keys under which a serving node keeps its receipts in its off-chain
/// (persistent) storage.
pub const OFFCHAIN_RECEIPTS_PREFIX: &[u8] = b"spacebook/traffic/receipts/";

/// The off-chain storage key of `peer`'s receipts of `period`: the node's RPC writes there
/// (`traffic_submitReceipt`), the off-chain worker reads there to report.
pub fn offchain_receipts_key<AccountId: Encode>(peer: &AccountId, period: u32) -> Vec<u8> {
	(OFFCHAIN_RECEIPTS_PREFIX, peer, period).encode()
}

/// Put `signed` into `list`, which is sorted by strictly increasing stream key: a receipt of a
/// new stream is inserted in order; one of a known stream replaces the stored receipt if it
/// supersedes it. Returns whether `list` changed.
pub fn merge_receipt<AccountId: Encode + PartialEq>(
	list: &mut Vec<SignedReceipt<AccountId>>,
	signed: SignedReceipt<AccountId>,
) -> bool {
	let key = signed.receipt.stream_key();
	match list.binary_search_by(|r| r.receipt.stream_key().cmp(&key)) {
		Ok(at) if signed.receipt.supersedes(&list[at].receipt) => {
			list[at] = signed;
			true
		}
		Ok(_) => false,
		Err(at) => {
			list.insert(at, signed);
			true
		}
	}
}

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
	fn merging_keeps_one_receipt_per_stream_in_order() {
		let mut list = Vec::new();
		assert!(merge_receipt(&mut list, receipt(3, 100).sign(&client(), &genesis())));
		assert!(merge_receipt(&mut list, receipt(1, 100).sign(&client(), &genesis())));
		assert!(merge_receipt(&mut list, receipt(1, 300).sign(&client(), &genesis())));
		assert!(!merge_receipt(&mut list, receipt(1, 200).sign(&client(), &genesis())), "older");
		assert!(!merge_receipt(&mut list, receipt(3, 100).sign(&client(), &genesis())), "same");
		let bytes: Vec<u64> = list.iter().map(|r| r.receipt.bytes).collect();
		assert_eq!(bytes, vec![300, 100]);
		assert!(SumTree::new(&list).is_ok(), "strictly increasing stream keys");
		assert_ne!(offchain_receipts_key(&1u64, 5), offchain_receipts_key(&1u64, 6));
		assert!(offchain_receipts_key(&1u64, 5).starts_with(&OFFCHAIN_RECEIPTS_PREFIX.encode()));
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
				assert_eq!(verify_proof(&root, n, i, &leaf, &proof), Some(offset), "{i} of {n}");
				assert_eq!(tree.leaf_at(offset), Some(i));
				assert_eq!(tree.leaf_at(offset + leaf.sum - 1), Some(i));
				if n > 1 {
					let j = (i + 1) % n;
					assert_eq!(verify_proof(&root, n, j, &leaf, &proof), None, "wrong index");
					let other = SumNode::leaf(&receipts[j as usize]);
					assert_eq!(verify_proof(&root, n, i, &other, &proof), None, "wrong leaf");
				}
				let mut long = proof.clone();
				long.push(leaf);
				assert_eq!(verify_proof(&root, n, i, &leaf, &long), None, "extra steps");
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
		assert_eq!(verify_proof(&tree.root(), 4, 2, &SumNode::leaf(&inflated), &proof), None);
		// A leaf whose sum lies about its receipt's bytes changes the root.
		let mut lying = SumNode::leaf(&receipts[2]);
		lying.sum += 1;
		assert_eq!(verify_proof(&tree.root(), 4, 2, &lying, &proof), None);
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
		let huge = SumNode { hash: H256::zero(), sum: u128::MAX };
		assert_eq!(SumTree::from_leaves(vec![huge, huge]), Err(TreeError::Overflow));
	}
}

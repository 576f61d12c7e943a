//! Where a serving peer keeps its receipts until it reports them: the node's off-chain storage,
//! written by the node (`traffic_submitReceipt`, the data plane's ledger) and read by
//! `pallet-traffic`'s off-chain worker. One layout, here, for both.
//!
//! Per serving peer and ledgering period:
//!
//! - each **stream** (`stream_key`) has its latest receipt under a key of its own, so that the
//!   usual write, a stream's receipt growing, reads and writes one receipt;
//! - an **index** of the streams, in chunks of [`INDEX_CHUNK`] stream keys, and its length:
//!   a new stream appends its key to the last chunk;
//! - per client key, how many streams it has, at most [`MAX_STREAMS_PER_KEY_PERIOD`].
//!
//! A write is thus `O(1)` (plus one chunk of at most 256 keys for a new stream), where one list
//! per period re-encoded on every receipt was quadratic in the period's streams (issue 14,
//! finding 4). Writers may race (the node's RPC, the data plane, the worker forgetting): every
//! update is a compare-and-set, retried. A new stream's key goes into the index before its
//! receipt is written, so a crash between the two leaves an index entry without a receipt
//! (skipped on reading), never a receipt the worker cannot find; two writers of one new stream
//! may index it twice, and readers keep each stream once.

use crate::{SignedReceipt, MAX_STREAMS_PER_KEY_PERIOD};
use alloc::vec::Vec;
use codec::{Decode, Encode};

/// Stream keys per index chunk.
pub const INDEX_CHUNK: u32 = 256;
/// The prefix of every key of the layout.
pub const RECEIPT_STORE_PREFIX: &[u8] = b"spacebook/traffic/receipts/";
/// How often a compare-and-set is retried before a write gives up.
const ATTEMPTS: usize = 16;

/// The persistent off-chain key-value storage the layout lives in.
pub trait OffchainKv {
	/// The value at `key`.
	fn get(&self, key: &[u8]) -> Option<Vec<u8>>;
	/// Set `key` to `new` if it holds `old` (`None`: absent); whether it did.
	fn compare_and_set(&mut self, key: &[u8], old: Option<&[u8]>, new: &[u8]) -> bool;
	/// Remove `key`.
	fn clear(&mut self, key: &[u8]);
}

/// Why a receipt was not kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeepError {
	/// Its client key has [`MAX_STREAMS_PER_KEY_PERIOD`] streams with the peer in the period.
	TooManyStreams,
	/// Other writers kept winning the races.
	Busy,
}

fn count_key<AccountId: Encode>(peer: &AccountId, period: u32) -> Vec<u8> {
	(RECEIPT_STORE_PREFIX, b'n', peer, period).encode()
}

fn chunk_key<AccountId: Encode>(peer: &AccountId, period: u32, chunk: u32) -> Vec<u8> {
	(RECEIPT_STORE_PREFIX, b'i', peer, period, chunk).encode()
}

fn stream_key<AccountId: Encode>(peer: &AccountId, period: u32, stream: &[u8]) -> Vec<u8> {
	(RECEIPT_STORE_PREFIX, b's', peer, period, stream).encode()
}

fn key_streams_key<AccountId: Encode>(
	peer: &AccountId,
	period: u32,
	client_key: &crate::ClientKey,
) -> Vec<u8> {
	(RECEIPT_STORE_PREFIX, b'k', peer, period, client_key).encode()
}

fn get_u32(kv: &impl OffchainKv, key: &[u8]) -> (Option<Vec<u8>>, u32) {
	let raw = kv.get(key);
	let value = raw.as_deref().and_then(|mut r| u32::decode(&mut r).ok()).unwrap_or(0);
	(raw, value)
}

/// Add one to the counter at `key` if it is below `limit`; its value before, or `None` at the
/// limit.
fn increment(kv: &mut impl OffchainKv, key: &[u8], limit: u32) -> Result<Option<u32>, KeepError> {
	for _ in 0..ATTEMPTS {
		let (raw, value) = get_u32(kv, key);
		if value >= limit {
			return Ok(None);
		}
		if kv.compare_and_set(key, raw.as_deref(), &(value + 1).encode()) {
			return Ok(Some(value));
		}
	}
	Err(KeepError::Busy)
}

/// Keep `signed` (already verified) as the receipt of its stream with its server in its
/// period, unless the one kept has as many bytes. Returns whether it changed what is kept.
pub fn keep<AccountId: Encode + Decode + PartialEq>(
	kv: &mut impl OffchainKv,
	signed: &SignedReceipt<AccountId>,
) -> Result<bool, KeepError> {
	let r = &signed.receipt;
	let stream = r.stream_key();
	let at = stream_key(&r.server, r.period, &stream);
	let encoded = signed.encode();
	let mut indexed = false;
	for _ in 0..ATTEMPTS {
		let raw = kv.get(&at);
		let kept = raw.as_deref().and_then(|mut b| SignedReceipt::<AccountId>::decode(&mut b).ok());
		match kept {
			Some(kept) if !r.supersedes(&kept.receipt) => return Ok(false),
			Some(_) => {}
			None if !indexed => {
				// A new stream: counted against its key, then indexed, then written.
				let per_key = key_streams_key(&r.server, r.period, &r.client_key);
				if increment(kv, &per_key, MAX_STREAMS_PER_KEY_PERIOD as u32)?.is_none() {
					return Err(KeepError::TooManyStreams);
				}
				let slot = increment(kv, &count_key(&r.server, r.period), u32::MAX)?
					.ok_or(KeepError::Busy)?;
				append_to_chunk(kv, &chunk_key(&r.server, r.period, slot / INDEX_CHUNK), &stream)?;
				indexed = true;
			}
			None => {}
		}
		if kv.compare_and_set(&at, raw.as_deref(), &encoded) {
			return Ok(true);
		}
	}
	Err(KeepError::Busy)
}

fn append_to_chunk(kv: &mut impl OffchainKv, key: &[u8], stream: &[u8]) -> Result<(), KeepError> {
	for _ in 0..ATTEMPTS {
		let raw = kv.get(key);
		let mut chunk: Vec<Vec<u8>> =
			raw.as_deref().and_then(|mut b| Decode::decode(&mut b).ok()).unwrap_or_default();
		chunk.push(stream.to_vec());
		if kv.compare_and_set(key, raw.as_deref(), &chunk.encode()) {
			return Ok(());
		}
	}
	Err(KeepError::Busy)
}

/// The stream keys indexed for `peer` and `period` (each once, in index order).
fn indexed<AccountId: Encode>(kv: &impl OffchainKv, peer: &AccountId, period: u32) -> Vec<Vec<u8>> {
	let (_, count) = get_u32(kv, &count_key(peer, period));
	let mut streams = Vec::new();
	for chunk in 0..count.div_ceil(INDEX_CHUNK) {
		let raw = kv.get(&chunk_key(peer, period, chunk));
		let keys: Vec<Vec<u8>> =
			raw.as_deref().and_then(|mut b| Decode::decode(&mut b).ok()).unwrap_or_default();
		streams.extend(keys);
	}
	streams.sort();
	streams.dedup();
	streams
}

/// The receipts kept for `peer` and `period`, one per stream, sorted by stream key.
pub fn stored<AccountId: Encode + Decode>(
	kv: &impl OffchainKv,
	peer: &AccountId,
	period: u32,
) -> Vec<SignedReceipt<AccountId>> {
	indexed(kv, peer, period)
		.iter()
		.filter_map(|stream| kv.get(&stream_key(peer, period, stream)))
		.filter_map(|raw| SignedReceipt::<AccountId>::decode(&mut &raw[..]).ok())
		.collect()
}

/// Remove everything kept for `peer` and `period`.
pub fn forget<AccountId: Encode + Decode>(kv: &mut impl OffchainKv, peer: &AccountId, period: u32) {
	let streams = indexed(kv, peer, period);
	let (_, count) = get_u32(kv, &count_key(peer, period));
	for stream in &streams {
		let at = stream_key(peer, period, stream);
		if let Some(raw) = kv.get(&at) {
			if let Ok(signed) = SignedReceipt::<AccountId>::decode(&mut &raw[..]) {
				kv.clear(&key_streams_key(peer, period, &signed.receipt.client_key));
			}
		}
		kv.clear(&at);
	}
	for chunk in 0..count.div_ceil(INDEX_CHUNK) {
		kv.clear(&chunk_key(peer, period, chunk));
	}
	kv.clear(&count_key(peer, period));
}

/// An in-memory [`OffchainKv`] for the crate's tests.
#[cfg(test)]
pub(crate) mod memory {
	use super::OffchainKv;
	use alloc::{collections::BTreeMap, vec::Vec};

	/// Keys and values in a map.
	#[derive(Default)]
	pub(crate) struct Memory(pub(crate) BTreeMap<Vec<u8>, Vec<u8>>);

	impl OffchainKv for Memory {
		fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
			self.0.get(key).cloned()
		}
		fn compare_and_set(&mut self, key: &[u8], old: Option<&[u8]>, new: &[u8]) -> bool {
			if self.0.get(key).map(Vec::as_slice) != old {
				return false;
			}
			self.0.insert(key.to_vec(), new.to_vec());
			true
		}
		fn clear(&mut self, key: &[u8]) {
			self.0.remove(key);
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::Receipt;
	use memory::Memory;
	use sp_core::{sr25519, Pair, H256};

	fn signed(client: &str, session: u16, period: u32, bytes: u64) -> SignedReceipt<u64> {
		let pair = sr25519::Pair::from_string(client, None).unwrap();
		let mut id = [0u8; 16];
		id[..2].copy_from_slice(&session.to_be_bytes());
		Receipt { period, session: id, server: 1, dapp: 2, client_key: pair.public(), bytes }
			.sign(&pair, &H256::zero())
	}

	#[test]
	fn streams_keep_their_latest_receipt_and_read_back_in_order() {
		let mut kv = Memory::default();
		assert_eq!(keep(&mut kv, &signed("//a", 2, 5, 100)), Ok(true));
		assert_eq!(keep(&mut kv, &signed("//a", 1, 5, 50)), Ok(true));
		assert_eq!(keep(&mut kv, &signed("//a", 2, 5, 300)), Ok(true));
		assert_eq!(keep(&mut kv, &signed("//a", 2, 5, 200)), Ok(false), "superseded");
		assert_eq!(keep(&mut kv, &signed("//a", 2, 6, 7)), Ok(true), "another period");
		let kept: Vec<u64> = stored(&kv, &1u64, 5).iter().map(|r| r.receipt.bytes).collect();
		assert_eq!(kept, vec![50, 300], "stream-key order, the latest of each");
		assert_eq!(stored::<u64>(&kv, &1u64, 6).len(), 1);
		assert!(stored::<u64>(&kv, &9u64, 5).is_empty(), "another peer");
		forget::<u64>(&mut kv, &1u64, 5);
		assert!(stored::<u64>(&kv, &1u64, 5).is_empty());
		assert_eq!(stored::<u64>(&kv, &1u64, 6).len(), 1, "other periods stay");
		// Forgotten, a period starts afresh (its per-key counts too).
		assert_eq!(keep(&mut kv, &signed("//a", 2, 5, 10)), Ok(true));
	}

	#[test]
	fn a_write_costs_the_same_however_many_streams_a_period_has() {
		let mut kv = Memory::default();
		let clients: Vec<String> = (0..5).map(|i| alloc::format!("//c{i}")).collect();
		for (i, client) in clients.iter().enumerate() {
			for session in 0..200u16 {
				keep(&mut kv, &signed(client, session, 5, 1 + i as u64)).unwrap();
			}
		}
		// Index chunks hold at most INDEX_CHUNK keys; a stream's receipt is stored alone.
		let largest = kv.0.values().map(Vec::len).max().unwrap();
		assert!(largest <= INDEX_CHUNK as usize * 120, "{largest} bytes");
		assert_eq!(stored::<u64>(&kv, &1u64, 5).len(), 1000);
		let one = signed("//c0", 0, 5, 99);
		let receipt_len = one.encode().len();
		let before = kv.0.clone();
		keep(&mut kv, &one).unwrap();
		let rewritten: usize =
			kv.0.iter().filter(|(k, v)| before.get(*k) != Some(*v)).map(|(_, v)| v.len()).sum();
		assert_eq!(rewritten, receipt_len, "a growing stream rewrites its receipt only");
	}

	#[test]
	fn a_client_key_keeps_at_most_its_streams_and_an_index_entry_without_a_receipt_is_skipped() {
		let mut kv = Memory::default();
		for session in 0..MAX_STREAMS_PER_KEY_PERIOD as u16 {
			assert_eq!(keep(&mut kv, &signed("//a", session, 5, 1)), Ok(true));
		}
		let extra = MAX_STREAMS_PER_KEY_PERIOD as u16;
		assert_eq!(keep(&mut kv, &signed("//a", extra, 5, 1)), Err(KeepError::TooManyStreams));
		assert_eq!(keep(&mut kv, &signed("//a", 0, 5, 2)), Ok(true), "known streams grow");
		assert_eq!(keep(&mut kv, &signed("//b", extra, 5, 1)), Ok(true), "another key");
		// A crash between indexing a stream and writing its receipt.
		let lost = signed("//b", 9_999, 5, 1);
		let at = stream_key(&1u64, 5, &lost.receipt.stream_key());
		keep(&mut kv, &lost).unwrap();
		kv.clear(&at);
		assert_eq!(stored::<u64>(&kv, &1u64, 5).len(), MAX_STREAMS_PER_KEY_PERIOD + 1);
	}
}

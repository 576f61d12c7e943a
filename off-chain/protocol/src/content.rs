//! Content addressing: files cut into fixed-size slices, each slice hashed with BLAKE3, and the
//! file's **hash index** the root of a binary Merkle tree over the slice hashes.
//!
//! A downloader fetches a file's slice hashes once (32 bytes a slice), checks them against the
//! hash index it asked for, and then checks every slice it receives, from whichever peer, on
//! its own. BLAKE3 rather than blake2: it hashes several times faster on one core, and the
//! data plane hashes every byte it stores and every byte a client downloads (docs/dataplane.md).

use serde::{Deserialize, Serialize};
use std::{fmt, str::FromStr};

/// The size of a slice: every slice of a file but the last has exactly this many bytes.
pub const SLICE_SIZE: u64 = 1 << 20;

/// Domain tags, so that a slice can never be passed off as an inner node or the other way round.
const SLICE_TAG: u8 = 0;
const NODE_TAG: u8 = 1;

/// A 32-byte BLAKE3 digest: of a slice, of an inner node, or a file's hash index.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Digest(pub [u8; 32]);

/// The hash index of a file: the Merkle root over its slice hashes; its content address.
pub type HashIndex = Digest;

impl fmt::Display for Digest {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		f.write_str(&hex::encode(self.0))
	}
}

impl fmt::Debug for Digest {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		write!(f, "Digest({self})")
	}
}

/// Why a string is not a hash index.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("a hash index is 64 hexadecimal digits")]
pub struct BadDigest;

impl FromStr for Digest {
	type Err = BadDigest;
	fn from_str(s: &str) -> Result<Self, BadDigest> {
		let s = s.strip_prefix("0x").unwrap_or(s);
		let mut out = [0u8; 32];
		hex::decode_to_slice(s, &mut out).map_err(|_| BadDigest)?;
		Ok(Digest(out))
	}
}

impl Serialize for Digest {
	fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
		s.serialize_str(&self.to_string())
	}
}

impl<'de> Deserialize<'de> for Digest {
	fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
		let s = String::deserialize(d)?;
		s.parse().map_err(serde::de::Error::custom)
	}
}

/// The hash of one slice's bytes.
pub fn slice_hash(data: &[u8]) -> Digest {
	let mut hasher = blake3::Hasher::new();
	hasher.update(&[SLICE_TAG]);
	hasher.update(data);
	Digest(*hasher.finalize().as_bytes())
}

fn node_hash(left: &Digest, right: &Digest) -> Digest {
	let mut hasher = blake3::Hasher::new();
	hasher.update(&[NODE_TAG]);
	hasher.update(&left.0);
	hasher.update(&right.0);
	Digest(*hasher.finalize().as_bytes())
}

/// The hash index over `slices` in order: pairs are hashed level by level; an odd last node
/// moves up unchanged. `None` for no slices (an empty file has no hash index).
pub fn hash_index(slices: &[Digest]) -> Option<HashIndex> {
	let mut level = slices.to_vec();
	if level.is_empty() {
		return None;
	}
	while level.len() > 1 {
		level = level
			.chunks(2)
			.map(|pair| match pair {
				[left, right] => node_hash(left, right),
				[single] => *single,
				_ => unreachable!("chunks(2) yields one or two"),
			})
			.collect();
	}
	Some(level[0])
}

/// How many slices a file of `length` bytes has.
pub fn slice_count(length: u64) -> u64 {
	length.div_ceil(SLICE_SIZE)
}

/// The byte range `[start, end)` of slice `index` in a file of `length` bytes.
pub fn slice_range(index: u64, length: u64) -> (u64, u64) {
	let start = index.saturating_mul(SLICE_SIZE).min(length);
	(start, start.saturating_add(SLICE_SIZE).min(length))
}

/// What a serving peer and a downloader know of a file (the whitepaper's `STFileInfo`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileInfo {
	/// The address (name) it was added under, e.g. `videos/intro.mp4`.
	pub address: String,
	/// Its hash index.
	pub hash_index: HashIndex,
	/// Its length in bytes.
	pub length: u64,
	/// How many slices it has.
	pub slice_count: u64,
	/// The size of its slices.
	pub slice_size: u64,
}

/// Why a list of slice hashes does not belong to a file.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SliceListError {
	/// The list is not a whole number of 32-byte hashes, or not one per slice.
	#[error("expected {expected} slice hashes, got {got} bytes")]
	WrongLength {
		/// Hashes expected.
		expected: u64,
		/// Bytes received.
		got: usize,
	},
	/// The hashes do not add up to the hash index.
	#[error("the slice hashes do not add up to hash index {0}")]
	RootMismatch(HashIndex),
	/// The file info is not one of this data plane's (another slice size).
	#[error("slice size {0} is not this data plane's {SLICE_SIZE}")]
	SliceSize(u64),
}

/// Decode `raw` (concatenated 32-byte hashes) as the slice hashes of `info`, checking that they
/// are one per slice and add up to its hash index.
pub fn verify_slice_list(info: &FileInfo, raw: &[u8]) -> Result<Vec<Digest>, SliceListError> {
	if info.slice_size != SLICE_SIZE {
		return Err(SliceListError::SliceSize(info.slice_size));
	}
	let expected = slice_count(info.length);
	if info.slice_count != expected || raw.len() as u64 != expected.saturating_mul(32) {
		return Err(SliceListError::WrongLength { expected, got: raw.len() });
	}
	let hashes: Vec<Digest> =
		raw.chunks_exact(32).map(|c| Digest(c.try_into().expect("chunks_exact(32)"))).collect();
	if hash_index(&hashes) != Some(info.hash_index) {
		return Err(SliceListError::RootMismatch(info.hash_index));
	}
	Ok(hashes)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn hash_index_is_a_merkle_root_with_odd_nodes_promoted() {
		let s: Vec<Digest> = (0u8..3).map(|i| slice_hash(&[i])).collect();
		assert_eq!(hash_index(&[]), None);
		assert_eq!(hash_index(&s[..1]), Some(s[0]));
		assert_eq!(hash_index(&s), Some(node_hash(&node_hash(&s[0], &s[1]), &s[2])));
		// Order matters, and a slice is never an inner node.
		assert_ne!(hash_index(&[s[1], s[0]]), hash_index(&s[..2]));
		assert_ne!(slice_hash(&[]), Digest::default());
	}

	#[test]
	fn slices_cover_the_file_exactly() {
		assert_eq!(slice_count(0), 0);
		assert_eq!(slice_count(1), 1);
		assert_eq!(slice_count(SLICE_SIZE), 1);
		assert_eq!(slice_count(SLICE_SIZE + 1), 2);
		assert_eq!(slice_range(1, SLICE_SIZE + 5), (SLICE_SIZE, SLICE_SIZE + 5));
		assert_eq!(slice_range(0, 7), (0, 7));
	}

	#[test]
	fn hash_index_text_round_trips_and_rejects_garbage() {
		let d = slice_hash(b"x");
		assert_eq!(d.to_string().parse::<Digest>(), Ok(d));
		assert_eq!(format!("0x{d}").parse::<Digest>(), Ok(d));
		assert_eq!("abc".parse::<Digest>(), Err(BadDigest));
		assert_eq!(serde_json::from_str::<Digest>(&serde_json::to_string(&d).unwrap()).unwrap(), d);
	}

	#[test]
	fn slice_lists_are_checked_against_the_hash_index() {
		let hashes: Vec<Digest> = (0u8..3).map(|i| slice_hash(&[i])).collect();
		let raw: Vec<u8> = hashes.iter().flat_map(|h| h.0).collect();
		let info = FileInfo {
			address: "a".into(),
			hash_index: hash_index(&hashes).unwrap(),
			length: 2 * SLICE_SIZE + 1,
			slice_count: 3,
			slice_size: SLICE_SIZE,
		};
		assert_eq!(verify_slice_list(&info, &raw), Ok(hashes.clone()));
		assert!(matches!(
			verify_slice_list(&info, &raw[..64]),
			Err(SliceListError::WrongLength { expected: 3, got: 64 })
		));
		let mut swapped = raw.clone();
		swapped[..32].copy_from_slice(&hashes[1].0);
		assert_eq!(
			verify_slice_list(&info, &swapped),
			Err(SliceListError::RootMismatch(info.hash_index))
		);
		let other = FileInfo { slice_size: 4096, ..info };
		assert_eq!(verify_slice_list(&other, &raw), Err(SliceListError::SliceSize(4096)));
	}
}

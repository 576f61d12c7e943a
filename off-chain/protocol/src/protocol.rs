//! The data plane's HTTP protocol, shared by the serving peer and the DApp SDK.
//!
//! | Request | Session | Answer |
//! |---|---|---|
//! | `GET /v1/status` | – | [`Status`] (JSON) |
//! | `POST /v1/sessions`, body: opening receipt (SCALE) | – | [`Opened`] (JSON) |
//! | `POST /v1/receipts`, body: receipt (SCALE) | – | [`ReceiptTaken`] (JSON) |
//! | `GET /v1/names/<address, percent-encoded>` | – | hash indices (JSON list) |
//! | `GET /v1/files/<hash index>` | – | [`FileInfo`](crate::content::FileInfo) (JSON) |
//! | `GET /v1/files/<hash index>/slices` | – | the slice hashes, 32 bytes each |
//! | `GET /v1/files/<hash index>/data`, optional `Range: bytes=a-b` | yes | the bytes (200 / 206) |
//! | `POST /v1/files?address=<percent-encoded>`, body: the file | yes | its `FileInfo` (201) |
//! | `CONNECT host:port` (professional peers that relay) | yes | 200, then a raw tunnel |
//! | `GET /v1/replicas/<hash index>`, [`REPLICA_HEADER`], optional `Range` | – | the bytes, to a peer placed to store the file |
//! | `POST /v1/tasks`, body: a compute task (SCALE, `spacebook_compute::Task`) | yes | its answer (SCALE), with [`TASK_COST_HEADER`] and [`PERIOD_HEADER`] |
//!
//! A request that needs a session names it in the [`SESSION_HEADER`] (32 hex digits). Data
//! responses carry the peer's current ledgering period in the [`PERIOD_HEADER`]: the client
//! counts the bytes it receives towards that period's receipt. Errors are JSON
//! `{"error": "<message>"}` with a 4xx or 5xx status: 401 for an unknown session, 402 when the
//! credit window is used up, 403 for a client key its DApp did not authorize, 404, 413, 416,
//! 503 when the peer runs as many compute tasks as it takes at once.
//!
//! **Compute tasks.** A task's cost (`Task::cost`) is counted as served bytes of the session,
//! whole, before it runs: it must fit in the credit window (else 413), and waits for receipts
//! like a transfer; the client counts it in its next receipt for the period in
//! [`PERIOD_HEADER`]. A task that fails after its grant gives it back.
//!
//! **Replicas.** A professional peer placed by a storage order to store a file fetches it from
//! the peers that hold it (`pallet-scheduling`'s holders) with a [`SignedReplicaRequest`] in the
//! [`REPLICA_HEADER`]: signed by its peer key (`spbp`), for the serving peer, the file and the
//! chain, within [`REPLICA_REQUEST_VALIDITY`] seconds of its time. The serving peer checks the
//! signature and that the chain places the key's peer on the file; no receipt is signed for
//! these bytes (the order's holding fees pay for storing, not the traffic of copying).

use crate::content::HashIndex;
use codec::{Decode, Encode};
use serde::{Deserialize, Serialize};
use sp_core::{crypto::AccountId32, sr25519, Pair as _, H256};
use spacebook_receipts::SessionId;

/// The header naming the session of a request.
pub const SESSION_HEADER: &str = "x-spacebook-session";
/// The header carrying the serving peer's current ledgering period.
pub const PERIOD_HEADER: &str = "x-spacebook-period";
/// The header of a compute task's answer carrying the task's cost in traffic-equivalent
/// bytes, which the client counts towards its receipt like bytes received.
pub const TASK_COST_HEADER: &str = "x-spacebook-task-cost";
/// The version prefix of every path.
pub const PREFIX: &str = "/v1";
/// The header carrying a replica request (SCALE, hex).
pub const REPLICA_HEADER: &str = "x-spacebook-replica";
/// Seconds a replica request stays valid either side of its time: the peers' clocks may differ
/// by that much, and a request overheard on the wire can be replayed that long (for a file its
/// peer was placed to store, to the same serving peer).
pub const REPLICA_REQUEST_VALIDITY: u64 = 300;
/// The context a replica request is signed in.
const REPLICA_CONTEXT: &[u8] = b"spacebook/replica-request";

/// A placed peer's request for a copy of a file (see the module's documentation).
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct ReplicaRequest {
	/// The chain's genesis hash.
	pub genesis_hash: H256,
	/// The serving peer asked (its account): a request is good for that peer only.
	pub server: AccountId32,
	/// The file.
	pub hash_index: [u8; 32],
	/// The requesting peer's key (`spbp`), registered to the placed peer.
	pub peer_key: sr25519::Public,
	/// When it was made, in seconds since the Unix epoch.
	pub issued_at: u64,
}

/// A replica request and its peer key's signature.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct SignedReplicaRequest {
	/// The request.
	pub request: ReplicaRequest,
	/// Its signature by `request.peer_key` over [`ReplicaRequest::payload`].
	pub signature: sr25519::Signature,
}

/// Why a replica request is refused before the chain is asked.
#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
pub enum ReplicaRequestError {
	/// Not hex of a SCALE-encoded signed request.
	#[error("the replica request is not a hex SCALE-encoded signed request")]
	Malformed,
	/// For another chain, peer or file.
	#[error("the replica request is for another chain, peer or file")]
	WrongTarget,
	/// Too old, or from the future.
	#[error("the replica request was made {0} s away from this peer's time, above {REPLICA_REQUEST_VALIDITY} s")]
	Stale(u64),
	/// The signature does not verify.
	#[error("the replica request's signature does not verify")]
	BadSignature,
}

impl ReplicaRequest {
	/// The bytes its peer key signs.
	pub fn payload(&self) -> Vec<u8> {
		(REPLICA_CONTEXT, self).encode()
	}

	/// The header value of this request signed with `signature`.
	pub fn to_header(&self, signature: sr25519::Signature) -> String {
		hex::encode(SignedReplicaRequest { request: self.clone(), signature }.encode())
	}
}

impl SignedReplicaRequest {
	/// Decode a header value and check it asks `server` for `hash_index` on the chain of
	/// `genesis_hash` at about `now` (Unix seconds), signed by its key.
	pub fn check(
		header: &str,
		genesis_hash: &H256,
		server: &AccountId32,
		hash_index: &HashIndex,
		now: u64,
	) -> Result<SignedReplicaRequest, ReplicaRequestError> {
		// A request is a couple of hundred bytes: anything much longer is not one.
		if header.len() > 1024 {
			return Err(ReplicaRequestError::Malformed);
		}
		let raw = hex::decode(header.trim()).map_err(|_| ReplicaRequestError::Malformed)?;
		let mut input = &raw[..];
		let signed = SignedReplicaRequest::decode(&mut input)
			.ok()
			.filter(|_| input.is_empty())
			.ok_or(ReplicaRequestError::Malformed)?;
		let request = &signed.request;
		if request.genesis_hash != *genesis_hash
			|| request.server != *server
			|| request.hash_index != hash_index.0
		{
			return Err(ReplicaRequestError::WrongTarget);
		}
		let skew = now.abs_diff(request.issued_at);
		if skew > REPLICA_REQUEST_VALIDITY {
			return Err(ReplicaRequestError::Stale(skew));
		}
		if !sr25519::Pair::verify(&signed.signature, request.payload(), &request.peer_key) {
			return Err(ReplicaRequestError::BadSignature);
		}
		Ok(signed)
	}
}

/// Seconds since the Unix epoch now.
pub fn unix_now() -> u64 {
	std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// What a serving peer says about itself.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Status {
	/// The serving peer's account, which receipts name as their server.
	pub server: AccountId32,
	/// The genesis hash of its chain, which receipts are signed for.
	pub genesis_hash: H256,
	/// The current ledgering period.
	pub period: u32,
	/// How many bytes it serves a session ahead of the session's receipts.
	pub credit_window: u64,
	/// Whether it relays VPN traffic (`CONNECT`); absent (false) from peers that predate it.
	#[serde(default)]
	pub relays: bool,
}

/// The answer to an opening receipt.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Opened {
	/// The current ledgering period.
	pub period: u32,
	/// The credit window.
	pub credit_window: u64,
}

/// The answer to a receipt.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReceiptTaken {
	/// Whether it superseded what the peer had for its session and period.
	pub new: bool,
	/// Bytes the session may now be served before its next receipt.
	pub credit: u64,
	/// The peer's current ledgering period: a client counts the bytes that follow towards it.
	pub period: u32,
}

/// The answer to a hash-index query.
pub type HashIndices = Vec<HashIndex>;

/// An error answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
	/// What went wrong.
	pub error: String,
}

/// A session id as the session header carries it.
pub fn session_to_header(id: &SessionId) -> String {
	hex::encode(id)
}

/// The session id in a session header's value.
pub fn session_from_header(value: &str) -> Option<SessionId> {
	let mut id = [0u8; 16];
	hex::decode_to_slice(value.trim(), &mut id).ok()?;
	Some(id)
}

/// Percent-encode `s` for a path segment or query value: everything but unreserved characters.
pub fn percent_encode(s: &str) -> String {
	let mut out = String::with_capacity(s.len());
	for b in s.bytes() {
		if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
			out.push(b as char);
		} else {
			out.push_str(&format!("%{b:02X}"));
		}
	}
	out
}

/// Decode a percent-encoded string; `None` for a bad escape or bytes that are not UTF-8.
pub fn percent_decode(s: &str) -> Option<String> {
	let bytes = s.as_bytes();
	let mut out = Vec::with_capacity(bytes.len());
	let mut i = 0;
	while i < bytes.len() {
		match bytes[i] {
			b'%' => {
				let hex = bytes.get(i + 1..i + 3)?;
				out.push(u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?);
				i += 3;
			}
			b'+' => {
				out.push(b' ');
				i += 1;
			}
			b => {
				out.push(b);
				i += 1;
			}
		}
	}
	String::from_utf8(out).ok()
}

/// A byte range of a file, `[start, end)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ByteRange {
	/// First byte.
	pub start: u64,
	/// One past the last byte.
	pub end: u64,
}

/// Parse a `Range` header value against a file of `length` bytes: one range, `bytes=a-b`,
/// `bytes=a-` or `bytes=-n`. `None` if it is malformed or not satisfiable.
pub fn parse_range(value: &str, length: u64) -> Option<ByteRange> {
	let spec = value.trim().strip_prefix("bytes=")?;
	if spec.contains(',') {
		return None;
	}
	let (a, b) = spec.split_once('-')?;
	let (a, b) = (a.trim(), b.trim());
	let (start, end) = if a.is_empty() {
		let n: u64 = b.parse().ok()?;
		(length.saturating_sub(n), length)
	} else {
		let start: u64 = a.parse().ok()?;
		let end = if b.is_empty() {
			length
		} else {
			b.parse::<u64>().ok()?.saturating_add(1).min(length)
		};
		(start, end)
	};
	(start < end).then_some(ByteRange { start, end })
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn ranges_follow_rfc_9110() {
		assert_eq!(parse_range("bytes=0-9", 100), Some(ByteRange { start: 0, end: 10 }));
		assert_eq!(parse_range("bytes=90-", 100), Some(ByteRange { start: 90, end: 100 }));
		assert_eq!(parse_range("bytes=-5", 100), Some(ByteRange { start: 95, end: 100 }));
		assert_eq!(parse_range("bytes=50-1000", 100), Some(ByteRange { start: 50, end: 100 }));
		assert_eq!(parse_range("bytes=100-", 100), None);
		assert_eq!(parse_range("bytes=5-2", 100), None);
		assert_eq!(parse_range("bytes=0-1,5-6", 100), None);
		assert_eq!(parse_range("items=0-1", 100), None);
		assert_eq!(parse_range("bytes=x-1", 100), None);
	}

	#[test]
	fn a_replica_request_is_good_for_its_chain_peer_file_and_time_only() {
		let key = sr25519::Pair::from_string("//peer", None).unwrap();
		let (genesis, server, hash) = (H256::repeat_byte(1), AccountId32::new([2; 32]), [3; 32]);
		let request = ReplicaRequest {
			genesis_hash: genesis,
			server: server.clone(),
			hash_index: hash,
			peer_key: key.public(),
			issued_at: 1_000_000,
		};
		let header = request.to_header(key.sign(&request.payload()));
		let file = crate::content::Digest(hash);
		let check = |header: &str, genesis: &H256, server: &AccountId32, file: &_, now| {
			SignedReplicaRequest::check(header, genesis, server, file, now).map(|s| s.request)
		};
		assert_eq!(check(&header, &genesis, &server, &file, 1_000_000 + 300), Ok(request.clone()));
		assert_eq!(check(&header, &genesis, &server, &file, 1_000_000 - 300), Ok(request.clone()));
		assert_eq!(
			check(&header, &genesis, &server, &file, 1_000_000 + 301),
			Err(ReplicaRequestError::Stale(301))
		);
		let wrong = ReplicaRequestError::WrongTarget;
		assert_eq!(check(&header, &H256::zero(), &server, &file, 1_000_000), Err(wrong.clone()));
		let other = AccountId32::new([9; 32]);
		assert_eq!(check(&header, &genesis, &other, &file, 1_000_000), Err(wrong.clone()));
		let other_file = crate::content::Digest([4; 32]);
		assert_eq!(check(&header, &genesis, &server, &other_file, 1_000_000), Err(wrong));
		// Signed by another key than the one it names.
		let forged = request
			.to_header(sr25519::Pair::from_string("//x", None).unwrap().sign(&request.payload()));
		assert_eq!(
			check(&forged, &genesis, &server, &file, 1_000_000),
			Err(ReplicaRequestError::BadSignature)
		);
		for bad in ["zz", "", &"00".repeat(600), &format!("{header}00")] {
			assert_eq!(
				check(bad, &genesis, &server, &file, 1_000_000),
				Err(ReplicaRequestError::Malformed)
			);
		}
	}

	#[test]
	fn addresses_and_sessions_round_trip() {
		for s in ["videos/intro clip.mp4", "ünï/ço∂e", "a+b%c"] {
			assert_eq!(percent_decode(&percent_encode(s)).as_deref(), Some(s));
		}
		assert_eq!(percent_decode("%zz"), None);
		assert_eq!(percent_decode("%4"), None);
		let id = [0xab; 16];
		assert_eq!(session_from_header(&session_to_header(&id)), Some(id));
		assert_eq!(session_from_header("abc"), None);
	}
}

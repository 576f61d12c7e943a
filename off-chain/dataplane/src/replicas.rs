//! What a serving peer keeps of the replicas it sends (`GET /v1/replicas/<hash>`,
//! [`crate::protocol::ReplicaRequest`]): the streams under way, the requests already used and
//! each placement's byte budget.
//!
//! A replica goes only to a placement the chain has **fetching** the file, before its
//! deadline, or to a common peer attached to this peer that keeps the file as a **backup**
//! (and may earn: it holds its deposit), from a peer that itself stores the file by an order
//! ([`ChainView::replica_grant`](crate::ChainView::replica_grant)), and:
//!
//! - **once per request**: a signed request is used once (its signature is remembered for twice
//!   the request's validity), so a request overheard on the wire is worth nothing;
//! - **within a budget**: [`BUDGET_COPIES`] times the file's length per placement (peer key,
//!   file, deadline), counted when a stream starts — a fetch and one retry — so that a placed
//!   peer cannot turn the unpaid route into a download channel;
//! - **within time**: a stream ends [`GRACE`] plus its length at [`MIN_RATE`] after it starts,
//!   and stops counting against the limits then, so a reader that trickles holds no slot;
//! - **few at once**: [`MAX_PER_KEY`] streams per peer key, [`MAX_STREAMS`] in all, of which
//!   at most [`MAX_BACKUP_STREAMS`] to common peers: backups never take the places fetching
//!   placements need to meet their deadlines.

use crate::content::HashIndex;
use parking_lot::Mutex;
use sp_core::{crypto::AccountId32, sr25519};
use std::{
	collections::HashMap,
	time::{Duration, Instant},
};

/// Streams sent at once to one peer key: a placed peer fetches a file from one holder at a
/// time; a second stream covers a retry while the first is winding down.
pub const MAX_PER_KEY: usize = 2;
/// Streams sent at once to all peers.
pub const MAX_STREAMS: usize = 16;
/// Streams sent at once to common peers for their backups.
pub const MAX_BACKUP_STREAMS: usize = 2;
/// The slowest a replica may go, on average, after [`GRACE`]: 1 MiB/s, a 64 GiB file in 18 h.
pub const MIN_RATE: u64 = 1 << 20;
/// Time a replica stream has before [`MIN_RATE`] applies.
pub const GRACE: Duration = Duration::from_secs(30);
/// Copies of the file a placement may fetch from one serving peer.
pub const BUDGET_COPIES: u64 = 2;
/// How long a used request is remembered: twice its validity either side of its time.
const SEEN_FOR: Duration = Duration::from_secs(2 * crate::protocol::REPLICA_REQUEST_VALIDITY);
/// How long a budget is remembered: past any confirmation window (30 minutes on the runtime's
/// values), after which a placement is no longer fetching, and past the day a common peer's
/// backup budget runs for.
const BUDGET_FOR: Duration = Duration::from_secs(25 * 3600);

/// What the chain says of a replica request: the peer, and what its budget is counted for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplicaGrant {
	/// The peer the request's key is registered to.
	pub peer: AccountId32,
	/// What the budget is counted for: a fetching placement's deadline (a placement's
	/// identity), or for a backup the day (in ledgering periods) it is asked in.
	pub deadline: u32,
	/// Whether it is a common peer's backup (counted among [`MAX_BACKUP_STREAMS`]).
	pub backup: bool,
}

/// Why a replica is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
	/// [`MAX_STREAMS`] are under way.
	#[error("{MAX_STREAMS} replicas are being sent; try again later")]
	Busy,
	/// [`MAX_PER_KEY`] are under way to the key.
	#[error("{MAX_PER_KEY} replicas are being sent to this peer key")]
	KeyBusy,
	/// [`MAX_BACKUP_STREAMS`] backups are under way.
	#[error("{MAX_BACKUP_STREAMS} backups are being sent to common peers; try again later")]
	BackupsBusy,
	/// The request was used already.
	#[error("the replica request was used already: sign a new one")]
	Replayed,
	/// The placement fetched its budget from this peer.
	#[error("the placement fetched {BUDGET_COPIES} copies' worth of the file here already")]
	Spent,
}

impl Refusal {
	/// The reason label of the refusal (`crate::metrics::REASONS`).
	pub fn reason(&self) -> &'static str {
		match self {
			Refusal::Busy => "replicas_busy",
			Refusal::KeyBusy => "replicas_of_key_busy",
			Refusal::BackupsBusy => "backups_busy",
			Refusal::Replayed => "replica_replayed",
			Refusal::Spent => "replica_budget_spent",
		}
	}
}

/// A stream admitted: its number and when it must end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Admitted {
	/// Its number, to release it.
	pub id: u64,
	/// When it ends, sent or not.
	pub expires: Instant,
	/// Whether it is a backup.
	pub backup: bool,
}

/// The replicas a serving peer sends (see the module's documentation).
#[derive(Default)]
pub struct ReplicaBook(Mutex<Book>);

#[derive(Default)]
struct Book {
	next: u64,
	streams: HashMap<sr25519::Public, Vec<Admitted>>,
	seen: HashMap<[u8; 64], Instant>,
	/// Bytes granted per placement, and when it first fetched.
	budgets: HashMap<(sr25519::Public, HashIndex, u32), (u64, Instant)>,
}

impl Book {
	fn live(&self, now: Instant) -> usize {
		self.streams.values().flatten().filter(|s| s.expires > now).count()
	}

	fn live_backups(&self, now: Instant) -> usize {
		self.streams.values().flatten().filter(|s| s.backup && s.expires > now).count()
	}
}

impl ReplicaBook {
	/// Whether a stream could start now: asked before the chain is, so that a flood of
	/// requests costs no runtime calls once the peer is busy.
	pub fn has_room(&self, now: Instant) -> bool {
		self.0.lock().live(now) < MAX_STREAMS
	}

	/// Whether the request signed with `signature` was used already: asked before the chain
	/// is, so that a replayed request costs no runtime calls.
	pub fn was_used(&self, signature: &sr25519::Signature, now: Instant) -> bool {
		let book = self.0.lock();
		book.seen.get(&signature.0).is_some_and(|at| now.saturating_duration_since(*at) < SEEN_FOR)
	}

	/// Admit a stream of `bytes` of the file `hash` (of `length` bytes) to `key`, for what
	/// `grant` counts it for, by the request signed with `signature`.
	#[allow(clippy::too_many_arguments)]
	pub fn admit(
		&self,
		key: sr25519::Public,
		signature: &sr25519::Signature,
		hash: HashIndex,
		grant: &ReplicaGrant,
		length: u64,
		bytes: u64,
		now: Instant,
	) -> Result<Admitted, Refusal> {
		let deadline = grant.deadline;
		let mut book = self.0.lock();
		if book.live(now) >= MAX_STREAMS {
			return Err(Refusal::Busy);
		}
		if grant.backup && book.live_backups(now) >= MAX_BACKUP_STREAMS {
			return Err(Refusal::BackupsBusy);
		}
		book.seen.retain(|_, at| now.saturating_duration_since(*at) < SEEN_FOR);
		if book.seen.contains_key(&signature.0) {
			return Err(Refusal::Replayed);
		}
		let streams = book.streams.entry(key).or_default();
		streams.retain(|s| s.expires > now);
		if streams.len() >= MAX_PER_KEY {
			return Err(Refusal::KeyBusy);
		}
		book.budgets.retain(|_, (_, first)| now.saturating_duration_since(*first) < BUDGET_FOR);
		let budget = length.saturating_mul(BUDGET_COPIES);
		let (spent, _) = *book.budgets.get(&(key, hash, deadline)).unwrap_or(&(0, now));
		if spent.saturating_add(bytes) > budget {
			return Err(Refusal::Spent);
		}
		let granted = book.budgets.entry((key, hash, deadline)).or_insert((0, now));
		granted.0 = granted.0.saturating_add(bytes);
		book.seen.insert(signature.0, now);
		let id = book.next;
		book.next += 1;
		let expires = now + GRACE + Duration::from_secs(bytes / MIN_RATE);
		let admitted = Admitted { id, expires, backup: grant.backup };
		book.streams.entry(key).or_default().push(admitted);
		Ok(admitted)
	}

	/// A stream ended.
	pub fn release(&self, key: &sr25519::Public, id: u64) {
		let mut book = self.0.lock();
		if let Some(streams) = book.streams.get_mut(key) {
			streams.retain(|s| s.id != id);
			if streams.is_empty() {
				book.streams.remove(key);
			}
		}
	}

	/// Streams that count against the limits now.
	pub fn live(&self, now: Instant) -> usize {
		self.0.lock().live(now)
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use sp_core::Pair;

	fn key(seed: &str) -> sr25519::Public {
		sr25519::Pair::from_string(seed, None).unwrap().public()
	}

	fn signature(n: u8) -> sr25519::Signature {
		sr25519::Signature::from_raw([n; 64])
	}

	const HASH: HashIndex = crate::content::Digest([7; 32]);

	fn placement(deadline: u32) -> ReplicaGrant {
		ReplicaGrant { peer: AccountId32::new([1; 32]), deadline, backup: false }
	}
	const MIB: u64 = 1 << 20;

	#[test]
	fn a_request_is_used_once_and_forgotten_only_after_it_expired() {
		let (book, now, k) = (ReplicaBook::default(), Instant::now(), key("//a"));
		let a = book.admit(k, &signature(1), HASH, &placement(9), MIB, MIB, now).unwrap();
		book.release(&k, a.id);
		assert_eq!(
			book.admit(k, &signature(1), HASH, &placement(9), MIB, MIB, now),
			Err(Refusal::Replayed)
		);
		// Long after the request's validity, it would be stale anyway; the memory is freed.
		let later = now + SEEN_FOR;
		assert!(book.admit(k, &signature(1), HASH, &placement(10), MIB, MIB, later).is_ok());
	}

	#[test]
	fn a_placement_fetches_at_most_its_budget_and_a_new_placement_has_its_own() {
		let (book, now, k) = (ReplicaBook::default(), Instant::now(), key("//a"));
		let length = 10 * MIB;
		let mut sig = 0u8;
		let mut take = |deadline: u32, bytes: u64| {
			sig += 1;
			let admitted =
				book.admit(k, &signature(sig), HASH, &placement(deadline), length, bytes, now);
			if let Ok(a) = &admitted {
				book.release(&k, a.id);
			}
			admitted.map(|_| ())
		};
		assert_eq!(take(9, length), Ok(()));
		assert_eq!(take(9, 6 * MIB), Ok(()), "a retry of a part");
		assert_eq!(take(9, 4 * MIB), Ok(()), "up to two copies' worth");
		assert_eq!(take(9, 1), Err(Refusal::Spent));
		assert_eq!(take(10, length), Ok(()), "another placement");
		// Another file, or another key, has its own budget too.
		assert!(book
			.admit(key("//b"), &signature(99), HASH, &placement(9), length, length, now)
			.is_ok());
	}

	#[test]
	fn streams_are_capped_per_key_and_in_all_and_expire_at_the_minimum_rate() {
		let (book, now) = (ReplicaBook::default(), Instant::now());
		let k = key("//a");
		let big = 64 * MIB;
		let a = book.admit(k, &signature(1), HASH, &placement(9), big, big, now).unwrap();
		assert_eq!(a.expires, now + GRACE + Duration::from_secs(64));
		book.admit(k, &signature(2), HASH, &placement(9), big, MIB, now).unwrap();
		assert_eq!(
			book.admit(k, &signature(3), HASH, &placement(9), big, MIB, now),
			Err(Refusal::KeyBusy)
		);
		// A stream past its time no longer counts, sent or not.
		let later = now + GRACE + Duration::from_secs(2);
		assert!(book.admit(k, &signature(4), HASH, &placement(9), big, MIB, later).is_ok());
		// Released streams give their place back at once.
		let (book, mut n) = (ReplicaBook::default(), 10u8);
		let mut admitted = Vec::new();
		for i in 0..MAX_STREAMS {
			let k = key(&format!("//k{i}"));
			n += 1;
			admitted.push((
				k,
				book.admit(k, &signature(n), HASH, &placement(9), big, MIB, now).unwrap(),
			));
		}
		assert!(!book.has_room(now));
		let k = key("//late");
		assert_eq!(
			book.admit(k, &signature(200), HASH, &placement(9), big, MIB, now),
			Err(Refusal::Busy)
		);
		let (first, a) = admitted[0];
		book.release(&first, a.id);
		assert!(book.has_room(now));
		assert!(book.admit(k, &signature(201), HASH, &placement(9), big, MIB, now).is_ok());
		assert_eq!(book.live(now), MAX_STREAMS);
	}

	#[test]
	fn backups_take_at_most_two_places_and_leave_the_rest_to_placements() {
		let (book, now) = (ReplicaBook::default(), Instant::now());
		let backup = ReplicaGrant { peer: AccountId32::new([2; 32]), deadline: 7, backup: true };
		for (i, seed) in ["//c1", "//c2"].into_iter().enumerate() {
			let sig = signature(i as u8 + 1);
			assert!(book.admit(key(seed), &sig, HASH, &backup, MIB, MIB, now).is_ok());
		}
		let third = book.admit(key("//c3"), &signature(3), HASH, &backup, MIB, MIB, now);
		assert_eq!(third, Err(Refusal::BackupsBusy));
		// A fetching placement still finds room, and the refused backup's request is not spent.
		assert!(book.admit(key("//p"), &signature(4), HASH, &placement(9), MIB, MIB, now).is_ok());
		assert!(!book.was_used(&signature(3), now));
		assert!(book.was_used(&signature(1), now));
	}

	#[test]
	fn a_refused_request_spends_neither_budget_nor_its_signature() {
		let (book, now, k) = (ReplicaBook::default(), Instant::now(), key("//a"));
		book.admit(k, &signature(1), HASH, &placement(9), MIB, MIB, now).unwrap();
		book.admit(k, &signature(2), HASH, &placement(9), MIB, MIB, now).unwrap();
		assert_eq!(
			book.admit(k, &signature(3), HASH, &placement(9), MIB, 1, now),
			Err(Refusal::KeyBusy)
		);
		// Expired streams free the key; the budget (two copies) is spent, the request is not.
		let later = now + GRACE + Duration::from_secs(1);
		assert_eq!(
			book.admit(k, &signature(3), HASH, &placement(9), MIB, 1, later),
			Err(Refusal::Spent)
		);
		assert!(book.admit(k, &signature(3), HASH, &placement(10), MIB, 1, later).is_ok());
	}
}

//! Report snapshots made durable before the report is sent (issue 14, finding 10).
//!
//! When `pallet-traffic`'s off-chain worker builds a report it keeps a **snapshot**: the report,
//! its signature and the receipts it commits to, which it needs to answer the report's audits.
//! The snapshot lives in the node's off-chain storage, which the database does not write to disk
//! at once. A power loss after the report was sent but before the database reached the disk
//! would leave the report on chain and the node without the receipts to answer its audit, so the
//! peer would fail its own honest report.
//!
//! So the worker does not send a report until its node has written the snapshot to a file and
//! synced it to disk, as the data plane's receipt journal is:
//!
//! 1. the worker keeps the snapshot and queues its key ([`queue_for_sync`]);
//! 2. the node writes every queued snapshot to disk, then marks it synced ([`sync_pending`]);
//! 3. the worker sends the report once the mark is there ([`is_synced`]); a block later than
//!    before.
//!
//! On start the node puts back every snapshot file whose key the off-chain storage lost
//! ([`restore`]), so a report on chain always has its receipts; files of periods the worker has
//! forgotten (claimed) are deleted instead.
//!
//! A node that does not run the sync (an older binary) would hold every report back, so the node
//! beats a heartbeat ([`beat`]) and the worker waits only for a node that beats
//! ([`node_syncs`]); without one it warns and sends as before.
//!
//! Every update is a compare-and-set against the other writer (node and worker run at once).

use crate::store::OffchainKv;
use alloc::vec::Vec;
use codec::{Decode, Encode};

/// The prefix of a snapshot's key: `(REPORTED_PREFIX, peer, period)` SCALE-encoded.
pub const REPORTED_PREFIX: &[u8] = b"spacebook/traffic/reported/";
/// The key under which the node notes the newest block it knows, at every sync step.
pub const SYNC_HEARTBEAT: &[u8] = b"spacebook/traffic/snapshot-sync-heartbeat";
/// How many blocks behind the worker's block a heartbeat may be for its node to count as
/// syncing (the node beats every quarter second).
pub const HEARTBEAT_BLOCKS: u32 = 10;

/// The key of the queue of snapshot keys the node has yet to write to disk.
pub const SNAPSHOTS_TO_SYNC: &[u8] = b"spacebook/traffic/snapshots-to-sync";
/// The prefix of the marks of snapshots written to disk (followed by the snapshot's key).
pub const SNAPSHOT_SYNCED_PREFIX: &[u8] = b"spacebook/traffic/snapshot-synced/";
/// The most snapshot keys the queue holds: more than a node's peers make in the time the node
/// takes to empty it (a queue that stays full means the node does not sync, and reports wait).
pub const MAX_QUEUED_SNAPSHOTS: usize = 64;
/// How often a compare-and-set is retried.
const ATTEMPTS: usize = 16;

/// The most reports a worker builds for one peer and period: the first, and rebuilds after the
/// chain refused the one before (each kept under its own key, [`snapshot_version_key`], until the
/// period is forgotten, since a refused report may still land).
pub const MAX_REPORT_VERSIONS: u8 = 3;

/// The key of `peer`'s snapshot of the report of `period`.
pub fn snapshot_key<AccountId: Encode>(peer: &AccountId, period: u32) -> Vec<u8> {
	(REPORTED_PREFIX, peer, period).encode()
}

/// The key of the `version`-th snapshot of `peer`'s report of `period`: version 0 is
/// [`snapshot_key`], later ones append the version. A key's value never changes once written,
/// so a mark of it on disk stays true.
pub fn snapshot_version_key<AccountId: Encode>(
	peer: &AccountId,
	period: u32,
	version: u8,
) -> Vec<u8> {
	if version == 0 {
		snapshot_key(peer, period)
	} else {
		(REPORTED_PREFIX, peer, period, version).encode()
	}
}

/// The peer and period of a snapshot's key, of any version; `None` if it is not one.
pub fn snapshot_of<AccountId: Decode>(key: &[u8]) -> Option<(AccountId, u32)> {
	let mut input = key;
	let prefix = Vec::<u8>::decode(&mut input).ok()?;
	let peer = AccountId::decode(&mut input).ok()?;
	let period = u32::decode(&mut input).ok()?;
	if !input.is_empty() {
		let version = u8::decode(&mut input).ok()?;
		if version == 0 || version >= MAX_REPORT_VERSIONS {
			return None;
		}
	}
	(prefix == REPORTED_PREFIX && input.is_empty()).then_some((peer, period))
}

/// Whether the worker has forgotten the snapshot at `snapshot_key` (its period is claimed), or
/// it is no snapshot key at all: a file of it is to be deleted, not restored.
pub fn is_forgotten<AccountId: Encode + Decode>(kv: &impl OffchainKv, snapshot_key: &[u8]) -> bool {
	let Some((peer, period)) = snapshot_of::<AccountId>(snapshot_key) else { return true };
	let cursor = kv
		.get(&crate::offchain_forgotten_key(&peer))
		.and_then(|raw| u32::decode(&mut &raw[..]).ok())
		.unwrap_or(0);
	period < cursor
}

/// The node's heartbeat: it syncs snapshots and knows block `best`.
pub fn beat(kv: &mut impl OffchainKv, best: u32) {
	set(kv, SYNC_HEARTBEAT, &best.encode());
}

/// Whether the node beat recently enough, seen from block `now`, to wait for its sync.
pub fn node_syncs(kv: &impl OffchainKv, now: u32) -> bool {
	kv.get(SYNC_HEARTBEAT)
		.and_then(|raw| u32::decode(&mut &raw[..]).ok())
		.is_some_and(|best| best.saturating_add(HEARTBEAT_BLOCKS) >= now)
}

/// The key of the mark that the snapshot at `snapshot_key` is on disk.
pub fn synced_key(snapshot_key: &[u8]) -> Vec<u8> {
	[SNAPSHOT_SYNCED_PREFIX, snapshot_key].concat()
}

/// Whether the snapshot at `snapshot_key` is on disk (its report may be sent).
pub fn is_synced(kv: &impl OffchainKv, snapshot_key: &[u8]) -> bool {
	kv.get(&synced_key(snapshot_key)).is_some()
}

fn queued(raw: Option<&[u8]>) -> Vec<Vec<u8>> {
	raw.and_then(|mut r| Vec::<Vec<u8>>::decode(&mut r).ok()).unwrap_or_default()
}

/// Ask the node to write the snapshot at `snapshot_key` to disk. Returns whether it is queued
/// (already queued counts); `false` if the queue is full or the node kept racing the write.
pub fn queue_for_sync(kv: &mut impl OffchainKv, snapshot_key: &[u8]) -> bool {
	for _ in 0..ATTEMPTS {
		let raw = kv.get(SNAPSHOTS_TO_SYNC);
		let mut keys = queued(raw.as_deref());
		if keys.iter().any(|k| k == snapshot_key) {
			return true;
		}
		if keys.len() >= MAX_QUEUED_SNAPSHOTS {
			return false;
		}
		keys.push(snapshot_key.to_vec());
		if kv.compare_and_set(SNAPSHOTS_TO_SYNC, raw.as_deref(), &keys.encode()) {
			return true;
		}
	}
	false
}

/// Forget the mark of the snapshot at `snapshot_key` (the worker forgets the snapshot).
pub fn forget(kv: &mut impl OffchainKv, snapshot_key: &[u8]) {
	kv.clear(&synced_key(snapshot_key));
}

/// The node's step: write every queued snapshot with `write(key, value)` (which must return only
/// once the value is on disk), mark it synced and take it off the queue. A snapshot the worker
/// forgot meanwhile is only taken off. Returns the number written; stops at the first failed
/// write, leaving it and the rest queued for the next call.
pub fn sync_pending<E>(
	kv: &mut impl OffchainKv,
	mut write: impl FnMut(&[u8], &[u8]) -> Result<(), E>,
) -> Result<usize, E> {
	let keys = queued(kv.get(SNAPSHOTS_TO_SYNC).as_deref());
	let mut done = Vec::new();
	let mut result = Ok(());
	for key in keys {
		if let Some(value) = kv.get(&key) {
			if let Err(e) = write(&key, &value) {
				result = Err(e);
				break;
			}
			set(kv, &synced_key(&key), &[1]);
		}
		done.push(key);
	}
	// Take the done keys off, keeping what the worker queued meanwhile.
	for _ in 0..ATTEMPTS {
		let raw = kv.get(SNAPSHOTS_TO_SYNC);
		let left: Vec<Vec<u8>> =
			queued(raw.as_deref()).into_iter().filter(|k| !done.contains(k)).collect();
		if kv.compare_and_set(SNAPSHOTS_TO_SYNC, raw.as_deref(), &left.encode()) {
			break;
		}
	}
	let written = done.iter().filter(|k| is_synced(kv, k)).count();
	result.map(|()| written)
}

/// What [`restore`] did with a snapshot read from disk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Restored {
	/// The off-chain storage had lost it: it is back, with its mark.
	Restored,
	/// The off-chain storage still has it.
	Kept,
	/// Its period is forgotten, or it is no snapshot: delete the file.
	Forgotten,
}

/// The node's start: put back the snapshot `value` read from disk at `snapshot_key`, with its
/// mark, if the off-chain storage lost it and the worker has not forgotten its period.
pub fn restore<AccountId: Encode + Decode>(
	kv: &mut impl OffchainKv,
	snapshot_key: &[u8],
	value: &[u8],
) -> Restored {
	if is_forgotten::<AccountId>(kv, snapshot_key) {
		return Restored::Forgotten;
	}
	if kv.get(snapshot_key).is_some() {
		return Restored::Kept;
	}
	set(kv, snapshot_key, value);
	set(kv, &synced_key(snapshot_key), &[1]);
	Restored::Restored
}

fn set(kv: &mut impl OffchainKv, key: &[u8], value: &[u8]) {
	for _ in 0..ATTEMPTS {
		let old = kv.get(key);
		if kv.compare_and_set(key, old.as_deref(), value) {
			return;
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::store::memory::Memory;
	use alloc::collections::BTreeMap;

	#[test]
	fn a_snapshot_is_synced_only_once_written_and_a_failed_write_stays_queued() {
		let mut kv = Memory::default();
		kv.0.insert(b"a".to_vec(), b"snapshot a".to_vec());
		kv.0.insert(b"b".to_vec(), b"snapshot b".to_vec());
		assert!(queue_for_sync(&mut kv, b"a"));
		assert!(queue_for_sync(&mut kv, b"b"));
		assert!(queue_for_sync(&mut kv, b"a"), "queued once");
		assert!(!is_synced(&kv, b"a"));
		// The disk fails on b: a is synced, b stays queued and unmarked.
		let mut disk = BTreeMap::new();
		let result = sync_pending(&mut kv, |k, v| {
			if k == b"b" {
				return Err("disk full");
			}
			disk.insert(k.to_vec(), v.to_vec());
			Ok(())
		});
		assert_eq!(result, Err("disk full"));
		assert!(is_synced(&kv, b"a") && !is_synced(&kv, b"b"));
		assert_eq!(queued(kv.get(SNAPSHOTS_TO_SYNC).as_deref()), vec![b"b".to_vec()]);
		assert_eq!(
			sync_pending(&mut kv, |k, v| {
				disk.insert(k.to_vec(), v.to_vec());
				Ok::<_, ()>(())
			}),
			Ok(1)
		);
		assert!(is_synced(&kv, b"b"));
		assert_eq!(disk.get(&b"b"[..]).map(|v| &v[..]), Some(&b"snapshot b"[..]));
		assert!(queued(kv.get(SNAPSHOTS_TO_SYNC).as_deref()).is_empty());
	}

	#[test]
	fn a_lost_snapshot_is_restored_with_its_mark_and_kept_or_forgotten_ones_are_not() {
		let mut kv = Memory::default();
		let (a, b, old) = (snapshot_key(&7u64, 5), snapshot_key(&7u64, 6), snapshot_key(&7u64, 2));
		assert_eq!(snapshot_of::<u64>(&a), Some((7, 5)));
		assert_eq!(restore::<u64>(&mut kv, &a, b"from disk"), Restored::Restored);
		assert_eq!(kv.get(&a), Some(b"from disk".to_vec()));
		assert!(is_synced(&kv, &a));
		kv.0.insert(b.clone(), b"newer".to_vec());
		assert_eq!(restore::<u64>(&mut kv, &b, b"older"), Restored::Kept);
		assert_eq!(kv.get(&b), Some(b"newer".to_vec()));
		// Periods before the worker's cursor are claimed: their files go.
		kv.0.insert(crate::offchain_forgotten_key(&7u64), 3u32.encode());
		assert_eq!(restore::<u64>(&mut kv, &old, b"claimed"), Restored::Forgotten);
		assert_eq!(kv.get(&old), None);
		assert_eq!(restore::<u64>(&mut kv, b"not a snapshot key", b"x"), Restored::Forgotten);
	}

	#[test]
	fn a_rebuilt_reports_snapshot_has_a_key_of_its_own_for_the_same_peer_and_period() {
		let first = snapshot_version_key(&7u64, 5, 0);
		assert_eq!(first, snapshot_key(&7u64, 5));
		let second = snapshot_version_key(&7u64, 5, 1);
		assert_ne!(first, second);
		assert_eq!(snapshot_of::<u64>(&second), Some((7, 5)));
		assert_eq!(
			snapshot_of::<u64>(&snapshot_version_key(&7u64, 5, MAX_REPORT_VERSIONS - 1)),
			Some((7, 5))
		);
		// A version the worker never writes, or trailing bytes, are no snapshot key.
		assert_eq!(snapshot_of::<u64>(&(REPORTED_PREFIX, 7u64, 5u32, 0u8).encode()), None);
		assert_eq!(
			snapshot_of::<u64>(&(REPORTED_PREFIX, 7u64, 5u32, MAX_REPORT_VERSIONS).encode()),
			None
		);
		assert_eq!(snapshot_of::<u64>(&(REPORTED_PREFIX, 7u64, 5u32, 1u8, 0u8).encode()), None);
		// Forgotten with its period.
		let mut kv = Memory::default();
		kv.0.insert(crate::offchain_forgotten_key(&7u64), 6u32.encode());
		assert!(is_forgotten::<u64>(&kv, &second));
	}

	#[test]
	fn only_a_recent_heartbeat_makes_the_worker_wait_for_the_node() {
		let mut kv = Memory::default();
		assert!(!node_syncs(&kv, 5), "no node beats");
		beat(&mut kv, 100);
		assert!(node_syncs(&kv, 100) && node_syncs(&kv, 100 + HEARTBEAT_BLOCKS));
		assert!(!node_syncs(&kv, 101 + HEARTBEAT_BLOCKS), "a node that stopped beating");
	}

	#[test]
	fn the_queue_is_bounded_and_forgotten_snapshots_are_only_dequeued() {
		let mut kv = Memory::default();
		for i in 0..MAX_QUEUED_SNAPSHOTS as u32 {
			assert!(queue_for_sync(&mut kv, &i.encode()));
		}
		assert!(!queue_for_sync(&mut kv, b"one too many"));
		// None of them has a snapshot any more (forgotten): nothing written, queue emptied.
		let mut writes = 0;
		assert_eq!(
			sync_pending(&mut kv, |_, _| {
				writes += 1;
				Ok::<_, ()>(())
			}),
			Ok(0)
		);
		assert_eq!(writes, 0);
		assert!(queued(kv.get(SNAPSHOTS_TO_SYNC).as_deref()).is_empty());
		kv.0.insert(b"c".to_vec(), b"c".to_vec());
		assert!(queue_for_sync(&mut kv, b"c"));
		assert_eq!(sync_pending(&mut kv, |_, _| Ok::<_, ()>(())), Ok(1));
		forget(&mut kv, b"c");
		assert!(!is_synced(&kv, b"c"));
	}
}

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
//! ([`restore`]), so a report on chain always has its receipts.
//!
//! Every update is a compare-and-set against the other writer (node and worker run at once).

use crate::store::OffchainKv;
use alloc::vec::Vec;
use codec::{Decode, Encode};

/// The key of the queue of snapshot keys the node has yet to write to disk.
pub const SNAPSHOTS_TO_SYNC: &[u8] = b"spacebook/traffic/snapshots-to-sync";
/// The prefix of the marks of snapshots written to disk (followed by the snapshot's key).
pub const SNAPSHOT_SYNCED_PREFIX: &[u8] = b"spacebook/traffic/snapshot-synced/";
/// The most snapshot keys the queue holds: more than a node's peers make in the time the node
/// takes to empty it (a queue that stays full means the node does not sync, and reports wait).
pub const MAX_QUEUED_SNAPSHOTS: usize = 64;
/// How often a compare-and-set is retried.
const ATTEMPTS: usize = 16;

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

/// The node's start: put back the snapshot `value` read from disk at `snapshot_key`, with its
/// mark, if the off-chain storage lost it. Returns whether it did.
pub fn restore(kv: &mut impl OffchainKv, snapshot_key: &[u8], value: &[u8]) -> bool {
	if kv.get(snapshot_key).is_some() {
		return false;
	}
	set(kv, snapshot_key, value);
	set(kv, &synced_key(snapshot_key), &[1]);
	true
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
	use alloc::collections::BTreeMap;

	#[derive(Default)]
	struct Memory(BTreeMap<Vec<u8>, Vec<u8>>);
	impl OffchainKv for Memory {
		fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
			self.0.get(key).cloned()
		}
		fn compare_and_set(&mut self, key: &[u8], old: Option<&[u8]>, new: &[u8]) -> bool {
			if self.0.get(key).map(|v| &v[..]) != old {
				return false;
			}
			self.0.insert(key.to_vec(), new.to_vec());
			true
		}
		fn clear(&mut self, key: &[u8]) {
			self.0.remove(key);
		}
	}

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
	fn a_lost_snapshot_is_restored_with_its_mark_and_a_kept_one_is_left_alone() {
		let mut kv = Memory::default();
		assert!(restore(&mut kv, b"a", b"from disk"));
		assert_eq!(kv.get(b"a"), Some(b"from disk".to_vec()));
		assert!(is_synced(&kv, b"a"));
		kv.0.insert(b"b".to_vec(), b"newer".to_vec());
		assert!(!restore(&mut kv, b"b", b"older"));
		assert_eq!(kv.get(b"b"), Some(b"newer".to_vec()));
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

//! Report snapshots on disk (issue 14, finding 10).
//!
//! `pallet-traffic`'s off-chain worker keeps, per report, the receipts that answer its audits in
//! the node's off-chain storage, which the database does not sync to disk at once. The worker
//! sends a report only once the node has written its snapshot here and synced it
//! (`spacebook_receipts::snapshots`); at start the node puts back any snapshot the off-chain
//! storage lost, before the worker runs. So a power loss never leaves a report on chain that its
//! node cannot answer.
//!
//! One file per snapshot, named by its off-chain key in hex, under
//! `<base path>/report-snapshots/<genesis hash>/`: written to a temporary file, synced, renamed,
//! and the directory synced, as the data plane's receipt journal is made durable. Files older
//! than [`KEEP_FOR`] are deleted (a report is audited and settled within the period after it).

use crate::traffic_rpc::Persistent;
use sp_core::offchain::OffchainStorage;
use spacebook_receipts::snapshots;
use std::{
	fs, io,
	io::Write,
	path::{Path, PathBuf},
	time::{Duration, SystemTime},
};

/// How long a snapshot file is kept: far longer than any report's audits last (the period after
/// the report, minutes on every chain spec).
pub const KEEP_FOR: Duration = Duration::from_secs(24 * 3600);
/// How often the node looks for snapshots to sync: well within a block, so the report goes out
/// in the worker's next run.
pub const SYNC_EVERY: Duration = Duration::from_millis(250);
/// How often old files are deleted.
const PRUNE_EVERY: Duration = Duration::from_secs(3600);

/// The directory of the snapshot files.
pub struct SnapshotDisk {
	dir: PathBuf,
}

fn to_hex(key: &[u8]) -> String {
	key.iter().map(|b| format!("{b:02x}")).collect()
}

fn from_hex(name: &str) -> Option<Vec<u8>> {
	if !name.len().is_multiple_of(2) {
		return None;
	}
	(0..name.len()).step_by(2).map(|i| u8::from_str_radix(name.get(i..i + 2)?, 16).ok()).collect()
}

impl SnapshotDisk {
	/// The snapshot directory of the chain whose genesis is `genesis` under `base_path`,
	/// created if missing.
	pub fn open(base_path: &Path, genesis: &[u8]) -> io::Result<Self> {
		let dir = base_path.join("report-snapshots").join(to_hex(genesis));
		fs::create_dir_all(&dir)?;
		Ok(SnapshotDisk { dir })
	}

	/// Write `value` as the snapshot at `key` and return once it is on disk.
	pub fn write(&self, key: &[u8], value: &[u8]) -> io::Result<()> {
		let path = self.dir.join(to_hex(key));
		let tmp = path.with_extension("tmp");
		let mut file = fs::File::create(&tmp)?;
		file.write_all(value)?;
		file.sync_all()?;
		drop(file);
		fs::rename(&tmp, &path)?;
		fs::File::open(&self.dir)?.sync_all()
	}

	/// Put back into `storage` every snapshot on disk that it lost. Returns how many.
	pub fn restore_into<S: OffchainStorage>(&self, storage: &mut S) -> io::Result<usize> {
		let mut restored = 0;
		for entry in fs::read_dir(&self.dir)? {
			let path = entry?.path();
			let Some(key) = path.file_name().and_then(|n| n.to_str()).and_then(from_hex) else {
				continue; // a temporary file of an interrupted write
			};
			let value = fs::read(&path)?;
			if snapshots::restore(&mut Persistent(storage), &key, &value) {
				restored += 1;
			}
		}
		Ok(restored)
	}

	/// Write the snapshots the worker queued and mark them synced. Returns how many.
	pub fn sync<S: OffchainStorage>(&self, storage: &mut S) -> io::Result<usize> {
		snapshots::sync_pending(&mut Persistent(storage), |key, value| self.write(key, value))
	}

	/// Delete the snapshot files last written more than `older_than` ago. Returns how many.
	pub fn prune(&self, older_than: Duration) -> io::Result<usize> {
		let now = SystemTime::now();
		let mut deleted = 0;
		for entry in fs::read_dir(&self.dir)? {
			let entry = entry?;
			let written = entry.metadata()?.modified()?;
			if now.duration_since(written).is_ok_and(|age| age > older_than) {
				fs::remove_file(entry.path())?;
				deleted += 1;
			}
		}
		Ok(deleted)
	}
}

/// Restore what the off-chain storage lost (call before the off-chain workers start), then
/// return the task that syncs what the worker queues, every [`SYNC_EVERY`].
pub fn start<S: OffchainStorage + 'static>(
	disk: SnapshotDisk,
	mut storage: S,
) -> io::Result<impl std::future::Future<Output = ()>> {
	let restored = disk.restore_into(&mut storage)?;
	if restored > 0 {
		log::info!(target: "traffic", "restored {restored} report snapshots from disk");
	}
	disk.prune(KEEP_FOR)?;
	Ok(async move {
		let mut tick = tokio::time::interval(SYNC_EVERY);
		tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
		let mut last_prune = std::time::Instant::now();
		loop {
			tick.tick().await;
			// A failed write leaves the snapshot queued (and its report unsent) until it works.
			if let Err(e) = disk.sync(&mut storage) {
				log::warn!(target: "traffic", "cannot sync report snapshots to disk: {e}");
			}
			if last_prune.elapsed() >= PRUNE_EVERY {
				last_prune = std::time::Instant::now();
				if let Err(e) = disk.prune(KEEP_FOR) {
					log::warn!(target: "traffic", "cannot delete old report snapshots: {e}");
				}
			}
		}
	})
}

#[cfg(test)]
mod tests {
	use super::*;
	use sp_core::offchain::testing::TestPersistentOffchainDB;

	fn get(db: &TestPersistentOffchainDB, key: &[u8]) -> Option<Vec<u8>> {
		OffchainStorage::get(db, sp_offchain::STORAGE_PREFIX, key)
	}

	/// A power loss: the off-chain storage loses the snapshot written after its last flush
	/// (here, a new empty database), the file the node synced before the report was sent brings
	/// it back, with its mark, and a snapshot the storage kept is left as it is.
	#[test]
	fn a_synced_snapshot_survives_the_loss_of_the_offchain_storage() {
		let base = tempfile::tempdir().unwrap();
		let disk = SnapshotDisk::open(base.path(), &[7; 32]).unwrap();
		let mut db = TestPersistentOffchainDB::new();
		let key = b"spacebook/traffic/reported/eve-3".to_vec();
		db.set(sp_offchain::STORAGE_PREFIX, &key, b"the report and its receipts");
		assert!(snapshots::queue_for_sync(&mut Persistent(&mut db), &key));
		assert!(!snapshots::is_synced(&Persistent(&mut db), &key));
		assert_eq!(disk.sync(&mut db).unwrap(), 1);
		assert!(snapshots::is_synced(&Persistent(&mut db), &key), "the worker may send it");

		let mut after_power_loss = TestPersistentOffchainDB::new();
		let disk = SnapshotDisk::open(base.path(), &[7; 32]).unwrap();
		assert_eq!(disk.restore_into(&mut after_power_loss).unwrap(), 1);
		assert_eq!(
			get(&after_power_loss, &key).as_deref(),
			Some(&b"the report and its receipts"[..])
		);
		assert!(snapshots::is_synced(&Persistent(&mut after_power_loss), &key));
		assert_eq!(disk.restore_into(&mut after_power_loss).unwrap(), 0, "kept: left alone");
		// Another chain's snapshots are elsewhere.
		let other = SnapshotDisk::open(base.path(), &[8; 32]).unwrap();
		assert_eq!(other.restore_into(&mut TestPersistentOffchainDB::new()).unwrap(), 0);
	}

	#[test]
	fn old_snapshot_files_and_interrupted_writes_are_handled() {
		let base = tempfile::tempdir().unwrap();
		let disk = SnapshotDisk::open(base.path(), &[7; 32]).unwrap();
		disk.write(b"k", b"v").unwrap();
		// An interrupted write leaves a temporary file, which restoring skips.
		fs::write(disk.dir.join("6b.tmp"), b"half").unwrap();
		let mut db = TestPersistentOffchainDB::new();
		assert_eq!(disk.restore_into(&mut db).unwrap(), 1);
		assert_eq!(get(&db, b"k").as_deref(), Some(&b"v"[..]));
		assert_eq!(disk.prune(KEEP_FOR).unwrap(), 0, "recent files stay");
		assert_eq!(disk.prune(Duration::ZERO).unwrap(), 2);
		assert_eq!(fs::read_dir(&disk.dir).unwrap().count(), 0);
	}
}

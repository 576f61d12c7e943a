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
//! and the directory synced, as the data plane's receipt journal is made durable. A file is
//! deleted once the worker has forgotten its period (the period is claimed), and any file after
//! [`KEEP_FOR`] (a report is audited and settled within the period after it).
//!
//! The file work runs on blocking threads, and a failure only stops reports (the worker waits
//! for the sync while the node beats), never the node: it is logged.

use crate::traffic_rpc::Persistent;
use sp_core::offchain::OffchainStorage;
use spacebook_receipts::snapshots;
use spacebook_runtime::AccountId;
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
/// How often the files of forgotten periods are deleted.
const PRUNE_EVERY: Duration = Duration::from_secs(60);

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

	/// The snapshot files: their paths and keys (temporary files of interrupted writes and
	/// anything else are left out).
	fn files(&self) -> io::Result<Vec<(PathBuf, Vec<u8>)>> {
		let mut files = Vec::new();
		for entry in fs::read_dir(&self.dir)?.flatten() {
			if !entry.file_type().is_ok_and(|t| t.is_file()) {
				continue;
			}
			let path = entry.path();
			if let Some(key) = path.file_name().and_then(|n| n.to_str()).and_then(from_hex) {
				files.push((path, key));
			}
		}
		Ok(files)
	}

	/// Put back into `storage` every snapshot on disk that it lost, delete the files of
	/// forgotten periods and the temporary files of interrupted writes. A file that cannot be
	/// read is logged and skipped, so that it costs no other snapshot. Returns how many it
	/// restored.
	pub fn restore_into<S: OffchainStorage>(&self, storage: &mut S) -> io::Result<usize> {
		for entry in fs::read_dir(&self.dir)?.flatten() {
			let path = entry.path();
			if path.extension().is_some_and(|e| e == "tmp") {
				let _ = fs::remove_file(&path);
			}
		}
		let mut restored = 0;
		for (path, key) in self.files()? {
			let value = match fs::read(&path) {
				Ok(value) => value,
				Err(e) => {
					log::error!(target: "traffic", "cannot read the report snapshot {path:?}: {e}");
					continue;
				}
			};
			match snapshots::restore::<AccountId>(&mut Persistent(storage), &key, &value) {
				snapshots::Restored::Restored => restored += 1,
				snapshots::Restored::Kept => {}
				snapshots::Restored::Forgotten => {
					if let Err(e) = fs::remove_file(&path) {
						log::warn!(target: "traffic", "cannot delete {path:?}: {e}");
					}
				}
			}
		}
		Ok(restored)
	}

	/// Write the snapshots the worker queued and mark them synced. Returns how many.
	pub fn sync<S: OffchainStorage>(&self, storage: &mut S) -> io::Result<usize> {
		snapshots::sync_pending(&mut Persistent(storage), |key, value| self.write(key, value))
	}

	/// Delete the snapshot files of periods the worker forgot, and those last written more
	/// than `older_than` ago. Returns how many.
	pub fn prune<S: OffchainStorage>(
		&self,
		storage: &mut S,
		older_than: Duration,
	) -> io::Result<usize> {
		let now = SystemTime::now();
		let mut deleted = 0;
		for (path, key) in self.files()? {
			let written = fs::metadata(&path)?.modified()?;
			let old = now.duration_since(written).is_ok_and(|age| age > older_than);
			if old || snapshots::is_forgotten::<AccountId>(&Persistent(storage), &key) {
				fs::remove_file(&path)?;
				deleted += 1;
			}
		}
		Ok(deleted)
	}
}

/// Restore what the off-chain storage lost (call before the off-chain workers start), then
/// return the task that, every [`SYNC_EVERY`], beats the heartbeat with `best()` (the newest
/// block number) and syncs what the worker queued. Each step's file work runs on a blocking
/// thread; the task ends at its next tick when the node shuts down. Failures are logged; the
/// node keeps running.
pub fn start<S: OffchainStorage + Clone + Send + 'static>(
	disk: SnapshotDisk,
	mut storage: S,
	best: impl Fn() -> u32 + Send + Sync + 'static,
) -> impl std::future::Future<Output = ()> + Send + 'static {
	match disk.restore_into(&mut storage) {
		Ok(0) => {}
		Ok(restored) => {
			log::info!(target: "traffic", "restored {restored} report snapshots from disk")
		}
		Err(e) => log::error!(target: "traffic", "cannot restore report snapshots: {e}"),
	}
	let disk = std::sync::Arc::new(disk);
	let best = std::sync::Arc::new(best);
	async move {
		let mut tick = tokio::time::interval(SYNC_EVERY);
		tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
		let mut last_prune = std::time::Instant::now();
		loop {
			tick.tick().await;
			let prune = last_prune.elapsed() >= PRUNE_EVERY;
			if prune {
				last_prune = std::time::Instant::now();
			}
			let (disk, mut storage, best) = (disk.clone(), storage.clone(), best.clone());
			let step = tokio::task::spawn_blocking(move || {
				// A failed write leaves the snapshot queued (and its report unsent) until it
				// works; the heartbeat stops with it, so that after a few blocks the worker
				// sends its reports anyway rather than never.
				match disk.sync(&mut storage) {
					Ok(_) => snapshots::beat(&mut Persistent(&mut storage), best()),
					Err(e) => {
						log::error!(target: "traffic", "cannot sync report snapshots to disk: {e}")
					}
				}
				if prune {
					if let Err(e) = disk.prune(&mut storage, KEEP_FOR) {
						log::warn!(target: "traffic", "cannot delete old report snapshots: {e}");
					}
				}
			});
			if let Err(e) = step.await {
				log::error!(target: "traffic", "the report snapshots' step failed: {e}");
			}
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use codec::Encode;
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
		let key = snapshots::snapshot_key(&AccountId::from([5u8; 32]), 3);
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
		// Once the worker forgets the period, the file goes.
		after_power_loss.set(
			sp_offchain::STORAGE_PREFIX,
			&spacebook_receipts::offchain_forgotten_key(&AccountId::from([5u8; 32])),
			&4u32.encode(),
		);
		assert_eq!(disk.prune(&mut after_power_loss, KEEP_FOR).unwrap(), 1);
		assert_eq!(disk.files().unwrap().len(), 0);
		// Another chain's snapshots are elsewhere.
		let other = SnapshotDisk::open(base.path(), &[8; 32]).unwrap();
		assert_eq!(other.restore_into(&mut TestPersistentOffchainDB::new()).unwrap(), 0);
	}

	#[test]
	fn old_snapshot_files_and_interrupted_writes_are_handled() {
		let base = tempfile::tempdir().unwrap();
		let disk = SnapshotDisk::open(base.path(), &[7; 32]).unwrap();
		let key = snapshots::snapshot_key(&AccountId::from([5u8; 32]), 3);
		disk.write(&key, b"v").unwrap();
		// An interrupted write leaves a temporary file, deleted on restoring; a directory is no
		// snapshot and is left alone.
		fs::write(disk.dir.join("6b.tmp"), b"half").unwrap();
		fs::create_dir(disk.dir.join("stray")).unwrap();
		let mut db = TestPersistentOffchainDB::new();
		assert_eq!(disk.restore_into(&mut db).unwrap(), 1);
		assert!(!disk.dir.join("6b.tmp").exists());
		assert_eq!(get(&db, &key).as_deref(), Some(&b"v"[..]));
		assert_eq!(disk.prune(&mut db, KEEP_FOR).unwrap(), 0, "recent and not forgotten");
		assert_eq!(disk.prune(&mut db, Duration::ZERO).unwrap(), 1);
		assert!(disk.files().unwrap().is_empty());
		// A file whose name is no snapshot key is deleted when restoring.
		disk.write(b"not a snapshot", b"x").unwrap();
		assert_eq!(disk.restore_into(&mut db).unwrap(), 0);
		assert!(disk.files().unwrap().is_empty());
	}
}

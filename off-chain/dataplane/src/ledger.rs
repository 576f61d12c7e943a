//! The receipt ledger: the latest receipt of each stream, made durable before the client is told
//! it was taken, and handed to the node's off-chain storage for the off-chain worker to report.
//!
//! Durability comes from an append-only **journal** in the data plane's directory: each receipt
//! is appended and the file synced (`fsync`) before the receipt is acknowledged. The sink (the
//! node's off-chain storage) is then updated; on start the journal is replayed into the sink,
//! so a receipt acknowledged just before a crash (`SIGKILL`, power loss) is reported all the
//! same. Merging into the sink is idempotent: it keeps the highest receipt of each stream.
//!
//! The journal is compacted on open: only the latest receipt of each stream of the recent
//! periods is rewritten (into a new file, synced, then renamed over the old one).

use crate::session::Receipt;
use codec::{Decode, Encode};
use parking_lot::Mutex;
use sp_core::crypto::AccountId32;
use spacebook_receipts::{ClientKey, SessionId};
use std::{
	collections::{BTreeMap, HashMap},
	fs,
	io::{self, Read, Write},
	path::{Path, PathBuf},
	sync::Arc,
};

/// Where acknowledged receipts go to be reported: the node's off-chain storage.
pub trait ReceiptSink: Send + Sync + 'static {
	/// Keep `receipt` unless the one kept for its stream has as many bytes. Returns whether it
	/// changed what is kept.
	fn keep(&self, receipt: &Receipt) -> Result<bool, String>;
}

/// A sink in memory, for tests and for running the data plane without a node.
#[derive(Default)]
pub struct MemorySink {
	kept: Mutex<BTreeMap<Vec<u8>, Receipt>>,
}

impl MemorySink {
	/// Everything kept, in stream-key order.
	pub fn receipts(&self) -> Vec<Receipt> {
		self.kept.lock().values().cloned().collect()
	}
}

impl ReceiptSink for MemorySink {
	fn keep(&self, receipt: &Receipt) -> Result<bool, String> {
		let mut kept = self.kept.lock();
		let key = receipt.receipt.stream_key();
		match kept.get(&key) {
			Some(old) if old.receipt.bytes >= receipt.receipt.bytes => Ok(false),
			_ => {
				kept.insert(key, receipt.clone());
				Ok(true)
			}
		}
	}
}

/// The durable receipt ledger.
pub struct Ledger {
	path: PathBuf,
	journal: Mutex<Journal<fs::File>>,
	sink: Arc<dyn ReceiptSink>,
	recent: Mutex<RecentStreams>,
}

/// The bytes of the latest receipt of each stream of the two newest periods (the periods a
/// peer takes receipts for): a session the peer forgot and opens again resumes from them.
#[derive(Default)]
struct RecentStreams {
	by_period: BTreeMap<u32, HashMap<(SessionId, ClientKey, AccountId32), u64>>,
}

impl RecentStreams {
	fn note(&mut self, receipt: &Receipt) {
		let r = &receipt.receipt;
		if self.by_period.len() >= 2 && self.by_period.keys().all(|p| *p > r.period) {
			return;
		}
		let bytes = self
			.by_period
			.entry(r.period)
			.or_default()
			.entry((r.session, r.client_key, r.dapp.clone()))
			.or_default();
		*bytes = (*bytes).max(r.bytes);
		while self.by_period.len() > 2 {
			self.by_period.pop_first();
		}
	}
}

/// What the journal needs of its file (a trait so that tests can make writes fail).
trait JournalFile: Write {
	fn len(&self) -> io::Result<u64>;
	fn sync_data(&self) -> io::Result<()>;
	fn set_len(&self, len: u64) -> io::Result<()>;
}

impl JournalFile for fs::File {
	fn len(&self) -> io::Result<u64> {
		Ok(self.metadata()?.len())
	}
	fn sync_data(&self) -> io::Result<()> {
		fs::File::sync_data(self)
	}
	fn set_len(&self, len: u64) -> io::Result<()> {
		fs::File::set_len(self, len)
	}
}

/// The open journal. A failed append is cut off again, so that the records after it stay
/// readable; if even that fails, the journal refuses every later append (the data plane then
/// acknowledges no receipt) until the node restarts and replays what is whole.
struct Journal<F> {
	file: F,
	broken: bool,
}

impl<F: JournalFile> Journal<F> {
	fn append(&mut self, bytes: &[u8]) -> io::Result<()> {
		if self.broken {
			return Err(io::Error::other(
				"the receipt journal could not be repaired after a failed write; restart the node",
			));
		}
		let before = self.file.len()?;
		let written = self.file.write_all(bytes).and_then(|()| self.file.sync_data());
		if let Err(e) = written {
			if self.file.set_len(before).and_then(|()| self.file.sync_data()).is_err() {
				self.broken = true;
			}
			return Err(e);
		}
		Ok(())
	}
}

/// Largest journal record accepted on replay (a receipt is ~200 bytes).
const MAX_RECORD: u32 = 4096;

fn read_journal(path: &Path) -> io::Result<Vec<Receipt>> {
	let mut raw = Vec::new();
	match fs::File::open(path) {
		Ok(mut f) => {
			f.read_to_end(&mut raw)?;
		}
		Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
		Err(e) => return Err(e),
	}
	let mut receipts = Vec::new();
	let mut rest = &raw[..];
	// Records: a little-endian u32 length, then the SCALE-encoded receipt. A torn last record
	// (a crash mid-append, never acknowledged) ends the replay.
	while rest.len() >= 4 {
		let len = u32::from_le_bytes(rest[..4].try_into().expect("4 bytes"));
		if len > MAX_RECORD || rest.len() < 4 + len as usize {
			break;
		}
		let mut record = &rest[4..4 + len as usize];
		match Receipt::decode(&mut record) {
			Ok(r) if record.is_empty() => receipts.push(r),
			_ => break,
		}
		rest = &rest[4 + len as usize..];
	}
	Ok(receipts)
}

fn record(receipt: &Receipt) -> Vec<u8> {
	let body = receipt.encode();
	let mut out = (body.len() as u32).to_le_bytes().to_vec();
	out.extend_from_slice(&body);
	out
}

impl Ledger {
	/// Open the journal at `path`, replay it into `sink`, and compact it to the latest receipt
	/// of each stream of periods from `oldest_period` on.
	pub fn open(
		path: impl Into<PathBuf>,
		sink: Arc<dyn ReceiptSink>,
		oldest_period: u32,
	) -> io::Result<Self> {
		let path = path.into();
		let mut latest: BTreeMap<Vec<u8>, Receipt> = BTreeMap::new();
		for receipt in read_journal(&path)? {
			if receipt.receipt.period < oldest_period {
				continue;
			}
			let key = receipt.receipt.stream_key();
			if latest.get(&key).is_none_or(|old| receipt.receipt.bytes > old.receipt.bytes) {
				latest.insert(key, receipt);
			}
		}
		// A receipt the sink refuses (its stream over a limit the sink enforces) is left out:
		// one journal record must not keep the node from starting.
		latest.retain(|_, receipt| match sink.keep(receipt) {
			Ok(_) => true,
			Err(e) => {
				log::warn!(target: "dataplane", "receipt ledger: a journal record is refused: {e}");
				false
			}
		});
		let compacted = path.with_extension("compacting");
		{
			let mut file = fs::File::create(&compacted)?;
			for receipt in latest.values() {
				file.write_all(&record(receipt))?;
			}
			file.sync_all()?;
		}
		fs::rename(&compacted, &path)?;
		if let Some(dir) = path.parent() {
			fs::File::open(dir)?.sync_all()?;
		}
		let file = fs::OpenOptions::new().append(true).open(&path)?;
		log::info!(target: "dataplane", "receipt ledger {path:?}: {} receipts replayed", latest.len());
		let mut recent = RecentStreams::default();
		for receipt in latest.values() {
			recent.note(receipt);
		}
		Ok(Ledger {
			path,
			journal: Mutex::new(Journal { file, broken: false }),
			sink,
			recent: Mutex::new(recent),
		})
	}

	/// Keep `receipt` in the sink and make it durable. Once this returns `Ok`, the receipt
	/// survives a crash. Blocking (it syncs the journal).
	///
	/// The sink takes it first: one it refuses is not journaled (nor acknowledged). One the
	/// sink took but the journal failed to keep is not acknowledged either; the client sends it
	/// again, and reporting it meanwhile is harmless.
	pub fn record(&self, receipt: &Receipt) -> io::Result<bool> {
		let changed = self.sink.keep(receipt).map_err(io::Error::other)?;
		self.journal.lock().append(&record(receipt))?;
		self.recent.lock().note(receipt);
		Ok(changed)
	}

	/// The bytes of the latest receipt recorded for the stream of `opening`'s session, DApp
	/// and client key in each of the two newest periods: what a session opened again resumes
	/// from.
	pub fn stream_history(&self, opening: &Receipt) -> Vec<(u32, u64)> {
		let r = &opening.receipt;
		let key = (r.session, r.client_key, r.dapp.clone());
		let recent = self.recent.lock();
		recent
			.by_period
			.iter()
			.filter_map(|(period, streams)| streams.get(&key).map(|bytes| (*period, *bytes)))
			.collect()
	}

	/// The journal's path.
	pub fn path(&self) -> &Path {
		&self.path
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use sp_core::{crypto::AccountId32, sr25519, Pair, H256};
	use spacebook_receipts::Receipt as Plain;

	fn receipt(session: u8, period: u32, bytes: u64) -> Receipt {
		let client = sr25519::Pair::from_string("//client", None).unwrap();
		Plain {
			period,
			session: [session; 16],
			server: AccountId32::new([1; 32]),
			dapp: AccountId32::new([2; 32]),
			client_key: client.public(),
			bytes,
		}
		.sign(&client, &H256::zero())
	}

	#[test]
	fn a_recorded_receipt_survives_a_restart_and_a_torn_record_is_dropped() {
		let dir = tempfile::tempdir().unwrap();
		let path = dir.path().join("receipts.journal");
		{
			let ledger = Ledger::open(&path, Arc::new(MemorySink::default()), 0).unwrap();
			assert!(ledger.record(&receipt(1, 5, 100)).unwrap());
			assert!(ledger.record(&receipt(1, 5, 300)).unwrap());
			assert!(!ledger.record(&receipt(1, 5, 200)).unwrap());
			ledger.record(&receipt(2, 4, 50)).unwrap();
			// Dropped without any shutdown, as a SIGKILL would.
		}
		// A crash mid-append leaves a torn record at the end.
		let mut f = fs::OpenOptions::new().append(true).open(&path).unwrap();
		f.write_all(&record(&receipt(3, 5, 999))[..20]).unwrap();
		drop(f);

		let sink = Arc::new(MemorySink::default());
		Ledger::open(&path, sink.clone(), 0).unwrap();
		let kept: Vec<(u8, u64)> =
			sink.receipts().iter().map(|r| (r.receipt.session[0], r.receipt.bytes)).collect();
		assert_eq!(kept, vec![(2, 50), (1, 300)], "stream-key order: period 4 first");
	}

	#[test]
	fn a_streams_history_of_the_two_newest_periods_survives_a_restart() {
		let dir = tempfile::tempdir().unwrap();
		let path = dir.path().join("receipts.journal");
		let ledger = Ledger::open(&path, Arc::new(MemorySink::default()), 0).unwrap();
		for (period, bytes) in [(4, 10), (5, 100), (5, 300), (6, 70)] {
			ledger.record(&receipt(1, period, bytes)).unwrap();
		}
		ledger.record(&receipt(2, 6, 5)).unwrap();
		// Too old to change the history any more.
		ledger.record(&receipt(1, 3, 1)).unwrap();
		assert_eq!(ledger.stream_history(&receipt(1, 6, 0)), vec![(5, 300), (6, 70)]);
		assert_eq!(ledger.stream_history(&receipt(2, 6, 0)), vec![(6, 5)]);
		assert!(ledger.stream_history(&receipt(3, 6, 0)).is_empty());
		drop(ledger);
		let reopened = Ledger::open(&path, Arc::new(MemorySink::default()), 0).unwrap();
		assert_eq!(reopened.stream_history(&receipt(1, 6, 0)), vec![(5, 300), (6, 70)]);
	}

	/// A journal file in memory whose writes fail after `fail_after` bytes, once.
	struct FailingFile {
		data: std::cell::RefCell<Vec<u8>>,
		fail_after: Option<usize>,
		truncate_fails: bool,
	}

	impl Write for FailingFile {
		fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
			match self.fail_after.take() {
				Some(n) => {
					self.data.borrow_mut().extend_from_slice(&buf[..n.min(buf.len())]);
					Err(io::Error::other("no space left on device"))
				}
				None => {
					self.data.borrow_mut().extend_from_slice(buf);
					Ok(buf.len())
				}
			}
		}
		fn flush(&mut self) -> io::Result<()> {
			Ok(())
		}
	}

	impl JournalFile for FailingFile {
		fn len(&self) -> io::Result<u64> {
			Ok(self.data.borrow().len() as u64)
		}
		fn sync_data(&self) -> io::Result<()> {
			Ok(())
		}
		fn set_len(&self, len: u64) -> io::Result<()> {
			if self.truncate_fails {
				return Err(io::Error::other("read-only"));
			}
			self.data.borrow_mut().truncate(len as usize);
			Ok(())
		}
	}

	#[test]
	fn a_failed_append_is_cut_off_so_later_receipts_replay() {
		let file =
			FailingFile { data: Default::default(), fail_after: None, truncate_fails: false };
		let mut journal = Journal { file, broken: false };
		journal.append(&record(&receipt(1, 5, 100))).unwrap();
		journal.file.fail_after = Some(10);
		assert!(journal.append(&record(&receipt(2, 5, 200))).is_err());
		journal.append(&record(&receipt(3, 5, 300))).unwrap();

		let dir = tempfile::tempdir().unwrap();
		let path = dir.path().join("receipts.journal");
		fs::write(&path, journal.file.data.borrow().as_slice()).unwrap();
		let sessions: Vec<u8> =
			read_journal(&path).unwrap().iter().map(|r| r.receipt.session[0]).collect();
		assert_eq!(sessions, vec![1, 3], "the receipt after the failed one is whole");
	}

	#[test]
	fn a_journal_that_cannot_be_repaired_refuses_later_appends() {
		let file =
			FailingFile { data: Default::default(), fail_after: Some(10), truncate_fails: true };
		let mut journal = Journal { file, broken: false };
		assert!(journal.append(&record(&receipt(1, 5, 100))).is_err());
		let err = journal.append(&record(&receipt(2, 5, 200))).unwrap_err();
		assert!(err.to_string().contains("restart the node"), "{err}");
		assert_eq!(journal.file.data.borrow().len(), 10, "nothing appended after the torn record");
	}

	#[test]
	fn compaction_keeps_the_latest_receipt_of_recent_periods() {
		let dir = tempfile::tempdir().unwrap();
		let path = dir.path().join("receipts.journal");
		{
			let ledger = Ledger::open(&path, Arc::new(MemorySink::default()), 0).unwrap();
			for bytes in 1..=50 {
				ledger.record(&receipt(1, 7, bytes)).unwrap();
			}
			ledger.record(&receipt(2, 3, 10)).unwrap();
		}
		let sink = Arc::new(MemorySink::default());
		Ledger::open(&path, sink.clone(), 5).unwrap();
		// (sr25519 signatures are randomized: compare what was signed.)
		let plain = |list: Vec<Receipt>| list.into_iter().map(|r| r.receipt).collect::<Vec<_>>();
		assert_eq!(plain(read_journal(&path).unwrap()), vec![receipt(1, 7, 50).receipt]);
		assert_eq!(plain(sink.receipts()), vec![receipt(1, 7, 50).receipt]);
	}
}

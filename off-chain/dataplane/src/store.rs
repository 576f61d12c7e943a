//! The content store of a serving peer: one directory per file under `<root>/files/<hash
//! index>/` with its bytes (`data`), its slice hashes (`slices`) and its info (`info.json`,
//! written last, so a file without it is an unfinished import and is ignored).
//!
//! Files are imported through a temporary file under `<root>/tmp/`, hashed slice by slice as
//! they are written, and moved into place only when whole: a crash never leaves a half file
//! that would be served. The methods do blocking I/O; async callers run them on a blocking
//! thread.
//!
//! **Uploads by DApps** ([`ContentStore::begin_upload`]) are recorded in the file's `uploads`
//! (`<DApp account hex> <address>` a line) and bounded until storage orders exist: an address
//! belongs to the DApp that first uploaded under it (no other DApp may add versions to it, nor
//! to addresses the peer's operator added), and a DApp stores at most its quota (the chain's
//! `DAppStorageQuota`) here, each distinct file it uploaded counted once at its length.
//!
//! **Replicas** ([`ContentStore::begin_replica`]) are files a storage order placed on this peer,
//! imported from other peers against the file's known slice list (every slice checked as it
//! closes) under the address [`replica_address`]; [`ContentStore::remove_replica`] drops one
//! that nothing else keeps here once its placements end.

use crate::content::{hash_index, Digest, FileInfo, HashIndex, SLICE_SIZE};
use parking_lot::{Mutex, RwLock};
use sp_core::crypto::AccountId32;
use std::{
	collections::{BTreeMap, HashMap, HashSet},
	fs,
	io::{self, Write},
	path::{Path, PathBuf},
	sync::{
		atomic::{AtomicU64, Ordering},
		Arc,
	},
};

/// The longest address, in bytes.
pub const MAX_ADDRESS_LEN: usize = 1024;

/// Why the store refused something.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
	/// Disk trouble.
	#[error("content store I/O: {0}")]
	Io(#[from] io::Error),
	/// An import of no bytes.
	#[error("a file must have at least one byte")]
	Empty,
	/// An import above the configured limit.
	#[error("the file is larger than this peer accepts ({0} bytes)")]
	TooLarge(u64),
	/// An address that is empty, too long or has control characters.
	#[error("an address is 1 to {MAX_ADDRESS_LEN} bytes without control characters")]
	BadAddress,
	/// An upload under an address that another DApp, or the peer's operator, stores files under.
	#[error("the address belongs to another DApp on this peer")]
	AddressTaken,
	/// An upload that would take the DApp above its storage quota on this peer.
	#[error("the upload would take the DApp above its storage quota here ({used} of {quota} bytes used)")]
	QuotaExceeded {
		/// Bytes the DApp stores here.
		used: u64,
		/// Its quota.
		quota: u64,
	},
	/// An import of a known file whose bytes are not that file's.
	#[error("the bytes are not the file's: {0}")]
	NotTheFile(String),
}

/// A stored file: its info and slice hashes, kept in memory (32 bytes a MiB).
#[derive(Clone, Debug)]
pub struct StoredFile {
	/// Its info.
	pub info: FileInfo,
	/// The hash of each slice.
	pub slices: Arc<Vec<Digest>>,
}

/// A directory of sliced, hash-indexed files.
pub struct ContentStore {
	root: PathBuf,
	files: RwLock<HashMap<HashIndex, StoredFile>>,
	names: RwLock<BTreeMap<String, Vec<HashIndex>>>,
	uploads: Mutex<Uploads>,
	next_tmp: AtomicU64,
}

/// Who uploaded what: the owner of each uploaded address and what each DApp stores.
#[derive(Default)]
struct Uploads {
	owners: HashMap<String, AccountId32>,
	used: HashMap<AccountId32, u64>,
	counted: HashSet<(AccountId32, HashIndex)>,
	/// Bytes of each DApp's uploads under way, written to temporary files.
	in_flight: HashMap<AccountId32, Arc<AtomicU64>>,
}

impl Uploads {
	/// Record that `dapp` uploaded the file `hash` of `length` bytes under `address`.
	fn record(&mut self, dapp: &AccountId32, hash: HashIndex, length: u64, address: &str) {
		self.owners.entry(address.to_owned()).or_insert_with(|| dapp.clone());
		if self.counted.insert((dapp.clone(), hash)) {
			let used = self.used.entry(dapp.clone()).or_default();
			*used = used.saturating_add(length);
		}
	}

	/// What uploading `length` more bytes of the file `hash` adds to what `dapp` stores.
	fn charge(&self, dapp: &AccountId32, hash: HashIndex, length: u64) -> u64 {
		if self.counted.contains(&(dapp.clone(), hash)) {
			0
		} else {
			length
		}
	}
}

/// The address a replica is listed under: `replica/<hash index>`.
pub fn replica_address(hash: &HashIndex) -> String {
	format!("replica/{hash}")
}

fn check_address(address: &str) -> Result<(), StoreError> {
	if address.is_empty()
		|| address.len() > MAX_ADDRESS_LEN
		|| address.chars().any(char::is_control)
	{
		return Err(StoreError::BadAddress);
	}
	Ok(())
}

impl ContentStore {
	/// Open (creating it if needed) the store at `root`, loading every complete file.
	pub fn open(root: impl Into<PathBuf>) -> Result<Self, StoreError> {
		let root = root.into();
		fs::create_dir_all(root.join("files"))?;
		// Unfinished imports of an earlier run are garbage.
		let _ = fs::remove_dir_all(root.join("tmp"));
		fs::create_dir_all(root.join("tmp"))?;
		let store = ContentStore {
			root,
			files: Default::default(),
			names: Default::default(),
			uploads: Default::default(),
			next_tmp: AtomicU64::new(0),
		};
		for entry in fs::read_dir(store.root.join("files"))? {
			let dir = entry?.path();
			match Self::load(&dir) {
				Ok(Some((file, addresses, uploads))) => {
					let mut recorded = store.uploads.lock();
					for (dapp, address) in uploads {
						recorded.record(&dapp, file.info.hash_index, file.info.length, &address);
					}
					drop(recorded);
					store.remember(file, &addresses)
				}
				Ok(None) => log::debug!(target: "dataplane", "skipping unfinished {dir:?}"),
				Err(e) => log::warn!(target: "dataplane", "skipping unreadable {dir:?}: {e}"),
			}
		}
		Ok(store)
	}

	#[allow(clippy::type_complexity)]
	fn load(
		dir: &Path,
	) -> io::Result<Option<(StoredFile, Vec<String>, Vec<(AccountId32, String)>)>> {
		let info = match fs::read(dir.join("info.json")) {
			Ok(raw) => raw,
			Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
			Err(e) => return Err(e),
		};
		let info: FileInfo = serde_json::from_slice(&info).map_err(io::Error::other)?;
		let raw = fs::read(dir.join("slices"))?;
		let slices = crate::content::verify_slice_list(&info, &raw).map_err(io::Error::other)?;
		let length = fs::metadata(dir.join("data"))?.len();
		if length != info.length {
			return Err(io::Error::other(format!("data has {length} bytes, not {}", info.length)));
		}
		let mut addresses = vec![info.address.clone()];
		match fs::read_to_string(dir.join("addresses")) {
			Ok(more) => addresses.extend(more.lines().map(str::to_owned)),
			Err(e) if e.kind() == io::ErrorKind::NotFound => {}
			Err(e) => return Err(e),
		}
		let mut uploads = Vec::new();
		match fs::read_to_string(dir.join("uploads")) {
			Ok(lines) => {
				for line in lines.lines() {
					// A torn last line (a crash while appending) is skipped: its upload was
					// never acknowledged.
					let parsed = line.split_once(' ').and_then(|(dapp, address)| {
						let mut raw = [0u8; 32];
						hex::decode_to_slice(dapp, &mut raw).ok()?;
						// A torn line may cut an address short: only the file's own count.
						addresses.iter().any(|a| a == address).then_some(())?;
						Some((AccountId32::new(raw), address.to_owned()))
					});
					uploads.extend(parsed);
				}
			}
			Err(e) if e.kind() == io::ErrorKind::NotFound => {}
			Err(e) => return Err(e),
		}
		Ok(Some((StoredFile { info, slices: Arc::new(slices) }, addresses, uploads)))
	}

	fn remember(&self, file: StoredFile, addresses: &[String]) {
		let mut names = self.names.write();
		for address in addresses {
			let listed = names.entry(address.clone()).or_default();
			if !listed.contains(&file.info.hash_index) {
				listed.push(file.info.hash_index);
			}
		}
		self.files.write().entry(file.info.hash_index).or_insert(file);
	}

	fn file_dir(&self, hash: &HashIndex) -> PathBuf {
		self.root.join("files").join(hash.to_string())
	}

	/// The file with hash index `hash`, if stored.
	pub fn get(&self, hash: &HashIndex) -> Option<StoredFile> {
		self.files.read().get(hash).cloned()
	}

	/// The directory the store keeps its files in.
	pub fn root(&self) -> &Path {
		&self.root
	}

	/// Where the bytes of the file `hash` are.
	pub fn data_path(&self, hash: &HashIndex) -> PathBuf {
		self.file_dir(hash).join("data")
	}

	/// The hash indices stored under `address`, oldest first.
	pub fn hash_indices(&self, address: &str) -> Vec<HashIndex> {
		self.names.read().get(address).cloned().unwrap_or_default()
	}

	/// The files listed under their replica address ([`replica_address`]).
	pub fn replicas(&self) -> Vec<HashIndex> {
		self.names
			.read()
			.range("replica/".to_owned()..)
			.take_while(|(address, _)| address.starts_with("replica/"))
			.flat_map(|(address, hashes)| {
				hashes.iter().filter(move |h| replica_address(h) == *address).copied()
			})
			.collect()
	}

	/// How many files are stored.
	pub fn file_count(&self) -> usize {
		self.files.read().len()
	}

	/// Bytes `dapp` uploaded here (each distinct file once).
	pub fn used_by(&self, dapp: &AccountId32) -> u64 {
		self.uploads.lock().used.get(dapp).copied().unwrap_or(0)
	}

	/// Why `dapp` may not upload `more` bytes under `address` within `quota`, if it may not.
	fn check_upload(
		&self,
		uploads: &Uploads,
		dapp: &AccountId32,
		address: &str,
		more: u64,
		quota: u64,
	) -> Result<(), StoreError> {
		match uploads.owners.get(address) {
			Some(owner) if owner != dapp => return Err(StoreError::AddressTaken),
			// Files the operator added (no upload record) are the operator's.
			None if !self.hash_indices(address).is_empty() => return Err(StoreError::AddressTaken),
			_ => {}
		}
		let used = uploads.used.get(dapp).copied().unwrap_or(0);
		if used.saturating_add(more) > quota {
			return Err(StoreError::QuotaExceeded { used, quota });
		}
		Ok(())
	}

	/// Start an upload by `dapp` of a file of at most `limit` bytes under `address`, within
	/// the DApp's `quota` of bytes stored here. [`finish_import`](Self::finish_import) checks
	/// the address and the quota again, as other uploads may have finished meanwhile.
	pub fn begin_upload(
		&self,
		address: &str,
		limit: u64,
		dapp: &AccountId32,
		quota: u64,
	) -> Result<Import, StoreError> {
		check_address(address)?;
		let (room, used, in_flight) = {
			let mut uploads = self.uploads.lock();
			self.check_upload(&uploads, dapp, address, 1, quota)?;
			let used = uploads.used.get(dapp).copied().unwrap_or(0);
			let in_flight = uploads.in_flight.entry(dapp.clone()).or_default().clone();
			(quota.saturating_sub(used), used, in_flight)
		};
		let mut import = self.begin_import(address, limit.min(room))?;
		if room < limit {
			import.quota_bound = Some(quota);
		}
		import.uploader = Some((dapp.clone(), quota));
		// The bytes it writes count, with the DApp's other uploads under way, against the
		// quota as it writes them: together its uploads never hold more than its room.
		import.in_flight = Some((in_flight, used, quota));
		Ok(import)
	}

	/// Start importing a file of at most `limit` bytes, to be listed under `address`.
	pub fn begin_import(&self, address: &str, limit: u64) -> Result<Import, StoreError> {
		check_address(address)?;
		let n = self.next_tmp.fetch_add(1, Ordering::Relaxed);
		let path = self.root.join("tmp").join(format!("import-{}-{n}", std::process::id()));
		let file = fs::File::create(&path)?;
		Ok(Import {
			address: address.to_owned(),
			uploader: None,
			quota_bound: None,
			in_flight: None,
			limit,
			path,
			file: Some(io::BufWriter::with_capacity(SLICE_SIZE as usize, file)),
			length: 0,
			slice: blake3_slice_hasher(),
			slice_len: 0,
			slices: Vec::new(),
			expected: None,
		})
	}

	/// Start importing a replica of the file `hash` of `length` bytes whose slice hashes are
	/// `slices` (checked against `hash` by the caller, e.g. with
	/// [`verify_slice_list`](crate::content::verify_slice_list)): a write past `length`, or a
	/// slice that does not hash to its entry, fails the import with
	/// [`StoreError::NotTheFile`], and so does a finish short of `length`.
	pub fn begin_replica(
		&self,
		hash: HashIndex,
		length: u64,
		slices: Arc<Vec<Digest>>,
	) -> Result<Import, StoreError> {
		let mut import = self.begin_import(&replica_address(&hash), length)?;
		import.expected = Some(Expected { hash, length, slices });
		Ok(import)
	}

	/// Whether the file `hash` is stored here as a replica and nothing else: no DApp uploaded
	/// it, the operator did not add it under another address
	/// ([`remove_replica`](Self::remove_replica) would remove it).
	pub fn is_only_a_replica(&self, hash: &HashIndex) -> bool {
		self.only_a_replica(&self.uploads.lock(), hash)
	}

	fn only_a_replica(&self, uploads: &Uploads, hash: &HashIndex) -> bool {
		if uploads.counted.iter().any(|(_, h)| h == hash) || self.get(hash).is_none() {
			return false;
		}
		let replica = replica_address(hash);
		let names = self.names.read();
		names.iter().all(|(address, hashes)| *address == replica || !hashes.contains(hash))
	}

	/// Remove the replica `hash` if nothing else keeps it here: no DApp uploaded it and the
	/// operator did not add it under another address. Whether it was removed.
	///
	/// Sessions reading it keep their open file (removed from the directory, not from the
	/// disk, until they close it).
	pub fn remove_replica(&self, hash: &HashIndex) -> Result<bool, StoreError> {
		// Under the uploads' lock: no upload of the same file finishes meanwhile.
		let uploads = self.uploads.lock();
		if !self.only_a_replica(&uploads, hash) {
			return Ok(false);
		}
		let replica = replica_address(hash);
		// Moved out of place under the uploads' lock (an import of the same file finishing
		// next puts a directory of its own there), then deleted outside it. A crash between
		// the two leaves it in `tmp/`, which the next open clears.
		let dir = self.file_dir(hash);
		let n = self.next_tmp.fetch_add(1, Ordering::Relaxed);
		let gone = self.root.join("tmp").join(format!("removed-{}-{n}", std::process::id()));
		fs::rename(&dir, &gone)?;
		self.files.write().remove(hash);
		self.names.write().remove(&replica);
		drop(uploads);
		let _ = fs::remove_dir_all(&gone);
		Ok(true)
	}

	/// Finish `import`: make the file durable, move it into place and list it. Importing a file
	/// already stored only adds the address; its info keeps the address it was first added under.
	pub fn finish_import(&self, mut import: Import) -> Result<FileInfo, StoreError> {
		if import.slice_len > 0 {
			import.close_slice()?;
		}
		if let Some(expected) = &import.expected {
			if import.length != expected.length || hash_index(&import.slices) != Some(expected.hash)
			{
				return Err(StoreError::NotTheFile(format!(
					"{} bytes of the file's {}",
					import.length, expected.length
				)));
			}
		}
		let Some(hash) = hash_index(&import.slices) else {
			let _ = fs::remove_file(&import.path);
			return Err(StoreError::Empty);
		};
		let info = FileInfo {
			address: import.address.clone(),
			hash_index: hash,
			length: import.length,
			slice_count: import.slices.len() as u64,
			slice_size: SLICE_SIZE,
		};
		let file = import.file.take().expect("set until finished").into_inner();
		let file = file.map_err(|e| e.into_error())?;
		// The bytes are synced before the lock: only small files are written under it.
		if self.get(&hash).is_none() {
			file.sync_all()?;
		}
		// Uploads finish one at a time, so that each sees the others' charges.
		let mut uploads = self.uploads.lock();
		if let Some((dapp, quota)) = &import.uploader {
			let charge = uploads.charge(dapp, hash, info.length);
			self.check_upload(&uploads, dapp, &import.address, charge, *quota)?;
		}
		// The upload's line, written durably; recorded in memory only once everything is.
		let uploaded = |dir: &Path, uploads: &Uploads| -> io::Result<()> {
			if let Some((dapp, _)) = &import.uploader {
				let owned = uploads.owners.get(&import.address) == Some(dapp);
				if owned && uploads.counted.contains(&(dapp.clone(), hash)) {
					return Ok(());
				}
				let mut list =
					fs::OpenOptions::new().create(true).append(true).open(dir.join("uploads"))?;
				writeln!(list, "{} {}", hex::encode(dapp), import.address)?;
				list.sync_all()?;
			}
			Ok(())
		};
		let record = |uploads: &mut Uploads| {
			if let Some((dapp, _)) = &import.uploader {
				uploads.record(dapp, hash, info.length, &import.address);
			}
		};
		if let Some(existing) = self.get(&hash) {
			drop(file);
			let _ = fs::remove_file(&import.path);
			uploaded(&self.file_dir(&hash), &uploads)?;
			if !self.hash_indices(&import.address).contains(&hash) {
				let mut list = fs::OpenOptions::new()
					.create(true)
					.append(true)
					.open(self.file_dir(&hash).join("addresses"))?;
				writeln!(list, "{}", import.address)?;
				list.sync_all()?;
				self.remember(existing.clone(), &[import.address.clone()]);
			}
			record(&mut uploads);
			return Ok(existing.info);
		}
		// Stored meanwhile by nobody (the check above was before the lock): synced then.
		file.sync_all()?;
		drop(file);
		let dir = self.file_dir(&hash);
		let _ = fs::remove_dir_all(&dir);
		fs::create_dir_all(&dir)?;
		fs::rename(&import.path, dir.join("data"))?;
		let raw: Vec<u8> = import.slices.iter().flat_map(|h| h.0).collect();
		write_durably(&dir.join("slices"), &raw)?;
		// Before info.json: a file is loaded only once whole, with its uploads.
		uploaded(&dir, &uploads)?;
		let json = serde_json::to_vec_pretty(&info).map_err(io::Error::other)?;
		write_durably(&dir.join("info.json"), &json)?;
		fs::File::open(&dir)?.sync_all()?;
		record(&mut uploads);
		let slices = Arc::new(std::mem::take(&mut import.slices));
		self.remember(
			StoredFile { info: info.clone(), slices },
			std::slice::from_ref(&info.address),
		);
		Ok(info)
	}

	/// Import the file at `path` under `address`.
	pub fn add_path(&self, path: &Path, address: &str) -> Result<FileInfo, StoreError> {
		let mut import = self.begin_import(address, u64::MAX)?;
		let mut source = fs::File::open(path)?;
		io::copy(&mut source, &mut import)?;
		self.finish_import(import)
	}
}

fn write_durably(path: &Path, bytes: &[u8]) -> io::Result<()> {
	let mut file = fs::File::create(path)?;
	file.write_all(bytes)?;
	file.sync_all()
}

fn blake3_slice_hasher() -> blake3::Hasher {
	let mut hasher = blake3::Hasher::new();
	hasher.update(&[0]);
	hasher
}

/// A file being imported: write its bytes, then [`ContentStore::finish_import`].
pub struct Import {
	address: String,
	/// The uploading DApp and its quota, for an upload.
	uploader: Option<(AccountId32, u64)>,
	/// The quota, when it (not the size limit) bounds the import.
	quota_bound: Option<u64>,
	/// For an upload: the bytes its DApp's uploads under way wrote, what the DApp stored when
	/// it began, and its quota.
	in_flight: Option<(Arc<AtomicU64>, u64, u64)>,
	limit: u64,
	path: PathBuf,
	file: Option<io::BufWriter<fs::File>>,
	length: u64,
	slice: blake3::Hasher,
	slice_len: u64,
	slices: Vec<Digest>,
	/// For a replica: the file it must be.
	expected: Option<Expected>,
}

/// The file a replica's import must turn out to be.
struct Expected {
	hash: HashIndex,
	length: u64,
	slices: Arc<Vec<Digest>>,
}

impl Import {
	fn close_slice(&mut self) -> Result<(), StoreError> {
		let hasher = std::mem::replace(&mut self.slice, blake3_slice_hasher());
		let digest = Digest(*hasher.finalize().as_bytes());
		let index = self.slices.len();
		self.slices.push(digest);
		self.slice_len = 0;
		match &self.expected {
			Some(expected) if expected.slices.get(index) != Some(&digest) => {
				Err(StoreError::NotTheFile(format!("slice {index} does not hash to its entry")))
			}
			_ => Ok(()),
		}
	}

	/// Bytes written so far.
	pub fn length(&self) -> u64 {
		self.length
	}
}

impl Write for Import {
	fn write(&mut self, mut buf: &[u8]) -> io::Result<usize> {
		let written = buf.len();
		if self.length.saturating_add(written as u64) > self.limit {
			return Err(io::Error::other(match (&self.expected, self.quota_bound) {
				(Some(expected), _) => StoreError::NotTheFile(format!(
					"more than the file's {} bytes",
					expected.length
				)),
				(None, Some(quota)) => {
					StoreError::QuotaExceeded { used: quota - self.limit, quota }
				}
				(None, None) => StoreError::TooLarge(self.limit),
			}));
		}
		if let Some((in_flight, used, quota)) = &self.in_flight {
			let all = in_flight.fetch_add(written as u64, Ordering::Relaxed) + written as u64;
			if used.saturating_add(all) > *quota {
				in_flight.fetch_sub(written as u64, Ordering::Relaxed);
				return Err(io::Error::other(StoreError::QuotaExceeded {
					used: *used,
					quota: *quota,
				}));
			}
		}
		let file = self.file.as_mut().ok_or_else(|| io::Error::other("import finished"));
		if let Err(e) = file.and_then(|f| f.write_all(buf)) {
			if let Some((in_flight, ..)) = &self.in_flight {
				in_flight.fetch_sub(written as u64, Ordering::Relaxed);
			}
			return Err(e);
		}
		self.length += written as u64;
		while !buf.is_empty() {
			let take = ((SLICE_SIZE - self.slice_len) as usize).min(buf.len());
			self.slice.update(&buf[..take]);
			self.slice_len += take as u64;
			buf = &buf[take..];
			if self.slice_len == SLICE_SIZE {
				self.close_slice().map_err(io::Error::other)?;
			}
		}
		Ok(written)
	}

	fn flush(&mut self) -> io::Result<()> {
		self.file.as_mut().map_or(Ok(()), |f| f.flush())
	}
}

impl Drop for Import {
	fn drop(&mut self) {
		if let Some((in_flight, ..)) = &self.in_flight {
			in_flight.fetch_sub(self.length, Ordering::Relaxed);
		}
		// A finished import has moved its file away; an abandoned one leaves nothing behind.
		let _ = fs::remove_file(&self.path);
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::content::{slice_count, slice_hash, slice_range};

	fn bytes(n: usize) -> Vec<u8> {
		(0..n).map(|i| (i * 7 % 251) as u8).collect()
	}

	#[test]
	fn import_slices_hashes_and_survives_a_reopen() {
		let dir = tempfile::tempdir().unwrap();
		let data = bytes(2 * SLICE_SIZE as usize + 123);
		let store = ContentStore::open(dir.path()).unwrap();
		let mut import = store.begin_import("videos/a.bin", u64::MAX).unwrap();
		// Odd write sizes, across slice boundaries.
		for chunk in data.chunks(300_007) {
			import.write_all(chunk).unwrap();
		}
		let info = store.finish_import(import).unwrap();
		assert_eq!(info.length, data.len() as u64);
		assert_eq!(info.slice_count, slice_count(data.len() as u64));
		let expected: Vec<Digest> = (0..3)
			.map(|i| {
				let (a, b) = slice_range(i, data.len() as u64);
				slice_hash(&data[a as usize..b as usize])
			})
			.collect();
		assert_eq!(Some(info.hash_index), hash_index(&expected));
		assert_eq!(fs::read(store.data_path(&info.hash_index)).unwrap(), data);

		let reopened = ContentStore::open(dir.path()).unwrap();
		let file = reopened.get(&info.hash_index).unwrap();
		assert_eq!(file.info, info);
		assert_eq!(*file.slices, expected);
		assert_eq!(reopened.hash_indices("videos/a.bin"), vec![info.hash_index]);
		assert!(reopened.hash_indices("nothing").is_empty());
	}

	#[test]
	fn bad_imports_leave_nothing_behind() {
		let dir = tempfile::tempdir().unwrap();
		let store = ContentStore::open(dir.path()).unwrap();
		assert!(matches!(store.begin_import("", 10), Err(StoreError::BadAddress)));
		assert!(matches!(store.begin_import("a\nb", 10), Err(StoreError::BadAddress)));
		let empty = store.begin_import("empty", 10).unwrap();
		assert!(matches!(store.finish_import(empty), Err(StoreError::Empty)));
		let mut big = store.begin_import("big", 10).unwrap();
		assert!(big.write_all(&[0; 11]).is_err());
		drop(big);
		assert_eq!(store.file_count(), 0);
		assert_eq!(fs::read_dir(dir.path().join("tmp")).unwrap().count(), 0);
		// An import cut short by a crash (no info.json) is not loaded.
		fs::create_dir_all(dir.path().join("files").join("00")).unwrap();
		assert_eq!(ContentStore::open(dir.path()).unwrap().file_count(), 0);
	}

	#[test]
	fn the_same_bytes_under_two_addresses_are_stored_once() {
		let dir = tempfile::tempdir().unwrap();
		let store = ContentStore::open(dir.path()).unwrap();
		let src = dir.path().join("src.bin");
		fs::write(&src, bytes(5000)).unwrap();
		let a = store.add_path(&src, "a").unwrap();
		let b = store.add_path(&src, "b").unwrap();
		assert_eq!(a.hash_index, b.hash_index);
		assert_eq!(b.address, "a", "the info keeps the first address");
		assert_eq!(store.file_count(), 1);
		assert_eq!(store.hash_indices("b"), vec![a.hash_index]);
		let reopened = ContentStore::open(dir.path()).unwrap();
		assert_eq!(reopened.hash_indices("a"), vec![a.hash_index]);
		assert_eq!(reopened.hash_indices("b"), vec![a.hash_index]);
	}

	fn dapp(n: u8) -> AccountId32 {
		AccountId32::new([n; 32])
	}

	fn upload(
		store: &ContentStore,
		who: &AccountId32,
		address: &str,
		data: &[u8],
		quota: u64,
	) -> Result<FileInfo, StoreError> {
		let mut import = store.begin_upload(address, u64::MAX, who, quota)?;
		import.write_all(data).map_err(|e| match e.into_inner() {
			Some(inner) => *inner.downcast::<StoreError>().expect("a store error"),
			None => StoreError::Empty,
		})?;
		store.finish_import(import)
	}

	/// Issue 14, finding 3: any session could upload under any address, adding versions to
	/// another DApp's files (whose clients take the newest).
	#[test]
	fn an_address_belongs_to_the_dapp_that_first_uploaded_under_it() {
		let dir = tempfile::tempdir().unwrap();
		let store = ContentStore::open(dir.path()).unwrap();
		let (a, b) = (dapp(1), dapp(2));
		let first = upload(&store, &a, "site/index.html", &bytes(100), 1 << 20).unwrap();
		assert!(matches!(
			upload(&store, &b, "site/index.html", &bytes(200), 1 << 20),
			Err(StoreError::AddressTaken)
		));
		// The owner adds versions.
		let second = upload(&store, &a, "site/index.html", &bytes(300), 1 << 20).unwrap();
		assert_eq!(
			store.hash_indices("site/index.html"),
			vec![first.hash_index, second.hash_index]
		);
		// What the operator added is the operator's.
		let src = dir.path().join("src.bin");
		fs::write(&src, bytes(50)).unwrap();
		store.add_path(&src, "operator/file").unwrap();
		assert!(matches!(
			upload(&store, &a, "operator/file", &bytes(10), 1 << 20),
			Err(StoreError::AddressTaken)
		));
		// B's own address is B's, even for bytes A stores too.
		let same = upload(&store, &b, "b/copy", &bytes(100), 1 << 20).unwrap();
		assert_eq!(same.hash_index, first.hash_index);
		// Kept across a restart.
		let reopened = ContentStore::open(dir.path()).unwrap();
		assert!(matches!(
			upload(&reopened, &b, "site/index.html", &bytes(7), 1 << 20),
			Err(StoreError::AddressTaken)
		));
		assert!(upload(&reopened, &a, "site/index.html", &bytes(8), 1 << 20).is_ok());
		assert!(upload(&reopened, &b, "b/copy", &bytes(9), 1 << 20).is_ok());
	}

	/// Issue 14, finding 3: uploads had no quota; one session could fill the peer's disk.
	#[test]
	fn a_dapp_stores_at_most_its_quota_each_file_counted_once() {
		let dir = tempfile::tempdir().unwrap();
		let store = ContentStore::open(dir.path()).unwrap();
		let (a, b) = (dapp(1), dapp(2));
		let quota = 5000;
		upload(&store, &a, "one", &bytes(2000), quota).unwrap();
		assert_eq!(store.used_by(&a), 2000);
		// Cut off while writing past the quota, leaving nothing behind.
		let err = upload(&store, &a, "two", &vec![9u8; 4000], quota).unwrap_err();
		assert!(matches!(err, StoreError::QuotaExceeded { used: 2000, quota: 5000 }), "{err}");
		assert_eq!(fs::read_dir(dir.path().join("tmp")).unwrap().count(), 0);
		// The same bytes again, under another address of its own, cost nothing more.
		upload(&store, &a, "one-again", &bytes(2000), quota).unwrap();
		assert_eq!(store.used_by(&a), 2000);
		// Another DApp has its own quota.
		upload(&store, &b, "b", &vec![9u8; 2000], quota).unwrap();
		assert_eq!(store.used_by(&b), 2000);
		// Two uploads under way together: the second is cut off while writing, its bytes and
		// the first's together above the room (review of issue 14: they counted only at the
		// end, so each could fill a temporary file up to the whole room).
		let mut x = store.begin_upload("x", u64::MAX, &b, quota).unwrap();
		let mut y = store.begin_upload("y", u64::MAX, &b, quota).unwrap();
		x.write_all(&vec![1u8; 1600]).unwrap();
		let err = y.write_all(&vec![2u8; 1600]).unwrap_err();
		assert!(err.to_string().contains("quota"), "{err}");
		drop(y);
		store.finish_import(x).unwrap();
		assert_eq!(store.used_by(&b), 3600);
		// Finished or dropped, an upload no longer counts as under way.
		let mut w = store.begin_upload("w", u64::MAX, &b, quota).unwrap();
		w.write_all(&vec![3u8; 1400]).unwrap();
		assert!(store.finish_import(w).is_ok());
		assert_eq!(store.used_by(&b), 5000);
		// Two uploads begun together, each within the room when it ends: the second to finish
		// finds the first's charge.
		let c = dapp(3);
		let mut p = store.begin_upload("p", u64::MAX, &c, 1000).unwrap();
		let mut q = store.begin_upload("q", u64::MAX, &c, 1000).unwrap();
		p.write_all(&vec![1u8; 600]).unwrap();
		store.finish_import(p).unwrap();
		q.write_all(&vec![2u8; 300]).unwrap();
		assert!(store.finish_import(q).is_ok());
		assert_eq!(store.used_by(&c), 900);
		assert_eq!(fs::read_dir(dir.path().join("tmp")).unwrap().count(), 0);
		// A quota lowered below the use takes no upload.
		assert!(matches!(
			store.begin_upload("z", u64::MAX, &a, 1000),
			Err(StoreError::QuotaExceeded { used: 2000, quota: 1000 })
		));
		let reopened = ContentStore::open(dir.path()).unwrap();
		assert_eq!((reopened.used_by(&a), reopened.used_by(&b)), (2000, 5000));
	}
}

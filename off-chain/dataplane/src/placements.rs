//! The placement worker of a professional peer: it keeps the peer's content store in line with
//! the storage orders that place it (`pallet-scheduling`).
//!
//! Each [`PlacementWorker::pass`] (the node runs one per imported block):
//!
//! - **notes** for every placement whether the store holds its file whole
//!   ([`PlacementChain::note_stored`]: the off-chain storage note the scheduling pallet's
//!   off-chain worker confirms the placement from), only when that changed;
//! - **fetches** the files of placements the store lacks, from the peers the chain lists as
//!   their holders: the file's info and slice list first (checked against the hash index the
//!   order names), then the bytes as a replica ([`crate::protocol::ReplicaRequest`], signed by
//!   the peer key), each slice checked as it arrives; a source that sends other bytes is
//!   dropped for the next. At most [`WorkerConfig::parallel`] fetches run at once; a file no
//!   source could give is tried again after [`WorkerConfig::retry_after`];
//! - **removes** replicas no placement asks for any more, once they have gone unasked for
//!   [`WorkerConfig::keep_after_end`] (a placement re-read at the next block, a fork, keeps
//!   them), unless a DApp uploaded them here or the operator added them.
//!
//! The first copy of a file comes from its DApp (an upload to a placed peer); the others from
//! the peers that hold it.

use crate::{
	content::{verify_slice_list, FileInfo, HashIndex, SLICE_SIZE},
	protocol::{self, ReplicaRequest, PREFIX, REPLICA_HEADER},
	store::{ContentStore, StoreError},
};
use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper::{Request, StatusCode};
use hyper_util::rt::TokioIo;
use parking_lot::Mutex;
use sp_core::{crypto::AccountId32, sr25519, H256};
use std::{
	collections::{HashMap, HashSet},
	io::Write,
	sync::Arc,
	time::{Duration, Instant},
};

/// A file a storage order places this peer to store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Task {
	/// Its hash index.
	pub hash_index: HashIndex,
	/// Its length in bytes, as the order names it.
	pub length: u64,
}

/// What the placement worker needs of the chain and the node.
pub trait PlacementChain: Send + Sync + 'static {
	/// The files this peer's placements store or are to fetch (an error when the chain cannot
	/// be read: nothing is removed then).
	fn tasks(&self) -> Result<Vec<Task>, String>;
	/// The data plane endpoints (`http://host:port`) and accounts of other peers the chain
	/// lists as storing `hash`, best first.
	fn sources(&self, hash: &HashIndex) -> Vec<(String, AccountId32)>;
	/// Note, where the scheduling pallet's off-chain worker reads it, whether the store holds
	/// the file `hash` of `length` bytes whole and checked.
	fn note_stored(&self, hash: &HashIndex, length: u64, stored: bool);
	/// This node's peer key (`spbp`), registered to the peer.
	fn peer_key(&self) -> Option<sr25519::Public>;
	/// Sign `payload` with the peer key `key`.
	fn sign(&self, key: &sr25519::Public, payload: &[u8]) -> Option<sr25519::Signature>;
}

/// How the placement worker works.
#[derive(Clone, Debug)]
pub struct WorkerConfig {
	/// The chain's genesis hash, which replica requests are signed for.
	pub genesis_hash: H256,
	/// Fetches under way at once.
	pub parallel: usize,
	/// How long a file no source could give waits before it is tried again.
	pub retry_after: Duration,
	/// How long a replica no placement asks for is kept before it is removed.
	pub keep_after_end: Duration,
	/// How long a source may take to answer, or to send the next bytes of a replica; also the
	/// grace before [`min_rate`](Self::min_rate) applies.
	pub source_timeout: Duration,
	/// The slowest a replica may come, in bytes a second on average: a slower source is left
	/// for the next.
	pub min_rate: u64,
	/// Bytes the content store's filesystem keeps free: a fetch that would go below is not
	/// started (or is stopped), and tried again later.
	pub min_free_space: u64,
}

impl WorkerConfig {
	/// Defaults for the chain of `genesis_hash`.
	pub fn new(genesis_hash: H256) -> Self {
		WorkerConfig {
			genesis_hash,
			parallel: 2,
			retry_after: Duration::from_secs(10),
			keep_after_end: Duration::from_secs(600),
			source_timeout: Duration::from_secs(30),
			// What a serving peer's own replicas must keep up (`crate::replicas::MIN_RATE`).
			min_rate: crate::replicas::MIN_RATE,
			min_free_space: 2 << 30,
		}
	}
}

/// Why a fetch from one source failed.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
	/// The endpoint is not `http://host:port`.
	#[error("{0}: not an http://host:port endpoint")]
	BadEndpoint(String),
	/// The source could not be reached, or broke off.
	#[error("{0}: {1}")]
	Unreachable(String, String),
	/// The source answered with an error.
	#[error("{0} answered {1}")]
	Refused(String, StatusCode),
	/// The source sent something other than the file the order names.
	#[error("{0} sent another file: {1}")]
	NotTheFile(String, String),
	/// This node's store failed.
	#[error("the content store: {0}")]
	Store(#[from] StoreError),
	/// This node has no peer key to sign with.
	#[error("no peer key (spbp) to sign the replica request with")]
	NoKey,
	/// The store's filesystem has no room for the file above the free-space floor.
	#[error("{free} bytes free, below the floor of {floor} plus the file's {length}")]
	NoRoom {
		/// Bytes free.
		free: u64,
		/// The floor kept free.
		floor: u64,
		/// The file's length.
		length: u64,
	},
}

/// What a pass did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PassReport {
	/// The files the chain asked this peer to store (its placements' and backups'); `None` if
	/// the chain could not be read.
	pub tasks: Option<Vec<HashIndex>>,
	/// Fetches started.
	pub started: Vec<HashIndex>,
	/// Replicas removed.
	pub removed: Vec<HashIndex>,
}

/// What the worker remembers between passes.
#[derive(Default)]
struct State {
	/// The last note written per file (`None`: not written since start).
	noted: HashMap<HashIndex, bool>,
	/// Fetches under way.
	fetching: HashSet<HashIndex>,
	/// When a file's last fetch failed.
	failed: HashMap<HashIndex, Instant>,
	/// Since when a stored replica has been asked for by no placement.
	unasked: HashMap<HashIndex, Instant>,
	/// Fetches started per file: each starts at the next source, so that one source that
	/// fails slowly does not hold a file back for ever.
	attempts: HashMap<HashIndex, usize>,
}

/// The placement worker (see the module's documentation).
pub struct PlacementWorker {
	store: Arc<ContentStore>,
	chain: Arc<dyn PlacementChain>,
	server: AccountId32,
	config: WorkerConfig,
	state: Mutex<State>,
	metrics: crate::metrics::PlacementMetrics,
}

impl PlacementWorker {
	/// A worker for the peer `server` (this node's account) over `store`.
	pub fn new(
		store: Arc<ContentStore>,
		chain: Arc<dyn PlacementChain>,
		server: AccountId32,
		config: WorkerConfig,
	) -> Arc<Self> {
		let metrics = crate::metrics::PlacementMetrics::new()
			.expect("the placement series have valid constant names; qed");
		Arc::new(PlacementWorker {
			store,
			chain,
			server,
			config,
			state: Default::default(),
			metrics,
		})
	}

	/// The Prometheus series, for the node to register and tests to read.
	pub fn metrics(&self) -> &crate::metrics::PlacementMetrics {
		&self.metrics
	}

	/// The peer this worker fetches for.
	pub fn server(&self) -> &AccountId32 {
		&self.server
	}

	/// Fetches under way.
	pub fn fetching(&self) -> usize {
		self.state.lock().fetching.len()
	}

	/// One pass (see the module's documentation); fetches it starts run on their own tasks.
	pub fn pass(self: &Arc<Self>) -> PassReport {
		let mut report = PassReport::default();
		let tasks = match self.chain.tasks() {
			Ok(tasks) => tasks,
			Err(e) => {
				log::debug!(target: "dataplane", "placements unread: {e}");
				return report;
			}
		};
		let now = Instant::now();
		let asked: HashSet<HashIndex> = tasks.iter().map(|t| t.hash_index).collect();
		report.tasks = Some(tasks.iter().map(|t| t.hash_index).collect());
		for task in &tasks {
			let stored = self.note(task);
			let mut state = self.state.lock();
			state.unasked.remove(&task.hash_index);
			if stored || state.fetching.contains(&task.hash_index) {
				continue;
			}
			let waiting = state
				.failed
				.get(&task.hash_index)
				.is_some_and(|at| now.duration_since(*at) < self.config.retry_after);
			if waiting || state.fetching.len() >= self.config.parallel.max(1) {
				continue;
			}
			state.fetching.insert(task.hash_index);
			self.metrics.fetching.set(state.fetching.len() as u64);
			drop(state);
			report.started.push(task.hash_index);
			let worker = self.clone();
			let task = *task;
			tokio::spawn(async move {
				let fetched = worker.fetch(&task).await;
				let mut state = worker.state.lock();
				state.fetching.remove(&task.hash_index);
				worker.metrics.fetching.set(state.fetching.len() as u64);
				match fetched {
					Ok(info) => {
						state.failed.remove(&task.hash_index);
						worker.metrics.fetches.with_label_values(&["stored"]).inc();
						worker.metrics.bytes_fetched.inc_by(info.length);
					}
					Err(e) => {
						log::info!(target: "dataplane", "fetching {}: {e}", task.hash_index);
						state.failed.insert(task.hash_index, Instant::now());
						worker.metrics.fetches.with_label_values(&["failed"]).inc();
					}
				}
			});
		}
		// Replicas nothing asks for any more, removed once they stayed so long enough.
		let replicas: Vec<HashIndex> =
			self.store.replicas().into_iter().filter(|hash| !asked.contains(hash)).collect();
		let mut state = self.state.lock();
		state.unasked.retain(|hash, _| replicas.contains(hash));
		let mut due = Vec::new();
		for hash in replicas {
			let since = *state.unasked.entry(hash).or_insert(now);
			if now.duration_since(since) >= self.config.keep_after_end {
				due.push(hash);
			}
		}
		state.failed.retain(|hash, _| asked.contains(hash));
		state.attempts.retain(|hash, _| asked.contains(hash));
		drop(state);
		for hash in due {
			if !self.store.is_only_a_replica(&hash) {
				// A DApp's upload or the operator's file: kept, and asked about again later.
				self.state.lock().unasked.remove(&hash);
				continue;
			}
			// Noted as gone first: a crash between the two leaves no note of a file not held.
			if let Some(length) = self.store.get(&hash).map(|f| f.info.length) {
				self.chain.note_stored(&hash, length, false);
				self.state.lock().noted.remove(&hash);
			}
			match self.store.remove_replica(&hash) {
				Ok(true) => {
					log::info!(target: "dataplane", "removed the replica {hash}: no placement keeps it");
					self.metrics.replicas_removed.inc();
					report.removed.push(hash);
				}
				Ok(false) => {}
				Err(e) => log::warn!(target: "dataplane", "removing the replica {hash}: {e}"),
			}
			self.state.lock().unasked.remove(&hash);
		}
		report
	}

	/// Note whether the store holds `task`'s file whole (at its length), if that changed since
	/// the last note (every task is noted at the first pass after a start); whether it does.
	fn note(&self, task: &Task) -> bool {
		// Under the lock: a fetch finishing meanwhile notes after this one, not before.
		let mut state = self.state.lock();
		let stored = self.store.get(&task.hash_index).is_some_and(|f| f.info.length == task.length);
		if state.noted.get(&task.hash_index) != Some(&stored) {
			self.chain.note_stored(&task.hash_index, task.length, stored);
			state.noted.insert(task.hash_index, stored);
		}
		stored
	}

	/// Fetch `task`'s file from the first source that gives it whole, and note it stored.
	pub async fn fetch(&self, task: &Task) -> Result<FileInfo, FetchError> {
		let mut last = None;
		let mut sources = self.chain.sources(&task.hash_index);
		if !sources.is_empty() {
			let mut state = self.state.lock();
			let attempt = state.attempts.entry(task.hash_index).or_default();
			let count = sources.len();
			sources.rotate_left(*attempt % count);
			*attempt += 1;
		}
		for (endpoint, server) in sources {
			match self.fetch_from(&endpoint, &server, task).await {
				Ok(info) => {
					log::info!(
						target: "dataplane",
						"📥 stored {} ({} bytes) from {endpoint} for a placement",
						info.hash_index, info.length
					);
					self.note(task);
					return Ok(info);
				}
				Err(e @ (FetchError::Store(_) | FetchError::NoKey | FetchError::NoRoom { .. })) => {
					return Err(e)
				}
				Err(e) => {
					log::debug!(target: "dataplane", "fetching {}: {e}", task.hash_index);
					last = Some(e);
				}
			}
		}
		Err(last.unwrap_or_else(|| {
			FetchError::Unreachable("the chain".into(), "lists no other holder yet".into())
		}))
	}

	/// Whether the store has room for `length` more bytes above the floor.
	fn room_for(&self, length: u64) -> Result<(), FetchError> {
		let floor = self.config.min_free_space;
		let free = crate::limits::free_space(self.store.root())
			.map_err(|e| FetchError::Store(StoreError::Io(e)))?;
		if free < floor.saturating_add(length) {
			return Err(FetchError::NoRoom { free, floor, length });
		}
		Ok(())
	}

	/// Fetch `task`'s file from `endpoint`, the data plane of the peer `server`.
	pub async fn fetch_from(
		&self,
		endpoint: &str,
		server: &AccountId32,
		task: &Task,
	) -> Result<FileInfo, FetchError> {
		self.room_for(task.length)?;
		let mut source = Source::open(endpoint, self.config.source_timeout).await?;
		let hash = task.hash_index;
		let not_the_file = |what: String| FetchError::NotTheFile(endpoint.to_owned(), what);
		// The peer the chain lists, not another one whose account a source names to get a
		// request signed for it.
		let status: protocol::Status = source.json(&format!("{PREFIX}/status"), 4096).await?;
		if status.server != *server {
			return Err(FetchError::Unreachable(
				endpoint.to_owned(),
				format!("serves as {}, the chain lists {server} there", status.server),
			));
		}
		let info: FileInfo = source.json(&format!("{PREFIX}/files/{hash}"), 64 << 10).await?;
		if info.hash_index != hash || info.length != task.length {
			return Err(not_the_file(format!(
				"{} of {} bytes, the order names {hash} of {}",
				info.hash_index, info.length, task.length
			)));
		}
		let list_len = crate::content::slice_count(task.length).saturating_mul(32);
		let raw = source.bytes(&format!("{PREFIX}/files/{hash}/slices"), list_len as usize).await?;
		let slices = verify_slice_list(&info, &raw).map_err(|e| not_the_file(e.to_string()))?;
		let request = ReplicaRequest {
			genesis_hash: self.config.genesis_hash,
			server: status.server,
			hash_index: hash.0,
			peer_key: self.chain.peer_key().ok_or(FetchError::NoKey)?,
			issued_at: protocol::unix_now(),
		};
		let signature =
			self.chain.sign(&request.peer_key, &request.payload()).ok_or(FetchError::NoKey)?;
		let (store, length) = (self.store.clone(), task.length);
		let mut import = tokio::task::spawn_blocking(move || {
			store.begin_replica(hash, length, Arc::new(slices))
		})
		.await
		.map_err(|e| FetchError::Store(StoreError::Io(std::io::Error::other(e))))??;
		let mut body = source
			.send(&format!("{PREFIX}/replicas/{hash}"), Some(request.to_header(signature)))
			.await?;
		let mut pending: Vec<u8> = Vec::with_capacity(SLICE_SIZE as usize);
		// Each frame within the source timeout, and the whole at the minimum rate on average
		// after the same grace: a source trickling bytes is left for the next.
		let started = tokio::time::Instant::now();
		let rate = self.config.min_rate.max(1) as f64;
		let mut received = 0u64;
		loop {
			let on_average = started
				+ self.config.source_timeout
				+ Duration::from_secs_f64(received as f64 / rate);
			let deadline = on_average.min(tokio::time::Instant::now() + self.config.source_timeout);
			let frame = tokio::time::timeout_at(deadline, body.frame())
				.await
				.map_err(|_| source.broken("the replica came too slowly"))?;
			let done = frame.is_none();
			match frame {
				Some(Ok(frame)) => {
					if let Ok(data) = frame.into_data() {
						received = received.saturating_add(data.len() as u64);
						pending.extend_from_slice(&data);
					}
				}
				Some(Err(e)) => return Err(source.broken(e)),
				None => {}
			}
			if pending.len() >= SLICE_SIZE as usize || (done && !pending.is_empty()) {
				// Room for what is left, as other writers may have filled the disk meanwhile.
				self.room_for(task.length.saturating_sub(import.length()))?;
				let data = std::mem::take(&mut pending);
				let written = tokio::task::spawn_blocking(move || {
					let result = import.write_all(&data);
					(import, result)
				})
				.await
				.map_err(|e| FetchError::Store(StoreError::Io(std::io::Error::other(e))))?;
				import = written.0;
				if let Err(e) = written.1 {
					return Err(match e.into_inner().map(|inner| inner.downcast::<StoreError>()) {
						Some(Ok(store)) => match *store {
							StoreError::NotTheFile(what) => not_the_file(what),
							other => FetchError::Store(other),
						},
						Some(Err(other)) => {
							FetchError::Store(StoreError::Io(std::io::Error::other(other)))
						}
						None => {
							FetchError::Store(StoreError::Io(std::io::Error::other("write failed")))
						}
					});
				}
			}
			if done {
				break;
			}
		}
		let store = self.store.clone();
		let finished = tokio::task::spawn_blocking(move || store.finish_import(import))
			.await
			.map_err(|e| FetchError::Store(StoreError::Io(std::io::Error::other(e))))?;
		match finished {
			Ok(info) => Ok(info),
			Err(StoreError::NotTheFile(what)) => Err(not_the_file(what)),
			Err(e) => Err(FetchError::Store(e)),
		}
	}
}

/// A connection to a source peer.
struct Source {
	endpoint: String,
	authority: String,
	sender: hyper::client::conn::http1::SendRequest<Empty<Bytes>>,
	timeout: Duration,
}

impl Source {
	async fn open(endpoint: &str, timeout: Duration) -> Result<Self, FetchError> {
		let authority = endpoint
			.trim()
			.trim_end_matches('/')
			.strip_prefix("http://")
			.filter(|a| !a.is_empty() && !a.contains('/') && a.contains(':'))
			.ok_or_else(|| FetchError::BadEndpoint(endpoint.to_owned()))?
			.to_owned();
		let unreachable = |e: String| FetchError::Unreachable(endpoint.to_owned(), e);
		let stream =
			tokio::time::timeout(timeout, tokio::net::TcpStream::connect(authority.as_str()))
				.await
				.map_err(|_| unreachable("no answer".into()))?
				.map_err(|e| unreachable(e.to_string()))?;
		let _ = stream.set_nodelay(true);
		let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
			.await
			.map_err(|e| unreachable(e.to_string()))?;
		tokio::spawn(async move {
			let _ = conn.await;
		});
		Ok(Source { endpoint: endpoint.to_owned(), authority, sender, timeout })
	}

	fn broken(&self, e: impl ToString) -> FetchError {
		FetchError::Unreachable(self.endpoint.clone(), e.to_string())
	}

	/// GET `path`; the body of a 2xx answer.
	async fn send(
		&mut self,
		path: &str,
		replica: Option<String>,
	) -> Result<hyper::body::Incoming, FetchError> {
		let mut request = Request::get(path).header(hyper::header::HOST, self.authority.as_str());
		if let Some(header) = replica {
			request = request.header(REPLICA_HEADER, header);
		}
		let request = request.body(Empty::new()).map_err(|e| self.broken(e))?;
		let answer = async {
			self.sender.ready().await?;
			self.sender.send_request(request).await
		};
		let response = tokio::time::timeout(self.timeout, answer)
			.await
			.map_err(|_| self.broken("no answer"))?
			.map_err(|e| self.broken(e))?;
		if !response.status().is_success() {
			return Err(FetchError::Refused(self.endpoint.clone(), response.status()));
		}
		Ok(response.into_body())
	}

	/// GET `path`: a whole answer of at most `limit` bytes.
	async fn bytes(&mut self, path: &str, limit: usize) -> Result<Bytes, FetchError> {
		let body = self.send(path, None).await?;
		let collected =
			tokio::time::timeout(self.timeout, http_body_util::Limited::new(body, limit).collect())
				.await
				.map_err(|_| self.broken("the answer stalled"))?
				.map_err(|e| self.broken(e))?;
		Ok(collected.to_bytes())
	}

	/// GET `path`: a JSON answer of at most `limit` bytes.
	async fn json<T: serde::de::DeserializeOwned>(
		&mut self,
		path: &str,
		limit: usize,
	) -> Result<T, FetchError> {
		let raw = self.bytes(path, limit).await?;
		serde_json::from_slice(&raw).map_err(|e| self.broken(format!("bad answer: {e}")))
	}
}

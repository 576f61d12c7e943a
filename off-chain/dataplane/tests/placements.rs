//! The placement worker and the replica endpoint, on loopback: a placed peer fetches a file
//! from a holder, checks every slice, notes it for the chain, and removes replicas no placement
//! keeps; holders send replicas only to peers the chain places, for requests signed for them;
//! a source sending other bytes is dropped.

use parking_lot::Mutex;
use sp_core::{crypto::AccountId32, sr25519, Pair, H256};
use spacebook_dataplane::{
	content::{FileInfo, HashIndex},
	ledger::{Ledger, MemorySink},
	placements::{FetchError, PlacementChain, PlacementWorker, Task, WorkerConfig},
	protocol::{unix_now, ReplicaRequest, Status, REPLICA_HEADER},
	replicas::{ReplicaGrant, MAX_PER_KEY},
	store::{replica_address, ContentStore},
	ChainView, Config, DAppFunds, DataPlane, LeaseStanding,
};
use spacebook_receipts::ClientKey;
use std::{collections::HashMap, io::Write, net::SocketAddr, sync::Arc, time::Duration};
use tokio::{
	io::{AsyncReadExt, AsyncWriteExt},
	net::TcpStream,
};

fn genesis() -> H256 {
	H256::repeat_byte(0x5b)
}
fn holder_account() -> AccountId32 {
	AccountId32::new([1; 32])
}
fn placed() -> AccountId32 {
	AccountId32::new([2; 32])
}
fn placed_key() -> sr25519::Pair {
	sr25519::Pair::from_string("//placed-peer", None).unwrap()
}
fn liar_account() -> AccountId32 {
	AccountId32::new([7; 32])
}
fn stranger_key() -> sr25519::Pair {
	sr25519::Pair::from_string("//stranger", None).unwrap()
}

/// 3.5 MiB: four slices, the last one short.
fn file_bytes(seed: u8) -> Vec<u8> {
	bytes_of(seed, 7 << 19)
}

fn bytes_of(seed: u8, length: usize) -> Vec<u8> {
	(0..length).map(|i| (i * 31 % 251) as u8 ^ seed).collect()
}

fn import(store: &ContentStore, address: &str, bytes: &[u8]) -> FileInfo {
	let mut import = store.begin_import(address, u64::MAX).unwrap();
	import.write_all(bytes).unwrap();
	store.finish_import(import).unwrap()
}

/// The holder's chain: which keys the chain has fetching which files, and whether the holder
/// stores them by an order itself.
struct HolderChain {
	placed: Mutex<HashMap<(sr25519::Public, HashIndex), AccountId32>>,
	deadline: std::sync::atomic::AtomicU32,
	stores: std::sync::atomic::AtomicBool,
}

impl Default for HolderChain {
	fn default() -> Self {
		HolderChain { placed: Default::default(), deadline: 100.into(), stores: true.into() }
	}
}

impl ChainView for HolderChain {
	fn current_period(&self) -> u32 {
		1
	}
	fn dapp_of_client_key(&self, _: &ClientKey) -> Option<AccountId32> {
		None
	}
	fn dapp_storage_quota(&self) -> u64 {
		0
	}
	fn dapp_funds(&self, _: &AccountId32) -> DAppFunds {
		DAppFunds { lease: LeaseStanding::NoLease, available_bytes: 0 }
	}
	fn replica_grant(
		&self,
		server: &AccountId32,
		key: &sr25519::Public,
		hash: &HashIndex,
	) -> Option<ReplicaGrant> {
		assert_eq!(*server, holder_account(), "the data plane asks for itself");
		let peer = self.placed.lock().get(&(*key, *hash)).cloned()?;
		let deadline = self.deadline.load(std::sync::atomic::Ordering::Relaxed);
		self.stores.load(std::sync::atomic::Ordering::Relaxed).then_some(ReplicaGrant {
			peer,
			deadline,
			backup: false,
		})
	}
}

struct Holder {
	addr: SocketAddr,
	chain: Arc<HolderChain>,
	plane: Arc<DataPlane>,
	info: FileInfo,
	bytes: Vec<u8>,
	_dir: tempfile::TempDir,
	task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Drop for Holder {
	fn drop(&mut self) {
		self.task.abort();
	}
}

impl Holder {
	fn endpoint(&self) -> String {
		format!("http://{}", self.addr)
	}
	fn source(&self) -> (String, AccountId32) {
		(self.endpoint(), holder_account())
	}
}

/// A holder of one file, which the chain places `placed()`'s key on.
async fn holder_of(seed: u8) -> Holder {
	holder_with(file_bytes(seed)).await
}

/// A holder of the file `bytes`, which the chain places `placed()`'s key on.
async fn holder_with(bytes: Vec<u8>) -> Holder {
	let dir = tempfile::tempdir().unwrap();
	let store = Arc::new(ContentStore::open(dir.path().join("store")).unwrap());
	let info = import(&store, "videos/intro.mp4", &bytes);
	let chain = Arc::new(HolderChain::default());
	chain.placed.lock().insert((placed_key().public(), info.hash_index), placed());
	let sink = Arc::new(MemorySink::default());
	let ledger = Arc::new(Ledger::open(dir.path().join("receipts.journal"), sink, 0).unwrap());
	let mut config = Config::new(holder_account(), genesis());
	config.min_free_space = 0;
	let plane = DataPlane::new(store, ledger, chain.clone(), config);
	let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
	let addr = listener.local_addr().unwrap();
	let task = tokio::spawn(plane.clone().serve(listener));
	Holder { addr, chain, plane, info, bytes, _dir: dir, task }
}

/// The placed peer's view of the chain and its node.
struct PlacedChain {
	tasks: Mutex<Result<Vec<Task>, String>>,
	sources: Mutex<Vec<(String, AccountId32)>>,
	notes: Mutex<Vec<(HashIndex, u64, bool)>>,
	key: sr25519::Pair,
}

impl PlacementChain for PlacedChain {
	fn tasks(&self) -> Result<Vec<Task>, String> {
		self.tasks.lock().clone()
	}
	fn sources(&self, _: &HashIndex) -> Vec<(String, AccountId32)> {
		self.sources.lock().clone()
	}
	fn note_stored(&self, hash: &HashIndex, length: u64, stored: bool) {
		self.notes.lock().push((*hash, length, stored));
	}
	fn peer_key(&self) -> Option<sr25519::Public> {
		Some(self.key.public())
	}
	fn sign(&self, key: &sr25519::Public, payload: &[u8]) -> Option<sr25519::Signature> {
		(*key == self.key.public()).then(|| self.key.sign(payload))
	}
}

struct Placed {
	store: Arc<ContentStore>,
	chain: Arc<PlacedChain>,
	worker: Arc<PlacementWorker>,
	_dir: tempfile::TempDir,
}

fn placed_peer(
	tasks: Vec<Task>,
	sources: Vec<(String, AccountId32)>,
	tweak: impl FnOnce(&mut WorkerConfig),
) -> Placed {
	let dir = tempfile::tempdir().unwrap();
	let store = Arc::new(ContentStore::open(dir.path().join("store")).unwrap());
	let chain = Arc::new(PlacedChain {
		tasks: Mutex::new(Ok(tasks)),
		sources: Mutex::new(sources),
		notes: Mutex::new(Vec::new()),
		key: placed_key(),
	});
	let mut config = WorkerConfig::new(genesis());
	config.source_timeout = Duration::from_secs(5);
	config.min_free_space = 0;
	tweak(&mut config);
	let worker = PlacementWorker::new(store.clone(), chain.clone(), placed(), config);
	Placed { store, chain, worker, _dir: dir }
}

fn task_of(info: &FileInfo) -> Task {
	Task { hash_index: info.hash_index, length: info.length }
}

fn stored_bytes(store: &ContentStore, hash: &HashIndex) -> Vec<u8> {
	std::fs::read(store.data_path(hash)).unwrap()
}

async fn eventually(what: &str, done: impl Fn() -> bool) {
	for _ in 0..500 {
		if done() {
			return;
		}
		tokio::time::sleep(Duration::from_millis(10)).await;
	}
	panic!("{what} did not happen within 5 s");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_placed_peer_fetches_a_file_from_its_holder_checks_it_and_notes_it_once() {
	let holder = holder_of(0).await;
	let task = task_of(&holder.info);
	let placed = placed_peer(vec![task], vec![holder.source()], |_| {});

	let report = placed.worker.pass();
	assert_eq!(report.started, vec![task.hash_index]);
	// Noted missing first, so a stale note of an earlier run cannot confirm it.
	assert_eq!(placed.chain.notes.lock()[0], (task.hash_index, task.length, false));
	eventually("the fetch", || placed.worker.fetching() == 0).await;

	let stored = placed.store.get(&task.hash_index).expect("the replica is stored");
	assert_eq!(stored.info.length, holder.info.length);
	assert_eq!(
		placed.store.hash_indices(&replica_address(&task.hash_index)),
		vec![task.hash_index]
	);
	assert_eq!(stored_bytes(&placed.store, &task.hash_index), holder.bytes);
	assert_eq!(
		placed.chain.notes.lock().clone(),
		vec![(task.hash_index, task.length, false), (task.hash_index, task.length, true)]
	);
	// A pass over a held file starts nothing and writes no note again.
	assert_eq!(placed.worker.pass().started, Vec::<HashIndex>::new());
	assert_eq!(placed.chain.notes.lock().len(), 2);
	// Counted for the node's Prometheus series.
	let metrics = placed.worker.metrics();
	assert_eq!(metrics.fetches.with_label_values(&["stored"]).get(), 1);
	assert_eq!(metrics.fetches.with_label_values(&["failed"]).get(), 0);
	assert_eq!(metrics.bytes_fetched.get(), holder.info.length);
	assert_eq!(metrics.fetching.get(), 0);
}

/// A source that tells the truth about the file and sends `data` as its bytes.
async fn lying_source(holder: &Holder, data: Vec<u8>) -> String {
	source_of(holder, data, None).await
}

/// A source that tells the truth about the file and sends `data` as its bytes, 64 KiB at a
/// time with `pause` between them if given.
async fn source_of(holder: &Holder, data: Vec<u8>, pause: Option<Duration>) -> String {
	let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
	let addr = listener.local_addr().unwrap();
	let status = serde_json::to_string(&Status {
		server: liar_account(),
		genesis_hash: genesis(),
		period: 1,
		credit_window: 8 << 20,
		relays: false,
	})
	.unwrap();
	let info = serde_json::to_vec(&holder.info).unwrap();
	let mut slices = Vec::new();
	let mut conn = TcpStream::connect(holder.addr).await.unwrap();
	let head = format!(
		"GET /v1/files/{}/slices HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n",
		holder.info.hash_index
	);
	conn.write_all(head.as_bytes()).await.unwrap();
	conn.read_to_end(&mut slices).await.unwrap();
	let body_at = slices.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
	let slices = slices[body_at..].to_vec();
	tokio::spawn(async move {
		loop {
			let Ok((mut stream, _)) = listener.accept().await else { return };
			let (status, info, slices, data) =
				(status.clone(), info.clone(), slices.clone(), data.clone());
			tokio::spawn(async move {
				let mut buf = Vec::new();
				loop {
					let mut chunk = [0u8; 4096];
					let Ok(n) = stream.read(&mut chunk).await else { return };
					if n == 0 {
						return;
					}
					buf.extend_from_slice(&chunk[..n]);
					while let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
						let head = String::from_utf8_lossy(&buf[..end]).to_string();
						buf.drain(..end + 4);
						let path = head.split_whitespace().nth(1).unwrap_or("").to_owned();
						let body: &[u8] = if path.ends_with("/status") {
							status.as_bytes()
						} else if path.ends_with("/slices") {
							&slices
						} else if path.starts_with("/v1/replicas/") {
							&data
						} else {
							&info
						};
						let answer =
							format!("HTTP/1.1 200 OK\r\ncontent-length: {}\r\n\r\n", body.len());
						if stream.write_all(answer.as_bytes()).await.is_err() {
							return;
						}
						for chunk in body.chunks(64 << 10) {
							if stream.write_all(chunk).await.is_err() {
								return;
							}
							if let Some(pause) = pause {
								tokio::time::sleep(pause).await;
							}
						}
					}
				}
			});
		}
	});
	format!("http://{addr}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_source_that_sends_other_bytes_is_caught_and_dropped_for_the_next() {
	let holder = holder_of(0).await;
	let task = task_of(&holder.info);
	let mut flipped = holder.bytes.clone();
	flipped[(5 << 19) + 3] ^= 1; // in the third slice
	let mut longer = holder.bytes.clone();
	longer.extend_from_slice(b"more");
	let mut shorter = holder.bytes.clone();
	shorter.truncate(shorter.len() - 1);
	let placed = placed_peer(vec![task], vec![], |_| {});

	for (what, data) in
		[("a flipped bit", flipped), ("extra bytes", longer), ("a short file", shorter)]
	{
		let liar = lying_source(&holder, data).await;
		let fetched = placed.worker.fetch_from(&liar, &liar_account(), &task).await;
		assert!(matches!(fetched, Err(FetchError::NotTheFile(..))), "{what}: {fetched:?}");
		assert!(placed.store.get(&task.hash_index).is_none(), "{what}: nothing is stored");
	}

	// With the liar first, the worker moves on to the holder.
	let liar = lying_source(&holder, vec![0u8; holder.bytes.len()]).await;
	*placed.chain.sources.lock() = vec![(liar, liar_account()), holder.source()];
	let info = placed.worker.fetch(&task).await.unwrap();
	assert_eq!(info.hash_index, task.hash_index);
	assert_eq!(stored_bytes(&placed.store, &task.hash_index), holder.bytes);
	assert_eq!(placed.chain.notes.lock().last(), Some(&(task.hash_index, task.length, true)));
	// The store holds only the genuine file.
	assert_eq!(placed.store.file_count(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_source_an_impostor_and_a_full_disk_hold_no_fetch() {
	let holder = holder_of(0).await;
	let task = task_of(&holder.info);
	// A source that sends the right bytes at 640 KiB/s, below the minimum rate of 4 MiB/s.
	let slow = source_of(&holder, holder.bytes.clone(), Some(Duration::from_millis(100))).await;
	let placed = placed_peer(vec![task], vec![(slow.clone(), liar_account())], |c| {
		c.source_timeout = Duration::from_millis(500);
		c.min_rate = 4 << 20;
	});
	let started = std::time::Instant::now();
	let fetched = placed.worker.fetch_from(&slow, &liar_account(), &task).await;
	assert!(
		matches!(fetched, Err(FetchError::Unreachable(_, ref e)) if e.contains("too slowly")),
		"{fetched:?}"
	);
	assert!(started.elapsed() < Duration::from_secs(3), "cut off long before it would end");
	assert!(placed.store.get(&task.hash_index).is_none());

	// A source answering as another peer than the chain lists at its endpoint is not asked
	// for a replica (which would be signed for that other peer).
	let impostor = placed.worker.fetch_from(&holder.endpoint(), &liar_account(), &task).await;
	assert!(
		matches!(impostor, Err(FetchError::Unreachable(_, ref e)) if e.contains("serves as")),
		"{impostor:?}"
	);

	// Slow first, the holder next: each fetch starts at the next source, and the slow one is
	// dropped for the holder within the same fetch.
	*placed.chain.sources.lock() = vec![(slow, liar_account()), holder.source()];
	placed.worker.fetch(&task).await.unwrap();
	assert_eq!(stored_bytes(&placed.store, &task.hash_index), holder.bytes);

	// Below the free-space floor nothing is fetched, and the fetch says why.
	let full = placed_peer(vec![task], vec![holder.source()], |c| c.min_free_space = u64::MAX / 2);
	let refused = full.worker.fetch(&task).await;
	assert!(matches!(refused, Err(FetchError::NoRoom { .. })), "{refused:?}");
	assert_eq!(full.store.file_count(), 0);
}

/// GET a replica of the holder's file with `header` (if any); the status and body.
async fn get_replica(holder: &Holder, header: Option<String>) -> (u16, Vec<u8>) {
	let mut conn = TcpStream::connect(holder.addr).await.unwrap();
	let extra = header.map(|h| format!("{REPLICA_HEADER}: {h}\r\n")).unwrap_or_default();
	let head = format!(
		"GET /v1/replicas/{} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n{extra}\r\n",
		holder.info.hash_index
	);
	conn.write_all(head.as_bytes()).await.unwrap();
	let mut answer = Vec::new();
	conn.read_to_end(&mut answer).await.unwrap();
	let body_at = answer.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
	let status = String::from_utf8_lossy(&answer[9..12]).parse().unwrap();
	(status, answer[body_at..].to_vec())
}

fn request(
	holder: &Holder,
	key: &sr25519::Pair,
	tweak: impl FnOnce(&mut ReplicaRequest),
) -> String {
	let mut request = ReplicaRequest {
		genesis_hash: genesis(),
		server: holder_account(),
		hash_index: holder.info.hash_index.0,
		peer_key: key.public(),
		issued_at: unix_now(),
	};
	tweak(&mut request);
	request.to_header(key.sign(&request.payload()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_go_only_to_placed_peers_with_requests_signed_for_this_peer_and_file() {
	let holder = holder_of(0).await;
	let key = placed_key();

	let (status, _) = get_replica(&holder, None).await;
	assert_eq!(status, 401, "no request");
	let (status, body) =
		get_replica(&holder, Some(request(&holder, &stranger_key(), |_| {}))).await;
	assert_eq!(status, 403, "a key the chain places on nothing");
	assert!(String::from_utf8_lossy(&body).contains("no storage order has this key's peer"));
	let elsewhere = request(&holder, &key, |r| r.server = AccountId32::new([9; 32]));
	assert_eq!(get_replica(&holder, Some(elsewhere)).await.0, 403, "signed for another peer");
	let other_chain = request(&holder, &key, |r| r.genesis_hash = H256::zero());
	assert_eq!(get_replica(&holder, Some(other_chain)).await.0, 403, "for another chain");
	let stale = request(&holder, &key, |r| r.issued_at -= 600);
	assert_eq!(get_replica(&holder, Some(stale)).await.0, 403, "ten minutes old");
	let mut forged = request(&holder, &key, |_| {});
	forged.replace_range(forged.len() - 4.., "0000");
	assert_eq!(get_replica(&holder, Some(forged)).await.0, 403, "a broken signature");
	assert_eq!(get_replica(&holder, Some("zz".repeat(2000))).await.0, 403, "an oversized header");

	let used = request(&holder, &key, |_| {});
	let (status, body) = get_replica(&holder, Some(used.clone())).await;
	assert_eq!(status, 200);
	assert_eq!(body, holder.bytes);
	// Overheard on the wire and sent again: refused.
	let (status, body) = get_replica(&holder, Some(used)).await;
	assert_eq!(status, 403);
	assert!(String::from_utf8_lossy(&body).contains("used already"));

	// The placement may fetch two copies' worth here: one more, then no more.
	assert_eq!(get_replica(&holder, Some(request(&holder, &key, |_| {}))).await.0, 200);
	let (status, body) = get_replica(&holder, Some(request(&holder, &key, |_| {}))).await;
	assert_eq!(status, 429);
	assert!(String::from_utf8_lossy(&body).contains("copies' worth"));
	// Two replicas' bytes served to the placed peer; the refusals counted by their reason.
	let metrics = holder.plane.metrics();
	assert_eq!(metrics.served_to_replica.get(), 2 * holder.bytes.len() as u64);
	assert_eq!(metrics.served_to_client.get(), 0);
	assert_eq!(metrics.refusals_for("replica_replayed"), 1);
	assert_eq!(metrics.refusals_for("replica_budget_spent"), 1);
	// A new placement (another deadline) has a budget of its own.
	holder.chain.deadline.store(101, std::sync::atomic::Ordering::Relaxed);
	assert_eq!(get_replica(&holder, Some(request(&holder, &key, |_| {}))).await.0, 200);

	// A peer that does not store the file by an order itself sends no replica of it (a file
	// DApps uploaded there is theirs to pay for).
	holder.chain.stores.store(false, std::sync::atomic::Ordering::Relaxed);
	holder.chain.deadline.store(102, std::sync::atomic::Ordering::Relaxed);
	assert_eq!(get_replica(&holder, Some(request(&holder, &key, |_| {}))).await.0, 403);
	holder.chain.stores.store(true, std::sync::atomic::Ordering::Relaxed);

	// Once the chain no longer places the peer, it is refused.
	holder.chain.placed.lock().clear();
	assert_eq!(get_replica(&holder, Some(request(&holder, &key, |_| {}))).await.0, 403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_placed_peer_gets_at_most_two_replicas_at_once() {
	// Streams whose bodies are not read stay open: 24 MiB is far past what loopback sockets
	// buffer (3.5 MiB was not, on a loaded machine).
	let holder = holder_with(bytes_of(0, 24 << 20)).await;
	let key = placed_key();
	let mut open = Vec::new();
	for _ in 0..MAX_PER_KEY {
		let mut conn = TcpStream::connect(holder.addr).await.unwrap();
		let head = format!(
			"GET /v1/replicas/{} HTTP/1.1\r\nhost: x\r\n{REPLICA_HEADER}: {}\r\n\r\n",
			holder.info.hash_index,
			request(&holder, &key, |_| {})
		);
		conn.write_all(head.as_bytes()).await.unwrap();
		let mut first = [0u8; 12];
		conn.read_exact(&mut first).await.unwrap();
		assert_eq!(&first[9..12], b"200");
		open.push(conn);
	}
	let (status, body) = get_replica(&holder, Some(request(&holder, &key, |_| {}))).await;
	let message = String::from_utf8_lossy(&body[..body.len().min(200)]).to_string();
	assert_eq!(status, 429, "{message}");
	assert!(message.contains("being sent to this peer key"), "{message}");
	// Closing one frees its place (for a new placement: the budget is spent).
	drop(open.pop());
	holder.chain.deadline.store(101, std::sync::atomic::Ordering::Relaxed);
	let mut served = false;
	for _ in 0..100 {
		if get_replica(&holder, Some(request(&holder, &key, |_| {}))).await.0 == 200 {
			served = true;
			break;
		}
		tokio::time::sleep(Duration::from_millis(20)).await;
	}
	assert!(served, "a closed stream gives its place back");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_no_placement_keeps_are_removed_after_the_grace_and_nothing_else_is() {
	let holder = holder_of(0).await;
	let task = task_of(&holder.info);
	let placed = placed_peer(vec![task], vec![holder.source()], |c| {
		c.keep_after_end = Duration::from_millis(300)
	});
	placed.worker.fetch(&task).await.unwrap();
	// A file the operator added, and one also listed under a DApp's address, are kept.
	let own = import(&placed.store, "operator/readme", b"the operator's own file");
	let other = holder_of(9).await;
	*placed.chain.sources.lock() = vec![other.source()];
	placed.worker.fetch(&task_of(&other.info)).await.unwrap();
	import(&placed.store, "photos/shared.bin", &other.bytes);

	// The chain cannot be read: nothing is removed, however long.
	*placed.chain.tasks.lock() = Err("no best block".into());
	tokio::time::sleep(Duration::from_millis(350)).await;
	assert_eq!(placed.worker.pass().removed, Vec::<HashIndex>::new());

	// No placement keeps them any more: kept through the grace, then the replica alone goes.
	*placed.chain.tasks.lock() = Ok(vec![]);
	assert_eq!(placed.worker.pass().removed, Vec::<HashIndex>::new());
	assert!(placed.store.get(&task.hash_index).is_some());
	tokio::time::sleep(Duration::from_millis(350)).await;
	assert_eq!(placed.worker.pass().removed, vec![task.hash_index]);
	assert_eq!(placed.worker.metrics().replicas_removed.get(), 1);
	assert!(placed.store.get(&task.hash_index).is_none());
	assert!(!placed.store.data_path(&task.hash_index).exists());
	assert!(placed.store.get(&own.hash_index).is_some());
	assert!(placed.store.get(&other.info.hash_index).is_some());
	assert_eq!(placed.chain.notes.lock().last(), Some(&(task.hash_index, task.length, false)));

	// Placed again before the grace ends: kept.
	*placed.chain.sources.lock() = vec![holder.source()];
	*placed.chain.tasks.lock() = Ok(vec![task]);
	placed.worker.fetch(&task).await.unwrap();
	placed.worker.pass();
	*placed.chain.tasks.lock() = Ok(vec![]);
	placed.worker.pass();
	*placed.chain.tasks.lock() = Ok(vec![task]);
	placed.worker.pass();
	tokio::time::sleep(Duration::from_millis(350)).await;
	*placed.chain.tasks.lock() = Ok(vec![]);
	assert_eq!(placed.worker.pass().removed, Vec::<HashIndex>::new(), "the grace starts again");
	// And a store reopened after a crash knows its replicas again.
	drop(placed.worker);
	let reopened = ContentStore::open(placed.store.root()).unwrap();
	assert!(reopened.replicas().contains(&task.hash_index));
	assert!(reopened.replicas().contains(&other.info.hash_index));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_no_source_gives_waits_before_it_is_tried_again() {
	let holder = holder_of(0).await;
	let task = task_of(&holder.info);
	let placed = placed_peer(vec![task], vec![], |c| c.retry_after = Duration::from_millis(300));
	assert_eq!(placed.worker.pass().started, vec![task.hash_index]);
	eventually("the failed fetch", || placed.worker.fetching() == 0).await;
	assert_eq!(placed.worker.metrics().fetches.with_label_values(&["failed"]).get(), 1);
	assert_eq!(placed.worker.pass().started, Vec::<HashIndex>::new(), "waits");
	*placed.chain.sources.lock() = vec![holder.source()];
	tokio::time::sleep(Duration::from_millis(350)).await;
	assert_eq!(placed.worker.pass().started, vec![task.hash_index]);
	eventually("the fetch", || placed.store.get(&task.hash_index).is_some()).await;
}

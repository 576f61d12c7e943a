//! What the data plane's tests against a real server on loopback share: a chain view, a peer
//! with short limits, raw HTTP requests from chosen loopback addresses, signed receipts.
#![allow(dead_code, unused_imports)]

pub use codec::Encode;
pub use parking_lot::Mutex;
pub use sp_core::{crypto::AccountId32, sr25519, Pair, H256};
pub use spacebook_dataplane::{
	ledger::{Ledger, MemorySink},
	limits::Limits,
	protocol::SESSION_HEADER,
	relay::RelayPolicy,
	store::ContentStore,
	ChainView, Config, DAppFunds, DataPlane, LeaseStanding,
};
pub use spacebook_receipts::{ClientKey, Receipt as Plain};
pub use std::{
	collections::HashMap,
	net::SocketAddr,
	sync::{
		atomic::{AtomicU64, Ordering},
		Arc,
	},
	time::{Duration, Instant},
};
pub use tokio::{
	io::{AsyncReadExt, AsyncWriteExt},
	net::{TcpSocket, TcpStream},
};

pub const PERIOD: u32 = 7;

#[derive(Default)]
pub struct Chain {
	pub client_keys: Mutex<HashMap<ClientKey, AccountId32>>,
	pub quota: AtomicU64,
	/// DApps whose funds a test set; the others have a lease and a funded escrow.
	pub funds: Mutex<HashMap<AccountId32, DAppFunds>>,
	/// How many times the data plane asked for a DApp's funds.
	pub funds_asked: AtomicU64,
}

impl ChainView for Chain {
	fn current_period(&self) -> u32 {
		PERIOD
	}
	fn dapp_of_client_key(&self, key: &ClientKey) -> Option<AccountId32> {
		self.client_keys.lock().get(key).cloned()
	}
	fn dapp_storage_quota(&self) -> u64 {
		self.quota.load(Ordering::Relaxed)
	}
	fn dapp_funds(&self, dapp: &AccountId32) -> DAppFunds {
		self.funds_asked.fetch_add(1, Ordering::Relaxed);
		self.funds
			.lock()
			.get(dapp)
			.copied()
			.unwrap_or(DAppFunds { lease: LeaseStanding::Good, available_bytes: u128::MAX })
	}
}

pub fn genesis() -> H256 {
	H256::repeat_byte(0x5b)
}
pub fn dapp() -> AccountId32 {
	AccountId32::new([0xda; 32])
}
pub fn server() -> AccountId32 {
	AccountId32::new([1; 32])
}
pub fn client_key() -> sr25519::Pair {
	sr25519::Pair::from_string("//attacker-client", None).unwrap()
}
pub fn other_dapp() -> AccountId32 {
	AccountId32::new([0xdb; 32])
}
pub fn other_key() -> sr25519::Pair {
	sr25519::Pair::from_string("//other-client", None).unwrap()
}

pub struct Peer {
	pub addr: SocketAddr,
	pub chain: Arc<Chain>,
	pub plane: Arc<DataPlane>,
	pub dir: tempfile::TempDir,
	pub task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Drop for Peer {
	fn drop(&mut self) {
		self.task.abort();
	}
}

/// A serving peer with short timeouts, small limits, and `tweak` on top.
pub async fn peer(tweak: impl FnOnce(&mut Config)) -> Peer {
	let chain = Arc::new(Chain::default());
	chain.client_keys.lock().insert(client_key().public(), dapp());
	chain.client_keys.lock().insert(other_key().public(), other_dapp());
	chain.quota.store(u64::MAX, Ordering::Relaxed);
	let dir = tempfile::tempdir().unwrap();
	let store = Arc::new(ContentStore::open(dir.path().join("store")).unwrap());
	let sink = Arc::new(MemorySink::default());
	let ledger = Arc::new(Ledger::open(dir.path().join("receipts.journal"), sink, 0).unwrap());
	let mut config = Config::new(server(), genesis());
	config.min_free_space = 0;
	config.limits = Limits {
		max_connections: 8,
		max_connections_per_ip: 4,
		header_timeout: Duration::from_millis(300),
		idle_timeout: Duration::from_secs(30),
		max_tunnels: 8,
		max_tunnels_per_ip: 8,
		max_tunnels_per_key: 2,
		max_tunnels_per_dapp: 8,
		tunnel_idle_timeout: Duration::from_secs(30),
		max_uploads_per_dapp: 2,
		min_upload_rate: 1 << 20,
	};
	tweak(&mut config);
	let plane = DataPlane::new(store, ledger, chain.clone(), config);
	let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
	let addr = listener.local_addr().unwrap();
	let task = tokio::spawn(plane.clone().serve(listener));
	Peer { addr, chain, plane, dir, task }
}

/// A connection to `peer` from the loopback address `from` (Linux routes all of 127/8 to lo).
pub async fn connect_from(peer: SocketAddr, from: &str) -> TcpStream {
	let socket = TcpSocket::new_v4().unwrap();
	socket.bind(format!("{from}:0").parse().unwrap()).unwrap();
	socket.connect(peer).await.unwrap()
}

/// Read what the peer sends until it closes the connection, for at most `wait`.
pub async fn read_until_closed(stream: &mut TcpStream, wait: Duration) -> Option<Vec<u8>> {
	let mut out = Vec::new();
	match tokio::time::timeout(wait, stream.read_to_end(&mut out)).await {
		Ok(_) => Some(out),
		Err(_) => None,
	}
}

/// The status line and body of one request sent on a fresh connection from `from`.
pub async fn request(peer: SocketAddr, from: &str, head: &str, body: &[u8]) -> (u16, String) {
	let mut stream = connect_from(peer, from).await;
	let mut raw = format!("{head}\r\nhost: peer\r\nconnection: close\r\n").into_bytes();
	raw.extend_from_slice(format!("content-length: {}\r\n\r\n", body.len()).as_bytes());
	raw.extend_from_slice(body);
	stream.write_all(&raw).await.unwrap();
	let answer = read_until_closed(&mut stream, Duration::from_secs(10)).await.unwrap();
	parse(&answer)
}

pub fn parse(answer: &[u8]) -> (u16, String) {
	let text = String::from_utf8_lossy(answer).to_string();
	let status = text.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
	let body = text.split("\r\n\r\n").nth(1).unwrap_or_default().to_string();
	(status, body)
}

/// Wait (briefly) until `done` holds.
pub async fn eventually(what: &str, done: impl Fn() -> bool) {
	let deadline = Instant::now() + Duration::from_secs(5);
	while !done() {
		assert!(Instant::now() < deadline, "{what}");
		tokio::time::sleep(Duration::from_millis(20)).await;
	}
}

pub fn opening(session: u8) -> Vec<u8> {
	signed(session, dapp(), &client_key(), 0)
}

pub fn opening_of(session: u8, dapp: AccountId32, key: &sr25519::Pair) -> Vec<u8> {
	signed(session, dapp, key, 0)
}

pub fn receipt(session: u8, bytes: u64) -> Vec<u8> {
	signed(session, dapp(), &client_key(), bytes)
}

/// The SCALE-encoded receipt of `bytes` in `session` of `dapp`'s client `key` to the peer.
pub fn signed(session: u8, dapp: AccountId32, key: &sr25519::Pair, bytes: u64) -> Vec<u8> {
	Plain {
		period: PERIOD,
		session: [session; 16],
		server: server(),
		dapp,
		client_key: key.public(),
		bytes,
	}
	.sign(key, &genesis())
	.encode()
}

/// The status and body of `POST /v1/sessions` with the opening receipt `opening`.
pub async fn post_opening(peer: &Peer, opening: &[u8]) -> (u16, String) {
	request(peer.addr, "127.0.0.1", "POST /v1/sessions HTTP/1.1", opening).await
}

pub async fn open_session(peer: &Peer, session: u8) {
	let (status, body) =
		request(peer.addr, "127.0.0.1", "POST /v1/sessions HTTP/1.1", &opening(session)).await;
	assert_eq!(status, 200, "{body}");
}

//! The SDK against real data-plane servers on loopback: uploads, multi-source downloads with
//! verification, ranges, receipts, and the credit window.

use parking_lot::Mutex;
use sp_core::{crypto::AccountId32, sr25519, Pair, H256};
use spacebook_dataplane::{
	content::{slice_count, SLICE_SIZE},
	ledger::{Ledger, MemorySink, ReceiptSink},
	store::ContentStore,
	ChainView, Config, DataPlane,
};
use spacebook_receipts::ClientKey;
use spacebook_sdk::{Client, DownloadOptions, Endpoint, Error, HashIndex};
use std::{
	collections::HashMap,
	sync::{
		atomic::{AtomicU32, Ordering},
		Arc,
	},
	time::Duration,
};

#[derive(Default)]
struct Chain {
	period: AtomicU32,
	client_keys: Mutex<HashMap<ClientKey, AccountId32>>,
}

impl ChainView for Chain {
	fn current_period(&self) -> u32 {
		self.period.load(Ordering::Relaxed)
	}
	fn dapp_of_client_key(&self, key: &ClientKey) -> Option<AccountId32> {
		self.client_keys.lock().get(key).cloned()
	}
	fn dapp_storage_quota(&self) -> u64 {
		u64::MAX
	}
	/// Every DApp here has a lease and a funded escrow.
	fn dapp_funds(&self, _dapp: &AccountId32) -> spacebook_dataplane::DAppFunds {
		spacebook_dataplane::DAppFunds {
			lease: spacebook_dataplane::LeaseStanding::Good,
			available_bytes: u128::MAX,
		}
	}
}

fn genesis() -> H256 {
	H256::repeat_byte(0x5b)
}

fn dapp() -> AccountId32 {
	AccountId32::new([0xda; 32])
}

fn client_key() -> sr25519::Pair {
	sr25519::Pair::from_string("//dapp-client", None).unwrap()
}

struct Peer {
	endpoint: Endpoint,
	sink: Arc<MemorySink>,
	plane: Arc<DataPlane>,
	dir: tempfile::TempDir,
	server: AccountId32,
	task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Peer {
	/// Bytes the peer's kept receipts acknowledge.
	fn receipted(&self) -> u64 {
		self.sink.receipts().iter().map(|r| r.receipt.bytes).sum()
	}
}

impl Drop for Peer {
	fn drop(&mut self) {
		self.task.abort();
	}
}

async fn start_peer(chain: Arc<Chain>, seed: u8, tweak: impl FnOnce(&mut Config)) -> Peer {
	let sink = Arc::new(MemorySink::default());
	start_peer_with_sink(chain, seed, tweak, sink.clone(), sink).await
}

/// A peer whose ledger keeps receipts in `sink`; `kept` is what [`Peer::receipted`] reads.
async fn start_peer_with_sink(
	chain: Arc<Chain>,
	seed: u8,
	tweak: impl FnOnce(&mut Config),
	kept: Arc<MemorySink>,
	sink: Arc<dyn ReceiptSink>,
) -> Peer {
	let dir = tempfile::tempdir().unwrap();
	let server = AccountId32::new([seed; 32]);
	let store = Arc::new(ContentStore::open(dir.path().join("store")).unwrap());
	let ledger = Arc::new(Ledger::open(dir.path().join("receipts.journal"), sink, 0).unwrap());
	let sink = kept;
	let mut config = Config::new(server.clone(), genesis());
	tweak(&mut config);
	let plane = DataPlane::new(store, ledger, chain, config);
	let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
	let endpoint = Endpoint::parse(&format!("http://{}", listener.local_addr().unwrap())).unwrap();
	let task = tokio::spawn(plane.clone().serve(listener));
	Peer { endpoint, sink, plane, dir, server, task }
}

fn chain_with_client() -> Arc<Chain> {
	let chain = Arc::new(Chain::default());
	chain.period.store(7, Ordering::Relaxed);
	chain.client_keys.lock().insert(client_key().public(), dapp());
	chain
}

fn random_file(dir: &std::path::Path, length: usize) -> (std::path::PathBuf, Vec<u8>) {
	let data: Vec<u8> = (0..length).map(|_| rand::random::<u8>()).collect();
	let path = dir.join("source.bin");
	std::fs::write(&path, &data).unwrap();
	(path, data)
}

async fn client(peers: &[&Peer]) -> Client {
	let endpoints: Vec<Endpoint> = peers.iter().map(|p| p.endpoint.clone()).collect();
	Client::connect(dapp(), client_key(), &endpoints, Some(genesis())).await.unwrap()
}

async fn download_all(client: &Client, hash: &HashIndex, start: i64, end: i64) -> Vec<u8> {
	let mut download =
		client.start_download(hash, start, end, 4 * SLICE_SIZE as usize).await.unwrap();
	let mut out = Vec::new();
	while let Some(chunk) = download.receive_in_order().await {
		out.extend_from_slice(&chunk.unwrap());
	}
	download.finish().await;
	out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_uploaded_to_two_peers_downloads_from_both_and_pays_both() {
	let chain = chain_with_client();
	let a = start_peer(chain.clone(), 1, |_| {}).await;
	let b = start_peer(chain.clone(), 2, |_| {}).await;
	let (path, data) = random_file(a.dir.path(), 12 * SLICE_SIZE as usize + 4321);
	let client = client(&[&a, &b]).await;
	let info_a = client.upload(&a.endpoint, &path, "clips/intro.bin").await.unwrap();
	let info_b = client.upload(&b.endpoint, &path, "clips/intro.bin").await.unwrap();
	assert_eq!(info_a, info_b);
	assert_eq!(info_a.length, data.len() as u64);
	assert_eq!(info_a.slice_count, slice_count(data.len() as u64));
	// Uploads are not traffic: nothing is receipted yet.
	assert_eq!(a.receipted() + b.receipted(), 0);

	assert_eq!(
		client.query_file_hash_index("clips/intro.bin").await.unwrap(),
		vec![info_a.hash_index]
	);
	assert!(client.query_file_hash_index("nothing").await.unwrap().is_empty());
	assert_eq!(client.query_file_info(&info_a.hash_index).await.unwrap(), info_a);

	let got = download_all(&client, &info_a.hash_index, -1, -1).await;
	assert!(got == data, "the download is byte-identical");
	// Both peers served, and every byte served was receipted to the peer that served it.
	let (ra, rb) = (a.receipted(), b.receipted());
	assert!(ra > 0 && rb > 0, "both peers served: {ra} + {rb}");
	assert_eq!(ra + rb, data.len() as u64);
	for peer in [&a, &b] {
		for receipt in peer.sink.receipts() {
			assert_eq!(receipt.receipt.server, peer.server);
			assert_eq!(receipt.receipt.dapp, dapp());
			assert_eq!(receipt.receipt.period, 7);
			assert!(receipt.verify(&genesis()));
		}
	}
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_corrupt_slice_is_fetched_again_from_the_other_peer() {
	let chain = chain_with_client();
	let a = start_peer(chain.clone(), 1, |_| {}).await;
	let b = start_peer(chain.clone(), 2, |_| {}).await;
	let (path, data) = random_file(a.dir.path(), 6 * SLICE_SIZE as usize);
	let client = client(&[&a, &b]).await;
	let info = client.upload(&a.endpoint, &path, "f").await.unwrap();
	client.upload(&b.endpoint, &path, "f").await.unwrap();
	// Flip a byte in every slice of peer a's copy.
	let stored = a.plane.store().data_path(&info.hash_index);
	let mut bytes = std::fs::read(&stored).unwrap();
	for slice in 0..6 {
		bytes[slice * SLICE_SIZE as usize + 17] ^= 0xff;
	}
	std::fs::write(&stored, bytes).unwrap();

	let got = download_all(&client, &info.hash_index, -1, -1).await;
	assert!(got == data, "every slice verified, from b");
	assert_eq!(a.receipted(), 0, "corrupt bytes are never receipted");
	assert_eq!(b.receipted(), data.len() as u64);

	// With only the corrupt peer, the download fails with a clear error.
	let only_a = DownloadOptions { only_peers: vec![a.endpoint.clone()], ..Default::default() };
	let mut download = client.start_download_with(&info.hash_index, -1, -1, only_a).await.unwrap();
	let mut failure = None;
	while let Some(chunk) = download.receive().await {
		if let Err(e) = chunk {
			failure = Some(e);
		}
	}
	assert!(matches!(failure, Some(Error::Unservable { .. })), "{failure:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ranged_download_returns_exactly_the_range() {
	let chain = chain_with_client();
	let a = start_peer(chain.clone(), 1, |_| {}).await;
	let (path, data) = random_file(a.dir.path(), 3 * SLICE_SIZE as usize + 10);
	let client = client(&[&a]).await;
	let info = client.upload(&a.endpoint, &path, "r").await.unwrap();
	let s = SLICE_SIZE as usize;
	for (start, end) in [(5, 9), (s as i64 - 3, s as i64 + 2), (2 * s as i64, -1), (-1, 0)] {
		let got = download_all(&client, &info.hash_index, start, end).await;
		let from = start.max(0) as usize;
		let to = if end == -1 { data.len() } else { end as usize + 1 };
		assert!(got == data[from..to], "range {start}..={end}");
	}
	for (start, end) in [(10, 5), (0, data.len() as i64), (-2, 4)] {
		let err = client.start_download(&info.hash_index, start, end, 1 << 20).await.err();
		assert!(matches!(err, Some(Error::BadRange { .. })), "{start}..={end}: {err:?}");
	}
	let missing = HashIndex::default();
	assert!(matches!(client.start_download(&missing, -1, -1, 1).await, Err(Error::NotFound(_))));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_stops_signing_is_cut_off_after_the_credit_window() {
	let chain = chain_with_client();
	let window = 2 * SLICE_SIZE;
	// The stall timeout leaves the honest download below (two connections, the whole window
	// in flight) time to send its receipts on a loaded machine.
	let a = start_peer(chain.clone(), 1, |c| {
		c.credit_window = window;
		c.stall_timeout = Duration::from_secs(2);
	})
	.await;
	let (path, _) = random_file(a.dir.path(), 8 * SLICE_SIZE as usize);
	let client = client(&[&a]).await;
	let info = client.upload(&a.endpoint, &path, "x").await.unwrap();

	// A freeloader: opens a session properly, then reads the whole file without receipts.
	use codec::Encode;
	use http_body_util::BodyExt;
	let id = [9u8; 16];
	let opening = spacebook_receipts::Receipt {
		period: 7,
		session: id,
		server: a.server.clone(),
		dapp: dapp(),
		client_key: client_key().public(),
		bytes: 0,
	}
	.sign(&client_key(), &genesis());
	let mut connection = spacebook_sdk::http::Connection::open(&a.endpoint).await.unwrap();
	connection
		.fetch(spacebook_sdk::http::post("/v1/sessions", opening.encode()), 4096)
		.await
		.unwrap();
	let request = hyper::Request::get(format!("/v1/files/{}/data", info.hash_index))
		.header(spacebook_dataplane::protocol::SESSION_HEADER, hex_id(&id))
		.body(spacebook_sdk::http::empty())
		.unwrap();
	let response = connection.send(request).await.unwrap();
	assert_eq!(response.status(), 200);
	let mut body = response.into_body();
	let mut received = 0u64;
	let mut cut = false;
	while let Some(frame) = body.frame().await {
		match frame {
			Ok(frame) => received += frame.into_data().map(|d| d.len() as u64).unwrap_or(0),
			Err(_) => {
				cut = true;
				break;
			}
		}
	}
	assert!(cut, "the transfer is cut, not completed");
	assert_eq!(received, window, "exactly one credit window was served");
	assert_eq!(a.receipted(), 0);

	// An honest download on the same peer completes.
	let got = download_all(&client, &info.hash_index, -1, -1).await;
	assert_eq!(got.len() as u64, info.length);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_peer_whose_window_holds_one_slice_gets_one_connection_and_serves_the_file() {
	// Two connections would each hold half of the one-slice window, neither slice could be
	// verified and receipted, and the peer would cut the session off after its stall timeout.
	let chain = chain_with_client();
	let a = start_peer(chain.clone(), 1, |c| {
		c.credit_window = SLICE_SIZE;
		c.stall_timeout = Duration::from_secs(2);
	})
	.await;
	let (path, data) = random_file(a.dir.path(), 6 * SLICE_SIZE as usize);
	let client = client(&[&a]).await;
	let info = client.upload(&a.endpoint, &path, "one-slice-window").await.unwrap();
	let options = DownloadOptions { connections_per_peer: 2, ..Default::default() };
	let mut download = client.start_download_with(&info.hash_index, -1, -1, options).await.unwrap();
	let mut out = Vec::new();
	while let Some(chunk) = download.receive_in_order().await {
		out.extend_from_slice(&chunk.expect("no slice fails"));
	}
	download.finish().await;
	assert!(out == data, "the download is byte-identical");
	assert_eq!(a.receipted(), data.len() as u64, "every served byte is receipted");
}

#[test]
fn connections_never_exceed_the_whole_slices_a_window_holds() {
	use spacebook_sdk::connections_within_window as fit;
	let s = SLICE_SIZE;
	assert_eq!(fit(2, 8 * s, s), 2, "the default window holds both");
	assert_eq!(fit(4, 2 * s, s), 2);
	assert_eq!(fit(2, s, s), 1);
	assert_eq!(fit(2, s + s / 2, s), 1, "half a slice does not count");
	assert_eq!(fit(3, s / 2, s), 1, "at least one connection");
	assert_eq!(fit(0, 8 * s, s), 1, "at least one connection");
	assert_eq!(fit(2, u64::MAX, 0), 2, "a zero slice size does not divide");
}

fn hex_id(id: &[u8; 16]) -> String {
	spacebook_dataplane::protocol::session_to_header(id)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_its_dapp_did_not_authorize_gets_no_session() {
	let chain = chain_with_client();
	let a = start_peer(chain.clone(), 1, |_| {}).await;
	let (path, _) = random_file(a.dir.path(), 1000);
	let stranger = sr25519::Pair::from_string("//stranger", None).unwrap();
	let client =
		Client::connect(dapp(), stranger, std::slice::from_ref(&a.endpoint), None).await.unwrap();
	let err = client.upload(&a.endpoint, &path, "x").await.unwrap_err();
	assert!(matches!(err, Error::Peer { status: 403, .. }), "{err}");
	assert_eq!(a.plane.store().file_count(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn receipts_survive_a_restart_of_the_peer() {
	let chain = chain_with_client();
	let a = start_peer(chain.clone(), 1, |_| {}).await;
	let (path, data) = random_file(a.dir.path(), 3 * SLICE_SIZE as usize);
	let client = client(&[&a]).await;
	let info = client.upload(&a.endpoint, &path, "x").await.unwrap();
	download_all(&client, &info.hash_index, -1, -1).await;
	assert_eq!(a.receipted(), data.len() as u64);
	// What the journal replays into a fresh sink is what was acknowledged.
	let sink = Arc::new(MemorySink::default());
	Ledger::open(a.dir.path().join("receipts.journal"), sink.clone(), 0).unwrap();
	let replayed: u64 = sink.receipts().iter().map(|r| r.receipt.bytes).sum();
	assert_eq!(replayed, data.len() as u64);
}

/// A one-shot upstream server: reads a request line, answers `body` and closes.
async fn upstream(body: &'static [u8]) -> std::net::SocketAddr {
	use tokio::io::{AsyncReadExt, AsyncWriteExt};
	let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
	let addr = listener.local_addr().unwrap();
	tokio::spawn(async move {
		while let Ok((mut socket, _)) = listener.accept().await {
			tokio::spawn(async move {
				let mut request = vec![0u8; 1024];
				let n = socket.read(&mut request).await.unwrap();
				assert!(request[..n].starts_with(b"GET / "));
				socket.write_all(body).await.unwrap();
				socket.shutdown().await.unwrap();
			});
		}
	});
	addr
}

/// A peer that relays VPN traffic to any address, loopback included.
async fn relaying_peer(chain: Arc<Chain>, seed: u8, tweak: impl FnOnce(&mut Config)) -> Peer {
	start_peer(chain, seed, |c| {
		c.relay = Some(spacebook_dataplane::relay::RelayPolicy {
			allow_private: true,
			..Default::default()
		});
		tweak(c)
	})
	.await
}

/// The request `socks_get` sends.
const GET: &[u8] = b"GET / HTTP/1.0\r\n\r\n";

/// Bytes a `socks_get` of `page` carries, both ways.
fn exchange_bytes(page: &[u8]) -> u64 {
	(GET.len() + page.len()) as u64
}

/// Speak SOCKS5 to `proxy`: CONNECT to `target`; the reply code and the connection.
async fn socks_connect(
	proxy: std::net::SocketAddr,
	target: std::net::SocketAddr,
) -> (u8, tokio::net::TcpStream) {
	use tokio::io::{AsyncReadExt, AsyncWriteExt};
	let mut s = tokio::net::TcpStream::connect(proxy).await.unwrap();
	s.write_all(&[5, 1, 0]).await.unwrap();
	let mut choice = [0u8; 2];
	s.read_exact(&mut choice).await.unwrap();
	assert_eq!(choice, [5, 0], "no authentication");
	let std::net::IpAddr::V4(ip) = target.ip() else { panic!("IPv4 target") };
	let mut request = vec![5, 1, 0, 1];
	request.extend_from_slice(&ip.octets());
	request.extend_from_slice(&target.port().to_be_bytes());
	s.write_all(&request).await.unwrap();
	let mut reply = [0u8; 10];
	s.read_exact(&mut reply).await.unwrap();
	(reply[1], s)
}

/// Speak SOCKS5 to `proxy`: CONNECT to `target`; the reply code, and on success the
/// answer to a `GET /`.
async fn socks_get(proxy: std::net::SocketAddr, target: std::net::SocketAddr) -> (u8, Vec<u8>) {
	use tokio::io::{AsyncReadExt, AsyncWriteExt};
	let (code, mut s) = socks_connect(proxy, target).await;
	if code != 0 {
		return (code, Vec::new());
	}
	s.write_all(GET).await.unwrap();
	let mut answer = Vec::new();
	s.read_to_end(&mut answer).await.unwrap();
	(0, answer)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_data_channel_tunnels_socks5_through_the_relay_with_receipts() {
	use spacebook_dataplane::relay::RelayPolicy;
	let chain = chain_with_client();
	let relaying = relaying_peer(chain.clone(), 1, |_| {}).await;
	let page: &'static [u8] = b"HTTP/1.0 200 OK\r\n\r\nhello through spacebook";
	let target = upstream(page).await;
	let relay_client = client(&[&relaying]).await;
	let channel =
		relay_client.create_data_channel("127.0.0.1:0".parse().unwrap(), None).await.unwrap();
	let (code, answer) = socks_get(channel.local_addr(), target).await;
	assert_eq!(code, 0);
	assert_eq!(answer, page);
	let (code, answer) = socks_get(channel.local_addr(), target).await;
	assert_eq!((code, answer.as_slice()), (0, page), "a second connection on the channel");
	channel.destroy().await;
	// Both directions of both connections were receipted.
	assert_eq!(relaying.receipted(), 2 * exchange_bytes(page));

	// A relay that keeps to public addresses refuses loopback: SOCKS5 says "not allowed".
	let public_only = start_peer(chain.clone(), 2, |c| {
		c.relay = Some(RelayPolicy { allow_private: false, ..Default::default() })
	})
	.await;
	let client_of_public = client(&[&public_only]).await;
	let channel =
		client_of_public.create_data_channel("127.0.0.1:0".parse().unwrap(), None).await.unwrap();
	assert_eq!(socks_get(channel.local_addr(), target).await.0, 2);
	channel.destroy().await;
	assert_eq!(public_only.receipted(), 0);

	// A peer that does not relay says so in its status: no channel is opened through it, and
	// with several peers the one that relays is chosen.
	let plain = start_peer(chain.clone(), 3, |c| c.relay = None).await;
	let only_plain = client(&[&plain]).await;
	let listen = "127.0.0.1:0".parse().unwrap();
	let err = only_plain.create_data_channel(listen, None).await.err();
	assert!(matches!(err, Some(Error::NoRelay(None))), "{err:?}");
	let err = only_plain.create_data_channel(listen, Some(&plain.endpoint)).await.err();
	assert!(matches!(&err, Some(Error::NoRelay(Some(p))) if *p == plain.endpoint.to_string()));
	let both = client(&[&plain, &relaying]).await;
	let channel = both.create_data_channel(listen, None).await.unwrap();
	assert_eq!(channel.peer(), &relaying.endpoint);
	assert_eq!(socks_get(channel.local_addr(), target).await, (0, page.to_vec()));
	channel.destroy().await;
	assert_eq!(plain.receipted(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn destroying_a_data_channel_closes_its_tunnels_and_receipts_their_bytes() {
	use tokio::io::{AsyncReadExt, AsyncWriteExt};
	let chain = chain_with_client();
	let peer = relaying_peer(chain.clone(), 1, |_| {}).await;
	// An echo server that keeps its connections open.
	let echo = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
	let target = echo.local_addr().unwrap();
	tokio::spawn(async move {
		while let Ok((mut socket, _)) = echo.accept().await {
			tokio::spawn(async move {
				let mut buf = [0u8; 1024];
				while let Ok(n) = socket.read(&mut buf).await {
					if n == 0 || socket.write_all(&buf[..n]).await.is_err() {
						break;
					}
				}
			});
		}
	});
	let client = client(&[&peer]).await;
	let channel = client.create_data_channel("127.0.0.1:0".parse().unwrap(), None).await.unwrap();
	let (code, mut s) = socks_connect(channel.local_addr(), target).await;
	assert_eq!(code, 0, "connected");
	s.write_all(b"ping through the tunnel").await.unwrap();
	let mut echoed = [0u8; 23];
	s.read_exact(&mut echoed).await.unwrap();
	assert_eq!(&echoed, b"ping through the tunnel");

	// The tunnel is still open: destroying the channel closes it.
	channel.destroy().await;
	let mut rest = Vec::new();
	let closed = tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut rest)).await;
	assert!(closed.is_ok(), "the client's end sees the tunnel close");
	assert_eq!(peer.receipted(), 2 * 23, "both directions of the tunnel are receipted");
}

/// Wait (at most 10 s) until the peer's receipts acknowledge `bytes`.
async fn receipted_within(peer: &Peer, bytes: u64) {
	for _ in 0..200 {
		if peer.receipted() >= bytes {
			return;
		}
		tokio::time::sleep(Duration::from_millis(50)).await;
	}
	panic!("the peer acknowledged {} bytes, not {bytes}", peer.receipted());
}

/// Bytes of the peer's kept receipts, by ledgering period.
fn receipted_by_period(peer: &Peer) -> std::collections::BTreeMap<u32, u64> {
	let mut by_period = std::collections::BTreeMap::new();
	for r in peer.sink.receipts() {
		*by_period.entry(r.receipt.period).or_insert(0) += r.receipt.bytes;
	}
	by_period
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_and_its_data_channel_keep_working_after_periods_pass() {
	let chain = chain_with_client();
	let peer = relaying_peer(chain.clone(), 1, |_| {}).await;
	let page: &'static [u8] = b"HTTP/1.0 200 OK\r\n\r\nstill here";
	let target = upstream(page).await;
	let client = client(&[&peer]).await;
	let channel = client.create_data_channel("127.0.0.1:0".parse().unwrap(), None).await.unwrap();
	assert_eq!(socks_get(channel.local_addr(), target).await, (0, page.to_vec()));
	let exchange = exchange_bytes(page);
	receipted_within(&peer, exchange).await;
	// The channel idles while three periods pass: the peer refuses receipts of period 7 now.
	chain.period.store(10, Ordering::Relaxed);
	assert_eq!(socks_get(channel.local_addr(), target).await, (0, page.to_vec()));
	// A client that learnt the period long ago still opens sessions.
	let (path, _) = random_file(peer.dir.path(), 1000);
	client.upload(&peer.endpoint, &path, "late").await.expect("a session in period 10");
	channel.destroy().await;
	assert_eq!(
		receipted_by_period(&peer),
		[(7, exchange), (10, exchange)].into(),
		"each exchange is receipted in the period it was carried in"
	);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_the_peer_forgot_is_opened_again() {
	let chain = chain_with_client();
	// One session at a time, none kept when another opens: as if the peer restarted.
	let peer = relaying_peer(chain.clone(), 1, |c| {
		c.max_sessions = 1;
		c.idle_timeout = Duration::ZERO;
	})
	.await;
	let page: &'static [u8] = b"HTTP/1.0 200 OK\r\n\r\nagain";
	let target = upstream(page).await;
	let first = client(&[&peer]).await;
	let channel = first.create_data_channel("127.0.0.1:0".parse().unwrap(), None).await.unwrap();
	assert_eq!(socks_get(channel.local_addr(), target).await, (0, page.to_vec()));
	let exchange = exchange_bytes(page);
	receipted_within(&peer, exchange).await;
	let second = client(&[&peer]).await;
	let other = second.create_data_channel("127.0.0.1:0".parse().unwrap(), None).await.unwrap();
	other.destroy().await;
	// The first channel's session was dropped for the second's: it is opened again.
	assert_eq!(socks_get(channel.local_addr(), target).await, (0, page.to_vec()));
	channel.destroy().await;
	assert_eq!(peer.receipted(), 2 * exchange, "both exchanges are receipted");
}

/// A sink that fails while `failing` is set, as a full disk would.
struct FlakySink {
	inner: Arc<MemorySink>,
	failing: std::sync::atomic::AtomicBool,
}

impl ReceiptSink for FlakySink {
	fn keep(&self, receipt: &spacebook_dataplane::session::Receipt) -> Result<bool, String> {
		if self.failing.load(Ordering::Relaxed) {
			return Err("disk full".into());
		}
		self.inner.keep(receipt)
	}
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receipt_the_ledger_fails_to_keep_is_not_acknowledged() {
	use codec::Encode;
	use spacebook_dataplane::protocol::ReceiptTaken;
	use spacebook_sdk::http::{post, Connection};
	let chain = chain_with_client();
	let kept = Arc::new(MemorySink::default());
	let sink = Arc::new(FlakySink { inner: kept.clone(), failing: true.into() });
	let a = start_peer_with_sink(chain, 1, |_| {}, kept, sink.clone()).await;
	let receipt = |bytes: u64| {
		spacebook_receipts::Receipt {
			period: 7,
			session: [4; 16],
			server: a.server.clone(),
			dapp: dapp(),
			client_key: client_key().public(),
			bytes,
		}
		.sign(&client_key(), &genesis())
		.encode()
	};
	let mut connection = Connection::open(&a.endpoint).await.unwrap();
	connection.fetch(post("/v1/sessions", receipt(0)), 4096).await.unwrap();
	let err = connection.fetch(post("/v1/receipts", receipt(100)), 4096).await.unwrap_err();
	assert!(matches!(err, Error::Peer { status: 500, .. }), "{err}");
	assert_eq!(a.receipted(), 0);
	// Once the ledger works again, the same receipt is new to the session: it was not counted.
	sink.failing.store(false, Ordering::Relaxed);
	let taken: ReceiptTaken =
		connection.fetch_json(post("/v1/receipts", receipt(100))).await.unwrap();
	assert!(taken.new);
	assert_eq!(a.receipted(), 100);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reading_in_order_with_a_one_slice_buffer_returns_the_range_from_two_peers() {
	let chain = chain_with_client();
	let a = start_peer(chain.clone(), 1, |_| {}).await;
	let b = start_peer(chain.clone(), 2, |_| {}).await;
	let (path, data) = random_file(a.dir.path(), 9 * SLICE_SIZE as usize + 123);
	let client = client(&[&a, &b]).await;
	let info = client.upload(&a.endpoint, &path, "ordered").await.unwrap();
	client.upload(&b.endpoint, &path, "ordered").await.unwrap();
	let s = SLICE_SIZE as usize;
	// A range from inside slice 1 to inside slice 8, slices 3 and 4 already present: workers
	// may run at most one slice ahead of the reader.
	let (start, end) = (s + 10, 8 * s + 5);
	let options = DownloadOptions {
		max_buffer: SLICE_SIZE as usize,
		skip_slices: vec![3, 4],
		..Default::default()
	};
	let mut download = client
		.start_download_with(&info.hash_index, start as i64, end as i64, options)
		.await
		.unwrap();
	let mut got = Vec::new();
	while let Some(bytes) = download.receive_in_order().await {
		got.extend_from_slice(&bytes.expect("no slice fails"));
	}
	download.finish().await;
	let mut expected = data[start..3 * s].to_vec();
	expected.extend_from_slice(&data[5 * s..=end]);
	assert!(got == expected, "the range in file order, without the skipped slices");
	// Slices are fetched (and paid) whole, to be verified: 1, 2, 5, 6, 7 and 8.
	assert_eq!(a.receipted() + b.receipted(), 6 * SLICE_SIZE);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resumed_download_fetches_only_the_missing_slices() {
	let chain = chain_with_client();
	let a = start_peer(chain.clone(), 1, |_| {}).await;
	let (path, data) = random_file(a.dir.path(), 4 * SLICE_SIZE as usize + 77);
	let client = client(&[&a]).await;
	let info = client.upload(&a.endpoint, &path, "resume").await.unwrap();
	let options = DownloadOptions { skip_slices: vec![0, 2], ..Default::default() };
	let mut download = client.start_download_with(&info.hash_index, -1, -1, options).await.unwrap();
	let mut offsets = Vec::new();
	while let Some(chunk) = download.receive().await {
		let chunk = chunk.unwrap();
		let at = chunk.offset as usize;
		assert!(chunk.data[..] == data[at..at + chunk.data.len()]);
		offsets.push(chunk.offset);
	}
	download.finish().await;
	offsets.sort();
	let s = SLICE_SIZE;
	assert_eq!(offsets, vec![s, 3 * s, 4 * s], "slices 1, 3 and 4 only");
	assert_eq!(a.receipted(), 2 * s + 77, "only the fetched bytes are receipted");
}

/// A compute task (docs/patrol.md) runs on a peer; the client signs its cost, computed on its
/// own, in a receipt of the period the peer named, and the peer keeps it; a task out of its
/// kernel's bounds is refused before anything is sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_task_runs_on_a_peer_and_its_cost_is_receipted() {
	use spacebook_compute::{verify, Answer, Task};
	let chain = chain_with_client();
	let peer = start_peer(chain, 1, |_| {}).await;
	let client = client(&[&peer]).await;
	let task = Task::Sort((0..10_000u64).rev().collect());
	let outcome = client.run_task(&peer.endpoint, &task).await.unwrap();
	assert_eq!(outcome.answer, Answer::Sorted((0..10_000).collect()));
	assert_eq!((outcome.cost, outcome.period), (task.cost(), 7));
	assert_eq!(verify(&task, &outcome.answer, None), Ok(()));
	// A second task shares the session (one stream of the key's period); the last receipts go
	// out when the client finishes its tasks.
	let second = Task::Sort(vec![3, 2, 1]);
	assert_eq!(
		client.run_task(&peer.endpoint, &second).await.unwrap().answer,
		Answer::Sorted(vec![1, 2, 3])
	);
	client.finish_tasks(Duration::from_secs(5)).await;
	let both = task.cost() + second.cost();
	receipted_within(&peer, both).await;
	let receipts = peer.sink.receipts();
	assert!(receipts.iter().all(|r| r.receipt.session == receipts[0].receipt.session));
	assert_eq!(receipts.iter().map(|r| r.receipt.bytes).max(), Some(both), "cumulative");
	let bad = Task::MatrixPower { seed: [0; 32], size: 0, rounds: 1 };
	assert!(matches!(
		client.run_task(&peer.endpoint, &bad).await,
		Err(spacebook_sdk::Error::Protocol(_))
	));
	// A task beyond the peer's credit window: the peer's error, and nothing signed.
	let big = Task::Sort(vec![1; 1 << 20]);
	let refused = client.run_task(&peer.endpoint, &big).await.unwrap_err().to_string();
	assert!(refused.contains("413") && refused.contains("credit window"), "{refused}");
	client.finish_tasks(Duration::from_secs(5)).await;
	assert_eq!(peer.sink.receipts().iter().map(|r| r.receipt.bytes).max(), Some(both));
}

/// A patrol (docs/patrol.md) of an honest peer: a sort, a compression and a slice of a file it
/// holds, each verified in full, all paid like a DApp's work.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_patrol_of_an_honest_peer_passes_every_check_and_is_paid_like_a_dapps_work() {
	use spacebook_patrol_primitives::{PatrolCheck, PatrolOutcome};
	use spacebook_scheduling_primitives::FileRef;
	let chain = chain_with_client();
	let peer = start_peer(chain, 1, |c| c.credit_window = 64 << 20).await;
	let (path, data) = random_file(peer.dir.path(), 3 * SLICE_SIZE as usize + 5);
	let client = client(&[&peer]).await;
	let info = client.upload(&peer.endpoint, &path, "f").await.unwrap();
	let file = FileRef { hash_index: info.hash_index.0, length: data.len() as u64 };
	let report = client.patrol(&peer.endpoint, [9; 32], &[file], true).await;
	assert_eq!(report.outcome, PatrolOutcome::Passed, "{report:?}");
	let mut checks: Vec<_> = report.checks.iter().map(|c| c.check).collect();
	checks.sort_by_key(|c| *c as u8);
	assert_eq!(checks, vec![PatrolCheck::Sort, PatrolCheck::Compress, PatrolCheck::Slice]);
	assert!(report.checks.iter().all(|c| c.right && c.answer != [0; 32]));
	assert!(report.latency_ms < 60_000 && report.throughput_kib_s > 0);
	// The same seed draws the same inputs (the commitment can be checked later); another
	// seed, others.
	let again = client.patrol(&peer.endpoint, [9; 32], &[file], true).await;
	let inputs = |r: &spacebook_sdk::patrol::PatrolReport| {
		r.checks.iter().map(|c| c.input).collect::<Vec<_>>()
	};
	assert_eq!(inputs(&again), inputs(&report));
	assert_ne!(
		inputs(&client.patrol(&peer.endpoint, [10; 32], &[file], true).await),
		inputs(&report)
	);
	// Paid: the peer keeps receipts for the tasks' costs and the slices' bytes.
	client.finish_tasks(Duration::from_secs(5)).await;
	assert!(peer.receipted() > 0);
	// With no file to read, a patrol checks the kernels only.
	let kernels = client.patrol(&peer.endpoint, [11; 32], &[], true).await;
	assert_eq!(kernels.outcome, PatrolOutcome::Passed);
	assert_eq!(kernels.checks.len(), 2);
}

/// A dishonest peer is caught: a corrupt copy of a file it holds fails the slice check (and
/// is not paid), wrong sorts fail the sort check; a peer gone is unanswered, not wrong.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_patrol_catches_corrupt_slices_and_wrong_sorts_and_tells_a_peer_gone_apart() {
	use spacebook_patrol_primitives::{PatrolCheck, PatrolOutcome};
	use spacebook_scheduling_primitives::FileRef;
	let chain = chain_with_client();
	let corrupt = start_peer(chain.clone(), 1, |c| c.credit_window = 64 << 20).await;
	let wrong = start_peer(chain.clone(), 2, |c| {
		c.credit_window = 64 << 20;
		c.test_wrong_sorts = true;
	})
	.await;
	let gone = start_peer(chain, 3, |_| {}).await;
	let (path, data) = random_file(corrupt.dir.path(), 2 * SLICE_SIZE as usize);
	let client = client(&[&corrupt, &wrong, &gone]).await;
	let info = client.upload(&corrupt.endpoint, &path, "f").await.unwrap();
	let stored = corrupt.plane.store().data_path(&info.hash_index);
	let mut bytes = std::fs::read(&stored).unwrap();
	for slice in 0..2 {
		bytes[slice * SLICE_SIZE as usize + 3] ^= 0xff;
	}
	std::fs::write(&stored, bytes).unwrap();
	let file = FileRef { hash_index: info.hash_index.0, length: data.len() as u64 };

	let report = client.patrol(&corrupt.endpoint, [1; 32], &[file], true).await;
	assert_eq!(report.outcome, PatrolOutcome::WrongAnswer(PatrolCheck::Slice), "{report:?}");
	let slice = report.checks.iter().find(|c| c.check == PatrolCheck::Slice).unwrap();
	assert!(!slice.right && slice.answer == [0; 32]);

	// A file it must hold and says it lacks is a wrong answer; a backup it may still be
	// copying is only unanswered.
	let lost = FileRef { hash_index: [0x77; 32], length: 3 * SLICE_SIZE };
	let report = client.patrol(&corrupt.endpoint, [2; 32], &[lost], true).await;
	assert_eq!(report.outcome, PatrolOutcome::WrongAnswer(PatrolCheck::Slice), "{report:?}");
	let report = client.patrol(&corrupt.endpoint, [2; 32], &[lost], false).await;
	assert_eq!(report.outcome, PatrolOutcome::Unanswered(PatrolCheck::Slice), "{report:?}");

	let report = client.patrol(&wrong.endpoint, [1; 32], &[], true).await;
	assert_eq!(report.outcome, PatrolOutcome::WrongAnswer(PatrolCheck::Sort), "{report:?}");
	let compress = report.checks.iter().find(|c| c.check == PatrolCheck::Compress).unwrap();
	assert!(compress.right, "its other answers are still checked and right");

	gone.task.abort();
	tokio::time::sleep(Duration::from_millis(200)).await;
	let report = client.patrol(&gone.endpoint, [1; 32], &[], true).await;
	assert!(matches!(report.outcome, PatrolOutcome::Unanswered(_)), "{report:?}");
	assert_eq!((report.latency_ms, report.throughput_kib_s), (0, 0));
}

/// A client of the peers at `endpoints` (relayed or direct).
async fn client_of(endpoints: &[Endpoint]) -> Client {
	Client::connect(dapp(), client_key(), endpoints, Some(genesis())).await.unwrap()
}

/// Patrols through another peer's VPN relay (docs/patrol.md, "The address"): the checks pass
/// as directly, and the relay is paid for every byte its tunnels carried, both ways.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_patrol_through_a_relay_passes_and_the_relay_is_paid_for_every_byte() {
	use spacebook_patrol_primitives::PatrolOutcome;
	use spacebook_scheduling_primitives::FileRef;
	let chain = chain_with_client();
	let relaying = relaying_peer(chain.clone(), 1, |c| c.credit_window = 64 << 20).await;
	let target = start_peer(chain, 2, |c| c.credit_window = 64 << 20).await;
	// Whole slices: whichever the patrol draws, it carries a slice's bytes.
	let (path, data) = random_file(target.dir.path(), 2 * SLICE_SIZE as usize);
	let info = client(&[&target]).await.upload(&target.endpoint, &path, "f").await.unwrap();
	let file = FileRef { hash_index: info.hash_index.0, length: data.len() as u64 };
	let before = target.receipted();

	let relay = client(&[&relaying]).await.open_relay(None).await.unwrap();
	assert_eq!(relay.endpoint(), &relaying.endpoint);
	assert_eq!(relay.server(), &relaying.server);
	let relayed = target.endpoint.via(&relay);
	assert!(relayed.same_peer(&target.endpoint) && relayed != target.endpoint);
	assert_eq!(relayed.to_string(), format!("{} via {}", target.endpoint, relaying.endpoint));
	let patroller = client_of(std::slice::from_ref(&relayed)).await;
	assert_eq!(patroller.peers()[0].status.server, target.server, "its status came through");
	let report = patroller.patrol(&relayed, [5; 32], &[file], true).await;
	assert_eq!(report.outcome, PatrolOutcome::Passed, "{report:?}");
	assert_eq!((report.checks.len(), report.relay_suspect), (3, None));
	patroller.finish_tasks(Duration::from_secs(5)).await;
	relay.finish(Duration::from_secs(5)).await;
	// The target is paid for its work; the relay for every byte it carried: at least the
	// sort's input (8 000 bytes or more), the compression's (16 KiB or more) and the slice, and
	// exactly what the client counted.
	assert!(target.receipted() > before);
	let (_, carried) = relay.counted();
	assert!(carried > 8_000 + (16 << 10) + SLICE_SIZE, "{carried}");
	assert_eq!(relaying.receipted(), carried);

	// A peer that does not relay is no relay.
	let err = client(&[&target]).await.open_relay(Some(&target.endpoint)).await.err().unwrap();
	assert!(matches!(err, Error::NoRelay(Some(_))), "{err}");
}

/// A man in the middle in front of the relaying peer at `relay`: it passes everything, but
/// flips the last byte of every read a `CONNECT` tunnel carries back to the client past its
/// first 2 KiB (answers' bodies; the small status and session answers pass).
async fn tampering_relay(relay: &Endpoint) -> Endpoint {
	use tokio::io::{AsyncReadExt, AsyncWriteExt};
	let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
	let addr = listener.local_addr().unwrap();
	let upstream = relay.authority.clone();
	tokio::spawn(async move {
		while let Ok((client, _)) = listener.accept().await {
			let upstream = upstream.clone();
			tokio::spawn(async move {
				let Ok(server) = tokio::net::TcpStream::connect(&upstream).await else { return };
				let (mut client_read, mut client_write) = client.into_split();
				let (mut server_read, mut server_write) = server.into_split();
				let mut first = vec![0u8; 4096];
				let n = client_read.read(&mut first).await.unwrap_or(0);
				let tunnel = first[..n].starts_with(b"CONNECT ");
				if n == 0 || server_write.write_all(&first[..n]).await.is_err() {
					return;
				}
				let up = async move {
					let _ = tokio::io::copy(&mut client_read, &mut server_write).await;
					let _ = server_write.shutdown().await;
				};
				let down = async move {
					let (mut buf, mut total) = (vec![0u8; 64 << 10], 0usize);
					loop {
						let n = match server_read.read(&mut buf).await {
							Ok(0) | Err(_) => break,
							Ok(n) => n,
						};
						total += n;
						if tunnel && total > 2048 {
							buf[n - 1] ^= 0x5a;
						}
						if client_write.write_all(&buf[..n]).await.is_err() {
							break;
						}
					}
					let _ = client_write.shutdown().await;
				};
				tokio::join!(up, down);
			});
		}
	});
	Endpoint::parse(&format!("http://{addr}")).unwrap()
}

/// Attack: a relay (a competitor) corrupts the answers it carries to make an honest peer fail
/// its patrols. A wrong answer through a relay counts only if the same check, asked directly,
/// is answered wrongly too: the honest peer is unanswered (neither paid nor punished) and the
/// relay suspect; a dishonest peer's wrong sorts are still caught.
///
/// How it was checked: before a relayed wrong answer was confirmed directly, the honest peer's
/// outcome here was `WrongAnswer` (a warning on chain, a suspension at the second).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_relay_that_tampers_with_answers_cannot_make_an_honest_peer_fail() {
	use spacebook_patrol_primitives::{PatrolCheck, PatrolOutcome};
	use spacebook_scheduling_primitives::FileRef;
	let chain = chain_with_client();
	let relaying = relaying_peer(chain.clone(), 1, |c| c.credit_window = 64 << 20).await;
	let honest = start_peer(chain.clone(), 2, |c| c.credit_window = 64 << 20).await;
	let dishonest = start_peer(chain, 3, |c| {
		c.credit_window = 64 << 20;
		c.test_wrong_sorts = true;
	})
	.await;
	let (path, data) = random_file(honest.dir.path(), 2 * SLICE_SIZE as usize);
	let info = client(&[&honest]).await.upload(&honest.endpoint, &path, "f").await.unwrap();
	let file = FileRef { hash_index: info.hash_index.0, length: data.len() as u64 };

	let tampering = tampering_relay(&relaying.endpoint).await;
	let relay = client_of(&[tampering]).await.open_relay(None).await.unwrap();
	let relayed = honest.endpoint.via(&relay);
	let patroller = client_of(&[relayed.clone(), dishonest.endpoint.via(&relay)]).await;
	let report = patroller.patrol(&relayed, [6; 32], &[file], true).await;
	assert!(matches!(report.outcome, PatrolOutcome::Unanswered(_)), "{report:?}");
	assert!(report.relay_suspect.is_some(), "{report:?}");
	assert!(report.checks.iter().all(|c| !c.right), "every relayed answer was corrupted");

	let report = patroller.patrol(&dishonest.endpoint.via(&relay), [6; 32], &[], true).await;
	assert_eq!(report.outcome, PatrolOutcome::WrongAnswer(PatrolCheck::Sort), "{report:?}");
	patroller.finish_tasks(Duration::from_secs(5)).await;
	relay.finish(Duration::from_secs(5)).await;
}

/// A relay that refuses tunnels (a competitor's, to leave a rival's patrols unanswered, which
/// the scheduling rule weighs): every check it leaves unanswered is asked through the
/// alternate relay, and the honest peer passes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn checks_a_relay_leaves_unanswered_are_asked_through_the_alternate() {
	use spacebook_patrol_primitives::PatrolOutcome;
	let chain = chain_with_client();
	let honest_relay = relaying_peer(chain.clone(), 1, |c| c.credit_window = 64 << 20).await;
	// It relays, but only to public addresses: every tunnel to the loopback target is refused.
	let refusing = start_peer(chain.clone(), 2, |c| {
		c.relay = Some(spacebook_dataplane::relay::RelayPolicy {
			allow_private: false,
			..Default::default()
		})
	})
	.await;
	let target = start_peer(chain, 3, |c| c.credit_window = 64 << 20).await;
	let relays = client(&[&honest_relay, &refusing]).await;
	let (good, bad) = (
		relays.open_relay(Some(&honest_relay.endpoint)).await.unwrap(),
		relays.open_relay(Some(&refusing.endpoint)).await.unwrap(),
	);
	let (through_bad, through_good) = (target.endpoint.via(&bad), target.endpoint.via(&good));
	// Through the refusing relay alone, the target is not even reached.
	assert!(Client::connect(
		dapp(),
		client_key(),
		std::slice::from_ref(&through_bad),
		Some(genesis())
	)
	.await
	.is_err());
	let patroller = client_of(std::slice::from_ref(&through_good)).await;
	let alone = patroller.patrol(&through_bad, [7; 32], &[], true).await;
	assert!(matches!(alone.outcome, PatrolOutcome::Unanswered(_)), "{alone:?}");
	let report =
		patroller.patrol_through(&through_bad, Some(&through_good), [7; 32], &[], true).await;
	assert_eq!(report.outcome, PatrolOutcome::Passed, "{report:?}");
	assert!(report.checks.iter().all(|c| c.right));
	patroller.finish_tasks(Duration::from_secs(5)).await;
	good.finish(Duration::from_secs(5)).await;
	bad.finish(Duration::from_secs(5)).await;
	assert!(good.counted().1 > 8_000 + (16 << 10), "the alternate carried the checks");
}

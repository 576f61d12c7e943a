//! # The Spacebook DApp SDK
//!
//! The whitepaper's DApp API (ch.3 §5) as an async Rust API. A DApp's client reaches files by
//! their address or **hash index** without caring where they are stored:
//!
//! | Whitepaper | SDK |
//! |---|---|
//! | `queryFileHashIndex(addr, result)` | [`Client::query_file_hash_index`] |
//! | `queryFileInfoFromHashIndex(hash, info)` | [`Client::query_file_info`] |
//! | `startDownloadFile(hash, start, end, taskId, maxLength)` | [`Client::start_download`] → [`Download`] |
//! | `receiveFile(start, buffer, length)` | [`Download::receive`] (or [`Download::receive_in_order`]) |
//! | `stopDownloadFile(taskId)` | [`Download::stop`] |
//! | `createDataChannel(addr, port)` | [`Client::create_data_channel`] → [`DataChannel`] |
//! | `destroyDataChannel()` | [`DataChannel::destroy`] |
//!
//! A download fetches the file's slices from every serving peer that holds it at once, checks
//! each slice against the file's hash index, and re-fetches a bad or missing slice from another
//! peer. As verified bytes arrive, the SDK signs cumulative traffic receipts with the DApp's
//! client key and sends them to the peer that served them: that is what the peer is paid for
//! (Proof-of-Traffic), and a client that stops signing is cut off after the peer's credit
//! window.
//!
//! Terms: a **serving peer** stores and serves files (a professional or common peer); its
//! **endpoint** is the address its data plane listens on, as listed in the chain's peer
//! registry; a **client key** is an sr25519 key the DApp authorized to sign receipts.
#![warn(missing_docs)]

pub mod chain;
pub mod channel;
pub mod download;
pub mod http;
pub mod patrol;
pub mod relay;
pub mod session;
pub mod tasks;

pub use chain::ChainRpc;
pub use channel::DataChannel;
pub use download::{Chunk, Download};
pub use http::Endpoint;
pub use relay::Relay;
pub use session::{PeriodCeiling, Signer};
pub use spacebook_dataplane_protocol::content::{self, FileInfo, HashIndex};

use futures::future::join_all;
use session::PeerSession;
use sp_core::{crypto::AccountId32, sr25519, H256};
use spacebook_dataplane_protocol::{
	content::{slice_count, verify_slice_list, SLICE_SIZE},
	protocol::{self, Status, SESSION_HEADER},
};
use std::sync::Arc;
use std::{
	path::Path,
	sync::atomic::{AtomicU64, Ordering},
};

/// What can go wrong.
#[derive(Debug, thiserror::Error)]
pub enum Error {
	/// An endpoint that is not `http://host:port`.
	#[error("bad endpoint {0}")]
	BadEndpoint(String),
	/// A peer could not be reached, or the connection broke.
	#[error("cannot reach {0}: {1}")]
	Unreachable(String, String),
	/// A peer answered with an error.
	#[error("{peer} answered {status}: {message}")]
	Peer {
		/// The peer.
		peer: String,
		/// The HTTP status.
		status: u16,
		/// Its message.
		message: String,
	},
	/// A peer answered something that does not follow the protocol.
	#[error("protocol: {0}")]
	Protocol(String),
	/// No peer could be reached.
	#[error("none of the serving peers could be reached")]
	NoPeers,
	/// The chain's peer registry lists no active professional peer with a valid endpoint.
	#[error("no active professional peer is registered")]
	NoRegisteredPeers,
	/// The peer named for a data channel does not relay VPN traffic (`None`: no peer does).
	#[error("{}", match .0 {
		Some(peer) => format!("{peer} does not relay VPN traffic"),
		None => "none of the serving peers relays VPN traffic".to_string(),
	})]
	NoRelay(Option<String>),
	/// No reachable peer has the file.
	#[error("no serving peer has file {0}")]
	NotFound(HashIndex),
	/// A range outside the file.
	#[error("range {start}..={end} is not within the file's {length} bytes")]
	BadRange {
		/// First byte asked for.
		start: i64,
		/// Last byte asked for.
		end: i64,
		/// The file's length.
		length: u64,
	},
	/// A slice whose bytes do not hash to the file's slice hash.
	#[error("{peer} served a corrupt slice {slice}")]
	CorruptSlice {
		/// The peer.
		peer: String,
		/// The slice.
		slice: u64,
	},
	/// A peer answered a compute task wrongly (the client's check of the answer failed): not
	/// paid.
	#[error("{peer} answered a task wrong ({what}): not paid")]
	WrongAnswer {
		/// The peer.
		peer: String,
		/// What was wrong.
		what: String,
	},
	/// A slice no remaining peer could serve.
	#[error("slice {slice} could not be fetched and verified from any peer (last error: {last})")]
	Unservable {
		/// The slice.
		slice: u64,
		/// The last failure.
		last: String,
	},
	/// Local I/O.
	#[error("{0}")]
	Io(#[from] std::io::Error),
	/// A local file could not be read.
	#[error("{path}: {error}")]
	File {
		/// The file.
		path: std::path::PathBuf,
		/// What went wrong.
		error: std::io::Error,
	},
	/// A peer stored an upload under another hash index than the file's own.
	#[error("{peer} stored the file as {stored}, but its hash index is {expected}")]
	WrongHashIndex {
		/// The peer.
		peer: String,
		/// What the peer answered.
		stored: HashIndex,
		/// The hash index of the file's bytes.
		expected: HashIndex,
	},
}

/// The hash index and length of the file at `path`, computed from its bytes (as a serving peer
/// computes it when the file is uploaded). `None` as hash index for an empty file.
pub async fn file_hash_index(path: &Path) -> Result<(Option<HashIndex>, u64), Error> {
	use tokio::io::AsyncReadExt;
	let named = |error| Error::File { path: path.to_owned(), error };
	let mut file = tokio::fs::File::open(path).await.map_err(named)?;
	let length = file.metadata().await.map_err(named)?.len();
	let mut slices = Vec::with_capacity(slice_count(length) as usize);
	let mut buf = vec![0u8; SLICE_SIZE as usize];
	for index in 0..slice_count(length) {
		let (a, b) = content::slice_range(index, length);
		let slice = &mut buf[..(b - a) as usize];
		file.read_exact(slice).await.map_err(named)?;
		slices.push(content::slice_hash(slice));
	}
	Ok((content::hash_index(&slices), length))
}

/// A serving peer the client knows.
#[derive(Clone, Debug)]
pub struct Peer {
	/// Its endpoint.
	pub endpoint: Endpoint,
	/// What it said about itself.
	pub status: Status,
}

/// A DApp client: its client key and the serving peers it talks to.
pub struct Client {
	dapp: AccountId32,
	key: sr25519::Pair,
	genesis_hash: H256,
	peers: Vec<Peer>,
	next_task: AtomicU64,
	ceiling: Arc<session::PeriodCeiling>,
	/// The session compute tasks run in, one a peer (`tasks.rs`).
	task_sessions: tasks::TaskSessions,
}

/// Connections a download opens to each peer by default (see
/// [`DownloadOptions::connections_per_peer`]; measured in `docs/benchmarks.md`).
pub const CONNECTIONS_PER_PEER: usize = 2;
/// How long a peer has to say what it is (`/v1/status`) before it is left out: a peer that
/// accepts connections and never answers holds no client up.
pub const STATUS_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// How many of `wanted` connections a download opens to a peer whose credit window is
/// `credit_window` bytes, for slices of `slice_size` bytes: at least one, and no more than whole
/// slices fit in the window.
///
/// Receipts count verified slices only, so every connection's slice must be able to finish
/// inside the window: with more connections than that, the peer could spread the window over
/// unfinished slices, wait for receipts that never come, and cut the session off.
pub fn connections_within_window(wanted: usize, credit_window: u64, slice_size: u64) -> usize {
	let fit = credit_window.checked_div(slice_size).unwrap_or(u64::MAX);
	wanted.clamp(1, usize::try_from(fit).unwrap_or(usize::MAX).max(1))
}

/// How a download runs.
#[derive(Clone, Debug)]
pub struct DownloadOptions {
	/// The most bytes of verified data buffered before the caller receives them (the
	/// whitepaper's `nMaxLength`); at least one slice is buffered.
	pub max_buffer: usize,
	/// Slices not to fetch (a resumed download already has them).
	pub skip_slices: Vec<u64>,
	/// Peers to fetch from; all that hold the file when empty.
	pub only_peers: Vec<Endpoint>,
	/// Connections to each peer, each fetching one slice at a time (at least one): more than
	/// one overlaps a peer's transfer with the request, disk read and check of the next slice.
	/// A peer gets no more connections than whole slices fit in its credit window (see
	/// [`connections_within_window`]).
	pub connections_per_peer: usize,
}

impl Default for DownloadOptions {
	fn default() -> Self {
		DownloadOptions {
			max_buffer: 16 * SLICE_SIZE as usize,
			skip_slices: Vec::new(),
			only_peers: Vec::new(),
			connections_per_peer: CONNECTIONS_PER_PEER,
		}
	}
}

impl Client {
	/// A client of `dapp` signing with `key`, talking to the serving peers at `endpoints`.
	/// Peers that cannot be reached are left out (with a warning); peers of another chain than
	/// `genesis_hash` (or, if `None`, than the first peer reached) are refused.
	pub async fn connect(
		dapp: AccountId32,
		key: sr25519::Pair,
		endpoints: &[Endpoint],
		genesis_hash: Option<H256>,
	) -> Result<Self, Error> {
		let statuses = Self::statuses(endpoints).await;
		let mut genesis = genesis_hash;
		let mut peers = Vec::new();
		for (endpoint, status) in endpoints.iter().zip(statuses) {
			match status {
				Ok(status) if genesis.is_none_or(|g| g == status.genesis_hash) => {
					genesis = Some(status.genesis_hash);
					peers.push(Peer { endpoint: endpoint.clone(), status });
				}
				Ok(status) => log::warn!(
					target: "sdk",
					"{endpoint} serves another chain (genesis {:?}); left out",
					status.genesis_hash
				),
				Err(e) => log::warn!(target: "sdk", "{endpoint} left out: {e}"),
			}
		}
		let genesis_hash = genesis.ok_or(Error::NoPeers)?;
		if peers.is_empty() {
			return Err(Error::NoPeers);
		}
		Ok(Client {
			dapp,
			key,
			genesis_hash,
			peers,
			next_task: AtomicU64::new(1),
			ceiling: session::PeriodCeiling::new(None),
			task_sessions: Default::default(),
		})
	}

	/// Sign receipts only for periods up to the current period + 1 of the chain the node at
	/// `chain` follows (issue 14, finding 2). [`Client::from_chain`] does so with its node; a
	/// client made with [`Client::connect`] trusts its peers' periods until given a node.
	pub fn with_chain(mut self, chain: ChainRpc) -> Self {
		self.ceiling = session::PeriodCeiling::new(Some(chain));
		self
	}

	/// Sign receipts only for periods up to `current()` + 1, the caller's own view of the
	/// chain's period (a node's patrol worker, which reads its runtime rather than a node's
	/// JSON-RPC).
	pub fn with_current_period(mut self, current: session::CurrentPeriod) -> Self {
		self.ceiling = session::PeriodCeiling::local(current);
		self
	}

	/// A client of `dapp` signing with `key`, talking to the active professional peers that
	/// the chain's peer registry lists, as the node at `rpc_url` (`ws://` or `http://host:port`)
	/// sees them at its finalized head ([`Error::NoRegisteredPeers`] if it lists none). Peers
	/// of another chain than the node's are refused.
	pub async fn from_chain(
		rpc_url: &str,
		dapp: AccountId32,
		key: sr25519::Pair,
	) -> Result<Self, Error> {
		let chain = ChainRpc::new(rpc_url)?;
		let genesis = chain.genesis_hash().await?;
		let endpoints = chain.serving_endpoints().await?;
		if endpoints.is_empty() {
			return Err(Error::NoRegisteredPeers);
		}
		Ok(Self::connect(dapp, key, &endpoints, Some(genesis)).await?.with_chain(chain))
	}

	/// A client of `dapp` signing with `key` for the file `hash_index`, talking to the peers
	/// that hold it by its storage orders, as the node at `rpc_url` sees them at its best block
	/// (confirmed holders, primaries first), and for each holder that cannot be reached, the
	/// common peers backing it up (whitepaper ch.2 §5 ii: they serve when their professional
	/// peer is down). A peer whose data plane names another account than the chain lists at
	/// its endpoint is left out. A file nobody ordered, or whose holders have not confirmed
	/// yet, falls back to the active professional peers of the registry, as
	/// [`Client::from_chain`] finds them: the registry scan serves only files without a
	/// placement, so a download does not ask every peer of a large network.
	pub async fn from_holders(
		rpc_url: &str,
		dapp: AccountId32,
		key: sr25519::Pair,
		hash_index: &HashIndex,
	) -> Result<Self, Error> {
		let chain = ChainRpc::new(rpc_url)?;
		let genesis = chain.genesis_hash().await?;
		let (holders, backups) = chain.holder_sources(&hash_index.0).await?;
		if holders.is_empty() {
			log::debug!(target: "sdk", "{hash_index:?}: no confirmed holder; the registry's peers");
			let endpoints = chain.serving_endpoints().await?;
			if endpoints.is_empty() {
				return Err(Error::NoRegisteredPeers);
			}
			return Ok(Self::connect(dapp, key, &endpoints, Some(genesis))
				.await?
				.with_chain(chain));
		}
		let statuses =
			Self::statuses(&holders.iter().map(|s| s.endpoint.clone()).collect::<Vec<_>>()).await;
		let mut sources: Vec<chain::Source> = Vec::new();
		let mut down: Vec<AccountId32> = Vec::new();
		for (holder, status) in holders.into_iter().zip(statuses) {
			match status {
				Ok(status) if status.server == holder.account => sources.push(holder),
				Ok(status) => log::warn!(
					target: "sdk",
					"{} serves as {}, the chain lists {} there; left out",
					holder.endpoint, status.server, holder.account
				),
				Err(e) => {
					log::warn!(target: "sdk", "holder {} is down ({e}): its backups", holder.endpoint);
					down.push(holder.account);
				}
			}
		}
		sources.extend(
			backups.into_iter().filter(|b| b.backs_up.as_ref().is_some_and(|p| down.contains(p))),
		);
		let endpoints: Vec<Endpoint> = sources.iter().map(|s| s.endpoint.clone()).collect();
		let mut client = Self::connect(dapp, key, &endpoints, Some(genesis)).await?;
		client.peers.retain(|peer| {
			sources.iter().any(|s| s.endpoint == peer.endpoint && s.account == peer.status.server)
		});
		if client.peers.is_empty() {
			return Err(Error::NoPeers);
		}
		Ok(client.with_chain(chain))
	}

	/// What each endpoint says of itself, within [`STATUS_TIMEOUT`] each.
	async fn statuses(endpoints: &[Endpoint]) -> Vec<Result<Status, Error>> {
		join_all(endpoints.iter().map(|endpoint| async move {
			let ask = async {
				let mut connection = http::Connection::open(endpoint).await?;
				connection.fetch_json::<Status>(http::get("/v1/status")).await
			};
			tokio::time::timeout(STATUS_TIMEOUT, ask).await.unwrap_or_else(|_| {
				Err(Error::Unreachable(endpoint.to_string(), "no answer".into()))
			})
		}))
		.await
	}

	/// The serving peers reached.
	pub fn peers(&self) -> &[Peer] {
		&self.peers
	}

	/// The chain's genesis hash.
	pub fn genesis_hash(&self) -> H256 {
		self.genesis_hash
	}

	fn signer(&self) -> Signer {
		Signer {
			dapp: self.dapp.clone(),
			key: self.key.clone(),
			genesis_hash: self.genesis_hash,
			ceiling: self.ceiling.clone(),
		}
	}

	/// The hash indices of the files stored under `address`, on any peer (each once).
	pub async fn query_file_hash_index(&self, address: &str) -> Result<Vec<HashIndex>, Error> {
		let path = format!("/v1/names/{}", protocol::percent_encode(address));
		let answers = join_all(self.peers.iter().map(|peer| {
			let path = path.clone();
			async move {
				let mut connection = http::Connection::open(&peer.endpoint).await?;
				// Hash indices of 65 hex digits and a comma each: 16 000 files under a name.
				connection.fetch_json_within::<Vec<HashIndex>>(http::get(&path), 1 << 20).await
			}
		}))
		.await;
		let mut found = Vec::new();
		let mut reached = false;
		for answer in answers {
			match answer {
				Ok(list) => {
					reached = true;
					for hash in list {
						if !found.contains(&hash) {
							found.push(hash);
						}
					}
				}
				Err(e) => log::warn!(target: "sdk", "{e}"),
			}
		}
		if !reached {
			return Err(Error::NoPeers);
		}
		Ok(found)
	}

	/// What each peer that holds file `hash` says of it.
	async fn holders(&self, hash: &HashIndex) -> Vec<(Peer, FileInfo)> {
		let path = format!("/v1/files/{hash}");
		let answers = join_all(self.peers.iter().map(|peer| {
			let path = path.clone();
			async move {
				let mut connection = http::Connection::open(&peer.endpoint).await?;
				connection.fetch_json::<FileInfo>(http::get(&path)).await
			}
		}))
		.await;
		self.peers
			.iter()
			.zip(answers)
			.filter_map(|(peer, answer)| match answer {
				Ok(info)
					if info.hash_index == *hash && info.slice_count == slice_count(info.length) =>
				{
					Some((peer.clone(), info))
				}
				Ok(_) => {
					log::warn!(target: "sdk", "{} describes {hash} wrongly; left out", peer.endpoint);
					None
				}
				Err(_) => None,
			})
			.collect()
	}

	/// The info of file `hash`, from the first peer that holds it.
	pub async fn query_file_info(&self, hash: &HashIndex) -> Result<FileInfo, Error> {
		self.holders(hash)
			.await
			.into_iter()
			.next()
			.map(|(_, info)| info)
			.ok_or(Error::NotFound(*hash))
	}

	/// The info and slice hashes of file `hash`, checked against its hash index.
	pub async fn query_slices(
		&self,
		hash: &HashIndex,
	) -> Result<(FileInfo, Vec<content::Digest>), Error> {
		Self::slices_from(&self.holders(hash).await, hash).await
	}

	/// The slice hashes of file `hash` from the first of `holders` whose list adds up to the
	/// hash index.
	pub(crate) async fn slices_from(
		holders: &[(Peer, FileInfo)],
		hash: &HashIndex,
	) -> Result<(FileInfo, Vec<content::Digest>), Error> {
		for (peer, info) in holders {
			let path = format!("/v1/files/{hash}/slices");
			let raw = async {
				let mut connection = http::Connection::open(&peer.endpoint).await?;
				connection.fetch(http::get(&path), (info.slice_count as usize + 1) * 32).await
			}
			.await;
			match raw.map(|raw| verify_slice_list(info, &raw)) {
				Ok(Ok(list)) => return Ok((info.clone(), list)),
				Ok(Err(e)) => log::warn!(target: "sdk", "{}: {e}", peer.endpoint),
				Err(e) => log::warn!(target: "sdk", "{e}"),
			}
		}
		Err(Error::NotFound(*hash))
	}

	/// Start downloading bytes `start..=end` of file `hash` (`-1` for `start`: from the
	/// beginning; `-1` for `end`: to the end), buffering at most `max_buffer` bytes.
	pub async fn start_download(
		&self,
		hash: &HashIndex,
		start: i64,
		end: i64,
		max_buffer: usize,
	) -> Result<Download, Error> {
		self.start_download_with(
			hash,
			start,
			end,
			DownloadOptions { max_buffer, ..Default::default() },
		)
		.await
	}

	/// [`start_download`](Self::start_download) with every option.
	pub async fn start_download_with(
		&self,
		hash: &HashIndex,
		start: i64,
		end: i64,
		options: DownloadOptions,
	) -> Result<Download, Error> {
		let mut holders = self.holders(hash).await;
		if !options.only_peers.is_empty() {
			holders.retain(|(peer, _)| options.only_peers.contains(&peer.endpoint));
		}
		let Some((_, info)) = holders.first().cloned() else {
			return Err(Error::NotFound(*hash));
		};
		let length = info.length;
		let first = if start == -1 { 0 } else { start };
		let last = if end == -1 { length as i64 - 1 } else { end };
		if first < 0 || last < first || last as u64 >= length {
			return Err(Error::BadRange { start, end, length });
		}
		// The slice hashes, from the first holder whose list adds up to the hash index.
		let (_, slices) = Self::slices_from(&holders, hash).await?;
		// A session with each holder.
		let opened = join_all(holders.iter().map(|(peer, _)| {
			PeerSession::open(&peer.endpoint, peer.status.server.clone(), self.signer())
		}))
		.await;
		let mut sources = Vec::new();
		for ((peer, _), session) in holders.iter().zip(opened) {
			match session {
				Ok(session) => sources.push(download::Source {
					endpoint: peer.endpoint.clone(),
					session,
					failures: Default::default(),
					connections: connections_within_window(
						options.connections_per_peer,
						peer.status.credit_window,
						info.slice_size,
					),
				}),
				Err(e) => log::warn!(target: "sdk", "no session with {}: {e}", peer.endpoint),
			}
		}
		if sources.is_empty() {
			return Err(Error::NoPeers);
		}
		let plan = download::Plan { info, slices, start: first as u64, end: last as u64 + 1 };
		let id = self.next_task.fetch_add(1, Ordering::Relaxed);
		let buffer_slices = options.max_buffer / SLICE_SIZE as usize;
		let skip = options.skip_slices;
		Ok(Download::start(id, plan, sources, buffer_slices, &|s| skip.contains(&s)))
	}

	/// Open a local SOCKS5 listener on `listen` whose connections are tunnelled through the
	/// relay of the peer at `via` (the first peer that relays if `None`), receipts signed for
	/// every byte. [`Error::NoRelay`] if that peer does not relay, or none does.
	pub async fn create_data_channel(
		&self,
		listen: std::net::SocketAddr,
		via: Option<&Endpoint>,
	) -> Result<DataChannel, Error> {
		let (endpoint, session) = self.relay_session(via).await?;
		DataChannel::start(listen, endpoint, session).await
	}

	/// A session with the relay of the peer at `via` (the first peer that relays if `None`):
	/// connections to endpoints made [`via`](Endpoint::via) it are its tunnels, every byte
	/// receipted. [`Error::NoRelay`] if that peer does not relay, or none does.
	pub async fn open_relay(&self, via: Option<&Endpoint>) -> Result<Arc<Relay>, Error> {
		let (endpoint, session) = self.relay_session(via).await?;
		Ok(Relay::new(endpoint, session))
	}

	async fn relay_session(
		&self,
		via: Option<&Endpoint>,
	) -> Result<(Endpoint, Arc<PeerSession>), Error> {
		let peer = match via {
			Some(endpoint) => {
				self.peers.iter().find(|p| &p.endpoint == endpoint).ok_or_else(|| {
					Error::BadEndpoint(format!("{endpoint} is not one of the client's peers"))
				})?
			}
			None => self.peers.iter().find(|p| p.status.relays).ok_or(Error::NoRelay(None))?,
		};
		if !peer.status.relays {
			return Err(Error::NoRelay(Some(peer.endpoint.to_string())));
		}
		let session =
			PeerSession::open(&peer.endpoint, peer.status.server.clone(), self.signer()).await?;
		Ok((peer.endpoint.clone(), session))
	}

	/// Upload the file at `path` to the peer at `endpoint`, listed under `address`. The peer's
	/// answer is checked against the hash index of the file's own bytes
	/// ([`Error::WrongHashIndex`] if it differs).
	pub async fn upload(
		&self,
		endpoint: &Endpoint,
		path: &Path,
		address: &str,
	) -> Result<FileInfo, Error> {
		use tokio::io::AsyncReadExt;
		let peer = self.peers.iter().find(|p| &p.endpoint == endpoint).ok_or_else(|| {
			Error::BadEndpoint(format!("{endpoint} is not one of the client's peers"))
		})?;
		let session =
			PeerSession::open(endpoint, peer.status.server.clone(), self.signer()).await?;
		let (expected, _) = file_hash_index(path).await?;
		let named = |error| Error::File { path: path.to_owned(), error };
		let file = tokio::fs::File::open(path).await.map_err(named)?;
		let length = file.metadata().await.map_err(named)?.len();
		let body = futures::stream::unfold(file, |mut file| async move {
			let mut buf = vec![0u8; SLICE_SIZE as usize];
			match file.read(&mut buf).await {
				Ok(0) => None,
				Ok(n) => {
					buf.truncate(n);
					Some((Ok(hyper::body::Frame::data(bytes::Bytes::from(buf))), file))
				}
				Err(e) => Some((Err(e), file)),
			}
		});
		let request = hyper::Request::post(format!(
			"/v1/files?address={}",
			protocol::percent_encode(address)
		))
		.header(SESSION_HEADER, protocol::session_to_header(&session.id()))
		.header(hyper::header::CONTENT_LENGTH, length)
		.body(http_body_util::BodyExt::boxed_unsync(http_body_util::StreamBody::new(body)))
		.expect("valid request");
		let mut connection = http::Connection::open(endpoint).await?;
		let info = connection.fetch_json::<FileInfo>(request).await;
		session.finish(std::time::Duration::from_secs(1)).await;
		let info = info?;
		match expected {
			Some(expected) if expected != info.hash_index => Err(Error::WrongHashIndex {
				peer: endpoint.to_string(),
				stored: info.hash_index,
				expected,
			}),
			_ => Ok(info),
		}
	}
}

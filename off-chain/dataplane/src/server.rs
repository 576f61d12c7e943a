//! The serving peer's HTTP server (protocol in [`crate::protocol`]).

mod tasks;

use crate::{
	content::HashIndex,
	ledger::Ledger,
	limits::{self, Activity, Admission, Limits, Refused, Watched},
	protocol::{
		self, ByteRange, ErrorBody, Opened, ReceiptTaken, SignedReplicaRequest, Status,
		PERIOD_HEADER, REPLICA_HEADER, SESSION_HEADER,
	},
	relay::{self, RelayPolicy},
	replicas::{Admitted, Refusal, ReplicaBook, ReplicaGrant},
	session::{Receipt, SessionError, Sessions},
	store::{ContentStore, StoreError},
};
use bytes::Bytes;
use codec::Decode;
use http_body_util::{combinators::UnsyncBoxBody, BodyExt, Full, StreamBody};
use hyper::{
	body::{Frame, Incoming},
	header, Method, Request, Response, StatusCode,
};
use hyper_util::rt::{TokioIo, TokioTimer};
use parking_lot::Mutex;
use sp_core::{crypto::AccountId32, sr25519, H256};
use spacebook_receipts::{ClientKey, SessionId};
use std::{
	collections::HashMap,
	convert::Infallible,
	io::{self, Write},
	net::SocketAddr,
	sync::Arc,
	time::{Duration, Instant},
};
use tokio::{
	io::{AsyncRead, AsyncReadExt, AsyncSeekExt, AsyncWrite, AsyncWriteExt},
	net::{TcpListener, TcpStream},
};

/// What the data plane needs to know of the chain.
pub trait ChainView: Send + Sync + 'static {
	/// The current ledgering period.
	fn current_period(&self) -> u32;
	/// The DApp that authorized `key` to sign receipts, if any.
	fn dapp_of_client_key(&self, key: &ClientKey) -> Option<AccountId32>;
	/// The bytes a DApp may upload to this peer (the chain's `DAppStorageQuota`).
	fn dapp_storage_quota(&self) -> u64;
	/// Whether `dapp` can pay for new sessions: its lease and its traffic escrow (the pricing
	/// pallet's `PricingApi_dapp`).
	fn dapp_funds(&self, dapp: &AccountId32) -> DAppFunds;
	/// May the peer `key` is registered to be sent a replica of the file `hash` by `server`
	/// (this peer)? Only if a storage order has that peer **fetching** the file, before its
	/// deadline, or it is a common peer attached to `server` that may earn and keeps the file
	/// as a backup; and `server` stores the file by an order (fetching or holding it). None by
	/// default.
	fn replica_grant(
		&self,
		server: &AccountId32,
		key: &sr25519::Public,
		hash: &HashIndex,
	) -> Option<ReplicaGrant> {
		let _ = (server, key, hash);
		None
	}
}

/// A DApp's lease, as far as serving it goes (the pricing pallet's standing).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LeaseStanding {
	/// The DApp leases nothing.
	NoLease,
	/// The lease's deposit covers its instances, or the DApp is within its grace period to top
	/// up after a price rise.
	Good,
	/// The grace period to top up passed.
	Lapsed,
}

/// What the chain says of a DApp's means to pay for new sessions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DAppFunds {
	/// Its lease.
	pub lease: LeaseStanding,
	/// The bytes its traffic escrow pays for this period that no pending report reserved.
	pub available_bytes: u128,
}

impl DAppFunds {
	/// Why a peer with `margin` refuses the DApp a new session, if it does: traffic it serves
	/// must be paid for, so the DApp needs a lease in standing and an escrow that pays for
	/// `margin` more bytes (the receipts other peers are collecting draw on it too).
	pub fn refusal(&self, margin: u64) -> Option<String> {
		match self.lease {
			LeaseStanding::NoLease => {
				Some("the DApp leases no instances: it must lease before it is served".into())
			}
			LeaseStanding::Lapsed => Some(
				"the DApp's lease deposit fell short of the nominal price and its grace period \
				 passed: it must top up its lease"
					.into(),
			),
			LeaseStanding::Good if self.available_bytes < u128::from(margin) => Some(format!(
				"the DApp's traffic escrow pays for {} more bytes, below this peer's margin of \
				 {margin}: the DApp must fund it",
				self.available_bytes
			)),
			LeaseStanding::Good => None,
		}
	}
}

/// How a serving peer serves.
#[derive(Clone, Debug)]
pub struct Config {
	/// The serving peer's account, which receipts must name.
	pub server: AccountId32,
	/// The chain's genesis hash, which receipts are signed for.
	pub genesis_hash: H256,
	/// Bytes served to a session ahead of its receipts.
	pub credit_window: u64,
	/// Sessions served at once.
	pub max_sessions: usize,
	/// Sessions of one client key at once.
	pub max_sessions_per_key: usize,
	/// Sessions of one DApp at once, whatever its client keys.
	pub max_sessions_per_dapp: usize,
	/// How long a session may stay idle before its slot may be reused.
	pub idle_timeout: Duration,
	/// How long a transfer waits for a receipt when the credit window is used up.
	pub stall_timeout: Duration,
	/// The largest file accepted for upload.
	pub max_upload: u64,
	/// Bytes the content store's filesystem keeps free: below them uploads are refused, so
	/// that the receipt journal and the chain's database beside it keep working.
	pub min_free_space: u64,
	/// Whether the peer relays VPN traffic (`CONNECT`), and where to.
	pub relay: Option<RelayPolicy>,
	/// Paid bytes a DApp's traffic escrow must still cover for a new session to open: the
	/// traffic being receipted by every peer serving it draws on the escrow before reports
	/// reserve it, so a DApp is refused before it runs dry.
	pub escrow_margin: u64,
	/// How often a DApp's funds are asked again while its sessions are served: past that, a
	/// DApp that can no longer pay is served no more bytes.
	pub funds_recheck: Duration,
	/// Connections, tunnels and their timeouts.
	pub limits: Limits,
	/// Compute tasks run at once (each on a blocking thread); more wait for a slot.
	pub max_parallel_tasks: usize,
	/// Tests only: a dishonest peer that answers sorts wrongly (two entries swapped), for the
	/// patrol tests. The node sets it only in debug builds (`--serve-test-wrong-sorts`).
	pub test_wrong_sorts: bool,
}

impl Config {
	/// Defaults for `server` on the chain of `genesis_hash` (docs/dataplane.md explains them).
	pub fn new(server: AccountId32, genesis_hash: H256) -> Self {
		Config {
			server,
			genesis_hash,
			credit_window: 8 << 20,
			max_sessions: 4096,
			max_sessions_per_key: 64,
			// A quarter of the peer: at least four DApps always find room.
			max_sessions_per_dapp: 1024,
			idle_timeout: Duration::from_secs(600),
			stall_timeout: Duration::from_secs(15),
			max_upload: 64 << 30,
			min_free_space: 2 << 30,
			relay: None,
			// A quarter of a GiB: 32 credit windows, about 0.0025 SPB at the launch price.
			escrow_margin: 256 << 20,
			// Two blocks: the chain's view changes no faster.
			funds_recheck: Duration::from_secs(6),
			limits: Limits::default(),
			// A core for the sockets, the rest for tasks.
			max_parallel_tasks: std::thread::available_parallelism()
				.map_or(1, |n| n.get().saturating_sub(1))
				.max(1),
			test_wrong_sorts: false,
		}
	}
}

/// A serving peer's data plane: its content store, sessions and receipt ledger.
pub struct DataPlane {
	store: Arc<ContentStore>,
	sessions: Mutex<Sessions>,
	ledger: Arc<Ledger>,
	chain: Arc<dyn ChainView>,
	admission: Arc<Admission>,
	config: Config,
	/// Per DApp, when its funds were last asked and why it may not be served (`None`: it may).
	funds: Mutex<HashMap<AccountId32, (Instant, Option<String>)>>,
	/// The replicas being sent, the requests used, the placements' budgets.
	replicas: ReplicaBook,
	/// Bytes served per file, DApp and period since the node last took them.
	served: crate::demand::ServedCounter,
	/// The compute tasks that may run at once.
	task_slots: Arc<tokio::sync::Semaphore>,
	/// The Prometheus series.
	metrics: crate::metrics::Metrics,
}

/// A replica being sent, counted until its stream ends or expires.
struct ReplicaPermit {
	plane: Arc<DataPlane>,
	key: sr25519::Public,
	admitted: Admitted,
}

impl Drop for ReplicaPermit {
	fn drop(&mut self) {
		self.plane.replicas.release(&self.key, self.admitted.id);
	}
}

type Body = UnsyncBoxBody<Bytes, io::Error>;

/// Bytes read from disk and handed to the connection at a time.
const CHUNK: u64 = 256 << 10;
/// The largest receipt body accepted.
const MAX_RECEIPT_BODY: usize = 4096;
/// Slice hashes sent at a time in a file's slice list (32 KiB).
const SLICE_HASHES_PER_CHUNK: usize = 1024;

fn full(bytes: impl Into<Bytes>) -> Body {
	Full::new(bytes.into()).map_err(|never: Infallible| match never {}).boxed_unsync()
}

fn json<T: serde::Serialize>(status: StatusCode, value: &T) -> Response<Body> {
	let body = serde_json::to_vec(value).expect("plain data serializes");
	Response::builder()
		.status(status)
		.header(header::CONTENT_TYPE, "application/json")
		.body(full(body))
		.expect("valid response")
}

/// Why a response refused its request: counted by [`DataPlane::handle`] in the refusals series.
#[derive(Clone, Copy, Debug)]
struct RefusalReason(&'static str);

/// A refusal answered with `status`, `message` and the series' `reason`.
fn refused_with(
	status: StatusCode,
	message: impl ToString,
	reason: &'static str,
) -> Response<Body> {
	let mut response = json(status, &ErrorBody { error: message.to_string() });
	response.extensions_mut().insert(RefusalReason(reason));
	response
}

fn error(status: StatusCode, message: impl ToString) -> Response<Body> {
	refused_with(status, message, crate::metrics::reason_of_status(status))
}

fn session_error(e: SessionError) -> Response<Body> {
	let status = match e {
		SessionError::UnknownSession => StatusCode::UNAUTHORIZED,
		SessionError::NotAuthorized | SessionError::WrongServer | SessionError::BadSignature => {
			StatusCode::FORBIDDEN
		}
		SessionError::NoCredit | SessionError::Unpaid(_) => StatusCode::PAYMENT_REQUIRED,
		SessionError::TooManySessions => StatusCode::SERVICE_UNAVAILABLE,
		SessionError::TooManyKeySessions(_)
		| SessionError::TooManyDAppSessions(_)
		| SessionError::TooManyStreams(_) => StatusCode::TOO_MANY_REQUESTS,
		_ => StatusCode::BAD_REQUEST,
	};
	let reason = e.reason();
	refused_with(status, e, reason)
}

/// Read a request body of at most `limit` bytes.
async fn read_body(body: Incoming, limit: usize) -> Result<Bytes, Response<Body>> {
	let limited = http_body_util::Limited::new(body, limit);
	match limited.collect().await {
		Ok(collected) => Ok(collected.to_bytes()),
		Err(_) => Err(error(StatusCode::PAYLOAD_TOO_LARGE, format!("body above {limit} bytes"))),
	}
}

impl DataPlane {
	/// A data plane over `store`, keeping receipts in `ledger`.
	pub fn new(
		store: Arc<ContentStore>,
		ledger: Arc<Ledger>,
		chain: Arc<dyn ChainView>,
		config: Config,
	) -> Arc<Self> {
		let sessions = Sessions::new(
			config.server.clone(),
			config.genesis_hash,
			config.credit_window,
			config.max_sessions,
			config.max_sessions_per_key,
			config.max_sessions_per_dapp,
			config.idle_timeout,
		);
		let admission = Admission::new(config.limits.clone());
		Arc::new(DataPlane {
			store,
			sessions: Mutex::new(sessions),
			ledger,
			chain,
			admission,
			funds: Mutex::new(HashMap::new()),
			replicas: ReplicaBook::default(),
			served: Default::default(),
			task_slots: Arc::new(tokio::sync::Semaphore::new(config.max_parallel_tasks.max(1))),
			config,
			metrics: crate::metrics::Metrics::new()
				.expect("the data plane's series have valid constant names; qed"),
		})
	}

	/// The Prometheus series, for the node to register and tests to read.
	pub fn metrics(&self) -> &crate::metrics::Metrics {
		&self.metrics
	}

	/// Set the gauges (sessions, connections and tunnels open) to what is open now. The node
	/// calls it at every imported block.
	pub fn update_gauges(&self) {
		self.metrics.sessions.set(self.sessions.lock().len() as u64);
		self.metrics.connections.set(self.admission.connections() as u64);
		self.metrics.tunnels.set(self.admission.tunnels() as u64);
	}

	/// Compute tasks running now (at most `Config::max_parallel_tasks`).
	pub fn tasks_running(&self) -> usize {
		self.config.max_parallel_tasks.max(1).saturating_sub(self.task_slots.available_permits())
	}

	/// The bytes served to DApps' sessions per file and period since the last call, of the
	/// files last named to [`count_served_of`](Self::count_served_of) (the node notes them for
	/// the chain's demand reports).
	pub fn take_served(&self) -> Vec<crate::demand::Served> {
		self.served.take()
	}

	/// Tally the bytes served of `files` (the ones the chain asks this peer to store) from now
	/// on, and of no other file.
	pub fn count_served_of(&self, files: impl IntoIterator<Item = HashIndex>) {
		self.served.count_only(files);
	}

	/// Why `dapp` may not be served now, if it may not: its lease and escrow as the chain tells
	/// them, asked at most every [`Config::funds_recheck`] (a runtime call per DApp, not per
	/// chunk).
	fn unpaid(&self, dapp: &AccountId32) -> Option<String> {
		let now = Instant::now();
		if let Some((at, refusal)) = self.funds.lock().get(dapp) {
			if now.duration_since(*at) < self.config.funds_recheck {
				return refusal.clone();
			}
		}
		let refusal = self.chain.dapp_funds(dapp).refusal(self.config.escrow_margin);
		let mut funds = self.funds.lock();
		// As many DApps as sessions at most; forget the stale ones past that.
		if funds.len() >= self.config.max_sessions {
			let recheck = self.config.funds_recheck;
			funds.retain(|_, (at, _)| now.duration_since(*at) < recheck);
		}
		funds.insert(dapp.clone(), (now, refusal.clone()));
		refusal
	}

	/// What is open now, counted against the limits.
	pub fn admission(&self) -> &Arc<Admission> {
		&self.admission
	}

	/// The content store.
	pub fn store(&self) -> &Arc<ContentStore> {
		&self.store
	}

	/// Serve connections from `listener` until the task is dropped.
	pub async fn serve(self: Arc<Self>, listener: TcpListener) -> io::Result<()> {
		loop {
			let (stream, remote) = match listener.accept().await {
				Ok(accepted) => accepted,
				Err(e) => {
					// Out of file descriptors and the like: back off instead of spinning.
					log::warn!(target: "dataplane", "accept failed: {e}");
					tokio::time::sleep(Duration::from_millis(100)).await;
					continue;
				}
			};
			let permit = match self.admission.connection(remote.ip()) {
				Ok(permit) => permit,
				Err(refused) => {
					// Answered without reading, writing only what the socket takes at once.
					log::debug!(target: "dataplane", "refusing {remote}: {refused}");
					self.metrics.refused(refused.reason());
					let _ = stream.try_write(&refusal(refused));
					continue;
				}
			};
			let _ = stream.set_nodelay(true);
			let plane = self.clone();
			tokio::spawn(async move {
				let _permit = permit;
				let limits = plane.config.limits.clone();
				let activity = Arc::new(Activity::default());
				let io = TokioIo::new(Watched::new(stream, activity.clone()));
				let service =
					hyper::service::service_fn(move |req| plane.clone().handle(req, remote));
				let mut builder = hyper::server::conn::http1::Builder::new();
				builder.timer(TokioTimer::new()).header_read_timeout(limits.header_timeout);
				let conn = builder.serve_connection(io, service).with_upgrades();
				tokio::select! {
					ended = conn => if let Err(e) = ended {
						log::debug!(target: "dataplane", "connection from {remote} ended: {e}");
					},
					_ = activity.idle(limits.idle_timeout) => {
						log::debug!(target: "dataplane", "closing idle connection from {remote}");
					}
				}
			});
		}
	}

	async fn handle(
		self: Arc<Self>,
		req: Request<Incoming>,
		remote: SocketAddr,
	) -> Result<Response<Body>, Infallible> {
		let response = self.clone().route(req, remote).await;
		if let Some(RefusalReason(reason)) = response.extensions().get() {
			self.metrics.refused(reason);
		}
		Ok(response)
	}

	async fn route(self: Arc<Self>, req: Request<Incoming>, remote: SocketAddr) -> Response<Body> {
		if req.method() == Method::CONNECT {
			return self.connect(req, remote).await;
		}
		let path = req.uri().path().to_owned();
		let Some(rest) = path.strip_prefix(protocol::PREFIX) else {
			return error(StatusCode::NOT_FOUND, "unknown path");
		};
		let segments: Vec<&str> = rest.trim_start_matches('/').split('/').collect();
		let response = match (req.method(), segments.as_slice()) {
			(&Method::GET, ["status"]) => self.status(),
			(&Method::POST, ["sessions"]) => self.open_session(req).await,
			(&Method::POST, ["receipts"]) => self.take_receipt(req).await,
			(&Method::GET, ["names", address]) => match protocol::percent_decode(address) {
				Some(address) => json(StatusCode::OK, &self.store.hash_indices(&address)),
				None => error(StatusCode::BAD_REQUEST, "the address is not percent-encoded UTF-8"),
			},
			(&Method::GET, ["files", hash]) => match self.file(hash) {
				Ok(file) => json(StatusCode::OK, &file.info),
				Err(response) => response,
			},
			(&Method::GET, ["files", hash, "slices"]) => match self.file(hash) {
				Ok(file) => {
					// Streamed a chunk at a time (32 KiB), not built whole: a slow reader holds
					// one chunk, whatever the file's size (2 MiB of hashes for 64 GiB).
					let length = file.slices.len() as u64 * 32;
					let chunks = slice_list_chunks(file.slices.clone(), SLICE_HASHES_PER_CHUNK)
						.map(|raw| Ok::<_, io::Error>(Frame::data(raw)));
					Response::builder()
						.header(header::CONTENT_TYPE, "application/octet-stream")
						.header(header::CONTENT_LENGTH, length)
						.body(BodyExt::boxed_unsync(StreamBody::new(futures::stream::iter(chunks))))
						.expect("valid response")
				}
				Err(response) => response,
			},
			(&Method::GET, ["files", hash, "data"]) => {
				let hash = hash.to_string();
				self.data(&hash, req).await
			}
			(&Method::POST, ["files"]) => self.upload(req).await,
			(&Method::GET, ["replicas", hash]) => {
				let hash = hash.to_string();
				self.replica(&hash, req).await
			}
			(&Method::POST, ["tasks"]) => self.clone().task(req).await,
			_ => error(StatusCode::NOT_FOUND, "unknown path or method"),
		};
		response
	}

	fn status(&self) -> Response<Body> {
		json(
			StatusCode::OK,
			&Status {
				server: self.config.server.clone(),
				genesis_hash: self.config.genesis_hash,
				period: self.chain.current_period(),
				credit_window: self.config.credit_window,
				relays: self.config.relay.is_some(),
			},
		)
	}

	// The error is the answer to send, built once where the fault is found; it is sent at once.
	#[allow(clippy::result_large_err)]
	fn file(&self, hash: &str) -> Result<crate::store::StoredFile, Response<Body>> {
		let hash: HashIndex =
			hash.parse().map_err(|e| error(StatusCode::BAD_REQUEST, format!("{e}")))?;
		self.store
			.get(&hash)
			.ok_or_else(|| error(StatusCode::NOT_FOUND, format!("no file {hash} here")))
	}

	async fn receipt_body(&self, req: Request<Incoming>) -> Result<Receipt, Response<Body>> {
		// A few hundred bytes: within the header timeout, or the request is dropped (a body
		// trickled a byte at a time would otherwise hold the connection).
		let deadline = self.config.limits.header_timeout;
		let raw = match tokio::time::timeout(deadline, read_body(req.into_body(), MAX_RECEIPT_BODY))
			.await
		{
			Ok(raw) => raw?,
			Err(_) => return Err(error(StatusCode::REQUEST_TIMEOUT, "the body came too slowly")),
		};
		let mut input = &raw[..];
		match Receipt::decode(&mut input) {
			Ok(receipt) if input.is_empty() => Ok(receipt),
			_ => Err(error(
				StatusCode::BAD_REQUEST,
				"the body is not a SCALE-encoded signed receipt",
			)),
		}
	}

	async fn open_session(&self, req: Request<Incoming>) -> Response<Body> {
		let opening = match self.receipt_body(req).await {
			Ok(receipt) => receipt,
			Err(response) => return response,
		};
		let dapp = self.chain.dapp_of_client_key(&opening.receipt.client_key);
		// Only a DApp that can pay is served (a key no DApp authorized, or an opening that does
		// not verify, is refused below, without asking the chain more).
		if dapp.as_ref() == Some(&opening.receipt.dapp) && opening.verify(&self.config.genesis_hash)
		{
			let funds = self.chain.dapp_funds(&opening.receipt.dapp);
			if let Some(refusal) = funds.refusal(self.config.escrow_margin) {
				return error(StatusCode::PAYMENT_REQUIRED, refusal);
			}
		}
		let period = self.chain.current_period();
		let history = self.ledger.stream_history(&opening);
		let opened = {
			let mut sessions = self.sessions.lock();
			let opened = sessions.open(&opening, dapp, period, Instant::now());
			if opened.is_ok() {
				sessions.resume(&opening.receipt.session, &history);
			}
			opened
		};
		match opened {
			Ok(()) => {
				self.metrics.sessions_opened.inc();
				json(StatusCode::OK, &Opened { period, credit_window: self.config.credit_window })
			}
			Err(e) => session_error(e),
		}
	}

	async fn take_receipt(&self, req: Request<Incoming>) -> Response<Body> {
		let receipt = match self.receipt_body(req).await {
			Ok(receipt) => receipt,
			Err(response) => return response,
		};
		if receipt.receipt.bytes == 0 {
			return error(StatusCode::BAD_REQUEST, "a receipt counts at least one byte");
		}
		let period = self.chain.current_period();
		let new = match self.sessions.lock().validate(&receipt, period) {
			Ok(new) => new,
			Err(e) => return session_error(e),
		};
		if new {
			// Durable before the session counts it and the client hears of it: an acknowledged
			// receipt survives a crash, and one the ledger failed to keep is not acknowledged
			// (the client sends it again).
			let ledger = self.ledger.clone();
			let kept = receipt.clone();
			let recorded = tokio::task::spawn_blocking(move || ledger.record(&kept)).await;
			match recorded {
				Ok(Ok(_)) => self.metrics.receipts_kept.inc(),
				Ok(Err(e)) => {
					log::error!(target: "dataplane", "receipt ledger: {e}");
					return error(StatusCode::INTERNAL_SERVER_ERROR, "the receipt ledger failed");
				}
				Err(e) => return error(StatusCode::INTERNAL_SERVER_ERROR, e),
			}
		}
		match self.sessions.lock().acknowledge(&receipt, period, Instant::now()) {
			Ok(taken) => {
				json(StatusCode::OK, &ReceiptTaken { new: taken.new, credit: taken.credit, period })
			}
			Err(e) => session_error(e),
		}
	}

	#[allow(clippy::result_large_err)]
	fn session_of<B>(&self, req: &Request<B>) -> Result<SessionId, Response<Body>> {
		let id = req
			.headers()
			.get(SESSION_HEADER)
			.and_then(|v| v.to_str().ok())
			.and_then(protocol::session_from_header)
			.ok_or_else(|| {
				error(StatusCode::UNAUTHORIZED, format!("name an open session in {SESSION_HEADER}"))
			})?;
		if self.sessions.lock().get(&id).is_none() {
			return Err(session_error(SessionError::UnknownSession));
		}
		Ok(id)
	}

	/// The request's open session and the DApp that pays for it.
	#[allow(clippy::result_large_err)]
	fn session_and_dapp<B>(
		&self,
		req: &Request<B>,
	) -> Result<(SessionId, AccountId32), Response<Body>> {
		let session = self.session_of(req)?;
		let dapp = self.sessions.lock().get(&session).map(|open| open.dapp.clone());
		let dapp = dapp.ok_or_else(|| session_error(SessionError::UnknownSession))?;
		Ok((session, dapp))
	}

	/// [`session_and_dapp`](Self::session_and_dapp), refused (402) if the DApp can no longer
	/// pay.
	#[allow(clippy::result_large_err)]
	fn paying_session<B>(
		&self,
		req: &Request<B>,
	) -> Result<(SessionId, AccountId32), Response<Body>> {
		let (session, dapp) = self.session_and_dapp(req)?;
		if let Some(reason) = self.unpaid(&dapp) {
			return Err(error(StatusCode::PAYMENT_REQUIRED, reason));
		}
		Ok((session, dapp))
	}

	/// Wait until the session may be served some of `want` bytes, for at most the stall timeout.
	async fn grant(&self, session: &SessionId, want: u64) -> Result<u64, SessionError> {
		let deadline = tokio::time::Instant::now() + self.config.stall_timeout;
		// A DApp that can no longer pay is served no more, in open sessions too (the attacker
		// review of issue 15: otherwise a session kept active streams on unpaid).
		let dapp = self.sessions.lock().get(session).map(|s| s.dapp.clone());
		if let Some(reason) = dapp.and_then(|d| self.unpaid(&d)) {
			return Err(SessionError::Unpaid(reason));
		}
		self.wait_for_credit(session, deadline, || {
			let granted = self.sessions.lock().grant(session, want, Instant::now())?;
			Ok((granted > 0).then_some(granted))
		})
		.await
	}

	/// Call `attempt` until it takes credit on `session` (`Some`), again each time a receipt
	/// adds credit to it, until `deadline` (`NoCredit`).
	async fn wait_for_credit<T>(
		&self,
		session: &SessionId,
		deadline: tokio::time::Instant,
		mut attempt: impl FnMut() -> Result<Option<T>, SessionError>,
	) -> Result<T, SessionError> {
		loop {
			let notify = {
				let sessions = self.sessions.lock();
				sessions.get(session).ok_or(SessionError::UnknownSession)?.credit_added.clone()
			};
			let notified = notify.notified();
			tokio::pin!(notified);
			// Registered before the attempt, so a receipt between the attempt and the wait
			// wakes it.
			notified.as_mut().enable();
			if let Some(taken) = attempt()? {
				return Ok(taken);
			}
			if tokio::time::timeout_at(deadline, notified).await.is_err() {
				return Err(SessionError::NoCredit);
			}
		}
	}

	async fn data(self: Arc<Self>, hash: &str, req: Request<Incoming>) -> Response<Body> {
		let file = match self.file(hash) {
			Ok(file) => file,
			Err(response) => return response,
		};
		let (session, dapp) = match self.paying_session(&req) {
			Ok(paying) => paying,
			Err(response) => return response,
		};
		self.send_file(file, &req, Metered::Session { session, dapp }).await
	}

	/// `GET /replicas/<hash>`: the file to a peer a storage order placed to store it.
	async fn replica(self: Arc<Self>, hash: &str, req: Request<Incoming>) -> Response<Body> {
		let file = match self.file(hash) {
			Ok(file) => file,
			Err(response) => return response,
		};
		let Some(header) = req.headers().get(REPLICA_HEADER).and_then(|v| v.to_str().ok()) else {
			return error(
				StatusCode::UNAUTHORIZED,
				format!("sign a replica request in {REPLICA_HEADER}"),
			);
		};
		let signed = match SignedReplicaRequest::check(
			header,
			&self.config.genesis_hash,
			&self.config.server,
			&file.info.hash_index,
			protocol::unix_now(),
		) {
			Ok(signed) => signed,
			Err(e) => return error(StatusCode::FORBIDDEN, e),
		};
		let request = &signed.request;
		// Before the chain is asked: a busy peer, and a used request, cost no runtime calls.
		if !self.replicas.has_room(Instant::now()) {
			return replica_refused(Refusal::Busy);
		}
		if self.replicas.was_used(&signed.signature, Instant::now()) {
			return replica_refused(Refusal::Replayed);
		}
		let hash = file.info.hash_index;
		let Some(grant) = self.chain.replica_grant(&self.config.server, &request.peer_key, &hash)
		else {
			return error(
				StatusCode::FORBIDDEN,
				"no storage order has this key's peer fetching the file from a peer that stores it",
			);
		};
		let length = file.info.length;
		let bytes = match req.headers().get(header::RANGE) {
			None => length,
			Some(value) => match value.to_str().ok().and_then(|v| protocol::parse_range(v, length))
			{
				Some(range) => range.end - range.start,
				// Answered 416 below, for nothing.
				None => 0,
			},
		};
		let admitted = match self.replicas.admit(
			request.peer_key,
			&signed.signature,
			hash,
			&grant,
			length,
			bytes,
			Instant::now(),
		) {
			Ok(admitted) => admitted,
			Err(refusal) => return replica_refused(refusal),
		};
		let permit = ReplicaPermit { plane: self.clone(), key: request.peer_key, admitted };
		log::debug!(target: "dataplane", "sending a replica of {hash} to {}", grant.peer);
		self.send_file(file, &req, Metered::Replica(permit)).await
	}

	/// Send `file` (or the range `req` asks), as far as `metered` lets it go.
	async fn send_file<B>(
		self: &Arc<Self>,
		file: crate::store::StoredFile,
		req: &Request<B>,
		metered: Metered,
	) -> Response<Body> {
		let length = file.info.length;
		let range = match req.headers().get(header::RANGE) {
			None => None,
			Some(value) => match value.to_str().ok().and_then(|v| protocol::parse_range(v, length))
			{
				Some(range) => Some(range),
				None => {
					let mut refused = Response::builder()
						.status(StatusCode::RANGE_NOT_SATISFIABLE)
						.header(header::CONTENT_RANGE, format!("bytes */{length}"))
						.body(full(Bytes::new()))
						.expect("valid response");
					refused.extensions_mut().insert(RefusalReason("range_not_satisfiable"));
					return refused;
				}
			},
		};
		let ByteRange { start, end } = range.unwrap_or(ByteRange { start: 0, end: length });
		let mut source = match tokio::fs::File::open(self.store.data_path(&file.info.hash_index))
			.await
		{
			Ok(source) => source,
			Err(e) => {
				return error(StatusCode::INTERNAL_SERVER_ERROR, format!("reading the file: {e}"))
			}
		};
		if let Err(e) = source.seek(io::SeekFrom::Start(start)).await {
			return error(StatusCode::INTERNAL_SERVER_ERROR, format!("reading the file: {e}"));
		}
		let hash = file.info.hash_index;
		let state = (self.clone(), metered, source, start, end);
		let stream = futures::stream::unfold(
			state,
			move |(plane, metered, mut source, at, end)| async move {
				if at >= end {
					return None;
				}
				let want = (end - at).min(CHUNK);
				let granted = match &metered {
					Metered::Session { session, .. } => match plane.grant(session, want).await {
						Ok(granted) => granted,
						Err(e) => {
							plane.metrics.refused(e.reason());
							// Ends the response early: the client sees a cut transfer.
							let e = io::Error::other(e);
							return Some((Err(e), (plane, metered, source, end, end)));
						}
					},
					Metered::Replica(permit) if Instant::now() > permit.admitted.expires => {
						let e = io::Error::other("the replica came slower than its minimum rate");
						return Some((Err(e), (plane, metered, source, end, end)));
					}
					Metered::Replica(_) => want,
				};
				let mut chunk = vec![0u8; granted as usize];
				if let Err(e) = source.read_exact(&mut chunk).await {
					return Some((Err(e), (plane, metered, source, end, end)));
				}
				match &metered {
					Metered::Session { dapp, .. } => {
						plane.served.note(plane.chain.current_period(), &hash, dapp, granted);
						plane.metrics.served_to_client.inc_by(granted);
					}
					Metered::Replica(_) => plane.metrics.served_to_replica.inc_by(granted),
				}
				let next = (plane, metered, source, at + granted, end);
				Some((Ok(Frame::data(Bytes::from(chunk))), next))
			},
		);
		let mut response = Response::builder()
			.header(header::CONTENT_TYPE, "application/octet-stream")
			.header(header::CONTENT_LENGTH, end - start)
			.header(header::ACCEPT_RANGES, "bytes")
			.header(PERIOD_HEADER, self.chain.current_period());
		if range.is_some() {
			response = response
				.status(StatusCode::PARTIAL_CONTENT)
				.header(header::CONTENT_RANGE, format!("bytes {start}-{}/{length}", end - 1));
		}
		response.body(BodyExt::boxed_unsync(StreamBody::new(stream))).expect("valid response")
	}

	async fn upload(&self, req: Request<Incoming>) -> Response<Body> {
		let (_, dapp) = match self.session_and_dapp(&req) {
			Ok(open) => open,
			Err(response) => return response,
		};
		let _permit = match self.admission.upload(&dapp) {
			Ok(permit) => permit,
			Err(refused) => return refused_error(refused),
		};
		let address = req
			.uri()
			.query()
			.into_iter()
			.flat_map(|q| q.split('&'))
			.find_map(|kv| kv.strip_prefix("address="))
			.and_then(protocol::percent_decode);
		let Some(address) = address else {
			return error(StatusCode::BAD_REQUEST, "name the file's address: ?address=<address>");
		};
		let declared = req
			.headers()
			.get(header::CONTENT_LENGTH)
			.and_then(|v| v.to_str().ok())
			.and_then(|v| v.parse::<u64>().ok())
			.unwrap_or(0);
		if let Err(response) = self.room_for(declared) {
			return response;
		}
		let (limit, quota) = (self.config.max_upload, self.chain.dapp_storage_quota());
		// It creates a file, and may wait for an upload finishing: off the async threads.
		let store = self.store.clone();
		let begun =
			tokio::task::spawn_blocking(move || store.begin_upload(&address, limit, &dapp, quota))
				.await;
		let import = match begun {
			Ok(Ok(import)) => import,
			Ok(Err(e)) => return store_error(e),
			Err(e) => return error(StatusCode::INTERNAL_SERVER_ERROR, e),
		};
		let mut import = Some(import);
		let mut body = req.into_body();
		let mut pending: Vec<u8> = Vec::new();
		// After the header timeout's grace, the body must keep up the minimum rate on average: a
		// body trickled a byte a minute would hold its connection for ever.
		let (started, grace) = (tokio::time::Instant::now(), self.config.limits.header_timeout);
		let rate = self.config.limits.min_upload_rate.max(1) as f64;
		let mut received = 0u64;
		loop {
			let deadline = started + grace + Duration::from_secs_f64(received as f64 / rate);
			let Ok(frame) = tokio::time::timeout_at(deadline, body.frame()).await else {
				return error(
					StatusCode::REQUEST_TIMEOUT,
					format!("the upload came slower than {} bytes/s", rate as u64),
				);
			};
			let done = frame.is_none();
			if let Some(Ok(data)) = frame.as_ref().map(|f| f.as_ref().map(|f| f.data_ref())) {
				received = received.saturating_add(data.map_or(0, |d| d.len() as u64));
			}
			match frame {
				Some(Ok(frame)) => {
					if let Ok(data) = frame.into_data() {
						pending.extend_from_slice(&data);
					}
				}
				Some(Err(e)) => return error(StatusCode::BAD_REQUEST, format!("upload: {e}")),
				None => {}
			}
			if pending.len() >= crate::content::SLICE_SIZE as usize || (done && !pending.is_empty())
			{
				// The abandoned import's temporary file is removed when it is dropped.
				if let Err(response) = self.room_for(pending.len() as u64) {
					return response;
				}
				let mut writing = import.take().expect("put back after each write");
				let data = std::mem::take(&mut pending);
				let written = tokio::task::spawn_blocking(move || {
					let result = writing.write_all(&data);
					(writing, result)
				})
				.await;
				match written {
					Ok((writing, Ok(()))) => import = Some(writing),
					Ok((_, Err(e))) => return store_io_error(e),
					Err(e) => return error(StatusCode::INTERNAL_SERVER_ERROR, e),
				}
			}
			if done {
				break;
			}
		}
		let store = self.store.clone();
		let import = import.expect("put back after each write");
		match tokio::task::spawn_blocking(move || store.finish_import(import)).await {
			Ok(Ok(info)) => {
				log::info!(target: "dataplane", "stored {} ({} bytes) as {}", info.address, info.length, info.hash_index);
				json(StatusCode::CREATED, &info)
			}
			Ok(Err(e)) => store_error(e),
			Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, e),
		}
	}
}

impl DataPlane {
	/// Whether `bytes` more can be stored and still leave the free-space floor.
	#[allow(clippy::result_large_err)]
	fn room_for(&self, bytes: u64) -> Result<(), Response<Body>> {
		let floor = self.config.min_free_space;
		match limits::free_space(self.store.root()) {
			Ok(free) if free >= floor.saturating_add(bytes) => Ok(()),
			Ok(free) => Err(error(
				StatusCode::INSUFFICIENT_STORAGE,
				format!(
					"this peer keeps {floor} bytes free and has {free}: it takes no upload of \
					 {bytes} more bytes now"
				),
			)),
			Err(e) => {
				log::error!(target: "dataplane", "free space of the content store: {e}");
				Err(error(StatusCode::INTERNAL_SERVER_ERROR, "cannot tell the free space"))
			}
		}
	}

	/// `CONNECT host:port`: relay a VPN connection of a session.
	async fn connect(
		self: Arc<Self>,
		req: Request<Incoming>,
		remote: SocketAddr,
	) -> Response<Body> {
		let Some(policy) = self.config.relay.clone() else {
			return error(StatusCode::FORBIDDEN, "this peer does not relay traffic");
		};
		let session = match self.session_of(&req) {
			Ok(session) => session,
			Err(response) => return response,
		};
		let Some(target) = req.uri().authority().map(|a| a.to_string()) else {
			return error(StatusCode::BAD_REQUEST, "CONNECT names host:port");
		};
		let (key, dapp) = match self.sessions.lock().get(&session) {
			Some(open) => (open.client_key, open.dapp.clone()),
			None => return session_error(SessionError::UnknownSession),
		};
		// Counted before the target is resolved or dialled: a refused tunnel costs the peer
		// nothing.
		let permit = match self.admission.tunnel(remote.ip(), key, &dapp) {
			Ok(permit) => permit,
			Err(refused) => return refused_error(refused),
		};
		let addrs = match relay::resolve(&target, &policy).await {
			Ok(addrs) => addrs,
			Err(message) => return error(StatusCode::FORBIDDEN, message),
		};
		let upstream =
			match tokio::time::timeout(RELAY_CONNECT_TIMEOUT, TcpStream::connect(&addrs[..])).await
			{
				Ok(Ok(upstream)) => upstream,
				Ok(Err(e)) => return error(StatusCode::BAD_GATEWAY, format!("{target}: {e}")),
				Err(_) => {
					return error(StatusCode::GATEWAY_TIMEOUT, format!("{target}: no answer"))
				}
			};
		let _ = upstream.set_nodelay(true);
		let plane = self.clone();
		tokio::spawn(async move {
			let _permit = permit;
			match hyper::upgrade::on(req).await {
				Ok(upgraded) => plane.relay(&session, TokioIo::new(upgraded), upstream).await,
				Err(e) => log::debug!(target: "dataplane", "relay upgrade failed: {e}"),
			}
		});
		Response::builder()
			.header(PERIOD_HEADER, self.chain.current_period())
			.body(full(Bytes::new()))
			.expect("valid response")
	}

	async fn relay(
		&self,
		session: &SessionId,
		client: impl AsyncRead + AsyncWrite,
		upstream: TcpStream,
	) {
		let (mut client_read, mut client_write) = tokio::io::split(client);
		let (mut upstream_read, mut upstream_write) = upstream.into_split();
		let activity = Activity::default();
		let up = self.pump(session, &mut client_read, &mut upstream_write, &activity);
		let down = self.pump(session, &mut upstream_read, &mut client_write, &activity);
		tokio::select! {
			_ = relay::both_ways(up, down) => {}
			_ = activity.idle(self.config.limits.tunnel_idle_timeout) => {
				log::debug!(target: "dataplane", "closing an idle tunnel");
			}
		}
	}

	/// Copy `from` to `to` until end of file, each byte granted by the session's credit.
	async fn pump(
		&self,
		session: &SessionId,
		from: &mut (impl AsyncRead + Unpin),
		to: &mut (impl AsyncWrite + Unpin),
		activity: &Activity,
	) -> io::Result<()> {
		let mut buf = vec![0u8; RELAY_CHUNK];
		loop {
			let n = from.read(&mut buf).await?;
			if n == 0 {
				return to.shutdown().await;
			}
			activity.touch();
			let mut done = 0;
			while done < n {
				let granted = self.grant(session, (n - done) as u64).await.map_err(|e| {
					self.metrics.refused(e.reason());
					io::Error::other(e)
				})?;
				to.write_all(&buf[done..done + granted as usize]).await?;
				self.metrics.bytes_relayed.inc_by(granted);
				done += granted as usize;
			}
			to.flush().await?;
		}
	}
}

/// What paces a file's bytes.
enum Metered {
	/// A DApp client's session: its credit window; the bytes are counted for the DApp's
	/// demand.
	Session {
		/// The session.
		session: SessionId,
		/// The DApp that pays for it.
		dapp: AccountId32,
	},
	/// A replica to a placed peer: nothing, counted among the replicas being sent until the
	/// stream ends.
	Replica(ReplicaPermit),
}

fn replica_refused(refusal: Refusal) -> Response<Body> {
	let status = match refusal {
		Refusal::Busy | Refusal::BackupsBusy => StatusCode::SERVICE_UNAVAILABLE,
		Refusal::KeyBusy | Refusal::Spent => StatusCode::TOO_MANY_REQUESTS,
		Refusal::Replayed => StatusCode::FORBIDDEN,
	};
	let reason = refusal.reason();
	refused_with(status, refusal, reason)
}

/// How long the relay waits for its target to accept.
const RELAY_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Bytes relayed at a time.
const RELAY_CHUNK: usize = 64 << 10;

/// What a connection over a limit is told before it is closed.
fn refusal(refused: Refused) -> Vec<u8> {
	let body = serde_json::to_vec(&ErrorBody { error: refused.to_string() })
		.expect("plain data serializes");
	let mut response = format!(
		"HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\n\
		 content-length: {}\r\nconnection: close\r\n\r\n",
		body.len()
	)
	.into_bytes();
	response.extend_from_slice(&body);
	response
}

fn refused_error(refused: Refused) -> Response<Body> {
	let status = match refused {
		Refused::Connections(_) | Refused::Tunnels(_) => StatusCode::SERVICE_UNAVAILABLE,
		Refused::ConnectionsOfAddress(_)
		| Refused::TunnelsOfAddress(_)
		| Refused::TunnelsOfKey(_)
		| Refused::TunnelsOfDApp(_)
		| Refused::UploadsOfDApp(_) => StatusCode::TOO_MANY_REQUESTS,
	};
	refused_with(status, refused, refused.reason())
}

/// A file's slice list (32-byte hashes, in order) in chunks of `per_chunk` hashes.
fn slice_list_chunks(
	slices: Arc<Vec<crate::content::Digest>>,
	per_chunk: usize,
) -> impl Iterator<Item = Bytes> {
	let per_chunk = per_chunk.max(1);
	(0..slices.len()).step_by(per_chunk).map(move |from| {
		let to = (from + per_chunk).min(slices.len());
		Bytes::from(slices[from..to].iter().flat_map(|h| h.0).collect::<Vec<u8>>())
	})
}

fn store_error(e: StoreError) -> Response<Body> {
	let status = match e {
		StoreError::Io(_) => StatusCode::INTERNAL_SERVER_ERROR,
		StoreError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
		StoreError::Empty | StoreError::BadAddress | StoreError::NotTheFile(_) => {
			StatusCode::BAD_REQUEST
		}
		StoreError::AddressTaken | StoreError::QuotaExceeded { .. } => StatusCode::FORBIDDEN,
	};
	error(status, e)
}

fn store_io_error(e: io::Error) -> Response<Body> {
	match e.get_ref().and_then(|inner| inner.downcast_ref::<StoreError>()) {
		Some(StoreError::TooLarge(limit)) => store_error(StoreError::TooLarge(*limit)),
		Some(StoreError::QuotaExceeded { used, quota }) => {
			store_error(StoreError::QuotaExceeded { used: *used, quota: *quota })
		}
		_ => store_error(StoreError::Io(e)),
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::content::Digest;

	#[test]
	fn a_slice_list_is_sent_in_chunks_that_add_up_to_it() {
		let slices: Vec<Digest> = (0..7u8).map(|i| Digest([i; 32])).collect();
		let whole: Vec<u8> = slices.iter().flat_map(|h| h.0).collect();
		let chunks: Vec<Bytes> = slice_list_chunks(Arc::new(slices), 3).collect();
		assert_eq!(chunks.iter().map(Bytes::len).collect::<Vec<_>>(), vec![96, 96, 32]);
		assert_eq!(chunks.concat(), whole);
		assert_eq!(slice_list_chunks(Arc::new(Vec::new()), 3).count(), 0);
	}
}

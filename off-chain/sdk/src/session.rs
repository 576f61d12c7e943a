//! A client's session with one serving peer, and the receipts signed for it.
//!
//! The session is opened with an opening receipt (zero bytes). As verified bytes arrive, the
//! download counts them with [`PeerSession::count`] under the ledgering period the peer's
//! response named; a task of the session signs the latest cumulative receipt of each period and
//! posts it on a connection of its own, so receipts never wait behind data. When a period ends,
//! the last receipt of the old period is still sent; when the session finishes, the task sends
//! what is left and ends.

use crate::{
	http::{self, Connection, Endpoint},
	ChainRpc, Error,
};
use codec::Encode;
use parking_lot::Mutex;
use sp_core::{crypto::AccountId32, sr25519, H256};
use spacebook_dataplane_protocol::protocol::{Opened, ReceiptTaken, Status};
use spacebook_receipts::{Receipt, SessionId};
use std::{
	collections::BTreeMap,
	sync::Arc,
	time::{Duration, Instant},
};
use tokio::{sync::Notify, task::JoinHandle};

/// Who signs receipts: a DApp's client key.
#[derive(Clone)]
pub struct Signer {
	/// The DApp that pays.
	pub dapp: AccountId32,
	/// The client key its DApp authorized.
	pub key: sr25519::Pair,
	/// The chain receipts are signed for.
	pub genesis_hash: H256,
	/// The latest period receipts may be signed for.
	pub ceiling: Arc<PeriodCeiling>,
}

/// How often the chain's period is asked again when a peer names a later one.
const PERIOD_REFRESH: Duration = Duration::from_secs(5);

/// The latest ledgering period a client signs receipts for: the chain's current period + 1
/// (issue 14, finding 2). Peers name the period to count bytes in; one that names a later
/// period gets no receipt for it, so a peer cannot collect receipts of periods to come. The
/// chain is asked through a node's JSON-RPC when a peer names a period beyond what is known,
/// at most every 5 s. Without a node (a client given peers and no chain) peers are trusted.
pub struct PeriodCeiling {
	chain: Option<ChainRpc>,
	/// The current period from the caller's own view of the chain (a node's patrol worker).
	local: Option<CurrentPeriod>,
	known: Mutex<Option<(u32, Instant)>>,
}

/// Reads the chain's current period (`None`: not known now).
pub type CurrentPeriod = Arc<dyn Fn() -> Option<u32> + Send + Sync>;

impl PeriodCeiling {
	/// The ceiling read from the node at `chain`, or none.
	pub fn new(chain: Option<ChainRpc>) -> Arc<Self> {
		Arc::new(PeriodCeiling { chain, local: None, known: Mutex::new(None) })
	}

	/// The ceiling read from `current`, the caller's own view of the chain (a node's).
	pub fn local(current: CurrentPeriod) -> Arc<Self> {
		Arc::new(PeriodCeiling { chain: None, local: Some(current), known: Mutex::new(None) })
	}

	fn within(&self, period: u32) -> bool {
		self.known.lock().is_some_and(|(current, _)| period <= current.saturating_add(1))
	}

	/// Whether receipts may be signed for `period`.
	pub async fn allows(&self, period: u32) -> bool {
		if let Some(current) = &self.local {
			return current().is_some_and(|current| period <= current.saturating_add(1));
		}
		let Some(chain) = &self.chain else { return true };
		if self.within(period) {
			return true;
		}
		let stale = self.known.lock().is_none_or(|(_, at)| at.elapsed() >= PERIOD_REFRESH);
		if stale {
			match chain.current_period().await {
				Ok(current) => *self.known.lock() = Some((current, Instant::now())),
				Err(e) => log::warn!(target: "sdk", "the chain's current period: {e}"),
			}
		}
		self.within(period)
	}
}

#[derive(Default, Clone, Copy)]
struct Counter {
	period: u32,
	bytes: u64,
	/// The last count of the period before `period`.
	previous: Option<(u32, u64)>,
	finished: bool,
}

impl Counter {
	/// Count from now on towards `period`, if it is later than the current one.
	fn advance(&mut self, period: u32) {
		if period > self.period {
			if self.bytes > 0 {
				self.previous = Some((self.period, self.bytes));
			}
			self.period = period;
			self.bytes = 0;
		}
	}

	/// The peer refused a receipt of `period` for `signed` bytes (the period ended too long ago:
	/// a tunnel idle for a whole period counts on in the last period it heard of). The bytes in
	/// that receipt left the client signed, and a peer may keep a receipt it says it refused, so
	/// they are never signed again (issue 14, finding 2): only bytes counted in `period` after it
	/// was signed move to the peer's `current` period.
	fn recount(&mut self, period: u32, signed: u64, current: u32) {
		let pending = if self.period == period {
			let pending = self.bytes.saturating_sub(signed);
			self.bytes = signed.min(self.bytes);
			pending
		} else {
			match self.previous {
				Some((p, bytes)) if p == period => {
					self.previous = Some((period, signed.min(bytes)));
					bytes.saturating_sub(signed)
				}
				_ => 0,
			}
		};
		self.advance(current);
		self.bytes = self.bytes.saturating_add(pending);
	}
}

/// A receipt-backed session with one serving peer.
pub struct PeerSession {
	id: SessionId,
	server: AccountId32,
	endpoint: Endpoint,
	signer: Signer,
	counter: Arc<Mutex<Counter>>,
	changed: Arc<Notify>,
	task: Mutex<Option<JoinHandle<()>>>,
}

/// Open (or open again, under the same id) the session `id` on `connection`, in the peer's
/// current period (asked first: a client may have learnt the period long ago). Returns the
/// period the peer counts in.
async fn send_opening(
	connection: &mut Connection,
	signer: &Signer,
	id: SessionId,
	server: &AccountId32,
) -> Result<u32, Error> {
	let status: Status = connection.fetch_json(http::get("/v1/status")).await?;
	if !signer.ceiling.allows(status.period).await {
		return Err(Error::Protocol(format!(
			"{server} names period {}, beyond the chain's current period + 1",
			status.period
		)));
	}
	let opening = sign(signer, id, server, status.period, 0);
	let opened: Opened = connection.fetch_json(http::post("/v1/sessions", opening)).await?;
	Ok(opened.period)
}

/// How often a receipt post is retried before the session's receipts are given up on.
const POST_ATTEMPTS: u32 = 5;

fn sign(signer: &Signer, id: SessionId, server: &AccountId32, period: u32, bytes: u64) -> Vec<u8> {
	use sp_core::Pair as _;
	Receipt {
		period,
		session: id,
		server: server.clone(),
		dapp: signer.dapp.clone(),
		client_key: signer.key.public(),
		bytes,
	}
	.sign(&signer.key, &signer.genesis_hash)
	.encode()
}

impl PeerSession {
	/// Open a session with the peer at `endpoint` whose account is `server`, in the peer's
	/// current ledgering period.
	pub async fn open(
		endpoint: &Endpoint,
		server: AccountId32,
		signer: Signer,
	) -> Result<Arc<Self>, Error> {
		let id: SessionId = rand::random();
		let mut connection = Connection::open(endpoint).await?;
		let period = send_opening(&mut connection, &signer, id, &server).await?;
		let counter = Arc::new(Mutex::new(Counter { period, ..Default::default() }));
		let changed = Arc::new(Notify::new());
		let session = Arc::new(PeerSession {
			id,
			server: server.clone(),
			endpoint: endpoint.clone(),
			signer: signer.clone(),
			counter: counter.clone(),
			changed: changed.clone(),
			task: Mutex::new(None),
		});
		let task = tokio::spawn(post_receipts(connection, signer, id, server, counter, changed));
		*session.task.lock() = Some(task);
		Ok(session)
	}

	/// Open the session again under its id, for a peer that forgot it (it restarted, or it
	/// dropped the session after a long idle time): what the session counted stays, and its
	/// receipts go on.
	pub async fn reopen(&self) -> Result<(), Error> {
		let mut connection = Connection::open(&self.endpoint).await?;
		let period = send_opening(&mut connection, &self.signer, self.id, &self.server).await?;
		self.counter.lock().advance(period);
		self.changed.notify_one();
		Ok(())
	}

	/// Count the bytes that follow in `period`, the peer's current one (a tunnel's answer named
	/// it).
	pub fn advance_to(&self, period: u32) {
		self.counter.lock().advance(period);
	}

	/// The session id.
	pub fn id(&self) -> SessionId {
		self.id
	}

	/// The serving peer's account.
	pub fn server(&self) -> &AccountId32 {
		&self.server
	}

	/// Count `bytes` received in `period` (as the peer's response said); a receipt follows.
	pub fn count(&self, period: u32, bytes: u64) {
		{
			let mut c = self.counter.lock();
			c.advance(period);
			c.bytes = c.bytes.saturating_add(bytes);
		}
		self.changed.notify_one();
	}

	/// Count `bytes` carried in the latest period the peer named (a tunnel's bytes).
	pub fn count_latest(&self, bytes: u64) {
		{
			let mut c = self.counter.lock();
			c.bytes = c.bytes.saturating_add(bytes);
		}
		self.changed.notify_one();
	}

	/// Bytes counted in the current period.
	pub fn counted(&self) -> (u32, u64) {
		let c = self.counter.lock();
		(c.period, c.bytes)
	}

	/// Send the last receipts and end the session's receipt task (waits at most `timeout`).
	pub async fn finish(&self, timeout: Duration) {
		self.counter.lock().finished = true;
		self.changed.notify_one();
		let task = self.task.lock().take();
		if let Some(task) = task {
			if tokio::time::timeout(timeout, task).await.is_err() {
				log::warn!(target: "sdk", "the last receipts of a session were not confirmed in time");
			}
		}
	}
}

impl Drop for PeerSession {
	fn drop(&mut self) {
		if let Some(task) = self.task.lock().take() {
			task.abort();
		}
	}
}

async fn post_receipts(
	mut connection: Connection,
	signer: Signer,
	id: SessionId,
	server: AccountId32,
	counter: Arc<Mutex<Counter>>,
	changed: Arc<Notify>,
) {
	let mut posted: BTreeMap<u32, u64> = BTreeMap::new();
	let mut failures = 0;
	loop {
		let notified = changed.notified();
		tokio::pin!(notified);
		notified.as_mut().enable();
		let snapshot = *counter.lock();
		let due: Vec<(u32, u64)> = [snapshot.previous, Some((snapshot.period, snapshot.bytes))]
			.into_iter()
			.flatten()
			.filter(|&(period, bytes)| bytes > posted.get(&period).copied().unwrap_or(0))
			.collect();
		if due.is_empty() {
			if snapshot.finished {
				return;
			}
			notified.await;
			continue;
		}
		for (period, bytes) in due {
			if !signer.ceiling.allows(period).await {
				// The peer named a period the chain has not reached: nothing of it is signed.
				log::warn!(
					target: "sdk",
					"{server} counted {bytes} bytes in period {period}, beyond the chain's \
					 current period + 1: no receipt"
				);
				posted.insert(period, bytes);
				continue;
			}
			let body = sign(&signer, id, &server, period, bytes);
			match connection.fetch_json::<ReceiptTaken>(http::post("/v1/receipts", body)).await {
				Ok(taken) => {
					failures = 0;
					log::debug!(
						target: "sdk",
						"receipt acknowledged: server {server} period {period} bytes {bytes}"
					);
					posted.insert(period, bytes);
					// The peer moved to a new period: the bytes that follow count there.
					counter.lock().advance(taken.period);
					while posted.len() > 2 {
						posted.pop_first();
					}
				}
				Err(Error::Peer { status: 401, message, .. }) if failures < POST_ATTEMPTS => {
					// The peer forgot the session (it restarted): open it again and resend.
					failures += 1;
					log::info!(target: "sdk", "reopening a session {server} forgot: {message}");
					if let Ok(current) = send_opening(&mut connection, &signer, id, &server).await {
						counter.lock().advance(current);
					}
					break;
				}
				Err(Error::Peer { status, message, .. }) if (400..500).contains(&status) => {
					let current = connection
						.fetch_json::<Status>(http::get("/v1/status"))
						.await
						.map(|s| s.period)
						.ok();
					match current {
						// A period that ended too long ago: count its unacknowledged bytes in
						// the peer's current period.
						Some(current) if current > period.saturating_add(1) => {
							let acknowledged = posted.get(&period).copied().unwrap_or(0);
							log::info!(
								target: "sdk",
								"receipt of period {period} refused ({message}); its {} bytes not \
								 acknowledged before are given up, later ones count in period {current}",
								bytes - acknowledged
							);
							counter.lock().recount(period, bytes, current);
							posted.insert(period, bytes);
						}
						// Refused for good: move on.
						_ => {
							log::warn!(target: "sdk", "receipt refused: {message}");
							posted.insert(period, bytes);
						}
					}
					break;
				}
				Err(e) => {
					failures += 1;
					log::debug!(target: "sdk", "receipt not delivered ({failures}): {e}");
					if failures >= POST_ATTEMPTS {
						log::warn!(target: "sdk", "giving up on the receipts of a session: {e}");
						return;
					}
					tokio::time::sleep(Duration::from_millis(100 << failures)).await;
					if let Ok(fresh) = Connection::open(connection.endpoint()).await {
						connection = fresh;
					}
					break;
				}
			}
		}
	}
}

#[cfg(test)]
mod tests {
	use super::Counter;

	/// Finding 2 of issue 14: a peer that keeps a receipt but answers 400 and claims a later
	/// period made the SDK move the "unacknowledged" bytes forward and sign them again, without
	/// bound. Bytes that left the client in a signed receipt are never signed again; only bytes
	/// counted after that receipt move.
	///
	/// How it was checked: before the fix the session task passed the bytes the peer had
	/// acknowledged (none in the first case) and `recount` moved all 500 signed bytes to period
	/// 10, to be signed again.
	#[test]
	fn bytes_of_a_refused_receipt_are_never_signed_again() {
		// A tunnel counted 500 bytes in period 7 and signed them all; the peer, now in period
		// 10, refuses the receipt (and may have kept it).
		let mut c = Counter { period: 7, bytes: 500, ..Default::default() };
		c.recount(7, 500, 10);
		assert_eq!((c.period, c.bytes), (10, 0), "nothing moves");
		assert_eq!(c.previous, Some((7, 500)), "period 7 stays as signed, and is not due again");

		// 150 bytes counted after the receipt was signed never left the client: they move.
		let mut c = Counter { period: 7, bytes: 650, ..Default::default() };
		c.recount(7, 500, 10);
		assert_eq!((c.period, c.bytes), (10, 150));

		// The refused period was the previous one: period 8's count becomes the previous.
		let mut c = Counter { period: 8, bytes: 50, previous: Some((7, 120)), finished: false };
		c.recount(7, 120, 9);
		assert_eq!((c.period, c.bytes), (9, 0));
		assert_eq!(c.previous, Some((8, 50)));

		// A period the counter no longer holds moves nothing.
		let mut c = Counter { period: 9, bytes: 50, ..Default::default() };
		c.recount(3, 0, 9);
		assert_eq!((c.period, c.bytes), (9, 50));
	}
}

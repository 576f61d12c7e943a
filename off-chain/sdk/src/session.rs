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
	Error,
};
use codec::Encode;
use parking_lot::Mutex;
use sp_core::{crypto::AccountId32, sr25519, H256};
use spacebook_dataplane::protocol::{Opened, ReceiptTaken};
use spacebook_receipts::{Receipt, SessionId};
use std::{collections::BTreeMap, sync::Arc, time::Duration};
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
}

/// A receipt-backed session with one serving peer.
pub struct PeerSession {
	id: SessionId,
	server: AccountId32,
	counter: Arc<Mutex<Counter>>,
	changed: Arc<Notify>,
	task: Mutex<Option<JoinHandle<()>>>,
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
	/// Open a session with the peer at `endpoint` whose account is `server`.
	pub async fn open(
		endpoint: &Endpoint,
		server: AccountId32,
		period: u32,
		signer: Signer,
	) -> Result<Arc<Self>, Error> {
		let id: SessionId = rand::random();
		let mut connection = Connection::open(endpoint).await?;
		let opening = sign(&signer, id, &server, period, 0);
		let opened: Opened = connection.fetch_json(http::post("/v1/sessions", opening)).await?;
		let counter = Arc::new(Mutex::new(Counter { period: opened.period, ..Default::default() }));
		let changed = Arc::new(Notify::new());
		let session = Arc::new(PeerSession {
			id,
			server: server.clone(),
			counter: counter.clone(),
			changed: changed.clone(),
			task: Mutex::new(None),
		});
		let task = tokio::spawn(post_receipts(connection, signer, id, server, counter, changed));
		*session.task.lock() = Some(task);
		Ok(session)
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
				Err(Error::Peer { status, message, .. }) if (400..500).contains(&status) => {
					// Refused for good (e.g. a period that ended long ago): move on.
					log::warn!(target: "sdk", "receipt refused: {message}");
					posted.insert(period, bytes);
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

//! Sessions between DApp clients and this serving peer, and the **credit window** that makes
//! clients pay as they go.
//!
//! A client opens a session with an *opening receipt*: a receipt of zero bytes for this server,
//! signed by a client key, which proves that the client holds a key its DApp authorized. From
//! then on the peer serves the session as long as the bytes it served and the client has not yet
//! acknowledged with a receipt stay within the credit window; past it, serving waits for the
//! next receipt, and a client that stops signing gets nothing more than one window of bytes.
//!
//! Receipts are cumulative per `(session, period)`: the client counts the bytes of each
//! ledgering period from zero. The session's acknowledged total is the sum over periods of the
//! highest receipt of each.
//!
//! This module is pure bookkeeping, without I/O or clocks beyond the `now` it is given.

use sp_core::{crypto::AccountId32, H256};
use spacebook_receipts::{ClientKey, SessionId, SignedReceipt, MAX_STREAMS_PER_KEY_PERIOD};
use std::{
	collections::{BTreeMap, HashMap},
	sync::Arc,
	time::{Duration, Instant},
};
use tokio::sync::Notify;

/// A receipt as the data plane handles it.
pub type Receipt = SignedReceipt<AccountId32>;

/// How many ledgering periods of a session's receipts are remembered (older periods count in
/// the acknowledged total but can no longer be updated).
const PERIODS_KEPT: usize = 3;

/// The credit of all of one client key's sessions together, in credit windows: a client that
/// stops signing gets no more by opening more sessions.
pub const KEY_CREDIT_WINDOWS: u64 = 4;

/// Why a session or a receipt was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SessionError {
	/// The signature is not the client key's over this chain's payload.
	#[error("the receipt's signature does not verify on this chain")]
	BadSignature,
	/// The receipt names another serving peer.
	#[error("the receipt is for another server")]
	WrongServer,
	/// The client key is not authorized by the DApp the receipt names.
	#[error("the client key is not authorized by the receipt's DApp")]
	NotAuthorized,
	/// The receipt's period is not the current one (or, for a receipt, the one before).
	#[error("the receipt is for period {got}, the current period is {current}")]
	WrongPeriod {
		/// The receipt's period.
		got: u32,
		/// The peer's current period.
		current: u32,
	},
	/// An opening receipt that counts bytes.
	#[error("an opening receipt counts zero bytes")]
	OpeningWithBytes,
	/// No open session has this id.
	#[error("no open session with this id; open one first")]
	UnknownSession,
	/// The session is open with another DApp or client key.
	#[error("the receipt does not match its session's DApp and client key")]
	SessionMismatch,
	/// The peer serves as many sessions as it may.
	#[error("this peer serves as many sessions as it may; try later or another peer")]
	TooManySessions,
	/// The client key has as many sessions as one key may, each with bytes not yet receipted.
	#[error("this client key has {0} sessions with bytes not yet receipted; send their receipts")]
	TooManyKeySessions(usize),
	/// The DApp has as many sessions as one DApp may, each with bytes not yet receipted.
	#[error("this DApp has {0} sessions here with bytes not yet receipted, its share of the peer")]
	TooManyDAppSessions(usize),
	/// The client key has as many streams with this peer in the receipt's period as one key
	/// may ([`MAX_STREAMS_PER_KEY_PERIOD`]).
	#[error("this client key has {0} streams here in this period, as many as one key may")]
	TooManyStreams(usize),
	/// The receipt counts more bytes than the session was served, plus the credit window.
	#[error("the receipt counts {bytes} bytes; at most {allowed} were served to the session (with the credit window)")]
	AboveServed {
		/// The receipt's bytes.
		bytes: u64,
		/// The most it may count.
		allowed: u64,
	},
	/// The client did not keep up with receipts: the credit window is used up.
	#[error("the credit window is used up: send a receipt for the bytes received")]
	NoCredit,
	/// The session's DApp can no longer pay (no lease in standing, or its escrow below the
	/// peer's margin): no more bytes are served.
	#[error("{0}")]
	Unpaid(String),
}

impl SessionError {
	/// The reason label of the refusal (`crate::metrics::REASONS`).
	pub fn reason(&self) -> &'static str {
		match self {
			SessionError::BadSignature => "bad_signature",
			SessionError::WrongServer => "wrong_server",
			SessionError::NotAuthorized => "not_authorized",
			SessionError::WrongPeriod { .. } => "wrong_period",
			SessionError::OpeningWithBytes => "opening_with_bytes",
			SessionError::UnknownSession => "unknown_session",
			SessionError::SessionMismatch => "session_mismatch",
			SessionError::TooManySessions => "too_many_sessions",
			SessionError::TooManyKeySessions(_) => "too_many_key_sessions",
			SessionError::TooManyDAppSessions(_) => "too_many_dapp_sessions",
			SessionError::TooManyStreams(_) => "too_many_streams",
			SessionError::AboveServed { .. } => "above_served",
			SessionError::NoCredit => "no_credit",
			SessionError::Unpaid(_) => "unpaid",
		}
	}
}

/// One session.
#[derive(Debug)]
pub struct Session {
	/// The DApp that pays.
	pub dapp: AccountId32,
	/// The client key that signs.
	pub client_key: ClientKey,
	/// Bytes served over the session's life.
	pub served: u64,
	/// The highest receipt of each recent period.
	by_period: BTreeMap<u32, u64>,
	/// Acknowledged bytes of periods no longer in `by_period`.
	acknowledged_before: u64,
	last_active: Instant,
	/// Woken when a receipt adds credit.
	pub credit_added: Arc<Notify>,
}

impl Session {
	/// Bytes the client acknowledged over the session's life.
	pub fn acknowledged(&self) -> u64 {
		self.by_period.values().fold(self.acknowledged_before, |sum, b| sum.saturating_add(*b))
	}

	/// Bytes served and not yet acknowledged.
	pub fn outstanding(&self) -> u64 {
		self.served.saturating_sub(self.acknowledged())
	}
}

/// What accepting a receipt did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Acknowledged {
	/// Whether the receipt supersedes what the session had for its period (and must be kept).
	pub new: bool,
	/// Bytes the session may now be served before its next receipt.
	pub credit: u64,
}

/// The sessions of one serving peer.
pub struct Sessions {
	server: AccountId32,
	genesis_hash: H256,
	credit_window: u64,
	max_sessions: usize,
	max_sessions_per_key: usize,
	max_sessions_per_dapp: usize,
	idle_timeout: Duration,
	sessions: HashMap<SessionId, Session>,
	/// The open sessions of each client key (at most `max_sessions_per_key` each).
	by_key: HashMap<ClientKey, Vec<SessionId>>,
	/// How many sessions each DApp has open (at most `max_sessions_per_dapp` each).
	by_dapp: HashMap<AccountId32, usize>,
	/// Per recent period, how many streams (sessions with a receipt of that period) each client
	/// key has: at most [`MAX_STREAMS_PER_KEY_PERIOD`].
	streams: BTreeMap<u32, HashMap<ClientKey, usize>>,
}

impl Sessions {
	/// Sessions of `server` on the chain of `genesis_hash`, each allowed `credit_window` bytes
	/// ahead of its receipts, at most `max_sessions` at once; a session idle for `idle_timeout`
	/// makes room for a new one. One client key has at most `max_sessions_per_key` sessions,
	/// and all of them together [`KEY_CREDIT_WINDOWS`] windows of credit; one DApp has at most
	/// `max_sessions_per_dapp` sessions, whatever its keys.
	pub fn new(
		server: AccountId32,
		genesis_hash: H256,
		credit_window: u64,
		max_sessions: usize,
		max_sessions_per_key: usize,
		max_sessions_per_dapp: usize,
		idle_timeout: Duration,
	) -> Self {
		Sessions {
			server,
			genesis_hash,
			credit_window,
			max_sessions,
			max_sessions_per_key: max_sessions_per_key.max(1),
			max_sessions_per_dapp: max_sessions_per_dapp.max(1),
			idle_timeout,
			sessions: HashMap::new(),
			by_key: HashMap::new(),
			by_dapp: HashMap::new(),
			streams: BTreeMap::new(),
		}
	}

	fn remove(&mut self, id: &SessionId) {
		if let Some(session) = self.sessions.remove(id) {
			if let Some(count) = self.by_dapp.get_mut(&session.dapp) {
				*count = count.saturating_sub(1);
				if *count == 0 {
					self.by_dapp.remove(&session.dapp);
				}
			}
			if let Some(ids) = self.by_key.get_mut(&session.client_key) {
				ids.retain(|other| other != id);
				if ids.is_empty() {
					self.by_key.remove(&session.client_key);
				}
			}
		}
	}

	/// Bytes served to all sessions of `key` and not yet acknowledged.
	fn key_outstanding(&self, key: &ClientKey) -> u64 {
		self.by_key.get(key).map_or(0, |ids| {
			ids.iter()
				.filter_map(|id| self.sessions.get(id))
				.fold(0u64, |sum, s| sum.saturating_add(s.outstanding()))
		})
	}

	/// The serving peer's account.
	pub fn server(&self) -> &AccountId32 {
		&self.server
	}

	/// The credit window.
	pub fn credit_window(&self) -> u64 {
		self.credit_window
	}

	fn check(&self, receipt: &Receipt) -> Result<(), SessionError> {
		if receipt.receipt.server != self.server {
			return Err(SessionError::WrongServer);
		}
		if !receipt.verify(&self.genesis_hash) {
			return Err(SessionError::BadSignature);
		}
		Ok(())
	}

	/// Open (or re-open, e.g. after a restart of this peer) the session of an opening receipt.
	/// `dapp_of_key` is the DApp that authorized the receipt's client key, from the chain.
	pub fn open(
		&mut self,
		opening: &Receipt,
		dapp_of_key: Option<AccountId32>,
		current_period: u32,
		now: Instant,
	) -> Result<(), SessionError> {
		let r = &opening.receipt;
		if r.bytes != 0 {
			return Err(SessionError::OpeningWithBytes);
		}
		self.check(opening)?;
		if dapp_of_key.as_ref() != Some(&r.dapp) {
			return Err(SessionError::NotAuthorized);
		}
		if r.period.abs_diff(current_period) > 1 {
			return Err(SessionError::WrongPeriod { got: r.period, current: current_period });
		}
		if let Some(session) = self.sessions.get_mut(&r.session) {
			if session.dapp != r.dapp || session.client_key != r.client_key {
				return Err(SessionError::SessionMismatch);
			}
			// A client reconnecting. Re-opening costs the client nothing, so it does not count
			// as activity: only service does (granted bytes, receipts for more bytes). Otherwise
			// re-sending openings would hold sessions forever (issue 14, finding 7).
			return Ok(());
		}
		let key_sessions = self.by_key.get(&r.client_key).map_or(&[][..], Vec::as_slice);
		if key_sessions.len() >= self.max_sessions_per_key {
			// Make room among the key's own sessions: the least recently active one whose bytes
			// are all receipted (forgetting it forgives nothing).
			let settled = key_sessions
				.iter()
				.filter_map(|id| self.sessions.get(id).map(|s| (id, s)))
				.filter(|(_, s)| s.outstanding() == 0)
				.min_by_key(|(_, s)| s.last_active)
				.map(|(id, _)| *id);
			match settled {
				Some(id) => self.remove(&id),
				None => return Err(SessionError::TooManyKeySessions(key_sessions.len())),
			}
		}
		let dapp_sessions = self.by_dapp.get(&r.dapp).copied().unwrap_or(0);
		if dapp_sessions >= self.max_sessions_per_dapp {
			// The same rule for a DApp's share of the peer: the DApp's own least recently
			// active session whose bytes are all receipted makes room, or the DApp waits.
			let settled = self
				.sessions
				.iter()
				.filter(|(_, s)| s.dapp == r.dapp && s.outstanding() == 0)
				.min_by_key(|(_, s)| s.last_active)
				.map(|(id, _)| *id);
			match settled {
				Some(id) => self.remove(&id),
				None => return Err(SessionError::TooManyDAppSessions(dapp_sessions)),
			}
		}
		if self.sessions.len() >= self.max_sessions {
			let idle = self.idle_timeout;
			let expired: Vec<SessionId> = self
				.sessions
				.iter()
				.filter(|(_, s)| now.saturating_duration_since(s.last_active) >= idle)
				.map(|(id, _)| *id)
				.collect();
			for id in &expired {
				self.remove(id);
			}
			if self.sessions.len() >= self.max_sessions {
				return Err(SessionError::TooManySessions);
			}
		}
		self.by_key.entry(r.client_key).or_default().push(r.session);
		*self.by_dapp.entry(r.dapp.clone()).or_default() += 1;
		self.sessions.insert(
			r.session,
			Session {
				dapp: r.dapp.clone(),
				client_key: r.client_key,
				served: 0,
				by_period: BTreeMap::new(),
				acknowledged_before: 0,
				last_active: now,
				credit_added: Arc::new(Notify::new()),
			},
		);
		Ok(())
	}

	/// Check a receipt of an open session without taking it: it must be for the current period
	/// or the one before (bytes served just before a period ended), match its session and be
	/// signed. Returns whether it supersedes what the session has for its period: the caller
	/// makes such a receipt durable before it [acknowledges](Self::acknowledge) it.
	pub fn validate(&self, receipt: &Receipt, current_period: u32) -> Result<bool, SessionError> {
		let r = &receipt.receipt;
		let session = self.sessions.get(&r.session).ok_or(SessionError::UnknownSession)?;
		if session.dapp != r.dapp || session.client_key != r.client_key {
			return Err(SessionError::SessionMismatch);
		}
		if r.period != current_period && r.period.saturating_add(1) != current_period {
			return Err(SessionError::WrongPeriod { got: r.period, current: current_period });
		}
		self.check(receipt)?;
		let kept = session.by_period.get(&r.period).copied().unwrap_or(0);
		// Only bytes served (and the window, which covers bytes in flight when a session the
		// peer forgot resumes from its recorded receipts): issue 14, finding 4.
		// Over the session's life: what its receipts would acknowledge with this one, at most
		// what it was served and one window (not saturating, so that an over-claim is not
		// forgotten by the next receipt).
		let acknowledged_before = session.acknowledged().saturating_sub(kept);
		let allowed =
			session.served.saturating_add(self.credit_window).saturating_sub(acknowledged_before);
		if r.bytes > allowed {
			return Err(SessionError::AboveServed { bytes: r.bytes, allowed });
		}
		if kept == 0 && r.bytes > 0 {
			// A new stream of the period.
			let streams = self.streams_of(r.period, &r.client_key);
			if streams >= MAX_STREAMS_PER_KEY_PERIOD {
				return Err(SessionError::TooManyStreams(streams));
			}
		}
		Ok(r.bytes > kept)
	}

	fn streams_of(&self, period: u32, key: &ClientKey) -> usize {
		self.streams.get(&period).and_then(|keys| keys.get(key)).copied().unwrap_or(0)
	}

	/// Take a receipt of an open session (checked as [`validate`](Self::validate) does), adding
	/// credit and waking the session's waiting transfers.
	pub fn acknowledge(
		&mut self,
		receipt: &Receipt,
		current_period: u32,
		now: Instant,
	) -> Result<Acknowledged, SessionError> {
		let r = &receipt.receipt;
		self.validate(receipt, current_period)?;
		let window = self.credit_window;
		let session = self.sessions.get_mut(&r.session).expect("looked up above");
		let kept = session.by_period.entry(r.period).or_insert(0);
		if *kept == 0 && r.bytes > 0 {
			*self.streams.entry(r.period).or_default().entry(r.client_key).or_default() += 1;
			// Receipts are taken for the current period and the one before only.
			while self.streams.len() > 2 {
				self.streams.pop_first();
			}
		}
		let new = r.bytes > *kept;
		if new {
			// Only a receipt for more bytes is activity: a re-sent one costs the client
			// nothing and must not keep the session's slot (issue 14, finding 7).
			session.last_active = now;
			*kept = r.bytes;
			while session.by_period.len() > PERIODS_KEPT {
				let (_, oldest) = session.by_period.pop_first().expect("longer than PERIODS_KEPT");
				session.acknowledged_before = session.acknowledged_before.saturating_add(oldest);
			}
		}
		let credit = window.saturating_sub(session.outstanding());
		if new {
			// The key's shared credit grew too: wake the transfers of all of its sessions.
			let key = session.client_key;
			for id in self.by_key.get(&key).into_iter().flatten() {
				if let Some(other) = self.sessions.get(id) {
					other.credit_added.notify_waiters();
				}
			}
		}
		Ok(Acknowledged { new, credit })
	}

	/// Bytes `session` may be served now: what its credit window and its key's leave.
	fn credit(&self, session: &SessionId) -> Result<u64, SessionError> {
		let window = self.credit_window;
		let open = self.sessions.get(session).ok_or(SessionError::UnknownSession)?;
		let key_credit = window
			.saturating_mul(KEY_CREDIT_WINDOWS)
			.saturating_sub(self.key_outstanding(&open.client_key));
		Ok(window.saturating_sub(open.outstanding()).min(key_credit))
	}

	/// Serve up to `want` bytes on `session`: returns how many the credit window allows (zero
	/// when it is used up) and counts them as served.
	pub fn grant(
		&mut self,
		session: &SessionId,
		want: u64,
		now: Instant,
	) -> Result<u64, SessionError> {
		let granted = want.min(self.credit(session)?);
		let session = self.sessions.get_mut(session).ok_or(SessionError::UnknownSession)?;
		session.served = session.served.saturating_add(granted);
		if granted > 0 {
			session.last_active = now;
		}
		Ok(granted)
	}

	/// Serve `want` bytes on `session` all at once (a compute task's cost): counted as served
	/// whole if the session's and its key's credit windows have room for them, else nothing
	/// (`Ok(false)`: wait for a receipt). Refused if the receipt for them could not be taken in
	/// `period`: a new stream beyond the key's streams of the period.
	pub fn grant_whole(
		&mut self,
		session: &SessionId,
		want: u64,
		period: u32,
		now: Instant,
	) -> Result<bool, SessionError> {
		let open = self.sessions.get(session).ok_or(SessionError::UnknownSession)?;
		if open.by_period.get(&period).copied().unwrap_or(0) == 0 {
			let streams = self.streams_of(period, &open.client_key);
			if streams >= MAX_STREAMS_PER_KEY_PERIOD {
				return Err(SessionError::TooManyStreams(streams));
			}
		}
		if want > self.credit(session)? {
			return Ok(false);
		}
		let session = self.sessions.get_mut(session).ok_or(SessionError::UnknownSession)?;
		session.served = session.served.saturating_add(want);
		session.last_active = now;
		Ok(true)
	}

	/// Take back `bytes` granted to `session` but never delivered (a task that failed after
	/// its grant): exactly what was granted, so that a client's receipts ahead of what it was
	/// served keep their credit.
	pub fn ungrant(&mut self, session: &SessionId, bytes: u64) {
		if let Some(session) = self.sessions.get_mut(session) {
			session.served = session.served.saturating_sub(bytes);
			session.credit_added.notify_waiters();
		}
	}

	/// Resume the session `id`, which this peer may have forgotten, from the receipts it
	/// recorded for its stream (`(period, bytes)`, from the ledger): they count as acknowledged,
	/// and as served, so that its next receipts may count on from them.
	pub fn resume(&mut self, id: &SessionId, history: &[(u32, u64)]) {
		let Some(session) = self.sessions.get_mut(id) else { return };
		for &(period, bytes) in history {
			if session.by_period.len() >= PERIODS_KEPT && !session.by_period.contains_key(&period) {
				continue;
			}
			let kept = session.by_period.entry(period).or_insert(0);
			*kept = (*kept).max(bytes);
		}
		session.served = session.served.max(session.acknowledged());
	}

	/// The session `id`, if open.
	pub fn get(&self, id: &SessionId) -> Option<&Session> {
		self.sessions.get(id)
	}

	/// How many sessions are open.
	pub fn len(&self) -> usize {
		self.sessions.len()
	}

	/// Whether no session is open.
	pub fn is_empty(&self) -> bool {
		self.sessions.is_empty()
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use sp_core::{sr25519, Pair};
	use spacebook_receipts::Receipt as Plain;

	const WINDOW: u64 = 1000;

	fn genesis() -> H256 {
		H256::repeat_byte(3)
	}
	fn server() -> AccountId32 {
		AccountId32::new([1; 32])
	}
	fn dapp() -> AccountId32 {
		AccountId32::new([2; 32])
	}
	fn client() -> sr25519::Pair {
		sr25519::Pair::from_string("//client", None).unwrap()
	}
	fn receipt(session: u8, period: u32, bytes: u64) -> Receipt {
		Plain {
			period,
			session: [session; 16],
			server: server(),
			dapp: dapp(),
			client_key: client().public(),
			bytes,
		}
		.sign(&client(), &genesis())
	}
	fn sessions(max: usize) -> Sessions {
		Sessions::new(server(), genesis(), WINDOW, max, 64, 64, Duration::from_secs(60))
	}

	/// Finding 4 of the security review (issue 14): a receipt could count any bytes, served or
	/// not. Checked failing before the bound: the receipt of 1 101 bytes was taken.
	#[test]
	fn a_receipt_counts_at_most_the_bytes_served_and_the_window() {
		let now = Instant::now();
		let mut s = sessions(10);
		s.open(&receipt(1, 5, 0), Some(dapp()), 5, now).unwrap();
		assert_eq!(s.grant(&[1; 16], 100, now), Ok(100));
		let too_many = receipt(1, 5, 100 + WINDOW + 1);
		assert_eq!(
			s.acknowledge(&too_many, 5, now),
			Err(SessionError::AboveServed { bytes: 1_101, allowed: 1_100 })
		);
		assert!(s.acknowledge(&receipt(1, 5, 100), 5, now).unwrap().new);
		// One window ahead of what was served, and no more however the claims are spread.
		s.open(&receipt(2, 5, 0), Some(dapp()), 5, now).unwrap();
		assert!(s.acknowledge(&receipt(2, 5, WINDOW), 5, now).is_ok());
		assert!(matches!(
			s.acknowledge(&receipt(2, 5, WINDOW + 1), 5, now),
			Err(SessionError::AboveServed { .. })
		));
		assert!(matches!(
			s.acknowledge(&receipt(2, 6, 1), 6, now),
			Err(SessionError::AboveServed { .. })
		));
		// Served bytes of the period before count in the next period's receipts too.
		assert_eq!(s.grant(&[1; 16], 300, now), Ok(300));
		assert!(s.acknowledge(&receipt(1, 6, 300 + WINDOW), 6, now).is_ok());
		// A session the peer forgot resumes from its recorded receipts, plus the window.
		let mut restarted = sessions(10);
		restarted.open(&receipt(1, 6, 0), Some(dapp()), 6, now).unwrap();
		restarted.resume(&[1; 16], &[(5, 100), (6, 1_300)]);
		assert_eq!(
			restarted.validate(&receipt(1, 6, 1_300 + WINDOW + 1), 6),
			Err(SessionError::AboveServed { bytes: 2_301, allowed: 2_300 })
		);
		assert!(restarted.acknowledge(&receipt(1, 6, 1_300 + WINDOW), 6, now).unwrap().new);
	}

	/// A compute task's cost is granted whole or not at all, within the session's window and
	/// its key's; a task that failed gives its grant back, never below what was acknowledged.
	#[test]
	fn a_tasks_cost_is_granted_whole_and_given_back_on_failure() {
		let now = Instant::now();
		let mut s = sessions(10);
		s.open(&receipt(1, 5, 0), Some(dapp()), 5, now).unwrap();
		assert_eq!(s.grant_whole(&[1; 16], 600, 5, now), Ok(true));
		assert_eq!(s.grant_whole(&[1; 16], 600, 5, now), Ok(false), "400 left of the window");
		assert_eq!(s.get(&[1; 16]).unwrap().served, 600);
		assert_eq!(s.grant_whole(&[1; 16], 400, 5, now), Ok(true));
		assert_eq!(s.grant(&[1; 16], 1, now), Ok(0), "the window is used up");
		assert!(s.acknowledge(&receipt(1, 5, 700), 5, now).unwrap().new);
		// The last task failed: its 400 bytes come back, exactly (the client's receipts may run
		// ahead of what it was served: their credit stays).
		s.ungrant(&[1; 16], 400);
		assert_eq!(s.get(&[1; 16]).unwrap().served, 600);
		assert_eq!(s.grant_whole(&[1; 16], WINDOW + 1, 5, now), Ok(false));
		assert_eq!(s.grant_whole(&[1; 16], WINDOW, 5, now), Ok(true));
		assert_eq!(s.grant_whole(&[9; 16], 1, 5, now), Err(SessionError::UnknownSession));
	}

	/// Finding 4 of the security review (issue 14): a client key opened stream after stream
	/// (each session fully receipted makes room for the next) and flooded the peer's receipt
	/// store. Checked failing before the bound: the 257th stream's receipt was taken.
	#[test]
	fn a_client_key_has_at_most_its_streams_per_period() {
		let now = Instant::now();
		let mut s =
			Sessions::new(server(), genesis(), WINDOW, 100, 8, 100, Duration::from_secs(60));
		let stream = |n: u16, period: u32, bytes: u64| {
			let mut session = [0xee; 16];
			session[..2].copy_from_slice(&n.to_be_bytes());
			Plain {
				period,
				session,
				server: server(),
				dapp: dapp(),
				client_key: client().public(),
				bytes,
			}
			.sign(&client(), &genesis())
		};
		let max = MAX_STREAMS_PER_KEY_PERIOD as u16;
		for n in 0..max {
			s.open(&stream(n, 5, 0), Some(dapp()), 5, now).unwrap();
			assert_eq!(s.grant(&stream(n, 5, 0).receipt.session, 10, now), Ok(10));
			assert!(s.acknowledge(&stream(n, 5, 10), 5, now).unwrap().new);
		}
		let extra = stream(max, 5, 0);
		s.open(&extra, Some(dapp()), 5, now).unwrap();
		s.grant(&extra.receipt.session, 10, now).unwrap();
		assert_eq!(
			s.acknowledge(&stream(max, 5, 10), 5, now),
			Err(SessionError::TooManyStreams(MAX_STREAMS_PER_KEY_PERIOD))
		);
		assert_eq!(s.validate(&stream(max, 5, 10), 5), Err(SessionError::TooManyStreams(256)));
		// Streams already counted go on; the next period has room again.
		assert!(s.acknowledge(&stream(max - 1, 5, 20), 5, now).is_ok());
		assert!(s.acknowledge(&stream(max, 6, 10), 6, now).unwrap().new);
	}

	#[test]
	fn a_keys_sessions_share_its_credit_and_a_key_may_not_hoard_sessions() {
		let now = Instant::now();
		let mut s =
			Sessions::new(server(), genesis(), WINDOW, 100, 6, 100, Duration::from_secs(60));
		// A client that never signs opens session after session: the key's credit runs out.
		for id in 1..=5u8 {
			s.open(&receipt(id, 5, 0), Some(dapp()), 5, now).unwrap();
		}
		let served: Vec<u64> =
			(1..=5u8).map(|id| s.grant(&[id; 16], 2 * WINDOW, now).unwrap()).collect();
		assert_eq!(served, vec![WINDOW, WINDOW, WINDOW, WINDOW, 0]);
		assert_eq!(served.iter().sum::<u64>(), KEY_CREDIT_WINDOWS * WINDOW);
		// A receipt frees credit for the key: any of its sessions may use it.
		s.acknowledge(&receipt(1, 5, WINDOW), 5, now).unwrap();
		assert_eq!(s.grant(&[2; 16], 1, now), Ok(0), "session 2's own window is used up");
		assert_eq!(s.grant(&[5; 16], 2 * WINDOW, now), Ok(WINDOW));
		assert_eq!(s.grant(&[1; 16], 1, now), Ok(0), "the key's credit is used up again");

		// Three sessions at most for a key: a fourth is refused while all three owe receipts.
		let mut s =
			Sessions::new(server(), genesis(), WINDOW, 100, 3, 100, Duration::from_secs(60));
		for id in 1..=3u8 {
			s.open(&receipt(id, 5, 0), Some(dapp()), 5, now).unwrap();
			assert_eq!(s.grant(&[id; 16], 10, now), Ok(10));
		}
		assert_eq!(
			s.open(&receipt(4, 5, 0), Some(dapp()), 5, now),
			Err(SessionError::TooManyKeySessions(3))
		);
		// A fully receipted session makes room (forgetting it forgives nothing).
		s.acknowledge(&receipt(2, 5, 10), 5, now).unwrap();
		s.open(&receipt(4, 5, 0), Some(dapp()), 5, now).unwrap();
		assert!(s.get(&[2; 16]).is_none());
		assert!(
			s.get(&[1; 16]).is_some() && s.get(&[3; 16]).is_some() && s.get(&[4; 16]).is_some()
		);
		assert_eq!(s.len(), 3);
		// Another key is not affected.
		let other = sr25519::Pair::from_string("//other-client", None).unwrap();
		let mut opening = receipt(9, 5, 0).receipt;
		opening.client_key = other.public();
		s.open(&opening.sign(&other, &genesis()), Some(dapp()), 5, now).unwrap();
		assert_eq!(s.grant(&[9; 16], 2 * WINDOW, now), Ok(WINDOW));
	}

	#[test]
	fn a_session_is_served_one_window_ahead_of_its_receipts() {
		let now = Instant::now();
		let mut s = sessions(10);
		let id = [1; 16];
		assert_eq!(s.grant(&id, 10, now), Err(SessionError::UnknownSession));
		s.open(&receipt(1, 5, 0), Some(dapp()), 5, now).unwrap();
		assert_eq!(s.grant(&id, 600, now), Ok(600));
		assert_eq!(s.grant(&id, 600, now), Ok(400), "the window ends at 1000 outstanding");
		assert_eq!(s.grant(&id, 1, now), Ok(0));
		let ack = s.acknowledge(&receipt(1, 5, 700), 5, now).unwrap();
		assert_eq!(ack, Acknowledged { new: true, credit: 700 });
		// Validating changes nothing.
		assert_eq!(s.validate(&receipt(1, 5, 900), 5), Ok(true));
		assert_eq!(s.validate(&receipt(1, 5, 700), 5), Ok(false));
		assert_eq!(s.get(&id).unwrap().acknowledged(), 700);
		// An older receipt changes nothing.
		assert!(!s.acknowledge(&receipt(1, 5, 300), 5, now).unwrap().new);
		assert_eq!(s.grant(&id, 2000, now), Ok(700));
		// The next period counts from zero; the session's total adds the periods up.
		let ack = s.acknowledge(&receipt(1, 6, 1000), 6, now).unwrap();
		assert_eq!(s.get(&id).unwrap().acknowledged(), 1700);
		assert_eq!(ack.credit, WINDOW);
		// A late receipt for the period just ended still counts.
		assert!(s.acknowledge(&receipt(1, 5, 1000), 6, now).unwrap().new);
		assert_eq!(s.get(&id).unwrap().acknowledged(), 2000);
	}

	#[test]
	fn forged_unauthorized_and_stale_receipts_are_refused() {
		let now = Instant::now();
		let mut s = sessions(10);
		assert_eq!(
			s.open(&receipt(1, 5, 10), Some(dapp()), 5, now),
			Err(SessionError::OpeningWithBytes)
		);
		assert_eq!(s.open(&receipt(1, 5, 0), None, 5, now), Err(SessionError::NotAuthorized));
		assert_eq!(
			s.open(&receipt(1, 5, 0), Some(server()), 5, now),
			Err(SessionError::NotAuthorized),
			"authorized by another DApp"
		);
		assert_eq!(
			s.open(&receipt(1, 2, 0), Some(dapp()), 5, now),
			Err(SessionError::WrongPeriod { got: 2, current: 5 })
		);
		let mut forged = receipt(1, 5, 0);
		forged.receipt.session = [9; 16];
		assert_eq!(s.open(&forged, Some(dapp()), 5, now), Err(SessionError::BadSignature));
		let mut elsewhere = receipt(1, 5, 0);
		elsewhere.receipt.server = dapp();
		assert_eq!(s.open(&elsewhere, Some(dapp()), 5, now), Err(SessionError::WrongServer));
		assert!(s.is_empty());

		s.open(&receipt(1, 5, 0), Some(dapp()), 5, now).unwrap();
		assert_eq!(s.acknowledge(&receipt(2, 5, 10), 5, now), Err(SessionError::UnknownSession));
		assert_eq!(
			s.acknowledge(&receipt(1, 3, 10), 5, now),
			Err(SessionError::WrongPeriod { got: 3, current: 5 })
		);
		let mut tampered = receipt(1, 5, 10);
		tampered.receipt.bytes = 10_000;
		assert_eq!(s.acknowledge(&tampered, 5, now), Err(SessionError::BadSignature));
		let other_key = sr25519::Pair::from_string("//other", None).unwrap();
		let mut other = receipt(1, 5, 10).receipt;
		other.client_key = other_key.public();
		let other = other.sign(&other_key, &genesis());
		assert_eq!(s.acknowledge(&other, 5, now), Err(SessionError::SessionMismatch));
		assert_eq!(s.get(&[1; 16]).unwrap().acknowledged(), 0);
	}

	#[test]
	fn idle_sessions_make_room_and_old_periods_fold_into_the_total() {
		let now = Instant::now();
		let mut s = sessions(1);
		s.open(&receipt(1, 5, 0), Some(dapp()), 5, now).unwrap();
		assert_eq!(
			s.open(&receipt(2, 5, 0), Some(dapp()), 5, now),
			Err(SessionError::TooManySessions)
		);
		// Re-opening the same session is fine (a client reconnecting).
		s.open(&receipt(1, 5, 0), Some(dapp()), 5, now).unwrap();
		let later = now + Duration::from_secs(61);
		s.open(&receipt(2, 5, 0), Some(dapp()), 5, later).unwrap();
		assert_eq!(s.len(), 1);
		assert!(s.get(&[1; 16]).is_none());

		for period in 5..10 {
			s.acknowledge(&receipt(2, period, 100), period, later).unwrap();
		}
		let session = s.get(&[2; 16]).unwrap();
		assert_eq!(session.by_period.len(), PERIODS_KEPT);
		assert_eq!(session.acknowledged(), 500);
	}

	/// Finding 7 of issue 14: re-sending an opening receipt (or a receipt already taken) costs
	/// the client nothing, yet refreshed the session's activity, so a few DApps could hold every
	/// session slot of a peer forever. Only service counts as activity now.
	///
	/// How it was checked: before the fix the session re-opened at 59 s was not idle at 61 s, and
	/// the new session was refused with `TooManySessions`.
	#[test]
	fn reopening_or_resending_a_receipt_does_not_keep_a_session_alive() {
		let now = Instant::now();
		let mut s = sessions(1);
		s.open(&receipt(1, 5, 0), Some(dapp()), 5, now).unwrap();
		assert_eq!(s.grant(&[1; 16], 10, now), Ok(10));
		s.acknowledge(&receipt(1, 5, 10), 5, now).unwrap();
		let almost_idle = now + Duration::from_secs(59);
		s.open(&receipt(1, 5, 0), Some(dapp()), 5, almost_idle).unwrap();
		assert!(!s.acknowledge(&receipt(1, 5, 10), 5, almost_idle).unwrap().new);
		let later = now + Duration::from_secs(61);
		s.open(&receipt(2, 5, 0), Some(dapp()), 5, later).unwrap();
		assert!(s.get(&[1; 16]).is_none(), "the idle session made room");
	}

	/// Finding 7 of issue 14: a DApp with many client keys could take every session slot of a
	/// peer. One DApp holds at most its share; when it is at its share, its own least recently
	/// active fully receipted session makes room, or it waits; other DApps are not affected.
	///
	/// How it was checked: before the fix there was no per-DApp limit and the third session of
	/// the DApp opened.
	#[test]
	fn one_dapp_may_hold_at_most_its_share_of_a_peers_sessions() {
		let now = Instant::now();
		let mut s = Sessions::new(server(), genesis(), WINDOW, 8, 64, 2, Duration::from_secs(60));
		let key = |n: u8| sr25519::Pair::from_string(&format!("//key{n}"), None).unwrap();
		let opening = |session: u8, dapp: AccountId32, k: &sr25519::Pair| {
			Plain {
				period: 5,
				session: [session; 16],
				server: server(),
				dapp,
				client_key: k.public(),
				bytes: 0,
			}
			.sign(k, &genesis())
		};
		// Two sessions of the DApp, on two keys, each owing receipts.
		for n in 1..=2u8 {
			s.open(&opening(n, dapp(), &key(n)), Some(dapp()), 5, now).unwrap();
			assert_eq!(s.grant(&[n; 16], 10, now), Ok(10));
		}
		assert_eq!(
			s.open(&opening(3, dapp(), &key(3)), Some(dapp()), 5, now),
			Err(SessionError::TooManyDAppSessions(2))
		);
		// Another DApp still finds room.
		let other = AccountId32::new([7; 32]);
		s.open(&opening(4, other.clone(), &key(4)), Some(other), 5, now).unwrap();
		// A fully receipted session of the DApp makes room for its next one.
		let mut paid = opening(1, dapp(), &key(1)).receipt;
		paid.bytes = 10;
		s.acknowledge(&paid.sign(&key(1), &genesis()), 5, now).unwrap();
		s.open(&opening(3, dapp(), &key(3)), Some(dapp()), 5, now).unwrap();
		assert!(s.get(&[1; 16]).is_none());
		assert_eq!(s.len(), 3);
	}
}

//! Compute tasks (docs/patrol.md): a DApp runs one of the standard kernels
//! (`spacebook_compute::Task`) on a serving peer and pays its cost through the session's
//! receipts, like bytes received.
//!
//! The tasks a client runs on a peer share one session with it (the peer counts a key's
//! streams a period: a session a task would use them up), whose receipts go in the background;
//! [`Client::finish_tasks`] sends the last ones.
//!
//! The client counts the cost it computes itself (`Task::cost`), sent with the task so that a
//! peer of another version refuses before it runs, never the one the peer's answer names: a
//! peer that claims more is paid what the task costs and no more. Before it signs, the client
//! spot-checks the answer (`spacebook_compute::spot_check`: its kind and size, a sort's order
//! and content under a key of its own, a compressed stream's content): a wrong answer is
//! refused and not paid. Recomputing (`spacebook_compute::verify`) is left to whoever must be
//! sure (a patrol knows its answers).

use crate::{http, session::PeerSession, Client, Endpoint, Error};
use std::{collections::HashMap, sync::Arc};

/// The task sessions of a client, by peer endpoint.
pub(crate) type TaskSessions = tokio::sync::Mutex<HashMap<String, Arc<PeerSession>>>;
use spacebook_compute::{Answer, Task, MAX_TASK_BYTES};
use spacebook_dataplane_protocol::protocol::{self, SESSION_HEADER, TASK_COST_HEADER};

/// What a task returned and what it cost.
#[derive(Clone, Debug, PartialEq)]
pub struct TaskOutcome {
	/// The kernel's answer.
	pub answer: Answer,
	/// The cost signed for, in traffic-equivalent bytes ([`Task::cost`]).
	pub cost: u64,
	/// The ledgering period it was signed in.
	pub period: u32,
}

impl Client {
	/// Run `task` on the serving peer at `endpoint` (one of the client's peers) in the
	/// client's task session with it, and sign its cost in a receipt of the period the peer's
	/// answer names (sent in the background: [`finish_tasks`](Self::finish_tasks) sends the
	/// last). Refused before anything is sent: a task out of its kernel's bounds.
	pub async fn run_task(&self, endpoint: &Endpoint, task: &Task) -> Result<TaskOutcome, Error> {
		task.check().map_err(|e| Error::Protocol(e.to_string()))?;
		let peer = self.peer_of(endpoint)?;
		let cost = task.cost();
		let session = self.task_session(endpoint, &peer).await?;
		let mut sent = Self::send_task(endpoint, &session, task, cost).await;
		if matches!(sent, Err(Error::Peer { status: 401, .. })) {
			// The peer forgot the session (it restarted): open it again, once.
			session.reopen().await?;
			sent = Self::send_task(endpoint, &session, task, cost).await;
		}
		let outcome = sent.and_then(|outcome| {
			spacebook_compute::spot_check(task, &outcome.answer, rand::random()).map_err(|e| {
				Error::WrongAnswer { peer: endpoint.to_string(), what: e.to_string() }
			})?;
			Ok(outcome)
		});
		if let Ok(outcome) = &outcome {
			session.count(outcome.period, cost);
		}
		outcome
	}

	/// The client's peer at `endpoint` (reached however `endpoint` says: the same peer
	/// relayed or direct).
	fn peer_of(&self, endpoint: &Endpoint) -> Result<crate::Peer, Error> {
		let peer = self.peers.iter().find(|p| p.endpoint.same_peer(endpoint)).ok_or_else(|| {
			Error::BadEndpoint(format!("{endpoint} is not one of the client's peers"))
		})?;
		Ok(crate::Peer { endpoint: endpoint.clone(), status: peer.status.clone() })
	}

	/// The client's task session with `peer` reached at `endpoint` (directly, or through a
	/// relay: a session of its own each way), opened if there is none.
	pub(crate) async fn task_session(
		&self,
		endpoint: &Endpoint,
		peer: &crate::Peer,
	) -> Result<Arc<PeerSession>, Error> {
		let mut sessions = self.task_sessions.lock().await;
		if let Some(session) = sessions.get(&endpoint.to_string()) {
			return Ok(session.clone());
		}
		let session =
			PeerSession::open(endpoint, peer.status.server.clone(), self.signer()).await?;
		sessions.insert(endpoint.to_string(), session.clone());
		Ok(session)
	}

	/// Fetch slice `slice` of file `hash` from the serving peer at `endpoint` (one of the
	/// client's peers) in the client's task session with it, checked against the slice list the
	/// peer gives, itself checked against the hash index; its bytes are signed for as a
	/// download's. A slice whose bytes do not hash right is [`Error::CorruptSlice`].
	pub async fn fetch_slice(
		&self,
		endpoint: &Endpoint,
		hash: &crate::HashIndex,
		slice: u64,
	) -> Result<bytes::Bytes, Error> {
		let peer = self.peer_of(endpoint)?;
		let info = {
			let mut connection = http::Connection::open(endpoint).await?;
			connection
				.fetch_json::<crate::FileInfo>(http::get(&format!("/v1/files/{hash}")))
				.await?
		};
		if info.hash_index != *hash || slice >= info.slice_count {
			return Err(Error::NotFound(*hash));
		}
		let (info, slices) = Self::slices_from(&[(peer.clone(), info)], hash).await?;
		let session = self.task_session(endpoint, &peer).await?;
		let (a, b) = spacebook_dataplane_protocol::content::slice_range(slice, info.length);
		let source = crate::download::Source {
			endpoint: endpoint.clone(),
			session,
			failures: Default::default(),
			connections: 1,
		};
		let plan = crate::download::Plan { info, slices, start: a, end: b };
		let mut connection = None;
		let mut fetched =
			crate::download::fetch_slice(&mut connection, &source, &plan, slice).await;
		if matches!(fetched, Err(Error::Peer { status: 401, .. })) {
			source.session.reopen().await?;
			connection = None;
			fetched = crate::download::fetch_slice(&mut connection, &source, &plan, slice).await;
		}
		let (period, data) = fetched?;
		source.session.count(period, data.len() as u64);
		Ok(data)
	}

	/// Send the last receipts of the client's task sessions and close them, all at once (waits at most
	/// `timeout` a session).
	pub async fn finish_tasks(&self, timeout: std::time::Duration) {
		let sessions: Vec<_> = self.task_sessions.lock().await.drain().map(|(_, s)| s).collect();
		futures::future::join_all(sessions.iter().map(|session| session.finish(timeout))).await;
	}

	async fn send_task(
		endpoint: &Endpoint,
		session: &PeerSession,
		task: &Task,
		cost: u64,
	) -> Result<TaskOutcome, Error> {
		use codec::{Decode, Encode};
		use http_body_util::BodyExt;
		let mut request = http::post("/v1/tasks", task.encode());
		request.headers_mut().insert(
			SESSION_HEADER,
			protocol::session_to_header(&session.id()).parse().expect("hex is a valid header"),
		);
		request.headers_mut().insert(TASK_COST_HEADER, cost.into());
		let mut connection = http::Connection::open(endpoint).await?;
		let response = connection.send(request).await?;
		let status = response.status();
		let period = http::period_of(&response);
		let claimed = response
			.headers()
			.get(TASK_COST_HEADER)
			.and_then(|v| v.to_str().ok())
			.and_then(|v| v.parse::<u64>().ok());
		// No more than the task's largest answer is read (its encoding adds at most six bytes).
		let limit =
			usize::try_from(task.max_answer_len()).unwrap_or(MAX_TASK_BYTES).saturating_add(64);
		let body = http_body_util::Limited::new(response.into_body(), limit)
			.collect()
			.await
			.map_err(|e| Error::Unreachable(endpoint.to_string(), e.to_string()))?
			.to_bytes();
		if !status.is_success() {
			return Err(http::peer_error(endpoint, status, &body));
		}
		let period = period.ok_or_else(|| {
			Error::Protocol(format!("{endpoint}: a task's answer without its period"))
		})?;
		if claimed != Some(cost) {
			log::warn!(
				target: "sdk",
				"{endpoint} claims {claimed:?} bytes for a task that costs {cost}: signing {cost}"
			);
		}
		let mut input = &body[..];
		let answer =
			Answer::decode(&mut input).ok().filter(|_| input.is_empty()).ok_or_else(|| {
				Error::Protocol(format!("{endpoint}: a task's answer does not decode"))
			})?;
		Ok(TaskOutcome { answer, cost, period })
	}
}

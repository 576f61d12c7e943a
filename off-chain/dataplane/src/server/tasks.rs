//! Compute tasks (`POST /v1/tasks`): a DApp's client — or a patrol, which looks the same —
//! sends a [`Task`](spacebook_compute::Task); the peer runs it within the session's credit
//! window and answers with its [`Answer`](spacebook_compute::Answer) (docs/patrol.md).
//!
//! - **Paid like traffic.** The task's cost (`Task::cost`, traffic-equivalent bytes) is
//!   counted as served to the session, whole, before the task runs: a task costing more than
//!   the credit window is refused (413), one that does not fit in what is left waits for the
//!   client's receipts like a transfer (402 after the stall timeout), and the client counts the
//!   cost in its next receipt of the period in the answer's `PERIOD_HEADER`. A task that fails
//!   after its grant (a file removed meanwhile) gives the grant back.
//! - **Bounded.** The body is read up to `MAX_TASK_BYTES`, decoded whole and checked against
//!   its kernel's bounds before anything is granted or run; at most
//!   [`Config::max_parallel_tasks`](super::Config::max_parallel_tasks) run at once, each on a
//!   blocking thread (never on the threads serving sockets), and a task waits for a slot at
//!   most the stall timeout (503).

use super::*;
use spacebook_compute::{FileSource, Task, TaskError, MAX_TASK_BYTES};
use spacebook_dataplane_protocol::protocol::TASK_COST_HEADER;

/// The content store as a file-digest task reads it: the stored file's bytes from its data
/// file, a chunk at a time.
struct StoreFiles(Arc<ContentStore>);

impl FileSource for StoreFiles {
	fn digest(&self, hash_index: &[u8; 32], offset: u64, length: u64) -> Result<[u8; 32], String> {
		use std::io::{Seek, SeekFrom};
		let hash = crate::content::Digest(*hash_index);
		let stored = self.0.get(&hash).ok_or("this peer does not store the file")?;
		if offset.checked_add(length).is_none_or(|end| end > stored.info.length) {
			return Err(format!("the file has {} bytes", stored.info.length));
		}
		let mut file = std::fs::File::open(self.0.data_path(&hash)).map_err(|e| e.to_string())?;
		file.seek(SeekFrom::Start(offset)).map_err(|e| e.to_string())?;
		spacebook_compute::digest_reader(file, length).map_err(|e| e.to_string())
	}
}

impl DataPlane {
	/// `POST /v1/tasks`: run the task in the body for the request's session.
	pub(super) async fn task(self: Arc<Self>, req: Request<Incoming>) -> Response<Body> {
		let session = match self.session_of(&req) {
			Ok(session) => session,
			Err(response) => return response,
		};
		let Some(dapp) = self.sessions.lock().get(&session).map(|s| s.dapp.clone()) else {
			return session_error(SessionError::UnknownSession);
		};
		if let Some(reason) = self.unpaid(&dapp) {
			return error(StatusCode::PAYMENT_REQUIRED, reason);
		}
		let body = match read_body(req.into_body(), MAX_TASK_BYTES).await {
			Ok(body) => body,
			Err(response) => return response,
		};
		let task = match Task::from_body(&body) {
			Ok(task) => task,
			Err(e) => return error(StatusCode::BAD_REQUEST, e),
		};
		if let Task::FileDigest { hash_index, offset, length } = &task {
			let stored = self.store.get(&crate::content::Digest(*hash_index));
			match stored {
				None => return error(StatusCode::NOT_FOUND, "this peer does not store the file"),
				Some(file) if offset.saturating_add(*length) > file.info.length => {
					return error(
						StatusCode::RANGE_NOT_SATISFIABLE,
						format!("the file has {} bytes", file.info.length),
					)
				}
				Some(_) => {}
			}
		}
		let cost = task.cost();
		let window = self.config.credit_window;
		if cost > window {
			return error(
				StatusCode::PAYLOAD_TOO_LARGE,
				format!(
					"the task costs {cost} bytes of traffic, more than this peer's credit window \
					 of {window}: split it"
				),
			);
		}
		let stall = self.config.stall_timeout;
		let Ok(Ok(slot)) =
			tokio::time::timeout(stall, self.task_slots.clone().acquire_owned()).await
		else {
			return error(
				StatusCode::SERVICE_UNAVAILABLE,
				"this peer runs as many tasks as it takes at once: try again or another peer",
			);
		};
		if let Err(e) = self.grant_whole(&session, cost).await {
			return session_error(e);
		}
		let period = self.chain.current_period();
		let files = StoreFiles(self.store.clone());
		let outcome = tokio::task::spawn_blocking(move || {
			let _slot = slot;
			spacebook_compute::run(&task, &files)
		})
		.await;
		let answer = match outcome {
			Ok(Ok(answer)) => answer,
			failed => {
				self.sessions.lock().ungrant(&session, cost);
				return match failed {
					Ok(Err(TaskError::NotStored(why))) => error(StatusCode::NOT_FOUND, why),
					Ok(Err(e)) => error(StatusCode::BAD_REQUEST, e),
					_ => error(StatusCode::INTERNAL_SERVER_ERROR, "the task failed"),
				};
			}
		};
		Response::builder()
			.header(header::CONTENT_TYPE, "application/octet-stream")
			.header(PERIOD_HEADER, period)
			.header(TASK_COST_HEADER, cost)
			.body(full(codec::Encode::encode(&answer)))
			.expect("valid response")
	}

	/// Wait until the session may be served `want` bytes at once, for at most the stall
	/// timeout.
	async fn grant_whole(&self, session: &SessionId, want: u64) -> Result<(), SessionError> {
		let deadline = tokio::time::Instant::now() + self.config.stall_timeout;
		loop {
			let notify = {
				let sessions = self.sessions.lock();
				sessions.get(session).ok_or(SessionError::UnknownSession)?.credit_added.clone()
			};
			let notified = notify.notified();
			tokio::pin!(notified);
			// Registered before the check, so a receipt between the check and the wait wakes it.
			notified.as_mut().enable();
			if self.sessions.lock().grant_whole(session, want, Instant::now())? {
				return Ok(());
			}
			if tokio::time::timeout_at(deadline, notified).await.is_err() {
				return Err(SessionError::NoCredit);
			}
		}
	}
}

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
//! - **Bounded.** A task counts among its DApp's uploads under way (`Limits::max_uploads_per_dapp`)
//!   from its headers to its answer; its body names its length (at most `MAX_TASK_BYTES`) and
//!   comes at the uploads' minimum rate, and is decoded whole and checked against its kernel's
//!   bounds before anything is granted or run. The client's count of the cost, if it sends
//!   it, must be the peer's (409: versions differ). The credit is granted first, then a task
//!   slot: at most [`Config::max_parallel_tasks`](super::Config::max_parallel_tasks) run at
//!   once, each on a blocking thread (never on the threads serving sockets), and a task waits
//!   for a slot at most the stall timeout (503, its grant given back).

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
		let (session, dapp) = match self.paying_session(&req) {
			Ok(paying) => paying,
			Err(response) => return response,
		};
		// A task's body and run count among its DApp's uploads under way: one DApp cannot
		// hold many bodies in memory at once.
		let _permit = match self.admission.upload(&dapp) {
			Ok(permit) => permit,
			Err(refused) => return refused_error(refused),
		};
		let header_u64 = |name| {
			req.headers()
				.get(name)
				.and_then(|v: &hyper::header::HeaderValue| v.to_str().ok())
				.and_then(|v| v.parse::<u64>().ok())
		};
		let Some(declared) = header_u64(header::CONTENT_LENGTH.as_str()) else {
			return error(StatusCode::LENGTH_REQUIRED, "a task names its length (content-length)");
		};
		if declared > MAX_TASK_BYTES as u64 {
			return error(
				StatusCode::PAYLOAD_TOO_LARGE,
				format!("body above {MAX_TASK_BYTES} bytes"),
			);
		}
		let client_cost = header_u64(TASK_COST_HEADER);
		// The body at the uploads' minimum rate, after the header timeout's grace: a body
		// trickled a byte a minute holds nothing for long.
		let rate = self.config.limits.min_upload_rate.max(1);
		let deadline = self.config.limits.header_timeout
			+ std::time::Duration::from_secs(declared.div_ceil(rate));
		let body = match tokio::time::timeout(deadline, read_body(req.into_body(), MAX_TASK_BYTES))
			.await
		{
			Ok(Ok(body)) => body,
			Ok(Err(response)) => return response,
			Err(_) => {
				return error(
					StatusCode::REQUEST_TIMEOUT,
					format!("the task came slower than {rate} bytes/s"),
				)
			}
		};
		let task = match Task::from_body(&body) {
			Ok(task) => task,
			Err(e) => return error(StatusCode::BAD_REQUEST, e),
		};
		drop(body);
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
		// The client signs what it computes: a client of another version would not pay this.
		if client_cost.is_some_and(|c| c != cost) {
			return error(
				StatusCode::CONFLICT,
				format!(
					"the client counts {} bytes for the task, this peer {cost}: versions differ",
					client_cost.unwrap_or_default()
				),
			);
		}
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
		// The credit first, then a slot: a task waiting for receipts holds no slot.
		let period = self.chain.current_period();
		if let Err(e) = self.grant_whole(&session, &dapp, cost, period).await {
			return session_error(e);
		}
		let stall = self.config.stall_timeout;
		let Ok(Ok(slot)) =
			tokio::time::timeout(stall, self.task_slots.clone().acquire_owned()).await
		else {
			self.sessions.lock().ungrant(&session, cost);
			return error(
				StatusCode::SERVICE_UNAVAILABLE,
				"this peer runs as many tasks as it takes at once: try again or another peer",
			);
		};
		let files = StoreFiles(self.store.clone());
		let wrong_sorts = self.config.test_wrong_sorts;
		let outcome = tokio::task::spawn_blocking(move || {
			let _slot = slot;
			let mut answer = spacebook_compute::run(&task, &files);
			if let Ok(spacebook_compute::Answer::Sorted(items)) = &mut answer {
				if wrong_sorts && items.len() > 1 {
					items.swap(0, 1);
				}
			}
			answer
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
		self.metrics.task_bytes.inc_by(cost);
		Response::builder()
			.header(header::CONTENT_TYPE, "application/octet-stream")
			.header(PERIOD_HEADER, period)
			.header(TASK_COST_HEADER, cost)
			.body(full(codec::Encode::encode(&answer)))
			.expect("valid response")
	}

	/// Wait until the session may be served `want` bytes at once, for at most the stall
	/// timeout.
	async fn grant_whole(
		&self,
		session: &SessionId,
		dapp: &AccountId32,
		want: u64,
		period: u32,
	) -> Result<(), SessionError> {
		let deadline = tokio::time::Instant::now() + self.config.stall_timeout;
		self.wait_for_credit(session, deadline, || {
			// A DApp that stopped paying while the task waited runs nothing.
			if let Some(reason) = self.unpaid(dapp) {
				return Err(SessionError::Unpaid(reason));
			}
			let granted =
				self.sessions.lock().grant_whole(session, want, period, Instant::now())?;
			Ok(granted.then_some(()))
		})
		.await
	}
}

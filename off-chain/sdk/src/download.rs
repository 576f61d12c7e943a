//! Multi-source downloads: every slice of the wanted range is fetched from one of the peers that
//! hold the file, checked against its hash, and handed to the caller; a slice that fails (a
//! peer gone, cut off or serving corrupt bytes) goes back to the queue for another peer.
//!
//! Workers take the next slice from a shared queue, so faster peers serve more slices. Each
//! source has a few workers, each on its own connection, so that one peer's transfer overlaps
//! the request, disk read and verification of the next slice. A source that fails
//! [`MAX_SOURCE_FAILURES`] times is dropped. A slice every remaining
//! source has failed ends the download with [`Error::Unservable`].

use crate::{
	http::{self, Connection, Endpoint},
	session::PeerSession,
	Error,
};
use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::{header, Request, StatusCode};
use parking_lot::Mutex;
use spacebook_dataplane_protocol::{
	content::{slice_hash, slice_range, Digest, FileInfo},
	protocol::{self, PERIOD_HEADER, SESSION_HEADER},
};
use std::{
	collections::VecDeque,
	sync::{
		atomic::{AtomicU32, Ordering},
		Arc,
	},
	time::Duration,
};
use tokio::sync::{mpsc, Notify};

/// Failures after which a source is no longer asked.
pub const MAX_SOURCE_FAILURES: u32 = 3;
/// How long a finished or stopped download waits for its last receipts to be confirmed.
const RECEIPT_FLUSH: Duration = Duration::from_secs(10);

/// Bytes of a file as they arrive: `data` starts at byte `offset` of the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chunk {
	/// Where `data` starts in the file.
	pub offset: u64,
	/// The bytes.
	pub data: Bytes,
}

/// A peer that holds the file, with the session the download runs over.
pub(crate) struct Source {
	pub endpoint: Endpoint,
	pub session: Arc<PeerSession>,
	/// Failed slices so far, over all of its workers.
	pub failures: AtomicU32,
	/// Its workers, each on a connection of its own fetching one slice at a time.
	pub connections: usize,
}

struct Item {
	slice: u64,
	/// Sources that failed this slice.
	failed_by: Vec<usize>,
}

#[derive(Default)]
struct State {
	queue: VecDeque<Item>,
	in_flight: usize,
	live: Vec<bool>,
	stopped: bool,
	/// Slices from this index on wait (a caller reading in file order is that far behind).
	limit: Option<u64>,
}

/// The shared queue of slices.
struct Schedule {
	state: Mutex<State>,
	changed: Notify,
}

impl Schedule {
	fn new(slices: impl Iterator<Item = u64>, sources: usize) -> Self {
		let state = State {
			queue: slices.map(|slice| Item { slice, failed_by: Vec::new() }).collect(),
			in_flight: 0,
			live: vec![true; sources],
			stopped: false,
			limit: None,
		};
		Schedule { state: Mutex::new(state), changed: Notify::new() }
	}

	/// The next slice source `me` may fetch; `None` when there is nothing left for it.
	async fn next(&self, me: usize) -> Option<Item> {
		loop {
			let notified = self.changed.notified();
			tokio::pin!(notified);
			notified.as_mut().enable();
			{
				let mut s = self.state.lock();
				if s.stopped || !s.live[me] {
					return None;
				}
				let limit = s.limit;
				if let Some(at) = s.queue.iter().position(|i| {
					!i.failed_by.contains(&me) && limit.is_none_or(|limit| i.slice < limit)
				}) {
					s.in_flight += 1;
					return s.queue.remove(at);
				}
				if s.queue.is_empty() && s.in_flight == 0 {
					return None;
				}
			}
			notified.await;
		}
	}

	fn done(&self) {
		self.state.lock().in_flight -= 1;
		self.changed.notify_waiters();
	}

	/// `me` failed `item`; `gone` if `me` stops. Returns a slice no live source can serve.
	fn failed(&self, mut item: Item, me: usize, gone: bool) -> Option<u64> {
		let mut s = self.state.lock();
		s.in_flight -= 1;
		item.failed_by.push(me);
		s.queue.push_front(item);
		if gone {
			s.live[me] = false;
		}
		let stuck = Self::unservable(&s);
		if stuck.is_some() {
			s.stopped = true;
		}
		drop(s);
		self.changed.notify_waiters();
		stuck
	}

	fn unservable(s: &State) -> Option<u64> {
		s.queue
			.iter()
			.find(|i| !(0..s.live.len()).any(|w| s.live[w] && !i.failed_by.contains(&w)))
			.map(|i| i.slice)
	}

	fn stop(&self) {
		self.state.lock().stopped = true;
		self.changed.notify_waiters();
	}

	/// Let workers take only slices below `limit` (`None`: any).
	fn set_limit(&self, limit: Option<u64>) {
		let mut s = self.state.lock();
		if s.limit != limit {
			s.limit = limit;
			drop(s);
			self.changed.notify_waiters();
		}
	}
}

/// What a download fetches.
pub(crate) struct Plan {
	pub info: FileInfo,
	pub slices: Vec<Digest>,
	/// The wanted bytes, `[start, end)`.
	pub start: u64,
	pub end: u64,
}

pub(crate) async fn fetch_slice(
	connection: &mut Option<Connection>,
	source: &Source,
	plan: &Plan,
	slice: u64,
) -> Result<(u32, Bytes), Error> {
	let (a, b) = slice_range(slice, plan.info.length);
	if connection.is_none() {
		*connection = Some(Connection::open(&source.endpoint).await?);
	}
	let conn = connection.as_mut().expect("opened above");
	let request = Request::get(format!("/v1/files/{}/data", plan.info.hash_index))
		.header(header::RANGE, format!("bytes={a}-{}", b - 1))
		.header(SESSION_HEADER, protocol::session_to_header(&source.session.id()))
		.body(http::empty())
		.expect("valid request");
	let response = conn.send(request).await?;
	let status = response.status();
	let period = http::period_of(&response);
	let body = http_body_util::Limited::new(response.into_body(), (b - a) as usize + 4096)
		.collect()
		.await
		.map_err(|e| {
			Error::Unreachable(source.endpoint.to_string(), format!("slice {slice}: {e}"))
		})?
		.to_bytes();
	if status != StatusCode::PARTIAL_CONTENT && status != StatusCode::OK {
		return Err(http::peer_error(&source.endpoint, status, &body));
	}
	let period = period.ok_or_else(|| {
		Error::Protocol(format!("{}: a data answer without {PERIOD_HEADER}", source.endpoint))
	})?;
	if body.len() as u64 != b - a {
		return Err(Error::Protocol(format!(
			"{}: slice {slice} has {} bytes, expected {}",
			source.endpoint,
			body.len(),
			b - a
		)));
	}
	if slice_hash(&body) != plan.slices[slice as usize] {
		return Err(Error::CorruptSlice { peer: source.endpoint.to_string(), slice });
	}
	Ok((period, body))
}

async fn worker(
	me: usize,
	source: Arc<Source>,
	schedule: Arc<Schedule>,
	plan: Arc<Plan>,
	out: mpsc::Sender<Result<Chunk, Error>>,
) {
	let mut connection = None;
	while let Some(item) = schedule.next(me).await {
		match fetch_slice(&mut connection, &source, &plan, item.slice).await {
			Ok((period, data)) => {
				// Only verified bytes are acknowledged: a peer is paid for correct data.
				source.session.count(period, data.len() as u64);
				schedule.done();
				let (a, _) = slice_range(item.slice, plan.info.length);
				let from = plan.start.max(a);
				let to = plan.end.min(a + data.len() as u64);
				let chunk = Chunk {
					offset: from,
					data: data.slice((from - a) as usize..(to - a) as usize),
				};
				if out.send(Ok(chunk)).await.is_err() {
					schedule.stop();
					return;
				}
			}
			Err(e) => {
				if matches!(e, Error::Peer { status: 401, .. }) {
					// The peer forgot the session (it restarted): open it again, so that the
					// slice's retry (here or on another worker) is served.
					if let Err(e) = source.session.reopen().await {
						log::debug!(target: "sdk", "reopening the session with {} failed: {e}", source.endpoint);
					}
				}
				let failures = source.failures.fetch_add(1, Ordering::Relaxed) + 1;
				connection = None;
				let gone = failures >= MAX_SOURCE_FAILURES;
				log::warn!(target: "sdk", "{} failed slice {} ({failures}/{MAX_SOURCE_FAILURES}): {e}", source.endpoint, item.slice);
				let slice = item.slice;
				if let Some(stuck) = schedule.failed(item, me, gone) {
					let _ = out
						.send(Err(Error::Unservable { slice: stuck, last: e.to_string() }))
						.await;
					return;
				}
				if gone {
					return;
				}
				log::debug!(target: "sdk", "slice {slice} back in the queue");
			}
		}
	}
}

/// A running download. Receive its chunks with [`receive`](Self::receive) (in arrival order,
/// each with its offset, as the whitepaper's `receiveFile`) or
/// [`receive_in_order`](Self::receive_in_order); end it early with [`stop`](Self::stop).
pub struct Download {
	id: u64,
	info: FileInfo,
	start: u64,
	end: u64,
	rx: mpsc::Receiver<Result<Chunk, Error>>,
	schedule: Arc<Schedule>,
	supervisor: Option<tokio::task::JoinHandle<()>>,
	reorder: std::collections::BTreeMap<u64, Bytes>,
	next_offset: u64,
	/// The slices fetched, in file order (skipped ones left out), for reading in order.
	scheduled: Vec<u64>,
	/// How many of `scheduled` were returned in order.
	returned: usize,
	slice_size: u64,
	buffer_slices: usize,
}

impl Download {
	/// Start fetching `plan` from `sources`, each with its own number of workers, buffering at
	/// most `buffer_slices` verified slices.
	pub(crate) fn start(
		id: u64,
		plan: Plan,
		sources: Vec<Source>,
		buffer_slices: usize,
		skip: &dyn Fn(u64) -> bool,
	) -> Self {
		let first = plan.start / plan.info.slice_size;
		let last = (plan.end - 1) / plan.info.slice_size;
		let scheduled: Vec<u64> = (first..=last).filter(|s| !skip(*s)).collect();
		let schedule = Arc::new(Schedule::new(scheduled.iter().copied(), sources.len()));
		let slice_size = plan.info.slice_size;
		let (tx, rx) = mpsc::channel(buffer_slices.max(1));
		let (info, start, end) = (plan.info.clone(), plan.start, plan.end);
		let plan = Arc::new(plan);
		let sources: Vec<Arc<Source>> = sources.into_iter().map(Arc::new).collect();
		let supervisor = {
			let schedule = schedule.clone();
			tokio::spawn(async move {
				let mut workers = tokio::task::JoinSet::new();
				for (me, source) in sources.iter().enumerate() {
					for _ in 0..source.connections.max(1) {
						workers.spawn(worker(
							me,
							source.clone(),
							schedule.clone(),
							plan.clone(),
							tx.clone(),
						));
					}
				}
				drop(tx);
				while workers.join_next().await.is_some() {}
				// Stopped or done: send the last receipts, so the peers are paid for every
				// byte that arrived.
				for source in &sources {
					source.session.finish(RECEIPT_FLUSH).await;
				}
			})
		};
		Download {
			id,
			info,
			start,
			end,
			rx,
			schedule,
			supervisor: Some(supervisor),
			reorder: Default::default(),
			next_offset: start,
			scheduled,
			returned: 0,
			slice_size,
			buffer_slices: buffer_slices.max(1),
		}
	}

	/// The task id.
	pub fn id(&self) -> u64 {
		self.id
	}

	/// The file.
	pub fn info(&self) -> &FileInfo {
		&self.info
	}

	/// The bytes fetched, `[start, end)`.
	pub fn range(&self) -> (u64, u64) {
		(self.start, self.end)
	}

	/// The next verified chunk, in arrival order; `None` when the download is complete. An
	/// error ends the download.
	pub async fn receive(&mut self) -> Option<Result<Chunk, Error>> {
		self.rx.recv().await
	}

	/// The next bytes in file order; `None` when all of the range has been returned. Do not mix
	/// with [`receive`](Self::receive). Slices skipped by a resumed download are left out.
	///
	/// Memory stays bounded while a slow slice holds the order up: from the first call on,
	/// workers fetch no slice more than the download's buffer (`max_buffer`) ahead of the next
	/// one to return.
	pub async fn receive_in_order(&mut self) -> Option<Result<Bytes, Error>> {
		loop {
			// The next slice to return, and where its bytes start within the range.
			if let Some(&slice) = self.scheduled.get(self.returned) {
				self.next_offset = self.start.max(slice * self.slice_size);
			}
			self.schedule
				.set_limit(self.scheduled.get(self.returned + self.buffer_slices).copied());
			if let Some(data) = self.reorder.remove(&self.next_offset) {
				self.next_offset += data.len() as u64;
				self.returned += 1;
				return Some(Ok(data));
			}
			match self.rx.recv().await {
				Some(Ok(chunk)) => {
					self.reorder.insert(chunk.offset, chunk.data);
				}
				Some(Err(e)) => return Some(Err(e)),
				// The channel is closed with the next slice missing (the download was stopped):
				// what arrived after it is returned in order.
				None => match self.reorder.pop_first() {
					Some((offset, data)) => {
						self.next_offset = offset + data.len() as u64;
						return Some(Ok(data));
					}
					None => return None,
				},
			}
		}
	}

	/// Stop fetching; the receipts for the bytes that arrived are still sent.
	pub async fn stop(mut self) {
		self.schedule.stop();
		self.rx.close();
		while self.rx.recv().await.is_some() {}
		if let Some(supervisor) = self.supervisor.take() {
			let _ = supervisor.await;
		}
	}

	/// Wait until the download's last receipts are confirmed (after the last chunk).
	pub async fn finish(mut self) {
		if let Some(supervisor) = self.supervisor.take() {
			let _ = supervisor.await;
		}
	}
}

impl Drop for Download {
	fn drop(&mut self) {
		self.schedule.stop();
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use std::time::Duration;

	async fn next_within(schedule: &Schedule, me: usize) -> Option<Option<u64>> {
		tokio::time::timeout(Duration::from_millis(100), schedule.next(me))
			.await
			.ok()
			.map(|item| item.map(|i| i.slice))
	}

	#[tokio::test]
	async fn workers_wait_below_the_limit_of_a_reader_in_file_order() {
		let schedule = Schedule::new(0..6, 1);
		schedule.set_limit(Some(2));
		assert_eq!(next_within(&schedule, 0).await, Some(Some(0)));
		assert_eq!(next_within(&schedule, 0).await, Some(Some(1)));
		assert_eq!(next_within(&schedule, 0).await, None, "slice 2 waits for the reader");
		schedule.done();
		schedule.done();
		schedule.set_limit(Some(4));
		assert_eq!(next_within(&schedule, 0).await, Some(Some(2)));
		// A failed slice below the limit is taken again at once.
		let item = Item { slice: 3, failed_by: Vec::new() };
		schedule.state.lock().queue.retain(|i| i.slice != 3);
		schedule.state.lock().in_flight += 1;
		assert_eq!(schedule.failed(item, 0, false), Some(3), "no other source: unservable");
		let schedule = Schedule::new(0..3, 1);
		schedule.set_limit(None);
		for expected in 0..3 {
			assert_eq!(next_within(&schedule, 0).await, Some(Some(expected)));
			schedule.done();
		}
		assert_eq!(next_within(&schedule, 0).await, Some(None), "all done");
	}
}

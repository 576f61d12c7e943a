//! Compute tasks (`POST /v1/tasks`) against a real server on loopback: answered and paid like
//! traffic, and the attacks on them — tasks beyond the credit window or their bounds, malformed
//! bodies, no session, a DApp that cannot pay, a flood beyond the peer's task
//! slots, digests of files the peer does not store.

mod common;

use codec::Decode;
use common::*;
use spacebook_compute::{Answer, Task};

/// The status, the head (status line and headers) and the body of `POST /v1/tasks` with
/// `body` in `session`.
async fn post_task(peer: SocketAddr, session: Option<u8>, body: &[u8]) -> (u16, String, Vec<u8>) {
	post_task_with(peer, session, "", body).await
}

/// [`post_task`] with `extra` header lines.
async fn post_task_with(
	peer: SocketAddr,
	session: Option<u8>,
	extra: &str,
	body: &[u8],
) -> (u16, String, Vec<u8>) {
	let mut stream = connect_from(peer, "127.0.0.1").await;
	let session = session
		.map(|s| format!("{SESSION_HEADER}: {}\r\n{extra}", hex::encode([s; 16])))
		.unwrap_or_default();
	let mut raw = format!(
		"POST /v1/tasks HTTP/1.1\r\nhost: peer\r\nconnection: close\r\n{session}\
		 content-length: {}\r\n\r\n",
		body.len()
	)
	.into_bytes();
	raw.extend_from_slice(body);
	stream.write_all(&raw).await.unwrap();
	let answer = read_until_closed(&mut stream, Duration::from_secs(60)).await.unwrap();
	let split = answer.windows(4).position(|w| w == b"\r\n\r\n").expect("a head");
	let head = String::from_utf8_lossy(&answer[..split]).to_string();
	let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
	(status, head, answer[split + 4..].to_vec())
}

fn header(head: &str, name: &str) -> Option<u64> {
	head.lines()
		.find_map(|l| l.to_ascii_lowercase().strip_prefix(&format!("{name}: ")).map(str::to_owned))
		.and_then(|v| v.trim().parse().ok())
}

async fn post_receipt(peer: &Peer, session: u8, bytes: u64) -> (u16, String) {
	request(peer.addr, "127.0.0.1", "POST /v1/receipts HTTP/1.1", &receipt(session, bytes)).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_task_is_answered_and_its_cost_receipted_like_traffic() {
	let peer = peer(|_| {}).await;
	open_session(&peer, 1).await;
	let task = Task::Sort(vec![9, 1, 8, 1, u64::MAX]);
	let (status, head, body) = post_task(peer.addr, Some(1), &task.encode()).await;
	assert_eq!(status, 200, "{head}");
	assert_eq!(Answer::decode(&mut &body[..]).unwrap(), Answer::Sorted(vec![1, 1, 8, 9, u64::MAX]));
	let cost = header(&head, "x-spacebook-task-cost").expect("the cost header");
	assert_eq!(cost, task.cost());
	assert_eq!(peer.plane.metrics().task_bytes.get(), cost, "the task's traffic is counted");
	assert_eq!(header(&head, "x-spacebook-period"), Some(u64::from(PERIOD)));
	// The client receipts the cost like bytes received, and the peer keeps the receipt.
	let (status, body) = post_receipt(&peer, 1, cost).await;
	assert_eq!(status, 200, "{body}");
	// A file digest of a file the peer stores: the bytes of exactly the range.
	let bytes: Vec<u8> = (0..3_000_000u32).map(|i| (i % 253) as u8).collect();
	let path = peer.dir.path().join("digested.bin");
	std::fs::write(&path, &bytes).unwrap();
	let info = peer.plane.store().add_path(&path, "t/digested.bin").unwrap();
	let digest = Task::FileDigest { hash_index: info.hash_index.0, offset: 5, length: 2_000_000 };
	let (status, head, body) = post_task(peer.addr, Some(1), &digest.encode()).await;
	assert_eq!(status, 200, "{head}");
	assert_eq!(
		Answer::decode(&mut &body[..]).unwrap(),
		Answer::Digest(*blake3::hash(&bytes[5..2_000_005]).as_bytes())
	);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tasks_out_of_bounds_malformed_or_beyond_the_credit_window_are_refused_and_cost_nothing() {
	let peer = peer(|_| {}).await;
	open_session(&peer, 1).await;
	let window = Config::new(server(), genesis()).credit_window;
	// Costs more than the window: refused before it runs.
	let big = Task::Sort(vec![3; 1 << 20]);
	assert!(big.cost() > window);
	let (status, head, body) = post_task(peer.addr, Some(1), &big.encode()).await;
	assert_eq!(status, 413, "{head}");
	assert!(String::from_utf8_lossy(&body).contains("more than this peer's credit window"));
	assert_eq!(peer.plane.metrics().refusals_for("payload_too_large"), 1);
	// Malformed, out of its kernel's bounds, trailing bytes, above the body limit.
	let mut trailing = Task::Sort(vec![1]).encode();
	trailing.push(0);
	let bad_matrix = Task::MatrixPower { seed: [0; 32], size: 0, rounds: 1 }.encode();
	for body in [vec![0xff, 0, 1], bad_matrix, trailing] {
		let (status, head, _) = post_task(peer.addr, Some(1), &body).await;
		assert_eq!(status, 400, "{head}");
	}
	// A file the peer does not store; bytes beyond a stored file's end.
	let unknown = Task::FileDigest { hash_index: [7; 32], offset: 0, length: 10 };
	assert_eq!(post_task(peer.addr, Some(1), &unknown.encode()).await.0, 404);
	let path = peer.dir.path().join("small.bin");
	std::fs::write(&path, vec![1u8; 1000]).unwrap();
	let info = peer.plane.store().add_path(&path, "t/small.bin").unwrap();
	let beyond = Task::FileDigest { hash_index: info.hash_index.0, offset: 900, length: 101 };
	assert_eq!(post_task(peer.addr, Some(1), &beyond.encode()).await.0, 416);
	// None of them was counted: a receipt for a single byte is above what was served plus
	// the window.
	let (status, body) = post_receipt(&peer, 1, window + 1).await;
	assert_eq!(status, 400, "{body}");
	// A DApp's tasks count among its uploads under way: beyond them, refused.
	let mut held = Vec::new();
	for _ in 0..2 {
		let mut stream = connect_from(peer.addr, "127.0.0.2").await;
		let head = format!(
			"POST /v1/tasks HTTP/1.1\r\nhost: peer\r\n{SESSION_HEADER}: {}\r\ncontent-length: 100\r\n\r\n",
			hex::encode([1u8; 16])
		);
		stream.write_all(head.as_bytes()).await.unwrap();
		held.push(stream);
	}
	tokio::time::sleep(Duration::from_millis(100)).await;
	let (status, head, _) = post_task(peer.addr, Some(1), &Task::Sort(vec![1]).encode()).await;
	assert_eq!(status, 429, "{head}");
	// Closed, or at the latest past their body's deadline (the header timeout and 100 bytes at
	// the minimum rate), they free their places.
	drop(held);
	tokio::time::sleep(Duration::from_millis(1_500)).await;
	// The client counts another cost (another version): refused before it runs.
	let sort = Task::Sort(vec![2, 1]);
	let other = format!("x-spacebook-task-cost: {}\r\n", sort.cost() + 1);
	let (status, head, body) = post_task_with(peer.addr, Some(1), &other, &sort.encode()).await;
	assert_eq!(status, 409, "{head}");
	assert!(String::from_utf8_lossy(&body).contains("versions differ"));
	let same = format!("x-spacebook-task-cost: {}\r\n", sort.cost());
	assert_eq!(post_task_with(peer.addr, Some(1), &same, &sort.encode()).await.0, 200);
	let (status, body) = post_receipt(&peer, 1, sort.cost()).await;
	assert_eq!(status, 200, "{body}");
	// No session, an unknown session: refused.
	let small = Task::Sort(vec![1]).encode();
	assert_eq!(post_task(peer.addr, None, &small).await.0, 401);
	assert_eq!(post_task(peer.addr, Some(9), &small).await.0, 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_task_beyond_what_is_left_of_the_window_waits_for_a_receipt() {
	let peer = peer(|c| c.stall_timeout = Duration::from_secs(20)).await;
	open_session(&peer, 1).await;
	let window = Config::new(server(), genesis()).credit_window;
	// Two sorts, each more than half the window.
	let n = (window as usize * 6 / 10) / 21;
	let task = Task::Sort((0..n as u64).rev().collect());
	assert!(task.cost() > window / 2 && task.cost() <= window);
	let (status, head, _) = post_task(peer.addr, Some(1), &task.encode()).await;
	assert_eq!(status, 200, "{head}");
	let first = header(&head, "x-spacebook-task-cost").unwrap();
	let second = {
		let (addr, body) = (peer.addr, task.encode());
		tokio::spawn(async move { post_task(addr, Some(1), &body).await })
	};
	tokio::time::sleep(Duration::from_millis(500)).await;
	assert!(!second.is_finished(), "the second task waits for room in the window");
	let (status, body) = post_receipt(&peer, 1, first).await;
	assert_eq!(status, 200, "{body}");
	let (status, head, _) = second.await.unwrap();
	assert_eq!(status, 200, "{head}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dapp_that_cannot_pay_runs_no_task() {
	let peer = peer(|c| c.funds_recheck = Duration::from_millis(1)).await;
	open_session(&peer, 1).await;
	peer.chain
		.funds
		.lock()
		.insert(dapp(), DAppFunds { lease: LeaseStanding::Good, available_bytes: 0 });
	tokio::time::sleep(Duration::from_millis(10)).await;
	let (status, head, body) =
		post_task(peer.addr, Some(1), &Task::Sort(vec![2, 1]).encode()).await;
	assert_eq!(status, 402, "{head}");
	assert!(String::from_utf8_lossy(&body).contains("must fund"), "{body:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tasks_beyond_the_peers_slots_are_turned_away_after_the_stall_timeout() {
	let peer = peer(|c| {
		c.max_parallel_tasks = 1;
		c.stall_timeout = Duration::from_millis(300);
		c.credit_window = 64 << 20;
	})
	.await;
	open_session(&peer, 1).await;
	open_session(&peer, 2).await;
	// The largest matrix task takes seconds in a debug build: it holds the only slot.
	let long = Task::MatrixPower { seed: [1; 32], size: 256, rounds: 8 };
	let holder = {
		let (addr, body) = (peer.addr, long.encode());
		tokio::spawn(async move { post_task(addr, Some(1), &body).await })
	};
	eventually("the long task runs", || peer.plane.tasks_running() == 1).await;
	let (status, head, body) = post_task(peer.addr, Some(2), &Task::Sort(vec![1]).encode()).await;
	assert_eq!(status, 503, "{head}");
	assert!(String::from_utf8_lossy(&body).contains("as many tasks as it takes"));
	let (status, head, _) = holder.await.unwrap();
	assert_eq!(status, 200, "{head}");
	assert_eq!(peer.plane.tasks_running(), 0, "its slot is free again");
	// Nothing was counted for the task turned away: session 2 may receipt only the window.
	let (status, body) = post_receipt(&peer, 2, (64 << 20) + 1).await;
	assert_eq!(status, 400, "{body}");
}

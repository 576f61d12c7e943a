//! Attacks on a serving peer's sockets and disk (finding 3 of the security review,
//! docs/security.md), against a real server on loopback with short limits.
//!
//! Each test was checked against the server before the limits existed (hyper without a timer,
//! no admission, no floor): the slowloris and idle sockets stayed open, the connections and
//! tunnels over the limits were served, and the upload below the floor was stored.

mod common;

use common::*;

/// **Attack: slowloris.** Headers trickled a byte at a time held a connection (and its task)
/// for ever, since hyper drops its header timeout without a timer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slowloris_connections_are_closed_at_the_header_timeout() {
	let peer = peer(|_| {}).await;
	let mut slow = connect_from(peer.addr, "127.0.0.1").await;
	slow.write_all(b"GET /v1/status HTTP/1.1\r\n").await.unwrap();
	let started = Instant::now();
	let trickle = async {
		for _ in 0..50 {
			tokio::time::sleep(Duration::from_millis(50)).await;
			if slow.write_all(b"x-slow: 1\r\n").await.is_err() {
				break;
			}
		}
	};
	trickle.await;
	let closed = read_until_closed(&mut slow, Duration::from_secs(3)).await;
	assert!(closed.is_some(), "the slow connection is still open");
	assert!(started.elapsed() < Duration::from_secs(5));
	eventually("the slow connection is still counted", || {
		peer.plane.admission().connections() == 0
	})
	.await;
	// An honest request is served as before.
	let (status, body) = request(peer.addr, "127.0.0.1", "GET /v1/status HTTP/1.1", b"").await;
	assert_eq!(status, 200, "{body}");
}

/// **Attack: idle sockets.** Connections that send nothing after their request (or nothing
/// at all) were kept for ever.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_connections_are_closed_and_their_places_freed() {
	let peer = peer(|config| {
		// The idle timeout alone, not the header timeout, closes them.
		config.limits.header_timeout = Duration::from_secs(60);
		config.limits.idle_timeout = Duration::from_millis(300);
	})
	.await;
	let mut idle = Vec::new();
	for _ in 0..4 {
		idle.push(connect_from(peer.addr, "127.0.0.1").await);
	}
	// A keep-alive connection idle after its answer.
	let mut kept = connect_from(peer.addr, "127.0.0.2").await;
	kept.write_all(b"GET /v1/status HTTP/1.1\r\nhost: peer\r\n\r\n").await.unwrap();
	eventually("the connections are not counted", || peer.plane.admission().connections() == 5)
		.await;
	for stream in idle.iter_mut().chain(std::iter::once(&mut kept)) {
		assert!(read_until_closed(stream, Duration::from_secs(3)).await.is_some());
	}
	eventually("idle connections are still counted", || peer.plane.admission().connections() == 0)
		.await;
}

/// **Attack: connection floods.** Every socket was served, from one address or many.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_over_the_limits_are_refused_and_the_peer_keeps_serving() {
	let peer = peer(|_| {}).await;
	let mut held = Vec::new();
	for _ in 0..4 {
		held.push(connect_from(peer.addr, "127.0.0.3").await);
	}
	eventually("the held connections are not counted", || {
		peer.plane.admission().connections() == 4
	})
	.await;
	let (status, body) = request(peer.addr, "127.0.0.3", "GET /v1/status HTTP/1.1", b"").await;
	assert_eq!(status, 503);
	assert!(body.contains("too many connections from your address"), "{body}");
	// Another address is served.
	let (status, _) = request(peer.addr, "127.0.0.1", "GET /v1/status HTTP/1.1", b"").await;
	assert_eq!(status, 200);
	for _ in 0..4 {
		held.push(connect_from(peer.addr, "127.0.0.4").await);
	}
	eventually("the held connections are not counted", || {
		peer.plane.admission().connections() == 8
	})
	.await;
	let (status, body) = request(peer.addr, "127.0.0.1", "GET /v1/status HTTP/1.1", b"").await;
	assert_eq!(status, 503);
	assert!(body.contains("serves no more connections"), "{body}");
	// The refused connections took no place; closing the held ones frees theirs.
	assert_eq!(peer.plane.admission().connections(), 8);
	held.clear();
	eventually("closed connections are still counted", || {
		peer.plane.admission().connections() == 0
	})
	.await;
	let (status, _) = request(peer.addr, "127.0.0.3", "GET /v1/status HTTP/1.1", b"").await;
	assert_eq!(status, 200);
	// Each refusal is counted under the limit that made it.
	let metrics = peer.plane.metrics();
	assert_eq!(metrics.refusals_for("connections_of_address"), 1);
	assert_eq!(metrics.refusals_for("connections"), 1);
	assert_eq!(metrics.refusals_for("tunnels"), 0);
}

/// A TCP server that echoes what it reads.
async fn echo() -> SocketAddr {
	let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
	let addr = listener.local_addr().unwrap();
	tokio::spawn(async move {
		while let Ok((mut stream, _)) = listener.accept().await {
			tokio::spawn(async move {
				let (mut read, mut write) = stream.split();
				let _ = tokio::io::copy(&mut read, &mut write).await;
			});
		}
	});
	addr
}

/// Open a tunnel to `target` in `session`; the status and, when it is 200, the open stream.
async fn tunnel(
	peer: &Peer,
	from: &str,
	session: u8,
	target: SocketAddr,
) -> (u16, String, TcpStream) {
	let mut stream = connect_from(peer.addr, from).await;
	let head = format!(
		"CONNECT {target} HTTP/1.1\r\nhost: {target}\r\n{SESSION_HEADER}: {}\r\n\r\n",
		hex::encode([session; 16])
	);
	stream.write_all(head.as_bytes()).await.unwrap();
	let mut answer = Vec::new();
	let mut byte = [0u8; 1];
	while !answer.ends_with(b"\r\n\r\n") {
		assert_eq!(stream.read(&mut byte).await.unwrap(), 1, "closed mid-answer");
		answer.push(byte[0]);
	}
	let (status, _) = parse(&answer);
	let mut body = String::new();
	if status != 200 {
		let mut rest = Vec::new();
		let _ = tokio::time::timeout(Duration::from_secs(2), stream.read_to_end(&mut rest)).await;
		body = String::from_utf8_lossy(&rest).to_string();
	}
	(status, body, stream)
}

/// **Attack: tunnel floods.** One client key could open as many relayed connections as it
/// liked, and keep them open without a byte moving.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tunnels_are_capped_per_key_and_closed_when_idle() {
	let peer = peer(|config| {
		config.relay = Some(RelayPolicy { allow_private: true, ..Default::default() });
		config.limits.tunnel_idle_timeout = Duration::from_millis(400);
	})
	.await;
	let target = echo().await;
	open_session(&peer, 1).await;
	open_session(&peer, 2).await;
	let (status, body, mut first) = tunnel(&peer, "127.0.0.1", 1, target).await;
	assert_eq!(status, 200, "{body}");
	let (status, body, _second) = tunnel(&peer, "127.0.0.2", 2, target).await;
	assert_eq!(status, 200, "{body}");
	// A third tunnel of the same key, whatever the session or the address, is refused.
	let (status, body, _) = tunnel(&peer, "127.0.0.3", 1, target).await;
	assert_eq!(status, 429);
	assert!(body.contains("too many tunnels of your client key"), "{body}");
	assert_eq!(peer.plane.admission().tunnels(), 2);
	// A tunnel in use stays open past the idle timeout.
	for _ in 0..4 {
		first.write_all(b"ping").await.unwrap();
		let mut pong = [0u8; 4];
		first.read_exact(&mut pong).await.unwrap();
		assert_eq!(&pong, b"ping");
		tokio::time::sleep(Duration::from_millis(150)).await;
	}
	// The gauges and counters tell what happened: 16 bytes each way relayed, one tunnel refused.
	let metrics = peer.plane.metrics();
	eventually("the relayed bytes are not counted", || metrics.bytes_relayed.get() == 32).await;
	assert_eq!(metrics.refusals_for("tunnels_of_key"), 1);
	assert_eq!(metrics.sessions_opened.get(), 2);
	// The second tunnel, idle past the timeout while the first pinged, is closed already.
	eventually("the idle second tunnel is still open", || {
		peer.plane.update_gauges();
		metrics.tunnels.get() == 1
	})
	.await;
	assert_eq!(metrics.sessions.get(), 2);
	// Idle tunnels are closed, and their places freed.
	assert!(read_until_closed(&mut first, Duration::from_secs(3)).await.is_some());
	eventually("idle tunnels are still counted", || peer.plane.admission().tunnels() == 0).await;
	let (status, body, _) = tunnel(&peer, "127.0.0.3", 1, target).await;
	assert_eq!(status, 200, "{body}");
}

/// **Attack: filling the disk.** Uploads were taken until the disk was full, on the
/// filesystem of the receipt journal and the chain's database.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn below_the_free_space_floor_uploads_are_refused_and_receipts_still_kept() {
	let peer = peer(|config| config.min_free_space = u64::MAX / 2).await;
	// A file the peer already holds, to serve.
	let source = peer.dir.path().join("source.bin");
	std::fs::write(&source, vec![7u8; 1000]).unwrap();
	let info = peer.plane.store().add_path(&source, "kept").unwrap();
	open_session(&peer, 1).await;
	let session = format!("{SESSION_HEADER}: {}", hex::encode([1u8; 16]));

	let upload = format!("POST /v1/files?address=more HTTP/1.1\r\n{session}");
	let (status, body) = request(peer.addr, "127.0.0.1", &upload, &[1u8; 4096]).await;
	assert_eq!(status, 507, "{body}");
	assert!(body.contains("keeps"), "{body}");
	assert_eq!(peer.plane.store().file_count(), 1);
	assert_eq!(std::fs::read_dir(peer.dir.path().join("store/tmp")).unwrap().count(), 0);

	// Serving and its receipts go on.
	let get = format!("GET /v1/files/{}/data HTTP/1.1\r\n{session}", info.hash_index);
	let (status, body) = request(peer.addr, "127.0.0.1", &get, b"").await;
	assert_eq!((status, body.len()), (200, 1000));
	assert_eq!(peer.plane.metrics().served_to_client.get(), 1000, "the bytes served are counted");
	let (status, body) =
		request(peer.addr, "127.0.0.1", "POST /v1/receipts HTTP/1.1", &receipt(1, 1000)).await;
	assert_eq!(status, 200, "{body}");
	assert!(body.contains("\"new\":true"), "{body}");
}

/// **Attack: uploads into another DApp's files, or without bound.** Any session could add a
/// version under any address (clients take the newest), and upload until the disk was full.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dapp_uploads_only_under_its_own_addresses_and_within_its_quota() {
	let peer = peer(|_| {}).await;
	peer.chain.quota.store(3000, Ordering::Relaxed);
	open_session(&peer, 1).await;
	let (status, body) = post_opening(&peer, &opening_of(2, other_dapp(), &other_key())).await;
	assert_eq!(status, 200, "{body}");
	let upload = |session: u8, address: &str| {
		format!(
			"POST /v1/files?address={address} HTTP/1.1\r\n{SESSION_HEADER}: {}",
			hex::encode([session; 16])
		)
	};
	let (status, body) = request(peer.addr, "127.0.0.1", &upload(1, "app/index"), &[1; 2000]).await;
	assert_eq!(status, 201, "{body}");
	// Another DApp cannot add a version under it.
	let (status, body) = request(peer.addr, "127.0.0.1", &upload(2, "app/index"), &[2; 100]).await;
	assert_eq!(status, 403);
	assert!(body.contains("belongs to another DApp"), "{body}");
	assert_eq!(peer.plane.store().hash_indices("app/index").len(), 1);
	// Past the quota: refused, nothing stored, the DApp's use unchanged.
	let (status, body) = request(peer.addr, "127.0.0.1", &upload(1, "app/big"), &[3; 2000]).await;
	assert_eq!(status, 403);
	assert!(body.contains("storage quota"), "{body}");
	assert_eq!(peer.plane.store().file_count(), 1);
	assert_eq!(peer.plane.store().used_by(&dapp()), 2000);
	// The other DApp has its own quota; a quota the chain lowers stops further uploads.
	let (status, body) = request(peer.addr, "127.0.0.1", &upload(2, "other/a"), &[4; 2500]).await;
	assert_eq!(status, 201, "{body}");
	peer.chain.quota.store(1000, Ordering::Relaxed);
	let (status, _) = request(peer.addr, "127.0.0.1", &upload(1, "app/small"), &[5; 10]).await;
	assert_eq!(status, 403);
	assert_eq!(peer.plane.store().file_count(), 2);
}

/// **Attack: receipts for bytes never served.** A client key could have a peer keep a receipt
/// of any size for a session it never downloaded on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receipt_for_bytes_never_served_is_refused() {
	let peer = peer(|_| {}).await;
	open_session(&peer, 1).await;
	let window = Config::new(server(), genesis()).credit_window;
	let (status, body) =
		request(peer.addr, "127.0.0.1", "POST /v1/receipts HTTP/1.1", &receipt(1, window + 1))
			.await;
	assert_eq!(status, 400);
	assert!(body.contains("were served to the session"), "{body}");
	assert_eq!(peer.plane.metrics().receipts_kept.get(), 0);
	// Within the window (bytes in flight when a forgotten session resumes) it is taken.
	let (status, body) =
		request(peer.addr, "127.0.0.1", "POST /v1/receipts HTTP/1.1", &receipt(1, window)).await;
	assert_eq!(status, 200, "{body}");
	assert_eq!(peer.plane.metrics().refusals_for("above_served"), 1);
	assert_eq!(peer.plane.metrics().receipts_kept.get(), 1);
}

/// **Attack: a trickled upload.** A body sent a byte just within the idle timeout held its
/// connection (and an upload permit of its DApp) for ever.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_slower_than_the_minimum_rate_is_cut_off() {
	let peer = peer(|config| config.limits.min_upload_rate = 1000).await;
	open_session(&peer, 1).await;
	let mut stream = connect_from(peer.addr, "127.0.0.1").await;
	let head = format!(
		"POST /v1/files?address=slow HTTP/1.1\r\nhost: peer\r\n{SESSION_HEADER}: {}\r\n\
		 content-length: 100000\r\n\r\n",
		hex::encode([1u8; 16])
	);
	stream.write_all(head.as_bytes()).await.unwrap();
	let started = Instant::now();
	// 100 bytes a tick, far below 1 000 bytes a second once the 300 ms grace is over.
	let mut answer = Vec::new();
	let mut buf = [0u8; 1024];
	loop {
		stream.write_all(&[7u8; 20]).await.unwrap();
		match tokio::time::timeout(Duration::from_millis(100), stream.read(&mut buf)).await {
			Ok(Ok(0)) | Ok(Err(_)) => break,
			Ok(Ok(n)) => answer.extend_from_slice(&buf[..n]),
			Err(_) => {}
		}
		if answer.ends_with(b"}") {
			break;
		}
		assert!(started.elapsed() < Duration::from_secs(5), "still uploading");
	}
	let (status, body) = parse(&answer);
	assert_eq!(status, 408, "{body}");
	assert!(body.contains("slower than 1000 bytes/s"), "{body}");
	assert_eq!(peer.plane.store().file_count(), 0);
}

/// **Attack: be served without paying** (issue 15). A DApp with no lease, a lapsed lease, or a
/// traffic escrow nearly spent would have peers serve traffic nobody pays for: its sessions are
/// refused with a message naming what is missing, and served again once it pays. A forged
/// opening is refused as before, without asking the chain for the DApp's funds.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dapp_that_cannot_pay_is_refused_new_sessions_until_it_pays() {
	let peer = peer(|c| c.escrow_margin = 1 << 20).await;
	let set = |lease, available_bytes| {
		peer.chain.funds.lock().insert(dapp(), DAppFunds { lease, available_bytes });
	};

	set(LeaseStanding::NoLease, u128::MAX);
	let (status, body) = post_opening(&peer, &opening(1)).await;
	assert_eq!(status, 402, "{body}");
	assert!(body.contains("leases no instances"), "{body}");

	set(LeaseStanding::Lapsed, u128::MAX);
	let (status, body) = post_opening(&peer, &opening(1)).await;
	assert_eq!(status, 402, "{body}");
	assert!(body.contains("must top up its lease"), "{body}");

	set(LeaseStanding::Good, (1 << 20) - 1);
	let (status, body) = post_opening(&peer, &opening(1)).await;
	assert_eq!(status, 402, "{body}");
	assert!(body.contains("traffic escrow pays for 1048575 more bytes"), "{body}");

	// Funded again: served.
	set(LeaseStanding::Good, 1 << 20);
	let (status, body) = post_opening(&peer, &opening(1)).await;
	assert_eq!(status, 200, "{body}");

	// A forged opening (this DApp's name, another DApp's key) is refused as before, without
	// asking the chain for funds.
	let asked = peer.chain.funds_asked.load(Ordering::Relaxed);
	let (status, body) = post_opening(&peer, &opening_of(3, dapp(), &other_key())).await;
	assert_eq!(status, 403, "{body}");
	assert_eq!(peer.chain.funds_asked.load(Ordering::Relaxed), asked);

	// Another DApp's client cannot get this DApp refused or served: the funds asked are those
	// of the DApp that authorized the key.
	set(LeaseStanding::NoLease, 0);
	let (status, body) = post_opening(&peer, &opening_of(2, other_dapp(), &other_key())).await;
	assert_eq!(status, 200, "{body}");
}

/// **Attack: keep a session open and stream on after the DApp stopped paying** (the attacker
/// review of issue 15). The peer asks for the DApp's funds again while it serves (at most every
/// `funds_recheck`): an open session of a DApp that can no longer pay gets no more bytes.
/// Checked failing without the defence: the second download was served (200).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_open_session_of_a_dapp_that_stopped_paying_is_served_no_more() {
	let peer = peer(|c| c.funds_recheck = Duration::ZERO).await;
	let source = peer.dir.path().join("source.bin");
	std::fs::write(&source, vec![7u8; 1000]).unwrap();
	let info = peer.plane.store().add_path(&source, "kept").unwrap();
	// As for a file the chain asks the peer to store: its bytes are tallied.
	peer.plane.count_served_of([info.hash_index]);
	open_session(&peer, 1).await;
	let session = format!("{SESSION_HEADER}: {}", hex::encode([1u8; 16]));
	let get = format!("GET /v1/files/{}/data HTTP/1.1\r\n{session}", info.hash_index);
	let (status, body) = request(peer.addr, "127.0.0.1", &get, b"").await;
	assert_eq!((status, body.len()), (200, 1000));
	let (status, _) =
		request(peer.addr, "127.0.0.1", "POST /v1/receipts HTTP/1.1", &receipt(1, 1000)).await;
	assert_eq!(status, 200);
	// The bytes sent count for the DApp's demand of the file.
	let served = spacebook_dataplane::demand::Served {
		period: PERIOD,
		hash: info.hash_index,
		dapp: dapp(),
		bytes: 1000,
	};
	assert_eq!(peer.plane.take_served(), vec![served.clone()]);

	// The escrow ran low: the open session is served no more.
	peer.chain
		.funds
		.lock()
		.insert(dapp(), DAppFunds { lease: LeaseStanding::Good, available_bytes: 10 });
	let (status, body) = request(peer.addr, "127.0.0.1", &get, b"").await;
	assert_eq!(status, 402, "{body}");
	assert!(body.contains("must fund it"), "{body}");
	assert!(peer.plane.take_served().is_empty(), "nothing sent, nothing counted");

	// Funded again: served again.
	peer.chain.funds.lock().remove(&dapp());
	let (status, body) = request(peer.addr, "127.0.0.1", &get, b"").await;
	assert_eq!((status, body.len()), (200, 1000));
	assert_eq!(peer.plane.take_served(), vec![served]);
}

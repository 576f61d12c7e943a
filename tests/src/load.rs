//! Attack load on a serving peer's data plane from the test process (issue 14, finding 3): idle
//! sockets, slowloris connections trickling header lines, and open `CONNECT` tunnels, each group
//! from its own loopback addresses (Linux routes all of 127/8 to `lo`), kept up until stopped —
//! a socket the peer closes (its header or idle timeout) is opened again.

use socket2::{Domain, Socket, Type};
use std::{
	io::{ErrorKind, Read, Write},
	net::{SocketAddr, TcpListener, TcpStream},
	sync::{
		atomic::{AtomicBool, AtomicU64, Ordering},
		Arc,
	},
	thread::JoinHandle,
	time::Duration,
};

/// How much load.
#[derive(Clone, Copy, Debug)]
pub struct LoadSpec {
	/// Sockets that send nothing.
	pub idle: usize,
	/// Sockets that send a request line, then a header line every tick.
	pub slowloris: usize,
	/// Tunnels opened in one session and left idle.
	pub tunnels: usize,
}

/// What the load did, counted as it ran.
#[derive(Default, Debug)]
pub struct LoadStats {
	/// Idle and slowloris sockets open now.
	pub open: AtomicU64,
	/// Sockets the peer closed (or refused) and the load opened again.
	pub reopened: AtomicU64,
	/// Tunnels open now.
	pub tunnels: AtomicU64,
}

/// A running load; [`Load::stop`] ends it and closes every socket.
pub struct Load {
	stop: Arc<AtomicBool>,
	threads: Vec<JoinHandle<()>>,
	/// What it did so far.
	pub stats: Arc<LoadStats>,
}

/// Sockets per source address: below the peer's per-address cap (256 by default).
const PER_ADDRESS: usize = 250;
/// How often the holders look at their sockets and the slowloris ones send a line.
const TICK: Duration = Duration::from_millis(500);

fn connect_from(peer: SocketAddr, source: [u8; 4]) -> std::io::Result<TcpStream> {
	let socket = Socket::new(Domain::IPV4, Type::STREAM, None)?;
	socket.bind(&SocketAddr::from((source, 0)).into())?;
	socket.connect_timeout(&peer.into(), Duration::from_secs(5))?;
	Ok(socket.into())
}

/// Whether the peer closed `stream` (or answered it, which it does only to refuse it).
fn closed(stream: &mut TcpStream) -> bool {
	let mut buf = [0u8; 512];
	match stream.read(&mut buf) {
		// Closed.
		Ok(0) => true,
		// Answered: the peer answers a held socket only to refuse it, then closes it.
		Ok(_answered) => true,
		Err(e) => e.kind() != ErrorKind::WouldBlock,
	}
}

/// Raise this process's open-file limit to its hard limit: the load holds thousands of sockets.
pub fn raise_fd_limit() {
	let limit = rustix::process::getrlimit(rustix::process::Resource::Nofile);
	let raised = rustix::process::Rlimit { current: limit.maximum, maximum: limit.maximum };
	let _ = rustix::process::setrlimit(rustix::process::Resource::Nofile, raised);
}

impl Load {
	/// Start `spec` against the data plane at `peer`. Tunnels go to `target` in a session opened
	/// with the SCALE-encoded `opening` receipt, whose session id is `session` (32 hex digits).
	pub fn start(
		peer: SocketAddr,
		spec: LoadSpec,
		target: SocketAddr,
		opening: Vec<u8>,
		session: String,
	) -> Load {
		raise_fd_limit();
		let stop = Arc::new(AtomicBool::new(false));
		let stats = Arc::new(LoadStats::default());
		let mut threads = Vec::new();
		for (count, first_address, slow) in [(spec.idle, 10u8, false), (spec.slowloris, 100, true)]
		{
			let (stop, stats) = (stop.clone(), stats.clone());
			threads.push(std::thread::spawn(move || {
				hold(peer, count, first_address, slow, &stop, &stats)
			}));
		}
		let (stop_t, stats_t) = (stop.clone(), stats.clone());
		threads.push(std::thread::spawn(move || {
			tunnels(peer, spec.tunnels, target, &opening, &session, &stop_t, &stats_t)
		}));
		Load { stop, threads, stats }
	}

	/// Wait until every socket and tunnel of `spec` is open, for at most `wait`; whether they are.
	pub fn wait_established(&self, spec: LoadSpec, wait: Duration) -> bool {
		let deadline = std::time::Instant::now() + wait;
		while std::time::Instant::now() < deadline {
			if self.stats.open.load(Ordering::Relaxed) >= (spec.idle + spec.slowloris) as u64
				&& self.stats.tunnels.load(Ordering::Relaxed) >= spec.tunnels as u64
			{
				return true;
			}
			std::thread::sleep(Duration::from_millis(100));
		}
		false
	}

	/// End the load and close its sockets.
	pub fn stop(self) -> Arc<LoadStats> {
		self.stop.store(true, Ordering::Relaxed);
		for thread in self.threads {
			let _ = thread.join();
		}
		self.stats
	}
}

/// Hold `count` sockets to `peer` from `127.0.0.<first_address>` on, opening again those the
/// peer closes; slowloris ones send a request line and then a header line every tick.
fn hold(
	peer: SocketAddr,
	count: usize,
	first_address: u8,
	slow: bool,
	stop: &AtomicBool,
	stats: &LoadStats,
) {
	let open = |i: usize| -> Option<TcpStream> {
		let source = [127, 0, 0, first_address + (i / PER_ADDRESS) as u8];
		let mut stream = connect_from(peer, source).ok()?;
		if slow {
			stream.write_all(b"GET /v1/status HTTP/1.1\r\nhost: peer\r\n").ok()?;
		}
		stream.set_nonblocking(true).ok()?;
		Some(stream)
	};
	let mut sockets: Vec<Option<TcpStream>> = (0..count).map(|_| None).collect();
	while !stop.load(Ordering::Relaxed) {
		let mut alive = 0;
		for (i, socket) in sockets.iter_mut().enumerate() {
			let gone = match socket {
				Some(stream) => {
					(slow && stream.write_all(b"x-slow: 1\r\n").is_err()) || closed(stream)
				}
				None => true,
			};
			if gone {
				if socket.is_some() {
					stats.reopened.fetch_add(1, Ordering::Relaxed);
				}
				*socket = open(i);
			}
			alive += socket.is_some() as u64;
		}
		// Both holders add to one count, each its part while it sleeps.
		stats.open.fetch_add(alive, Ordering::Relaxed);
		std::thread::sleep(TICK);
		stats.open.fetch_sub(alive, Ordering::Relaxed);
	}
}

/// Open `count` tunnels to `target` in one session and hold them until `stop`.
fn tunnels(
	peer: SocketAddr,
	count: usize,
	target: SocketAddr,
	opening: &[u8],
	session: &str,
	stop: &AtomicBool,
	stats: &LoadStats,
) {
	let listener = TcpListener::bind(target).expect("the tunnels' target listens");
	listener.set_nonblocking(true).expect("non-blocking listener");
	let mut accepted = Vec::new();
	let mut held = Vec::new();
	let source = [127, 0, 0, 200];
	let opened = connect_from(peer, source).and_then(|mut stream| {
		let head = format!(
			"POST /v1/sessions HTTP/1.1\r\nhost: peer\r\nconnection: close\r\ncontent-length: {}\r\n\r\n",
			opening.len()
		);
		stream.write_all(head.as_bytes())?;
		stream.write_all(opening)?;
		let mut answer = String::new();
		stream.read_to_string(&mut answer)?;
		Ok(answer)
	});
	let session_opened = opened.as_deref().is_ok_and(|a| a.starts_with("HTTP/1.1 200"));
	assert!(session_opened, "the load's session opens: {opened:?}");
	while !stop.load(Ordering::Relaxed) {
		while let Ok((stream, _)) = listener.accept() {
			accepted.push(stream);
		}
		if held.len() < count {
			let tunnel = connect_from(peer, source).and_then(|mut stream| {
				let head = format!(
					"CONNECT {target} HTTP/1.1\r\nhost: {target}\r\nx-spacebook-session: {session}\r\n\r\n"
				);
				stream.write_all(head.as_bytes())?;
				stream.set_read_timeout(Some(Duration::from_secs(10)))?;
				let mut answer = Vec::new();
				let mut byte = [0u8; 1];
				while !answer.ends_with(b"\r\n\r\n") {
					if stream.read(&mut byte)? == 0 {
						return Err(ErrorKind::UnexpectedEof.into());
					}
					answer.push(byte[0]);
				}
				if answer.starts_with(b"HTTP/1.1 200") {
					Ok(stream)
				} else {
					Err(std::io::Error::other(String::from_utf8_lossy(&answer).to_string()))
				}
			});
			match tunnel {
				Ok(stream) => {
					held.push(stream);
					stats.tunnels.store(held.len() as u64, Ordering::Relaxed);
				}
				Err(_) => std::thread::sleep(TICK),
			}
		} else {
			std::thread::sleep(Duration::from_millis(50));
		}
	}
	stats.tunnels.store(0, Ordering::Relaxed);
}

//! The VPN data channel (the whitepaper's `createDataChannel` / `destroyDataChannel`): a local
//! SOCKS5 listener whose connections are tunnelled through a professional peer's relay, with
//! receipts for every byte carried, both ways.
//!
//! SOCKS5 (RFC 1928) without authentication and with the `CONNECT` command: the listener is
//! meant for the local machine (bind it to loopback); IPv4, IPv6 and domain-name targets are
//! passed to the peer, which resolves them.

use crate::{http::Endpoint, session::PeerSession, Error};
use hyper_util::rt::TokioIo;
use std::{
	net::{Ipv4Addr, Ipv6Addr, SocketAddr},
	sync::Arc,
	time::Duration,
};
use tokio::{
	io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt},
	net::{TcpListener, TcpStream},
	task::JoinHandle,
};

/// A running data channel.
pub struct DataChannel {
	local_addr: SocketAddr,
	peer: Endpoint,
	session: Arc<PeerSession>,
	task: JoinHandle<()>,
}

impl DataChannel {
	pub(crate) async fn start(
		listen: SocketAddr,
		peer: Endpoint,
		session: Arc<PeerSession>,
	) -> Result<Self, Error> {
		let listener = TcpListener::bind(listen).await?;
		let local_addr = listener.local_addr()?;
		let task = {
			let (peer, session) = (peer.clone(), session.clone());
			tokio::spawn(async move {
				// The tunnels belong to this task: when it is aborted (`destroy`), dropping the
				// set ends them all.
				let mut tunnels = tokio::task::JoinSet::new();
				loop {
					while tunnels.try_join_next().is_some() {}
					let Ok((socket, _)) = listener.accept().await else {
						tokio::time::sleep(Duration::from_millis(100)).await;
						continue;
					};
					let _ = socket.set_nodelay(true);
					let (peer, session) = (peer.clone(), session.clone());
					tunnels.spawn(async move {
						if let Err(e) = serve_socks(socket, &peer, &session).await {
							log::debug!(target: "sdk", "SOCKS connection ended: {e}");
						}
					});
				}
			})
		};
		Ok(DataChannel { local_addr, peer, session, task })
	}

	/// The SOCKS5 listener's address.
	pub fn local_addr(&self) -> SocketAddr {
		self.local_addr
	}

	/// The peer whose relay carries the traffic.
	pub fn peer(&self) -> &Endpoint {
		&self.peer
	}

	/// Bytes carried in the current period so far, as receipted.
	pub fn counted(&self) -> (u32, u64) {
		self.session.counted()
	}

	/// Close the listener and the open tunnels, then send the last receipts: every byte the
	/// tunnels carried is receipted.
	pub async fn destroy(self) {
		self.task.abort();
		// Wait until the task is gone, so its tunnels are, and count no more bytes.
		let _ = self.task.await;
		self.session.finish(Duration::from_secs(10)).await;
	}
}

/// SOCKS5 reply codes.
const SUCCEEDED: u8 = 0;
const GENERAL_FAILURE: u8 = 1;
const NOT_ALLOWED: u8 = 2;
const HOST_UNREACHABLE: u8 = 4;
const REFUSED: u8 = 5;
const COMMAND_NOT_SUPPORTED: u8 = 7;
const ADDRESS_NOT_SUPPORTED: u8 = 8;

async fn reply(socket: &mut TcpStream, code: u8) -> std::io::Result<()> {
	socket.write_all(&[5, code, 0, 1, 0, 0, 0, 0, 0, 0]).await
}

/// Read a SOCKS5 greeting and `CONNECT` request; the target as `host:port`.
async fn handshake(socket: &mut TcpStream) -> Result<String, Error> {
	let mut head = [0u8; 2];
	socket.read_exact(&mut head).await?;
	if head[0] != 5 {
		return Err(Error::Protocol("not a SOCKS5 client".into()));
	}
	let mut methods = vec![0u8; head[1] as usize];
	socket.read_exact(&mut methods).await?;
	if !methods.contains(&0) {
		socket.write_all(&[5, 0xff]).await?;
		return Err(Error::Protocol("the SOCKS5 client wants authentication".into()));
	}
	socket.write_all(&[5, 0]).await?;
	let mut request = [0u8; 4];
	socket.read_exact(&mut request).await?;
	if request[1] != 1 {
		reply(socket, COMMAND_NOT_SUPPORTED).await?;
		return Err(Error::Protocol(format!("SOCKS5 command {} is not supported", request[1])));
	}
	let host = match request[3] {
		1 => {
			let mut ip = [0u8; 4];
			socket.read_exact(&mut ip).await?;
			Ipv4Addr::from(ip).to_string()
		}
		3 => {
			let len = socket.read_u8().await?;
			let mut name = vec![0u8; len as usize];
			socket.read_exact(&mut name).await?;
			String::from_utf8(name).map_err(|_| Error::Protocol("a non-UTF-8 host name".into()))?
		}
		4 => {
			let mut ip = [0u8; 16];
			socket.read_exact(&mut ip).await?;
			format!("[{}]", Ipv6Addr::from(ip))
		}
		other => {
			reply(socket, ADDRESS_NOT_SUPPORTED).await?;
			return Err(Error::Protocol(format!("SOCKS5 address type {other}")));
		}
	};
	let port = socket.read_u16().await?;
	Ok(format!("{host}:{port}"))
}

async fn serve_socks(
	mut socket: TcpStream,
	peer: &Endpoint,
	session: &PeerSession,
) -> Result<(), Error> {
	let target = handshake(&mut socket).await?;
	let tunnel = match crate::relay::open_tunnel(peer, session, &target).await {
		Ok(tunnel) => tunnel,
		Err(e) => {
			let code = match &e {
				Error::Peer { status: 401..=403, .. } => NOT_ALLOWED,
				Error::Peer { status: 502, .. } => REFUSED,
				Error::Peer { status: 504, .. } => HOST_UNREACHABLE,
				_ => GENERAL_FAILURE,
			};
			reply(&mut socket, code).await?;
			return Err(e);
		}
	};
	reply(&mut socket, SUCCEEDED).await?;
	let (mut local_read, mut local_write) = socket.into_split();
	let (mut tunnel_read, mut tunnel_write) = tokio::io::split(TokioIo::new(tunnel));
	let up = pump(&mut local_read, &mut tunnel_write, session);
	let down = pump(&mut tunnel_read, &mut local_write, session);
	// One side closing half-closes the tunnel and the other goes on; an error (the peer cut the
	// session off, a reset) ends both.
	spacebook_dataplane_protocol::relay::both_ways(up, down).await;
	Ok(())
}

/// Copy until end of file, counting every byte for the session's receipts.
async fn pump(
	from: &mut (impl AsyncRead + Unpin),
	to: &mut (impl AsyncWrite + Unpin),
	session: &PeerSession,
) -> std::io::Result<()> {
	let mut buf = vec![0u8; 64 << 10];
	loop {
		let n = from.read(&mut buf).await?;
		if n == 0 {
			return to.shutdown().await;
		}
		to.write_all(&buf[..n]).await?;
		session.count_latest(n as u64);
	}
}

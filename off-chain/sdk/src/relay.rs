//! Connections to serving peers through another peer's VPN relay (the whitepaper's data
//! channel, ch.3 §5, used by the client itself): every connection to an endpoint made
//! [`via`](crate::Endpoint::via) a [`Relay`] is a `CONNECT` tunnel of the relay, in a session
//! with it whose receipts pay for every byte the tunnel carries, both ways. The peer reached
//! sees the relay's address, not the client's: a scheduling peer's patrols go this way
//! (`docs/patrol.md`, "The address").

use crate::{
	http::{self, Connection, Endpoint},
	session::PeerSession,
	Error,
};
use hyper::{upgrade::Upgraded, Request, StatusCode};
use hyper_util::rt::TokioIo;
use spacebook_dataplane_protocol::protocol::{self, SESSION_HEADER};
use std::{
	pin::Pin,
	sync::Arc,
	task::{Context, Poll},
	time::Duration,
};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// A relaying peer and the client's session with it.
pub struct Relay {
	endpoint: Endpoint,
	session: Arc<PeerSession>,
}

impl Relay {
	pub(crate) fn new(endpoint: Endpoint, session: Arc<PeerSession>) -> Arc<Self> {
		Arc::new(Relay { endpoint: endpoint.direct(), session })
	}

	/// The relaying peer's endpoint.
	pub fn endpoint(&self) -> &Endpoint {
		&self.endpoint
	}

	/// The relaying peer's account.
	pub fn server(&self) -> &sp_core::crypto::AccountId32 {
		self.session.server()
	}

	/// Bytes carried in the current period so far, as receipted.
	pub fn counted(&self) -> (u32, u64) {
		self.session.counted()
	}

	/// Send the last receipts of the session (waits at most `timeout`); the tunnels still
	/// open count no more.
	pub async fn finish(&self, timeout: Duration) {
		self.session.finish(timeout).await;
	}

	/// A tunnel to `target` (`host:port`), its bytes counted for the session's receipts.
	pub(crate) async fn tunnel(&self, target: &str) -> Result<Counted<TokioIo<Upgraded>>, Error> {
		let tunnel = open_tunnel(&self.endpoint, &self.session, target).await.map_err(|e| {
			Error::Unreachable(format!("http://{target} via {}", self.endpoint), e.to_string())
		})?;
		Ok(Counted { inner: TokioIo::new(tunnel), session: self.session.clone() })
	}
}

/// Ask the relay at `relay` for a tunnel to `target` (`host:port`) in `session`: once more
/// after opening the session again if the peer forgot it (it restarted). A refusal is the
/// peer's error ([`Error::Peer`], with its status).
pub(crate) async fn open_tunnel(
	relay: &Endpoint,
	session: &PeerSession,
	target: &str,
) -> Result<Upgraded, Error> {
	let connect = || {
		Request::connect(target)
			.header(SESSION_HEADER, protocol::session_to_header(&session.id()))
			.body(http::empty())
			.map_err(|e| Error::Protocol(format!("target {target}: {e}")))
	};
	let mut connection = Connection::open(relay).await?;
	let mut response = connection.send(connect()?).await?;
	if response.status() == StatusCode::UNAUTHORIZED {
		log::info!(target: "sdk", "reopening the relay session with {relay}");
		if session.reopen().await.is_ok() {
			connection = Connection::open(relay).await?;
			response = connection.send(connect()?).await?;
		}
	}
	if response.status() != StatusCode::OK {
		let status = response.status();
		let body = http_body_util::BodyExt::collect(http_body_util::Limited::new(
			response.into_body(),
			64 << 10,
		))
		.await
		.map(|b| b.to_bytes())
		.unwrap_or_default();
		return Err(http::peer_error(relay, status, &body));
	}
	// The tunnel's bytes count in the period the peer named (it moves on while a tunnel idles).
	if let Some(period) = http::period_of(&response) {
		session.advance_to(period);
	}
	hyper::upgrade::on(response)
		.await
		.map_err(|e| Error::Unreachable(relay.to_string(), e.to_string()))
}

/// A tunnel's stream, every byte read or written counted in its relay session.
pub(crate) struct Counted<T> {
	inner: T,
	session: Arc<PeerSession>,
}

impl<T: AsyncRead + Unpin> AsyncRead for Counted<T> {
	fn poll_read(
		mut self: Pin<&mut Self>,
		cx: &mut Context<'_>,
		buf: &mut ReadBuf<'_>,
	) -> Poll<std::io::Result<()>> {
		let before = buf.filled().len();
		let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
		let read = buf.filled().len().saturating_sub(before);
		if read > 0 {
			self.session.count_latest(read as u64);
		}
		polled
	}
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Counted<T> {
	fn poll_write(
		mut self: Pin<&mut Self>,
		cx: &mut Context<'_>,
		buf: &[u8],
	) -> Poll<std::io::Result<usize>> {
		let polled = Pin::new(&mut self.inner).poll_write(cx, buf);
		if let Poll::Ready(Ok(written)) = &polled {
			self.session.count_latest(*written as u64);
		}
		polled
	}

	fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
		Pin::new(&mut self.inner).poll_flush(cx)
	}

	fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
		Pin::new(&mut self.inner).poll_shutdown(cx)
	}
}

//! HTTP/1.1 connections to serving peers.

use crate::{relay::Relay, Error};
use bytes::Bytes;
use http_body_util::{combinators::UnsyncBoxBody, BodyExt, Empty, Full};
use hyper::{body::Incoming, client::conn::http1::SendRequest, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use spacebook_dataplane_protocol::protocol::ErrorBody;
use std::{convert::Infallible, io, sync::Arc};
use tokio::net::TcpStream;

/// A request body.
pub type Body = UnsyncBoxBody<Bytes, io::Error>;

/// An empty body.
pub fn empty() -> Body {
	Empty::new().map_err(|never: Infallible| match never {}).boxed_unsync()
}

/// A body of `bytes`.
pub fn full(bytes: impl Into<Bytes>) -> Body {
	Full::new(bytes.into()).map_err(|never: Infallible| match never {}).boxed_unsync()
}

/// A serving peer's endpoint: `http://host:port` or `host:port`, as the peer registry lists it,
/// reached directly or, if [`via`](Endpoint::via) a relay, through another peer's VPN relay
/// (`relay.rs`): every connection to it is then a tunnel the relay carries.
#[derive(Clone)]
pub struct Endpoint {
	/// `host:port`.
	pub authority: String,
	/// The relay that carries connections to it, if any.
	relay: Option<Arc<Relay>>,
}

impl Endpoint {
	/// Parse an endpoint. Only plain HTTP is spoken (docs/dataplane.md).
	pub fn parse(s: &str) -> Result<Self, Error> {
		let rest = s.trim().trim_end_matches('/');
		let authority = match rest.split_once("://") {
			Some(("http", authority)) => authority,
			Some((scheme, _)) => {
				return Err(Error::BadEndpoint(format!(
					"{s}: scheme {scheme} is not supported, use http"
				)))
			}
			None => rest,
		};
		if authority.is_empty() || authority.contains('/') || !authority.contains(':') {
			return Err(Error::BadEndpoint(format!("{s}: expected http://host:port")));
		}
		Ok(Endpoint { authority: authority.to_owned(), relay: None })
	}

	/// This peer, reached through `relay`: the peer sees the relay's address, not the
	/// client's.
	pub fn via(&self, relay: &Arc<Relay>) -> Endpoint {
		Endpoint { authority: self.authority.clone(), relay: Some(relay.clone()) }
	}

	/// This peer, reached directly.
	pub fn direct(&self) -> Endpoint {
		Endpoint { authority: self.authority.clone(), relay: None }
	}

	/// The relay connections to this peer go through, if any.
	pub fn relay(&self) -> Option<&Arc<Relay>> {
		self.relay.as_ref()
	}

	/// Whether `other` names the same peer, however each is reached.
	pub fn same_peer(&self, other: &Endpoint) -> bool {
		self.authority == other.authority
	}
}

/// Two endpoints are equal when they name the same peer and reach it the same way (directly,
/// or through the same relay).
impl PartialEq for Endpoint {
	fn eq(&self, other: &Self) -> bool {
		self.authority == other.authority
			&& self.relay.as_ref().map(|r| &r.endpoint().authority)
				== other.relay.as_ref().map(|r| &r.endpoint().authority)
	}
}

impl Eq for Endpoint {}

impl std::hash::Hash for Endpoint {
	fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
		self.authority.hash(state);
	}
}

impl std::fmt::Debug for Endpoint {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		write!(f, "{self}")
	}
}

/// `http://host:port`, and ` via http://relay:port` for a relayed endpoint.
impl std::fmt::Display for Endpoint {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		write!(f, "http://{}", self.authority)?;
		if let Some(relay) = &self.relay {
			write!(f, " via {}", relay.endpoint())?;
		}
		Ok(())
	}
}

/// The largest JSON answer [`Connection::fetch_json`] reads.
pub const SMALL_JSON: usize = 64 << 10;

/// One keep-alive connection to a peer.
pub struct Connection {
	endpoint: Endpoint,
	sender: SendRequest<Body>,
}

impl Connection {
	/// Connect to `endpoint`: directly, or through a tunnel of its relay.
	pub async fn open(endpoint: &Endpoint) -> Result<Self, Error> {
		let unreachable = |e: hyper::Error| Error::Unreachable(endpoint.to_string(), e.to_string());
		let sender = match &endpoint.relay {
			None => {
				let stream = TcpStream::connect(&endpoint.authority)
					.await
					.map_err(|e| Error::Unreachable(endpoint.to_string(), e.to_string()))?;
				let _ = stream.set_nodelay(true);
				spawn_connection(
					hyper::client::conn::http1::handshake(TokioIo::new(stream))
						.await
						.map_err(unreachable)?,
				)
			}
			Some(relay) => {
				// Boxed: a tunnel opens a (direct) connection to the relay.
				let tunnel = Box::pin(relay.tunnel(&endpoint.authority)).await?;
				spawn_connection(
					hyper::client::conn::http1::handshake(TokioIo::new(tunnel))
						.await
						.map_err(unreachable)?,
				)
			}
		};
		Ok(Connection { endpoint: endpoint.clone(), sender })
	}

	/// The peer's endpoint.
	pub fn endpoint(&self) -> &Endpoint {
		&self.endpoint
	}

	/// Send `request` (its URI a path) and wait for the response head.
	pub async fn send(&mut self, mut request: Request<Body>) -> Result<Response<Incoming>, Error> {
		request.headers_mut().insert(
			hyper::header::HOST,
			self.endpoint.authority.parse().expect("host:port is a valid header"),
		);
		self.sender.ready().await.map_err(|e| self.broken(e))?;
		self.sender.send_request(request).await.map_err(|e| self.broken(e))
	}

	fn broken(&self, e: hyper::Error) -> Error {
		Error::Unreachable(self.endpoint.to_string(), e.to_string())
	}

	/// Send `request` and read a whole answer of at most `limit` bytes; a status other than
	/// 2xx is the peer's error.
	pub async fn fetch(&mut self, request: Request<Body>, limit: usize) -> Result<Bytes, Error> {
		let response = self.send(request).await?;
		let status = response.status();
		let body = http_body_util::Limited::new(response.into_body(), limit)
			.collect()
			.await
			.map_err(|e| Error::Unreachable(self.endpoint.to_string(), e.to_string()))?
			.to_bytes();
		if !status.is_success() {
			return Err(peer_error(&self.endpoint, status, &body));
		}
		Ok(body)
	}

	/// [`fetch`](Self::fetch) a JSON answer of at most [`SMALL_JSON`] bytes (a status, a
	/// session, a receipt, a file's info: a few hundred bytes; a relay padding them makes the
	/// client pay for no more than that).
	pub async fn fetch_json<T: serde::de::DeserializeOwned>(
		&mut self,
		request: Request<Body>,
	) -> Result<T, Error> {
		self.fetch_json_within(request, SMALL_JSON).await
	}

	/// [`fetch`](Self::fetch) a JSON answer of at most `limit` bytes.
	pub async fn fetch_json_within<T: serde::de::DeserializeOwned>(
		&mut self,
		request: Request<Body>,
		limit: usize,
	) -> Result<T, Error> {
		let body = self.fetch(request, limit).await?;
		serde_json::from_slice(&body)
			.map_err(|e| Error::Protocol(format!("{}: bad answer: {e}", self.endpoint)))
	}
}

/// Drive a connection in the background (with upgrades: a CONNECT turns it into a VPN tunnel);
/// its request sender.
fn spawn_connection<T>(
	(sender, conn): (SendRequest<Body>, hyper::client::conn::http1::Connection<T, Body>),
) -> SendRequest<Body>
where
	T: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
	tokio::spawn(async move {
		if let Err(e) = conn.with_upgrades().await {
			log::debug!(target: "sdk", "connection closed: {e}");
		}
	});
	sender
}

/// The error a peer answered with.
pub fn peer_error(endpoint: &Endpoint, status: StatusCode, body: &[u8]) -> Error {
	let message = serde_json::from_slice::<ErrorBody>(body)
		.map(|e| e.error)
		.unwrap_or_else(|_| String::from_utf8_lossy(body).into_owned());
	Error::Peer { peer: endpoint.to_string(), status: status.as_u16(), message }
}

/// The ledgering period a peer's answer names in its period header, if any.
pub fn period_of<B>(response: &Response<B>) -> Option<u32> {
	response
		.headers()
		.get(spacebook_dataplane_protocol::protocol::PERIOD_HEADER)
		.and_then(|v| v.to_str().ok())
		.and_then(|v| v.parse::<u32>().ok())
}

/// A GET request for `path`.
pub fn get(path: &str) -> Request<Body> {
	Request::get(path).body(empty()).expect("valid request")
}

/// A POST request of `body` to `path`.
pub fn post(path: &str, body: impl Into<Bytes>) -> Request<Body> {
	Request::post(path).body(full(body)).expect("valid request")
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn endpoints_are_http_host_and_port() {
		assert_eq!(Endpoint::parse("http://127.0.0.1:8080/").unwrap().authority, "127.0.0.1:8080");
		assert_eq!(
			Endpoint::parse("peer.example:80").unwrap().to_string(),
			"http://peer.example:80"
		);
		assert!(matches!(Endpoint::parse("https://a:1"), Err(Error::BadEndpoint(_))));
		assert!(matches!(Endpoint::parse("http://a"), Err(Error::BadEndpoint(_))));
		assert!(matches!(Endpoint::parse("http://a:1/x"), Err(Error::BadEndpoint(_))));
	}
}

//! What keeps a serving peer up under attack (finding 3 of the security review, docs/security.md):
//! every socket a peer holds open for somebody is counted, bounded and timed.
//!
//! - **Connections.** At most [`Limits::max_connections`] HTTP connections at once, and
//!   [`Limits::max_connections_per_ip`] from one address; a connection over a limit is answered
//!   `503` and closed at once.
//! - **Timeouts.** A request's headers must arrive within [`Limits::header_timeout`] (slowloris),
//!   and a connection on which no byte moves either way for [`Limits::idle_timeout`] is closed
//!   (idle keep-alive sockets, clients that never read their response).
//! - **Tunnels.** At most [`Limits::max_tunnels`] relayed VPN connections (`CONNECT`), at most
//!   [`Limits::max_tunnels_per_ip`] from one address, [`Limits::max_tunnels_per_key`] of one
//!   client key and [`Limits::max_tunnels_per_dapp`] of one DApp, whatever its keys; a tunnel on which no byte moves for [`Limits::tunnel_idle_timeout`] is closed.
//! - **Uploads.** At most [`Limits::max_uploads_per_dapp`] uploads of one DApp at once, each
//!   at least [`Limits::min_upload_rate`] on average.
//!
//! "One address" is an IPv4 address or an IPv6 /64 network: an IPv6 host usually holds a whole
//! /64, so counting single IPv6 addresses would give one attacker billions of allowances.

use parking_lot::Mutex;
use sp_core::crypto::AccountId32;
use spacebook_receipts::ClientKey;
use std::{
	collections::HashMap,
	io,
	net::IpAddr,
	pin::Pin,
	sync::{
		atomic::{AtomicU64, Ordering},
		Arc,
	},
	task::{Context, Poll},
	time::Duration,
};
use tokio::{
	io::{AsyncRead, AsyncWrite, ReadBuf},
	time::Instant,
};

/// How much of a serving peer one party may hold, and for how long (docs/dataplane.md argues
/// the defaults).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
	/// HTTP connections at once.
	pub max_connections: usize,
	/// HTTP connections at once from one address (an IPv4 address, an IPv6 /64).
	pub max_connections_per_ip: usize,
	/// Time a client has to send a request's headers.
	pub header_timeout: Duration,
	/// Time a connection may pass without a byte moving either way.
	pub idle_timeout: Duration,
	/// Relayed VPN connections at once.
	pub max_tunnels: usize,
	/// Relayed VPN connections at once from one address.
	pub max_tunnels_per_ip: usize,
	/// Relayed VPN connections at once of one client key.
	pub max_tunnels_per_key: usize,
	/// Relayed VPN connections at once of one DApp, whatever its client keys.
	pub max_tunnels_per_dapp: usize,
	/// Time a tunnel may pass without a byte moving either way.
	pub tunnel_idle_timeout: Duration,
	/// Uploads of one DApp at once.
	pub max_uploads_per_dapp: usize,
	/// The slowest an upload's body may come, in bytes a second on average, after a grace of
	/// [`Limits::header_timeout`].
	pub min_upload_rate: u64,
}

impl Default for Limits {
	fn default() -> Self {
		Limits {
			max_connections: 8192,
			max_connections_per_ip: 256,
			header_timeout: Duration::from_secs(10),
			idle_timeout: Duration::from_secs(60),
			max_tunnels: 2048,
			max_tunnels_per_ip: 256,
			max_tunnels_per_key: 256,
			max_tunnels_per_dapp: 1024,
			tunnel_idle_timeout: Duration::from_secs(300),
			max_uploads_per_dapp: 4,
			min_upload_rate: 16 << 10,
		}
	}
}

/// Which limit refused a connection or a tunnel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
	/// The peer holds as many as it serves.
	#[error("this peer serves no more connections now ({0} open)")]
	Connections(usize),
	/// The address holds as many as one address may.
	#[error("too many connections from your address ({0} open)")]
	ConnectionsOfAddress(usize),
	/// The peer relays as many tunnels as it relays.
	#[error("this peer relays no more tunnels now ({0} open)")]
	Tunnels(usize),
	/// The address holds as many tunnels as one address may.
	#[error("too many tunnels from your address ({0} open)")]
	TunnelsOfAddress(usize),
	/// The client key holds as many tunnels as one key may.
	#[error("too many tunnels of your client key ({0} open)")]
	TunnelsOfKey(usize),
	/// The DApp holds as many tunnels as one DApp may.
	#[error("too many tunnels of your DApp ({0} open)")]
	TunnelsOfDApp(usize),
	/// The DApp has as many uploads under way as one DApp may.
	#[error("too many uploads of your DApp at once ({0} under way)")]
	UploadsOfDApp(usize),
}

impl Refused {
	/// The reason label of the refusal (`crate::metrics::REASONS`).
	pub fn reason(&self) -> &'static str {
		match self {
			Refused::Connections(_) => "connections",
			Refused::ConnectionsOfAddress(_) => "connections_of_address",
			Refused::Tunnels(_) => "tunnels",
			Refused::TunnelsOfAddress(_) => "tunnels_of_address",
			Refused::TunnelsOfKey(_) => "tunnels_of_key",
			Refused::TunnelsOfDApp(_) => "tunnels_of_dapp",
			Refused::UploadsOfDApp(_) => "uploads_of_dapp",
		}
	}
}

/// The address an allowance is counted against: an IPv4 address, or an IPv6 /64.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct AddressKey(u128);

impl AddressKey {
	/// The allowance `ip` counts against.
	pub fn of(ip: IpAddr) -> Self {
		match ip {
			IpAddr::V4(v4) => AddressKey(u32::from(v4) as u128),
			IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
				Some(v4) => AddressKey(u32::from(v4) as u128),
				// Tagged so that no /64 collides with an IPv4 address.
				None => AddressKey((u128::from(v6) & !((1u128 << 64) - 1)) | 1),
			},
		}
	}
}

#[derive(Default)]
struct Counts {
	connections: usize,
	connections_of: HashMap<AddressKey, usize>,
	tunnels: usize,
	tunnels_of: HashMap<AddressKey, usize>,
	tunnels_of_key: HashMap<ClientKey, usize>,
	tunnels_of_dapp: HashMap<AccountId32, usize>,
	uploads_of: HashMap<AccountId32, usize>,
}

fn take<K: std::hash::Hash + Eq>(map: &mut HashMap<K, usize>, key: K) {
	if let Some(n) = map.get_mut(&key) {
		*n = n.saturating_sub(1);
		if *n == 0 {
			map.remove(&key);
		}
	}
}

/// An admitted upload: counted until dropped.
pub struct UploadPermit {
	admission: Arc<Admission>,
	dapp: AccountId32,
}

impl Drop for UploadPermit {
	fn drop(&mut self) {
		take(&mut self.admission.counts.lock().uploads_of, self.dapp.clone());
	}
}

/// Counts what is open and admits new connections and tunnels within the [`Limits`].
pub struct Admission {
	limits: Limits,
	counts: Mutex<Counts>,
}

/// An admitted connection: counted until dropped.
pub struct ConnectionPermit {
	admission: Arc<Admission>,
	address: AddressKey,
}

impl Drop for ConnectionPermit {
	fn drop(&mut self) {
		let mut counts = self.admission.counts.lock();
		counts.connections = counts.connections.saturating_sub(1);
		take(&mut counts.connections_of, self.address);
	}
}

/// An admitted tunnel: counted until dropped.
pub struct TunnelPermit {
	admission: Arc<Admission>,
	address: AddressKey,
	key: ClientKey,
	dapp: AccountId32,
}

impl Drop for TunnelPermit {
	fn drop(&mut self) {
		let mut counts = self.admission.counts.lock();
		counts.tunnels = counts.tunnels.saturating_sub(1);
		take(&mut counts.tunnels_of, self.address);
		take(&mut counts.tunnels_of_key, self.key);
		take(&mut counts.tunnels_of_dapp, self.dapp.clone());
	}
}

impl Admission {
	/// Nothing open yet, within `limits`.
	pub fn new(limits: Limits) -> Arc<Self> {
		Arc::new(Admission { limits, counts: Default::default() })
	}

	/// The limits admitted within.
	pub fn limits(&self) -> &Limits {
		&self.limits
	}

	/// Admit a connection from `ip`, if the limits allow it.
	pub fn connection(self: &Arc<Self>, ip: IpAddr) -> Result<ConnectionPermit, Refused> {
		let address = AddressKey::of(ip);
		let mut counts = self.counts.lock();
		if counts.connections >= self.limits.max_connections {
			return Err(Refused::Connections(counts.connections));
		}
		let of_address = counts.connections_of.get(&address).copied().unwrap_or(0);
		if of_address >= self.limits.max_connections_per_ip {
			return Err(Refused::ConnectionsOfAddress(of_address));
		}
		*counts.connections_of.entry(address).or_default() += 1;
		counts.connections += 1;
		Ok(ConnectionPermit { admission: self.clone(), address })
	}

	/// Admit a tunnel from `ip` for a session of `key` of `dapp`, if the limits allow it.
	pub fn tunnel(
		self: &Arc<Self>,
		ip: IpAddr,
		key: ClientKey,
		dapp: &AccountId32,
	) -> Result<TunnelPermit, Refused> {
		let address = AddressKey::of(ip);
		let mut counts = self.counts.lock();
		if counts.tunnels >= self.limits.max_tunnels {
			return Err(Refused::Tunnels(counts.tunnels));
		}
		let of_address = counts.tunnels_of.get(&address).copied().unwrap_or(0);
		if of_address >= self.limits.max_tunnels_per_ip {
			return Err(Refused::TunnelsOfAddress(of_address));
		}
		let of_key = counts.tunnels_of_key.get(&key).copied().unwrap_or(0);
		if of_key >= self.limits.max_tunnels_per_key {
			return Err(Refused::TunnelsOfKey(of_key));
		}
		let of_dapp = counts.tunnels_of_dapp.get(dapp).copied().unwrap_or(0);
		if of_dapp >= self.limits.max_tunnels_per_dapp {
			return Err(Refused::TunnelsOfDApp(of_dapp));
		}
		counts.tunnels += 1;
		*counts.tunnels_of.entry(address).or_default() += 1;
		*counts.tunnels_of_key.entry(key).or_default() += 1;
		*counts.tunnels_of_dapp.entry(dapp.clone()).or_default() += 1;
		Ok(TunnelPermit { admission: self.clone(), address, key, dapp: dapp.clone() })
	}

	/// Admit an upload of `dapp`, if it has fewer under way than the limit.
	pub fn upload(self: &Arc<Self>, dapp: &AccountId32) -> Result<UploadPermit, Refused> {
		let mut counts = self.counts.lock();
		let under_way = counts.uploads_of.get(dapp).copied().unwrap_or(0);
		if under_way >= self.limits.max_uploads_per_dapp {
			return Err(Refused::UploadsOfDApp(under_way));
		}
		*counts.uploads_of.entry(dapp.clone()).or_default() += 1;
		Ok(UploadPermit { admission: self.clone(), dapp: dapp.clone() })
	}

	/// HTTP connections open now.
	pub fn connections(&self) -> usize {
		self.counts.lock().connections
	}

	/// Tunnels open now.
	pub fn tunnels(&self) -> usize {
		self.counts.lock().tunnels
	}
}

/// When a byte last moved on a connection or tunnel.
pub struct Activity {
	start: Instant,
	/// Milliseconds from `start` to the last byte.
	last: AtomicU64,
}

impl Default for Activity {
	fn default() -> Self {
		Activity { start: Instant::now(), last: AtomicU64::new(0) }
	}
}

impl Activity {
	/// A byte moved now.
	pub fn touch(&self) {
		let now = self.start.elapsed().as_millis().min(u64::MAX as u128) as u64;
		self.last.fetch_max(now, Ordering::Relaxed);
	}

	/// How long since a byte last moved.
	pub fn idle_for(&self) -> Duration {
		self.start
			.elapsed()
			.saturating_sub(Duration::from_millis(self.last.load(Ordering::Relaxed)))
	}

	/// Return once no byte has moved for `timeout`.
	pub async fn idle(&self, timeout: Duration) {
		loop {
			let idle = self.idle_for();
			if idle >= timeout {
				return;
			}
			tokio::time::sleep(timeout - idle).await;
		}
	}
}

/// A socket that records in an [`Activity`] every byte it reads or writes.
pub struct Watched<T> {
	inner: T,
	activity: Arc<Activity>,
}

impl<T> Watched<T> {
	/// `inner`, recording its bytes in `activity`.
	pub fn new(inner: T, activity: Arc<Activity>) -> Self {
		Watched { inner, activity }
	}
}

impl<T: AsyncRead + Unpin> AsyncRead for Watched<T> {
	fn poll_read(
		mut self: Pin<&mut Self>,
		cx: &mut Context<'_>,
		buf: &mut ReadBuf<'_>,
	) -> Poll<io::Result<()>> {
		let before = buf.filled().len();
		let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
		if buf.filled().len() > before {
			self.activity.touch();
		}
		polled
	}
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Watched<T> {
	fn poll_write(
		mut self: Pin<&mut Self>,
		cx: &mut Context<'_>,
		data: &[u8],
	) -> Poll<io::Result<usize>> {
		let polled = Pin::new(&mut self.inner).poll_write(cx, data);
		if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
			self.activity.touch();
		}
		polled
	}

	fn poll_write_vectored(
		mut self: Pin<&mut Self>,
		cx: &mut Context<'_>,
		bufs: &[io::IoSlice<'_>],
	) -> Poll<io::Result<usize>> {
		let polled = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
		if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
			self.activity.touch();
		}
		polled
	}

	fn is_write_vectored(&self) -> bool {
		self.inner.is_write_vectored()
	}

	fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
		Pin::new(&mut self.inner).poll_flush(cx)
	}

	fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
		Pin::new(&mut self.inner).poll_shutdown(cx)
	}
}

/// Bytes free for unprivileged users on the filesystem of `path`.
pub fn free_space(path: &std::path::Path) -> io::Result<u64> {
	let stat = rustix::fs::statvfs(path).map_err(io::Error::from)?;
	Ok(stat.f_bavail.saturating_mul(stat.f_frsize))
}

#[cfg(test)]
mod tests {
	use super::*;

	fn limits() -> Limits {
		Limits {
			max_connections: 3,
			max_connections_per_ip: 2,
			max_tunnels: 3,
			max_tunnels_per_ip: 2,
			max_tunnels_per_key: 2,
			..Limits::default()
		}
	}

	fn ip(s: &str) -> IpAddr {
		s.parse().unwrap()
	}

	#[test]
	fn connections_are_bounded_in_all_and_per_address_and_freed_on_drop() {
		let admission = Admission::new(limits());
		let a1 = admission.connection(ip("10.0.0.1")).unwrap();
		let _a2 = admission.connection(ip("10.0.0.1")).unwrap();
		assert_eq!(
			admission.connection(ip("10.0.0.1")).err(),
			Some(Refused::ConnectionsOfAddress(2))
		);
		let _b = admission.connection(ip("10.0.0.2")).unwrap();
		assert_eq!(admission.connection(ip("10.0.0.3")).err(), Some(Refused::Connections(3)));
		// A refusal counts nothing.
		assert_eq!(admission.connections(), 3);
		drop(a1);
		assert_eq!(admission.connections(), 2);
		let _c = admission.connection(ip("10.0.0.3")).unwrap();
		assert_eq!(admission.counts.lock().connections_of.len(), 3);
	}

	#[test]
	fn an_ipv6_network_counts_as_one_address() {
		let admission = Admission::new(limits());
		let _a = admission.connection(ip("2001:db8:1:2::1")).unwrap();
		let _b = admission.connection(ip("2001:db8:1:2:ffff::9")).unwrap();
		assert_eq!(
			admission.connection(ip("2001:db8:1:2:abcd::1")).err(),
			Some(Refused::ConnectionsOfAddress(2))
		);
		let _c = admission.connection(ip("2001:db8:1:3::1")).unwrap();
		// An IPv4-mapped address is its IPv4 address.
		assert_eq!(AddressKey::of(ip("::ffff:10.0.0.1")), AddressKey::of(ip("10.0.0.1")));
		assert_ne!(AddressKey::of(ip("::a00:1")), AddressKey::of(ip("10.0.0.1")));
	}

	#[test]
	fn tunnels_are_bounded_in_all_per_address_and_per_key() {
		let admission = Admission::new(Limits { max_tunnels: 4, ..limits() });
		let (k1, k2, k3) = ([1u8; 32].into(), [2u8; 32].into(), [3u8; 32].into());
		let d1 = AccountId32::new([0xd1; 32]);
		let t1 = admission.tunnel(ip("10.0.0.1"), k1, &d1).unwrap();
		let _t2 = admission.tunnel(ip("10.0.0.1"), k2, &d1).unwrap();
		assert_eq!(
			admission.tunnel(ip("10.0.0.1"), k3, &d1).err(),
			Some(Refused::TunnelsOfAddress(2))
		);
		let _t3 = admission.tunnel(ip("10.0.0.2"), k1, &d1).unwrap();
		assert_eq!(admission.tunnel(ip("10.0.0.3"), k1, &d1).err(), Some(Refused::TunnelsOfKey(2)));
		let _t4 = admission.tunnel(ip("10.0.0.3"), k3, &d1).unwrap();
		assert_eq!(admission.tunnel(ip("10.0.0.4"), k3, &d1).err(), Some(Refused::Tunnels(4)));
		// A refusal counts nothing; a closed tunnel frees its place in every count.
		assert_eq!(admission.tunnels(), 4);
		drop(t1);
		let _t5 = admission.tunnel(ip("10.0.0.1"), k1, &d1).unwrap();
		assert_eq!(admission.tunnels(), 4);
	}

	#[test]
	fn a_dapps_keys_share_its_tunnel_allowance() {
		let admission = Admission::new(Limits { max_tunnels_per_dapp: 2, ..limits() });
		let (d1, d2) = (AccountId32::new([1; 32]), AccountId32::new([2; 32]));
		let keys: Vec<ClientKey> = (1..=3u8).map(|k| [k; 32].into()).collect();
		let first = admission.tunnel(ip("10.0.0.1"), keys[0], &d1).unwrap();
		let _second = admission.tunnel(ip("10.0.0.2"), keys[1], &d1).unwrap();
		assert_eq!(
			admission.tunnel(ip("10.0.0.3"), keys[2], &d1).err(),
			Some(Refused::TunnelsOfDApp(2))
		);
		let _other = admission.tunnel(ip("10.0.0.3"), keys[2], &d2).unwrap();
		drop(first);
		let _third = admission.tunnel(ip("10.0.0.3"), keys[2], &d1).unwrap();
	}

	#[test]
	fn uploads_are_bounded_per_dapp() {
		let admission = Admission::new(Limits { max_uploads_per_dapp: 2, ..limits() });
		let (a, b) = (AccountId32::new([1; 32]), AccountId32::new([2; 32]));
		let first = admission.upload(&a).unwrap();
		let _second = admission.upload(&a).unwrap();
		assert_eq!(admission.upload(&a).err(), Some(Refused::UploadsOfDApp(2)));
		let _other = admission.upload(&b).unwrap();
		drop(first);
		let _third = admission.upload(&a).unwrap();
		assert!(admission.counts.lock().uploads_of.values().all(|n| *n <= 2));
	}

	#[tokio::test(start_paused = true)]
	async fn only_a_quiet_timeout_ends_the_wait_and_each_byte_restarts_it() {
		let activity = Arc::new(Activity::default());
		let quiet = Duration::from_secs(5);
		let started = Instant::now();
		let waiter = tokio::spawn({
			let activity = activity.clone();
			async move { activity.idle(quiet).await }
		});
		tokio::time::sleep(Duration::from_secs(4)).await;
		activity.touch();
		tokio::time::sleep(Duration::from_secs(4)).await;
		assert!(!waiter.is_finished());
		waiter.await.unwrap();
		assert_eq!(started.elapsed(), Duration::from_secs(9));
	}
}

//! The VPN relay of a professional peer: `CONNECT host:port` in a session opens a TCP
//! connection to the target and relays bytes both ways, each byte counted against the session's
//! credit window like served file bytes (both directions are traffic the peer carries).
//!
//! A relay that connects anywhere would let DApp clients reach the peer's own loopback and
//! private network: by default, targets that resolve to loopback, private, link-local,
//! unspecified or multicast addresses are refused ([`RelayPolicy::allow_private`]), and so
//! are the host's own public addresses ([`is_own_address`]), which reach its services (the
//! node's RPC and p2p ports, the data plane itself) as loopback would.

use std::net::{IpAddr, SocketAddr};

/// Whether and where a serving peer relays.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RelayPolicy {
	/// Allow targets on loopback and private networks (tests, private deployments).
	pub allow_private: bool,
	/// The host's public addresses that are on no interface of it (a 1:1 NAT's, a load
	/// balancer's): refused as the host's own, unless private targets are allowed.
	pub own_addresses: Vec<IpAddr>,
}

/// Whether `ip` is on the public internet (not loopback, private, link-local, shared,
/// documentation, unspecified, broadcast or multicast).
pub fn is_public(ip: IpAddr) -> bool {
	match ip {
		IpAddr::V4(v4) => {
			let [a, b, ..] = v4.octets();
			!(v4.is_loopback()
				|| v4.is_private()
				|| v4.is_link_local()
				|| v4.is_unspecified()
				|| v4.is_broadcast()
				|| v4.is_multicast()
				|| v4.is_documentation()
				|| a == 0 || (a == 100 && (64..128).contains(&b)))
		}
		IpAddr::V6(v6) => {
			if let Some(v4) = v6.to_ipv4_mapped() {
				return is_public(IpAddr::V4(v4));
			}
			let [first, second, ..] = v6.segments();
			// NAT64 (64:ff9b::/96) and 6to4 (2002::/16) embed IPv4 addresses, private ones too.
			!(v6.is_loopback()
				|| v6.is_unspecified()
				|| v6.is_multicast()
				|| (first & 0xfe00) == 0xfc00
				|| (first & 0xffc0) == 0xfe80
				|| (first == 0x64 && second == 0xff9b)
				|| first == 0x2002)
		}
	}
}

/// Whether `ip` is an address of this host: one a socket can be bound to. The kernel answers
/// from the host's interfaces as they are now, so addresses added later count too.
pub fn is_own_address(ip: IpAddr) -> bool {
	std::net::UdpSocket::bind(SocketAddr::new(ip, 0)).is_ok()
}

/// Whether the policy lets the relay connect to `ip`, on a host whose addresses `is_own` tells.
pub fn relayable(ip: IpAddr, policy: &RelayPolicy, is_own: impl Fn(IpAddr) -> bool) -> bool {
	policy.allow_private || (is_public(ip) && !is_own(ip) && !policy.own_addresses.contains(&ip))
}

/// The addresses of `target` (`host:port`) the policy lets the relay connect to.
pub async fn resolve(target: &str, policy: &RelayPolicy) -> Result<Vec<SocketAddr>, String> {
	let addrs: Vec<SocketAddr> = tokio::net::lookup_host(target)
		.await
		.map_err(|e| format!("cannot resolve {target}: {e}"))?
		.collect();
	let allowed: Vec<SocketAddr> =
		addrs.iter().copied().filter(|a| relayable(a.ip(), policy, is_own_address)).collect();
	if allowed.is_empty() {
		return Err(if addrs.is_empty() {
			format!("{target} has no address")
		} else {
			format!(
				"{target} is on a private network or this host; this relay only reaches other \
				 public addresses"
			)
		});
	}
	Ok(allowed)
}

pub use spacebook_dataplane_protocol::relay::both_ways;

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn private_and_special_addresses_are_not_public() {
		for ip in [
			"127.0.0.1",
			"10.1.2.3",
			"172.16.0.1",
			"192.168.1.1",
			"169.254.0.1",
			"100.64.0.1",
			"0.0.0.0",
			"224.0.0.1",
			"::1",
			"fd00::1",
			"fe80::1",
			"::ffff:127.0.0.1",
			"64:ff9b::7f00:1",
			"2002:7f00:1::1",
		] {
			assert!(!is_public(ip.parse().unwrap()), "{ip}");
		}
		for ip in ["1.1.1.1", "8.8.8.8", "2606:4700::1111", "::ffff:1.1.1.1"] {
			assert!(is_public(ip.parse().unwrap()), "{ip}");
		}
	}

	/// Finding 10 of the security review (issue 14): the relay reached the host's own public
	/// addresses, and through them its services, as loopback would. Checked failing before
	/// `relayable` asked whether an address is the host's: the host's public address passed.
	#[test]
	fn the_hosts_own_public_addresses_are_not_relayed_to() {
		let strict = RelayPolicy { allow_private: false, ..Default::default() };
		let host: IpAddr = "1.2.3.4".parse().unwrap();
		let on_host = |ip: IpAddr| ip == host;
		assert!(!relayable(host, &strict, on_host));
		assert!(relayable("1.1.1.1".parse().unwrap(), &strict, on_host));
		assert!(relayable(
			host,
			&RelayPolicy { allow_private: true, ..Default::default() },
			on_host
		));
		// Behind a 1:1 NAT the host's public address is on no interface: the operator names it.
		let nat: IpAddr = "5.6.7.8".parse().unwrap();
		let named = RelayPolicy { own_addresses: vec![nat], ..Default::default() };
		assert!(relayable(nat, &strict, on_host));
		assert!(!relayable(nat, &named, on_host));
	}

	#[test]
	fn the_hosts_own_addresses_are_its_own() {
		assert!(is_own_address("127.0.0.1".parse().unwrap()));
		// The address this host would send from (a private one here, a public one on a
		// data-centre server): without a route there is none to check.
		let primary = std::net::UdpSocket::bind("0.0.0.0:0")
			.and_then(|s| s.connect("192.0.2.1:9").and(s.local_addr()));
		if let Ok(primary) = primary {
			assert!(is_own_address(primary.ip()), "{primary}");
		}
		for other in ["192.0.2.1", "8.8.8.8", "2001:db8::1"] {
			assert!(!is_own_address(other.parse().unwrap()), "{other}");
		}
	}

	#[tokio::test]
	async fn the_policy_filters_resolved_targets() {
		let strict = RelayPolicy { allow_private: false, ..Default::default() };
		let open = RelayPolicy { allow_private: true, ..Default::default() };
		let err = resolve("127.0.0.1:80", &strict).await.unwrap_err();
		assert!(err.contains("private network"), "{err}");
		assert_eq!(
			resolve("127.0.0.1:80", &open).await.unwrap(),
			vec!["127.0.0.1:80".parse().unwrap()]
		);
		assert!(resolve("no port", &open).await.is_err());
	}
}

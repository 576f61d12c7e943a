//! A network of billing peers on loopback: the `local` chain (Alice, Bob, Charlie and Dave are
//! its billing peers) with short rounds ([`crate::SHORT_ROUND_MS`], set in the chain spec), one
//! `spacebook-node --validator` each.
//!
//! Every node has a fixed node key, so its peer id (and so its address) survives restarts, and
//! runs `--reserved-only` with the nodes it may reach reserved. A test cuts the network in two by
//! restarting every node with only its own side reserved, and heals it by restarting them with
//! everyone reserved. (Removing a reserved peer over JSON-RPC does not close an open connection
//! with the litep2p backend, so it cannot cut a link.)

use crate::{Node, TempDir};
use sp_core::{ed25519, Pair};
use std::time::{Duration, Instant};

/// The dev keys of the `local` chain's billing peers, in authority order.
pub const BILLING_PEERS: [&str; 4] = ["alice", "bob", "charlie", "dave"];

/// The dev keys of the network's nodes: the four billing peers, then Eve's node, which a test
/// starts when it needs a fifth (a billing-peer candidate): index [`CANDIDATE`].
pub const NODES: [&str; 5] = ["alice", "bob", "charlie", "dave", "eve"];

/// The index of Eve's node.
pub const CANDIDATE: usize = 4;

/// The libp2p node key of peer `i`.
fn node_key(i: usize) -> [u8; 32] {
	let mut key = [0u8; 32];
	key[31] = i as u8 + 1;
	key[0] = 0x5b;
	key
}

/// The libp2p peer id of an ed25519 node key: the identity multihash of the protobuf-encoded
/// public key, in base58.
pub fn peer_id(secret: &[u8; 32]) -> String {
	let public = ed25519::Pair::from_seed(secret).public();
	// Protobuf `PublicKey { Type = Ed25519 (1), Data = 32 bytes }`.
	let mut encoded = vec![0x08, 0x01, 0x12, 0x20];
	encoded.extend_from_slice(public.as_ref());
	// Identity multihash: code 0x00, length.
	let mut multihash = vec![0x00, encoded.len() as u8];
	multihash.extend_from_slice(&encoded);
	bs58::encode(multihash).into_string()
}

/// Hex of bytes, without prefix.
fn hex(bytes: &[u8]) -> String {
	bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The billing peers of the `local` chain on loopback.
pub struct LocalNet {
	/// The nodes; `None` while one is stopped. First, so that they are dropped (killed) before
	/// their directories are removed.
	pub nodes: Vec<Option<Node>>,
	dirs: Vec<TempDir>,
	/// The directory of the chain spec, and the spec's path.
	_spec_dir: TempDir,
	spec: String,
	ports: Vec<u16>,
	/// Extra command-line arguments of each node.
	extra: Vec<Vec<String>>,
	/// The side of the partition each node is on (all 0 when the network is whole).
	side: Vec<u8>,
}

impl LocalNet {
	/// Start the four billing peers of the `local` chain with rounds of `round_ms` and
	/// `genesis`'s pallets' fields merged into the preset's ([`crate::chain_spec_with`]);
	/// `extra[i]` goes to node `i`'s command line. Eve's node (index
	/// [`CANDIDATE`]) is not started.
	pub fn start(
		name: &str,
		round_ms: u64,
		genesis: serde_json::Value,
		extra: Vec<Vec<String>>,
	) -> Self {
		let n = NODES.len();
		let mut extra = extra;
		extra.resize(n, Vec::new());
		let dirs = (0..n).map(|i| TempDir::new(&format!("{name}-{}", NODES[i]))).collect();
		let ports = (0..n).map(|_| crate::free_port()).collect();
		let spec_dir = TempDir::new(&format!("{name}-spec"));
		let spec = crate::chain_spec_with("local", round_ms, &genesis, spec_dir.path());
		let mut net = Self {
			dirs,
			_spec_dir: spec_dir,
			spec: spec.to_str().expect("a UTF-8 path").to_string(),
			nodes: (0..n).map(|_| None).collect(),
			ports,
			extra,
			side: vec![0; n],
		};
		for i in 0..BILLING_PEERS.len() {
			net.start_node(i);
		}
		net
	}

	/// The JSON-RPC URL of node `i`, which must be running.
	pub fn url(&self, i: usize) -> String {
		format!("ws://127.0.0.1:{}", self.node(i).rpc.port)
	}

	/// The multiaddress of node `i`.
	pub fn address(&self, i: usize) -> String {
		format!("/ip4/127.0.0.1/tcp/{}/p2p/{}", self.ports[i], peer_id(&node_key(i)))
	}

	/// The peer id of node `i`.
	pub fn peer_id(&self, i: usize) -> String {
		peer_id(&node_key(i))
	}

	/// Start node `i` (again) on its base path and port.
	pub fn start_node(&mut self, i: usize) {
		assert!(self.nodes[i].is_none(), "node {i} is running");
		let mut args: Vec<String> = [
			"--chain",
			&self.spec,
			"--validator",
			&format!("--{}", NODES[i]),
			"--node-key",
			&hex(&node_key(i)),
			"--rpc-methods",
			"unsafe",
			"--reserved-only",
		]
		.iter()
		.map(|s| s.to_string())
		.collect();
		for j in 0..self.ports.len() {
			if j != i && self.side[j] == self.side[i] {
				args.push("--reserved-nodes".into());
				args.push(self.address(j));
			}
		}
		args.extend(self.extra[i].iter().cloned());
		let node = Node::start(self.dirs[i].path(), &args, Some(self.ports[i]));
		self.nodes[i] = Some(node);
	}

	/// Restart node `i` (stopped with SIGINT) with `extra` as its extra command-line arguments.
	pub fn restart_with(&mut self, i: usize, extra: Vec<String>) {
		self.stop(i);
		self.extra[i] = extra;
		self.start_node(i);
	}

	/// Node `i`, which must be running.
	pub fn node(&self, i: usize) -> &Node {
		self.nodes[i].as_ref().expect("node is running")
	}

	/// The running nodes with their indices.
	pub fn running(&self) -> impl Iterator<Item = (usize, &Node)> {
		self.nodes.iter().enumerate().filter_map(|(i, n)| n.as_ref().map(|n| (i, n)))
	}

	/// Kill node `i` at once, as a crash would.
	pub fn kill(&mut self, i: usize) {
		self.nodes[i].take().expect("node is running").kill();
	}

	/// Stop node `i` with SIGINT.
	pub fn stop(&mut self, i: usize) {
		self.nodes[i].take().expect("node is running").stop_cleanly(&format!("node {i}"));
	}

	/// The lowest finalized number among the running nodes.
	pub fn min_finalized(&self) -> u32 {
		self.running().map(|(_, n)| n.finalized_number()).min().unwrap_or(0)
	}

	/// The highest finalized number among the running nodes.
	pub fn max_finalized(&self) -> u32 {
		self.running().map(|(_, n)| n.finalized_number()).max().unwrap_or(0)
	}

	/// Wait until every running node has finalized block `number`.
	pub fn wait_all_finalized(&self, number: u32, timeout: Duration) {
		let start = Instant::now();
		loop {
			if self.min_finalized() >= number {
				return;
			}
			assert!(
				start.elapsed() < timeout,
				"timed out after {timeout:?} waiting for #{number} to be final everywhere (phase \
				 «{}»): {:?}\n{}",
				crate::current_phase(),
				self.running().map(|(i, n)| (i, n.finalized_number())).collect::<Vec<_>>(),
				self.running()
					.map(|(i, n)| format!("--- node {i} ---\n{}", n.log_tail(25)))
					.collect::<Vec<_>>()
					.join("\n")
			);
			std::thread::sleep(Duration::from_millis(500));
		}
	}

	/// Assert that no two running nodes disagree on any finalized block: their finalized chains
	/// are prefixes of each other.
	pub fn assert_finalized_chains_agree(&self) {
		let chains: Vec<(usize, Vec<String>)> =
			self.running().map(|(i, n)| (i, n.finalized_hashes(n.finalized_number()))).collect();
		for (i, a) in &chains {
			for (j, b) in &chains {
				let common = a.len().min(b.len());
				assert_eq!(
					a[..common],
					b[..common],
					"nodes {i} and {j} finalized different blocks (phase «{}»)",
					crate::current_phase()
				);
			}
		}
	}

	/// Cut the network in two: the nodes in `side` and the others. Every node is restarted on
	/// its base path with only the nodes of its own side reserved.
	pub fn partition(&mut self, side: &[usize]) {
		self.restart_all(|i| u8::from(side.contains(&i)));
	}

	/// Make the network whole again: every node restarts with every other node reserved.
	pub fn heal(&mut self) {
		self.restart_all(|_| 0);
	}

	fn restart_all(&mut self, side_of: impl Fn(usize) -> u8) {
		let running: Vec<usize> = self.running().map(|(i, _)| i).collect();
		for &i in &running {
			self.stop(i);
		}
		self.side = (0..self.ports.len()).map(side_of).collect();
		for &i in &running {
			self.start_node(i);
		}
	}
}

#[cfg(test)]
mod tests {
	#[test]
	fn peer_ids_are_derived_as_libp2p_does() {
		// The well-known peer id of node key 0x00…01 in Substrate's documentation.
		let mut key = [0u8; 32];
		key[31] = 1;
		assert_eq!(super::peer_id(&key), "12D3KooWEyoppNCUx8Yx66oV9fJnriXwCcXwDDUA2kj6vnc6iDEp");
	}
}

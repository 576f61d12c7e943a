//! The scripts a newcomer runs, run as they are: `scripts/local-net.sh --check` starts the
//! `local` chain's four billing peers and two serving peers, registers the serving peers with
//! the `spacebook` CLI, and checks that every node finalizes and the registry lists both data
//! planes, then stops everything.

use spacebook_e2e::*;
use std::{net::TcpListener, path::PathBuf, process::Command};

/// A port offset at which every port `local-net.sh` uses is free now.
fn free_offset() -> u16 {
	let bases: [(u16, u16); 4] = [(9944, 6), (30333, 6), (9615, 6), (8480, 2)];
	let seed = std::process::id() as u16;
	for attempt in 0..50u16 {
		let offset = 1000 + (seed.wrapping_add(attempt.wrapping_mul(997)) % 20_000);
		let free = bases.iter().all(|(base, n)| {
			(0..*n).all(|i| TcpListener::bind(("127.0.0.1", base + offset + i)).is_ok())
		});
		if free {
			return offset;
		}
	}
	panic!("no free block of ports for local-net.sh");
}

#[test]
fn local_net_sh_starts_four_billing_peers_and_two_registered_serving_peers() {
	phase("local-net.sh --check: four billing peers, Eve and Ferdie registered and serving");
	let dir = TempDir::new("local-net-sh");
	let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scripts/local-net.sh");
	let offset = free_offset();
	let output = Command::new("bash")
		.arg(&script)
		.args(["--no-build", "--check", "--dir"])
		.arg(dir.path().join("net"))
		.args(["--port-offset", &offset.to_string()])
		.env("SPACEBOOK_NODE_BIN", node_binary())
		.env("SPACEBOOK_CLI_BIN", cli_binary())
		.output()
		.expect("bash runs the script");
	let stdout = String::from_utf8_lossy(&output.stdout);
	let stderr = String::from_utf8_lossy(&output.stderr);
	assert!(output.status.success(), "local-net.sh failed:\n{stdout}\n{stderr}");
	assert!(stdout.contains("check passed"), "{stdout}");
	// It printed every node's endpoints, and both serving peers' data planes.
	for (i, name) in ["alice", "bob", "charlie", "dave", "eve", "ferdie"].iter().enumerate() {
		let rpc = format!("ws://127.0.0.1:{}", 9944 + offset + i as u16);
		assert!(stdout.lines().any(|l| l.starts_with(name) && l.contains(&rpc)), "{stdout}");
	}
	for (name, port) in [("eve", 8480 + offset), ("ferdie", 8481 + offset)] {
		let plane = format!("http://127.0.0.1:{port}");
		assert!(stdout.lines().any(|l| l.starts_with(name) && l.contains(&plane)), "{stdout}");
	}
	assert!(stdout.contains("stopped;"), "every node stopped: {stdout}");
	// Nothing keeps running after the script.
	let leftover = Command::new("pgrep")
		.args(["-f", &dir.path().join("net").display().to_string()])
		.output()
		.expect("pgrep runs");
	assert!(leftover.stdout.is_empty(), "nodes left running: {:?}", leftover);
}

//! What a newcomer runs, run as it is written:
//!
//! - `scripts/local-net.sh --check` starts the `local` chain's four billing peers and two
//!   serving peers, registers the serving peers with the `spacebook` CLI, and checks that every
//!   node finalizes and the registry lists both data planes, then stops everything.
//! - README's quickstart, "From nothing to a served, paid file": its two shell blocks, taken
//!   from the README itself so that the two cannot drift apart, in a fresh home directory — a
//!   dev chain of 1-second rounds whose node serves as Eve's peer, Eve and a DApp registered, a
//!   file stored and downloaded, and Eve's settled reward explained by `spacebook reward`, checked
//!   against the chain's own `TrafficApi_explain_reward`.

use spacebook_e2e::*;
use std::{
	net::TcpListener,
	os::unix::process::CommandExt,
	path::PathBuf,
	process::{Child, Command, Stdio},
	time::{Duration, Instant},
};

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

/// The `sh` block that follows the README line `<!-- quickstart: terminal {n} ... -->`.
fn quickstart_block(readme: &str, terminal: u32) -> String {
	let marker = format!("<!-- quickstart: terminal {terminal}");
	let after =
		readme.split_once(&marker).unwrap_or_else(|| panic!("README has no {marker:?} line")).1;
	let block = after
		.split_once("```sh\n")
		.and_then(|(_, rest)| rest.split_once("```"))
		.unwrap_or_else(|| panic!("no ```sh block after {marker:?}"))
		.0;
	block.to_string()
}

/// A shell running a README block in a process group of its own, interrupted (as Ctrl-C does)
/// when dropped.
struct Terminal(Child);

impl Terminal {
	/// Send `signal` to the whole process group (the shell and the node it runs).
	fn signal(&self, signal: &str) {
		let _ = Command::new("kill")
			.args([format!("-{signal}"), "--".into(), format!("-{}", self.0.id())])
			.status();
	}

	fn interrupt(&mut self) -> Option<std::process::ExitStatus> {
		self.signal("INT");
		let deadline = Instant::now() + Duration::from_secs(30);
		while Instant::now() < deadline {
			if let Ok(Some(status)) = self.0.try_wait() {
				return Some(status);
			}
			std::thread::sleep(Duration::from_millis(100));
		}
		self.signal("KILL");
		let _ = self.0.wait();
		None
	}
}

impl Drop for Terminal {
	fn drop(&mut self) {
		if let Ok(None) = self.0.try_wait() {
			self.interrupt();
		}
	}
}

/// The amount in plancks of `"<digits>[.<digits>] SPB"`.
fn plancks(text: &str) -> u128 {
	let number = text.trim().strip_suffix(" SPB").unwrap_or_else(|| panic!("not SPB: {text:?}"));
	let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
	let decimals = spacebook_runtime::TOKEN_DECIMALS as usize;
	assert!(fraction.len() <= decimals, "{text:?} has more than {decimals} decimals");
	format!("{whole}{fraction:0<decimals$}").parse().unwrap_or_else(|_| panic!("{text:?}"))
}

#[test]
fn the_readme_quickstart_serves_a_paid_file_and_explains_the_reward() {
	phase("quickstart: README's first terminal starts a dev-fast chain serving as Eve's peer");
	let readme =
		std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../README.md"))
			.expect("README.md");
	let (terminal_1, terminal_2) = (quickstart_block(&readme, 1), quickstart_block(&readme, 2));
	// The quickstart uses the dev chain's default ports; the other end-to-end tests never do
	// (their ports come from `free_port` or an offset above them).
	for port in [9944, 9615, 8480, 30333] {
		assert!(
			TcpListener::bind(("127.0.0.1", port)).is_ok(),
			"port {port} is taken: the quickstart runs a dev chain on the default ports (is \
			 another dev chain running on this machine?)"
		);
	}
	let home = TempDir::new("quickstart");
	let binaries = node_binary().parent().expect("the binaries' directory").to_path_buf();
	assert_eq!(cli_binary().parent(), Some(binaries.as_path()), "node and CLI built together");
	let path = format!("{}:{}", binaries.display(), std::env::var("PATH").unwrap_or_default());
	let shell = |block: &str| {
		let mut command = Command::new("bash");
		command
			.args(["-euo", "pipefail", "-c", block])
			.current_dir(home.path())
			.env("HOME", home.path())
			.env("PATH", &path);
		for (name, _) in std::env::vars().filter(|(n, _)| n.starts_with("SPACEBOOK_")) {
			command.env_remove(name);
		}
		command
	};
	let log_path = artifacts_dir().join("quickstart-terminal-1.log");
	let log = std::fs::File::create(&log_path).expect("the terminal's log");
	let mut first = Terminal(
		shell(&terminal_1)
			.process_group(0)
			.stdin(Stdio::null())
			.stdout(log.try_clone().unwrap())
			.stderr(log)
			.spawn()
			.expect("bash starts"),
	);
	let rpc = Rpc { port: 9944 };
	let tail = || {
		let log = std::fs::read_to_string(&log_path).unwrap_or_default();
		log.lines()
			.rev()
			.take(40)
			.collect::<Vec<_>>()
			.into_iter()
			.rev()
			.collect::<Vec<_>>()
			.join("\n")
	};
	let deadline = Instant::now() + Duration::from_secs(120);
	loop {
		if let Ok(Some(status)) = first.0.try_wait() {
			panic!("the first terminal's commands stopped ({status}):\n{}", tail());
		}
		let finalized = rpc
			.call("chain_getFinalizedHead", serde_json::json!([]))
			.and_then(|hash| rpc.call("chain_getHeader", serde_json::json!([hash])))
			.ok()
			.and_then(|header| header["number"].as_str().map(str::to_string))
			.and_then(|n| u32::from_str_radix(n.trim_start_matches("0x"), 16).ok());
		if finalized.is_some_and(|n| n >= 2) {
			break;
		}
		assert!(Instant::now() < deadline, "no block finalized on port 9944:\n{}", tail());
		std::thread::sleep(Duration::from_millis(500));
	}

	phase("quickstart: README's second terminal registers, stores, downloads, explains the reward");
	// Within a deadline of its own, below the test's time limit (.config/nextest.toml): killed
	// by nextest, the test would leave the first terminal's node running on the default ports.
	let (out, err) = (home.path().join("terminal-2.out"), home.path().join("terminal-2.err"));
	let mut second = Terminal(
		shell(&terminal_2)
			.process_group(0)
			.stdin(Stdio::null())
			.stdout(std::fs::File::create(&out).unwrap())
			.stderr(std::fs::File::create(&err).unwrap())
			.spawn()
			.expect("bash starts"),
	);
	let deadline = Instant::now() + Duration::from_secs(420);
	let status = loop {
		if let Some(status) = second.0.try_wait().expect("the shell's status") {
			break status;
		}
		if Instant::now() >= deadline {
			second.interrupt();
			let so_far = std::fs::read_to_string(&out).unwrap_or_default();
			panic!("the second terminal ran past 420 s:\n{so_far}\n--- the first ---\n{}", tail());
		}
		std::thread::sleep(Duration::from_millis(250));
	};
	let stdout = std::fs::read_to_string(&out).unwrap_or_default();
	let stderr = std::fs::read_to_string(&err).unwrap_or_default();
	eprintln!("--- the second terminal ---\n{stdout}\n{stderr}");
	assert!(
		status.success(),
		"the second terminal's commands failed:\n{stdout}\n{stderr}\n--- the first ---\n{}",
		tail()
	);
	let copy = std::fs::read(home.path().join("spacebook-quickstart/demo.copy")).expect("a copy");
	let original = std::fs::read(home.path().join("spacebook-quickstart/demo.bin")).unwrap();
	assert_eq!(copy.len(), 8 << 20, "the downloaded copy is the whole 8 MiB file");
	assert!(copy == original, "the downloaded copy is byte for byte the file");

	// What `spacebook reward` printed is the chain's own explanation of a settled period.
	let line = |label: &str| {
		stdout
			.lines()
			.find_map(|l| l.strip_prefix(label))
			.unwrap_or_else(|| panic!("no {label:?} line in:\n{stdout}"))
			.trim()
			.to_string()
	};
	let period_line = line("period:");
	let period: u32 = period_line
		.strip_suffix(" (settled)")
		.unwrap_or_else(|| panic!("a settled period: {period_line:?}"))
		.parse()
		.expect("a period number");
	let reward_line = line("reward:");
	let printed = plancks(reward_line.split_once(" (").map_or(reward_line.as_str(), |(a, _)| a));
	let eve = sp_keyring::Sr25519Keyring::Eve.to_account_id();
	let explained = explain_reward(&rpc, &eve, period).expect("Eve's report of that period");
	assert!(explained.settled, "{explained:?}");
	assert!(matches!(explained.audit, pallet_traffic::AuditStatus::Passed { .. }), "{explained:?}");
	assert_eq!(printed, explained.reward, "the CLI prints the chain's reward");
	assert!(explained.reward > 0, "Eve was paid for the download: {explained:?}");
	// The download is the traffic: at most the file's 8 MiB in this period (all of it, unless
	// it straddled a period's end), every byte of it paid for by Ferdie's escrow and counted.
	assert!(0 < explained.reported && explained.reported <= 8 << 20, "{explained:?}");
	assert_eq!(explained.counted, explained.reported, "every reported byte counted");
	// Alone in the period, Eve's share of the emission is far above what Ferdie paid: the
	// wash-trading cap sets the reward, at most the fees.
	assert!(explained.capped && explained.reward <= explained.fees, "{explained:?}");
	assert!(line("audit:").starts_with("Passed"), "{stdout}");

	phase("quickstart: Ctrl-C in the first terminal stops the node");
	let status = first.interrupt().expect("the node stops within 30 s of SIGINT");
	assert!(status.success(), "the node exits cleanly on SIGINT: {status}\n{}", tail());
}

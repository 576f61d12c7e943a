//! Helpers for end-to-end tests: start a real `spacebook-node` on free loopback ports, talk to
//! it over JSON-RPC (HTTP), build signed transactions, and stop it with SIGINT.
//!
//! Every wait is bounded; a test that times out fails with a message and the tail of the node's
//! log.

use std::{
	io::{Read, Write},
	net::{TcpListener, TcpStream},
	path::{Path, PathBuf},
	process::{Child, Command, ExitStatus, Stdio},
	time::{Duration, Instant},
};

use codec::{Decode, Encode};
use serde_json::{json, Value};
use sp_core::{crypto::Pair as _, sr25519, H256};
use sp_runtime::generic::Era;
use spacebook_runtime::{
	AccountId, Address, Balance, BalancesCall, Nonce, Runtime, RuntimeCall, Signature,
	SignedPayload, TxExtension, UncheckedExtrinsic, VERSION,
};

/// The `node_modules` of the JavaScript clients that `scripts/setup.sh` installs.
pub fn js_modules() -> PathBuf {
	if let Ok(dir) = std::env::var("SPACEBOOK_JS_DIR") {
		return PathBuf::from(dir).join("node_modules");
	}
	let home = std::env::var("HOME").expect("HOME is set");
	PathBuf::from(home).join(".cache/spacebook/js/node_modules")
}

/// Run the JavaScript client `tests/js/<script>` with `args`; the JSON lines it printed, each
/// `{"check": …, …}`. Fails the test if it exits with an error.
pub fn run_js(script: &str, args: &[&str]) -> Vec<Value> {
	let modules = js_modules();
	assert!(
		modules.join("@polkadot/api").is_dir(),
		"@polkadot/api is not installed in {}: run scripts/setup.sh",
		modules.display()
	);
	let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("js").join(script);
	let output = Command::new("node")
		.arg(&script)
		.args(args)
		.env("NODE_PATH", &modules)
		.output()
		.expect("Node.js runs (scripts/setup.sh installs it)");
	let stdout = String::from_utf8_lossy(&output.stdout);
	assert!(
		output.status.success(),
		"the JavaScript client {} failed ({}):\n{stdout}\n{}",
		script.display(),
		output.status,
		String::from_utf8_lossy(&output.stderr)
	);
	stdout
		.lines()
		.map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
		.collect()
}

/// The series that the table under `### <table>` of docs/operators.md's "Metrics" section
/// lists (its first column, in backticks): the metrics tests' list, so that the docs and the
/// exporter cannot drift apart.
pub fn documented_metrics(table: &str) -> Vec<String> {
	let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/operators.md");
	let doc = std::fs::read_to_string(&path).expect("docs/operators.md");
	let section = doc.split("\n## Metrics").nth(1).expect("a Metrics section");
	let section = section.split("\n## ").next().unwrap_or(section);
	let table = section
		.split(&format!("\n### {table}"))
		.nth(1)
		.unwrap_or_else(|| panic!("a table \"{table}\" under Metrics in docs/operators.md"));
	let table = table.split("\n### ").next().unwrap_or(table);
	table
		.lines()
		.filter_map(|l| l.strip_prefix("| `spacebook_"))
		.filter_map(|l| l.split('`').next())
		.map(|name| format!("spacebook_{name}"))
		.collect()
}

/// Scrape the Prometheus exporter on `port` and check that it exports every series the
/// `table` of docs/operators.md lists (at least one). Returns the scrape.
pub fn assert_documented_metrics_exported(port: u16, table: &str) -> String {
	let scraped = http_get(port, "/metrics").expect("the Prometheus exporter answers");
	let listed = documented_metrics(table);
	assert!(!listed.is_empty(), "docs/operators.md lists no series under {table}");
	for name in &listed {
		assert!(
			scraped.lines().any(|l| l.starts_with(&format!("# HELP {name} "))),
			"{name} is documented ({table}) but not exported"
		);
	}
	scraped
}

/// The value of the sample of series `name` (with any labels) in a Prometheus scrape, the
/// sum over its samples if it has several (a labelled counter's children).
pub fn metric_value(scraped: &str, name: &str) -> Option<f64> {
	let samples: Vec<f64> = scraped
		.lines()
		.filter(|l| l.starts_with(&format!("{name}{{")) || l.starts_with(&format!("{name} ")))
		.filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
		.collect();
	(!samples.is_empty()).then(|| samples.iter().sum())
}

/// The node binary: `$SPACEBOOK_NODE_BIN`, else the debug build in the cargo target directory.
pub fn node_binary() -> PathBuf {
	workspace_binary("spacebook-node", "SPACEBOOK_NODE_BIN")
}

/// The `spacebook` CLI: `$SPACEBOOK_CLI_BIN`, else the debug build in the cargo target directory.
pub fn cli_binary() -> PathBuf {
	workspace_binary("spacebook", "SPACEBOOK_CLI_BIN")
}

/// The `spacebook` CLI run against a node as one account: what every end-to-end scenario that
/// drives the CLI shares.
#[derive(Clone, Debug)]
pub struct Cli {
	/// The node's WebSocket URL (`--url`).
	pub url: String,
	/// The signing account (`--suri`).
	pub suri: &'static str,
	/// Its DApp client key (`--client-key`), for the data-plane commands.
	pub client_key: Option<&'static str>,
}

impl Cli {
	/// The CLI as `suri` against the node at `url`.
	pub fn new(url: impl Into<String>, suri: &'static str) -> Self {
		Self { url: url.into(), suri, client_key: None }
	}

	/// The command with the connection and signing options, not run yet.
	pub fn command(&self) -> std::process::Command {
		let mut command = std::process::Command::new(cli_binary());
		command.args(["--url", &self.url, "--suri", self.suri]).env("RUST_LOG", "warn");
		if let Some(key) = self.client_key {
			command.args(["--client-key", key]);
		}
		command
	}

	/// Run with `args`, expecting a failure; its stderr.
	pub fn fails(&self, args: &[&str]) -> String {
		let output = self.command().args(args).output().expect("the CLI runs");
		assert!(!output.status.success(), "spacebook {args:?} succeeded");
		String::from_utf8_lossy(&output.stderr).into_owned()
	}

	/// Run with `args`; its stdout if it succeeds (its stderr is shown with the test's output).
	pub fn run(&self, args: &[&str]) -> Vec<u8> {
		let output = self.command().args(args).output().expect("the CLI runs");
		eprintln!("spacebook {args:?}: {}", String::from_utf8_lossy(&output.stderr));
		assert!(
			output.status.success(),
			"spacebook {args:?} failed: {}",
			String::from_utf8_lossy(&output.stderr)
		);
		output.stdout
	}

	/// [`Cli::run`], the output as text.
	pub fn run_text(&self, args: &[&str]) -> String {
		String::from_utf8(self.run(args)).expect("UTF-8 output")
	}
}

fn workspace_binary(name: &str, env: &str) -> PathBuf {
	if let Ok(path) = std::env::var(env) {
		return PathBuf::from(path);
	}
	let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
	let target = std::env::var("CARGO_TARGET_DIR")
		.map(PathBuf::from)
		.unwrap_or_else(|_| workspace.join("target"));
	let path = target.join("debug").join(name);
	assert!(
		path.exists(),
		"{} not found: run `cargo build --workspace --all-targets` (scripts/test.sh does; \
		 `-p` selections unify features differently and rebuild much) or set {env}",
		path.display()
	);
	path
}

/// Where end-to-end tests keep what a person may want to look at afterwards (the dashboard's
/// screenshot): `$SPACEBOOK_TEST_ARTIFACTS`, else `e2e-artifacts/` in the cargo target
/// directory. Created if missing.
pub fn artifacts_dir() -> PathBuf {
	let dir = std::env::var("SPACEBOOK_TEST_ARTIFACTS").map(PathBuf::from).unwrap_or_else(|_| {
		let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
		std::env::var("CARGO_TARGET_DIR")
			.map(PathBuf::from)
			.unwrap_or_else(|_| workspace.join("target"))
			.join("e2e-artifacts")
	});
	std::fs::create_dir_all(&dir).expect("the artifacts directory");
	dir
}

/// The built dashboard (`scripts/setup.sh` builds it into `dashboard/dist`).
pub fn dashboard_dir() -> PathBuf {
	let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../dashboard/dist");
	assert!(dir.join("index.html").is_file(), "the dashboard is not built: run scripts/setup.sh");
	dir
}

/// `plancks` as the dashboard shows SPB: at most four decimals, cut (not rounded), trailing
/// zeros dropped.
pub fn spb_text(plancks: Balance) -> String {
	let unit = spacebook_runtime::SPB;
	let fraction = (plancks % unit) * 10_000 / unit;
	if fraction == 0 {
		format!("{} SPB", plancks / unit)
	} else {
		let digits = format!("{fraction:04}");
		format!("{}.{} SPB", plancks / unit, digits.trim_end_matches('0'))
	}
}

/// A loopback port nobody listens on right now, for a server a test starts a moment later.
///
/// The port comes from below the kernel's ephemeral range
/// (`/proc/sys/net/ipv4/ip_local_port_range`): a port from inside it could be taken, between this
/// call and the server's bind, by any outgoing connection on the machine (every JSON-RPC call a
/// test makes opens one). Each process starts at its own offset so that concurrent test
/// processes rarely try the same port, and each candidate is checked by binding it.
pub fn free_port() -> u16 {
	use std::sync::atomic::{AtomicU32, Ordering};
	static NEXT: AtomicU32 = AtomicU32::new(0);
	const LOWEST: u32 = 10_000;
	let ephemeral_low = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
		.ok()
		.and_then(|range| range.split_whitespace().next()?.parse::<u32>().ok())
		.unwrap_or(32_768);
	if ephemeral_low > LOWEST + 1_000 {
		let span = ephemeral_low - LOWEST;
		let offset = std::process::id().wrapping_mul(7_919) % span;
		for _ in 0..span {
			let n = NEXT.fetch_add(1, Ordering::Relaxed);
			let port = (LOWEST + (offset + n.wrapping_mul(13)) % span) as u16;
			if TcpListener::bind(("127.0.0.1", port)).is_ok() {
				return port;
			}
		}
	}
	TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).unwrap()
}

/// The round length of the end-to-end tests' own chains: a third of the stock 3 s, so that a
/// 100-block ledgering period passes in 100 s. Gosig keeps up at 1 s rounds with four debug nodes
/// on two cores (docs/benchmarks.md, "Gosig finality").
pub const SHORT_ROUND_MS: u64 = 1_000;

/// The phase of a multi-phase scenario that is running now, named in every failure.
static PHASE: std::sync::Mutex<String> = std::sync::Mutex::new(String::new());

/// Enter phase `name` of a scenario that shares one chain between several checks: it is printed
/// (nextest shows it with a failing test's output), and any failure from now on, an assertion, a
/// timed-out wait or a panic in a helper, says which phase it failed in.
pub fn phase(name: &str) {
	static HOOK: std::sync::Once = std::sync::Once::new();
	HOOK.call_once(|| {
		let default = std::panic::take_hook();
		std::panic::set_hook(Box::new(move |info| {
			let phase = PHASE.lock().map(|p| p.clone()).unwrap_or_default();
			if !phase.is_empty() {
				eprintln!("*** failed in phase «{phase}»");
			}
			default(info)
		}));
	});
	eprintln!("=== phase: {name} (at {:?})", std::time::SystemTime::now());
	if let Ok(mut phase) = PHASE.lock() {
		*phase = name.to_string();
	}
}

/// The phase [`phase`] entered last.
pub fn current_phase() -> String {
	PHASE.lock().map(|p| p.clone()).unwrap_or_default()
}

/// Write the chain spec `base` (`dev` or `local`, from the node binary's genesis presets) with
/// Gosig rounds of `round_ms` into `dir`, and return its path: the genesis parameter
/// `gosig.roundDurationMs`, no runtime change. The spec keeps the preset's id, so the node treats
/// it as that chain with shorter rounds.
pub fn chain_spec_with_round(base: &str, round_ms: u64, dir: &Path) -> PathBuf {
	chain_spec_with(base, round_ms, &json!({}), dir)
}

/// [`chain_spec_with_round`], with `patch`'s pallets' genesis fields merged into the preset's
/// (e.g. `{"billingElections": {"eraLength": 20}}`).
pub fn chain_spec_with(base: &str, round_ms: u64, patch: &Value, dir: &Path) -> PathBuf {
	let output = Command::new(node_binary())
		.args(["export-chain-spec", "--chain", base])
		.stderr(Stdio::inherit())
		.output()
		.expect("the node binary runs");
	assert!(output.status.success(), "export-chain-spec --chain {base} failed");
	let mut spec: Value = serde_json::from_slice(&output.stdout).expect("a JSON chain spec");
	let preset = spec["genesis"]["runtimeGenesis"]["patch"]
		.as_object_mut()
		.expect("the spec carries its preset as a genesis patch");
	let gosig = preset.entry("gosig").or_insert_with(|| json!({}));
	gosig["roundDurationMs"] = json!(round_ms);
	for (pallet, fields) in patch.as_object().into_iter().flatten() {
		let entry = preset.entry(pallet.clone()).or_insert_with(|| json!({}));
		for (field, value) in fields.as_object().into_iter().flatten() {
			entry[field] = value.clone();
		}
	}
	let path = dir.join(format!("{base}-{round_ms}ms.json"));
	std::fs::write(&path, serde_json::to_vec_pretty(&spec).unwrap()).unwrap();
	path
}

/// A directory removed when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
	/// A new empty directory under the system's temporary directory.
	pub fn new(name: &str) -> Self {
		let nanos =
			std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
		let path = std::env::temp_dir()
			.join(format!("spacebook-e2e-{name}-{}-{nanos}", std::process::id()));
		std::fs::create_dir_all(&path).unwrap();
		Self(path)
	}

	/// Its path.
	pub fn path(&self) -> &Path {
		&self.0
	}
}

impl Drop for TempDir {
	fn drop(&mut self) {
		let _ = std::fs::remove_dir_all(&self.0);
	}
}

/// The IPv4 port of the JSON-RPC server named in a node's log line
/// `Running JSON-RPC server: addr=127.0.0.1:9944,[::1]:9944`.
pub fn rpc_port_in_log(log: &str) -> Option<u16> {
	let line = log.lines().find(|l| l.contains("Running JSON-RPC server: addr="))?;
	let addrs = line.split("addr=").nth(1)?.split_whitespace().next()?;
	addrs
		.split(',')
		.filter_map(|a| a.parse::<std::net::SocketAddr>().ok())
		.find(|a| a.is_ipv4())
		.map(|a| a.port())
}

/// A running `spacebook-node` on loopback ports.
pub struct Node {
	child: std::sync::Mutex<Option<Child>>,
	log: PathBuf,
	/// JSON-RPC client for the node.
	pub rpc: Rpc,
	/// Its peer-to-peer port.
	pub p2p_port: u16,
}

impl Node {
	/// Start `spacebook-node --dev` with its database in `base_path`.
	pub fn start_dev(base_path: &Path) -> Self {
		Self::start(base_path, &["--dev".to_string()], None)
	}

	/// Start `spacebook-node` with `args`, its database in `base_path`, on free loopback ports
	/// (or on `p2p_port`, to come back at the same address after a restart), and wait for its
	/// JSON-RPC server.
	///
	/// The JSON-RPC server binds a port of the kernel's choosing (`--rpc-port 0`) and the port is
	/// read from the node's log: a port chosen here could be taken before the node binds it, and
	/// the node then silently falls back to a random one.
	pub fn start(base_path: &Path, args: &[String], p2p_port: Option<u16>) -> Self {
		use std::sync::atomic::{AtomicU32, Ordering};
		static STARTED: AtomicU32 = AtomicU32::new(0);
		let p2p_port = p2p_port.unwrap_or_else(free_port);
		let log = base_path
			.join(format!("node-{p2p_port}-{}.log", STARTED.fetch_add(1, Ordering::Relaxed)));
		let log_file = std::fs::File::create(&log).unwrap();
		// Prometheus only where a test asks for it (`--prometheus-port`).
		let prometheus = args.iter().any(|a| a == "--prometheus-port");
		let child = Command::new(node_binary())
			.args(args)
			.args(["--no-telemetry", "--no-mdns"])
			.args((!prometheus).then_some("--no-prometheus"))
			.arg("--base-path")
			.arg(base_path)
			.args(["--rpc-port", "0"])
			.args(["--listen-addr", &format!("/ip4/127.0.0.1/tcp/{p2p_port}")])
			.stdout(Stdio::null())
			.stderr(log_file)
			.spawn()
			.expect("the node binary starts");
		let mut node =
			Self { child: std::sync::Mutex::new(Some(child)), log, rpc: Rpc { port: 0 }, p2p_port };
		node.rpc.port =
			node.wait_for("the JSON-RPC server's address", Duration::from_secs(120), |n| {
				rpc_port_in_log(&n.log())
			});
		node.wait_for("the JSON-RPC server", Duration::from_secs(120), |n| {
			n.rpc.call("system_health", json!([])).ok()
		});
		node
	}

	/// The whole log of the node so far.
	pub fn log(&self) -> String {
		std::fs::read_to_string(&self.log).unwrap_or_default()
	}

	/// The last `lines` lines of the node's log.
	pub fn log_tail(&self, lines: usize) -> String {
		let text = std::fs::read_to_string(&self.log).unwrap_or_default();
		let all: Vec<&str> = text.lines().collect();
		all[all.len().saturating_sub(lines)..].join("\n")
	}

	/// Poll `f` every 250 ms until it returns `Some`, or fail after `timeout`.
	pub fn wait_for<T>(
		&self,
		what: &str,
		timeout: Duration,
		mut f: impl FnMut(&Self) -> Option<T>,
	) -> T {
		let start = Instant::now();
		loop {
			if let Some(v) = f(self) {
				return v;
			}
			if let Some(status) = self.exit_status() {
				panic!(
					"the node exited ({status}) while waiting for {what}; log:\n{}",
					self.log_tail(40)
				);
			}
			assert!(
				start.elapsed() < timeout,
				"timed out after {timeout:?} waiting for {what} (phase «{}»); node log:\n{}",
				current_phase(),
				self.log_tail(40)
			);
			std::thread::sleep(Duration::from_millis(250));
		}
	}

	/// The node's exit status, if it has exited.
	pub fn exit_status(&self) -> Option<ExitStatus> {
		let mut child = self.child.lock().unwrap();
		child.as_mut().and_then(|c| c.try_wait().ok().flatten())
	}

	/// Kill the node at once (SIGKILL), as a crash would.
	pub fn kill(self) {
		let mut child = self.child.lock().unwrap().take().expect("running");
		let _ = child.kill();
		let _ = child.wait();
	}

	/// Send SIGINT, wait for the node to exit, and assert that it exited cleanly; a failure
	/// shows the end of its log.
	pub fn stop_cleanly(self, name: &str) {
		let log = self.log.clone();
		let status = self.stop_with_sigint();
		if !status.success() {
			let text = std::fs::read_to_string(&log).unwrap_or_default();
			let tail: Vec<&str> = text.lines().rev().take(60).collect();
			panic!(
				"{name} exit status {status:?} (phase «{}»); log:\n{}",
				current_phase(),
				tail.into_iter().rev().collect::<Vec<_>>().join("\n")
			);
		}
	}

	/// Send SIGINT and wait (at most 60 s) for the node to exit.
	pub fn stop_with_sigint(self) -> ExitStatus {
		let mut child = self.child.lock().unwrap().take().expect("running");
		let sent = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
		assert!(sent.success(), "kill -INT failed");
		let start = Instant::now();
		loop {
			if let Some(status) = child.try_wait().unwrap() {
				return status;
			}
			if start.elapsed() > Duration::from_secs(60) {
				let _ = child.kill();
				panic!("the node did not stop within 60 s of SIGINT; log:\n{}", self.log_tail(40));
			}
			std::thread::sleep(Duration::from_millis(100));
		}
	}

	/// The number of the finalized head.
	pub fn finalized_number(&self) -> u32 {
		let hash = self.rpc.call("chain_getFinalizedHead", json!([])).unwrap();
		self.header_number(&hash)
	}

	/// The number of the best head.
	pub fn best_number(&self) -> u32 {
		let header = self.rpc.call("chain_getHeader", json!([])).unwrap();
		parse_number(&header["number"])
	}

	/// The number of the block `hash`.
	pub fn header_number(&self, hash: &Value) -> u32 {
		let header = self.rpc.call("chain_getHeader", json!([hash])).unwrap();
		parse_number(&header["number"])
	}

	/// The hash of block `number` in the best chain.
	pub fn block_hash(&self, number: u32) -> Value {
		self.rpc.call("chain_getBlockHash", json!([number])).unwrap()
	}

	/// The hashes of the finalized blocks `1..=up_to` (the best chain is the finalized chain
	/// up to the finalized head).
	pub fn finalized_hashes(&self, up_to: u32) -> Vec<String> {
		(1..=up_to).map(|n| self.block_hash(n).as_str().unwrap_or_default().to_string()).collect()
	}
}

pub mod load;
pub mod local_net;

impl Drop for Node {
	fn drop(&mut self) {
		let child = self.child.get_mut().map(Option::take).unwrap_or(None);
		if let Some(mut child) = child {
			if std::thread::panicking() {
				eprintln!("--- node log tail ---\n{}", self.log_tail(60));
			}
			let _ = child.kill();
			let _ = child.wait();
		}
	}
}

/// The body of `GET path` from an HTTP server on loopback `port` (a node's Prometheus
/// exporter).
pub fn http_get(port: u16, path: &str) -> Result<String, String> {
	use std::io::{Read, Write};
	let mut stream =
		std::net::TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
	stream.set_read_timeout(Some(Duration::from_secs(10))).map_err(|e| e.to_string())?;
	write!(stream, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
		.map_err(|e| e.to_string())?;
	let mut response = String::new();
	stream.read_to_string(&mut response).map_err(|e| e.to_string())?;
	let (head, body) = response.split_once("\r\n\r\n").ok_or("no HTTP head")?;
	if !head.starts_with("HTTP/1.1 200") {
		return Err(head.lines().next().unwrap_or_default().to_string());
	}
	Ok(if head.to_ascii_lowercase().contains("transfer-encoding: chunked") {
		dechunk(body)
	} else {
		body.to_string()
	})
}

/// A hex number such as `"0x1a"`.
pub fn parse_number(v: &Value) -> u32 {
	let s = v.as_str().unwrap_or_else(|| panic!("not a hex number: {v}"));
	u32::from_str_radix(s.trim_start_matches("0x"), 16).unwrap()
}

/// Decode a `0x`-prefixed hex string.
pub fn from_hex(s: &str) -> Vec<u8> {
	let s = s.trim_start_matches("0x");
	(0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

/// Encode bytes as `0x`-prefixed hex.
pub fn to_hex(bytes: &[u8]) -> String {
	let mut s = String::with_capacity(2 + bytes.len() * 2);
	s.push_str("0x");
	for b in bytes {
		s.push_str(&format!("{b:02x}"));
	}
	s
}

/// A minimal blocking JSON-RPC client over HTTP/1.1 on loopback.
pub struct Rpc {
	/// The node's RPC port.
	pub port: u16,
}

impl Rpc {
	/// Call `method` with `params`; `Err` carries a transport or JSON-RPC error.
	pub fn call(&self, method: &str, params: Value) -> Result<Value, String> {
		let body =
			json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).to_string();
		let mut stream = TcpStream::connect(("127.0.0.1", self.port)).map_err(|e| e.to_string())?;
		stream.set_read_timeout(Some(Duration::from_secs(30))).map_err(|e| e.to_string())?;
		let request = format!(
			"POST / HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Type: application/json\r\n\
			 Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
			self.port,
			body.len()
		);
		stream.write_all(request.as_bytes()).map_err(|e| e.to_string())?;
		let mut response = Vec::new();
		stream.read_to_end(&mut response).map_err(|e| e.to_string())?;
		let text = String::from_utf8_lossy(&response);
		let (head, body) = text.split_once("\r\n\r\n").ok_or("malformed HTTP response")?;
		let body = if head.to_ascii_lowercase().contains("transfer-encoding: chunked") {
			dechunk(body)
		} else {
			body.to_string()
		};
		let value: Value = serde_json::from_str(&body).map_err(|e| format!("{e}: {body}"))?;
		if let Some(error) = value.get("error") {
			return Err(format!("{method}: {error}"));
		}
		Ok(value["result"].clone())
	}
}

fn dechunk(body: &str) -> String {
	let mut out = String::new();
	let mut rest = body;
	while let Some((size, tail)) = rest.split_once("\r\n") {
		let size = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
		if size == 0 {
			break;
		}
		out.push_str(&tail[..size]);
		rest = tail[size..].trim_start_matches("\r\n");
	}
	out
}

/// A signed `Balances::transfer_keep_alive` of `amount` from `from` to `to`, immortal.
pub fn signed_transfer(
	from: &sr25519::Pair,
	to: AccountId,
	amount: Balance,
	nonce: Nonce,
	genesis_hash: H256,
) -> UncheckedExtrinsic {
	let call =
		RuntimeCall::Balances(BalancesCall::transfer_keep_alive { dest: to.into(), value: amount });
	signed_transaction(from, call, nonce, genesis_hash)
}

/// A signed, immortal transaction of `call` by `from` with `nonce`, for the chain with
/// `genesis_hash`.
pub fn signed_transaction(
	from: &sr25519::Pair,
	call: RuntimeCall,
	nonce: Nonce,
	genesis_hash: H256,
) -> UncheckedExtrinsic {
	let tx_ext: TxExtension = (
		frame_system::AuthorizeCall::<Runtime>::new(),
		frame_system::CheckNonZeroSender::<Runtime>::new(),
		frame_system::CheckSpecVersion::<Runtime>::new(),
		frame_system::CheckTxVersion::<Runtime>::new(),
		frame_system::CheckGenesis::<Runtime>::new(),
		frame_system::CheckEra::<Runtime>::from(Era::Immortal),
		frame_system::CheckNonce::<Runtime>::from(nonce),
		frame_system::CheckWeight::<Runtime>::new(),
		pallet_transaction_payment::ChargeTransactionPayment::<Runtime>::from(0),
		frame_metadata_hash_extension::CheckMetadataHash::<Runtime>::new(false),
		frame_system::WeightReclaim::<Runtime>::new(),
	);
	let implicit = (
		(),
		(),
		VERSION.spec_version,
		VERSION.transaction_version,
		genesis_hash,
		genesis_hash,
		(),
		(),
		(),
		None,
		(),
	);
	let payload = SignedPayload::from_raw(call.clone(), tx_ext.clone(), implicit);
	let signature = payload.using_encoded(|bytes| from.sign(bytes));
	let signer: AccountId = from.public().into();
	UncheckedExtrinsic::new_signed(call, Address::Id(signer), Signature::Sr25519(signature), tx_ext)
}

/// The storage key of `System::Account(who)`.
pub fn account_storage_key(who: &AccountId) -> Vec<u8> {
	let mut key = sp_crypto_hashing::twox_128(b"System").to_vec();
	key.extend(sp_crypto_hashing::twox_128(b"Account"));
	key.extend(sp_crypto_hashing::blake2_128(who.as_ref()));
	key.extend(who.encode());
	key
}

/// The free balance of `who` at the best block (0 for an account that does not exist).
pub fn free_balance(rpc: &Rpc, who: &AccountId) -> Balance {
	let key = to_hex(&account_storage_key(who));
	let value = rpc.call("state_getStorage", json!([key])).unwrap();
	match value.as_str() {
		None => 0,
		Some(hex) => {
			let info =
				frame_system::AccountInfo::<Nonce, pallet_balances::AccountData<Balance>>::decode(
					&mut &from_hex(hex)[..],
				)
				.unwrap();
			info.data.free
		}
	}
}

/// The free balance of `who` in the state of block `at` (a hash, as JSON).
pub fn free_balance_at(rpc: &Rpc, who: &AccountId, at: &Value) -> Balance {
	let key = to_hex(&account_storage_key(who));
	let value = rpc.call("state_getStorage", json!([key, at])).unwrap();
	value.as_str().map_or(0, |hex| {
		frame_system::AccountInfo::<Nonce, pallet_balances::AccountData<Balance>>::decode(
			&mut &from_hex(hex)[..],
		)
		.expect("account info decodes")
		.data
		.free
	})
}

/// `TrafficApi_explain_reward(who, period)` at the node's best block.
pub fn explain_reward(
	rpc: &Rpc,
	who: &AccountId,
	period: u32,
) -> Option<pallet_traffic::RewardExplanation<Balance>> {
	let args = (who, period).encode();
	let result = rpc
		.call("state_call", json!(["TrafficApi_explain_reward", to_hex(&args)]))
		.expect("the runtime API answers");
	Option::decode(&mut &from_hex(result.as_str().unwrap())[..]).expect("decodes")
}

/// The ledgering period of the node's best block (`TokenApi_current_period`).
pub fn current_period(node: &Node) -> u32 {
	let period = node.rpc.call("state_call", json!(["TokenApi_current_period", "0x"])).unwrap();
	u32::decode(&mut &from_hex(period.as_str().unwrap())[..]).unwrap()
}

/// Put `who`'s peer key (`//{who}//spacebook-peer`) into `node`'s keystore, as an operator does
/// with `key insert`, and return it with the call that registers `who` as a professional peer
/// (1 TiB, 1 Gbit/s, 8 cores, in Singapore) whose data plane listens at `endpoint`.
pub fn professional_registration(
	node: &Node,
	who: &str,
	endpoint: &str,
) -> (pallet_peers::crypto::PeerKey, RuntimeCall) {
	let singapore =
		pallet_peers::Location { region: *b"SG", latitude: 1_352_083, longitude: 103_819_836 };
	professional_registration_of(node, who, endpoint, 1_024, singapore)
}

/// [`professional_registration`] declaring `storage_gib` of storage at `location`: what the
/// scheduling rule weighs (`docs/scheduling.md`).
pub fn professional_registration_of(
	node: &Node,
	who: &str,
	endpoint: &str,
	storage_gib: u32,
	location: pallet_peers::Location,
) -> (pallet_peers::crypto::PeerKey, RuntimeCall) {
	let suri = format!("//{who}//spacebook-peer");
	let peer_pair = sr25519::Pair::from_string(&suri, None).expect("a valid derivation");
	node.rpc
		.call("author_insertKey", json!(["spbp", suri, to_hex(peer_pair.public().as_ref())]))
		.expect("the key is inserted");
	let peer_key = pallet_peers::crypto::PeerKey::from(peer_pair.public());
	let call = RuntimeCall::Peers(pallet_peers::Call::register_professional {
		peer_key: peer_key.clone(),
		declaration: pallet_peers::ProfessionalDeclaration {
			resources: pallet_peers::Resources { storage_gib, bandwidth_mbps: 1_000, cpu_cores: 8 },
			location,
			endpoint: endpoint.as_bytes().to_vec().try_into().expect("a short endpoint"),
		},
	});
	(peer_key, call)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn the_rpc_port_is_read_from_the_servers_log_line() {
		let log = "2026-11-26 08:28:06 Local node identity is: 12D3Koo\n\
		           2026-11-26 08:28:06 Running JSON-RPC server: addr=127.0.0.1:41235,[::1]:40111    \n";
		assert_eq!(rpc_port_in_log(log), Some(41235));
		let single = "x Running JSON-RPC server: addr=127.0.0.1:9944,\n";
		assert_eq!(rpc_port_in_log(single), Some(9944));
		assert_eq!(rpc_port_in_log("2026-11-26 Idle (0 peers)\n"), None);
	}

	#[test]
	fn free_ports_are_outside_the_ephemeral_range_and_distinct() {
		let low = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
			.ok()
			.and_then(|r| r.split_whitespace().next()?.parse::<u16>().ok());
		let ports: Vec<u16> = (0..20).map(|_| free_port()).collect();
		for port in &ports {
			assert!(TcpListener::bind(("127.0.0.1", *port)).is_ok(), "port {port} is free");
			if let Some(low) = low.filter(|l| *l > 11_000) {
				assert!(*port < low, "port {port} is below the ephemeral range from {low}");
			}
		}
		let mut distinct = ports.clone();
		distinct.sort();
		distinct.dedup();
		assert_eq!(distinct.len(), ports.len(), "successive calls give distinct ports");
	}

	#[test]
	fn spb_text_is_the_dashboards_format() {
		let spb = spacebook_runtime::SPB;
		assert_eq!(spb_text(0), "0 SPB");
		assert_eq!(spb_text(12 * spb), "12 SPB");
		assert_eq!(spb_text(5 * spb / 2), "2.5 SPB");
		assert_eq!(spb_text(spb / 3), "0.3333 SPB", "cut at four decimals");
		assert_eq!(spb_text(spb / 20_000), "0 SPB");
	}

	#[test]
	fn the_grafana_dashboard_uses_every_documented_series_and_no_other() {
		let path =
			PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ops/grafana/spacebook-node.json");
		let dashboard: Value =
			serde_json::from_str(&std::fs::read_to_string(&path).expect("the dashboard")).unwrap();
		let mut queried = std::collections::BTreeSet::new();
		for panel in dashboard["panels"].as_array().expect("panels") {
			for target in panel["targets"].as_array().into_iter().flatten() {
				let expr = target["expr"].as_str().expect("a query");
				let mut rest = expr;
				while let Some(at) = rest.find("spacebook_") {
					let name: String = rest[at..]
						.chars()
						.take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
						.collect();
					let base = ["_bucket", "_sum", "_count"]
						.iter()
						.find_map(|suffix| name.strip_suffix(suffix))
						.unwrap_or(&name)
						.to_string();
					queried.insert(base);
					rest = &rest[at + name.len()..];
				}
			}
		}
		let documented: std::collections::BTreeSet<String> =
			["Every node", "Serving peers", "Scheduling peers patrolling"]
				.iter()
				.flat_map(|table| documented_metrics(table))
				.collect();
		assert!(documented.len() >= 20, "{documented:?}");
		let undocumented: Vec<_> = queried.difference(&documented).collect();
		assert!(undocumented.is_empty(), "queried but not documented: {undocumented:?}");
		let unshown: Vec<_> = documented.difference(&queried).collect();
		assert!(unshown.is_empty(), "documented but on no panel: {unshown:?}");
	}
}

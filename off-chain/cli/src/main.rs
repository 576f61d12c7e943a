//! `spacebook`: a DApp's and an operator's everyday command line.
//!
//! ```text
//! spacebook key generate | key inspect <SURI>
//! spacebook balance [ADDRESS]                 spacebook transfer <TO> <AMOUNT_SPB>
//! spacebook peers
//! spacebook file add <PATH> [--address NAME] [--peer URL]...
//! spacebook file info <HASH> | file info --address NAME
//! spacebook file get <HASH> [--range A-B] [-o PATH] [--peer URL]...
//! spacebook vpn --listen 127.0.0.1:1080 [--peer URL]
//! spacebook reward [ADDRESS] [--period N] [--wait SECONDS]
//! spacebook pricing [show] | pricing dapp [ADDRESS]
//! spacebook pricing lease <N> | pricing top-up | pricing end-lease | pricing fund <AMOUNT_SPB>
//! spacebook billing [show] | billing candidates | billing votes [ADDRESS] | billing vote ...
//! spacebook committee [show] | committee candidates | committee ballot [ADDRESS]
//! spacebook committee nominate <CANDIDATE> | sign-up | support ... | vote ... | withdraw
//! spacebook committee motions | propose [--major] <PALLET> <CALL> [ARG]... | aye | nay | close
//! spacebook committee propose-upgrade <WASM> | apply-upgrade <WASM>
//! ```
//!
//! Accounts sign with `--suri` (a secret phrase or URI such as `//Alice`; or `--suri-file`).
//! File and VPN commands act for a DApp (`--dapp`, by default the `--suri` account) and sign
//! traffic receipts with one of its client keys (`--client-key`). Serving peers are the
//! `--peer` endpoints, or every active professional peer in the chain's registry.

mod billing;
mod chain;
mod cli;
mod committee;
mod patrol;
mod peer;
mod pricing;
mod reward;
mod storage;
mod tasks;

use clap::Parser;
use cli::{Cli, Command, FileCommand, KeyCommand};
use sp_core::{
	crypto::{AccountId32, Ss58AddressFormat, Ss58Codec},
	sr25519, Pair,
};
use spacebook_sdk::{ChainRpc, Client, DownloadOptions, Endpoint, HashIndex};
use std::{fmt, path::Path, process::ExitCode};

/// Spacebook's SS58 address prefix (the runtime's `SS58Prefix`).
const SS58_PREFIX: u16 = 7272;
/// Decimals of SPB.
const DECIMALS: u32 = 12;

/// A failure, reported as `error: <message>` with exit status 1.
#[derive(Debug)]
pub struct Failure(String);

impl Failure {
	/// A failure with `message`.
	pub fn new(message: impl Into<String>) -> Self {
		Failure(message.into())
	}

	/// A failure talking to the chain.
	pub fn chain(e: impl fmt::Display) -> Self {
		Failure(format!("chain: {e}"))
	}
}

impl fmt::Display for Failure {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		f.write_str(&self.0)
	}
}

impl From<spacebook_sdk::Error> for Failure {
	fn from(e: spacebook_sdk::Error) -> Self {
		Failure(e.to_string())
	}
}

impl From<std::io::Error> for Failure {
	fn from(e: std::io::Error) -> Self {
		Failure(e.to_string())
	}
}

/// Parse an amount of SPB with up to 12 decimals into plancks.
pub fn parse_amount(s: &str) -> Result<u128, Failure> {
	let bad = || Failure::new(format!("{s:?} is not an amount of SPB (e.g. 12.5)"));
	let (whole, fraction) = s.trim().split_once('.').unwrap_or((s.trim(), ""));
	if whole.is_empty() && fraction.is_empty() {
		return Err(bad());
	}
	if !whole.chars().all(|c| c.is_ascii_digit()) || !fraction.chars().all(|c| c.is_ascii_digit()) {
		return Err(bad());
	}
	if fraction.len() > DECIMALS as usize {
		return Err(Failure::new(format!("{s}: SPB has at most {DECIMALS} decimals")));
	}
	let whole: u128 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| bad())? };
	let scale = 10u128.pow(DECIMALS);
	let fraction_plancks: u128 = if fraction.is_empty() {
		0
	} else {
		fraction.parse::<u128>().map_err(|_| bad())? * 10u128.pow(DECIMALS - fraction.len() as u32)
	};
	whole
		.checked_mul(scale)
		.and_then(|w| w.checked_add(fraction_plancks))
		.ok_or_else(|| Failure::new(format!("{s}: too large")))
}

/// Format plancks as SPB.
pub fn format_amount(plancks: u128) -> String {
	let scale = 10u128.pow(DECIMALS);
	let fraction = format!("{:012}", plancks % scale);
	let fraction = fraction.trim_end_matches('0');
	if fraction.is_empty() {
		format!("{} SPB", plancks / scale)
	} else {
		format!("{}.{fraction} SPB", plancks / scale)
	}
}

/// The address a file is uploaded under: `address` if given, else the file's name.
pub fn address_of(path: &std::path::Path, address: Option<&str>) -> Result<String, Failure> {
	match address {
		Some(address) => Ok(address.to_owned()),
		None => path
			.file_name()
			.and_then(|n| n.to_str())
			.map(str::to_owned)
			.ok_or_else(|| Failure::new(format!("{path:?} has no file name: give --address"))),
	}
}

/// Parse an account: an SS58 address (any prefix) or 32 bytes of hex.
pub fn parse_account(s: &str) -> Result<AccountId32, Failure> {
	if let Some(hex) = s.strip_prefix("0x") {
		let mut raw = [0u8; 32];
		if hex::decode_to_slice(hex, &mut raw).is_ok() {
			return Ok(AccountId32::new(raw));
		}
	}
	AccountId32::from_ss58check_with_version(s)
		.map(|(account, _)| account)
		.map_err(|e| Failure::new(format!("{s:?} is not an account address: {e:?}")))
}

/// The account at `address`, else the --suri account's.
pub fn account_or_suri(cli: &Cli, address: Option<&String>) -> Result<AccountId32, Failure> {
	match address {
		Some(address) => parse_account(address),
		None => Ok(AccountId32::from(pair(&secret(cli)?, "--suri")?.public())),
	}
}

/// Parse `A-B` (inclusive) or `A-` into `(start, end)`, `-1` for "to the end".
pub fn parse_range(s: &str) -> Result<(i64, i64), Failure> {
	let bad = || Failure::new(format!("{s:?} is not a byte range (A-B or A-)"));
	let (a, b) = s.split_once('-').ok_or_else(bad)?;
	let start: i64 = a.trim().parse().map_err(|_| bad())?;
	let end: i64 = if b.trim().is_empty() { -1 } else { b.trim().parse().map_err(|_| bad())? };
	if start < 0 || (end != -1 && end < start) {
		return Err(bad());
	}
	Ok((start, end))
}

/// A secret phrase or URI from a file: plain text, or a keystore file's JSON string.
fn secret_from_file(path: &Path) -> Result<String, Failure> {
	let raw = std::fs::read_to_string(path)
		.map_err(|e| Failure::new(format!("cannot read {}: {e}", path.display())))?;
	let trimmed = raw.trim();
	Ok(serde_json::from_str::<String>(trimmed).unwrap_or_else(|_| trimmed.to_owned()))
}

pub(crate) fn secret(cli: &Cli) -> Result<String, Failure> {
	if let Some(path) = &cli.suri_file {
		return secret_from_file(path);
	}
	cli.suri
		.clone()
		.ok_or_else(|| Failure::new("name the signing account with --suri or --suri-file"))
}

pub(crate) fn pair(suri: &str, what: &str) -> Result<sr25519::Pair, Failure> {
	sr25519::Pair::from_string(suri, None)
		.map_err(|e| Failure::new(format!("{what} is not a valid secret URI: {e:?}")))
}

pub(crate) fn keypair(suri: &str) -> Result<subxt_signer::sr25519::Keypair, Failure> {
	let uri: subxt_signer::SecretUri =
		suri.parse().map_err(|e| Failure::new(format!("not a valid secret URI: {e}")))?;
	subxt_signer::sr25519::Keypair::from_uri(&uri)
		.map_err(|e| Failure::new(format!("not a valid secret URI: {e}")))
}

/// A DApp client for the `--peer`s named, else — for a file, `file` — the peers the chain
/// placed it on (its confirmed holders), else the active professional peers the chain lists.
async fn dapp_client(
	cli: &Cli,
	peers: &[String],
	file: Option<&HashIndex>,
) -> Result<Client, Failure> {
	let client_key = match (&cli.client_key, &cli.client_key_file) {
		(Some(suri), _) => pair(suri, "--client-key")?,
		(None, Some(path)) => pair(&secret_from_file(path)?, "--client-key-file")?,
		(None, None) => {
			return Err(Failure::new(
				"name the DApp's client key with --client-key or --client-key-file",
			))
		}
	};
	let dapp = account_or_suri(cli, cli.dapp.as_ref())?;
	if peers.is_empty() {
		let found = match file {
			// Its holders, or the active professional peers the chain lists if nobody holds it
			// by an order.
			Some(hash) => Client::from_holders(&cli.url, dapp, client_key, hash).await,
			// The active professional peers the chain lists.
			None => Client::from_chain(&cli.url, dapp, client_key).await,
		};
		return found.map_err(|e| match e {
			spacebook_sdk::Error::NoRegisteredPeers => {
				Failure::new(format!("{e}; name peers with --peer"))
			}
			e => e.into(),
		});
	}
	let named = peers.iter().map(|p| Endpoint::parse(p)).collect::<Result<Vec<_>, _>>()?;
	// The chain's period bounds the periods receipts are signed for, whatever the peers say.
	let chain = spacebook_sdk::ChainRpc::new(&cli.url)?;
	Ok(Client::connect(dapp, client_key, &named, None).await?.with_chain(chain))
}

fn progress(total: u64, what: &str) -> indicatif::ProgressBar {
	let bar = indicatif::ProgressBar::with_draw_target(
		Some(total),
		indicatif::ProgressDrawTarget::stderr(),
	);
	bar.set_style(
		indicatif::ProgressStyle::with_template(
			"{msg} [{bar:30}] {bytes}/{total_bytes} {binary_bytes_per_sec} {eta}",
		)
		.expect("valid template")
		.progress_chars("=> "),
	);
	bar.set_message(what.to_owned());
	bar
}

/// The slices of `path` that already hold the right bytes of a whole-file download.
fn slices_present(
	path: &Path,
	info: &spacebook_sdk::FileInfo,
	hashes: &[spacebook_sdk::content::Digest],
) -> Vec<u64> {
	use std::io::Read;
	let Ok(mut file) = std::fs::File::open(path) else { return Vec::new() };
	if file.metadata().map(|m| m.len()).unwrap_or(0) != info.length {
		return Vec::new();
	}
	let mut present = Vec::new();
	let mut buf = vec![0u8; info.slice_size as usize];
	for (index, expected) in hashes.iter().enumerate() {
		let (a, b) = spacebook_sdk::content::slice_range(index as u64, info.length);
		let n = (b - a) as usize;
		if file.read_exact(&mut buf[..n]).is_err() {
			break;
		}
		if spacebook_sdk::content::slice_hash(&buf[..n]) == *expected {
			present.push(index as u64);
		}
	}
	present
}

async fn file_get(
	cli: &Cli,
	hash: &str,
	range: Option<&str>,
	output: Option<&Path>,
	peers: &[String],
) -> Result<(), Failure> {
	use std::io::{Seek, SeekFrom, Write};
	let hash: HashIndex = hash.parse().map_err(|e| Failure::new(format!("{hash}: {e}")))?;
	let (start, end) = match range {
		Some(range) => parse_range(range)?,
		None => (-1, -1),
	};
	let client = dapp_client(cli, peers, Some(&hash)).await?;
	let mut options = DownloadOptions::default();
	// Resume a whole-file download into an existing output file.
	if let (Some(path), None) = (output, range) {
		let (info, hashes) = client.query_slices(&hash).await?;
		options.skip_slices = slices_present(path, &info, &hashes);
		if !options.skip_slices.is_empty() {
			eprintln!(
				"resuming: {} of {} slices already present",
				options.skip_slices.len(),
				info.slice_count
			);
		}
	}
	let mut download = client.start_download_with(&hash, start, end, options.clone()).await?;
	let (first, last) = download.range();
	let bar = progress(last - first, "get");
	let skipped: u64 = options
		.skip_slices
		.iter()
		.map(|s| {
			let (a, b) = spacebook_sdk::content::slice_range(*s, download.info().length);
			b - a
		})
		.sum();
	bar.inc(skipped);
	// The transfer ends (done, failed, or Ctrl-C), then the download is stopped, which sends the
	// receipts for every byte that arrived: the serving peers are paid for them in every case.
	let transfer = async {
		match output {
			Some(path) => {
				let named = |e: std::io::Error| Failure::new(format!("{}: {e}", path.display()));
				let mut file = std::fs::OpenOptions::new()
					.create(true)
					.write(true)
					.truncate(false)
					.open(path)
					.map_err(named)?;
				file.set_len(last - first).map_err(named)?;
				while let Some(chunk) = download.receive().await {
					let chunk = chunk?;
					file.seek(SeekFrom::Start(chunk.offset - first)).map_err(named)?;
					file.write_all(&chunk.data).map_err(named)?;
					bar.inc(chunk.data.len() as u64);
				}
				file.sync_all().map_err(named)?;
			}
			None => {
				let mut stdout = std::io::stdout().lock();
				while let Some(data) = download.receive_in_order().await {
					let data = data?;
					stdout.write_all(&data)?;
					bar.inc(data.len() as u64);
				}
				stdout.flush()?;
			}
		}
		Ok::<(), Failure>(())
	};
	let outcome = tokio::select! {
		outcome = transfer => outcome,
		_ = tokio::signal::ctrl_c() => Err(Failure::new("interrupted (Ctrl-C); the bytes that arrived are receipted")),
	};
	bar.finish_and_clear();
	match outcome {
		Ok(()) => download.finish().await,
		Err(_) => download.stop().await,
	}
	outcome
}

async fn run(cli: Cli) -> Result<(), Failure> {
	match &cli.command {
		Command::Key { command: KeyCommand::Generate } => {
			let (pair, phrase, _) = sr25519::Pair::generate_with_phrase(None);
			println!("secret phrase: {phrase}");
			println!("address:       {}", pair.public().to_ss58check());
			println!("public key:    0x{}", hex::encode(pair.public()));
		}
		Command::Key { command: KeyCommand::Inspect { suri } } => {
			let pair = pair(suri, "the secret URI")?;
			println!("address:    {}", pair.public().to_ss58check());
			println!("public key: 0x{}", hex::encode(pair.public()));
		}
		Command::Balance { address } => {
			let who = match address {
				Some(address) => parse_account(address)?,
				None => AccountId32::from(pair(&secret(&cli)?, "--suri")?.public()),
			};
			let api = chain::connect(&cli.url).await?;
			let b = chain::balances(&api, &who).await?;
			println!("account:       {who}");
			println!("free:          {}", format_amount(b.free));
			println!("transferable:  {}", format_amount(b.free.saturating_sub(b.frozen)));
			println!("on hold:       {}", format_amount(b.reserved));
			println!("frozen:        {}", format_amount(b.frozen));
		}
		Command::Transfer { to, amount } => {
			let to = parse_account(to)?;
			let amount = parse_amount(amount)?;
			let signer = keypair(&secret(&cli)?)?;
			let api = chain::connect(&cli.url).await?;
			let hash = chain::transfer(&api, &signer, &to, amount).await?;
			println!("transferred {} to {to} (extrinsic {hash})", format_amount(amount));
		}
		Command::Pricing { command } => {
			pricing::run(&cli, command.as_ref().unwrap_or(&cli::PricingCommand::Show)).await?;
		}
		Command::Storage { command } => storage::run(&cli, command).await?,
		Command::Patrol { command } => {
			patrol::run(&cli, command.as_ref().unwrap_or(&cli::PatrolCommand::Show)).await?;
		}
		Command::Committee { command } => {
			committee::run(&cli, command.as_ref().unwrap_or(&cli::CommitteeCommand::Show)).await?;
		}
		Command::Billing { command } => {
			billing::run(&cli, command.as_ref().unwrap_or(&cli::BillingCommand::Show)).await?;
		}
		Command::Peer { command } => {
			let show = cli::PeerCommand::Show { address: None };
			peer::run(&cli, command.as_ref().unwrap_or(&show)).await?;
		}
		Command::Dapp { command } => {
			let show = cli::DappCommand::Show { address: None };
			peer::run_dapp(&cli, command.as_ref().unwrap_or(&show)).await?;
		}
		Command::Peers => {
			for peer in ChainRpc::new(&cli.url)?.professional_peers().await? {
				let state = if peer.active { "active" } else { "inactive" };
				let endpoint = String::from_utf8_lossy(&peer.endpoint);
				println!("{}  {endpoint}  {state}", peer.account);
			}
		}
		Command::File { command: FileCommand::Add { path, address, peer } } => {
			std::fs::File::open(path)
				.map_err(|e| Failure::new(format!("{}: {e}", path.display())))?;
			let client = dapp_client(&cli, peer, None).await?;
			let address = address_of(path, address.as_deref())?;
			// Every peer is tried; the hash index is printed if any stored the file, and the
			// peers that failed are named.
			let (mut stored, mut failed) = (None, Vec::new());
			for peer in client.peers() {
				match client.upload(&peer.endpoint, path, &address).await {
					Ok(info) => {
						eprintln!(
							"stored on {}: {} bytes in {} slices",
							peer.endpoint, info.length, info.slice_count
						);
						stored = Some(info);
					}
					Err(e) => {
						eprintln!("not stored on {}: {e}", peer.endpoint);
						failed.push(peer.endpoint.to_string());
					}
				}
			}
			let info = stored.ok_or_else(|| Failure::new("no peer stored the file"))?;
			println!("{}", info.hash_index);
			if !failed.is_empty() {
				return Err(Failure::new(format!("not stored on {}", failed.join(", "))));
			}
		}
		Command::File { command: FileCommand::Info { hash, address, peer } } => {
			if hash.is_some() == address.is_some() {
				return Err(Failure::new(
					"name the file by its hash index or by --address (one of the two)",
				));
			}
			let hash: Option<HashIndex> = match hash {
				Some(hash) => Some(hash.parse().map_err(|e| Failure::new(format!("{hash}: {e}")))?),
				None => None,
			};
			let client = dapp_client(&cli, peer, hash.as_ref()).await?;
			match (hash, address) {
				(Some(hash), None) => {
					let info = client.query_file_info(&hash).await?;
					println!("{}", serde_json::to_string_pretty(&info).expect("plain data"));
				}
				(None, Some(address)) => {
					for hash in client.query_file_hash_index(address).await? {
						println!("{hash}");
					}
				}
				_ => unreachable!("exactly one of the two, checked above"),
			}
		}
		Command::File { command: FileCommand::Get { hash, range, output, peer } } => {
			file_get(&cli, hash, range.as_deref(), output.as_deref(), peer).await?
		}
		Command::Task { peer, command } => tasks::run(&cli, peer.as_deref(), command).await?,
		Command::Reward { address, period, wait } => {
			reward::run(&cli, address.as_ref(), *period, *wait).await?
		}
		Command::Vpn { listen, peer } => {
			let peers: Vec<String> = peer.iter().cloned().collect();
			let client = dapp_client(&cli, &peers, None).await?;
			let channel = client.create_data_channel(*listen, None).await?;
			eprintln!("SOCKS5 proxy on {} through {}", channel.local_addr(), channel.peer());
			println!("{}", channel.local_addr());
			wait_for_shutdown().await;
			eprintln!("closing the data channel");
			channel.destroy().await;
		}
	}
	Ok(())
}

async fn wait_for_shutdown() {
	#[cfg(unix)]
	{
		use tokio::signal::unix::{signal, SignalKind};
		let mut term = signal(SignalKind::terminate()).expect("a SIGTERM handler");
		tokio::select! {
			_ = tokio::signal::ctrl_c() => {},
			_ = term.recv() => {},
		}
	}
	#[cfg(not(unix))]
	let _ = tokio::signal::ctrl_c().await;
}

#[tokio::main]
async fn main() -> ExitCode {
	env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("warn")).init();
	sp_core::crypto::set_default_ss58_version(Ss58AddressFormat::custom(SS58_PREFIX));
	let cli = Cli::parse();
	match run(cli).await {
		Ok(()) => ExitCode::SUCCESS,
		Err(e) => {
			eprintln!("error: {e}");
			ExitCode::FAILURE
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn the_command_line_is_well_formed() {
		// clap's own checks (unique flags among the global ones, …), which otherwise fire only
		// when a command is run.
		<cli::Cli as clap::CommandFactory>::command().debug_assert();
	}

	#[tokio::test]
	async fn file_commands_name_what_is_wrong_before_connecting() {
		// No node listens on this URL: each command fails on its arguments first.
		let run_args = |args: &[&str]| {
			let mut all = vec!["spacebook", "--url", "ws://127.0.0.1:9"];
			all.extend_from_slice(args);
			run(Cli::try_parse_from(all).expect("the arguments parse"))
		};
		let missing = "/nonexistent/spacebook-upload.bin";
		let err = run_args(&["file", "add", missing]).await.unwrap_err();
		assert!(err.to_string().starts_with(missing), "{err}");
		let err = run_args(&["file", "info"]).await.unwrap_err();
		assert!(err.to_string().contains("hash index or by --address"), "{err}");
	}

	#[tokio::test]
	async fn a_client_key_comes_from_a_file_plain_or_as_a_keystore_string() {
		let dir = tempfile::tempdir().unwrap();
		let plain = dir.path().join("client-key");
		std::fs::write(&plain, "//dapp-client\n").unwrap();
		let json = dir.path().join("keystore-entry");
		std::fs::write(&json, "\"//dapp-client\"").unwrap();
		for path in [&plain, &json] {
			assert_eq!(secret_from_file(path).unwrap(), "//dapp-client");
		}
		let missing = dir.path().join("absent");
		let err = secret_from_file(&missing).unwrap_err();
		assert!(err.to_string().contains(&missing.display().to_string()), "{err}");
		// Without any client key, a DApp command says which flags name one.
		let cli = Cli::try_parse_from([
			"spacebook",
			"--url",
			"ws://127.0.0.1:9",
			"--dapp",
			"5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY",
			"file",
			"info",
			"--address",
			"x",
		])
		.unwrap();
		let err = run(cli).await.unwrap_err();
		assert!(err.to_string().contains("--client-key-file"), "{err}");
	}

	#[test]
	fn amounts_are_spb_with_twelve_decimals() {
		assert_eq!(parse_amount("1").unwrap(), 1_000_000_000_000);
		assert_eq!(parse_amount("12.5").unwrap(), 12_500_000_000_000);
		assert_eq!(parse_amount("0.000000000001").unwrap(), 1);
		assert_eq!(parse_amount(".5").unwrap(), 500_000_000_000);
		for bad in ["", ".", "-1", "1e3", "1.0000000000001", "abc", "1.2.3"] {
			assert!(parse_amount(bad).is_err(), "{bad}");
		}
		assert!(parse_amount("999999999999999999999999999999").is_err(), "overflow");
		assert_eq!(format_amount(12_500_000_000_000), "12.5 SPB");
		assert_eq!(format_amount(3_000_000_000_000), "3 SPB");
		assert_eq!(format_amount(1), "0.000000000001 SPB");
	}

	#[test]
	fn ranges_and_accounts_parse_or_say_why_not() {
		assert_eq!(parse_range("0-99").unwrap(), (0, 99));
		assert_eq!(parse_range("100-").unwrap(), (100, -1));
		for bad in ["5", "9-3", "-4", "a-b"] {
			assert!(parse_range(bad).is_err(), "{bad}");
		}
		let alice =
			AccountId32::from(sr25519::Pair::from_string("//Alice", None).unwrap().public());
		assert_eq!(parse_account(&alice.to_ss58check()).unwrap(), alice);
		let hex = format!("0x{}", hex::encode(<[u8; 32]>::from(alice.clone())));
		assert_eq!(parse_account(&hex).unwrap(), alice);
		assert!(parse_account("not-an-address").is_err());
	}

	#[test]
	fn a_resumed_get_keeps_only_the_slices_that_verify() {
		use spacebook_sdk::content::{hash_index, slice_hash, slice_range, SLICE_SIZE};
		let length = 3 * SLICE_SIZE + 10;
		let data: Vec<u8> = (0..length).map(|i| (i % 251) as u8).collect();
		let hashes: Vec<_> = (0..4)
			.map(|i| {
				let (a, b) = slice_range(i, length);
				slice_hash(&data[a as usize..b as usize])
			})
			.collect();
		let info = spacebook_sdk::FileInfo {
			address: "x".into(),
			hash_index: hash_index(&hashes).unwrap(),
			length,
			slice_count: 4,
			slice_size: SLICE_SIZE,
		};
		let dir = tempfile::tempdir().unwrap();
		let path = dir.path().join("partial");
		let mut partial = data.clone();
		partial[SLICE_SIZE as usize + 5] ^= 1;
		std::fs::write(&path, &partial).unwrap();
		assert_eq!(slices_present(&path, &info, &hashes), vec![0, 2, 3]);
		// A file of another length, or none, is not resumed.
		std::fs::write(&path, &data[..100]).unwrap();
		assert!(slices_present(&path, &info, &hashes).is_empty());
		assert!(slices_present(&dir.path().join("missing"), &info, &hashes).is_empty());
	}

	#[test]
	fn sp_core_and_subxt_derive_the_same_account_from_a_uri() {
		for suri in [
			"//Alice",
			"//Ferdie//client",
			"bottom drive obey lake curtain smoke basket hold race lonely fit walk//x",
		] {
			let sp = pair(suri, "uri").unwrap().public();
			let subxt = keypair(suri).unwrap().public_key();
			assert_eq!(sp.0, subxt.0, "{suri}");
		}
	}
}

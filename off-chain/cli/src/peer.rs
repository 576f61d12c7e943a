//! `spacebook peer` and `spacebook dapp`: every role's life cycle in the peer registry
//! (`pallet-peers`) from the command line — a serving peer registers (professional or common),
//! updates its declaration, tops up its deposit, leaves, withdraws what is unlocked and resumes
//! after a suspension; a DApp registers, adds and removes client keys, funds its traffic escrow.
//! `show` reads `PeersApi_peer` (standing, warnings, deposit and what is unlockable) through the
//! node's metadata, so the CLI needs no copy of the runtime's types.
//!
//! Refusals are the pallets' own errors, named by the chain (`Peers::AlreadyRegistered`,
//! `Peers::KeyInUse`, …, see `chain::submit`); what the CLI can check before signing (a key, a
//! location, an amount) it refuses itself with a message naming the argument.

use crate::{
	account_or_suri, chain,
	cli::{Cli, CommonArgs, DappCommand, PeerCommand, ProfessionalArgs},
	format_amount, parse_account, parse_amount, Failure,
};
use sp_core::{crypto::AccountId32, Pair as _};
use subxt::{
	dynamic,
	ext::scale_value::{At, Composite, Value, ValueDef},
};

/// A public key (a peer key or a client key) given as `0x` and 64 hex digits, an SS58
/// address, or a secret URI (`//Eve//peer` or a phrase, whose public key is taken).
///
/// `0x` and 64 hex digits are also how a raw secret seed is written: a seed pasted by mistake
/// would be published on chain. Such input is taken only if it is a valid sr25519 public key
/// (a Ristretto point, which about 15 random strings in 16 are not). No message echoes the
/// input, which may be a secret.
pub fn parse_public_key(s: &str, what: &str) -> Result<[u8; 32], Failure> {
	if let Some(hex) = s.strip_prefix("0x") {
		let bytes: [u8; 32] =
			hex::decode(hex).ok().and_then(|b| b.try_into().ok()).ok_or_else(|| {
				Failure::new(format!("{what}: a public key is 0x and 64 hex digits (32 bytes)"))
			})?;
		if schnorrkel::PublicKey::from_bytes(&bytes).is_err() {
			return Err(Failure::new(format!(
				"{what}: these 32 bytes are no sr25519 public key (a secret seed?); give the public \
				 key `spacebook key inspect` prints, or the key's secret URI"
			)));
		}
		return Ok(bytes);
	}
	if s.starts_with("//") || s.contains(' ') {
		let pair = sp_core::sr25519::Pair::from_string(s, None)
			.map_err(|_| Failure::new(format!("{what}: not a valid secret URI")))?;
		return Ok(pair.public().0);
	}
	parse_account(s).map(<[u8; 32]>::from).map_err(|_| {
		Failure::new(format!(
			"{what}: neither 0x and 64 hex digits, an SS58 address nor a secret URI"
		))
	})
}

/// A professional peer's declaration, checked as far as the CLI can before signing.
pub fn declaration(args: &ProfessionalArgs) -> Result<Value, Failure> {
	let region = args.region.as_bytes();
	if region.len() != 2 || !region.iter().all(u8::is_ascii_uppercase) {
		return Err(Failure::new(format!(
			"--region: {:?} is not an ISO 3166 country code of two capital letters (e.g. SG)",
			args.region
		)));
	}
	let micro = |degrees: f64, bound: f64, flag: &str| -> Result<i32, Failure> {
		if !degrees.is_finite() || degrees.abs() > bound {
			return Err(Failure::new(format!("{flag}: {degrees} is outside ±{bound} degrees")));
		}
		Ok((degrees * 1_000_000.0).round() as i32)
	};
	let latitude = micro(args.latitude, 90.0, "--latitude")?;
	let longitude = micro(args.longitude, 180.0, "--longitude")?;
	for (value, flag) in [
		(args.storage_gib, "--storage-gib"),
		(args.bandwidth_mbps, "--bandwidth-mbps"),
		(u32::from(args.cpu_cores), "--cpu-cores"),
	] {
		if value == 0 {
			return Err(Failure::new(format!("{flag}: a professional peer offers more than 0")));
		}
	}
	let endpoint = endpoint(&args.endpoint)?;
	Ok(Value::named_composite([
		(
			"resources",
			Value::named_composite([
				("storage_gib", Value::u128(u128::from(args.storage_gib))),
				("bandwidth_mbps", Value::u128(u128::from(args.bandwidth_mbps))),
				("cpu_cores", Value::u128(u128::from(args.cpu_cores))),
			]),
		),
		(
			"location",
			Value::named_composite([
				("region", Value::from_bytes(region)),
				("latitude", Value::i128(i128::from(latitude))),
				("longitude", Value::i128(i128::from(longitude))),
			]),
		),
		("endpoint", endpoint),
	]))
}

/// A data plane's public endpoint: an `http://` or `https://` URL without whitespace.
fn endpoint(s: &str) -> Result<Value, Failure> {
	if !(s.starts_with("http://") || s.starts_with("https://")) || s.contains(char::is_whitespace) {
		return Err(Failure::new(format!(
			"--endpoint: {s:?} is not the data plane's http:// or https:// URL"
		)));
	}
	Ok(Value::from_bytes(s.as_bytes()))
}

/// A common peer's declaration as the calls' last three arguments (the professional peer it
/// backs up, its storage, its endpoint), checked; and that professional peer.
fn common_declaration(args: &CommonArgs) -> Result<(AccountId32, Vec<Value>), Failure> {
	if args.storage_gib == 0 {
		return Err(Failure::new("--storage-gib: a common peer offers more than 0"));
	}
	let professional = parse_account(&args.attach_to)?;
	let values = vec![
		lookup(&professional),
		Value::u128(u128::from(args.storage_gib)),
		endpoint(&args.endpoint)?,
	];
	Ok((professional, values))
}

/// An account as a call's `AccountIdLookup` argument.
fn lookup(who: &AccountId32) -> Value {
	Value::unnamed_variant("Id", [Value::from_bytes(<[u8; 32]>::from(who.clone()))])
}

/// A positive amount of SPB.
fn positive(amount: &str, what: &str) -> Result<u128, Failure> {
	match parse_amount(amount)? {
		0 => Err(Failure::new(format!("{what}: give a positive amount of SPB"))),
		amount => Ok(amount),
	}
}

/// The registry's view of `who` (`PeersApi_peer`), `None` if it holds no role.
async fn peer_view(cli: &Cli, who: &AccountId32) -> Result<Option<Value>, Failure> {
	let api = chain::connect(&cli.url).await?;
	let at = api.at_current_block().await.map_err(Failure::chain)?;
	let call =
		dynamic::runtime_api_call::<_, Value>("PeersApi", "peer", (<[u8; 32]>::from(who.clone()),));
	let view = at.runtime_apis().call(call).await.map_err(Failure::chain)?;
	Ok(match view.value {
		ValueDef::Variant(v) if v.name == "Some" => v.values.into_values().next(),
		_ => None,
	})
}

/// The account a decoded `AccountId` (or `Some(AccountId)`) holds: its 32 bytes, however the
/// metadata nests them; `None` for anything else.
pub fn account_in(value: &Value) -> Option<AccountId32> {
	fn bytes(value: &Value, out: &mut Vec<u8>) -> bool {
		match &value.value {
			ValueDef::Primitive(_) => {
				value.as_u128().and_then(|b| u8::try_from(b).ok()).map(|b| out.push(b)).is_some()
			}
			ValueDef::Composite(c) => c.values().all(|v| bytes(v, out)),
			ValueDef::Variant(v) if v.name == "Some" => v.values.values().all(|v| bytes(v, out)),
			_ => false,
		}
	}
	let mut out = Vec::with_capacity(32);
	(bytes(value, &mut out) && out.len() == 32)
		.then(|| AccountId32::from(<[u8; 32]>::try_from(out).expect("32 bytes")))
}

/// A variant's name with its fields, as `Warned(2)` or `Suspended(FailedAudit)`.
pub fn brief(value: &Value) -> String {
	match &value.value {
		ValueDef::Variant(v) => {
			let inner: Vec<String> = match &v.values {
				Composite::Unnamed(values) => values.iter().map(brief).collect(),
				Composite::Named(fields) => {
					fields.iter().map(|(k, v)| format!("{k}: {}", brief(v))).collect()
				}
			};
			if inner.is_empty() {
				v.name.clone()
			} else {
				format!("{}({})", v.name, inner.join(", "))
			}
		}
		_ => value.to_string(),
	}
}

/// What `spacebook peer show` prints of a registry view.
pub fn show_view(who: &AccountId32, view: &Value) -> String {
	let amount = |path: &[&str]| {
		path.iter()
			.try_fold(view, |v, k| v.at(*k))
			.and_then(|v| v.as_u128())
			.map(format_amount)
			.unwrap_or_else(|| "?".into())
	};
	let field = |name: &str| view.at(name).map(brief).unwrap_or_else(|| "?".into());
	let mut out = format!("account:         {who}\n");
	out += &format!("role:            {}\n", field("role"));
	out += &format!("standing:        {}\n", field("standing"));
	out += &format!(
		"deposit:         {} held, {} required, {} unlockable now\n",
		amount(&["deposit", "held"]),
		amount(&["deposit", "required"]),
		amount(&["deposit", "unlockable"])
	);
	let online = view.at("online_periods").and_then(|v| v.as_u128()).unwrap_or_default();
	let last = view.at("last_online_period").map(brief).unwrap_or_default();
	out += &format!("online:          {online} periods (last: {last})\n");
	if let Some(attached) = view.at("attached_to").and_then(account_in) {
		out += &format!("attached to:     {attached}\n");
	}
	if let Some(patrol) = view.at("patrol").filter(|v| brief(v) != "None") {
		out += &format!("patrols:         {}\n", brief(patrol));
	}
	out
}

/// Run a `spacebook peer` command.
pub async fn run(cli: &Cli, command: &PeerCommand) -> Result<(), Failure> {
	match command {
		PeerCommand::Show { address } => {
			let who = account_or_suri(cli, address.as_ref())?;
			match peer_view(cli, &who).await? {
				Some(view) => print!("{}", show_view(&who, &view)),
				None => println!("{who} is not registered (no peer or DApp role)"),
			}
		}
		PeerCommand::RegisterProfessional { peer_key, declaration: args } => {
			let key = parse_public_key(peer_key, "--peer-key")?;
			let args = vec![Value::from_bytes(key), declaration(args)?];
			let hash = chain::submit_as(cli, "Peers", "register_professional", args).await?;
			println!(
				"registered as a professional peer with peer key 0x{}; its deposit is on hold \
				 (`spacebook peer` shows it) (extrinsic {hash})",
				hex::encode(key)
			);
		}
		PeerCommand::RegisterCommon { peer_key, declaration: args } => {
			let key = parse_public_key(peer_key, "--peer-key")?;
			let (professional, declaration) = common_declaration(args)?;
			let args = [vec![Value::from_bytes(key)], declaration].concat();
			let hash = chain::submit_as(cli, "Peers", "register_common", args).await?;
			println!(
				"registered as a common peer attached to {professional}; it earns once it holds \
				 the common deposit (`spacebook peer top-up`) (extrinsic {hash})"
			);
		}
		PeerCommand::UpdateProfessional { declaration: args } => {
			let hash =
				chain::submit_as(cli, "Peers", "update_professional", vec![declaration(args)?])
					.await?;
			println!("declaration updated (extrinsic {hash})");
		}
		PeerCommand::UpdateCommon { declaration: args } => {
			let (professional, args) = common_declaration(args)?;
			let hash = chain::submit_as(cli, "Peers", "update_common", args).await?;
			println!("declaration updated, attached to {professional} (extrinsic {hash})");
		}
		PeerCommand::TopUp { amount } => {
			let amount = positive(amount, "top-up")?;
			let hash =
				chain::submit_as(cli, "Peers", "top_up_deposit", vec![Value::u128(amount)]).await?;
			println!("{} more of the deposit on hold (extrinsic {hash})", format_amount(amount));
		}
		PeerCommand::Leave => {
			let hash = chain::submit_as(cli, "Peers", "leave", vec![]).await?;
			println!(
				"leaving: no new work from now on; `spacebook peer finish-exit` releases the \
				 deposit once the exit delay has passed (extrinsic {hash})"
			);
		}
		PeerCommand::FinishExit { address } => {
			let who = account_or_suri(cli, address.as_ref())?;
			let hash = chain::submit_as(cli, "Peers", "finish_exit", vec![lookup(&who)]).await?;
			println!("{who} has left; its deposit is released (extrinsic {hash})");
		}
		PeerCommand::Withdraw => {
			let hash = chain::submit_as(cli, "Peers", "withdraw_unlocked", vec![]).await?;
			println!("the unlocked part of the deposit is released (extrinsic {hash})");
		}
		PeerCommand::Resume => {
			let hash = chain::submit_as(cli, "Peers", "resume", vec![]).await?;
			println!("resumed after the suspension (extrinsic {hash})");
		}
	}
	Ok(())
}

/// Run a `spacebook dapp` command.
pub async fn run_dapp(cli: &Cli, command: &DappCommand) -> Result<(), Failure> {
	match command {
		DappCommand::Show { address } => {
			let who = account_or_suri(cli, address.as_ref().or(cli.dapp.as_ref()))?;
			match peer_view(cli, &who).await? {
				Some(view) => print!("{}", show_view(&who, &view)),
				None => {
					println!("{who} is not registered (no peer or DApp role)");
					return Ok(());
				}
			}
			let account = spacebook_sdk::ChainRpc::new(&cli.url)?.dapp_account(&who).await?;
			print!("{}", crate::pricing::show_account(&account));
		}
		DappCommand::Register { name, client_keys } => {
			if name.is_empty() {
				return Err(Failure::new("a DApp's name is not empty"));
			}
			let keys = client_keys
				.iter()
				.map(|k| parse_public_key(k, "--key").map(Value::from_bytes))
				.collect::<Result<Vec<_>, _>>()?;
			let count = keys.len();
			let args = vec![Value::from_bytes(name.as_bytes()), Value::unnamed_composite(keys)];
			let hash = chain::submit_as(cli, "Peers", "register_dapp", args).await?;
			println!(
				"registered DApp {name:?} with {count} client keys; its deposit is on hold \
				 (extrinsic {hash})"
			);
		}
		DappCommand::AddKey { key } => {
			let key = parse_public_key(key, "the client key")?;
			let hash =
				chain::submit_as(cli, "Peers", "add_client_key", vec![Value::from_bytes(key)])
					.await?;
			println!("client key 0x{} authorized (extrinsic {hash})", hex::encode(key));
		}
		DappCommand::RemoveKey { key } => {
			let key = parse_public_key(key, "the client key")?;
			let hash =
				chain::submit_as(cli, "Peers", "remove_client_key", vec![Value::from_bytes(key)])
					.await?;
			println!(
				"client key 0x{} removed: its receipts still verify for the retention time \
				 (extrinsic {hash})",
				hex::encode(key)
			);
		}
		DappCommand::Fund { amount } => crate::pricing::fund(cli, amount).await?,
	}
	Ok(())
}

#[cfg(test)]
mod tests {
	use super::*;

	fn professional(region: &str, latitude: f64, storage_gib: u32) -> ProfessionalArgs {
		ProfessionalArgs {
			endpoint: "http://203.0.113.7:8480".into(),
			storage_gib,
			bandwidth_mbps: 1000,
			cpu_cores: 8,
			region: region.into(),
			latitude,
			longitude: 103.819836,
		}
	}

	#[test]
	fn keys_parse_from_hex_addresses_and_uris_or_say_why_not() {
		let eve = sp_core::sr25519::Pair::from_string("//Eve", None).unwrap().public().0;
		assert_eq!(parse_public_key("//Eve", "k").unwrap(), eve);
		assert_eq!(parse_public_key(&format!("0x{}", hex::encode(eve)), "k").unwrap(), eve);
		let address = AccountId32::from(eve).to_string();
		assert_eq!(parse_public_key(&address, "k").unwrap(), eve);
		let short = parse_public_key("0xabcd", "--peer-key").unwrap_err().to_string();
		assert!(short.contains("--peer-key") && short.contains("32 bytes"), "{short}");
		let junk = parse_public_key("eve", "--client-key").unwrap_err().to_string();
		assert!(junk.contains("--client-key") && !junk.contains("eve"), "not echoed: {junk}");
		// A secret seed pasted where the public key goes is refused (and not echoed), unless
		// it happens to be a valid point, as about one seed in sixteen is.
		let refused = (1u8..=40)
			.map(|i| format!("0x{}", hex::encode([i; 32])))
			.filter_map(|seed| parse_public_key(&seed, "--peer-key").err().map(|e| (seed, e)))
			.collect::<Vec<_>>();
		assert!(refused.len() >= 30, "most seeds are no public key: {}", refused.len());
		for (seed, e) in refused {
			let e = e.to_string();
			assert!(e.contains("no sr25519 public key") && !e.contains(&seed[2..]), "{e}");
		}
	}

	#[test]
	fn a_declaration_is_checked_before_signing() {
		let value = declaration(&professional("SG", 1.352083, 1024)).unwrap();
		let latitude = value.at("location").and_then(|l| l.at("latitude")).unwrap();
		assert_eq!(latitude.as_i128(), Some(1_352_083), "micro-degrees");
		let refused = |args: ProfessionalArgs| declaration(&args).unwrap_err().to_string();
		assert!(refused(professional("sg", 1.0, 1)).contains("--region"));
		assert!(refused(professional("SG", 91.0, 1)).contains("--latitude"));
		assert!(refused(professional("SG", 1.0, 0)).contains("--storage-gib"));
		let mut bad = professional("SG", 1.0, 1);
		bad.endpoint = "203.0.113.7:8480".into();
		assert!(declaration(&bad).unwrap_err().to_string().contains("--endpoint"));
	}

	#[test]
	fn a_common_declaration_is_checked_before_signing() {
		let gina = AccountId32::from([9u8; 32]);
		let args = |storage_gib, endpoint: &str| CommonArgs {
			attach_to: gina.to_string(),
			storage_gib,
			endpoint: endpoint.into(),
		};
		let (professional, values) = common_declaration(&args(64, "http://10.0.0.2:8480")).unwrap();
		assert_eq!(professional, gina);
		assert_eq!(values.len(), 3, "attached to, storage, endpoint");
		assert_eq!(values[1].as_u128(), Some(64));
		let refused = |a| common_declaration(&a).unwrap_err().to_string();
		assert!(refused(args(0, "http://10.0.0.2:8480")).contains("--storage-gib"));
		assert!(refused(args(64, "10.0.0.2:8480")).contains("--endpoint"));
		let mut stranger = args(64, "http://10.0.0.2:8480");
		stranger.attach_to = "gina".into();
		assert!(common_declaration(&stranger).is_err(), "not an address");
	}

	#[test]
	fn an_account_reads_as_its_address_however_nested() {
		let gina = AccountId32::from([9u8; 32]);
		let raw = Value::unnamed_composite((0..32).map(|_| Value::u128(9)));
		let nested = Value::unnamed_composite([raw.clone()]);
		assert_eq!(account_in(&raw), Some(gina.clone()));
		assert_eq!(account_in(&nested), Some(gina.clone()));
		assert_eq!(account_in(&Value::unnamed_variant("Some", [nested])), Some(gina));
		assert_eq!(account_in(&Value::unnamed_variant("None", [])), None);
		let short = Value::unnamed_composite((0..31).map(|_| Value::u128(9)));
		assert_eq!(account_in(&short), None);
		let wide = Value::unnamed_composite((0..32).map(|_| Value::u128(300)));
		assert_eq!(account_in(&wide), None);
	}

	#[test]
	fn positive_amounts_only() {
		assert!(positive("0", "top-up").unwrap_err().to_string().contains("top-up"));
		assert_eq!(positive("1.5", "top-up").unwrap(), 1_500_000_000_000);
	}
}

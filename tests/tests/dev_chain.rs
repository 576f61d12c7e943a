//! The stock `--dev` chain (the preset's 3-second rounds, as `scripts/dev.sh` runs it), as a
//! wallet uses it: a block is packed and finalized every round and carries a Gosig justification;
//! a balance transfer over JSON-RPC lands in a finalized block and its fee goes to the mining pool;
//! `system_accountNextIndex` takes an address in the chain's own SS58 format (7272); a real
//! JavaScript client (@polkadot/api, as polkadot.js apps uses it) decodes the metadata, calls a
//! custom runtime API and sees its signed transfer finalized; the node stops cleanly on SIGINT and,
//! restarted on the same base path, continues from its finalized head.

use serde_json::{json, Value};
use sp_core::{
	crypto::{Pair as _, Ss58AddressFormat, Ss58Codec},
	sr25519, H256,
};
use sp_keyring::Sr25519Keyring;
use spacebook_e2e::*;
use spacebook_runtime::{AccountId, SPB, SS58_PREFIX};
use std::{path::PathBuf, process::Command, time::Duration};

/// The `node_modules` of the JavaScript client that `scripts/setup.sh` installs.
fn js_modules() -> PathBuf {
	if let Ok(dir) = std::env::var("SPACEBOOK_JS_DIR") {
		return PathBuf::from(dir).join("node_modules");
	}
	let home = std::env::var("HOME").expect("HOME is set");
	PathBuf::from(home).join(".cache/spacebook/js/node_modules")
}

/// Run `tests/js/client.cjs` against `ws_url`; its JSON lines by their `check`.
fn run_js_client(ws_url: &str) -> std::collections::HashMap<String, Value> {
	let modules = js_modules();
	assert!(
		modules.join("@polkadot/api").is_dir(),
		"@polkadot/api is not installed in {}: run scripts/setup.sh",
		modules.display()
	);
	let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("js/client.cjs");
	let output = Command::new("node")
		.arg(&script)
		.arg(ws_url)
		.env("NODE_PATH", &modules)
		.output()
		.expect("Node.js runs (scripts/setup.sh installs it)");
	let stdout = String::from_utf8_lossy(&output.stdout);
	assert!(
		output.status.success(),
		"the JavaScript client failed ({}):\n{stdout}\n{}",
		output.status,
		String::from_utf8_lossy(&output.stderr)
	);
	stdout
		.lines()
		.map(|line| {
			let v: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
			(v["check"].as_str().expect("a check name").to_string(), v)
		})
		.collect()
}

/// The series the "Metrics" table of `docs/operators.md` lists (its first column, in
/// backticks): the metrics test's list, so that the docs and the exporter cannot drift apart.
fn documented_metrics() -> Vec<String> {
	let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/operators.md");
	let doc = std::fs::read_to_string(&path).expect("docs/operators.md");
	let section = doc.split("\n## Metrics").nth(1).expect("a Metrics section");
	let section = section.split("\n## ").next().unwrap_or(section);
	section
		.lines()
		.filter_map(|l| l.strip_prefix("| `spacebook_"))
		.filter_map(|l| l.split('`').next())
		.map(|name| format!("spacebook_{name}"))
		.collect()
}

#[test]
fn the_stock_dev_chain_serves_wallets_and_survives_a_restart() {
	phase("finality: a block packed and finalized every round, with a Gosig justification");
	let dir = TempDir::new("dev");
	let prometheus = free_port();
	let node = Node::start(
		dir.path(),
		&["--dev".to_string(), "--prometheus-port".into(), prometheus.to_string()],
		None,
	);
	// At least five finalized blocks within 90 s (a round is 3 s).
	node.wait_for("5 finalized blocks", Duration::from_secs(90), |n| {
		(n.finalized_number() >= 5).then_some(())
	});
	let (finalized, best) = (node.finalized_number(), node.best_number());
	assert!(best >= finalized && best - finalized <= 1, "best #{best}, finalized #{finalized}");
	let head = node.rpc.call("chain_getFinalizedHead", json!([])).unwrap();
	let block = node.rpc.call("chain_getBlock", json!([head])).unwrap();
	let justifications = block["justifications"].as_array().expect("justifications present");
	assert!(
		justifications.iter().any(|j| {
			let id: Vec<u8> = serde_json::from_value(j[0].clone()).unwrap_or_default();
			id == b"GOSG"
		}),
		"a GOSG justification in {justifications:?}"
	);

	phase("wallet: the next index of an address in the chain's SS58 format (7272)");
	let alice = Sr25519Keyring::Alice.pair();
	let alice_id: AccountId = alice.public().into();
	let alice_7272 = alice_id.to_ss58check_with_version(Ss58AddressFormat::custom(SS58_PREFIX));
	let generic = node.rpc.call("system_accountNextIndex", json!([alice_id.to_string()]));
	let own = node.rpc.call("system_accountNextIndex", json!([alice_7272]));
	assert_eq!(own, generic, "the 7272 address {alice_7272} and the generic one agree");
	let nonce = own.expect("a 7272 address is accepted").as_u64().expect("a nonce") as u32;

	phase("wallet: a transfer over JSON-RPC lands in a finalized block");
	let recipient: AccountId =
		sr25519::Pair::from_string("//Spacebook-e2e-recipient", None).unwrap().public().into();
	assert_eq!(free_balance(&node.rpc, &recipient), 0);
	let genesis = H256::from_slice(&from_hex(node.block_hash(0).as_str().unwrap()));
	let amount = 42 * SPB;
	let xt = signed_transfer(&alice, recipient.clone(), amount, nonce, genesis);
	let xt_hex = to_hex(&codec::Encode::encode(&xt));
	let submitted_from = node.finalized_number();
	node.rpc.call("author_submitExtrinsic", json!([xt_hex])).expect("the transfer is accepted");
	let included_in =
		node.wait_for("the transfer in a finalized block", Duration::from_secs(60), |n| {
			let finalized = n.finalized_number();
			(submitted_from..=finalized).find(|number| {
				let hash = n.block_hash(*number);
				let block = n.rpc.call("chain_getBlock", json!([hash])).unwrap();
				block["block"]["extrinsics"]
					.as_array()
					.is_some_and(|xts| xts.iter().any(|x| x.as_str() == Some(xt_hex.as_str())))
			})
		});
	assert!(included_in <= node.finalized_number());
	assert_eq!(free_balance(&node.rpc, &recipient), amount);
	let next = node.rpc.call("system_accountNextIndex", json!([alice_7272])).unwrap();
	assert_eq!(next.as_u64(), Some(nonce as u64 + 1));

	phase("wallet: the fee went to the mining pool, nothing was burned");
	// The mining pool holds 45 % of the supply at genesis and more after fees; the total issuance
	// is still exactly 10 billion SPB.
	let pools = node.rpc.call("state_call", json!(["TokenApi_pools", "0x"])).unwrap();
	let pools = from_hex(pools.as_str().unwrap());
	let mining = u128::from_le_bytes(pools[..16].try_into().unwrap());
	assert!(mining > 4_500_000_000 * SPB, "the mining pool holds {mining}");
	let mut key = sp_crypto_hashing::twox_128(b"Balances").to_vec();
	key.extend(sp_crypto_hashing::twox_128(b"TotalIssuance"));
	let issuance = node.rpc.call("state_getStorage", json!([to_hex(&key)])).unwrap();
	let issuance =
		u128::from_le_bytes(from_hex(issuance.as_str().unwrap())[..16].try_into().unwrap());
	assert_eq!(issuance, 10_000_000_000 * SPB);

	phase(
		"polkadot.js: @polkadot/api decodes the metadata, calls TokenApi, sends a transfer, \
		 shows its block's packer",
	);
	let js = run_js_client(&format!("ws://127.0.0.1:{}", node.rpc.port));
	let metadata = &js["metadata"];
	assert!(metadata["version"].as_u64().is_some_and(|v| v >= 14), "{metadata}");
	for pallet in
		["System", "Authorship", "Balances", "Gosig", "Token", "Peers", "Traffic", "Pricing"]
	{
		assert!(
			metadata["pallets"].as_array().unwrap().iter().any(|p| p == pallet),
			"{pallet} in {metadata}"
		);
	}
	assert_eq!(metadata["ss58Format"], json!(SS58_PREFIX));
	assert_eq!(metadata["tokenSymbol"], json!("SPB"));
	assert_eq!(metadata["tokenDecimals"], json!(12));
	assert_eq!(metadata["hasFundTraffic"], json!(true));
	assert_eq!(metadata["hasLease"], json!(true));
	assert_eq!(metadata["specName"], json!("spacebook"));
	// The runtime API's answer is the period of some block the client saw: not before the
	// period of the block the transfer above landed in, not after the period of the best block.
	let period = js["runtime_api"]["currentPeriod"].as_u64().expect("a period") as u32;
	assert!(period <= current_period(&node), "TokenApi.currentPeriod {period}");
	assert_eq!(js["next_index"]["address"], json!(alice_7272));
	assert_eq!(js["next_index"]["nonce"], json!(nonce + 1));
	let transfer = &js["transfer"];
	let events: Vec<&str> =
		transfer["events"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
	assert!(events.contains(&"balances.Transfer"), "{events:?}");
	assert!(events.contains(&"system.ExtrinsicSuccess"), "{events:?}");
	assert_eq!(transfer["recipientFree"], transfer["amount"]);
	// The block the client saw finalized is final at the node too, and carries the transfer.
	let js_block = transfer["block"].clone();
	assert!(node.header_number(&js_block) <= node.finalized_number());
	let js_recipient = AccountId::new(
		from_hex(transfer["recipientPublicKey"].as_str().unwrap()).try_into().unwrap(),
	);
	assert_eq!(free_balance(&node.rpc, &js_recipient), 7 * SPB);
	let (named, format) =
		AccountId::from_ss58check_with_version(transfer["recipient"].as_str().unwrap())
			.expect("an SS58 address");
	assert_eq!((named, u16::from(format)), (js_recipient, SS58_PREFIX), "a 7272 address");

	// Explorers see who packed the block: the author @polkadot/api derives from the header (no
	// type bundle) is the packer the Gosig pre-runtime digest names, Alice, the dev chain's
	// only billing peer.
	let author = &js["author"];
	assert_eq!(author["block"], js_block);
	assert_eq!(author["authorityIndex"], json!(0));
	assert_eq!(author["author"], author["packer"], "{author}");
	assert_eq!(author["author"], json!(alice_7272), "{author}");

	phase("metrics: the node's Prometheus exporter has every series docs/operators.md lists");
	let scraped = http_get(prometheus, "/metrics").expect("the Prometheus exporter answers");
	let listed = documented_metrics();
	assert!(listed.len() >= 6, "docs/operators.md lists {listed:?}");
	for name in &listed {
		assert!(
			scraped.lines().any(|l| l.starts_with(&format!("# HELP {name} "))),
			"{name} is documented but not exported"
		);
	}
	// Each finalized block counted its round: the round series moved.
	// A sample is `name{labels} value` (Substrate labels each series with the chain).
	let round = scraped
		.lines()
		.filter(|l| {
			l.starts_with("spacebook_gosig_round{") || l.starts_with("spacebook_gosig_round ")
		})
		.find_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
		.unwrap_or_else(|| panic!("the round series has a value:\n{scraped}"));
	assert!(round > 0.0, "spacebook_gosig_round {round}");

	phase("restart: SIGINT stops the node cleanly");
	let status = node.stop_with_sigint();
	assert!(status.success(), "exit status {status:?}");

	phase("restart: the node continues from its finalized head on the same base path");
	let node = Node::start_dev(dir.path());
	let finalized = node.finalized_number();
	assert!(finalized >= included_in, "the finalized head survived the restart: #{finalized}");
	let hash_before = node.block_hash(finalized);
	assert!(hash_before.as_str().is_some_and(|h| h.len() == 66));
	node.wait_for("finality to advance after the restart", Duration::from_secs(60), |n| {
		(n.finalized_number() >= finalized + 2).then_some(())
	});
	// The chain continued on top of the old finalized block, and kept the transfer.
	assert_eq!(node.block_hash(finalized), hash_before);
	assert_eq!(free_balance(&node.rpc, &recipient), amount);
	assert!(node.stop_with_sigint().success());
}

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
use std::time::Duration;

/// Run `tests/js/client.cjs` against `ws_url`; its JSON lines by their `check`.
fn run_js_client(ws_url: &str) -> std::collections::HashMap<String, Value> {
	run_js("client.cjs", &[ws_url])
		.into_iter()
		.map(|v| (v["check"].as_str().expect("a check name").to_string(), v))
		.collect()
}

/// The arguments as `&str`s.
fn strs(args: &[String]) -> Vec<&str> {
	args.iter().map(String::as_str).collect()
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
	let scraped = assert_documented_metrics_exported(prometheus, "Every node");
	// Each finalized block counted its round: the round series moved.
	// A sample is `name{labels} value` (Substrate labels each series with the chain).
	let round = metric_value(&scraped, "spacebook_gosig_round")
		.unwrap_or_else(|| panic!("the round series has a value:\n{scraped}"));
	assert!(round > 0.0, "spacebook_gosig_round {round}");

	phase("cli: professional and common peers' and a DApp's life cycles, each refusal named");
	// Alice funds three fresh accounts (their dev SPB would be vesting, which no deposit holds).
	let url = format!("ws://127.0.0.1:{}", node.rpc.port);
	let (peer_suri, dapp_suri) = ("//Spacebook-e2e-peer", "//Spacebook-e2e-dapp");
	let common_suri = "//Spacebook-e2e-common";
	let nonce = node.rpc.call("system_accountNextIndex", json!([alice_7272])).unwrap();
	let nonce = nonce.as_u64().expect("a nonce") as u32;
	let accounts: Vec<AccountId> = [peer_suri, dapp_suri, common_suri]
		.iter()
		.map(|s| sr25519::Pair::from_string(s, None).unwrap().public().into())
		.collect();
	for (i, who) in accounts.iter().enumerate() {
		let xt = signed_transfer(&alice, who.clone(), 50_000 * SPB, nonce + i as u32, genesis);
		node.rpc
			.call("author_submitExtrinsic", json!([to_hex(&codec::Encode::encode(&xt))]))
			.unwrap();
	}
	node.wait_for("both accounts funded", Duration::from_secs(60), |n| {
		let finalized = n.rpc.call("chain_getFinalizedHead", json!([])).ok()?;
		accounts.iter().all(|who| free_balance_at(&n.rpc, who, &finalized) > 0).then_some(())
	});
	let (professional, not_professional) = (accounts[0].to_string(), accounts[1].to_string());
	// As the CLI prints them: in the chain's own SS58 format.
	let accounts_7272: Vec<String> = accounts
		.iter()
		.map(|a| a.to_ss58check_with_version(Ss58AddressFormat::custom(SS58_PREFIX)))
		.collect();
	let common = Cli::new(url.as_str(), common_suri);
	let peer = std::thread::spawn({
		let cli = Cli::new(url.as_str(), peer_suri);
		move || {
			let declaration = |storage: &'static str| {
				vec![
					"--endpoint",
					"http://127.0.0.1:1",
					"--storage-gib",
					storage,
					"--bandwidth-mbps",
					"1000",
					"--cpu-cores",
					"8",
					"--region",
					"SG",
					"--latitude",
					"1.352083",
					"--longitude",
					"103.819836",
				]
			};
			let register = |key: &'static str| {
				let mut args = vec!["peer", "register-professional", "--peer-key", key];
				args.extend(declaration("1024"));
				args
			};
			// Checked before signing: nothing is submitted.
			let mut bad = register("//Spacebook-e2e-peer//spbp");
			*bad.iter_mut().find(|a| **a == "SG").unwrap() = "Singapore";
			let refused = cli.fails(&bad);
			assert!(refused.contains("--region"), "{refused}");
			let said = cli.run_text(&register("//Spacebook-e2e-peer//spbp"));
			assert!(said.contains("registered as a professional peer"), "{said}");
			let shown = cli.run_text(&["peer"]);
			assert!(shown.contains("role:            Professional"), "{shown}");
			assert!(shown.contains("standing:        Good"), "{shown}");
			assert!(shown.contains("held") && shown.contains("unlockable now"), "{shown}");
			// Refused by the pallet, which the CLI names.
			let refused = cli.fails(&register("//Spacebook-e2e-peer//other"));
			assert!(refused.contains("AlreadyRegistered"), "{refused}");
			let mut update = vec!["peer", "update-professional"];
			update.extend(declaration("2048"));
			assert!(cli.run_text(&update).contains("declaration updated"));
			// A common peer backs this professional peer up: registered, updated, its deposit
			// put on hold by a top-up.
			let register_common = |to: &str, storage: &str| {
				let mut args = vec!["peer", "register-common", "--peer-key"];
				args.extend(["//Spacebook-e2e-common//spbp", "--attach-to", to]);
				args.extend(["--storage-gib", storage, "--endpoint", "http://127.0.0.1:2"]);
				args.into_iter().map(str::to_string).collect::<Vec<_>>()
			};
			let refused = common.fails(&strs(&register_common(&professional, "0")));
			assert!(refused.contains("--storage-gib"), "{refused}");
			let refused = common.fails(&strs(&register_common(&not_professional, "64")));
			assert!(refused.contains("UnknownAttachTarget"), "{refused}");
			let said = common.run_text(&strs(&register_common(&professional, "64")));
			assert!(said.contains("registered as a common peer attached to"), "{said}");
			let update = ["peer", "update-common", "--attach-to", &professional, "--storage-gib"];
			let update = [&update[..], &["128", "--endpoint", "http://127.0.0.1:3"]].concat();
			assert!(common.run_text(&update).contains("declaration updated"));
			assert!(common.run_text(&["peer", "top-up", "1000"]).contains("more of the deposit"));
			let shown = common.run_text(&["peer"]);
			assert!(shown.contains("role:            Common"), "{shown}");
			let attached = accounts_7272[0].clone();
			assert!(shown.contains(&format!("attached to:     {attached}")), "{shown}");
			assert!(cli.run_text(&["peer", "top-up", "1"]).contains("more of the deposit"));
			// The deposit unlocks block by block in good standing: some is unlockable already.
			assert!(cli.run_text(&["peer", "withdraw"]).contains("released"));
			assert!(cli.run_text(&["peer", "leave"]).contains("leaving"));
			assert!(cli.run_text(&["peer"]).contains("standing:        Leaving"));
			let refused = cli.fails(&["peer", "withdraw"]);
			assert!(refused.contains("NotActive"), "{refused}");
			let refused = cli.fails(&["peer", "finish-exit"]);
			assert!(refused.contains("ExitDelayNotOver"), "{refused}");
		}
	});
	let dapp = Cli::new(url.as_str(), dapp_suri);
	let said = dapp.run_text(&["dapp", "register", "e2e", "--key", "//Spacebook-e2e-dapp//c1"]);
	assert!(said.contains("registered DApp \"e2e\" with 1 client keys"), "{said}");
	assert!(dapp.run_text(&["dapp", "add-key", "//Spacebook-e2e-dapp//c2"]).contains("authorized"));
	let refused = dapp.fails(&["dapp", "add-key", "//Spacebook-e2e-dapp//c1"]);
	assert!(refused.contains("ClientKeyInUse"), "{refused}");
	assert!(dapp.run_text(&["dapp", "remove-key", "//Spacebook-e2e-dapp//c2"]).contains("removed"));
	let refused = dapp.fails(&["dapp", "fund", "0"]);
	assert!(refused.contains("positive amount"), "{refused}");
	assert!(dapp.run_text(&["dapp", "fund", "2.5"]).contains("paid 2.5 SPB"));
	let shown = dapp.run_text(&["dapp"]);
	assert!(shown.contains("role:            DApp"), "{shown}");
	assert!(shown.contains("2.5 SPB"), "the escrow funded: {shown}");
	peer.join().expect("the serving peer's life cycle");

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

//! Proof-of-Traffic on a real `--dev` node, end to end: a professional peer (its peer key in the
//! node's keystore) serves a registered DApp's client, which prepaid the traffic; the data plane
//! hands the client-signed
//! receipts to the node over `traffic_submitReceipt`; in the next period the node's off-chain
//! worker reports them, answers the audit, and the chain pays the peer the period's peers
//! emission from the mining pool.

use codec::{Decode, Encode};
use serde_json::json;
use sp_core::{crypto::Pair as _, sr25519, H256};
use sp_keyring::Sr25519Keyring;
use spacebook_e2e::*;
use spacebook_receipts::Receipt;
use spacebook_runtime::{AccountId, RuntimeCall};
use std::time::Duration;

#[test]
fn a_peer_is_paid_for_receipts_its_node_reports_and_proves() {
	let dir = TempDir::new("traffic");
	let node = Node::start_dev(dir.path());
	node.wait_for("2 finalized blocks", Duration::from_secs(60), |n| {
		(n.finalized_number() >= 2).then_some(())
	});
	let genesis = H256::from_slice(&from_hex(node.block_hash(0).as_str().unwrap()));

	// Eve's peer key goes into the node's keystore; Eve registers as a professional peer and
	// Ferdie as a DApp with one client key.
	let (eve, ferdie) = (Sr25519Keyring::Eve.pair(), Sr25519Keyring::Ferdie.pair());
	let (eve_id, ferdie_id): (AccountId, AccountId) = (eve.public().into(), ferdie.public().into());
	let client = sr25519::Pair::from_string("//Ferdie//client", None).unwrap();
	let (_, register_eve) = professional_registration(&node, "Eve", "http://127.0.0.1:8443");
	let register_ferdie = RuntimeCall::Peers(pallet_peers::Call::register_dapp {
		name: b"video".to_vec().try_into().unwrap(),
		client_keys: vec![client.public()].try_into().unwrap(),
	});
	for (who, call) in [(&eve, register_eve), (&ferdie, register_ferdie)] {
		let xt = signed_transaction(who, call, 0, genesis);
		node.rpc
			.call("author_submitExtrinsic", json!([to_hex(&xt.encode())]))
			.expect("the registration is accepted");
	}
	let dapp_of_client = |n: &Node| {
		let owner = n
			.rpc
			.call(
				"state_call",
				json!(["PeersApi_dapp_of_client_key", to_hex(&client.public().encode())]),
			)
			.unwrap();
		Option::<AccountId>::decode(&mut &from_hex(owner.as_str().unwrap())[..]).unwrap()
	};
	node.wait_for("both registered", Duration::from_secs(60), |n| dapp_of_client(n));
	// Ferdie prepays a GiB of traffic at the flat price.
	let buy = RuntimeCall::Traffic(pallet_traffic::Call::buy_traffic { gib: 1 });
	let xt = signed_transaction(&ferdie, buy, 1, genesis);
	node.rpc
		.call("author_submitExtrinsic", json!([to_hex(&xt.encode())]))
		.expect("the purchase is accepted");

	// The client signs cumulative receipts of two sessions; the data plane hands them over.
	let period = current_period(&node);
	let receipt = |session: u8, bytes: u64| {
		Receipt {
			period,
			session: [session; 16],
			server: eve_id.clone(),
			dapp: ferdie_id.clone(),
			client_key: client.public(),
			bytes,
		}
		.sign(&client, &genesis)
	};
	for (session, bytes) in [(1, 400_000_000), (1, 900_000_000), (2, 100_000_000)] {
		let changed = node
			.rpc
			.call("traffic_submitReceipt", json!([to_hex(&receipt(session, bytes).encode())]))
			.expect("the node keeps the receipt");
		assert_eq!(changed, json!(true));
	}
	let stale = node
		.rpc
		.call("traffic_submitReceipt", json!([to_hex(&receipt(1, 500_000_000).encode())]))
		.unwrap();
	assert_eq!(stale, json!(false), "superseded by the 900 MB receipt");
	let kept = node.rpc.call("traffic_keptReceipts", json!([eve_id.to_string(), period])).unwrap();
	assert_eq!(kept, json!([2, 1_000_000_000]));
	// Signed by a key no DApp authorized.
	let stranger = sr25519::Pair::from_string("//Eve//stranger", None).unwrap();
	let forged = Receipt { bytes: 5, ..receipt(3, 1).receipt }.sign(&stranger, &genesis);
	assert!(node.rpc.call("traffic_submitReceipt", json!([to_hex(&forged.encode())])).is_err());

	// The next period: the node reports, answers the audit, and the chain settles (100-block
	// periods of 3-second blocks: at most about 8 minutes).
	let before = free_balance(&node.rpc, &eve_id);
	let explained = node.wait_for("the period settled", Duration::from_secs(720), |n| {
		explain_reward(n, &eve_id, period).filter(|e| e.reward > 0)
	});
	assert_eq!(explained.reported, 1_000_000_000);
	assert_eq!(explained.audit, pallet_traffic::AuditStatus::Passed { round: 1 });
	assert_eq!(explained.rank, Some(1));
	assert_eq!(explained.reward, explained.emission, "the only winner takes the peers' share");
	let after = free_balance(&node.rpc, &eve_id);
	assert_eq!(after, before + explained.reward);

	let status = node.stop_with_sigint();
	assert!(status.success(), "exit status {status:?}");
}

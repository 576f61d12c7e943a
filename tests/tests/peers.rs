//! The peer registry on a real `--dev` node: a professional peer registers over JSON-RPC with a
//! peer key in its node's keystore, its deposit goes on hold, and its node's off-chain worker
//! proves it online with a heartbeat that the chain records.

use codec::{Decode, Encode};
use serde_json::json;
use sp_core::{crypto::Pair as _, H256};
use sp_keyring::Sr25519Keyring;
use spacebook_e2e::*;
use spacebook_runtime::{configs::peers::PROFESSIONAL_DEPOSIT, AccountId, Balance, BlockNumber};
use std::time::Duration;

type PeerView = pallet_peers::PeerView<AccountId, Balance, BlockNumber>;

fn peer_view(node: &Node, who: &AccountId) -> Option<PeerView> {
	let result = node
		.rpc
		.call("state_call", json!(["PeersApi_peer", to_hex(&who.encode())]))
		.expect("the runtime API answers");
	Option::<PeerView>::decode(&mut &from_hex(result.as_str().unwrap())[..]).expect("decodes")
}

#[test]
fn a_professional_peer_registers_and_its_node_sends_heartbeats() {
	let dir = TempDir::new("peers");
	let node = Node::start_dev(dir.path());
	node.wait_for("2 finalized blocks", Duration::from_secs(60), |n| {
		(n.finalized_number() >= 2).then_some(())
	});

	// Eve (the DApp fund's beneficiary, liquid at genesis) registers as a professional peer;
	// her peer key goes into the node's keystore, as an operator does with `key insert`.
	let eve = Sr25519Keyring::Eve.pair();
	let eve_id: AccountId = eve.public().into();
	assert!(peer_view(&node, &eve_id).is_none());
	let (peer_key, call) = professional_registration(&node, "Eve", "http://127.0.0.1:8443");
	let genesis = node.block_hash(0);
	let genesis = H256::from_slice(&from_hex(genesis.as_str().unwrap()));
	let xt = signed_transaction(&eve, call, 0, genesis);
	node.rpc
		.call("author_submitExtrinsic", json!([to_hex(&xt.encode())]))
		.expect("the registration is accepted");

	let view = node.wait_for("Eve registered", Duration::from_secs(60), |n| peer_view(n, &eve_id));
	assert_eq!(view.role, pallet_peers::RoleKind::Professional);
	assert_eq!(view.standing, pallet_peers::Standing::Good);
	assert_eq!(view.deposit.held, PROFESSIONAL_DEPOSIT);
	let owner = node
		.rpc
		.call("state_call", json!(["PeersApi_peer_of_key", to_hex(&peer_key.encode())]))
		.unwrap();
	let owner = Option::<AccountId>::decode(&mut &from_hex(owner.as_str().unwrap())[..]).unwrap();
	assert_eq!(owner, Some(eve_id.clone()));

	// The node's off-chain worker sends the heartbeat of the current period, free of fees.
	let view = node.wait_for("a heartbeat on chain", Duration::from_secs(60), |n| {
		peer_view(n, &eve_id).filter(|v| v.online_periods >= 1)
	});
	let period = node.rpc.call("state_call", json!(["TokenApi_current_period", "0x"])).unwrap();
	let period = u32::decode(&mut &from_hex(period.as_str().unwrap())[..]).unwrap();
	assert!(view.last_online_period.is_some_and(|p| p <= period));

	let status = node.stop_with_sigint();
	assert!(status.success(), "exit status {status:?}");
}

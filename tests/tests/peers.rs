//! The peer registry on a real `--dev` node: a professional peer registers over JSON-RPC with a
//! peer key in its node's keystore, its deposit goes on hold, and its node's off-chain worker
//! proves it online with a heartbeat that the chain records.

use codec::{Decode, Encode};
use serde_json::json;
use sp_core::{crypto::Pair as _, sr25519, H256};
use sp_keyring::Sr25519Keyring;
use spacebook_e2e::*;
use spacebook_runtime::{
	configs::peers::PROFESSIONAL_DEPOSIT, AccountId, Balance, BlockNumber, RuntimeCall,
};
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

	// The peer key goes into the node's keystore, as an operator does with `key insert`.
	let suri = "//Eve//spacebook-peer";
	let peer_pair = sr25519::Pair::from_string(suri, None).unwrap();
	let peer_key = pallet_peers::crypto::PeerKey::from(peer_pair.public());
	node.rpc
		.call("author_insertKey", json!(["spbp", suri, to_hex(peer_pair.public().as_ref())]))
		.expect("the key is inserted");

	// Eve (the DApp fund's beneficiary, liquid at genesis) registers as a professional peer.
	let eve = Sr25519Keyring::Eve.pair();
	let eve_id: AccountId = eve.public().into();
	assert!(peer_view(&node, &eve_id).is_none());
	let declaration = pallet_peers::ProfessionalDeclaration {
		resources: pallet_peers::Resources {
			storage_gib: 2_048,
			bandwidth_mbps: 1_000,
			cpu_cores: 8,
		},
		location: pallet_peers::Location {
			region: *b"SG",
			latitude: 1_352_083,
			longitude: 103_819_836,
		},
		endpoint: b"https://127.0.0.1:8443".to_vec().try_into().unwrap(),
	};
	let call = RuntimeCall::Peers(pallet_peers::Call::register_professional {
		peer_key: peer_key.clone(),
		declaration,
	});
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

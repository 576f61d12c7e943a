//! A `--dev` node packs and finalizes a block every round, carries Gosig justifications, takes a
//! balance transfer over JSON-RPC into a finalized block, and stops cleanly on SIGINT.

use serde_json::json;
use sp_core::{crypto::Pair as _, sr25519, H256};
use sp_keyring::Sr25519Keyring;
use spacebook_e2e::*;
use spacebook_runtime::{AccountId, SPB};
use std::time::Duration;

#[test]
fn dev_chain_finalizes_every_round_and_includes_a_transfer() {
	let dir = TempDir::new("dev");
	let node = Node::start_dev(dir.path());

	// At least five finalized blocks within 90 s (a round is 3 s).
	node.wait_for("5 finalized blocks", Duration::from_secs(90), |n| {
		(n.finalized_number() >= 5).then_some(())
	});
	let (finalized, best) = (node.finalized_number(), node.best_number());
	assert!(best >= finalized && best - finalized <= 1, "best #{best}, finalized #{finalized}");

	// The finalized head carries a Gosig justification.
	let head = node.rpc.call("chain_getFinalizedHead", json!([])).unwrap();
	let block = node.rpc.call("chain_getBlock", json!([head])).unwrap();
	let justifications = block["justifications"].as_array().expect("justifications present");
	let gosig: Vec<u8> = b"GOSG".to_vec();
	assert!(
		justifications.iter().any(|j| {
			let id: Vec<u8> = serde_json::from_value(j[0].clone()).unwrap_or_default();
			id == gosig
		}),
		"a GOSG justification in {justifications:?}"
	);

	// A transfer from Alice to a fresh account lands in a finalized block.
	let alice = Sr25519Keyring::Alice.pair();
	let recipient: AccountId =
		sr25519::Pair::from_string("//Spacebook-e2e-recipient", None).unwrap().public().into();
	assert_eq!(free_balance(&node.rpc, &recipient), 0);
	let alice_id: AccountId = alice.public().into();
	let nonce = node.rpc.call("system_accountNextIndex", json!([alice_id.to_string()])).unwrap();
	let nonce = nonce.as_u64().expect("a nonce") as u32;
	let genesis = node.block_hash(0);
	let genesis = H256::from_slice(&from_hex(genesis.as_str().unwrap()));
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
	let next = node.rpc.call("system_accountNextIndex", json!([alice_id.to_string()])).unwrap();
	assert_eq!(next.as_u64(), Some(nonce as u64 + 1));

	// The fee went into the mining pool (45 % of the supply at genesis), not burned: the total
	// issuance is still exactly 10 billion SPB.
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

	// SIGINT stops the node cleanly.
	let status = node.stop_with_sigint();
	assert!(status.success(), "exit status {status:?}");
}

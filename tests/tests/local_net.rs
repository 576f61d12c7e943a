//! Four billing peers (the `local` chain) on loopback running Gosig: finality advances, survives
//! one crashed peer and its restart, halts without a quorum (two peers down, or a 2|2
//! partition) without ever finalizing conflicting blocks, and resumes when the quorum is back; an
//! equivocating peer is reported on chain while the chain stays safe.

use serde_json::json;
use sp_core::{crypto::Pair as _, sr25519, H256};
use spacebook_e2e::{local_net::LocalNet, *};
use std::time::Duration;

/// A round is 3 s; give each wait room for slow debug nodes on 2 cores.
const ROUND: Duration = Duration::from_secs(3);

fn rounds(n: u32) -> Duration {
	ROUND * n
}

#[test]
fn four_billing_peers_finalize_survive_a_crash_and_take_the_peer_back() {
	let mut net = LocalNet::start("crash", vec![]);
	net.wait_all_finalized(3, rounds(40));
	net.assert_finalized_chains_agree();

	// One of four down: the other three are a quorum.
	net.kill(3);
	let before = net.max_finalized();
	net.wait_all_finalized(before + 3, rounds(30));
	net.assert_finalized_chains_agree();

	// It comes back on its base path and catches up.
	net.start_node(3);
	let target = net.max_finalized() + 2;
	net.wait_all_finalized(target, rounds(40));
	net.assert_finalized_chains_agree();
	for i in 0..4 {
		net.stop(i);
	}
}

#[test]
fn a_peer_down_for_many_rounds_catches_up_on_finality() {
	let mut net = LocalNet::start("outage", vec![]);
	net.wait_all_finalized(3, rounds(40));

	// Node 3 misses some thirty blocks: more than the gossip's round window, so it must learn
	// finality from justifications (requested from sync when its finalized head lags).
	net.kill(3);
	let before = net.max_finalized();
	net.wait_all_finalized(before + 30, rounds(60));

	net.start_node(3);
	let target = net.max_finalized() + 2;
	net.wait_all_finalized(target, rounds(40));
	net.assert_finalized_chains_agree();
	for i in 0..4 {
		net.stop(i);
	}
}

#[test]
fn without_a_quorum_finality_halts_and_resumes_when_it_returns() {
	let mut net = LocalNet::start("quorum", vec![]);
	net.wait_all_finalized(2, rounds(40));

	// Two of four down: no quorum of 3.
	net.kill(2);
	net.kill(3);
	// Let a commit in flight land, then watch finality stand still.
	std::thread::sleep(rounds(2));
	let halted = net.max_finalized();
	std::thread::sleep(rounds(6));
	assert_eq!(net.max_finalized(), halted, "finality advanced without a quorum");
	net.assert_finalized_chains_agree();

	net.start_node(2);
	net.start_node(3);
	net.wait_all_finalized(halted + 3, rounds(50));
	net.assert_finalized_chains_agree();
	for i in 0..4 {
		net.stop(i);
	}
}

#[test]
fn a_two_two_partition_halts_finality_and_heals() {
	let mut net = LocalNet::start("partition", vec![]);
	net.wait_all_finalized(2, rounds(40));

	// Alice and Bob on one side, Charlie and Dave on the other: two of four is no quorum.
	net.partition(&[0, 1]);
	std::thread::sleep(rounds(2));
	let halted = net.max_finalized();
	std::thread::sleep(rounds(6));
	assert_eq!(net.max_finalized(), halted, "a half of the network finalized alone");
	net.assert_finalized_chains_agree();

	net.heal();
	net.wait_all_finalized(halted + 3, rounds(50));
	net.assert_finalized_chains_agree();
}

/// The storage key of `Gosig::EquivocationCount(id)`.
fn equivocation_count_key(id: &sr25519::Public) -> String {
	let mut key = sp_crypto_hashing::twox_128(b"Gosig").to_vec();
	key.extend(sp_crypto_hashing::twox_128(b"EquivocationCount"));
	key.extend(sp_crypto_hashing::blake2_128(id.as_ref()));
	key.extend_from_slice(id.as_ref());
	to_hex(&key)
}

#[test]
fn an_equivocating_billing_peer_is_reported_and_the_chain_stays_safe() {
	// Dave signs a second, conflicting prepare in every round.
	let extra = vec![vec![], vec![], vec![], vec!["--gosig-test-equivocate".to_string()]];
	let net = LocalNet::start("equivocation", extra);
	let dave = sr25519::Pair::from_string("//Dave", None).unwrap().public();
	let key = equivocation_count_key(&dave);
	let alice = net.node(0);
	let count = alice.wait_for("Dave's equivocation on chain", rounds(60), |n| {
		let value = n.rpc.call("state_getStorage", json!([key])).ok()?;
		let bytes = from_hex(value.as_str()?);
		let count = u32::from_le_bytes(bytes.get(..4)?.try_into().ok()?);
		(count > 0).then_some(count)
	});
	assert!(count >= 1);
	// The others saw it in gossip, and the chain still finalizes, consistently.
	assert!(alice.log().contains("equivocated"), "Alice's log names the equivocation");
	let now = net.min_finalized();
	net.wait_all_finalized(now + 2, rounds(30));
	net.assert_finalized_chains_agree();
}

/// The storage key of `Gosig::CurrentSetId`.
fn set_id_key() -> String {
	let mut key = sp_crypto_hashing::twox_128(b"Gosig").to_vec();
	key.extend(sp_crypto_hashing::twox_128(b"CurrentSetId"));
	to_hex(&key)
}

/// The authority set id in the state of the finalized head of `node`.
fn finalized_set_id(node: &Node) -> Option<u64> {
	let head = node.rpc.call("chain_getFinalizedHead", json!([])).ok()?;
	let value = node.rpc.call("state_getStorage", json!([set_id_key(), head])).ok()?;
	match value.as_str() {
		Some(hex) => Some(u64::from_le_bytes(from_hex(hex).get(..8)?.try_into().ok()?)),
		None => Some(0),
	}
}

#[test]
fn an_authority_set_change_takes_effect_once_final_and_finality_continues() {
	let mut net = LocalNet::start("set-change", vec![]);
	net.wait_all_finalized(2, rounds(40));

	// Root (Alice, the sudo key) removes Dave: the set becomes Alice, Bob, Charlie (quorum 3).
	let new_set: Vec<spacebook_gosig_primitives::AuthorityId> = ["//Alice", "//Bob", "//Charlie"]
		.iter()
		.map(|s| sr25519::Pair::from_string(s, None).unwrap().public().into())
		.collect();
	let call = spacebook_runtime::RuntimeCall::Sudo(pallet_sudo::Call::sudo {
		call: Box::new(spacebook_runtime::RuntimeCall::Gosig(
			pallet_gosig::Call::set_authorities { authorities: new_set.try_into().unwrap() },
		)),
	});
	let alice = sr25519::Pair::from_string("//Alice", None).unwrap();
	let alice_id: spacebook_runtime::AccountId = alice.public().into();
	let node = net.node(0);
	let genesis = H256::from_slice(&from_hex(node.block_hash(0).as_str().unwrap()));
	let nonce = node.rpc.call("system_accountNextIndex", json!([alice_id.to_string()])).unwrap();
	let xt = signed_transaction(&alice, call, nonce.as_u64().expect("a nonce") as u32, genesis);
	node.rpc
		.call("author_submitExtrinsic", json!([to_hex(&codec::Encode::encode(&xt))]))
		.expect("the sudo call is accepted");

	// The change becomes final (voted on by the old set), then the new set finalizes on.
	node.wait_for("set 1 final", rounds(40), |n| (finalized_set_id(n)? == 1).then_some(()));
	let changed_at = net.max_finalized();
	// Dave's node is no billing peer any more: stopping it costs the new set nothing.
	net.stop(3);
	net.wait_all_finalized(changed_at + 3, rounds(40));
	net.assert_finalized_chains_agree();
	assert!(net.node(0).log().contains("authority set 1"), "Alice's worker moved to set 1");
}

//! Four billing peers (the `local` chain, 1 s rounds from the chain spec) on loopback running
//! Gosig, through every fault scenario on one network, one phase after another: finality
//! advances; survives one crashed peer and takes it back; a peer down for thirty rounds catches up
//! from justifications; without a quorum (two peers down, or a 2|2 partition) finality halts
//! without ever finalizing conflicting blocks and resumes when the quorum is back; an equivocating
//! peer is reported on chain while the chain stays safe; an authority-set change takes effect once
//! final and the new set finalizes on.
//!
//! The phases share one network because none leaves it changed for the next: every phase starts
//! and ends with all four peers running, honest and finalizing, except the last, which removes
//! Dave. Each phase's failures name it (`phase`).

use serde_json::json;
use sp_core::{crypto::Pair as _, sr25519, H256};
use spacebook_e2e::{local_net::LocalNet, *};
use std::time::Duration;

/// The round of this network's chain spec.
const ROUND: Duration = Duration::from_millis(SHORT_ROUND_MS);

/// `n` rounds of wall-clock time (waits allow many more rounds than the blocks they wait for:
/// debug nodes restarting on two cores miss rounds).
fn rounds(n: u32) -> Duration {
	ROUND * n
}

/// The storage key of `Gosig::EquivocationCount(id)`.
fn equivocation_count_key(id: &sr25519::Public) -> String {
	let mut key = sp_crypto_hashing::twox_128(b"Gosig").to_vec();
	key.extend(sp_crypto_hashing::twox_128(b"EquivocationCount"));
	key.extend(sp_crypto_hashing::blake2_128(id.as_ref()));
	key.extend_from_slice(id.as_ref());
	to_hex(&key)
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

/// Watch finality stand still: let commits already in flight land (until no node has finalized
/// anything new for three rounds), then check that no running node finalizes anything more for
/// `rounds(6)`. Returns the halted height.
fn assert_finality_halts(net: &LocalNet, why: &str) -> u32 {
	let settle_by = std::time::Instant::now() + rounds(60);
	let mut halted = net.max_finalized();
	loop {
		std::thread::sleep(rounds(3));
		let now = net.max_finalized();
		if now == halted {
			break;
		}
		assert!(std::time::Instant::now() < settle_by, "finality kept advancing {why}");
		halted = now;
	}
	std::thread::sleep(rounds(6));
	assert_eq!(net.max_finalized(), halted, "finality advanced {why}");
	net.assert_finalized_chains_agree();
	halted
}

#[test]
fn four_billing_peers_keep_finality_safe_through_crashes_partitions_equivocation_and_a_set_change()
{
	phase("start: four billing peers finalize");
	let mut net = LocalNet::start("gosig", SHORT_ROUND_MS, vec![]);
	net.wait_all_finalized(3, rounds(60));
	net.assert_finalized_chains_agree();

	phase("crash: one of four down, the other three are a quorum");
	net.kill(3);
	let before = net.max_finalized();
	net.wait_all_finalized(before + 3, rounds(60));
	net.assert_finalized_chains_agree();

	phase("crash: the crashed peer restarts on its base path and catches up");
	net.start_node(3);
	let target = net.max_finalized() + 2;
	net.wait_all_finalized(target, rounds(60));
	net.assert_finalized_chains_agree();

	phase("outage: a peer misses thirty blocks and learns finality from justifications");
	// More than the gossip's round window, so it must learn finality from justifications
	// (requested from sync when its finalized head lags).
	net.kill(3);
	let before = net.max_finalized();
	net.wait_all_finalized(before + 30, rounds(120));
	net.start_node(3);
	let target = net.max_finalized() + 2;
	net.wait_all_finalized(target, rounds(60));
	net.assert_finalized_chains_agree();

	phase("quorum: two of four down, finality halts");
	net.kill(2);
	net.kill(3);
	let halted = assert_finality_halts(&net, "with two of four billing peers down");

	phase("quorum: the two come back, finality resumes");
	net.start_node(2);
	net.start_node(3);
	net.wait_all_finalized(halted + 3, rounds(90));
	net.assert_finalized_chains_agree();

	phase("partition: Alice and Bob | Charlie and Dave, finality halts");
	net.partition(&[0, 1]);
	let halted = assert_finality_halts(&net, "in a half of a 2|2 partition");

	phase("partition: healed, finality resumes");
	net.heal();
	net.wait_all_finalized(halted + 3, rounds(90));
	net.assert_finalized_chains_agree();

	phase("equivocation: Dave signs two conflicting prepares every round, and is reported");
	net.restart_with(3, vec!["--gosig-test-equivocate".to_string()]);
	let dave = sr25519::Pair::from_string("//Dave", None).unwrap().public();
	let key = equivocation_count_key(&dave);
	let count = net.node(0).wait_for("Dave's equivocation on chain", rounds(120), |n| {
		let value = n.rpc.call("state_getStorage", json!([key])).ok()?;
		let bytes = from_hex(value.as_str()?);
		let count = u32::from_le_bytes(bytes.get(..4)?.try_into().ok()?);
		(count > 0).then_some(count)
	});
	assert!(count >= 1);
	// The others saw it in gossip, and the chain still finalizes, consistently.
	assert!(net.node(0).log().contains("equivocated"), "Alice's log names the equivocation");
	let now = net.min_finalized();
	net.wait_all_finalized(now + 2, rounds(60));
	net.assert_finalized_chains_agree();

	phase("equivocation: Dave is honest again");
	net.restart_with(3, vec![]);
	let now = net.max_finalized();
	net.wait_all_finalized(now + 2, rounds(60));

	phase("set change: root removes Dave, the change takes effect once final");
	// Root (Alice, the sudo key): the set becomes Alice, Bob, Charlie (quorum 3).
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
	// The change becomes final (voted on by the old set).
	node.wait_for("set 1 final", rounds(90), |n| (finalized_set_id(n)? == 1).then_some(()));

	phase("set change: the new set of three finalizes without Dave");
	let changed_at = net.max_finalized();
	// Dave's node is no billing peer any more: stopping it costs the new set nothing.
	net.stop(3);
	net.wait_all_finalized(changed_at + 3, rounds(60));
	net.assert_finalized_chains_agree();
	assert!(net.node(0).log().contains("authority set 1"), "Alice's worker moved to set 1");
	for i in 0..3 {
		net.stop(i);
	}
}

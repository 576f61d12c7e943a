//! Four billing peers (the `local` chain) on loopback running Gosig: finality advances, survives
//! one crashed peer and its restart, halts without a quorum (two peers down, or a 2|2
//! partition) without ever finalizing conflicting blocks, and resumes when the quorum is back; an
//! equivocating peer is reported on chain while the chain stays safe.

use serde_json::json;
use sp_core::{crypto::Pair as _, sr25519};
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

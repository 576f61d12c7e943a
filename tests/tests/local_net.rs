//! Four billing peers (the `local` chain, 1 s rounds from the chain spec) on loopback running
//! Gosig, through every fault scenario on one network, one phase after another: finality
//! advances; survives one crashed peer and takes it back; a peer down for thirty rounds catches up
//! from justifications; without a quorum (two peers down, or a 2|2 partition) finality halts
//! without ever finalizing conflicting blocks and resumes when the quorum is back. Then the
//! billing-peer elections (issue 16), with the `spacebook` CLI: a fifth node's operator, Eve,
//! stands as a candidate proving her Gosig key; votes move her into the set at the next era (40
//! blocks in this spec) and Dave out, and the new set finalizes with her vote; Charlie
//! equivocates, is reported on chain, evicted and replaced by the first backup (Dave) at once,
//! and the chain keeps finalizing.
//!
//! The phases share one network because none leaves it changed for the next until the elections:
//! every phase before them starts and ends with all four peers running, honest and finalizing.
//! Each phase's failures name it (`phase`).

use serde_json::json;
use sp_core::{crypto::Pair as _, sr25519};
use spacebook_e2e::{
	local_net::{LocalNet, CANDIDATE},
	*,
};
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
fn billing_peers_keep_finality_safe_through_crashes_partitions_elections_and_an_equivocation() {
	phase("start: four billing peers finalize");
	let mut net = LocalNet::start("gosig", SHORT_ROUND_MS, ERA, vec![]);
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

	phase("election: Eve's node joins and Eve stands as a billing-peer candidate (CLI)");
	net.start_node(CANDIDATE);
	let url = net.url(0);
	let eve = address("//Eve");
	let (as_eve, as_ferdie) = (Cli::new(url.as_str(), "//Eve"), Cli::new(url.as_str(), "//Ferdie"));
	// Backed by 500 SPB of her own (a locked vote for herself; a full registry would take her
	// only so): not enough for a seat.
	as_eve.run_text(&["billing", "register", "--billing-key", "//Eve", "--bond", "500"]);
	let shown = as_eve.run_text(&["billing", "candidates"]);
	assert!(shown.contains(&format!("{eve}  500 SPB  candidate")), "Eve is a candidate: {shown}");

	phase("election: votes move Eve in and Dave out at the next era; finality goes on");
	// Ferdie backs Alice, Bob, Charlie and Eve with 12 500 SPB each (a seat needs 10 000); Dave
	// has no votes. One member on probation a set of four may hold (the turnover budget): Eve
	// takes Dave's seat.
	let votes: Vec<String> = ["//Alice", "//Bob", "//Charlie", "//Eve"]
		.iter()
		.map(|s| format!("{}=12500", address(s)))
		.collect();
	let mut args = vec!["billing", "vote"];
	args.extend(votes.iter().map(String::as_str));
	as_ferdie.run_text(&args);
	let shown = as_ferdie.run_text(&["billing", "votes"]);
	assert!(shown.contains("locked:          50000 SPB"), "Ferdie's votes are locked: {shown}");
	let projected = as_ferdie.run_text(&["billing", "projected"]);
	assert!(projected.contains(&eve), "Eve in the projected set: {projected}");
	let [alice_key, bob_key, charlie_key, dave_key, eve_key] =
		["//Alice", "//Bob", "//Charlie", "//Dave", "//Eve"].map(gosig_key);
	let set = net.node(0).wait_for("Eve in the finalized set", rounds(3 * ERA), |n| {
		let set = finalized_authorities(n)?;
		set.contains(&eve_key).then_some(set)
	});
	assert_eq!(set.len(), 4);
	assert!(!set.contains(&dave_key), "Dave gave Eve his seat: {set:?}");
	let elected_set = finalized_set_id(net.node(0)).expect("a set id");
	assert!(elected_set >= 1);
	// Alice, Bob and Eve are a quorum of the new set only if Eve votes: stop Charlie and Dave.
	net.stop(2);
	net.stop(3);
	let now = net.max_finalized();
	net.wait_all_finalized(now + 3, rounds(60));
	net.assert_finalized_chains_agree();
	let shown = as_ferdie.run_text(&["billing"]);
	assert!(shown.contains("billing peers (4)"), "{shown}");
	// Each block carries the votes its packer saw for the parent (missed-vote measure): Eve,
	// whose vote every quorum since the stop needed, is seen voting.
	let eve_line = shown.lines().find(|l| l.contains(&eve)).expect("Eve is listed");
	let present: u32 = eve_line
		.split("votes in ")
		.nth(1)
		.and_then(|rest| rest.split(' ').next())
		.and_then(|n| n.parse().ok())
		.unwrap_or_else(|| panic!("Eve's participation is shown: {shown}"));
	assert!(present >= 1, "Eve's votes are counted: {shown}");
	net.start_node(2);
	net.start_node(3);
	let now = net.max_finalized();
	net.wait_all_finalized(now + 2, rounds(60));

	phase("replacement: Charlie equivocates, is reported, and the first backup takes his seat");
	// Dave, the first backup, now has votes (a replacement needs a seat's backing): Alice's.
	let dave_vote = format!("{}=10000", address("//Dave"));
	Cli::new(url.as_str(), "//Alice").run_text(&["billing", "vote", &dave_vote]);
	net.restart_with(2, vec!["--gosig-test-equivocate".to_string()]);
	let charlie = sr25519::Pair::from_string("//Charlie", None).unwrap().public();
	let key = equivocation_count_key(&charlie);
	let count = net.node(0).wait_for("Charlie's equivocation on chain", rounds(120), |n| {
		let value = n.rpc.call("state_getStorage", json!([key])).ok()?;
		let bytes = from_hex(value.as_str()?);
		let count = u32::from_le_bytes(bytes.get(..4)?.try_into().ok()?);
		(count > 0).then_some(count)
	});
	assert!(count >= 1);
	assert!(net.node(0).log().contains("equivocated"), "Alice's log names the equivocation");
	// Evicted at once, and replaced at the next block by the first backup with votes: Dave
	// (should the next era come first, it elects Dave, now voted for, and the eviction then
	// only takes Charlie out).
	let set = net.node(0).wait_for("Dave back in Charlie's place", rounds(30), |n| {
		let set = finalized_authorities(n)?;
		(!set.contains(&charlie_key) && set.contains(&dave_key)).then_some(set)
	});
	for key in [&alice_key, &bob_key, &eve_key] {
		assert!(set.contains(key), "{set:?}");
	}
	assert!(finalized_set_id(net.node(0)).expect("a set id") > elected_set);
	net.stop(2);
	let now = net.max_finalized();
	net.wait_all_finalized(now + 3, rounds(60));
	net.assert_finalized_chains_agree();
	for i in [0, 1, 3, CANDIDATE] {
		net.stop(i);
	}
}

/// The era of this network's chain spec, in blocks.
const ERA: u32 = 40;

/// The address of a secret URI's account, as the CLI prints it (Spacebook's SS58 prefix).
fn address(suri: &str) -> String {
	use sp_core::crypto::{Ss58AddressFormat, Ss58Codec};
	let account: spacebook_runtime::AccountId =
		sr25519::Pair::from_string(suri, None).unwrap().public().into();
	account.to_ss58check_with_version(Ss58AddressFormat::custom(spacebook_runtime::SS58_PREFIX))
}

/// The Gosig key of a secret URI (the dev keys are also the dev nodes' Gosig keys).
fn gosig_key(suri: &str) -> [u8; 32] {
	sr25519::Pair::from_string(suri, None).unwrap().public().0
}

/// The storage key of `Gosig::Authorities`.
fn authorities_key() -> String {
	let mut key = sp_crypto_hashing::twox_128(b"Gosig").to_vec();
	key.extend(sp_crypto_hashing::twox_128(b"Authorities"));
	to_hex(&key)
}

/// The Gosig authority set in the state of the finalized head of `node`.
fn finalized_authorities(node: &Node) -> Option<Vec<[u8; 32]>> {
	let head = node.rpc.call("chain_getFinalizedHead", json!([])).ok()?;
	let value = node.rpc.call("state_getStorage", json!([authorities_key(), head])).ok()?;
	codec::Decode::decode(&mut &from_hex(value.as_str()?)[..]).ok()
}

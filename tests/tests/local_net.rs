//! Four billing peers (the `local` chain, 1 s rounds from the chain spec) on loopback running
//! Gosig, through every fault scenario on one network, one phase after another: finality
//! advances; survives one crashed peer and takes it back; a peer down for thirty rounds catches up
//! from justifications; without a quorum (two peers down, or a 2|2 partition) finality halts
//! without ever finalizing conflicting blocks and resumes when the quorum is back. Then the
//! billing-peer elections (issue 16), with the `spacebook` CLI: a fifth node's operator, Eve,
//! stands as a candidate proving her Gosig key; votes move her into the set at the next era (40
//! blocks in this spec) and Dave out, and the new set finalizes with her vote; Charlie
//! equivocates, is reported on chain, evicted and replaced by the first backup (Dave) at once,
//! and the chain keeps finalizing. Then the governance committee (issue 17), with the CLI: the
//! billing peers and the foundation nominate ten candidates, Ferdie's votes seat nine; five of
//! them set the nominal prices by a motion; seven authorize a runtime upgrade (the runtime with
//! `spec_version` one higher) by its hash, Ferdie applies it, and the chain keeps finalizing.
//!
//! The phases share one network because none leaves it changed for the next until the elections:
//! every phase before them starts and ends with all four peers running, honest and finalizing.
//! Each phase's failures name it (`phase`).

use serde_json::{json, Value};
use sp_core::H256;
use sp_core::{crypto::Pair as _, sr25519};
use sp_runtime::traits::Header as _;
use spacebook_committee_primitives::{CommitteeView, ElectionPhase, Nominator, SheetView};
use spacebook_e2e::{
	local_net::{LocalNet, CANDIDATE},
	*,
};
use spacebook_gosig_primitives::{GosigConfiguration, GosigJustification, JustificationError};
use spacebook_runtime::{opaque::Header, AccountId};
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
	let mut net = LocalNet::start("gosig", SHORT_ROUND_MS, genesis(), vec![]);
	net.wait_all_finalized(3, rounds(60));
	net.assert_finalized_chains_agree();

	phase("rpc: gosig_roundState shows the votes of the open rounds");
	let node = net.node(0);
	let state = node.wait_for("a round with a commit in Alice's view", rounds(30), |n| {
		let state = n.rpc.call("gosig_roundState", json!([])).ok()?;
		let rounds = state["rounds"].as_array()?;
		rounds.iter().any(|r| !r["committed"].is_null()).then_some(state)
	});
	let authorities: Vec<String> = state["authorities"]
		.as_array()
		.expect("the set")
		.iter()
		.map(|a| a.as_str().expect("a key").to_owned())
		.collect();
	assert_eq!(authorities.len(), 4, "{state}");
	assert_eq!((state["setId"].as_u64(), state["quorum"].as_u64()), (Some(0), Some(3)), "{state}");
	let alice_index = authorities.iter().position(|a| *a == to_hex(&gosig_key("//Alice")));
	assert_eq!(state["me"].as_u64(), alice_index.map(|i| i as u64), "Alice's place: {state}");
	let rounds_shown: Vec<u64> =
		state["rounds"].as_array().unwrap().iter().map(|r| r["round"].as_u64().unwrap()).collect();
	assert_eq!(rounds_shown.first().copied(), state["round"].as_u64(), "current first: {state}");
	assert!(rounds_shown.windows(2).all(|w| w[0] == w[1] + 1), "newest first: {state}");
	let committed =
		state["rounds"].as_array().unwrap().iter().find(|r| !r["committed"].is_null()).unwrap();
	let commits = committed["tentativeCommits"].as_array().unwrap();
	assert!(commits.len() >= 3, "a quorum of tentative commits: {committed}");
	assert!(commits.iter().all(|c| c["block"] == committed["committed"]), "{committed}");
	assert!(state["finalized"]["number"].as_u64().unwrap() >= 3, "{state}");

	phase("rpc: gosig_subscribeJustifications (@polkadot/api's provider) and block authors");
	let seen = run_js("gosig.cjs", &[net.url(0).as_str(), "3"]);
	let justifications: Vec<&Value> =
		seen.iter().filter(|v| v["check"] == "justification").collect();
	assert_eq!(justifications.len(), 3, "{seen:?}");
	let mut previous = 0;
	for item in &justifications {
		let number = item["blockNumber"].as_u64().expect("a number") as u32;
		assert!(number > previous, "in finality order: {seen:?}");
		previous = number;
		let hash = item["blockHash"].as_str().expect("a hash");
		let justification = decode_justification(item["justification"].as_str().unwrap());
		assert_eq!(to_hex(justification.block_hash.as_ref()), hash);
		assert_eq!(item["signers"].as_array().map(Vec::len), Some(justification.commits.len()));
		verify_justification(node, &justification).expect("a subscribed justification verifies");
	}
	let author = seen.iter().find(|v| v["check"] == "author").expect("the author line");
	assert_eq!(author["block"], justifications[2]["blockHash"]);
	assert!(author["author"].is_string(), "api.derive.chain shows an author: {author}");
	assert_eq!(author["author"], author["packer"], "the digest's packer is the author: {author}");

	phase("rpc: gosig_proveFinality proves a block final against the authority set");
	let number = node.finalized_number() - 1;
	let proof = node.rpc.call("gosig_proveFinality", json!([number])).expect("a proof");
	let justified = verify_finality_proof(node, &proof, number).expect("the proof verifies");
	assert!(justified >= number);
	// A forged proof fails: a signature changed, or a signature short of a quorum.
	let mut forged = decode_justification(proof["justification"].as_str().unwrap());
	forged.commits[0].1 = {
		let mut raw: [u8; 64] = AsRef::<[u8]>::as_ref(&forged.commits[0].1).try_into().unwrap();
		raw[7] ^= 1;
		sr25519::Signature::from_raw(raw).into()
	};
	assert_eq!(
		verify_justification(node, &forged),
		Err(spacebook_gosig_primitives::JustificationError::BadSignature)
	);
	let mut short = decode_justification(proof["justification"].as_str().unwrap());
	short.commits.truncate(2);
	assert_eq!(
		verify_justification(node, &short),
		Err(spacebook_gosig_primitives::JustificationError::NoQuorum)
	);
	// Blocks that cannot be proven are refused with the reason.
	let ahead = node.best_number() + 100;
	let refused = node.rpc.call("gosig_proveFinality", json!([ahead])).unwrap_err();
	assert!(refused.contains("is not final yet"), "{refused}");
	let refused = node.rpc.call("gosig_proveFinality", json!([0])).unwrap_err();
	assert!(refused.contains("final by definition"), "{refused}");

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
	// Dave's node proves every block it missed final, from its own justifications or from the
	// next one above and the headers between (blocks it learnt final while catching up).
	for number in (before + 1..=before + 30).step_by(7) {
		let proof = net.node(3).rpc.call("gosig_proveFinality", json!([number])).expect("a proof");
		verify_finality_proof(net.node(3), &proof, number).expect("the proof verifies");
	}

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

	phase("committee: the billing peers and the foundation nominate ten candidates (CLI)");
	let node = net.node(0);
	// An election with time for the nominations: at least 20 of its 30 blocks left.
	node.wait_for("the committee's nominations", rounds(4 * COMMITTEE_TERM), |n| {
		let best = n.best_number();
		matches!(committee(n)?.phase, Some(ElectionPhase::Nominating { ends_at }) if ends_at >= best + 20)
			.then_some(())
	});
	// The billing peers of the set when the election started nominate one each (the last four
	// candidates), the foundation (Alice) six (the first six).
	let sheet = committee_sheet(node).expect("the ballot sheet");
	let billing: Vec<&'static str> = sheet
		.nominators_left
		.0
		.iter()
		.map(|n| match n {
			Nominator::BillingPeer(who) => suri_of(who),
			other => panic!("only billing peers nominate on this chain: {other:?}"),
		})
		.collect();
	// Four, or five when the era after Charlie's replacement elected Charlie back (he has
	// Ferdie's votes) before this election started: the first four nominate below.
	assert!(billing.len() >= 4, "the billing peers nominate: {billing:?}");
	assert_eq!(sheet.nominators_left.1, 6, "the foundation's six");
	let alice = sr25519::Pair::from_string("//Alice", None).unwrap();
	let mut batch: Vec<spacebook_runtime::RuntimeCall> = CANDIDATES[..6]
		.iter()
		.map(|c| pallet_committee::Call::nominate_as_foundation { candidate: account(c) }.into())
		.collect();
	// The four `//Member` candidates need fees for their votes on motions, and Bob, Charlie and
	// Dave (whose genesis SPB vest) for their nominations and votes.
	let fees = ["//Bob", "//Charlie", "//Dave", "//Member1", "//Member2", "//Member3", "//Member4"];
	batch.extend(fees.into_iter().map(|c| {
		spacebook_runtime::BalancesCall::transfer_keep_alive {
			dest: account(c).into(),
			value: 100_000 * spacebook_runtime::SPB,
		}
		.into()
	}));
	let mut others = Vec::new();
	for (peer, candidate) in billing.iter().zip(&CANDIDATES[6..]) {
		if *peer == "//Alice" {
			batch.push(pallet_committee::Call::nominate { candidate: account(candidate) }.into());
		} else {
			others.push((*peer, vec!["committee", "nominate", *candidate]));
		}
	}
	let batch = pallet_utility::Call::batch_all { calls: batch }.into();
	submit(node, &alice, batch);
	node.wait_for("the foundation's six nominations", rounds(30), |n| {
		(committee_sheet(n)?.candidates.len() >= 6).then_some(())
	});
	let others: Vec<(&'static str, Vec<String>)> = others
		.into_iter()
		.map(|(peer, args)| {
			let args = args
				.into_iter()
				.map(|a| if a.starts_with("//") { address(a) } else { a.to_owned() })
				.collect();
			(peer, args)
		})
		.collect();
	run_at_once(&url, &others);
	node.wait_for("ten candidates on the ballot", rounds(30), |n| {
		(committee_sheet(n)?.candidates.len() == 10).then_some(())
	});
	let shown = as_ferdie.run_text(&["committee", "candidates"]);
	assert!(shown.contains("10 candidates"), "{shown}");
	assert!(shown.contains("nominated by the foundation"), "{shown}");
	assert!(shown.contains(&format!("nominated by billing peer {}", address("//Bob"))), "{shown}");

	phase("committee: Ferdie votes for nine of them; they are seated, and the collective");
	node.wait_for("the public vote", rounds(60), |n| {
		matches!(committee(n)?.phase, Some(ElectionPhase::Voting { .. })).then_some(())
	});
	let votes: Vec<String> =
		CANDIDATES[..9].iter().map(|c| format!("{}=1000", address(c))).collect();
	let mut args = vec!["committee", "vote"];
	args.extend(votes.iter().map(String::as_str));
	as_ferdie.run_text(&args);
	let ballot = as_ferdie.run_text(&["committee", "ballot"]);
	assert!(ballot.contains("held:            9000 SPB"), "Ferdie's vote is held: {ballot}");
	let shown = as_ferdie.run_text(&["committee", "candidates"]);
	assert!(shown.contains("rank 9,") && shown.contains("no votes"), "{shown}");
	let view = node.wait_for("the committee seated", rounds(2 * COMMITTEE_TERM), |n| {
		committee(n).filter(|v| !v.members.is_empty())
	});
	let mut seated: Vec<AccountId> = CANDIDATES[..9].iter().map(|c| account(c)).collect();
	seated.sort();
	assert_eq!(view.members, seated, "the nine voted for");
	assert_eq!(view.thresholds, (5, 7));
	let shown = as_ferdie.run_text(&["committee"]);
	assert!(shown.contains("committee (9 of 9 seats)"), "{shown}");
	node.wait_for("Ferdie's vote released", rounds(30), |_| {
		as_ferdie
			.run_text(&["committee", "ballot"])
			.contains("held:            0 SPB")
			.then_some(())
	});

	phase("committee: five of nine set the nominal prices (a general motion, CLI)");
	let as_alice = Cli::new(url.as_str(), "//Alice");
	let prices = pricing(node).expect("the prices").current;
	let doubled = prices.traffic_gib * 2;
	let list = format!(
		"{{ instance: {}, traffic_gib: {doubled}, storage_gb_month: {} }}",
		prices.instance, prices.storage_gb_month
	);
	let shown = as_alice.run_text(&["committee", "propose", "Pricing", "set_prices", &list]);
	let motion = motion_hash(&shown);
	assert!(shown.contains("carried by 5 ayes"), "{shown}");
	vote_aye(&url, &CANDIDATES[..5], &motion);
	let shown = as_alice.run_text(&["committee", "motions"]);
	assert!(shown.contains("Pricing.set_prices  ayes 5/5 nays 0"), "{shown}");
	let closed = as_alice.run_text(&["committee", "close", &motion]);
	assert!(closed.contains("Committee.Executed") && closed.contains("Ok"), "{closed}");
	let view = pricing(node).expect("the prices");
	let set = view.next.map(|n| n.prices.traffic_gib).unwrap_or(view.current.traffic_gib);
	assert_eq!(set, doubled, "the motion set the traffic price");

	phase(
		"committee: seven of nine authorize a runtime upgrade, Ferdie applies it; finality goes on",
	);
	let wasm = spacebook_runtime::upgrade_test::WASM_BINARY_PATH.expect(
		"the upgrade test's runtime: build with SPACEBOOK_UPGRADE_TEST_WASM=1 (scripts/test.sh does)",
	);
	let before = runtime_version(node);
	let shown = as_alice.run_text(&["committee", "propose-upgrade", wasm]);
	assert!(shown.contains("carried by 7 ayes"), "{shown}");
	let motion = motion_hash(&shown);
	vote_aye(&url, &CANDIDATES[..7], &motion);
	let closed = as_alice.run_text(&["committee", "close", &motion]);
	assert!(closed.contains("System.UpgradeAuthorized"), "{closed}");
	let applied = as_ferdie.run_text(&["committee", "apply-upgrade", wasm]);
	assert!(applied.contains("runtime upgraded"), "{applied}");
	let upgraded = node.wait_for("the upgraded runtime finalized", rounds(60), |n| {
		let version = runtime_version(n);
		(version > before).then_some(version)
	});
	assert_eq!(upgraded, before + 1, "the upgrade's spec_version");
	let now = net.max_finalized();
	net.wait_all_finalized(now + 3, rounds(60));
	net.assert_finalized_chains_agree();
	for i in [0, 1, 3, CANDIDATE] {
		net.stop(i);
	}
}

/// The committee's terms in this network's chain spec: an election every 90 blocks from block
/// 30, with 30 blocks of nominations and 20 of public vote (the dev preset's are half-hours).
const COMMITTEE_TERM: u32 = 90;

/// The network's genesis: eras of [`ERA`] blocks, committee terms of [`COMMITTEE_TERM`].
fn genesis() -> serde_json::Value {
	json!({
		"billingElections": { "eraLength": ERA },
		"committeeElection": {
			"schedule": { "term": COMMITTEE_TERM, "nominating": 30, "voting": 20 },
			"firstElection": 30,
		},
	})
}

/// The committee's candidates: the foundation nominates the first six, the billing peers the
/// last four; the first nine are voted in (not Charlie, whose equivocation's slash took the SPB
/// his vesting lock left free).
const CANDIDATES: [&str; 10] = [
	"//Alice",
	"//Bob",
	"//Dave",
	"//Eve",
	"//Ferdie",
	"//Member1",
	"//Member2",
	"//Member3",
	"//Member4",
	"//Charlie",
];

/// The account of a secret URI.
fn account(suri: &str) -> AccountId {
	sr25519::Pair::from_string(suri, None).unwrap().public().into()
}

/// The dev key of a billing peer's account.
fn suri_of(who: &AccountId) -> &'static str {
	["//Alice", "//Bob", "//Charlie", "//Dave", "//Eve"]
		.into_iter()
		.find(|s| account(s) == *who)
		.unwrap_or_else(|| panic!("{who} is no dev billing peer"))
}

/// Call runtime API `function` (no arguments) at the finalized head of `node`.
fn runtime_api<T: codec::Decode>(node: &Node, function: &str) -> Option<T> {
	let head = node.rpc.call("chain_getFinalizedHead", json!([])).ok()?;
	let value = node.rpc.call("state_call", json!([function, "0x", head])).ok()?;
	codec::Decode::decode(&mut &from_hex(value.as_str()?)[..]).ok()
}

/// The committee at the finalized head (`CommitteeApi_committee`).
fn committee(node: &Node) -> Option<CommitteeView<AccountId, u32>> {
	runtime_api(node, "CommitteeApi_committee")
}

/// The ballot sheet at the finalized head (`CommitteeApi_sheet`).
fn committee_sheet(node: &Node) -> Option<SheetView<AccountId>> {
	runtime_api(node, "CommitteeApi_sheet")
}

/// The nominal prices at the finalized head (`PricingApi_prices`).
fn pricing(node: &Node) -> Option<spacebook_pricing_primitives::PricesView> {
	runtime_api(node, "PricingApi_prices")
}

/// The `spec_version` of the runtime at the finalized head.
fn runtime_version(node: &Node) -> u32 {
	let head = node.rpc.call("chain_getFinalizedHead", json!([])).expect("a finalized head");
	let version = node.rpc.call("state_getRuntimeVersion", json!([head])).expect("a version");
	version["specVersion"].as_u64().expect("a spec_version") as u32
}

/// Submit `call` signed by `from` (at its next nonce) to `node`.
fn submit(node: &Node, from: &sr25519::Pair, call: spacebook_runtime::RuntimeCall) {
	use sp_core::crypto::{Ss58AddressFormat, Ss58Codec};
	let who: AccountId = from.public().into();
	let address =
		who.to_ss58check_with_version(Ss58AddressFormat::custom(spacebook_runtime::SS58_PREFIX));
	let nonce = node.rpc.call("system_accountNextIndex", json!([address])).expect("a nonce");
	let genesis = sp_core::H256::from_slice(&from_hex(node.block_hash(0).as_str().unwrap()));
	let xt = signed_transaction(from, call, nonce.as_u64().expect("a nonce") as u32, genesis);
	node.rpc
		.call("author_submitExtrinsic", json!([to_hex(&codec::Encode::encode(&xt))]))
		.expect("the transaction is accepted");
}

/// Run the CLI at once as each `(suri, args)`; each must succeed.
fn run_at_once(url: &str, runs: &[(&'static str, Vec<String>)]) {
	let children: Vec<_> = runs
		.iter()
		.map(|(suri, args)| {
			let child = Cli::new(url, suri)
				.command()
				.args(args)
				.stdout(std::process::Stdio::piped())
				.stderr(std::process::Stdio::piped())
				.spawn()
				.expect("the CLI runs");
			(suri, args, child)
		})
		.collect();
	for (suri, args, child) in children {
		let output = child.wait_with_output().expect("the CLI ends");
		assert!(
			output.status.success(),
			"spacebook {args:?} as {suri} failed: {}",
			String::from_utf8_lossy(&output.stderr)
		);
	}
}

/// Members `suris` vote aye on `motion` at once.
fn vote_aye(url: &str, suris: &[&'static str], motion: &str) {
	let runs: Vec<_> = suris
		.iter()
		.map(|s| (*s, vec!["committee".to_owned(), "aye".to_owned(), motion.to_owned()]))
		.collect();
	run_at_once(url, &runs);
}

/// The motion hash `spacebook committee propose` printed.
fn motion_hash(shown: &str) -> String {
	shown
		.split_whitespace()
		.skip_while(|w| *w != "motion")
		.nth(1)
		.filter(|h| h.starts_with("0x") && h.len() == 66)
		.unwrap_or_else(|| panic!("a motion's hash in {shown:?}"))
		.to_owned()
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

/// A SCALE-encoded justification, as the `gosig_*` methods return it.
fn decode_justification(hex: &str) -> GosigJustification<H256, u32> {
	codec::Decode::decode(&mut &from_hex(hex)[..]).expect("a justification decodes")
}

/// The Gosig configuration (authority set and set id) in the state of block `at` of `node`.
fn gosig_configuration(node: &Node, at: H256) -> GosigConfiguration {
	let value = node
		.rpc
		.call("state_call", json!(["GosigApi_configuration", "0x", to_hex(at.as_ref())]))
		.expect("the configuration");
	codec::Decode::decode(&mut &from_hex(value.as_str().unwrap())[..]).expect("it decodes")
}

/// The header of block `hash` on `node`.
fn header(node: &Node, hash: H256) -> Header {
	let raw = node.rpc.call("chain_getHeader", json!([to_hex(hash.as_ref())])).expect("a header");
	let parent = H256::from_slice(&from_hex(raw["parentHash"].as_str().unwrap()));
	let number = parse_number(&raw["number"]);
	let state_root = H256::from_slice(&from_hex(raw["stateRoot"].as_str().unwrap()));
	let extrinsics_root = H256::from_slice(&from_hex(raw["extrinsicsRoot"].as_str().unwrap()));
	let logs = raw["digest"]["logs"]
		.as_array()
		.unwrap()
		.iter()
		.map(|l| codec::Decode::decode(&mut &from_hex(l.as_str().unwrap())[..]).unwrap())
		.collect();
	let header =
		Header::new(number, extrinsics_root, state_root, parent, sp_runtime::Digest { logs });
	assert_eq!(header.hash(), hash, "the header rebuilt from JSON is the block's");
	header
}

/// Check `justification` as a light client does: against the authority set in force at its
/// block's parent (read from `node`'s state, which the light client follows through the
/// `AuthoritiesChange` logs of the headers), on this chain's genesis.
fn verify_justification(
	node: &Node,
	justification: &GosigJustification<H256, u32>,
) -> Result<(), JustificationError> {
	let block = header(node, justification.block_hash);
	let set = gosig_configuration(node, *block.parent_hash());
	let genesis = H256::from_slice(&from_hex(node.block_hash(0).as_str().unwrap()));
	justification.verify(&block.hash(), block.number(), set.set_id, &genesis, &set.authorities)
}

/// Check a `gosig_proveFinality` answer for block `number`: its first header is the block's,
/// each next header is a child of the one before, and the justification verifies for the last.
/// Returns the justified block's number.
fn verify_finality_proof(node: &Node, proof: &Value, number: u32) -> Result<u32, String> {
	let headers: Vec<Header> = proof["headers"]
		.as_array()
		.ok_or("no headers")?
		.iter()
		.map(|h| codec::Decode::decode(&mut &from_hex(h.as_str().unwrap())[..]).unwrap())
		.collect();
	let first = headers.first().ok_or("no headers")?;
	let wanted = H256::from_slice(&from_hex(node.block_hash(number).as_str().unwrap()));
	if first.hash() != wanted || *first.number() != number {
		return Err(format!("the first header is not #{number}'s"));
	}
	if headers.windows(2).any(|w| *w[1].parent_hash() != w[0].hash()) {
		return Err("the headers are not a chain".into());
	}
	// A set change before the last header would make the justification the new set's.
	let changes_set = |h: &Header| {
		h.digest().logs().iter().any(|log| {
			log.consensus_try_to::<spacebook_gosig_primitives::ConsensusLog>(
				&spacebook_gosig_primitives::GOSIG_ENGINE_ID,
			)
			.is_some()
		})
	};
	if headers[..headers.len() - 1].iter().any(changes_set) {
		return Err("a header before the justified one changes the authority set".into());
	}
	let last = headers.last().unwrap();
	let justification = decode_justification(proof["justification"].as_str().ok_or("none")?);
	if justification.block_hash != last.hash() {
		return Err("the justification is not the last header's".into());
	}
	verify_justification(node, &justification).map_err(|e| format!("{e:?}"))?;
	Ok(*last.number())
}

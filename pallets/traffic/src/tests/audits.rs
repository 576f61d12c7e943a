//! Audits: the sampled bytes, honest answers, and every way a forged answer fails.

use crate::{mock::*, *};
use codec::Encode;
use frame_support::{assert_noop, assert_ok};
use sp_core::Pair;
use spacebook_receipts::{Receipt, SumTree};

/// An honest node with `n` receipts of different sizes, for two DApps, in `period`.
fn busy_node(peer: AccountId, period: u32, n: u8) -> Node {
	register_peer(peer);
	authorize(DAPP, 0);
	authorize(DAPP_2, 1);
	let mut node = Node::new(peer);
	for i in 0..n {
		let (dapp, key) = if i % 3 == 0 { (DAPP_2, 1) } else { (DAPP, 0) };
		let bytes = 1_000 + 137 * u64::from(i);
		node.serve(period, i, dapp, key, bytes);
		pay_for(dapp, u128::from(bytes), 1);
	}
	node
}

/// The report of `node` for period 0, accepted, with the first audit open. Its DApps have paid
/// for what it claims (a forged report must be backed by paid bytes to be admitted at all).
fn reported(node: &Node) -> TrafficReportOf<Test> {
	for (dapp, bytes) in node.report(0, 0).per_dapp {
		if Traffic::available_paid_bytes(&dapp, 0, 0) < bytes {
			pay_for(dapp, bytes, 1);
		}
	}
	run_to_report_window(0);
	assert_ok!(node.submit(0, 0));
	run_to_first_audit(0);
	Reports::<Test>::get(0, node.peer).unwrap().report
}

/// Check one answer for `position` of `report`.
fn check(
	report: &TrafficReportOf<Test>,
	answer: &SampleAnswer<AccountId>,
	position: u128,
) -> sp_runtime::DispatchResult {
	Traffic::check_sample(report, &Traffic::genesis_hash(), answer, position).map_err(Into::into)
}

/// A node whose only receipt is `signed`, reported for period 0.
fn node_with(signed: SignedReceipt<AccountId>) -> (Node, TrafficReportOf<Test>) {
	register_peer(PEER);
	authorize(DAPP, 0);
	let mut node = Node::new(PEER);
	node.push(signed);
	let report = reported(&node);
	(node, report)
}

fn receipt(
	server: AccountId,
	dapp: AccountId,
	key: u32,
	period: u32,
	bytes: u64,
) -> Receipt<AccountId> {
	Receipt { period, session: [1; 16], server, dapp, client_key: client(key).public(), bytes }
}

#[test]
fn the_audit_seed_is_drawn_when_the_report_window_closes() {
	build_and_execute(|| {
		let node = busy_node(PEER, 0, 5);
		run_to_report_window(0);
		assert_ok!(node.submit(0, 0));
		assert!(Traffic::audit_positions(0, &PEER, 1).is_empty(), "no seed before the window ends");
		assert_eq!(Traffic::open_round(0), None);
		run_to_first_audit(0);
		assert_eq!(Traffic::open_round(0), Some(1));
		let positions = Traffic::audit_positions(0, &PEER, 1);
		assert_eq!(positions.len(), SAMPLES as usize);
		let total = Reports::<Test>::get(0, PEER).unwrap().report.root.sum;
		assert!(positions.iter().all(|p| *p < total));
		let seed = AuditSeeds::<Test>::get(0)[0];
		assert!(events().contains(&Event::AuditRequested {
			period: 0,
			round: 1,
			seed,
			reports: 1
		}));
		// Another randomness gives other positions.
		Randomness::set(H256::repeat_byte(7));
		let other = Traffic::positions(&H256::repeat_byte(7), 1, &PEER, total, SAMPLES);
		assert_ne!(other, positions);
	});
}

#[test]
fn an_honest_answer_passes() {
	build_and_execute(|| {
		let node = busy_node(PEER, 0, 7);
		reported(&node);
		assert_ok!(node.answer_audit(0));
		assert_eq!(Reports::<Test>::get(0, PEER).unwrap().status, AuditStatus::Passed { round: 1 });
		assert!(events().contains(&Event::AuditPassed { peer: PEER, period: 0, round: 1 }));
		assert_noop!(node.answer_audit(0), Error::<Test>::AuditNotPending);
	});
}

#[test]
fn an_answer_pays_for_its_round_and_dapps_only() {
	use frame_support::pallet_prelude::Authorize;
	build_and_execute(|| {
		// Two DApps, first round: the authorization and the call refund the rest.
		let node = busy_node(PEER, 0, 7);
		reported(&node);
		let used = <() as WeightInfo>::answer_audit(1, 2);
		let call = Call::<Test>::answer_audit { period: 0, peer: PEER, answers: node.answers(0) };
		let (_, unused) = call
			.authorize(TransactionSource::External)
			.expect("authorizable")
			.expect("valid answers");
		// The authorization makes no writes: it is charged the checks only.
		let write = <Test as frame_system::Config>::DbWeight::get().writes(1);
		assert_eq!(
			Traffic::max_answer_authorization_weight(),
			Traffic::max_answer_weight() - write
		);
		assert_eq!(unused, Traffic::max_answer_authorization_weight() - (used - write));
		let post = Traffic::answer_audit(
			frame_system::RawOrigin::Authorized.into(),
			0,
			PEER,
			node.answers(0),
		)
		.expect("honest answers pass");
		assert_eq!(post.actual_weight, Some(used));
	});
}

#[test]
fn every_leaf_of_an_honest_tree_answers_for_every_byte_it_covers() {
	build_and_execute(|| {
		let node = busy_node(PEER, 0, 6);
		let report = reported(&node);
		let tree = node.tree();
		let mut offset = 0u128;
		for (i, r) in node.receipts.iter().enumerate() {
			let answer = node.answer(&tree, i as u32);
			let bytes = u128::from(r.receipt.bytes);
			assert_ok!(check(&report, &answer, offset));
			assert_ok!(check(&report, &answer, offset + bytes - 1));
			assert_noop!(check(&report, &answer, offset + bytes), Error::<Test>::WrongLeaf);
			offset += bytes;
		}
	});
}

#[test]
fn answers_only_while_a_round_is_open_and_one_per_sample() {
	build_and_execute(|| {
		let node = busy_node(PEER, 0, 3);
		run_to_report_window(0);
		assert_noop!(Node::send_answers(0, PEER, Default::default()), Error::<Test>::NoReport);
		assert_ok!(node.submit(0, 0));
		assert_noop!(Node::send_answers(0, PEER, Default::default()), Error::<Test>::AuditNotOpen);
		run_to_first_audit(0);
		let mut answers = node.answers(0);
		answers.pop();
		assert_noop!(Node::send_answers(0, PEER, answers), Error::<Test>::WrongAnswerCount);
		run_to(start_of(1) + u64::from(AUDIT_START + 2 * AUDIT_WINDOW));
		assert_eq!(Traffic::open_round(0), None);
		assert_noop!(Node::send_answers(0, PEER, Default::default()), Error::<Test>::AuditNotOpen);
	});
}

#[test]
fn a_receipt_signed_by_another_key_fails() {
	build_and_execute(|| {
		let forged = receipt(PEER, DAPP, 0, 0, 4_000).sign(&client(1), &Traffic::genesis_hash());
		let (node, report) = node_with(forged);
		assert_noop!(
			check(&report, &node.answer(&node.tree(), 0), 0),
			Error::<Test>::BadReceiptSignature
		);
		assert_noop!(node.answer_audit(0), Error::<Test>::BadReceiptSignature);
	});
}

#[test]
fn a_receipt_of_another_chain_fails() {
	build_and_execute(|| {
		let foreign = receipt(PEER, DAPP, 0, 0, 4_000).sign(&client(0), &H256::repeat_byte(3));
		let (node, report) = node_with(foreign);
		assert_noop!(
			check(&report, &node.answer(&node.tree(), 0), 0),
			Error::<Test>::BadReceiptSignature
		);
	});
}

#[test]
fn a_client_key_the_dapp_did_not_authorize_fails() {
	build_and_execute(|| {
		// Client 5 is nobody's; client 1 is DAPP_2's, not DAPP's.
		authorize(DAPP_2, 1);
		for key in [5, 1] {
			let signed =
				receipt(PEER, DAPP, key, 0, 4_000).sign(&client(key), &Traffic::genesis_hash());
			let report = {
				let mut node = Node::new(PEER);
				node.push(signed.clone());
				node.report(0, 0)
			};
			let mut node = Node::new(PEER);
			node.push(signed);
			assert_noop!(
				check(&report, &node.answer(&node.tree(), 0), 0),
				Error::<Test>::ClientKeyNotAuthorized
			);
		}
	});
}

#[test]
fn a_client_key_removed_after_its_traffic_still_vouches_for_it() {
	build_and_execute(|| {
		let node = honest_node(PEER, 0, 4_000);
		// The DApp removes the key once period 0 is over, before the peer reports.
		run_to(start_of(1));
		retire(0);
		report_and_settle(0, &[(&node, 0)]);
		assert_eq!(Reports::<Test>::get(0, PEER).unwrap().status, AuditStatus::Passed { round: 1 });
		assert_eq!(rewards(), vec![(PEER, PeersEmission::get())]);
		assert!(penalties().is_empty());
	});
}

#[test]
fn a_receipt_of_a_period_after_its_key_was_removed_fails() {
	build_and_execute(|| {
		register_peer(PEER);
		authorize(DAPP, 0);
		pay_for(DAPP, 4_000, 1);
		// Removed during period 0: its receipts of period 1 do not count.
		run_to(start_of(0) + 20);
		retire(0);
		let mut node = Node::new(PEER);
		node.serve(1, 1, DAPP, 0, 4_000);
		run_to_report_window(1);
		assert_ok!(node.submit(1, 1));
		run_to_first_audit(1);
		let report = Reports::<Test>::get(1, PEER).unwrap().report;
		assert_noop!(
			check(&report, &node.answer(&node.tree(), 0), 0),
			Error::<Test>::ClientKeyNotAuthorized
		);
	});
}

/// Finding 8 of issue 14: client keys are bearer credentials. Whoever holds a removed key can
/// still sign receipts, dated to any period before the removal, and roll them into a later
/// report up to `MaxRollover` periods back. Checked before the fix: the audit asked whether the
/// key was authorized when the *receipt's* period began, so the receipt below (dated period 0,
/// signed after the key's removal in period 1, reported in period 3 from period 0) passed, and
/// the DApp's paid bytes paid the holder of the stolen key. Now a removed key vouches only
/// in reports of periods that began before its removal.
#[test]
fn a_removed_key_vouches_for_no_receipt_rolled_into_a_later_report() {
	build_and_execute(|| {
		register_peer(PEER);
		authorize(DAPP, 0);
		pay_for(DAPP, 4_000, 1);
		run_to(start_of(1) + 20);
		retire(0);
		// Signed after the removal, dated to period 0, kept back and reported with period 3.
		let mut node = Node::new(PEER);
		node.serve(0, 1, DAPP, 0, 4_000);
		run_to_report_window(3);
		assert_ok!(node.submit(3, 0));
		run_to_first_audit(3);
		let report = Reports::<Test>::get(3, PEER).unwrap().report;
		assert_noop!(
			check(&report, &node.answer(&node.tree(), 0), 0),
			Error::<Test>::ClientKeyNotAuthorized
		);
		run_to_settled(3);
		assert_eq!(Traffic::explain_reward(&PEER, 3).unwrap().reward, 0);
		assert_eq!(unclaimed(DAPP), 4_000, "the DApp's paid bytes are untouched");
	});
}

/// The other side of the rule above: receipts of the period of the removal still count in that
/// period's report, which is sent after the removal.
#[test]
fn a_key_removed_during_a_period_still_vouches_in_that_periods_report() {
	build_and_execute(|| {
		let node = honest_node(PEER, 1, 4_000);
		run_to(start_of(1) + 20);
		retire(0);
		report_and_settle(1, &[(&node, 1)]);
		assert_eq!(Reports::<Test>::get(1, PEER).unwrap().status, AuditStatus::Passed { round: 1 });
		assert!(penalties().is_empty());
		assert_eq!(unclaimed(DAPP), 0);
	});
}

#[test]
fn a_receipt_for_another_server_fails() {
	build_and_execute(|| {
		let signed = receipt(2, DAPP, 0, 0, 4_000).sign(&client(0), &Traffic::genesis_hash());
		let (node, report) = node_with(signed);
		assert_noop!(check(&report, &node.answer(&node.tree(), 0), 0), Error::<Test>::WrongServer);
	});
}

#[test]
fn bytes_tampered_after_signing_fail() {
	build_and_execute(|| {
		let mut tampered =
			receipt(PEER, DAPP, 0, 0, 4_000).sign(&client(0), &Traffic::genesis_hash());
		tampered.receipt.bytes = 40_000;
		let (node, report) = node_with(tampered);
		assert_noop!(
			check(&report, &node.answer(&node.tree(), 0), 0),
			Error::<Test>::BadReceiptSignature
		);
	});
}

#[test]
fn a_receipt_replayed_from_an_earlier_period_fails() {
	build_and_execute(|| {
		let node = honest_node(PEER, 0, 5_000);
		report_and_settle(0, &[(&node, 0)]);
		// The same receipt again in the report of period 1.
		pay_for(DAPP, 5_000, 1);
		run_to_report_window(1);
		assert_ok!(node.submit(1, 1));
		let report = Reports::<Test>::get(1, PEER).unwrap().report;
		run_to_first_audit(1);
		assert_noop!(
			check(&report, &node.answer(&node.tree(), 0), 0),
			Error::<Test>::ReceiptOutOfPeriod
		);
		assert_noop!(node.answer_audit(1), Error::<Test>::ReceiptOutOfPeriod);
	});
}

#[test]
fn a_proof_for_another_root_fails() {
	build_and_execute(|| {
		let node = busy_node(PEER, 0, 4);
		let report = reported(&node);
		let mut other = node.clone();
		other.serve(0, 200, DAPP, 0, 10);
		let answer = other.answer(&other.tree(), 0);
		assert_noop!(check(&report, &answer, 0), Error::<Test>::BadProof);
		// A right leaf with a wrong index: its path puts it out of order, or leads elsewhere.
		let mut moved = node.answer(&node.tree(), 1);
		moved.leaf_index = 2;
		let error = check(&report, &moved, 0).unwrap_err();
		assert!(
			[Error::<Test>::LeavesOutOfOrder.into(), Error::<Test>::BadProof.into()]
				.contains(&error),
			"{error:?}"
		);
		// A proof with a step too many.
		let mut long = node.answer(&node.tree(), 1);
		long.proof.try_push(SumNode::default()).unwrap();
		assert_noop!(check(&report, &long, 0), Error::<Test>::BadProof);
	});
}

/// A tree over `leaves` built without checking their order, as a cheat would: the root and
/// the proof of leaf `index`.
fn lying_tree(leaves: &[SumNode], index: u32) -> (SumNode, Proof) {
	let mut levels = vec![leaves.to_vec()];
	while levels.last().unwrap().len() > 1 {
		let above = levels
			.last()
			.unwrap()
			.chunks(2)
			.map(|pair| match pair {
				[l, r] => SumNode::join(l, r).unwrap(),
				[single] => single.clone(),
				_ => unreachable!(),
			})
			.collect();
		levels.push(above);
	}
	let mut i = index as usize;
	let mut proof = Vec::new();
	for level in &levels[..levels.len() - 1] {
		if let Some(sibling) = level.get(i ^ 1) {
			proof.push(sibling.clone());
		}
		i /= 2;
	}
	(levels.last().unwrap()[0].clone(), proof.try_into().unwrap())
}

#[test]
fn a_receipt_repeated_in_the_tree_fails_wherever_it_is() {
	build_and_execute(|| {
		register_peer(PEER);
		authorize(DAPP, 0);
		let genesis = Traffic::genesis_hash();
		// One real receipt A claimed three times, separated by a forged zero-byte receipt Z
		// that sorts above it: every audited byte lands on a copy of A.
		let a = receipt(PEER, DAPP, 0, 0, 4_000).sign(&client(0), &genesis);
		let mut z = receipt(PEER, DAPP, 0, 0, 0);
		z.session = [0xff; 16];
		let z = z.sign(&client(5), &genesis);
		let leaves = [&a, &z, &a, &z, &a].map(SumNode::leaf);
		run_to_report_window(0);
		let mut report = Node::new(PEER).report(0, 0);
		for index in [0u32, 2, 4] {
			let (root, proof) = lying_tree(&leaves, index);
			report.root = root;
			report.leaf_count = 5;
			report.per_dapp = vec![(DAPP, 12_000)].try_into().unwrap();
			let answer = SampleAnswer { leaf_index: index, receipt: a.clone(), proof };
			let position = 4_000 * u128::from(index / 2);
			assert_noop!(check(&report, &answer, position), Error::<Test>::LeavesOutOfOrder);
		}
		// A superseded receipt of the same stream beside the latest one: the same.
		let older = receipt(PEER, DAPP, 0, 0, 1_000).sign(&client(0), &genesis);
		let newer = receipt(PEER, DAPP, 0, 0, 3_000).sign(&client(0), &genesis);
		let leaves = [SumNode::leaf(&older), SumNode::leaf(&newer)];
		assert!(SumTree::from_leaves(leaves.to_vec()).is_err(), "an honest node cannot build it");
		let (root, proof) = lying_tree(&leaves, 0);
		report.root = root;
		report.leaf_count = 2;
		report.per_dapp = vec![(DAPP, 4_000)].try_into().unwrap();
		let answer = SampleAnswer { leaf_index: 0, receipt: older, proof };
		assert_noop!(check(&report, &answer, 0), Error::<Test>::LeavesOutOfOrder);
	});
}

#[test]
fn bytes_credited_to_the_wrong_dapp_fail() {
	build_and_execute(|| {
		let node = honest_node(PEER, 0, 5_000);
		authorize(DAPP_2, 1);
		run_to_report_window(0);
		let mut report = node.report(0, 0);
		// All bytes are DAPP's, claimed as DAPP_2's (say, a DApp that paid more).
		report.per_dapp = vec![(DAPP_2, 5_000)].try_into().unwrap();
		pay_for(DAPP_2, 5_000, 1);
		assert_ok!(Node::submit_report(report.clone()));
		run_to_first_audit(0);
		assert_noop!(check(&report, &node.answer(&node.tree(), 0), 0), Error::<Test>::WrongDApp);
	});
}

#[test]
fn an_unanswered_report_is_audited_again_and_may_pass_then() {
	build_and_execute(|| {
		let node = busy_node(PEER, 0, 5);
		reported(&node);
		run_to_second_audit(0);
		assert_eq!(Traffic::open_round(0), Some(2));
		let seed = AuditSeeds::<Test>::get(0)[1];
		assert!(events().contains(&Event::AuditRequested {
			period: 0,
			round: 2,
			seed,
			reports: 1
		}));
		assert_eq!(node.answers(0).len(), SECOND_SAMPLES as usize);
		// The second round repeats the first round's bytes.
		let first = Traffic::audit_positions(0, &PEER, 1);
		let second = Traffic::audit_positions(0, &PEER, 2);
		assert_eq!(second[..SAMPLES as usize], first[..]);
		assert_eq!(second.len(), SECOND_SAMPLES as usize);
		assert_ok!(node.answer_audit(0));
		assert_eq!(Reports::<Test>::get(0, PEER).unwrap().status, AuditStatus::Passed { round: 2 });
		run_to_settled(0);
		assert!(free(PEER) > spb(10), "paid");
		assert!(penalties().is_empty());
	});
}

#[test]
fn each_kind_of_forged_receipt_fails_both_rounds_and_earns_nothing() {
	let genesis = || Traffic::genesis_hash();
	type Forge = Box<dyn Fn() -> SignedReceipt<AccountId>>;
	let forgeries: Vec<(&str, Forge, Error<Test>)> = vec![
		(
			"signed by another key",
			Box::new(move || receipt(PEER, DAPP, 0, 0, 4_000).sign(&client(1), &genesis())),
			Error::<Test>::BadReceiptSignature,
		),
		(
			"bytes tampered after signing",
			Box::new(move || {
				let mut r = receipt(PEER, DAPP, 0, 0, 400).sign(&client(0), &genesis());
				r.receipt.bytes = 4_000;
				r
			}),
			Error::<Test>::BadReceiptSignature,
		),
		(
			"for another server",
			Box::new(move || receipt(2, DAPP, 0, 0, 4_000).sign(&client(0), &genesis())),
			Error::<Test>::WrongServer,
		),
		(
			"a key its DApp did not authorize",
			Box::new(move || receipt(PEER, DAPP, 5, 0, 4_000).sign(&client(5), &genesis())),
			Error::<Test>::ClientKeyNotAuthorized,
		),
	];
	for (kind, forge, error) in forgeries {
		let error = sp_runtime::DispatchError::from(error);
		build_and_execute(|| {
			register_peer(PEER);
			authorize(DAPP, 0);
			pay_for(DAPP, 4_000, 1);
			let mut cheat = Node::new(PEER);
			cheat.push(forge());
			run_to_report_window(0);
			assert_ok!(cheat.submit(0, 0));
			run_to_first_audit(0);
			assert_noop!(cheat.answer_audit(0), error);
			run_to_second_audit(0);
			assert_noop!(cheat.answer_audit(0), error);
			run_to_settled(0);
			assert_eq!(
				Reports::<Test>::get(0, PEER).unwrap().status,
				AuditStatus::Failed,
				"{kind}"
			);
			assert_eq!(free(PEER), spb(10), "{kind}: no reward");
			assert!(rewards().is_empty(), "{kind}");
			assert_eq!(Traffic::explain_reward(&PEER, 0).unwrap().reward, 0, "{kind}");
			assert_eq!(penalties(), vec![(PEER, PenaltyReason::AuditFailed)], "{kind}");
		});
	}
}

#[test]
fn a_report_unanswered_twice_fails_earns_nothing_and_is_penalized() {
	build_and_execute(|| {
		let honest = honest_node(2, 0, 1_000);
		let forged = receipt(PEER, DAPP, 0, 0, 4_000).sign(&client(1), &Traffic::genesis_hash());
		register_peer(PEER);
		let mut cheat = Node::new(PEER);
		cheat.push(forged);
		pay_for(DAPP, 4_000, 1);
		run_to_report_window(0);
		assert_ok!(cheat.submit(0, 0));
		assert_ok!(honest.submit(0, 0));
		run_to_first_audit(0);
		assert_ok!(honest.answer_audit(0));
		assert!(cheat.answer_audit(0).is_err());
		run_to_second_audit(0);
		assert!(cheat.answer_audit(0).is_err());
		run_to_settled(0);
		assert_eq!(Reports::<Test>::get(0, PEER).unwrap().status, AuditStatus::Failed);
		assert_eq!(free(PEER), spb(10), "no reward");
		assert_eq!(penalties(), vec![(PEER, PenaltyReason::AuditFailed)]);
		assert!(events().contains(&Event::AuditFailed { peer: PEER, period: 0 }));
		assert!(events().contains(&Event::PatrolRequested { peer: PEER, period: 0 }));
		assert_eq!(audits_failed(), vec![(PEER, 0)], "the patrol pallet is told");
		// The honest peer alone shares the reward.
		let summary = Settled::<Test>::get(0).unwrap();
		assert_eq!(summary.winners, 1);
		assert_eq!(summary.total_traffic, 1_000);
		assert_eq!(free(2), spb(10) + PeersEmission::get());
		let explained = Traffic::explain_reward(&PEER, 0).unwrap();
		assert_eq!(
			(explained.audit, explained.reward, explained.rank),
			(AuditStatus::Failed, 0, None)
		);
		// Its receipts are spent: the next report starts after the failed period.
		assert_eq!(TrafficOf::<Test>::get(PEER).unwrap().next_period, 1);
	});
}

#[test]
fn a_bad_first_round_byte_cannot_be_dodged_by_waiting_for_the_second_round() {
	build_and_execute(|| {
		// Bytes [0, 4 000) are backed by a genuine receipt, [4 000, 8 000) by a forged one.
		register_peer(PEER);
		authorize(DAPP, 0);
		let genesis = Traffic::genesis_hash();
		let mut node = Node::new(PEER);
		node.push(receipt(PEER, DAPP, 0, 0, 4_000).sign(&client(0), &genesis));
		let mut forged = receipt(PEER, DAPP, 0, 0, 4_000);
		forged.session = [2; 16];
		node.push(forged.sign(&client(1), &genesis));
		// Randomness whose first-round seed lands on a forged byte.
		let seed_of = |r: u8| -> H256 {
			sp_io::hashing::blake2_256(&(AUDIT_CONTEXT, H256::repeat_byte(r), 0u32, 1u8).encode())
				.into()
		};
		let r = (0..=255u8)
			.find(|r| {
				Traffic::positions(&seed_of(*r), 1, &PEER, 8_000, SAMPLES)
					.iter()
					.any(|p| *p >= 4_000)
			})
			.expect("three seeds in four hit the forged half");
		Randomness::set(H256::repeat_byte(r));
		let report = reported(&node);
		let first = Traffic::audit_positions(0, &PEER, 1);
		assert!(first.iter().any(|p| *p >= 4_000));
		assert_noop!(node.answer_audit(0), Error::<Test>::BadReceiptSignature);
		run_to_second_audit(0);
		let second = Traffic::audit_positions(0, &PEER, 2);
		assert_eq!(second[..SAMPLES as usize], first[..]);
		assert_noop!(node.answer_audit(0), Error::<Test>::BadReceiptSignature);
		// Only the genuine leaf's answers would check.
		let tree = node.tree();
		assert_ok!(check(&report, &node.answer(&tree, 0), 0));
		run_to_settled(0);
		assert_eq!(Reports::<Test>::get(0, PEER).unwrap().status, AuditStatus::Failed);
	});
}

/// The attacker review of issue 14's first slice: a report claims an honest DApp's paid bytes
/// with forged receipts and hides them behind a mass of genuine self-dealt traffic of its own
/// DApp. Sampled over all claimed bytes, the audit almost never looked at the forged range
/// (1 000 of 1 001 000 bytes), so the report passed and took the honest DApp's paid bytes and
/// fees. Now every backed DApp's range gets a sample of its own, and the forged range fails.
///
/// How it was checked: the test computes the samples the old rule drew from the same seed
/// (`Traffic::positions` over all claimed bytes) and asserts none of them falls in the forged
/// range, i.e. the report would have passed before the fix.
#[test]
fn claims_on_an_honest_dapp_cannot_hide_behind_self_dealt_traffic() {
	build_and_execute(|| {
		const FORGED: u64 = 1_000;
		const OWN: u64 = 1_000_000;
		authorize(DAPP, 0); // the honest DApp, whose key the attacker does not have
		pay_for(DAPP, u128::from(FORGED), 1);
		authorize(DAPP_2, 1); // the attacker's own DApp
		pay_for(DAPP_2, u128::from(OWN), 1);
		register_peer(PEER);
		let mut node = Node::new(PEER);
		// Signed with the attacker's key but naming the honest DApp.
		node.push(receipt(PEER, DAPP, 1, 0, FORGED).sign(&client(1), &Traffic::genesis_hash()));
		node.serve(0, 2, DAPP_2, 1, OWN);
		run_to_report_window(0);
		assert_ok!(node.submit(0, 0));
		assert_eq!(Reports::<Test>::get(0, PEER).unwrap().backed.to_vec(), vec![1_000, 1_000_000]);
		run_to_first_audit(0);
		let positions = Traffic::audit_positions(0, &PEER, 1);
		assert!(positions.iter().any(|p| *p < u128::from(FORGED)), "the forged range is sampled");
		let seed = AuditSeeds::<Test>::get(0)[0];
		let old_rule = Traffic::positions(&seed, 1, &PEER, u128::from(FORGED + OWN), SAMPLES);
		assert!(old_rule.iter().all(|p| *p >= u128::from(FORGED)), "the old rule missed it");
		assert_noop!(node.answer_audit(0), Error::<Test>::ClientKeyNotAuthorized);
		run_to_second_audit(0);
		assert_noop!(node.answer_audit(0), Error::<Test>::ClientKeyNotAuthorized);
		run_to_settled(0);
		let explained = Traffic::explain_reward(&PEER, 0).unwrap();
		assert_eq!((explained.audit, explained.reward), (AuditStatus::Failed, 0));
		assert_eq!(unclaimed(DAPP), u128::from(FORGED), "the honest DApp's bytes are untouched");
		assert_eq!(penalties(), vec![(PEER, PenaltyReason::AuditFailed)]);
	});
}

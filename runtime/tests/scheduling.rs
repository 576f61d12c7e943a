//! Storage orders with the real pallets (issue 18): a DApp orders a file at the nominal storage
//! price, a scheduling peer admitted with a node key answers the election, the chain picks two
//! professional peers that sent heartbeats, they confirm with their peer keys, hold the file and
//! are paid from the escrow, and the scheduling peer is paid from the period's scheduling share,
//! capped at the processing fee of the fees it brought in. A popular file gets a copy more
//! from its holder's demand, backed by the DApp's paid traffic in the holder's traffic report.

use pallet_scheduling::PaidTraffic;
use sp_core::{sr25519, Pair};
use sp_keyring::Sr25519Keyring;
use spacebook_runtime::{
	genesis_config_presets, AccountId, Balances, Peers, Runtime, RuntimeOrigin, Scheduling, Token,
	Traffic, SPB,
};

mod common;
use common::{
	answers, client_pair, genesis_of, receipts_of, register_dapp, register_professional,
	report_of_period, run_to, submit_report,
};

fn pair(seed: &str) -> sr25519::Pair {
	sr25519::Pair::from_string(seed, None).unwrap()
}

fn heartbeat(who: &AccountId, key: &sr25519::Pair) {
	let heartbeat = pallet_peers::Heartbeat {
		peer: who.clone(),
		period: spacebook_runtime::Token::current_period(),
	};
	let signature = key.sign(&Peers::heartbeat_payload(&heartbeat)).into();
	Peers::heartbeat(frame_system::RawOrigin::Authorized.into(), heartbeat, signature)
		.expect("a professional peer's heartbeat");
}

fn blocks_per_period() -> u32 {
	Token::blocks_per_period()
}

/// Root admits `who` as a scheduling peer whose node signs with `key`.
fn admit_scheduler(who: &AccountId, key: &sr25519::Pair) {
	Peers::admit_service_peer(
		RuntimeOrigin::root(),
		who.clone().into(),
		pallet_peers::ServiceKind::Scheduling,
		pallet_peers::ServiceDeclaration {
			location: pallet_peers::Location { region: *b"DE", latitude: 1, longitude: 1 },
			endpoint: b"https://198.51.100.5".to_vec().try_into().unwrap(),
			node_key: key.public().into(),
		},
	)
	.expect("root admits a scheduling peer");
}

/// The scheduling peer `who` answers order 0's first election with `candidates`, signed by its
/// node key.
fn respond(who: &AccountId, key: &sr25519::Pair, candidates: Vec<AccountId>) {
	respond_in(1, who, key, candidates)
}

/// [`respond`] in order 0's election `attempt`.
fn respond_in(attempt: u8, who: &AccountId, key: &sr25519::Pair, candidates: Vec<AccountId>) {
	let response = pallet_scheduling::ElectionResponse {
		order: 0,
		attempt,
		scheduler: who.clone(),
		candidates: candidates.try_into().unwrap(),
	};
	let signature = key.sign(&Scheduling::response_payload(&response)).into();
	Scheduling::respond(frame_system::RawOrigin::Authorized.into(), response, signature)
		.expect("the scheduling peer's response");
}

/// The storing peer `who` confirms its fetching placement in order 0 with its peer key.
fn confirm(who: &AccountId, key: &sr25519::Pair) {
	let deadline = match Scheduling::tasks_of(who)[0].2 {
		pallet_scheduling::PlacementStatus::Fetching { deadline } => deadline,
		other => panic!("not fetching: {other:?}"),
	};
	let confirmation =
		pallet_scheduling::StorageConfirmation { order: 0, peer: who.clone(), deadline };
	let signature = key.sign(&Scheduling::confirmation_payload(&confirmation)).into();
	Scheduling::confirm_stored(frame_system::RawOrigin::Authorized.into(), confirmation, signature)
		.expect("a storing peer confirms");
}

#[test]
fn an_order_is_elected_confirmed_held_and_paid_and_its_scheduler_rewarded() {
	genesis_of(genesis_config_presets::local_testnet_genesis()).execute_with(|| {
		// Eve and a fresh account are professional peers, another fresh account the scheduling
		// peer (Alice to Dave are the billing peers).
		let (eve, ferdie) =
			(Sr25519Keyring::Eve.to_account_id(), Sr25519Keyring::Ferdie.to_account_id());
		let [charlie, dave]: [AccountId; 2] =
			["//Scheduler", "//StoragePeer"].map(|seed| pair(seed).public().into());
		// The foundation's account exists (it takes the 0.5 % processing fee).
		let foundation =
			<<Runtime as pallet_token::Config>::FoundationAccount as frame_support::traits::Get<
				AccountId,
			>>::get();
		for who in [&charlie, &dave, &foundation] {
			<Balances as frame_support::traits::fungible::Mutate<_>>::set_balance(
				who,
				1_000_000 * SPB,
			);
		}
		let (dave_key, eve_key) = (pair("//DavePeerKey"), pair("//EvePeerKey"));
		let scheduler_key = pair("//CharlieSchedulerKey");
		register_professional(&dave, dave_key.public());
		register_professional(&eve, eve_key.public());
		heartbeat(&dave, &dave_key);
		heartbeat(&eve, &eve_key);
		register_dapp(&ferdie, pair("//FerdieClient").public());
		admit_scheduler(&charlie, &scheduler_key);
		// A tenth of the emission to the scheduling peers.
		Token::set_emission_split(
			RuntimeOrigin::root(),
			pallet_token::EmissionSplit {
				peers: sp_runtime::Perbill::from_percent(89),
				billing: sp_runtime::Perbill::from_percent(1),
				scheduling: sp_runtime::Perbill::from_percent(10),
			},
		)
		.expect("root sets the split");

		// Ferdie orders 32 MiB in two copies for an hour.
		let file = pallet_scheduling::FileRef { hash_index: [7; 32], length: 32 << 20 };
		let free_before = Balances::free_balance(&ferdie);
		Scheduling::order_storage(RuntimeOrigin::signed(ferdie.clone()), file, 2, 12)
			.expect("Ferdie orders");
		let order = pallet_scheduling::Orders::<Runtime>::get(0).expect("order 0");
		let fee = Scheduling::replica_period_fee(file.length, 0).unwrap();
		assert!(fee > 0);
		assert_eq!(order.escrow, fee * 24);
		assert_eq!(Balances::free_balance(&ferdie), free_before - fee * 24 - SPB);

		// Charlie's node answers with both peers, signed by its node key.
		respond(&charlie, &scheduler_key, vec![eve.clone(), dave.clone()]);
		run_to(1 + 8);
		let holders = Scheduling::holders([7; 32]);
		assert_eq!(holders.len(), 2);
		assert!(holders.iter().all(|h| !h.confirmed));

		// Both confirm with their peer keys.
		for (who, key) in [(&dave, &dave_key), (&eve, &eve_key)] {
			confirm(who, key);
		}
		assert!(Scheduling::holders([7; 32]).iter().all(|h| h.confirmed));

		// In period 1 both claim period 0: Charlie is credited with what they were paid, and in
		// period 2's first block paid the period's scheduling share up to the cap, the
		// processing fee of what it brought in (0.5 %).
		let processing = |amount: u128| sp_runtime::Permill::from_parts(5_000).mul_floor(amount);
		let (dave_before, eve_before) =
			(Balances::free_balance(&dave), Balances::free_balance(&eve));
		run_to(blocks_per_period());
		for who in [&dave, &eve] {
			Scheduling::claim(RuntimeOrigin::signed(who.clone()), 0).expect("a holder claims");
		}
		assert_eq!(Balances::free_balance(&dave), dave_before + fee - processing(fee));
		assert_eq!(
			pallet_scheduling::Credits::<Runtime>::get(1).into_inner(),
			vec![(charlie.clone(), 2 * fee)]
		);
		let charlie_before = Balances::free_balance(&charlie);
		let share = Token::period_emission(1).scheduling;
		assert!(share > 0);
		run_to(2 * blocks_per_period());
		let capped = sp_runtime::Perbill::from_parts(5_000_000).mul_floor(2 * fee);
		assert_eq!(Balances::free_balance(&charlie), charlie_before + capped.min(share));

		// After the term anyone reaps: each holder got the other eleven periods less 0.5 %,
		// Ferdie the deposit back, nothing stays on hold.
		run_to(13 * blocks_per_period());
		Scheduling::reap(RuntimeOrigin::signed(dave.clone()), 0).expect("the term is over");
		let paid = fee - processing(fee) + fee * 11 - processing(fee * 11);
		assert_eq!(Balances::free_balance(&dave), dave_before + paid);
		assert_eq!(Balances::free_balance(&eve), eve_before + paid);
		for reason in [
			pallet_scheduling::HoldReason::StorageEscrow,
			pallet_scheduling::HoldReason::OrderDeposit,
		] {
			assert_eq!(
				<Balances as frame_support::traits::fungible::InspectHold<_>>::balance_on_hold(
					&reason.into(),
					&ferdie
				),
				0,
				"no escrow nor deposit left on hold"
			);
		}
		assert!(pallet_scheduling::Orders::<Runtime>::get(0).is_none());
		assert_eq!(pallet_scheduling::Committed::<Runtime>::iter().count(), 0);
	});
}

#[test]
fn a_popular_file_gets_a_copy_from_demand_its_dapps_paid_traffic_backs() {
	genesis_of(genesis_config_presets::local_testnet_genesis()).execute_with(|| {
		let (eve, ferdie) =
			(Sr25519Keyring::Eve.to_account_id(), Sr25519Keyring::Ferdie.to_account_id());
		let [charlie, dave, third]: [AccountId; 3] =
			["//Scheduler", "//StoragePeer", "//ThirdPeer"].map(|seed| pair(seed).public().into());
		for who in [&charlie, &dave, &third] {
			<Balances as frame_support::traits::fungible::Mutate<_>>::set_balance(
				who,
				1_000_000 * SPB,
			);
		}
		let keys = [pair("//DavePeerKey"), pair("//EvePeerKey"), pair("//ThirdPeerKey")];
		let peers = [dave.clone(), eve.clone(), third.clone()];
		for (who, key) in peers.iter().zip(&keys) {
			register_professional(who, key.public());
			heartbeat(who, key);
		}
		register_dapp(&ferdie, client_pair().public());
		let scheduler_key = pair("//CharlieSchedulerKey");
		admit_scheduler(&charlie, &scheduler_key);

		// Ferdie orders 32 MiB in two copies; the election places two peers and keeps the
		// third as a reserve; both confirm.
		let file = pallet_scheduling::FileRef { hash_index: [9; 32], length: 32 << 20 };
		Scheduling::order_storage(RuntimeOrigin::signed(ferdie.clone()), file, 2, 12)
			.expect("Ferdie orders");
		respond(&charlie, &scheduler_key, peers.to_vec());
		run_to(1 + 8);
		let view = Scheduling::order_view(0).expect("order 0");
		let storing: Vec<AccountId> = view.placements[..2].iter().map(|p| p.peer.clone()).collect();
		assert_eq!(view.placements.len(), 3, "two storing slots and a reserve");
		for who in &storing {
			confirm(who, &keys[peers.iter().position(|p| p == who).unwrap()]);
		}
		// Terms: up to three copies, one more at 1 GiB a copy and period.
		Scheduling::set_popular_terms(RuntimeOrigin::signed(ferdie.clone()), 0, 3, 1 << 30)
			.expect("Ferdie sets popular-file terms");

		// Ferdie pays for 10 GiB of traffic; its client receives 3 GB from the first holder
		// in period 0, and that holder reports it in period 1.
		let holder = storing[0].clone();
		let holder_key = &keys[peers.iter().position(|p| *p == holder).unwrap()];
		Traffic::fund_traffic(RuntimeOrigin::signed(ferdie.clone()), 10 * SPB / 100)
			.expect("Ferdie pays for traffic");
		let receipts = receipts_of(0, &holder, &ferdie, 3);
		let tree = spacebook_receipts::SumTree::from_leaves(
			receipts.iter().map(spacebook_receipts::SumNode::leaf).collect(),
		)
		.unwrap();
		let backed = u64::try_from(tree.root().sum).unwrap();
		run_to(blocks_per_period());
		let demand = |peer: &AccountId, bytes: u64| {
			let report = pallet_scheduling::DemandReport {
				peer: peer.clone(),
				period: 0,
				files: vec![(0, bytes)].try_into().unwrap(),
			};
			let key = &keys[peers.iter().position(|p| p == peer).unwrap()];
			let signature = key.sign(&Scheduling::demand_payload(&report)).into();
			Scheduling::report_demand(frame_system::RawOrigin::Authorized.into(), report, signature)
		};
		// Before its traffic report is on chain nothing backs the demand.
		assert_eq!(
			demand(&holder, backed),
			Err(pallet_scheduling::Error::<Runtime>::DemandNotBacked.into())
		);
		submit_report(report_of_period(0, &holder, &ferdie, &tree), holder_key)
			.expect("the holder's traffic report is accepted");
		assert!(<Runtime as pallet_scheduling::Config>::Traffic::reported(&holder, 0));
		// Until the report passes its audit its claims back nothing.
		assert_eq!(
			demand(&holder, backed),
			Err(pallet_scheduling::Error::<Runtime>::DemandNotBacked.into())
		);
		run_to(blocks_per_period() + 28);
		Traffic::answer_audit(
			frame_system::RawOrigin::Authorized.into(),
			0,
			holder.clone(),
			answers(&holder, &receipts, &tree),
		)
		.expect("the holder answers its audit");
		// More than the paid traffic: refused; the other holder, with no traffic: refused.
		assert_eq!(
			demand(&holder, backed + 1),
			Err(pallet_scheduling::Error::<Runtime>::DemandNotBacked.into())
		);
		assert_eq!(
			demand(&storing[1], 1 << 30),
			Err(pallet_scheduling::Error::<Runtime>::DemandNotBacked.into())
		);
		// 3 GB ≥ 2 copies × 1 GiB: a third copy, paid by Ferdie, and its election.
		let escrow = pallet_scheduling::Orders::<Runtime>::get(0).unwrap().escrow;
		demand(&holder, backed).expect("the holder's demand report");
		let view = Scheduling::order_view(0).expect("order 0");
		assert_eq!((view.order.replicas, view.order.electing, view.order.attempts), (3, true, 2));
		let fee = view.order.replica_period_fee;
		assert_eq!(view.order.escrow, escrow + fee * 11);
		assert_eq!(view.popular.map(|t| (t.max_replicas, t.added)), Some((3, 1)));
		assert_eq!(view.demand, Some((0, backed)));
		// The order's reserve, proposed, is elected to store the copy.
		let reserve = view.placements[2].peer.clone();
		assert_eq!(view.placements[2].status, pallet_scheduling::PlacementStatus::Reserve);
		respond_in(2, &charlie, &scheduler_key, vec![reserve.clone()]);
		run_to(frame_system::Pallet::<Runtime>::block_number() + 9);
		let view = Scheduling::order_view(0).expect("order 0");
		assert_eq!(view.placements.len(), 3, "three storing slots, no reserve left");
		assert_eq!(view.placements[2].peer, reserve);
		assert_eq!(pallet_scheduling::Committed::<Runtime>::get(&reserve), 32 << 20);
		assert!(pallet_scheduling::PeerOrders::<Runtime>::contains_key(&reserve, 0));
		assert_eq!(view.placements[2].scheduler, Some(charlie.clone()));
		confirm(&reserve, &keys[peers.iter().position(|p| *p == reserve).unwrap()]);
		let view = Scheduling::order_view(0).expect("order 0");
		assert!(view
			.placements
			.iter()
			.all(|p| matches!(p.status, pallet_scheduling::PlacementStatus::Holding { .. })));
	});
}

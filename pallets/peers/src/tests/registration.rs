//! Registration per role, and the bad inputs each refuses without changing anything.

use crate::{mock::*, *};
use frame_support::{assert_noop, assert_ok};
use sp_runtime::DispatchError;

#[test]
fn a_professional_peer_registers_with_its_deposit_on_hold() {
	build_and_execute(|| {
		let before = free(PRO);
		register_pro(PRO);
		let r = record(PRO);
		assert_eq!(r.role.kind(), RoleKind::Professional);
		assert_eq!(r.status, Status::Active);
		assert_eq!(r.deposit.held, PROFESSIONAL_DEPOSIT);
		assert_eq!(held(PRO, RoleKind::Professional), PROFESSIONAL_DEPOSIT);
		assert_eq!(free(PRO), before - PROFESSIONAL_DEPOSIT);
		assert_eq!(PeerKeyOwner::<Test>::get(key(PRO)), Some(PRO));
		assert_eq!(RoleCount::<Test>::get(RoleKind::Professional), 1);
		let Role::Professional(p) = r.role else { panic!("professional") };
		assert_eq!(p.declaration, declaration());
		assert_eq!(
			last_event(),
			Event::Registered {
				who: PRO,
				role: RoleKind::Professional,
				deposit: PROFESSIONAL_DEPOSIT
			}
		);
		assert!(<Peers as PeerRegistry<_, _, _, _, _>>::can_earn(&PRO));
		assert_eq!(<Peers as PeerRegistry<_, _, _, _, _>>::peer_of_key(&key(PRO)), Some(PRO));
	});
}

#[test]
fn a_common_peer_registers_without_deposit_and_attaches() {
	build_and_execute(|| {
		register_pro(PRO);
		let before = free(COMMON);
		register_common(COMMON, PRO, 500);
		let r = record(COMMON);
		assert_eq!(r.deposit.held, 0);
		assert_eq!(free(COMMON), before);
		let Role::Common(c) = &r.role else { panic!("common") };
		assert_eq!(Peers::attachment(c), Some(PRO));
		let Role::Professional(p) = record(PRO).role else { panic!("professional") };
		assert_eq!((p.attached_commons, p.attached_storage_gib), (1, 500));
		assert_eq!(last_event(), Event::Attached { common: COMMON, professional: PRO });
		let view = Peers::peer_view(&COMMON).unwrap();
		assert_eq!(view.deposit.required, COMMON_DEPOSIT);
		assert_eq!(view.attached_to, Some(PRO));
	});
}

#[test]
fn a_dapp_registers_with_client_keys_and_its_deposit() {
	build_and_execute(|| {
		register_dapp(&[11, 12]);
		let r = record(DAPP);
		assert_eq!(r.deposit.held, DAPP_DEPOSIT);
		assert_eq!(held(DAPP, RoleKind::DApp), DAPP_DEPOSIT);
		assert_eq!(ClientKeyOwner::<Test>::get(11), Some(DAPP));
		assert_eq!(<Peers as PeerRegistry<_, _, _, _, _>>::dapp_of_client_key(&12, 1), Some(DAPP));
		assert!(events().contains(&Event::ClientKeyAdded { dapp: DAPP, key: 12 }));
		assert!(!<Peers as PeerRegistry<_, _, _, _, _>>::can_earn(&DAPP));
	});
}

#[test]
fn a_billing_candidate_registers_with_its_gosig_key() {
	build_and_execute(|| {
		assert_ok!(stand(CANDIDATE, 77));
		assert_eq!(BillingKeyOwner::<Test>::get(UintAuthorityId(77)), Some(CANDIDATE));
		assert_eq!(held(CANDIDATE, RoleKind::BillingCandidate), CANDIDATE_DEPOSIT);
		assert_noop!(stand(PRO, 77), Error::<Test>::BillingKeyInUse);
	});
}

/// A candidacy must prove it holds its Gosig key: a key nobody holds (a silent seat), another
/// operator's key, a proof made for another account or another chain, or a plain signature a
/// billing peer made for something else are refused, and nothing is held.
#[test]
fn a_candidacy_without_a_proof_of_possession_of_its_key_is_refused() {
	use sp_runtime::{testing::TestSignature, RuntimeAppPublic};
	build_and_execute(|| {
		let candidacy = |who, key, proof| {
			Peers::register_billing_candidate(
				RuntimeOrigin::signed(who),
				UintAuthorityId(key),
				proof,
			)
		};
		let statement = |who| {
			sp_core::proof_of_possession::statement_of_ownership(&Peers::billing_key_statement(
				&who,
			))
		};
		// Signed by another key.
		let forged = UintAuthorityId(78).sign(&statement(CANDIDATE)).unwrap();
		assert_noop!(candidacy(CANDIDATE, 77, forged), Error::<Test>::BadBillingKeyProof);
		// The key's proof for another account, replayed.
		assert_noop!(
			candidacy(CANDIDATE, 77, billing_key_proof(PRO, 77)),
			Error::<Test>::BadBillingKeyProof
		);
		// Made on another chain (another genesis hash).
		let elsewhere = sp_core::proof_of_possession::statement_of_ownership(
			&(b"spacebook/billing-candidate", sp_core::H256::repeat_byte(9), CANDIDATE).encode(),
		);
		assert_noop!(
			candidacy(CANDIDATE, 77, TestSignature(77, elsewhere)),
			Error::<Test>::BadBillingKeyProof
		);
		// A plain signature of the statement, without the proof-of-possession context.
		let plain = UintAuthorityId(77).sign(&Peers::billing_key_statement(&CANDIDATE)).unwrap();
		assert_noop!(candidacy(CANDIDATE, 77, plain), Error::<Test>::BadBillingKeyProof);
		assert_eq!(held(CANDIDATE, RoleKind::BillingCandidate), 0);
		assert_ok!(stand(CANDIDATE, 77));
	});
}

#[test]
fn a_node_key_serves_one_peer_whatever_its_role() {
	build_and_execute(|| {
		register_pro(PRO);
		// A service peer may not take a serving peer's key, nor the reverse.
		let mut taken = service_declaration();
		taken.node_key = key(PRO);
		assert_noop!(
			Peers::admit_service_peer(
				RuntimeOrigin::signed(FOUNDATION),
				SCHEDULER,
				ServiceKind::Scheduling,
				taken
			),
			Error::<Test>::PeerKeyInUse
		);
		let service = service_declaration();
		let node_key = service.node_key.clone();
		assert_ok!(Peers::admit_service_peer(
			RuntimeOrigin::signed(FOUNDATION),
			SCHEDULER,
			ServiceKind::Scheduling,
			service.clone()
		));
		assert_eq!(Peers::service_peer_of_key(&node_key), Some(SCHEDULER));
		assert_eq!(
			<Peers as PeerRegistry<_, _, _, _, _>>::peer_of_key(&node_key),
			None,
			"not a serving peer's key"
		);
		assert_noop!(
			Peers::register_professional(RuntimeOrigin::signed(USER), node_key, declaration()),
			Error::<Test>::PeerKeyInUse
		);
		assert_noop!(
			Peers::admit_service_peer(
				RuntimeOrigin::signed(FOUNDATION),
				USER,
				ServiceKind::Routing,
				service
			),
			Error::<Test>::PeerKeyInUse
		);
	});
}

#[test]
fn the_foundation_admits_scheduling_and_routing_peers() {
	build_and_execute(|| {
		assert_noop!(
			Peers::admit_service_peer(
				RuntimeOrigin::signed(SCHEDULER),
				SCHEDULER,
				ServiceKind::Scheduling,
				service_declaration()
			),
			DispatchError::BadOrigin
		);
		assert_ok!(Peers::admit_service_peer(
			RuntimeOrigin::signed(FOUNDATION),
			SCHEDULER,
			ServiceKind::Scheduling,
			service_declaration()
		));
		assert_ok!(Peers::admit_service_peer(
			RuntimeOrigin::signed(FOUNDATION),
			USER,
			ServiceKind::Routing,
			service_declaration()
		));
		assert_eq!(record(SCHEDULER).role.kind(), RoleKind::Scheduling);
		assert_eq!(record(USER).role.kind(), RoleKind::Routing);
		assert_eq!(held(SCHEDULER, RoleKind::Scheduling), SERVICE_DEPOSIT);
		assert_noop!(
			Peers::admit_service_peer(
				RuntimeOrigin::signed(FOUNDATION),
				PAUPER,
				ServiceKind::Routing,
				service_declaration()
			),
			Error::<Test>::InsufficientFunds
		);
	});
}

#[test]
fn genesis_registers_candidates_and_service_peers() {
	let config = GenesisConfig::<Test> {
		billing_candidates: vec![(CANDIDATE, UintAuthorityId(7))],
		service_peers: vec![(
			SCHEDULER,
			ServiceKind::Scheduling,
			Location { region: *b"US", latitude: 0, longitude: 0 },
			b"https://scheduler.example".to_vec(),
			UintAuthorityId(77),
		)],
	};
	execute_with(config, || {
		assert_eq!(
			record(CANDIDATE).role,
			Role::BillingCandidate { billing_key: UintAuthorityId(7) }
		);
		assert_eq!(held(CANDIDATE, RoleKind::BillingCandidate), CANDIDATE_DEPOSIT);
		assert_eq!(Peers::candidate_of_billing_key(&UintAuthorityId(7)), Some(CANDIDATE));
		assert_eq!(record(SCHEDULER).role.kind(), RoleKind::Scheduling);
		assert_eq!(held(SCHEDULER, RoleKind::Scheduling), SERVICE_DEPOSIT);
		assert_eq!(RoleCount::<Test>::get(RoleKind::Scheduling), 1);
	});
}

#[test]
#[should_panic(expected = "cannot admit")]
fn genesis_refuses_an_invalid_service_peer() {
	let config = GenesisConfig::<Test> {
		billing_candidates: vec![],
		service_peers: vec![(
			SCHEDULER,
			ServiceKind::Scheduling,
			Location { region: *b"us", latitude: 0, longitude: 0 },
			b"https://scheduler.example".to_vec(),
			UintAuthorityId(77),
		)],
	};
	execute_with(config, || {});
}

#[test]
fn one_role_per_account() {
	build_and_execute(|| {
		register_pro(PRO);
		assert_noop!(
			Peers::register_professional(RuntimeOrigin::signed(PRO), key(50), declaration()),
			Error::<Test>::AlreadyRegistered
		);
		assert_noop!(
			Peers::register_dapp(RuntimeOrigin::signed(PRO), name("x"), keys(&[1])),
			Error::<Test>::AlreadyRegistered
		);
		assert_noop!(stand(PRO, 1), Error::<Test>::AlreadyRegistered);
	});
}

#[test]
fn a_peer_key_serves_one_peer() {
	build_and_execute(|| {
		register_pro(PRO);
		assert_noop!(
			Peers::register_professional(RuntimeOrigin::signed(PRO_2), key(PRO), declaration()),
			Error::<Test>::PeerKeyInUse
		);
		assert_noop!(
			Peers::register_common(
				RuntimeOrigin::signed(COMMON),
				key(PRO),
				PRO,
				10,
				common_endpoint()
			),
			Error::<Test>::PeerKeyInUse
		);
	});
}

#[test]
fn without_the_deposit_registration_fails() {
	build_and_execute(|| {
		assert_noop!(
			Peers::register_professional(RuntimeOrigin::signed(PAUPER), key(PAUPER), declaration()),
			Error::<Test>::InsufficientFunds
		);
		// One planck short: the account must keep its existential deposit too.
		assert_ok!(Balances::transfer_allow_death(
			RuntimeOrigin::signed(USER),
			PAUPER,
			PROFESSIONAL_DEPOSIT + ED - 1
		));
		assert_noop!(
			Peers::register_professional(RuntimeOrigin::signed(PAUPER), key(PAUPER), declaration()),
			Error::<Test>::InsufficientFunds
		);
		assert_ok!(Balances::transfer_allow_death(RuntimeOrigin::signed(USER), PAUPER, 1));
		assert_ok!(Peers::register_professional(
			RuntimeOrigin::signed(PAUPER),
			key(PAUPER),
			declaration()
		));
	});
}

#[test]
fn a_common_peer_attaches_only_to_an_active_professional_peer() {
	build_and_execute(|| {
		assert_noop!(
			Peers::register_common(
				RuntimeOrigin::signed(COMMON),
				key(COMMON),
				PRO,
				10,
				common_endpoint()
			),
			Error::<Test>::UnknownAttachTarget
		);
		register_dapp(&[1]);
		assert_noop!(
			Peers::register_common(
				RuntimeOrigin::signed(COMMON),
				key(COMMON),
				DAPP,
				10,
				common_endpoint()
			),
			Error::<Test>::UnknownAttachTarget
		);
		register_pro(PRO);
		assert_ok!(Peers::penalize(
			RuntimeOrigin::root(),
			PRO,
			PenaltyReason::PatrolFailed,
			PenaltyLevel::Suspend
		));
		assert_noop!(
			Peers::register_common(
				RuntimeOrigin::signed(COMMON),
				key(COMMON),
				PRO,
				10,
				common_endpoint()
			),
			Error::<Test>::UnknownAttachTarget
		);
		assert_noop!(
			Peers::register_common(
				RuntimeOrigin::signed(COMMON),
				key(COMMON),
				PRO_2,
				0,
				common_endpoint()
			),
			Error::<Test>::NoResources
		);
	});
}

#[test]
fn a_dapp_names_at_most_the_maximum_of_client_keys_each_once() {
	build_and_execute(|| {
		// The bound is in the type: a longer list cannot even be decoded as a call.
		let too_many: Vec<u64> = (0..=u64::from(MAX_CLIENT_KEYS)).collect();
		assert!(ClientKeys::<Test>::try_from(too_many).is_err());
		assert_noop!(
			Peers::register_dapp(RuntimeOrigin::signed(DAPP), name("x"), keys(&[1, 1])),
			Error::<Test>::ClientKeyInUse
		);
		register_dapp(&[1, 2, 3, 4]);
		assert_noop!(
			Peers::add_client_key(RuntimeOrigin::signed(DAPP), 5),
			Error::<Test>::TooManyClientKeys
		);
		assert_noop!(
			Peers::register_dapp(RuntimeOrigin::signed(USER), name("y"), keys(&[4])),
			Error::<Test>::ClientKeyInUse
		);
	});
}

#[test]
fn declarations_are_checked() {
	build_and_execute(|| {
		let mut d = declaration();
		d.resources.cpu_cores = 0;
		assert_noop!(
			Peers::register_professional(RuntimeOrigin::signed(PRO), key(PRO), d),
			Error::<Test>::NoResources
		);
		let mut d = declaration();
		d.location.region = *b"s1";
		assert_noop!(
			Peers::register_professional(RuntimeOrigin::signed(PRO), key(PRO), d),
			Error::<Test>::InvalidLocation
		);
		let mut d = declaration();
		d.location.latitude = 90_000_001;
		assert_noop!(
			Peers::register_professional(RuntimeOrigin::signed(PRO), key(PRO), d),
			Error::<Test>::InvalidLocation
		);
		for bad in ["", "http://a b", "\u{0}\u{ff}"] {
			let mut d = declaration();
			d.endpoint = endpoint(bad);
			assert_noop!(
				Peers::register_professional(RuntimeOrigin::signed(PRO), key(PRO), d),
				Error::<Test>::InvalidEndpoint
			);
		}
		let mut d = declaration();
		d.endpoint = vec![0xff, 0xfe].try_into().unwrap();
		assert_noop!(
			Peers::register_professional(RuntimeOrigin::signed(PRO), key(PRO), d),
			Error::<Test>::InvalidEndpoint
		);
		assert_noop!(
			Peers::register_dapp(RuntimeOrigin::signed(DAPP), name(""), keys(&[1])),
			Error::<Test>::InvalidName
		);
	});
}

#[test]
fn registration_indices_are_unique_and_counted() {
	build_and_execute(|| {
		register_pro(PRO);
		register_pro(PRO_2);
		register_common(COMMON, PRO, 1);
		assert_eq!(record(PRO).index, 0);
		assert_eq!(record(PRO_2).index, 1);
		assert_eq!(record(COMMON).index, 2);
		assert_eq!(NextIndex::<Test>::get(), 3);
		assert_eq!(RoleCount::<Test>::get(RoleKind::Professional), 2);
		assert_eq!(RoleCount::<Test>::get(RoleKind::Common), 1);
	});
}

#[test]
fn professional_peers_are_listed_page_by_page() {
	build_and_execute(|| {
		register_pro(PRO);
		register_pro(PRO_2);
		register_common(COMMON, PRO, 10);
		register_dapp(&[1]);
		assert_ok!(Peers::leave(RuntimeOrigin::signed(PRO_2)));
		let endpoint = declaration().endpoint;
		let mut expected = vec![(PRO, endpoint.clone(), true), (PRO_2, endpoint, false)];
		expected.sort();

		// All at once.
		let (mut all, next) = Peers::professional_peers(None, 10);
		all.sort();
		assert_eq!((all, next), (expected.clone(), None));

		// One registration per call: a cursor until the last, each page at most one peer.
		let (mut paged, mut after, mut calls) = (Vec::new(), None, 0);
		loop {
			let (page, next) = Peers::professional_peers(after.as_ref(), 1);
			assert!(page.len() <= 1);
			paged.extend(page);
			calls += 1;
			match next {
				Some(next) => after = Some(next),
				None => break,
			}
		}
		assert_eq!(calls, 4, "four registrations, one per call");
		paged.sort();
		assert_eq!(paged, expected);
		// A scan of zero looks at one registration, so that paging always advances.
		assert_eq!(Peers::professional_peers(None, 0), Peers::professional_peers(None, 1));
		assert!(Peers::professional_peers(None, 0).1.is_some());
	});
}

/// Finding 10 of the security review (issue 14): `professional_peers` read as many
/// registrations as its caller asked, and any client of a node's JSON-RPC may call it.
///
/// How it was checked: before the cap a scan of `u32::MAX` listed all registrations at once.
#[test]
fn a_listing_of_professional_peers_reads_at_most_the_scan_cap() {
	// More registrations than the endowed accounts can pay for: minted, so the issuance check
	// of `build_and_execute` does not apply.
	storage_with(Default::default()).execute_with(|| {
		let peers = MAX_PEERS_SCAN as u64 + 2;
		for who in 10_000..10_000 + peers {
			assert_ok!(<Balances as frame_support::traits::fungible::Mutate<_>>::mint_into(
				&who,
				2 * PROFESSIONAL_DEPOSIT,
			));
			register_pro(who);
		}
		let (first, next) = Peers::professional_peers(None, u32::MAX);
		assert_eq!(first.len(), MAX_PEERS_SCAN as usize);
		let (rest, end) = Peers::professional_peers(next.as_ref(), u32::MAX);
		assert_eq!((rest.len(), end), (2, None));
		Peers::do_try_state().expect("invariants hold");
	});
}

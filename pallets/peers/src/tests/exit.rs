//! Graceful exit: no new work at once, the deposit only after the exit delay.

use crate::{mock::*, *};
use frame_support::{assert_noop, assert_ok};
use sp_runtime::DispatchError;

#[test]
fn leaving_releases_the_deposit_only_after_the_exit_delay() {
	build_and_execute(|| {
		register_pro(PRO);
		go_to(10);
		let before = free(PRO);
		assert_ok!(Peers::leave(RuntimeOrigin::signed(PRO)));
		let exit_at = 10 + EXIT_DELAY;
		assert_eq!(last_event(), Event::Leaving { who: PRO, exit_at });
		assert_eq!(record(PRO).status, Status::Leaving { exit_at, evicted: false });
		// No new work or rewards, and the deposit stays.
		assert!(!<Peers as PeerRegistry<_, _, _, _, _>>::can_earn(&PRO));
		assert_eq!(held(PRO, RoleKind::Professional), PROFESSIONAL_DEPOSIT);
		assert_eq!(Peers::peer_view(&PRO).unwrap().deposit.unlockable, 0);
		assert_eq!(Peers::peer_view(&PRO).unwrap().standing, Standing::Leaving);
		assert_noop!(Peers::leave(RuntimeOrigin::signed(PRO)), Error::<Test>::NotActive);
		assert_noop!(
			Peers::withdraw_unlocked(RuntimeOrigin::signed(PRO)),
			Error::<Test>::NotActive
		);
		assert_noop!(
			Peers::update_professional(RuntimeOrigin::signed(PRO), declaration()),
			Error::<Test>::NotActive
		);
		go_to(exit_at - 1);
		assert_noop!(
			Peers::finish_exit(RuntimeOrigin::signed(NOBODY), PRO),
			Error::<Test>::ExitDelayNotOver
		);
		go_to(exit_at);
		// Anyone may finish it; the deposit goes back to the peer.
		assert_ok!(Peers::finish_exit(RuntimeOrigin::signed(NOBODY), PRO));
		assert_eq!(free(PRO), before + PROFESSIONAL_DEPOSIT);
		assert_eq!(held(PRO, RoleKind::Professional), 0);
		assert_eq!(last_event(), Event::Exited { who: PRO, released: PROFESSIONAL_DEPOSIT });
		assert!(Registrations::<Test>::get(PRO).is_none());
		assert!(PeerKeyOwner::<Test>::get(key(PRO)).is_none());
		assert_eq!(RoleCount::<Test>::get(RoleKind::Professional), 0);
		// The account and its key are free to register again.
		register_pro(PRO);
	});
}

#[test]
fn finish_exit_needs_a_leaving_peer() {
	build_and_execute(|| {
		assert_noop!(
			Peers::finish_exit(RuntimeOrigin::signed(NOBODY), PRO),
			Error::<Test>::NotRegistered
		);
		register_pro(PRO);
		assert_noop!(
			Peers::finish_exit(RuntimeOrigin::signed(NOBODY), PRO),
			Error::<Test>::NotLeaving
		);
		assert_noop!(Peers::leave(RuntimeOrigin::signed(NOBODY)), Error::<Test>::NotRegistered);
	});
}

#[test]
fn a_leaving_dapp_retires_its_client_keys_at_the_end() {
	build_and_execute(|| {
		register_dapp(&[1, 2]);
		assert_ok!(Peers::leave(RuntimeOrigin::signed(DAPP)));
		// Receipts signed before leaving still trace to the DApp during the delay.
		assert_eq!(ClientKeyOwner::<Test>::get(1), Some(DAPP));
		assert_noop!(
			Peers::add_client_key(RuntimeOrigin::signed(DAPP), 3),
			Error::<Test>::NotActive
		);
		go_to(1 + EXIT_DELAY);
		assert_ok!(Peers::finish_exit(RuntimeOrigin::signed(DAPP), DAPP));
		assert!(ClientKeyOwner::<Test>::get(1).is_none());
		assert!(ClientKeyOwner::<Test>::get(2).is_none());
		assert_eq!(held(DAPP, RoleKind::DApp), 0);
		// Retired: the receipts they signed up to the exit still verify for the retention,
		// and no other DApp takes them meanwhile.
		let exited = 1 + EXIT_DELAY;
		for k in [1, 2] {
			assert_eq!(
				RetiredClientKeys::<Test>::get(k),
				Some(RetiredClientKey { dapp: DAPP, removed_at: exited })
			);
			assert_eq!(
				<Peers as PeerRegistry<_, _, _, _, _>>::dapp_of_client_key(&k, exited),
				Some(DAPP)
			);
		}
		assert_noop!(
			Peers::register_dapp(RuntimeOrigin::signed(USER), name("other"), keys(&[2])),
			Error::<Test>::ClientKeyInUse
		);
		// The same account may come back with them.
		register_dapp(&[1]);
		assert_eq!(ClientKeyOwner::<Test>::get(1), Some(DAPP));
		assert!(RetiredClientKeys::<Test>::get(1).is_none());
	});
}

#[test]
fn a_leaving_common_peer_stops_counting_on_its_professional_peer() {
	build_and_execute(|| {
		register_pro(PRO);
		register_common(COMMON, PRO, 100);
		register_common(COMMON_2, PRO, 50);
		assert_ok!(Peers::leave(RuntimeOrigin::signed(COMMON)));
		let Role::Professional(p) = record(PRO).role else { panic!("professional") };
		assert_eq!((p.attached_commons, p.attached_storage_gib), (1, 50));
		go_to(1 + EXIT_DELAY);
		assert_ok!(Peers::finish_exit(RuntimeOrigin::signed(COMMON), COMMON));
		let Role::Professional(p) = record(PRO).role else { panic!("professional") };
		assert_eq!((p.attached_commons, p.attached_storage_gib), (1, 50));
	});
}

#[test]
fn when_a_professional_peer_is_gone_its_common_peers_are_detached() {
	build_and_execute(|| {
		register_pro(PRO);
		register_common(COMMON, PRO, 100);
		assert_ok!(Peers::leave(RuntimeOrigin::signed(PRO)));
		go_to(1 + EXIT_DELAY);
		assert_ok!(Peers::finish_exit(RuntimeOrigin::signed(PRO), PRO));
		assert_eq!(Peers::peer_view(&COMMON).unwrap().attached_to, None);
		// It registers again: a new registration, so the old attachment stays dead.
		register_pro(PRO);
		assert_eq!(Peers::peer_view(&COMMON).unwrap().attached_to, None);
		let Role::Professional(p) = record(PRO).role else { panic!("professional") };
		assert_eq!(p.attached_commons, 0);
		// The common peer re-attaches.
		assert_ok!(Peers::update_common(
			RuntimeOrigin::signed(COMMON),
			PRO,
			100,
			common_endpoint()
		));
		assert_eq!(Peers::peer_view(&COMMON).unwrap().attached_to, Some(PRO));
		let Role::Professional(p) = record(PRO).role else { panic!("professional") };
		assert_eq!((p.attached_commons, p.attached_storage_gib), (1, 100));
	});
}

#[test]
fn service_peers_are_removed_by_the_foundation() {
	build_and_execute(|| {
		let declaration = service_declaration();
		let node_key = declaration.node_key.clone();
		assert_ok!(Peers::admit_service_peer(
			RuntimeOrigin::signed(FOUNDATION),
			SCHEDULER,
			ServiceKind::Scheduling,
			declaration
		));
		assert_eq!(Peers::service_peer_of_key(&node_key), Some(SCHEDULER));
		assert_noop!(Peers::leave(RuntimeOrigin::signed(SCHEDULER)), Error::<Test>::WrongRole);
		assert_noop!(
			Peers::remove_service_peer(RuntimeOrigin::signed(SCHEDULER), SCHEDULER),
			DispatchError::BadOrigin
		);
		register_pro(PRO);
		assert_noop!(
			Peers::remove_service_peer(RuntimeOrigin::signed(FOUNDATION), PRO),
			Error::<Test>::WrongRole
		);
		assert_ok!(Peers::remove_service_peer(RuntimeOrigin::signed(FOUNDATION), SCHEDULER));
		go_to(1 + EXIT_DELAY);
		let before = free(SCHEDULER);
		assert_ok!(Peers::finish_exit(RuntimeOrigin::signed(NOBODY), SCHEDULER));
		assert_eq!(free(SCHEDULER), before + SERVICE_DEPOSIT);
		assert_eq!(Peers::service_peer_of_key(&node_key), None);
	});
}

#[test]
fn a_validating_candidate_leaves_but_keeps_its_deposit_until_out_of_the_set() {
	build_and_execute(|| {
		assert_ok!(stand(CANDIDATE, 7));
		BillingAuthoritySet::set(vec![7]);
		// Leaving while validating: the elections replace it (issue 16); the exit waits.
		assert_ok!(Peers::leave(RuntimeOrigin::signed(CANDIDATE)));
		assert_eq!(LeavingCalls::get(), vec![(CANDIDATE, RoleKind::BillingCandidate)]);
		go_to(1 + EXIT_DELAY);
		assert_noop!(
			Peers::finish_exit(RuntimeOrigin::signed(NOBODY), CANDIDATE),
			Error::<Test>::StillBillingPeer
		);
		BillingAuthoritySet::set(vec![]);
		assert_ok!(Peers::finish_exit(RuntimeOrigin::signed(NOBODY), CANDIDATE));
		// Registered again, then evicted while validating: the same.
		assert_ok!(stand(CANDIDATE, 7));
		BillingAuthoritySet::set(vec![7]);
		// Evicted while validating: the rest of its deposit stays until it is out of the set.
		assert_ok!(<Peers as Penalties<AccountId>>::penalize(
			&CANDIDATE,
			PenaltyReason::Equivocation,
			PenaltyLevel::Evict
		));
		go_to(2 + 2 * EXIT_DELAY);
		assert_noop!(
			Peers::finish_exit(RuntimeOrigin::signed(NOBODY), CANDIDATE),
			Error::<Test>::StillBillingPeer
		);
		BillingAuthoritySet::set(vec![]);
		assert_ok!(Peers::finish_exit(RuntimeOrigin::signed(NOBODY), CANDIDATE));
		assert_eq!(held(CANDIDATE, RoleKind::BillingCandidate), 0);
	});
}

/// The elections look at every candidate each era: the registry holds at most
/// `MaxBillingCandidates` (three in the mock), leaving ones included until their exit finishes.
/// The mock's three candidate slots filled: CANDIDATE, PRO and PRO_2 with keys 7, 8 and 9.
fn fill_candidate_registry() {
	for (who, key) in [(CANDIDATE, 7), (PRO, 8), (PRO_2, 9)] {
		assert_ok!(stand(who, key));
	}
}

#[test]
fn billing_candidates_are_bounded() {
	build_and_execute(|| {
		fill_candidate_registry();
		assert_noop!(stand(COMMON, 10), Error::<Test>::TooManyCandidates);
		assert_ok!(Peers::leave(RuntimeOrigin::signed(PRO)));
		assert_noop!(stand(COMMON, 10), Error::<Test>::TooManyCandidates);
		go_to(1 + EXIT_DELAY);
		assert_ok!(Peers::finish_exit(RuntimeOrigin::signed(NOBODY), PRO));
		assert_ok!(stand(COMMON, 10));
	});
}

#[test]
fn a_registration_keeps_the_account_alive() {
	build_and_execute(|| {
		register_pro(PRO);
		// A common peer holds nothing: the registration's own consumer reference keeps it.
		assert_eq!(System::consumers(&COMMON), 0);
		register_common(COMMON, PRO, 10);
		assert_eq!(System::consumers(&COMMON), 1);
		// Everything can be sent away, but the account keeps its existential deposit.
		assert_ok!(Balances::transfer_all(RuntimeOrigin::signed(COMMON), USER, false));
		assert!(System::account_exists(&COMMON));
		assert_eq!(free(COMMON), ED);
		assert_ok!(Peers::leave(RuntimeOrigin::signed(COMMON)));
		go_to(1 + EXIT_DELAY);
		assert_ok!(Peers::finish_exit(RuntimeOrigin::signed(NOBODY), COMMON));
		assert_eq!(System::consumers(&COMMON), 0);
	});
}

#[test]
fn a_candidate_leaves_and_its_gosig_key_is_freed() {
	build_and_execute(|| {
		assert_ok!(stand(CANDIDATE, 7));
		assert_ok!(Peers::leave(RuntimeOrigin::signed(CANDIDATE)));
		go_to(1 + EXIT_DELAY);
		assert_ok!(Peers::finish_exit(RuntimeOrigin::signed(CANDIDATE), CANDIDATE));
		assert!(BillingKeyOwner::<Test>::get(UintAuthorityId(7)).is_none());
		assert_ok!(stand(PRO, 7));
	});
}

/// What a role holds elsewhere ends when it starts leaving: the registry tells
/// [`Config::OnLeaving`] once, whether the account leaves, is evicted or is removed, and not
/// again when a leaving account is evicted; every eviction is told of too.
#[test]
fn the_registry_tells_who_starts_leaving_once() {
	build_and_execute(|| {
		register_dapp(&[1]);
		register_pro(PRO);
		register_pro(PRO_2);
		assert_ok!(Peers::admit_service_peer(
			RuntimeOrigin::signed(FOUNDATION),
			SCHEDULER,
			ServiceKind::Scheduling,
			service_declaration()
		));
		assert!(LeavingCalls::get().is_empty());
		assert_ok!(Peers::leave(RuntimeOrigin::signed(DAPP)));
		assert_eq!(LeavingCalls::get(), vec![(DAPP, RoleKind::DApp)]);
		assert_ok!(Peers::penalize(
			RuntimeOrigin::root(),
			PRO,
			PenaltyReason::AuditFailed,
			PenaltyLevel::Evict
		));
		assert_ok!(Peers::remove_service_peer(RuntimeOrigin::signed(FOUNDATION), SCHEDULER));
		// A leaving account evicted is not told of again.
		assert_ok!(Peers::leave(RuntimeOrigin::signed(PRO_2)));
		assert_ok!(Peers::penalize(
			RuntimeOrigin::root(),
			PRO_2,
			PenaltyReason::AuditFailed,
			PenaltyLevel::Evict
		));
		assert_eq!(
			record(PRO_2).status,
			Status::Leaving { exit_at: 1 + EXIT_DELAY, evicted: true }
		);
		assert_eq!(
			LeavingCalls::get(),
			vec![
				(DAPP, RoleKind::DApp),
				(PRO, RoleKind::Professional),
				(SCHEDULER, RoleKind::Scheduling),
				(PRO_2, RoleKind::Professional)
			]
		);
		// Both evictions are told of, the one of an account leaving already too (its
		// billing-peer role, say, forfeits what an eviction forfeits).
		assert_eq!(
			EvictedCalls::get(),
			vec![(PRO, RoleKind::Professional), (PRO_2, RoleKind::Professional)]
		);
		// A refused exit tells nobody.
		assert_noop!(Peers::leave(RuntimeOrigin::signed(DAPP)), Error::<Test>::NotActive);
		assert_eq!(LeavingCalls::get().len(), 4);
	});
}

/// Candidate squatting (third and fifth reviews): a full registry lets a new candidate in only
/// if it backs itself with more than a candidate that cannot win a seat and holds none, as the
/// elections name it; that candidacy ends at once with its whole deposit back. Without such a
/// candidate, or unbacked, the newcomer is refused, and a failed registration displaces nobody.
#[test]
fn a_full_registry_displaces_a_candidate_backed_by_less_than_the_newcomer_brings() {
	build_and_execute(|| {
		fill_candidate_registry();
		// Nobody displaceable: refused as before.
		assert_noop!(stand_backed(COMMON, 10, spb(1_000)), Error::<Test>::TooManyCandidates);
		Displaceable::set(Some((PRO, spb(1_000))));
		// Unbacked, or backed by no more than the candidate it would displace: refused.
		assert_noop!(stand(COMMON, 10), Error::<Test>::TooManyCandidates);
		assert_noop!(stand_backed(COMMON, 10, spb(1_000)), Error::<Test>::TooManyCandidates);
		// A newcomer that cannot pay its deposit, or its bond, displaces nobody.
		assert_noop!(stand_backed(PAUPER, 10, spb(2_000)), Error::<Test>::InsufficientFunds);
		assert_noop!(
			stand_backed(COMMON, 10, free(COMMON)),
			DispatchError::Other("the bond exceeds the free balance")
		);
		assert!(Registrations::<Test>::contains_key(PRO));
		assert!(SelfBacking::get().is_empty());
		// (The mock's record of `OnLeaving` is no storage: the failed bond's attempt, rolled
		// back, stays in it.)
		LeavingCalls::set(vec![]);
		// A candidate that validates is never displaced.
		BillingAuthoritySet::set(vec![8]);
		assert_noop!(stand_backed(COMMON, 10, spb(2_000)), Error::<Test>::StillBillingPeer);
		BillingAuthoritySet::set(vec![]);

		let before = free(PRO);
		assert_ok!(stand_backed(COMMON, 10, spb(2_000)));
		System::assert_has_event(Event::CandidateDisplaced { who: PRO, by: COMMON }.into());
		assert!(!Registrations::<Test>::contains_key(PRO));
		assert!(!BillingKeyOwner::<Test>::contains_key(UintAuthorityId(8)));
		assert_eq!(free(PRO), before + CANDIDATE_DEPOSIT, "its whole deposit back");
		assert_eq!(RoleCount::<Test>::get(RoleKind::BillingCandidate), 3);
		assert_eq!(LeavingCalls::get(), vec![(PRO, RoleKind::BillingCandidate)]);
		assert_eq!(BillingKeyOwner::<Test>::get(UintAuthorityId(10)), Some(COMMON));
		assert_eq!(SelfBacking::get(), vec![(COMMON, spb(2_000))], "the newcomer backs itself");
		// A suspended candidate is not displaced (its deposit goes through the exit delay).
		assert_ok!(Peers::penalize(
			RuntimeOrigin::root(),
			CANDIDATE,
			PenaltyReason::Offline,
			PenaltyLevel::Suspend
		));
		Displaceable::set(Some((CANDIDATE, 0)));
		assert_noop!(stand_backed(PRO, 11, spb(2_000)), Error::<Test>::TooManyCandidates);
		// A name that is no candidate any more is not displaced.
		Displaceable::set(Some((PRO, 0)));
		assert_noop!(stand_backed(PRO, 11, spb(2_000)), Error::<Test>::TooManyCandidates);
		Displaceable::set(None);
	});
}

/// A candidate leaving of its own accord holds its slot until its exit finishes, and could
/// leave and register again at each exit to keep it (fifth review): a backed newcomer displaces
/// it, its exit ended early with its whole deposit (it holds no seat, so nothing is left to
/// punish), the registry told of its leaving only once. An evicted one keeps its exit delay.
#[test]
fn a_backed_newcomer_displaces_a_leaving_candidate_but_not_an_evicted_one() {
	build_and_execute(|| {
		fill_candidate_registry();
		assert_ok!(Peers::leave(RuntimeOrigin::signed(PRO_2)));
		assert_eq!(LeavingCalls::get(), vec![(PRO_2, RoleKind::BillingCandidate)]);
		assert_noop!(stand(COMMON, 10), Error::<Test>::TooManyCandidates);
		Displaceable::set(Some((PRO_2, 0)));
		let before = free(PRO_2);
		assert_ok!(stand_backed(COMMON, 10, spb(1_000)));
		System::assert_has_event(Event::CandidateDisplaced { who: PRO_2, by: COMMON }.into());
		assert!(!Registrations::<Test>::contains_key(PRO_2));
		assert_eq!(free(PRO_2), before + CANDIDATE_DEPOSIT, "its whole deposit back");
		assert_eq!(LeavingCalls::get(), vec![(PRO_2, RoleKind::BillingCandidate)], "told once");
		// Evicted: its deposit waits for the exit delay.
		assert_ok!(Peers::penalize(
			RuntimeOrigin::root(),
			PRO,
			PenaltyReason::Offline,
			PenaltyLevel::Evict
		));
		assert!(matches!(record(PRO).status, Status::Leaving { evicted: true, .. }));
		Displaceable::set(Some((PRO, 0)));
		assert_noop!(stand_backed(PRO_2, 11, spb(1_000)), Error::<Test>::TooManyCandidates);
	});
}

/// A backed registration on a registry with room displaces nobody: the newcomer stands and
/// backs itself.
#[test]
fn a_backed_registration_with_room_displaces_nobody() {
	build_and_execute(|| {
		Displaceable::set(Some((PRO, 0)));
		assert_ok!(stand(PRO, 8));
		assert_ok!(stand_backed(CANDIDATE, 7, spb(500)));
		assert!(Registrations::<Test>::contains_key(PRO));
		assert_eq!(RoleCount::<Test>::get(RoleKind::BillingCandidate), 2);
		assert_eq!(SelfBacking::get(), vec![(CANDIDATE, spb(500))]);
		assert!(LeavingCalls::get().is_empty());
	});
}

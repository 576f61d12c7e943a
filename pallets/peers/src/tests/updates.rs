//! Updating declarations, attachments and client keys, and the DApp storage quota.

use crate::{mock::*, *};
use frame_support::{assert_noop, assert_ok, traits::Hooks};
use sp_runtime::DispatchError;

#[test]
fn a_professional_peer_updates_its_declaration() {
	build_and_execute(|| {
		register_pro(PRO);
		let mut d = declaration();
		d.resources.storage_gib = 8_192;
		d.endpoint = endpoint("https://203.0.113.8");
		assert_ok!(Peers::update_professional(RuntimeOrigin::signed(PRO), d.clone()));
		let Role::Professional(p) = record(PRO).role else { panic!("professional") };
		assert_eq!(p.declaration, d);
		assert_eq!(last_event(), Event::Updated { who: PRO });
		let mut bad = d;
		bad.resources.bandwidth_mbps = 0;
		assert_noop!(
			Peers::update_professional(RuntimeOrigin::signed(PRO), bad),
			Error::<Test>::NoResources
		);
		assert_noop!(
			Peers::update_professional(RuntimeOrigin::signed(NOBODY), declaration()),
			Error::<Test>::NotRegistered
		);
		register_dapp(&[1]);
		assert_noop!(
			Peers::update_professional(RuntimeOrigin::signed(DAPP), declaration()),
			Error::<Test>::WrongRole
		);
	});
}

#[test]
fn a_common_peer_moves_to_another_professional_peer() {
	build_and_execute(|| {
		register_pro(PRO);
		register_pro(PRO_2);
		register_common(COMMON, PRO, 100);
		assert_ok!(Peers::update_common(
			RuntimeOrigin::signed(COMMON),
			PRO_2,
			300,
			common_endpoint()
		));
		let Role::Professional(a) = record(PRO).role else { panic!("professional") };
		let Role::Professional(b) = record(PRO_2).role else { panic!("professional") };
		assert_eq!((a.attached_commons, a.attached_storage_gib), (0, 0));
		assert_eq!((b.attached_commons, b.attached_storage_gib), (1, 300));
		assert_eq!(last_event(), Event::Attached { common: COMMON, professional: PRO_2 });
		// Same professional peer, other size.
		assert_ok!(Peers::update_common(
			RuntimeOrigin::signed(COMMON),
			PRO_2,
			50,
			common_endpoint()
		));
		let Role::Professional(b) = record(PRO_2).role else { panic!("professional") };
		assert_eq!((b.attached_commons, b.attached_storage_gib), (1, 50));
		// To nobody: refused, nothing changes.
		assert_noop!(
			Peers::update_common(RuntimeOrigin::signed(COMMON), NOBODY, 50, common_endpoint()),
			Error::<Test>::UnknownAttachTarget
		);
		assert_noop!(
			Peers::update_common(RuntimeOrigin::signed(COMMON), PRO, 0, common_endpoint()),
			Error::<Test>::NoResources
		);
		assert_noop!(
			Peers::update_common(RuntimeOrigin::signed(PRO), PRO_2, 1, common_endpoint()),
			Error::<Test>::WrongRole
		);
	});
}

#[test]
fn a_common_peers_endpoint_is_checked_and_its_attachment_indexed() {
	build_and_execute(|| {
		register_pro(PRO);
		register_pro(PRO_2);
		for bad in ["", "http://a b", "http://a\n"] {
			assert_noop!(
				Peers::register_common(
					RuntimeOrigin::signed(COMMON),
					key(COMMON),
					PRO,
					10,
					endpoint(bad)
				),
				Error::<Test>::InvalidEndpoint
			);
		}
		register_common(COMMON, PRO, 100);
		register_common(COMMON_2, PRO, 50);
		// Listed once they may earn: holding the common deposit (free to register otherwise).
		assert!(Peers::attached_commons(&PRO, 10).is_empty());
		assert!(AttachedCommons::<Test>::contains_key(PRO, COMMON));
		for who in [COMMON, COMMON_2] {
			assert_ok!(Peers::top_up_deposit(RuntimeOrigin::signed(who), COMMON_DEPOSIT));
		}
		let listed = Peers::attached_commons(&PRO, 10);
		assert_eq!(listed.len(), 2);
		assert!(listed.contains(&(COMMON, 100, common_endpoint())));
		assert_eq!(Peers::attached_commons(&PRO, 1).len(), 1, "at most the bound");
		// Moved with a new endpoint: listed under the new professional peer only.
		let moved = endpoint("http://198.51.100.20:8480");
		assert_ok!(Peers::update_common(RuntimeOrigin::signed(COMMON), PRO_2, 30, moved.clone()));
		assert_eq!(Peers::attached_commons(&PRO, 10), vec![(COMMON_2, 50, common_endpoint())]);
		assert_eq!(Peers::attached_commons(&PRO_2, 10), vec![(COMMON, 30, moved.clone())]);
		assert!(!AttachedCommons::<Test>::contains_key(PRO, COMMON));
		assert_noop!(
			Peers::update_common(RuntimeOrigin::signed(COMMON), PRO, 30, endpoint("")),
			Error::<Test>::InvalidEndpoint
		);
		// Leaving: no longer listed nor indexed.
		assert_ok!(Peers::leave(RuntimeOrigin::signed(COMMON_2)));
		assert!(Peers::attached_commons(&PRO, 10).is_empty());
		assert!(!AttachedCommons::<Test>::contains_key(PRO, COMMON_2));
	});
}

#[test]
fn a_dapp_adds_and_removes_client_keys() {
	build_and_execute(|| {
		register_dapp(&[1]);
		assert_ok!(Peers::add_client_key(RuntimeOrigin::signed(DAPP), 2));
		assert_eq!(last_event(), Event::ClientKeyAdded { dapp: DAPP, key: 2 });
		assert_eq!(ClientKeyOwner::<Test>::get(2), Some(DAPP));
		assert_noop!(
			Peers::add_client_key(RuntimeOrigin::signed(DAPP), 2),
			Error::<Test>::ClientKeyInUse
		);
		assert_ok!(Peers::remove_client_key(RuntimeOrigin::signed(DAPP), 1));
		assert_eq!(last_event(), Event::ClientKeyRemoved { dapp: DAPP, key: 1 });
		assert!(ClientKeyOwner::<Test>::get(1).is_none());
		let Role::DApp(d) = record(DAPP).role else { panic!("dapp") };
		assert_eq!(d.client_keys.into_inner(), vec![2]);
		assert_noop!(
			Peers::remove_client_key(RuntimeOrigin::signed(DAPP), 1),
			Error::<Test>::UnknownClientKey
		);
		register_pro(PRO);
		assert_noop!(
			Peers::add_client_key(RuntimeOrigin::signed(PRO), 9),
			Error::<Test>::WrongRole
		);
		// A key freed by one DApp can be taken by another once its retention is over.
		assert_noop!(
			Peers::register_dapp(RuntimeOrigin::signed(USER), name("other"), keys(&[1])),
			Error::<Test>::ClientKeyInUse
		);
		go_to(1 + CLIENT_KEY_RETENTION);
		assert_ok!(Peers::register_dapp(RuntimeOrigin::signed(USER), name("other"), keys(&[1])));
		assert_eq!(ClientKeyOwner::<Test>::get(1), Some(USER));
		assert!(RetiredClientKeys::<Test>::get(1).is_none());
	});
}

/// The DApp of `key` for receipts of a period that began at block `since`.
fn dapp_of(key: u64, since: u64) -> Option<AccountId> {
	<Peers as PeerRegistry<_, _, _, _, _>>::dapp_of_client_key(&key, since)
}

#[test]
fn a_removed_client_key_still_vouches_for_earlier_receipts() {
	build_and_execute(|| {
		register_dapp(&[1, 2]);
		go_to(10);
		assert_ok!(Peers::remove_client_key(RuntimeOrigin::signed(DAPP), 1));
		assert_eq!(
			RetiredClientKeys::<Test>::get(1),
			Some(RetiredClientKey { dapp: DAPP, removed_at: 10 })
		);
		// Receipts of periods that began before the removal still verify; later ones do not.
		assert_eq!(dapp_of(1, 5), Some(DAPP));
		assert_eq!(dapp_of(1, 10), Some(DAPP));
		assert_eq!(dapp_of(1, 11), None);
		assert_eq!(dapp_of(2, 11), Some(DAPP), "an authorized key vouches for any period");
		// Nobody else may take it meanwhile.
		assert_noop!(
			Peers::register_dapp(RuntimeOrigin::signed(USER), name("other"), keys(&[1])),
			Error::<Test>::ClientKeyInUse
		);

		// Its own DApp may authorize it again, which ends the retirement; a second removal
		// starts a new one.
		assert_ok!(Peers::add_client_key(RuntimeOrigin::signed(DAPP), 1));
		assert!(RetiredClientKeys::<Test>::get(1).is_none());
		assert_eq!(dapp_of(1, 1_000), Some(DAPP));
		go_to(20);
		assert_ok!(Peers::remove_client_key(RuntimeOrigin::signed(DAPP), 1));
		assert_eq!(RetirementQueueBounds::<Test>::get(), (0, 2));

		// The first queue entry's turn: it no longer matches, so the later retirement stays.
		go_to(10 + CLIENT_KEY_RETENTION);
		Peers::on_initialize(10 + CLIENT_KEY_RETENTION);
		assert_eq!(RetirementQueueBounds::<Test>::get(), (1, 2));
		assert_eq!(
			RetiredClientKeys::<Test>::get(1),
			Some(RetiredClientKey { dapp: DAPP, removed_at: 20 })
		);
		assert_eq!(dapp_of(1, 20), Some(DAPP));

		// The second's: forgotten.
		go_to(20 + CLIENT_KEY_RETENTION);
		Peers::on_initialize(20 + CLIENT_KEY_RETENTION);
		assert_eq!(RetirementQueueBounds::<Test>::get(), (2, 2));
		assert!(RetiredClientKeys::<Test>::get(1).is_none());
		assert_eq!(dapp_of(1, 20), None);
		assert_ok!(Peers::register_dapp(RuntimeOrigin::signed(USER), name("other"), keys(&[1])));
	});
}

#[test]
fn retired_client_keys_are_forgotten_a_bounded_number_per_block() {
	build_and_execute(|| {
		register_dapp(&[]);
		let retired = MAX_FORGOTTEN_PER_BLOCK as u64 + 4;
		for key in 100..100 + retired {
			assert_ok!(Peers::add_client_key(RuntimeOrigin::signed(DAPP), key));
			assert_ok!(Peers::remove_client_key(RuntimeOrigin::signed(DAPP), key));
		}
		assert_eq!(RetiredClientKeys::<Test>::iter().count() as u64, retired);
		// Nothing is due before the retention ends.
		go_to(CLIENT_KEY_RETENTION);
		assert_eq!(
			Peers::on_initialize(CLIENT_KEY_RETENTION),
			<() as WeightInfo>::forget_retired_client_keys(0)
		);
		assert_eq!(RetiredClientKeys::<Test>::iter().count() as u64, retired);

		let due = 1 + CLIENT_KEY_RETENTION;
		go_to(due);
		assert_eq!(
			Peers::on_initialize(due),
			<() as WeightInfo>::forget_retired_client_keys(MAX_FORGOTTEN_PER_BLOCK)
		);
		assert_eq!(RetiredClientKeys::<Test>::iter().count(), 4);
		go_to(due + 1);
		Peers::on_initialize(due + 1);
		assert_eq!(RetiredClientKeys::<Test>::iter().count(), 0);
		assert_eq!(RetirementQueue::<Test>::iter().count(), 0);
		assert_eq!(RetirementQueueBounds::<Test>::get(), (retired, retired));
	});
}

#[test]
fn governance_sets_the_storage_quota_serving_peers_enforce() {
	build_and_execute(|| {
		assert_eq!(DAppStorageQuota::<Test>::get(), DEFAULT_STORAGE_QUOTA);
		assert_noop!(
			Peers::set_dapp_storage_quota(RuntimeOrigin::signed(DAPP), 1 << 40),
			DispatchError::BadOrigin
		);
		assert_ok!(Peers::set_dapp_storage_quota(RuntimeOrigin::root(), 5 << 30));
		assert_eq!(DAppStorageQuota::<Test>::get(), 5 << 30);
		assert_eq!(last_event(), Event::DAppStorageQuotaSet { bytes: 5 << 30 });
		assert_ok!(Peers::set_dapp_storage_quota(RuntimeOrigin::root(), 0));
		assert_eq!(DAppStorageQuota::<Test>::get(), 0);
	});
}

/// The network's capacity the pricing pallet values: the instances of the professional peers
/// that are not leaving, each as many as its scarcest resource provides.
#[test]
fn declared_instances_follow_registrations_updates_exits_and_evictions() {
	build_and_execute(|| {
		// 4 096 GiB hold 8 instances of 500 GB; 1 000 Mbit/s 10; 16 cores 16.
		assert_eq!(declaration().resources.instances(), 8);
		let tiny = Resources { storage_gib: 465, bandwidth_mbps: 10_000, cpu_cores: 64 };
		assert_eq!(tiny.instances(), 0, "465 GiB is less than 500 GB");
		assert_eq!(
			Resources { storage_gib: 466, bandwidth_mbps: 100, cpu_cores: 1 }.instances(),
			1
		);
		// However much a declaration claims, one deposit counts for at most a large server.
		let boast =
			Resources { storage_gib: u32::MAX, bandwidth_mbps: u32::MAX, cpu_cores: u16::MAX };
		assert_eq!(boast.instances(), MAX_INSTANCES_PER_PEER);

		register_pro(PRO);
		register_pro(PRO_2);
		assert_eq!(DeclaredInstances::<Test>::get(), 16);
		let mut bigger = declaration();
		bigger.resources.cpu_cores = 4;
		assert_ok!(Peers::update_professional(RuntimeOrigin::signed(PRO), bigger));
		assert_eq!(DeclaredInstances::<Test>::get(), 12);
		// A common peer's storage is backup, not instances.
		register_common(COMMON, PRO, 10_000);
		assert_eq!(DeclaredInstances::<Test>::get(), 12);
		// Leaving stops counting at once; an eviction of a peer already leaving does not count
		// it twice.
		assert_ok!(Peers::leave(RuntimeOrigin::signed(PRO_2)));
		assert_eq!(DeclaredInstances::<Test>::get(), 4);
		assert_ok!(<Peers as Penalties<AccountId>>::penalize(
			&PRO_2,
			PenaltyReason::AuditFailed,
			PenaltyLevel::Evict
		));
		assert_eq!(DeclaredInstances::<Test>::get(), 4);
		assert_ok!(<Peers as Penalties<AccountId>>::penalize(
			&PRO,
			PenaltyReason::AuditFailed,
			PenaltyLevel::Evict
		));
		assert_eq!(DeclaredInstances::<Test>::get(), 0);
	});
}

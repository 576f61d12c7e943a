//! Updating declarations, attachments and client keys.

use crate::{mock::*, *};
use frame_support::{assert_noop, assert_ok};

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
		assert_ok!(Peers::update_common(RuntimeOrigin::signed(COMMON), PRO_2, 300));
		let Role::Professional(a) = record(PRO).role else { panic!("professional") };
		let Role::Professional(b) = record(PRO_2).role else { panic!("professional") };
		assert_eq!((a.attached_commons, a.attached_storage_gib), (0, 0));
		assert_eq!((b.attached_commons, b.attached_storage_gib), (1, 300));
		assert_eq!(last_event(), Event::Attached { common: COMMON, professional: PRO_2 });
		// Same professional peer, other size.
		assert_ok!(Peers::update_common(RuntimeOrigin::signed(COMMON), PRO_2, 50));
		let Role::Professional(b) = record(PRO_2).role else { panic!("professional") };
		assert_eq!((b.attached_commons, b.attached_storage_gib), (1, 50));
		// To nobody: refused, nothing changes.
		assert_noop!(
			Peers::update_common(RuntimeOrigin::signed(COMMON), NOBODY, 50),
			Error::<Test>::UnknownAttachTarget
		);
		assert_noop!(
			Peers::update_common(RuntimeOrigin::signed(COMMON), PRO, 0),
			Error::<Test>::NoResources
		);
		assert_noop!(
			Peers::update_common(RuntimeOrigin::signed(PRO), PRO_2, 1),
			Error::<Test>::WrongRole
		);
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
		// A key freed by one DApp can be taken by another.
		assert_ok!(Peers::register_dapp(RuntimeOrigin::signed(USER), name("other"), keys(&[1])));
		assert_eq!(ClientKeyOwner::<Test>::get(1), Some(USER));
	});
}

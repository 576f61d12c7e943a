//! Heartbeats: one per peer and period, signed by the peer key, sent by the off-chain worker.

use crate::{mock::*, *};
use codec::Decode;
use frame_support::{assert_noop, assert_ok};
use sp_core::offchain::{testing, OffchainDbExt, OffchainWorkerExt, TransactionPoolExt};
use sp_runtime::testing::{TestSignature, UintAuthorityId};
use sp_runtime::{
	testing::TestXt,
	transaction_validity::{InvalidTransaction, TransactionSource, TransactionValidityWithRefund},
	DispatchResult,
};

fn signed(
	peer: AccountId,
	period: u32,
	by: UintAuthorityId,
) -> (Heartbeat<AccountId>, TestSignature) {
	let heartbeat = Heartbeat { peer, period };
	let signature = by.sign(&Peers::heartbeat_payload(&heartbeat)).expect("test keys sign");
	(heartbeat, signature)
}

fn send(peer: AccountId, period: u32, by: UintAuthorityId) -> DispatchResult {
	let (heartbeat, signature) = signed(peer, period, by);
	Peers::heartbeat(frame_system::RawOrigin::Authorized.into(), heartbeat, signature)
}

fn validity(peer: AccountId, period: u32, by: UintAuthorityId) -> TransactionValidityWithRefund {
	let (heartbeat, signature) = signed(peer, period, by);
	Peers::authorize_heartbeat(TransactionSource::External, &heartbeat, &signature)
}

#[test]
fn a_heartbeat_counts_one_period_online() {
	build_and_execute(|| {
		register_pro(PRO);
		CurrentPeriod::set(3);
		assert!(validity(PRO, 3, key(PRO)).is_ok());
		assert_ok!(send(PRO, 3, key(PRO)));
		assert_eq!(record(PRO).online, Online { periods: 1, last_period: Some(3) });
		assert_eq!(
			last_event(),
			Event::HeartbeatReceived { who: PRO, period: 3, online_periods: 1 }
		);
		CurrentPeriod::set(4);
		assert_ok!(send(PRO, 4, key(PRO)));
		let view = Peers::peer_view(&PRO).unwrap();
		assert_eq!((view.online_periods, view.last_online_period), (2, Some(4)));
	});
}

#[test]
fn bad_heartbeats_are_refused() {
	build_and_execute(|| {
		register_pro(PRO);
		register_dapp(&[1]);
		CurrentPeriod::set(5);
		assert_ok!(send(PRO, 5, key(PRO)));
		// A second one in the same period.
		assert_noop!(send(PRO, 5, key(PRO)), Error::<Test>::DuplicateHeartbeat);
		assert_eq!(validity(PRO, 5, key(PRO)), Err(InvalidTransaction::Stale.into()));
		// One for another period.
		assert_noop!(send(PRO, 6, key(PRO)), Error::<Test>::StaleHeartbeat);
		assert_noop!(send(PRO, 4, key(PRO)), Error::<Test>::StaleHeartbeat);
		// Signed by another key.
		CurrentPeriod::set(6);
		assert_noop!(send(PRO, 6, key(PRO_2)), Error::<Test>::BadHeartbeatSignature);
		assert_eq!(validity(PRO, 6, key(PRO_2)), Err(InvalidTransaction::BadProof.into()));
		// A signature over another chain's genesis does not check either.
		let heartbeat = Heartbeat { peer: PRO, period: 6 };
		let payload = (HEARTBEAT_CONTEXT, sp_core::H256::repeat_byte(9), &heartbeat).encode();
		let foreign = key(PRO).sign(&payload).unwrap();
		assert_noop!(
			Peers::heartbeat(frame_system::RawOrigin::Authorized.into(), heartbeat, foreign),
			Error::<Test>::BadHeartbeatSignature
		);
		// From a role without heartbeats, or nobody.
		assert_noop!(send(DAPP, 6, key(DAPP)), Error::<Test>::WrongRole);
		assert_noop!(send(NOBODY, 6, key(NOBODY)), Error::<Test>::NotRegistered);
		assert_eq!(validity(NOBODY, 6, key(NOBODY)), Err(InvalidTransaction::BadSigner.into()));
		// Not through a signed origin.
		let (heartbeat, signature) = signed(PRO, 6, key(PRO));
		assert_noop!(
			Peers::heartbeat(RuntimeOrigin::signed(PRO), heartbeat, signature),
			sp_runtime::DispatchError::BadOrigin
		);
		assert_eq!(record(PRO).online.periods, 1);
	});
}

#[test]
fn a_leaving_peer_still_proves_it_is_online() {
	build_and_execute(|| {
		register_pro(PRO);
		assert_ok!(Peers::leave(RuntimeOrigin::signed(PRO)));
		assert_ok!(send(PRO, 0, key(PRO)));
		assert_eq!(record(PRO).online.periods, 1);
	});
}

#[test]
fn an_evicted_peer_sends_no_heartbeats() {
	build_and_execute(|| {
		register_pro(PRO);
		assert_ok!(<Peers as Penalties<AccountId>>::penalize(
			&PRO,
			PenaltyReason::PatrolFailed,
			PenaltyLevel::Evict
		));
		assert_noop!(send(PRO, 0, key(PRO)), Error::<Test>::AlreadyEvicted);
	});
}

#[test]
fn the_heartbeat_pool_tag_is_per_peer_and_period() {
	build_and_execute(|| {
		register_pro(PRO);
		register_pro(PRO_2);
		let a = validity(PRO, 0, key(PRO)).unwrap().0;
		let b = validity(PRO_2, 0, key(PRO_2)).unwrap().0;
		assert_ne!(a.provides, b.provides);
		assert!(a.propagate);
	});
}

#[test]
fn the_offchain_worker_sends_one_heartbeat_per_period() {
	let (offchain, _state) = testing::TestOffchainExt::new();
	let (pool, pool_state) = testing::TestTransactionPoolExt::new();
	let mut ext = storage_with(Default::default());
	ext.register_extension(OffchainDbExt::new(offchain.clone()));
	ext.register_extension(OffchainWorkerExt::new(offchain));
	ext.register_extension(TransactionPoolExt::new(pool));
	ext.execute_with(|| {
		register_pro(PRO);
		register_pro(PRO_2);
		register_pro(USER);
		assert_ok!(<Peers as Penalties<AccountId>>::penalize(
			&USER,
			PenaltyReason::PatrolFailed,
			PenaltyLevel::Evict
		));
		// This node holds PRO's key, an evicted peer's and one nobody registered.
		UintAuthorityId::set_all_keys(vec![4_242, 1_000 + USER, 1_000 + PRO]);
		CurrentPeriod::set(2);
		Peers::offchain_worker(System::block_number());
		let txs = pool_state.read().transactions.clone();
		assert_eq!(txs.len(), 1, "one heartbeat, for the registered peer not evicted");
		let xt = TestXt::<RuntimeCall, ()>::decode(&mut &txs[0][..]).unwrap();
		let RuntimeCall::Peers(crate::Call::heartbeat { heartbeat, signature }) = xt.function
		else {
			panic!("a heartbeat call")
		};
		assert_eq!(heartbeat, Heartbeat { peer: PRO, period: 2 });
		// It checks, and it is recorded.
		assert_ok!(Peers::heartbeat(
			frame_system::RawOrigin::Authorized.into(),
			heartbeat,
			signature
		));
		// Not again in the same period once recorded.
		Peers::offchain_worker(System::block_number());
		assert_eq!(pool_state.read().transactions.len(), 1);
		// The next period: again.
		CurrentPeriod::set(3);
		Peers::offchain_worker(System::block_number());
		assert_eq!(pool_state.read().transactions.len(), 2);
		// Not recorded yet (the transaction is still in flight): no resubmission right away...
		Peers::offchain_worker(System::block_number());
		assert_eq!(pool_state.read().transactions.len(), 2);
		// ...but after a few blocks.
		go_to(System::block_number() + 5);
		Peers::offchain_worker(System::block_number());
		assert_eq!(pool_state.read().transactions.len(), 3);
		Peers::do_try_state().unwrap();
	});
}

use crate::{mock::*, *};
use frame_support::{assert_noop, assert_ok};
use sp_runtime::DispatchError;

fn bounded(ids: Vec<AuthorityId>) -> BoundedVec<AuthorityId, <Test as Config>::MaxAuthorities> {
	BoundedVec::try_from(ids).unwrap()
}

#[test]
fn root_replaces_the_billing_peers() {
	build_and_execute(|| {
		assert_ok!(Gosig::set_authorities(
			RuntimeOrigin::root(),
			bounded(vec![id("Dave"), id("Eve")])
		));
		assert_eq!(Authorities::<Test>::get().into_inner(), vec![id("Dave"), id("Eve")]);
		assert_eq!(CurrentSetId::<Test>::get(), 1);
		System::assert_last_event(Event::AuthoritiesChanged { set_id: 1, count: 2 }.into());
		assert_eq!(Gosig::configuration().set_id, 1);
		// The header announces the change.
		let announced = System::digest().logs.iter().find_map(|log| {
			log.consensus_try_to::<spacebook_gosig_primitives::ConsensusLog>(
				&spacebook_gosig_primitives::GOSIG_ENGINE_ID,
			)
		});
		assert_eq!(
			announced,
			Some(spacebook_gosig_primitives::ConsensusLog::AuthoritiesChange {
				set_id: 1,
				authorities: vec![id("Dave"), id("Eve")],
			})
		);
	});
}

#[test]
fn bad_authority_sets_are_refused_and_change_nothing() {
	build_and_execute(|| {
		assert_noop!(
			Gosig::set_authorities(RuntimeOrigin::root(), bounded(vec![])),
			Error::<Test>::EmptyAuthoritySet
		);
		assert_noop!(
			Gosig::set_authorities(RuntimeOrigin::root(), bounded(vec![id("Dave"), id("Dave")])),
			Error::<Test>::DuplicateAuthority
		);
		assert_noop!(
			Gosig::set_authorities(RuntimeOrigin::signed(1), bounded(vec![id("Dave")])),
			DispatchError::BadOrigin
		);
		assert_eq!(CurrentSetId::<Test>::get(), 0);
	});
}

#[test]
fn root_changes_the_election_target() {
	build_and_execute(|| {
		assert_ok!(Gosig::set_election_target(RuntimeOrigin::root(), Perbill::from_percent(50)));
		assert_eq!(ElectionTarget::<Test>::get(), Perbill::from_percent(50));
		System::assert_last_event(
			Event::ElectionTargetChanged { target: Perbill::from_percent(50) }.into(),
		);
	});
}

#[test]
fn bad_election_targets_are_refused_and_change_nothing() {
	build_and_execute(|| {
		assert_noop!(
			Gosig::set_election_target(RuntimeOrigin::root(), Perbill::zero()),
			Error::<Test>::ZeroElectionTarget
		);
		assert_noop!(
			Gosig::set_election_target(RuntimeOrigin::signed(1), Perbill::one()),
			DispatchError::BadOrigin
		);
		assert_eq!(ElectionTarget::<Test>::get(), Perbill::from_percent(99));
	});
}

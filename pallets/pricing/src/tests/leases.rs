//! DApp leases: the deposit follows the instance price, released automatically when it falls,
//! topped up when it rises, with a grace period before serving peers refuse the DApp.

use crate::{mock::*, *};
use frame_support::{assert_noop, assert_ok};

fn raise_instance_price_to(price: Balance) {
	assert_ok!(Pricing::set_prices(
		RuntimeOrigin::root(),
		PriceList { instance: price, ..genesis_prices() }
	));
}

#[test]
fn only_a_registered_dapp_leases_between_one_and_the_most_instances() {
	test(|| {
		assert_noop!(Pricing::lease(RuntimeOrigin::signed(NOBODY), 1), Error::<Test>::NotADApp);
		assert_noop!(Pricing::lease(RuntimeOrigin::signed(DAPP), 0), Error::<Test>::ZeroInstances);
		assert_noop!(
			Pricing::lease(RuntimeOrigin::signed(DAPP), MAX_INSTANCES + 1),
			Error::<Test>::TooManyInstances
		);
		assert_eq!(Pricing::standing(&DAPP), Standing::NoLease);
		assert!(!Pricing::standing(&DAPP).may_open_sessions());
	});
}

#[test]
fn a_lease_the_free_balance_cannot_cover_changes_nothing() {
	test(|| {
		assert_noop!(
			Pricing::lease(RuntimeOrigin::signed(POOR_DAPP), 2),
			Error::<Test>::InsufficientBalance
		);
		assert_ok!(Pricing::lease(RuntimeOrigin::signed(POOR_DAPP), 1));
		assert_noop!(
			Pricing::lease(RuntimeOrigin::signed(POOR_DAPP), 2),
			Error::<Test>::InsufficientBalance
		);
		assert_eq!(held(POOR_DAPP), INSTANCE);
		assert_eq!(Leases::<Test>::get(POOR_DAPP).map(|l| l.instances), Some(1));
	});
}

#[test]
fn a_lease_holds_its_instances_at_the_price_and_ending_it_releases_everything() {
	test(|| {
		assert_ok!(Pricing::lease(RuntimeOrigin::signed(DAPP), 3));
		assert_eq!((held(DAPP), free(DAPP)), (3 * INSTANCE, 1_000 * SPB - 3 * INSTANCE));
		assert_eq!(
			events().last(),
			Some(&Event::Leased { dapp: DAPP, instances: 3, held: 3 * INSTANCE })
		);
		assert_eq!(Pricing::standing(&DAPP), Standing::Good);
		assert!(Pricing::standing(&DAPP).may_open_sessions());

		// Fewer instances release the difference.
		assert_ok!(Pricing::lease(RuntimeOrigin::signed(DAPP), 1));
		assert_eq!(held(DAPP), INSTANCE);
		assert_eq!(LeasedInstances::<Test>::get(), 1);

		assert_ok!(Pricing::end_lease(RuntimeOrigin::signed(DAPP)));
		assert_eq!((held(DAPP), free(DAPP)), (0, 1_000 * SPB));
		assert_eq!(events().last(), Some(&Event::LeaseEnded { dapp: DAPP, released: INSTANCE }));
		assert_eq!(LeasedInstances::<Test>::get(), 0);
		assert_noop!(Pricing::end_lease(RuntimeOrigin::signed(DAPP)), Error::<Test>::NoLease);
		assert_noop!(Pricing::top_up_lease(RuntimeOrigin::signed(DAPP)), Error::<Test>::NoLease);
	});
}

#[test]
fn a_price_fall_releases_every_leases_excess_a_bounded_batch_per_block() {
	test(|| {
		let dapps: Vec<AccountId> = (10..15).collect();
		for dapp in &dapps {
			set_dapp(*dapp, true);
			use frame_support::traits::fungible::Mutate;
			Balances::set_balance(dapp, 1_000 * SPB);
			assert_ok!(Pricing::lease(RuntimeOrigin::signed(*dapp), 2));
		}
		run_to(PERIOD - 1);
		raise_instance_price_to(60 * SPB);
		// Five leases, two per block: the first block of period 1 and the two after it.
		run_to(PERIOD);
		let released = |dapp: &AccountId| held(*dapp) == 120 * SPB;
		assert_eq!(dapps.iter().filter(|d| released(d)).count(), 2);
		run_to(PERIOD + 1);
		assert_eq!(dapps.iter().filter(|d| released(d)).count(), 4);
		assert!(LeaseRepricing::<Test>::get().is_some());
		run_to(PERIOD + 2);
		assert!(dapps.iter().all(released));
		assert!(LeaseRepricing::<Test>::get().is_none());
		for dapp in &dapps {
			assert_eq!(free(*dapp), 1_000 * SPB - 120 * SPB);
			assert!(events().contains(&Event::LeaseReleased { dapp: *dapp, amount: 80 * SPB }));
		}
	});
}

#[test]
fn a_price_rise_is_held_from_the_free_balance_when_it_can_be() {
	test(|| {
		assert_ok!(Pricing::lease(RuntimeOrigin::signed(DAPP), 2));
		run_to(PERIOD - 1);
		raise_instance_price_to(150 * SPB);
		run_to(PERIOD);
		assert_eq!(held(DAPP), 300 * SPB);
		assert!(events().contains(&Event::LeaseToppedUp { dapp: DAPP, amount: 100 * SPB }));
		assert_eq!(Pricing::standing(&DAPP), Standing::Good);
		assert_noop!(
			Pricing::top_up_lease(RuntimeOrigin::signed(DAPP)),
			Error::<Test>::NothingToTopUp
		);
	});
}

#[test]
fn a_dapp_that_cannot_top_up_is_served_through_the_grace_period_and_refused_after_it() {
	test(|| {
		// 150 SPB: 100 on hold for the lease, 50 free.
		assert_ok!(Pricing::lease(RuntimeOrigin::signed(POOR_DAPP), 1));
		run_to(PERIOD - 1);
		raise_instance_price_to(200 * SPB);
		run_to(PERIOD);
		let by = PERIOD + GRACE;
		assert!(events().contains(&Event::TopUpDue { dapp: POOR_DAPP, shortfall: 100 * SPB, by }));
		// Nothing was taken: the lease still holds what it held.
		assert_eq!(held(POOR_DAPP), INSTANCE);
		assert_eq!(Pricing::standing(&POOR_DAPP), Standing::TopUpDue { shortfall: 100 * SPB, by });
		assert!(Pricing::standing(&POOR_DAPP).may_open_sessions());
		assert_noop!(
			Pricing::top_up_lease(RuntimeOrigin::signed(POOR_DAPP)),
			Error::<Test>::InsufficientBalance
		);

		run_to(by);
		assert!(Pricing::standing(&POOR_DAPP).may_open_sessions());
		run_to(by + 1);
		assert_eq!(Pricing::standing(&POOR_DAPP), Standing::Lapsed { shortfall: 100 * SPB });
		assert!(!Pricing::standing(&POOR_DAPP).may_open_sessions());

		// Funded again, the DApp tops up and is in good standing.
		assert_ok!(Balances::transfer_keep_alive(
			RuntimeOrigin::signed(DAPP),
			POOR_DAPP,
			100 * SPB
		));
		assert_ok!(Pricing::top_up_lease(RuntimeOrigin::signed(POOR_DAPP)));
		assert_eq!(held(POOR_DAPP), 200 * SPB);
		assert_eq!(Pricing::standing(&POOR_DAPP), Standing::Good);
		assert_eq!(Leases::<Test>::get(POOR_DAPP).and_then(|l| l.top_up_by), None);
	});
}

#[test]
fn a_lease_the_hook_has_not_reached_yet_is_judged_at_the_price_in_force() {
	test(|| {
		let dapps: Vec<AccountId> = (10..16).collect();
		for dapp in &dapps {
			set_dapp(*dapp, true);
			use frame_support::traits::fungible::Mutate;
			Balances::set_balance(dapp, 101 * SPB);
			assert_ok!(Pricing::lease(RuntimeOrigin::signed(*dapp), 1));
		}
		run_to(PERIOD - 1);
		raise_instance_price_to(200 * SPB);
		run_to(PERIOD);
		// Two of six leases were re-priced; every one is short and due by the same block.
		for dapp in &dapps {
			assert_eq!(
				Pricing::standing(dapp),
				Standing::TopUpDue { shortfall: 100 * SPB, by: PERIOD + GRACE }
			);
		}
	});
}

/// A DApp that leaves the registry (or is evicted) loses its lease at once: the registry tells
/// the pallet, which releases the whole deposit; a DApp no longer registered cannot lease.
#[test]
fn a_dapp_that_leaves_the_registry_gets_its_whole_lease_deposit_back() {
	test(|| {
		assert_ok!(Pricing::lease(RuntimeOrigin::signed(DAPP), 3));
		assert_ok!(Pricing::lease(RuntimeOrigin::signed(DAPP_2), 2));
		set_dapp(DAPP, false);
		Pricing::end_lease_of_departed(&DAPP);
		assert_eq!((held(DAPP), free(DAPP)), (0, 1_000 * SPB));
		assert_eq!(
			events().last(),
			Some(&Event::LeaseEnded { dapp: DAPP, released: 3 * INSTANCE })
		);
		assert_eq!(Pricing::standing(&DAPP), Standing::NoLease);
		assert_eq!(LeasedInstances::<Test>::get(), 2, "the other DApp's lease stays");
		assert_eq!(held(DAPP_2), 2 * INSTANCE);
		// Told twice, or of an account without a lease: nothing happens.
		let events_before = events().len();
		Pricing::end_lease_of_departed(&DAPP);
		Pricing::end_lease_of_departed(&NOBODY);
		assert_eq!(events().len(), events_before);
		assert_noop!(Pricing::lease(RuntimeOrigin::signed(DAPP), 1), Error::<Test>::NotADApp);
	});
}

//! The pricing cycle: the formula's inputs gathered from the chain, the prices it sets, and the
//! cases where it keeps them.

use crate::{mock::*, *};
use frame_support::assert_ok;

fn last_record() -> CycleRecord {
	CycleRecords::<Test>::get().last().copied().expect("a cycle ran")
}

/// Everything priced like the genesis list, observed now.
fn quote_genesis_prices() {
	quote_now(genesis_prices());
}

#[test]
fn the_whitepapers_instance_falls_from_100_to_90_spb_and_the_lease_releases_10() {
	test(|| {
		// A month (a cycle) in which a DApp leases one instance at 100 SPB from its first block
		// and is billed 10 SPB for a terabyte.
		run_to(cycle_start(1));
		assert_ok!(Pricing::lease(RuntimeOrigin::signed(DAPP), 1));
		assert_eq!((held(DAPP), free(DAPP)), (100 * SPB, 900 * SPB));
		<Pricing as TrafficPrices>::note_traffic_bill(10 * SPB);
		// Supply exceeds the expected demand by a ninth: S = 999 idle instances at 100 SPB,
		// D = 100 + 10 SPB, D1 brings demand to nine tenths of supply. The competitors price
		// everything as we do and `a` is the genesis list, so P1 = 10/9.
		let supply = 999 * 100 * SPB;
		let demand = supply / 10 * 9;
		assert_ok!(Pricing::set_expected_demand(
			RuntimeOrigin::root(),
			(demand - 110 * SPB) as i128
		));
		quote_genesis_prices();

		run_to(cycle_start(2));
		let prices = PriceList {
			instance: 90 * SPB,
			traffic_gib: 9 * SPB / 1_000,
			storage_gb_month: 9 * SPB / 10_000,
		};
		let record = last_record();
		assert_eq!(record.market.supply(), supply);
		assert_eq!(record.market.spent, 110 * SPB);
		assert_eq!(record.market.demand(), demand);
		assert_eq!(record.prices, prices);
		assert_eq!(record.frozen, None);
		// The cycle's first block is its first period's: the prices apply at once.
		assert_eq!(record.from_period, 2 * CYCLE_PERIODS);
		assert_eq!(Pricing::current_prices(), prices);
		assert!(events().contains(&Event::CycleRepriced {
			cycle: 2,
			from_period: 2 * CYCLE_PERIODS,
			prices,
			market: record.market,
		}));

		// The hold followed in the same block, with nobody asking: 10 SPB are free again.
		assert_eq!((held(DAPP), free(DAPP)), (90 * SPB, 910 * SPB));
		assert!(events().contains(&Event::LeaseReleased { dapp: DAPP, amount: 10 * SPB }));
		assert_eq!(Pricing::standing(&DAPP), Standing::Good);
		// ...and can pay this month's traffic bill.
		assert_ok!(Balances::transfer_keep_alive(
			RuntimeOrigin::signed(DAPP),
			NOBODY,
			910 * SPB - ED
		));
		// The bills of the cycle that ended do not count in the next one.
		assert_eq!(CycleSpending::<Test>::get(), 0);
	});
}

#[test]
fn without_a_quote_or_with_a_stale_one_the_prices_are_kept_and_an_event_says_why() {
	test(|| {
		run_to(cycle_start(1));
		assert_eq!(last_record().frozen, Some(FreezeReason::NoQuote));
		assert_eq!(last_record().prices, genesis_prices());
		assert!(events().contains(&Event::PricesFrozen {
			cycle: 1,
			unit: None,
			reason: FreezeReason::NoQuote
		}));

		quote_genesis_prices();
		advance_clock(QUOTE_VALIDITY + 1);
		run_to(cycle_start(2));
		assert_eq!(last_record().frozen, Some(FreezeReason::StaleQuote));
		assert_eq!(last_record().quote, None);
		assert_eq!(Pricing::current_prices(), genesis_prices());
		assert!(events().contains(&Event::PricesFrozen {
			cycle: 2,
			unit: None,
			reason: FreezeReason::StaleQuote
		}));
	});
}

#[test]
fn with_no_demand_every_price_falls_by_the_whole_step() {
	test(|| {
		// Nothing leased, nothing billed, nothing expected: D + D1 = 0.
		quote_genesis_prices();
		run_to(cycle_start(1));
		assert_eq!(last_record().market.demand(), 0);
		let prices = PriceList {
			instance: 80 * SPB,
			traffic_gib: TRAFFIC / 10 * 8,
			storage_gb_month: STORAGE / 10 * 8,
		};
		assert_eq!(Pricing::current_prices(), prices);
		for unit in ResourceUnit::ALL {
			assert!(events().contains(&Event::PriceStepBounded { cycle: 1, unit }));
		}
	});
}

#[test]
fn a_unit_without_a_competitor_price_keeps_its_price() {
	test(|| {
		quote_now(PriceList { storage_gb_month: 0, ..genesis_prices() });
		run_to(cycle_start(1));
		assert_eq!(Pricing::current_prices().storage_gb_month, STORAGE);
		assert_eq!(Pricing::current_prices().instance, 80 * SPB);
		assert!(events().contains(&Event::PricesFrozen {
			cycle: 1,
			unit: Some(ResourceUnit::StorageGbMonth),
			reason: FreezeReason::NoCompetitorPrice,
		}));
	});
}

#[test]
fn the_market_counts_idle_and_new_capacity_and_the_cycles_spending() {
	test(|| {
		// Leased from the first block of cycle 1 to its end.
		run_to(cycle_start(1));
		assert_ok!(Pricing::lease(RuntimeOrigin::signed(DAPP), 3));
		assert_ok!(Pricing::lease(RuntimeOrigin::signed(DAPP_2), 2));
		<Pricing as TrafficPrices>::note_traffic_bill(7 * SPB);
		<Pricing as TrafficPrices>::note_traffic_bill(5 * SPB);
		assert_ok!(Pricing::set_expected_demand(RuntimeOrigin::root(), -(2 * SPB as i128)));
		// 200 instances joined during the cycle.
		set_capacity(1_200);
		run_to(cycle_start(2));
		let market = last_record().market;
		assert_eq!(market.idle_capacity, (1_000 - 5) * INSTANCE);
		assert_eq!(market.new_capacity, 200 * INSTANCE);
		assert_eq!(market.spent, 5 * INSTANCE + 12 * SPB);
		assert_eq!(market.expected_increase, -(2 * SPB as i128));
		assert_eq!(market.demand(), 5 * INSTANCE + 10 * SPB);

		// Next cycle: capacity shrank to 900; what is left is idle, nothing is new.
		set_capacity(900);
		run_to(cycle_start(3));
		let market = last_record().market;
		// (No quote: cycle 2 kept the genesis prices, which value cycle 3's market.)
		assert_eq!(market.idle_capacity, (900 - 5) * INSTANCE);
		assert_eq!(market.new_capacity, 0);
		assert_eq!(market.spent, 5 * INSTANCE);
	});
}

#[test]
fn a_is_the_average_of_the_last_k_cycles_prices() {
	test(|| {
		// Governance sets 100, 130, 160 and 190 SPB in successive cycles (no quote: kept).
		for (cycle, price) in [(1u32, 130u128), (2, 160), (3, 190)] {
			run_to(cycle_start(cycle) - 1);
			assert_ok!(Pricing::set_prices(
				RuntimeOrigin::root(),
				PriceList { instance: price * SPB, ..genesis_prices() }
			));
			run_to(cycle_start(cycle));
		}
		// k = 3: the window holds the newest list as each of the last three cycles began (the
		// genesis list fell out): a = (130 + 160 + 190) / 3.
		assert_eq!(last_record().averages.instance, 160 * SPB);
		assert_eq!(CyclePrices::<Test>::get().len(), 3);
	});
}

#[test]
fn a_halted_chain_begins_only_the_newest_cycle() {
	test(|| {
		quote_genesis_prices();
		// No block between genesis and cycle 4: one cycle, one step.
		System::set_block_number(cycle_start(4) - 1);
		run_to(cycle_start(4));
		assert_eq!(CurrentCycle::<Test>::get(), 4);
		assert_eq!(CycleRecords::<Test>::get().len(), 1);
		assert_eq!(Pricing::current_prices().instance, 80 * SPB);
	});
}

/// The attacker review of issue 15: `D` counts the leases' average over the cycle, so leasing
/// a thousand instances for the cycle's last block (and ending the lease in the next) adds a
/// thousandth of a cycle's worth, not a thousand instances, to the demand.
#[test]
fn a_lease_held_for_the_last_block_of_a_cycle_weighs_one_block() {
	test(|| {
		run_to(cycle_start(1));
		assert_ok!(Pricing::lease(RuntimeOrigin::signed(DAPP), 1));
		run_to(cycle_start(2) - 1);
		use frame_support::traits::fungible::Mutate;
		Balances::set_balance(&NOBODY, 1_000_000 * SPB);
		set_dapp(NOBODY, true);
		assert_ok!(Pricing::lease(RuntimeOrigin::signed(NOBODY), MAX_INSTANCES));
		run_to(cycle_start(2));
		assert_ok!(Pricing::end_lease(RuntimeOrigin::signed(NOBODY)));
		// One instance all cycle, a hundred for one block of thirty.
		let spent = last_record().market.spent;
		assert_eq!(spent, INSTANCE + u128::from(MAX_INSTANCES) * INSTANCE / CYCLE as u128);
		assert!(spent < 5 * INSTANCE, "not a hundred instances: {spent}");
	});
}

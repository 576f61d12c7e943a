//! The governance origin's powers: prices, `D1`, `A` and the parameters.

use crate::{mock::*, *};
use frame_support::{assert_noop, assert_ok};
use sp_runtime::DispatchError;

fn list(instance: Balance, traffic_gib: Balance, storage_gb_month: Balance) -> PriceList<Balance> {
	PriceList { instance, traffic_gib, storage_gb_month }
}

#[test]
fn only_the_price_origin_sets_prices_inputs_and_parameters() {
	test(|| {
		let signed = || RuntimeOrigin::signed(DAPP);
		assert_noop!(Pricing::set_prices(signed(), genesis_prices()), DispatchError::BadOrigin);
		assert_noop!(Pricing::set_expected_demand(signed(), 1), DispatchError::BadOrigin);
		assert_noop!(
			Pricing::set_competitor_prices(signed(), genesis_prices(), GENESIS_MS),
			DispatchError::BadOrigin
		);
		let parameters = PricingParameters { max_step: percent(5), quote_validity_ms: 1 };
		assert_noop!(Pricing::set_parameters(signed(), parameters), DispatchError::BadOrigin);
	});
}

#[test]
fn a_zero_price_is_refused_for_every_unit() {
	test(|| {
		for unit in ResourceUnit::ALL {
			let mut prices = genesis_prices();
			prices.set(unit, 0);
			assert_noop!(
				Pricing::set_prices(RuntimeOrigin::root(), prices),
				Error::<Test>::ZeroPrice
			);
		}
		assert_eq!(PriceHistory::<Test>::get().len(), 1);
	});
}

#[test]
fn prices_set_during_a_period_apply_from_the_next_one() {
	test(|| {
		// Block 5 is inside period 0: the list applies from period 1.
		run_to(5);
		let first = list(120 * SPB, SPB / 50, SPB / 500);
		assert_ok!(Pricing::set_prices(RuntimeOrigin::root(), first));
		assert_eq!(events().last(), Some(&Event::PricesSet { prices: first, from_period: 1 }));
		assert_eq!(Pricing::current_prices(), genesis_prices());
		assert_eq!(Pricing::prices_of_period(1), first);

		// A second list in the same period replaces the pending one.
		let second = list(110 * SPB, SPB / 50, SPB / 500);
		assert_ok!(Pricing::set_prices(RuntimeOrigin::root(), second));
		assert_eq!(PriceHistory::<Test>::get().len(), 2);
		assert_eq!(Pricing::prices_of_period(1), second);

		// In the first block of a period no traffic of it was served yet: it applies at once.
		run_to(2 * PERIOD);
		let third = list(90 * SPB, SPB / 100, SPB / 1_000);
		assert_ok!(Pricing::set_prices(RuntimeOrigin::root(), third));
		assert_eq!(events().last(), Some(&Event::PricesSet { prices: third, from_period: 2 }));
		assert_eq!(Pricing::current_prices(), third);
		// Earlier periods keep their prices: traffic is billed at the price it was served at.
		assert_eq!(Pricing::prices_of_period(0), genesis_prices());
		assert_eq!(Pricing::prices_of_period(1), second);
		assert_eq!(<Pricing as TrafficPrices>::traffic_price_per_gib(0), TRAFFIC);
		assert_eq!(<Pricing as TrafficPrices>::traffic_price_per_gib(2), SPB / 100);
	});
}

#[test]
fn the_price_history_is_bounded_and_old_periods_take_the_oldest_list_kept() {
	test(|| {
		for i in 1..=10u64 {
			run_to(i * PERIOD);
			let price = INSTANCE + u128::from(i) * SPB;
			assert_ok!(Pricing::set_prices(RuntimeOrigin::root(), list(price, TRAFFIC, STORAGE)));
		}
		let history = PriceHistory::<Test>::get();
		assert_eq!(history.len(), 6);
		assert_eq!(history.first().map(|e| e.from_period), Some(5));
		assert_eq!(Pricing::prices_of_period(0).instance, INSTANCE + 5 * SPB);
		assert_eq!(Pricing::prices_of_period(10).instance, INSTANCE + 10 * SPB);
	});
}

#[test]
fn a_competitor_quote_is_dated_and_refused_from_the_future_or_already_stale() {
	test(|| {
		assert_noop!(
			Pricing::set_competitor_prices(RuntimeOrigin::root(), genesis_prices(), GENESIS_MS + 1),
			Error::<Test>::QuoteFromTheFuture
		);
		assert_noop!(
			Pricing::set_competitor_prices(
				RuntimeOrigin::root(),
				genesis_prices(),
				GENESIS_MS - QUOTE_VALIDITY - 1
			),
			Error::<Test>::QuoteAlreadyStale
		);
		let observed_at = GENESIS_MS - QUOTE_VALIDITY;
		assert_ok!(Pricing::set_competitor_prices(
			RuntimeOrigin::root(),
			genesis_prices(),
			observed_at
		));
		let quote = CompetitorQuote { prices: genesis_prices(), observed_at };
		assert_eq!(CompetitorPrices::<Test>::get(), Some(quote));
		assert_eq!(events().last(), Some(&Event::CompetitorPricesSet { quote }));
	});
}

#[test]
fn the_step_bound_stays_below_a_hundred_percent_and_the_expected_demand_may_be_negative() {
	test(|| {
		let whole = PricingParameters { max_step: percent(100), quote_validity_ms: 1 };
		assert_noop!(
			Pricing::set_parameters(RuntimeOrigin::root(), whole),
			Error::<Test>::StepTooLarge
		);
		let parameters = PricingParameters { max_step: percent(5), quote_validity_ms: 60_000 };
		assert_ok!(Pricing::set_parameters(RuntimeOrigin::root(), parameters));
		assert_eq!(Parameters::<Test>::get(), parameters);
		assert_ok!(Pricing::set_expected_demand(RuntimeOrigin::root(), -5 * SPB as i128));
		assert_eq!(ExpectedDemand::<Test>::get(), -5 * SPB as i128);
		assert_eq!(
			events().last(),
			Some(&Event::ExpectedDemandSet { expected_increase: -5 * SPB as i128 })
		);
	});
}

//! Benchmarks of `pallet_pricing` (frame-benchmarking v2). Each takes the worst case of its call.

use super::*;
use frame_benchmarking::v2::*;
use frame_support::traits::{
	fungible::{Inspect, Mutate},
	EnsureOrigin, Get,
};
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use sp_runtime::{
	traits::{Saturating, Zero},
	Perbill,
};

fn governance<T: Config>() -> T::RuntimeOrigin {
	T::PriceOrigin::try_successful_origin().expect("the price origin can be made")
}

/// A registered DApp with enough free balance for the largest lease at ten times the price.
fn dapp<T: Config>(i: u32) -> T::AccountId {
	let who: T::AccountId = account("dapp", i, 0);
	T::BenchmarkHelper::register_dapp(&who);
	let price = Pallet::<T>::current_prices().instance;
	let amount = price
		.saturating_mul(u128::from(T::MaxInstances::get()))
		.saturating_mul(10)
		.saturating_add(T::Currency::minimum_balance().saturating_mul(1_000));
	T::Currency::set_balance(&who, T::Currency::balance(&who).saturating_add(amount));
	who
}

fn prices<T: Config>(factor: u128) -> PriceList<u128> {
	let current = Pallet::<T>::current_prices();
	PriceList {
		instance: current.instance.saturating_mul(factor).max(1),
		traffic_gib: current.traffic_gib.saturating_mul(factor).max(1),
		storage_gb_month: current.storage_gb_month.saturating_mul(factor).max(1),
	}
}

/// Move to the first block of ledgering period `period`.
fn go_to_period<T: Config>(period: u32) {
	let n = T::BlocksPerPeriod::get().saturating_mul(period.into());
	frame_system::Pallet::<T>::set_block_number(n);
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn set_prices() {
		// The worst case replaces a list pending for the next period in a full history.
		go_to_period::<T>(1);
		for i in 0..T::MaxHistory::get() {
			go_to_period::<T>(i + 1);
			Pallet::<T>::push_prices(prices::<T>(1), 0);
		}
		frame_system::Pallet::<T>::set_block_number(
			frame_system::Pallet::<T>::block_number() + 1u32.into(),
		);
		Pallet::<T>::push_prices(prices::<T>(1), 0);
		let new = prices::<T>(2);
		#[extrinsic_call]
		_(governance::<T>() as T::RuntimeOrigin, new);
		assert_eq!(PriceHistory::<T>::get().last().map(|e| e.prices), Some(new));
	}

	#[benchmark]
	fn set_expected_demand() {
		#[extrinsic_call]
		_(governance::<T>() as T::RuntimeOrigin, -1_000i128);
		assert_eq!(ExpectedDemand::<T>::get(), -1_000);
	}

	#[benchmark]
	fn set_competitor_prices() {
		let now = Pallet::<T>::now_ms();
		let quote = prices::<T>(1);
		#[extrinsic_call]
		_(governance::<T>() as T::RuntimeOrigin, quote, now);
		assert_eq!(CompetitorPrices::<T>::get().map(|q| q.prices), Some(quote));
	}

	#[benchmark]
	fn set_parameters() {
		let parameters =
			PricingParameters { max_step: Perbill::from_percent(5), quote_validity_ms: 1_000 };
		#[extrinsic_call]
		_(governance::<T>() as T::RuntimeOrigin, parameters);
		assert_eq!(Parameters::<T>::get(), parameters);
	}

	#[benchmark]
	fn lease() {
		// The worst case changes an existing lease and holds more.
		let who = dapp::<T>(0);
		Pallet::<T>::do_lease(&who, 1).expect("funded");
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), T::MaxInstances::get());
		assert_eq!(Leases::<T>::get(&who).map(|l| l.instances), Some(T::MaxInstances::get()));
	}

	#[benchmark]
	fn top_up_lease() {
		let who = dapp::<T>(0);
		Pallet::<T>::do_lease(&who, T::MaxInstances::get()).expect("funded");
		go_to_period::<T>(1);
		Pallet::<T>::push_prices(prices::<T>(2), 0);
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));
		assert!(Pallet::<T>::standing(&who) == Standing::Good);
	}

	#[benchmark]
	fn end_lease() {
		let who = dapp::<T>(0);
		Pallet::<T>::do_lease(&who, T::MaxInstances::get()).expect("funded");
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));
		assert!(Leases::<T>::get(&who).is_none());
	}

	#[benchmark]
	fn begin_cycle() {
		// The worst case re-prices every unit with full histories and a valid quote.
		for i in 0..T::MaxHistory::get() {
			go_to_period::<T>(i + 1);
			Pallet::<T>::push_prices(prices::<T>(1), 0);
		}
		for cycle in 1..=T::AveragingCycles::get().max(T::MaxHistory::get()) {
			Pallet::<T>::begin_cycle(cycle);
		}
		let now = Pallet::<T>::now_ms();
		CompetitorPrices::<T>::put(CompetitorQuote { prices: prices::<T>(2), observed_at: now });
		let cycle = CurrentCycle::<T>::get() + 1;
		#[block]
		{
			Pallet::<T>::begin_cycle(cycle);
		}
		assert_eq!(CurrentCycle::<T>::get(), cycle);
	}

	#[benchmark]
	fn reprice_leases(n: Linear<0, { T::LeaseBatch::get() }>) {
		// The worst case: every lease must be topped up from the free balance.
		for i in 0..n {
			let who = dapp::<T>(i);
			Pallet::<T>::do_lease(&who, T::MaxInstances::get()).expect("funded");
		}
		go_to_period::<T>(1);
		Pallet::<T>::push_prices(prices::<T>(2), 0);
		let block: BlockNumberFor<T> = frame_system::Pallet::<T>::block_number();
		assert!(!block.is_zero() || T::BlocksPerPeriod::get().is_zero());
		#[block]
		{
			Pallet::<T>::reprice_leases(block);
		}
		assert_eq!(LeasePrice::<T>::get().0, prices::<T>(1).instance);
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}

//! Benchmarks of `pallet_token` (frame-benchmarking v2).
//!
//! Each call is measured on its successful path. On a chain whose genesis built the allocation
//! the deposit and market pool pays for itself; on one without (or in a benchmark genesis that
//! spent it) the setup mints what the pool needs, which only the benchmark state ever sees.

use super::*;
use frame_benchmarking::v2::*;
use frame_support::traits::EnsureOrigin;
use frame_system::RawOrigin;

/// An amount well above the existential deposit.
fn amount<T: Config>() -> BalanceOf<T> {
	T::Currency::minimum_balance().saturating_mul(1_000u32.into())
}

/// Make sure the deposit and market pool can pay `amount` and keep its existential deposit.
fn fill_market_pool<T: Config>(amount: BalanceOf<T>) {
	let needed = amount.saturating_add(T::Currency::minimum_balance().saturating_mul(2u32.into()));
	fill::<T>(&Pallet::<T>::market_pool_account(), needed);
}

/// Make sure `who` holds at least `amount` (minted in the benchmark state if needed).
fn fill<T: Config>(who: &T::AccountId, amount: BalanceOf<T>) {
	let have = T::Currency::balance(who);
	if have < amount {
		T::Currency::mint_into(who, amount.saturating_sub(have))
			.expect("minting in a benchmark works");
	}
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn fund_rig_wallet() -> Result<(), BenchmarkError> {
		let origin =
			T::FoundationOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let wallet: T::AccountId = account("rig", 0, 0);
		let amount = amount::<T>();
		fill_market_pool::<T>(amount);

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, T::Lookup::unlookup(wallet.clone()), amount);

		assert_eq!(RigWallets::<T>::get(&wallet).map(|r| r.amount), Some(amount));
		Ok(())
	}

	#[benchmark]
	fn thaw_rig_wallet() -> Result<(), BenchmarkError> {
		let origin =
			T::FoundationOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let wallet: T::AccountId = account("rig", 0, 0);
		let amount = amount::<T>();
		fill_market_pool::<T>(amount);
		Pallet::<T>::fund_rig_wallet(origin, T::Lookup::unlookup(wallet.clone()), amount)?;
		let unlocks_at = RigWallets::<T>::get(&wallet).expect("just funded").unlocks_at;
		frame_system::Pallet::<T>::set_block_number(unlocks_at);
		let caller: T::AccountId = whitelisted_caller();

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), T::Lookup::unlookup(wallet.clone()));

		assert!(!RigWallets::<T>::contains_key(&wallet));
		Ok(())
	}

	#[benchmark]
	fn release_liquidity() -> Result<(), BenchmarkError> {
		let origin =
			T::FoundationOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let dest: T::AccountId = account("dest", 0, 0);
		let amount = amount::<T>();
		fill_market_pool::<T>(amount);

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, T::Lookup::unlookup(dest.clone()), amount);

		assert_eq!(T::Currency::balance(&dest), amount);
		Ok(())
	}

	#[benchmark]
	fn set_emission_split() -> Result<(), BenchmarkError> {
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let split = EmissionSplit {
			peers: Perbill::from_percent(80),
			billing: BILLING_SHARE,
			scheduling: Perbill::from_percent(19),
		};

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, split);

		assert_eq!(CurrentSplit::<T>::get(), split);
		Ok(())
	}

	/// Not a call: `MiningPool::pay_from_pool`, with the whole schedule released.
	#[benchmark]
	fn pay_from_pool() {
		let who: T::AccountId = account("peer", 0, 0);
		let amount = amount::<T>();
		let pot = Pallet::<T>::mining_pool_account();
		fill::<T>(&pot, amount.saturating_mul(2u32.into()));
		let ten_years = T::BlocksPerYear::get().saturating_mul(EMISSION_YEARS.into());
		frame_system::Pallet::<T>::set_block_number(ten_years);

		#[block]
		{
			Pallet::<T>::do_pay_from_pool(&who, amount, PayoutPurpose::Traffic)
				.expect("the schedule is released and the pool is funded");
		}

		assert_eq!(T::Currency::balance(&who), amount);
	}

	/// Not a call: `RevenueRecycler::recycle_revenue`, with the foundation's account existing
	/// (three accounts written).
	#[benchmark]
	fn recycle_revenue() {
		let payer: T::AccountId = account("dapp", 0, 0);
		let amount = amount::<T>();
		fill::<T>(&payer, amount.saturating_mul(2u32.into()));
		fill::<T>(&T::FoundationAccount::get(), T::Currency::minimum_balance());
		fill::<T>(&Pallet::<T>::mining_pool_account(), T::Currency::minimum_balance());

		#[block]
		{
			<Pallet<T> as RevenueRecycler<_, _>>::recycle_revenue(&payer, amount)
				.expect("the payer holds twice the amount");
		}

		assert_eq!(T::Currency::balance(&payer), amount);
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}

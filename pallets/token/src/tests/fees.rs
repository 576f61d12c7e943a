//! Fees and revenue flow into the pools; nothing is burned.

use super::*;
use crate::{types::*, Error, Event, RevenueRecycler};
use frame_support::{
	assert_noop, assert_ok,
	dispatch::{GetDispatchInfo, PostDispatchInfo},
	traits::{
		fungible::{Balanced, Inspect},
		tokens::{Fortitude, Precision, Preservation},
		OnUnbalanced,
	},
};
use pallet_transaction_payment::OnChargeTransaction;
use sp_runtime::TokenError;

type Pool = crate::Pallet<Test>;
type Charger = <Test as pallet_transaction_payment::Config>::OnChargeTransaction;

#[test]
fn transaction_fees_and_tips_go_to_the_mining_pool() {
	build_and_execute(|| {
		fund(DAPP, spb(10));
		let pool = mining_pool();
		let call = RuntimeCall::System(frame_system::Call::remark { remark: vec![] });
		let info = call.get_dispatch_info();
		let (fee, tip) = (3 * MILLI_SPB, MILLI_SPB);
		let withdrawn = <Charger as OnChargeTransaction<Test>>::withdraw_fee(
			&DAPP,
			&call,
			&info,
			fee + tip,
			tip,
		)
		.unwrap();
		// The transaction used less than estimated: part of the fee is refunded.
		let corrected = 2 * MILLI_SPB + tip;
		assert_ok!(<Charger as OnChargeTransaction<Test>>::correct_and_deposit_fee(
			&DAPP,
			&info,
			&PostDispatchInfo::default(),
			corrected,
			tip,
			withdrawn,
		));
		assert_eq!(mining_pool(), pool + corrected);
		assert_eq!(Balances::total_balance(&DAPP), spb(10) - corrected);
		assert_eq!(Balances::total_issuance(), TOTAL_SUPPLY);
	});
}

#[test]
fn fee_credits_handed_to_deal_with_fees_land_in_the_pool() {
	build_and_execute(|| {
		fund(DAPP, spb(10));
		let pool = mining_pool();
		let fee = Balances::withdraw(
			&DAPP,
			spb(2),
			Precision::Exact,
			Preservation::Preserve,
			Fortitude::Polite,
		)
		.unwrap();
		let tip = Balances::withdraw(
			&DAPP,
			spb(1),
			Precision::Exact,
			Preservation::Preserve,
			Fortitude::Polite,
		)
		.unwrap();
		crate::DealWithFees::<Test>::on_unbalanceds([fee, tip].into_iter());
		assert_eq!(mining_pool(), pool + spb(3));
		assert_eq!(Balances::total_issuance(), TOTAL_SUPPLY);
	});
}

#[test]
fn dust_of_a_reaped_account_goes_to_the_pool() {
	build_and_execute(|| {
		fund(DAPP, ED + 5);
		let pool = mining_pool();
		// Leaving 5 plancks, below the existential deposit: the account is reaped and the 5
		// plancks of dust go to the mining pool instead of being burned.
		assert_ok!(Balances::transfer_allow_death(RuntimeOrigin::signed(DAPP), PEER, ED));
		assert_eq!(Balances::total_balance(&DAPP), 0);
		assert_eq!(mining_pool(), pool + 5);
		assert_eq!(Balances::total_issuance(), TOTAL_SUPPLY);
	});
}

#[test]
fn revenue_pays_half_a_percent_to_the_foundation_and_the_rest_to_the_pool() {
	build_and_execute(|| {
		fund(DAPP, spb(1_000));
		fund(FOUNDATION_ACCOUNT, spb(1));
		let (pool, foundation) = (mining_pool(), Balances::total_balance(&FOUNDATION_ACCOUNT));
		let shares = <Pool as RevenueRecycler<_, _>>::recycle_revenue(&DAPP, spb(200)).unwrap();
		assert_eq!(shares, RecycledShares { foundation: spb(1), mining_pool: spb(199) });
		assert_eq!(mining_pool(), pool + spb(199));
		assert_eq!(Balances::total_balance(&FOUNDATION_ACCOUNT), foundation + spb(1));
		assert_eq!(Balances::total_balance(&DAPP), spb(800));
		System::assert_last_event(
			Event::RevenueRecycled { payer: Some(DAPP), foundation: spb(1), mining_pool: spb(199) }
				.into(),
		);
	});
}

#[test]
fn the_foundation_share_is_rounded_down_and_the_pool_gets_the_remainder() {
	build_and_execute(|| {
		fund(DAPP, spb(1_000));
		fund(FOUNDATION_ACCOUNT, spb(1));
		// 0.5 % of 199 plancks is 0.995 planck: the foundation gets 0, the pool all 199.
		let shares = <Pool as RevenueRecycler<_, _>>::recycle_revenue(&DAPP, 199).unwrap();
		assert_eq!(shares, RecycledShares { foundation: 0, mining_pool: 199 });
		// 0.5 % of 1 001 plancks is 5.005 plancks: the foundation gets 5, the pool 996.
		let shares = <Pool as RevenueRecycler<_, _>>::recycle_revenue(&DAPP, 1_001).unwrap();
		assert_eq!(shares, RecycledShares { foundation: 5, mining_pool: 996 });
		// Whatever the amount, nothing is lost.
		for amount in [1u128, 200, 12_345_678_901, spb(3) + 7] {
			let issuance = Balances::total_issuance();
			let shares = <Pool as RevenueRecycler<_, _>>::recycle_revenue(&DAPP, amount).unwrap();
			assert_eq!(shares.foundation + shares.mining_pool, amount);
			assert_eq!(shares.foundation, amount * 5 / 1_000);
			assert_eq!(Balances::total_issuance(), issuance);
		}
	});
}

#[test]
fn a_foundation_share_its_empty_account_cannot_take_goes_to_the_pool() {
	build_and_execute(|| {
		fund(DAPP, spb(1_000));
		let pool = mining_pool();
		// 0.5 % of 1 SPB is 0.005 SPB, below the existential deposit of an empty account.
		let shares = <Pool as RevenueRecycler<_, _>>::recycle_revenue(&DAPP, spb(1)).unwrap();
		assert_eq!(shares, RecycledShares { foundation: 0, mining_pool: spb(1) });
		assert_eq!(mining_pool(), pool + spb(1));
		assert_eq!(Balances::total_balance(&FOUNDATION_ACCOUNT), 0);
	});
}

#[test]
fn revenue_already_taken_as_a_credit_is_recycled_too() {
	build_and_execute(|| {
		fund(DAPP, spb(1_000));
		fund(FOUNDATION_ACCOUNT, spb(1));
		let pool = mining_pool();
		let credit = Balances::withdraw(
			&DAPP,
			spb(400),
			Precision::Exact,
			Preservation::Preserve,
			Fortitude::Polite,
		)
		.unwrap();
		let shares = Token::recycle_credit(credit);
		assert_eq!(shares, RecycledShares { foundation: spb(2), mining_pool: spb(398) });
		assert_eq!(mining_pool(), pool + spb(398));
		System::assert_last_event(
			Event::RevenueRecycled { payer: None, foundation: spb(2), mining_pool: spb(398) }
				.into(),
		);
	});
}

/// A traffic bill, taken from the escrow at settlement, is recycled in its DApp's name.
#[test]
fn held_revenue_taken_as_a_credit_is_recycled_in_the_payers_name() {
	build_and_execute(|| {
		fund(DAPP, spb(1_000));
		fund(FOUNDATION_ACCOUNT, spb(1));
		let pool = mining_pool();
		let credit = Balances::withdraw(
			&DAPP,
			spb(200),
			Precision::Exact,
			Preservation::Preserve,
			Fortitude::Polite,
		)
		.unwrap();
		let shares = <Pool as RevenueRecycler<_, _>>::recycle_escrowed_revenue(&DAPP, credit);
		assert_eq!(shares, RecycledShares { foundation: spb(1), mining_pool: spb(199) });
		assert_eq!(mining_pool(), pool + spb(199));
		System::assert_last_event(
			Event::RevenueRecycled { payer: Some(DAPP), foundation: spb(1), mining_pool: spb(199) }
				.into(),
		);
	});
}

#[test]
fn bad_revenue_payments_are_refused_and_change_nothing() {
	build_and_execute(|| {
		fund(DAPP, spb(10));
		assert_noop!(
			<Pool as RevenueRecycler<_, _>>::recycle_revenue(&DAPP, 0),
			Error::<Test>::ZeroAmount
		);
		// The payer keeps its existential deposit.
		assert_noop!(
			<Pool as RevenueRecycler<_, _>>::recycle_revenue(&DAPP, spb(10)),
			TokenError::FundsUnavailable
		);
		assert_eq!(
			Balances::reducible_balance(&DAPP, Preservation::Preserve, Fortitude::Polite),
			spb(10) - ED
		);
	});
}

#[test]
fn without_the_allocation_fees_create_the_pool_or_are_burned_below_the_deposit() {
	execute_with(crate::GenesisConfig::default(), || {
		// No pool account yet: a fee below the existential deposit cannot create it.
		crate::DealWithFees::<Test>::on_unbalanced(Balances::issue(ED - 1));
		assert_eq!(mining_pool(), 0);
		assert_eq!(Balances::total_issuance(), 0);
		// A larger one creates it, and from then on every fee lands in it.
		crate::DealWithFees::<Test>::on_unbalanced(Balances::issue(ED));
		crate::DealWithFees::<Test>::on_unbalanced(Balances::issue(1));
		assert_eq!(mining_pool(), ED + 1);
	});
}

//! # Token pallet
//!
//! The SPB token economics of whitepaper ch.3 §2 i: the genesis allocation of the whole supply,
//! its vesting, the deposit-only rig wallets, the decaying emission of the mining pool and the
//! recycling of fees and traffic revenue into it. Total issuance is exactly
//! [`TOTAL_SUPPLY`] (10 000 000 000 SPB at 12 decimals) from genesis on: nothing is ever minted
//! again, rewards are paid out of pools, and fees flow back into the mining pool instead of being
//! burned.
//!
//! ## Terms
//!
//! - **Mining pool**: 45 % of the supply, held by the keyless account of [`Config::PalletId`]
//!   ([`Pallet::mining_pool_account`]). Other pallets (Proof-of-Traffic, billing, scheduling)
//!   pay rewards out of it through [`MiningPool::pay_from_pool`].
//! - **Emission schedule**: the mining pool is released over at most ten years, year `y`
//!   releasing `E_y = pool · (1 − d) · d^(y−1) / (1 − d^10)` for the yearly **decay factor** `d`
//!   (a genesis parameter). A year's emission is spread evenly over its ledgering periods
//!   ([`Config::PeriodsPerYear`]); see [`emission`] for how rounding dust is placed so that
//!   every period, year and the ten years add up exactly. The pool may never pay out below the
//!   part of the 4.5 B SPB the schedule has not yet released (fees and revenue paid in come on
//!   top and are payable at once).
//! - **Ledgering period**: period `p` covers blocks `[p·b, (p+1)·b)` for
//!   `b = BlocksPerYear / PeriodsPerYear`, counted from genesis.
//! - **Emission split**: each period's emission is divided between professional and common
//!   peers (64–99 %), billing peers (1 %, fixed) and scheduling peers (0–35 %). Only
//!   [`Config::GovernanceOrigin`] can change it, within those bounds.
//! - **Deposit and market pool**: 20 % of the supply, held by a sub-account of
//!   [`Config::PalletId`] ([`Pallet::market_pool_account`]) and managed by
//!   [`Config::FoundationOrigin`]: it funds **rig wallets** and releases market liquidity.
//! - **Rig wallet**: a mining-rig manufacturer's pre-installed wallet funded from the deposit and
//!   market pool. Its funded amount carries a freeze ([`FreezeReason::RigWallet`]) for
//!   [`Config::RigWalletLockPeriod`] (12 months): it can be put on hold as a peer deposit (holds
//!   may overlap freezes) but never transferred. Afterwards anyone may thaw it.
//! - **Vesting**: the team (15 %, linear over 6 years), cornerstone investors (5 %, nothing for
//!   a cliff of 6 months, then linear) and the three 5 % parts of the ecosystem reserve (batches
//!   within 5 years) receive their tokens at genesis under `pallet-vesting` schedules: a lock on
//!   their balance that shrinks as blocks pass. Beneficiaries see their schedules in
//!   `pallet-vesting`'s storage and claim what has vested with its `vest` call.
//! - **Revenue recycling**: DApp traffic revenue paid in through [`RevenueRecycler`] goes
//!   [`Config::FoundationShare`] (0.5 %) to the foundation and the rest to the mining pool.
//!   Transaction fees go wholly to the mining pool through [`DealWithFees`].
//!
//! ## Calls
//!
//! - [`Pallet::fund_rig_wallet`]: fund a deposit-only rig wallet (foundation).
//! - [`Pallet::thaw_rig_wallet`]: lift a rig wallet's freeze after its lock period (anyone).
//! - [`Pallet::release_liquidity`]: pay out of the deposit and market pool freely (foundation).
//! - [`Pallet::set_emission_split`]: change the emission split (governance).
//!
//! ## Interfaces for other pallets and the node
//!
//! - [`MiningPool`]: emission of a period, its split, and payouts from the mining pool.
//! - [`RevenueRecycler`] and [`Pallet::recycle_credit`]: revenue into the pools.
//! - [`DealWithFees`]: an `OnUnbalanced` handler for transaction fees (and dust), for
//!   `pallet_transaction_payment::FungibleAdapter<Balances, DealWithFees<Runtime>>`.
//! - The runtime API `pallet_token_runtime_api::TokenApi` over [`Pallet::period_emission`],
//!   [`Pallet::yearly_emission`], [`Pallet::emission_split`] and [`Pallet::pools`].
//!
//! `docs/token.md` has the allocation table and the numbers the default schedule produces.
#![cfg_attr(not(feature = "std"), no_std)]
#![warn(missing_docs)]

extern crate alloc;

use alloc::vec::Vec;
use frame_support::{
	defensive,
	pallet_prelude::*,
	traits::{
		fungible::{self, Balanced as _, Inspect as _, Mutate as _, MutateFreeze as _},
		tokens::{Fortitude, Precision, Preservation},
		Imbalance, OnUnbalanced, VestingSchedule,
	},
	PalletId,
};
use frame_system::pallet_prelude::*;
use sp_runtime::{
	traits::{AccountIdConversion, CheckedAdd, CheckedSub, Saturating, StaticLookup, Zero},
	PerThing, Perbill, Permill, SaturatedConversion,
};

pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
pub mod emission;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;

const LOG_TARGET: &str = "runtime::token";

/// A balance of the pallet's currency.
pub type BalanceOf<T> =
	<<T as Config>::Currency as fungible::Inspect<<T as frame_system::Config>::AccountId>>::Balance;
/// Tokens taken out of some account and not yet put anywhere (a positive imbalance).
pub type CreditOf<T> =
	fungible::Credit<<T as frame_system::Config>::AccountId, <T as Config>::Currency>;
type AccountIdLookupOf<T> = <<T as frame_system::Config>::Lookup as StaticLookup>::Source;

/// A beneficiary of a vesting bucket at genesis and its amount.
pub type Beneficiaries<T> = Vec<(<T as frame_system::Config>::AccountId, BalanceOf<T>)>;

#[frame_support::pallet]
pub mod pallet {
	use super::*;

	/// The pallet's configuration.
	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The SPB currency (pallet-balances).
		type Currency: fungible::Inspect<Self::AccountId>
			+ fungible::Mutate<Self::AccountId>
			+ fungible::Balanced<Self::AccountId>
			+ fungible::MutateFreeze<Self::AccountId, Id = Self::RuntimeFreezeReason>;

		/// The overarching freeze reason, which includes [`FreezeReason`].
		type RuntimeFreezeReason: From<FreezeReason>;

		/// The vesting schedules of the genesis allocation (pallet-vesting). Its balance is the
		/// same as [`Config::Currency`]'s. (pallet-vesting's interface names its currency by the
		/// old `Currency` trait; this pallet uses that only to name the balance type.)
		type Vesting: VestingSchedule<
			Self::AccountId,
			Moment = BlockNumberFor<Self>,
			Currency: frame_support::traits::Currency<Self::AccountId, Balance = BalanceOf<Self>>,
		>;

		/// The foundation: funds rig wallets and releases market liquidity out of the deposit
		/// and market pool.
		type FoundationOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The governance committee: changes the emission split.
		type GovernanceOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The id of the pallet's accounts: the mining pool is its account, the deposit and
		/// market pool its sub-account `b"market"`.
		#[pallet::constant]
		type PalletId: Get<PalletId>;

		/// The foundation's account, which receives its share of recycled revenue.
		#[pallet::constant]
		type FoundationAccount: Get<Self::AccountId>;

		/// The foundation's share of recycled DApp traffic revenue (whitepaper: 0.5 %).
		#[pallet::constant]
		type FoundationShare: Get<Permill>;

		/// Blocks in a 365-day year (10 512 000 at 3 s per block).
		#[pallet::constant]
		type BlocksPerYear: Get<BlockNumberFor<Self>>;

		/// Ledgering periods in a year (105 120 for 5-minute periods); must divide
		/// [`Config::BlocksPerYear`].
		#[pallet::constant]
		type PeriodsPerYear: Get<u32>;

		/// How long a rig wallet's funds stay deposit-only (12 months).
		#[pallet::constant]
		type RigWalletLockPeriod: Get<BlockNumberFor<Self>>;

		/// Weights of the calls.
		type WeightInfo: WeightInfo;
	}

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	/// Why the pallet freezes funds.
	#[pallet::composite_enum]
	pub enum FreezeReason {
		/// The funds of a deposit-only rig wallet during its lock period.
		#[codec(index = 0)]
		RigWallet,
	}

	/// Whether the genesis allocation was built. A chain whose genesis named no beneficiaries
	/// has the emission parameters but no SPB of this pallet's making.
	#[pallet::storage]
	pub type Allocated<T> = StorageValue<_, bool, ValueQuery>;

	/// The yearly decay factor of the emission schedule (a genesis parameter).
	#[pallet::storage]
	pub type EmissionDecay<T> = StorageValue<_, Perbill, ValueQuery>;

	/// The emission of each of the ten years, computed at genesis; adds up to [`MINING_POOL`].
	#[pallet::storage]
	pub type YearlyEmission<T: Config> =
		StorageValue<_, BoundedVec<BalanceOf<T>, ConstU32<EMISSION_YEARS>>, ValueQuery>;

	/// How each period's emission is divided; changed only by governance.
	#[pallet::storage]
	pub type CurrentSplit<T> = StorageValue<_, EmissionSplit, ValueQuery>;

	/// The deposit-only rig wallets whose freeze has not been lifted yet.
	#[pallet::storage]
	pub type RigWallets<T: Config> = StorageMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		RigWallet<BalanceOf<T>, BlockNumberFor<T>>,
		OptionQuery,
	>;

	/// Everything the mining pool has paid out since genesis.
	#[pallet::storage]
	pub type MiningPaidOut<T: Config> = StorageValue<_, BalanceOf<T>, ValueQuery>;

	/// Everything the deposit and market pool has paid out since genesis (rig wallets and
	/// market liquidity).
	#[pallet::storage]
	pub type MarketPaidOut<T: Config> = StorageValue<_, BalanceOf<T>, ValueQuery>;

	/// The genesis allocation and emission parameters.
	///
	/// Either every beneficiary list is empty (the allocation is not built: only the
	/// parameters are stored) or each bucket's list adds up to exactly its share of the supply,
	/// no other account holds SPB at genesis, and the allocation is minted. Any other
	/// configuration panics at build time with a message naming the problem.
	#[pallet::genesis_config]
	pub struct GenesisConfig<T: Config> {
		/// Team members and their amounts: 15 %, vesting linearly from genesis.
		pub team: Beneficiaries<T>,
		/// Cornerstone investors and their amounts: 5 %, vesting linearly after the cliff.
		pub cornerstone: Beneficiaries<T>,
		/// Ecosystem reserve, community operations (incl. running ≥ 51 % of scheduling
		/// peers): 5 %, unlocked in batches.
		pub community: Beneficiaries<T>,
		/// Ecosystem reserve, DApp ecosystem investment fund: 5 %, unlocked in batches.
		pub dapp_fund: Beneficiaries<T>,
		/// Ecosystem reserve, contributor and opinion-leader rewards: 5 %, unlocked in batches.
		pub contributors: Beneficiaries<T>,
		/// Blocks over which team tokens vest linearly from genesis. Default: 6 years.
		pub team_vesting: BlockNumberFor<T>,
		/// Blocks after genesis before cornerstone tokens start vesting. Default: 6 months
		/// (half a year).
		pub cornerstone_cliff: BlockNumberFor<T>,
		/// Blocks over which cornerstone tokens vest linearly after the cliff. Default: 1 year.
		pub cornerstone_vesting: BlockNumberFor<T>,
		/// The ecosystem reserve's unlock batches: `(block after genesis, share)` with strictly
		/// increasing blocks, the last at most 5 years, shares adding up to 100 %. A batch at
		/// block 0 is liquid at genesis. Default: 20 % at genesis and at each of the first four
		/// anniversaries.
		pub ecosystem_batches: Vec<(BlockNumberFor<T>, Perbill)>,
		/// The yearly decay factor of the emission schedule, above zero. Default: 80 %.
		pub emission_decay: Perbill,
		/// The emission split at genesis. Default: peers 99 %, billing 1 %, scheduling 0 %.
		pub emission_split: EmissionSplit,
	}

	impl<T: Config> Default for GenesisConfig<T> {
		fn default() -> Self {
			let year = T::BlocksPerYear::get();
			let two: BlockNumberFor<T> = 2u32.into();
			let six: BlockNumberFor<T> = 6u32.into();
			let batches = (0u32..5)
				.map(|k| (year.saturating_mul(k.into()), Perbill::from_percent(20)))
				.collect();
			Self {
				team: Vec::new(),
				cornerstone: Vec::new(),
				community: Vec::new(),
				dapp_fund: Vec::new(),
				contributors: Vec::new(),
				team_vesting: year.saturating_mul(six),
				cornerstone_cliff: year / two,
				cornerstone_vesting: year,
				ecosystem_batches: batches,
				emission_decay: Perbill::from_percent(80),
				emission_split: EmissionSplit::default(),
			}
		}
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			self.build_allocation();
		}
	}

	/// Events of the pallet.
	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// The foundation funded a deposit-only rig wallet out of the deposit and market pool.
		RigWalletFunded {
			/// The rig wallet.
			wallet: T::AccountId,
			/// The amount paid in and frozen.
			amount: BalanceOf<T>,
			/// From this block on the freeze can be lifted.
			unlocks_at: BlockNumberFor<T>,
		},
		/// A rig wallet's lock period ended and its freeze was lifted.
		RigWalletThawed {
			/// The rig wallet.
			wallet: T::AccountId,
			/// The amount that had been frozen.
			amount: BalanceOf<T>,
		},
		/// The foundation released tokens out of the deposit and market pool, without lock.
		LiquidityReleased {
			/// The recipient.
			dest: T::AccountId,
			/// The amount paid.
			amount: BalanceOf<T>,
		},
		/// Governance changed the emission split.
		EmissionSplitChanged {
			/// The new split.
			split: EmissionSplit,
		},
		/// The mining pool paid a reward.
		MiningPoolPaid {
			/// The recipient.
			who: T::AccountId,
			/// The amount paid.
			amount: BalanceOf<T>,
			/// What the payment rewards.
			purpose: PayoutPurpose,
		},
		/// Revenue was paid in: a share to the foundation, the rest into the mining pool.
		RevenueRecycled {
			/// The account the revenue was taken from, if it was taken from one.
			payer: Option<T::AccountId>,
			/// The foundation's share.
			foundation: BalanceOf<T>,
			/// The mining pool's share.
			mining_pool: BalanceOf<T>,
		},
	}

	/// Errors of the pallet.
	#[pallet::error]
	pub enum Error<T> {
		/// The amount is zero.
		ZeroAmount,
		/// The pool cannot pay this much and keep its existential deposit.
		InsufficientPool,
		/// The mining pool would fall below what the emission schedule has not released yet.
		EmissionScheduleExceeded,
		/// The recipient would hold less than the existential deposit.
		BelowMinimum,
		/// A pool account cannot be a rig wallet or the recipient of a payout.
		PoolAccount,
		/// The account is a rig wallet already; its freeze must be lifted before funding again.
		RigWalletActive,
		/// The account is not a rig wallet (or its freeze was lifted already).
		NotRigWallet,
		/// The rig wallet's lock period has not ended.
		RigWalletLocked,
		/// The billing peers' share is fixed at 1 %.
		BillingShareNotFixed,
		/// The professional and common peers' share must lie within 64–99 %.
		PeersShareOutOfBounds,
		/// The scheduling peers' share must lie within 0–35 %.
		SchedulingShareOutOfBounds,
		/// The shares of a split must add up to exactly 100 %.
		SplitNotWhole,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			let year: u128 = T::BlocksPerYear::get().saturated_into();
			let periods = u128::from(T::PeriodsPerYear::get());
			assert!(periods > 0, "PeriodsPerYear must be positive");
			assert!(year >= periods, "BlocksPerYear must be at least PeriodsPerYear");
			assert!(year.is_multiple_of(periods), "PeriodsPerYear must divide BlocksPerYear");
			assert!(
				!T::RigWalletLockPeriod::get().is_zero(),
				"RigWalletLockPeriod must be positive"
			);
			assert!(
				T::FoundationShare::get() < Permill::one(),
				"FoundationShare must be below 100 %"
			);
			let total: BalanceOf<T> = TOTAL_SUPPLY.saturated_into();
			assert!(
				total.saturated_into::<u128>() == TOTAL_SUPPLY,
				"the Balance type must hold 10^22 plancks (use u128)"
			);
			assert!(
				Pallet::<T>::mining_pool_account() != Pallet::<T>::market_pool_account(),
				"the pool accounts must differ"
			);
			assert!(
				T::FoundationAccount::get() != Pallet::<T>::mining_pool_account()
					&& T::FoundationAccount::get() != Pallet::<T>::market_pool_account(),
				"FoundationAccount must not be a pool account"
			);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Fund a deposit-only rig wallet out of the deposit and market pool.
		///
		/// - Origin: [`Config::FoundationOrigin`].
		/// - `wallet`: the rig's pre-installed wallet; not a pool account, not a rig wallet
		///   already.
		/// - `amount`: paid from the pool and frozen for [`Config::RigWalletLockPeriod`]; above
		///   zero, and the wallet must end up with at least the existential deposit.
		///
		/// The frozen amount can be put on hold (a peer deposit) but not transferred until the
		/// freeze is lifted with [`Pallet::thaw_rig_wallet`]. Anything else the wallet holds
		/// stays free.
		///
		/// Emits [`Event::RigWalletFunded`].
		///
		/// Complexity: `O(1)`.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::fund_rig_wallet())]
		pub fn fund_rig_wallet(
			origin: OriginFor<T>,
			wallet: AccountIdLookupOf<T>,
			#[pallet::compact] amount: BalanceOf<T>,
		) -> DispatchResult {
			T::FoundationOrigin::ensure_origin(origin)?;
			let wallet = T::Lookup::lookup(wallet)?;
			ensure!(!RigWallets::<T>::contains_key(&wallet), Error::<T>::RigWalletActive);
			Self::pay_from_market_pool(&wallet, amount)?;
			T::Currency::set_freeze(&FreezeReason::RigWallet.into(), &wallet, amount)?;
			let unlocks_at = frame_system::Pallet::<T>::block_number()
				.saturating_add(T::RigWalletLockPeriod::get());
			RigWallets::<T>::insert(&wallet, RigWallet { amount, unlocks_at });
			Self::deposit_event(Event::RigWalletFunded { wallet, amount, unlocks_at });
			Ok(())
		}

		/// Lift the freeze of a rig wallet whose lock period has ended.
		///
		/// - Origin: any signed account.
		/// - `wallet`: a rig wallet whose `unlocks_at` block has been reached.
		///
		/// Emits [`Event::RigWalletThawed`].
		///
		/// Complexity: `O(1)`.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::thaw_rig_wallet())]
		pub fn thaw_rig_wallet(
			origin: OriginFor<T>,
			wallet: AccountIdLookupOf<T>,
		) -> DispatchResult {
			ensure_signed(origin)?;
			let wallet = T::Lookup::lookup(wallet)?;
			let rig = RigWallets::<T>::get(&wallet).ok_or(Error::<T>::NotRigWallet)?;
			ensure!(
				frame_system::Pallet::<T>::block_number() >= rig.unlocks_at,
				Error::<T>::RigWalletLocked
			);
			T::Currency::thaw(&FreezeReason::RigWallet.into(), &wallet)?;
			RigWallets::<T>::remove(&wallet);
			Self::deposit_event(Event::RigWalletThawed { wallet, amount: rig.amount });
			Ok(())
		}

		/// Pay out of the deposit and market pool without any lock (market liquidity, rule 2
		/// of the whitepaper's deposit and market pool).
		///
		/// - Origin: [`Config::FoundationOrigin`].
		/// - `dest`: the recipient; not a pool account.
		/// - `amount`: above zero; the pool keeps its existential deposit and the recipient must
		///   end up with at least the existential deposit.
		///
		/// Emits [`Event::LiquidityReleased`].
		///
		/// Complexity: `O(1)`.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::release_liquidity())]
		pub fn release_liquidity(
			origin: OriginFor<T>,
			dest: AccountIdLookupOf<T>,
			#[pallet::compact] amount: BalanceOf<T>,
		) -> DispatchResult {
			T::FoundationOrigin::ensure_origin(origin)?;
			let dest = T::Lookup::lookup(dest)?;
			Self::pay_from_market_pool(&dest, amount)?;
			Self::deposit_event(Event::LiquidityReleased { dest, amount });
			Ok(())
		}

		/// Change how each ledgering period's emission is divided.
		///
		/// - Origin: [`Config::GovernanceOrigin`].
		/// - `split`: billing exactly 1 %, peers 64–99 %, scheduling 0–35 %, adding up to 100 %.
		///
		/// Takes effect for every period whose emission is read afterwards.
		///
		/// Emits [`Event::EmissionSplitChanged`].
		///
		/// Complexity: `O(1)`.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::set_emission_split())]
		pub fn set_emission_split(origin: OriginFor<T>, split: EmissionSplit) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			Self::validate_split(&split)?;
			CurrentSplit::<T>::put(split);
			Self::deposit_event(Event::EmissionSplitChanged { split });
			Ok(())
		}
	}
}

/// What other pallets need of the mining pool: the emission schedule and payouts.
pub trait MiningPool<AccountId, Balance> {
	/// The current ledgering period.
	fn current_period() -> u32;
	/// The whole emission N(total) of ledgering period `period`.
	fn emission_for_period(period: u32) -> Balance;
	/// The emission of `period` and its split between the kinds of peers.
	fn period_emission(period: u32) -> PeriodEmission<Balance>;
	/// Pay `amount` out of the mining pool to `who`, emitting [`Event::MiningPoolPaid`].
	///
	/// Fails if the pool would fall below what the schedule has not released yet or below its
	/// existential deposit, or if `who` would hold less than the existential deposit.
	fn pay_from_pool(who: &AccountId, amount: Balance, purpose: PayoutPurpose) -> DispatchResult;
}

/// Paying revenue into the pools (for the pricing pallet).
pub trait RevenueRecycler<AccountId, Balance> {
	/// Funds already taken from their owner, as the currency's imbalance (a slashed hold).
	type Credit;

	/// Take `amount` of DApp traffic revenue from `payer` (which keeps its existential deposit)
	/// and pay [`Config::FoundationShare`] of it, rounded down, to the foundation and the rest
	/// into the mining pool. Emits [`Event::RevenueRecycled`].
	fn recycle_revenue(
		payer: &AccountId,
		amount: Balance,
	) -> Result<RecycledShares<Balance>, DispatchError>;

	/// Pay revenue of `payer` that was already taken, as `credit`, from where it waited
	/// (the traffic escrow, when settlement bills the traffic) into the pools, split as
	/// [`Self::recycle_revenue`] splits it. Cannot fail. Emits [`Event::RevenueRecycled`].
	fn recycle_escrowed_revenue(payer: &AccountId, credit: Self::Credit)
		-> RecycledShares<Balance>;
}

impl<T: Config> MiningPool<T::AccountId, BalanceOf<T>> for Pallet<T> {
	fn current_period() -> u32 {
		Self::current_period()
	}
	fn emission_for_period(period: u32) -> BalanceOf<T> {
		Self::emission_for_period(period)
	}
	fn period_emission(period: u32) -> PeriodEmission<BalanceOf<T>> {
		Self::period_emission(period)
	}
	fn pay_from_pool(
		who: &T::AccountId,
		amount: BalanceOf<T>,
		purpose: PayoutPurpose,
	) -> DispatchResult {
		Self::do_pay_from_pool(who, amount, purpose)
	}
}

impl<T: Config> RevenueRecycler<T::AccountId, BalanceOf<T>> for Pallet<T> {
	type Credit = CreditOf<T>;

	fn recycle_revenue(
		payer: &T::AccountId,
		amount: BalanceOf<T>,
	) -> Result<RecycledShares<BalanceOf<T>>, DispatchError> {
		ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
		let credit = T::Currency::withdraw(
			payer,
			amount,
			Precision::Exact,
			Preservation::Preserve,
			Fortitude::Polite,
		)?;
		Ok(Self::recycle(Some(payer.clone()), credit))
	}

	fn recycle_escrowed_revenue(
		payer: &T::AccountId,
		credit: CreditOf<T>,
	) -> RecycledShares<BalanceOf<T>> {
		Self::recycle(Some(payer.clone()), credit)
	}
}

/// Sends transaction fees and tips (or balance dust) into the mining pool, so that nothing is
/// burned and total issuance stays 10 B SPB.
///
/// Use it as `pallet_transaction_payment::FungibleAdapter<Balances, DealWithFees<Runtime>>`
/// and as pallet-balances' `DustRemoval`. All of a fee goes to the pool; the block's billing
/// peer is rewarded from the billing share of the emission instead (see `docs/token.md`).
pub struct DealWithFees<T>(core::marker::PhantomData<T>);

impl<T: Config> OnUnbalanced<CreditOf<T>> for DealWithFees<T> {
	fn on_nonzero_unbalanced(credit: CreditOf<T>) {
		Pallet::<T>::deposit_into_mining_pool(credit);
	}
}

impl<T: Config> Pallet<T> {
	/// The mining pool's account.
	pub fn mining_pool_account() -> T::AccountId {
		T::PalletId::get().into_account_truncating()
	}

	/// The deposit and market pool's account.
	pub fn market_pool_account() -> T::AccountId {
		T::PalletId::get().into_sub_account_truncating(*b"market")
	}

	/// Blocks in a ledgering period.
	pub fn blocks_per_period() -> BlockNumberFor<T> {
		let periods: BlockNumberFor<T> = T::PeriodsPerYear::get().max(1).into();
		(T::BlocksPerYear::get() / periods).max(1u32.into())
	}

	/// The ledgering period block `n` falls in.
	pub fn period_of(n: BlockNumberFor<T>) -> u32 {
		(n / Self::blocks_per_period()).saturated_into()
	}

	/// The ledgering period of the current block.
	pub fn current_period() -> u32 {
		Self::period_of(frame_system::Pallet::<T>::block_number())
	}

	/// The yearly emission table as plancks; all zero before genesis is built.
	pub fn yearly_table() -> emission::YearlyTable {
		let mut table = emission::YearlyTable::default();
		for (slot, e) in table.iter_mut().zip(YearlyEmission::<T>::get()) {
			*slot = e.saturated_into();
		}
		table
	}

	/// The emission of each of the ten years.
	pub fn yearly_emission() -> Vec<BalanceOf<T>> {
		YearlyEmission::<T>::get().into_inner()
	}

	/// The whole emission N(total) of ledgering period `period` (zero after ten years).
	pub fn emission_for_period(period: u32) -> BalanceOf<T> {
		emission::period_emission(&Self::yearly_table(), T::PeriodsPerYear::get(), period)
			.saturated_into()
	}

	/// The current emission split.
	pub fn emission_split() -> EmissionSplit {
		CurrentSplit::<T>::get()
	}

	/// The emission of `period` divided by the current split. The billing and scheduling
	/// amounts are rounded down; the peers get the rest.
	pub fn period_emission(period: u32) -> PeriodEmission<BalanceOf<T>> {
		let total = Self::emission_for_period(period);
		let split = CurrentSplit::<T>::get();
		let billing = split.billing.mul_floor(total);
		let scheduling = split.scheduling.mul_floor(total);
		let peers = total.saturating_sub(billing).saturating_sub(scheduling);
		PeriodEmission {
			period,
			year: emission::year_of_period(T::PeriodsPerYear::get(), period).unwrap_or(0),
			total,
			peers,
			billing,
			scheduling,
		}
	}

	/// The part of the 4.5 B SPB the schedule has not released by the end of the current
	/// period: the mining pool never pays out below it.
	pub fn unreleased_mining_pool() -> BalanceOf<T> {
		let released = emission::cumulative_emission(
			&Self::yearly_table(),
			T::PeriodsPerYear::get(),
			Self::current_period(),
		);
		MINING_POOL.saturating_sub(released).saturated_into()
	}

	/// The balances of the pools and what they have paid out.
	pub fn pools() -> PoolBalances<BalanceOf<T>> {
		PoolBalances {
			mining: T::Currency::balance(&Self::mining_pool_account()),
			mining_unreleased: Self::unreleased_mining_pool(),
			market: T::Currency::balance(&Self::market_pool_account()),
			mining_paid_out: MiningPaidOut::<T>::get(),
			market_paid_out: MarketPaidOut::<T>::get(),
		}
	}

	/// Pay `amount` out of the mining pool; see [`MiningPool::pay_from_pool`].
	pub fn do_pay_from_pool(
		who: &T::AccountId,
		amount: BalanceOf<T>,
		purpose: PayoutPurpose,
	) -> DispatchResult {
		let pot = Self::mining_pool_account();
		Self::ensure_payable(&pot, who, amount)?;
		let after = T::Currency::balance(&pot).saturating_sub(amount);
		ensure!(after >= Self::unreleased_mining_pool(), Error::<T>::EmissionScheduleExceeded);
		T::Currency::transfer(&pot, who, amount, Preservation::Preserve)?;
		MiningPaidOut::<T>::mutate(|paid| *paid = paid.saturating_add(amount));
		Self::deposit_event(Event::MiningPoolPaid { who: who.clone(), amount, purpose });
		Ok(())
	}

	/// Pay revenue already taken from somewhere (e.g. a slashed or released hold) into the
	/// pools: [`Config::FoundationShare`] to the foundation, the rest into the mining pool.
	/// Emits [`Event::RevenueRecycled`] without a payer.
	pub fn recycle_credit(credit: CreditOf<T>) -> RecycledShares<BalanceOf<T>> {
		Self::recycle(None, credit)
	}

	/// Split revenue (of `payer`, if known) and record it: [`Event::RevenueRecycled`].
	fn recycle(payer: Option<T::AccountId>, credit: CreditOf<T>) -> RecycledShares<BalanceOf<T>> {
		let shares = Self::split_revenue(credit);
		Self::deposit_event(Event::RevenueRecycled {
			payer,
			foundation: shares.foundation,
			mining_pool: shares.mining_pool,
		});
		shares
	}

	/// Split revenue between the foundation and the mining pool. If the foundation's account
	/// cannot take its share (it would stay below the existential deposit), the share goes to
	/// the mining pool too.
	fn split_revenue(credit: CreditOf<T>) -> RecycledShares<BalanceOf<T>> {
		let share = T::FoundationShare::get().mul_floor(credit.peek());
		let (to_foundation, to_pool) = credit.split(share);
		let (foundation, to_pool) =
			match T::Currency::resolve(&T::FoundationAccount::get(), to_foundation) {
				Ok(()) => (share, to_pool),
				Err(back) => (Zero::zero(), to_pool.merge(back)),
			};
		let mining_pool = to_pool.peek();
		Self::deposit_into_mining_pool(to_pool);
		RecycledShares { foundation, mining_pool }
	}

	/// Put `credit` into the mining pool.
	fn deposit_into_mining_pool(credit: CreditOf<T>) {
		if credit.peek().is_zero() {
			return;
		}
		if let Err(lost) = T::Currency::resolve(&Self::mining_pool_account(), credit) {
			// The credit is dropped, which burns it. Only possible when the pool account does
			// not exist and the credit is below the existential deposit: expected on a chain
			// without the genesis allocation, a bug on one with it.
			if Allocated::<T>::get() {
				defensive!("pallet-token: the mining pool could not take a credit");
			}
			log::warn!(
				target: LOG_TARGET,
				"burned {:?} that the mining pool could not take",
				lost.peek()
			);
		}
	}

	/// Pay `amount` out of the deposit and market pool to `dest`.
	fn pay_from_market_pool(dest: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
		let pool = Self::market_pool_account();
		Self::ensure_payable(&pool, dest, amount)?;
		T::Currency::transfer(&pool, dest, amount, Preservation::Preserve)?;
		MarketPaidOut::<T>::mutate(|paid| *paid = paid.saturating_add(amount));
		Ok(())
	}

	/// The checks common to every payout of a pool, each with its own error.
	fn ensure_payable(
		pool: &T::AccountId,
		dest: &T::AccountId,
		amount: BalanceOf<T>,
	) -> DispatchResult {
		ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
		ensure!(
			*dest != Self::mining_pool_account() && *dest != Self::market_pool_account(),
			Error::<T>::PoolAccount
		);
		let min = T::Currency::minimum_balance();
		let available =
			T::Currency::balance(pool).checked_sub(&min).ok_or(Error::<T>::InsufficientPool)?;
		ensure!(amount <= available, Error::<T>::InsufficientPool);
		let received =
			T::Currency::balance(dest).checked_add(&amount).ok_or(Error::<T>::BelowMinimum)?;
		ensure!(received >= min, Error::<T>::BelowMinimum);
		Ok(())
	}

	/// Check a split against the whitepaper's bounds.
	pub fn validate_split(split: &EmissionSplit) -> Result<(), Error<T>> {
		ensure!(split.billing == BILLING_SHARE, Error::<T>::BillingShareNotFixed);
		ensure!(split.scheduling <= SCHEDULING_MAX, Error::<T>::SchedulingShareOutOfBounds);
		ensure!(
			split.peers >= PEERS_MIN && split.peers <= PEERS_MAX,
			Error::<T>::PeersShareOutOfBounds
		);
		let sum = split
			.peers
			.deconstruct()
			.checked_add(split.billing.deconstruct())
			.and_then(|s| s.checked_add(split.scheduling.deconstruct()));
		ensure!(sum == Some(Perbill::ACCURACY), Error::<T>::SplitNotWhole);
		Ok(())
	}

	/// Invariants: the split is valid; the yearly emission adds up to the mining pool; once the
	/// allocation is built, total issuance is exactly 10 B SPB, the pools hold at least their
	/// existential deposit, the mining pool holds at least what the schedule has not released,
	/// each pool's balance plus what it paid out is at least its genesis amount, and every rig
	/// wallet's freeze is its funded amount.
	#[cfg(any(feature = "try-runtime", test))]
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		Self::validate_split(&CurrentSplit::<T>::get())
			.map_err(|_| "token: the emission split is out of bounds")?;
		let table = Self::yearly_table();
		let scheduled = table.iter().fold(0u128, |acc, e| acc.saturating_add(*e));
		ensure!(scheduled == MINING_POOL, "token: the yearly emission does not add up to the pool");
		if !Allocated::<T>::get() {
			return Ok(());
		}
		let issuance: u128 = T::Currency::total_issuance().saturated_into();
		ensure!(issuance == TOTAL_SUPPLY, "token: total issuance is not 10 B SPB");
		let min = T::Currency::minimum_balance();
		let pools = Self::pools();
		ensure!(pools.mining >= min, "token: the mining pool lost its existential deposit");
		ensure!(pools.market >= min, "token: the market pool lost its existential deposit");
		ensure!(
			pools.mining >= pools.mining_unreleased,
			"token: the mining pool paid out more than the schedule released"
		);
		let mining: u128 = pools.mining.saturating_add(pools.mining_paid_out).saturated_into();
		ensure!(mining >= MINING_POOL, "token: mining pool balance and payouts do not add up");
		let market: u128 = pools.market.saturating_add(pools.market_paid_out).saturated_into();
		ensure!(market >= MARKET_POOL, "token: market pool balance and payouts do not add up");
		for (wallet, rig) in RigWallets::<T>::iter() {
			use fungible::InspectFreeze;
			ensure!(
				T::Currency::balance_frozen(&FreezeReason::RigWallet.into(), &wallet) == rig.amount,
				"token: a rig wallet's freeze differs from its funded amount"
			);
		}
		Ok(())
	}
}

impl<T: Config> GenesisConfig<T> {
	/// Validate the configuration and build it; panics with a clear message on any error.
	fn build_allocation(&self) {
		// Parameters first: they are stored whether or not the allocation is built.
		if let Err(e) = Pallet::<T>::validate_split(&self.emission_split) {
			panic!("pallet-token genesis: invalid emission split {:?}: {e:?}", self.emission_split);
		}
		assert!(
			!self.emission_decay.is_zero(),
			"pallet-token genesis: emission decay must be above zero"
		);
		assert!(
			!self.team_vesting.is_zero(),
			"pallet-token genesis: team vesting period must be positive"
		);
		assert!(
			!self.cornerstone_vesting.is_zero(),
			"pallet-token genesis: cornerstone vesting period must be positive"
		);
		self.check_batches();

		let table = emission::yearly_emission(MINING_POOL, self.emission_decay);
		let table: BoundedVec<BalanceOf<T>, ConstU32<EMISSION_YEARS>> = table
			.iter()
			.map(|e| (*e).saturated_into())
			.collect::<Vec<_>>()
			.try_into()
			.expect("ten years fit the bound of ten; qed");
		EmissionDecay::<T>::put(self.emission_decay);
		YearlyEmission::<T>::put(table);
		CurrentSplit::<T>::put(self.emission_split);

		let buckets: [(&str, &Beneficiaries<T>, u128); 5] = [
			("team", &self.team, TEAM),
			("cornerstone", &self.cornerstone, CORNERSTONE),
			("community", &self.community, ECOSYSTEM_PART),
			("dapp_fund", &self.dapp_fund, ECOSYSTEM_PART),
			("contributors", &self.contributors, ECOSYSTEM_PART),
		];
		if buckets.iter().all(|(_, list, _)| list.is_empty()) {
			log::info!(target: LOG_TARGET, "no beneficiaries at genesis: allocation not built");
			return;
		}
		let min: u128 = T::Currency::minimum_balance().saturated_into();
		for (name, list, expected) in buckets.iter() {
			check_bucket::<T>(name, list, *expected, min);
		}
		let before: u128 = T::Currency::total_issuance().saturated_into();
		assert!(
			before == 0,
			"pallet-token genesis: {before} plancks exist before the allocation (e.g. balances \
			 endowed by pallet-balances); the 10 B SPB allocation must be the whole supply"
		);

		mint::<T>(&Pallet::<T>::mining_pool_account(), MINING_POOL);
		mint::<T>(&Pallet::<T>::market_pool_account(), MARKET_POOL);
		let zero = BlockNumberFor::<T>::zero();
		for (who, amount) in self.team.iter() {
			mint::<T>(who, (*amount).saturated_into());
			add_linear::<T>("team", who, *amount, zero, self.team_vesting);
		}
		for (who, amount) in self.cornerstone.iter() {
			mint::<T>(who, (*amount).saturated_into());
			add_linear::<T>(
				"cornerstone",
				who,
				*amount,
				self.cornerstone_cliff,
				self.cornerstone_vesting,
			);
		}
		for (who, amount) in self.community.iter().chain(&self.dapp_fund).chain(&self.contributors)
		{
			mint::<T>(who, (*amount).saturated_into());
			self.add_batches(who, *amount);
		}

		let after: u128 = T::Currency::total_issuance().saturated_into();
		assert!(
			after == TOTAL_SUPPLY,
			"pallet-token genesis: total issuance {after} is not 10 B SPB"
		);
		Allocated::<T>::put(true);
	}

	/// The ecosystem batch schedule: not empty, strictly increasing blocks within 5 years,
	/// non-zero shares adding up to 100 %.
	fn check_batches(&self) {
		let batches = &self.ecosystem_batches;
		assert!(
			!batches.is_empty(),
			"pallet-token genesis: the ecosystem needs at least one batch"
		);
		let limit = T::BlocksPerYear::get().saturating_mul(ECOSYSTEM_UNLOCK_YEARS.into());
		let mut sum: u64 = 0;
		let mut previous: Option<BlockNumberFor<T>> = None;
		for (at, share) in batches.iter() {
			assert!(
				previous.is_none_or(|p| *at > p),
				"pallet-token genesis: ecosystem batch blocks must strictly increase"
			);
			assert!(
				*at <= limit,
				"pallet-token genesis: ecosystem batches must unlock within 5 years"
			);
			assert!(!share.is_zero(), "pallet-token genesis: an ecosystem batch has a zero share");
			sum = sum.saturating_add(share.deconstruct().into());
			previous = Some(*at);
		}
		assert!(
			sum == u64::from(Perbill::ACCURACY),
			"pallet-token genesis: ecosystem batch shares add up to {sum} parts per billion, \
			 not 100 %"
		);
	}

	/// Lock `amount` of `who` in one vesting schedule per batch; the last batch takes the
	/// rounding remainder, a batch at block 0 stays liquid.
	fn add_batches(&self, who: &T::AccountId, amount: BalanceOf<T>) {
		let mut left = amount;
		let last = self.ecosystem_batches.len().saturating_sub(1);
		for (k, (at, share)) in self.ecosystem_batches.iter().enumerate() {
			let part = if k == last { left } else { share.mul_floor(amount) };
			left = left.saturating_sub(part);
			if at.is_zero() || part.is_zero() {
				continue;
			}
			// Fully vested in the one block after `at − 1`, i.e. unlocked exactly at `at`.
			let start = at.saturating_sub(1u32.into());
			T::Vesting::add_vesting_schedule(who, part, part, start).unwrap_or_else(|e| {
				panic!(
					"pallet-token genesis: ecosystem batch of {who:?} rejected by vesting: {e:?}"
				)
			});
		}
	}
}

/// Panics unless `list` has no duplicates, every amount is at least `min`, and the amounts add
/// up to exactly `expected`.
fn check_bucket<T: Config>(name: &str, list: &Beneficiaries<T>, expected: u128, min: u128) {
	let mut sum: u128 = 0;
	for (k, (who, amount)) in list.iter().enumerate() {
		let amount: u128 = (*amount).saturated_into();
		assert!(
			amount >= min,
			"pallet-token genesis: {name} beneficiary {who:?} gets {amount}, below the \
			 existential deposit {min}"
		);
		assert!(
			!list[..k].iter().any(|(other, _)| other == who),
			"pallet-token genesis: {name} lists {who:?} twice"
		);
		sum = sum
			.checked_add(amount)
			.unwrap_or_else(|| panic!("pallet-token genesis: {name} overflows"));
	}
	assert!(
		sum == expected,
		"pallet-token genesis: the {name} bucket adds up to {sum} plancks, must be exactly \
		 {expected} ({} SPB)",
		expected / SPB
	);
}

fn mint<T: Config>(who: &T::AccountId, amount: u128) {
	T::Currency::mint_into(who, amount.saturated_into())
		.unwrap_or_else(|e| panic!("pallet-token genesis: cannot mint for {who:?}: {e:?}"));
}

/// A linear schedule of `amount` over `duration` blocks from `start`. `per_block` is rounded up
/// so that everything has vested at `start + duration` exactly.
fn add_linear<T: Config>(
	name: &str,
	who: &T::AccountId,
	amount: BalanceOf<T>,
	start: BlockNumberFor<T>,
	duration: BlockNumberFor<T>,
) {
	let amount_u: u128 = amount.saturated_into();
	let blocks: u128 = duration.saturated_into::<u128>().max(1);
	let per_block: BalanceOf<T> = amount_u.div_ceil(blocks).saturated_into();
	T::Vesting::add_vesting_schedule(who, amount, per_block, start).unwrap_or_else(|e| {
		panic!("pallet-token genesis: {name} vesting of {who:?} rejected by vesting: {e:?}")
	});
}

//! # Pricing
//!
//! Nominal pricing for the Spacebook runtime (whitepaper ch.3 §2 iii, issue 15): the price list
//! of resource units, re-priced each pricing cycle by the whitepaper's formula, and DApp
//! resource leases whose deposit follows the price. The design is in `docs/pricing.md`.
//!
//! ## Terms
//!
//! - **Nominal price**: the price of a resource unit in SPB ([`PriceList`]): an **instance** (one
//!   CPU core, 100 Mbit/s of bandwidth, 500 GB of disk), **traffic** per GiB, **storage** per
//!   GB-month. Set at genesis, by the governance origin ([`Pallet::set_prices`]), or by a cycle.
//! - **Ledgering period**: the five-minute period of Proof-of-Traffic. A price list applies from
//!   a period's first block to its last, so that traffic is billed at the price in force when it
//!   was served: a list set during a period takes effect at the next one ([`EffectivePrices`]).
//! - **Pricing cycle**: [`CyclePeriods`] ledgering periods, set at genesis (a month on a production
//!   chain, minutes on `dev` and `local`). In the first block of a cycle the formula re-prices
//!   every unit ([`formula::reprice`]) from the network's idle and new capacity (`S`, `S1`, from
//!   [`NetworkCapacity`]), what DApps spent in the cycle that ended (`D`: leased instances at
//!   their price plus the traffic billed, [`TrafficPrices::note_traffic_bill`]), the expected
//!   increase of demand (`D1`, [`Pallet::set_expected_demand`]), each unit's average over the
//!   last [`Config::AveragingCycles`] cycles (`a`) and the competitors' prices (`A`,
//!   [`Pallet::set_competitor_prices`]). A quote older than its validity, or none, keeps every
//!   price and says so ([`Event::PricesFrozen`]). A cycle moves a price at most
//!   [`PricingParameters::max_step`].
//! - **Lease**: a DApp leases a number of instances ([`Pallet::lease`]); its deposit on hold
//!   ([`HoldReason::Lease`]) is `instances ×` the instance price. When the price falls, the
//!   hook releases the excess automatically, [`Config::LeaseBatch`] leases per block; when it
//!   rises, the hook puts the difference on hold if the DApp's free balance allows, and
//!   otherwise gives the DApp [`Config::TopUpGrace`] blocks to top up ([`Pallet::top_up_lease`]).
//! - **Standing**: whether serving peers open new sessions for a DApp ([`Standing`]): only
//!   with a lease whose deposit is covered, or within its grace period.
//!
//! Until the governance committee exists (issue 17), the governance origin is root.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

mod cycles;
#[cfg(any(feature = "try-runtime", test))]
mod invariants;
mod leases;
pub mod weights;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

pub use pallet::*;
/// The price list, the formula and the lease types live in a crate of their own, which the SDK
/// shares without linking FRAME.
pub use spacebook_pricing_primitives::{
	formula, types, types::*, BillView, DAppAccount, PricesView, Repricing, SupplyAndDemand,
};
pub use weights::WeightInfo;

/// The network's capacity, as the peer registry declares it.
pub trait NetworkCapacity {
	/// The instances the registered professional and common peers declare: for each, the whole
	/// instances its scarcest resource provides.
	fn instances() -> u64;
}

/// Which accounts are DApps (the peer registry).
pub trait DAppRegistry<AccountId> {
	/// Whether `who` is a registered DApp.
	fn is_dapp(who: &AccountId) -> bool;
}

/// What traffic billing needs of the price list.
pub trait TrafficPrices {
	/// The nominal price of a GiB of traffic served in ledgering period `period`.
	fn traffic_price_per_gib(period: u32) -> u128;
	/// `amount` of traffic was billed: it counts in the cycle's spending (`D`).
	fn note_traffic_bill(amount: u128);
}

/// Prepares the benchmarks' accounts.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId> {
	/// Make `who` a registered DApp.
	fn register_dapp(who: &AccountId);
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::{
		pallet_prelude::*,
		traits::{fungible, UnixTime},
	};
	use frame_system::pallet_prelude::*;
	use sp_runtime::{traits::Zero, Perbill};

	/// The pallet's configuration.
	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The SPB currency (pallet-balances), whose holds carry the lease deposits.
		type Currency: fungible::Inspect<Self::AccountId, Balance = u128>
			+ fungible::Mutate<Self::AccountId>
			+ fungible::MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;

		/// The overarching hold reason, which includes [`HoldReason`].
		type RuntimeHoldReason: From<HoldReason>;

		/// The wall clock, to date competitor quotes.
		type UnixTime: UnixTime;

		/// The network's declared capacity (`S`, `S1`).
		type Capacity: NetworkCapacity;

		/// Which accounts may lease (registered DApps).
		type DApps: DAppRegistry<Self::AccountId>;

		/// Sets prices, the expected demand, competitor quotes and the pricing parameters: the
		/// governance committee's power (ch.4 §3); root until the committee exists.
		type PriceOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Blocks in a ledgering period.
		#[pallet::constant]
		type BlocksPerPeriod: Get<BlockNumberFor<Self>>;

		/// `k`: over how many cycles `a` averages each unit's price.
		#[pallet::constant]
		type AveragingCycles: Get<u32>;

		/// How many price lists (and cycle records) are kept.
		#[pallet::constant]
		type MaxHistory: Get<u32>;

		/// The most instances one lease may hold.
		#[pallet::constant]
		type MaxInstances: Get<u32>;

		/// Leases re-priced per block after a price change.
		#[pallet::constant]
		type LeaseBatch: Get<u32>;

		/// Blocks a DApp has to top up its lease after the price rose.
		#[pallet::constant]
		type TopUpGrace: Get<BlockNumberFor<Self>>;

		/// Weights of the calls and hooks.
		type WeightInfo: WeightInfo;

		/// Prepares the benchmarks' accounts.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::AccountId>;
	}

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	/// Why the pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// A DApp's lease deposit: its leased instances at the nominal price.
		#[codec(index = 0)]
		Lease,
	}

	/// The price lists, oldest first, each with the first ledgering period it applies to. Never
	/// empty after genesis; the last may apply from the next period.
	#[pallet::storage]
	pub type PriceHistory<T: Config> =
		StorageValue<_, BoundedVec<EffectivePrices, T::MaxHistory>, ValueQuery>;

	/// The newest price list as each of the last [`Config::AveragingCycles`] cycles began (what
	/// the cycle re-priced), oldest first: `a` is their average.
	#[pallet::storage]
	pub type CyclePrices<T: Config> =
		StorageValue<_, BoundedVec<PriceList<u128>, T::AveragingCycles>, ValueQuery>;

	/// The last cycles' inputs and outputs, oldest first.
	#[pallet::storage]
	pub type CycleRecords<T: Config> =
		StorageValue<_, BoundedVec<CycleRecord, T::MaxHistory>, ValueQuery>;

	/// Ledgering periods in a pricing cycle (set at genesis: a month on a production chain,
	/// minutes on `dev` and `local`). Cycle `c` begins with period `c ×` this.
	#[pallet::storage]
	pub type CyclePeriods<T: Config> = StorageValue<_, u32, ValueQuery>;

	/// The pricing cycle in progress.
	#[pallet::storage]
	pub type CurrentCycle<T: Config> = StorageValue<_, u32, ValueQuery>;

	/// `D1`: the net increase of DApp spending the governance expects for a cycle (SPB,
	/// negative for a decrease). It stays until the governance origin changes it.
	#[pallet::storage]
	pub type ExpectedDemand<T: Config> = StorageValue<_, i128, ValueQuery>;

	/// `A`: the competitors' prices and when they were observed.
	#[pallet::storage]
	pub type CompetitorPrices<T: Config> = StorageValue<_, CompetitorQuote, OptionQuery>;

	/// The step bound and the quote validity.
	#[pallet::storage]
	pub type Parameters<T: Config> = StorageValue<_, PricingParameters, ValueQuery>;

	/// Traffic billed in the cycle in progress (part of `D`).
	#[pallet::storage]
	pub type CycleSpending<T: Config> = StorageValue<_, u128, ValueQuery>;

	/// The block the pricing cycle in progress began (0 for the genesis cycle).
	#[pallet::storage]
	pub type CycleStart<T: Config> = StorageValue<_, BlockNumberFor<T>, ValueQuery>;

	/// The leases' use in the cycle in progress: since which block, and the instance-blocks
	/// leased before it (`D` counts the leases' average over the cycle, not their number at its
	/// end, so a lease taken for the cycle's last block weighs one block: the attacker review of
	/// issue 15).
	#[pallet::storage]
	pub type LeaseUsage<T: Config> = StorageValue<_, (BlockNumberFor<T>, u128), ValueQuery>;

	/// The network's capacity in instances when the last cycle began (`S` of the next cycle
	/// counts what was there; what came since is `S1`).
	#[pallet::storage]
	pub type CycleCapacity<T: Config> = StorageValue<_, u64, ValueQuery>;

	/// The DApps' leases.
	#[pallet::storage]
	pub type Leases<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, Lease<BlockNumberFor<T>>, OptionQuery>;

	/// The instances all leases hold.
	#[pallet::storage]
	pub type LeasedInstances<T: Config> = StorageValue<_, u64, ValueQuery>;

	/// The instance price the leases were last re-priced to, and the block it took effect.
	#[pallet::storage]
	pub type LeasePrice<T: Config> = StorageValue<_, (u128, BlockNumberFor<T>), ValueQuery>;

	/// While leases are being re-priced to [`LeasePrice`]: the last lease done (`None`: none
	/// yet).
	#[pallet::storage]
	pub type LeaseRepricing<T: Config> = StorageValue<_, Option<T::AccountId>, OptionQuery>;

	/// The genesis prices and parameters.
	#[pallet::genesis_config]
	pub struct GenesisConfig<T: Config> {
		/// The nominal prices at launch; every price above zero.
		pub prices: PriceList<u128>,
		/// How far a cycle may move a price.
		pub max_step: Perbill,
		/// How long a competitor quote stays valid, in milliseconds.
		pub quote_validity_ms: u64,
		/// Ledgering periods in a pricing cycle, above zero.
		pub cycle_periods: u32,
		#[serde(skip)]
		pub _config: core::marker::PhantomData<T>,
	}

	impl<T: Config> Default for GenesisConfig<T> {
		/// The smallest price of every unit and the default parameters: chain specs set the
		/// real prices.
		fn default() -> Self {
			let parameters = PricingParameters::default();
			Self {
				prices: PriceList { instance: 1, traffic_gib: 1, storage_gb_month: 1 },
				max_step: parameters.max_step,
				quote_validity_ms: parameters.quote_validity_ms,
				// Thirty days of five-minute periods.
				cycle_periods: 30 * 288,
				_config: Default::default(),
			}
		}
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			assert!(Pallet::<T>::all_priced(&self.prices), "every genesis price is above zero");
			assert!(self.max_step < Perbill::one(), "a cycle may not move a price to zero");
			assert!(self.cycle_periods > 0, "a pricing cycle has at least one period");
			CyclePeriods::<T>::put(self.cycle_periods);
			let genesis = EffectivePrices { from_period: 0, cycle: 0, prices: self.prices };
			PriceHistory::<T>::put(BoundedVec::truncate_from(alloc::vec![genesis]));
			Parameters::<T>::put(PricingParameters {
				max_step: self.max_step,
				quote_validity_ms: self.quote_validity_ms,
			});
			LeasePrice::<T>::put((self.prices.instance, BlockNumberFor::<T>::zero()));
			CycleCapacity::<T>::put(T::Capacity::instances());
		}
	}

	/// Events of the pallet.
	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// The governance origin set the prices.
		PricesSet {
			/// The new prices.
			prices: PriceList<u128>,
			/// The first ledgering period they apply to.
			from_period: u32,
		},
		/// A pricing cycle began and re-priced the units by the formula.
		CycleRepriced {
			/// The cycle.
			cycle: u32,
			/// The first ledgering period the prices apply to.
			from_period: u32,
			/// The new prices.
			prices: PriceList<u128>,
			/// The formula's supply and demand.
			market: SupplyAndDemand,
		},
		/// A pricing cycle kept prices instead of applying the formula.
		PricesFrozen {
			/// The cycle.
			cycle: u32,
			/// The unit kept, or `None` for every unit.
			unit: Option<ResourceUnit>,
			/// Why.
			reason: FreezeReason,
		},
		/// A price moved by the most a cycle allows; the formula asked for more.
		PriceStepBounded {
			/// The cycle.
			cycle: u32,
			/// The unit.
			unit: ResourceUnit,
		},
		/// The governance origin set the expected increase of demand (`D1`).
		ExpectedDemandSet {
			/// The expected net increase of spending per cycle (negative: a decrease).
			expected_increase: i128,
		},
		/// The governance origin set the competitors' prices (`A`).
		CompetitorPricesSet {
			/// The quote.
			quote: CompetitorQuote,
		},
		/// The governance origin set the pricing parameters.
		ParametersSet {
			/// The parameters.
			parameters: PricingParameters,
		},
		/// A DApp leased instances, or changed its lease.
		Leased {
			/// The DApp.
			dapp: T::AccountId,
			/// The instances it now leases.
			instances: u32,
			/// Its deposit on hold.
			held: u128,
		},
		/// A DApp ended its lease; its deposit was released.
		LeaseEnded {
			/// The DApp.
			dapp: T::AccountId,
			/// The deposit released.
			released: u128,
		},
		/// The instance price fell: part of a lease's deposit was released.
		LeaseReleased {
			/// The DApp.
			dapp: T::AccountId,
			/// The amount released.
			amount: u128,
		},
		/// The instance price rose and the DApp's lease deposit was topped up.
		LeaseToppedUp {
			/// The DApp.
			dapp: T::AccountId,
			/// The amount put on hold.
			amount: u128,
		},
		/// The instance price rose and the DApp's free balance could not cover its lease: it
		/// must top up by `by`, or serving peers refuse its new sessions.
		TopUpDue {
			/// The DApp.
			dapp: T::AccountId,
			/// What is missing.
			shortfall: u128,
			/// The last block of the grace period.
			by: BlockNumberFor<T>,
		},
	}

	/// Errors of the pallet.
	#[pallet::error]
	pub enum Error<T> {
		/// A price was zero: every unit must cost something, or its use would be free to
		/// self-deal.
		ZeroPrice,
		/// The step bound was 100 % or more: a cycle could move a price to zero.
		StepTooLarge,
		/// The quote's observation time is in the future.
		QuoteFromTheFuture,
		/// The quote is already older than its validity.
		QuoteAlreadyStale,
		/// Only a registered DApp may lease instances.
		NotADApp,
		/// A lease needs at least one instance.
		ZeroInstances,
		/// More instances than [`Config::MaxInstances`].
		TooManyInstances,
		/// The account has no lease.
		NoLease,
		/// The lease's deposit already covers its instances.
		NothingToTopUp,
		/// The free balance cannot cover the lease's deposit.
		InsufficientBalance,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(n: BlockNumberFor<T>) -> Weight {
			let mut weight = T::DbWeight::get().reads(1);
			let cycle = Self::cycle_of(Self::period_of(n));
			if cycle > CurrentCycle::<T>::get() {
				Self::begin_cycle(cycle);
				weight.saturating_accrue(T::WeightInfo::begin_cycle());
			}
			weight.saturating_add(Self::reprice_leases(n))
		}

		fn integrity_test() {
			assert!(!T::BlocksPerPeriod::get().is_zero(), "BlocksPerPeriod must be positive");
			assert!(T::AveragingCycles::get() > 0, "AveragingCycles must be positive");
			assert!(
				T::MaxHistory::get() >= 2,
				"the history keeps at least the price in force and the next one"
			);
			assert!(T::MaxInstances::get() > 0, "MaxInstances must be positive");
			assert!(T::LeaseBatch::get() > 0, "LeaseBatch must be positive");
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Set the nominal prices directly (ch.4 §3: the committee adjusts the nominal price).
		///
		/// - Origin: [`Config::PriceOrigin`].
		/// - `prices`: every unit's new price, each above zero.
		///
		/// The prices apply from the next ledgering period (from this one in its first block),
		/// so that traffic is billed at the price in force when it was served; leases follow
		/// then. Emits [`Event::PricesSet`].
		///
		/// Complexity: O(1) (the history is bounded).
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::set_prices())]
		pub fn set_prices(origin: OriginFor<T>, prices: PriceList<u128>) -> DispatchResult {
			T::PriceOrigin::ensure_origin(origin)?;
			ensure!(Self::all_priced(&prices), Error::<T>::ZeroPrice);
			let from_period = Self::push_prices(prices, CurrentCycle::<T>::get());
			Self::deposit_event(Event::PricesSet { prices, from_period });
			Ok(())
		}

		/// Set `D1`, the net increase of DApp spending the governance expects per cycle.
		///
		/// - Origin: [`Config::PriceOrigin`].
		/// - `expected_increase`: in SPB's smallest unit, at the previous nominal prices;
		///   negative for an expected decrease.
		///
		/// Used by every cycle until changed. Emits [`Event::ExpectedDemandSet`].
		///
		/// Complexity: O(1).
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::set_expected_demand())]
		pub fn set_expected_demand(
			origin: OriginFor<T>,
			expected_increase: i128,
		) -> DispatchResult {
			T::PriceOrigin::ensure_origin(origin)?;
			ExpectedDemand::<T>::put(expected_increase);
			Self::deposit_event(Event::ExpectedDemandSet { expected_increase });
			Ok(())
		}

		/// Set `A`: the main competitors' prices of each unit's equivalent, converted to SPB at
		/// the SPB market price, as observed at `observed_at`.
		///
		/// - Origin: [`Config::PriceOrigin`].
		/// - `prices`: per unit; a zero keeps that unit's price at the next cycle.
		/// - `observed_at`: milliseconds since the Unix epoch; not in the future, and not older
		///   than the quote validity.
		///
		/// A cycle that begins when the quote is older than its validity keeps every price
		/// ([`Event::PricesFrozen`]). Emits [`Event::CompetitorPricesSet`].
		///
		/// Complexity: O(1).
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::set_competitor_prices())]
		pub fn set_competitor_prices(
			origin: OriginFor<T>,
			prices: PriceList<u128>,
			observed_at: u64,
		) -> DispatchResult {
			T::PriceOrigin::ensure_origin(origin)?;
			let now = Self::now_ms();
			ensure!(observed_at <= now, Error::<T>::QuoteFromTheFuture);
			ensure!(
				now - observed_at <= Parameters::<T>::get().quote_validity_ms,
				Error::<T>::QuoteAlreadyStale
			);
			let quote = CompetitorQuote { prices, observed_at };
			CompetitorPrices::<T>::put(quote);
			Self::deposit_event(Event::CompetitorPricesSet { quote });
			Ok(())
		}

		/// Set the pricing parameters: the step bound and the quote validity.
		///
		/// - Origin: [`Config::PriceOrigin`].
		/// - `parameters`: `max_step` below 100 %.
		///
		/// Emits [`Event::ParametersSet`].
		///
		/// Complexity: O(1).
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::set_parameters())]
		pub fn set_parameters(
			origin: OriginFor<T>,
			parameters: PricingParameters,
		) -> DispatchResult {
			T::PriceOrigin::ensure_origin(origin)?;
			ensure!(parameters.max_step < Perbill::one(), Error::<T>::StepTooLarge);
			Parameters::<T>::put(parameters);
			Self::deposit_event(Event::ParametersSet { parameters });
			Ok(())
		}

		/// Lease `instances` instances, or change the number leased: the deposit on hold becomes
		/// `instances ×` the nominal instance price in force.
		///
		/// - Origin: signed, by a registered DApp.
		/// - `instances`: from 1 to [`Config::MaxInstances`].
		///
		/// Puts the difference on hold, or releases it; a shortfall from an earlier price rise
		/// is covered too. Fails with [`Error::InsufficientBalance`], changing nothing, if the
		/// free balance cannot cover it. Emits [`Event::Leased`].
		///
		/// Complexity: O(1).
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::lease())]
		pub fn lease(origin: OriginFor<T>, instances: u32) -> DispatchResult {
			let dapp = ensure_signed(origin)?;
			ensure!(T::DApps::is_dapp(&dapp), Error::<T>::NotADApp);
			ensure!(instances > 0, Error::<T>::ZeroInstances);
			ensure!(instances <= T::MaxInstances::get(), Error::<T>::TooManyInstances);
			Self::do_lease(&dapp, instances)
		}

		/// Put the lease's shortfall on hold after the instance price rose.
		///
		/// - Origin: signed, by a DApp with a lease.
		///
		/// Fails with [`Error::NothingToTopUp`] when nothing is missing, and with
		/// [`Error::InsufficientBalance`] when the free balance cannot cover the shortfall.
		/// Emits [`Event::LeaseToppedUp`].
		///
		/// Complexity: O(1).
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::top_up_lease())]
		pub fn top_up_lease(origin: OriginFor<T>) -> DispatchResult {
			let dapp = ensure_signed(origin)?;
			Self::do_top_up(&dapp)
		}

		/// End the lease: the whole deposit is released. Traffic already served stays billed
		/// and paid from the DApp's traffic escrow, which a lease does not touch.
		///
		/// - Origin: signed, by a DApp with a lease.
		///
		/// Emits [`Event::LeaseEnded`].
		///
		/// Complexity: O(1).
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::end_lease())]
		pub fn end_lease(origin: OriginFor<T>) -> DispatchResult {
			let dapp = ensure_signed(origin)?;
			Self::do_end_lease(&dapp)
		}
	}

	impl<T: Config> Pallet<T> {
		/// Whether every unit of `prices` costs something.
		pub fn all_priced(prices: &PriceList<u128>) -> bool {
			ResourceUnit::ALL.iter().all(|unit| prices.get(*unit) > 0)
		}

		/// The ledgering period of block `n`.
		pub fn period_of(n: BlockNumberFor<T>) -> u32 {
			use sp_runtime::SaturatedConversion;
			(n / T::BlocksPerPeriod::get().max(1u32.into())).saturated_into()
		}

		/// The pricing cycle of ledgering period `period`.
		pub fn cycle_of(period: u32) -> u32 {
			period / CyclePeriods::<T>::get().max(1)
		}

		/// The ledgering period in progress.
		pub fn current_period() -> u32 {
			Self::period_of(frame_system::Pallet::<T>::block_number())
		}

		/// The wall clock in milliseconds.
		pub(crate) fn now_ms() -> u64 {
			use sp_runtime::SaturatedConversion;
			T::UnixTime::now().as_millis().saturated_into()
		}

		/// The price list of ledgering period `period`: the newest one that applies from
		/// `period` or earlier (the oldest kept for a period older than the history).
		pub fn prices_of_period(period: u32) -> PriceList<u128> {
			let history = PriceHistory::<T>::get();
			history
				.iter()
				.rev()
				.find(|entry| entry.from_period <= period)
				.or_else(|| history.first())
				.map(|entry| entry.prices)
				.unwrap_or_default()
		}

		/// The prices in force now.
		pub fn current_prices() -> PriceList<u128> {
			Self::prices_of_period(Self::current_period())
		}

		/// The first period a price list set now applies to: this one in its first block (no
		/// traffic of it was served yet), the next one otherwise.
		pub(crate) fn next_effective_period(n: BlockNumberFor<T>) -> u32 {
			let period = Self::period_of(n);
			if (n % T::BlocksPerPeriod::get().max(1u32.into())).is_zero() {
				period
			} else {
				period.saturating_add(1)
			}
		}

		/// Add `prices` to the history, applying from the next effective period (replacing a
		/// list that was to apply from the same period); returns that period.
		pub(crate) fn push_prices(prices: PriceList<u128>, cycle: u32) -> u32 {
			let from_period =
				Self::next_effective_period(frame_system::Pallet::<T>::block_number());
			PriceHistory::<T>::mutate(|history| {
				if history.last().is_some_and(|last| last.from_period >= from_period) {
					history.pop();
				}
				let entry = EffectivePrices { from_period, cycle, prices };
				if history.is_full() {
					history.remove(0);
				}
				// Room was made above.
				let _ = history.try_push(entry);
			});
			from_period
		}
	}

	impl<T: Config> TrafficPrices for Pallet<T> {
		fn traffic_price_per_gib(period: u32) -> u128 {
			Self::prices_of_period(period).traffic_gib
		}

		fn note_traffic_bill(amount: u128) {
			CycleSpending::<T>::mutate(|spent| *spent = spent.saturating_add(amount));
		}
	}
}

//! The pricing cycle: in its first block the formula re-prices every unit from the cycle that
//! ended (`docs/pricing.md`).

use crate::{
	formula::SupplyAndDemand,
	pallet::*,
	types::{average_list, reprice_list, CycleRecord, FreezeReason, PriceList, ResourceUnit},
	NetworkCapacity, Repricing as UnitRepricing,
};
use frame_support::defensive;

impl<T: Config> Pallet<T> {
	/// Begin pricing cycle `cycle`: re-price the units by the formula (or keep
	/// them, when the competitor quote is missing or stale), record the cycle's inputs and
	/// outputs, and start counting the new cycle's spending and capacity.
	pub(crate) fn begin_cycle(cycle: u32) {
		let Some(previous) = PriceHistory::<T>::get().last().map(|entry| entry.prices) else {
			defensive!("the price history is never empty after genesis");
			return;
		};
		let averages = CyclePrices::<T>::mutate(|recent| {
			if recent.is_full() {
				recent.remove(0);
			}
			// Room was made above.
			let _ = recent.try_push(previous);
			average_list(recent.iter())
		});
		let market = Self::market(previous.instance);
		let quote = CompetitorPrices::<T>::get();
		let frozen = match quote {
			None => Some(FreezeReason::NoQuote),
			Some(q)
				if Self::now_ms().saturating_sub(q.observed_at)
					> Parameters::<T>::get().quote_validity_ms =>
			{
				Some(FreezeReason::StaleQuote)
			}
			Some(_) => None,
		};
		let prices = match (frozen, quote) {
			(None, Some(quote)) => {
				let max_step = Parameters::<T>::get().max_step;
				let (next, outcome) =
					reprice_list(&previous, &averages, &quote.prices, &market, max_step);
				for (unit, result) in outcome {
					match result {
						UnitRepricing::NoCompetitorPrice => {
							Self::deposit_event(Event::PricesFrozen {
								cycle,
								unit: Some(unit),
								reason: FreezeReason::NoCompetitorPrice,
							})
						}
						UnitRepricing::Priced { bounded: true, .. } => {
							Self::deposit_event(Event::PriceStepBounded { cycle, unit })
						}
						UnitRepricing::Priced { bounded: false, .. } => {}
					}
				}
				Self::at_least_one(next)
			}
			(reason, _) => {
				Self::deposit_event(Event::PricesFrozen {
					cycle,
					unit: None,
					reason: reason.unwrap_or(FreezeReason::NoQuote),
				});
				previous
			}
		};
		let from_period = Self::push_prices(prices, cycle);
		let record = CycleRecord {
			cycle,
			from_period,
			market,
			previous,
			averages,
			quote: if frozen.is_none() { quote } else { None },
			prices,
			frozen,
		};
		CycleRecords::<T>::mutate(|records| {
			if records.is_full() {
				records.remove(0);
			}
			// Room was made above.
			let _ = records.try_push(record);
		});
		CurrentCycle::<T>::put(cycle);
		let now = frame_system::Pallet::<T>::block_number();
		CycleStart::<T>::put(now);
		LeaseUsage::<T>::put((now, 0u128));
		CycleSpending::<T>::kill();
		CycleCapacity::<T>::put(T::Capacity::instances());
		Self::deposit_event(Event::CycleRepriced { cycle, from_period, prices, market });
	}

	/// The formula's supply and demand for the cycle that ends, with capacity valued at the
	/// instance price `instance_price`:
	///
	/// - `S`: the instances there were when the cycle began (those still there), less what the
	///   leases held on average over the cycle;
	/// - `S1`: the instances added since;
	/// - `D`: what the leases held on average over the cycle, at the instance price, plus the
	///   traffic billed in the cycle;
	/// - `D1`: the governance's expected increase.
	pub fn market(instance_price: u128) -> SupplyAndDemand {
		let now = T::Capacity::instances();
		let before = CycleCapacity::<T>::get();
		let leased = Self::average_lease_value(instance_price);
		let existing = u128::from(now.min(before)).saturating_mul(instance_price);
		let new = u128::from(now.saturating_sub(before));
		SupplyAndDemand {
			idle_capacity: existing.saturating_sub(leased),
			new_capacity: new.saturating_mul(instance_price),
			spent: leased.saturating_add(CycleSpending::<T>::get()),
			expected_increase: ExpectedDemand::<T>::get(),
		}
	}

	/// `prices` with every unit at least the smallest unit of SPB. (The step bound, below
	/// 100 %, already keeps a positive price positive; this is the defensive floor.)
	fn at_least_one(mut prices: PriceList<u128>) -> PriceList<u128> {
		for unit in ResourceUnit::ALL {
			if prices.get(unit) == 0 {
				defensive!("a cycle moved a price to zero");
				prices.set(unit, 1);
			}
		}
		prices
	}
}

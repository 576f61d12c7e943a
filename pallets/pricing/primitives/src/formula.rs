//! The nominal-price formula of the whitepaper (ch.3 §2 iii):
//!
//! `P1 = (S + S1) / (D + D1) · a / A`
//!
//! - `S`: the network's idle capacity in the previous pricing cycle, and `S1` the capacity new
//!   this cycle, both valued at the previous nominal prices (SPB);
//! - `D`: what DApps actually spent on resources and traffic in the previous cycle (SPB), and
//!   `D1` the net increase of that spending the governance expects (SPB, may be negative);
//! - `a`: a unit's nominal price averaged over the last `k` cycles, and `A` the main
//!   competitors' price of the equivalent resource, converted at the SPB market price (both SPB
//!   per unit).
//!
//! `P1` is a pure number: supply over demand, times our price over the competitors'. It is 1 when
//! the idle capacity matches the expected demand and our price matches the market's. The new
//! price of a unit is its previous price **divided** by `P1` (`docs/pricing.md`): idle capacity
//! beyond demand, or a price above the competitors', lowers the price, as the whitepaper's text
//! and its example (an instance falling from 100 to 90 SPB) intend. The change is bounded per
//! cycle by a governance parameter.
//!
//! Everything is integer arithmetic on `u128` (balances in the chain's smallest unit) with
//! 256-bit intermediates: no floats, no overflow, rounding down.

use sp_arithmetic::{helpers_128bit::multiply_by_rational_with_rounding, Perbill, Rounding};

/// The network-wide inputs of one pricing cycle, in the chain's smallest SPB unit.
#[derive(
	Clone,
	Copy,
	Debug,
	Default,
	PartialEq,
	Eq,
	codec::Encode,
	codec::Decode,
	codec::DecodeWithMemTracking,
	codec::MaxEncodedLen,
	scale_info::TypeInfo,
)]
pub struct SupplyAndDemand {
	/// `S`: idle capacity in the previous cycle, valued at the previous nominal prices.
	pub idle_capacity: u128,
	/// `S1`: capacity new this cycle, valued at the previous nominal prices.
	pub new_capacity: u128,
	/// `D`: what DApps spent on resources and traffic in the previous cycle.
	pub spent: u128,
	/// `D1`: the net increase of spending the governance expects (negative: a decrease).
	pub expected_increase: i128,
}

impl SupplyAndDemand {
	/// `S + S1`.
	pub fn supply(&self) -> u128 {
		self.idle_capacity.saturating_add(self.new_capacity)
	}

	/// `D + D1`, at least 0.
	pub fn demand(&self) -> u128 {
		if self.expected_increase >= 0 {
			self.spent.saturating_add(self.expected_increase.unsigned_abs())
		} else {
			self.spent.saturating_sub(self.expected_increase.unsigned_abs())
		}
	}
}

/// What the formula made of one unit's price.
#[derive(
	Clone,
	Copy,
	Debug,
	PartialEq,
	Eq,
	codec::Encode,
	codec::Decode,
	codec::DecodeWithMemTracking,
	codec::MaxEncodedLen,
	scale_info::TypeInfo,
)]
pub enum Repricing {
	/// The new price, within the step bound.
	Priced {
		/// The price.
		price: u128,
		/// Whether the formula asked for more change than the step bound allows.
		bounded: bool,
	},
	/// No competitor price (`A = 0`): the price stays as it was.
	NoCompetitorPrice,
}

/// The new price of a unit whose previous price is `previous`, whose average over the last
/// cycles is `average` (`a`) and whose competitors' price is `competitor` (`A`): `previous / P1`,
/// that is `previous · (D + D1) · A / ((S + S1) · a)`, moved at most `max_step` of `previous` up
/// or down.
///
/// - No demand (`D + D1 = 0`) or no average (`a = 0`): `P1` is infinite, the price falls by the
///   whole step.
/// - No supply (`S + S1 = 0`): `P1` is 0, the price rises by the whole step.
/// - No competitor price (`A = 0`): the formula is undefined; the price is kept
///   ([`Repricing::NoCompetitorPrice`]), as for a stale one.
pub fn reprice(
	previous: u128,
	average: u128,
	competitor: u128,
	market: &SupplyAndDemand,
	max_step: Perbill,
) -> Repricing {
	if competitor == 0 {
		return Repricing::NoCompetitorPrice;
	}
	let step = max_step.mul_floor(previous);
	let (floor, ceiling) = (previous.saturating_sub(step), previous.saturating_add(step));
	let (supply, demand) = (market.supply(), market.demand());
	let unbounded = if supply == 0 {
		// P1 = 0 (or 0/0 with no demand either): as high as the step allows.
		if demand == 0 {
			Some(previous)
		} else {
			None
		}
	} else if demand == 0 || average == 0 {
		Some(0)
	} else {
		// previous · demand / supply · competitor / average, each step rounding down; `None` if
		// the result does not fit in a u128 (it is then far above the ceiling).
		multiply_by_rational_with_rounding(previous, demand, supply, Rounding::Down).and_then(|x| {
			multiply_by_rational_with_rounding(x, competitor, average, Rounding::Down)
		})
	};
	match unbounded {
		Some(price) if (floor..=ceiling).contains(&price) => {
			Repricing::Priced { price, bounded: false }
		}
		Some(price) if price < floor => Repricing::Priced { price: floor, bounded: true },
		_ => Repricing::Priced { price: ceiling, bounded: true },
	}
}

/// `a`: the arithmetic mean of `prices` (the last cycles' prices of a unit), rounding down; 0 for
/// none.
pub fn average(prices: impl IntoIterator<Item = u128>) -> u128 {
	let (mut sum, mut count) = (0u128, 0u128);
	for price in prices {
		// A u128 sum of a bounded history of balances does not overflow; saturate if it would.
		sum = sum.saturating_add(price);
		count += 1;
	}
	sum.checked_div(count).unwrap_or(0)
}

#[cfg(test)]
mod tests {
	use super::*;

	const SPB: u128 = 1_000_000_000_000;

	fn market(idle: u128, new: u128, spent: u128, expected: i128) -> SupplyAndDemand {
		SupplyAndDemand {
			idle_capacity: idle * SPB,
			new_capacity: new * SPB,
			spent: spent * SPB,
			expected_increase: expected * SPB as i128,
		}
	}

	fn priced(price: u128, bounded: bool) -> Repricing {
		Repricing::Priced { price, bounded }
	}

	/// The whitepaper's example: an instance at 100 SPB falls to 90 SPB. Hand-computed: supply
	/// (S + S1) 10 000 SPB over demand (D + D1) 9 000 SPB, our average price equal to the
	/// competitors' (a = A = 100 SPB): P1 = 10/9, and 100 / (10/9) = 90.
	#[test]
	fn the_whitepapers_instance_falls_from_100_to_90_spb() {
		let m = market(8_000, 2_000, 8_500, 500);
		let step = Perbill::from_percent(20);
		assert_eq!(reprice(100 * SPB, 100 * SPB, 100 * SPB, &m, step), priced(90 * SPB, false));
	}

	/// Hand-computed cycles: each factor of the formula moves the price the way its text says.
	#[test]
	fn supply_demand_and_the_competitors_price_move_the_price_as_the_formula_says() {
		let step = Perbill::from_percent(50);
		// Balanced (P1 = 1): unchanged.
		let balanced = market(1_000, 0, 1_000, 0);
		assert_eq!(reprice(10 * SPB, 10 * SPB, 10 * SPB, &balanced, step), priced(10 * SPB, false));
		// Demand above supply (P1 = 1 000 / 1 250 = 0.8): 10 / 0.8 = 12.5 SPB.
		let scarce = market(800, 200, 1_000, 250);
		assert_eq!(
			reprice(10 * SPB, 10 * SPB, 10 * SPB, &scarce, step),
			priced(12 * SPB + SPB / 2, false)
		);
		// Our average (a = 12) above the competitors' (A = 10): P1 = 1.2, 12 / 1.2 = 10 SPB.
		assert_eq!(reprice(12 * SPB, 12 * SPB, 10 * SPB, &balanced, step), priced(10 * SPB, false));
		// A negative expected increase lowers demand: D + D1 = 1 000 - 200 = 800, P1 = 1.25.
		let shrinking = market(1_000, 0, 1_000, -200);
		assert_eq!(reprice(10 * SPB, 10 * SPB, 10 * SPB, &shrinking, step), priced(8 * SPB, false));
	}

	#[test]
	fn the_change_per_cycle_is_bounded() {
		let step = Perbill::from_percent(10);
		// P1 = 4: the price would fall to 25, the step stops it at 90.
		let idle = market(4_000, 0, 1_000, 0);
		assert_eq!(reprice(100 * SPB, 100 * SPB, 100 * SPB, &idle, step), priced(90 * SPB, true));
		// P1 = 0.25: it would rise to 400, the step stops it at 110.
		let busy = market(1_000, 0, 4_000, 0);
		assert_eq!(reprice(100 * SPB, 100 * SPB, 100 * SPB, &busy, step), priced(110 * SPB, true));
		// Exactly on the bound is not bounded.
		let edge = market(1_000, 0, 900, 0);
		let one = reprice(90 * SPB, 90 * SPB, 90 * SPB, &edge, Perbill::from_percent(10));
		assert_eq!(one, priced(81 * SPB, false));
	}

	#[test]
	fn degenerate_inputs_move_the_price_by_the_step_or_keep_it() {
		let step = Perbill::from_percent(10);
		// No demand at all (D + D1 = 0, also with D1 below -D): the whole step down.
		for m in [market(1_000, 0, 0, 0), market(1_000, 0, 100, -500)] {
			assert_eq!(m.demand(), 0);
			assert_eq!(reprice(100 * SPB, 100 * SPB, 100 * SPB, &m, step), priced(90 * SPB, true));
		}
		// No supply: the whole step up; neither supply nor demand: unchanged.
		let full = market(0, 0, 1_000, 0);
		assert_eq!(reprice(100 * SPB, 100 * SPB, 100 * SPB, &full, step), priced(110 * SPB, true));
		let empty = SupplyAndDemand::default();
		assert_eq!(
			reprice(100 * SPB, 100 * SPB, 100 * SPB, &empty, step),
			priced(100 * SPB, false)
		);
		// No competitor price (A = 0): the formula is undefined, the price is kept.
		let m = market(1_000, 0, 1_000, 0);
		assert_eq!(reprice(100 * SPB, 100 * SPB, 0, &m, step), Repricing::NoCompetitorPrice);
		// No average yet (a = 0): P1 is infinite, the whole step down.
		assert_eq!(reprice(100 * SPB, 0, 100 * SPB, &m, step), priced(90 * SPB, true));
		// A zero price stays zero whatever the market (its step is zero): only the governance
		// origin can set it again.
		assert_eq!(reprice(0, 0, 100 * SPB, &full, step), priced(0, true));
	}

	/// Extreme balances neither overflow nor panic: the 256-bit intermediates and the step keep
	/// the price within `previous · (1 ± step)`.
	#[test]
	fn extreme_inputs_stay_within_the_step() {
		let step = Perbill::from_percent(25);
		let huge = SupplyAndDemand {
			idle_capacity: u128::MAX,
			new_capacity: u128::MAX,
			spent: 1,
			expected_increase: i128::MAX,
		};
		let tiny = SupplyAndDemand {
			idle_capacity: 1,
			new_capacity: 0,
			spent: u128::MAX,
			expected_increase: 0,
		};
		for m in [huge, tiny] {
			for (previous, average, competitor) in
				[(u128::MAX, u128::MAX, 1), (u128::MAX, 1, u128::MAX), (1, u128::MAX, u128::MAX)]
			{
				let Repricing::Priced { price, .. } =
					reprice(previous, average, competitor, &m, step)
				else {
					panic!("a competitor price is given")
				};
				let moved = step.mul_floor(previous);
				assert!(price >= previous - moved && price <= previous.saturating_add(moved));
			}
		}
	}

	#[test]
	fn the_average_is_the_arithmetic_mean_rounded_down() {
		assert_eq!(average([]), 0);
		assert_eq!(average([100 * SPB]), 100 * SPB);
		assert_eq!(average([100, 90, 95]), 95);
		assert_eq!(average([1, 2]), 1);
		assert_eq!(average([u128::MAX, u128::MAX]), u128::MAX / 2);
	}
}

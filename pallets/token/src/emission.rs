//! The mining pool's emission schedule: pure integer arithmetic, no storage.
//!
//! With decay factor `d`, year `y` (1 ..= 10) releases
//!
//! ```text
//! E_y = pool · d^(y−1) / (1 + d + … + d^9)  =  pool · (1 − d) · d^(y−1) / (1 − d^10)
//! ```
//!
//! computed with the weights `w_y = d^(y−1)` in 18-decimal fixed point (`w_1 = 10^18`,
//! `w_(y+1) = ⌊w_y · d⌋`) and 256-bit intermediate products. Each of years 1..9 is rounded down;
//! year 10 receives `pool − (E_1 + … + E_9)`, so the ten years add up to the pool exactly and
//! the rounding dust (a few plancks) is released last.
//!
//! A year's emission is spread over its `periods_per_year` ledgering periods: every period gets
//! `⌊E_y / periods_per_year⌋` and the first `E_y mod periods_per_year` periods of the year one
//! planck more, so the periods of a year add up to the year exactly and no two periods of a year
//! differ by more than one planck.

use crate::types::EMISSION_YEARS;
use sp_arithmetic::{
	helpers_128bit::multiply_by_rational_with_rounding, PerThing, Perbill, Rounding,
};

/// The yearly emission table: `table[y − 1]` is the emission of year `y`.
pub type YearlyTable = [u128; EMISSION_YEARS as usize];

/// One in the 18-decimal fixed point of the weights.
const WEIGHT_ONE: u128 = 1_000_000_000_000_000_000;

/// The emission of each of the ten years for a pool of `pool` plancks and yearly `decay`.
///
/// A decay of 100 % spreads the pool evenly; the smaller the decay, the more front-loaded the
/// schedule. A decay of zero puts the whole pool into year 1.
pub fn yearly_emission(pool: u128, decay: Perbill) -> YearlyTable {
	let parts = u128::from(decay.deconstruct());
	let billion = u128::from(Perbill::ACCURACY);
	let mut weights = [0u128; EMISSION_YEARS as usize];
	let mut w = WEIGHT_ONE;
	for weight in weights.iter_mut() {
		*weight = w;
		// w ≤ 10^18 and parts ≤ 10^9: the product fits easily in u128.
		w = w.saturating_mul(parts) / billion;
	}
	// At most ten weights of at most 10^18 each.
	let sum: u128 = weights.iter().fold(0u128, |acc, w| acc.saturating_add(*w));

	let mut table = [0u128; EMISSION_YEARS as usize];
	let mut released = 0u128;
	let last = table.len() - 1;
	for (year, weight) in weights.iter().enumerate().take(last) {
		// `weight ≤ sum`, so the result is at most `pool` and never `None`.
		let e = multiply_by_rational_with_rounding(pool, *weight, sum, Rounding::Down)
			.unwrap_or_default();
		table[year] = e;
		released = released.saturating_add(e);
	}
	table[last] = pool.saturating_sub(released);
	table
}

/// The emission year (from 1) of `period`, or `None` once the ten years are over.
pub fn year_of_period(periods_per_year: u32, period: u32) -> Option<u32> {
	let year = period.checked_div(periods_per_year)?.saturating_add(1);
	(year <= EMISSION_YEARS).then_some(year)
}

/// The emission of ledgering period `period` (counted from 0 at genesis).
pub fn period_emission(table: &YearlyTable, periods_per_year: u32, period: u32) -> u128 {
	let Some(year) = year_of_period(periods_per_year, period) else { return 0 };
	let yearly = table[(year - 1) as usize];
	let ppy = u128::from(periods_per_year);
	let index = u128::from(period % periods_per_year);
	let base = yearly / ppy;
	let dust = yearly % ppy;
	if index < dust {
		base.saturating_add(1)
	} else {
		base
	}
}

/// The emission of periods `0 ..= period` together: what the schedule has released by the end of
/// `period`. Constant-time (at most ten years are added up).
pub fn cumulative_emission(table: &YearlyTable, periods_per_year: u32, period: u32) -> u128 {
	if periods_per_year == 0 {
		return 0;
	}
	let full_years = period / periods_per_year;
	let whole: u128 =
		table.iter().take(full_years as usize).fold(0u128, |acc, e| acc.saturating_add(*e));
	let Some(yearly) = table.get(full_years as usize) else { return whole };
	let ppy = u128::from(periods_per_year);
	let elapsed = u128::from(period % periods_per_year).saturating_add(1);
	let partial = (yearly / ppy).saturating_mul(elapsed).saturating_add(elapsed.min(yearly % ppy));
	whole.saturating_add(partial)
}

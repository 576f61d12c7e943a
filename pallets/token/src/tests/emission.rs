//! The mining pool's emission schedule.

use super::*;
use crate::{
	emission::{cumulative_emission, period_emission, year_of_period, yearly_emission},
	types::*,
};
use sp_runtime::Perbill;

/// Year `y`'s emission by the closed formula `pool·(1 − d)·d^(y−1) / (1 − d^10)`, in floating
/// point: an independent check of the integer schedule.
fn closed_form(d: f64, y: i32) -> f64 {
	MINING_POOL as f64 * (1.0 - d) * d.powi(y - 1) / (1.0 - d.powi(10))
}

fn assert_close(actual: u128, expected: f64) {
	let error = (actual as f64 - expected).abs() / expected;
	assert!(error < 1e-12, "{actual} differs from {expected} by {error}");
}

#[test]
fn ten_years_follow_the_decay_curve_and_add_up_to_the_pool_exactly() {
	for percent in [50, 80, 90, 99] {
		let d = Perbill::from_percent(percent);
		let table = yearly_emission(MINING_POOL, d);
		assert_eq!(table.iter().sum::<u128>(), MINING_POOL, "decay {percent} %");
		for y in 1..=10 {
			assert_close(table[y - 1], closed_form(percent as f64 / 100.0, y as i32));
		}
		// Each year releases less than the one before.
		assert!(table.windows(2).all(|w| w[1] < w[0]));
	}
}

#[test]
fn the_default_decay_releases_a_billion_in_year_one_and_135_million_in_year_ten() {
	let table = yearly_emission(MINING_POOL, Perbill::from_percent(80));
	assert_eq!(table[0] / SPB, 1_008_261_224);
	assert_eq!(table[9] / SPB, 135_326_530);
}

#[test]
fn years_one_to_nine_are_rounded_down_and_year_ten_takes_the_dust() {
	// With d = 4/5 the exact emission of year y is the integer fraction
	// pool · 4^(y−1) · 5^(10−y) / Σ_k 4^k · 5^(9−k): no fixed point involved.
	let table = yearly_emission(MINING_POOL, Perbill::from_percent(80));
	let denominator: u128 = (0..10).map(|k| 4u128.pow(k) * 5u128.pow(9 - k)).sum();
	let exact = |y: u32| (MINING_POOL * 4u128.pow(y - 1) * 5u128.pow(10 - y), denominator);
	for y in 1..=9 {
		let (n, d) = exact(y);
		assert_eq!(table[y as usize - 1], n / d, "year {y} is the exact value rounded down");
	}
	let (n, d) = exact(10);
	let dust = table[9] - n / d;
	// Nine roundings down leave less than nine plancks, all released in year 10.
	assert!(dust < 9, "year 10 carries {dust} plancks of dust");
}

#[test]
fn no_decay_spreads_the_pool_evenly() {
	let table = yearly_emission(MINING_POOL, Perbill::one());
	assert!(table.iter().all(|e| *e == MINING_POOL / 10));
}

#[test]
fn periods_of_year_one_and_year_ten_share_their_year_to_the_planck() {
	let table = yearly_emission(MINING_POOL, Perbill::from_percent(80));
	for year in [1u32, 10] {
		let first = (year - 1) * PERIODS_PER_YEAR;
		let periods: Vec<u128> = (first..first + PERIODS_PER_YEAR)
			.map(|p| period_emission(&table, PERIODS_PER_YEAR, p))
			.collect();
		let yearly = table[year as usize - 1];
		assert_eq!(periods.iter().sum::<u128>(), yearly, "year {year}");
		// N(total) = that year's emission / periods per year, the remainder spread one planck
		// at a time over the first periods of the year.
		let base = yearly / PERIODS_PER_YEAR as u128;
		let dust = (yearly % PERIODS_PER_YEAR as u128) as usize;
		assert!(periods[..dust].iter().all(|e| *e == base + 1));
		assert!(periods[dust..].iter().all(|e| *e == base));
	}
	// Year 1: about 9 591 SPB every 5 minutes; year 10: about 1 287 SPB.
	assert_eq!(period_emission(&table, PERIODS_PER_YEAR, 0) / SPB, 9_591);
	assert_eq!(period_emission(&table, PERIODS_PER_YEAR, 10 * PERIODS_PER_YEAR - 1) / SPB, 1_287);
}

#[test]
fn all_periods_of_ten_years_add_up_to_the_pool_to_the_last_planck() {
	let table = yearly_emission(MINING_POOL, Perbill::from_percent(80));
	let mut total = 0u128;
	for p in 0..10 * PERIODS_PER_YEAR {
		total += period_emission(&table, PERIODS_PER_YEAR, p);
		// The constant-time cumulative sum agrees with the running sum at year boundaries.
		if (p + 1) % PERIODS_PER_YEAR == 0 || p < 3 {
			assert_eq!(cumulative_emission(&table, PERIODS_PER_YEAR, p), total, "period {p}");
		}
	}
	assert_eq!(total, MINING_POOL);
	assert_eq!(cumulative_emission(&table, PERIODS_PER_YEAR, u32::MAX), MINING_POOL);
}

#[test]
fn nothing_is_emitted_after_ten_years() {
	let table = yearly_emission(MINING_POOL, Perbill::from_percent(80));
	assert_eq!(year_of_period(PERIODS_PER_YEAR, 10 * PERIODS_PER_YEAR - 1), Some(10));
	assert_eq!(year_of_period(PERIODS_PER_YEAR, 10 * PERIODS_PER_YEAR), None);
	assert_eq!(period_emission(&table, PERIODS_PER_YEAR, 10 * PERIODS_PER_YEAR), 0);
	assert_eq!(period_emission(&table, PERIODS_PER_YEAR, u32::MAX), 0);
}

#[test]
fn the_pallet_reads_the_schedule_built_at_genesis() {
	build_and_execute(|| {
		let table = yearly_emission(MINING_POOL, Perbill::from_percent(80));
		assert_eq!(Token::yearly_emission(), table.to_vec());
		for p in [0, 1, PERIODS_PER_YEAR - 1, PERIODS_PER_YEAR, 9 * PERIODS_PER_YEAR] {
			assert_eq!(Token::emission_for_period(p), period_emission(&table, PERIODS_PER_YEAR, p));
		}
		let e = Token::period_emission(PERIODS_PER_YEAR);
		assert_eq!((e.period, e.year), (PERIODS_PER_YEAR, 2));
		assert_eq!(Token::period_emission(10 * PERIODS_PER_YEAR).year, 0);
	});
}

#[test]
fn a_genesis_decay_parameter_changes_the_curve() {
	let mut config = genesis();
	config.emission_decay = Perbill::from_percent(90);
	execute_with(config, || {
		assert_eq!(
			Token::yearly_emission(),
			yearly_emission(MINING_POOL, Perbill::from_percent(90)).to_vec()
		);
	});
}

#[test]
fn periods_are_counted_in_blocks_from_genesis() {
	build_and_execute(|| {
		assert_eq!(Token::blocks_per_period(), 100);
		go_to(0);
		assert_eq!(Token::current_period(), 0);
		go_to(PERIOD - 1);
		assert_eq!(Token::current_period(), 0);
		go_to(PERIOD);
		assert_eq!(Token::current_period(), 1);
		go_to(YEAR);
		assert_eq!(Token::current_period(), PERIODS_PER_YEAR);
	});
}

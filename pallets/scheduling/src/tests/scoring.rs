//! The scheduling rule: each factor moves the ranking the way `docs/scheduling.md` says.

use crate::{
	scoring::{self, Candidate, FULL, GIB},
	types::{ProfessionalFacts, SchedulingRule},
};

fn facts(storage_gib: u32, region: &[u8; 2]) -> ProfessionalFacts {
	ProfessionalFacts {
		storage_gib,
		online_periods: 100,
		last_online_period: Some(50),
		commons: 0,
		commons_storage_gib: 0,
		region: *region,
		patrol_passed_ppm: None,
	}
}

fn candidate(peer: u64, facts: ProfessionalFacts, committed: u64) -> Candidate<u64> {
	Candidate { peer, facts, committed }
}

const NOW: u32 = 50;
const LENGTH: u64 = GIB;

/// `storing` and `reserves` slots for a 1 GiB file in period `NOW`, `taken` regions placed.
fn slots(taken: &[[u8; 2]], storing: usize, reserves: usize) -> scoring::Vacancies<'_> {
	scoring::Vacancies { length: LENGTH, now: NOW, taken_regions: taken, storing, reserves }
}

/// The score of `c` for a 1 GiB file in an order with no storing peer yet, random factor 0.
fn score(c: &Candidate<u64>, rule: &SchedulingRule) -> u128 {
	scoring::score(&c.factors(LENGTH, rule, true, 0), rule)
}

/// Who a one-slot election picks among `candidates` (random factor 0).
fn winner(candidates: &[Candidate<u64>], rule: &SchedulingRule) -> Option<u64> {
	scoring::pick(candidates, slots(&[], 1, 0), rule, |_| 0).storing.first().copied()
}

/// The default rule with every weight zero.
fn no_weights() -> SchedulingRule {
	SchedulingRule {
		total_storage: 0,
		available_storage: 0,
		online: 0,
		commons: 0,
		redundant_commons: 0,
		commons_spare: 0,
		diversity: 0,
		random: 0,
		..Default::default()
	}
}

#[test]
fn more_declared_storage_ranks_higher() {
	let rule = SchedulingRule::default();
	let small = candidate(1, facts(1_000, b"SG"), 0);
	let large = candidate(2, facts(2_000, b"SG"), 0);
	assert!(score(&large, &rule) > score(&small, &rule));
	assert_eq!(winner(&[small, large], &rule), Some(2));
}

#[test]
fn more_available_storage_ranks_higher() {
	let rule = SchedulingRule::default();
	let busy = candidate(1, facts(1_000, b"SG"), 500 * GIB);
	let idle = candidate(2, facts(1_000, b"SG"), 100 * GIB);
	assert!(score(&idle, &rule) > score(&busy, &rule));
	assert_eq!(winner(&[busy, idle], &rule), Some(2));
}

#[test]
fn longer_online_ranks_higher_until_the_saturation() {
	let rule = SchedulingRule { online_saturation: 200, ..Default::default() };
	let mut f = facts(1_000, b"SG");
	f.online_periods = 10;
	let new = candidate(1, f, 0);
	f.online_periods = 150;
	let old = candidate(2, f, 0);
	f.online_periods = 200;
	let saturated = candidate(3, f, 0);
	f.online_periods = 10_000;
	let older = candidate(4, f, 0);
	assert!(score(&old, &rule) > score(&new, &rule));
	assert!(score(&saturated, &rule) > score(&old, &rule));
	assert_eq!(score(&older, &rule), score(&saturated, &rule));
	assert_eq!(older.factors(LENGTH, &rule, true, 0).online, FULL);
}

#[test]
fn more_common_peers_rank_higher() {
	let rule = SchedulingRule::default();
	let mut f = facts(1_000, b"SG");
	let alone = candidate(1, f, 0);
	f.commons = 3;
	let attached = candidate(2, f, 0);
	assert!(score(&attached, &rule) > score(&alone, &rule));
	assert_eq!(winner(&[alone, attached], &rule), Some(2));
}

#[test]
fn redundant_common_peers_and_their_spare_storage_rank_higher() {
	let rule = SchedulingRule::default();
	let mut f = facts(1_000, b"SG");
	f.commons = 4;
	f.commons_storage_gib = 1; // room for one copy of the file
	let thin = candidate(1, f, 0);
	f.commons_storage_gib = 8; // room for four copies: three beyond the first
	let redundant = candidate(2, f, 0);
	assert_eq!(thin.redundant_copies(LENGTH), 0);
	assert_eq!(redundant.redundant_copies(LENGTH), 3);
	let (a, b) = (thin.factors(LENGTH, &rule, true, 0), redundant.factors(LENGTH, &rule, true, 0));
	assert!(b.redundant_commons > a.redundant_commons);
	assert!(b.commons_spare > a.commons_spare);
	assert_eq!(winner(&[thin, redundant], &rule), Some(2));
	// Copies beyond the first are bounded by the common peers beyond the first.
	f.commons = 2;
	f.commons_storage_gib = 1_000;
	assert_eq!(candidate(3, f, 0).redundant_copies(LENGTH), 1);
}

#[test]
fn committed_bytes_eat_the_common_peers_spare_storage() {
	let rule = SchedulingRule::default();
	let mut f = facts(10_000, b"SG");
	f.commons = 2;
	f.commons_storage_gib = 100;
	let empty = candidate(1, f, 0);
	let full = candidate(2, f, 100 * GIB);
	assert!(
		empty.factors(LENGTH, &rule, true, 0).commons_spare
			> full.factors(LENGTH, &rule, true, 0).commons_spare
	);
	assert_eq!(full.factors(LENGTH, &rule, true, 0).commons_spare, 0);
}

#[test]
fn a_new_region_ranks_higher_and_spreads_the_copies() {
	let rule = SchedulingRule::default();
	let a = candidate(1, facts(2_000, b"SG"), 0);
	let b = candidate(2, facts(1_900, b"SG"), 0);
	let c = candidate(3, facts(1_000, b"DE"), 0);
	// Alone, b outranks c by its storage.
	assert!(score(&b, &rule) > score(&c, &rule));
	// With a picked first in SG, c's new region outweighs b's storage.
	let pick = scoring::pick(&[a.clone(), b.clone(), c.clone()], slots(&[], 2, 1), &rule, |_| 0);
	assert_eq!(pick.storing, vec![1, 3]);
	assert_eq!(pick.reserves, vec![2]);
	// The order's existing storing peers count as well.
	let pick = scoring::pick(&[b, c], slots(&[*b"SG"], 1, 0), &rule, |_| 0);
	assert_eq!(pick.storing, vec![3]);
}

#[test]
fn the_random_factor_can_decide_between_equals_and_only_it() {
	let rule = SchedulingRule::default();
	let one = candidate(1, facts(1_000, b"SG"), 0);
	let two = candidate(2, facts(1_000, b"SG"), 0);
	let pick_with = |seed: [u8; 32]| {
		scoring::pick(&[one.clone(), two.clone()], slots(&[], 1, 0), &rule, |p| {
			scoring::random_factor(&seed, 0, 1, p)
		})
		.storing[0]
	};
	let winners: std::collections::BTreeSet<u64> = (0u8..32).map(|i| pick_with([i; 32])).collect();
	assert_eq!(winners, [1, 2].into(), "each of two equal peers wins under some seed");
	// With a zero random weight the tie goes to the smaller account whatever the seed.
	let rule = SchedulingRule { random: 0, ..Default::default() };
	for i in 0u8..8 {
		let pick = scoring::pick(&[two.clone(), one.clone()], slots(&[], 1, 0), &rule, |p| {
			scoring::random_factor(&[i; 32], 0, 1, p)
		});
		assert_eq!(pick.storing, vec![1]);
	}
}

#[test]
fn the_random_factor_is_bounded_and_depends_on_every_input() {
	let seed = [3u8; 32];
	let base = scoring::random_factor(&seed, 5, 1, &7u64);
	assert!(base <= FULL);
	let others = [
		scoring::random_factor(&[4u8; 32], 5, 1, &7u64),
		scoring::random_factor(&seed, 6, 1, &7u64),
		scoring::random_factor(&seed, 5, 2, &7u64),
		scoring::random_factor(&seed, 5, 1, &8u64),
	];
	assert!(others.iter().all(|o| *o != base && *o <= FULL));
}

/// The pass rate starts from a prior of 4 passes in 5 and tends to the peer's own record.
#[test]
fn the_patrol_pass_rate_starts_from_its_prior_and_follows_the_record() {
	use crate::types::patrol_passed_ppm;
	assert_eq!(patrol_passed_ppm(0, 0), 800_000, "a new peer: 4 in 5");
	assert_eq!(patrol_passed_ppm(0, 1), 666_666, "one unlucky patrol does not sink it");
	assert_eq!(patrol_passed_ppm(95, 95), 990_000);
	assert!(patrol_passed_ppm(95, 95) > patrol_passed_ppm(0, 0), "a record beats the prior");
	assert_eq!(patrol_passed_ppm(10, 20), 560_000);
	assert_eq!(patrol_passed_ppm(0, 95), 40_000);
	// More passes than patrols (never from the pallet) count as patrols; no overflow.
	assert_eq!(patrol_passed_ppm(9, 5), 900_000);
	assert!(patrol_passed_ppm(u32::MAX, u32::MAX) <= 1_000_000);
}

/// Issue 19: the patrols' quality figure weighs in the rule. A peer that fails or leaves
/// unanswered part of its patrols weighs that much less, in every factor (the storage it
/// declares cannot buy back failed patrols); without a record (`None`) the factor is full.
#[test]
fn failed_patrols_scale_the_whole_score_down() {
	let rule = SchedulingRule::default();
	let with = |ppm: Option<u32>, storage_gib: u32, region: &[u8; 2]| ProfessionalFacts {
		patrol_passed_ppm: ppm,
		..facts(storage_gib, region)
	};
	let unknown = candidate(1, with(None, 10_000, b"SG"), 0);
	let perfect = candidate(2, with(Some(1_000_000), 10_000, b"SG"), 0);
	let half = candidate(3, with(Some(500_000), 10_000, b"SG"), 0);
	assert_eq!(score(&unknown, &rule), score(&perfect, &rule));
	assert_eq!(score(&half, &rule), score(&perfect, &rule) / 2);
	assert_eq!(half.factors(LENGTH, &rule, true, 0).reliability, FULL / 2);
	// Twice the storage does not make up for half the patrols failed.
	let big_but_half = candidate(4, with(Some(500_000), 20_000, b"SG"), 0);
	assert!(score(&big_but_half, &rule) < score(&perfect, &rule));
	assert_eq!(winner(&[big_but_half.clone(), perfect.clone()], &rule), Some(2));
	// The election's ranking scales the diversity bonus too, as `score` does: a peer in a new
	// region that passed half its patrols still beats a reliable one in a region taken
	// already (the bonus is large), one that passed a tenth does not.
	let in_new_region = |ppm| candidate(5, with(Some(ppm), 10_000, b"DE"), 0);
	let taken_reliable = scoring::score(&perfect.factors(LENGTH, &rule, false, 0), &rule);
	for (ppm, expected) in [(500_000, 5), (100_000, 2)] {
		let newcomer = in_new_region(ppm);
		let diverse = scoring::score(&newcomer.factors(LENGTH, &rule, true, 0), &rule);
		assert_eq!(diverse > taken_reliable, expected == 5, "{ppm}: {diverse} vs {taken_reliable}");
		let picked =
			scoring::pick(&[newcomer, perfect.clone()], slots(&[*b"SG"], 1, 0), &rule, |_| 0);
		assert_eq!(picked.storing, vec![expected], "{ppm}");
	}
	// Never patrolled passed: zero, and picked last.
	let failing = candidate(6, with(Some(0), 10_000, b"SG"), 0);
	assert_eq!(score(&failing, &rule), 0);
	let picked = scoring::pick(&[failing, unknown], slots(&[], 2, 0), &rule, |_| 0);
	assert_eq!(picked.storing, vec![1, 6]);
}

#[test]
fn unqualified_peers_are_never_picked() {
	let rule = SchedulingRule::default();
	let mut offline = facts(100_000, b"SG");
	offline.last_online_period = Some(NOW - rule.online_within - 1);
	let mut never = facts(100_000, b"SG");
	never.last_online_period = None;
	let full = candidate(3, facts(100_000, b"SG"), 100_000 * GIB);
	let small = candidate(4, facts(1, b"DE"), 0);
	let candidates = [candidate(1, offline, 0), candidate(2, never, 0), full, small.clone()];
	assert!(!candidates[0].qualifies(LENGTH, NOW, &rule));
	assert!(!candidates[1].qualifies(LENGTH, NOW, &rule));
	assert!(!candidates[2].qualifies(LENGTH, NOW, &rule));
	assert!(small.qualifies(LENGTH, NOW, &rule));
	let pick = scoring::pick(&candidates, slots(&[], 3, 2), &rule, |_| 0);
	assert_eq!(pick.storing, vec![4]);
	assert!(pick.reserves.is_empty());
	// Online exactly at the window's edge still qualifies.
	let mut edge = facts(1_000, b"SG");
	edge.last_online_period = Some(NOW - rule.online_within);
	assert!(candidate(5, edge, 0).qualifies(LENGTH, NOW, &rule));
}

#[test]
fn a_zero_weight_silences_its_factor() {
	let rule = SchedulingRule { online: 1, ..no_weights() };
	let mut f = facts(100, b"SG");
	f.online_periods = 20;
	let uptime = candidate(2, f, 0);
	let mut f = facts(100_000, b"DE");
	f.online_periods = 10;
	f.commons = 8;
	f.commons_storage_gib = 100_000;
	let everything_else = candidate(1, f, 0);
	// Only the online factor counts: more storage, commons and a new region do not.
	assert_eq!(winner(&[everything_else, uptime], &rule), Some(2));
}

#[test]
fn rules_out_of_bounds_are_invalid() {
	assert!(SchedulingRule::default().is_valid());
	let zero = no_weights();
	assert!(!zero.is_valid());
	assert!(
		!SchedulingRule { random: SchedulingRule::MAX_WEIGHT + 1, ..Default::default() }.is_valid()
	);
	assert!(!SchedulingRule { online_saturation: 0, ..Default::default() }.is_valid());
	assert!(!SchedulingRule { online_within: 0, ..Default::default() }.is_valid());
}

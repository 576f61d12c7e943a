//! The scheduling rule (whitepaper ch.2 §5 iv), as pure functions: which professional peers
//! qualify for a file, each factor of a candidate's score, and the greedy pick of an order's
//! slots. The chain runs it when an election closes; a scheduling peer's off-chain worker runs
//! the same code without the random factor to choose whom it proposes. `docs/scheduling.md`
//! states the rule and its weights.

use crate::types::{ProfessionalFacts, SchedulingRule};
use alloc::vec::Vec;
use codec::Encode;

/// A factor at its fullest.
pub const FULL: u64 = 1_000_000;
/// Bytes in a GiB.
pub const GIB: u64 = 1 << 30;
/// Declared storage at which the total-storage and available-storage factors are full:
/// 128 TiB, the largest server the registry counts (256 instances of 500 GB).
pub const STORAGE_SATURATION: u64 = 128 * 1024 * GIB;
/// Attached common peers at which the commons factor is full.
pub const COMMONS_SATURATION: u64 = 8;
/// Redundant copies at which the redundant-commons factor is full.
pub const REDUNDANT_SATURATION: u64 = 4;
/// Spare common storage at which the commons-spare factor is full: 16 TiB.
pub const SPARE_SATURATION: u64 = 16 * 1024 * GIB;

/// A professional peer the election weighs, with what the chain knows of it.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Candidate<AccountId> {
	/// Its account.
	pub peer: AccountId,
	/// The registry's facts.
	pub facts: ProfessionalFacts,
	/// Bytes it holds or fetches for placements now.
	pub committed: u64,
}

/// Each factor of a candidate's score, scaled to `0..=FULL`, before the weights.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct Factors {
	/// Declared storage.
	pub total_storage: u64,
	/// Declared storage less committed bytes.
	pub available_storage: u64,
	/// Periods with a heartbeat.
	pub online: u64,
	/// Attached common peers.
	pub commons: u64,
	/// Copies beyond the first of its committed bytes and the file its commons could hold.
	pub redundant_commons: u64,
	/// Its commons' storage less its committed bytes.
	pub commons_spare: u64,
	/// In a region none of the order's storing peers is in.
	pub diversity: u64,
	/// The random factor.
	pub random: u64,
	/// The part of its patrols it passed: it scales the whole score (a peer that fails half
	/// its patrols weighs half), [`FULL`] before it has had enough patrols to tell.
	pub reliability: u64,
}

/// `x / cap` scaled to `0..=FULL`, `x` capped at `cap`.
pub fn scaled(x: u64, cap: u64) -> u64 {
	if cap == 0 {
		return 0;
	}
	(u128::from(x.min(cap)) * u128::from(FULL) / u128::from(cap)) as u64
}

impl<AccountId> Candidate<AccountId> {
	/// Declared storage in bytes.
	pub fn total_bytes(&self) -> u64 {
		u64::from(self.facts.storage_gib).saturating_mul(GIB)
	}

	/// Declared storage not committed, in bytes.
	pub fn available_bytes(&self) -> u64 {
		self.total_bytes().saturating_sub(self.committed)
	}

	/// Whether it qualifies to store a file of `length` bytes in period `now`: a heartbeat in
	/// the last `rule.online_within` periods and room for the file.
	pub fn qualifies(&self, length: u64, now: u32, rule: &SchedulingRule) -> bool {
		let recent = self
			.facts
			.last_online_period
			.is_some_and(|p| p.saturating_add(rule.online_within) >= now);
		recent && self.available_bytes() >= length
	}

	/// The copies beyond the first of everything it would hold with a file of `length` bytes
	/// that its common peers' storage could keep, at most one per common peer beyond the first.
	pub fn redundant_copies(&self, length: u64) -> u64 {
		let held = self.committed.saturating_add(length).max(1);
		let commons_bytes = self.facts.commons_storage_gib.saturating_mul(GIB);
		(commons_bytes / held)
			.saturating_sub(1)
			.min(u64::from(self.facts.commons).saturating_sub(1))
	}

	/// Its factors for a file of `length` bytes; `diverse` if its region is new to the order,
	/// `random` already scaled.
	pub fn factors(
		&self,
		length: u64,
		rule: &SchedulingRule,
		diverse: bool,
		random: u64,
	) -> Factors {
		let commons_bytes = self.facts.commons_storage_gib.saturating_mul(GIB);
		Factors {
			total_storage: scaled(self.total_bytes(), STORAGE_SATURATION),
			available_storage: scaled(self.available_bytes(), STORAGE_SATURATION),
			online: scaled(u64::from(self.facts.online_periods), u64::from(rule.online_saturation)),
			commons: scaled(u64::from(self.facts.commons), COMMONS_SATURATION),
			redundant_commons: scaled(self.redundant_copies(length), REDUNDANT_SATURATION),
			commons_spare: scaled(commons_bytes.saturating_sub(self.committed), SPARE_SATURATION),
			diversity: if diverse { FULL } else { 0 },
			random: random.min(FULL),
			reliability: self.reliability(),
		}
	}

	/// The part of its patrols it passed, scaled to `0..=FULL` ([`FULL`] if too few to tell).
	pub fn reliability(&self) -> u64 {
		self.facts.patrol_passed_ppm.map_or(FULL, |ppm| u64::from(ppm).min(FULL))
	}
}

/// `sum` scaled by `reliability` (of [`FULL`]).
fn reliable(sum: u128, reliability: u64) -> u128 {
	sum.saturating_mul(u128::from(reliability.min(FULL))) / u128::from(FULL)
}

/// The weighted sum of `factors` under `rule`, scaled by the reliability factor.
pub fn score(factors: &Factors, rule: &SchedulingRule) -> u128 {
	reliable(weighted_sum(factors, rule), factors.reliability)
}

/// The weighted sum of `factors` under `rule`, before the reliability scales it.
fn weighted_sum(factors: &Factors, rule: &SchedulingRule) -> u128 {
	let terms = [
		(factors.total_storage, rule.total_storage),
		(factors.available_storage, rule.available_storage),
		(factors.online, rule.online),
		(factors.commons, rule.commons),
		(factors.redundant_commons, rule.redundant_commons),
		(factors.commons_spare, rule.commons_spare),
		(factors.diversity, rule.diversity),
		(factors.random, rule.random),
	];
	terms.iter().map(|(f, w)| u128::from(*f) * u128::from(*w)).sum()
}

/// The random factor of `peer` in an election: `blake2_256(seed, order, attempt, peer)` as a
/// number, scaled to `0..=FULL`. The seed is drawn when the election closes, after every
/// response is in, so no scheduling peer knows it when it chooses whom to propose.
pub fn random_factor<AccountId: Encode>(
	seed: &[u8; 32],
	order: u64,
	attempt: u8,
	peer: &AccountId,
) -> u64 {
	let digest = sp_io::hashing::blake2_256(&(seed, order, attempt, peer).encode());
	let mut first = [0u8; 8];
	first.copy_from_slice(&digest[..8]);
	u64::from_le_bytes(first) % (FULL + 1)
}

/// What an election picks.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Pick<AccountId> {
	/// The storing peers picked, best first.
	pub storing: Vec<AccountId>,
	/// The reserves picked, best first.
	pub reserves: Vec<AccountId>,
}

/// What an election has to fill.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Vacancies<'a> {
	/// The file's length in bytes.
	pub length: u64,
	/// The current ledgering period.
	pub now: u32,
	/// The regions of the order's storing peers already placed.
	pub taken_regions: &'a [[u8; 2]],
	/// Empty storing slots.
	pub storing: usize,
	/// Reserves wanted.
	pub reserves: usize,
}

/// Pick up to `vacancies.storing` storing peers and then up to `vacancies.reserves` reserves
/// among `candidates`, greedily: each slot goes to the qualified candidate with the greatest
/// score (ties: the smaller account), where diversity counts the regions taken already and
/// those of the storing peers picked before. Candidates must be distinct. `random(peer)` gives
/// each candidate's random factor.
///
/// Work: one score evaluation per candidate, then `O((storing + reserves) · candidates)`
/// additions and comparisons (only the diversity factor changes from slot to slot).
pub fn pick<AccountId: Ord + Clone>(
	candidates: &[Candidate<AccountId>],
	vacancies: Vacancies,
	rule: &SchedulingRule,
	random: impl Fn(&AccountId) -> u64,
) -> Pick<AccountId> {
	let Vacancies { length, now, taken_regions, storing, reserves } = vacancies;
	let mut ranking = Ranking::new(candidates, length, now, taken_regions, rule, random);
	let storing = ranking.take(storing, true, |_| true);
	Pick { storing, reserves: ranking.take(reserves, false, |_| true) }
}

/// An election's qualified candidates, each scored once by the rule but the diversity factor
/// (all or nothing, counted as slots are taken), from which slots are taken greedily: what
/// [`pick`] does in one go, for an election that decides the reserves' number only once the
/// storing slots are taken.
pub struct Ranking<'c, AccountId> {
	/// The candidates not taken yet, with their weighted sums without diversity (before the
	/// reliability scales them) and their reliability.
	open: Vec<(&'c Candidate<AccountId>, u128, u64)>,
	/// The regions of the storing peers, placed before and taken since.
	regions: Vec<[u8; 2]>,
	/// The diversity factor's weight at full measure.
	bonus: u128,
}

impl<'c, AccountId: Ord + Clone> Ranking<'c, AccountId> {
	/// Score the candidates that qualify for a file of `length` bytes in period `now`, the
	/// order's storing peers being in `taken_regions`. Work: one score evaluation each.
	pub fn new(
		candidates: &'c [Candidate<AccountId>],
		length: u64,
		now: u32,
		taken_regions: &[[u8; 2]],
		rule: &SchedulingRule,
		random: impl Fn(&AccountId) -> u64,
	) -> Self {
		let open = candidates
			.iter()
			.filter(|c| c.qualifies(length, now, rule))
			.map(|c| {
				let factors = c.factors(length, rule, false, random(&c.peer));
				(c, weighted_sum(&factors, rule), factors.reliability)
			})
			.collect();
		let bonus = u128::from(FULL) * u128::from(rule.diversity);
		Self { open, regions: taken_regions.to_vec(), bonus }
	}

	/// Take up to `count` slots, one at a time, each for the open candidate `eligible` allows
	/// with the greatest score (ties: the smaller account); storing slots count their peers'
	/// regions for diversity from then on. Work: `O(count · candidates)`.
	pub fn take(
		&mut self,
		count: usize,
		storing: bool,
		eligible: impl Fn(&AccountId) -> bool,
	) -> Vec<AccountId> {
		let mut taken = Vec::new();
		while taken.len() < count {
			let open = &self.open;
			let best = open
				.iter()
				.enumerate()
				.filter(|(_, (c, _, _))| eligible(&c.peer))
				.map(|(i, (c, base, reliability))| {
					let diverse = !self.regions.contains(&c.facts.region);
					let sum = if diverse { base.saturating_add(self.bonus) } else { *base };
					(reliable(sum, *reliability), i)
				})
				.max_by(|(a, i), (b, j)| {
					a.cmp(b).then_with(|| open[*j].0.peer.cmp(&open[*i].0.peer))
				});
			let Some((_, i)) = best else { break };
			let (chosen, _, _) = self.open.swap_remove(i);
			if storing {
				self.regions.push(chosen.facts.region);
			}
			taken.push(chosen.peer.clone());
		}
		taken
	}
}

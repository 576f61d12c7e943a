//! Periods: each one's draw, fixed when it begins, and the records kept for audits; the
//! targets a draw selects (for the runtime API).

use crate::*;
use alloc::vec::Vec;
use pallet_token::MiningPool;
use spacebook_patrol_primitives::is_drawn;

/// The context of a period's seed.
pub const SEED_CONTEXT: &[u8] = b"spacebook/patrol-seed";
/// Records pruned per block at most, when periods were skipped.
pub const PRUNE_PER_BLOCK: u32 = 2;

impl<T: Config> Pallet<T> {
	/// Open the current period if it is not yet, and prune what has aged out.
	pub(crate) fn on_period_hooks() -> Weight {
		let current = T::MiningPool::current_period();
		let mut weight = T::DbWeight::get().reads(1);
		if !Periods::<T>::contains_key(current) {
			Self::open_period(current);
			weight = T::WeightInfo::open_period();
		}
		weight.saturating_add(Self::prune(current))
	}

	/// Fix `period`'s draw and reward from the chain's randomness, the registry and the
	/// parameters now.
	pub(crate) fn open_period(period: u32) {
		let parameters = Parameters::<T>::get();
		let seed =
			sp_io::hashing::blake2_256(&(SEED_CONTEXT, T::Randomness::get(), period).encode());
		let draw = PatrolDraw {
			period,
			seed,
			population: T::Registry::serving_peers_count(),
			expected: parameters.expected,
		};
		let peers = T::MiningPool::period_emission(period).peers;
		let budget = parameters.share.mul_floor(peers);
		let reward_per_pass =
			budget / T::Balance::from(u64::from(parameters.rewarded_passes.max(1)));
		Periods::<T>::insert(
			period,
			PeriodPatrols {
				draw,
				share: parameters.share,
				reward_per_pass,
				rewarded_passes: parameters.rewarded_passes,
				passes_paid: 0,
				paid: Zero::zero(),
				failure_memory: parameters.failure_memory,
				batches: BoundedVec::new(),
			},
		);
		Self::deposit_event(Event::PeriodOpened { draw, reward_per_pass });
	}

	/// Remove at most [`PRUNE_PER_BLOCK`] records older than [`Config::HistoryDepth`] periods.
	fn prune(current: u32) -> Weight {
		let keep_from = current.saturating_sub(T::HistoryDepth::get().saturating_sub(1));
		let mut oldest = OldestPeriod::<T>::get();
		let mut pruned = 0;
		while oldest < keep_from && pruned < PRUNE_PER_BLOCK {
			Periods::<T>::remove(oldest);
			oldest = oldest.saturating_add(1);
			pruned += 1;
		}
		if pruned > 0 {
			OldestPeriod::<T>::put(oldest);
		}
		T::DbWeight::get().reads_writes(1, u64::from(pruned).saturating_add(u64::from(pruned > 0)))
	}

	/// The draw of `period`, if kept.
	pub fn draw(period: u32) -> Option<PatrolDraw> {
		Periods::<T>::get(period).map(|p| p.draw)
	}

	/// Whether `peer`'s patrol in `period` (or a later one) is already recorded.
	pub fn patrolled(peer: &T::AccountId, period: u32) -> bool {
		Quality::<T>::get(peer).is_some_and(|q| q.patrols > 0 && q.last_period >= period)
	}

	/// The peers `scheduler`'s draw of `period` with `output` selects, not yet patrolled in
	/// it: those drawn (registered before the period), then, in the room left of
	/// [`Config::MaxResults`], the requested ones, least recently patrolled first, so that
	/// requests never crowd the draw out and each is patrolled in turn. Reads the whole
	/// registry: for the runtime API.
	pub fn targets(
		scheduler: &T::AccountId,
		period: u32,
		output: &[u8; 32],
	) -> Vec<PatrolTarget<T::AccountId>> {
		let Some(record) = Periods::<T>::get(period) else { return Vec::new() };
		let max = T::MaxResults::get() as usize;
		let wanted = |peer: &T::AccountId| {
			peer != scheduler && T::Registry::is_patrollable(peer) && !Self::patrolled(peer, period)
		};
		let mut targets: Vec<PatrolTarget<T::AccountId>> = T::Registry::serving_peers()
			.into_iter()
			.filter(|(peer, _)| {
				wanted(peer)
					&& is_drawn(output, peer, &record.draw)
					&& T::Registry::registered_in(peer).is_some_and(|since| since < period)
			})
			.take(max)
			.map(|(peer, endpoint)| PatrolTarget { peer, requested: false, endpoint })
			.collect();
		let mut requested: Vec<((u32, u32), T::AccountId)> = Requests::<T>::iter()
			.filter(|(peer, _)| wanted(peer) && !targets.iter().any(|t| &t.peer == peer))
			.map(|(peer, request)| {
				let last = Quality::<T>::get(&peer).map_or(0, |q| q.last_period);
				((last, request.since), peer)
			})
			.collect();
		requested.sort();
		let room = max.saturating_sub(targets.len());
		targets.extend(requested.into_iter().take(room).map(|(_, peer)| PatrolTarget {
			endpoint: T::Registry::endpoint(&peer),
			peer,
			requested: true,
		}));
		targets
	}

	/// The peers a failed audit asks to be patrolled, with the period of the request.
	pub fn requests() -> Vec<(T::AccountId, u32)> {
		Requests::<T>::iter().map(|(peer, request)| (peer, request.since)).collect()
	}

	/// What patrols measured of `peer`.
	pub fn quality(peer: &T::AccountId) -> Option<PatrolQuality> {
		Quality::<T>::get(peer)
	}
}

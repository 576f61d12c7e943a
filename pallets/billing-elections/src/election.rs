//! Eras: counting the votes, changing Gosig's authority set, and replacing departed billing
//! peers with backups.

use crate::{pallet::*, types::*, AuthoritySet, BillingCandidates, WeightInfo, LOG_TARGET};
use alloc::{collections::BTreeMap, vec::Vec};
use frame_support::{pallet_prelude::*, traits::fungible::Inspect};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::{traits::Saturating, Perbill, SaturatedConversion};

/// A candidate with the SPB voters gave its registration.
pub type Backed<AccountId, BillingKey> = (Candidate<AccountId, BillingKey>, u128);

/// What counting the votes now decides ([`Pallet::count_votes`]).
pub struct Count<AccountId, BillingKey> {
	/// How many the method elected (before the turnover budget).
	pub electable: u32,
	/// Every ranked candidate, the elected first, in rank order.
	pub in_rank_order: Vec<Backed<AccountId, BillingKey>>,
	/// Who would take the seats; `None` when the set is kept (too few electable).
	pub seating: Option<crate::turnover::Seating<AccountId, BillingKey>>,
	/// The set's keys now.
	pub current: Vec<BillingKey>,
}

/// An election's result: the elected in rank order, then the backups in rank order.
pub struct Ranking<AccountId, BillingKey> {
	/// The candidates elected, best first.
	pub elected: Vec<Backed<AccountId, BillingKey>>,
	/// The others, best first.
	pub backups: Vec<Backed<AccountId, BillingKey>>,
}

impl<T: Config> Pallet<T> {
	/// The per-block work: an election from an era's first block on, else the replacement of
	/// departed billing peers. Both wait for a block that can carry a set change.
	pub(crate) fn advance(n: BlockNumberFor<T>) -> Weight {
		// First, before any change in this block: the packer named by the set it packed for.
		let packer = Self::note_packer();
		let era_end = EraStart::<T>::get().saturating_add(EraLength::<T>::get());
		let idle = T::DbWeight::get().reads(4).saturating_add(packer);
		if n >= era_end {
			if !T::AuthoritySet::can_change() {
				Self::deposit_event(Event::ChangeDeferred);
				return idle;
			}
			Self::elect(n).saturating_add(packer)
		} else if !Departed::<T>::get().is_empty() {
			// Only kept departures wait: try again after the retry interval, not every block.
			let waiting = idle.saturating_add(T::DbWeight::get().reads(1));
			if ReplacementRetryAt::<T>::get().is_some_and(|at| n < at)
				|| !T::AuthoritySet::can_change()
			{
				return waiting;
			}
			if !Self::replace_departed() {
				ReplacementRetryAt::<T>::put(n.saturating_add(T::ReplacementRetry::get()));
			}
			T::WeightInfo::replace_departed().saturating_add(waiting)
		} else {
			idle
		}
	}

	/// Count the votes as an era's election would now, without changing anything: the rank,
	/// the keep rule and the turnover budget. The election and the runtime API's projection
	/// both use it.
	pub(crate) fn count_votes(method: ElectionMethod) -> Count<T::AccountId, T::BillingKey> {
		let candidates = Self::bounded_candidates();
		let current = T::AuthoritySet::authorities();
		// The billing peers that could stay: those still eligible.
		let eligible_members =
			candidates.iter().filter(|c| current.contains(&c.key)).count() as u32;
		let Ranking { elected, backups } = Self::rank(candidates, method);
		let electable = elected.len() as u32;
		// The whole ranking, the elected first.
		let in_rank_order: Vec<_> = elected.iter().chain(backups.iter()).cloned().collect();
		let seating = if electable < T::MinElected::get() && electable <= eligible_members {
			// Fewer than the minimum, and no more than the set still has: keep it.
			None
		} else {
			Some(Self::seat(elected, backups, &current))
		};
		Count { electable, in_rank_order, seating, current }
	}

	/// Count the votes and begin era `CurrentEra + 1` at block `n`: the elected become the
	/// authority set, unless too few can be elected or Gosig refuses the set (then it is kept
	/// for the era and every ranked candidate is a backup).
	pub(crate) fn elect(n: BlockNumberFor<T>) -> Weight {
		let era = CurrentEra::<T>::get().saturating_add(1);
		let method = Method::<T>::get();
		let Count { electable, in_rank_order, seating, current } = Self::count_votes(method);
		// Charged for every candidate the registry may hold: the registry reads them all,
		// eligible or not, before the ranking leaves any out.
		let candidates = T::MaxCandidates::get().max(in_rank_order.len() as u32);
		let weight = match method {
			ElectionMethod::Phragmen => T::WeightInfo::elect_phragmen(
				candidates,
				VoterList::<T>::decode_len().unwrap_or(0) as u32,
			),
			ElectionMethod::TopByStake => T::WeightInfo::elect_by_stake(candidates),
		};
		let mut outcome = EraOutcome { era, method, ..Default::default() };
		let ranked = match seating {
			None => {
				Self::deposit_event(Event::SetKept { era, electable });
				in_rank_order
			}
			Some(seating) => {
				let keys: Vec<T::BillingKey> =
					seating.seated.iter().map(|(c, _)| c.key.clone()).collect();
				let keys_seated = keys.clone();
				let same = keys.len() == current.len() && keys.iter().all(|k| current.contains(k));
				let change = if same { Ok(()) } else { T::AuthoritySet::change(keys) };
				match change {
					Ok(()) => {
						outcome.changed = !same;
						outcome.elected = seating.seated.len() as u32;
						outcome.newcomers = seating.newcomers;
						outcome.deferred = seating.deferred;
						// A kept absentee seated again has its node to prove anew: on
						// probation, like a newcomer.
						let mut on_probation = seating.on_probation;
						for key in Absent::<T>::get() {
							if keys_seated.contains(&key) && !on_probation.contains(&key) {
								on_probation.push(key);
							}
						}
						OnProbation::<T>::put(BoundedVec::truncate_from(on_probation));
						// The other departed are not eligible.
						Departed::<T>::kill();
						Absent::<T>::kill();
						seating.backups
					}
					Err(e) => {
						log::error!(target: LOG_TARGET, "era {era}: Gosig refused the set: {e:?}");
						Self::deposit_event(Event::SetChangeFailed { era });
						in_rank_order
					}
				}
			}
		};
		let backups: Vec<Ranked<T::AccountId>> = ranked
			.into_iter()
			.take(T::MaxBackups::get() as usize)
			.map(|(c, backing)| Ranked {
				account: c.account,
				registration: c.registration,
				backing,
			})
			.collect();
		outcome.backups = backups.len() as u32;
		Backups::<T>::put(BoundedVec::truncate_from(backups));
		// New backups: departures still waiting are tried at once.
		ReplacementRetryAt::<T>::kill();
		CurrentEra::<T>::put(era);
		EraStart::<T>::put(n);
		LastOutcome::<T>::put(outcome);
		Self::deposit_event(Event::NewEra { outcome });
		weight
	}

	/// The eligible candidates, at most [`Config::MaxCandidates`] (the most backed, should the
	/// registry offer more).
	fn bounded_candidates() -> Vec<Candidate<T::AccountId, T::BillingKey>> {
		let mut candidates = T::Candidates::eligible();
		let max = T::MaxCandidates::get() as usize;
		if candidates.len() > max {
			defensive!("the registry offers more candidates than MaxCandidates");
			candidates.sort_by_cached_key(|c| {
				core::cmp::Reverse(Backing::<T>::get(&c.account, c.registration))
			});
			candidates.truncate(max);
		}
		candidates
	}

	/// Rank the eligible `candidates` by `method`. Only candidates with votes are elected, at
	/// most [`Config::MaxElected`]; the backups follow in the method's order (Phragmén's next
	/// rounds; stake), candidates without votes last. Exact ties go to regional partners, then
	/// to older registrations.
	pub fn rank(
		mut candidates: Vec<Candidate<T::AccountId, T::BillingKey>>,
		method: ElectionMethod,
	) -> Ranking<T::AccountId, T::BillingKey> {
		// The tie order, which both methods keep (stable sorts; Phragmén takes the first of
		// equal scores).
		candidates.sort_by_cached_key(|c| {
			(!RegionalPartners::<T>::contains_key(&c.account), c.registration)
		});
		let mut remaining: Vec<Backed<T::AccountId, T::BillingKey>> = candidates
			.into_iter()
			.map(|c| {
				let backing = Backing::<T>::get(&c.account, c.registration);
				(c, backing)
			})
			.collect();
		let seats = T::MaxElected::get() as usize;
		let ranked = seats.saturating_add(T::MaxBackups::get() as usize);
		// Only candidates backed with at least `MinBacking` take part; the others rank as
		// unvoted.
		let min = T::MinBacking::get();
		let electable: Vec<Backed<T::AccountId, T::BillingKey>> =
			remaining.iter().filter(|(_, backing)| *backing >= min).cloned().collect();
		let order: Vec<T::AccountId> = match method {
			ElectionMethod::TopByStake => Self::top_by_stake(&electable, ranked),
			ElectionMethod::Phragmen => Self::phragmen(&electable, ranked).unwrap_or_else(|| {
				log::error!(target: LOG_TARGET, "Phragmén failed; counting by stake instead");
				Self::top_by_stake(&electable, ranked)
			}),
		};
		// Pick the voted candidates in the method's order; the unvoted stay in the tie order.
		let mut positions: BTreeMap<T::AccountId, usize> = BTreeMap::new();
		for (i, (c, _)) in remaining.iter().enumerate() {
			positions.insert(c.account.clone(), i);
		}
		let mut taken = alloc::vec![false; remaining.len()];
		let mut in_order = Vec::with_capacity(remaining.len());
		for who in order {
			if let Some(&i) = positions.get(&who) {
				if !taken[i] {
					taken[i] = true;
					in_order.push(i);
				}
			}
		}
		let mut picked: Vec<Option<Backed<T::AccountId, T::BillingKey>>> =
			remaining.drain(..).map(Some).collect();
		let mut voted: Vec<Backed<T::AccountId, T::BillingKey>> =
			in_order.into_iter().filter_map(|i| picked[i].take()).collect();
		let unvoted = picked.into_iter().flatten();
		let backups_from = voted.len().min(seats);
		let mut backups = voted.split_off(backups_from);
		backups.extend(unvoted);
		Ranking { elected: voted, backups }
	}

	/// The candidates with votes, most backed first, in the tie order among equals.
	fn top_by_stake(
		candidates: &[Backed<T::AccountId, T::BillingKey>],
		places: usize,
	) -> Vec<T::AccountId> {
		let mut ranked: Vec<&Backed<T::AccountId, T::BillingKey>> =
			candidates.iter().filter(|(_, backing)| *backing > 0).collect();
		ranked.sort_by_key(|(_, backing)| core::cmp::Reverse(*backing));
		ranked.into_iter().take(places).map(|(c, _)| c.account.clone()).collect()
	}

	/// Sequential Phragmén over the voter list, `places` rounds: each vote backs, with the SPB
	/// it gives eligible candidates' current registrations (at most what the voter holds), the
	/// candidates it names. Returns the candidates with votes in the order the rounds chose
	/// them; `None` if the algorithm fails.
	fn phragmen(
		candidates: &[Backed<T::AccountId, T::BillingKey>],
		places: usize,
	) -> Option<Vec<T::AccountId>> {
		let registrations: BTreeMap<&T::AccountId, u64> =
			candidates.iter().map(|(c, _)| (&c.account, c.registration)).collect();
		// Phragmén weighs votes in u64: scale the SPB so that the whole issuance fits.
		let scale = (T::Currency::total_issuance() / u128::from(u64::MAX)).saturating_add(1);
		let voters: Vec<(T::AccountId, u64, Vec<T::AccountId>)> = VoterList::<T>::get()
			.into_iter()
			.filter_map(|(_, voter)| {
				let vote = Votes::<T>::get(&voter)?;
				let (stake, targets) = vote
					.into_iter()
					.filter(|e| registrations.get(&e.candidate) == Some(&e.registration))
					.fold((0u128, Vec::new()), |(stake, mut targets), e| {
						targets.push(e.candidate);
						(stake.saturating_add(e.amount), targets)
					});
				// SPB the voter put on hold and lost since it voted do not count.
				let stake = stake.min(T::Currency::total_balance(&voter));
				let weight: u64 = (stake / scale).saturated_into();
				(weight > 0).then_some((voter, weight, targets))
			})
			.collect();
		let ids = candidates.iter().map(|(c, _)| c.account.clone()).collect();
		let result =
			sp_npos_elections::seq_phragmen::<T::AccountId, Perbill>(places, ids, voters, None)
				.ok()?;
		Some(
			result
				.winners
				.into_iter()
				.filter(|(_, backed)| *backed > 0)
				.map(|(who, _)| who)
				.collect(),
		)
	}

	/// `who`, a billing-peer candidate, is leaving the registry or was evicted: it is no longer
	/// a regional partner, and if its key is in the authority set it is replaced at the next
	/// block that can carry a change. The runtime calls this from the registry's `OnLeaving`,
	/// while the registration (and its key) still exists; it weighs at most
	/// [`WeightInfo::note_departure`].
	pub fn note_departure(who: &T::AccountId) {
		RegionalPartners::<T>::remove(who);
		let Some(key) = T::Candidates::key_of(who) else { return };
		// Leaving or evicted: no longer an absentee the floor may keep (an evicted one goes
		// whatever the size; a leaver is kept only as a leaver).
		Absent::<T>::mutate(|absent| absent.retain(|k| *k != key));
		Self::mark_departed(key);
	}

	/// The billing peer of `key` missed too many rounds' votes: it leaves the authority set at
	/// the next block that can carry a change and the best eligible backup takes its place, under
	/// the same probation rules as a departure ([`Pallet::note_departure`]). Its candidacy, votes
	/// and regional-partner flag stay: voters may elect it again at the next era, on probation.
	/// Weighs at most [`WeightInfo::note_departure`].
	pub fn replace_absent(key: &T::BillingKey) {
		// Not in the set, or departing for another reason already (which decides its fate).
		if !T::AuthoritySet::authorities().contains(key) || Departed::<T>::get().contains(key) {
			return;
		}
		Self::mark_departed(key.clone());
		Absent::<T>::mutate(|absent| {
			if !absent.contains(key) && absent.try_push(key.clone()).is_err() {
				defensive!("more absent billing peers than MaxElected");
			}
		});
	}

	fn mark_departed(key: T::BillingKey) {
		if !T::AuthoritySet::authorities().contains(&key) {
			return;
		}
		let current = T::AuthoritySet::authorities();
		// A new departure is tried at once.
		ReplacementRetryAt::<T>::kill();
		Departed::<T>::mutate(|departed| {
			// Only members of the set wait for replacement: a key the set lost meanwhile (an
			// election) makes room.
			departed.retain(|k| current.contains(k));
			if !departed.contains(&key) && departed.try_push(key).is_err() {
				defensive!("more departed billing peers than MaxElected");
			}
		});
		Absent::<T>::mutate(|absent| absent.retain(|k| current.contains(k)));
	}

	/// Take the departed billing peers out of the set and let the best backups that are still
	/// eligible, with the same registration and with votes now, take their places. A billing
	/// peer that leaves of its own accord ([`BillingCandidates::may_keep_seat`]) or missed votes
	/// ([`Absent`]) keeps its seat while the set would otherwise fall below the smaller of its
	/// size and [`Config::MinElected`] (a leaver's exit waits for its seat anyway): it stays in
	/// [`Departed`] until a backup can take its place or the next election. An evicted billing
	/// peer goes whatever the size.
	/// The set never becomes empty: with every billing peer departed and no backup, the
	/// departures wait for the next era or for a backup.
	///
	/// Returns whether it changed anything: `false` when only departures the floor keeps wait
	/// (then [`Pallet::advance`] tries again after [`Config::ReplacementRetry`]).
	pub(crate) fn replace_departed() -> bool {
		let departed = Departed::<T>::get();
		let current = T::AuthoritySet::authorities();
		let remaining = current.iter().filter(|k| !departed.contains(k)).count();
		if remaining == current.len() {
			Departed::<T>::kill();
			Absent::<T>::kill();
			ReplacementRetryAt::<T>::kill();
			return true;
		}
		let allowed = Self::replacements_allowed(&current, &departed);
		let min_backing = T::MinBacking::get();
		let mut added: Vec<T::BillingKey> = Vec::new();
		let mut left = Vec::new();
		for backup in Backups::<T>::get() {
			if (added.len() as u32) < allowed
				&& T::Candidates::is_eligible(&backup.account)
				&& T::Candidates::registration_of(&backup.account) == Some(backup.registration)
				&& Backing::<T>::get(&backup.account, backup.registration) >= min_backing
			{
				if let Some(key) = T::Candidates::key_of(&backup.account) {
					if !current.contains(&key) && !added.contains(&key) {
						added.push(key);
						continue;
					}
				}
			}
			left.push(backup);
		}
		// Voluntary leavers and absentees keep their seats up to the floor.
		let absent = Absent::<T>::get();
		let floor = (T::MinElected::get() as usize).min(current.len());
		let mut short = floor.saturating_sub(remaining.saturating_add(added.len()));
		let kept: Vec<T::BillingKey> = current
			.iter()
			.filter(|k| departed.contains(k))
			.filter(|k| {
				let keep = short > 0 && (absent.contains(k) || T::Candidates::may_keep_seat(k));
				if keep {
					short -= 1;
				}
				keep
			})
			.cloned()
			.collect();
		let mut keys: Vec<T::BillingKey> =
			current.iter().filter(|k| !departed.contains(k) || kept.contains(k)).cloned().collect();
		let removed = current.len().saturating_sub(keys.len()) as u32;
		if removed == 0 && added.is_empty() {
			// Only departures the floor keeps: they wait for a backup or the next election.
			return false;
		}
		let added_count = added.len() as u32;
		keys.extend(added.iter().cloned());
		if keys.is_empty() {
			log::debug!(target: LOG_TARGET, "every billing peer departed and no backup is left");
			return false;
		}
		ReplacementRetryAt::<T>::kill();
		match T::AuthoritySet::change(keys) {
			Ok(()) => {
				// The backups seated now are on probation.
				OnProbation::<T>::mutate(|probation| {
					probation.retain(|k| {
						(!departed.contains(k) || kept.contains(k)) && current.contains(k)
					});
					for key in &added {
						if probation.try_push(key.clone()).is_err() {
							defensive!("more billing peers on probation than MaxElected");
						}
					}
				});
				// The kept wait on; the others are out of the set.
				Departed::<T>::put(BoundedVec::truncate_from(kept.clone()));
				Absent::<T>::mutate(|a| a.retain(|k| kept.contains(k)));
				Backups::<T>::put(BoundedVec::truncate_from(left));
				Self::deposit_event(Event::BillingPeersReplaced { removed, added: added_count });
			}
			Err(e) => {
				log::error!(target: LOG_TARGET, "Gosig refused the replacement: {e:?}");
				Departed::<T>::kill();
				Absent::<T>::kill();
				Self::deposit_event(Event::SetChangeFailed { era: CurrentEra::<T>::get() });
			}
		}
		true
	}

	/// The backing a candidate needs to keep its place in a full candidate registry (the
	/// registry's displacement, `docs/peers.md`): [`Config::MinBacking`], or [`MinBackingShare`]
	/// of everything held for the elections ([`TotalLocked`]: votes and unbonding SPB, so that
	/// withdrawing votes cannot lower it before the SPB have unbonded) if that is more.
	pub fn registry_bar() -> u128 {
		T::MinBacking::get().max(MinBackingShare::<T>::get().mul_floor(TotalLocked::<T>::get()))
	}
}

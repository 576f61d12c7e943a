//! Settlement (whitepaper ch.3 §1 steps 4 and 5): after the audits, each period's reports are
//! counted, the top group is paid `N(a) = N(total) · T(a) / T(total)` (within the wash-trading
//! cap), the billing peers share the billing emission, and old periods are pruned — in bounded
//! batches, in `on_initialize`.

use crate::*;
use frame_support::{pallet_prelude::*, traits::Defensive};

/// What [`Pallet::count_report`] did with a report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CountOutcome {
	/// Left for the other pass.
	Skipped,
	/// Counted, at this weight.
	Done(Weight),
	/// Its count does not fit in what is left of the block's budget.
	Deferred,
}

impl<T: Config> Pallet<T> {
	/// The per-block work: draw audit seeds at the windows' ends, settle, and in the blocks
	/// without settlement work, prune.
	pub(crate) fn advance(n: BlockNumberFor<T>) -> Weight {
		let current = Self::period_of(n);
		let offset = Self::offset_of(n);
		let (start, audit) = (Self::audit_start(), T::AuditWindow::get());
		let mut weight = T::DbWeight::get().reads(1);
		weight.saturating_accrue(Self::note_packed_block(current));
		if current >= 1 && (offset == start || offset == start + audit) {
			weight.saturating_accrue(Self::draw_seed(
				current - 1,
				if offset == start { 1 } else { 2 },
			));
		}
		if let Some(settlement) = Settling::<T>::get() {
			weight.saturating_accrue(Self::settle_step(settlement));
		} else {
			let next = NextToSettle::<T>::get();
			let ready = next < current && (next + 1 < current || offset >= start + 2 * audit);
			if ready {
				weight.saturating_accrue(Self::start_settlement(next));
			} else {
				weight.saturating_accrue(Self::prune_step());
			}
		}
		weight
	}

	pub(crate) fn start_settlement(period: u32) -> Weight {
		let parameters = Self::parameters();
		use spacebook_patrol_primitives::PeersShareReserve;
		let peers = T::MiningPool::period_emission(period).peers;
		let emission = peers.saturating_sub(T::PeersShareReserve::reserved(period, peers));
		Settling::<T>::put(Settlement {
			period,
			stage: SettlementStage::Failing(0),
			top: BoundedVec::new(),
			top_group: parameters.top_group.min(T::MaxTopGroup::get()),
			reward_cap: parameters.reward_cap,
			total_traffic: 0,
			emission,
			paid: Zero::zero(),
		});
		// The part reserved for others ([`Config::PeersShareReserve`]): a record read.
		T::WeightInfo::start_settlement().saturating_add(T::DbWeight::get().reads(1))
	}

	pub(crate) fn settle_step(mut s: SettlementOf<T>) -> Weight {
		match s.stage {
			SettlementStage::Failing(from) | SettlementStage::Counting(from) => {
				let passed_pass = matches!(s.stage, SettlementStage::Counting(_));
				let ranking = Ranking::<T>::get(s.period);
				let len = ranking.len() as u32;
				// Highest first, so that a full top group is filled, and contested bytes are
				// counted, in rank order. The failed reports go first, freeing their
				// reservations for the passed reports' contested bytes. A block counts at most
				// `SettleBatch` reports within `SettleWeight`, and looks at most at
				// `LOOK_FACTOR` times as many (a report left for the other pass costs a read),
				// so that the two passes over a full set take 20 + 3 blocks, not 40.
				let batch = T::SettleBatch::get();
				let mut used = Weight::zero();
				let (mut end, mut counted) = (from, 0u32);
				while end < len && counted < batch && end - from < batch.saturating_mul(LOOK_FACTOR)
				{
					let (_, peer) = &ranking[(len - 1 - end) as usize];
					// At least one report a block, whatever it weighs.
					let room = if counted == 0 {
						Weight::MAX
					} else {
						T::SettleWeight::get().saturating_sub(used)
					};
					match Self::count_report(&mut s, peer, passed_pass, room) {
						CountOutcome::Skipped => {}
						CountOutcome::Done(weight) => {
							counted += 1;
							used.saturating_accrue(weight);
						}
						CountOutcome::Deferred => break,
					}
					end += 1;
				}
				// Every report looked at is read (and the one deferred, if any).
				let looked_at = u64::from(end - from + 1);
				s.stage = match (passed_pass, end >= len) {
					(false, false) => SettlementStage::Failing(end),
					(false, true) => SettlementStage::Counting(0),
					(true, false) => SettlementStage::Counting(end),
					(true, true) => {
						s.total_traffic =
							s.top.iter().fold(0u128, |sum, (t, _)| sum.saturating_add(*t));
						SettlementStage::Paying(0)
					}
				};
				Settling::<T>::put(s);
				used.saturating_add(T::DbWeight::get().reads_writes(looked_at + 1, 1))
					.saturating_add(Weight::from_parts(
						0,
						(ReportRecordOf::<T>::max_encoded_len() as u64).saturating_mul(looked_at)
							+ RankingOf::<T>::max_encoded_len() as u64,
					))
			}
			SettlementStage::Paying(from) => {
				let end = from.saturating_add(T::PayoutBatch::get()).min(s.top.len() as u32);
				for rank in from..end {
					Self::pay_winner(&mut s, rank);
				}
				let paid = end - from;
				if end as usize >= s.top.len() {
					let billing = Self::pay_billing_peers(s.period);
					Self::finish_settlement(s, billing);
					// Paying a billing peer costs what paying a winner does; its count of
					// packed blocks is one more read and write.
					T::WeightInfo::settle_pay(paid.saturating_add(T::MaxBillingPeers::get()))
						.saturating_add(T::WeightInfo::finish_settlement())
						.saturating_add(T::DbWeight::get().reads_writes(1, 1))
				} else {
					s.stage = SettlementStage::Paying(end);
					Settling::<T>::put(s);
					T::WeightInfo::settle_pay(paid)
				}
			}
		}
	}

	/// Count one report if its audit passed (`passed_pass`) or if it did not (otherwise): its
	/// audit, its paid bytes, its place in the top group; only if its count's weight is at most
	/// `room`.
	pub(crate) fn count_report(
		s: &mut SettlementOf<T>,
		peer: &T::AccountId,
		passed_pass: bool,
		room: Weight,
	) -> CountOutcome {
		let period = s.period;
		let Some(mut record) = Reports::<T>::get(period, peer).defensive() else {
			return CountOutcome::Skipped;
		};
		let passed = matches!(record.status, AuditStatus::Passed { .. });
		if passed != passed_pass {
			return CountOutcome::Skipped;
		}
		let dapps = record.report.per_dapp.len() as u32;
		let weight = if passed {
			T::WeightInfo::count_passed_report(dapps)
		} else {
			// The patrol pallet is told ([`Config::OnAuditFailed`]): a request read and written.
			T::WeightInfo::count_failed_report(dapps)
				.saturating_add(T::DbWeight::get().reads_writes(1, 1))
		};
		if weight.any_gt(room) {
			return CountOutcome::Deferred;
		}
		let mut traffic = TrafficOf::<T>::get(peer).unwrap_or_default();
		let mut outcome = ReportOutcome::<T::Balance>::default();
		// Whatever the outcome, the report's reservations end here: a passed report claims
		// them below, a failed one frees them for other reports.
		Self::release_backing(&record, passed);
		match record.status {
			AuditStatus::Passed { .. } => {
				let mut fees = T::Balance::zero();
				let from_period = record.report.from_period;
				let period = record.report.period;
				for (i, ((dapp, claimed), backing)) in
					record.report.per_dapp.iter().zip(record.backed.iter()).enumerate()
				{
					// The reservation kept the backed bytes for this report; defensive: never
					// count more than the DApp has left.
					let mut counted =
						(*backing).min(T::Billing::unclaimed_paid_bytes(dapp, from_period, period));
					if counted < *backing {
						defensive!("reserved paid bytes were claimed by another report");
					}
					if counted > 0 {
						fees = fees
							.saturating_add(T::Billing::claim_paid_bytes(dapp, counted, period));
					}
					// Contested bytes count from what no pending report has reserved now: the
					// reservations of failed and dropped reports, and bytes bought since.
					let contested = record.contested_of(i).min(Self::available_paid_bytes(
						dapp,
						from_period,
						period,
					));
					if contested > 0 {
						Self::note_reservation(dapp, from_period, contested);
						fees = fees
							.saturating_add(T::Billing::claim_paid_bytes(dapp, contested, period));
						counted = counted.saturating_add(contested);
					}
					outcome.unpaid_claimed |= counted < *claimed;
					outcome.counted = outcome.counted.saturating_add(counted);
				}
				// Only a claim above all the DApp paid for is the peer's fault; a claim cut
				// because other peers' reports reserved the DApp's paid bytes first is not.
				if record.over_claimed {
					Self::penalize(peer, PenaltyReason::UnpaidTrafficClaimed);
				}
				outcome.fees = record.carried_fees.saturating_add(fees);
			}
			_ => {
				record.status = AuditStatus::Failed;
				outcome.fees = record.carried_fees;
				outcome.unpaid_claimed = record.over_claimed;
				Self::deposit_event(Event::AuditFailed { peer: peer.clone(), period });
				Self::deposit_event(Event::PatrolRequested { peer: peer.clone(), period });
				<T::OnAuditFailed as spacebook_patrol_primitives::OnAuditFailed<_>>::audit_failed(
					peer, period,
				);
				// A failed report that pushed another out of a full set is punished harder:
				// false claims must not be a cheap way to crowd out honest reports. (One that
				// only reserved paid bytes is warned: an honest node that missed both audit
				// rounds looks the same, and the ladder escalates repeated failures.)
				let level =
					if record.displaced { PenaltyLevel::Suspend } else { PenaltyLevel::Warn };
				Self::penalize_at(peer, PenaltyReason::AuditFailed, level);
			}
		}
		outcome.ranked = record.carried_in.saturating_add(outcome.counted);
		outcome.carried_out = outcome.ranked;
		traffic.carried = outcome.ranked;
		traffic.carried_fees = outcome.fees;
		traffic.next_period = traffic.next_period.max(period.saturating_add(1));
		TrafficOf::<T>::insert(peer, traffic);
		// A failed report does not rank, not even with its carried bytes (which it keeps); nor
		// does the report of a peer that may no longer earn (suspended or leaving since), whose
		// bytes stay carried.
		if passed && outcome.ranked > 0 && T::Registry::can_earn(peer) {
			Self::enter_top(s, outcome.ranked, peer);
		}
		record.outcome = Some(outcome);
		Reports::<T>::insert(period, peer, record);
		CountOutcome::Done(weight)
	}

	/// Put `(traffic, peer)` into the top group if it ranks there.
	pub(crate) fn enter_top(s: &mut SettlementOf<T>, traffic: u128, peer: &T::AccountId) {
		let limit = s.top_group as usize;
		// Order: traffic descending, then account ascending (by encoding).
		let key = |t: &u128, who: &T::AccountId| (core::cmp::Reverse(*t), who.encode());
		let new = key(&traffic, peer);
		let at = s.top.partition_point(|(t, who)| key(t, who) < new);
		if at >= limit {
			return;
		}
		if s.top.len() >= limit {
			s.top.pop();
		}
		if s.top.try_insert(at, (traffic, peer.clone())).is_err() {
			defensive!("the top group is bounded by MaxTopGroup");
		}
	}

	pub(crate) fn pay_winner(s: &mut SettlementOf<T>, rank: u32) {
		let Some((traffic, peer)) = s.top.get(rank as usize).cloned() else { return };
		let Some(mut record) = Reports::<T>::get(s.period, &peer).defensive() else { return };
		let mut outcome = record.outcome.unwrap_or_default();
		let mut reward = Self::reward_of(s.emission, traffic, s.total_traffic);
		if let Some(cap) = s.reward_cap {
			let most = cap.mul_floor(outcome.fees);
			outcome.capped = reward > most;
			reward = reward.min(most);
		}
		outcome.rank = Some(rank + 1);
		outcome.reward = reward;
		let paid = reward.is_zero()
			|| match T::MiningPool::pay_from_pool(&peer, reward, PayoutPurpose::Traffic) {
				Ok(()) => {
					s.paid = s.paid.saturating_add(reward);
					T::Registry::on_reward(&peer, reward);
					Self::deposit_event(Event::RewardPaid {
						peer: peer.clone(),
						period: s.period,
						rank: rank + 1,
						traffic,
						amount: reward,
					});
					true
				}
				Err(error) => {
					Self::deposit_event(Event::RewardNotPaid {
						peer: peer.clone(),
						period: s.period,
						amount: reward,
						error,
					});
					false
				}
			};
		if paid {
			// The winner's traffic is paid for: its counters clear.
			outcome.carried_out = 0;
			TrafficOf::<T>::mutate(&peer, |t| {
				if let Some(t) = t {
					t.carried = 0;
					t.carried_fees = Zero::zero();
				}
			});
		} else {
			// Not paid: the traffic stays carried (as set when counting) for a later period.
			outcome.reward = Zero::zero();
		}
		record.outcome = Some(outcome);
		Reports::<T>::insert(s.period, &peer, record);
	}

	/// `N(a) = N(total) · T(a) / T(total)`, rounded down.
	pub fn reward_of(emission: T::Balance, traffic: u128, total: u128) -> T::Balance {
		if total == 0 {
			return Zero::zero();
		}
		sp_runtime::helpers_128bit::multiply_by_rational_with_rounding(
			emission.saturated_into::<u128>(),
			traffic,
			total,
			Rounding::Down,
		)
		.unwrap_or(0)
		.saturated_into()
	}

	pub(crate) fn finish_settlement(s: SettlementOf<T>, billing_paid: T::Balance) {
		let period = s.period;
		let full = s.top.len() as u32 >= s.top_group;
		let cutoff = if full { s.top.last().map_or(0, |(t, _)| *t) } else { 0 };
		let summary = PeriodSummary {
			reports: Ranking::<T>::get(period).len() as u32,
			winners: s.top.len() as u32,
			total_traffic: s.total_traffic,
			emission: s.emission,
			paid: s.paid,
			cutoff,
			billing_paid,
		};
		Cutoff::<T>::put(cutoff);
		Settled::<T>::insert(period, summary);
		Settling::<T>::kill();
		NextToSettle::<T>::put(period.saturating_add(1));
		AuditSeeds::<T>::remove(period);
		Self::deposit_event(Event::PeriodSettled { period, summary });
	}

	/// Forget the oldest period beyond [`Config::HistoryDepth`] settled periods, at most
	/// [`Config::PruneBatch`] entries a block: its bills first (each told to
	/// [`Config::OnBilled`]), then its reports (its ranking
	/// and DApp entries with the first batch, its summary with the last). It runs in the blocks without
	/// settlement work (from the end of a period's settlement to the start of the next one: at
	/// least the report window, the seed delay and both audit windows), in which a full
	/// period's bills and reports fit (`integrity_test`), so pruning keeps pace with settlement.
	pub(crate) fn prune_step() -> Weight {
		let oldest = OldestKept::<T>::get();
		let keep_from = NextToSettle::<T>::get().saturating_sub(T::HistoryDepth::get());
		if oldest >= keep_from {
			return T::DbWeight::get().reads(2);
		}
		let batch = T::PruneBatch::get();
		// At most one bill per DApp entry of the period. Each bill forgotten is told to
		// `OnBilled` (the committee's DApp ranking): once, with the DApp's whole bill of the
		// period, in blocks without settlement work (`prune_bills` weighs it in the runtime).
		if Bills::<T>::iter_key_prefix(oldest).next().is_some() {
			for (dapp, bill) in Bills::<T>::drain_prefix(oldest).take(batch as usize) {
				T::OnBilled::on_billed(&dapp, bill.amount);
			}
			return T::WeightInfo::prune_bills(batch);
		}
		// The ranking and the entry count go with the first batch of reports, so that no
		// ranking names a forgotten report; the summary goes with the last.
		Ranking::<T>::remove(oldest);
		DAppEntries::<T>::remove(oldest);
		if Reports::<T>::clear_prefix(oldest, batch, None).maybe_cursor.is_none() {
			Settled::<T>::remove(oldest);
			OldestKept::<T>::put(oldest.saturating_add(1));
		}
		T::WeightInfo::prune_reports(batch.min(T::MaxReports::get()))
	}

	/// The blocks [`Self::prune_step`] takes, at most, to forget a full period.
	pub fn prune_blocks() -> u32 {
		let batch = T::PruneBatch::get().max(1);
		T::MaxDAppEntries::get().div_ceil(batch) + 1 + T::MaxReports::get().div_ceil(batch)
	}

	pub(crate) fn penalize(peer: &T::AccountId, reason: PenaltyReason) {
		Self::penalize_at(peer, reason, PenaltyLevel::Warn)
	}

	pub(crate) fn penalize_at(peer: &T::AccountId, reason: PenaltyReason, level: PenaltyLevel) {
		if let Err(e) = T::Penalties::penalize(peer, reason, level) {
			log::warn!(target: LOG_TARGET, "cannot penalize {peer:?} for {reason:?}: {e:?}");
		}
	}

	/// Why `who` earned what it did for `period`, from chain data; `settled` says whether the
	/// settlement's figures are in yet.
	pub fn explain_reward(
		who: &T::AccountId,
		period: u32,
	) -> Option<RewardExplanation<T::Balance>> {
		let record = Reports::<T>::get(period, who)?;
		let settled = Settled::<T>::get(period);
		let summary = settled.unwrap_or_default();
		let outcome = record.outcome.unwrap_or_default();
		let unbacked =
			record.backed.iter().zip(record.report.per_dapp.iter()).any(|(b, (_, c))| b < c);
		Some(RewardExplanation {
			period,
			settled: settled.is_some(),
			reported: record.report.root.sum,
			carried_in: record.carried_in,
			backed: record.backed_total(),
			audit: record.status,
			counted: outcome.counted,
			ranked: outcome.ranked,
			rank: outcome.rank,
			cutoff: summary.cutoff,
			total_traffic: summary.total_traffic,
			emission: summary.emission,
			reward: outcome.reward,
			carried_out: outcome.carried_out,
			// Until settled, whether some claim is not backed yet (its contested bytes may
			// still count).
			unpaid_claimed: if record.outcome.is_some() {
				outcome.unpaid_claimed
			} else {
				unbacked
			},
			fees: outcome.fees,
			capped: outcome.capped,
		})
	}
}

//! Reports (whitepaper ch.3 §1 step 2): a peer's claim for a ledgering period, admitted in the
//! report window only for what paid traffic backs, ranked, and kept in a bounded set.

use crate::*;
use frame_support::pallet_prelude::*;
use sp_runtime::transaction_validity::{
	InvalidTransaction, TransactionPriority, TransactionSource, TransactionValidityWithRefund,
	ValidTransaction,
};

impl<T: Config> Pallet<T> {
	/// Check a report against the chain; returns what accepting it takes.
	///
	/// Each DApp's claim is backed by the DApp's paid bytes that neither a settled report
	/// claimed nor a pending report reserved ([`Pallet::available_paid_bytes`]), up to the
	/// claim; the report ranks by its carried bytes plus its backed bytes. Claimed bytes that
	/// the DApp paid for but pending reports reserved first are *contested*: audited like the
	/// backed ones, and counted at settlement if those reservations are freed (their reports
	/// fail or are dropped). A report that paid traffic does not back at all (and that carries
	/// nothing) is refused. Claimed bytes above what the DApp paid for never count.
	pub fn check_report(
		report: &TrafficReportOf<T>,
		signature: &ReportSignature<T>,
	) -> Result<Admission<T>, Error<T>> {
		let now = frame_system::Pallet::<T>::block_number();
		let current = Self::period_of(now);
		ensure!(
			current >= 1
				&& report.period == current - 1
				&& Self::offset_of(now) < T::ReportWindow::get(),
			Error::<T>::ReportWindowClosed
		);
		// The peer's first unclaimed period, which `from_period` is checked against, is final
		// only once the previous period is settled (the first review of issue 14, point 6).
		ensure!(NextToSettle::<T>::get() >= report.period, Error::<T>::PreviousPeriodNotSettled);
		ensure!(T::Registry::can_earn(&report.peer), Error::<T>::CannotEarn);
		let key = T::Registry::peer_key(&report.peer).ok_or(Error::<T>::CannotEarn)?;
		ensure!(
			!Reports::<T>::contains_key(report.period, &report.peer),
			Error::<T>::DuplicateReport
		);
		let traffic = TrafficOf::<T>::get(&report.peer).unwrap_or_default();
		let earliest = traffic.next_period.max(report.period.saturating_sub(T::MaxRollover::get()));
		ensure!(
			(earliest..=report.period).contains(&report.from_period),
			Error::<T>::BadFromPeriod
		);
		let total = report.root.sum;
		ensure!(
			total > 0 && report.leaf_count > 0 && u128::from(report.leaf_count) <= total,
			Error::<T>::EmptyReport
		);
		ensure!(
			report.leaf_count as usize <= crate::MAX_REPORTED_RECEIPTS,
			Error::<T>::TooManyReceipts
		);
		let mut sum = 0u128;
		let mut previous: Option<Vec<u8>> = None;
		let mut backed = BoundedVec::<u128, T::MaxDApps>::new();
		let mut contested = BoundedVec::<u128, T::MaxDApps>::new();
		let mut backed_total = 0u128;
		let mut over_claimed = false;
		let mut unpaid_dapp = false;
		for (dapp, bytes) in report.per_dapp.iter() {
			let key = dapp.encode();
			ensure!(
				*bytes > 0 && previous.as_ref().is_none_or(|p| *p < key),
				Error::<T>::DAppsNotSorted
			);
			previous = Some(key);
			sum = sum.checked_add(*bytes).ok_or(Error::<T>::TotalsMismatch)?;
			// A claim above all the DApp paid for is the peer's fault, a withdrawal announced
			// before the report's receipts is not.
			over_claimed |= *bytes > T::Billing::unclaimed_paid_bytes(dapp, 0, report.period);
			let unclaimed =
				T::Billing::unclaimed_paid_bytes(dapp, report.from_period, report.period);
			let claimable = (*bytes).min(unclaimed);
			unpaid_dapp |= claimable == 0;
			let backing = claimable.min(unclaimed.saturating_sub(Reserved::<T>::get(dapp)));
			backed_total = backed_total.saturating_add(backing);
			// As long as `per_dapp`, which is bounded by the same `MaxDApps`.
			backed.try_push(backing).map_err(|_| Error::<T>::TotalsMismatch)?;
			contested
				.try_push(claimable.saturating_sub(backing))
				.map_err(|_| Error::<T>::TotalsMismatch)?;
		}
		ensure!(sum == total, Error::<T>::TotalsMismatch);
		// A DApp whose paid traffic backs none of the claim would never be audited (its range is
		// not sampled) and would only take DApp entries (the second review of contested bytes).
		ensure!(!unpaid_dapp, Error::<T>::DAppNotPaidFor);
		let ranked = traffic.carried.saturating_add(backed_total);
		// Admitted only for what it carries or paid traffic backs now, so that one DApp's paid
		// bytes cannot admit a set full of sybils (finding 1). A report whose every paid byte
		// other reports reserved first is refused, and its receipts roll over to the next.
		ensure!(ranked > 0, Error::<T>::NotPaidFor);
		if contested.iter().all(|c| *c == 0) {
			contested = Default::default();
		}
		let ranking = Ranking::<T>::get(report.period);
		// The set is full when it holds `MaxReports` reports, or when this report's DApps
		// would take its DApps past `MaxDAppEntries` (settlement work: the second attacker
		// review of contested bytes). A full set takes a report only in place of its smallest,
		// which must make room for it.
		let entries = DAppEntries::<T>::get(report.period);
		let dapps = report.per_dapp.len() as u32;
		let over_entries = entries.saturating_add(dapps) > T::MaxDAppEntries::get();
		// The cutoff applies only to a full set: while the set has room every backed report is
		// admitted, so reports just above the honest ones cannot lock honest peers out by
		// raising the cutoff (the attacker review of issue 14).
		if ranking.is_full() || over_entries {
			ensure!(ranked >= Cutoff::<T>::get(), Error::<T>::BelowCutoff);
			let smallest = ranking.first().ok_or(Error::<T>::ReportSetFull)?;
			ensure!(
				Self::rank_key(ranked, &report.peer) > Self::rank_key(smallest.0, &smallest.1),
				Error::<T>::ReportSetFull
			);
			if over_entries {
				let freed = Reports::<T>::get(report.period, &smallest.1)
					.map_or(0, |r| r.report.per_dapp.len() as u32);
				ensure!(
					entries.saturating_sub(freed).saturating_add(dapps) <= T::MaxDAppEntries::get(),
					Error::<T>::ReportSetFull
				);
			}
		}
		ensure!(
			key.verify(&Self::report_payload(report), signature),
			Error::<T>::BadReportSignature
		);
		Ok(Admission {
			carried_in: traffic.carried,
			carried_fees: traffic.carried_fees,
			backed,
			contested,
			over_claimed,
		})
	}

	/// Keep a checked report: reserve its backed bytes, rank it (dropping the smallest report of
	/// a full set, whose reservations are released) and store it.
	pub(crate) fn accept_report(
		report: TrafficReportOf<T>,
		admission: Admission<T>,
	) -> DispatchResult {
		let Admission { carried_in, carried_fees, backed, contested, over_claimed } = admission;
		let period = report.period;
		let peer = report.peer.clone();
		let backed_total = backed.iter().fold(0u128, |sum, b| sum.saturating_add(*b));
		let ranked = carried_in.saturating_add(backed_total);
		let mut ranking = Ranking::<T>::get(period);
		let dapps = report.per_dapp.len() as u32;
		let displaced = ranking.is_full()
			|| DAppEntries::<T>::get(period).saturating_add(dapps) > T::MaxDAppEntries::get();
		if displaced {
			let (_, dropped) = ranking.remove(0);
			if let Some(record) = Reports::<T>::take(period, &dropped) {
				Self::release_backing(&record, false);
				let freed = record.report.per_dapp.len() as u32;
				DAppEntries::<T>::mutate(period, |e| *e = e.saturating_sub(freed));
			}
			Self::deposit_event(Event::ReportDropped { peer: dropped, period });
		}
		DAppEntries::<T>::mutate(period, |e| *e = e.saturating_add(dapps));
		let key = Self::rank_key(ranked, &peer);
		let at = ranking.partition_point(|(t, who)| Self::rank_key(*t, who) < key);
		ranking.try_insert(at, (ranked, peer.clone())).map_err(|_| Error::<T>::ReportSetFull)?;
		Ranking::<T>::insert(period, ranking);
		let mut from_announced = BoundedVec::<u128, T::MaxDApps>::new();
		for (i, ((dapp, claimed), backing)) in report.per_dapp.iter().zip(backed.iter()).enumerate()
		{
			let mut announced = 0;
			if *backing > 0 {
				announced = Self::note_reservation(dapp, report.from_period, *backing)
					.saturated_into::<u128>();
				Reserved::<T>::mutate(dapp, |r| *r = r.saturating_add(*backing));
			}
			// As long as `per_dapp`, which is bounded by the same `MaxDApps`.
			let _ = from_announced.try_push(announced);
			let claimable = backing.saturating_add(contested.get(i).copied().unwrap_or(0));
			if claimable < *claimed {
				Self::deposit_event(Event::UnpaidTrafficClaimed {
					peer: peer.clone(),
					period,
					dapp: dapp.clone(),
					claimed: *claimed,
					counted: claimable,
				});
			}
		}
		let bytes = report.root.sum;
		Reports::<T>::insert(
			period,
			&peer,
			ReportRecord {
				report,
				carried_in,
				carried_fees,
				status: AuditStatus::Pending,
				outcome: None,
				displaced,
				backed,
				contested,
				over_claimed,
				from_announced: if from_announced.iter().any(|a| *a > 0) {
					from_announced
				} else {
					Default::default()
				},
			},
		);
		Self::deposit_event(Event::ReportAccepted {
			peer,
			period,
			bytes,
			backed: backed_total,
			ranked,
		});
		Ok(())
	}

	/// Release the paid bytes `record` reserved (a report dropped, failed or settled). Unless
	/// they are `claimed` next, what it took from a DApp's announced withdrawal goes back to it.
	pub(crate) fn release_backing(record: &ReportRecordOf<T>, claimed: bool) {
		for (i, ((dapp, _), backing)) in
			record.report.per_dapp.iter().zip(record.backed.iter()).enumerate()
		{
			if *backing > 0 {
				Reserved::<T>::mutate_exists(dapp, |r| {
					let left = r.unwrap_or(0).saturating_sub(*backing);
					*r = (left > 0).then_some(left);
				});
			}
			let announced = record.from_announced.get(i).copied().unwrap_or(0);
			if !claimed && announced > 0 {
				Self::return_announced(dapp, record.report.from_period, announced.saturated_into());
			}
		}
	}

	/// `dapp`'s paid bytes at period `period`'s price that no report has claimed or reserved:
	/// what may back a new report of `period` whose oldest receipts are of `from_period` (0:
	/// what any report might, a withdrawal's funds included).
	pub fn available_paid_bytes(dapp: &T::AccountId, from_period: u32, period: u32) -> u128 {
		T::Billing::unclaimed_paid_bytes(dapp, from_period, period)
			.saturating_sub(Reserved::<T>::get(dapp))
	}

	/// The weight of [`Pallet::submit_report`] naming `d` DApps (benchmarked with a
	/// reservation, contested bytes and an announced withdrawal per DApp, in a full set), and
	/// the count of the period's DApp entries ([`DAppEntries`]: a read and a write, and the
	/// smallest report's record when the set is full by DApps), added after the last benchmark
	/// run; the next `scripts/bench-weights.sh pallet_traffic` measures them.
	pub fn submit_report_weight(d: u32) -> Weight {
		T::WeightInfo::submit_report(d).saturating_add(T::DbWeight::get().reads_writes(2, 1))
	}

	/// The weight of authorizing a report naming `d` DApps (and, as for the call, the DApp
	/// entries' two reads).
	pub fn authorize_report_weight(d: u32) -> Weight {
		T::WeightInfo::authorize_report(d).saturating_add(T::DbWeight::get().reads(2))
	}

	/// The order of reports, worst first: by `T(a)` ascending, then by the account's encoding
	/// descending, so that of two equal reports the smaller account ranks higher (the same
	/// order as the top group's).
	pub fn rank_key(traffic: u128, who: &T::AccountId) -> (u128, core::cmp::Reverse<Vec<u8>>) {
		(traffic, core::cmp::Reverse(who.encode()))
	}

	/// The transaction validity of [`Pallet::submit_report`]: valid while the report checks;
	/// one per peer and period, until the report window closes.
	pub fn authorize_report(
		_source: TransactionSource,
		report: &TrafficReportOf<T>,
		signature: &ReportSignature<T>,
	) -> TransactionValidityWithRefund {
		Self::check_report(report, signature).map_err(|e| match e {
			Error::<T>::BadReportSignature => InvalidTransaction::BadProof,
			Error::<T>::ReportWindowClosed | Error::<T>::DuplicateReport => {
				InvalidTransaction::Stale
			}
			Error::<T>::CannotEarn => InvalidTransaction::BadSigner,
			_ => InvalidTransaction::Custom(Self::error_index(&e)),
		})?;
		let validity = ValidTransaction::with_tag_prefix("TrafficReport")
			.priority(TransactionPriority::MAX / 512)
			.and_provides((&report.peer, report.period))
			.longevity(T::ReportWindow::get().into())
			.propagate(true)
			.build()?;
		let unused = Self::authorize_report_weight(T::MaxDApps::get())
			.saturating_sub(Self::authorize_report_weight(report.per_dapp.len() as u32));
		Ok((validity, unused))
	}

	pub(crate) fn error_index(e: &Error<T>) -> u8 {
		e.encode().first().copied().unwrap_or(0)
	}
}

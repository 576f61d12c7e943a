//! The serving node's off-chain worker: it builds and signs its peer's report from the receipts
//! the node keeps, sends it in the report window, keeps the receipts it committed to and
//! answers the report's audits.

use crate::*;

impl<T: Config> Pallet<T> {
	// --- The serving node's off-chain worker ---

	/// The off-chain worker's part, for every peer key in the node's keystore that belongs to
	/// a professional or common peer (at most [`MAX_LOCAL_PEERS`]):
	///
	/// - in the report window, from a quarter into it ([`Pallet::report_send_from`]), report
	///   the previous period from the receipts the node keeps
	///   ([`spacebook_receipts::store`], written by the node's
	///   `traffic_submitReceipt` RPC), if they reach the cutoff; the receipts reported are kept
	///   until the report is settled, to answer its audits;
	/// - in an audit round of a pending report, answer it;
	/// - forget the receipts of periods already claimed.
	///
	/// Each submission is retried at most every [`RESUBMIT_AFTER`] blocks.
	pub(crate) fn serve_reports_and_audits(n: BlockNumberFor<T>) {
		let current = Self::period_of(n);
		if current == 0 {
			return;
		}
		let period = current - 1;
		let locals = T::PeerKey::all()
			.into_iter()
			.filter_map(|key| T::Registry::peer_of_key(&key).map(|peer| (key, peer)))
			.take(MAX_LOCAL_PEERS);
		for (key, peer) in locals {
			Self::forget_claimed_receipts(&peer);
			let offset = Self::offset_of(n);
			if (Self::report_send_from()..T::ReportWindow::get()).contains(&offset) {
				Self::send_report(&key, &peer, period, n);
			} else if let Some(round) = Self::open_round(period) {
				Self::send_answers(&peer, period, round, n);
			}
		}
	}

	/// The offset in the report window from which a node sends its report: a quarter into the
	/// window, so that receipts the data plane hands over just after the period ends are still
	/// in it, with time left to resend.
	pub fn report_send_from() -> u32 {
		T::ReportWindow::get() / 4
	}

	/// Whether `what` may be sent now: not sent in the last [`RESUBMIT_AFTER`] blocks.
	pub(crate) fn claim_send(what: &[u8], n: BlockNumberFor<T>) -> bool {
		use sp_runtime::offchain::storage::StorageValueRef;
		let now: u32 = n.saturated_into();
		StorageValueRef::persistent(what)
			.mutate(|last: Result<Option<u32>, _>| match last {
				Ok(Some(at)) if now < at.saturating_add(RESUBMIT_AFTER) => Err(()),
				_ => Ok(now),
			})
			.is_ok()
	}

	/// The receipts `peer`'s node keeps for `period` (`spacebook_receipts::store`), one per
	/// stream, sorted by stream key.
	pub fn stored_receipts(peer: &T::AccountId, period: u32) -> Vec<SignedReceipt<T::AccountId>> {
		spacebook_receipts::store::stored(&LocalStorage, peer, period)
	}

	/// The key of the `version`-th report built for `peer` and `period` (0: the first).
	pub(crate) fn reported_version_key(peer: &T::AccountId, period: u32, version: u8) -> Vec<u8> {
		spacebook_receipts::snapshots::snapshot_version_key(peer, period, version)
	}

	/// How many reports the worker built for `peer` and `period`: its count, or one more than
	/// the highest kept version above it (the node restored snapshots from disk after the
	/// off-chain storage lost the count, or lost an earlier version that never reached the disk;
	/// the attacker review of this change). Keys below the count are not read.
	pub(crate) fn report_versions(peer: &T::AccountId, period: u32) -> u8 {
		use sp_runtime::offchain::storage::StorageValueRef;
		let max = spacebook_receipts::snapshots::MAX_REPORT_VERSIONS;
		let counted = StorageValueRef::persistent(&(REPORT_VERSIONS, peer, period).encode())
			.get::<u8>()
			.ok()
			.flatten()
			.unwrap_or(0)
			.min(max);
		(counted..max)
			.rev()
			.find(|v| {
				sp_io::offchain::local_storage_get(
					sp_core::offchain::StorageKind::PERSISTENT,
					&Self::reported_version_key(peer, period, *v),
				)
				.is_some()
			})
			.map_or(counted, |v| v + 1)
	}

	/// The kept `version`-th report of `peer` for `period`, with its signature and receipts.
	pub(crate) fn kept_report(
		peer: &T::AccountId,
		period: u32,
		version: u8,
	) -> Option<ReportedOf<T>> {
		use sp_runtime::offchain::storage::StorageValueRef;
		StorageValueRef::persistent(&Self::reported_version_key(peer, period, version))
			.get::<ReportedOf<T>>()
			.ok()
			.flatten()
	}

	/// The bytes per DApp of receipts sorted by stream key (so each DApp's receipts are
	/// consecutive), in the same order: a report's `per_dapp`.
	pub fn per_dapp_totals(receipts: &[SignedReceipt<T::AccountId>]) -> Vec<(T::AccountId, u128)> {
		let mut per_dapp: Vec<(T::AccountId, u128)> = Vec::new();
		for r in receipts {
			match per_dapp.last_mut() {
				Some((dapp, bytes)) if *dapp == r.receipt.dapp => {
					*bytes = bytes.saturating_add(r.receipt.bytes.into())
				}
				_ => per_dapp.push((r.receipt.dapp.clone(), r.receipt.bytes.into())),
			}
		}
		per_dapp
	}

	/// The report `peer` would send for `period` from the receipts its node keeps, with the
	/// receipts it commits to; `None` if there is nothing to report or it would not reach the
	/// cutoff.
	pub fn build_report(
		peer: &T::AccountId,
		period: u32,
	) -> Option<(TrafficReportOf<T>, SignedReceipts<T>)> {
		Self::build_report_of_at_most(peer, period, MAX_REPORTED_RECEIPTS)
	}

	/// [`build_report`](Self::build_report) with at most `max_receipts` receipts: every filter
	/// (the audit's, the DApps', the paid bytes') runs first, then the largest receipts are kept
	/// (issue 14, finding 4: truncating first let a DApp whose account sorts low push honest
	/// receipts out with a flood of small ones; to push a receipt out now, a flood must be of
	/// larger receipts, all paid for).
	pub(crate) fn build_report_of_at_most(
		peer: &T::AccountId,
		period: u32,
		max_receipts: usize,
	) -> Option<(TrafficReportOf<T>, SignedReceipts<T>)> {
		let traffic = TrafficOf::<T>::get(peer).unwrap_or_default();
		let from = traffic.next_period.max(period.saturating_sub(T::MaxRollover::get()));
		if from > period {
			return None;
		}
		let mut receipts: Vec<SignedReceipt<T::AccountId>> = Vec::new();
		let genesis = Self::genesis_hash();
		// Only receipts the audit would accept: for this peer and period, signed by a client
		// key that their DApp authorizes.
		// DApps with paid bytes to back receipts (asked once each).
		let mut paying = alloc::collections::BTreeMap::<Vec<u8>, bool>::new();
		let mut acceptable = |r: &SignedReceipt<T::AccountId>, q: u32| {
			r.receipt.server == *peer
				&& r.receipt.period == q
				&& r.receipt.bytes > 0
				&& *paying.entry(r.receipt.dapp.encode()).or_insert_with(|| {
					T::Billing::unclaimed_paid_bytes(&r.receipt.dapp, from, period) > 0
				}) && Self::dapp_of_receipt_key(&r.receipt, period).as_ref() == Some(&r.receipt.dapp)
				&& r.verify(&genesis)
		};
		// The work is bounded: past four reports' worth of acceptable receipts the later
		// periods are not read (the cheap checks run before the signature's). Their receipts
		// are lost: once this report is counted the peer's first unclaimed period is the next
		// one (the second review of contested bytes; a report names no last period, so it
		// cannot leave them for later).
		let read_at_most = max_receipts.saturating_mul(4);
		for q in from..=period {
			receipts
				.extend(Self::stored_receipts(peer, q).into_iter().filter(|r| acceptable(r, q)));
			if receipts.len() >= read_at_most {
				break;
			}
		}
		receipts.sort_by_key(|r| r.receipt.stream_key());
		receipts.dedup_by_key(|r| r.receipt.stream_key());
		// Per DApp, in the leaves' order, the bytes paid traffic can back: its receipts' bytes
		// up to the DApp's paid bytes that no settled report claimed. Of those, the bytes no
		// pending report reserved back the report now (*available*); the ones other reports
		// reserved first are reported too (*contested*): they count if those reports fail
		// (issue 14, front-running). DApps with nothing to back are left out (their receipts
		// would count for nothing). Past MaxDApps DApps, and past `max_receipts` receipts, the
		// available bytes go first, then the contested ones: a DApp whose paid bytes its own
		// peers reserved at the window's opening cannot push out a DApp that backs the report
		// with a flood of receipts (the attacker review of this change). The DApps and
		// receipts left out are not reported (and are lost once the periods are claimed).
		let mut per_dapp: Vec<(T::AccountId, u128, u128)> = Self::per_dapp_totals(&receipts)
			.into_iter()
			.map(|(d, bytes)| {
				let available = bytes.min(Self::available_paid_bytes(&d, from, period));
				let claimable = bytes.min(T::Billing::unclaimed_paid_bytes(&d, from, period));
				let contested = claimable.saturating_sub(available);
				(d, available, contested)
			})
			.filter(|(_, available, contested)| available.saturating_add(*contested) > 0)
			.collect();
		let limit = T::MaxDApps::get() as usize;
		let order = |d: &(T::AccountId, u128, u128)| {
			(core::cmp::Reverse(d.1), core::cmp::Reverse(d.2), d.0.encode())
		};
		if per_dapp.len() > limit {
			let mut by_bytes = per_dapp.clone();
			by_bytes.sort_by_key(order);
			let smallest_kept = order(&by_bytes[limit - 1]);
			per_dapp.retain(|d| order(d) <= smallest_kept);
			per_dapp.truncate(limit);
		}
		// Each DApp's receipts up to its available and contested bytes, the first ones (in
		// stream order) on the available bytes; a receipt that fits in them is `backed`.
		let mut room = per_dapp;
		let mut kept: Vec<(SignedReceipt<T::AccountId>, bool)> = receipts
			.into_iter()
			.filter_map(|r| {
				let (_, available, contested) =
					room.iter_mut().find(|(d, _, _)| *d == r.receipt.dapp)?;
				let bytes = u128::from(r.receipt.bytes);
				if bytes > available.saturating_add(*contested) {
					return None;
				}
				let backed = bytes <= *available;
				let from_available = bytes.min(*available);
				*available -= from_available;
				*contested -= bytes - from_available;
				Some((r, backed))
			})
			.collect();
		if kept.len() > max_receipts {
			// The backed receipts first, then the largest; among equal ones, in stream order.
			kept.sort_by_key(|(r, backed)| (!*backed, core::cmp::Reverse(r.receipt.bytes)));
			kept.truncate(max_receipts);
			kept.sort_by_key(|(r, _)| r.receipt.stream_key());
		}
		let kept: Vec<SignedReceipt<T::AccountId>> = kept.into_iter().map(|(r, _)| r).collect();
		let per_dapp = Self::per_dapp_totals(&kept);
		let tree = SumTree::new(&kept).ok()?;
		let root = tree.root();
		// Below the cutoff a report is refused only by a full set.
		let below_cutoff = traffic.carried.saturating_add(root.sum) < Cutoff::<T>::get();
		if root.sum == 0 || (below_cutoff && Ranking::<T>::get(period).is_full()) {
			return None;
		}
		let report = TrafficReport {
			peer: peer.clone(),
			period,
			from_period: from,
			root,
			leaf_count: tree.leaf_count(),
			per_dapp: per_dapp.try_into().ok()?,
		};
		Some((report, kept))
	}

	/// Send the report of `period`: built and signed once, kept with the receipts it commits
	/// to, and sent again unchanged if the chain has not recorded it a few blocks later, so
	/// that the receipts kept always answer the report that lands.
	///
	/// A kept report the chain now refuses ([`Pallet::check_report`]: the set filled up, the
	/// DApps' paid bytes were reserved, the peer's key changed, …) is not sent again as it is:
	/// the worker builds the report again, at most every few blocks, and sends the new one if
	/// it differs, up to [`spacebook_receipts::snapshots::MAX_REPORT_VERSIONS`] reports in all.
	/// Each is kept under a key of its own until the period is forgotten, because a refused
	/// report still in a transaction pool may become valid and land; its audit is answered
	/// from the receipts it commits to (the first review of issue 14, point 4).
	///
	/// The kept snapshot is sent only once the node has synced it to disk
	/// ([`spacebook_receipts::snapshots`]): a report never lands whose receipts a power loss
	/// could take from the node. The report goes out in the first run after the node's sync,
	/// normally the next block's.
	pub(crate) fn send_report(
		key: &T::PeerKey,
		peer: &T::AccountId,
		period: u32,
		n: BlockNumberFor<T>,
	) {
		use sp_runtime::offchain::storage::StorageValueRef;
		use spacebook_receipts::snapshots;
		// Nothing is built before the previous period is settled: the peer's first unclaimed
		// period may still move (the chain would refuse the report, `PreviousPeriodNotSettled`).
		if Reports::<T>::contains_key(period, peer)
			|| !T::Registry::can_earn(peer)
			|| NextToSettle::<T>::get() < period
		{
			return;
		}
		let versions = Self::report_versions(peer, period);
		// The newest kept report, if any: `Some(None)` if its key holds what does not decode
		// (another runtime's encoding), which is treated as refused.
		let newest = versions.checked_sub(1).map(|v| Self::kept_report(peer, period, v));
		let refused = match &newest {
			Some(Some((r, s, _))) => Self::check_report(r, s).err(),
			_ => None,
		};
		let (report, signature, kept_key) = match newest {
			Some(Some((report, signature, _))) if refused.is_none() => {
				(report, signature, Self::reported_version_key(peer, period, versions - 1))
			}
			Some(_) if versions >= snapshots::MAX_REPORT_VERSIONS => {
				log::debug!(
					target: LOG_TARGET,
					"{peer:?}: the chain refuses the report of {period} ({refused:?}); \
					 no rebuild is left"
				);
				return;
			}
			newest => {
				// Building reads every kept receipt: at most every few blocks. (A first report
				// is kept and sent whatever the chain says, as before: the pool judges it.)
				if !Self::claim_send(&(BUILT_REPORT, peer, period).encode(), n) {
					return;
				}
				let Some((report, receipts)) = Self::build_report(peer, period) else { return };
				let Some(signature) = key.sign(&Self::report_payload(&report)) else {
					log::warn!(target: LOG_TARGET, "cannot sign the report of {peer:?}");
					return;
				};
				// A rebuild is kept only if the chain takes it (a new key's signature, new
				// receipts, a new `from_period`): one it refuses too would only use a version.
				if newest.is_some() {
					if let Err(e) = Self::check_report(&report, &signature) {
						log::debug!(
							target: LOG_TARGET,
							"{peer:?}: the chain refuses the report of {period} ({refused:?}), \
							 and a new one ({e:?})"
						);
						return;
					}
				}
				// A version's key is written once: its value, and so the node's mark that it is
				// on disk, never change.
				let kept_key = Self::reported_version_key(peer, period, versions);
				let kept = (report.clone(), signature.clone(), receipts).encode();
				if !sp_io::offchain::local_storage_compare_and_set(
					sp_core::offchain::StorageKind::PERSISTENT,
					&kept_key,
					None,
					&kept,
				) {
					log::warn!(target: LOG_TARGET, "{peer:?}: report version {versions} is taken");
					return;
				}
				StorageValueRef::persistent(&(REPORT_VERSIONS, peer, period).encode())
					.set(&versions.saturating_add(1));
				snapshots::queue_for_sync(&mut LocalStorage, &kept_key);
				(report, signature, kept_key)
			}
		};
		if !snapshots::is_synced(&LocalStorage, &kept_key) {
			if snapshots::node_syncs(&LocalStorage, n.saturated_into()) {
				// Queued again in case a full queue refused it.
				if !snapshots::queue_for_sync(&mut LocalStorage, &kept_key) {
					log::warn!(
						target: LOG_TARGET,
						"{peer:?}: the node's queue of report snapshots to sync is full"
					);
				}
				return;
			}
			log::warn!(
				target: LOG_TARGET,
				"{peer:?}: this node does not sync report snapshots to disk (an older binary?); \
				 the report is sent, and a power loss could cost its audit"
			);
		}
		if !Self::claim_send(&(SENT_REPORT, peer, period).encode(), n) {
			return;
		}
		let bytes = report.root.sum;
		let call = Call::<T>::submit_report { report, signature };
		Self::submit(call.into(), "report", peer, period);
		log::debug!(target: LOG_TARGET, "{peer:?} reports {bytes} bytes for period {period}");
	}

	pub(crate) fn send_answers(peer: &T::AccountId, period: u32, round: u8, n: BlockNumberFor<T>) {
		let Some(record) = Reports::<T>::get(period, peer) else { return };
		if record.status != AuditStatus::Pending {
			return;
		}
		// The kept report that landed (a rebuilt one, or one the chain refused for a while);
		// every version's key is looked at, in case an earlier one was lost.
		let Some((_, _, receipts)) = (0..spacebook_receipts::snapshots::MAX_REPORT_VERSIONS)
			.rev()
			.filter_map(|v| Self::kept_report(peer, period, v))
			.find(|(report, _, _)| *report == record.report)
		else {
			log::warn!(target: LOG_TARGET, "{peer:?}: no kept receipts match the report");
			return;
		};
		let Ok(tree) = SumTree::new(&receipts) else { return };
		if tree.root() != record.report.root {
			log::warn!(target: LOG_TARGET, "{peer:?}: the kept receipts do not match the report");
			return;
		}
		let Some(answers) = Self::answers_from(&tree, &receipts, period, peer, round) else {
			return;
		};
		if !Self::claim_send(&(SENT_ANSWER, peer, period, round).encode(), n) {
			return;
		}
		let call = Call::<T>::answer_audit { period, peer: peer.clone(), answers };
		Self::submit(call.into(), "audit answer", peer, period);
	}

	/// The answers to `round` of a report over `receipts` (whose tree is `tree`).
	pub fn answers_from(
		tree: &SumTree,
		receipts: &[SignedReceipt<T::AccountId>],
		period: u32,
		peer: &T::AccountId,
		round: u8,
	) -> Option<AnswersOf<T>> {
		let positions = Self::audit_positions(period, peer, round);
		if positions.is_empty() {
			return None;
		}
		let mut answers = Vec::with_capacity(positions.len());
		for position in positions {
			let index = tree.leaf_at(position)?;
			answers.push(SampleAnswer {
				leaf_index: index,
				receipt: receipts.get(index as usize)?.clone(),
				proof: tree.proof(index)?.try_into().ok()?,
			});
		}
		answers.try_into().ok()
	}

	pub(crate) fn submit(
		call: <T as frame_system::offchain::CreateTransactionBase<Call<T>>>::RuntimeCall,
		what: &str,
		peer: &T::AccountId,
		period: u32,
	) {
		use frame_system::offchain::SubmitTransaction;
		let xt = T::create_authorized_transaction(call);
		match SubmitTransaction::<T, Call<T>>::submit_transaction(xt) {
			Ok(()) => log::debug!(target: LOG_TARGET, "{what} of {peer:?} for {period} sent"),
			Err(()) => log::warn!(target: LOG_TARGET, "{what} of {peer:?} for {period} not sent"),
		}
	}

	/// Delete the kept receipts (and reported snapshots) of the periods `peer` has claimed,
	/// at most `MaxRollover + 1` periods per call.
	pub(crate) fn forget_claimed_receipts(peer: &T::AccountId) {
		use sp_runtime::offchain::storage::StorageValueRef;
		let Some(traffic) = TrafficOf::<T>::get(peer) else { return };
		let marker_key = spacebook_receipts::offchain_forgotten_key(peer);
		let marker = StorageValueRef::persistent(&marker_key);
		let from = marker.get::<u32>().ok().flatten().unwrap_or(0);
		let until = traffic.next_period;
		if from >= until {
			return;
		}
		let from = from.max(until.saturating_sub(T::MaxRollover::get().saturating_add(1)));
		for q in from..until {
			spacebook_receipts::store::forget(&mut LocalStorage, peer, q);
			for version in 0..spacebook_receipts::snapshots::MAX_REPORT_VERSIONS {
				let reported = Self::reported_version_key(peer, q, version);
				StorageValueRef::persistent(&reported).clear();
				spacebook_receipts::snapshots::forget(&mut LocalStorage, &reported);
			}
			StorageValueRef::persistent(&(REPORT_VERSIONS, peer, q).encode()).clear();
			StorageValueRef::persistent(&(SENT_REPORT, peer, q).encode()).clear();
			StorageValueRef::persistent(&(BUILT_REPORT, peer, q).encode()).clear();
			for round in 1u8..=2 {
				StorageValueRef::persistent(&(SENT_ANSWER, peer, q, round).encode()).clear();
			}
		}
		marker.set(&until);
	}
}

/// The node's persistent off-chain storage, as the off-chain worker reaches it: where the node
/// keeps the receipts it reports (`spacebook_receipts::store`).
pub(crate) struct LocalStorage;

impl spacebook_receipts::store::OffchainKv for LocalStorage {
	fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
		sp_io::offchain::local_storage_get(sp_core::offchain::StorageKind::PERSISTENT, key)
	}

	fn compare_and_set(&mut self, key: &[u8], old: Option<&[u8]>, new: &[u8]) -> bool {
		sp_io::offchain::local_storage_compare_and_set(
			sp_core::offchain::StorageKind::PERSISTENT,
			key,
			old.map(|o| o.to_vec()),
			new,
		)
	}

	fn clear(&mut self, key: &[u8]) {
		sp_io::offchain::local_storage_clear(sp_core::offchain::StorageKind::PERSISTENT, key)
	}
}

//! Popular files (whitepaper ch.2 §4: "popular files deployed and distributed automatically"):
//! a DApp's opt-in terms, its storing peers' demand reports backed by its paid traffic, and the
//! copies the chain adds when a file's demand passes the terms' threshold.
//!
//! The demand a storing peer reports for a DApp's files in a period is at most what that DApp's
//! paid traffic backs in the peer's accepted traffic report of the period: bytes that the
//! DApp's own clients signed receipts for and the DApp paid. So nobody but the DApp's clients
//! can make its files popular, and only with traffic the DApp pays for; the copies the terms
//! allow are the DApp's own budget (`docs/scheduling.md`, "Popular files").

use crate::*;
use alloc::{collections::BTreeMap, collections::BTreeSet, vec::Vec};
use codec::Encode;
use frame_support::traits::fungible::MutateHold;
use sp_runtime::{
	traits::{Bounded, SaturatedConversion, Saturating, Zero},
	transaction_validity::{
		InvalidTransaction, TransactionPriority, TransactionSource, TransactionValidityWithRefund,
		ValidTransaction,
	},
};

/// The least bytes per copy popular-file terms may count: a slice (1 MiB).
pub const MIN_BYTES_PER_COPY: u64 = 1 << 20;

impl<T: Config> Pallet<T> {
	/// The most elections an order's added copies may be granted over its life: twice
	/// [`Config::MaxReplicas`] (copies dropped and added again included), which bounds its
	/// elections and its missed peers.
	pub fn max_granted() -> u8 {
		T::MaxReplicas::get().saturating_mul(2)
	}

	/// The most missed peers an order may have: a full set of placements per election.
	pub fn max_missed() -> u32 {
		T::MaxPlacements::get().saturating_mul(
			u32::from(T::MaxAttempts::get()).saturating_add(u32::from(Self::max_granted())),
		)
	}
}

impl<T: Config> Pallet<T> {
	/// The weight of [`Pallet::set_popular_terms`]: the call and the hooks' work of the copies
	/// it allows (an order has a copy at least): an election each, whose close queues the new
	/// slot's deadline.
	pub fn set_popular_terms_weight(max_replicas: u8) -> Weight {
		let copies = u64::from(max_replicas.min(T::MaxReplicas::get()).saturating_sub(1));
		T::WeightInfo::set_popular_terms().saturating_add(
			T::WeightInfo::close_elections(1)
				.saturating_add(T::WeightInfo::check_deadlines(1))
				.saturating_mul(copies),
		)
	}

	/// The most elections `order` may have: [`Config::MaxAttempts`] for its own copies and one
	/// for each copy its popular-file terms added.
	pub fn max_attempts(id: OrderId) -> u8 {
		let granted = PopularTerms::<T>::get(id).map_or(0, |t| t.granted);
		T::MaxAttempts::get().saturating_add(granted)
	}

	/// Drop the copies popular-file terms added to `order` that no election could place: its
	/// elections are spent and it stores fewer copies than it counts. Their fee for the rest of
	/// the term goes back to the DApp (at most what the escrow holds beyond what the storing
	/// peers can still earn).
	pub(crate) fn drop_unplaced_copies(id: OrderId, order: &mut OrderOf<T>, storing: usize) {
		let Some(mut terms) = PopularTerms::<T>::get(id) else { return };
		let missing = usize::from(order.replicas).saturating_sub(storing);
		let dropped = (missing.min(usize::from(terms.added))) as u8;
		if dropped == 0 {
			return;
		}
		let now = Self::current_period();
		let left = order.ends.saturating_sub(now);
		let placements = Placements::<T>::get(id);
		let earnable = placements.iter().filter(|p| p.status.stores()).fold(
			BalanceOf::<T>::zero(),
			|sum, p| {
				let from = match p.status {
					PlacementStatus::Holding { paid_through, .. } => paid_through,
					_ => now,
				};
				let periods = u64::from(order.ends.saturating_sub(from));
				sum.saturating_add(order.replica_period_fee.saturating_mul(periods.into()))
			},
		);
		let refund = Self::term_fee(order.replica_period_fee, dropped, left)
			.unwrap_or_default()
			.min(order.escrow.saturating_sub(earnable));
		if T::Currency::release(
			&HoldReason::StorageEscrow.into(),
			&order.dapp,
			refund,
			frame_support::traits::tokens::Precision::Exact,
		)
		.is_err()
		{
			frame_support::defensive!("an order's escrow is on hold");
			return;
		}
		order.escrow = order.escrow.saturating_sub(refund);
		order.replicas = order.replicas.saturating_sub(dropped);
		terms.added = terms.added.saturating_sub(dropped);
		// No peer could take it: no copy is added again until the DApp sets its terms again.
		terms.max_replicas = order.replicas;
		PopularTerms::<T>::insert(id, terms);
		Self::deposit_event(Event::PopularCopiesDropped {
			order: id,
			replicas: order.replicas,
			refunded: refund,
		});
	}

	pub(crate) fn do_set_popular_terms(
		dapp: T::AccountId,
		id: OrderId,
		max_replicas: u8,
		bytes_per_copy: u64,
	) -> DispatchResult {
		let order = Orders::<T>::get(id).ok_or(Error::<T>::UnknownOrder)?;
		ensure!(order.dapp == dapp, Error::<T>::NotOrderOwner);
		ensure!(Self::current_period() < order.ends, Error::<T>::OrderExpired);
		ensure!(
			(order.replicas..=T::MaxReplicas::get()).contains(&max_replicas)
				&& bytes_per_copy >= MIN_BYTES_PER_COPY,
			Error::<T>::BadPopularTerms
		);
		PopularTerms::<T>::mutate(id, |terms| {
			let (added, granted) = terms.map_or((0, 0), |t| (t.added, t.granted));
			*terms = Some(PopularityTerms { max_replicas, bytes_per_copy, added, granted });
		});
		Self::deposit_event(Event::PopularTermsSet { order: id, max_replicas, bytes_per_copy });
		Ok(())
	}

	/// The payload a demand report's signature covers.
	pub fn demand_payload(report: &DemandReportOf<T>) -> Vec<u8> {
		(DEMAND_CONTEXT, Self::genesis_hash(), report).encode()
	}

	/// Whether `report` may be taken now (see [`Pallet::report_demand`]).
	pub(crate) fn check_demand(
		report: &DemandReportOf<T>,
		signature: &KeySignature<T>,
	) -> Result<(), Error<T>> {
		let now = Self::current_period();
		ensure!(
			report.period < now && report.period.saturating_add(2) >= now,
			Error::<T>::BadDemandPeriod
		);
		ensure!(
			LastDemandReport::<T>::get(&report.peer).is_none_or(|last| last < report.period),
			Error::<T>::BadDemandPeriod
		);
		let key = T::Registry::peer_key(&report.peer).ok_or(Error::<T>::NotProfessional)?;
		ensure!(key.verify(&Self::demand_payload(report), signature), Error::<T>::BadSignature);
		let orders: BTreeSet<OrderId> = report.files.iter().map(|(id, _)| *id).collect();
		ensure!(
			!orders.is_empty()
				&& orders.len() == report.files.len()
				&& report.files.iter().all(|(_, bytes)| *bytes > 0),
			Error::<T>::BadDemandEntries
		);
		let mut per_dapp: BTreeMap<T::AccountId, u128> = BTreeMap::new();
		for (id, bytes) in report.files.iter() {
			let order = Orders::<T>::get(id).ok_or(Error::<T>::UnknownOrder)?;
			ensure!(PopularTerms::<T>::contains_key(id), Error::<T>::NotPopular);
			let holds = Placements::<T>::get(id).iter().any(|p| {
				p.peer == report.peer && matches!(p.status, PlacementStatus::Holding { .. })
			});
			ensure!(holds, Error::<T>::NotHolding);
			let sum = per_dapp.entry(order.dapp).or_default();
			*sum = sum.saturating_add(u128::from(*bytes));
		}
		for (dapp, bytes) in per_dapp {
			ensure!(
				bytes <= T::Traffic::paid_bytes(&report.peer, report.period, &dapp),
				Error::<T>::DemandNotBacked
			);
		}
		Ok(())
	}

	/// The transaction-pool check of [`Pallet::report_demand`].
	pub fn authorize_report_demand(
		_source: TransactionSource,
		report: &DemandReportOf<T>,
		signature: &KeySignature<T>,
	) -> TransactionValidityWithRefund {
		Self::check_demand(report, signature).map_err(|e| match e {
			Error::<T>::BadSignature => InvalidTransaction::BadProof,
			Error::<T>::NotProfessional => InvalidTransaction::BadSigner,
			Error::<T>::BadDemandPeriod => InvalidTransaction::Stale,
			_ => InvalidTransaction::Custom(e.encode().first().copied().unwrap_or(0)),
		})?;
		let validity = ValidTransaction::with_tag_prefix("DemandReport")
			.priority(TransactionPriority::MAX / 2048)
			.and_provides((&report.peer, report.period))
			.longevity(T::ConfirmWindow::get().saturated_into::<u64>().max(1))
			.propagate(true)
			.build()?;
		let unused = T::WeightInfo::authorize_report_demand(T::MaxDemandEntries::get())
			.saturating_sub(T::WeightInfo::authorize_report_demand(report.files.len() as u32));
		Ok((validity, unused))
	}

	/// Take a checked demand report: add to each order's demand of the period (an order whose
	/// holders reported a later period already is left as it is) and raise the orders whose
	/// demand passed their threshold.
	pub(crate) fn take_demand(report: DemandReportOf<T>) {
		let n = frame_system::Pallet::<T>::block_number();
		LastDemandReport::<T>::insert(&report.peer, report.period);
		let mut total = 0u64;
		for (id, bytes) in report.files.iter() {
			total = total.saturating_add(*bytes);
			let mut demand = match Demand::<T>::get(id) {
				Some(d) if d.period > report.period => continue,
				Some(d) if d.period == report.period => d,
				_ => OrderDemand {
					period: report.period,
					bytes: 0,
					reporters: BoundedVec::new(),
					raised: false,
				},
			};
			if demand.reporters.contains(&report.peer)
				|| demand.reporters.try_push(report.peer.clone()).is_err()
			{
				// One report a period per peer, and a peer holds a file once in an order.
				frame_support::defensive!("a holder's demand was counted twice in a period");
				continue;
			}
			demand.bytes = demand.bytes.saturating_add(*bytes);
			if !demand.raised {
				demand.raised = Self::raise_if_popular(*id, demand.bytes, n);
			}
			Demand::<T>::insert(id, demand);
		}
		Self::deposit_event(Event::DemandReported {
			peer: report.peer,
			period: report.period,
			orders: report.files.len() as u32,
			bytes: total,
		});
	}

	/// Add a storing copy to order `id` if its demand `bytes` reached its terms' bytes per copy
	/// times its copies, its copies all hold the file, it is below its terms' copies, no
	/// election is open and a period of its term is left: paid from the DApp's free balance
	/// for the rest of the term, the slot given by an election (queued like any other: the
	/// hooks close at most [`Config::CloseBatch`] a block). Returns whether the threshold was
	/// reached (whether or not it could be paid).
	pub(crate) fn raise_if_popular(id: OrderId, bytes: u64, n: BlockNumberFor<T>) -> bool {
		let (Some(mut order), Some(mut terms)) = (Orders::<T>::get(id), PopularTerms::<T>::get(id))
		else {
			return false;
		};
		let threshold = terms.bytes_per_copy.saturating_mul(u64::from(order.replicas));
		let now = Self::current_period();
		let placements = Placements::<T>::get(id);
		let holding = placements
			.iter()
			.filter(|p| matches!(p.status, PlacementStatus::Holding { .. }))
			.count();
		if bytes < threshold
			|| order.replicas >= terms.max_replicas
			|| order.electing
			|| holding < usize::from(order.replicas)
			|| now.saturating_add(1) >= order.ends
			|| terms.granted >= Self::max_granted()
		{
			return false;
		}
		let due = Self::term_fee(order.replica_period_fee, 1, order.ends - now)
			.unwrap_or_else(|_| <BalanceOf<T> as Bounded>::max_value());
		if T::Currency::hold(&HoldReason::StorageEscrow.into(), &order.dapp, due).is_err() {
			Self::deposit_event(Event::PopularCopyUnpaid { order: id, due });
			return true;
		}
		order.escrow = order.escrow.saturating_add(due);
		order.replicas = order.replicas.saturating_add(1);
		terms.added = terms.added.saturating_add(1);
		terms.granted = terms.granted.saturating_add(1);
		PopularTerms::<T>::insert(id, terms);
		Self::deposit_event(Event::PopularCopyAdded {
			order: id,
			replicas: order.replicas,
			paid: due,
		});
		Self::open_election(id, &mut order, n);
		Self::deposit_event(Event::ElectionReopened { order: id, attempt: order.attempts });
		Orders::<T>::insert(id, order);
		true
	}
}

//! The pallet's invariants, checked by `try_state` and after every unit test.

use crate::*;
use alloc::collections::{BTreeMap, BTreeSet};
use frame_support::traits::fungible::InspectHold;
use sp_runtime::{traits::Saturating, TryRuntimeError};

impl<T: Config> Pallet<T> {
	/// Check every invariant of the pallet's storage.
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		let mut committed: BTreeMap<T::AccountId, u64> = BTreeMap::new();
		let mut escrow: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		let mut deposits: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		let next = NextOrderId::<T>::get();
		let mut fetching = alloc::vec::Vec::new();
		let mut electing = alloc::vec::Vec::new();
		let mut files: BTreeMap<HashIndex, u32> = BTreeMap::new();
		for (id, order) in Orders::<T>::iter() {
			let mut owed_total: BalanceOf<T> = Default::default();
			*files.entry(order.file.hash_index).or_default() += 1;
			if order.electing {
				electing.push((id, order.attempts));
			}
			ensure!(id < next, "an order has a number not given yet");
			ensure!(
				order.replicas > 0 && order.replicas <= T::MaxReplicas::get(),
				"an order's replicas are out of bounds"
			);
			ensure!(!order.electing || order.attempts > 0, "an open election counts no attempt");
			ensure!(order.attempts <= Self::max_attempts(id), "an order had too many elections");
			ensure!(
				FileOrders::<T>::get(order.file.hash_index, &order.dapp) == Some(id),
				"an order is missing from its file's orders"
			);
			ensure!(
				Files::<T>::get(order.file.hash_index).map(|f| f.0) == Some(order.file.length),
				"an order's file length is not its file's"
			);
			ensure!(
				Responses::<T>::get(id).iter().all(|r| r.attempt == order.attempts),
				"a response kept for another election"
			);
			let placements = Placements::<T>::get(id);
			let storing = placements.iter().take_while(|p| p.status.stores()).count();
			ensure!(
				placements.iter().skip(storing).all(|p| !p.status.stores()),
				"a storing placement comes after a reserve"
			);
			ensure!(storing <= usize::from(order.replicas), "more storing peers than replicas");
			let peers: BTreeSet<&T::AccountId> = placements.iter().map(|p| &p.peer).collect();
			ensure!(peers.len() == placements.len(), "a peer has two placements in one order");
			for p in placements.iter() {
				ensure!(PeerOrders::<T>::contains_key(&p.peer, id), "a placement is not indexed");
				if p.status.stores() {
					let c = committed.entry(p.peer.clone()).or_default();
					*c = c.saturating_add(order.file.length);
				}
				if let PlacementStatus::Holding { since, paid_through } = p.status {
					ensure!(since <= paid_through, "a holder was paid before it held");
					ensure!(since < order.ends, "a holder confirmed after the term");
					ensure!(paid_through <= order.ends, "a holder was paid past the term");
					ensure!(
						paid_through <= Self::current_period().saturating_add(1),
						"a holder was paid for periods to come"
					);
					let owed = order
						.replica_period_fee
						.saturating_mul(u64::from(order.ends - paid_through).into());
					owed_total = owed_total.saturating_add(owed);
				}
				if let PlacementStatus::Fetching { deadline } = p.status {
					fetching.push((id, p.peer.clone(), deadline));
				}
			}
			ensure!(
				order.electing || Responses::<T>::get(id).is_empty(),
				"responses kept for a closed election"
			);
			ensure!(
				order.escrow >= owed_total,
				"an order's escrow is short of what holders can earn"
			);
			let e = escrow.entry(order.dapp.clone()).or_default();
			*e = e.saturating_add(order.escrow);
			let d = deposits.entry(order.dapp.clone()).or_default();
			*d = d.saturating_add(order.deposit);
		}
		for (peer, id, ()) in PeerOrders::<T>::iter() {
			ensure!(
				Placements::<T>::get(id).iter().any(|p| p.peer == peer),
				"a peer's order index names an order it has no placement in"
			);
		}
		for (peer, bytes) in Committed::<T>::iter() {
			ensure!(
				committed.get(&peer).copied().unwrap_or_default() == bytes,
				"a peer's committed bytes are not its storing placements' files"
			);
		}
		for (peer, bytes) in committed.iter() {
			ensure!(Committed::<T>::get(peer) == *bytes, "a storing placement is not committed");
		}
		for (hash_index, dapp, id) in FileOrders::<T>::iter() {
			ensure!(
				Orders::<T>::get(id)
					.is_some_and(|o| o.file.hash_index == hash_index && o.dapp == dapp),
				"a file lists an order of another file or DApp, or none"
			);
		}
		for (hash_index, (_, orders)) in Files::<T>::iter() {
			ensure!(
				files.get(&hash_index).copied() == Some(orders),
				"a file's order count is not its orders'"
			);
		}
		ensure!(Files::<T>::iter().count() == files.len(), "an ordered file is not recorded");
		for (id, _) in Placements::<T>::iter() {
			ensure!(Orders::<T>::contains_key(id), "placements kept for an order that is gone");
		}
		for (id, _, ()) in Missed::<T>::iter() {
			ensure!(Orders::<T>::contains_key(id), "missed peers kept for an order that is gone");
		}
		let (head, tail) = DeadlineQueueBounds::<T>::get();
		for (id, peer, deadline) in fetching {
			ensure!(
				(head..tail)
					.any(|i| DeadlineQueue::<T>::get(i) == Some((id, peer.clone(), deadline))),
				"a fetching placement's deadline is not queued"
			);
		}
		let (head, tail) = ElectionQueueBounds::<T>::get();
		for (id, attempt) in electing {
			ensure!(
				(head..tail).any(|i| {
					ElectionQueue::<T>::get(i).is_some_and(|(o, a, _)| o == id && a == attempt)
				}),
				"an open election is not queued"
			);
		}
		let paid_before = RewardsPaidBefore::<T>::get();
		ensure!(
			paid_before <= Self::current_period(),
			"rewards were paid for a period that is not over"
		);
		for (period, _) in Credits::<T>::iter() {
			ensure!(period >= paid_before, "credits kept for a period already paid");
		}
		for (dapp, amount) in escrow.iter() {
			ensure!(
				T::Currency::balance_on_hold(&HoldReason::StorageEscrow.into(), dapp) == *amount,
				"a DApp's escrow hold is not its orders' escrow"
			);
		}
		for (dapp, amount) in deposits.iter() {
			ensure!(
				T::Currency::balance_on_hold(&HoldReason::OrderDeposit.into(), dapp) == *amount,
				"a DApp's deposit hold is not its orders' deposits"
			);
		}
		for (id, terms) in PopularTerms::<T>::iter() {
			let order =
				Orders::<T>::get(id).ok_or("popular-file terms kept for an order that is gone")?;
			ensure!(
				order.replicas <= terms.max_replicas && terms.max_replicas <= T::MaxReplicas::get(),
				"an order has more copies than its popular-file terms allow"
			);
			ensure!(terms.added < order.replicas, "an order was given more copies than it has");
			ensure!(terms.added <= terms.granted, "a copy was added without its election");
			ensure!(terms.granted <= Self::max_granted(), "too many elections granted");
			ensure!(terms.bytes_per_copy >= MIN_BYTES_PER_COPY, "popular-file terms too low");
		}
		for (id, demand) in Demand::<T>::iter() {
			ensure!(PopularTerms::<T>::contains_key(id), "demand kept for an order without terms");
			ensure!(demand.period < Self::current_period(), "demand counted for a period to come");
			let distinct: BTreeSet<&T::AccountId> = demand.reporters.iter().collect();
			ensure!(
				!distinct.is_empty() && distinct.len() == demand.reporters.len(),
				"an order's demand counts a holder twice or nobody"
			);
		}
		for (peer, period) in LastDemandReport::<T>::iter() {
			let _ = peer;
			ensure!(period < Self::current_period(), "a demand report for a period to come");
		}
		for (id, _) in Responses::<T>::iter() {
			ensure!(Orders::<T>::contains_key(id), "responses kept for an order that is gone");
		}
		let (head, tail) = ElectionQueueBounds::<T>::get();
		ensure!(head <= tail, "the election queue's head passed its tail");
		let (head, tail) = DeadlineQueueBounds::<T>::get();
		ensure!(head <= tail, "the deadline queue's head passed its tail");
		ensure!(Rule::<T>::get().is_valid(), "the scheduling rule is not valid");
		Ok(())
	}
}

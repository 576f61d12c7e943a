//! Elections: the broadcast of an order's storage task, the scheduling peers' responses, and
//! the close, where the chain picks the order's slots by the scheduling rule, richer DApps'
//! tasks first.

use crate::{scoring::Candidate, *};
use alloc::{
	collections::{BTreeMap, BTreeSet},
	vec::Vec,
};
use codec::Encode;
use frame_support::traits::fungible::Inspect;
use sp_runtime::{
	traits::{SaturatedConversion, Saturating},
	transaction_validity::{
		InvalidTransaction, TransactionPriority, TransactionSource, TransactionValidityWithRefund,
		ValidTransaction,
	},
};

impl<T: Config> Pallet<T> {
	/// Open an election for `order`'s empty slots, closing [`Config::ElectionWindow`] blocks
	/// after `n`.
	pub(crate) fn open_election(id: OrderId, order: &mut OrderOf<T>, n: BlockNumberFor<T>) {
		order.attempts = order.attempts.saturating_add(1);
		order.electing = true;
		let (head, tail) = ElectionQueueBounds::<T>::get();
		ElectionQueue::<T>::insert(
			tail,
			(id, order.attempts, n.saturating_add(T::ElectionWindow::get())),
		);
		ElectionQueueBounds::<T>::put((head, tail.saturating_add(1)));
	}

	/// The payload a response's signature covers.
	pub fn response_payload(response: &ResponseOf<T>) -> Vec<u8> {
		(RESPONSE_CONTEXT, Self::genesis_hash(), response).encode()
	}

	/// Whether `response` may be taken now.
	pub(crate) fn check_response(
		response: &ResponseOf<T>,
		signature: &KeySignature<T>,
	) -> Result<(), Error<T>> {
		let order = Orders::<T>::get(response.order).ok_or(Error::<T>::NoOpenElection)?;
		ensure!(order.electing && order.attempts == response.attempt, Error::<T>::NoOpenElection);
		let key =
			T::Registry::scheduler_key(&response.scheduler).ok_or(Error::<T>::NotScheduler)?;
		ensure!(key.verify(&Self::response_payload(response), signature), Error::<T>::BadSignature);
		let distinct: BTreeSet<&T::AccountId> = response.candidates.iter().collect();
		ensure!(
			!distinct.is_empty() && distinct.len() == response.candidates.len(),
			Error::<T>::BadCandidates
		);
		let responses = Responses::<T>::get(response.order);
		ensure!(
			responses.iter().all(|r| r.scheduler != response.scheduler),
			Error::<T>::DuplicateResponse
		);
		ensure!((responses.len() as u32) < T::MaxSchedulers::get(), Error::<T>::TooManyResponses);
		Ok(())
	}

	/// Keep a checked response.
	pub(crate) fn accept_response(response: ResponseOf<T>) {
		let event = Event::ResponseAccepted {
			order: response.order,
			attempt: response.attempt,
			scheduler: response.scheduler.clone(),
			candidates: response.candidates.len() as u32,
		};
		Responses::<T>::mutate(response.order, |responses| {
			if responses.try_push(response).is_err() {
				frame_support::defensive!("a checked response found the election full");
			}
		});
		Self::deposit_event(event);
	}

	/// The transaction-pool check of [`Pallet::respond`].
	pub fn authorize_respond(
		_source: TransactionSource,
		response: &ResponseOf<T>,
		signature: &KeySignature<T>,
	) -> TransactionValidityWithRefund {
		Self::check_response(response, signature).map_err(|e| match e {
			Error::<T>::BadSignature => InvalidTransaction::BadProof,
			Error::<T>::NotScheduler => InvalidTransaction::BadSigner,
			Error::<T>::NoOpenElection | Error::<T>::DuplicateResponse => InvalidTransaction::Stale,
			_ => InvalidTransaction::Custom(e.encode().first().copied().unwrap_or(0)),
		})?;
		let validity = ValidTransaction::with_tag_prefix("SchedulingResponse")
			.priority(TransactionPriority::MAX / 1024)
			.and_provides((response.order, response.attempt, &response.scheduler))
			.longevity(T::ElectionWindow::get().saturated_into::<u64>().max(1))
			.propagate(true)
			.build()?;
		let unused = T::WeightInfo::authorize_respond(T::MaxCandidates::get())
			.saturating_sub(T::WeightInfo::authorize_respond(response.candidates.len() as u32));
		Ok((validity, unused))
	}

	/// Close the elections whose window ended by block `n`, at most [`Config::CloseBatch`],
	/// the tasks of the DApps with the most SPB first.
	pub(crate) fn close_due_elections(n: BlockNumberFor<T>) -> Weight {
		let (mut head, tail) = ElectionQueueBounds::<T>::get();
		let mut due = Vec::new();
		let mut popped = 0u32;
		while head < tail && popped < T::CloseBatch::get() {
			let Some((id, attempt, closes_at)) = ElectionQueue::<T>::get(head) else {
				head += 1;
				continue;
			};
			if closes_at > n {
				break;
			}
			ElectionQueue::<T>::remove(head);
			head += 1;
			popped += 1;
			if let Some(order) =
				Orders::<T>::get(id).filter(|o| o.electing && o.attempts == attempt)
			{
				let wealth = T::Currency::total_balance(&order.dapp);
				due.push((wealth, id, order));
			}
		}
		if popped > 0 {
			// Closing may reopen elections, which moves the tail.
			ElectionQueueBounds::<T>::mutate(|(h, _)| *h = head);
		}
		// Token priority: the richest DApp's task first; among equals the older order.
		due.sort_by(|(a, i, _), (b, j, _)| b.cmp(a).then(i.cmp(j)));
		for (_, id, order) in due {
			Self::close_election(id, order, n);
		}
		if popped == 0 {
			return T::DbWeight::get().reads(2);
		}
		T::WeightInfo::close_elections(popped)
	}

	/// Close `order`'s election: score the proposed peers, fill the empty storing slots (the
	/// order's reserves that were proposed compete for them like any other candidate) and then
	/// the missing reserves, and open another election if slots stay empty and attempts are
	/// left — or end the order if it never got a storing peer.
	pub(crate) fn close_election(id: OrderId, mut order: OrderOf<T>, n: BlockNumberFor<T>) {
		let responses = Responses::<T>::take(id);
		order.electing = false;
		let attempt = order.attempts;
		let mut placements = Placements::<T>::get(id);
		let storing_now = placements.iter().filter(|p| p.status.stores()).count();
		let vacancies = usize::from(order.replicas).saturating_sub(storing_now);

		let (storing_peers, reserve_peers): (BTreeSet<_>, BTreeSet<_>) = placements
			.iter()
			.map(|p| (p.status.stores(), p.peer.clone()))
			.partition(|(stores, _)| *stores);
		let storing_peers: BTreeSet<T::AccountId> =
			storing_peers.into_iter().map(|(_, p)| p).collect();
		let reserve_peers: BTreeSet<T::AccountId> =
			reserve_peers.into_iter().map(|(_, p)| p).collect();
		let mut seen = BTreeSet::new();
		let mut candidates = Vec::new();
		// An expired order elects nobody: it waits to be reaped.
		let expired = Self::current_period() >= order.ends;
		for peer in responses.iter().flat_map(|r| r.candidates.iter()).filter(|_| !expired) {
			if storing_peers.contains(peer) || !seen.insert(peer.clone()) {
				continue;
			}
			if Missed::<T>::contains_key(id, peer) {
				continue;
			}
			if let Some(facts) = T::Registry::professional(peer) {
				let committed = Committed::<T>::get(peer);
				candidates.push(Candidate { peer: peer.clone(), facts, committed });
			}
		}
		let taken_regions: Vec<[u8; 2]> = placements
			.iter()
			.filter(|p| p.status.stores())
			.filter_map(|p| T::Registry::professional(&p.peer).map(|f| f.region))
			.collect();
		let seed = T::Randomness::get().0;
		let rule = Rule::<T>::get();
		let random = |peer: &T::AccountId| scoring::random_factor(&seed, id, attempt, peer);
		let now = Self::current_period();
		let mut ranking = scoring::Ranking::new(
			&candidates,
			order.file.length,
			now,
			&taken_regions,
			&rule,
			random,
		);
		let storing = ranking.take(vacancies, true, |_| true);
		// A reserve elected to store leaves its reserve place for its storing slot, and keeps
		// the credit of the scheduling peer that proposed it first (as a reserve promoted on a
		// miss does).
		let moved: BTreeMap<T::AccountId, Option<T::AccountId>> = placements
			.iter()
			.filter(|p| !p.status.stores() && storing.contains(&p.peer))
			.map(|p| (p.peer.clone(), p.scheduler.clone()))
			.collect();
		placements.retain(|p| p.status.stores() || !moved.contains_key(&p.peer));
		let reserves_now = placements.len() - storing_now;
		let reserves_wanted = usize::from(T::Reserves::get()).saturating_sub(reserves_now);
		// The reserves next, among the candidates neither elected to store nor reserves
		// already, diversity counted against every storing peer.
		let reserves = ranking.take(reserves_wanted, false, |p| !reserve_peers.contains(p));
		let pick = scoring::Pick { storing, reserves };
		let proposer = |peer: &T::AccountId| {
			responses.iter().find(|r| r.candidates.contains(peer)).map(|r| r.scheduler.clone())
		};
		let deadline = n.saturating_add(T::ConfirmWindow::get());
		for (k, peer) in pick.storing.iter().enumerate() {
			let placement = Placement {
				peer: peer.clone(),
				status: PlacementStatus::Fetching { deadline },
				scheduler: moved.get(peer).cloned().unwrap_or_else(|| proposer(peer)),
			};
			if placements.try_insert(storing_now.saturating_add(k), placement).is_err() {
				frame_support::defensive!("an order's placements are bounded by its slots");
				// The moved reserves not placed have no placement left in the order.
				for peer in pick.storing[k..].iter().filter(|p| moved.contains_key(*p)) {
					PeerOrders::<T>::remove(peer, id);
				}
				break;
			}
			Self::commit(peer, order.file.length);
			PeerOrders::<T>::insert(peer, id, ());
			Self::push_deadline(id, peer, deadline);
		}
		for peer in &pick.reserves {
			let placement = Placement {
				peer: peer.clone(),
				status: PlacementStatus::Reserve,
				scheduler: proposer(peer),
			};
			if placements.try_push(placement).is_err() {
				frame_support::defensive!("an order's placements are bounded by its slots");
				break;
			}
			PeerOrders::<T>::insert(peer, id, ());
		}
		if pick.storing.is_empty() && pick.reserves.is_empty() {
			Self::deposit_event(Event::NoCandidates { order: id, attempt });
		} else {
			Self::deposit_event(Event::PlacementsElected {
				order: id,
				attempt,
				storing: pick.storing,
				reserves: pick.reserves,
			});
		}
		Placements::<T>::insert(id, placements);
		Self::after_vacancy(id, order, n);
	}

	/// Decide what becomes of an order that may have empty storing slots: a new election if
	/// attempts are left, the end of the order if it has no storing peer and none can come,
	/// else nothing (it keeps the copies it has; the escrow of the missing ones goes back to
	/// the DApp when it ends). Saves the order.
	pub(crate) fn after_vacancy(id: OrderId, mut order: OrderOf<T>, n: BlockNumberFor<T>) {
		let placements = Placements::<T>::get(id);
		let storing = placements.iter().filter(|p| p.status.stores()).count();
		if storing >= usize::from(order.replicas) || order.electing {
			Orders::<T>::insert(id, order);
			return;
		}
		if order.attempts < Self::max_attempts(id) && Self::current_period() < order.ends {
			Self::open_election(id, &mut order, n);
			Self::deposit_event(Event::ElectionReopened { order: id, attempt: order.attempts });
			Orders::<T>::insert(id, order);
		} else if storing == 0 {
			Self::finish(id, order);
		} else {
			Self::drop_unplaced_copies(id, &mut order, storing);
			Orders::<T>::insert(id, order);
		}
	}
}

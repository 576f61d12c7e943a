//! Execution of a storage task: the storing peers' confirmations, their deadlines, and the
//! reserves that take the slot of a peer that misses its deadline.

use crate::{scoring::Candidate, *};
use alloc::vec::Vec;
use codec::Encode;
use sp_runtime::{
	traits::{SaturatedConversion, Saturating},
	transaction_validity::{
		InvalidTransaction, TransactionPriority, TransactionSource, TransactionValidityWithRefund,
		ValidTransaction,
	},
};

impl<T: Config> Pallet<T> {
	/// The payload a confirmation's signature covers.
	pub fn confirmation_payload(confirmation: &ConfirmationOf<T>) -> Vec<u8> {
		(CONFIRMATION_CONTEXT, Self::genesis_hash(), confirmation).encode()
	}

	/// Whether `confirmation` may be taken now: the peer's slot in the order is fetching and
	/// its deadline has not passed, and the peer's key signed it.
	pub(crate) fn check_confirmation(
		confirmation: &ConfirmationOf<T>,
		signature: &KeySignature<T>,
	) -> Result<(), Error<T>> {
		let order = Orders::<T>::get(confirmation.order).ok_or(Error::<T>::UnknownOrder)?;
		ensure!(Self::current_period() < order.ends, Error::<T>::OrderExpired);
		let now = frame_system::Pallet::<T>::block_number();
		let fetching = now <= confirmation.deadline
			&& Placements::<T>::get(confirmation.order).iter().any(|p| {
				p.peer == confirmation.peer
					&& p.status == PlacementStatus::Fetching { deadline: confirmation.deadline }
			});
		ensure!(fetching, Error::<T>::NotFetching);
		let key = T::Registry::peer_key(&confirmation.peer).ok_or(Error::<T>::NotFetching)?;
		ensure!(
			key.verify(&Self::confirmation_payload(confirmation), signature),
			Error::<T>::BadSignature
		);
		Ok(())
	}

	/// The transaction-pool check of [`Pallet::confirm_stored`].
	pub fn authorize_confirm(
		_source: TransactionSource,
		confirmation: &ConfirmationOf<T>,
		signature: &KeySignature<T>,
	) -> TransactionValidityWithRefund {
		Self::check_confirmation(confirmation, signature).map_err(|e| match e {
			Error::<T>::BadSignature => InvalidTransaction::BadProof,
			Error::<T>::UnknownOrder | Error::<T>::NotFetching | Error::<T>::OrderExpired => {
				InvalidTransaction::Stale
			}
			_ => InvalidTransaction::Custom(e.encode().first().copied().unwrap_or(0)),
		})?;
		let validity = ValidTransaction::with_tag_prefix("StorageConfirmation")
			.priority(TransactionPriority::MAX / 1024)
			.and_provides((confirmation.order, &confirmation.peer))
			.longevity(T::ConfirmWindow::get().saturated_into::<u64>().max(1))
			.propagate(true)
			.build()?;
		Ok((validity, Weight::zero()))
	}

	/// Take a checked confirmation: the peer holds the file from this period (the scheduling
	/// peer that proposed it is credited as the peer is paid).
	pub(crate) fn do_confirm(confirmation: ConfirmationOf<T>) {
		let id = confirmation.order;
		let now = Self::current_period();
		let mut placements = Placements::<T>::get(id);
		let Some(placement) = placements.iter_mut().find(|p| p.peer == confirmation.peer) else {
			return;
		};
		placement.status = PlacementStatus::Holding { since: now, paid_through: now };
		Placements::<T>::insert(id, placements);
		Self::deposit_event(Event::PlacementConfirmed { order: id, peer: confirmation.peer });
	}

	/// Queue `peer`'s confirmation deadline in `order`.
	pub(crate) fn push_deadline(id: OrderId, peer: &T::AccountId, deadline: BlockNumberFor<T>) {
		let (head, tail) = DeadlineQueueBounds::<T>::get();
		DeadlineQueue::<T>::insert(tail, (id, peer.clone(), deadline));
		DeadlineQueueBounds::<T>::put((head, tail.saturating_add(1)));
	}

	/// Take the deadlines that passed before block `n`, at most [`Config::DeadlineBatch`]:
	/// each peer still fetching loses its slot to the next qualified reserve. Every deadline
	/// is the block of its placement's election close plus [`Config::ConfirmWindow`], so the
	/// queue is in deadline order.
	pub(crate) fn check_due_deadlines(n: BlockNumberFor<T>) -> Weight {
		let (mut head, tail) = DeadlineQueueBounds::<T>::get();
		let mut popped = 0u32;
		while head < tail && popped < T::DeadlineBatch::get() {
			let Some((id, peer, deadline)) = DeadlineQueue::<T>::get(head) else {
				head += 1;
				continue;
			};
			if deadline >= n {
				break;
			}
			DeadlineQueue::<T>::remove(head);
			head += 1;
			popped += 1;
			Self::miss(id, &peer, deadline, n);
		}
		if popped == 0 {
			return T::DbWeight::get().reads(2);
		}
		// Misses queue new deadlines: keep the tail they moved.
		DeadlineQueueBounds::<T>::mutate(|(h, _)| *h = head);
		T::WeightInfo::check_deadlines(popped)
	}

	/// If `peer` is still fetching for `order` with this `deadline`, take its slot and give it
	/// to the first qualified reserve (reserves that no longer qualify are dropped on the
	/// way).
	fn miss(id: OrderId, peer: &T::AccountId, deadline: BlockNumberFor<T>, n: BlockNumberFor<T>) {
		let Some(order) = Orders::<T>::get(id) else { return };
		let mut placements = Placements::<T>::get(id);
		let Some(slot) = placements
			.iter()
			.position(|p| p.peer == *peer && p.status == PlacementStatus::Fetching { deadline })
		else {
			return;
		};
		let gone = placements.remove(slot);
		Self::release_placement(id, &order, &gone);
		Missed::<T>::insert(id, peer, ());
		Self::deposit_event(Event::PlacementMissed { order: id, peer: peer.clone() });
		if Self::current_period() >= order.ends {
			// Expired: no promotion, no election; it waits to be reaped.
			Placements::<T>::insert(id, placements);
			Orders::<T>::insert(id, order);
			return;
		}

		Self::promote_reserve(id, &order, &mut placements, slot, n);
		Placements::<T>::insert(id, placements);
		Self::after_vacancy(id, order, n);
	}

	/// Give the storing slot `slot` of order `id` to its first reserve that still qualifies,
	/// dropping those that no longer do on the way. Returns whether one took it.
	pub(crate) fn promote_reserve(
		id: OrderId,
		order: &OrderOf<T>,
		placements: &mut PlacementsOf<T>,
		slot: usize,
		n: BlockNumberFor<T>,
	) -> bool {
		let rule = Rule::<T>::get();
		let now = Self::current_period();
		let length = order.file.length;
		while let Some(reserve_at) = placements.iter().position(|p| !p.status.stores()) {
			let mut reserve = placements.remove(reserve_at);
			let qualified = T::Registry::professional(&reserve.peer).is_some_and(|facts| {
				let committed = Committed::<T>::get(&reserve.peer);
				Candidate { peer: (), facts, committed }.qualifies(length, now, &rule)
			});
			if !qualified {
				PeerOrders::<T>::remove(&reserve.peer, id);
				continue;
			}
			let deadline = n.saturating_add(T::ConfirmWindow::get());
			reserve.status = PlacementStatus::Fetching { deadline };
			let promoted = reserve.peer.clone();
			if placements.try_insert(slot.min(placements.len()), reserve).is_err() {
				frame_support::defensive!("a reserve's place was just freed");
				PeerOrders::<T>::remove(&promoted, id);
				return false;
			}
			Self::commit(&promoted, length);
			Self::push_deadline(id, &promoted, deadline);
			Self::deposit_event(Event::ReservePromoted { order: id, peer: promoted });
			return true;
		}
		false
	}
}

//! Storage orders: the fee at the nominal storage price, the escrow and the deposit, renewal,
//! the end of an order, and the holding fees paid from the escrow.

use crate::*;
use frame_support::traits::{
	fungible::MutateHold,
	tokens::{Fortitude, Precision, Restriction},
};
use sp_runtime::{traits::Zero, Saturating};

/// Bytes in the GB the storage price is quoted per.
pub const GB: u128 = 1_000_000_000;

impl<T: Config> Pallet<T> {
	/// What one storing copy of `length` bytes costs for one ledgering period at the nominal
	/// storage price in force in `period`: `price × length / (GB × periods per month)`, rounded
	/// up (a non-empty file never stores for free while the price is not zero).
	pub fn replica_period_fee(length: u64, period: u32) -> Result<BalanceOf<T>, Error<T>> {
		let price: u128 = T::Prices::storage_price_per_gb_month(period).into();
		let numerator = price.checked_mul(u128::from(length)).ok_or(Error::<T>::FeeOverflow)?;
		let denominator = GB.saturating_mul(u128::from(T::PeriodsPerMonth::get()));
		BalanceOf::<T>::try_from(numerator.div_ceil(denominator))
			.map_err(|_| Error::<T>::FeeOverflow)
	}

	/// The fee of `replicas` copies for `periods` periods at `replica_period_fee` each.
	pub fn term_fee(
		replica_period_fee: BalanceOf<T>,
		replicas: u8,
		periods: u32,
	) -> Result<BalanceOf<T>, Error<T>> {
		let copies = u128::from(replicas).saturating_mul(u128::from(periods));
		let fee: u128 = replica_period_fee.into();
		let total = fee.checked_mul(copies).ok_or(Error::<T>::FeeOverflow)?;
		BalanceOf::<T>::try_from(total).map_err(|_| Error::<T>::FeeOverflow)
	}

	pub(crate) fn do_order(
		dapp: T::AccountId,
		file: FileRef,
		replicas: u8,
		periods: u32,
	) -> DispatchResult {
		ensure!(T::Registry::is_active_dapp(&dapp), Error::<T>::NotActiveDApp);
		ensure!(
			file.length > 0 && file.length <= T::MaxFileLength::get(),
			Error::<T>::BadFileLength
		);
		ensure!(replicas > 0 && replicas <= T::MaxReplicas::get(), Error::<T>::BadReplicas);
		ensure!(
			(T::MinPeriods::get()..=T::MaxPeriods::get()).contains(&periods),
			Error::<T>::BadTerm
		);
		let now = Self::current_period();
		let replica_period_fee = Self::replica_period_fee(file.length, now)?;
		let paid = Self::term_fee(replica_period_fee, replicas, periods)?;

		let id = NextOrderId::<T>::get();
		ensure!(!FileOrders::<T>::contains_key(file.hash_index, &dapp), Error::<T>::AlreadyOrdered);
		let (length, orders) = Files::<T>::get(file.hash_index).unwrap_or((file.length, 0));
		ensure!(length == file.length, Error::<T>::LengthMismatch);
		FileOrders::<T>::insert(file.hash_index, &dapp, id);
		Files::<T>::insert(file.hash_index, (length, orders.saturating_add(1)));
		let deposit = T::OrderDeposit::get();
		T::Currency::hold(&HoldReason::OrderDeposit.into(), &dapp, deposit)
			.map_err(|_| Error::<T>::CannotPay)?;
		T::Currency::hold(&HoldReason::StorageEscrow.into(), &dapp, paid)
			.map_err(|_| Error::<T>::CannotPay)?;

		let mut order = StorageOrder {
			dapp: dapp.clone(),
			file,
			replicas,
			terms_from: now,
			ends: now.saturating_add(periods),
			replica_period_fee,
			escrow: paid,
			deposit,
			attempts: 0,
			electing: false,
		};
		NextOrderId::<T>::put(id.saturating_add(1));
		Self::open_election(id, &mut order, frame_system::Pallet::<T>::block_number());
		Self::deposit_event(Event::StorageOrdered {
			order: id,
			dapp,
			file,
			replicas,
			ends: order.ends,
			paid,
		});
		Orders::<T>::insert(id, order);
		Ok(())
	}

	pub(crate) fn do_renew(dapp: T::AccountId, id: OrderId, periods: u32) -> DispatchResult {
		let mut order = Orders::<T>::get(id).ok_or(Error::<T>::UnknownOrder)?;
		ensure!(order.dapp == dapp, Error::<T>::NotOrderOwner);
		let now = Self::current_period();
		ensure!(now < order.ends, Error::<T>::OrderExpired);
		let ends = order.ends.saturating_add(periods);
		ensure!(periods > 0 && ends - now <= T::MaxPeriods::get(), Error::<T>::BadTerm);

		let mut placements = Placements::<T>::get(id);
		for placement in placements.iter_mut() {
			ensure!(Self::pay_holder(id, &mut order, placement, now), Error::<T>::CannotPayHolder);
		}
		// Never below the order's fee: the holders agreed to it for the term.
		let replica_period_fee =
			Self::replica_period_fee(order.file.length, now)?.max(order.replica_period_fee);
		// What copies never held left in the escrow is released.
		let needed = Self::term_fee(replica_period_fee, order.replicas, ends - now)?;
		let (paid, refunded) = if needed > order.escrow {
			let more = needed - order.escrow;
			T::Currency::hold(&HoldReason::StorageEscrow.into(), &dapp, more)
				.map_err(|_| Error::<T>::CannotPay)?;
			(more, Zero::zero())
		} else {
			let excess = order.escrow - needed;
			T::Currency::release(
				&HoldReason::StorageEscrow.into(),
				&dapp,
				excess,
				Precision::Exact,
			)?;
			(Zero::zero(), excess)
		};
		order.escrow = needed;
		order.replica_period_fee = replica_period_fee;
		order.terms_from = now;
		order.ends = ends;
		Placements::<T>::insert(id, placements);
		Orders::<T>::insert(id, order);
		Self::deposit_event(Event::OrderRenewed { order: id, ends, paid, refunded });
		Ok(())
	}

	pub(crate) fn do_claim(peer: T::AccountId, id: OrderId) -> DispatchResult {
		let mut order = Orders::<T>::get(id).ok_or(Error::<T>::UnknownOrder)?;
		let mut placements = Placements::<T>::get(id);
		let upto = Self::current_period().min(order.ends);
		let placement = placements
			.iter_mut()
			.find(|p| p.peer == peer)
			.filter(
				|p| matches!(p.status, PlacementStatus::Holding { paid_through, .. } if paid_through < upto),
			)
			.ok_or(Error::<T>::NothingToClaim)?;
		ensure!(Self::pay_holder(id, &mut order, placement, upto), Error::<T>::CannotPayHolder);
		Placements::<T>::insert(id, placements);
		Orders::<T>::insert(id, order);
		Ok(())
	}

	/// Pay a holding placement for the periods before `upto` it was not paid for, from the
	/// order's escrow: the processing fee to the foundation (to the peer if the foundation's
	/// account cannot take it), the rest to the peer, and credit the scheduling peer that
	/// proposed it with the amount. The escrow's funds are set apart by the hold, so the
	/// transfers force past freezes and locks on the DApp's account. Returns `false`, changing
	/// nothing, if the peer's account cannot receive its part; `true` otherwise (also when
	/// nothing is owed or the placement does not hold).
	pub(crate) fn pay_holder(
		id: OrderId,
		order: &mut OrderOf<T>,
		placement: &mut PlacementOf<T>,
		upto: u32,
	) -> bool {
		let PlacementStatus::Holding { since, paid_through } = placement.status else {
			return true;
		};
		let periods = upto.saturating_sub(paid_through);
		if periods == 0 {
			return true;
		}
		let owed =
			order.replica_period_fee.saturating_mul(BalanceOf::<T>::from(u64::from(periods)));
		let amount = owed.min(order.escrow);
		if amount < owed {
			frame_support::defensive!("an order's escrow is short of what its holders earned");
		}
		let fee = T::FoundationShare::get().mul_floor(amount);
		let reason = HoldReason::StorageEscrow.into();
		let pay = |to: &T::AccountId, part: BalanceOf<T>| {
			part.is_zero()
				|| T::Currency::transfer_on_hold(
					&reason,
					&order.dapp,
					to,
					part,
					Precision::Exact,
					Restriction::Free,
					Fortitude::Force,
				)
				.is_ok()
		};
		let to_peer = amount.saturating_sub(fee);
		if !pay(&placement.peer, to_peer) {
			log::warn!(target: "runtime::scheduling", "order {id}: a holder cannot be paid");
			return false;
		}
		let (to_peer, to_foundation) = if pay(&T::Foundation::get(), fee) {
			(to_peer, fee)
		} else if pay(&placement.peer, fee) {
			(amount, Zero::zero())
		} else {
			(to_peer, Zero::zero())
		};
		let amount = to_peer.saturating_add(to_foundation);
		placement.status = PlacementStatus::Holding { since, paid_through: upto };
		order.escrow = order.escrow.saturating_sub(amount);
		T::Prices::note_storage_paid(amount);
		if let Some(scheduler) = placement.scheduler.clone() {
			Self::credit(Self::current_period(), scheduler, amount);
		}
		Self::deposit_event(Event::HoldingPaid {
			order: id,
			peer: placement.peer.clone(),
			amount: to_peer,
			fee: to_foundation,
		});
		true
	}

	/// End an order: pay its holders to the end of its term or of the current period,
	/// whichever is first (a holder whose account cannot receive forfeits), release every
	/// placement's capacity, give the escrow's rest and the deposit back, and forget it.
	pub(crate) fn finish(id: OrderId, mut order: OrderOf<T>) {
		let upto = Self::current_period().saturating_add(1).min(order.ends);
		let placements = Placements::<T>::take(id);
		for mut placement in placements {
			Self::pay_holder(id, &mut order, &mut placement, upto);
			Self::release_placement(id, &order, &placement);
		}
		Responses::<T>::remove(id);
		let cleared = Missed::<T>::clear_prefix(id, Self::max_missed(), None);
		PopularTerms::<T>::remove(id);
		Demand::<T>::remove(id);
		if cleared.maybe_cursor.is_some() {
			frame_support::defensive!("an order's missed peers are bounded by its elections");
		}
		FileOrders::<T>::remove(order.file.hash_index, &order.dapp);
		Files::<T>::mutate_exists(order.file.hash_index, |file| match file {
			Some((_, orders)) if *orders > 1 => *orders -= 1,
			_ => *file = None,
		});
		let refunded = order.escrow;
		for (reason, amount) in
			[(HoldReason::StorageEscrow, order.escrow), (HoldReason::OrderDeposit, order.deposit)]
		{
			if let Err(e) =
				T::Currency::release(&reason.into(), &order.dapp, amount, Precision::BestEffort)
			{
				log::error!(target: "runtime::scheduling", "order {id}: release failed: {e:?}");
			}
		}
		Orders::<T>::remove(id);
		Self::deposit_event(Event::OrderEnded { order: id, refunded });
	}

	/// Forget a placement of `order`: its capacity and its entry in the peer's orders.
	pub(crate) fn release_placement(id: OrderId, order: &OrderOf<T>, placement: &PlacementOf<T>) {
		if placement.status.stores() {
			Committed::<T>::mutate_exists(&placement.peer, |committed| {
				let left = committed.unwrap_or_default().saturating_sub(order.file.length);
				*committed = (left > 0).then_some(left);
			});
		}
		PeerOrders::<T>::remove(&placement.peer, id);
	}

	/// Commit a storing placement's capacity.
	pub(crate) fn commit(peer: &T::AccountId, length: u64) {
		Committed::<T>::mutate(peer, |c| *c = c.saturating_add(length));
	}
}

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
		FileOrders::<T>::try_mutate(file.hash_index, |orders| orders.try_push(id))
			.map_err(|_| Error::<T>::TooManyOrdersForFile)?;
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
			Self::pay_holder(id, &mut order, placement, now);
		}
		let replica_period_fee = Self::replica_period_fee(order.file.length, now)?;
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
		Self::pay_holder(id, &mut order, placement, upto);
		Placements::<T>::insert(id, placements);
		Orders::<T>::insert(id, order);
		Ok(())
	}

	/// Pay a holding placement for the whole periods before `upto` it was not paid for, from
	/// the order's escrow: the processing fee to the foundation, the rest to the peer. A
	/// transfer that fails (an account that could not exist) leaves its amount in the escrow,
	/// which goes back to the DApp when the order ends. Does nothing for other placements.
	pub(crate) fn pay_holder(
		id: OrderId,
		order: &mut OrderOf<T>,
		placement: &mut PlacementOf<T>,
		upto: u32,
	) {
		let PlacementStatus::Holding { since, paid_through } = placement.status else { return };
		let periods = upto.saturating_sub(paid_through);
		if periods == 0 {
			return;
		}
		placement.status = PlacementStatus::Holding { since, paid_through: upto };
		let owed =
			order.replica_period_fee.saturating_mul(BalanceOf::<T>::from(u64::from(periods)));
		let amount = owed.min(order.escrow);
		if amount < owed {
			frame_support::defensive!("an order's escrow is short of what its holders earned");
		}
		let fee = T::FoundationShare::get().mul_floor(amount);
		let to_peer = amount.saturating_sub(fee);
		let reason = HoldReason::StorageEscrow.into();
		let mut paid = Zero::zero();
		let mut paid_fee = Zero::zero();
		for (who, part, total) in
			[(&placement.peer, to_peer, &mut paid), (&T::Foundation::get(), fee, &mut paid_fee)]
		{
			if part.is_zero() {
				continue;
			}
			match T::Currency::transfer_on_hold(
				&reason,
				&order.dapp,
				who,
				part,
				Precision::Exact,
				Restriction::Free,
				Fortitude::Polite,
			) {
				Ok(_) => *total = part,
				Err(e) => log::warn!(
					target: "runtime::scheduling",
					"holding fee of order {id} not paid ({e:?}); it stays in the escrow"
				),
			}
		}
		order.escrow = order.escrow.saturating_sub(paid.saturating_add(paid_fee));
		T::Prices::note_storage_paid(paid.saturating_add(paid_fee));
		Self::deposit_event(Event::HoldingPaid {
			order: id,
			peer: placement.peer.clone(),
			amount: paid,
			fee: paid_fee,
		});
	}

	/// End an order: pay its holders to the end of its term or to now, whichever is first,
	/// release every placement's capacity, give the escrow's rest and the deposit back, and
	/// forget it.
	pub(crate) fn finish(id: OrderId, mut order: OrderOf<T>) {
		let upto = Self::current_period().min(order.ends);
		let placements = Placements::<T>::take(id);
		for mut placement in placements {
			Self::pay_holder(id, &mut order, &mut placement, upto);
			Self::release_placement(id, &order, &placement);
		}
		Responses::<T>::remove(id);
		FileOrders::<T>::mutate_exists(order.file.hash_index, |orders| {
			if let Some(list) = orders {
				list.retain(|o| *o != id);
				if list.is_empty() {
					*orders = None;
				}
			}
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

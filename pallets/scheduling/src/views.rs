//! What the runtime API tells: a file's holders, an order and its placements, a peer's tasks.

use crate::*;
use alloc::vec::Vec;

/// The most orders of one file [`Pallet::holders`] reads.
pub const MAX_LISTED_ORDERS: usize = 64;

impl<T: Config> Pallet<T> {
	/// The professional peers with a storing slot for the file `hash_index`, over its orders
	/// that have not expired (the first [`MAX_LISTED_ORDERS`] in storage order; a DApp finds its
	/// own order's peers with [`Pallet::order_view`]): confirmed holders first, each order's
	/// primary before its backups.
	pub fn holders(hash_index: HashIndex) -> Vec<HolderView<T::AccountId>> {
		let now = Self::current_period();
		let mut holders: Vec<HolderView<T::AccountId>> =
			FileOrders::<T>::iter_prefix_values(hash_index)
				.take(MAX_LISTED_ORDERS)
				.filter(|id| Orders::<T>::get(id).is_some_and(|o| now < o.ends))
				.flat_map(|id| {
					Placements::<T>::get(id)
						.into_iter()
						.filter(|p| p.status.stores())
						.enumerate()
						.map(move |(slot, p)| HolderView {
							endpoint: T::Registry::endpoint(&p.peer),
							peer: p.peer,
							order: id,
							slot: slot as u8,
							confirmed: matches!(p.status, PlacementStatus::Holding { .. }),
						})
				})
				.collect();
		holders.sort_by_key(|h| (!h.confirmed, h.slot, h.order));
		holders
	}

	/// An order and its placements.
	pub fn order_view(
		id: OrderId,
	) -> Option<OrderView<T::AccountId, BalanceOf<T>, BlockNumberFor<T>>> {
		Orders::<T>::get(id)
			.map(|order| OrderView { order, placements: Placements::<T>::get(id).into_inner() })
	}

	/// The orders a professional peer has a placement in, with the file and what it is to do:
	/// its node fetches what is fetching and keeps what it holds.
	pub fn tasks_of(
		peer: &T::AccountId,
	) -> Vec<(OrderId, FileRef, PlacementStatus<BlockNumberFor<T>>)> {
		PeerOrders::<T>::iter_key_prefix(peer)
			.filter_map(|id| {
				let order = Orders::<T>::get(id)?;
				let status = Placements::<T>::get(id).into_iter().find(|p| p.peer == *peer)?.status;
				Some((id, order.file, status))
			})
			.collect()
	}
}

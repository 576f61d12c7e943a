//! What the runtime API tells: a file's holders, an order and its placements, a peer's tasks.

use crate::*;
use alloc::vec::Vec;

/// The most orders of one file [`Pallet::holders`] reads.
pub const MAX_LISTED_ORDERS: usize = 64;
/// The most common peers [`Pallet::backups`] lists per professional peer.
pub const MAX_BACKUPS_PER_PROFESSIONAL: u32 = 16;
/// The most common peers [`Pallet::backups`] lists in all.
pub const MAX_LISTED_BACKUPS: usize = 64;
/// The most of a professional peer's orders [`Pallet::backup_tasks`] weighs.
pub const MAX_BACKUP_ORDERS: usize = 1_024;

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

	/// The common peers that back up the file `hash_index`'s confirmed holders (whitepaper
	/// ch.2 §5 ii): for each confirmed holder of [`Pallet::holders`], its live attached common
	/// peers (at most [`MAX_BACKUPS_PER_PROFESSIONAL`], [`MAX_LISTED_BACKUPS`] in all) — each
	/// keeps what of its professional peer's files fits its storage ([`Pallet::backup_tasks`]);
	/// a client asks them whether they have the file.
	pub fn backups(hash_index: HashIndex) -> Vec<BackupView<T::AccountId>> {
		let mut backups: Vec<BackupView<T::AccountId>> = Vec::new();
		let mut professionals: Vec<T::AccountId> = Vec::new();
		for holder in Self::holders(hash_index).into_iter().filter(|h| h.confirmed) {
			if professionals.contains(&holder.peer) {
				continue;
			}
			for (common, _, endpoint) in
				T::Registry::commons(&holder.peer, MAX_BACKUPS_PER_PROFESSIONAL)
			{
				if backups.len() >= MAX_LISTED_BACKUPS {
					return backups;
				}
				backups.push(BackupView { common, professional: holder.peer.clone(), endpoint });
			}
			professionals.push(holder.peer);
		}
		backups
	}

	/// What the common peer `common` keeps as backups: its live professional peer, and the
	/// files that professional peer holds (confirmed, in orders whose term is not over; among
	/// the first [`MAX_BACKUP_ORDERS`] of its orders in storage order), oldest order first, as
	/// many as fit the storage the common peer offers. Every common peer of a professional peer keeps the same
	/// first files: the redundant ones are the whitepaper's "redundant common peers".
	pub fn backup_tasks(common: &T::AccountId) -> Option<(T::AccountId, Vec<FileRef>)> {
		let professional = T::Registry::professional_of_common(common)?;
		let room = u64::from(T::Registry::common_storage_gib(common)).saturating_mul(1 << 30);
		let now = Self::current_period();
		let mut held: Vec<(OrderId, FileRef)> = PeerOrders::<T>::iter_key_prefix(&professional)
			.take(MAX_BACKUP_ORDERS)
			.filter_map(|id| {
				let order = Orders::<T>::get(id).filter(|o| now < o.ends)?;
				let holding = Placements::<T>::get(id).iter().any(|p| {
					p.peer == professional && matches!(p.status, PlacementStatus::Holding { .. })
				});
				holding.then_some((id, order.file))
			})
			.collect();
		held.sort_by_key(|(id, _)| *id);
		let mut used = 0u64;
		let mut files: Vec<FileRef> = Vec::new();
		for (_, file) in held {
			if files.iter().any(|f| f.hash_index == file.hash_index) {
				continue;
			}
			let after = used.saturating_add(file.length);
			if after > room {
				continue;
			}
			used = after;
			files.push(file);
		}
		Some((professional, files))
	}

	/// An order and its placements.
	pub fn order_view(
		id: OrderId,
	) -> Option<OrderView<T::AccountId, BalanceOf<T>, BlockNumberFor<T>>> {
		Orders::<T>::get(id).map(|order| OrderView {
			order,
			placements: Placements::<T>::get(id).into_inner(),
			popular: PopularTerms::<T>::get(id),
			demand: Demand::<T>::get(id).map(|d| (d.period, d.bytes)),
		})
	}

	/// The orders a professional peer has a placement in, whose term is not over, with the
	/// file and what it is to do: its node fetches what is fetching and keeps what it holds.
	pub fn tasks_of(
		peer: &T::AccountId,
	) -> Vec<(OrderId, FileRef, PlacementStatus<BlockNumberFor<T>>)> {
		let now = Self::current_period();
		PeerOrders::<T>::iter_key_prefix(peer)
			.filter_map(|id| {
				let order = Orders::<T>::get(id).filter(|o| now < o.ends)?;
				let status = Placements::<T>::get(id).into_iter().find(|p| p.peer == *peer)?.status;
				Some((id, order.file, status))
			})
			.collect()
	}
}

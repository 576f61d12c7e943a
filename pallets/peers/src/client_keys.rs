//! DApps' client keys: authorization, retirement, and the retention during which a retired key
//! still vouches for the receipts it signed before (issue 14, finding 8).

use crate::*;

impl<T: Config> Pallet<T> {
	/// Whether `who` may authorize `key`: no DApp authorizes it, and no other DApp retired it
	/// within the retention.
	pub(crate) fn ensure_client_key_free(
		who: &T::AccountId,
		key: &T::ClientKey,
	) -> Result<(), Error<T>> {
		ensure!(!ClientKeyOwner::<T>::contains_key(key), Error::<T>::ClientKeyInUse);
		if let Some(retired) = RetiredClientKeys::<T>::get(key) {
			let expired =
				retired.removed_at.saturating_add(T::ClientKeyRetention::get()) <= Self::now();
			ensure!(retired.dapp == *who || expired, Error::<T>::ClientKeyInUse);
		}
		Ok(())
	}

	/// Index `key` as authorized by `who` (checked by [`Self::ensure_client_key_free`]). A
	/// retirement of it ends; its queue entry is skipped when its turn comes.
	pub(crate) fn authorize_client_key(who: &T::AccountId, key: &T::ClientKey) {
		RetiredClientKeys::<T>::remove(key);
		ClientKeyOwner::<T>::insert(key, who);
	}

	/// End `dapp`'s authorization of `key` now and keep it retired for the retention.
	pub(crate) fn retire_client_key(dapp: &T::AccountId, key: T::ClientKey) {
		let now = Self::now();
		ClientKeyOwner::<T>::remove(&key);
		RetiredClientKeys::<T>::insert(
			&key,
			RetiredClientKey { dapp: dapp.clone(), removed_at: now },
		);
		RetirementQueueBounds::<T>::mutate(|(_, tail)| {
			RetirementQueue::<T>::insert(*tail, (key, now));
			*tail = tail.saturating_add(1);
		});
	}

	/// Forget the retirements whose retention ended by block `now`, oldest first, at most
	/// [`MAX_FORGOTTEN_PER_BLOCK`]. Returns how many queue entries it took.
	pub(crate) fn forget_retired_client_keys(now: BlockNumberFor<T>) -> u32 {
		let (mut head, tail) = RetirementQueueBounds::<T>::get();
		let retention = T::ClientKeyRetention::get();
		let mut taken = 0;
		while head < tail && taken < MAX_FORGOTTEN_PER_BLOCK {
			let Some((key, at)) = RetirementQueue::<T>::get(head) else {
				defensive!("peers: a retirement queue entry is missing");
				head = head.saturating_add(1);
				taken += 1;
				continue;
			};
			if at.saturating_add(retention) > now {
				break;
			}
			RetirementQueue::<T>::remove(head);
			if RetiredClientKeys::<T>::get(&key).is_some_and(|r| r.removed_at == at) {
				RetiredClientKeys::<T>::remove(&key);
			}
			head = head.saturating_add(1);
			taken += 1;
		}
		if taken > 0 {
			RetirementQueueBounds::<T>::put((head, tail));
		}
		taken
	}
}

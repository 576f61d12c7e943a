//! Heartbeats: a serving node's signed liveness message, sent by the off-chain worker as a free
//! authorized transaction.

use crate::*;

impl<T: Config> Pallet<T> {
	/// The message a heartbeat's signature covers.
	pub fn heartbeat_payload(heartbeat: &Heartbeat<T::AccountId>) -> Vec<u8> {
		let genesis = frame_system::Pallet::<T>::block_hash(BlockNumberFor::<T>::zero());
		(HEARTBEAT_CONTEXT, genesis, heartbeat).encode()
	}

	/// Check a heartbeat against the registry; returns the peer's record.
	pub fn check_heartbeat(
		heartbeat: &Heartbeat<T::AccountId>,
		signature: &HeartbeatSignature<T>,
	) -> Result<PeerRecord<T>, Error<T>> {
		ensure!(heartbeat.period == T::CurrentPeriod::get(), Error::<T>::StaleHeartbeat);
		let record = Registrations::<T>::get(&heartbeat.peer).ok_or(Error::<T>::NotRegistered)?;
		let key = record.role.peer_key().ok_or(Error::<T>::WrongRole)?;
		ensure!(
			!matches!(record.status, Status::Leaving { evicted: true, .. }),
			Error::<T>::AlreadyEvicted
		);
		ensure!(
			record.online.last_period.is_none_or(|last| last < heartbeat.period),
			Error::<T>::DuplicateHeartbeat
		);
		ensure!(
			key.verify(&Self::heartbeat_payload(heartbeat), signature),
			Error::<T>::BadHeartbeatSignature
		);
		Ok(record)
	}

	/// The transaction validity of [`Pallet::heartbeat`]: valid while the heartbeat checks;
	/// one per peer and period in the pool, until the period ends.
	pub fn authorize_heartbeat(
		_source: TransactionSource,
		heartbeat: &Heartbeat<T::AccountId>,
		signature: &HeartbeatSignature<T>,
	) -> TransactionValidityWithRefund {
		Self::check_heartbeat(heartbeat, signature).map_err(|e| match e {
			Error::<T>::BadHeartbeatSignature => InvalidTransaction::BadProof,
			Error::<T>::StaleHeartbeat | Error::<T>::DuplicateHeartbeat => {
				InvalidTransaction::Stale
			}
			_ => InvalidTransaction::BadSigner,
		})?;
		let validity = ValidTransaction::with_tag_prefix("PeerHeartbeat")
			.priority(TransactionPriority::MAX / 1024)
			.and_provides((&heartbeat.peer, heartbeat.period))
			.longevity(64)
			.propagate(true)
			.build()?;
		Ok((validity, Weight::zero()))
	}

	/// The off-chain worker's part: for every peer key in the node's keystore that belongs to a
	/// professional or common peer without a heartbeat in the current period (at most 8 such
	/// keys per node), sign and submit one. A local marker keeps it from resubmitting within the same period more than once
	/// every few blocks.
	pub(crate) fn send_heartbeats() {
		use sp_runtime::offchain::storage::{MutateStorageError, StorageValueRef};
		let period = T::CurrentPeriod::get();
		let now: u64 = Self::now().saturated_into();
		let registered = T::PeerKey::all()
			.into_iter()
			.filter_map(|key| PeerKeyOwner::<T>::get(&key).map(|peer| (key, peer)))
			.take(8);
		for (key, peer) in registered {
			let Some(record) = Registrations::<T>::get(&peer) else { continue };
			if record.online.last_period.is_some_and(|last| last >= period)
				|| matches!(record.status, Status::Leaving { evicted: true, .. })
			{
				continue;
			}
			// At most one submission per key every 5 blocks within a period.
			let marker_key = (b"spacebook/peers/heartbeat", &key).encode();
			let marker = StorageValueRef::persistent(&marker_key);
			let claimed = marker.mutate(|last: Result<Option<(u32, u64)>, _>| match last {
				Ok(Some((p, at))) if p == period && now < at.saturating_add(5) => Err(()),
				_ => Ok((period, now)),
			});
			match claimed {
				Ok(_) => {}
				Err(MutateStorageError::ValueFunctionFailed(())) => continue,
				Err(MutateStorageError::ConcurrentModification(_)) => continue,
			}
			let heartbeat = Heartbeat { peer: peer.clone(), period };
			let Some(signature) = key.sign(&Self::heartbeat_payload(&heartbeat)) else {
				log::warn!(target: LOG_TARGET, "cannot sign a heartbeat with {key:?}");
				continue;
			};
			let call = Call::<T>::heartbeat { heartbeat, signature };
			let xt = T::create_authorized_transaction(call.into());
			use frame_system::offchain::SubmitTransaction;
			match SubmitTransaction::<T, Call<T>>::submit_transaction(xt) {
				Ok(()) => log::debug!(target: LOG_TARGET, "heartbeat of {peer:?} for {period}"),
				Err(()) => log::warn!(target: LOG_TARGET, "heartbeat of {peer:?} not submitted"),
			}
		}
	}
}

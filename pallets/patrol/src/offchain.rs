//! A scheduling peer's off-chain worker: it signs and sends the batches its node's patrol
//! worker finished.
//!
//! The node's patrol worker (native code: it runs tasks over HTTP and signs the draw with the
//! node key's VRF, which the runtime cannot) leaves a finished batch of a period, unsigned, in
//! the off-chain database under [`spacebook_patrol_primitives::batch_key`]. This worker signs it
//! with the same node key and sends it, at most once every [`RESUBMIT_AFTER`] blocks, until it
//! is on chain or its period closed; then it clears the entry.

use crate::*;
use alloc::vec::Vec;
use pallet_token::MiningPool;
use sp_runtime::{offchain::storage::StorageValueRef, traits::SaturatedConversion};
use spacebook_patrol_primitives::batch_key;

/// The most local node keys the worker acts for.
pub const MAX_LOCAL_KEYS: usize = 8;
/// Blocks before the worker sends the same batch again.
pub const RESUBMIT_AFTER: u32 = 4;

impl<T: Config> Pallet<T> {
	/// Send each local scheduling peer's finished batches of the previous and the current
	/// period; clear those on chain or closed.
	pub(crate) fn send_batches(n: BlockNumberFor<T>) {
		let locals: Vec<(T::PeerKey, T::AccountId)> = T::PeerKey::all()
			.into_iter()
			.filter_map(|key| T::Registry::scheduler_of_key(&key).map(|who| (key, who)))
			.take(MAX_LOCAL_KEYS)
			.collect();
		let current = T::MiningPool::current_period();
		for (key, scheduler) in &locals {
			let raw = key.to_raw_vec();
			// A batch of a period before the previous one can no longer be taken.
			StorageValueRef::persistent(&batch_key(current.saturating_sub(2), &raw)).clear();
			for period in [current.saturating_sub(1), current] {
				let storage_key = batch_key(period, &raw);
				let entry = StorageValueRef::persistent(&storage_key);
				let Ok(Some(batch)) = entry.get::<PatrolBatchOf<T>>() else { continue };
				let taken = Periods::<T>::get(period)
					.is_some_and(|p| p.batches.iter().any(|b| &b.scheduler == scheduler));
				if taken || batch.scheduler != *scheduler || batch.period != period {
					StorageValueRef::persistent(&storage_key).clear();
					continue;
				}
				let tag = (b"spacebook/patrol-send", period, scheduler).encode();
				if !Self::claim_send(&tag, n) {
					continue;
				}
				let Some(signature) = key.sign(&Self::batch_payload(&batch)) else {
					log::warn!(target: LOG_TARGET, "the node key cannot sign the batch");
					continue;
				};
				let results = batch.results.len();
				let call = Call::<T>::submit_results { batch, signature };
				let xt = T::create_authorized_transaction(call.into());
				use frame_system::offchain::SubmitTransaction;
				match SubmitTransaction::<T, Call<T>>::submit_transaction(xt) {
					Ok(()) => log::info!(
						target: LOG_TARGET,
						"patrol batch of period {period} sent ({results} results)"
					),
					Err(()) => {
						log::warn!(target: LOG_TARGET, "patrol batch of period {period} not sent")
					}
				}
			}
		}
	}

	/// Whether `what` may be sent now: not sent in the last [`RESUBMIT_AFTER`] blocks.
	fn claim_send(what: &[u8], n: BlockNumberFor<T>) -> bool {
		let now: u32 = n.saturated_into();
		StorageValueRef::persistent(what)
			.mutate(|last: Result<Option<u32>, _>| match last {
				Ok(Some(at)) if now < at.saturating_add(RESUBMIT_AFTER) => Err(()),
				_ => Ok(now),
			})
			.is_ok()
	}
}

//! The billing share (whitepaper ch.4 §1: of the mining pool, "1 % … distributed to the billing
//! peers as a reward of block generating"): each period's billing emission is paid for the blocks
//! of the period, `billing · blocks / BlocksPerPeriod` to each billing peer for the blocks it
//! packed on the final chain ([`PackedBlocks`]).
//!
//! - A block counts for its packer only if [`Config::BillingPeers`] says that packer may be paid
//!   (in the runtime: a registered billing-peer candidate in good standing). Blocks of a packer
//!   that may not be paid (suspended, without a candidacy) are paid to nobody, nor is the genesis
//!   block (period 0 has one packed block fewer): their share stays in the mining pool, as does
//!   the rounding dust. Periods are counted in blocks, so a round without a block costs no one.
//! - A billing peer evicted (a proven equivocation, the penalty ladder) forfeits its blocks of
//!   every period not settled yet ([`Pallet::forfeit_billing_share`]): it is paid no billing share
//!   from the period it was evicted in. One that leaves on its own keeps what it packed.
//! - The count of a period is taken when its settlement pays, so nothing of it outlives it.

use crate::*;
use frame_support::pallet_prelude::*;

/// The most unsettled periods a forfeit looks at: settlement finishes within the period after
/// (`integrity_test`), so only the last and the current period hold counts; the margin covers a
/// settlement that ran late.
pub(crate) const MAX_UNSETTLED_PERIODS: u32 = 4;

impl<T: Config> Pallet<T> {
	/// Count the block being built for its packer in `period`, if it may be paid. Runs in
	/// `on_initialize`; at most one read and one write besides the packer's lookup.
	pub(crate) fn note_packed_block(period: u32) -> Weight {
		let lookup = T::BillingPeers::packer_weight();
		let Some(packer) = T::BillingPeers::packer() else { return lookup };
		let counted = PackedBlocks::<T>::mutate(period, |packed| {
			if let Some((_, blocks)) = packed.iter_mut().find(|(who, _)| *who == packer) {
				*blocks = blocks.saturating_add(1);
				true
			} else {
				packed.try_push((packer.clone(), 1)).is_ok()
			}
		});
		if !counted {
			// More distinct packers in one period than `MaxBillingPeers`: their blocks' share
			// stays in the pool.
			log::warn!(
				target: LOG_TARGET,
				"period {period}: more than {} billing peers packed blocks; {packer:?}'s block is \
				 not counted",
				T::MaxBillingPeers::get()
			);
		}
		lookup
			.saturating_add(T::DbWeight::get().reads_writes(1, 1))
			.saturating_add(Weight::from_parts(0, PackedBlocksOf::<T>::max_encoded_len() as u64))
	}

	/// `who` was evicted: it loses the blocks it packed in every period not settled yet, so that
	/// it is paid no billing share from the period of its eviction on (nor for the period before,
	/// if that one is not settled yet: an equivocation proof may arrive a little late). The
	/// forfeited share stays in the mining pool. Idempotent.
	pub fn forfeit_billing_share(who: &T::AccountId) -> Weight {
		let current = Self::period_of(frame_system::Pallet::<T>::block_number());
		let from = NextToSettle::<T>::get().max(current.saturating_sub(MAX_UNSETTLED_PERIODS - 1));
		let mut looked_at = 0u64;
		for period in from..=current {
			looked_at += 1;
			PackedBlocks::<T>::mutate_exists(period, |packed| {
				let Some(list) = packed else { return };
				let Some(at) = list.iter().position(|(p, _)| p == who) else { return };
				let (_, blocks) = list.remove(at);
				Self::deposit_event(Event::BillingShareForfeited {
					peer: who.clone(),
					period,
					blocks,
				});
				if list.is_empty() {
					*packed = None;
				}
			});
		}
		Self::forfeit_weight_of(looked_at)
	}

	/// The most [`Pallet::forfeit_billing_share`] weighs.
	pub fn forfeit_weight() -> Weight {
		Self::forfeit_weight_of(u64::from(MAX_UNSETTLED_PERIODS))
	}

	fn forfeit_weight_of(periods: u64) -> Weight {
		T::DbWeight::get().reads_writes(periods.saturating_add(2), periods).saturating_add(
			Weight::from_parts(0, (PackedBlocksOf::<T>::max_encoded_len() as u64) * periods),
		)
	}

	/// Pay period `period`'s billing emission for the blocks packed in it; returns what was paid.
	pub(crate) fn pay_billing_peers(period: u32) -> T::Balance {
		let billing = T::MiningPool::period_emission(period).billing;
		let packed = PackedBlocks::<T>::take(period);
		let blocks_per_period: u128 = T::BlocksPerPeriod::get().saturated_into();
		let mut paid = T::Balance::zero();
		if billing.is_zero() || blocks_per_period == 0 {
			return paid;
		}
		for (peer, blocks) in packed {
			let share = Self::reward_of(billing, u128::from(blocks), blocks_per_period);
			if share.is_zero() {
				continue;
			}
			match T::MiningPool::pay_from_pool(&peer, share, PayoutPurpose::Billing) {
				Ok(()) => {
					paid = paid.saturating_add(share);
					Self::deposit_event(Event::BillingRewardPaid {
						peer,
						period,
						blocks,
						amount: share,
					});
				}
				Err(error) => {
					Self::deposit_event(Event::RewardNotPaid { peer, period, amount: share, error })
				}
			}
		}
		paid
	}
}

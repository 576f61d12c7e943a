//! The billing share: paid for the blocks each billing peer packed, forfeited on eviction,
//! bounded per period.

use crate::{mock::*, *};

/// Let `packer` pack the blocks up to `n` (inclusive); returns how many it packed.
fn pack_to(packer: Option<AccountId>, n: u64) -> u32 {
	let from = System::block_number();
	Packer::set(packer);
	run_to(n);
	Packer::set(None);
	(n - from) as u32
}

fn blocks_of(period: u32, who: AccountId) -> Option<u32> {
	PackedBlocks::<Test>::get(period).iter().find(|(p, _)| *p == who).map(|(_, b)| *b)
}

#[test]
fn each_billing_peer_is_paid_for_the_blocks_it_packed() {
	build_and_execute(|| {
		let pool = free(POOL);
		let first = pack_to(Some(BILLER), 60);
		let second = pack_to(Some(BILLER_2), start_of(1) - 10);
		// The last blocks of the period are packed by nobody who may be paid.
		pack_to(None, start_of(1) - 1);
		assert_eq!((blocks_of(0, BILLER), blocks_of(0, BILLER_2)), (Some(first), Some(second)));
		run_to_settled(0);
		let billing = BillingEmission::get();
		let share = |blocks: u32| billing * Balance::from(blocks) / Balance::from(PERIOD as u32);
		assert_eq!(free(BILLER), spb(10) + share(first));
		assert_eq!(free(BILLER_2), spb(10) + share(second));
		let paid = share(first) + share(second);
		assert!(paid < billing, "the blocks packed by nobody are not paid");
		assert_eq!(Settled::<Test>::get(0).unwrap().billing_paid, paid);
		assert_eq!(free(POOL), pool - paid, "the rest stays in the pool");
		assert!(events().contains(&Event::BillingRewardPaid {
			peer: BILLER,
			period: 0,
			blocks: first,
			amount: share(first)
		}));
		assert!(!PackedBlocks::<Test>::contains_key(0), "the count goes with the payment");
	});
}

#[test]
fn an_evicted_billing_peer_forfeits_the_periods_not_settled_yet() {
	build_and_execute(|| {
		let pool = free(POOL);
		let mine = pack_to(Some(BILLER), 50);
		let theirs = pack_to(Some(BILLER_2), start_of(1) + 5);
		// Period 1 has begun; period 0 is not settled yet, and BILLER_2 packed in both.
		let _ = pack_to(Some(BILLER), start_of(1) + 8);
		assert!(NextToSettle::<Test>::get() == 0 && blocks_of(1, BILLER) == Some(3));
		Traffic::forfeit_billing_share(&BILLER);
		assert_eq!((blocks_of(0, BILLER), blocks_of(1, BILLER)), (None, None));
		assert!(events().contains(&Event::BillingShareForfeited {
			peer: BILLER,
			period: 0,
			blocks: mine
		}));
		// Idempotent: nothing more to forfeit.
		let before = events().len();
		Traffic::forfeit_billing_share(&BILLER);
		assert_eq!(events().len(), before);
		run_to_settled(0);
		assert_eq!(free(BILLER), spb(10), "no billing share for the evicted");
		// BILLER_2 packed `theirs` blocks, 6 of them in period 1.
		let share =
			BillingEmission::get() * Balance::from(theirs - 6) / Balance::from(PERIOD as u32);
		assert_eq!(free(BILLER_2), spb(10) + share);
		assert_eq!(free(POOL), pool - share, "the forfeited share stays in the pool");
	});
}

#[test]
fn a_forfeit_after_the_settlement_takes_nothing_back() {
	build_and_execute(|| {
		let packed = pack_to(Some(BILLER), start_of(1) - 1);
		run_to_settled(0);
		let paid = free(BILLER);
		assert!(paid > spb(10) && packed > 0);
		Traffic::forfeit_billing_share(&BILLER);
		assert_eq!(free(BILLER), paid);
	});
}

#[test]
fn more_packers_in_a_period_than_the_bound_are_not_counted() {
	build_and_execute(|| {
		// `MaxBillingPeers` is 4: a fifth packer's blocks are not counted (their share stays in
		// the pool), the four counted keep theirs.
		let max =
			<<Test as Config>::MaxBillingPeers as frame_support::traits::Get<u32>>::get() as u64;
		for (i, who) in (1..=max + 1).enumerate() {
			pack_to(Some(who), 10 * (i as u64 + 1));
		}
		let packed = PackedBlocks::<Test>::get(0);
		assert_eq!(packed.len() as u64, max);
		assert!(blocks_of(0, max + 1).is_none());
		run_to_settled(0);
		assert_eq!(free(max + 1), spb(10));
		assert!(free(1) > spb(10));
	});
}

#[test]
fn blocks_without_a_payable_packer_pay_nobody() {
	build_and_execute(|| {
		let pool = free(POOL);
		run_to_settled(0);
		assert_eq!(Settled::<Test>::get(0).unwrap().billing_paid, 0);
		assert!(!events().iter().any(|e| matches!(e, Event::BillingRewardPaid { .. })));
		assert_eq!(free(POOL), pool);
	});
}

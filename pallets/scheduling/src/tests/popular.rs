//! Popular files: the DApp's terms, its holders' demand reports and the copies they add, and
//! the attacks on them (demand nobody paid for, another DApp's traffic, replays, forged or
//! malformed reports, a DApp that cannot pay).

use crate::{mock::*, *};
use frame_support::{assert_noop, assert_ok};
use sp_runtime::RuntimeAppPublic;

/// A MiB.
const MIB: u64 = 1 << 20;

/// Peers 20..=23 in four regions; `DAPP` orders a 1 GB file in two copies for ten periods; 20
/// and 21 store it and confirm, 22 and 23 are reserves; the DApp sets terms of up to
/// `max_replicas` copies at 100 MiB a copy.
fn holding(max_replicas: u8) -> OrderId {
	set_seed([0; 32]);
	for (i, (peer, region)) in
		[(20, b"SG"), (21, b"DE"), (22, b"US"), (23, b"BR")].into_iter().enumerate()
	{
		professional(peer, 100_000 - 20_000 * i as u32, region);
	}
	let id = order(DAPP, file(1, GB), 2, 10);
	assert_ok!(respond(SCHEDULER, id, &[20, 21, 22, 23]));
	close_elections();
	assert_eq!((storing(id), reserves(id)), (vec![20, 21], vec![22, 23]));
	assert_ok!(confirm(20, id));
	assert_ok!(confirm(21, id));
	assert_ok!(Scheduling::set_popular_terms(
		RuntimeOrigin::signed(DAPP),
		id,
		max_replicas,
		100 * MIB
	));
	id
}

/// `dapp` orders a 1 GB file tagged `tag` in one copy for ten periods, which 20 (registered
/// by [`holding`]) is elected to store and confirms.
fn held_by_20(dapp: AccountId, tag: u8) -> OrderId {
	let id = order(dapp, file(tag, GB), 1, 10);
	assert_ok!(respond(SCHEDULER, id, &[20]));
	close_elections();
	assert_ok!(confirm(20, id));
	id
}

/// A demand report of `peer` for `period`, signed by its key.
fn signed_demand(
	peer: AccountId,
	period: u32,
	files: &[(OrderId, u64)],
) -> (DemandReportOf<Test>, KeySignature<Test>) {
	let report = DemandReport {
		peer,
		period,
		files: files.to_vec().try_into().expect("within MaxDemandEntries"),
	};
	let signature =
		key_of(peer).sign(&Scheduling::demand_payload(&report)).expect("a test key signs");
	(report, signature)
}

/// `peer` reports `files` served in `period`.
fn report(peer: AccountId, period: u32, files: &[(OrderId, u64)]) -> DispatchResult {
	let (report, signature) = signed_demand(peer, period, files);
	Scheduling::report_demand(frame_system::RawOrigin::Authorized.into(), report, signature)
}

fn replicas(id: OrderId) -> u8 {
	Orders::<Test>::get(id).map(|o| o.replicas).unwrap_or_default()
}

fn status(id: OrderId, peer: AccountId) -> Option<PlacementStatus<u64>> {
	Placements::<Test>::get(id).iter().find(|p| p.peer == peer).map(|p| p.status)
}

#[test]
fn only_the_dapp_sets_terms_within_bounds() {
	test(|| {
		let id = holding(3);
		assert_eq!(
			PopularTerms::<Test>::get(id),
			Some(PopularityTerms {
				max_replicas: 3,
				bytes_per_copy: 100 * MIB,
				added: 0,
				granted: 0
			})
		);
		assert!(events().contains(&Event::PopularTermsSet {
			order: id,
			max_replicas: 3,
			bytes_per_copy: 100 * MIB
		}));
		let set = |who, max, bytes| {
			Scheduling::set_popular_terms(RuntimeOrigin::signed(who), id, max, bytes)
		};
		assert_noop!(set(RICH_DAPP, 3, MIB), Error::<Test>::NotOrderOwner);
		// Fewer copies than it has, more than the chain allows, less than a slice a copy.
		assert_noop!(set(DAPP, 1, MIB), Error::<Test>::BadPopularTerms);
		assert_noop!(set(DAPP, 5, MIB), Error::<Test>::BadPopularTerms);
		assert_noop!(set(DAPP, 3, MIB - 1), Error::<Test>::BadPopularTerms);
		assert_noop!(
			Scheduling::set_popular_terms(RuntimeOrigin::signed(DAPP), 99, 3, MIB),
			Error::<Test>::UnknownOrder
		);
		// Equal to its copies: no more are added.
		assert_ok!(set(DAPP, 2, MIB));
		assert_eq!(PopularTerms::<Test>::get(id).map(|t| t.max_replicas), Some(2));
		run_to(period_start(10));
		assert_noop!(set(DAPP, 3, MIB), Error::<Test>::OrderExpired);
	});
}

#[test]
fn demand_past_the_threshold_adds_a_paid_copy_by_election() {
	test(|| {
		let id = holding(4);
		run_to(period_start(1));
		let fee = Orders::<Test>::get(id).unwrap().replica_period_fee;
		let escrow = held(DAPP, HoldReason::StorageEscrow);
		let free_before = free(DAPP);
		set_paid_traffic(20, 0, DAPP, u128::from(GB));
		set_paid_traffic(21, 0, DAPP, u128::from(GB));
		// 150 MiB from one holder: below 2 copies × 100 MiB.
		assert_ok!(report(20, 0, &[(id, 150 * MIB)]));
		assert_eq!(replicas(id), 2);
		assert_eq!(
			Demand::<Test>::get(id).map(|d| (
				d.period,
				d.bytes,
				d.reporters.into_inner(),
				d.raised
			)),
			Some((0, 150 * MIB, vec![20], false))
		);
		// The other holder's 60 MiB make 210 MiB: a third copy, paid for the 9 periods left,
		// given by an election, in which the order's reserves compete with the other peers
		// proposed.
		assert_ok!(report(21, 0, &[(id, 60 * MIB)]));
		assert_eq!(replicas(id), 3);
		let paid = fee * 9;
		assert!(events().contains(&Event::PopularCopyAdded { order: id, replicas: 3, paid }));
		assert_eq!(held(DAPP, HoldReason::StorageEscrow), escrow + paid);
		assert_eq!(free(DAPP), free_before - paid);
		assert_eq!(PopularTerms::<Test>::get(id).map(|t| t.added), Some(1));
		assert!(Orders::<Test>::get(id).unwrap().electing);
		professional(24, 100_000, b"JP");
		professional(25, 100_000, b"FR");
		assert_ok!(respond(SCHEDULER, id, &[24]));
		close_elections();
		assert_eq!((storing(id), reserves(id)), (vec![20, 21, 24], vec![22, 23]));
		assert!(matches!(status(id, 24), Some(PlacementStatus::Fetching { .. })));
		assert_eq!(Committed::<Test>::get(24), GB);
		assert_ok!(confirm(24, id));
		assert_eq!(PopularTerms::<Test>::get(id).map(|t| (t.added, t.granted)), Some((1, 1)));

		// Next period: 3 copies × 100 MiB needed; one copy a period at most.
		run_to(period_start(2));
		for peer in [20, 21, 24] {
			set_paid_traffic(peer, 1, DAPP, u128::from(GB));
		}
		assert_ok!(report(20, 1, &[(id, 400 * MIB)]));
		assert_eq!(replicas(id), 4);
		assert_ok!(report(21, 1, &[(id, 400 * MIB)]));
		assert_eq!(replicas(id), 4, "one copy a period");
		// Only a reserve is proposed: it is elected to store and leaves the reserves.
		assert_ok!(respond(SCHEDULER, id, &[22]));
		close_elections();
		assert_eq!((storing(id), reserves(id)), (vec![20, 21, 24, 22], vec![23]));
		assert!(matches!(status(id, 22), Some(PlacementStatus::Fetching { .. })));
		assert_eq!(Committed::<Test>::get(22), GB);
		assert_ok!(confirm(22, id));
		// At its terms' copies: no more.
		run_to(period_start(3));
		for peer in [20, 21, 24, 22] {
			set_paid_traffic(peer, 2, DAPP, u128::from(GB));
		}
		assert_ok!(report(20, 2, &[(id, 900 * MIB)]));
		assert_eq!(replicas(id), 4);
	});
}

#[test]
fn a_copy_added_opens_an_election_beyond_the_order_attempts() {
	test(|| {
		let id = holding(3);
		// The order used its attempts on repairs (forced here): the added copy gets its own.
		Orders::<Test>::mutate(id, |o| o.as_mut().unwrap().attempts = 3);
		Placements::<Test>::mutate(id, |p| {
			for peer in [22, 23] {
				p.retain(|x| x.peer != peer);
				PeerOrders::<Test>::remove(peer, id);
			}
		});
		run_to(period_start(1));
		set_paid_traffic(20, 0, DAPP, u128::from(GB));
		assert_ok!(report(20, 0, &[(id, 200 * MIB)]));
		assert_eq!(replicas(id), 3);
		let order = Orders::<Test>::get(id).unwrap();
		assert!(order.electing);
		assert_eq!(order.attempts, 4);
		assert_eq!(Scheduling::max_attempts(id), 4);
		assert!(events().contains(&Event::ElectionReopened { order: id, attempt: 4 }));
		professional(24, 100_000, b"JP");
		assert_ok!(respond(SCHEDULER, id, &[24]));
		close_elections();
		assert_eq!(storing(id), vec![20, 21, 24]);
	});
}

#[test]
fn a_copy_no_election_could_place_is_dropped_and_its_fee_refunded() {
	test(|| {
		let id = holding(3);
		run_to(period_start(1));
		set_paid_traffic(20, 0, DAPP, u128::from(GB));
		let (escrow, free_before) = (held(DAPP, HoldReason::StorageEscrow), free(DAPP));
		assert_ok!(report(20, 0, &[(id, 300 * MIB)]));
		let paid = Orders::<Test>::get(id).unwrap().replica_period_fee * 9;
		assert_eq!(free(DAPP), free_before - paid);
		// No scheduling peer proposes anyone: the copy's election and the order's repairs
		// (four in all with its first) find nobody.
		run_to(System::block_number() + 3 * WINDOW);
		let order = Orders::<Test>::get(id).unwrap();
		assert_eq!(order.attempts, 4);
		assert_eq!((order.replicas, order.electing), (2, false));
		assert!(events().contains(&Event::PopularCopiesDropped {
			order: id,
			replicas: 2,
			refunded: paid
		}));
		assert_eq!((held(DAPP, HoldReason::StorageEscrow), free(DAPP)), (escrow, free_before));
		// No more copies until the DApp sets its terms again.
		let terms = PopularTerms::<Test>::get(id).unwrap();
		assert_eq!((terms.added, terms.granted, terms.max_replicas), (0, 1, 2));
		run_to(period_start(2));
		set_paid_traffic(20, 1, DAPP, u128::from(GB));
		assert_ok!(report(20, 1, &[(id, 300 * MIB)]));
		assert_eq!(replicas(id), 2);
		// Set again, the next period's demand adds a copy with an election of its own.
		assert_ok!(Scheduling::set_popular_terms(RuntimeOrigin::signed(DAPP), id, 3, 100 * MIB));
		run_to(period_start(3));
		set_paid_traffic(20, 2, DAPP, u128::from(GB));
		assert_ok!(report(20, 2, &[(id, 300 * MIB)]));
		assert_eq!(replicas(id), 3);
		assert_eq!(Orders::<Test>::get(id).map(|o| (o.attempts, o.electing)), Some((5, true)));
		assert_eq!(Scheduling::max_attempts(id), 5);
	});
}

#[test]
fn a_dapp_that_cannot_pay_gets_no_copy_and_loses_nothing() {
	test(|| {
		let id = holding(3);
		run_to(period_start(1));
		// Everything free but the existential deposit moved away.
		use frame_support::traits::fungible::Mutate;
		let spare = free(DAPP) - ED;
		assert_ok!(Balances::transfer(
			&DAPP,
			&NOBODY,
			spare,
			frame_support::traits::tokens::Preservation::Preserve
		));
		let (escrow, free_before) = (held(DAPP, HoldReason::StorageEscrow), free(DAPP));
		set_paid_traffic(20, 0, DAPP, u128::from(GB));
		assert_ok!(report(20, 0, &[(id, 300 * MIB)]));
		let due = Orders::<Test>::get(id).unwrap().replica_period_fee * 9;
		assert!(events().contains(&Event::PopularCopyUnpaid { order: id, due }));
		assert_eq!(replicas(id), 2);
		assert_eq!((held(DAPP, HoldReason::StorageEscrow), free(DAPP)), (escrow, free_before));
		assert_eq!(reserves(id), vec![22, 23]);
	});
}

#[test]
fn no_copy_is_added_while_a_copy_is_fetching_or_in_the_last_period() {
	test(|| {
		let id = holding(4);
		run_to(period_start(1));
		set_paid_traffic(20, 0, DAPP, u128::from(GB));
		// 21 lost its slot to 22, which is fetching.
		Placements::<Test>::mutate(id, |p| {
			p[1].status = PlacementStatus::Fetching { deadline: 1_000 };
		});
		assert_ok!(report(20, 0, &[(id, 500 * MIB)]));
		assert_eq!(replicas(id), 2);
		Placements::<Test>::mutate(id, |p| {
			p[1].status = PlacementStatus::Holding { since: 0, paid_through: 0 };
		});
		// In the term's last period nothing is added either.
		run_to(period_start(9));
		set_paid_traffic(20, 8, DAPP, u128::from(GB));
		assert_ok!(report(20, 8, &[(id, 500 * MIB)]));
		assert_eq!(replicas(id), 2);
	});
}

#[test]
fn ending_the_order_forgets_its_terms_and_demand_and_refunds_the_added_copy() {
	test(|| {
		let id = holding(3);
		run_to(period_start(1));
		set_paid_traffic(20, 0, DAPP, u128::from(GB));
		let total = free(DAPP)
			+ held(DAPP, HoldReason::StorageEscrow)
			+ held(DAPP, HoldReason::OrderDeposit);
		assert_ok!(report(20, 0, &[(id, 300 * MIB)]));
		assert_eq!(replicas(id), 3);
		assert_ok!(Scheduling::end_order(RuntimeOrigin::signed(DAPP), id));
		assert!(PopularTerms::<Test>::get(id).is_none() && Demand::<Test>::get(id).is_none());
		assert_eq!(held(DAPP, HoldReason::StorageEscrow), 0);
		// The DApp paid its two holders for periods 0 and 1 and nothing for the copy that never
		// held.
		let fee = Orders::<Test>::get(id).map(|o| o.replica_period_fee);
		assert!(fee.is_none());
		let paid_holders: Balance = events()
			.iter()
			.filter_map(|e| match e {
				Event::HoldingPaid { amount, fee, .. } => Some(amount + fee),
				_ => None,
			})
			.sum();
		assert_eq!(free(DAPP), total - paid_holders);
	});
}

// Attacks.

#[test]
fn demand_must_be_backed_by_the_dapps_own_paid_traffic() {
	test(|| {
		let id = holding(3);
		run_to(period_start(1));
		// No traffic report at all.
		assert_noop!(report(20, 0, &[(id, 300 * MIB)]), Error::<Test>::DemandNotBacked);
		// Traffic another DApp paid for (the peer's own DApp, say) does not make this file popular.
		set_paid_traffic(20, 0, RICH_DAPP, u128::from(10 * GB));
		assert_noop!(report(20, 0, &[(id, 300 * MIB)]), Error::<Test>::DemandNotBacked);
		// More than the DApp's paid traffic backs.
		set_paid_traffic(20, 0, DAPP, u128::from(200 * MIB));
		assert_noop!(report(20, 0, &[(id, 200 * MIB + 1)]), Error::<Test>::DemandNotBacked);
		assert_ok!(report(20, 0, &[(id, 200 * MIB)]));
		assert_eq!(replicas(id), 3);
	});
}

#[test]
fn a_dapps_backing_caps_the_sum_over_its_files() {
	test(|| {
		let id = holding(3);
		// A second file of the same DApp on the same holder.
		let other = held_by_20(DAPP, 2);
		assert_ok!(Scheduling::set_popular_terms(RuntimeOrigin::signed(DAPP), other, 2, 100 * MIB));
		run_to(period_start(1));
		set_paid_traffic(20, 0, DAPP, u128::from(250 * MIB));
		// Each within the backing, the sum not: counting the same bytes twice is refused.
		assert_noop!(
			report(20, 0, &[(id, 200 * MIB), (other, 200 * MIB)]),
			Error::<Test>::DemandNotBacked
		);
		assert_ok!(report(20, 0, &[(id, 150 * MIB), (other, 100 * MIB)]));
		assert_eq!((replicas(id), replicas(other)), (2, 2));
	});
}

#[test]
fn a_report_is_taken_once_a_period_and_in_order() {
	test(|| {
		let id = holding(4);
		run_to(period_start(2));
		set_paid_traffic(20, 0, DAPP, u128::from(GB));
		set_paid_traffic(20, 1, DAPP, u128::from(GB));
		// The current period, a period to come, a period too old.
		assert_noop!(report(20, 2, &[(id, MIB)]), Error::<Test>::BadDemandPeriod);
		assert_noop!(report(20, 3, &[(id, MIB)]), Error::<Test>::BadDemandPeriod);
		run_to(period_start(3));
		assert_noop!(report(20, 0, &[(id, MIB)]), Error::<Test>::BadDemandPeriod);
		assert_ok!(report(20, 1, &[(id, MIB)]));
		// Replayed, or split into a second report for the same period.
		let (again, signature) = signed_demand(20, 1, &[(id, MIB)]);
		assert_noop!(
			Scheduling::report_demand(
				frame_system::RawOrigin::Authorized.into(),
				again.clone(),
				signature.clone()
			),
			Error::<Test>::BadDemandPeriod
		);
		assert!(Scheduling::authorize_report_demand(
			sp_runtime::transaction_validity::TransactionSource::External,
			&again,
			&signature
		)
		.is_err());
		assert_eq!(LastDemandReport::<Test>::get(20), Some(1));
		assert_eq!(Demand::<Test>::get(id).map(|d| d.bytes), Some(MIB));
	});
}

#[test]
fn a_late_report_for_an_older_period_does_not_count_against_the_newer_demand() {
	test(|| {
		let id = holding(4);
		run_to(period_start(2));
		set_paid_traffic(21, 1, DAPP, u128::from(GB));
		set_paid_traffic(20, 0, DAPP, u128::from(GB));
		assert_ok!(report(21, 1, &[(id, 10 * MIB)]));
		// 20 reports period 0 late: taken (its first report) but not added to period 1.
		assert_ok!(report(20, 0, &[(id, 500 * MIB)]));
		assert_eq!(Demand::<Test>::get(id).map(|d| (d.period, d.bytes)), Some((1, 10 * MIB)));
		assert_eq!(replicas(id), 2);
	});
}

#[test]
fn forged_and_malformed_reports_are_refused() {
	test(|| {
		let id = holding(3);
		let plain = held_by_20(RICH_DAPP, 3);
		run_to(period_start(1));
		for dapp in [DAPP, RICH_DAPP] {
			for peer in [20, 21, 22, 30] {
				set_paid_traffic(peer, 0, dapp, u128::from(GB));
			}
		}
		// Signed by another peer's key.
		let (forged, _) = signed_demand(20, 0, &[(id, 300 * MIB)]);
		let (_, by_21) = signed_demand(21, 0, &[(id, 300 * MIB)]);
		assert_noop!(
			Scheduling::report_demand(
				frame_system::RawOrigin::Authorized.into(),
				forged.clone(),
				by_21
			),
			Error::<Test>::BadSignature
		);
		// Not through the authorized origin.
		let (_, signature) = signed_demand(20, 0, &[(id, 300 * MIB)]);
		assert_noop!(
			Scheduling::report_demand(RuntimeOrigin::none(), forged, signature),
			sp_runtime::DispatchError::BadOrigin
		);
		// A reserve, a stranger, an account without a node key.
		assert_noop!(report(22, 0, &[(id, 300 * MIB)]), Error::<Test>::NotHolding);
		professional(30, 100_000, b"FR");
		assert_noop!(report(30, 0, &[(id, 300 * MIB)]), Error::<Test>::NotHolding);
		assert_noop!(report(NOBODY, 0, &[(id, 300 * MIB)]), Error::<Test>::NotProfessional);
		// An order without terms, an unknown order.
		assert_noop!(report(20, 0, &[(plain, 300 * MIB)]), Error::<Test>::NotPopular);
		assert_noop!(report(20, 0, &[(77, 300 * MIB)]), Error::<Test>::UnknownOrder);
		// Nothing, an order twice, zero bytes.
		assert_noop!(report(20, 0, &[]), Error::<Test>::BadDemandEntries);
		assert_noop!(
			report(20, 0, &[(id, 100 * MIB), (id, 100 * MIB)]),
			Error::<Test>::BadDemandEntries
		);
		assert_noop!(report(20, 0, &[(id, 0)]), Error::<Test>::BadDemandEntries);
		assert_eq!(replicas(id), 2);
		assert!(Demand::<Test>::get(id).is_none());
	});
}

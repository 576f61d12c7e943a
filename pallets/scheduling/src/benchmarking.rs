//! Benchmarks of `pallet_scheduling` (frame-benchmarking v2). Each takes the worst case of its
//! call or hook step: full placements, full responses of distinct qualified candidates, the
//! most elections or deadlines a block takes, every reserve but the last unqualified.

use super::*;
use alloc::vec::Vec;
use frame_benchmarking::v2::*;
use frame_support::traits::fungible::Mutate;
use frame_system::RawOrigin;
use pallet_token::MiningPool;
use sp_runtime::traits::{Bounded, Saturating};

/// Storage declared by the benchmarks' professional peers: room for every file they get.
const STORAGE_GIB: u32 = 1 << 20;

fn funded<T: Config>(who: &T::AccountId) {
	let plenty = BalanceOf::<T>::try_from(1u128 << 100).unwrap_or_else(|_| Bounded::max_value());
	T::Currency::set_balance(who, plenty);
}

fn dapp<T: Config>(i: u32) -> T::AccountId {
	let who: T::AccountId = account("dapp", i, 0);
	T::BenchmarkHelper::register_dapp(&who);
	funded::<T>(&who);
	who
}

/// Facts that qualify for any file in any period the benchmarks reach, in region `region`.
fn qualified(region: u32) -> ProfessionalFacts {
	ProfessionalFacts {
		storage_gib: STORAGE_GIB,
		online_periods: 10_000,
		last_online_period: Some(u32::MAX / 2),
		commons: 8,
		commons_storage_gib: u64::from(STORAGE_GIB),
		region: [b'A' + (region % 26) as u8, b'A' + (region / 26 % 26) as u8],
		patrol_passed_ppm: None,
	}
}

/// Professional peer `i` of group `group`, qualified (or not), funded so that fees reach it.
fn professional<T: Config>(
	group: &'static str,
	i: u32,
	qualifies: bool,
) -> (T::AccountId, T::PeerKey) {
	let who: T::AccountId = account(group, i, 0);
	let facts = if qualifies { qualified(i) } else { ProfessionalFacts::default() };
	let key = T::BenchmarkHelper::register_professional(&who, facts);
	funded::<T>(&who);
	(who, key)
}

fn scheduler<T: Config>(i: u32) -> (T::AccountId, T::PeerKey) {
	let who: T::AccountId = account("scheduler", i, 0);
	let key = T::BenchmarkHelper::register_scheduler(&who);
	(who, key)
}

/// The largest file, its hash index starting with `tag`.
fn big_file<T: Config>(tag: u32) -> FileRef {
	let mut hash_index = [0u8; 32];
	hash_index[..4].copy_from_slice(&tag.to_le_bytes());
	FileRef { hash_index, length: T::MaxFileLength::get() }
}

/// An order of `dapp` for the largest file, `MaxReplicas` copies, the longest term.
fn ordered<T: Config>(dapp: &T::AccountId, tag: u32) -> OrderId {
	let id = NextOrderId::<T>::get();
	Pallet::<T>::do_order(
		dapp.clone(),
		big_file::<T>(tag),
		T::MaxReplicas::get(),
		T::MaxPeriods::get(),
	)
	.expect("a funded DApp orders");
	id
}

/// Go to the first block of `period`.
fn go_to_period<T: Config>(period: u32) {
	let mut n = frame_system::Pallet::<T>::block_number();
	while T::MiningPool::current_period() < period {
		n = n.saturating_add(1u32.into());
		frame_system::Pallet::<T>::set_block_number(n);
	}
}

/// Give order `id` `count` placements: the storing slots first, each `storing(i)`, then
/// reserves. Keeps the capacity and the peers' index.
fn place<T: Config>(
	id: OrderId,
	count: u32,
	storing: impl Fn(u32) -> PlacementStatus<BlockNumberFor<T>>,
) -> Vec<(T::AccountId, T::PeerKey)> {
	let order = Orders::<T>::get(id).expect("ordered");
	let mut placements = PlacementsOf::<T>::default();
	let mut peers = Vec::new();
	for i in 0..count {
		let (peer, key) = professional::<T>("placed", i, true);
		let status =
			if i < u32::from(order.replicas) { storing(i) } else { PlacementStatus::Reserve };
		if status.stores() {
			Pallet::<T>::commit(&peer, order.file.length);
		}
		PeerOrders::<T>::insert(&peer, id, ());
		placements
			.try_push(Placement { peer: peer.clone(), status, scheduler: None })
			.expect("within MaxPlacements");
		peers.push((peer, key));
	}
	Placements::<T>::insert(id, placements);
	let mut order = order;
	order.electing = false;
	Orders::<T>::insert(id, order);
	Responses::<T>::remove(id);
	peers
}

fn holding<T: Config>(_: u32) -> PlacementStatus<BlockNumberFor<T>> {
	PlacementStatus::Holding { since: 0, paid_through: 0 }
}

/// `schedulers` full responses to order `id`'s open election, each of distinct qualified
/// candidates of group `group`.
fn full_responses<T: Config>(id: OrderId, schedulers: u32, group: &'static str) {
	let attempt = Orders::<T>::get(id).expect("ordered").attempts;
	for s in 0..schedulers {
		let (scheduler, _) = scheduler::<T>(s);
		let candidates: Vec<T::AccountId> = (0..T::MaxCandidates::get())
			.map(|c| professional::<T>(group, s * T::MaxCandidates::get() + c, true).0)
			.collect();
		Responses::<T>::mutate(id, |r| {
			r.try_push(ElectionResponse {
				order: id,
				attempt,
				scheduler,
				candidates: candidates.try_into().expect("MaxCandidates"),
			})
			.expect("MaxSchedulers")
		});
	}
}

fn signed_response<T: Config>(id: OrderId, c: u32) -> (ResponseOf<T>, KeySignature<T>) {
	let attempt = Orders::<T>::get(id).expect("ordered").attempts;
	let (scheduler, key) = scheduler::<T>(T::MaxSchedulers::get() - 1);
	let candidates: Vec<T::AccountId> = (0..c).map(|i| account("candidate", i, 0)).collect();
	let response = ElectionResponse {
		order: id,
		attempt,
		scheduler,
		candidates: candidates.try_into().expect("c ≤ MaxCandidates"),
	};
	let signature = key.sign(&Pallet::<T>::response_payload(&response)).expect("the key signs");
	(response, signature)
}

/// An order whose election has every response but one, full.
fn electing_with_responses<T: Config>() -> OrderId {
	let id = ordered::<T>(&dapp::<T>(0), 0);
	full_responses::<T>(id, T::MaxSchedulers::get() - 1, "proposed");
	id
}

/// An order with full placements whose last storing peer is fetching. Returns the order, the
/// peer, its key and its deadline.
fn fetching<T: Config>() -> (OrderId, T::AccountId, T::PeerKey, BlockNumberFor<T>) {
	let id = ordered::<T>(&dapp::<T>(0), 0);
	let last = u32::from(T::MaxReplicas::get()) - 1;
	let deadline =
		frame_system::Pallet::<T>::block_number().saturating_add(T::ConfirmWindow::get());
	let peers = place::<T>(id, T::MaxPlacements::get(), |i| {
		if i == last {
			PlacementStatus::Fetching { deadline }
		} else {
			PlacementStatus::Holding { since: 0, paid_through: 0 }
		}
	});
	let (peer, key) = peers[last as usize].clone();
	(id, peer, key, deadline)
}

/// An order of `dapp` for the largest file in one copy fewer than the most, held by the first
/// holder of every such order and by peers of its own, with its reserves, and popular-file
/// terms that the smallest demand passes. Returns the order and its first holder with its key.
fn popular<T: Config>(dapp: &T::AccountId, tag: u32) -> (OrderId, T::AccountId, T::PeerKey) {
	let id = NextOrderId::<T>::get();
	let replicas = T::MaxReplicas::get().saturating_sub(1).max(1);
	Pallet::<T>::do_order(dapp.clone(), big_file::<T>(tag), replicas, T::MaxPeriods::get())
		.expect("a funded DApp orders");
	let count = u32::from(replicas) + u32::from(T::Reserves::get());
	let mut placements = PlacementsOf::<T>::default();
	let mut first = None;
	for i in 0..count {
		let (peer, key) = if i == 0 {
			professional::<T>("popular-holder", 0, true)
		} else {
			professional::<T>("popular", tag * count + i, true)
		};
		let status = if i < u32::from(replicas) {
			Pallet::<T>::commit(&peer, big_file::<T>(tag).length);
			holding::<T>(i)
		} else {
			PlacementStatus::Reserve
		};
		PeerOrders::<T>::insert(&peer, id, ());
		placements
			.try_push(Placement { peer: peer.clone(), status, scheduler: None })
			.expect("within MaxPlacements");
		first.get_or_insert((peer, key));
	}
	Placements::<T>::insert(id, placements);
	Orders::<T>::mutate(id, |o| {
		if let Some(o) = o.as_mut() {
			o.electing = false;
		}
	});
	Responses::<T>::remove(id);
	PopularTerms::<T>::insert(
		id,
		PopularityTerms {
			max_replicas: T::MaxReplicas::get(),
			bytes_per_copy: MIN_BYTES_PER_COPY,
			added: 0,
			granted: 0,
		},
	);
	let (peer, key) = first.expect("a holder");
	(id, peer, key)
}

/// A demand report of `e` orders of distinct DApps, each raised by it, signed by their first
/// holder, in period 1 for period 0, each DApp's traffic backing it.
fn demand_report<T: Config>(e: u32) -> (DemandReportOf<T>, KeySignature<T>, Vec<OrderId>) {
	let mut files = Vec::new();
	let mut holder = None;
	for i in 0..e {
		let who = dapp::<T>(i);
		let (id, peer, key) = popular::<T>(&who, i);
		let bytes = MIN_BYTES_PER_COPY * u64::from(T::MaxReplicas::get());
		T::BenchmarkHelper::paid_traffic(&peer, 0, &who, u128::from(bytes));
		files.push((id, bytes));
		holder = Some((peer, key));
	}
	let (peer, key) = holder.expect("at least one entry");
	go_to_period::<T>(1);
	let ids = files.iter().map(|(id, _)| *id).collect();
	let report =
		DemandReport { peer, period: 0, files: files.try_into().expect("e ≤ MaxDemandEntries") };
	let signature = key.sign(&Pallet::<T>::demand_payload(&report)).expect("the key signs");
	(report, signature, ids)
}

#[benchmarks]
mod benchmarks {
	use super::*;

	/// Another DApp ordered the file already.
	#[benchmark]
	fn order_storage() {
		ordered::<T>(&dapp::<T>(1), 0);
		let who = dapp::<T>(0);
		let id = NextOrderId::<T>::get();

		#[extrinsic_call]
		_(RawOrigin::Signed(who), big_file::<T>(0), T::MaxReplicas::get(), T::MaxPeriods::get());

		assert!(Orders::<T>::get(id).is_some_and(|o| o.electing));
	}

	/// `p`: the order's placements, storing slots holding first.
	#[benchmark]
	fn renew(p: Linear<1, { T::MaxPlacements::get() }>) {
		let who = dapp::<T>(0);
		let id = ordered::<T>(&who, 0);
		place::<T>(id, p, holding::<T>);
		go_to_period::<T>(2);

		#[extrinsic_call]
		_(RawOrigin::Signed(who), id, 1);

		assert_eq!(Orders::<T>::get(id).map(|o| o.terms_from), Some(2));
	}

	/// `p`: the order's placements, storing slots holding first.
	#[benchmark]
	fn end_order(p: Linear<1, { T::MaxPlacements::get() }>) {
		let who = dapp::<T>(0);
		let id = ordered::<T>(&who, 0);
		place::<T>(id, p, holding::<T>);
		go_to_period::<T>(2);

		#[extrinsic_call]
		_(RawOrigin::Signed(who), id);

		assert!(Orders::<T>::get(id).is_none());
	}

	/// `c`: the candidates proposed; every other scheduling peer answered already.
	#[benchmark]
	fn respond(c: Linear<1, { T::MaxCandidates::get() }>) {
		let id = electing_with_responses::<T>();
		let (response, signature) = signed_response::<T>(id, c);

		#[extrinsic_call]
		_(RawOrigin::Authorized, response, signature);

		assert_eq!(Responses::<T>::get(id).len() as u32, T::MaxSchedulers::get());
	}

	#[benchmark]
	fn authorize_respond(c: Linear<1, { T::MaxCandidates::get() }>) -> Result<(), BenchmarkError> {
		let id = electing_with_responses::<T>();
		let (response, signature) = signed_response::<T>(id, c);
		let call = Call::<T>::respond { response, signature };

		#[block]
		{
			use frame_support::pallet_prelude::Authorize;
			call.authorize(TransactionSource::External)
				.ok_or("the call must be authorizable")?
				.map_err(|_| "the response must be valid")?;
		}

		Ok(())
	}

	#[benchmark]
	fn confirm_stored() {
		let (id, peer, key, deadline) = fetching::<T>();
		let confirmation = StorageConfirmation { order: id, peer: peer.clone(), deadline };
		let signature =
			key.sign(&Pallet::<T>::confirmation_payload(&confirmation)).expect("the key signs");

		#[extrinsic_call]
		_(RawOrigin::Authorized, confirmation, signature);

		assert!(Placements::<T>::get(id)
			.iter()
			.any(|p| p.peer == peer && matches!(p.status, PlacementStatus::Holding { .. })));
	}

	#[benchmark]
	fn authorize_confirm() -> Result<(), BenchmarkError> {
		let (id, peer, key, deadline) = fetching::<T>();
		let confirmation = StorageConfirmation { order: id, peer, deadline };
		let signature =
			key.sign(&Pallet::<T>::confirmation_payload(&confirmation)).expect("the key signs");
		let call = Call::<T>::confirm_stored { confirmation, signature };

		#[block]
		{
			use frame_support::pallet_prelude::Authorize;
			call.authorize(TransactionSource::External)
				.ok_or("the call must be authorizable")?
				.map_err(|_| "the confirmation must be valid")?;
		}

		Ok(())
	}

	/// The last storing peer of full placements claims.
	#[benchmark]
	fn claim() {
		let who = dapp::<T>(0);
		let id = ordered::<T>(&who, 0);
		let peers = place::<T>(id, T::MaxPlacements::get(), holding::<T>);
		let last = usize::from(T::MaxReplicas::get()) - 1;
		let peer = peers[last].0.clone();
		go_to_period::<T>(2);
		// Its scheduling peer is credited last in a period that credits all others.
		let (credited, _) = scheduler::<T>(T::MaxSchedulers::get() - 1);
		Placements::<T>::mutate(id, |p| p[last].scheduler = Some(credited));
		for s in 0..T::MaxSchedulers::get() - 1 {
			Pallet::<T>::credit(2, scheduler::<T>(s).0, 1u32.into());
		}

		#[extrinsic_call]
		_(RawOrigin::Signed(peer.clone()), id);

		assert!(Placements::<T>::get(id).iter().any(|p| p.peer == peer
			&& matches!(p.status, PlacementStatus::Holding { paid_through: 2, .. })));
	}

	#[benchmark]
	fn set_rule() -> Result<(), BenchmarkError> {
		let origin =
			T::RuleOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let rule = SchedulingRule { random: 100, ..Default::default() };

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, rule);

		assert_eq!(Rule::<T>::get(), rule);
		Ok(())
	}

	/// `c`: elections closing in one block, each with full responses of distinct qualified
	/// candidates, filling every storing slot and reserve.
	#[benchmark]
	fn close_elections(c: Linear<1, { T::CloseBatch::get() }>) {
		let mut ids = Vec::new();
		for e in 0..c {
			let id = ordered::<T>(&dapp::<T>(e), e);
			full_responses::<T>(id, T::MaxSchedulers::get(), "elected");
			ids.push(id);
		}
		let n = frame_system::Pallet::<T>::block_number().saturating_add(T::ElectionWindow::get());
		frame_system::Pallet::<T>::set_block_number(n);

		#[block]
		{
			Pallet::<T>::close_due_elections(n);
		}

		for id in ids {
			assert_eq!(
				Placements::<T>::get(id).len(),
				usize::from(T::MaxReplicas::get()) + usize::from(T::Reserves::get())
			);
		}
	}

	/// `m`: storing peers that missed their deadline in one block, each in an order whose
	/// reserves but the last no longer qualify, so that the last takes the slot.
	#[benchmark]
	fn check_deadlines(m: Linear<1, { T::DeadlineBatch::get() }>) {
		let deadline = frame_system::Pallet::<T>::block_number();
		let mut orders = Vec::new();
		for e in 0..m {
			let id = ordered::<T>(&dapp::<T>(e), e);
			let peers = place::<T>(id, T::MaxPlacements::get(), |i| {
				if i == 0 {
					PlacementStatus::Fetching { deadline }
				} else {
					PlacementStatus::Holding { since: 0, paid_through: 0 }
				}
			});
			for (reserve, _) in &peers[usize::from(T::MaxReplicas::get())..peers.len() - 1] {
				T::BenchmarkHelper::register_professional(reserve, ProfessionalFacts::default());
			}
			Pallet::<T>::push_deadline(id, &peers[0].0, deadline);
			orders.push((id, peers));
		}
		let n = deadline.saturating_add(1u32.into());
		frame_system::Pallet::<T>::set_block_number(n);

		#[block]
		{
			Pallet::<T>::check_due_deadlines(n);
		}

		for (id, peers) in orders {
			let placements = Placements::<T>::get(id);
			assert_eq!(placements[0].peer, peers.last().expect("placed").0);
			assert!(placements.iter().all(|p| p.status.stores()));
		}
	}

	/// `s`: scheduling peers credited in the period paid.
	#[benchmark]
	fn pay_rewards(s: Linear<1, { T::MaxSchedulers::get() }>) {
		T::BenchmarkHelper::enable_scheduling_share();
		let mut schedulers = Vec::new();
		for i in 0..s {
			let (who, _) = scheduler::<T>(i);
			funded::<T>(&who);
			Pallet::<T>::credit(0, who.clone(), 1_000u32.into());
			schedulers.push(who);
		}
		go_to_period::<T>(1);
		let n = frame_system::Pallet::<T>::block_number();

		#[block]
		{
			Pallet::<T>::pay_scheduling_rewards(n);
		}

		assert!(Credits::<T>::get(0).is_empty());
		assert_eq!(RewardsPaidBefore::<T>::get(), 1);
	}

	/// The order's DApp raises its copies to the most (each copy added may bring elections).
	#[benchmark]
	fn set_popular_terms() {
		let who = dapp::<T>(0);
		let (id, _, _) = popular::<T>(&who, 0);
		PopularTerms::<T>::mutate(id, |t| {
			if let Some(t) = t.as_mut() {
				t.added = 1;
				t.granted = 1;
			}
		});

		#[extrinsic_call]
		_(RawOrigin::Signed(who), id, T::MaxReplicas::get(), MIN_BYTES_PER_COPY);

		assert_eq!(PopularTerms::<T>::get(id).map(|t| t.added), Some(1));
	}

	/// `e`: orders of distinct DApps in the report, each raised a copy and an election opened
	/// for it, each DApp's backing read from a traffic report of the most DApps.
	#[benchmark]
	fn report_demand(e: Linear<1, { T::MaxDemandEntries::get() }>) {
		let (report, signature, ids) = demand_report::<T>(e);

		#[extrinsic_call]
		_(RawOrigin::Authorized, report, signature);

		for id in ids {
			assert_eq!(Orders::<T>::get(id).map(|o| o.replicas), Some(T::MaxReplicas::get()));
		}
	}

	#[benchmark]
	fn authorize_report_demand(
		e: Linear<1, { T::MaxDemandEntries::get() }>,
	) -> Result<(), BenchmarkError> {
		let (report, signature, _) = demand_report::<T>(e);
		let call = Call::<T>::report_demand { report, signature };

		#[block]
		{
			use frame_support::pallet_prelude::Authorize;
			call.authorize(TransactionSource::External)
				.ok_or("the call must be authorizable")?
				.map_err(|_| "the report must be valid")?;
		}

		Ok(())
	}

	/// Off chain, not a call's weight: a scheduling peer's worker reads `p` professional peers
	/// from the registry and ranks them for an order (`scripts/bench-scheduling-scale.sh`, with
	/// `--extra`; `docs/benchmarks.md`).
	#[benchmark(extra)]
	fn propose(p: Linear<1, 10_000>) {
		let id = ordered::<T>(&dapp::<T>(0), 0);
		for i in 0..p {
			professional::<T>("registered", i, true);
		}
		let order = Orders::<T>::get(id).expect("ordered");
		let proposed;

		#[block]
		{
			let candidates = Pallet::<T>::candidates(T::Registry::professionals());
			proposed = Pallet::<T>::propose(id, &order, &candidates);
		}

		assert_eq!(proposed.len() as u32, p.min(T::MaxCandidates::get()));
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}

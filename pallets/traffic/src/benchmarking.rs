//! Benchmarks of `pallet_traffic` (frame-benchmarking v2). Each takes the worst case of its call
//! or hook step: full report sets, the most DApps per report, a full top group that every new
//! entry displaces, the second audit round's samples.

use super::*;
use frame_benchmarking::v2::*;
use frame_system::RawOrigin;
use sp_core::crypto::KeyTypeId;
use spacebook_receipts::{NodeKey, Receipt, SumNode, SumTree};

/// The key type the benchmarks' client keys are generated under.
const CLIENT_KEY_TYPE: KeyTypeId = KeyTypeId(*b"spbc");
/// The period the benchmarks report.
const PERIOD: u32 = 1;
/// Leaves of the audited tree (a proof of 7 siblings).
const LEAVES: u32 = 100;

/// The first block of `period`, plus `offset`.
fn go_to<T: Config>(period: u32, offset: u32) {
	let per: u32 = T::BlocksPerPeriod::get().saturated_into();
	frame_system::Pallet::<T>::set_block_number((period * per + offset).into());
}

/// DApp accounts in increasing order of their encoding.
fn dapps<T: Config>(count: u32) -> Vec<T::AccountId> {
	let mut dapps: Vec<T::AccountId> = (0..count).map(|i| account("dapp", i, 0)).collect();
	dapps.sort_by_key(|d| d.encode());
	dapps
}

/// A report record of `peer` for [`PERIOD`] claiming `bytes` for each of `dapps`, all backed
/// (the reservations are the caller's to store if it needs them).
fn record<T: Config>(
	peer: &T::AccountId,
	dapps: &[T::AccountId],
	bytes: u128,
) -> ReportRecordOf<T> {
	let per_dapp: Vec<(T::AccountId, u128)> = dapps.iter().map(|d| (d.clone(), bytes)).collect();
	let total = bytes.saturating_mul(dapps.len() as u128);
	ReportRecord {
		report: TrafficReport {
			peer: peer.clone(),
			period: PERIOD,
			from_period: PERIOD,
			root: SumNode { hash: H256::repeat_byte(1), sum: total, ..Default::default() },
			leaf_count: 1,
			per_dapp: per_dapp.try_into().expect("at most MaxDApps"),
		},
		carried_in: 0,
		carried_fees: Zero::zero(),
		status: AuditStatus::Passed { round: 1 },
		outcome: None,
		displaced: false,
		backed: dapps.iter().map(|_| bytes).collect::<Vec<_>>().try_into().expect("MaxDApps"),
		over_claimed: false,
		from_announced: Default::default(),
		contested: Default::default(),
	}
}

/// A registered peer and `d` DApps of its own report (sorted), each with 2 000 paid bytes, 1 000
/// of them reserved, and `announced` bytes announced for withdrawal in [`PERIOD`]: what counting
/// the report touches per DApp.
fn counted_report_setup<T: Config>(d: u32, announced: u128) -> (T::AccountId, Vec<T::AccountId>) {
	let peer: T::AccountId = account("peer", 0, 0);
	T::BenchmarkHelper::register_peer(&peer, T::PeerKey::generate_pair(None));
	let mut dapps: Vec<T::AccountId> = (0..d).map(|i| account("dapp", i, 0)).collect();
	dapps.sort_by_key(|d| d.encode());
	for dapp in &dapps {
		let client = sp_io::crypto::sr25519_generate(CLIENT_KEY_TYPE, None);
		T::BenchmarkHelper::register_dapp(dapp, client, 2_000);
		Reserved::<T>::insert(dapp, 1_000);
		let amount = Pallet::<T>::cost_of(announced, PERIOD);
		Withdrawals::<T>::insert(dapp, EscrowWithdrawal { amount, period: PERIOD });
	}
	(peer, dapps)
}

/// A thousand GiB of traffic at the price of period 0.
fn thousand_gib<T: Config>() -> T::Balance {
	Pallet::<T>::cost_of(1_000u128 << 30, 0)
}

/// Fill [`PERIOD`]'s report set with `count` small reports (one DApp each).
fn fill_reports<T: Config>(count: u32) {
	let dapp = dapps::<T>(1);
	let mut ranking = RankingOf::<T>::default();
	for i in 0..count {
		let peer: T::AccountId = account("filler", i, 0);
		let r = record::<T>(&peer, &dapp, 1);
		let key = Pallet::<T>::rank_key(1, &peer);
		let at = ranking.partition_point(|(t, who)| Pallet::<T>::rank_key(*t, who) < key);
		ranking.try_insert(at, (1, peer.clone())).expect("at most MaxReports");
		Reports::<T>::insert(PERIOD, &peer, r);
		Reserved::<T>::mutate(&dapp[0], |r| *r = r.saturating_add(1));
	}
	Ranking::<T>::insert(PERIOD, ranking);
}

/// A settlement of [`PERIOD`] whose top group is full of the smallest entries.
fn settlement<T: Config>() -> SettlementOf<T> {
	let mut top = BoundedVec::new();
	for i in 0..T::MaxTopGroup::get() {
		top.try_push((1u128, account("small", i, 0))).expect("MaxTopGroup");
	}
	Settlement {
		period: PERIOD,
		stage: SettlementStage::Counting(0),
		top,
		top_group: T::MaxTopGroup::get(),
		reward_cap: Some(Perbill::from_percent(99)),
		total_traffic: 0,
		emission: T::MiningPool::period_emission(PERIOD).peers,
		paid: Zero::zero(),
	}
}

/// A registered peer, its key, and a report of [`PERIOD`] naming `d` DApps.
fn signed_report<T: Config>(d: u32) -> (TrafficReportOf<T>, ReportSignature<T>) {
	let peer: T::AccountId = account("peer", 0, 0);
	let key = T::PeerKey::generate_pair(None);
	T::BenchmarkHelper::register_peer(&peer, key.clone());
	// The previous period is settled.
	NextToSettle::<T>::put(PERIOD);
	let dapps = dapps::<T>(d);
	// Every DApp paid for half of what the report claims, announced the withdrawal of half of
	// that, and has a fifth of it reserved by another report: per DApp, a reservation, part of it
	// taken from the announcement (a write), contested bytes, and an event.
	for dapp in &dapps {
		let client = sp_io::crypto::sr25519_generate(CLIENT_KEY_TYPE, None);
		T::BenchmarkHelper::register_dapp(dapp, client, 500_000);
		let amount = Pallet::<T>::cost_of(250_000, PERIOD);
		Withdrawals::<T>::insert(dapp, EscrowWithdrawal { amount, period: PERIOD });
		Reserved::<T>::insert(dapp, 100_000);
	}
	let report = record::<T>(&peer, &dapps, 1_000_000).report;
	let signature =
		key.sign(&Pallet::<T>::report_payload(&report)).expect("the key is in the keystore");
	(report, signature)
}

/// A peer's pending report of [`PERIOD`] over [`LEAVES`] signed receipts of `d` DApps (a tally
/// each on passing), audit round `round` open, and the honest answers. Every receipt has a
/// client key of its own, and the audit seeds are chosen so that every sample lands on another
/// receipt: each sample looks up a key of its own in the registry, the worst case.
fn audited<T: Config>(round: u8, d: u32) -> (T::AccountId, AnswersOf<T>) {
	let peer: T::AccountId = account("peer", 0, 0);
	// The registry is asked about the keys in the audit round (a helper may retire them then,
	// its longest lookup).
	go_to::<T>(
		PERIOD + 1,
		Pallet::<T>::audit_start() + T::AuditWindow::get() * u32::from(round - 1),
	);
	let dapps = dapps::<T>(d);
	let clients: Vec<_> = (0..LEAVES as usize)
		.map(|i| {
			let client = sp_io::crypto::sr25519_generate(CLIENT_KEY_TYPE, None);
			T::BenchmarkHelper::register_dapp(&dapps[i % dapps.len()], client, 1 << 40);
			client
		})
		.collect();
	let genesis = Pallet::<T>::genesis_hash();
	let mut receipts: Vec<SignedReceipt<T::AccountId>> = (0..LEAVES)
		.map(|i| {
			let d = i as usize % dapps.len();
			let mut session = [0u8; 16];
			session[..4].copy_from_slice(&i.to_be_bytes());
			let receipt = Receipt {
				period: PERIOD,
				session,
				server: peer.clone(),
				dapp: dapps[d].clone(),
				client_key: clients[i as usize],
				bytes: 1_000 + u64::from(i),
			};
			let signature = sp_io::crypto::sr25519_sign(
				CLIENT_KEY_TYPE,
				&clients[i as usize],
				&receipt.signing_payload(&genesis),
			)
			.expect("the key is in the keystore");
			SignedReceipt { receipt, signature }
		})
		.collect();
	receipts.sort_by_key(|r| r.receipt.stream_key());
	// Leaves of no bytes after the receipts, so that every proof is as deep as the deepest the
	// pallet accepts (issue 14, finding 10): 2^(MAX_PROOF_LEN - 1) + 1 leaves. No sample lands
	// on a leaf of no bytes.
	let mut leaves: Vec<SumNode> = receipts.iter().map(SumNode::leaf).collect();
	let padded = (1usize << (MAX_PROOF_LEN - 1)) + 1;
	for i in leaves.len()..padded {
		let mut key = alloc::vec![0xffu8; 40];
		key.extend_from_slice(&(i as u32).to_be_bytes());
		let key: NodeKey = key.try_into().expect("44 bytes");
		// (`from_low_u64_be` needs fixed-hash's `byteorder`, which the wasm build lacks.)
		let mut hash = [0u8; 32];
		hash[24..].copy_from_slice(&(i as u64).to_be_bytes());
		let hash = H256(hash);
		leaves.push(SumNode { hash, sum: 0, min: key.clone(), max: key });
	}
	let tree = SumTree::from_leaves(leaves).expect("ordered");
	let per_dapp = Pallet::<T>::per_dapp_totals(&receipts);
	let total = tree.root().sum;
	let mut r = record::<T>(&peer, &dapps[..1], total);
	r.backed = per_dapp.iter().map(|(_, b)| *b).collect::<Vec<_>>().try_into().expect("MaxDApps");
	r.report.per_dapp = per_dapp.try_into().expect("MaxDApps");
	r.report.root = tree.root();
	r.report.leaf_count = tree.leaf_count();
	r.status = AuditStatus::Pending;
	Reports::<T>::insert(PERIOD, &peer, r);
	let ranking: RankingOf<T> = alloc::vec![(total, peer.clone())].try_into().expect("one");
	Ranking::<T>::insert(PERIOD, ranking);
	// Of the first 200 pairs of seeds, the one whose samples land on the most distinct
	// receipts (each a key lookup of its own). A sample per DApp lands in each DApp's range;
	// the others may share a receipt when there are many samples for the 100 receipts.
	let seeds_of = |j: u64| -> BoundedVec<H256, ConstU32<2>> {
		let seed = |n: u64| {
			let mut bytes = [0u8; 32];
			bytes[..8].copy_from_slice(&n.to_le_bytes());
			H256(bytes)
		};
		alloc::vec![seed(2 * j + 1), seed(2 * j + 2)].try_into().expect("two")
	};
	let distinct = |j: u64| {
		AuditSeeds::<T>::insert(PERIOD, seeds_of(j));
		let mut leaves: Vec<u32> = Pallet::<T>::audit_positions(PERIOD, &peer, round)
			.iter()
			.map(|p| tree.leaf_at(*p).expect("below the total"))
			.collect();
		leaves.sort();
		leaves.dedup();
		leaves.len()
	};
	let best = (0..200u64)
		.map(|j| (distinct(j), core::cmp::Reverse(j)))
		.max()
		.map(|(_, core::cmp::Reverse(j))| j)
		.expect("200 tries");
	AuditSeeds::<T>::insert(PERIOD, seeds_of(best));
	let positions = Pallet::<T>::audit_positions(PERIOD, &peer, round);
	let answers: Vec<SampleAnswer<T::AccountId>> = positions
		.into_iter()
		.map(|position| {
			let index = tree.leaf_at(position).expect("below the total");
			SampleAnswer {
				leaf_index: index,
				receipt: receipts[index as usize].clone(),
				proof: tree
					.proof(index)
					.expect("a leaf")
					.try_into()
					.expect("at most MAX_PROOF_LEN"),
			}
		})
		.collect();
	assert!(answers.iter().all(|a| a.proof.len() == MAX_PROOF_LEN as usize), "deepest proofs");
	(peer, answers.try_into().expect("at most max_audit_answers"))
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn submit_report(d: Linear<1, { T::MaxDApps::get() }>) {
		fill_reports::<T>(T::MaxReports::get());
		go_to::<T>(PERIOD + 1, 0);
		let (report, signature) = signed_report::<T>(d);
		let peer = report.peer.clone();

		#[extrinsic_call]
		_(RawOrigin::Authorized, report, signature);

		let record = Reports::<T>::get(PERIOD, &peer).expect("accepted");
		assert_eq!(record.contested.first(), Some(&100_000));
		assert!(record.from_announced.first().is_some_and(|a| *a > 0));
		assert_eq!(Ranking::<T>::get(PERIOD).len() as u32, T::MaxReports::get());
	}

	#[benchmark]
	fn authorize_report(d: Linear<1, { T::MaxDApps::get() }>) -> Result<(), BenchmarkError> {
		fill_reports::<T>(T::MaxReports::get());
		go_to::<T>(PERIOD + 1, 0);
		let (report, signature) = signed_report::<T>(d);
		let call = Call::<T>::submit_report { report, signature };

		#[block]
		{
			use frame_support::pallet_prelude::Authorize;
			call.authorize(TransactionSource::External)
				.ok_or("the call must be authorizable")?
				.map_err(|_| "the report must be valid")?;
		}

		Ok(())
	}

	/// `r`: the audit round (its number of samples); `d`: the DApps the report names.
	#[benchmark]
	fn answer_audit(r: Linear<1, 2>, d: Linear<1, { T::MaxDApps::get() }>) {
		let (peer, answers) = audited::<T>(r as u8, d);

		#[extrinsic_call]
		_(RawOrigin::Authorized, PERIOD, peer.clone(), answers);

		assert_eq!(
			Reports::<T>::get(PERIOD, &peer).map(|r| r.status),
			Some(AuditStatus::Passed { round: r as u8 })
		);
	}

	#[benchmark]
	fn set_parameters() -> Result<(), BenchmarkError> {
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let parameters = TrafficParameters {
			top_group: T::MaxTopGroup::get(),
			reward_cap: Some(Perbill::from_percent(99)),
		};

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, parameters);

		assert_eq!(Pallet::<T>::parameters(), parameters);
		Ok(())
	}

	#[benchmark]
	fn fund_traffic() {
		let dapp: T::AccountId = account("dapp", 0, 0);
		T::BenchmarkHelper::fund(&dapp);
		let amount = thousand_gib::<T>();

		#[extrinsic_call]
		_(RawOrigin::Signed(dapp.clone()), amount);

		assert_eq!(Escrow::<T>::get(&dapp), amount);
	}

	#[benchmark]
	fn announce_withdrawal() {
		let dapp: T::AccountId = account("dapp", 0, 0);
		T::BenchmarkHelper::fund(&dapp);
		let amount = thousand_gib::<T>();
		Pallet::<T>::fund_traffic(RawOrigin::Signed(dapp.clone()).into(), amount)
			.expect("a funded DApp funds traffic");

		#[extrinsic_call]
		_(RawOrigin::Signed(dapp.clone()));

		assert_eq!(Withdrawals::<T>::get(&dapp).map(|w| w.amount), Some(amount));
	}

	#[benchmark]
	fn withdraw_escrow() {
		let dapp: T::AccountId = account("dapp", 0, 0);
		T::BenchmarkHelper::fund(&dapp);
		Pallet::<T>::fund_traffic(RawOrigin::Signed(dapp.clone()).into(), thousand_gib::<T>())
			.expect("a funded DApp funds traffic");
		Pallet::<T>::announce_withdrawal(RawOrigin::Signed(dapp.clone()).into())
			.expect("it has funds to withdraw");
		let period = Withdrawals::<T>::get(&dapp).expect("announced").period;
		frame_system::Pallet::<T>::set_block_number(Pallet::<T>::withdrawal_due(period));

		#[extrinsic_call]
		_(RawOrigin::Signed(dapp.clone()));

		assert!(!Escrow::<T>::contains_key(&dapp));
		assert!(!Withdrawals::<T>::contains_key(&dapp));
	}

	#[benchmark]
	fn draw_seed() {
		fill_reports::<T>(T::MaxReports::get());

		#[block]
		{
			Pallet::<T>::draw_seed(PERIOD, 1);
		}

		assert_eq!(AuditSeeds::<T>::get(PERIOD).len(), 1);
	}

	#[benchmark]
	fn start_settlement() {
		#[block]
		{
			Pallet::<T>::start_settlement(PERIOD);
		}

		assert!(Settling::<T>::get().is_some());
	}

	/// Counting one report that passed its audit, naming `d` DApps of its own (no DApp's
	/// storage is read twice): for each DApp it releases and claims a reservation of 1 000
	/// bytes, then counts 1 000 contested bytes taken from the DApp's announced withdrawal (a
	/// second claim); its claims of 3 000 bytes are over-claimed, it is penalized, and it enters a
	/// full top group. The most work a passed report's count takes.
	#[benchmark]
	fn count_passed_report(d: Linear<1, { T::MaxDApps::get() }>) {
		let (peer, dapps) = counted_report_setup::<T>(d, 1_000);
		let mut r = record::<T>(&peer, &dapps, 3_000);
		r.backed =
			dapps.iter().map(|_| 1_000u128).collect::<Vec<_>>().try_into().expect("MaxDApps");
		r.contested = r.backed.clone();
		r.over_claimed = true;
		Reports::<T>::insert(PERIOD, &peer, r);
		let mut s = settlement::<T>();

		#[block]
		{
			Pallet::<T>::count_report(&mut s, &peer, true, Weight::MAX);
		}

		assert!(s.top.iter().any(|(_, who)| *who == peer));
		let outcome = Reports::<T>::get(PERIOD, &peer).and_then(|r| r.outcome);
		assert!(outcome.is_some_and(|o| o.unpaid_claimed && o.counted == 2_000 * u128::from(d)));
	}

	/// Counting one report that failed its audit, naming `d` DApps of its own: for each DApp it
	/// releases a reservation of 1 000 bytes, half of them given back to the DApp's announced
	/// withdrawal; it displaced a report when accepted, so its peer is suspended.
	#[benchmark]
	fn count_failed_report(d: Linear<1, { T::MaxDApps::get() }>) {
		let (peer, dapps) = counted_report_setup::<T>(d, 500);
		let mut r = record::<T>(&peer, &dapps, 1_000);
		r.status = AuditStatus::Pending;
		r.displaced = true;
		r.from_announced =
			dapps.iter().map(|_| 500u128).collect::<Vec<_>>().try_into().expect("MaxDApps");
		Reports::<T>::insert(PERIOD, &peer, r);
		let mut s = settlement::<T>();

		#[block]
		{
			Pallet::<T>::count_report(&mut s, &peer, false, Weight::MAX);
		}

		let record = Reports::<T>::get(PERIOD, &peer).expect("kept");
		assert_eq!(record.status, AuditStatus::Failed);
		assert_eq!(Reserved::<T>::get(&dapps[0]), 0);
	}

	#[benchmark]
	fn settle_pay(n: Linear<1, { T::PayoutBatch::get() }>) {
		let dapp = dapps::<T>(1);
		let mut s = settlement::<T>();
		s.top.clear();
		for i in 0..n {
			let peer: T::AccountId = account("winner", i, 0);
			T::BenchmarkHelper::register_peer(&peer, T::PeerKey::generate_pair(None));
			let mut r = record::<T>(&peer, &dapp, 1_000);
			r.outcome = Some(ReportOutcome { counted: 1_000, ranked: 1_000, ..Default::default() });
			Reports::<T>::insert(PERIOD, &peer, r);
			s.top.try_push((1_000, peer)).expect("at most MaxTopGroup");
		}
		s.total_traffic = 1_000u128.saturating_mul(n.into());
		go_to::<T>(PERIOD + 1, Pallet::<T>::audit_start() + 2 * T::AuditWindow::get());

		#[block]
		{
			for rank in 0..n {
				Pallet::<T>::pay_winner(&mut s, rank);
			}
		}

		let first = &s.top[0].1;
		assert_eq!(
			Reports::<T>::get(PERIOD, first).and_then(|r| r.outcome).and_then(|o| o.rank),
			Some(1)
		);
	}

	#[benchmark]
	fn finish_settlement() {
		fill_reports::<T>(T::MaxReports::get());
		let period = PERIOD;
		NextToSettle::<T>::put(period);
		let mut s = settlement::<T>();
		s.stage = SettlementStage::Paying(s.top.len() as u32);

		#[block]
		{
			Pallet::<T>::finish_settlement(s, Zero::zero());
		}

		assert!(Settled::<T>::contains_key(period));
		assert_eq!(NextToSettle::<T>::get(), period + 1);
	}

	/// A step that forgets `n` bills of an old period (the runtime charges `PruneBatch`).
	#[benchmark]
	fn prune_bills(n: Linear<1, { T::PruneBatch::get() }>) {
		for i in 0..n {
			let dapp: T::AccountId = account("billed", i, 0);
			// Growing bills: in the runtime each enters the committee's full DApp ranking
			// (`OnBilled`'s worst case).
			Bills::<T>::insert(PERIOD, dapp, Bill { bytes: 1 << 30, amount: (1_000 + i).into() });
		}
		fill_reports::<T>(1);
		NextToSettle::<T>::put(PERIOD + T::HistoryDepth::get() + 1);
		OldestKept::<T>::put(PERIOD);

		#[block]
		{
			Pallet::<T>::prune_step();
		}

		assert_eq!(Bills::<T>::iter_prefix(PERIOD).count(), 0);
		assert_eq!(OldestKept::<T>::get(), PERIOD, "the reports come in a later block");
	}

	/// A step that forgets an old period's last `n` reports, with its ranking and summary.
	#[benchmark]
	fn prune_reports(n: Linear<1, { T::PruneBatch::get().min(T::MaxReports::get()) }>) {
		fill_reports::<T>(n);
		DAppEntries::<T>::insert(PERIOD, n);
		Settled::<T>::insert(PERIOD, PeriodSummary::default());
		NextToSettle::<T>::put(PERIOD + T::HistoryDepth::get() + 1);
		OldestKept::<T>::put(PERIOD);

		#[block]
		{
			Pallet::<T>::prune_step();
		}

		assert_eq!(Reports::<T>::iter_prefix(PERIOD).count(), 0);
		assert!(!Ranking::<T>::contains_key(PERIOD) && !Settled::<T>::contains_key(PERIOD));
		assert_eq!(OldestKept::<T>::get(), PERIOD + 1);
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::bench_ext(), crate::mock::Test);
}

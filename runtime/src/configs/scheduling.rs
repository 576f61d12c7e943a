//! `pallet_scheduling`: storage orders placed on professional peers by the scheduling peers
//! (whitepaper ch.2 §4, §5 ii and iv). The design is in `docs/scheduling.md`; the reasons for
//! the values are in `docs/decisions.md`.

use crate::{AccountId, Balance, Runtime, RuntimeHoldReason, PERIODS_PER_YEAR, SPB};
use frame_support::traits::{ConstU32, ConstU64, ConstU8};
use pallet_peers::{PeerRegistry, Role, Status};
use pallet_scheduling::ProfessionalFacts;

/// Who sets the scheduling rule's weights: the governance committee's majority (ch.4 §3; the
/// foundation before the first committee).
pub type SchedulingRuleOrigin = super::governance::GovernanceOrigin;

/// What the scheduling pallet reads of the peer registry.
pub struct RegisteredPeers;
impl pallet_scheduling::SchedulingRegistry<AccountId, pallet_peers::crypto::PeerKey>
	for RegisteredPeers
{
	fn professional(who: &AccountId) -> Option<ProfessionalFacts> {
		let record = pallet_peers::Registrations::<Runtime>::get(who)?;
		let Role::Professional(p) = &record.role else { return None };
		if !<crate::Peers as PeerRegistry<_, _, _, _, _>>::can_earn(who) {
			return None;
		}
		Some(ProfessionalFacts {
			storage_gib: p.declaration.resources.storage_gib,
			online_periods: record.online.periods,
			last_online_period: record.online.last_period,
			commons: p.attached_commons,
			commons_storage_gib: p.attached_storage_gib,
			region: p.declaration.location.region,
			// The patrols' pass rate, with a prior (docs/scheduling.md).
			patrol_passed_ppm: Some(
				pallet_patrol::Quality::<Runtime>::get(who)
					.map_or(pallet_scheduling::patrol_passed_ppm(0, 0), |q| {
						pallet_scheduling::patrol_passed_ppm(q.passed, q.patrols)
					}),
			),
		})
	}

	fn is_active_dapp(who: &AccountId) -> bool {
		pallet_peers::Registrations::<Runtime>::get(who)
			.is_some_and(|r| matches!(r.role, Role::DApp(_)) && r.status == Status::Active)
	}

	fn scheduler_key(who: &AccountId) -> Option<pallet_peers::crypto::PeerKey> {
		let record = pallet_peers::Registrations::<Runtime>::get(who)?;
		match record.role {
			Role::Scheduling(d) if record.status == Status::Active => Some(d.node_key),
			_ => None,
		}
	}

	fn peer_key(who: &AccountId) -> Option<pallet_peers::crypto::PeerKey> {
		let record = pallet_peers::Registrations::<Runtime>::get(who)?;
		match record.role {
			Role::Professional(p) => Some(p.peer_key),
			_ => None,
		}
	}

	fn scheduler_of_key(key: &pallet_peers::crypto::PeerKey) -> Option<AccountId> {
		let who = crate::Peers::service_peer_of_key(key)?;
		Self::scheduler_key(&who).is_some().then_some(who)
	}

	fn professional_of_key(key: &pallet_peers::crypto::PeerKey) -> Option<AccountId> {
		let who = pallet_peers::PeerKeyOwner::<Runtime>::get(key)?;
		Self::peer_key(&who).is_some().then_some(who)
	}

	fn endpoint(who: &AccountId) -> alloc::vec::Vec<u8> {
		match pallet_peers::Registrations::<Runtime>::get(who).map(|r| r.role) {
			Some(Role::Professional(p)) => p.declaration.endpoint.into_inner(),
			_ => alloc::vec::Vec::new(),
		}
	}

	fn professionals() -> alloc::vec::Vec<(AccountId, ProfessionalFacts)> {
		pallet_peers::Registrations::<Runtime>::iter_keys()
			.filter_map(|who| Self::professional(&who).map(|facts| (who, facts)))
			.collect()
	}

	fn commons(
		who: &AccountId,
		max: u32,
	) -> alloc::vec::Vec<(AccountId, u32, alloc::vec::Vec<u8>)> {
		crate::Peers::attached_commons(who, max as usize)
			.into_iter()
			.map(|(common, storage_gib, endpoint)| (common, storage_gib, endpoint.into_inner()))
			.collect()
	}

	fn professional_of_common(who: &AccountId) -> Option<AccountId> {
		let record = pallet_peers::Registrations::<Runtime>::get(who)?;
		let Role::Common(c) = &record.role else { return None };
		// Only a common peer that may earn (active, holding its deposit) keeps backups: a
		// registration alone costs nothing but a fee.
		if !<crate::Peers as PeerRegistry<_, _, _, _, _>>::can_earn(who) {
			return None;
		}
		crate::Peers::attachment(c)
	}

	fn common_storage_gib(who: &AccountId) -> u32 {
		match pallet_peers::Registrations::<Runtime>::get(who).map(|r| r.role) {
			Some(Role::Common(c)) => c.storage_gib,
			_ => 0,
		}
	}
}

/// What backs a storing peer's demand report: the DApp's paid traffic in the peer's traffic
/// report of the period once the report **passed its audit** — the bytes reserved for it from
/// the DApp's paid traffic (`backed`; not the contested ones, which other reports may hold) —
/// spread evenly over the periods the report spans (from `from_period`): receipts rolled over
/// from earlier periods count as their average, never as one period's demand.
pub struct PaidTrafficOfReports;
impl pallet_scheduling::PaidTraffic<AccountId> for PaidTrafficOfReports {
	fn paid_bytes(peer: &AccountId, period: u32, dapp: &AccountId) -> u128 {
		let Some(record) = pallet_traffic::Reports::<Runtime>::get(period, peer) else { return 0 };
		if !matches!(record.status, pallet_traffic::AuditStatus::Passed { .. }) {
			return 0;
		}
		let spanned = period.saturating_sub(record.report.from_period).saturating_add(1);
		let backed = record
			.report
			.per_dapp
			.iter()
			.position(|(d, _)| d == dapp)
			.and_then(|i| record.backed.get(i).copied())
			.unwrap_or(0);
		backed / u128::from(spanned)
	}

	fn reported(peer: &AccountId, period: u32) -> bool {
		pallet_traffic::Reports::<Runtime>::contains_key(period, peer)
	}
}

/// The processing fee (0.5 %) as a reward cap.
pub struct ProcessingFeeCap;
impl frame_support::traits::Get<Option<sp_runtime::Perbill>> for ProcessingFeeCap {
	fn get() -> Option<sp_runtime::Perbill> {
		let fee: sp_runtime::Permill = super::token::FoundationShare::get();
		Some(sp_runtime::Perbill::from_parts(fee.deconstruct().saturating_mul(1_000)))
	}
}

/// The pricing pallet's storage price of each period.
pub struct NominalStoragePrice;
impl pallet_scheduling::NominalStoragePrice<Balance> for NominalStoragePrice {
	fn storage_price_per_gb_month(period: u32) -> Balance {
		crate::Pricing::prices_of_period(period).storage_gb_month
	}
	fn note_storage_paid(amount: Balance) {
		// Storage fees count in the cycle's spending `D` as traffic bills do.
		<crate::Pricing as pallet_pricing::TrafficPrices>::note_traffic_bill(amount)
	}
}

impl pallet_scheduling::Config for Runtime {
	type Balance = Balance;
	type Currency = crate::Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type PeerKey = pallet_peers::crypto::PeerKey;
	type Registry = RegisteredPeers;
	type Prices = NominalStoragePrice;
	type MiningPool = crate::Token;
	/// The Gosig VRF accumulator, read when an election closes.
	type Randomness = super::traffic::GosigRandomness;
	type Foundation = super::token::FoundationAccount;
	/// The whitepaper's 0.5 % processing fee, as on traffic revenue.
	type FoundationShare = super::token::FoundationShare;
	/// A scheduling peer is paid at most the processing fee of the holding fees it brought in:
	/// a scheduling peer that is also the DApp and the holder gets back at most what it paid
	/// the foundation (`docs/security.md`). The rule origin lifts it for trusted schedulers.
	type DefaultRewardCap = ProcessingFeeCap;
	type RuleOrigin = SchedulingRuleOrigin;
	/// Pays for an order's state (about 1 KB with its placements) while it lasts.
	type OrderDeposit = frame_support::traits::ConstU128<SPB>;
	type PeriodsPerMonth = ConstU32<{ PERIODS_PER_YEAR / 12 }>;
	/// 64 GiB: larger data is cut into files by the DApp.
	type MaxFileLength = ConstU64<{ 64 << 30 }>;
	type MaxReplicas = ConstU8<8>;
	type Reserves = ConstU8<3>;
	type MaxPlacements = ConstU32<11>;
	/// An hour of periods.
	type MinPeriods = ConstU32<12>;
	/// A year of periods from now; renewals extend it.
	type MaxPeriods = ConstU32<PERIODS_PER_YEAR>;
	/// 24 seconds for the scheduling peers' workers to answer.
	type ElectionWindow = ConstU32<8>;
	/// 30 minutes to fetch up to 64 GiB and confirm.
	type ConfirmWindow = ConstU32<600>;
	type MaxAttempts = ConstU8<3>;
	type MaxCandidates = ConstU32<16>;
	type MaxSchedulers = ConstU32<16>;
	type CloseBatch = ConstU32<2>;
	/// The deadlines two elections of eleven placements queue.
	type DeadlineBatch = ConstU32<22>;
	type Traffic = PaidTrafficOfReports;
	/// A storing peer's files with popular-file terms counted in one report.
	type MaxDemandEntries = ConstU32<32>;
	type WeightInfo = pallet_scheduling::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = BenchmarkSetup;
}

/// Registers DApps, professional and scheduling peers for the benchmarks.
#[cfg(feature = "runtime-benchmarks")]
pub struct BenchmarkSetup;
#[cfg(feature = "runtime-benchmarks")]
impl pallet_scheduling::BenchmarkHelper<AccountId, pallet_peers::crypto::PeerKey>
	for BenchmarkSetup
{
	fn register_dapp(who: &AccountId) {
		if !pallet_peers::Registrations::<Runtime>::contains_key(who) {
			<super::pricing::BenchmarkSetup as pallet_pricing::BenchmarkHelper<_>>::register_dapp(
				who,
			);
		}
	}

	fn register_professional(
		who: &AccountId,
		facts: ProfessionalFacts,
	) -> pallet_peers::crypto::PeerKey {
		use frame_support::traits::fungible::Mutate;
		use sp_runtime::RuntimeAppPublic;
		let key = match pallet_peers::Registrations::<Runtime>::get(who).map(|r| r.role) {
			Some(Role::Professional(p)) => p.peer_key,
			_ => {
				let key = pallet_peers::crypto::PeerKey::generate_pair(None);
				crate::Balances::set_balance(who, 1_000_000 * SPB);
				let region = if facts.region.iter().all(u8::is_ascii_uppercase) {
					facts.region
				} else {
					*b"SG"
				};
				crate::Peers::register_professional(
					crate::RuntimeOrigin::signed(who.clone()),
					key.clone(),
					pallet_peers::ProfessionalDeclaration {
						resources: pallet_peers::Resources {
							storage_gib: facts.storage_gib.max(1),
							bandwidth_mbps: 100,
							cpu_cores: 1,
						},
						location: pallet_peers::Location { region, latitude: 1, longitude: 1 },
						endpoint: b"http://bench".to_vec().try_into().expect("short"),
					},
				)
				.expect("a funded account registers");
				key
			}
		};
		// The facts the registry cannot be brought to by calls in one block: heartbeats over
		// many periods, attached common peers; a peer with no storage is suspended.
		pallet_peers::Registrations::<Runtime>::mutate(who, |record| {
			let Some(record) = record else { return };
			record.online = pallet_peers::Online {
				periods: facts.online_periods,
				last_period: facts.last_online_period,
			};
			if let Role::Professional(p) = &mut record.role {
				p.attached_commons = facts.commons;
				p.attached_storage_gib = facts.commons_storage_gib;
			}
			if facts.storage_gib == 0 {
				record.status = Status::Suspended {
					since: 0,
					reason: pallet_peers::PenaltyReason::PatrolFailed,
				};
			}
		});
		key
	}

	fn register_scheduler(who: &AccountId) -> pallet_peers::crypto::PeerKey {
		use frame_support::traits::fungible::Mutate;
		use sp_runtime::RuntimeAppPublic;
		if let Some(Role::Scheduling(d)) =
			pallet_peers::Registrations::<Runtime>::get(who).map(|r| r.role)
		{
			return d.node_key;
		}
		let key = pallet_peers::crypto::PeerKey::generate_pair(None);
		crate::Balances::set_balance(who, 1_000_000 * SPB);
		crate::Peers::admit_service_peer(
			crate::RuntimeOrigin::root(),
			who.clone().into(),
			pallet_peers::ServiceKind::Scheduling,
			pallet_peers::ServiceDeclaration {
				location: pallet_peers::Location { region: *b"SG", latitude: 1, longitude: 1 },
				endpoint: b"http://bench".to_vec().try_into().expect("short"),
				node_key: key.clone(),
			},
		)
		.expect("root admits a funded account");
		key
	}

	fn enable_scheduling_share() {
		pallet_token::CurrentSplit::<Runtime>::put(pallet_token::EmissionSplit {
			peers: sp_runtime::Perbill::from_percent(89),
			billing: sp_runtime::Perbill::from_percent(1),
			scheduling: sp_runtime::Perbill::from_percent(10),
		});
	}

	fn paid_traffic(peer: &AccountId, period: u32, dapp: &AccountId, bytes: u128) {
		pallet_traffic::Reports::<Runtime>::mutate(period, peer, |record| {
			let record = record.get_or_insert_with(|| pallet_traffic::ReportRecord {
				report: pallet_traffic::TrafficReport {
					peer: peer.clone(),
					period,
					from_period: period,
					root: Default::default(),
					leaf_count: 1,
					per_dapp: Default::default(),
				},
				carried_in: 0,
				carried_fees: 0,
				status: pallet_traffic::AuditStatus::Passed { round: 1 },
				outcome: None,
				displaced: false,
				backed: Default::default(),
				over_claimed: false,
				from_announced: Default::default(),
				contested: Default::default(),
			});
			// The worst case: a report of the most DApps, read whole for each DApp counted;
			// the DApps a demand report may count come last.
			use frame_support::traits::Get;
			let room = <<Runtime as pallet_traffic::Config>::MaxDApps as Get<u32>>::get()
				- <<Runtime as pallet_scheduling::Config>::MaxDemandEntries as Get<u32>>::get();
			while (record.report.per_dapp.len() as u32) < room {
				let filler = AccountId::new([0xee; 32]);
				let _ = record.report.per_dapp.try_push((filler, 1));
				let _ = record.backed.try_push(1);
			}
			record.report.root.sum = record.report.root.sum.saturating_add(bytes);
			let pushed = record.report.per_dapp.try_push((dapp.clone(), bytes)).is_ok()
				&& record.backed.try_push(bytes).is_ok();
			assert!(pushed, "the benchmarks' reports stay within MaxDApps");
		});
	}
}

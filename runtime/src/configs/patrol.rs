//! `pallet_patrol`: hidden checks of the serving peers by the scheduling peers (whitepaper ch.2
//! §5 v, ch.3 §1 step 2). The design is in `docs/patrol.md`; the reasons for the values are in
//! `docs/decisions.md`.

use super::scheduling::RegisteredPeers;
use crate::{AccountId, Balance, Runtime};
use frame_support::{parameter_types, traits::ConstU32};
use pallet_patrol::PatrolParameters;
use pallet_peers::{PeerRegistry, Role, RoleKind};
use pallet_scheduling::SchedulingRegistry;
use sp_runtime::Perbill;

/// Who sets the patrol parameters (the reward's share, patrols a period, the failure memory):
/// the governance committee's majority (ch.4 §3; the foundation before the first committee).
pub type PatrolParametersOrigin = super::governance::GovernanceOrigin;

parameter_types! {
	/// 2 % of the peers' emission for patrol rewards, in 20 passes a period; a scheduling peer
	/// patrols 4 serving peers a period at random; a second wrong answer within a day (288
	/// periods) suspends.
	pub const DefaultPatrolParameters: PatrolParameters = PatrolParameters {
		share: Perbill::from_percent(2),
		expected: 4,
		rewarded_passes: 20,
		failure_memory: 288,
	};
}

/// What the patrol pallet reads of the peer registry.
pub struct PatrolledPeers;
impl pallet_patrol::PatrolRegistry<AccountId, pallet_peers::crypto::PeerKey, Balance>
	for PatrolledPeers
{
	// A scheduling peer is the same for placements and patrols: one definition, in
	// `configs/scheduling.rs`.
	fn scheduler_key(who: &AccountId) -> Option<pallet_peers::crypto::PeerKey> {
		<RegisteredPeers as SchedulingRegistry<_, _>>::scheduler_key(who)
	}

	fn scheduler_of_key(key: &pallet_peers::crypto::PeerKey) -> Option<AccountId> {
		<RegisteredPeers as SchedulingRegistry<_, _>>::scheduler_of_key(key)
	}

	fn is_patrollable(who: &AccountId) -> bool {
		<crate::Peers as PeerRegistry<_, _, _, _, _>>::can_earn(who)
	}

	fn serving_peers_count() -> u32 {
		pallet_peers::RoleCount::<Runtime>::get(RoleKind::Professional)
			.saturating_add(pallet_peers::RoleCount::<Runtime>::get(RoleKind::Common))
	}

	fn registered_in(who: &AccountId) -> Option<u32> {
		let record = pallet_peers::Registrations::<Runtime>::get(who)?;
		Some(crate::Token::period_of(record.registered_at))
	}

	fn serving_peers() -> alloc::vec::Vec<(AccountId, alloc::vec::Vec<u8>)> {
		pallet_peers::Registrations::<Runtime>::iter()
			.filter(|(who, _)| Self::is_patrollable(who))
			.filter_map(|(who, record)| match record.role {
				Role::Professional(p) => Some((who, p.declaration.endpoint.into_inner())),
				Role::Common(c) => Some((who, c.endpoint.into_inner())),
				_ => None,
			})
			.collect()
	}

	fn endpoint(who: &AccountId) -> alloc::vec::Vec<u8> {
		match pallet_peers::Registrations::<Runtime>::get(who).map(|r| r.role) {
			Some(Role::Professional(p)) => p.declaration.endpoint.into_inner(),
			Some(Role::Common(c)) => c.endpoint.into_inner(),
			_ => alloc::vec::Vec::new(),
		}
	}

	fn on_reward(who: &AccountId, amount: Balance) {
		<crate::Peers as PeerRegistry<_, _, _, _, _>>::on_reward(who, amount);
	}
}

impl pallet_patrol::Config for Runtime {
	type Balance = Balance;
	type PeerKey = pallet_peers::crypto::PeerKey;
	type Registry = PatrolledPeers;
	type Penalties = crate::Peers;
	type MiningPool = crate::Token;
	type Randomness = super::traffic::GosigRandomness;
	type ParametersOrigin = PatrolParametersOrigin;
	type DefaultParameters = DefaultPatrolParameters;
	/// A batch: the requested peers and the drawn ones, with room to spare.
	type MaxResults = ConstU32<64>;
	/// As many batches a period as the scheduling pallet takes responses an election.
	type MaxSchedulers = ConstU32<16>;
	/// A week of periods kept for audits.
	type HistoryDepth = ConstU32<2016>;
	type WeightInfo = pallet_patrol::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = BenchmarkSetup;
}

/// Prepares the patrol benchmarks' accounts in the registry and the mining pool.
#[cfg(feature = "runtime-benchmarks")]
pub struct BenchmarkSetup;
#[cfg(feature = "runtime-benchmarks")]
impl pallet_patrol::BenchmarkHelper<AccountId, pallet_peers::crypto::PeerKey> for BenchmarkSetup {
	fn register_scheduler(who: &AccountId, key: pallet_peers::crypto::PeerKey) {
		use frame_support::traits::fungible::Mutate;
		crate::Balances::set_balance(who, 1_000_000 * crate::SPB);
		crate::Peers::admit_service_peer(
			crate::RuntimeOrigin::root(),
			who.clone().into(),
			pallet_peers::ServiceKind::Scheduling,
			pallet_peers::ServiceDeclaration {
				location: pallet_peers::Location { region: *b"SG", latitude: 1, longitude: 1 },
				endpoint: b"http://bench".to_vec().try_into().expect("short"),
				node_key: key,
			},
		)
		.expect("root admits a funded account");
	}

	fn register_serving_peer(who: &AccountId) {
		<super::scheduling::BenchmarkSetup as pallet_scheduling::BenchmarkHelper<_, _>>::register_professional(
			who,
			pallet_scheduling::ProfessionalFacts {
				storage_gib: 1024,
				online_periods: 10,
				last_online_period: Some(0),
				commons: 0,
				commons_storage_gib: 0,
				region: *b"SG",
				patrol_passed_ppm: None,
			},
		);
	}

	fn fund_pool() {
		use frame_support::traits::fungible::{Inspect, Mutate};
		let pool = crate::Token::mining_pool_account();
		let balance = crate::Balances::balance(&pool);
		crate::Balances::set_balance(&pool, balance.saturating_add(1_000_000_000 * crate::SPB));
	}

	fn go_to_period(period: u32) {
		let blocks = crate::Token::blocks_per_period();
		frame_system::Pallet::<Runtime>::set_block_number(blocks.saturating_mul(period));
	}
}

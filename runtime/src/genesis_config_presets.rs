//! Genesis presets: `development` (one billing peer, Alice) and `local_testnet` (four billing
//! peers, Alice to Dave), both with a sudo key; and `production`, a template of a production
//! chain's rules without one.
//!
//! Both mint the whitepaper's 10 billion SPB allocation (ch.3 §2 i) through `pallet_token`: 45 %
//! to the mining pool and 20 % to the deposit and market pool (pallet accounts), and the buckets
//! with beneficiaries given to dev accounts for testing — see [`dev_allocation`]. Nothing else is
//! minted, ever.

use crate::{
	AccountId, Balance, BillingElectionsConfig, CommitteeElectionConfig, GosigConfig, PeersConfig,
	PricingConfig, RuntimeGenesisConfig, SudoConfig, TokenConfig, SPB,
};
use alloc::{vec, vec::Vec};
use frame_support::build_struct_json_patch;
use serde_json::Value;
use sp_genesis_builder::{self, PresetId};
use sp_keyring::Sr25519Keyring;
use sp_runtime::Perbill;
use spacebook_gosig_primitives::AuthorityId as GosigId;

/// 5 % of the 10 B SPB supply.
const FIVE_PERCENT: Balance = 500_000_000 * SPB;

/// The genesis buckets with beneficiaries, given to dev accounts: team (15 %) to Bob and
/// Charlie, cornerstone investors (5 %) to Dave, the ecosystem reserve's community operations
/// (5 %) to Alice, its DApp fund (5 %) to Eve and its contributor rewards (5 %) to Ferdie. With
/// the default batches a fifth of each ecosystem part is free at genesis, so Alice (the sudo
/// key) holds 100 M spendable SPB from block 0.
pub fn dev_allocation() -> TokenConfig {
	use Sr25519Keyring::*;
	let one = |k: Sr25519Keyring, amount: Balance| vec![(k.to_account_id(), amount)];
	TokenConfig {
		team: vec![
			(Bob.to_account_id(), 3 * FIVE_PERCENT / 2),
			(Charlie.to_account_id(), 3 * FIVE_PERCENT / 2),
		],
		cornerstone: one(Dave, FIVE_PERCENT),
		community: one(Alice, FIVE_PERCENT),
		dapp_fund: one(Eve, FIVE_PERCENT),
		contributors: one(Ferdie, FIVE_PERCENT),
		..Default::default()
	}
}

/// The whitepaper's nominal prices at launch (ch.3 §2 iii): an instance (one core, 100 Mbit/s,
/// 500 GB) 100 SPB, a month's terabyte of traffic 10 SPB (0.01 SPB a GiB), and storage 0.001
/// SPB a GB-month until the storage orders of issue 18 price it.
pub fn launch_prices() -> pallet_pricing::PriceList<Balance> {
	pallet_pricing::PriceList {
		instance: 100 * SPB,
		traffic_gib: SPB / 100,
		storage_gb_month: SPB / 1_000,
	}
}

/// A pricing cycle on `dev` and `local`: one ledgering period (five minutes), so that a price
/// change and the leases following it can be watched; a production chain's is a month.
pub const DEV_CYCLE_PERIODS: u32 = 1;

/// An era on `dev` and `local`: 100 blocks (five minutes of 3-second rounds), so that votes
/// move the billing peers while one watches; a production chain's is a day.
pub const DEV_ERA_BLOCKS: crate::BlockNumber = 100;

/// The governance committee's terms on `dev` and `local`: an election every 30 minutes, with 50
/// blocks of nominations and 50 of public vote, the first at block 100; a production chain's
/// term is twelve months.
pub const DEV_COMMITTEE_SCHEDULE: pallet_committee::Schedule<crate::BlockNumber> =
	pallet_committee::Schedule { term: 600, nominating: 50, voting: 50 };

/// The `local_testnet` preset's probability that a round has at least one elected packer.
pub const LOCAL_ELECTION_TARGET: Perbill = Perbill::from_percent(99);

/// The genesis billing peers, each also registered as a billing-peer candidate of the peer
/// registry with its deposit on hold (so that an equivocation costs it its deposit).
fn genesis(billing_peers: Vec<Sr25519Keyring>, election_target: Perbill, root: AccountId) -> Value {
	let token = dev_allocation();
	let candidates: Vec<(AccountId, GosigId)> =
		billing_peers.iter().map(|k| (k.to_account_id(), gosig_id(*k))).collect();
	let authorities: Vec<GosigId> = billing_peers.into_iter().map(gosig_id).collect();
	build_struct_json_patch!(RuntimeGenesisConfig {
		gosig: GosigConfig { authorities, election_target, ..Default::default() },
		peers: PeersConfig { billing_candidates: candidates },
		sudo: SudoConfig { key: Some(root.clone()) },
		committee_election: CommitteeElectionConfig {
			schedule: Some(DEV_COMMITTEE_SCHEDULE),
			first_election: 100,
			foundation: Some(root),
		},
		billing_elections: BillingElectionsConfig {
			era_length: Some(DEV_ERA_BLOCKS),
			..Default::default()
		},
		pricing: PricingConfig {
			prices: launch_prices(),
			max_step: Perbill::from_percent(10),
			quote_validity_ms: 31 * 24 * 3_600_000,
			cycle_periods: DEV_CYCLE_PERIODS,
		},
		token: TokenConfig {
			team: token.team,
			cornerstone: token.cornerstone,
			community: token.community,
			dapp_fund: token.dapp_fund,
			contributors: token.contributors,
		},
	})
}

fn gosig_id(k: Sr25519Keyring) -> GosigId {
	k.public().into()
}

/// One billing peer, Alice, elected every round; Alice is the sudo key and the foundation.
pub fn development_config_genesis() -> Value {
	genesis(vec![Sr25519Keyring::Alice], Perbill::one(), Sr25519Keyring::Alice.to_account_id())
}

/// Four billing peers, Alice to Dave; a round has a packer with 99 % probability.
pub fn local_testnet_genesis() -> Value {
	genesis(
		vec![
			Sr25519Keyring::Alice,
			Sr25519Keyring::Bob,
			Sr25519Keyring::Charlie,
			Sr25519Keyring::Dave,
		],
		LOCAL_ELECTION_TARGET,
		Sr25519Keyring::Alice.to_account_id(),
	)
}

/// The production preset's name: `chain-spec-builder create --named-preset production` builds a
/// chain spec from it.
pub const PRODUCTION_PRESET: &str = "production";

/// The first committee election of a production chain: 180 days after launch, within the
/// whitepaper's six months (ch.4 §3).
pub const PRODUCTION_FIRST_ELECTION: crate::BlockNumber = 180 * crate::DAYS;

/// How many of the foundation's signatories must approve its acts on a production chain.
pub const FOUNDATION_THRESHOLD: u16 = 3;

/// The foundation's signatories on the production template, sorted: five development keys in
/// place of the launch's (three of them act for the foundation, [`FOUNDATION_THRESHOLD`]).
pub fn foundation_signatories() -> Vec<AccountId> {
	use Sr25519Keyring::*;
	let mut signatories: Vec<AccountId> =
		[Charlie, Eve, Ferdie, One, Two].into_iter().map(|k| k.to_account_id()).collect();
	signatories.sort();
	signatories
}

/// The foundation's account on the production template: the multisig account of
/// [`foundation_signatories`] at [`FOUNDATION_THRESHOLD`] (`pallet_multisig`).
pub fn production_foundation() -> AccountId {
	pallet_multisig::Pallet::<crate::Runtime>::multi_account_id(
		&foundation_signatories(),
		FOUNDATION_THRESHOLD,
	)
}

/// A production chain, **as a template**: what it fixes are the production rules — no sudo key
/// (the foundation governs until the first committee, then the committee: `docs/governance.md`),
/// the committee's twelve-month terms with the first election within six months, a day's era,
/// a month's pricing cycle, the genesis's four billing peers proving themselves like any, the
/// foundation a three-of-five multisig account. Its keys and accounts — billing peers, the
/// foundation's signatories, the allocation's beneficiaries — are the development keys and must be replaced with the launch's before a chain is started from it.
pub fn production_genesis() -> Value {
	let token = dev_allocation();
	let billing_peers = vec![
		Sr25519Keyring::Alice,
		Sr25519Keyring::Bob,
		Sr25519Keyring::Charlie,
		Sr25519Keyring::Dave,
	];
	let candidates: Vec<(AccountId, GosigId)> =
		billing_peers.iter().map(|k| (k.to_account_id(), gosig_id(*k))).collect();
	let authorities: Vec<GosigId> = billing_peers.into_iter().map(gosig_id).collect();
	build_struct_json_patch!(RuntimeGenesisConfig {
		gosig: GosigConfig {
			authorities,
			election_target: LOCAL_ELECTION_TARGET,
			..Default::default()
		},
		peers: PeersConfig { billing_candidates: candidates },
		committee_election: CommitteeElectionConfig {
			schedule: None,
			first_election: PRODUCTION_FIRST_ELECTION,
			foundation: Some(production_foundation()),
		},
		pricing: PricingConfig { prices: launch_prices(), max_step: Perbill::from_percent(10) },
		token: TokenConfig {
			team: token.team,
			cornerstone: token.cornerstone,
			community: token.community,
			dapp_fund: token.dapp_fund,
			contributors: token.contributors,
		},
	})
}

/// The preset named `id`, as JSON.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let patch = match id.as_ref() {
		sp_genesis_builder::DEV_RUNTIME_PRESET => development_config_genesis(),
		sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET => local_testnet_genesis(),
		PRODUCTION_PRESET => production_genesis(),
		_ => return None,
	};
	Some(
		serde_json::to_string(&patch)
			.expect("serialization to json is expected to work. qed.")
			.into_bytes(),
	)
}

/// The names of the presets.
pub fn preset_names() -> Vec<PresetId> {
	vec![
		PresetId::from(sp_genesis_builder::DEV_RUNTIME_PRESET),
		PresetId::from(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET),
		PresetId::from(PRODUCTION_PRESET),
	]
}

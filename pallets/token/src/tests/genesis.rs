use super::*;
use crate::{types::*, Allocated, CurrentSplit, EmissionDecay, GenesisConfig};
use frame_support::traits::fungible::Inspect;
use sp_runtime::{BuildStorage, Perbill};

#[test]
fn every_bucket_gets_exactly_its_share_and_the_supply_is_ten_billion() {
	build_and_execute(|| {
		assert_eq!(Balances::total_issuance(), 10_000_000_000 * 1_000_000_000_000);
		assert_eq!(mining_pool(), spb(4_500_000_000));
		assert_eq!(market_pool(), spb(2_000_000_000));
		let team = Balances::total_balance(&TEAM_A) + Balances::total_balance(&TEAM_B);
		assert_eq!(team, spb(1_500_000_000));
		let cornerstone =
			Balances::total_balance(&INVESTOR_A) + Balances::total_balance(&INVESTOR_B);
		assert_eq!(cornerstone, spb(500_000_000));
		assert_eq!(Balances::total_balance(&COMMUNITY), spb(500_000_000));
		assert_eq!(Balances::total_balance(&DAPP_FUND), spb(500_000_000));
		let contributors =
			Balances::total_balance(&CONTRIBUTOR_A) + Balances::total_balance(&CONTRIBUTOR_B);
		assert_eq!(contributors, spb(500_000_000));
		// The shares of the whitepaper: 45 + 20 + 15 + 15 + 5 = 100 %.
		let supply = Balances::total_issuance();
		assert_eq!(mining_pool() * 100 / supply, 45);
		assert_eq!(market_pool() * 100 / supply, 20);
		assert_eq!((spb(1_500_000_000)) * 100 / supply, 15);
		assert!(Allocated::<Test>::get());
	});
}

#[test]
fn genesis_stores_the_default_parameters() {
	build_and_execute(|| {
		assert_eq!(EmissionDecay::<Test>::get(), Perbill::from_percent(80));
		assert_eq!(
			CurrentSplit::<Test>::get(),
			EmissionSplit {
				peers: Perbill::from_percent(99),
				billing: Perbill::from_percent(1),
				scheduling: Perbill::zero()
			}
		);
		assert_eq!(Token::yearly_emission().iter().sum::<Balance>(), MINING_POOL);
	});
}

#[test]
fn a_genesis_without_beneficiaries_mints_nothing_but_keeps_the_parameters() {
	execute_with(GenesisConfig::default(), || {
		assert_eq!(Balances::total_issuance(), 0);
		assert!(!Allocated::<Test>::get());
		assert_eq!(Token::yearly_emission().iter().sum::<Balance>(), MINING_POOL);
		assert_eq!(EmissionDecay::<Test>::get(), Perbill::from_percent(80));
	});
}

fn build(config: GenesisConfig<Test>) {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	config.assimilate_storage(&mut storage).unwrap();
}

#[test]
#[should_panic(expected = "the team bucket adds up to")]
fn a_bucket_one_planck_short_is_rejected() {
	let mut config = genesis();
	config.team[1].1 -= 1;
	build(config);
}

#[test]
#[should_panic(expected = "the cornerstone bucket adds up to")]
fn a_bucket_one_planck_over_is_rejected() {
	let mut config = genesis();
	config.cornerstone[0].1 += 1;
	build(config);
}

#[test]
#[should_panic(expected = "the dapp_fund bucket adds up to")]
fn an_empty_bucket_beside_full_ones_is_rejected() {
	let mut config = genesis();
	config.dapp_fund.clear();
	build(config);
}

#[test]
#[should_panic(expected = "contributors lists 7 twice")]
fn a_beneficiary_twice_in_a_bucket_is_rejected() {
	let mut config = genesis();
	config.contributors =
		vec![(CONTRIBUTOR_A, spb(250_000_000)), (CONTRIBUTOR_A, spb(250_000_000))];
	build(config);
}

#[test]
#[should_panic(expected = "below the existential deposit")]
fn a_beneficiary_below_the_existential_deposit_is_rejected() {
	let mut config = genesis();
	config.team = vec![(TEAM_A, spb(1_500_000_000) - 1), (TEAM_B, 1)];
	build(config);
}

#[test]
#[should_panic(expected = "exist before the allocation")]
fn other_genesis_balances_are_rejected() {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: vec![(NOBODY, spb(1))],
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	genesis().assimilate_storage(&mut storage).unwrap();
}

#[test]
#[should_panic(expected = "invalid emission split")]
fn a_genesis_split_out_of_bounds_is_rejected() {
	let mut config = genesis();
	config.emission_split = EmissionSplit {
		peers: Perbill::from_percent(60),
		billing: Perbill::from_percent(1),
		scheduling: Perbill::from_percent(39),
	};
	build(config);
}

#[test]
#[should_panic(expected = "emission decay must be above zero")]
fn a_zero_decay_is_rejected() {
	let mut config = genesis();
	config.emission_decay = Perbill::zero();
	build(config);
}

#[test]
#[should_panic(expected = "ecosystem batch shares add up to")]
fn ecosystem_batches_not_adding_up_to_the_whole_are_rejected() {
	let mut config = genesis();
	config.ecosystem_batches =
		vec![(0, Perbill::from_percent(50)), (YEAR, Perbill::from_percent(49))];
	build(config);
}

#[test]
#[should_panic(expected = "must unlock within 5 years")]
fn ecosystem_batches_after_five_years_are_rejected() {
	let mut config = genesis();
	config.ecosystem_batches =
		vec![(0, Perbill::from_percent(50)), (5 * YEAR + 1, Perbill::from_percent(50))];
	build(config);
}

#[test]
#[should_panic(expected = "must strictly increase")]
fn ecosystem_batches_out_of_order_are_rejected() {
	let mut config = genesis();
	config.ecosystem_batches =
		vec![(YEAR, Perbill::from_percent(50)), (YEAR, Perbill::from_percent(50))];
	build(config);
}

#[test]
#[should_panic(expected = "cornerstone vesting period must be positive")]
fn a_zero_vesting_period_is_rejected() {
	let mut config = genesis();
	config.cornerstone_vesting = 0;
	build(config);
}

#[test]
fn the_default_parameters_are_the_documented_ones() {
	let config = GenesisConfig::<Test>::default();
	assert_eq!(config.team_vesting, 6 * YEAR);
	assert_eq!(config.cornerstone_cliff, YEAR / 2);
	assert_eq!(config.cornerstone_vesting, YEAR);
	assert_eq!(
		config.ecosystem_batches,
		(0..5).map(|k| (k * YEAR, Perbill::from_percent(20))).collect::<Vec<_>>()
	);
	assert_eq!(config.emission_decay, Perbill::from_percent(80));
}

#[test]
fn the_pools_are_distinct_keyless_accounts() {
	build_and_execute(|| {
		assert_ne!(Token::mining_pool_account(), Token::market_pool_account());
		assert_ne!(Token::mining_pool_account(), FOUNDATION_ACCOUNT);
	});
}

#[test]
fn the_genesis_config_uses_the_documented_json_names() {
	// The runtime's presets patch these keys (docs/token.md).
	let json = serde_json::to_value(GenesisConfig::<Test>::default()).unwrap();
	let mut keys: Vec<&str> = json.as_object().unwrap().keys().map(|k| k.as_str()).collect();
	keys.sort();
	assert_eq!(
		keys,
		[
			"community",
			"contributors",
			"cornerstone",
			"cornerstoneCliff",
			"cornerstoneVesting",
			"dappFund",
			"ecosystemBatches",
			"emissionDecay",
			"emissionSplit",
			"team",
			"teamVesting"
		]
	);
	let split = &json["emissionSplit"];
	assert_eq!(split["peers"], 990_000_000);
	assert_eq!(split["billing"], 10_000_000);
	assert_eq!(split["scheduling"], 0);
}

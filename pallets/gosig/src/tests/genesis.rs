use crate::{mock::*, *};
use sp_runtime::BuildStorage;

#[test]
fn genesis_sets_billing_peers_target_and_seed() {
	build_and_execute(|| {
		let authorities = Authorities::<Test>::get();
		assert_eq!(authorities.into_inner(), vec![id("Alice"), id("Bob"), id("Charlie")]);
		assert_eq!(ElectionTarget::<Test>::get(), Perbill::from_percent(99));
		assert_eq!(CurrentSetId::<Test>::get(), 0);
		assert_eq!(CurrentRound::<Test>::get(), 0);
		let seed = sp_io::hashing::blake2_256(&Authorities::<Test>::get().encode());
		assert_eq!(EpochRandomness::<Test>::get(), seed);
		assert_eq!(NextEpochRandomness::<Test>::get(), seed);
	});
}

#[test]
fn default_genesis_builds_nothing() {
	ext_with(vec![], Perbill::one()).execute_with(|| {
		assert!(Authorities::<Test>::get().is_empty());
		assert_eq!(ElectionTarget::<Test>::get(), Perbill::zero());
		assert_eq!(EpochRandomness::<Test>::get(), [0u8; 32]);
		assert!(Gosig::do_try_state().is_err(), "a chain without billing peers is not sound");
	});
}

#[test]
#[should_panic(expected = "DuplicateAuthority")]
fn genesis_with_a_duplicate_billing_peer_panics() {
	ext_with(vec![id("Alice"), id("Alice")], Perbill::one());
}

#[test]
#[should_panic(expected = "TooManyAuthorities")]
fn genesis_with_too_many_billing_peers_panics() {
	let names = ["A", "B", "C", "D", "E", "F", "G", "H", "I"];
	ext_with(names.iter().map(|n| id(n)).collect(), Perbill::one());
}

#[test]
#[should_panic(expected = "election target must not be zero")]
fn genesis_with_zero_target_panics() {
	ext_with(vec![id("Alice")], Perbill::zero());
}

#[test]
fn integrity_test_passes() {
	use frame_support::traits::Hooks;
	new_test_ext().execute_with(|| {
		<Gosig as Hooks<u64>>::integrity_test();
		assert_eq!(<<Test as Config>::RoundDuration as Get<u64>>::get(), ROUND_MS);
	});
}

#[test]
fn the_round_length_is_a_genesis_parameter() {
	// By default the configured constant.
	new_test_ext().execute_with(|| {
		assert_eq!(RoundDurationMs::<Test>::get(), ROUND_MS);
		assert_eq!(Gosig::configuration().round_duration_ms, ROUND_MS);
	});
	// A chain spec may choose another; rounds are then counted in it.
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	crate::GenesisConfig::<Test> {
		authorities: vec![id("Alice")],
		election_target: Perbill::from_percent(99),
		round_duration_ms: Some(1_000),
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	sp_io::TestExternalities::from(storage).execute_with(|| {
		assert_eq!(Gosig::configuration().round_duration_ms, 1_000);
		assert_eq!(crate::round_of::<Test>(5_500), 5);
		Gosig::do_try_state().unwrap();
	});
}

#[test]
#[should_panic(expected = "must last at least 500 ms")]
fn a_round_shorter_than_the_minimum_is_refused_at_genesis() {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	crate::GenesisConfig::<Test> {
		authorities: vec![id("Alice")],
		election_target: Perbill::from_percent(99),
		round_duration_ms: Some(499),
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
}

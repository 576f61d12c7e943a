//! The governance committee's powers: motions at more than half for general governance and at
//! seven of nine for major issues (whitepaper ch.4 §3), the foundation before the committee.

mod common;

use codec::Encode;
use frame_support::{dispatch::GetDispatchInfo, traits::ChangeMembers};
use sp_core::{sr25519, Pair};
use sp_runtime::{traits::Hash as _, DispatchResult};
use spacebook_runtime::{
	genesis_config_presets, AccountId, Committee, Pricing, Runtime, RuntimeCall, RuntimeEvent,
	RuntimeOrigin,
};

use common::genesis_of;

fn account(seed: &str) -> AccountId {
	sr25519::Pair::from_string(seed, None).unwrap().public().into()
}

/// Nine members, sorted, in both the collective and the election's record (as an election
/// would leave them).
fn seat_nine() -> Vec<AccountId> {
	let mut members: Vec<AccountId> = (0..9).map(|i| account(&format!("//Member{i}"))).collect();
	members.sort();
	<Committee as ChangeMembers<AccountId>>::set_members_sorted(&members, &[]);
	pallet_committee::Members::<Runtime>::put(
		frame_support::BoundedVec::try_from(members.clone()).unwrap(),
	);
	members
}

/// Members propose `call` with `ayes` as the threshold and `ayes` of them vote for it; it is
/// closed and executed. Returns what the call returned.
fn pass_with(members: &[AccountId], call: RuntimeCall, ayes: u32) -> DispatchResult {
	let length = call.encoded_size() as u32;
	let weight = call.get_dispatch_info().call_weight;
	let hash = <Runtime as frame_system::Config>::Hashing::hash_of(&call);
	let index = pallet_collective::ProposalCount::<Runtime, pallet_collective::Instance1>::get();
	Committee::propose(RuntimeOrigin::signed(members[0].clone()), ayes, Box::new(call), length)
		.expect("a member proposes");
	for member in members.iter().take(ayes as usize) {
		Committee::vote(RuntimeOrigin::signed(member.clone()), hash, index, true)
			.expect("a member votes");
	}
	Committee::close(RuntimeOrigin::signed(members[0].clone()), hash, index, weight, length)
		.expect("the motion closes");
	frame_system::Pallet::<Runtime>::events()
		.into_iter()
		.rev()
		.find_map(|r| match r.event {
			RuntimeEvent::Committee(pallet_collective::Event::Executed { result, .. }) => {
				Some(result)
			}
			_ => None,
		})
		.expect("the motion was executed")
}

/// A general motion (the nominal prices) passes with 5 of 9, not with 4.
#[test]
fn more_than_half_of_the_committee_sets_the_nominal_price() {
	genesis_of(genesis_config_presets::local_testnet_genesis()).execute_with(|| {
		let members = seat_nine();
		let mut prices = genesis_config_presets::launch_prices();
		prices.traffic_gib = prices.traffic_gib.saturating_mul(2);
		let call: RuntimeCall = pallet_pricing::Call::set_prices { prices }.into();
		assert_eq!(
			pass_with(&members, call.clone(), 4),
			Err(sp_runtime::DispatchError::BadOrigin),
			"4 of 9 is not more than half"
		);
		assert_eq!(pass_with(&members, call, 5), Ok(()));
		assert!(frame_system::Pallet::<Runtime>::events().iter().any(|r| matches!(
			r.event,
			RuntimeEvent::Pricing(pallet_pricing::Event::PricesSet { .. })
		)));
	});
}

/// A major issue (a runtime upgrade, enacted as root) passes with 7 of 9, not with 6.
#[test]
fn seven_of_nine_enact_a_runtime_upgrade_and_six_do_not() {
	genesis_of(genesis_config_presets::local_testnet_genesis()).execute_with(|| {
		let members = seat_nine();
		let upgrade: RuntimeCall =
			frame_system::Call::set_code_without_checks { code: b"new runtime".to_vec() }.into();
		let enact: RuntimeCall = pallet_committee::Call::enact { call: Box::new(upgrade) }.into();
		assert_eq!(
			pass_with(&members, enact.clone(), 6),
			Err(sp_runtime::DispatchError::BadOrigin),
			"6 of 9 is not two thirds"
		);
		assert_ne!(
			sp_io::storage::get(sp_core::storage::well_known_keys::CODE).as_deref(),
			Some(&b"new runtime"[..])
		);
		assert_eq!(pass_with(&members, enact, 7), Ok(()));
		assert_eq!(
			sp_io::storage::get(sp_core::storage::well_known_keys::CODE).as_deref(),
			Some(&b"new runtime"[..])
		);
	});
}

/// Before a committee that can pass a motion exists, the foundation governs (ch.4: "initially
/// managed by the Foundation"); once it does, the foundation no longer does, and keeps only its
/// own powers (its nominations).
#[test]
fn the_foundation_governs_until_the_committee_is_elected() {
	genesis_of(genesis_config_presets::local_testnet_genesis()).execute_with(|| {
		frame_system::Pallet::<Runtime>::set_block_number(1);
		let foundation = pallet_committee::Foundation::<Runtime>::get().expect("set at genesis");
		assert_eq!(foundation, account("//Alice"));
		let prices = genesis_config_presets::launch_prices();
		Pricing::set_prices(RuntimeOrigin::signed(foundation.clone()), prices)
			.expect("the foundation governs before the committee");
		assert!(Pricing::set_prices(RuntimeOrigin::signed(account("//Bob")), prices).is_err());
		seat_nine();
		assert_eq!(
			Pricing::set_prices(RuntimeOrigin::signed(foundation), prices),
			Err(sp_runtime::DispatchError::BadOrigin),
			"the committee governs now"
		);
	});
}

/// The election changes the collective's members against those the collective holds, not
/// against its own record: a member the collective knew otherwise (a genesis member, say)
/// would keep its votes on open motions (review).
#[test]
fn an_election_replaces_every_member_the_collective_holds() {
	genesis_of(genesis_config_presets::local_testnet_genesis()).execute_with(|| {
		let stray = account("//Stray");
		<Committee as ChangeMembers<AccountId>>::set_members_sorted(std::slice::from_ref(&stray), &[]);
		assert!(pallet_committee::Members::<Runtime>::get().is_empty());
		let mut nine: Vec<AccountId> = (0..9).map(|i| account(&format!("//Member{i}"))).collect();
		nine.sort();
		<spacebook_runtime::configs::governance::CollectiveMembers as ChangeMembers<AccountId>>::set_members_sorted(&nine, &[]);
		let held = pallet_collective::Members::<Runtime, pallet_collective::Instance1>::get();
		assert_eq!(held, nine);
		assert!(!held.contains(&stray));
	});
}

/// A production chain has no sudo key: the foundation governs until the first committee, which
/// is elected within six months of launch and then every twelve months (ch.4 §3); its
/// collective starts empty.
#[test]
fn the_production_preset_has_no_sudo_and_the_whitepapers_terms() {
	let preset = genesis_config_presets::production_genesis();
	assert!(preset.get("sudo").is_none(), "no sudo key: {preset}");
	genesis_of(preset).execute_with(|| {
		assert_eq!(pallet_sudo::Key::<Runtime>::get(), None);
		let first = match pallet_committee::Phase::<Runtime>::get() {
			Some(pallet_committee::ElectionPhase::Waiting { starts_at }) => starts_at,
			other => panic!("waiting for the first election: {other:?}"),
		};
		assert!(first <= 183 * spacebook_runtime::DAYS, "within six months");
		let schedule = pallet_committee::ElectionSchedule::<Runtime>::get();
		assert_eq!(schedule.term, 365 * spacebook_runtime::DAYS);
		assert!(
			pallet_collective::Members::<Runtime, pallet_collective::Instance1>::get().is_empty()
		);
		assert!(pallet_committee::Foundation::<Runtime>::get().is_some());
		assert_eq!(
			pallet_billing_elections::EraLength::<Runtime>::get(),
			spacebook_runtime::DAYS,
			"a day's era"
		);
	});
	let names = genesis_config_presets::preset_names();
	assert!(names
		.iter()
		.any(|n| AsRef::<str>::as_ref(n) == genesis_config_presets::PRODUCTION_PRESET));
}

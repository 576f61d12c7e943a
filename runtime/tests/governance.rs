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

/// The runtime API shows the open motions with their calls and tallies, and the ayes a general
/// and a major motion need with nine members seated (5 and 7).
#[test]
fn the_runtime_api_shows_open_motions_and_their_tallies() {
	use pallet_committee_runtime_api::runtime_decl_for_committee_api::CommitteeApiV1;
	use spacebook_runtime::{Block, BlockNumber, Hash};
	let committee = <Runtime as CommitteeApiV1<Block, AccountId, Hash, BlockNumber>>::committee;
	let motions = <Runtime as CommitteeApiV1<Block, AccountId, Hash, BlockNumber>>::motions;
	genesis_of(genesis_config_presets::local_testnet_genesis()).execute_with(|| {
		frame_system::Pallet::<Runtime>::set_block_number(1);
		assert_eq!(committee().thresholds, (5, 7), "the floors without members");
		let members = seat_nine();
		let view = committee();
		assert_eq!(view.thresholds, (5, 7));
		assert_eq!(view.members, members);
		let remark: RuntimeCall = frame_system::Call::remark { remark: vec![1; 10] }.into();
		let hash = <Runtime as frame_system::Config>::Hashing::hash_of(&remark);
		let length = remark.encoded_size() as u32;
		Committee::propose(RuntimeOrigin::signed(members[0].clone()), 7, Box::new(remark), length)
			.unwrap();
		Committee::vote(RuntimeOrigin::signed(members[1].clone()), hash, 0, true).unwrap();
		Committee::vote(RuntimeOrigin::signed(members[2].clone()), hash, 0, false).unwrap();
		let motions = motions();
		assert_eq!(motions.len(), 1);
		let motion = &motions[0];
		assert_eq!(motion.hash, hash);
		assert_eq!(motion.index, 0);
		assert_eq!(motion.call, (b"System".to_vec(), b"remark".to_vec()));
		assert_eq!(motion.length, length);
		assert_eq!(motion.threshold, 7);
		assert_eq!(motion.ayes, vec![members[1].clone()], "a proposer votes as any member");
		assert_eq!(motion.nays, vec![members[2].clone()]);
		assert_eq!(motion.end, 1 + spacebook_runtime::configs::governance::MotionDuration::get());
	});
}

/// A runtime upgrade is authorized by a two-thirds motion by the code's hash
/// (`System::authorize_upgrade`, enacted as root) and then applied by anyone who submits that
/// code (`apply_authorized_upgrade`): the motion stays small (a `set_code` motion would carry the
/// 3.5 MB runtime in the collective's storage and in every member's view of it) and binds the
/// members' decision to the exact code they reviewed. 6 of 9 authorize nothing.
#[test]
fn seven_of_nine_authorize_an_upgrade_by_its_hash_and_six_do_not() {
	genesis_of(genesis_config_presets::local_testnet_genesis()).execute_with(|| {
		frame_system::Pallet::<Runtime>::set_block_number(1);
		let members = seat_nine();
		let code_hash = sp_core::H256::repeat_byte(7);
		let authorize: RuntimeCall = frame_system::Call::authorize_upgrade { code_hash }.into();
		let enact: RuntimeCall = pallet_committee::Call::enact { call: Box::new(authorize) }.into();
		assert!(enact.encoded_size() < 100, "the motion names the code by its hash");
		assert_eq!(
			pass_with(&members, enact.clone(), 6),
			Err(sp_runtime::DispatchError::BadOrigin)
		);
		let authorized = || {
			frame_system::Pallet::<Runtime>::events().into_iter().any(|r| {
				r.event
					== RuntimeEvent::System(frame_system::Event::UpgradeAuthorized {
						code_hash,
						check_version: true,
					})
			})
		};
		assert!(!authorized());
		assert_eq!(pass_with(&members, enact, 7), Ok(()));
		assert!(authorized());
	});
}

/// On the production template the foundation is a three-of-five multisig account: two
/// signatories' approvals do not act for it, the third's does (here, one of its six
/// nominations); no signatory alone is the foundation.
#[test]
fn the_foundation_acts_with_three_of_its_five_signatories() {
	use frame_support::traits::fungible::Mutate;
	use spacebook_runtime::{Balances, Multisig, SPB};
	genesis_of(genesis_config_presets::production_genesis()).execute_with(|| {
		frame_system::Pallet::<Runtime>::set_block_number(1);
		let signatories = genesis_config_presets::foundation_signatories();
		let foundation = genesis_config_presets::production_foundation();
		assert_eq!(pallet_committee::Foundation::<Runtime>::get(), Some(foundation.clone()));
		assert!(!signatories.contains(&foundation));
		for who in &signatories {
			Balances::mint_into(who, 1_000 * SPB).unwrap();
		}
		pallet_committee::Phase::<Runtime>::put(pallet_committee::ElectionPhase::Nominating {
			ends_at: 100,
		});
		let candidate = account("//Candidate");
		let nominate: RuntimeCall =
			pallet_committee::Call::nominate_as_foundation { candidate: candidate.clone() }.into();
		assert!(spacebook_runtime::CommitteeElection::nominate_as_foundation(
			RuntimeOrigin::signed(signatories[0].clone()),
			candidate.clone()
		)
		.is_err());
		let others = |i: usize| -> Vec<AccountId> {
			signatories
				.iter()
				.enumerate()
				.filter(|(j, _)| *j != i)
				.map(|(_, a)| a.clone())
				.collect()
		};
		let weight = nominate.get_dispatch_info().call_weight;
		let approve = |i: usize, when| {
			Multisig::as_multi(
				RuntimeOrigin::signed(signatories[i].clone()),
				genesis_config_presets::FOUNDATION_THRESHOLD,
				others(i),
				when,
				Box::new(nominate.clone()),
				weight,
			)
		};
		approve(0, None).expect("the first approval opens the operation");
		let when = pallet_multisig::Pallet::<Runtime>::timepoint();
		approve(3, Some(when)).expect("the second approves");
		assert!(pallet_committee::Candidates::<Runtime>::get().is_empty(), "two of five");
		approve(4, Some(when)).expect("the third approves and dispatches");
		let candidates = pallet_committee::Candidates::<Runtime>::get();
		assert_eq!(candidates.len(), 1);
		assert_eq!(candidates[0].who, candidate);
		assert_eq!(candidates[0].nominator, pallet_committee::Nominator::Foundation);
	});
}

/// A full election with the runtime's numbers (ch.4 §3): the local chain's four billing peers
/// nominate four of their 21 places (a quota partly unfilled), the foundation its six, the ten
/// DApps that paid the most over the term one each (twelve paid: the two smallest do not
/// nominate); seven sign up for the pre-election, six reach the 10 000-vote threshold (one at
/// exactly 10 000, one a planck short does not) and the five best supported join the ballot.
/// SPB holders vote, one changes its vote and one withdraws; the nine most voted are seated in
/// the election's record and the collective, and every ballot is released after the count.
#[test]
fn a_full_election_seats_nine_with_the_runtimes_quotas_and_thresholds() {
	use frame_support::traits::{fungible::Mutate, Hooks};
	use spacebook_runtime::{Balances, CommitteeElection, SPB};
	let run_to = |n: u32| {
		while frame_system::Pallet::<Runtime>::block_number() < n {
			let next = frame_system::Pallet::<Runtime>::block_number() + 1;
			frame_system::Pallet::<Runtime>::set_block_number(next);
			CommitteeElection::on_initialize(next);
		}
	};
	let funded = |seed: &str| {
		let who = account(seed);
		Balances::mint_into(&who, 100_000 * SPB).unwrap();
		who
	};
	let signed = |who: &AccountId| RuntimeOrigin::signed(who.clone());
	let choices = |list: &[(&AccountId, u128)]| {
		frame_support::BoundedVec::try_from(
			list.iter().map(|(who, spb)| ((*who).clone(), spb * SPB)).collect::<Vec<_>>(),
		)
		.unwrap()
	};
	genesis_of(genesis_config_presets::local_testnet_genesis()).execute_with(|| {
		frame_system::Pallet::<Runtime>::set_block_number(1);
		// Twelve DApps billed over the term, DApp 11 the most.
		let dapps: Vec<AccountId> = (0..12).map(|i| funded(&format!("//DApp{i}"))).collect();
		for (i, dapp) in dapps.iter().enumerate() {
			CommitteeElection::note_paid_traffic(dapp, (i as u128 + 1) * 1_000 * SPB);
		}
		let first = match pallet_committee::Phase::<Runtime>::get() {
			Some(pallet_committee::ElectionPhase::Waiting { starts_at }) => starts_at,
			other => panic!("waiting for the first election: {other:?}"),
		};
		run_to(first);
		let schedule = pallet_committee::ElectionSchedule::<Runtime>::get();

		// Nominations: 4 billing peers, the foundation's 6, the top 10 DApps.
		let mut nominated = Vec::new();
		for (i, peer) in ["//Alice", "//Bob", "//Charlie", "//Dave"].iter().enumerate() {
			let candidate = account(&format!("//ByBillingPeer{i}"));
			CommitteeElection::nominate(signed(&account(peer)), candidate.clone()).unwrap();
			nominated.push(candidate);
		}
		for i in 0..6 {
			let candidate = account(&format!("//ByFoundation{i}"));
			CommitteeElection::nominate_as_foundation(
				signed(&account("//Alice")),
				candidate.clone(),
			)
			.unwrap();
			nominated.push(candidate);
		}
		assert_eq!(
			CommitteeElection::nominate_as_foundation(
				signed(&account("//Alice")),
				account("//7th")
			),
			Err(pallet_committee::Error::<Runtime>::NominationsUsed.into())
		);
		for (i, dapp) in dapps.iter().enumerate().skip(2) {
			let candidate = account(&format!("//ByDApp{i}"));
			CommitteeElection::nominate(signed(dapp), candidate.clone()).unwrap();
			nominated.push(candidate);
		}
		for dapp in &dapps[..2] {
			assert_eq!(
				CommitteeElection::nominate(signed(dapp), account("//Nobody")),
				Err(pallet_committee::Error::<Runtime>::NotANominator.into())
			);
		}

		// The pre-election: support 15 000 down to exactly 10 000 SPB, and one planck short.
		let sign_ups: Vec<AccountId> = (0..7).map(|i| funded(&format!("//SignUp{i}"))).collect();
		for who in &sign_ups {
			CommitteeElection::sign_up(signed(who)).unwrap();
		}
		for (i, who) in sign_ups.iter().enumerate().take(6) {
			let supporter = funded(&format!("//Supporter{i}"));
			let amount = 15_000 - 1_000 * i as u128;
			CommitteeElection::support(signed(&supporter), choices(&[(who, amount)])).unwrap();
		}
		let short = funded("//ShortSupporter");
		let just_short =
			frame_support::BoundedVec::try_from(vec![(sign_ups[6].clone(), 10_000 * SPB - 1)])
				.unwrap();
		CommitteeElection::support(signed(&short), just_short).unwrap();
		let listed: Vec<AccountId> = pallet_committee::PreElectionList::<Runtime>::get()
			.into_iter()
			.map(|(who, _, _)| who)
			.collect();
		assert_eq!(listed, sign_ups[..6].to_vec(), "10 000 SPB lists, a planck less does not");

		run_to(first + schedule.nominating);
		let candidates: Vec<AccountId> =
			pallet_committee::Candidates::<Runtime>::get().into_iter().map(|c| c.who).collect();
		assert_eq!(candidates.len(), 4 + 6 + 10 + 5);
		assert_eq!(&candidates[20..], &sign_ups[..5], "the five best supported");

		// The public vote: nine candidates get distinct votes; one voter changes its vote, one
		// withdraws.
		let expected: Vec<AccountId> =
			[0, 3, 4, 9, 10, 12, 19, 20, 24].iter().map(|&i| candidates[i].clone()).collect();
		for (rank, who) in expected.iter().enumerate() {
			let voter = funded(&format!("//Voter{rank}"));
			CommitteeElection::vote(signed(&voter), choices(&[(who, 1_000 + rank as u128)]))
				.unwrap();
		}
		let changer = funded("//Changer");
		CommitteeElection::vote(signed(&changer), choices(&[(&candidates[1], 5_000)])).unwrap();
		CommitteeElection::vote(signed(&changer), choices(&[(&expected[0], 200)])).unwrap();
		let quitter = funded("//Quitter");
		CommitteeElection::vote(signed(&quitter), choices(&[(&candidates[2], 50_000)])).unwrap();
		CommitteeElection::withdraw(signed(&quitter)).unwrap();
		assert_eq!(CommitteeElection::held_of(&quitter), 0);
		assert_eq!(CommitteeElection::held_of(&changer), 200 * SPB);

		let counted = first + schedule.nominating + schedule.voting;
		run_to(counted);
		let mut seated = expected.clone();
		seated.sort();
		assert_eq!(pallet_committee::Members::<Runtime>::get().into_inner(), seated);
		assert_eq!(
			pallet_collective::Members::<Runtime, pallet_collective::Instance1>::get(),
			seated
		);
		// Every ballot (votes, support, sign-up deposits) released within a few blocks.
		run_to(counted + 3);
		assert_eq!(pallet_committee::Ballots::<Runtime>::iter().count(), 0);
		for who in sign_ups.iter().chain([&changer, &short]) {
			assert_eq!(CommitteeElection::held_of(who), 0);
		}
	});
}

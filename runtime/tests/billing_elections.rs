//! Billing-peer elections with the real pallets (issue 16): candidates registered in the peer
//! registry, votes with locked SPB, an era electing 21 of 25 voted candidates into Gosig's
//! authority set and ranking the rest, and an evicted billing peer replaced by the first
//! backup at the next block, paid no billing share for the period it was evicted in; the others
//! paid for the blocks they packed.

use frame_support::traits::{fungible::Mutate, Get};
use pallet_billing_elections::ElectionMethod;
use sp_core::{sr25519, Pair};
use spacebook_gosig_primitives::AuthorityId as GosigId;
use spacebook_runtime::{
	genesis_config_presets, AccountId, Balances, BillingElections, Peers, Runtime, RuntimeEvent,
	RuntimeOrigin, SPB,
};

mod common;
use common::{genesis_of, run_to, run_to_packed_by};

fn account(seed: &str) -> AccountId {
	sr25519::Pair::from_string(seed, None).unwrap().public().into()
}

fn key_pair(i: u32) -> sr25519::Pair {
	sr25519::Pair::from_string(&format!("//CandidateKey{i}"), None).unwrap()
}

fn key(i: u32) -> GosigId {
	key_pair(i).public().into()
}

/// `who` stands as a candidate with the `i`-th key, proving it holds it.
fn stand(who: &AccountId, i: u32) -> sp_runtime::DispatchResult {
	use sp_core::proof_of_possession::ProofOfPossessionGenerator;
	let proof = key_pair(i).generate_proof_of_possession(&Peers::billing_key_statement(who));
	Peers::register_billing_candidate(RuntimeOrigin::signed(who.clone()), key(i), proof.into())
}

/// `who` stands with the `i`-th key, backed by `bond` of its own SPB.
fn stand_backed(who: &AccountId, i: u32, bond: u128) -> sp_runtime::DispatchResult {
	use sp_core::proof_of_possession::ProofOfPossessionGenerator;
	let proof = key_pair(i).generate_proof_of_possession(&Peers::billing_key_statement(who));
	Peers::register_billing_candidate_backed(
		RuntimeOrigin::signed(who.clone()),
		key(i),
		proof.into(),
		bond,
	)
}

fn billing_rewards(period: u32) -> Vec<(AccountId, u32)> {
	frame_system::Pallet::<Runtime>::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::Traffic(pallet_traffic::Event::BillingRewardPaid {
				peer,
				period: p,
				blocks,
				..
			}) if p == period => Some((peer, blocks)),
			_ => None,
		})
		.collect()
}

#[test]
fn an_era_elects_twenty_one_of_more_and_an_evicted_billing_peer_is_replaced_by_the_first_backup() {
	genesis_of(genesis_config_presets::local_testnet_genesis()).execute_with(|| {
		assert_eq!(
			pallet_billing_elections::Method::<Runtime>::get(),
			ElectionMethod::Phragmen,
			"the default"
		);
		let era = pallet_billing_elections::EraLength::<Runtime>::get();
		assert_eq!(era, genesis_config_presets::DEV_ERA_BLOCKS);
		// 25 candidates, each voted for by a voter of its own with 10 000 + i SPB.
		let candidates: Vec<AccountId> =
			(0..25).map(|i| account(&format!("//Candidate{i}"))).collect();
		for (i, who) in candidates.iter().enumerate() {
			Balances::set_balance(who, 200_000 * SPB);
			stand(who, i as u32).expect("a funded account stands");
			let voter = account(&format!("//Voter{i}"));
			Balances::set_balance(&voter, 20_000 * SPB);
			let votes = vec![(who.clone(), (10_000 + i as u128) * SPB)];
			BillingElections::vote(RuntimeOrigin::signed(voter), votes.try_into().unwrap())
				.expect("a funded voter votes");
		}
		assert_eq!(pallet_gosig::Authorities::<Runtime>::get().len(), 4, "the genesis set");
		// The set grows by the turnover budget, at most ⌊(n − 1) / 3⌋ newcomers an era: six
		// eras seat the 21 elected, the genesis billing peers keeping seats meanwhile.
		let mut sizes = Vec::new();
		for e in 1..=6 {
			run_to(e * era);
			sizes.push(pallet_gosig::Authorities::<Runtime>::get().len());
		}
		assert_eq!(sizes, vec![5, 7, 10, 14, 20, 21]);
		let era = 6 * era;

		// The 21 with the most votes, in the order Phragmén elected them (most backed first).
		let expected: Vec<GosigId> = (4..25).rev().map(key).collect();
		assert_eq!(pallet_gosig::Authorities::<Runtime>::get().into_inner(), expected);
		assert_eq!(pallet_gosig::CurrentSetId::<Runtime>::get(), 6);
		assert_eq!(pallet_gosig::PastSets::<Runtime>::get().len(), 6, "every earlier set kept");
		let backups: Vec<AccountId> = pallet_billing_elections::Backups::<Runtime>::get()
			.iter()
			.map(|b| b.account.clone())
			.collect();
		// The last era seated five newcomers, the genesis billing peers that had kept seats
		// giving way; the backups: the other voted candidates by their votes, then the unvoted
		// genesis billing peers.
		assert_eq!(backups[..4], [3, 2, 1, 0].map(|i| candidates[i].clone()));
		assert_eq!(backups.len(), 8);
		let outcome = pallet_billing_elections::LastOutcome::<Runtime>::get().unwrap();
		assert_eq!(
			(outcome.elected, outcome.newcomers, outcome.backups, outcome.changed),
			(21, 5, 8, true)
		);

		// What wallets, explorers and the CLI read (`BillingElectionsApi`).
		{
			use pallet_billing_elections_runtime_api::{
				runtime_decl_for_billing_elections_api::BillingElectionsApiV1, Seat,
			};
			use spacebook_runtime::{Block, BlockNumber};
			let view = <Runtime as BillingElectionsApiV1<Block, AccountId, GosigId, BlockNumber>>::election();
			assert_eq!((view.era, view.era_start, view.next_election_at), (6, era, era + 100));
			assert_eq!(view.billing_peers.len(), 21);
			assert_eq!(view.billing_peers[0], (key(24), Some(candidates[24].clone())));
			assert_eq!(view.backups.len(), 8);
			let all = <Runtime as BillingElectionsApiV1<Block, AccountId, GosigId, BlockNumber>>::candidates();
			assert_eq!(all.len(), 29, "the 25 and the genesis billing peers");
			assert_eq!(all[0].account, candidates[24]);
			assert_eq!((all[0].seat, all[0].projected_rank), (Seat::BillingPeer(0), Some(1)));
			let projected = <Runtime as BillingElectionsApiV1<Block, AccountId, GosigId, BlockNumber>>::projected();
			assert_eq!(projected.billing_peers.len(), 21);
			assert_eq!((projected.newcomers, projected.kept), (0, false), "the same set again");
			let voter = <Runtime as BillingElectionsApiV1<Block, AccountId, GosigId, BlockNumber>>::voter(
				account("//Voter24"),
			);
			assert_eq!(voter.votes, vec![(candidates[24].clone(), 10_024 * SPB, true)]);
			assert_eq!(voter.locked, 10_024 * SPB);
		}

		// The most backed billing peer (index 0 of the set) packs the first blocks of the
		// era's period; then the committee (root for now) evicts it.
		let evicted = candidates[24].clone();
		run_to_packed_by(era + 5, |_| 0);
		let period = pallet_traffic::Pallet::<Runtime>::period_of(era + 5);
		let evicted_blocks = pallet_traffic::PackedBlocks::<Runtime>::get(period)
			.iter()
			.find(|(p, _)| *p == evicted)
			.map(|(_, b)| *b)
			.expect("it packed in the period");
		assert!(evicted_blocks >= 5);
		Peers::penalize(
			RuntimeOrigin::root(),
			evicted.clone().into(),
			pallet_peers::PenaltyReason::CommitteeDecision(1),
			pallet_peers::PenaltyLevel::Evict,
		)
		.expect("root evicts");
		assert_eq!(pallet_gosig::CurrentSetId::<Runtime>::get(), 6, "not in the block it left");
		assert!(
			pallet_traffic::PackedBlocks::<Runtime>::get(period).iter().all(|(p, _)| *p != evicted),
			"its blocks of the period are forfeited"
		);
		run_to(era + 6);
		let set = pallet_gosig::Authorities::<Runtime>::get();
		assert_eq!(set.len(), 21);
		assert!(!set.contains(&key(24)));
		assert!(set.contains(&key(3)), "the first backup took the seat");
		assert_eq!(pallet_gosig::CurrentSetId::<Runtime>::get(), 7);
		// At the period's settlement, the billing peers are paid for the blocks they packed,
		// the evicted nothing.
		while pallet_traffic::Settled::<Runtime>::get(period).is_none() {
			let next = frame_system::Pallet::<Runtime>::block_number() + 1;
			run_to(next);
		}
		let paid = billing_rewards(period);
		assert!(paid.iter().all(|(p, _)| *p != evicted), "no billing share for the evicted");
		assert!(paid.iter().any(|(p, _)| *p == candidates[3]), "the backup is paid");
		// Every billing peer of the set after the replacement packed some of the period.
		let mut paid_accounts: Vec<AccountId> = paid.iter().map(|(p, _)| p.clone()).collect();
		let mut members: Vec<AccountId> = pallet_gosig::Authorities::<Runtime>::get()
			.iter()
			.map(|k| pallet_peers::BillingKeyOwner::<Runtime>::get(k).unwrap())
			.collect();
		paid_accounts.sort();
		members.sort();
		assert_eq!(paid_accounts, members);
		let blocks: u32 = paid.iter().map(|(_, b)| b).sum();
		let period_blocks = <Runtime as pallet_traffic::Config>::BlocksPerPeriod::get();
		assert_eq!(blocks, period_blocks - evicted_blocks, "every block but the evicted's");
	});
}

/// A billing peer that starts leaving before it is evicted still forfeits its billing share of
/// the periods not settled yet (the fourth review): the registry tells the runtime of every
/// eviction.
#[test]
fn leaving_before_an_eviction_does_not_keep_the_billing_share() {
	genesis_of(genesis_config_presets::local_testnet_genesis()).execute_with(|| {
		let alice = account("//Alice");
		// Alice is the genesis set's index 0: she packs the first blocks.
		run_to_packed_by(10, |_| 0);
		let packed = |who: &AccountId| {
			pallet_traffic::PackedBlocks::<Runtime>::get(0).iter().any(|(p, _)| p == who)
		};
		assert!(packed(&alice));
		Peers::leave(RuntimeOrigin::signed(alice.clone())).expect("a billing peer may leave");
		assert!(packed(&alice), "leaving keeps what she packed");
		Peers::penalize(
			RuntimeOrigin::root(),
			alice.clone().into(),
			pallet_peers::PenaltyReason::CommitteeDecision(1),
			pallet_peers::PenaltyLevel::Evict,
		)
		.expect("root evicts");
		assert!(!packed(&alice), "an eviction forfeits it, leaving or not");
		assert!(frame_system::Pallet::<Runtime>::events().iter().any(|r| matches!(
			&r.event,
			RuntimeEvent::Traffic(pallet_traffic::Event::BillingShareForfeited { peer, period: 0, .. })
				if *peer == alice
		)));
	});
}

/// The hooks that read a block's packer from its pre-digest resolve its index in the set of the
/// block's parent: they must run before the elections' hook, which may change the set in the
/// same block (fourth review). `construct_runtime` runs `on_initialize` in pallet-index order.
#[test]
fn the_packer_is_read_before_the_set_can_change() {
	use frame_support::traits::PalletInfo as _;
	type Info = <Runtime as frame_system::Config>::PalletInfo;
	let index = |name: &str| match name {
		"Traffic" => Info::index::<spacebook_runtime::Traffic>(),
		"Gosig" => Info::index::<spacebook_runtime::Gosig>(),
		_ => Info::index::<BillingElections>(),
	};
	let elections = index("BillingElections").unwrap();
	assert!(index("Traffic").unwrap() < elections, "Traffic counts the packer first");
	assert!(index("Gosig").unwrap() < elections, "Gosig checks the packer's VRF first");
}

/// The elections' bounds match the pallets they feed and read: every candidate the registry
/// holds is looked at, and the elected fit Gosig's set.
#[test]
fn the_election_bounds_match_the_registry_and_gosig() {
	use frame_support::traits::Get;
	let max_candidates: u32 = <Runtime as pallet_billing_elections::Config>::MaxCandidates::get();
	let registry: u32 = <Runtime as pallet_peers::Config>::MaxBillingCandidates::get();
	assert!(max_candidates >= registry, "the election looks at every registered candidate");
	let elected: u32 = <Runtime as pallet_billing_elections::Config>::MaxElected::get();
	let authorities: u32 = <Runtime as pallet_gosig::Config>::MaxAuthorities::get();
	assert_eq!((elected, authorities), (21, 21), "the whitepaper's 21 billing peers");
	let backups: u32 = <Runtime as pallet_billing_elections::Config>::MaxBackups::get();
	assert!(elected + backups >= registry, "every candidate not elected can be ranked");
	// A set outlives its equivocation reports in the pool, however fast members leave.
	let kept: u32 = <Runtime as pallet_gosig::Config>::MaxPastSets::get();
	let interval: u32 = <Runtime as pallet_gosig::Config>::MinChangeInterval::get();
	assert!(
		u64::from(kept * interval) >= pallet_gosig::REPORT_LONGEVITY + 8,
		"{kept} × {interval}"
	);
}

/// `name`'s (a dev account's) tentative commit for the parent of the current block, with its
/// index in the set.
fn parent_commit(
	name: &str,
	round: u64,
) -> (u32, u8, spacebook_gosig_primitives::AuthoritySignature) {
	use spacebook_gosig_primitives::{vote_kind_code, VoteKind, VotePayload};
	let pair = sr25519::Pair::from_string(&format!("//{name}"), None).unwrap();
	let id: GosigId = pair.public().into();
	let index = pallet_gosig::Authorities::<Runtime>::get()
		.iter()
		.position(|k| *k == id)
		.expect("a billing peer") as u32;
	let number = frame_system::Pallet::<Runtime>::block_number() - 1;
	let payload = VotePayload::new(
		VoteKind::TentativeCommit,
		round,
		frame_system::Pallet::<Runtime>::parent_hash(),
		number,
		pallet_gosig::CurrentSetId::<Runtime>::get(),
	);
	let signature =
		pair.sign(&payload.signing_bytes(&spacebook_runtime::Gosig::genesis_hash(), index));
	(index, vote_kind_code(VoteKind::TentativeCommit), signature.into())
}

/// Missed votes (issue 16): the packer's inherent is counted against the runtime's billing
/// peers, a billing peer absent from more than half a window is warned, and at the second window
/// in a row replaced by the first backup, keeping its candidacy and its deposit's standing.
#[test]
fn a_billing_peer_that_misses_votes_is_warned_then_replaced_by_the_first_backup() {
	use spacebook_gosig_primitives::ParentVotes;
	use spacebook_runtime::Gosig;
	genesis_of(genesis_config_presets::local_testnet_genesis()).execute_with(|| {
		let era = pallet_billing_elections::EraLength::<Runtime>::get();
		// Two voted candidates, the backups of the era's election.
		for i in 0..2u32 {
			let who = account(&format!("//Candidate{i}"));
			Balances::set_balance(&who, 200_000 * SPB);
			stand(&who, i).unwrap();
			let voter = account(&format!("//Voter{i}"));
			Balances::set_balance(&voter, 20_000 * SPB);
			let votes = vec![(who.clone(), (10_000 + i as u128) * SPB)];
			BillingElections::vote(RuntimeOrigin::signed(voter), votes.try_into().unwrap())
				.unwrap();
		}
		run_to(era + 1);
		// Fewer voted candidates than `MinElected`: the set stays, both are ranked backups.
		assert_eq!(pallet_gosig::Authorities::<Runtime>::get().len(), 4);
		let backup = account("//Candidate1");
		assert_eq!(pallet_billing_elections::Backups::<Runtime>::get()[0].account, backup);

		// The packer's inherent: Alice, Bob and Charlie voted on the parent, Dave did not.
		// The parent was committed in its own round, the one before this block's.
		let round = pallet_gosig::CurrentRound::<Runtime>::get() - 1;
		let votes = ParentVotes {
			set_id: pallet_gosig::CurrentSetId::<Runtime>::get(),
			round,
			votes: frame_support::BoundedVec::truncate_from(vec![
				parent_commit("Alice", round),
				parent_commit("Bob", round),
				parent_commit("Charlie", round),
			]),
		};
		let mut sorted = votes.clone();
		sorted.votes.sort_by_key(|(i, _, _)| *i);
		Gosig::note_parent_votes(RuntimeOrigin::none(), sorted).expect("an inherent");
		let (view, window) = Gosig::participation();
		assert_eq!(window, spacebook_runtime::HOURS);
		let dave: GosigId = sr25519::Pair::from_string("//Dave", None).unwrap().public().into();
		for member in &view {
			let voted = member.authority != dave;
			assert_eq!((member.counted, member.present), (1, voted as u32), "{member:?}");
		}

		// Two windows in a row without Dave's votes.
		let dave_account = account("//Dave");
		let strikes = || {
			frame_system::Pallet::<Runtime>::events()
				.iter()
				.filter_map(|r| match &r.event {
					RuntimeEvent::Gosig(pallet_gosig::Event::MissedVotes {
						authority,
						strikes,
						..
					}) if *authority == dave => Some(*strikes),
					_ => None,
				})
				.collect::<Vec<_>>()
		};
		let dave_index = view.iter().position(|m| m.authority == dave).unwrap();
		let absent_dave = || {
			let mut tally = vec![(600u32, 600u32); view.len()];
			tally[dave_index] = (600, 100);
			pallet_gosig::ParticipationTally::<Runtime>::put(
				frame_support::BoundedVec::truncate_from(tally),
			);
		};
		absent_dave();
		// The window's end, as `on_initialize` reaches it every `ParticipationWindow` blocks.
		Gosig::end_participation_window();
		assert_eq!(strikes(), vec![1], "warned");
		run_to(era + 2);
		assert!(pallet_gosig::Authorities::<Runtime>::get().contains(&dave), "a warning only");
		absent_dave();
		Gosig::end_participation_window();
		assert_eq!(strikes(), vec![1, 2]);
		run_to(era + 3);
		let set = pallet_gosig::Authorities::<Runtime>::get();
		assert!(!set.contains(&dave), "replaced at the next block");
		assert!(set.contains(&key(1)), "by the first backup");
		assert_eq!(set.len(), 4);
		assert!(
			pallet_peers::Registrations::<Runtime>::get(&dave_account)
				.is_some_and(|r| r.status == pallet_peers::Status::Active && r.warnings == 0),
			"still a candidate, in good standing: no penalty on the deposit's ladder"
		);
		assert_eq!(pallet_gosig::MissedVoteStrikes::<Runtime>::get(&dave), 0, "out of the set");
	});
}

/// Candidate squatting (third and fifth reviews): the registry's 100 slots full, a newcomer
/// gets in only by backing itself with more than the candidate it displaces — a leaver first,
/// else the least backed below the registry bar (`MinBacking`, or 1 % of the SPB held for the
/// elections), the oldest among equals, never a billing peer. Squatters backed with
/// `MinBacking` become displaceable as the SPB held for the elections grow.
#[test]
fn a_full_registry_displaces_the_least_backed_candidate_without_a_seat() {
	genesis_of(genesis_config_presets::local_testnet_genesis()).execute_with(|| {
		let max: u32 = <Runtime as pallet_peers::Config>::MaxBillingCandidates::get();
		let min_backing: u128 = <Runtime as pallet_billing_elections::Config>::MinBacking::get();
		// The four genesis billing peers (unbacked, seated) and 96 more, all backed with
		// `MinBacking` but the 10th and the 20th (500 SPB).
		for i in 0..(max - 4) {
			let who = account(&format!("//Candidate{i}"));
			Balances::set_balance(&who, 200_000 * SPB);
			stand(&who, i).unwrap();
			let backing = if i == 10 || i == 20 { 500 * SPB } else { min_backing };
			let voter = account(&format!("//Voter{i}"));
			Balances::set_balance(&voter, 20_000 * SPB);
			BillingElections::vote(
				RuntimeOrigin::signed(voter),
				vec![(who, backing)].try_into().unwrap(),
			)
			.unwrap();
		}
		// 941 000 SPB vote: 1 % is below `MinBacking`, which is the bar.
		assert_eq!(BillingElections::registry_bar(), min_backing);
		let newcomer = |i: u32, bond: u128| {
			let who = account(&format!("//Newcomer{i}"));
			Balances::set_balance(&who, 200_000 * SPB);
			let result =
				if bond == 0 { stand(&who, 1000 + i) } else { stand_backed(&who, 1000 + i, bond) };
			(who, result)
		};
		let displaced = || {
			frame_system::Pallet::<Runtime>::events()
				.into_iter()
				.filter_map(|r| match r.event {
					RuntimeEvent::Peers(pallet_peers::Event::CandidateDisplaced { who, by }) => {
						Some((who, by))
					}
					_ => None,
				})
				.collect::<Vec<_>>()
		};
		let full = Err(pallet_peers::Error::<Runtime>::TooManyCandidates.into());
		// Unbacked, or backed by no more than the least backed: refused.
		assert_eq!(newcomer(9, 0).1, full);
		assert_eq!(newcomer(9, 500 * SPB).1, full);
		// A voter cannot stand backed: its vote would be replaced.
		let voter = account("//Voter3");
		Balances::set_balance(&voter, 200_000 * SPB);
		use sp_core::proof_of_possession::ProofOfPossessionGenerator;
		let proof =
			key_pair(999).generate_proof_of_possession(&Peers::billing_key_statement(&voter));
		assert_eq!(
			Peers::register_billing_candidate_backed(
				RuntimeOrigin::signed(voter),
				key(999),
				proof.into(),
				600 * SPB
			),
			Err(pallet_billing_elections::Error::<Runtime>::AlreadyVoting.into())
		);
		// 600 SPB displace the 10th (older than the 20th), then the 20th.
		let (first, result) = newcomer(0, 600 * SPB);
		result.expect("the 10th makes room");
		let (second, result) = newcomer(1, 600 * SPB);
		result.expect("then the 20th");
		assert_eq!(BillingElections::locked_of(&first), 600 * SPB, "the bond is a locked vote");
		// A newcomer is protected by its bond only: 700 SPB displace the first newcomer.
		let (third, result) = newcomer(2, 700 * SPB);
		result.expect("the first newcomer, the oldest of the least backed, makes room");
		assert_eq!(
			displaced(),
			vec![
				(account("//Candidate10"), first.clone()),
				(account("//Candidate20"), second.clone()),
				(first, third.clone())
			]
		);
		assert!(pallet_peers::Registrations::<Runtime>::get(account("//Candidate10")).is_none());
		let (fourth, result) = newcomer(3, min_backing);
		result.expect("the second newcomer makes room");
		let (_, result) = newcomer(4, min_backing);
		result.expect("the third makes room");
		assert_eq!(displaced()[3..], [(second, fourth), (third, account("//Newcomer4"))]);
		// Everyone unseated is backed with `MinBacking` now: immune while that is the bar,
		// however large the bond ...
		assert_eq!(newcomer(5, 50_000 * SPB).1, full);
		// ... until the SPB held for the elections grow: 1 % of them is the bar, and the oldest
		// of the least backed makes room. The seated genesis billing peers, unbacked, never do.
		let whale = account("//Whale");
		Balances::set_balance(&whale, 1_000_000 * SPB);
		let backed: Vec<(AccountId, u128)> =
			(0..4).map(|i| (account(&format!("//Candidate{i}")), 100_000 * SPB)).collect();
		BillingElections::vote(RuntimeOrigin::signed(whale.clone()), backed.try_into().unwrap())
			.unwrap();
		assert!(BillingElections::registry_bar() > min_backing);
		// Withdrawing the vote does not lower it while the SPB unbond.
		BillingElections::unvote(RuntimeOrigin::signed(whale)).unwrap();
		assert!(BillingElections::registry_bar() > min_backing);
		let (fifth, result) = newcomer(5, 50_000 * SPB);
		result.expect("a candidate below 1 % of the votes makes room");
		assert_eq!(displaced().last(), Some(&(account("//Candidate0"), fifth)));
		// A candidate leaving of its own accord goes first, whatever its backing.
		Peers::leave(RuntimeOrigin::signed(account("//Candidate50"))).unwrap();
		let (sixth, result) = newcomer(6, 100 * SPB);
		result.expect("the leaver makes room");
		assert_eq!(displaced().last(), Some(&(account("//Candidate50"), sixth)));
		assert_eq!(
			pallet_peers::RoleCount::<Runtime>::get(pallet_peers::RoleKind::BillingCandidate),
			max
		);
	});
}

/// A candidate's bond is a vote held beside its deposit, not frozen: freezes overlap holds, so
/// a frozen bond could have been sent away while the deposit's hold covered the freeze, and
/// still counted (fifth review).
#[test]
fn a_candidates_bond_cannot_leave_its_account() {
	genesis_of(genesis_config_presets::local_testnet_genesis()).execute_with(|| {
		let who = account("//Bonded");
		let deposit: u128 = <Runtime as pallet_peers::Config>::CandidateDeposit::get();
		let bond = 50_000 * SPB;
		Balances::set_balance(&who, deposit + bond + 10 * SPB);
		stand_backed(&who, 7, bond).unwrap();
		assert_eq!(BillingElections::locked_of(&who), bond);
		let send = |amount: u128| {
			Balances::transfer_keep_alive(
				RuntimeOrigin::signed(who.clone()),
				account("//Ferdie").into(),
				amount,
			)
		};
		send(5 * SPB).expect("what is neither deposit nor bond is free");
		assert!(send(bond / 2).is_err(), "the bond cannot leave");
		use frame_support::traits::fungible::Inspect;
		assert_eq!(<Balances as Inspect<AccountId>>::total_balance(&who), deposit + bond + 5 * SPB);
		let registration = pallet_peers::Registrations::<Runtime>::get(&who).unwrap().index;
		assert_eq!(pallet_billing_elections::Backing::<Runtime>::get(&who, registration), bond);
	});
}

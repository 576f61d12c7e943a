//! Self-dealing does not pay with the runtime's default parameters (issue 14, finding 1).
//!
//! An attacker owns a DApp and a set of common peers (the cheapest role that may report). It buys
//! traffic for its DApp, has its DApp's client key sign receipts for traffic "served" by its own
//! peers, and reports them, next to an honest professional peer that served an honest DApp. Over
//! a grid of attacker budgets, numbers of sybil peers, honest traffic and two claiming strategies
//! (split the bought bytes among the sybils, or let every sybil claim all of them, the attack of
//! the security review), the attacker's rewards stay below what it paid: its return is below 1.
//!
//! How it was checked: with the pallet as it was before the fix (reports ranked on claimed
//! bytes, the wash-trading cap off by default), the first case with a budget of 1 GiB
//! (0.01 SPB, one sybil, no honest traffic) was paid the whole peers' share of the period's
//! emission, 949 561 SPB: a return of about 10⁸·⁹⁸.

use frame_support::traits::{fungible::Inspect, fungible::Mutate, Get, Hooks};
use pallet_traffic::{AnswersOf, SampleAnswer, TrafficReport, TrafficReportOf};
use sp_core::{sr25519, Pair};
use sp_keyring::Sr25519Keyring;
use sp_runtime::transaction_validity::TransactionSource;
use spacebook_receipts::{Receipt, SignedReceipt, SumNode, SumTree};
use spacebook_runtime::{
	configs::peers::COMMON_DEPOSIT, genesis_config_presets, AccountId, Balances, Peers, Runtime,
	RuntimeOrigin, Traffic, SPB,
};

mod common;
use common::{genesis_of, register_dapp, register_professional};

const GIB: u64 = 1 << 30;

fn run_to(n: u32) {
	while frame_system::Pallet::<Runtime>::block_number() < n {
		let next = frame_system::Pallet::<Runtime>::block_number() + 1;
		frame_system::Pallet::<Runtime>::set_block_number(next);
		Traffic::on_initialize(next);
	}
}

fn pair(seed: &str) -> sr25519::Pair {
	sr25519::Pair::from_string(seed, None).expect("a valid seed")
}

fn account(seed: &str) -> AccountId {
	pair(seed).public().into()
}

/// A serving peer: its account, peer key and receipts.
struct Server {
	who: AccountId,
	key: sr25519::Pair,
	receipts: Vec<SignedReceipt<AccountId>>,
}

impl Server {
	fn tree(&self) -> SumTree {
		SumTree::from_leaves(self.receipts.iter().map(SumNode::leaf).collect()).expect("receipts")
	}

	fn report(&self) -> TrafficReportOf<Runtime> {
		let tree = self.tree();
		let dapp = self.receipts[0].receipt.dapp.clone();
		TrafficReport {
			peer: self.who.clone(),
			period: 0,
			from_period: 0,
			root: tree.root(),
			leaf_count: tree.leaf_count(),
			per_dapp: vec![(dapp, tree.root().sum)].try_into().expect("one DApp"),
		}
	}

	/// Report through the transaction pool's check and the call; `false` if either refused.
	fn submit(&self) -> bool {
		let report = self.report();
		let signature = self.key.sign(&Traffic::report_payload(&report)).into();
		Traffic::authorize_report(TransactionSource::External, &report, &signature).is_ok()
			&& Traffic::submit_report(frame_system::RawOrigin::Authorized.into(), report, signature)
				.is_ok()
	}

	fn answer(&self) {
		let tree = self.tree();
		let answers: AnswersOf<Runtime> = Traffic::audit_positions(0, &self.who, 1)
			.into_iter()
			.map(|position| {
				let i = tree.leaf_at(position).expect("a position inside the tree");
				SampleAnswer {
					leaf_index: i,
					receipt: self.receipts[i as usize].clone(),
					proof: tree.proof(i).expect("a leaf").try_into().expect("a short proof"),
				}
			})
			.collect::<Vec<_>>()
			.try_into()
			.expect("as many answers as samples");
		Traffic::answer_audit(
			frame_system::RawOrigin::Authorized.into(),
			0,
			self.who.clone(),
			answers,
		)
		.expect("genuine receipts pass the audit");
	}
}

/// One receipt of `bytes` from `client` for `dapp`, served by `server` in period 0.
fn receipt(
	server: &AccountId,
	dapp: &AccountId,
	client: &sr25519::Pair,
	bytes: u64,
) -> SignedReceipt<AccountId> {
	Receipt {
		period: 0,
		session: [7; 16],
		server: server.clone(),
		dapp: dapp.clone(),
		client_key: client.public(),
		bytes,
	}
	.sign(client, &Traffic::genesis_hash())
}

/// What one attack returned.
#[derive(Debug)]
struct Outcome {
	/// SPB the attacker paid for its traffic.
	cost: u128,
	/// SPB its peers were paid by Proof-of-Traffic.
	rewards: u128,
	/// SPB the honest peer was paid.
	honest_reward: u128,
}

/// How the attacker plays.
#[derive(Clone, Copy, Debug)]
struct Strategy {
	/// SPB's worth of traffic it buys, in GiB.
	budget_gib: u64,
	/// Common peers of its own that report.
	sybils: u32,
	/// Every sybil claims all the bytes bought (the review's attack), or they split them.
	every_sybil_claims_all: bool,
	/// Its reports reach the chain before the honest one (a packer can order them so).
	first: bool,
}

/// Run one ledgering period with an honest peer serving `honest_gib` for an honest DApp, and an
/// attacker that buys traffic and reports it through common peers of its own.
fn attack(strategy: Strategy, honest_gib: u64) -> Outcome {
	let Strategy { budget_gib, sybils, every_sybil_claims_all, first } = strategy;
	genesis_of(genesis_config_presets::local_testnet_genesis()).execute_with(|| {
		// The honest side: Eve, a professional peer, serves Ferdie's DApp what it paid for.
		let eve = Sr25519Keyring::Eve.to_account_id();
		let ferdie = Sr25519Keyring::Ferdie.to_account_id();
		let eve_key = pair("//EvePeerKey");
		register_professional(&eve, eve_key.public());
		let ferdie_client = pair("//FerdieClient");
		register_dapp(&ferdie, ferdie_client.public());
		let mut servers = Vec::new();
		let mut honest = Vec::new();
		if honest_gib > 0 {
			Traffic::buy_traffic(RuntimeOrigin::signed(ferdie.clone()), honest_gib as u32)
				.expect("Ferdie pays");
			honest.push(Server {
				who: eve.clone(),
				key: eve_key,
				receipts: vec![receipt(&eve, &ferdie, &ferdie_client, honest_gib * GIB)],
			});
		}

		// The attacker: a DApp and its common peers, each holding the common deposit.
		let mallory = account("//Mallory");
		let mallory_client = pair("//MalloryClient");
		Balances::set_balance(&mallory, 100_000_000 * SPB);
		register_dapp(&mallory, mallory_client.public());
		let before = Balances::total_balance(&mallory);
		let escrow_before = Balances::total_balance(&Traffic::prepaid_escrow());
		Traffic::buy_traffic(RuntimeOrigin::signed(mallory.clone()), budget_gib as u32)
			.expect("Mallory pays");
		let bought = budget_gib * GIB;
		let mut sybil_accounts = Vec::new();
		for i in 0..sybils {
			let who = account(&format!("//Sybil{i}"));
			let key = pair(&format!("//Sybil{i}PeerKey"));
			Balances::set_balance(&who, 2 * COMMON_DEPOSIT);
			Peers::register_common(
				RuntimeOrigin::signed(who.clone()),
				key.public().into(),
				eve.clone().into(),
				1,
			)
			.expect("a sybil registers as a common peer");
			Peers::top_up_deposit(RuntimeOrigin::signed(who.clone()), COMMON_DEPOSIT)
				.expect("a sybil holds the common deposit");
			let bytes = if every_sybil_claims_all { bought } else { bought / u64::from(sybils) };
			servers.push(Server {
				receipts: vec![receipt(&who, &mallory, &mallory_client, bytes.max(1))],
				who: who.clone(),
				key,
			});
			sybil_accounts.push(who);
		}
		let balances_before: Vec<u128> =
			sybil_accounts.iter().map(Balances::total_balance).collect();
		let eve_before = Balances::total_balance(&eve);

		if first {
			servers.extend(honest);
		} else {
			honest.extend(servers);
			servers = honest;
		}

		run_to(100);
		let accepted: Vec<&Server> = servers.iter().filter(|s| s.submit()).collect();
		assert!(
			honest_gib == 0 || accepted.iter().any(|s| s.who == eve),
			"the honest report is admitted"
		);
		// One paid byte backs one report: sybils that all claim the same bytes are refused
		// (`NotPaidFor`) but the first.
		let admitted_sybils = accepted.iter().filter(|s| s.who != eve).count() as u32;
		let expected_sybils = if every_sybil_claims_all { 1 } else { sybils };
		assert_eq!(admitted_sybils, expected_sybils, "{strategy:?}");
		run_to(128);
		for server in &accepted {
			server.answer();
		}
		run_to(200);
		assert!(pallet_traffic::Settled::<Runtime>::get(0).is_some(), "period 0 is settled");
		// The fees wait in escrow until reports count the traffic; the rest Mallory may
		// withdraw (`withdraw_prepaid`), and the escrow's existential deposit, if Mallory's
		// purchase paid it, is no cost of the attack. What the attack cost is the rest of what
		// left Mallory's account: the fees of the bytes counted.
		let seed = spacebook_runtime::EXISTENTIAL_DEPOSIT.saturating_sub(escrow_before);
		let withdrawable = pallet_traffic::Prepaid::<Runtime>::get(&mallory).fees;
		let cost = before - Balances::total_balance(&mallory) - withdrawable - seed;
		let rewards = sybil_accounts
			.iter()
			.zip(balances_before)
			.map(|(who, before)| Balances::total_balance(who) - before)
			.sum();
		let honest_reward = Balances::total_balance(&eve) - eve_before;
		if honest_gib > 0 {
			// The honest peer is paid by the formula within the cap, whatever the attacker did.
			let e = Traffic::explain_reward(&eve, 0).expect("Eve reported");
			let cap = spacebook_runtime::configs::traffic::PoolShareOfFees::get().unwrap();
			let formula = e.emission * e.ranked / e.total_traffic;
			assert_eq!(e.counted, u128::from(honest_gib * GIB));
			assert_eq!(honest_reward, formula.min(cap.mul_floor(e.fees)), "{e:?}");
		}
		Outcome { cost, rewards, honest_reward }
	})
}

/// The property: over attacker budgets from 1 GiB (0.01 SPB at the flat price) to 10⁸ GiB
/// (10⁶ SPB, beyond the period's peers emission), one to five sybils, no, little and much
/// honest traffic, both claiming strategies and both orders of the reports, the attacker's
/// return `rewards / cost` is below 1; the sybils' shared claims back one report; and the
/// honest peer is paid by the formula within the cap.
#[test]
fn self_dealing_returns_less_than_it_costs_for_any_budget_and_honest_traffic() {
	let mut worst = 0f64;
	for budget_gib in [1u64, 1_000, 1_000_000, 100_000_000] {
		for honest_gib in [0u64, 10, 100_000] {
			for sybils in [1u32, 5] {
				for every_sybil_claims_all in [false, true] {
					// The order matters only next to an honest report.
					let orders: &[bool] = if honest_gib == 0 { &[true] } else { &[true, false] };
					for first in orders {
						let strategy =
							Strategy { budget_gib, sybils, every_sybil_claims_all, first: *first };
						let outcome = attack(strategy, honest_gib);
						let ratio = outcome.rewards as f64 / outcome.cost as f64;
						println!(
							"{strategy:?}, honest {honest_gib} GiB: cost {} rewards {} return \
							 {ratio:.4}, honest reward {}",
							outcome.cost, outcome.rewards, outcome.honest_reward
						);
						assert!(outcome.cost > 0);
						assert!(
							outcome.rewards < outcome.cost,
							"self-dealing paid: {outcome:?} ({strategy:?}, honest {honest_gib} GiB)"
						);
						if honest_gib > 0 {
							assert!(
								outcome.honest_reward > 0,
								"the honest peer is paid: {outcome:?}"
							);
						}
						worst = worst.max(ratio);
					}
				}
			}
		}
	}
	println!("the attacker's best return: {worst:.4}");
	assert!(worst < 1.0);
}

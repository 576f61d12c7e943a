//! Self-dealing does not pay with the runtime's default parameters (issue 14, finding 1).
//!
//! An attacker owns a DApp and a set of common peers (the cheapest role that may report). It buys
//! traffic for its DApp, has its DApp's client key sign receipts for traffic "served" by its own
//! peers, and reports them, next to an honest professional peer that served an honest DApp. Over
//! a grid of attacker budgets, numbers of sybil peers, honest traffic and two claiming strategies
//! (split the bought bytes among the sybils, or let every sybil claim all of them, the attack of
//! the security review), the attacker's rewards stay below what it paid: its return is below 1.
//! A second property runs four periods with a second purchase, receipts rolled over from
//! refused reports, bytes carried with their fees after payouts the pool could not make, and
//! contested bytes counted from a failed sybil's freed reservation.
//!
//! How it was checked: with the pallet as it was before the fix (reports ranked on claimed
//! bytes, the wash-trading cap off by default), the first case with a budget of 1 GiB
//! (0.01 SPB, one sybil, no honest traffic) was paid the whole peers' share of the period's
//! emission, 949 561 SPB: a return of about 10⁸·⁹⁸.

use frame_support::traits::{fungible::Inspect, fungible::Mutate, Get};
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
use common::{genesis_of, register_dapp, register_professional, run_to};

const GIB: u64 = 1 << 30;

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

	/// The report of `period` over the receipts kept (all unclaimed, oldest first).
	fn report_for(&self, period: u32) -> TrafficReportOf<Runtime> {
		let tree = self.tree();
		let dapp = self.receipts[0].receipt.dapp.clone();
		let from_period = self.receipts.iter().map(|r| r.receipt.period).min().unwrap_or(period);
		TrafficReport {
			peer: self.who.clone(),
			period,
			from_period,
			root: tree.root(),
			leaf_count: tree.leaf_count(),
			per_dapp: vec![(dapp, tree.root().sum)].try_into().expect("one DApp"),
		}
	}

	/// Report `period` through the pool's check and the call; `false` if either refused.
	fn submit_for(&self, period: u32) -> bool {
		let report = self.report_for(period);
		let signature = self.key.sign(&Traffic::report_payload(&report)).into();
		Traffic::authorize_report(TransactionSource::External, &report, &signature).is_ok()
			&& Traffic::submit_report(frame_system::RawOrigin::Authorized.into(), report, signature)
				.is_ok()
	}

	/// Answer round 1 of the audit of its report of `period`.
	fn answer_for(&self, period: u32) {
		let tree = self.tree();
		let answers: AnswersOf<Runtime> = Traffic::audit_positions(period, &self.who, 1)
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
			period,
			self.who.clone(),
			answers,
		)
		.expect("genuine receipts pass the audit");
	}
}

/// The honest side: Eve registered as a professional peer (her account and peer key) and Ferdie
/// as a DApp (his account and client key).
fn honest_side() -> (AccountId, sr25519::Pair, AccountId, sr25519::Pair) {
	let eve = Sr25519Keyring::Eve.to_account_id();
	let ferdie = Sr25519Keyring::Ferdie.to_account_id();
	let eve_key = pair("//EvePeerKey");
	register_professional(&eve, eve_key.public());
	let ferdie_client = pair("//FerdieClient");
	register_dapp(&ferdie, ferdie_client.public());
	(eve, eve_key, ferdie, ferdie_client)
}

/// What `gib` GiB of traffic cost at the launch price.
fn gib_cost(gib: u64) -> u128 {
	u128::from(gib) * SPB / 100
}

/// The attacker's DApp: Mallory, funded and registered with a client key; with her balance and
/// the traffic escrow's before any funding.
fn attacker_dapp() -> (AccountId, sr25519::Pair, u128, u128) {
	let mallory = account("//Mallory");
	let mallory_client = pair("//MalloryClient");
	Balances::set_balance(&mallory, 100_000_000 * SPB);
	register_dapp(&mallory, mallory_client.public());
	let before = Balances::total_balance(&mallory);
	(mallory, mallory_client, before, Balances::total_balance(&Traffic::traffic_escrow()))
}

/// The attacker's `i`-th sybil: a common peer attached to `professional`, holding the common
/// deposit, without receipts yet.
fn sybil(i: u32, professional: &AccountId) -> Server {
	let who = account(&format!("//Sybil{i}"));
	let key = pair(&format!("//Sybil{i}PeerKey"));
	Balances::set_balance(&who, 2 * COMMON_DEPOSIT);
	Peers::register_common(
		RuntimeOrigin::signed(who.clone()),
		key.public().into(),
		professional.clone().into(),
		1,
		b"http://192.0.2.9:8480".to_vec().try_into().unwrap(),
	)
	.expect("a sybil registers as a common peer");
	Peers::top_up_deposit(RuntimeOrigin::signed(who.clone()), COMMON_DEPOSIT)
		.expect("a sybil holds the common deposit");
	Server { who, key, receipts: Vec::new() }
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
		let (eve, eve_key, ferdie, ferdie_client) = honest_side();
		let mut servers = Vec::new();
		let mut honest = Vec::new();
		if honest_gib > 0 {
			Traffic::fund_traffic(RuntimeOrigin::signed(ferdie.clone()), gib_cost(honest_gib))
				.expect("Ferdie pays");
			honest.push(Server {
				who: eve.clone(),
				key: eve_key,
				receipts: vec![receipt_of(0, &eve, &ferdie, &ferdie_client, honest_gib * GIB)],
			});
		}

		// The attacker: a DApp and its common peers, each holding the common deposit.
		let (mallory, mallory_client, before, escrow_before) = attacker_dapp();
		Traffic::fund_traffic(RuntimeOrigin::signed(mallory.clone()), gib_cost(budget_gib))
			.expect("Mallory pays");
		let bought = budget_gib * GIB;
		let mut sybil_accounts = Vec::new();
		for i in 0..sybils {
			let mut server = sybil(i, &eve);
			let bytes = if every_sybil_claims_all { bought } else { bought / u64::from(sybils) };
			server.receipts =
				vec![receipt_of(0, &server.who, &mallory, &mallory_client, bytes.max(1))];
			sybil_accounts.push(server.who.clone());
			servers.push(server);
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
		let accepted: Vec<&Server> = servers.iter().filter(|s| s.submit_for(0)).collect();
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
			server.answer_for(0);
		}
		run_to(200);
		assert!(pallet_traffic::Settled::<Runtime>::get(0).is_some(), "period 0 is settled");
		// The fees wait in escrow until reports count the traffic; the rest Mallory may
		// withdraw (`withdraw_escrow`), and the escrow's existential deposit, if Mallory's
		// purchase paid it, is no cost of the attack. What the attack cost is the rest of what
		// left Mallory's account: the fees of the bytes counted.
		let seed = spacebook_runtime::EXISTENTIAL_DEPOSIT.saturating_sub(escrow_before);
		let withdrawable = pallet_traffic::Escrow::<Runtime>::get(&mallory);
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

/// How the attacker plays over several periods.
#[derive(Clone, Copy, Debug)]
enum Play {
	/// Each sybil claims its share of the bytes bought, every period.
	Split,
	/// Each sybil claims 1.2 shares: the last report's claim is partly contested, and the
	/// first sybil never answers its audits, so that its reservation is freed for it.
	OverClaimAndFail,
	/// Every sybil claims all the bytes bought, every period; the refused ones roll their
	/// receipts over into later reports.
	EveryoneClaimsAll,
}

/// Run `PERIODS` ledgering periods. The honest DApp buys `honest_gib` each period, which its
/// professional peer serves and reports. The attacker buys `budget_gib` for its own DApp before
/// period 0 and again before period 2, and its three common peers report receipts of its DApp
/// every period as `play` says, rolling refused receipts over. The mining pool cannot pay
/// during period 0's settlement (its balance is taken down to the minimum), so that period's
/// rewards are carried with their fees into period 1's ranking. Returns the attacker's cost
/// (the fees of the bytes counted: what it cannot withdraw) and its rewards, and the paths
/// taken.
fn attack_over_periods(play: Play, budget_gib: u64, honest_gib: u64) -> (Outcome, Coverage) {
	const PERIODS: u32 = 4;
	const SYBILS: u32 = 3;
	genesis_of(genesis_config_presets::local_testnet_genesis()).execute_with(|| {
		let (eve, eve_key, ferdie, ferdie_client) = honest_side();
		let mut honest = Server { who: eve.clone(), key: eve_key, receipts: Vec::new() };

		let (mallory, mallory_client, before, escrow_before) = attacker_dapp();
		let mut sybils: Vec<Server> = (0..SYBILS).map(|i| sybil(i, &eve)).collect();
		let sybil_before: Vec<u128> =
			sybils.iter().map(|s| Balances::total_balance(&s.who)).collect();
		let pool = pallet_token::Pallet::<Runtime>::mining_pool_account();
		let mut covered = Coverage::default();

		for period in 0..PERIODS {
			if period % 2 == 0 {
				Traffic::fund_traffic(RuntimeOrigin::signed(mallory.clone()), gib_cost(budget_gib))
					.expect("Mallory pays");
			}
			if honest_gib > 0 {
				Traffic::fund_traffic(RuntimeOrigin::signed(ferdie.clone()), gib_cost(honest_gib))
					.expect("Ferdie pays");
				honest.receipts.push(receipt_of(
					period,
					&eve,
					&ferdie,
					&ferdie_client,
					honest_gib * GIB,
				));
			}
			let share = budget_gib * GIB / u64::from(SYBILS);
			for sybil in sybils.iter_mut() {
				let bytes = match play {
					Play::Split => share,
					Play::OverClaimAndFail => share + share / 5,
					Play::EveryoneClaimsAll => budget_gib * GIB,
				};
				sybil.receipts.push(receipt_of(
					period,
					&sybil.who,
					&mallory,
					&mallory_client,
					bytes,
				));
			}

			// The report window of `period`: the attacker's reports first, a different sybil
			// first each period.
			let start = (period + 1) * 100;
			run_to(start);
			let mut reported = Vec::new();
			let first = period as usize % sybils.len();
			let order = sybils[first..].iter().chain(&sybils[..first]);
			for server in order.chain(core::iter::once(&honest)) {
				if !server.receipts.is_empty() && server.submit_for(period) {
					reported.push(server.who.clone());
				}
			}
			assert!(honest_gib == 0 || reported.contains(&eve), "the honest report is admitted");
			run_to(start + 28);
			for server in sybils.iter().chain(core::iter::once(&honest)) {
				let fails = matches!(play, Play::OverClaimAndFail) && server.who == sybils[0].who;
				if reported.contains(&server.who) && !fails {
					server.answer_for(period);
				}
			}
			// Period 0's settlement: the pool cannot pay.
			let pool_balance = Balances::total_balance(&pool);
			if period == 0 {
				Balances::set_balance(&pool, spacebook_runtime::EXISTENTIAL_DEPOSIT);
			}
			run_to(start + 100);
			if period == 0 {
				Balances::set_balance(&pool, pool_balance);
			}
			let summary = pallet_traffic::Settled::<Runtime>::get(period).expect("settled");
			if period == 0 {
				assert_eq!(summary.paid, 0, "the pool could not pay");
			}
			// What the paths of this play did.
			for sybil in &sybils {
				let Some(e) = Traffic::explain_reward(&sybil.who, period) else { continue };
				let record = pallet_traffic::Reports::<Runtime>::get(period, &sybil.who)
					.expect("explained, so kept");
				covered.carried |= period == 0 && e.carried_out > 0;
				covered.carried_ranked |= period > 0 && e.carried_in > 0 && e.reward > 0;
				covered.rolled_over |= record.report.from_period < period;
				covered.contested_counted |= e.counted > e.backed;
			}
			// What the sybils' reports settled forgets; the refused keep their receipts.
			for server in sybils.iter_mut().chain(core::iter::once(&mut honest)) {
				let next = pallet_traffic::TrafficOf::<Runtime>::get(&server.who)
					.map_or(0, |t| t.next_period);
				server.receipts.retain(|r| r.receipt.period >= next);
			}
		}
		// Honest traffic was paid once the pool could pay again.
		if honest_gib > 0 {
			assert!(Balances::total_balance(&eve) > 0);
			assert!(
				(1..PERIODS)
					.any(|p| Traffic::explain_reward(&eve, p).is_some_and(|e| e.reward > 0)),
				"the honest peer is paid"
			);
		}
		let seed = spacebook_runtime::EXISTENTIAL_DEPOSIT.saturating_sub(escrow_before);
		let withdrawable = pallet_traffic::Escrow::<Runtime>::get(&mallory);
		let cost = before - Balances::total_balance(&mallory) - withdrawable - seed;
		let rewards = sybils
			.iter()
			.zip(sybil_before)
			.map(|(s, before)| Balances::total_balance(&s.who) - before)
			.sum();
		(Outcome { cost, rewards, honest_reward: 0 }, covered)
	})
}

/// Which paths a run over several periods took.
#[derive(Debug, Default, PartialEq)]
struct Coverage {
	/// A sybil's period-0 bytes stayed carried (the pool could not pay).
	carried: bool,
	/// Carried bytes ranked and were paid in a later period.
	carried_ranked: bool,
	/// A report reached back to an earlier period's receipts.
	rolled_over: bool,
	/// A report was counted for more than its backed bytes (contested bytes, freed).
	contested_counted: bool,
}

/// One receipt of `bytes` from `client` for `dapp`, served by `server` in `period`.
fn receipt_of(
	period: u32,
	server: &AccountId,
	dapp: &AccountId,
	client: &sr25519::Pair,
	bytes: u64,
) -> SignedReceipt<AccountId> {
	Receipt {
		period,
		session: [period as u8; 16],
		server: server.clone(),
		dapp: dapp.clone(),
		client_key: client.public(),
		bytes,
	}
	.sign(client, &Traffic::genesis_hash())
}

/// The property over several periods (the first review of issue 14, point 7): receipts rolled
/// over from refused reports, bytes carried with their fees after a payout the pool could not
/// make, contested bytes counted from a failed sybil's freed reservation, and a second purchase
/// do not lift the attacker's return to 1, over budgets below and above a period's emission and
/// with or without honest traffic.
#[test]
fn self_dealing_over_periods_with_rollover_carried_bytes_and_failed_payouts_does_not_pay() {
	let mut worst = 0f64;
	for play in [Play::Split, Play::OverClaimAndFail, Play::EveryoneClaimsAll] {
		for budget_gib in [1_000u64, 100_000_000] {
			for honest_gib in [0u64, 10_000] {
				let (outcome, covered) = attack_over_periods(play, budget_gib, honest_gib);
				// Each play takes the paths it is there for.
				assert!(covered.carried && covered.carried_ranked, "{play:?}: {covered:?}");
				match play {
					Play::Split => {}
					Play::OverClaimAndFail => assert!(covered.contested_counted, "{covered:?}"),
					Play::EveryoneClaimsAll => assert!(covered.rolled_over, "{covered:?}"),
				}
				let ratio = outcome.rewards as f64 / outcome.cost as f64;
				println!(
					"{play:?}, budget {budget_gib} GiB, honest {honest_gib} GiB: cost {} rewards \
					 {} return {ratio:.4}",
					outcome.cost, outcome.rewards
				);
				assert!(outcome.cost > 0, "{play:?}: some attacker traffic was counted");
				assert!(outcome.rewards > 0, "{play:?}: the attacker was paid something");
				assert!(
					outcome.rewards < outcome.cost,
					"self-dealing paid: {outcome:?} ({play:?}, {budget_gib} GiB, honest {honest_gib})"
				);
				worst = worst.max(ratio);
			}
		}
	}
	println!("the attacker's best return over periods: {worst:.4}");
	assert!(worst < 1.0);
}

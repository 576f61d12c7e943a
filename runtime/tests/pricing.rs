//! Nominal pricing with the real pallets (issue 15): a DApp leases an instance and funds its
//! traffic escrow, a professional peer serves it, the period's traffic is billed at the nominal
//! traffic price into the pools, and at the next pricing cycle the formula re-prices every unit
//! from the chain's own figures — the registry's declared capacity, the leases, the bills and
//! the governance inputs — and the lease's hold follows the new instance price by itself.

use pallet_traffic::TrafficReport;
use sp_core::{sr25519, Pair};
use sp_keyring::Sr25519Keyring;
use spacebook_receipts::{Receipt, SignedReceipt, SumNode, SumTree};
use spacebook_runtime::{
	genesis_config_presets, AccountId, Balances, Peers, Pricing, Runtime, RuntimeOrigin, Traffic,
	SPB,
};

mod common;
use common::{answers, genesis_of, register_dapp, run_to, submit_report};

fn peer_pair() -> sr25519::Pair {
	sr25519::Pair::from_string("//EvePeerKey", None).unwrap()
}

fn client_pair() -> sr25519::Pair {
	sr25519::Pair::from_string("//FerdieClient", None).unwrap()
}

/// Eve, a professional peer with four instances' worth of resources (4 cores, 400 Mbit/s,
/// 2 000 GiB: four times 500 GB).
fn register_eve(eve: &AccountId) {
	Peers::register_professional(
		RuntimeOrigin::signed(eve.clone()),
		peer_pair().public().into(),
		pallet_peers::ProfessionalDeclaration {
			resources: pallet_peers::Resources {
				storage_gib: 2_000,
				bandwidth_mbps: 400,
				cpu_cores: 4,
			},
			location: pallet_peers::Location { region: *b"SG", latitude: 1, longitude: 1 },
			endpoint: b"https://203.0.113.9".to_vec().try_into().unwrap(),
		},
	)
	.expect("Eve registers");
}

/// Nine receipts of a little over a GB each that Ferdie's client signed for Eve in period 0.
fn receipts(eve: &AccountId, ferdie: &AccountId) -> Vec<SignedReceipt<AccountId>> {
	let genesis = Traffic::genesis_hash();
	let mut receipts: Vec<_> = (0..9u8)
		.map(|i| {
			Receipt {
				period: 0,
				session: [i; 16],
				server: eve.clone(),
				dapp: ferdie.clone(),
				client_key: client_pair().public(),
				bytes: 1_000_000_000 + u64::from(i),
			}
			.sign(&client_pair(), &genesis)
		})
		.collect();
	receipts.sort_by_key(|r| r.receipt.stream_key());
	receipts
}

#[test]
fn a_full_cycle_bills_traffic_at_the_nominal_price_and_moves_the_lease_as_the_formula_says() {
	genesis_of(genesis_config_presets::local_testnet_genesis()).execute_with(|| {
		let issuance = pallet_balances::TotalIssuance::<Runtime>::get();
		let launch = genesis_config_presets::launch_prices();
		let (eve, ferdie) =
			(Sr25519Keyring::Eve.to_account_id(), Sr25519Keyring::Ferdie.to_account_id());
		register_eve(&eve);
		assert_eq!(pallet_peers::DeclaredInstances::<Runtime>::get(), 4);
		register_dapp(&ferdie, client_pair().public());

		// Ferdie leases an instance at the launch price and funds ten GiB of traffic.
		let free_before = Balances::free_balance(&ferdie);
		Pricing::lease(RuntimeOrigin::signed(ferdie.clone()), 1).expect("Ferdie leases");
		assert_eq!(Balances::free_balance(&ferdie), free_before - launch.instance);
		assert_eq!(Pricing::standing(&ferdie), pallet_pricing::Standing::Good);
		Traffic::fund_traffic(RuntimeOrigin::signed(ferdie.clone()), 10 * launch.traffic_gib)
			.expect("Ferdie funds traffic");

		// Eve serves 9 GB in period 0 and is paid by Proof-of-Traffic in period 1, when the
		// first cycle (one period on `local`) has begun.
		let receipts = receipts(&eve, &ferdie);
		let tree = SumTree::from_leaves(receipts.iter().map(SumNode::leaf).collect()).unwrap();
		let report = TrafficReport {
			peer: eve.clone(),
			period: 0,
			from_period: 0,
			root: tree.root(),
			leaf_count: tree.leaf_count(),
			per_dapp: vec![(ferdie.clone(), tree.root().sum)].try_into().unwrap(),
		};
		run_to(100);
		// Cycle 1 began without a competitor quote: it kept the launch prices.
		assert_eq!(pallet_pricing::CurrentCycle::<Runtime>::get(), 1);
		assert_eq!(Pricing::current_prices(), launch);
		// The competitors price everything as we do (observed at the chain's clock).
		Pricing::set_competitor_prices(RuntimeOrigin::root(), launch, 0).expect("a fresh quote");
		submit_report(report, &peer_pair()).expect("the report is accepted");
		run_to(128);
		Traffic::answer_audit(
			frame_system::RawOrigin::Authorized.into(),
			0,
			eve.clone(),
			answers(&eve, &receipts, &tree),
		)
		.expect("honest answers pass");
		run_to(190);

		// Period 0 is billed at period 0's traffic price: the bill left the escrow into the
		// pools and counts in cycle 1's spending.
		let bill = pallet_traffic::Bills::<Runtime>::get(0, &ferdie);
		assert_eq!(bill.bytes, tree.root().sum);
		assert_eq!(bill.amount, tree.root().sum * launch.traffic_gib / (1 << 30));
		assert_eq!(
			pallet_traffic::Escrow::<Runtime>::get(&ferdie),
			10 * launch.traffic_gib - bill.amount
		);
		assert_eq!(pallet_pricing::CycleSpending::<Runtime>::get(), bill.amount);

		// The governance expects demand to reach 95 % of the idle capacity: three idle instances
		// (Eve's four, one leased) at 100 SPB make S = 300 SPB; D is the leased instance and the
		// bill.
		let supply = 3 * launch.instance;
		let spent = launch.instance + bill.amount;
		let expected = (supply / 100 * 95 - spent) as i128;
		Pricing::set_expected_demand(RuntimeOrigin::root(), expected).expect("root sets D1");

		// Cycle 2 begins with period 2: every unit falls to 95 % (within the 10 % step), and
		// Ferdie's hold follows in the same block without Ferdie doing anything.
		run_to(200);
		let record = pallet_pricing::CycleRecords::<Runtime>::get().last().copied().unwrap();
		assert_eq!(record.cycle, 2);
		assert_eq!(record.market.idle_capacity, supply);
		assert_eq!(record.market.new_capacity, 0);
		assert_eq!(record.market.spent, spent);
		assert_eq!(record.market.demand(), supply / 100 * 95);
		assert_eq!(record.averages, launch, "a: the launch prices, kept through cycle 1");
		let prices = Pricing::current_prices();
		assert_eq!(prices.instance, 95 * SPB);
		assert_eq!(prices.traffic_gib, launch.traffic_gib / 100 * 95);
		assert_eq!(prices.storage_gb_month, launch.storage_gb_month / 100 * 95);
		assert_eq!(record.prices, prices);
		assert_eq!(
			pallet_balances::Holds::<Runtime>::get(&ferdie)
				.iter()
				.find(|h| h.id
					== spacebook_runtime::RuntimeHoldReason::Pricing(
						pallet_pricing::HoldReason::Lease
					))
				.map(|h| h.amount),
			Some(95 * SPB)
		);
		assert_eq!(
			Balances::free_balance(&ferdie),
			free_before
				- 95 * SPB - 10 * launch.traffic_gib
				- spacebook_runtime::EXISTENTIAL_DEPOSIT
		);
		// Traffic of period 2 on is billed at the new price; period 0's stays at its own.
		assert_eq!(Traffic::cost_of(1 << 30, 0), launch.traffic_gib);
		assert_eq!(Traffic::cost_of(1 << 30, 2), prices.traffic_gib);
		// Nothing was minted or burned.
		assert_eq!(pallet_balances::TotalIssuance::<Runtime>::get(), issuance);

		// What wallets and the CLI read (`PricingApi`).
		use pallet_pricing_runtime_api::runtime_decl_for_pricing_api::PricingApiV1;
		use spacebook_runtime::Block;
		let view = <Runtime as PricingApiV1<Block, AccountId, u128, u32>>::prices();
		assert_eq!((view.period, view.cycle, view.cycle_periods), (2, 2, 1));
		assert_eq!((view.current, view.next), (prices, None));
		let cycles = <Runtime as PricingApiV1<Block, AccountId, u128, u32>>::cycles();
		assert_eq!(cycles.last(), Some(&record));
		let account = <Runtime as PricingApiV1<Block, AccountId, u128, u32>>::dapp(ferdie.clone());
		assert_eq!(account.standing, pallet_pricing::Standing::Good);
		assert_eq!(account.lease.map(|l| (l.instances, l.held)), Some((1, 95 * SPB)));
		assert_eq!(account.escrow, 10 * launch.traffic_gib - bill.amount);
		assert_eq!(account.withdrawal, None);
		assert_eq!(
			account.available_bytes,
			Traffic::bytes_for(account.escrow, 2),
			"the escrow at period 2's price, nothing reserved"
		);
		assert_eq!(
			account.bills,
			vec![pallet_pricing_runtime_api::BillView {
				period: 0,
				bytes: bill.bytes,
				amount: bill.amount
			}]
		);
	});
}

/// A DApp that leaves the registry loses its lease at once (the registry's `OnLeaving`): the
/// lease's deposit is released while the DApp's own deposit waits for the exit delay, and a
/// leaving DApp cannot lease again. An evicted DApp is released the same way.
#[test]
fn a_dapp_leaving_the_registry_gets_its_lease_deposit_back_at_once() {
	genesis_of(genesis_config_presets::local_testnet_genesis()).execute_with(|| {
		let launch = genesis_config_presets::launch_prices();
		let lease_hold = |who: &AccountId| {
			use frame_support::traits::fungible::InspectHold;
			Balances::balance_on_hold(&pallet_pricing::HoldReason::Lease.into(), who)
		};
		let ferdie = Sr25519Keyring::Ferdie.to_account_id();
		// A second DApp of its own (the keyring's others are billing peers or locked).
		let second: AccountId =
			sr25519::Pair::from_string("//SecondDApp", None).unwrap().public().into();
		<Balances as frame_support::traits::fungible::Mutate<_>>::set_balance(
			&second,
			10_000 * SPB,
		);
		register_dapp(&ferdie, client_pair().public());
		register_dapp(
			&second,
			sr25519::Pair::from_string("//SecondDAppClient", None).unwrap().public(),
		);
		for dapp in [&ferdie, &second] {
			Pricing::lease(RuntimeOrigin::signed(dapp.clone()), 2).expect("leases");
			assert_eq!(lease_hold(dapp), 2 * launch.instance);
		}
		let free_before = Balances::free_balance(&ferdie);
		Peers::leave(RuntimeOrigin::signed(ferdie.clone())).expect("Ferdie leaves");
		assert_eq!(lease_hold(&ferdie), 0);
		assert_eq!(Balances::free_balance(&ferdie), free_before + 2 * launch.instance);
		assert!(pallet_pricing::Leases::<Runtime>::get(&ferdie).is_none());
		assert!(Peers::peer_view(&ferdie).is_some(), "the registration waits for the exit delay");
		assert_eq!(
			Pricing::lease(RuntimeOrigin::signed(ferdie.clone()), 1),
			Err(pallet_pricing::Error::<Runtime>::NotADApp.into())
		);
		// Eviction by governance ends the lease too.
		Peers::penalize(
			RuntimeOrigin::root(),
			second.clone().into(),
			pallet_peers::PenaltyReason::CommitteeDecision(1),
			pallet_peers::PenaltyLevel::Evict,
		)
		.expect("governance evicts the second DApp");
		assert_eq!(lease_hold(&second), 0);
		assert_eq!(pallet_pricing::LeasedInstances::<Runtime>::get(), 0);
		assert!(pallet_pricing::Leases::<Runtime>::iter().next().is_none(), "no lease is left");
	});
}

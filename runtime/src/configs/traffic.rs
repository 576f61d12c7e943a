//! `pallet_traffic`: Proof-of-Traffic (whitepaper ch.3 §1). The windows, bounds and batches are
//! explained in `docs/pot.md`; the reasons for the values are in `docs/decisions.md`.

use crate::{AccountId, Balance, Runtime, Token};
use frame_support::traits::{ConstU32, Get};
use sp_core::H256;
use sp_runtime::{Perbill, Permill};

/// Blocks in a ledgering period, as the token pallet counts them (100: five minutes).
pub struct BlocksPerPeriod;
impl Get<crate::BlockNumber> for BlocksPerPeriod {
	fn get() -> crate::BlockNumber {
		Token::blocks_per_period()
	}
}

/// The audit seeds come from the Gosig VRF accumulator, which every block's elected packer
/// extends with its VRF output: nobody knows it when the reports are committed.
pub struct GosigRandomness;
impl Get<H256> for GosigRandomness {
	fn get() -> H256 {
		H256(pallet_gosig::NextEpochRandomness::<Runtime>::get())
	}
}

/// The wash-trading cap on by default: a peer's reward is at most the part of its traffic's fees
/// that went into the mining pool (all but the foundation's 0.5 %). The pool then never pays for
/// a byte more than the byte paid into it, so no self-dealing (own DApp, own peers, bought
/// traffic) returns what it cost; `runtime/tests/self_dealing.rs` checks it over a grid of
/// budgets and honest traffic, and `docs/security.md` argues it.
pub struct PoolShareOfFees;
impl Get<Option<Perbill>> for PoolShareOfFees {
	fn get() -> Option<Perbill> {
		let foundation: Permill = super::token::FoundationShare::get();
		let pool_parts_per_million = 1_000_000 - foundation.deconstruct();
		Some(Perbill::from_parts(pool_parts_per_million.saturating_mul(1_000)))
	}
}

/// What a block may spend counting reports at settlement: a fifth of the block's weight, the
/// rest staying for transactions and the other hooks.
pub struct SettleWeight;
impl Get<frame_support::weights::Weight> for SettleWeight {
	fn get() -> frame_support::weights::Weight {
		Perbill::from_percent(20) * super::RuntimeBlockWeights::get().max_block
	}
}

/// Who packed the block being built: the candidate whose Gosig key is at the pre-digest's index
/// in the authority set, paid only while it is eligible (active, its whole candidate deposit on
/// hold). A genesis billing peer without a candidacy is not paid.
pub struct GosigBillingPeers;
impl pallet_traffic::BillingPeers<AccountId> for GosigBillingPeers {
	fn packer() -> Option<AccountId> {
		use pallet_billing_elections::BillingCandidates as _;
		let index = pallet_gosig::Pallet::<Runtime>::pre_digest()?.authority_index;
		let key = pallet_gosig::Authorities::<Runtime>::get().get(index as usize)?.clone();
		let who = pallet_peers::BillingKeyOwner::<Runtime>::get(&key)?;
		super::billing_elections::RegisteredCandidates::is_eligible(&who).then_some(who)
	}
	fn packer_weight() -> frame_support::weights::Weight {
		// The digest, the set, the key's owner, its registration and the required deposit.
		<Runtime as frame_system::Config>::DbWeight::get().reads(5)
	}
}

impl pallet_traffic::Config for Runtime {
	type Balance = Balance;
	type MiningPool = Token;
	type PeerKey = pallet_peers::crypto::PeerKey;
	type Registry = crate::Peers;
	type Penalties = crate::Peers;
	/// A failed audit requests a patrol of the peer.
	type OnAuditFailed = crate::Patrol;
	/// The patrol rewards' part of the peers' emission is left to the patrol pallet.
	type PeersShareReserve = crate::Patrol;
	/// Paid traffic is what DApps' traffic escrow pays for at each period's nominal price
	/// (`Traffic::fund_traffic`).
	type Billing = crate::Traffic;
	/// Traffic bills are DApp revenue: 0.5 % to the foundation, the rest into the mining pool.
	type Revenue = Token;
	/// DApps' traffic funds wait in the pallet's escrow account until billed or withdrawn.
	type Currency = crate::Balances;
	/// The pricing pallet's traffic price of each period.
	type Prices = super::pricing::NominalTrafficPrice;
	/// The committee's ranking of the DApps by paid traffic over the term.
	type OnBilled = super::governance::DAppRanking;
	type BillingPeers = GosigBillingPeers;
	type AuditRandomness = GosigRandomness;
	/// The committee's majority (the foundation before the first committee).
	type GovernanceOrigin = super::governance::GovernanceOrigin;
	type BlocksPerPeriod = BlocksPerPeriod;
	/// One minute to report the previous period.
	type ReportWindow = ConstU32<20>;
	/// The first audit seed mixes the VRF outputs of eight packers after the last report.
	type SeedDelay = ConstU32<8>;
	/// 45 seconds per audit round (answers are automatic).
	type AuditWindow = ConstU32<15>;
	type AuditSamples = ConstU32<4>;
	type SecondAuditSamples = ConstU32<16>;
	type MaxReports = ConstU32<1_000>;
	type MaxDApps = ConstU32<64>;
	type MaxTopGroup = ConstU32<500>;
	/// The whitepaper's top 100.
	type DefaultTopGroup = ConstU32<100>;
	/// 99.5 %: the mining pool's share of the fees.
	type DefaultRewardCap = PoolShareOfFees;
	/// A week of periods.
	type MaxRollover = ConstU32<{ 7 * 288 }>;
	type MaxBillingPeers = ConstU32<100>;
	/// Two and a half DApps a report on average over a full set: its settlement fits in the
	/// period with three blocks to spare (`runtime/tests/traffic.rs`,
	/// `a_busy_periods_settlement_fits_before_the_next_report_window`).
	type MaxDAppEntries = ConstU32<2_500>;
	type SettleBatch = ConstU32<50>;
	type SettleWeight = SettleWeight;
	type PayoutBatch = ConstU32<50>;
	/// An hour of periods on every node; archive nodes answer for any block.
	type HistoryDepth = ConstU32<12>;
	/// A full period's bills and reports are forgotten in 29 blocks of the 57 between two
	/// settlements (`integrity_test`), each within `SettleWeight`
	/// (`runtime/tests/traffic.rs`, `pruning_an_old_period_fits_between_two_settlements`):
	/// about 16 ms a block, most of it the database writes (`prune_bills(n)`,
	/// `prune_reports(n)`, measured for `n` up to this batch).
	type PruneBatch = ConstU32<125>;
	type WeightInfo = pallet_traffic::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = BenchmarkSetup;
}

/// Registers peers and DApps in the peer registry for the benchmarks.
#[cfg(feature = "runtime-benchmarks")]
pub struct BenchmarkSetup;
#[cfg(feature = "runtime-benchmarks")]
impl pallet_traffic::BenchmarkHelper<AccountId, pallet_peers::crypto::PeerKey> for BenchmarkSetup {
	fn register_peer(who: &AccountId, key: pallet_peers::crypto::PeerKey) {
		use frame_support::traits::fungible::Mutate;
		crate::Balances::set_balance(who, 1_000_000 * crate::SPB);
		crate::Peers::register_professional(
			crate::RuntimeOrigin::signed(who.clone()),
			key,
			pallet_peers::ProfessionalDeclaration {
				resources: pallet_peers::Resources {
					storage_gib: 1,
					bandwidth_mbps: 1,
					cpu_cores: 1,
				},
				location: pallet_peers::Location { region: *b"SG", latitude: 1, longitude: 1 },
				endpoint: b"https://bench".to_vec().try_into().expect("short"),
			},
		)
		.expect("a funded account registers");
	}
	fn fund(who: &AccountId) {
		use frame_support::traits::fungible::Mutate;
		crate::Balances::set_balance(who, 1_000_000 * crate::SPB);
	}
	fn register_dapp(dapp: &AccountId, client_key: sp_core::sr25519::Public, bytes: u128) {
		use frame_support::traits::fungible::{Inspect, Mutate};
		let origin = || crate::RuntimeOrigin::signed(dapp.clone());
		if pallet_peers::Registrations::<Runtime>::contains_key(dapp) {
			crate::Peers::add_client_key(origin(), client_key)
				.expect("a registered DApp adds a key");
		} else {
			crate::Balances::set_balance(dapp, 1_000_000 * crate::SPB);
			crate::Peers::register_dapp(
				origin(),
				b"bench".to_vec().try_into().expect("short"),
				alloc::vec![client_key].try_into().expect("one key"),
			)
			.expect("a funded account registers");
		}
		// The bytes' cost (at the current period's price, and at least a planck) in the
		// escrow, as `fund_traffic` leaves it.
		let period = crate::Traffic::period_of(frame_system::Pallet::<Runtime>::block_number());
		let cost = crate::Traffic::cost_of(bytes, period).max(1) + 1;
		let escrow = crate::Traffic::traffic_escrow();
		let seed = crate::EXISTENTIAL_DEPOSIT.saturating_sub(crate::Balances::balance(&escrow));
		crate::Balances::transfer(
			dapp,
			&escrow,
			cost + seed,
			frame_support::traits::tokens::Preservation::Preserve,
		)
		.expect("a funded DApp pays a fee");
		pallet_traffic::Escrow::<Runtime>::mutate(dapp, |f| *f = f.saturating_add(cost));
		// Retired now: it still vouches for this period's receipts, and the registry's lookup
		// takes its longest path (the authorized keys, then the retired ones).
		crate::Peers::remove_client_key(origin(), client_key).expect("the key was just added");
	}
}

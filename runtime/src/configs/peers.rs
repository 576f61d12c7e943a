//! `pallet_peers`: the peer registry — roles, deposits on hold with proportional unlock,
//! heartbeats and the penalty ladder (whitepaper ch.2 §5, ch.3 §2 iv). The amounts and periods
//! are explained in `docs/peers.md`.

use crate::{
	AccountId, Balance, Balances, Peers, Runtime, RuntimeHoldReason, Token, BLOCKS_PER_YEAR, DAYS,
	SPB,
};
use frame_support::{
	parameter_types,
	traits::{ConstU128, ConstU32, ConstU64, ConstU8, Contains, Get},
};
use pallet_peers::{Penalties, PenaltyLevel, PenaltyReason};
use sp_runtime::Perbill;
use spacebook_gosig_primitives::{AuthorityId as GosigId, Round, SetId};

/// A professional peer's deposit: 10 000 SPB.
pub const PROFESSIONAL_DEPOSIT: Balance = 10_000 * SPB;
/// A common peer's minimum deposit, built from its rewards: 1 000 SPB.
pub const COMMON_DEPOSIT: Balance = 1_000 * SPB;
/// A DApp's least deposit (the pricing pallet may require more): 1 000 SPB.
pub const DAPP_DEPOSIT: Balance = 1_000 * SPB;
/// A billing-peer candidate's deposit: 100 000 SPB.
pub const CANDIDATE_DEPOSIT: Balance = 100_000 * SPB;

parameter_types! {
	/// A deposit unlocks completely after a year in good standing.
	pub const DepositUnlockPeriod: crate::BlockNumber = BLOCKS_PER_YEAR;
	/// A week between leaving and the release of the deposit: longer than any audit window of
	/// Proof-of-Traffic, so that leaving does not escape an audit.
	pub const ExitDelay: crate::BlockNumber = 7 * DAYS;
	/// A suspension lasts at least a day.
	pub const SuspensionPeriod: crate::BlockNumber = DAYS;
	/// Warnings are forgotten after 30 days without an offence.
	pub const WarningExpiry: crate::BlockNumber = 30 * DAYS;
	/// Half the deposit is slashed on eviction.
	pub const EvictionSlash: Perbill = Perbill::from_percent(50);
	/// What a professional or common peer keeps at stake to earn once its deposit unlocked.
	pub const EarningDepositFloor: Perbill = Perbill::from_percent(10);
}

/// Whether a Gosig key is in the current billing-peer authority set.
pub struct GosigAuthorities;
impl Contains<GosigId> for GosigAuthorities {
	fn contains(key: &GosigId) -> bool {
		pallet_gosig::Authorities::<Runtime>::get().contains(key)
	}
}

/// The current ledgering period, numbered as the token pallet numbers them.
pub struct CurrentPeriod;
impl Get<u32> for CurrentPeriod {
	fn get() -> u32 {
		Token::current_period()
	}
}

impl pallet_peers::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type PeerKey = pallet_peers::crypto::PeerKey;
	/// Client keys are plain sr25519 keys held by DApp clients (the SDK), not by nodes.
	type ClientKey = sp_core::sr25519::Public;
	type BillingKey = GosigId;
	type BillingAuthorities = GosigAuthorities;
	/// The committee's majority (the foundation before it): admissions of scheduling and
	/// routing peers are general governance (ch.4 §3).
	type AdmissionOrigin = super::governance::GovernanceOrigin;
	/// The committee's majority (the foundation before it).
	type GovernanceOrigin = super::governance::GovernanceOrigin;
	type ProfessionalDeposit = ConstU128<PROFESSIONAL_DEPOSIT>;
	type CommonDeposit = ConstU128<COMMON_DEPOSIT>;
	type DAppDeposit = ConstU128<DAPP_DEPOSIT>;
	/// 21 billing peers and 79 backups (`docs/billing.md`).
	type MaxBillingCandidates = ConstU32<100>;
	type CandidateDeposit = ConstU128<CANDIDATE_DEPOSIT>;
	/// Scheduling and routing peers are run by the team at launch: no deposit.
	type ServiceDeposit = ConstU128<0>;
	type DepositUnlockPeriod = DepositUnlockPeriod;
	/// A tenth of the role's deposit stays at stake while a peer earns (1 000 SPB of a
	/// professional peer's 10 000, 100 of a common peer's 1 000).
	type EarningDepositFloor = EarningDepositFloor;
	type ExitDelay = ExitDelay;
	type SuspensionPeriod = SuspensionPeriod;
	type WarningExpiry = WarningExpiry;
	type MaxWarnings = ConstU8<3>;
	type EvictionSlash = EvictionSlash;
	/// Slashed deposits go to the mining pool: nothing is burned.
	type Slashed = pallet_token::DealWithFees<Runtime>;
	type CandidateDisplacement = super::billing_elections::DisplaceUnbacked;
	type OnLeaving = super::billing_elections::RoleEnds;
	type CurrentPeriod = CurrentPeriod;
	type MaxEndpointLen = ConstU32<128>;
	type MaxNameLen = ConstU32<64>;
	type MaxClientKeys = ConstU32<16>;
	type ClientKeyRetention = ClientKeyRetention;
	/// 16 GiB per DApp on each serving peer until storage orders exist: a DApp deposit of
	/// 1 000 SPB buys at most that much of a peer's disk, and governance may change it
	/// (`set_dapp_storage_quota`, the governance origin above).
	type DefaultDAppStorageQuota = ConstU64<{ 16 << 30 }>;
	type WeightInfo = pallet_peers::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = BenchmarkKeys;
}

/// A retired client key vouches for the receipts it signed as long as Proof-of-Traffic may
/// still report and audit them: the rollover (a week of periods) and two periods more
/// (`pallet_traffic`'s `integrity_test` checks the bound).
pub struct ClientKeyRetention;
impl Get<crate::BlockNumber> for ClientKeyRetention {
	fn get() -> crate::BlockNumber {
		let periods =
			<<Runtime as pallet_traffic::Config>::MaxRollover as Get<u32>>::get().saturating_add(2);
		periods.saturating_mul(Token::blocks_per_period())
	}
}

/// Distinct keys for the benchmarks.
#[cfg(feature = "runtime-benchmarks")]
pub struct BenchmarkKeys;
#[cfg(feature = "runtime-benchmarks")]
impl pallet_peers::BenchmarkHelper<sp_core::sr25519::Public, crate::AccountId> for BenchmarkKeys {
	fn client_key(i: u32) -> sp_core::sr25519::Public {
		sp_core::sr25519::Public::from_raw(raw_key(1, i))
	}
	/// `DisplaceUnbacked` finds the victim itself; the worst case around it is a full voter
	/// list (the newcomer's vote displaces its smallest vote), whose votes each name
	/// `MaxVotes` other candidates, and every past set Gosig keeps full (each candidate's key is
	/// looked for in them).
	fn make_displaceable(victim: &crate::AccountId) {
		use frame_support::traits::{fungible::Mutate, Get};
		let sets = <Runtime as pallet_gosig::Config>::MaxPastSets::get();
		let size = <Runtime as pallet_gosig::Config>::MaxAuthorities::get();
		let past: alloc::vec::Vec<_> = (0..sets)
			.map(|set| {
				let keys: alloc::vec::Vec<GosigId> = (0..size)
					.map(|i| sp_core::sr25519::Public::from_raw(raw_key(4, set * size + i)).into())
					.collect();
				(u64::from(set), keys.try_into().expect("at most MaxAuthorities"))
			})
			.collect();
		pallet_gosig::PastSets::<Runtime>::put(
			frame_support::BoundedVec::try_from(past).expect("at most MaxPastSets"),
		);
		type MaxVoters = <Runtime as pallet_billing_elections::Config>::MaxVoters;
		let named: u32 = <Runtime as pallet_billing_elections::Config>::MaxVotes::get();
		let targets: alloc::vec::Vec<crate::AccountId> =
			pallet_peers::BillingKeyOwner::<Runtime>::iter()
				.map(|(_, who)| who)
				.filter(|who| who != victim)
				.take(named as usize)
				.collect();
		let amount: u128 = <Runtime as pallet_billing_elections::Config>::MinVote::get();
		for i in 0..MaxVoters::get() {
			let voter = crate::AccountId::from(raw_key(3, i));
			let mut votes: alloc::vec::Vec<(crate::AccountId, u128)> =
				targets.iter().map(|who| (who.clone(), amount)).collect();
			// Every total differs; the first voter's is the smallest.
			if let Some(first) = votes.first_mut() {
				first.1 = amount.saturating_add(u128::from(i));
			}
			crate::Balances::set_balance(&voter, amount.saturating_mul(100));
			crate::BillingElections::vote(
				crate::RuntimeOrigin::signed(voter),
				votes.try_into().expect("at most MaxVotes"),
			)
			.expect("a funded voter votes for registered candidates");
		}
	}
}

/// 32 bytes that differ for every `(kind, i)` (storage needs only distinct bytes).
#[cfg(feature = "runtime-benchmarks")]
fn raw_key(kind: u8, i: u32) -> [u8; 32] {
	let mut raw = [kind; 32];
	raw[..4].copy_from_slice(&i.to_le_bytes());
	raw
}

/// A billing peer proven to have equivocated is evicted from the peer registry, its candidate
/// deposit slashed by the eviction share, its billing share of the periods not settled yet
/// forfeited (`RoleEnds::on_evicted`). Billing peers persist their votes before sending
/// them, so an honest node never equivocates, even across restarts; two nodes run with one
/// key are the operator's fault. A genesis billing peer that is not a registered candidate is
/// only recorded by `pallet-gosig`.
pub struct EquivocationPenalty;
impl pallet_gosig::OnEquivocation for EquivocationPenalty {
	fn on_equivocation(offender: &GosigId, set_id: SetId, round: Round) {
		let Some(who) = Peers::candidate_of_billing_key(offender) else {
			log::warn!(
				target: "runtime::peers",
				"equivocation in round {round} of set {set_id} by a billing peer that is not a \
				 registered candidate"
			);
			return;
		};
		if let Err(e) = <Peers as Penalties<AccountId>>::penalize(
			&who,
			PenaltyReason::Equivocation,
			PenaltyLevel::Evict,
		) {
			log::warn!(target: "runtime::peers", "cannot penalize {who:?}: {e:?}");
		}
	}
	fn weight() -> frame_support::weights::Weight {
		use pallet_peers::{OnLeaving as _, WeightInfo as _};
		// The key's owner, then an eviction as `penalize` weighs it (its slash and the roles it
		// ends).
		<Runtime as frame_system::Config>::DbWeight::get()
			.reads(1)
			.saturating_add(<Runtime as pallet_peers::Config>::WeightInfo::penalize())
			.saturating_add(super::billing_elections::RoleEnds::weight())
	}
}

/// A billing peer that missed the Gosig votes of more than half an hour's blocks
/// (`pallet_gosig::OnMissedVotes`): the first hour is a warning (Gosig's `MissedVotes` event,
/// which operators and the CLI see); at the second hour in a row it is replaced in the authority
/// set by the best backup, under the probation rules of `pallet_billing_elections`, and keeps
/// its candidacy (it may be elected again). Losing the seat and its billing income is the
/// penalty: an absence is not proof of misbehaviour (a network fault or an attack on the node
/// can cause it), so it does not climb the deposit's penalty ladder (`docs/billing.md`).
pub struct MissedVotesPenalty;
impl pallet_gosig::OnMissedVotes for MissedVotesPenalty {
	fn on_missed_votes(absentee: &GosigId, strikes: u32) {
		if strikes >= 2 {
			crate::BillingElections::replace_absent(absentee);
		} else {
			log::info!(target: "runtime::peers", "billing peer {absentee:?} warned for missed votes");
		}
	}
	fn weight() -> frame_support::weights::Weight {
		use pallet_billing_elections::WeightInfo as _;
		<Runtime as pallet_billing_elections::Config>::WeightInfo::note_departure()
	}
}

//! # Peers pallet
//!
//! The Spacebook peer registry (whitepaper ch.2 §5 and ch.3 §2 iv): who takes part in the
//! network in which role, what each declared, the deposit each keeps on hold, how long each has
//! been online, and the ladder of penalties that other pallets and the governance committee
//! drive.
//!
//! ## Terms
//!
//! - **Role**: what an account is in the network — a **professional peer** (a data-centre
//!   server: declares storage, bandwidth, CPU, location and a public endpoint), a **common
//!   peer** (a home machine attached to a professional peer for backup storage), a **DApp**
//!   (names the **client keys** that may sign traffic receipts on its behalf), a **billing-peer
//!   candidate** (names its Gosig key), a **scheduling peer** or a **routing peer** (both
//!   admitted by [`Config::AdmissionOrigin`], the foundation and later the committee). An
//!   account has at most one role.
//! - **Deposit**: SPB the account keeps on hold under its role's [`HoldReason`] while
//!   registered (the whitepaper's "deposit account"). The required amount per role is a runtime
//!   parameter. (A DApp's leased instances are a deposit of the pricing pallet's own.)
//! - **Proportional unlock**: a professional or common peer's required deposit shrinks linearly
//!   with its time in good standing, reaching zero after [`Config::DepositUnlockPeriod`];
//!   whatever is held above the requirement can be withdrawn. The clock runs only while the
//!   peer is active and holds its requirement: suspension, leaving and a shortfall stop it, so
//!   nothing unlocks that was never held. A professional peer deposits in full at registration.
//!   A common peer registers with nothing held and puts its deposit on hold with
//!   [`Pallet::top_up_deposit`] (bought, or from the foundation's deposit pool, as mining rigs
//!   ship with it); its rewards are held ([`PeerRegistry::on_reward`]) to cover any shortfall.
//! - **May earn**: a professional or common peer may report traffic and be paid only while it
//!   is active and holds its required deposit, and at least the **earning floor** however far
//!   the deposit has unlocked ([`Config::EarningDepositFloor`], [`PeerRegistry::can_earn`]): a
//!   thousand sybil peers cost a thousand deposits (`docs/security.md`).
//! - **Heartbeat**: a professional or common peer's node proves it is online in a ledgering
//!   period by signing a [`Heartbeat`] with its **peer key** and sending it from its off-chain
//!   worker as a free, authorized transaction, once per period. The pallet counts the periods
//!   online, which scheduling uses.
//! - **Penalty ladder**: **warning** (up to [`Config::MaxWarnings`], forgotten after
//!   [`Config::WarningExpiry`] without offences) → **suspension** (no new work, no rewards;
//!   recoverable after [`Config::SuspensionPeriod`] or by a committee pardon) → **eviction**
//!   (the deposit is slashed by [`Config::EvictionSlash`], the role ends, the rest is released
//!   after the exit delay). Offences come from other pallets through [`Penalties`] (audit and
//!   cross-check failures, patrol failures, Gosig equivocations) and from the committee.
//! - **Graceful exit**: [`Pallet::leave`] stops new work at once; after [`Config::ExitDelay`]
//!   [`Pallet::finish_exit`] releases the deposit and removes the record. Penalties still apply
//!   during the delay, so leaving does not escape an audit of earlier traffic.
//! - **Retired client key**: a client key its DApp removed, or that left with its DApp. It
//!   signs no new receipts, but for [`Config::ClientKeyRetention`] it still vouches for the
//!   receipts it signed before ([`PeerRegistry::dapp_of_client_key`] with the block the
//!   receipt's period began), so a DApp cannot void honest peers' audits by removing a key
//!   after its traffic. No other DApp may take the key meanwhile. Retirements are forgotten
//!   in order, at most [`MAX_FORGOTTEN_PER_BLOCK`] a block.
//! - **Storage quota**: the bytes a DApp may upload to each serving peer
//!   ([`DAppStorageQuota`], set by [`Config::GovernanceOrigin`]) until storage orders place
//!   files on peers; serving peers read it and refuse uploads beyond it.
//!
//! ## Calls
//!
//! - Registration: [`Pallet::register_professional`], [`Pallet::register_common`],
//!   [`Pallet::register_dapp`], [`Pallet::register_billing_candidate`] (or
//!   [`Pallet::register_billing_candidate_backed`], the way into a full registry),
//!   [`Pallet::admit_service_peer`] (admission origin).
//! - Updates: [`Pallet::update_professional`], [`Pallet::update_common`],
//!   [`Pallet::add_client_key`], [`Pallet::remove_client_key`].
//! - Deposits: [`Pallet::top_up_deposit`], [`Pallet::withdraw_unlocked`],
//!   [`Pallet::fine_dapp`] (governance).
//! - Storage quota: [`Pallet::set_dapp_storage_quota`] (governance).
//! - Exit: [`Pallet::leave`], [`Pallet::remove_service_peer`] (admission origin),
//!   [`Pallet::finish_exit`].
//! - Liveness: [`Pallet::heartbeat`] (authorized by the peer key's signature).
//! - Penalties: [`Pallet::penalize`], [`Pallet::pardon`] (governance), [`Pallet::resume`].
//!
//! ## Interfaces for other pallets and the node
//!
//! - [`PeerRegistry`]: peer-key and client-key lookups, whether a peer may earn, and the
//!   common peers' automatic deposit from rewards (for Proof-of-Traffic).
//! - [`Penalties`]: the penalty ladder.
//! - [`Pallet::peer_view`] backs the runtime API `pallet_peers_runtime_api::PeersApi`.
//!
//! `docs/peers.md` has the role table and the deposit curves.
#![cfg_attr(not(feature = "std"), no_std)]
#![warn(missing_docs)]

extern crate alloc;

use alloc::vec::Vec;
use codec::Encode;
use frame_support::{
	defensive,
	pallet_prelude::*,
	traits::{
		fungible::{self, BalancedHold as _, MutateHold as _},
		tokens::{Fortitude, Precision, Restriction},
		Contains, OnUnbalanced,
	},
};
use frame_system::pallet_prelude::*;
use sp_runtime::{
	helpers_128bit::multiply_by_rational_with_rounding,
	traits::{Saturating, StaticLookup, Zero},
	Perbill, Rounding, RuntimeAppPublic, SaturatedConversion,
};

pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod client_keys;
pub mod crypto;
mod deposits;
mod heartbeats;
mod invariants;
#[cfg(test)]
mod mock;
mod penalties;
mod registry;
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;

const LOG_TARGET: &str = "runtime::peers";

/// The most retired client keys forgotten in one block's `on_initialize` (the rest wait for the
/// next blocks, in order).
pub const MAX_FORGOTTEN_PER_BLOCK: u32 = 16;

/// The most registrations one [`Pallet::professional_peers`] call looks at, whatever it asks:
/// a node answers the runtime API for anyone, so one call's work must be bounded.
pub const MAX_PEERS_SCAN: u32 = 1024;

/// A balance of the pallet's currency.
pub type BalanceOf<T> =
	<<T as Config>::Currency as fungible::Inspect<<T as frame_system::Config>::AccountId>>::Balance;
/// Tokens taken out of some account and not yet put anywhere (slashed deposits).
pub type CreditOf<T> =
	fungible::Credit<<T as frame_system::Config>::AccountId, <T as Config>::Currency>;
type AccountIdLookupOf<T> = <<T as frame_system::Config>::Lookup as StaticLookup>::Source;
/// A professional peer as [`Pallet::professional_peers`] lists it: account, endpoint, active.
pub type ProfessionalListing<T> = (<T as frame_system::Config>::AccountId, Endpoint<T>, bool);
/// A service peer at genesis: `(account, kind, location, endpoint, node key)`.
pub type GenesisServicePeer<T> = (
	<T as frame_system::Config>::AccountId,
	ServiceKind,
	Location,
	Vec<u8>,
	<T as Config>::PeerKey,
);
/// A billing key's proof of possession: its signature of [`Pallet::billing_key_statement`].
pub type BillingKeyProof<T> = <<T as Config>::BillingKey as RuntimeAppPublic>::Signature;
/// The signature of a heartbeat.
pub type HeartbeatSignature<T> = <<T as Config>::PeerKey as RuntimeAppPublic>::Signature;

/// What Proof-of-Traffic and the data plane need of the registry.
pub trait PeerRegistry<AccountId, Balance, PeerKey, ClientKey, BlockNumber> {
	/// The professional or common peer whose node signs with `key`.
	fn peer_of_key(key: &PeerKey) -> Option<AccountId>;
	/// The peer key of `who`, if it is a professional or common peer.
	fn peer_key(who: &AccountId) -> Option<PeerKey>;
	/// The DApp whose receipts `key` may have signed at block `since` or later: the DApp that
	/// authorizes it now, or the one that retired it at `since` or later (within the
	/// retention).
	fn dapp_of_client_key(key: &ClientKey, since: BlockNumber) -> Option<AccountId>;
	/// How long a retired client key still vouches for its receipts, in blocks.
	fn client_key_retention() -> BlockNumber;
	/// Whether `who` is a professional or common peer that may earn rewards now: active (not
	/// suspended, not leaving) and holding its required deposit.
	fn can_earn(who: &AccountId) -> bool;
	/// `who` was paid `amount` of rewards: a common peer short of its required deposit has up
	/// to that much put on hold. Returns the amount put on hold.
	fn on_reward(who: &AccountId, amount: Balance) -> Balance;
}

/// Makes distinct client keys for the benchmarks (billing keys come from the keystore, to sign
/// their proofs of possession).
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<ClientKey, AccountId> {
	/// The `i`-th client key.
	fn client_key(i: u32) -> ClientKey;
	/// Make `victim`, a registered candidate, the one a backed registration displaces from
	/// the full registry; nothing to do where [`Config::CandidateDisplacement`] finds one by
	/// itself (the runtime).
	fn make_displaceable(_victim: &AccountId) {}
}

/// The penalty ladder, for pallets that detect offences.
pub trait Penalties<AccountId> {
	/// Record an offence of `who` at (at least) `level`. Returns where it stands afterwards.
	fn penalize(
		who: &AccountId,
		reason: PenaltyReason,
		level: PenaltyLevel,
	) -> Result<Standing, DispatchError>;
}

/// Told when an account starts leaving the registry, by its own [`Pallet::leave`], an
/// eviction, or [`Pallet::remove_service_peer`]: what the role holds elsewhere ends with it (a
/// DApp's instance lease in the pricing pallet).
pub trait OnLeaving<AccountId> {
	/// `who`, registered as `role`, is leaving from this block.
	fn on_leaving(who: &AccountId, role: RoleKind);
	/// `who`, registered as `role`, was evicted (whether or not it was leaving already); after
	/// [`OnLeaving::on_leaving`] when it was not. Counted in [`OnLeaving::weight`].
	fn on_evicted(_who: &AccountId, _role: RoleKind) {}
	/// The most [`OnLeaving::on_leaving`] and [`OnLeaving::on_evicted`] may weigh together. The registry's calls that may start an
	/// exit (`leave`, `penalize`, `remove_service_peer`) count it; evictions by other pallets
	/// through [`Penalties`] (audits, equivocations) do not, so a hook that does work for a role
	/// those can evict must be weighed by them.
	fn weight() -> Weight;
}

/// Which billing-peer candidate a new one displaces when the registry is full
/// ([`Config::MaxBillingCandidates`]), so that unbacked candidacies cannot squat every slot, and
/// how the new one backs itself. The runtime answers from the billing-peer elections.
pub trait CandidateDisplacement<AccountId, Balance> {
	/// The candidate that a newcomer backing itself with `bond` displaces, if any: a registered,
	/// active candidate in good standing that cannot win a seat and holds none — backed below
	/// `bond` and below what a seat needs, not in the authority set nor in a set kept for
	/// equivocation reports; the least backed, the oldest registration among equals.
	fn displaceable(bond: Balance) -> Option<AccountId>;
	/// Back `newcomer`, registered in this block, with `bond` of its own SPB: its vote for
	/// itself, locked as every vote is.
	fn back(newcomer: &AccountId, bond: Balance) -> DispatchResult;
}

/// Without elections nobody is displaced and nothing can back a candidate.
impl<AccountId, Balance> CandidateDisplacement<AccountId, Balance> for () {
	fn displaceable(_: Balance) -> Option<AccountId> {
		None
	}
	fn back(_: &AccountId, _: Balance) -> DispatchResult {
		Err(DispatchError::Other("no billing-peer elections to back a candidate in"))
	}
}

impl<AccountId> OnLeaving<AccountId> for () {
	fn on_leaving(_: &AccountId, _: RoleKind) {}
	fn weight() -> Weight {
		Weight::zero()
	}
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;

	/// The pallet's configuration.
	#[pallet::config]
	pub trait Config:
		frame_system::Config + frame_system::offchain::CreateAuthorizedTransaction<Call<Self>>
	{
		/// The SPB currency (pallet-balances), whose holds carry the deposits.
		type Currency: fungible::Inspect<Self::AccountId>
			+ fungible::Mutate<Self::AccountId>
			+ fungible::MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
			+ fungible::BalancedHold<Self::AccountId>;

		/// The overarching hold reason, which includes [`HoldReason`].
		type RuntimeHoldReason: From<HoldReason>;

		/// The key a professional or common peer's node signs heartbeats (and traffic reports)
		/// with; kept in the node's keystore.
		type PeerKey: Member
			+ Parameter
			+ RuntimeAppPublic
			+ Ord
			+ MaxEncodedLen
			+ MaybeSerializeDeserialize;

		/// The key type of a DApp's client keys, which sign traffic receipts.
		type ClientKey: Member + Parameter + Ord + MaxEncodedLen;

		/// The Gosig key a billing-peer candidate would validate with; a candidate proves it
		/// holds it ([`Pallet::billing_key_statement`]).
		type BillingKey: Member
			+ Parameter
			+ RuntimeAppPublic
			+ Ord
			+ MaxEncodedLen
			+ MaybeSerializeDeserialize;

		/// Whether a Gosig key is in the current billing-peer authority set: a candidate that
		/// validates cannot leave, nor get its deposit back, until it is out of the set.
		type BillingAuthorities: Contains<Self::BillingKey>;

		/// Admits and removes scheduling and routing peers (the foundation, later the
		/// committee).
		type AdmissionOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The governance committee: penalizes, pardons, fines DApps.
		type GovernanceOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The deposit a professional peer puts on hold when it registers.
		#[pallet::constant]
		type ProfessionalDeposit: Get<BalanceOf<Self>>;

		/// The minimum deposit of a common peer, reached by holding its rewards.
		#[pallet::constant]
		type CommonDeposit: Get<BalanceOf<Self>>;

		/// The deposit a DApp keeps while registered (fines draw on it); its leased instances are
		/// a deposit of the pricing pallet's own.
		#[pallet::constant]
		type DAppDeposit: Get<BalanceOf<Self>>;

		/// The most billing-peer candidates registered at once (the elections look at all of
		/// them each era).
		#[pallet::constant]
		type MaxBillingCandidates: Get<u32>;

		/// The deposit of a billing-peer candidate.
		#[pallet::constant]
		type CandidateDeposit: Get<BalanceOf<Self>>;

		/// The deposit of a scheduling or routing peer (may be zero while the team runs them).
		#[pallet::constant]
		type ServiceDeposit: Get<BalanceOf<Self>>;

		/// Blocks of good standing after which a professional or common peer's deposit has
		/// unlocked completely.
		#[pallet::constant]
		type DepositUnlockPeriod: Get<BlockNumberFor<Self>>;

		/// The part of its role's deposit a professional or common peer must hold to earn,
		/// however far the deposit has unlocked ([`Pallet::earning_floor`]): what an eviction
		/// slashes half of, and what each sybil peer costs, in a peer's second year too. A peer
		/// may still withdraw below it, and then earns nothing until it tops up.
		#[pallet::constant]
		type EarningDepositFloor: Get<Perbill>;

		/// Blocks between leaving (or eviction) and the release of the deposit.
		#[pallet::constant]
		type ExitDelay: Get<BlockNumberFor<Self>>;

		/// Blocks a suspended peer must wait before it may resume on its own.
		#[pallet::constant]
		type SuspensionPeriod: Get<BlockNumberFor<Self>>;

		/// Blocks without an offence after which warnings are forgotten.
		#[pallet::constant]
		type WarningExpiry: Get<BlockNumberFor<Self>>;

		/// Warnings a peer may carry; the next warning-level offence suspends it.
		#[pallet::constant]
		type MaxWarnings: Get<u8>;

		/// The share of the deposit slashed on eviction.
		#[pallet::constant]
		type EvictionSlash: Get<Perbill>;

		/// Where slashed deposits go (the runtime: the mining pool).
		type Slashed: OnUnbalanced<CreditOf<Self>>;

		/// Told when an account starts leaving (the runtime: the pricing pallet ends a DApp's
		/// lease).
		type OnLeaving: OnLeaving<Self::AccountId>;

		/// Names the candidate a new one displaces from a full registry, and backs the new one.
		type CandidateDisplacement: CandidateDisplacement<Self::AccountId, BalanceOf<Self>>;

		/// The current ledgering period (the token pallet's numbering).
		type CurrentPeriod: Get<u32>;

		/// The longest endpoint, in bytes.
		#[pallet::constant]
		type MaxEndpointLen: Get<u32>;

		/// The longest DApp name, in bytes.
		#[pallet::constant]
		type MaxNameLen: Get<u32>;

		/// The most client keys a DApp may authorize.
		#[pallet::constant]
		type MaxClientKeys: Get<u32>;

		/// How long a retired client key still vouches for the receipts it signed while
		/// authorized, in blocks: at least as long as Proof-of-Traffic may still audit them
		/// (the traffic pallet's `integrity_test` checks it against its rollover).
		#[pallet::constant]
		type ClientKeyRetention: Get<BlockNumberFor<Self>>;

		/// The bytes a DApp may upload to each serving peer until governance sets
		/// [`DAppStorageQuota`].
		#[pallet::constant]
		type DefaultDAppStorageQuota: Get<u64>;

		/// Weights of the calls.
		type WeightInfo: WeightInfo;

		/// Makes keys for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::ClientKey, Self::AccountId>;
	}

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	/// Why the pallet holds funds: one reason per role, so that wallets and explorers show what
	/// a deposit is for.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// A professional peer's deposit.
		#[codec(index = 0)]
		ProfessionalDeposit,
		/// A common peer's deposit.
		#[codec(index = 1)]
		CommonDeposit,
		/// A DApp's deposit.
		#[codec(index = 2)]
		DAppDeposit,
		/// A billing-peer candidate's deposit.
		#[codec(index = 3)]
		CandidateDeposit,
		/// A scheduling or routing peer's deposit.
		#[codec(index = 4)]
		ServiceDeposit,
	}

	/// Every registration, by account.
	#[pallet::storage]
	pub type Registrations<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, PeerRecord<T>>;

	/// Registrations per role (including those leaving).
	#[pallet::storage]
	pub type RoleCount<T> = StorageMap<_, Twox64Concat, RoleKind, u32, ValueQuery>;

	/// The instances the professional peers that are not leaving declare
	/// ([`Resources::instances`]): the network's capacity, which the pricing pallet values.
	#[pallet::storage]
	pub type DeclaredInstances<T> = StorageValue<_, u64, ValueQuery>;

	/// The index the next registration gets.
	#[pallet::storage]
	pub type NextIndex<T> = StorageValue<_, u64, ValueQuery>;

	/// The common peers attached to each professional peer (an index of
	/// [`CommonPeer::attached_to`], kept while the common peer is attached to it and not
	/// leaving; an attachment whose professional peer left and registered again is dead, see
	/// [`Pallet::attachment`]).
	#[pallet::storage]
	pub type AttachedCommons<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, T::AccountId, Blake2_128Concat, T::AccountId, ()>;

	/// The professional or common peer each peer key belongs to.
	#[pallet::storage]
	pub type PeerKeyOwner<T: Config> = StorageMap<_, Blake2_128Concat, T::PeerKey, T::AccountId>;

	/// The scheduling or routing peer each node key belongs to. Apart from [`PeerKeyOwner`], so
	/// that a service peer's node is never taken for a serving peer's (its data plane, reports,
	/// heartbeats); a key is in one of the two at most.
	#[pallet::storage]
	pub type ServiceKeyOwner<T: Config> = StorageMap<_, Blake2_128Concat, T::PeerKey, T::AccountId>;

	/// The DApp that authorized each client key.
	#[pallet::storage]
	pub type ClientKeyOwner<T: Config> =
		StorageMap<_, Blake2_128Concat, T::ClientKey, T::AccountId>;

	/// Retired client keys: the DApp that had authorized each and when it stopped. Kept for
	/// [`Config::ClientKeyRetention`]; no DApp but the same one may authorize such a key
	/// meanwhile.
	#[pallet::storage]
	pub type RetiredClientKeys<T: Config> = StorageMap<
		_,
		Blake2_128Concat,
		T::ClientKey,
		RetiredClientKey<T::AccountId, BlockNumberFor<T>>,
	>;

	/// Retirements in the order they happened, `(key, block)`, indexed from
	/// [`RetirementQueueBounds`]: [`RetiredClientKeys`] entries are forgotten from its head.
	/// An entry whose key was authorized again, or retired again later, is skipped.
	#[pallet::storage]
	pub type RetirementQueue<T: Config> =
		StorageMap<_, Twox64Concat, u64, (T::ClientKey, BlockNumberFor<T>)>;

	/// `(head, tail)` of [`RetirementQueue`]: the oldest entry and the next free index.
	#[pallet::storage]
	pub type RetirementQueueBounds<T> = StorageValue<_, (u64, u64), ValueQuery>;

	/// The default of [`DAppStorageQuota`].
	#[pallet::type_value]
	pub fn DefaultStorageQuota<T: Config>() -> u64 {
		T::DefaultDAppStorageQuota::get()
	}

	/// The bytes a DApp may upload to each serving peer (the data plane refuses more), until
	/// storage orders place files on peers.
	#[pallet::storage]
	pub type DAppStorageQuota<T> = StorageValue<_, u64, ValueQuery, DefaultStorageQuota<T>>;

	/// The billing-peer candidate each Gosig key belongs to.
	#[pallet::storage]
	pub type BillingKeyOwner<T: Config> =
		StorageMap<_, Blake2_128Concat, T::BillingKey, T::AccountId>;

	/// Events of the pallet.
	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// An account registered for a role and put its deposit on hold.
		Registered {
			/// The account.
			who: T::AccountId,
			/// The role.
			role: RoleKind,
			/// What was put on hold.
			deposit: BalanceOf<T>,
		},
		/// A peer changed what it declared.
		Updated {
			/// The peer.
			who: T::AccountId,
		},
		/// A common peer attached to a professional peer.
		Attached {
			/// The common peer.
			common: T::AccountId,
			/// The professional peer.
			professional: T::AccountId,
		},
		/// A DApp authorized a client key.
		ClientKeyAdded {
			/// The DApp.
			dapp: T::AccountId,
			/// The key.
			key: T::ClientKey,
		},
		/// A DApp withdrew a client key's authorization.
		ClientKeyRemoved {
			/// The DApp.
			dapp: T::AccountId,
			/// The key.
			key: T::ClientKey,
		},
		/// More of an account's funds went on hold as its deposit.
		DepositIncreased {
			/// The account.
			who: T::AccountId,
			/// The amount added.
			amount: BalanceOf<T>,
			/// Now on hold.
			held: BalanceOf<T>,
		},
		/// Part of a common peer's reward went on hold as its deposit.
		RewardDeposited {
			/// The common peer.
			who: T::AccountId,
			/// The amount put on hold.
			amount: BalanceOf<T>,
			/// Now on hold.
			held: BalanceOf<T>,
		},
		/// Unlocked deposit was released to the account's free balance.
		DepositUnlocked {
			/// The account.
			who: T::AccountId,
			/// The amount released.
			amount: BalanceOf<T>,
			/// Still on hold.
			held: BalanceOf<T>,
		},
		/// A peer started to leave: no new work from now on.
		Leaving {
			/// The peer.
			who: T::AccountId,
			/// From this block on the exit can be finished.
			exit_at: BlockNumberFor<T>,
		},
		/// A billing-peer candidate that could not win a seat made room in the full registry for
		/// a new one: its candidacy ended at once, its deposit released ([`Event::Exited`]).
		CandidateDisplaced {
			/// The candidate displaced.
			who: T::AccountId,
			/// The new candidate.
			by: T::AccountId,
		},
		/// A peer's exit finished: its deposit was released and its record removed.
		Exited {
			/// The account.
			who: T::AccountId,
			/// The deposit released.
			released: BalanceOf<T>,
		},
		/// A peer proved it is online in a ledgering period.
		HeartbeatReceived {
			/// The peer.
			who: T::AccountId,
			/// The period.
			period: u32,
			/// Periods online in all.
			online_periods: u32,
		},
		/// A peer was warned.
		Warned {
			/// The peer.
			who: T::AccountId,
			/// Why.
			reason: PenaltyReason,
			/// Warnings it carries now.
			warnings: u8,
		},
		/// A peer was suspended: no new work and no rewards until it resumes.
		Suspended {
			/// The peer.
			who: T::AccountId,
			/// Why.
			reason: PenaltyReason,
			/// From this block on it may resume on its own.
			resumable_at: BlockNumberFor<T>,
		},
		/// A suspended peer resumed work.
		Resumed {
			/// The peer.
			who: T::AccountId,
		},
		/// The committee cleared a peer's warnings and suspension.
		Pardoned {
			/// The peer.
			who: T::AccountId,
		},
		/// A peer was evicted: part of its deposit was slashed, its role ended.
		Evicted {
			/// The peer.
			who: T::AccountId,
			/// Why.
			reason: PenaltyReason,
			/// The amount slashed.
			slashed: BalanceOf<T>,
			/// From this block on the rest of the deposit can be released.
			exit_at: BlockNumberFor<T>,
		},
		/// The committee fined a DApp and paid a user out of its deposit.
		DAppFined {
			/// The DApp.
			dapp: T::AccountId,
			/// Who was paid.
			beneficiary: T::AccountId,
			/// The amount.
			amount: BalanceOf<T>,
		},
		/// Governance set the bytes a DApp may upload to each serving peer.
		DAppStorageQuotaSet {
			/// The new quota, in bytes.
			bytes: u64,
		},
	}

	/// Errors of the pallet.
	#[pallet::error]
	pub enum Error<T> {
		/// The account already has a role.
		AlreadyRegistered,
		/// The account has no role.
		NotRegistered,
		/// The account's role does not allow this call.
		WrongRole,
		/// The peer key belongs to another peer already.
		PeerKeyInUse,
		/// The client key is authorized by a DApp already, or another DApp retired it within
		/// the retention.
		ClientKeyInUse,
		/// The DApp has not authorized this client key.
		UnknownClientKey,
		/// The DApp has authorized as many client keys as it may.
		TooManyClientKeys,
		/// The Gosig key belongs to another candidate already.
		BillingKeyInUse,
		/// The proof of possession is not the Gosig key's signature of this account's
		/// statement on this chain ([`Pallet::billing_key_statement`]).
		BadBillingKeyProof,
		/// A common peer can attach only to an active professional peer.
		UnknownAttachTarget,
		/// The account cannot put the required deposit on hold.
		InsufficientFunds,
		/// The location's region must be two upper-case letters and its position on the globe.
		InvalidLocation,
		/// The endpoint must be non-empty UTF-8 without whitespace or control characters.
		InvalidEndpoint,
		/// The DApp name must be non-empty UTF-8.
		InvalidName,
		/// Declared storage, bandwidth and CPU must all be above zero.
		NoResources,
		/// The amount is zero.
		ZeroAmount,
		/// Nothing of the deposit is unlocked.
		NothingToUnlock,
		/// The peer is leaving or evicted (or, for withdrawals, suspended).
		NotActive,
		/// The peer is not leaving.
		NotLeaving,
		/// The exit delay has not passed.
		ExitDelayNotOver,
		/// The peer is not suspended.
		NotSuspended,
		/// The suspension period has not passed.
		SuspensionNotOver,
		/// The peer's deposit is below the requirement; top it up first.
		DepositShortfall,
		/// The peer was evicted already.
		AlreadyEvicted,
		/// A suspended peer cannot leave; it resumes (or is pardoned) first.
		SuspendedPeer,
		/// The candidate is in the billing-peer authority set: its exit finishes once it has left
		/// the set.
		StillBillingPeer,
		/// The fine is larger than the DApp's deposit.
		FineExceedsDeposit,
		/// The heartbeat is not for the current period.
		StaleHeartbeat,
		/// A heartbeat for this period was recorded already.
		DuplicateHeartbeat,
		/// The heartbeat's signature does not check against the peer's key.
		BadHeartbeatSignature,
		/// [`Config::MaxBillingCandidates`] billing-peer candidates are registered already, and
		/// none can be displaced: by [`Pallet::register_billing_candidate`] ever, by
		/// [`Pallet::register_billing_candidate_backed`] none backed below its bond and below
		/// what a seat needs, unseated, active and in good standing.
		TooManyCandidates,
	}

	/// Registrations at genesis: billing-peer candidates (e.g. the genesis billing peers) and
	/// scheduling and routing peers. Their deposits are put on hold from their balances, so
	/// this pallet must come after the one that endows them (the token pallet).
	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// `(account, Gosig key)` of each billing-peer candidate.
		pub billing_candidates: Vec<(T::AccountId, T::BillingKey)>,
		/// `(account, kind, location, endpoint, node key)` of each admitted service peer.
		pub service_peers: Vec<GenesisServicePeer<T>>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			for (who, billing_key) in &self.billing_candidates {
				Pallet::<T>::do_register_billing_candidate(who, billing_key.clone(), None)
					.unwrap_or_else(|e| {
						panic!("pallet-peers genesis: cannot register candidate {who:?}: {e:?}")
					});
			}
			for (who, kind, location, endpoint, node_key) in &self.service_peers {
				let endpoint: Endpoint<T> = endpoint.clone().try_into().unwrap_or_else(|_| {
					panic!("pallet-peers genesis: the endpoint of {who:?} is too long")
				});
				let declaration = ServiceDeclaration {
					location: *location,
					endpoint,
					node_key: node_key.clone(),
				};
				Pallet::<T>::do_admit_service_peer(who, *kind, declaration).unwrap_or_else(|e| {
					panic!("pallet-peers genesis: cannot admit {who:?}: {e:?}")
				});
			}
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(n: BlockNumberFor<T>) -> Weight {
			let forgotten = Self::forget_retired_client_keys(n);
			T::WeightInfo::forget_retired_client_keys(forgotten)
		}

		fn offchain_worker(_n: BlockNumberFor<T>) {
			Self::send_heartbeats();
		}

		fn integrity_test() {
			assert!(
				!T::DepositUnlockPeriod::get().is_zero(),
				"DepositUnlockPeriod must be positive"
			);
			assert!(!T::ExitDelay::get().is_zero(), "ExitDelay must be positive");
			assert!(T::MaxClientKeys::get() > 0, "MaxClientKeys must be positive");
			assert!(T::MaxEndpointLen::get() > 0, "MaxEndpointLen must be positive");
			assert!(T::MaxNameLen::get() > 0, "MaxNameLen must be positive");
			assert!(
				!T::ProfessionalDeposit::get().is_zero(),
				"a professional peer must deposit something"
			);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Register as a professional peer and put [`Config::ProfessionalDeposit`] on hold.
		///
		/// - Origin: signed, by an account without a role.
		/// - `peer_key`: the key the peer's node signs heartbeats and traffic reports with; not
		///   used by another peer.
		/// - `declaration`: resources (all above zero), location, public endpoint.
		///
		/// Emits [`Event::Registered`].
		///
		/// Complexity: `O(1)`.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register_professional())]
		pub fn register_professional(
			origin: OriginFor<T>,
			peer_key: T::PeerKey,
			declaration: ProfessionalDeclaration<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::ensure_unregistered(&who)?;
			Self::check_professional(&declaration)?;
			Self::ensure_key_unused(&peer_key)?;
			let deposit = T::ProfessionalDeposit::get();
			Self::hold(&who, RoleKind::Professional, deposit)?;
			PeerKeyOwner::<T>::insert(&peer_key, &who);
			let role = Role::Professional(ProfessionalPeer {
				peer_key,
				declaration,
				attached_commons: 0,
				attached_storage_gib: 0,
			});
			Self::insert_record(&who, role, deposit, deposit)
		}

		/// Register as a common peer attached to a professional peer. Nothing goes on hold now:
		/// the peer may earn once it holds [`Config::CommonDeposit`] ([`Pallet::top_up_deposit`]),
		/// and its unlock clock starts then.
		///
		/// - Origin: signed, by an account without a role.
		/// - `peer_key`: the key the peer's node signs heartbeats and traffic reports with; not
		///   used by another peer.
		/// - `attach_to`: an active professional peer, which it backs up.
		/// - `storage_gib`: storage offered, above zero.
		/// - `endpoint`: its data plane's public endpoint (non-empty, no whitespace).
		///
		/// Emits [`Event::Registered`] and [`Event::Attached`].
		///
		/// Complexity: `O(1)`.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::register_common())]
		pub fn register_common(
			origin: OriginFor<T>,
			peer_key: T::PeerKey,
			attach_to: AccountIdLookupOf<T>,
			storage_gib: u32,
			endpoint: Endpoint<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let attach_to = T::Lookup::lookup(attach_to)?;
			Self::ensure_unregistered(&who)?;
			ensure!(storage_gib > 0, Error::<T>::NoResources);
			Self::check_endpoint(&endpoint)?;
			Self::ensure_key_unused(&peer_key)?;
			let attached_index = Self::attach(&who, &attach_to, storage_gib)?;
			PeerKeyOwner::<T>::insert(&peer_key, &who);
			let role = Role::Common(CommonPeer {
				peer_key,
				attached_to: attach_to.clone(),
				attached_index,
				storage_gib,
				endpoint,
			});
			Self::insert_record(&who, role, Zero::zero(), T::CommonDeposit::get())?;
			Self::deposit_event(Event::Attached { common: who, professional: attach_to });
			Ok(())
		}

		/// Register as a DApp, authorize client keys and put its deposit on hold: the larger of
		/// [`Config::DAppDeposit`] and what the pricing pallet requires.
		///
		/// - Origin: signed, by an account without a role.
		/// - `name`: display name, non-empty UTF-8.
		/// - `client_keys`: keys that may sign traffic receipts for it (at most
		///   [`Config::MaxClientKeys`]), none authorized by a DApp or retired by another one,
		///   no duplicates.
		///
		/// Emits [`Event::Registered`] and [`Event::ClientKeyAdded`] per key.
		///
		/// Complexity: `O(k)` for `k` client keys.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::register_dapp(client_keys.len() as u32))]
		pub fn register_dapp(
			origin: OriginFor<T>,
			name: DAppName<T>,
			client_keys: ClientKeys<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::ensure_unregistered(&who)?;
			ensure!(
				!name.is_empty() && core::str::from_utf8(&name).is_ok(),
				Error::<T>::InvalidName
			);
			for (k, key) in client_keys.iter().enumerate() {
				ensure!(!client_keys[..k].contains(key), Error::<T>::ClientKeyInUse);
				Self::ensure_client_key_free(&who, key)?;
			}
			let deposit = T::DAppDeposit::get();
			Self::hold(&who, RoleKind::DApp, deposit)?;
			for key in client_keys.iter() {
				Self::authorize_client_key(&who, key);
			}
			let keys = client_keys.clone();
			Self::insert_record(
				&who,
				Role::DApp(DAppRecord { name, client_keys }),
				deposit,
				T::DAppDeposit::get(),
			)?;
			for key in keys {
				Self::deposit_event(Event::ClientKeyAdded { dapp: who.clone(), key });
			}
			Ok(())
		}

		/// Stand as a billing-peer candidate and put [`Config::CandidateDeposit`] on hold.
		///
		/// - Origin: signed, by an account without a role, while fewer than
		///   [`Config::MaxBillingCandidates`] candidates are registered (leaving ones count until
		///   their exit finishes; else [`Error::TooManyCandidates`]: a full registry takes a
		///   newcomer only through [`Pallet::register_billing_candidate_backed`]).
		/// - `billing_key`: the Gosig key it would validate with; not another candidate's.
		/// - `proof`: the key's proof of possession, its signature of
		///   [`Pallet::billing_key_statement`] (`"POP_"` and this chain's genesis hash and the
		///   account, as `sp_core`'s `generate_proof_of_possession` signs it): a candidacy
		///   cannot name a key nobody holds, nor another operator's key.
		///
		/// Emits [`Event::Registered`].
		///
		/// Complexity: `O(1)`.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::register_billing_candidate())]
		pub fn register_billing_candidate(
			origin: OriginFor<T>,
			billing_key: T::BillingKey,
			proof: BillingKeyProof<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(
				Self::billing_key_proof_is_valid(&who, &billing_key, &proof),
				Error::<T>::BadBillingKeyProof
			);
			Self::do_register_billing_candidate(&who, billing_key, None)
		}

		/// Stand as a billing-peer candidate backed by `bond` of one's own SPB, and on a full
		/// registry take the place of a candidate backed by less.
		///
		/// - Origin: signed, by an account without a role and without a vote in the
		///   billing-peer elections.
		/// - `billing_key`, `proof`: as for [`Pallet::register_billing_candidate`].
		/// - `bond`: SPB of the free balance, besides [`Config::CandidateDeposit`], that the
		///   candidate votes for itself (locked as every vote is, unbonding when withdrawn; at
		///   least the elections' smallest vote).
		///
		/// While [`Config::MaxBillingCandidates`] candidates are registered, the new candidate
		/// displaces the one [`Config::CandidateDisplacement`] names: backed below `bond` and below
		/// what a seat needs, holding no seat, active and in good standing — its candidacy
		/// ends at once and its deposit is released ([`Event::CandidateDisplaced`]) — or is
		/// refused ([`Error::TooManyCandidates`]). A squatter thus keeps a slot only by backing
		/// it with more than any newcomer brings, or with a seat's share of the voting stake.
		///
		/// Emits [`Event::Registered`], and the elections' vote event.
		///
		/// Complexity: `O(C)` with `C` registered candidates ([`Config::MaxBillingCandidates`],
		/// which the benchmark fills), read to find the one to displace.
		#[pallet::call_index(20)]
		#[pallet::weight(T::WeightInfo::register_billing_candidate_backed())]
		pub fn register_billing_candidate_backed(
			origin: OriginFor<T>,
			billing_key: T::BillingKey,
			proof: BillingKeyProof<T>,
			bond: BalanceOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(
				Self::billing_key_proof_is_valid(&who, &billing_key, &proof),
				Error::<T>::BadBillingKeyProof
			);
			Self::do_register_billing_candidate(&who, billing_key, Some(bond))
		}

		/// Admit a scheduling or routing peer and put [`Config::ServiceDeposit`] of its
		/// balance on hold.
		///
		/// - Origin: [`Config::AdmissionOrigin`].
		/// - `who`: an account without a role.
		/// - `kind`: scheduling or routing.
		/// - `declaration`: location and public endpoint.
		///
		/// Emits [`Event::Registered`].
		///
		/// Complexity: `O(1)`.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::admit_service_peer())]
		pub fn admit_service_peer(
			origin: OriginFor<T>,
			who: AccountIdLookupOf<T>,
			kind: ServiceKind,
			declaration: ServiceDeclaration<T>,
		) -> DispatchResult {
			T::AdmissionOrigin::ensure_origin(origin)?;
			let who = T::Lookup::lookup(who)?;
			Self::do_admit_service_peer(&who, kind, declaration)
		}

		/// Change what a professional peer declared.
		///
		/// - Origin: signed, by an active or suspended professional peer.
		/// - `declaration`: resources (all above zero), location, public endpoint.
		///
		/// Emits [`Event::Updated`].
		///
		/// Complexity: `O(1)`.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::update_professional())]
		pub fn update_professional(
			origin: OriginFor<T>,
			declaration: ProfessionalDeclaration<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::check_professional(&declaration)?;
			Registrations::<T>::try_mutate(&who, |record| {
				let record = record.as_mut().ok_or(Error::<T>::NotRegistered)?;
				ensure!(!Self::is_leaving(record), Error::<T>::NotActive);
				ensure!(matches!(record.role, Role::Professional(_)), Error::<T>::WrongRole);
				Self::add_capacity(record, false);
				if let Role::Professional(p) = &mut record.role {
					p.declaration = declaration;
				}
				Self::add_capacity(record, true);
				Ok::<_, Error<T>>(())
			})?;
			Self::deposit_event(Event::Updated { who });
			Ok(())
		}

		/// Attach a common peer to another professional peer, and/or change the storage it
		/// offers.
		///
		/// - Origin: signed, by an active or suspended common peer.
		/// - `attach_to`: an active professional peer.
		/// - `storage_gib`: storage offered, above zero.
		/// - `endpoint`: its data plane's public endpoint (non-empty, no whitespace).
		///
		/// Emits [`Event::Updated`] and [`Event::Attached`].
		///
		/// Complexity: `O(1)`.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::update_common())]
		pub fn update_common(
			origin: OriginFor<T>,
			attach_to: AccountIdLookupOf<T>,
			storage_gib: u32,
			endpoint: Endpoint<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let attach_to = T::Lookup::lookup(attach_to)?;
			ensure!(storage_gib > 0, Error::<T>::NoResources);
			Self::check_endpoint(&endpoint)?;
			let mut record = Registrations::<T>::get(&who).ok_or(Error::<T>::NotRegistered)?;
			ensure!(!Self::is_leaving(&record), Error::<T>::NotActive);
			let Role::Common(common) = &mut record.role else {
				return Err(Error::<T>::WrongRole.into());
			};
			// Detach first, so that re-attaching to the same professional peer with another
			// storage size keeps its counters right.
			// (A call's storage changes are rolled back if attaching fails.)
			Self::detach(&who, common);
			let attached_index = Self::attach(&who, &attach_to, storage_gib)?;
			common.attached_to = attach_to.clone();
			common.attached_index = attached_index;
			common.storage_gib = storage_gib;
			common.endpoint = endpoint;
			Registrations::<T>::insert(&who, record);
			Self::deposit_event(Event::Updated { who: who.clone() });
			Self::deposit_event(Event::Attached { common: who, professional: attach_to });
			Ok(())
		}

		/// Authorize another client key to sign traffic receipts for a DApp.
		///
		/// - Origin: signed, by an active or suspended DApp.
		/// - `key`: not authorized by any DApp, nor retired by another DApp within
		///   [`Config::ClientKeyRetention`] (the DApp may authorize its own retired key again);
		///   the DApp holds fewer than [`Config::MaxClientKeys`].
		///
		/// Emits [`Event::ClientKeyAdded`].
		///
		/// Complexity: `O(1)` (the key list is bounded).
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::add_client_key())]
		pub fn add_client_key(origin: OriginFor<T>, key: T::ClientKey) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::ensure_client_key_free(&who, &key)?;
			Registrations::<T>::try_mutate(&who, |record| {
				let record = record.as_mut().ok_or(Error::<T>::NotRegistered)?;
				ensure!(!Self::is_leaving(record), Error::<T>::NotActive);
				let Role::DApp(dapp) = &mut record.role else {
					return Err(Error::<T>::WrongRole);
				};
				dapp.client_keys.try_push(key.clone()).map_err(|_| Error::<T>::TooManyClientKeys)
			})?;
			Self::authorize_client_key(&who, &key);
			Self::deposit_event(Event::ClientKeyAdded { dapp: who, key });
			Ok(())
		}

		/// Withdraw a client key's authorization: receipts it signs for periods that begin
		/// later no longer count. The key is retired: for [`Config::ClientKeyRetention`] the
		/// receipts it signed before still verify, and no other DApp may authorize it.
		///
		/// - Origin: signed, by a DApp (also while leaving).
		/// - `key`: one of its client keys.
		///
		/// Emits [`Event::ClientKeyRemoved`].
		///
		/// Complexity: `O(1)` (the key list is bounded).
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::remove_client_key())]
		pub fn remove_client_key(origin: OriginFor<T>, key: T::ClientKey) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Registrations::<T>::try_mutate(&who, |record| {
				let record = record.as_mut().ok_or(Error::<T>::NotRegistered)?;
				let Role::DApp(dapp) = &mut record.role else {
					return Err(Error::<T>::WrongRole);
				};
				let position = dapp
					.client_keys
					.iter()
					.position(|k| *k == key)
					.ok_or(Error::<T>::UnknownClientKey)?;
				dapp.client_keys.remove(position);
				Ok(())
			})?;
			Self::retire_client_key(&who, key.clone());
			Self::deposit_event(Event::ClientKeyRemoved { dapp: who, key });
			Ok(())
		}

		/// Put more of the caller's funds on hold as its deposit (e.g. a DApp whose required
		/// deposit rose, a peer after a fine, a common peer that buys its deposit).
		///
		/// - Origin: signed, by a registered account that is not leaving.
		/// - `amount`: above zero.
		///
		/// Emits [`Event::DepositIncreased`].
		///
		/// Complexity: `O(1)`.
		#[pallet::call_index(9)]
		#[pallet::weight(T::WeightInfo::top_up_deposit())]
		pub fn top_up_deposit(
			origin: OriginFor<T>,
			#[pallet::compact] amount: BalanceOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
			let mut record = Registrations::<T>::get(&who).ok_or(Error::<T>::NotRegistered)?;
			ensure!(!Self::is_leaving(&record), Error::<T>::NotActive);
			Self::hold(&who, record.role.kind(), amount)?;
			record.deposit.held = record.deposit.held.saturating_add(amount);
			Self::start_clock(&mut record);
			let held = record.deposit.held;
			Registrations::<T>::insert(&who, record);
			Self::deposit_event(Event::DepositIncreased { who, amount, held });
			Ok(())
		}

		/// Release whatever of the caller's deposit is above its current requirement.
		///
		/// - Origin: signed, by a registered account that is active (neither suspended, so
		///   that a peer on its way to eviction cannot shrink what would be slashed, nor
		///   leaving).
		///
		/// Emits [`Event::DepositUnlocked`].
		///
		/// Complexity: `O(1)`.
		#[pallet::call_index(10)]
		#[pallet::weight(T::WeightInfo::withdraw_unlocked())]
		pub fn withdraw_unlocked(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut record = Registrations::<T>::get(&who).ok_or(Error::<T>::NotRegistered)?;
			ensure!(record.status == Status::Active, Error::<T>::NotActive);
			let amount = Self::unlockable(&record);
			ensure!(!amount.is_zero(), Error::<T>::NothingToUnlock);
			Self::release(&who, record.role.kind(), amount)?;
			record.deposit.held = record.deposit.held.saturating_sub(amount);
			let held = record.deposit.held;
			Registrations::<T>::insert(&who, record);
			Self::deposit_event(Event::DepositUnlocked { who, amount, held });
			Ok(())
		}

		/// Start leaving: no new work from now on; the deposit is released by
		/// [`Pallet::finish_exit`] after [`Config::ExitDelay`].
		///
		/// - Origin: signed, by a registered account that is neither leaving nor suspended (a
		///   suspended peer resumes first, so that leaving never escapes an eviction). A
		///   billing peer may leave while in the authority set: the elections replace it at the
		///   next block ([`Config::OnLeaving`]), and [`Pallet::finish_exit`] waits until its key
		///   has left the set. Scheduling and routing peers leave through
		///   [`Pallet::remove_service_peer`].
		///
		/// Emits [`Event::Leaving`].
		///
		/// Complexity: `O(1)`.
		#[pallet::call_index(11)]
		#[pallet::weight(T::WeightInfo::leave().saturating_add(T::OnLeaving::weight()))]
		pub fn leave(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let record = Registrations::<T>::get(&who).ok_or(Error::<T>::NotRegistered)?;
			ensure!(
				!matches!(record.role.kind(), RoleKind::Scheduling | RoleKind::Routing),
				Error::<T>::WrongRole
			);
			ensure!(!matches!(record.status, Status::Suspended { .. }), Error::<T>::SuspendedPeer);
			Self::start_exit(&who, record)
		}

		/// Finish a peer's exit once the exit delay has passed: release its deposit, remove its
		/// keys and its record. A DApp's client keys are retired, so that the receipts they
		/// signed still verify for [`Config::ClientKeyRetention`].
		///
		/// - Origin: any signed account (the released funds go to `who`).
		/// - `who`: a leaving or evicted account whose exit block has been reached (for a
		///   billing-peer candidate: whose Gosig key has left the authority set).
		///
		/// Emits [`Event::Exited`].
		///
		/// Complexity: `O(k)` for a DApp's `k` client keys (bounded), `O(1)` otherwise.
		#[pallet::call_index(12)]
		#[pallet::weight(T::WeightInfo::finish_exit(T::MaxClientKeys::get()))]
		pub fn finish_exit(origin: OriginFor<T>, who: AccountIdLookupOf<T>) -> DispatchResult {
			ensure_signed(origin)?;
			let who = T::Lookup::lookup(who)?;
			let record = Registrations::<T>::get(&who).ok_or(Error::<T>::NotRegistered)?;
			let Status::Leaving { exit_at, .. } = record.status else {
				return Err(Error::<T>::NotLeaving.into());
			};
			ensure!(Self::now() >= exit_at, Error::<T>::ExitDelayNotOver);
			Self::ensure_not_validating(&record)?;
			Self::close_registration(&who, record)
		}

		/// Record that a peer's node is online in the current ledgering period.
		///
		/// - Origin: none. The call is authorized by the signature of the peer's key over
		///   `(HEARTBEAT_CONTEXT, genesis hash, heartbeat)` (`#[pallet::authorize]`); the node's
		///   off-chain worker sends it once per period, free of fees.
		/// - `heartbeat`: the peer (a professional or common peer not evicted) and the current
		///   period, for which no heartbeat is recorded yet.
		/// - `signature`: by the peer's registered peer key.
		///
		/// Emits [`Event::HeartbeatReceived`].
		///
		/// Complexity: `O(1)`: one signature check.
		#[pallet::call_index(13)]
		#[pallet::weight(T::WeightInfo::heartbeat())]
		#[pallet::authorize(Pallet::<T>::authorize_heartbeat)]
		#[pallet::weight_of_authorize(T::WeightInfo::authorize_heartbeat())]
		pub fn heartbeat(
			origin: OriginFor<T>,
			heartbeat: Heartbeat<T::AccountId>,
			signature: HeartbeatSignature<T>,
		) -> DispatchResult {
			frame_system::ensure_authorized(origin)?;
			let mut record = Self::check_heartbeat(&heartbeat, &signature)?;
			record.online.periods = record.online.periods.saturating_add(1);
			record.online.last_period = Some(heartbeat.period);
			let online_periods = record.online.periods;
			Registrations::<T>::insert(&heartbeat.peer, record);
			Self::deposit_event(Event::HeartbeatReceived {
				who: heartbeat.peer,
				period: heartbeat.period,
				online_periods,
			});
			Ok(())
		}

		/// Record an offence the committee found.
		///
		/// - Origin: [`Config::GovernanceOrigin`].
		/// - `who`: a registered account not evicted.
		/// - `reason`, `level`: why, and the lowest rung of the ladder the offence reaches.
		///
		/// Emits [`Event::Warned`], [`Event::Suspended`] or [`Event::Evicted`].
		///
		/// Complexity: `O(1)`.
		#[pallet::call_index(14)]
		#[pallet::weight(T::WeightInfo::penalize().saturating_add(T::OnLeaving::weight()))]
		pub fn penalize(
			origin: OriginFor<T>,
			who: AccountIdLookupOf<T>,
			reason: PenaltyReason,
			level: PenaltyLevel,
		) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			let who = T::Lookup::lookup(who)?;
			Self::do_penalize(&who, reason, level).map(|_| ())
		}

		/// Clear a peer's warnings and lift its suspension (and the probation after it).
		///
		/// - Origin: [`Config::GovernanceOrigin`].
		/// - `who`: a registered account that is not leaving, with warnings or suspended.
		///
		/// Emits [`Event::Pardoned`].
		///
		/// Complexity: `O(1)`.
		#[pallet::call_index(15)]
		#[pallet::weight(T::WeightInfo::pardon())]
		pub fn pardon(origin: OriginFor<T>, who: AccountIdLookupOf<T>) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			let who = T::Lookup::lookup(who)?;
			let mut record = Registrations::<T>::get(&who).ok_or(Error::<T>::NotRegistered)?;
			ensure!(!Self::is_leaving(&record), Error::<T>::NotActive);
			ensure!(
				record.warnings > 0 || matches!(record.status, Status::Suspended { .. }),
				Error::<T>::NotSuspended
			);
			record.warnings = 0;
			record.suspended_at = None;
			if matches!(record.status, Status::Suspended { .. }) {
				record.status = Status::Active;
				Self::start_clock(&mut record);
			}
			Registrations::<T>::insert(&who, record);
			Self::deposit_event(Event::Pardoned { who });
			Ok(())
		}

		/// Resume work after a suspension: its warnings are cleared and its deposit's unlock
		/// clock runs again. It is on **probation** until [`Config::WarningExpiry`] after the
		/// suspension began: any offence in that time evicts it.
		///
		/// - Origin: signed, by a suspended account whose [`Config::SuspensionPeriod`] has
		///   passed and whose deposit meets its requirement (a common peer's may still be
		///   building up).
		///
		/// Emits [`Event::Resumed`].
		///
		/// Complexity: `O(1)`.
		#[pallet::call_index(16)]
		#[pallet::weight(T::WeightInfo::resume())]
		pub fn resume(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut record = Registrations::<T>::get(&who).ok_or(Error::<T>::NotRegistered)?;
			let Status::Suspended { since, .. } = record.status else {
				return Err(Error::<T>::NotSuspended.into());
			};
			ensure!(
				Self::now() >= since.saturating_add(T::SuspensionPeriod::get()),
				Error::<T>::SuspensionNotOver
			);
			ensure!(
				record.role.kind() == RoleKind::Common
					|| record.deposit.held >= Self::required(&record),
				Error::<T>::DepositShortfall
			);
			record.status = Status::Active;
			record.warnings = 0;
			Self::start_clock(&mut record);
			Registrations::<T>::insert(&who, record);
			Self::deposit_event(Event::Resumed { who });
			Ok(())
		}

		/// Fine a DApp for a violation the committee verified (e.g. infringing its users'
		/// rights, leaking their data) and pay the affected user out of its deposit. The DApp
		/// must top its deposit up again.
		///
		/// - Origin: [`Config::GovernanceOrigin`].
		/// - `dapp`: a registered DApp.
		/// - `amount`: above zero, at most what it holds.
		/// - `beneficiary`: the user paid; must be able to receive it (existential deposit).
		///
		/// Emits [`Event::DAppFined`].
		///
		/// Complexity: `O(1)`.
		#[pallet::call_index(17)]
		#[pallet::weight(T::WeightInfo::fine_dapp())]
		pub fn fine_dapp(
			origin: OriginFor<T>,
			dapp: AccountIdLookupOf<T>,
			#[pallet::compact] amount: BalanceOf<T>,
			beneficiary: AccountIdLookupOf<T>,
		) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			let dapp = T::Lookup::lookup(dapp)?;
			let beneficiary = T::Lookup::lookup(beneficiary)?;
			ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
			let mut record = Registrations::<T>::get(&dapp).ok_or(Error::<T>::NotRegistered)?;
			ensure!(record.role.kind() == RoleKind::DApp, Error::<T>::WrongRole);
			ensure!(amount <= record.deposit.held, Error::<T>::FineExceedsDeposit);
			T::Currency::transfer_on_hold(
				&HoldReason::DAppDeposit.into(),
				&dapp,
				&beneficiary,
				amount,
				Precision::Exact,
				Restriction::Free,
				Fortitude::Force,
			)?;
			record.deposit.held = record.deposit.held.saturating_sub(amount);
			Registrations::<T>::insert(&dapp, record);
			Self::deposit_event(Event::DAppFined { dapp, beneficiary, amount });
			Ok(())
		}

		/// Remove a scheduling or routing peer: it stops at once and its deposit is released
		/// after the exit delay.
		///
		/// - Origin: [`Config::AdmissionOrigin`].
		/// - `who`: a scheduling or routing peer that is not leaving.
		///
		/// Emits [`Event::Leaving`].
		///
		/// Complexity: `O(1)`.
		#[pallet::call_index(18)]
		#[pallet::weight(T::WeightInfo::leave().saturating_add(T::OnLeaving::weight()))]
		pub fn remove_service_peer(
			origin: OriginFor<T>,
			who: AccountIdLookupOf<T>,
		) -> DispatchResult {
			T::AdmissionOrigin::ensure_origin(origin)?;
			let who = T::Lookup::lookup(who)?;
			let record = Registrations::<T>::get(&who).ok_or(Error::<T>::NotRegistered)?;
			ensure!(
				matches!(record.role.kind(), RoleKind::Scheduling | RoleKind::Routing),
				Error::<T>::WrongRole
			);
			Self::start_exit(&who, record)
		}

		/// Set the bytes a DApp may upload to each serving peer. Files already stored stay;
		/// a DApp above a lowered quota may upload nothing more until it is below it.
		///
		/// - Origin: [`Config::GovernanceOrigin`].
		/// - `bytes`: the new quota (zero stops all uploads).
		///
		/// Emits [`Event::DAppStorageQuotaSet`].
		///
		/// Complexity: `O(1)`.
		#[pallet::call_index(19)]
		#[pallet::weight(T::WeightInfo::set_dapp_storage_quota())]
		pub fn set_dapp_storage_quota(
			origin: OriginFor<T>,
			#[pallet::compact] bytes: u64,
		) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			DAppStorageQuota::<T>::put(bytes);
			Self::deposit_event(Event::DAppStorageQuotaSet { bytes });
			Ok(())
		}
	}
}

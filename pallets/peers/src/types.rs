//! Data types of `pallet_peers`: roles and what each declares, deposits, standing and penalties.

use crate::{BalanceOf, Config};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{
	pallet_prelude::*, BoundedVec, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound,
};
use frame_system::pallet_prelude::BlockNumberFor;
use scale_info::TypeInfo;
use serde::{Deserialize, Serialize};

/// The kinds of role an account can register for (whitepaper ch.2 §5). An account has at most
/// one role; an operator uses one account per machine or DApp.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	Clone,
	Copy,
	PartialEq,
	Eq,
	PartialOrd,
	Ord,
	Debug,
	TypeInfo,
	MaxEncodedLen,
)]
pub enum RoleKind {
	/// A data-centre server that stores, serves and relays traffic; earns by Proof-of-Traffic.
	Professional,
	/// A home machine attached to a professional peer for backup storage; earns by
	/// Proof-of-Traffic.
	Common,
	/// A DApp developer: authorizes client keys that sign traffic receipts and pays for traffic.
	DApp,
	/// A candidate in the billing-peer election (the validators that run Gosig).
	BillingCandidate,
	/// A scheduling peer, admitted by the foundation (later the committee).
	Scheduling,
	/// A routing peer, admitted by the foundation (later the committee).
	Routing,
}

impl RoleKind {
	/// Every kind, for counters and invariants.
	pub const ALL: [RoleKind; 6] = [
		RoleKind::Professional,
		RoleKind::Common,
		RoleKind::DApp,
		RoleKind::BillingCandidate,
		RoleKind::Scheduling,
		RoleKind::Routing,
	];

	/// Whether the role serves traffic and earns Proof-of-Traffic rewards (and so proves
	/// liveness with heartbeats).
	pub fn serves_traffic(self) -> bool {
		matches!(self, RoleKind::Professional | RoleKind::Common)
	}

	/// Whether the role's deposit unlocks proportionally over time in good standing.
	pub fn unlocks_over_time(self) -> bool {
		self.serves_traffic()
	}
}

/// The resources a professional peer declares.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Default,
	Debug,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct Resources {
	/// Storage offered, in GiB.
	pub storage_gib: u32,
	/// Bandwidth offered, in Mbit/s.
	pub bandwidth_mbps: u32,
	/// CPU cores offered.
	pub cpu_cores: u16,
}

/// The most instances one professional peer's declaration counts for: a large server (256
/// cores, 25.6 Gbit/s, 128 TB). A declaration is not checked against the machine until patrol
/// measures it, so one deposit must not weigh more than a machine could (the attacker review of
/// issue 15: a declaration of `u32::MAX` of everything would have counted 4·10⁷ instances and
/// pushed every price down by the whole step each cycle).
pub const MAX_INSTANCES_PER_PEER: u64 = 256;

impl Resources {
	/// The whole **instances** these resources provide (whitepaper ch.3 §2 iii: one CPU core,
	/// 100 Mbit/s of bandwidth and 500 GB of disk), as many as the scarcest resource allows, at
	/// most [`MAX_INSTANCES_PER_PEER`].
	pub fn instances(&self) -> u64 {
		let by_cores = u64::from(self.cpu_cores);
		let by_bandwidth = u64::from(self.bandwidth_mbps) / 100;
		let by_storage = u64::from(self.storage_gib).saturating_mul(1 << 30) / 500_000_000_000;
		by_cores.min(by_bandwidth).min(by_storage).min(MAX_INSTANCES_PER_PEER)
	}
}

/// Where a peer is: a region code and a position, which scheduling weighs.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Default,
	Debug,
	TypeInfo,
	MaxEncodedLen,
	Serialize,
	Deserialize,
)]
pub struct Location {
	/// ISO 3166-1 alpha-2 country code, upper-case ASCII (e.g. `*b"SG"`).
	pub region: [u8; 2],
	/// Latitude in micro-degrees, −90 000 000 ..= 90 000 000.
	pub latitude: i32,
	/// Longitude in micro-degrees, −180 000 000 ..= 180 000 000.
	pub longitude: i32,
}

impl Location {
	/// Whether the region is two upper-case ASCII letters and the position is on the globe.
	pub fn is_valid(&self) -> bool {
		self.region.iter().all(|c| c.is_ascii_uppercase())
			&& (-90_000_000..=90_000_000).contains(&self.latitude)
			&& (-180_000_000..=180_000_000).contains(&self.longitude)
	}
}

/// A public endpoint of a peer's data plane, e.g. `https://203.0.113.7:8443` or a multiaddr.
pub type Endpoint<T> = BoundedVec<u8, <T as Config>::MaxEndpointLen>;
/// A DApp's display name.
pub type DAppName<T> = BoundedVec<u8, <T as Config>::MaxNameLen>;
/// The client keys a DApp authorizes to sign traffic receipts.
pub type ClientKeys<T> = BoundedVec<<T as Config>::ClientKey, <T as Config>::MaxClientKeys>;

/// What a professional peer declares when it registers (and may update).
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	DebugNoBound,
	TypeInfo,
	MaxEncodedLen,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct ProfessionalDeclaration<T: Config> {
	/// Storage, bandwidth and CPU offered.
	pub resources: Resources,
	/// Where the server is.
	pub location: Location,
	/// The public endpoint of its data plane.
	pub endpoint: Endpoint<T>,
}

/// What a scheduling or routing peer is admitted with.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	DebugNoBound,
	TypeInfo,
	MaxEncodedLen,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct ServiceDeclaration<T: Config> {
	/// Where the peer is.
	pub location: Location,
	/// Its public endpoint.
	pub endpoint: Endpoint<T>,
	/// The key its node signs with (`spbp`, as a serving peer's node): a scheduling peer's
	/// election responses. Not used by another peer.
	pub node_key: T::PeerKey,
}

/// The kinds of peer the foundation admits.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	TypeInfo,
	MaxEncodedLen,
	Serialize,
	Deserialize,
)]
pub enum ServiceKind {
	/// A scheduling peer.
	Scheduling,
	/// A routing peer.
	Routing,
}

impl From<ServiceKind> for RoleKind {
	fn from(kind: ServiceKind) -> Self {
		match kind {
			ServiceKind::Scheduling => RoleKind::Scheduling,
			ServiceKind::Routing => RoleKind::Routing,
		}
	}
}

/// A professional peer's record.
#[derive(
	Encode, Decode, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, TypeInfo, MaxEncodedLen,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct ProfessionalPeer<T: Config> {
	/// The key its node signs heartbeats (and traffic reports) with.
	pub peer_key: T::PeerKey,
	/// What it declared.
	pub declaration: ProfessionalDeclaration<T>,
	/// Common peers attached to it and not leaving.
	pub attached_commons: u32,
	/// Storage those common peers declared, in GiB.
	pub attached_storage_gib: u64,
}

/// A common peer's record.
#[derive(
	Encode, Decode, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, TypeInfo, MaxEncodedLen,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct CommonPeer<T: Config> {
	/// The key its node signs heartbeats (and traffic reports) with.
	pub peer_key: T::PeerKey,
	/// The professional peer it attaches to for backup storage.
	pub attached_to: T::AccountId,
	/// The registration index of that professional peer when it attached: the attachment is
	/// live only while the professional peer's record has this index (a professional peer that
	/// left and registered again is a new registration).
	pub attached_index: u64,
	/// Storage it offers, in GiB.
	pub storage_gib: u32,
	/// Its data plane's public endpoint, where it serves the backups it keeps of its
	/// professional peer's files (e.g. `http://198.51.100.7:8480`).
	pub endpoint: Endpoint<T>,
}

/// A DApp's record.
#[derive(
	Encode, Decode, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, TypeInfo, MaxEncodedLen,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct DAppRecord<T: Config> {
	/// Its display name (UTF-8).
	pub name: DAppName<T>,
	/// The client keys it authorizes to sign traffic receipts.
	pub client_keys: ClientKeys<T>,
}

/// A role and what it declared.
#[derive(
	Encode, Decode, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, TypeInfo, MaxEncodedLen,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub enum Role<T: Config> {
	/// A professional peer.
	Professional(ProfessionalPeer<T>),
	/// A common peer.
	Common(CommonPeer<T>),
	/// A DApp.
	DApp(DAppRecord<T>),
	/// A billing-peer candidate and the Gosig key it would validate with.
	BillingCandidate {
		/// Its Gosig (`gosg`) key.
		billing_key: T::BillingKey,
	},
	/// A scheduling peer.
	Scheduling(ServiceDeclaration<T>),
	/// A routing peer.
	Routing(ServiceDeclaration<T>),
}

impl<T: Config> Role<T> {
	/// The kind of this role.
	pub fn kind(&self) -> RoleKind {
		match self {
			Role::Professional(_) => RoleKind::Professional,
			Role::Common(_) => RoleKind::Common,
			Role::DApp(_) => RoleKind::DApp,
			Role::BillingCandidate { .. } => RoleKind::BillingCandidate,
			Role::Scheduling(_) => RoleKind::Scheduling,
			Role::Routing(_) => RoleKind::Routing,
		}
	}

	/// The node key of a scheduling or routing peer.
	pub fn service_key(&self) -> Option<&T::PeerKey> {
		match self {
			Role::Scheduling(d) | Role::Routing(d) => Some(&d.node_key),
			_ => None,
		}
	}

	/// The peer key, for the roles that serve traffic.
	pub fn peer_key(&self) -> Option<&T::PeerKey> {
		match self {
			Role::Professional(p) => Some(&p.peer_key),
			Role::Common(c) => Some(&c.peer_key),
			_ => None,
		}
	}
}

/// Why a peer is penalized.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	TypeInfo,
	MaxEncodedLen,
)]
pub enum PenaltyReason {
	/// A traffic report's audit was not answered in time or its receipts did not check.
	AuditFailed,
	/// A report claimed more traffic for a DApp than the DApp paid for.
	UnpaidTrafficClaimed,
	/// A patrol task was failed.
	PatrolFailed,
	/// A billing peer signed two conflicting Gosig messages in one round.
	Equivocation,
	/// The peer was not online when it had to be.
	Offline,
	/// The governance committee decided, under the given reference (e.g. a motion index).
	CommitteeDecision(u32),
}

/// How hard an offence hits: the lowest rung of the ladder it reaches.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	Clone,
	Copy,
	PartialEq,
	Eq,
	PartialOrd,
	Ord,
	Debug,
	TypeInfo,
	MaxEncodedLen,
)]
pub enum PenaltyLevel {
	/// One step up the ladder: a warning, a suspension once the warnings run out, an eviction
	/// if already suspended.
	Warn,
	/// At least a suspension (an eviction if already suspended or leaving).
	Suspend,
	/// Eviction: the deposit is slashed by the eviction share and the role ends.
	Evict,
}

/// Where a registration stands.
#[derive(Encode, Decode, Clone, Copy, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen)]
pub enum Status<BlockNumber> {
	/// Working: gets new work and rewards (it may carry warnings).
	Active,
	/// Suspended: no new work, no rewards; the deposit's unlock clock stops.
	Suspended {
		/// Since when.
		since: BlockNumber,
		/// For what.
		reason: PenaltyReason,
	},
	/// Leaving: no new work; the deposit is released when the exit delay has passed. Penalties
	/// still apply until then.
	Leaving {
		/// From this block on the exit can be finished and the deposit released.
		exit_at: BlockNumber,
		/// Whether it was evicted (its deposit was slashed) rather than leaving on its own.
		evicted: bool,
	},
}

/// A registration's deposit, on hold under the role's hold reason.
#[derive(Encode, Decode, Clone, Copy, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen)]
pub struct Deposit<Balance, BlockNumber> {
	/// What is on hold; always equals the account's balance on hold for the role's reason.
	pub held: Balance,
	/// The required deposit when the peer registered; for professional and common peers it
	/// shrinks proportionally with the time in good standing.
	pub base: Balance,
	/// Blocks of good standing accrued before `running_since`.
	pub accrued: BlockNumber,
	/// Since when the unlock clock runs (`None` while suspended or leaving).
	pub running_since: Option<BlockNumber>,
}

/// How long a peer has been online, from its heartbeats.
#[derive(Encode, Decode, Clone, Copy, PartialEq, Eq, Default, Debug, TypeInfo, MaxEncodedLen)]
pub struct Online {
	/// Ledgering periods for which a heartbeat arrived.
	pub periods: u32,
	/// The last such period.
	pub last_period: Option<u32>,
}

/// Everything the registry keeps about one account.
#[derive(
	Encode, Decode, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, TypeInfo, MaxEncodedLen,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct PeerRecord<T: Config> {
	/// A number unique to this registration (never reused).
	pub index: u64,
	/// The role and what it declared.
	pub role: Role<T>,
	/// Where it stands.
	pub status: Status<BlockNumberFor<T>>,
	/// Warnings received since the last clean slate.
	pub warnings: u8,
	/// When the last offence was recorded.
	pub last_offence: Option<BlockNumberFor<T>>,
	/// When its last suspension began: it is on probation (any offence evicts) until
	/// `WarningExpiry` after that.
	pub suspended_at: Option<BlockNumberFor<T>>,
	/// The deposit.
	pub deposit: Deposit<BalanceOf<T>, BlockNumberFor<T>>,
	/// When it registered.
	pub registered_at: BlockNumberFor<T>,
	/// Its heartbeats (professional and common peers).
	pub online: Online,
}

/// A liveness proof for one ledgering period, signed by the peer key of a professional or
/// common peer's node.
#[derive(
	Encode, Decode, DecodeWithMemTracking, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen,
)]
pub struct Heartbeat<AccountId> {
	/// The peer's account.
	pub peer: AccountId,
	/// The ledgering period it is online in.
	pub period: u32,
}

/// The domain tag of the message a heartbeat signature covers:
/// `(HEARTBEAT_CONTEXT, genesis hash, heartbeat)` SCALE-encoded.
pub const HEARTBEAT_CONTEXT: &[u8; 16] = b"spacebook/heartb";

/// Where a registration stands, for queries.
#[derive(Encode, Decode, Clone, Copy, PartialEq, Eq, Debug, TypeInfo)]
pub enum Standing {
	/// Active without warnings.
	Good,
	/// Active with this many warnings.
	Warned(u8),
	/// Suspended for this reason.
	Suspended(PenaltyReason),
	/// Leaving on its own.
	Leaving,
	/// Evicted; its record is kept until the exit delay has passed.
	Evicted,
}

/// A peer's deposit, for queries.
#[derive(Encode, Decode, Clone, Copy, PartialEq, Eq, Debug, TypeInfo)]
pub struct DepositView<Balance> {
	/// On hold now.
	pub held: Balance,
	/// Required now (for professional and common peers it shrinks with time in good
	/// standing, once it is held; a peer below it may not earn).
	pub required: Balance,
	/// What the peer could release now with `withdraw_unlocked`.
	pub unlockable: Balance,
}

/// What the runtime API tells about a registered account.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo)]
pub struct PeerView<AccountId, Balance, BlockNumber> {
	/// The role.
	pub role: RoleKind,
	/// Where it stands.
	pub standing: Standing,
	/// Its deposit.
	pub deposit: DepositView<Balance>,
	/// Ledgering periods with a heartbeat.
	pub online_periods: u32,
	/// The last period with a heartbeat.
	pub last_online_period: Option<u32>,
	/// When it registered.
	pub registered_at: BlockNumber,
	/// For a common peer: the professional peer it is attached to, if that attachment is live.
	pub attached_to: Option<AccountId>,
	/// For a professional or common peer: what patrols measured of it (the patrol pallet's
	/// quality figure), if it was ever patrolled. Filled in by the runtime's `PeersApi`.
	pub patrol: Option<spacebook_patrol_primitives::PatrolQuality>,
}

/// A client key its DApp removed (or that left with its DApp), kept for
/// [`Config::ClientKeyRetention`](crate::Config::ClientKeyRetention) so that the receipts it
/// signed while authorized still verify in Proof-of-Traffic audits.
#[derive(
	Encode, Decode, DecodeWithMemTracking, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen,
)]
pub struct RetiredClientKey<AccountId, BlockNumber> {
	/// The DApp that had authorized it.
	pub dapp: AccountId,
	/// The block in which the authorization ended.
	pub removed_at: BlockNumber,
}

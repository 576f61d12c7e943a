//! Storage orders' types (issue 18, `docs/scheduling.md`), shared by `pallet-scheduling`, its
//! runtime API, the node and the SDK: files, orders, placements, election responses, the
//! scheduling rule's weights and the views.
#![cfg_attr(not(feature = "std"), no_std)]
#![warn(missing_docs)]

extern crate alloc;

use alloc::vec::Vec;

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use serde::{Deserialize, Serialize};

/// A storage order's number, unique for the chain's life.
pub type OrderId = u64;

/// The hash index of a file: the Merkle root over its 1 MiB slices' BLAKE3 hashes, as the data
/// plane computes it (`docs/dataplane.md`).
pub type HashIndex = [u8; 32];

/// The file an order stores.
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
pub struct FileRef {
	/// Its hash index.
	pub hash_index: HashIndex,
	/// Its length in bytes.
	pub length: u64,
}

/// A DApp's storage order (whitepaper ch.2 §5 iv: a storage task).
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen)]
pub struct StorageOrder<AccountId, Balance> {
	/// The DApp that ordered and pays.
	pub dapp: AccountId,
	/// The file.
	pub file: FileRef,
	/// Storing copies ordered: a primary and `replicas - 1` backups.
	pub replicas: u8,
	/// The ledgering period in which it was ordered (or last renewed).
	pub terms_from: u32,
	/// The ledgering period at whose start it ends (exclusive).
	pub ends: u32,
	/// What one storing copy costs for one ledgering period, at the nominal storage price of
	/// the period in which the terms were set.
	pub replica_period_fee: Balance,
	/// Paid in and not paid out: on hold on the DApp's account under
	/// `HoldReason::StorageEscrow`.
	pub escrow: Balance,
	/// The order's deposit, on hold under `HoldReason::OrderDeposit` until it ends.
	pub deposit: Balance,
	/// Elections held for it so far.
	pub attempts: u8,
	/// Whether an election for it is open now.
	pub electing: bool,
}

/// What a placement is doing.
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
pub enum PlacementStatus<BlockNumber> {
	/// A reserve: elected, stores nothing, takes the place of a storing peer that misses its
	/// deadline.
	Reserve,
	/// Asked to fetch and store the file, and to confirm by `deadline`.
	Fetching {
		/// The last block in which a confirmation counts.
		deadline: BlockNumber,
	},
	/// Holding the file since it confirmed; paid for every whole period it holds.
	Holding {
		/// The ledgering period in which it confirmed.
		since: u32,
		/// Paid for the periods before this one.
		paid_through: u32,
	},
}

impl<BlockNumber> PlacementStatus<BlockNumber> {
	/// Whether the placement stores the file (or is asked to): its capacity is committed.
	pub fn stores(&self) -> bool {
		!matches!(self, PlacementStatus::Reserve)
	}
}

/// A professional peer elected for an order.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen)]
pub struct Placement<AccountId, BlockNumber> {
	/// The professional peer.
	pub peer: AccountId,
	/// What it is doing.
	pub status: PlacementStatus<BlockNumber>,
	/// The first scheduling peer whose response proposed it, credited when it confirms.
	pub scheduler: Option<AccountId>,
}

/// A scheduling peer's answer to an election (whitepaper ch.2 §5 iv: "selects its
/// correspondent qualified professional peers and attends the scheduling election").
#[derive(
	Encode, Decode, DecodeWithMemTracking, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen,
)]
pub struct ElectionResponse<AccountId, Candidates> {
	/// The order.
	pub order: OrderId,
	/// The election: the order's attempt number it answers.
	pub attempt: u8,
	/// The scheduling peer.
	pub scheduler: AccountId,
	/// The professional peers it proposes, best first (a bounded list of accounts).
	pub candidates: Candidates,
}

/// A professional peer's word that it stores an order's file, signed by its node's peer key.
#[derive(
	Encode, Decode, DecodeWithMemTracking, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen,
)]
pub struct StorageConfirmation<AccountId, BlockNumber> {
	/// The order.
	pub order: OrderId,
	/// The professional peer.
	pub peer: AccountId,
	/// The deadline of the placement it confirms: a confirmation counts for that placement
	/// only, never for a later one of the same peer in the same order.
	pub deadline: BlockNumber,
}

/// The domain tag of an election response's signature:
/// `(RESPONSE_CONTEXT, genesis hash, response)` SCALE-encoded.
pub const RESPONSE_CONTEXT: &[u8; 16] = b"spacebook/schedr";
/// The domain tag of a storage confirmation's signature:
/// `(CONFIRMATION_CONTEXT, genesis hash, confirmation)` SCALE-encoded.
pub const CONFIRMATION_CONTEXT: &[u8; 16] = b"spacebook/stored";

/// What the registry tells about a professional peer the scheduling rule weighs: its
/// declaration, its heartbeats and its attached common peers.
#[derive(Encode, Decode, Clone, Copy, PartialEq, Eq, Debug, Default, TypeInfo)]
pub struct ProfessionalFacts {
	/// Storage declared, in GiB.
	pub storage_gib: u32,
	/// Ledgering periods with a heartbeat.
	pub online_periods: u32,
	/// The last such period.
	pub last_online_period: Option<u32>,
	/// Live common peers attached to it.
	pub commons: u32,
	/// Storage those common peers declared, in GiB.
	pub commons_storage_gib: u64,
	/// ISO 3166-1 alpha-2 region of its location.
	pub region: [u8; 2],
	/// Parts per million of its patrols it passed (neither a wrong answer nor unanswered: the
	/// patrol pallet's quality figure), with a prior: [`patrol_passed_ppm`]. `None`: no patrol
	/// record is kept (a runtime without patrols): the factor is full.
	pub patrol_passed_ppm: Option<u32>,
}

/// The passes a peer is credited with before its own patrols count, out of
/// [`PATROL_PRIOR_PATROLS`]: a new peer weighs as one that passed 4 patrols in 5, so that it
/// is not sunk by one unlucky patrol, and starts behind peers with a proven record (a failing
/// peer gains little by starting over under a new account, which costs a deposit).
pub const PATROL_PRIOR_PASSED: u32 = 4;
/// The patrols of the prior: see [`PATROL_PRIOR_PASSED`].
pub const PATROL_PRIOR_PATROLS: u32 = 5;

/// The part of its patrols a peer passed, in parts per million, with the prior:
/// `(passed + 4) / (patrols + 5)`.
pub fn patrol_passed_ppm(passed: u32, patrols: u32) -> u32 {
	let passed = u64::from(passed.min(patrols)) + u64::from(PATROL_PRIOR_PASSED);
	let patrols = u64::from(patrols) + u64::from(PATROL_PRIOR_PATROLS);
	(passed * 1_000_000 / patrols) as u32
}

/// The scheduling rule's weights and thresholds (`docs/scheduling.md`). Each factor is scaled
/// to 0..=1 000 000 and multiplied by its weight; the greatest sum wins a slot.
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
pub struct SchedulingRule {
	/// Weight of the storage the peer declared.
	pub total_storage: u32,
	/// Weight of its storage not committed to placements.
	pub available_storage: u32,
	/// Weight of its online duration (periods with a heartbeat).
	pub online: u32,
	/// Weight of the number of common peers attached to it.
	pub commons: u32,
	/// Weight of its redundant common peers: how many copies beyond the first of everything
	/// it holds, this file included, its common peers' storage could keep.
	pub redundant_commons: u32,
	/// Weight of its common peers' spare storage (their storage less what it holds).
	pub commons_spare: u32,
	/// Weight of being in a region none of the order's storing peers picked before is in.
	pub diversity: u32,
	/// Weight of the random factor drawn from chain randomness when the election closes.
	pub random: u32,
	/// Online periods at which the online factor is full.
	pub online_saturation: u32,
	/// A candidate qualifies only with a heartbeat in the last this many periods.
	pub online_within: u32,
}

impl Default for SchedulingRule {
	/// The launch weights (`docs/scheduling.md` argues them): free space and location first,
	/// then uptime; a tenth random.
	fn default() -> Self {
		Self {
			total_storage: 10,
			available_storage: 25,
			online: 15,
			commons: 5,
			redundant_commons: 5,
			commons_spare: 10,
			diversity: 20,
			random: 10,
			online_saturation: 8_640,
			online_within: 2,
		}
	}
}

impl SchedulingRule {
	/// The most a weight may be: sums stay far below `u128` and every weight stays meaningful.
	pub const MAX_WEIGHT: u32 = 1_000;

	/// Whether the rule is usable: weights within [`Self::MAX_WEIGHT`], some weight non-zero,
	/// saturation and window at least one period.
	pub fn is_valid(&self) -> bool {
		let weights = [
			self.total_storage,
			self.available_storage,
			self.online,
			self.commons,
			self.redundant_commons,
			self.commons_spare,
			self.diversity,
			self.random,
		];
		weights.iter().all(|w| *w <= Self::MAX_WEIGHT)
			&& weights.iter().any(|w| *w > 0)
			&& self.online_saturation > 0
			&& self.online_within > 0
	}
}

/// The holders of a file, for the runtime API and the SDK.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo)]
pub struct HolderView<AccountId> {
	/// The professional peer.
	pub peer: AccountId,
	/// The order it holds the file for.
	pub order: OrderId,
	/// Its slot among the order's storing peers: 0 is the primary, the others backups.
	pub slot: u8,
	/// Whether it confirmed (else it is still fetching).
	pub confirmed: bool,
	/// Its data plane's endpoint, as the registry lists it (`http://host:port`).
	pub endpoint: Vec<u8>,
}

/// A common peer that keeps backup copies of a professional peer's files (whitepaper ch.2 §5
/// ii), for the runtime API and the SDK: it serves them when the professional peer is down.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo)]
pub struct BackupView<AccountId> {
	/// The common peer.
	pub common: AccountId,
	/// The professional peer it backs up.
	pub professional: AccountId,
	/// Its data plane's endpoint, as the registry lists it (`http://host:port`).
	pub endpoint: Vec<u8>,
}

/// The prefix of the off-chain storage key under which a storing peer's node notes that its
/// content store holds a whole file, checked against its hash index and length.
pub const STORED_FILE_PREFIX: &[u8] = b"spacebook/stored-file/";

/// The off-chain storage key of the note that `peer`'s node holds the file `hash_index` of
/// `length` bytes: the data plane writes it (SCALE-encoded `true`) when the file is complete and
/// checked; the scheduling pallet's off-chain worker confirms the peer's placements of the file
/// from it.
pub fn stored_file_key<AccountId: Encode>(
	peer: &AccountId,
	hash_index: &HashIndex,
	length: u64,
) -> Vec<u8> {
	let mut key = STORED_FILE_PREFIX.to_vec();
	key.extend((peer, hash_index, length).encode());
	key
}

/// An order and its placements, for the runtime API.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo)]
pub struct OrderView<AccountId, Balance, BlockNumber> {
	/// The order.
	pub order: StorageOrder<AccountId, Balance>,
	/// Its placements: the storing slots in slot order, then the reserves.
	pub placements: Vec<Placement<AccountId, BlockNumber>>,
	/// Its popular-file terms, if its DApp set them.
	pub popular: Option<PopularityTerms>,
	/// Its demand in the latest period its holders reported: `(period, bytes)`.
	pub demand: Option<(u32, u64)>,
}

/// A DApp's terms for the extra copies of a popular file (whitepaper ch.2 §4: popular files
/// are deployed and distributed automatically): when the file's traffic that the DApp paid for
/// in a ledgering period reaches `bytes_per_copy` for each storing copy, the chain adds a copy,
/// paid from the DApp's funds like the order's own, up to `max_replicas` copies in all.
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
pub struct PopularityTerms {
	/// The most storing copies the order may grow to.
	pub max_replicas: u8,
	/// Bytes a period per storing copy at which a copy is added.
	pub bytes_per_copy: u64,
	/// Copies added and counted now (set by the chain, not by the DApp).
	pub added: u8,
	/// Elections granted for added copies, one each, also for copies dropped since (set by the
	/// chain): the order may hold `MaxAttempts + granted` elections.
	pub granted: u8,
}

/// A storing peer's count of the bytes its data plane served of the files it holds for orders
/// with [`PopularityTerms`] in one ledgering period, in sessions the order's DApp paid for;
/// signed by its node's peer key.
#[derive(
	Encode, Decode, DecodeWithMemTracking, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen,
)]
pub struct DemandReport<AccountId, Files> {
	/// The storing (professional) peer.
	pub peer: AccountId,
	/// The ledgering period counted.
	pub period: u32,
	/// `(order, bytes served)`, a bounded list with each order once.
	pub files: Files,
}

/// The domain tag of a demand report's signature:
/// `(DEMAND_CONTEXT, genesis hash, report)` SCALE-encoded.
pub const DEMAND_CONTEXT: &[u8; 16] = b"spacebook/demand";

/// An order's demand in the latest ledgering period its holders reported.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen)]
pub struct OrderDemand<Reporters> {
	/// The period.
	pub period: u32,
	/// Bytes its holders reported served in it.
	pub bytes: u64,
	/// The holders that reported it (each once).
	pub reporters: Reporters,
	/// Whether a copy was added for this period's demand.
	pub raised: bool,
}

/// The prefix of the off-chain storage key under which a storing peer's node counts the bytes
/// its data plane served of a file, per paying DApp.
pub const SERVED_BYTES_PREFIX: &[u8] = b"spacebook/served-bytes/";

/// The off-chain storage key of [`ServedBytes`] of the file `hash_index` that `peer`'s data plane
/// served in sessions `dapp` paid for: the node adds to it as it serves files it stores by an
/// order; the scheduling pallet's off-chain worker reports it for the peer's orders with
/// [`PopularityTerms`]. One key per file and DApp, whatever the period.
pub fn served_bytes_key<AccountId: Encode>(
	peer: &AccountId,
	hash_index: &HashIndex,
	dapp: &AccountId,
) -> Vec<u8> {
	let mut key = SERVED_BYTES_PREFIX.to_vec();
	key.extend((peer, hash_index, dapp).encode());
	key
}

/// Bytes of a file a node served for a DApp in the latest ledgering period it served any, and
/// in the period before that one.
#[derive(Encode, Decode, Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct ServedBytes {
	/// The latest period counted.
	pub period: u32,
	/// Bytes served in it.
	pub bytes: u64,
	/// Bytes served in the period before it (zero if none were).
	pub previous: u64,
}

impl ServedBytes {
	/// Count `bytes` served in `period` (a period before the latest counted is ignored).
	pub fn add(&mut self, period: u32, bytes: u64) {
		if period == self.period {
			self.bytes = self.bytes.saturating_add(bytes);
		} else if period > self.period {
			self.previous = if period == self.period.saturating_add(1) { self.bytes } else { 0 };
			self.period = period;
			self.bytes = bytes;
		}
	}

	/// Bytes counted for `period`.
	pub fn of(&self, period: u32) -> u64 {
		if period == self.period {
			self.bytes
		} else if period.saturating_add(1) == self.period {
			self.previous
		} else {
			0
		}
	}
}

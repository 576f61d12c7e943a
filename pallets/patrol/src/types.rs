//! The pallet's types: its parameters, a period's record, a batch's record.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_runtime::Perbill;
use spacebook_patrol_primitives::PatrolDraw;

/// The largest part of the peers' emission governance may reserve for patrol rewards: patrols
/// check the work Proof-of-Traffic pays for; they must not pay more than a small part of it.
pub const MAX_PATROL_SHARE: Perbill = Perbill::from_percent(10);

/// What governance sets of patrols ([`crate::Pallet::set_parameters`]).
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
pub struct PatrolParameters {
	/// The part of each period's peers' emission reserved for patrol rewards (at most
	/// [`MAX_PATROL_SHARE`]).
	pub share: Perbill,
	/// The serving peers a scheduling peer is expected to patrol at random in a period.
	pub expected: u32,
	/// The passes of a period paid: each earns `share ÷ rewarded_passes` of the peers' emission.
	pub rewarded_passes: u32,
	/// Periods a wrong answer is remembered: a second within them suspends the peer.
	pub failure_memory: u32,
}

/// A period's patrols.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen)]
pub struct PeriodPatrols<Balance, Batches> {
	/// Its draw.
	pub draw: PatrolDraw,
	/// The part of its peers' emission reserved for patrol rewards.
	pub share: Perbill,
	/// What a rewarded pass earns.
	pub reward_per_pass: Balance,
	/// The passes it pays at most.
	pub rewarded_passes: u32,
	/// The passes paid.
	pub passes_paid: u32,
	/// What they were paid.
	pub paid: Balance,
	/// Periods a wrong answer is remembered.
	pub failure_memory: u32,
	/// The batches taken, in the order they came.
	pub batches: Batches,
}

/// A batch taken.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen)]
pub struct BatchRecord<AccountId> {
	/// The scheduling peer.
	pub scheduler: AccountId,
	/// The commitment to its tasks' inputs and the answers.
	pub inputs: [u8; 32],
	/// The results it carried.
	pub results: u32,
}

/// A serving peer a failed audit asks to be patrolled.
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
pub struct PatrolRequest {
	/// The period of the failed audit.
	pub since: u32,
	/// Patrols of it since that went unanswered.
	pub unanswered: u8,
}

/// Unanswered patrols after which a request ends: the peer is warned (`PatrolFailed`) — it
/// failed an audit and then answered none of three patrols — and leaves the requested peers,
/// whom every batch patrols first.
pub const MAX_UNANSWERED_REQUESTS: u8 = 3;

/// Why a result was not recorded.
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
pub enum SkipReason {
	/// The peer is no longer a serving peer that may earn (suspended, leaving, gone).
	NotServing,
	/// The peer's patrol in that period (or a later one) was already recorded.
	AlreadyPatrolled,
	/// The scheduling peer's draw did not select the peer (or it registered in the period or
	/// after), and no failed audit requests it (another batch may have answered the request).
	NotDrawn,
}

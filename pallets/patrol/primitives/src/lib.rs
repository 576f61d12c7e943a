//! Patrols' types (issue 19, `docs/patrol.md`), shared by `pallet-patrol`, its runtime API, the
//! node's patrol worker and the CLI.
//!
//! - **The draw.** Each ledgering period the chain fixes a [`PatrolDraw`]: a seed from the
//!   chain's randomness, the number of serving peers and how many of them a scheduling peer is
//!   expected to patrol. A scheduling peer signs the seed with its node key's VRF
//!   ([`vrf_sign_data`]); the output ([`draw_output`]) selects its targets ([`is_drawn`]). Only
//!   the scheduling peer can compute its output before it shows it, so no serving peer can tell
//!   from public state whether it will be patrolled in a period; the chain checks the proof, so
//!   no scheduling peer can choose whom it patrols.
//! - **The results.** A [`PatrolBatch`] carries a scheduling peer's results of one period, with
//!   a commitment to the tasks' inputs and answers so that a result can be audited later.
//! - **The quality figure.** [`PatrolQuality`]: what patrols measured of a peer.
#![cfg_attr(not(feature = "std"), no_std)]
#![warn(missing_docs)]

extern crate alloc;

use alloc::vec::Vec;

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use serde::{Deserialize, Serialize};
use sp_arithmetic::Perbill;
use sp_core::sr25519::{
	self,
	vrf::{VrfInput, VrfSignData, VrfSignature, VrfTranscript},
};

/// The VRF transcript label of the patrol draw.
const VRF_LABEL: &[u8] = b"spacebook-patrol-draw";
/// The context deriving a draw's output from its VRF pre-output.
pub const VRF_OUTPUT_CONTEXT: &[u8] = b"spacebook-patrol-output";
/// The context of a target's score under a draw's output.
pub const TARGET_CONTEXT: &[u8] = b"spacebook/patrol-target";
/// The context of what a scheduling peer's node key signs to submit a batch.
pub const BATCH_CONTEXT: &[u8] = b"spacebook/patrol-batch";
/// The prefix of the off-chain storage keys where the node's patrol worker leaves a finished
/// batch for the runtime's off-chain worker to sign and send ([`batch_key`]).
pub const BATCH_KEY_PREFIX: &[u8] = b"spacebook/patrol-batch/";
/// The length of an encoded VRF signature (pre-output and proof).
pub const VRF_SIGNATURE_LENGTH: usize = 96;

/// A VRF signature, encoded: kept as bytes in calls and storage, decoded where it is checked.
pub type DrawProof = [u8; VRF_SIGNATURE_LENGTH];

/// What the chain fixed for a period's patrols when the period began.
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
pub struct PatrolDraw {
	/// The ledgering period.
	pub period: u32,
	/// The seed scheduling peers sign with their VRF: the chain's randomness at the period's
	/// first block.
	pub seed: [u8; 32],
	/// The serving (professional and common) peers registered then.
	pub population: u32,
	/// The serving peers one scheduling peer is expected to patrol at random in the period.
	pub expected: u32,
}

/// The VRF input of the patrol draw of `period` under `seed`.
pub fn vrf_input(seed: &[u8; 32], period: u32) -> VrfInput {
	VrfTranscript::new(VRF_LABEL, &[(b"seed", seed.as_slice()), (b"period", &period.to_le_bytes())])
}

/// What a scheduling peer's node key signs with its VRF for the draw of `period`.
pub fn vrf_sign_data(seed: &[u8; 32], period: u32) -> VrfSignData {
	vrf_input(seed, period).into_sign_data()
}

/// The output of `public`'s draw for `period` under `seed`, if `proof` is a valid VRF signature
/// of `public` on it.
pub fn draw_output(
	public: &sr25519::Public,
	seed: &[u8; 32],
	period: u32,
	proof: &DrawProof,
) -> Option<[u8; 32]> {
	use sp_core::crypto::VrfPublic;
	let signature = VrfSignature::decode(&mut &proof[..]).ok()?;
	if !public.vrf_verify(&vrf_sign_data(seed, period), &signature) {
		return None;
	}
	public
		.make_bytes::<32>(VRF_OUTPUT_CONTEXT, &vrf_input(seed, period), &signature.pre_output)
		.ok()
}

/// A peer's score under a draw's output: uniform over `u64` for every peer, unknowable without
/// the output.
pub fn target_score(output: &[u8; 32], peer: &impl Encode) -> u64 {
	let hash = sp_io::hashing::blake2_256(&(TARGET_CONTEXT, output, peer).encode());
	u64::from_le_bytes(hash[..8].try_into().expect("32 bytes hold 8"))
}

/// The score below which a peer is drawn, so that `expected` of `population` peers are drawn
/// on average (all of them when `expected ≥ population`; none when the population is empty).
pub fn draw_threshold(expected: u32, population: u32) -> u64 {
	if population == 0 {
		return 0;
	}
	let scaled = (u128::from(u64::MAX) + 1) * u128::from(expected) / u128::from(population);
	u64::try_from(scaled).unwrap_or(u64::MAX)
}

/// Whether `peer` is drawn by `output` in `draw`.
pub fn is_drawn(output: &[u8; 32], peer: &impl Encode, draw: &PatrolDraw) -> bool {
	let threshold = draw_threshold(draw.expected, draw.population);
	threshold == u64::MAX || target_score(output, peer) < threshold
}

/// The off-chain storage key where the node's patrol worker leaves the batch of `period` of
/// the scheduling peer whose node key is `node_key` (its public key's bytes).
pub fn batch_key(period: u32, node_key: &[u8]) -> Vec<u8> {
	(BATCH_KEY_PREFIX, period, node_key).encode()
}

/// What a patrol checked.
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
pub enum PatrolCheck {
	/// A sort task.
	Sort,
	/// A batch of signature checks.
	VerifySignatures,
	/// A compression task.
	Compress,
	/// A floating-point matrix task.
	MatrixPower,
	/// The digest of a range of a file the peer is placed to hold (large-file I/O).
	FileDigest,
	/// A slice of a file the peer is placed to hold, downloaded and checked against its hash
	/// index.
	Slice,
}

/// How a patrol of a peer ended.
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
pub enum PatrolOutcome {
	/// Every check was answered correctly.
	Passed,
	/// The peer answered a check wrongly: a wrong result or a corrupt slice. The first such
	/// check.
	WrongAnswer(PatrolCheck),
	/// The peer did not answer a check (refused, timed out or unreachable), and answered none
	/// wrongly. The first such check.
	Unanswered(PatrolCheck),
}

/// One patrolled peer's result in a batch.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	Clone,
	PartialEq,
	Eq,
	Debug,
	TypeInfo,
	MaxEncodedLen,
	Serialize,
	Deserialize,
)]
pub struct PatrolResult<AccountId> {
	/// The patrolled peer.
	pub peer: AccountId,
	/// How many checks it was given.
	pub checks: u8,
	/// How it ended.
	pub outcome: PatrolOutcome,
	/// The median time to the first byte of its answers, in milliseconds (0 if none came).
	pub latency_ms: u32,
	/// Its answers' bytes over their transfer time, in KiB/s (0 if none came).
	pub throughput_kib_s: u32,
}

/// A scheduling peer's patrol results of one period.
#[derive(
	Encode, Decode, DecodeWithMemTracking, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen,
)]
pub struct PatrolBatch<AccountId, Results> {
	/// The scheduling peer.
	pub scheduler: AccountId,
	/// The period whose draw chose the targets.
	pub period: u32,
	/// Its node key's VRF signature on the period's draw ([`vrf_sign_data`]).
	pub draw: DrawProof,
	/// A commitment to the tasks' inputs and the answers received: the BLAKE2-256 hash of the
	/// SCALE encoding of every target's (peer, tasks, answers' hashes), which the scheduling peer
	/// keeps, so that a result can be audited later.
	pub inputs: [u8; 32],
	/// The results, one per patrolled peer.
	pub results: Results,
}

/// What patrols measured of a peer: the quality figure in its view, for the scheduling rule.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Default,
	TypeInfo,
	MaxEncodedLen,
	Serialize,
	Deserialize,
)]
pub struct PatrolQuality {
	/// Patrols recorded.
	pub patrols: u32,
	/// Of which passed.
	pub passed: u32,
	/// Of which answered wrongly.
	pub wrong: u32,
	/// Of which unanswered.
	pub unanswered: u32,
	/// Passes paid the patrol reward (a period pays its first passes only).
	pub rewarded: u32,
	/// Time to first byte, in milliseconds: a moving average over answered patrols (each new
	/// one weighs an eighth).
	pub latency_ms: u32,
	/// Throughput, in KiB/s: a moving average over answered patrols (an eighth each).
	pub throughput_kib_s: u32,
	/// The period of the last patrol recorded.
	pub last_period: u32,
	/// The period of the last wrong answer, if any.
	pub last_wrong: Option<u32>,
}

impl PatrolQuality {
	/// The part of patrols not passed: wrong or unanswered.
	pub fn error_rate(&self) -> Perbill {
		Perbill::from_rational(self.wrong.saturating_add(self.unanswered), self.patrols.max(1))
	}

	/// Record a patrol of `period`.
	pub fn record<AccountId>(&mut self, result: &PatrolResult<AccountId>, period: u32) {
		let first_answer = self.passed == 0 && self.wrong == 0;
		self.patrols = self.patrols.saturating_add(1);
		self.last_period = period;
		match result.outcome {
			PatrolOutcome::Passed => self.passed = self.passed.saturating_add(1),
			PatrolOutcome::WrongAnswer(_) => {
				self.wrong = self.wrong.saturating_add(1);
				self.last_wrong = Some(period);
			}
			PatrolOutcome::Unanswered(_) => {
				self.unanswered = self.unanswered.saturating_add(1);
				return;
			}
		}
		let average = |old: u32, new: u32| {
			if first_answer {
				new
			} else {
				((u64::from(old) * 7 + u64::from(new)) / 8) as u32
			}
		};
		self.latency_ms = average(self.latency_ms, result.latency_ms);
		self.throughput_kib_s = average(self.throughput_kib_s, result.throughput_kib_s);
	}
}

/// Told by the traffic pallet when a serving peer's report fails its audit (the patrol
/// pallet: it requests a patrol of the peer).
pub trait OnAuditFailed<AccountId> {
	/// `peer`'s traffic report of `period` failed its audit.
	fn audit_failed(peer: &AccountId, period: u32);
}

impl<AccountId> OnAuditFailed<AccountId> for () {
	fn audit_failed(_: &AccountId, _: u32) {}
}

/// What the traffic pallet's settlement leaves of a period's peers' emission for others (the
/// patrol pallet: the patrol rewards' part).
pub trait PeersShareReserve<Balance> {
	/// The part of `peers`, the peers' emission of `period`, reserved for others: settlement
	/// pays Proof-of-Traffic rewards from the rest.
	fn reserved(period: u32, peers: Balance) -> Balance;
}

impl<Balance: sp_arithmetic::traits::Zero> PeersShareReserve<Balance> for () {
	fn reserved(_: u32, _: Balance) -> Balance {
		Balance::zero()
	}
}

/// A peer a scheduling peer's draw selects, for its patrol worker.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo)]
pub struct PatrolTarget<AccountId> {
	/// The peer.
	pub peer: AccountId,
	/// Whether it is patrolled because a failed Proof-of-Traffic audit requested it (rather
	/// than drawn at random).
	pub requested: bool,
	/// Its data plane's endpoint (empty if it registered none).
	pub endpoint: Vec<u8>,
}

#[cfg(test)]
mod tests {
	use super::*;
	use sp_core::{crypto::VrfSecret, Pair};

	fn proof(pair: &sr25519::Pair, seed: &[u8; 32], period: u32) -> DrawProof {
		pair.vrf_sign(&vrf_sign_data(seed, period)).encode().try_into().expect("96 bytes")
	}

	#[test]
	fn a_draw_verifies_only_for_its_key_seed_and_period() {
		let alice = sr25519::Pair::from_string("//Alice", None).unwrap();
		let bob = sr25519::Pair::from_string("//Bob", None).unwrap();
		let seed = [7u8; 32];
		let signed = proof(&alice, &seed, 5);
		let output = draw_output(&alice.public(), &seed, 5, &signed).expect("valid");
		assert_eq!(draw_output(&alice.public(), &seed, 5, &signed), Some(output), "deterministic");
		assert_eq!(draw_output(&bob.public(), &seed, 5, &signed), None, "another key");
		assert_eq!(draw_output(&alice.public(), &seed, 6, &signed), None, "another period");
		assert_eq!(draw_output(&alice.public(), &[8u8; 32], 5, &signed), None, "another seed");
		let mut forged = signed;
		forged[40] ^= 1;
		assert_eq!(draw_output(&alice.public(), &seed, 5, &forged), None, "a forged proof");
		// The same key signs the same draw to the same output (a VRF): no grinding.
		assert_eq!(draw_output(&alice.public(), &seed, 5, &proof(&alice, &seed, 5)), Some(output));
		assert_ne!(draw_output(&bob.public(), &seed, 5, &proof(&bob, &seed, 5)), Some(output));
	}

	#[test]
	fn the_threshold_draws_the_expected_share() {
		assert_eq!(draw_threshold(1, 0), 0);
		assert_eq!(draw_threshold(4, 4), u64::MAX);
		assert_eq!(draw_threshold(9, 4), u64::MAX);
		assert_eq!(draw_threshold(0, 4), 0);
		assert_eq!(draw_threshold(1, 2), 1 << 63);
		// 4 of 1 000 peers: over many outputs, about 4 drawn per output.
		let draw = PatrolDraw { period: 1, seed: [0; 32], population: 1000, expected: 4 };
		let drawn: usize = (0u32..200)
			.map(|o| {
				let output = sp_io::hashing::blake2_256(&o.encode());
				(0u32..1000).filter(|peer| is_drawn(&output, peer, &draw)).count()
			})
			.sum();
		assert!((640..=960).contains(&drawn), "{drawn} drawn in 200 draws, 800 expected");
		let everyone = PatrolDraw { expected: 1000, ..draw };
		assert!((0u32..1000).all(|peer| is_drawn(&[1; 32], &peer, &everyone)));
	}

	#[test]
	fn quality_averages_answered_patrols_and_counts_errors() {
		let mut q = PatrolQuality::default();
		assert_eq!(q.error_rate(), Perbill::zero());
		let result = |outcome, latency_ms, throughput_kib_s| PatrolResult {
			peer: 1u32,
			checks: 2,
			outcome,
			latency_ms,
			throughput_kib_s,
		};
		q.record(&result(PatrolOutcome::Unanswered(PatrolCheck::Sort), 0, 0), 3);
		assert_eq!((q.patrols, q.unanswered, q.latency_ms), (1, 1, 0));
		q.record(&result(PatrolOutcome::Passed, 80, 8000), 4);
		assert_eq!((q.latency_ms, q.throughput_kib_s), (80, 8000), "the first answer sets them");
		q.record(&result(PatrolOutcome::WrongAnswer(PatrolCheck::Slice), 160, 0), 5);
		assert_eq!((q.latency_ms, q.throughput_kib_s), (90, 7000));
		assert_eq!(
			(q.patrols, q.passed, q.wrong, q.last_period, q.last_wrong),
			(3, 1, 1, 5, Some(5))
		);
		assert_eq!(q.error_rate(), Perbill::from_rational(2u32, 3));
	}
}

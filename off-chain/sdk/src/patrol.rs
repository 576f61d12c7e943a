//! Patrols (`docs/patrol.md`): a scheduling peer's node checks a serving peer as a DApp's
//! client does, with the same endpoints, kinds of task and receipts, and verifies every answer.
//!
//! [`Client::patrol`] runs, in an order drawn from the patrol's seed: a sort and a compression
//! (each recomputed, not spot-checked), and for a file the peer is placed to hold, a slice
//! checked against the file's hash index (large-file I/O). Every input is drawn from the seed,
//! which the scheduling peer derives from its secret VRF output: the peer cannot predict them.
//! The inputs look like a DApp's: integers of a random width, English text, a slice of a file
//! DApps download. Tasks only a test would send (a matrix power, a signature batch with
//! forgeries, the digest of bytes the client just downloaded) are not used.

use crate::{Client, Endpoint, Error};
use codec::Encode;
use rand::{rngs::StdRng, seq::SliceRandom, Rng, SeedableRng};
use spacebook_compute::{Answer, Task};
use spacebook_dataplane_protocol::content::{slice_count, Digest};
use spacebook_patrol_primitives::{PatrolCheck, PatrolOutcome};
use spacebook_scheduling_primitives::FileRef;
use std::time::{Duration, Instant};

/// The fewest integers a patrol's sort has.
pub const MIN_SORT_ITEMS: usize = 1_000;
/// The most integers a patrol's sort has (512 KiB of input): DApps' sorts of that size are
/// common, and a patrol must not cost a peer more than a DApp's task does.
pub const MAX_SORT_ITEMS: usize = 64 << 10;
/// The fewest bytes a patrol compresses.
pub const MIN_COMPRESS_BYTES: usize = 16 << 10;
/// The most bytes a patrol compresses.
pub const MAX_COMPRESS_BYTES: usize = 512 << 10;
/// How long a patrol waits for one check's answer before it counts it unanswered.
pub const CHECK_TIMEOUT: Duration = Duration::from_secs(60);

/// One check of a patrol: what was asked, what came back (BLAKE2-256 digests of their SCALE
/// encodings; zero when nothing came), for the batch's commitment.
#[derive(Clone, Debug, PartialEq, Eq, Encode)]
pub struct CheckRecord {
	/// What was checked.
	pub check: PatrolCheck,
	/// The digest of the input (the task, or the file's hash index and the slice).
	pub input: [u8; 32],
	/// The digest of the answer (zero if none).
	pub answer: [u8; 32],
	/// Whether the answer was right.
	pub right: bool,
}

/// What a patrol of a peer found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PatrolReport {
	/// The checks run.
	pub checks: Vec<CheckRecord>,
	/// How it ended: the first wrong answer, else the first unanswered check, else passed.
	pub outcome: PatrolOutcome,
	/// The median time an answered check took to answer, in milliseconds.
	pub latency_ms: u32,
	/// The answered checks' answer bytes over their time, in KiB/s.
	pub throughput_kib_s: u32,
	/// The first check answered wrongly through the relay but rightly when asked directly:
	/// the relay (or the peer, telling addresses apart) is suspect; the check is unanswered.
	pub relay_suspect: Option<PatrolCheck>,
}

/// How a check ended.
enum Checked {
	Right { bytes: usize, took: Duration },
	Wrong,
	Unanswered,
}

/// What one check asks: a task, or a slice of a placed file.
#[derive(Clone)]
enum Input {
	Task(Task),
	Slice(FileRef, u64),
}

/// How a check that went through a relay ends, given its direct re-ask (with a fresh input):
/// `(outcome, whether the relay is suspect)`. A wrong answer through the relay counts only
/// if the direct answer is not right: wrong, or none at all — the relay cannot touch the
/// direct path, and a peer must not escape by leaving the re-ask unanswered. Answered rightly
/// directly, the check is unanswered and the relay suspect (or the peer answers addresses
/// differently: docs/patrol.md).
fn confirmed(direct: &Checked) -> (Checked, bool) {
	match direct {
		Checked::Right { .. } => (Checked::Unanswered, true),
		Checked::Wrong | Checked::Unanswered => (Checked::Wrong, false),
	}
}

/// A check's input drawn from `rng`: a sort of integers of a random width, English prose to
/// compress, or a slice of `file`.
fn draw_input(check: PatrolCheck, rng: &mut StdRng, file: Option<FileRef>) -> Option<Input> {
	Some(match check {
		PatrolCheck::Sort => {
			let n = log_uniform(rng, MIN_SORT_ITEMS, MAX_SORT_ITEMS);
			// Identifiers, timestamps, counters: integers of some width, not all 64 bits.
			let bits = rng.gen_range(16..=64u32);
			let mask = if bits == 64 { u64::MAX } else { (1u64 << bits) - 1 };
			Input::Task(Task::Sort((0..n).map(|_| rng.gen::<u64>() & mask).collect()))
		}
		PatrolCheck::Compress => {
			let len = log_uniform(rng, MIN_COMPRESS_BYTES, MAX_COMPRESS_BYTES);
			let level = rng.gen_range(1..=spacebook_compute::MAX_COMPRESS_LEVEL);
			Input::Task(Task::Compress { level, data: text_like(rng, len) })
		}
		PatrolCheck::Slice => {
			let file = file?;
			Input::Slice(file, rng.gen_range(0..slice_count(file.length)))
		}
		PatrolCheck::FileDigest | PatrolCheck::VerifySignatures | PatrolCheck::MatrixPower => {
			return None
		}
	})
}

impl Client {
	/// Patrol the serving peer at `endpoint` (one of the client's peers) with checks drawn from
	/// `seed`; `files` are files it is placed to hold (for a slice; none: no I/O check), which
	/// it must hold if `must_hold` (a professional peer's confirmed placements: a file or slice
	/// it says it lacks is a wrong answer; a common peer's backups may still be copying).
	/// Every answer is verified in full; answers are paid like a DApp's.
	pub async fn patrol(
		&self,
		endpoint: &Endpoint,
		seed: [u8; 32],
		files: &[FileRef],
		must_hold: bool,
	) -> PatrolReport {
		self.patrol_through(endpoint, None, seed, files, must_hold).await
	}

	/// [`patrol`](Self::patrol) through a relay (`endpoint` made [`via`](Endpoint::via) one),
	/// with `alternate`, the same peer through another relay, for checks the first leaves
	/// unanswered (a relay that refuses or drops tunnels must not cost the peer its record).
	///
	/// A relay sees and carries the answers: a check answered wrongly through a relay is asked
	/// again directly, with a fresh input drawn from the seed (a repeated input would tell the
	/// peer which request is the re-ask), and counts as wrong unless the direct answer is
	/// right; answered rightly directly, the check is unanswered and the report names it in
	/// [`PatrolReport::relay_suspect`].
	pub async fn patrol_through(
		&self,
		endpoint: &Endpoint,
		alternate: Option<&Endpoint>,
		seed: [u8; 32],
		files: &[FileRef],
		must_hold: bool,
	) -> PatrolReport {
		let mut rng = StdRng::from_seed(seed);
		// The re-asks' inputs, from a seed of their own: the checks' inputs do not depend on
		// whether a re-ask happened.
		let mut reasks = StdRng::from_seed(digest(&(b"spacebook/patrol-reask", seed)));
		let mut plan = vec![PatrolCheck::Sort, PatrolCheck::Compress];
		let file = files.choose(&mut rng).copied().filter(|f| f.length > 0);
		if file.is_some() {
			plan.push(PatrolCheck::Slice);
		}
		plan.shuffle(&mut rng);
		let mut records = Vec::new();
		let (mut wrong, mut unanswered, mut relay_suspect) = (None, None, None);
		let (mut bytes, mut took, mut times) = (0usize, Duration::ZERO, Vec::new());
		for check in plan {
			let Some(input) = draw_input(check, &mut rng, file) else { continue };
			let (mut record, mut checked) =
				self.run_check(endpoint, check, &input, must_hold).await;
			if let (Checked::Unanswered, Some(alternate)) = (&checked, alternate) {
				log::debug!(target: "patrol", "{endpoint}: {check:?} unanswered; through {alternate}");
				(record, checked) = self.run_check(alternate, check, &input, must_hold).await;
			}
			if matches!(checked, Checked::Wrong) && endpoint.relay().is_some() {
				let fresh = draw_input(check, &mut reasks, file).expect("drawn above");
				let (direct_record, direct) =
					self.run_check(&endpoint.direct(), check, &fresh, must_hold).await;
				let (outcome, suspect) = confirmed(&direct);
				if suspect {
					// The report names it; the caller says so (the node's worker warns).
					log::debug!(
						target: "patrol",
						"{endpoint}: {check:?} answered wrongly through the relay, rightly \
						 directly: unanswered"
					);
					relay_suspect.get_or_insert(check);
				} else {
					record = direct_record;
				}
				checked = outcome;
			}
			match checked {
				Checked::Right { bytes: b, took: t } => {
					bytes += b;
					took += t;
					times.push(t);
				}
				Checked::Wrong => {
					wrong.get_or_insert(check);
				}
				Checked::Unanswered => {
					unanswered.get_or_insert(check);
				}
			}
			records.push(record);
		}
		times.sort();
		let latency_ms =
			times.get(times.len() / 2).map_or(0, |t| t.as_millis().min(u32::MAX as u128) as u32);
		let throughput_kib_s = if took.is_zero() {
			0
		} else {
			((bytes as f64 / 1024.0) / took.as_secs_f64()).min(u32::MAX as f64) as u32
		};
		let outcome = match (wrong, unanswered) {
			(Some(check), _) => PatrolOutcome::WrongAnswer(check),
			(None, Some(check)) => PatrolOutcome::Unanswered(check),
			(None, None) => PatrolOutcome::Passed,
		};
		PatrolReport { checks: records, outcome, latency_ms, throughput_kib_s, relay_suspect }
	}

	/// Ask the peer at `endpoint` one check and verify the answer.
	async fn run_check(
		&self,
		endpoint: &Endpoint,
		check: PatrolCheck,
		input: &Input,
		must_hold: bool,
	) -> (CheckRecord, Checked) {
		match input {
			Input::Task(task) => self.check_task(endpoint, check, task, None).await,
			Input::Slice(file, slice) => {
				let input = digest(&(file, slice));
				let started = Instant::now();
				let fetched = tokio::time::timeout(
					CHECK_TIMEOUT,
					self.fetch_slice(endpoint, &Digest(file.hash_index), *slice),
				)
				.await
				.unwrap_or_else(|_| {
					Err(Error::Unreachable(endpoint.to_string(), "timed out".into()))
				});
				match fetched {
					Ok(data) => {
						let record = CheckRecord {
							check,
							input,
							answer: digest(&data.to_vec()),
							right: true,
						};
						(record, Checked::Right { bytes: data.len(), took: started.elapsed() })
					}
					Err(e) => {
						// A corrupt slice or a broken answer is wrong; so is a file it must hold
						// that it says it lacks (or whose slice list does not add up).
						let lacks =
							matches!(e, Error::NotFound(_) | Error::Peer { status: 404 | 416, .. });
						let checked =
							if matches!(e, Error::CorruptSlice { .. } | Error::Protocol(_))
								|| (must_hold && lacks)
							{
								Checked::Wrong
							} else {
								log::debug!(target: "patrol", "{endpoint}: slice unanswered: {e}");
								Checked::Unanswered
							};
						(CheckRecord { check, input, answer: [0; 32], right: false }, checked)
					}
				}
			}
		}
	}

	/// Run `task` on the peer and verify its answer in full (`file_bytes`: the bytes a file
	/// digest reads, already checked; none for the kernels a patrol runs).
	async fn check_task(
		&self,
		endpoint: &Endpoint,
		check: PatrolCheck,
		task: &Task,
		file_bytes: Option<&[u8]>,
	) -> (CheckRecord, Checked) {
		let input = digest(task);
		let started = Instant::now();
		let ran = tokio::time::timeout(CHECK_TIMEOUT, self.run_task(endpoint, task))
			.await
			.unwrap_or_else(|_| Err(Error::Unreachable(endpoint.to_string(), "timed out".into())));
		match ran {
			Ok(outcome) => {
				let took = started.elapsed();
				let right = spacebook_compute::verify(task, &outcome.answer, file_bytes).is_ok();
				let record = CheckRecord { check, input, answer: digest(&outcome.answer), right };
				let checked = if right {
					Checked::Right { bytes: answer_len(&outcome.answer), took }
				} else {
					Checked::Wrong
				};
				(record, checked)
			}
			Err(e) => {
				let checked = if matches!(e, Error::WrongAnswer { .. } | Error::Protocol(_)) {
					Checked::Wrong
				} else {
					log::debug!(target: "patrol", "{endpoint}: {check:?} unanswered: {e}");
					Checked::Unanswered
				};
				(CheckRecord { check, input, answer: [0; 32], right: false }, checked)
			}
		}
	}
}

/// The BLAKE2-256 digest of `value`'s SCALE encoding.
pub fn digest(value: &impl Encode) -> [u8; 32] {
	sp_crypto_hashing::blake2_256(&value.encode())
}

/// The commitment a batch carries: the digest of every patrolled peer's checks.
pub fn commitment<AccountId: Encode>(patrols: &[(AccountId, Vec<CheckRecord>)]) -> [u8; 32] {
	digest(&patrols)
}

fn answer_len(answer: &Answer) -> usize {
	answer.encoded_size()
}

/// A size between `min` and `max`, uniform in its logarithm (small tasks are more common).
fn log_uniform(rng: &mut StdRng, min: usize, max: usize) -> usize {
	let (lo, hi) = ((min as f64).ln(), (max as f64).ln());
	(rng.gen_range(lo..=hi).exp() as usize).clamp(min, max)
}

/// `len` bytes of English prose from common words, compressing as text does.
fn text_like(rng: &mut StdRng, len: usize) -> Vec<u8> {
	const WORDS: [&str; 64] = [
		"the", "of", "and", "to", "a", "in", "is", "it", "you", "that", "he", "was", "for", "on",
		"are", "with", "as", "his", "they", "be", "at", "one", "have", "this", "from", "or", "had",
		"by", "word", "but", "what", "some", "we", "can", "out", "other", "were", "all", "there",
		"when", "up", "use", "your", "how", "said", "an", "each", "she", "which", "do", "their",
		"time", "if", "will", "way", "about", "many", "then", "them", "write", "would", "like",
		"so", "these",
	];
	let mut out = Vec::with_capacity(len + 16);
	while out.len() < len {
		out.extend_from_slice(WORDS[rng.gen_range(0..WORDS.len())].as_bytes());
		out.push(if rng.gen_ratio(1, 12) { b'\n' } else { b' ' });
	}
	out.truncate(len);
	out
}

#[cfg(test)]
mod tests {
	use super::*;

	/// Finding H1 of the stop-39 review: a wrong answer through a relay followed by no
	/// answer to the direct re-ask was unanswered, so a cheater escaped every penalty by
	/// dropping the re-ask. Only a right direct answer clears the peer (and makes the relay
	/// suspect).
	#[test]
	fn a_relayed_wrong_answer_stands_unless_the_direct_answer_is_right() {
		let right = Checked::Right { bytes: 1, took: Duration::from_millis(1) };
		assert!(matches!(confirmed(&Checked::Wrong), (Checked::Wrong, false)));
		assert!(matches!(confirmed(&Checked::Unanswered), (Checked::Wrong, false)));
		assert!(matches!(confirmed(&right), (Checked::Unanswered, true)));
	}

	/// A re-ask's input is fresh (a repeat would tell the peer which request is the re-ask)
	/// and of the same kind; the checks' own inputs do not depend on re-asks.
	#[test]
	fn a_reask_draws_a_fresh_input_of_the_same_kind() {
		let file = FileRef { hash_index: [1; 32], length: 40 << 20 };
		let mut rng = StdRng::from_seed([3; 32]);
		let mut reasks = StdRng::from_seed(digest(&(b"spacebook/patrol-reask", [3u8; 32])));
		for check in [PatrolCheck::Sort, PatrolCheck::Compress, PatrolCheck::Slice] {
			let first = draw_input(check, &mut rng, Some(file)).unwrap();
			let again = draw_input(check, &mut reasks, Some(file)).unwrap();
			match (&first, &again) {
				(Input::Task(a), Input::Task(b)) => {
					assert_ne!(a, b);
					assert_eq!(core::mem::discriminant(a), core::mem::discriminant(b));
				}
				(Input::Slice(f, _), Input::Slice(g, _)) => assert_eq!(f, g),
				_ => panic!("{check:?}: another kind"),
			}
		}
		assert!(draw_input(PatrolCheck::Slice, &mut rng, None).is_none());
		assert!(draw_input(PatrolCheck::MatrixPower, &mut rng, Some(file)).is_none());
	}
}

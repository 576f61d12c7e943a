//! # Compute tasks
//!
//! The standard kernels a serving peer runs for DApps on inputs they send or name — the
//! whitepaper's patrol features (ch.2 §5 v): "sorting algorithm, ellipse encryption/decryption
//! algorithm, file compression, floating point operation and large-file I/O". A patrol is the
//! same task sent by a patrol client key, so that a peer cannot tell it from a DApp's
//! (docs/patrol.md).
//!
//! ## Terms
//!
//! - **Task**: a kernel and its input ([`Task`]), SCALE-encoded on the wire, within the bounds
//!   [`Task::check`] enforces (each kernel's input size and work).
//! - **Answer**: what the kernel returns ([`Answer`]); [`run`] computes it.
//! - **Cost**: a task's price in *traffic-equivalent bytes* ([`Task::cost`]): its input and
//!   answer bytes plus its work, each unit of work counted as the bytes a 1 Gbit/s link sends
//!   in the time the kernel takes for it on one core. A serving peer counts a task's cost
//!   against the session's credit window and the client's receipts like downloaded bytes, so
//!   compute is paid at the traffic price, through Proof-of-Traffic, without a second ledger.
//! - **Verification** ([`verify`]): whether an answer is right. Every kernel's answer can be
//!   checked by recomputing it; sorting, signatures and compression are checked more cheaply
//!   (order and content, the known validity, decompression).
//!
//! The kernels are deterministic on every platform: integers, BLAKE3, the signature schemes'
//! verification, and IEEE-754 double arithmetic in a fixed order without fused operations.
#![warn(missing_docs)]

mod compress;
mod matrix;
mod signatures;

use codec::{Decode, Encode};

pub use compress::{deflate, inflate_within};
pub use matrix::matrix_power;
pub use signatures::{Scheme, SignatureCheck};

/// The most bytes a task's encoding may take (its input): 16 MiB.
pub const MAX_TASK_BYTES: usize = 16 << 20;
/// The most integers a sort task sorts: 2 Mi (16 MiB).
pub const MAX_SORT_ITEMS: usize = 2 << 20;
/// The most signatures one task checks.
pub const MAX_SIGNATURE_CHECKS: usize = 4_096;
/// The longest message a signature check names.
pub const MAX_SIGNED_MESSAGE: usize = 4_096;
/// The most bytes a compression task compresses.
pub const MAX_COMPRESS_BYTES: usize = 16 << 20;
/// The highest DEFLATE level a task asks: 3. miniz's higher levels search longer hash chains:
/// on adversarial input (random over three symbols) level 6 took 6 times and level 10 60 times
/// level 3's time, for a few percent of size on real data (docs/benchmarks.md).
pub const MAX_COMPRESS_LEVEL: u8 = 3;
/// The largest matrix a matrix task multiplies (256 × 256 doubles).
pub const MAX_MATRIX_SIZE: u16 = 256;
/// The most multiplications a matrix task chains.
pub const MAX_MATRIX_ROUNDS: u8 = 8;
/// The most bytes of a stored file one file-digest task reads: 256 MiB.
pub const MAX_DIGEST_BYTES: u64 = 256 << 20;

/// What each kernel's work costs in traffic-equivalent bytes (see the crate's terms): about
/// twice its single-core time on the reference machine at 1 Gbit/s (one byte every 8 ns), so
/// that a slower server is not paid less than its time (`scripts/bench-compute.sh`,
/// docs/benchmarks.md, "Compute kernels").
pub mod unit_cost {
	/// Sorting: comparison steps (`items × ⌈log₂ items⌉`) a byte (measured ≈ 0.9 ns a step).
	pub const SORT_STEPS_PER_BYTE: u64 = 4;
	/// Signature verification: bytes a signature (measured ≈ 40 µs for either scheme).
	pub const SIGNATURE: u64 = 8_192;
	/// Compression: bytes an input byte, at any level up to [`MAX_COMPRESS_LEVEL`](crate::MAX_COMPRESS_LEVEL) (measured at most
	/// ≈ 26 ns a byte, on random input, and on three symbols at level 3).
	pub const COMPRESS_BYTE: u64 = 6;
	/// Matrix multiplication: multiply-adds a byte (measured ≈ 0.23 ns each).
	pub const MULTIPLY_ADDS_PER_BYTE: u64 = 16;
	/// File digest: bytes a byte read (a stored byte read is priced like a byte sent).
	pub const DIGEST_BYTE: u64 = 1;
}

/// A compute task: a kernel and its input.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug)]
pub enum Task {
	/// Sort unsigned 64-bit integers in ascending order.
	Sort(Vec<u64>),
	/// Check signatures: for each, whether its signature is its public key's over its message.
	VerifySignatures(Vec<SignatureCheck>),
	/// Compress `data` with DEFLATE (RFC 1951, raw) at `level` (0 stores, 3 is the
	/// smallest).
	Compress {
		/// The compression level, `0..=MAX_COMPRESS_LEVEL`.
		level: u8,
		/// The bytes to compress.
		data: Vec<u8>,
	},
	/// Multiply a `size × size` matrix of doubles generated from `seed` by itself `rounds`
	/// times, each product scaled back to entries of at most 1 ([`matrix_power`]).
	MatrixPower {
		/// The seed the matrix's entries are drawn from (BLAKE3's output stream).
		seed: [u8; 32],
		/// Rows and columns, `1..=MAX_MATRIX_SIZE`.
		size: u16,
		/// Products chained, `1..=MAX_MATRIX_ROUNDS`.
		rounds: u8,
	},
	/// Read `length` bytes at `offset` of a file the peer stores and hash them with BLAKE3:
	/// large-file I/O.
	FileDigest {
		/// The file's hash index.
		hash_index: [u8; 32],
		/// The first byte read.
		offset: u64,
		/// Bytes read, `1..=MAX_DIGEST_BYTES`.
		length: u64,
	},
}

/// What a task returns.
#[derive(Encode, Decode, Clone, PartialEq, Debug)]
pub enum Answer {
	/// The integers in ascending order.
	Sorted(Vec<u64>),
	/// Each check's outcome, in the task's order.
	Valid(Vec<bool>),
	/// The DEFLATE stream.
	Compressed(Vec<u8>),
	/// The final matrix's BLAKE3 digest (its entries' IEEE-754 bits, little-endian, row by
	/// row) and its trace.
	Matrix {
		/// The digest of the final matrix.
		digest: [u8; 32],
		/// The sum of its diagonal.
		trace: f64,
	},
	/// The BLAKE3 digest of the bytes read.
	Digest([u8; 32]),
}

/// Why a task is refused or fails; nothing is computed nor charged for a refused task.
#[derive(thiserror::Error, Clone, PartialEq, Eq, Debug)]
pub enum TaskError {
	/// The task's encoding is not a task.
	#[error("the task does not decode")]
	Malformed,
	/// The task's input is larger than its kernel takes.
	#[error("the task is too large: {0}")]
	TooLarge(&'static str),
	/// A parameter is outside its kernel's range.
	#[error("the task's parameters are out of range: {0}")]
	BadParameters(&'static str),
	/// A file-digest task names a file the peer does not store, or bytes beyond its end.
	#[error("no such bytes stored: {0}")]
	NotStored(String),
}

/// Where a serving peer reads the files a file-digest task names.
pub trait FileSource {
	/// The BLAKE3 digest of the `length` bytes at `offset` of the file `hash_index`, or why
	/// not ([`digest_reader`] hashes a reader positioned at `offset`).
	fn digest(&self, hash_index: &[u8; 32], offset: u64, length: u64) -> Result<[u8; 32], String>;
}

/// The bytes a file digest reads at a time: its memory stays at a slice whatever its length.
pub const DIGEST_CHUNK: usize = 1 << 20;

/// The BLAKE3 digest of the next `length` bytes of `reader`, read [`DIGEST_CHUNK`] at a time;
/// an error if the reader ends before.
pub fn digest_reader(mut reader: impl std::io::Read, length: u64) -> std::io::Result<[u8; 32]> {
	let mut hasher = blake3::Hasher::new();
	let mut chunk =
		vec![0u8; usize::try_from(length).map_or(DIGEST_CHUNK, |l| l.min(DIGEST_CHUNK))];
	let mut left = length;
	while left > 0 {
		let n = (left.min(chunk.len() as u64)) as usize;
		reader.read_exact(&mut chunk[..n])?;
		hasher.update(&chunk[..n]);
		left -= n as u64;
	}
	Ok(*hasher.finalize().as_bytes())
}

impl Task {
	/// Decode a task from a request body of at most [`MAX_TASK_BYTES`], all of it, and check
	/// its bounds.
	pub fn from_body(body: &[u8]) -> Result<Self, TaskError> {
		if body.len() > MAX_TASK_BYTES {
			return Err(TaskError::TooLarge("the request body"));
		}
		let mut input = body;
		let task = Task::decode(&mut input).map_err(|_| TaskError::Malformed)?;
		if !input.is_empty() {
			return Err(TaskError::Malformed);
		}
		task.check()?;
		Ok(task)
	}

	/// Whether the task is within its kernel's bounds.
	pub fn check(&self) -> Result<(), TaskError> {
		match self {
			Task::Sort(items) if items.len() > MAX_SORT_ITEMS => {
				Err(TaskError::TooLarge("more integers than a sort takes"))
			}
			Task::VerifySignatures(checks) if checks.len() > MAX_SIGNATURE_CHECKS => {
				Err(TaskError::TooLarge("more signatures than a task checks"))
			}
			Task::VerifySignatures(checks)
				if checks.iter().any(|c| c.message.len() > MAX_SIGNED_MESSAGE) =>
			{
				Err(TaskError::TooLarge("a signed message is too long"))
			}
			Task::Compress { data, .. } if data.len() > MAX_COMPRESS_BYTES => {
				Err(TaskError::TooLarge("more bytes than a compression takes"))
			}
			Task::Compress { level, .. } if *level > MAX_COMPRESS_LEVEL => {
				Err(TaskError::BadParameters("a compression level above 3"))
			}
			Task::MatrixPower { size, rounds, .. }
				if !(1..=MAX_MATRIX_SIZE).contains(size)
					|| !(1..=MAX_MATRIX_ROUNDS).contains(rounds) =>
			{
				Err(TaskError::BadParameters("a matrix size or rounds out of range"))
			}
			Task::FileDigest { length, offset, .. }
				if *length == 0
					|| *length > MAX_DIGEST_BYTES
					|| offset.checked_add(*length).is_none() =>
			{
				Err(TaskError::BadParameters("a digest's length out of range"))
			}
			_ => Ok(()),
		}
	}

	/// The task's cost in traffic-equivalent bytes: its encoded input, the largest answer it
	/// may return, and its work ([`unit_cost`]). Known before it runs, so that a serving peer
	/// takes it only within the session's credit window.
	pub fn cost(&self) -> u64 {
		let input = self.encoded_size() as u64;
		let work = match self {
			Task::Sort(items) => {
				let n = items.len() as u64;
				let steps = n.saturating_mul(u64::from(ceil_log2(n)));
				steps.div_ceil(unit_cost::SORT_STEPS_PER_BYTE)
			}
			Task::VerifySignatures(checks) => {
				(checks.len() as u64).saturating_mul(unit_cost::SIGNATURE)
			}
			Task::Compress { data, .. } => {
				(data.len() as u64).saturating_mul(unit_cost::COMPRESS_BYTE)
			}
			Task::MatrixPower { size, rounds, .. } => {
				let n = u64::from(*size);
				let adds = n.pow(3).saturating_mul(u64::from(*rounds));
				adds.div_ceil(unit_cost::MULTIPLY_ADDS_PER_BYTE)
			}
			Task::FileDigest { length, .. } => length.saturating_mul(unit_cost::DIGEST_BYTE),
		};
		input.saturating_add(self.max_answer_len()).saturating_add(work)
	}

	/// The largest answer the task may return, in bytes of payload (its encoding adds a
	/// variant byte and a length of at most five): what a client reads of an answer at most.
	pub fn max_answer_len(&self) -> u64 {
		match self {
			Task::Sort(items) => (items.len() as u64).saturating_mul(8),
			Task::VerifySignatures(checks) => checks.len() as u64,
			Task::Compress { data, .. } => compress::max_deflated_len(data.len()) as u64,
			Task::MatrixPower { .. } => 40,
			Task::FileDigest { .. } => 32,
		}
	}
}

/// ⌈log₂ n⌉, at least 1.
fn ceil_log2(n: u64) -> u32 {
	(u64::BITS - n.saturating_sub(1).leading_zeros()).max(1)
}

/// Run a checked task; file-digest tasks read from `files`.
pub fn run(task: &Task, files: &impl FileSource) -> Result<Answer, TaskError> {
	task.check()?;
	Ok(match task {
		Task::Sort(items) => {
			let mut sorted = items.clone();
			sorted.sort_unstable();
			Answer::Sorted(sorted)
		}
		Task::VerifySignatures(checks) => {
			Answer::Valid(checks.iter().map(SignatureCheck::is_valid).collect())
		}
		Task::Compress { level, data } => Answer::Compressed(deflate(data, *level)),
		Task::MatrixPower { seed, size, rounds } => {
			let (digest, trace) = matrix_power(seed, *size, *rounds);
			Answer::Matrix { digest, trace }
		}
		Task::FileDigest { hash_index, offset, length } => Answer::Digest(
			files.digest(hash_index, *offset, *length).map_err(TaskError::NotStored)?,
		),
	})
}

/// Why an answer is wrong.
#[derive(thiserror::Error, Clone, PartialEq, Eq, Debug)]
pub enum WrongAnswer {
	/// The answer is of another kernel than the task.
	#[error("an answer of another kind")]
	Kind,
	/// The answer is not what the task computes.
	#[error("a wrong result: {0}")]
	Result(&'static str),
}

/// Whether `answer` is `task`'s: sorting is checked for order and content, signatures by
/// checking them, compression by decompressing (within the input's length) and by its length
/// against a reference stream at the level asked (a stored copy is no compression), the matrix
/// by recomputing it; a file digest needs the bytes (`file_bytes`, which the verifier checks
/// against the file's hash index on its own).
pub fn verify(task: &Task, answer: &Answer, file_bytes: Option<&[u8]>) -> Result<(), WrongAnswer> {
	let right = match (task, answer) {
		(Task::Sort(items), Answer::Sorted(sorted)) => {
			let mut expected = items.clone();
			expected.sort_unstable();
			&expected == sorted
		}
		(Task::VerifySignatures(checks), Answer::Valid(valid)) => {
			valid.len() == checks.len() && checks.iter().zip(valid).all(|(c, v)| c.is_valid() == *v)
		}
		(Task::Compress { data, level }, Answer::Compressed(stream)) => {
			// Compressed at the level asked, not stored: at most the reference stream's
			// length and a percent.
			let reference = deflate(data, *level).len();
			stream.len() <= reference.saturating_add(reference / 100).saturating_add(16)
				&& inflate_within(stream, data.len()).is_some_and(|inflated| &inflated == data)
		}
		(Task::MatrixPower { seed, size, rounds }, Answer::Matrix { digest, trace }) => {
			let (expected, expected_trace) = matrix_power(seed, *size, *rounds);
			&expected == digest && expected_trace.to_bits() == trace.to_bits()
		}
		(Task::FileDigest { length, .. }, Answer::Digest(digest)) => match file_bytes {
			Some(bytes) => {
				bytes.len() as u64 == *length && blake3::hash(bytes).as_bytes() == digest
			}
			None => return Err(WrongAnswer::Result("no bytes to check the digest against")),
		},
		_ => return Err(WrongAnswer::Kind),
	};
	if right {
		Ok(())
	} else {
		Err(WrongAnswer::Result(kernel_name(task)))
	}
}

/// Whether `answer` may be `task`'s, by the checks cheaper than the kernel (what a client runs
/// on every answer before it pays): the answer's kind and size; a sort's answer ascending and
/// of the same integers (a keyed sum and xor of their mixes, `key` the client's secret, so
/// that a peer cannot aim at a collision); a compressed stream inflating to the input, within
/// the longest stream the input may give. Signatures, the matrix and a file digest are checked
/// for their shape only: [`verify`] recomputes them.
pub fn spot_check(task: &Task, answer: &Answer, key: u64) -> Result<(), WrongAnswer> {
	let right = match (task, answer) {
		(Task::Sort(items), Answer::Sorted(sorted)) => {
			let mix = |x: u64| {
				let mut z = (x ^ key).wrapping_add(0x9e37_79b9_7f4a_7c15);
				z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
				z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
				z ^ (z >> 31)
			};
			let fold = |v: &[u64]| {
				v.iter().fold((0u64, 0u64), |(s, x), i| (s.wrapping_add(mix(*i)), x ^ mix(*i)))
			};
			sorted.len() == items.len()
				&& sorted.windows(2).all(|w| w[0] <= w[1])
				&& fold(items) == fold(sorted)
		}
		(Task::VerifySignatures(checks), Answer::Valid(valid)) => valid.len() == checks.len(),
		(Task::Compress { data, .. }, Answer::Compressed(stream)) => {
			stream.len() <= compress::max_deflated_len(data.len())
				&& inflate_within(stream, data.len()).is_some_and(|inflated| &inflated == data)
		}
		(Task::MatrixPower { .. }, Answer::Matrix { trace, .. }) => trace.is_finite(),
		(Task::FileDigest { .. }, Answer::Digest(_)) => true,
		_ => return Err(WrongAnswer::Kind),
	};
	if right {
		Ok(())
	} else {
		Err(WrongAnswer::Result(kernel_name(task)))
	}
}

/// The kernel's name, as the task endpoint's path names it.
pub fn kernel_name(task: &Task) -> &'static str {
	match task {
		Task::Sort(_) => "sort",
		Task::VerifySignatures(_) => "verify-signatures",
		Task::Compress { .. } => "compress",
		Task::MatrixPower { .. } => "matrix-power",
		Task::FileDigest { .. } => "file-digest",
	}
}

#[cfg(test)]
mod tests;

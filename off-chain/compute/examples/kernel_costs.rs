//! Measure each compute kernel's time per unit of work on this machine, in release, and the
//! traffic-equivalent bytes it is worth at 1 Gbit/s (8 ns a byte), next to what
//! `spacebook_compute::unit_cost` charges for it (`scripts/bench-compute.sh`;
//! docs/benchmarks.md).

use spacebook_compute::*;
use std::time::Instant;

/// Best of `tries` runs of `f`, in nanoseconds.
fn best_ns(tries: u32, mut f: impl FnMut()) -> f64 {
	(0..tries)
		.map(|_| {
			let started = Instant::now();
			f();
			started.elapsed().as_nanos() as f64
		})
		.fold(f64::INFINITY, f64::min)
}

struct NoFiles;
impl FileSource for NoFiles {
	fn digest(&self, _: &[u8; 32], _: u64, _: u64) -> Result<[u8; 32], String> {
		Err("none".into())
	}
}

/// One line: the time per unit of work, the bytes it is worth at 1 Gbit/s, and what the task's
/// cost charges for it (`charged`, bytes a unit).
fn report(kernel: &str, unit: &str, ns_per_unit: f64, charged: f64) {
	let worth = ns_per_unit / 8.0;
	println!(
		"{kernel:<22} {ns_per_unit:>10.2} ns a {unit:<20} worth {worth:>9.3} bytes, charged {charged:>9.3} ({:.1}×)",
		charged / worth
	);
}

fn main() {
	// Sorting: 2 Mi pseudo-random integers.
	let n = MAX_SORT_ITEMS;
	let mut x = 0x9e37_79b9_7f4a_7c15u64;
	let items: Vec<u64> = (0..n)
		.map(|_| {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			x
		})
		.collect();
	let task = Task::Sort(items);
	let ns = best_ns(5, || {
		run(&task, &NoFiles).unwrap();
	});
	let steps = n as f64 * (n as f64).log2().ceil();
	report("sort", "comparison step", ns / steps, 1.0 / unit_cost::SORT_STEPS_PER_BYTE as f64);

	// Signatures: 256 sr25519 and 256 ed25519 checks of 1 KiB messages.
	use sp_core::Pair as _;
	for scheme in [Scheme::Sr25519, Scheme::Ed25519] {
		let message = vec![7u8; 1_024];
		let check = match scheme {
			Scheme::Sr25519 => {
				let pair = sp_core::sr25519::Pair::from_string("//Alice", None).unwrap();
				let signature = pair.sign(&message).0;
				SignatureCheck { scheme, public: pair.public().0, message, signature }
			}
			Scheme::Ed25519 => {
				let pair = sp_core::ed25519::Pair::from_string("//Alice", None).unwrap();
				let signature = pair.sign(&message).0;
				SignatureCheck { scheme, public: pair.public().0, message, signature }
			}
		};
		let task = Task::VerifySignatures(vec![check; 256]);
		let ns = best_ns(5, || {
			run(&task, &NoFiles).unwrap();
		});
		report(
			&format!("verify ({scheme:?})"),
			"signature",
			ns / 256.0,
			unit_cost::SIGNATURE as f64,
		);
	}

	// Compression: 16 MiB of text (words of a 512-word vocabulary drawn at random), of random
	// bytes (nothing to find: every match search fails), and of three symbols.
	let mut next = {
		let mut x = 0x2545_f491_4f6c_dd1du64;
		move || {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			x
		}
	};
	let vocabulary: Vec<Vec<u8>> = (0..512)
		.map(|_| (0..3 + next() % 8).map(|_| b'a' + (next() % 26) as u8).collect())
		.collect();
	let mut text = Vec::with_capacity(MAX_COMPRESS_BYTES);
	while text.len() < MAX_COMPRESS_BYTES {
		text.extend_from_slice(&vocabulary[(next() % 512) as usize]);
		text.push(if next() % 12 == 0 { b'\n' } else { b' ' });
	}
	text.truncate(MAX_COMPRESS_BYTES);
	let random: Vec<u8> = (0..MAX_COMPRESS_BYTES).map(|_| next() as u8).collect();
	// Random over three symbols: hash chains stay full while matches stay short, the worst
	// case of the match search.
	let three: Vec<u8> = (0..MAX_COMPRESS_BYTES).map(|_| b"abc"[(next() % 3) as usize]).collect();
	for (input, data) in [("text", &text), ("random", &random), ("3 symbols", &three)] {
		for level in 0..=MAX_COMPRESS_LEVEL {
			let task = Task::Compress { level, data: data.clone() };
			let ns = best_ns(2, || {
				run(&task, &NoFiles).unwrap();
			});
			let name = format!("compress ({input}, {level})");
			report(&name, "input byte", ns / data.len() as f64, unit_cost::COMPRESS_BYTE as f64);
		}
	}

	// Matrix: 256 × 256, 8 rounds.
	let task =
		Task::MatrixPower { seed: [3; 32], size: MAX_MATRIX_SIZE, rounds: MAX_MATRIX_ROUNDS };
	let ns = best_ns(3, || {
		run(&task, &NoFiles).unwrap();
	});
	let adds = f64::from(MAX_MATRIX_SIZE).powi(3) * f64::from(MAX_MATRIX_ROUNDS);
	report(
		"matrix-power",
		"multiply-add",
		ns / adds,
		1.0 / unit_cost::MULTIPLY_ADDS_PER_BYTE as f64,
	);

	// File digest: BLAKE3 over 256 MiB in memory (the disk read comes on top).
	let bytes = vec![5u8; MAX_DIGEST_BYTES as usize];
	let ns = best_ns(3, || {
		std::hint::black_box(blake3::hash(&bytes));
	});
	report("file-digest (hash)", "byte", ns / bytes.len() as f64, unit_cost::DIGEST_BYTE as f64);
}

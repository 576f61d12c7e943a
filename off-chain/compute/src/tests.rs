//! Each kernel against known answers (a published test vector, a stream from another DEFLATE
//! implementation, a naive recomputation), the bounds, the cost and the verification.

use super::*;
use sp_core::Pair as _;

/// Files in memory for file-digest tasks.
struct Files(Vec<([u8; 32], Vec<u8>)>);

impl FileSource for Files {
	fn digest(&self, hash_index: &[u8; 32], offset: u64, length: u64) -> Result<[u8; 32], String> {
		let (_, bytes) =
			self.0.iter().find(|(h, _)| h == hash_index).ok_or("not stored".to_string())?;
		let from = bytes.get(offset as usize..).ok_or("beyond the file's end")?;
		digest_reader(from, length).map_err(|e| e.to_string())
	}
}

fn no_files() -> Files {
	Files(Vec::new())
}

fn hex32(s: &str) -> [u8; 32] {
	let mut out = [0u8; 32];
	out.copy_from_slice(&hex::decode(s).unwrap());
	out
}

#[test]
fn sort_orders_ascending_with_duplicates_and_extremes() {
	let task = Task::Sort(vec![5, 3, u64::MAX, 0, 3]);
	let answer = run(&task, &no_files()).unwrap();
	assert_eq!(answer, Answer::Sorted(vec![0, 3, 3, 5, u64::MAX]));
	assert_eq!(verify(&task, &answer, None), Ok(()));
	// Sorted but not the input's integers, or the input's integers unsorted: wrong.
	for wrong in [vec![0, 3, 4, 5, u64::MAX], vec![3, 0, 3, 5, u64::MAX], vec![0, 3, 5, u64::MAX]] {
		assert!(verify(&task, &Answer::Sorted(wrong.clone()), None).is_err());
		assert!(spot_check(&task, &Answer::Sorted(wrong), 0x5eed).is_err());
	}
	assert_eq!(spot_check(&task, &answer, 0x5eed), Ok(()));
	// An answer of another kind, or of the wrong size, fails the spot check too.
	assert_eq!(spot_check(&task, &Answer::Digest([0; 32]), 1), Err(WrongAnswer::Kind));
	let checks = Task::VerifySignatures(vec![]);
	assert!(spot_check(&checks, &Answer::Valid(vec![true]), 1).is_err());
	assert_eq!(run(&Task::Sort(vec![]), &no_files()).unwrap(), Answer::Sorted(vec![]));
}

#[test]
fn ed25519_checks_rfc_8032_test_1_and_refuses_a_changed_bit() {
	// RFC 8032 §7.1, TEST 1: the empty message.
	let secret = hex32("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
	let public = hex32("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
	let mut signature = [0u8; 64];
	signature.copy_from_slice(
		&hex::decode(
			"e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bac\
			 c61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
		)
		.unwrap(),
	);
	assert_eq!(sp_core::ed25519::Pair::from_seed(&secret).public().0, public);
	let good = SignatureCheck { scheme: Scheme::Ed25519, public, message: vec![], signature };
	let mut flipped = good.clone();
	flipped.signature[10] ^= 1;
	let other_message = SignatureCheck { message: b"x".to_vec(), ..good.clone() };
	let task = Task::VerifySignatures(vec![good, flipped, other_message]);
	let answer = run(&task, &no_files()).unwrap();
	assert_eq!(answer, Answer::Valid(vec![true, false, false]));
	assert_eq!(verify(&task, &answer, None), Ok(()));
	assert!(verify(&task, &Answer::Valid(vec![true, true, false]), None).is_err());
	assert!(verify(&task, &Answer::Valid(vec![true, false]), None).is_err());
}

#[test]
fn sr25519_signatures_of_the_chains_scheme_verify_and_forgeries_do_not() {
	let pair = sp_core::sr25519::Pair::from_string("//Alice", None).unwrap();
	let message = b"spacebook patrol".to_vec();
	let signature = pair.sign(&message).0;
	let good =
		SignatureCheck { scheme: Scheme::Sr25519, public: pair.public().0, message, signature };
	// Another key's public key; the ed25519 scheme named for an sr25519 signature.
	let bob = sp_core::sr25519::Pair::from_string("//Bob", None).unwrap();
	let wrong_key = SignatureCheck { public: bob.public().0, ..good.clone() };
	let wrong_scheme = SignatureCheck { scheme: Scheme::Ed25519, ..good.clone() };
	let task = Task::VerifySignatures(vec![good, wrong_key, wrong_scheme]);
	assert_eq!(run(&task, &no_files()).unwrap(), Answer::Valid(vec![true, false, false]));
}

#[test]
fn deflate_reads_another_implementations_stream_and_round_trips() {
	// zlib's raw DEFLATE (level 9, window bits -15) of "hello hello hello hello".
	let zlib = [203, 72, 205, 201, 201, 87, 200, 64, 39, 1];
	assert_eq!(inflate_within(&zlib, 1 << 10).as_deref(), Some(&b"hello hello hello hello"[..]));
	let data: Vec<u8> = (0..100_000u32).flat_map(|i| (i % 251).to_le_bytes()).collect();
	for level in 0..=MAX_COMPRESS_LEVEL {
		let task = Task::Compress { level, data: data.clone() };
		let answer = run(&task, &no_files()).unwrap();
		let Answer::Compressed(stream) = &answer else { panic!("{answer:?}") };
		assert_eq!(inflate_within(stream, data.len()).as_ref(), Some(&data));
		assert!(stream.len() <= compress::max_deflated_len(data.len()), "level {level}");
		if level > 0 {
			assert!(stream.len() < data.len() / 2, "level {level}: {} bytes", stream.len());
		}
		assert_eq!(verify(&task, &answer, None), Ok(()));
		assert_eq!(spot_check(&task, &answer, 7), Ok(()));
	}
	// Stored, not compressed: inflates right, passes the client's spot check, fails
	// verification at level 3.
	let task = Task::Compress { level: 3, data: data.clone() };
	let stored = Answer::Compressed(deflate(&data, 0));
	assert_eq!(spot_check(&task, &stored, 7), Ok(()));
	assert!(verify(&task, &stored, None).is_err());
	// Another input's stream, a stream cut short, garbage: wrong.
	let task = Task::Compress { level: 3, data: data.clone() };
	let mut other = data.clone();
	other[7] ^= 1;
	let Answer::Compressed(stream) = run(&task, &no_files()).unwrap() else { unreachable!() };
	for wrong in [deflate(&other, 3), stream[..stream.len() / 2].to_vec(), vec![0xff; 100]] {
		assert!(verify(&task, &Answer::Compressed(wrong.clone()), None).is_err());
		assert!(spot_check(&task, &Answer::Compressed(wrong), 7).is_err());
	}
}

#[test]
fn a_verifier_never_inflates_past_the_input_it_sent() {
	// A bomb: a megabyte of zeros in a few hundred bytes, answered to a task of 10 bytes.
	let bomb = deflate(&vec![0u8; 1 << 20], MAX_COMPRESS_LEVEL);
	assert!(bomb.len() < 2_000);
	assert_eq!(inflate_within(&bomb, 10), None);
	let task = Task::Compress { level: 3, data: vec![0; 10] };
	assert!(verify(&task, &Answer::Compressed(bomb.clone()), None).is_err());
	assert!(spot_check(&task, &Answer::Compressed(bomb), 7).is_err());
}

/// The naive product: each entry a sum over `k` in increasing order.
fn naive_power(seed: &[u8; 32], n: usize, rounds: u8) -> Vec<f64> {
	let base = matrix::draw(seed, n);
	let mut m = base.clone();
	for _ in 0..rounds {
		let mut p = vec![0f64; n * n];
		for i in 0..n {
			for j in 0..n {
				let mut sum = 0f64;
				for k in 0..n {
					sum += m[i * n + k] * base[k * n + j];
				}
				p[i * n + j] = sum;
			}
		}
		let greatest = p.iter().fold(0f64, |g, x| g.max(x.abs()));
		m = p.into_iter().map(|x| x / greatest).collect();
	}
	m
}

#[test]
fn the_matrix_kernel_matches_a_naive_product_to_the_bit() {
	for (size, rounds) in [(1u16, 1u8), (2, 1), (7, 3), (32, 2)] {
		let seed = [size as u8; 32];
		let entries = naive_power(&seed, usize::from(size), rounds);
		let mut hasher = blake3::Hasher::new();
		entries.iter().for_each(|x| {
			hasher.update(&x.to_bits().to_le_bytes());
		});
		let n = usize::from(size);
		let trace = (0..n).fold(0f64, |t, i| t + entries[i * n + i]);
		let task = Task::MatrixPower { seed, size, rounds };
		let answer = run(&task, &no_files()).unwrap();
		assert_eq!(
			answer,
			Answer::Matrix { digest: *hasher.finalize().as_bytes(), trace },
			"{size}×{size}, {rounds} rounds"
		);
		assert_eq!(verify(&task, &answer, None), Ok(()));
		// Every entry of the product is at most 1 in magnitude, one of them exactly.
		assert!(entries.iter().all(|x| x.abs() <= 1.0));
		assert!(entries.iter().any(|x| x.abs() == 1.0));
	}
	// 1 × 1: the entry squared, divided by its own magnitude, is 1.
	let task = Task::MatrixPower { seed: [9; 32], size: 1, rounds: 1 };
	let Answer::Matrix { trace, .. } = run(&task, &no_files()).unwrap() else { unreachable!() };
	assert_eq!(trace, 1.0);
}

#[test]
fn matrix_entries_are_drawn_in_range_and_depend_on_the_seed() {
	let a = matrix::draw(&[1; 32], 64);
	assert!(a.iter().all(|x| (-1.0..1.0).contains(x)));
	assert!(a.iter().any(|x| *x < -0.5) && a.iter().any(|x| *x > 0.5));
	assert_ne!(a, matrix::draw(&[2; 32], 64));
	let wrong = Answer::Matrix { digest: [0; 32], trace: 0.0 };
	let task = Task::MatrixPower { seed: [1; 32], size: 4, rounds: 1 };
	assert!(verify(&task, &wrong, None).is_err());
}

#[test]
fn a_file_digest_hashes_exactly_the_range_read() {
	let file: Vec<u8> = (0..5_000_000u32).map(|i| (i * 7 % 256) as u8).collect();
	let hash_index = [0xab; 32];
	let files = Files(vec![(hash_index, file.clone())]);
	let task = Task::FileDigest { hash_index, offset: 1_000, length: 3_000_000 };
	let answer = run(&task, &files).unwrap();
	let range = &file[1_000..3_001_000];
	assert_eq!(answer, Answer::Digest(*blake3::hash(range).as_bytes()));
	assert_eq!(verify(&task, &answer, Some(range)), Ok(()));
	assert!(verify(&task, &answer, Some(&file[0..3_000_000])).is_err());
	assert!(verify(&task, &answer, None).is_err(), "nothing to check against");
	// Beyond the end, or a file not stored: refused.
	let beyond = Task::FileDigest { hash_index, offset: 4_000_000, length: 2_000_000 };
	assert!(matches!(run(&beyond, &files), Err(TaskError::NotStored(_))));
	let unknown = Task::FileDigest { hash_index: [1; 32], offset: 0, length: 1 };
	assert!(matches!(run(&unknown, &files), Err(TaskError::NotStored(_))));
	// Read a chunk at a time: a length across chunks hashes as one.
	let long = 2 * DIGEST_CHUNK as u64 + 17;
	assert_eq!(
		digest_reader(&file[..], long).unwrap(),
		*blake3::hash(&file[..long as usize]).as_bytes()
	);
}

#[test]
fn tasks_beyond_their_bounds_are_refused_before_any_work() {
	let too_many = Task::Sort(vec![0; MAX_SORT_ITEMS + 1]);
	assert!(matches!(too_many.check(), Err(TaskError::TooLarge(_))));
	assert!(matches!(run(&too_many, &no_files()), Err(TaskError::TooLarge(_))));
	let long_message = SignatureCheck {
		scheme: Scheme::Ed25519,
		public: [0; 32],
		message: vec![0; MAX_SIGNED_MESSAGE + 1],
		signature: [0; 64],
	};
	assert!(matches!(
		Task::VerifySignatures(vec![long_message]).check(),
		Err(TaskError::TooLarge(_))
	));
	for bad in [
		Task::Compress { level: MAX_COMPRESS_LEVEL + 1, data: vec![1] },
		Task::MatrixPower { seed: [0; 32], size: 0, rounds: 1 },
		Task::MatrixPower { seed: [0; 32], size: MAX_MATRIX_SIZE + 1, rounds: 1 },
		Task::MatrixPower { seed: [0; 32], size: 2, rounds: 0 },
		Task::MatrixPower { seed: [0; 32], size: 2, rounds: MAX_MATRIX_ROUNDS + 1 },
		Task::FileDigest { hash_index: [0; 32], offset: 0, length: 0 },
		Task::FileDigest { hash_index: [0; 32], offset: 0, length: MAX_DIGEST_BYTES + 1 },
		Task::FileDigest { hash_index: [0; 32], offset: u64::MAX, length: 2 },
	] {
		assert!(matches!(bad.check(), Err(TaskError::BadParameters(_))), "{bad:?}");
	}
	let at_bounds = [
		Task::Compress { level: MAX_COMPRESS_LEVEL, data: vec![0; MAX_COMPRESS_BYTES] },
		Task::MatrixPower { seed: [0; 32], size: MAX_MATRIX_SIZE, rounds: MAX_MATRIX_ROUNDS },
		Task::FileDigest { hash_index: [0; 32], offset: 0, length: MAX_DIGEST_BYTES },
	];
	assert!(at_bounds.iter().all(|t| t.check().is_ok()));
}

#[test]
fn a_body_decodes_to_one_checked_task_or_is_refused() {
	let task = Task::Sort(vec![3, 1, 2]);
	assert_eq!(Task::from_body(&task.encode()), Ok(task.clone()));
	let mut trailing = task.encode();
	trailing.push(0);
	assert_eq!(Task::from_body(&trailing), Err(TaskError::Malformed));
	assert_eq!(Task::from_body(&[0xff, 1, 2]), Err(TaskError::Malformed));
	assert_eq!(Task::from_body(&[]), Err(TaskError::Malformed));
	// A length prefix claiming more integers than the body holds.
	let mut short = Task::Sort(vec![1; 1_000]).encode();
	short.truncate(100);
	assert_eq!(Task::from_body(&short), Err(TaskError::Malformed));
	assert!(matches!(Task::from_body(&vec![0; MAX_TASK_BYTES + 1]), Err(TaskError::TooLarge(_))));
	let bad = Task::MatrixPower { seed: [0; 32], size: 0, rounds: 1 };
	assert!(matches!(Task::from_body(&bad.encode()), Err(TaskError::BadParameters(_))));
}

#[test]
fn a_tasks_cost_covers_its_bytes_and_grows_with_its_work() {
	let sort = |n: usize| Task::Sort(vec![7; n]).cost();
	// Input and answer, 8 bytes an integer each, and n·⌈log₂ n⌉ steps, four a byte.
	assert_eq!(sort(1_024), Task::Sort(vec![7; 1_024]).encode().len() as u64 + 8 * 1_024 + 2_560);
	assert!(sort(2_048) > 2 * sort(1_024));
	let matrix = |size, rounds| Task::MatrixPower { seed: [0; 32], size, rounds }.cost();
	assert!(matrix(256, 8) > 8 * matrix(128, 8) - 1_000);
	assert!(matrix(256, 8) > 7 * matrix(256, 1));
	let compress = |level, n| Task::Compress { level, data: vec![0; n] }.cost();
	assert_eq!(compress(3, 1 << 20), compress(1, 1 << 20), "one price up to level 3");
	assert!(compress(3, 1 << 20) >= (1 << 20) * (1 + unit_cost::COMPRESS_BYTE));
	assert!(compress(3, 2 << 20) > 2 * compress(3, 1 << 20) - 1_000);
	let digest = Task::FileDigest { hash_index: [0; 32], offset: 0, length: 1 << 30 }.cost();
	assert!(digest >= 1 << 30);
	let checks = |n| {
		Task::VerifySignatures(vec![
			SignatureCheck {
				scheme: Scheme::Sr25519,
				public: [0; 32],
				message: vec![],
				signature: [0; 64]
			};
			n
		])
		.cost()
	};
	assert!(checks(100) >= 100 * unit_cost::SIGNATURE);
	// The largest task of each kernel costs less than the most a u64 counts.
	let largest = Task::Sort(vec![u64::MAX; MAX_SORT_ITEMS]).cost();
	assert!(largest < u64::MAX / 2 && largest > 16 << 20);
}

#[test]
fn an_answer_of_another_kernel_is_wrong() {
	let task = Task::Sort(vec![1]);
	assert_eq!(verify(&task, &Answer::Valid(vec![true]), None), Err(WrongAnswer::Kind));
	assert_eq!(kernel_name(&task), "sort");
}

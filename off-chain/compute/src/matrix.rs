//! Floating-point work: chained products of a dense matrix of doubles.
//!
//! The matrix's entries are drawn from BLAKE3's output stream keyed by nothing but the seed:
//! each 8 bytes, little-endian, give `x`, and the entry is `(x >> 11) · 2⁻⁵² − 1` (53 random
//! bits, in `[−1, 1)`). Each round multiplies the running product by the matrix (row by row,
//! each entry summed over `k` in increasing order, no fused multiply-add) and divides every
//! entry by the product's greatest magnitude, so that entries stay at most 1. IEEE-754 makes
//! each operation exact to the bit on every platform, and the order is fixed: the answer is
//! the same wherever it is computed.

/// `(digest, trace)` of the matrix `size × size` drawn from `seed` raised to `rounds + 1` by
/// `rounds` scaled products: the BLAKE3 digest of the final entries' bits (little-endian, row
/// by row) and the sum of its diagonal.
pub fn matrix_power(seed: &[u8; 32], size: u16, rounds: u8) -> ([u8; 32], f64) {
	let n = usize::from(size);
	let base = draw(seed, n);
	let mut product = base.clone();
	let mut next = vec![0f64; n * n];
	for _ in 0..rounds {
		next.iter_mut().for_each(|x| *x = 0.0);
		for i in 0..n {
			for k in 0..n {
				let a = product[i * n + k];
				let row = &base[k * n..(k + 1) * n];
				let out = &mut next[i * n..(i + 1) * n];
				for (o, b) in out.iter_mut().zip(row) {
					*o += a * b;
				}
			}
		}
		let greatest = next.iter().fold(0f64, |m, x| m.max(x.abs()));
		if greatest > 0.0 {
			next.iter_mut().for_each(|x| *x /= greatest);
		}
		core::mem::swap(&mut product, &mut next);
	}
	let mut hasher = blake3::Hasher::new();
	for x in &product {
		hasher.update(&x.to_bits().to_le_bytes());
	}
	let trace = (0..n).fold(0f64, |t, i| t + product[i * n + i]);
	(*hasher.finalize().as_bytes(), trace)
}

/// The `n × n` entries drawn from `seed`, row by row.
pub(crate) fn draw(seed: &[u8; 32], n: usize) -> Vec<f64> {
	let mut stream = blake3::Hasher::new_keyed(seed).finalize_xof();
	let mut entries = Vec::with_capacity(n * n);
	let mut word = [0u8; 8];
	for _ in 0..n * n {
		stream.fill(&mut word);
		let x = u64::from_le_bytes(word);
		entries.push((x >> 11) as f64 * (1.0 / (1u64 << 52) as f64) - 1.0);
	}
	entries
}

//! File compression: raw DEFLATE (RFC 1951) with miniz_oxide, a pure-Rust port of miniz that
//! the Rust ecosystem's `flate2` uses by default.

/// `data` compressed at `level` (0 stores, 10 is the smallest).
pub fn deflate(data: &[u8], level: u8) -> Vec<u8> {
	miniz_oxide::deflate::compress_to_vec(data, level)
}

/// `stream` decompressed, or `None` if it is not a DEFLATE stream or inflates to more than
/// `limit` bytes (a verifier never inflates a bomb beyond the input it sent).
pub fn inflate_within(stream: &[u8], limit: usize) -> Option<Vec<u8>> {
	miniz_oxide::inflate::decompress_to_vec_with_limit(stream, limit).ok()
}

/// The longest DEFLATE stream of `len` bytes: stored blocks of at most 65 535 bytes, each with
/// a 5-byte header, and a final empty block's 5 bytes; compressed streams are shorter than
/// that or a little longer than their input.
pub fn max_deflated_len(len: usize) -> usize {
	len.saturating_add(len.div_ceil(16_383).saturating_mul(5)).saturating_add(64)
}

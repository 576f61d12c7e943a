//! What a serving peer counts of the files it serves, per paying DApp and ledgering period:
//! the demand its node reports for the files it stores for orders with popular-file terms
//! (`docs/scheduling.md`, "Popular files"). The chain caps a report by the DApp's paid traffic
//! in the peer's traffic report, so the count is a plain tally of bytes sent, kept in memory
//! between the node's flushes and bounded. Only the files the node last told it (the ones the
//! chain asks the peer to store) are tallied, so that downloads of other files cannot fill the
//! tallies.

use crate::content::HashIndex;
use parking_lot::Mutex;
use sp_core::crypto::AccountId32;
use std::collections::{HashMap, HashSet};

/// The most `(period, file, DApp)` tallies kept between two flushes: new ones beyond it are
/// not counted (a client cannot grow the node's memory by asking many files).
pub const MAX_TALLIES: usize = 16_384;

/// Bytes served of a file in a period in sessions a DApp paid for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Served {
	/// The ledgering period.
	pub period: u32,
	/// The file.
	pub hash: HashIndex,
	/// The DApp whose session it was.
	pub dapp: AccountId32,
	/// Bytes sent.
	pub bytes: u64,
}

/// The tallies since the last [`take`](ServedCounter::take).
#[derive(Default)]
pub struct ServedCounter {
	tallies: Mutex<HashMap<(u32, HashIndex, AccountId32), u64>>,
	/// The files tallied.
	counted: Mutex<HashSet<HashIndex>>,
}

impl ServedCounter {
	/// Tally the files `files` from now on, and no other.
	pub fn count_only(&self, files: impl IntoIterator<Item = HashIndex>) {
		*self.counted.lock() = files.into_iter().collect();
	}

	/// Count `bytes` of `hash` sent in `period` in a session of `dapp`. Returns whether they
	/// were counted (not for a file not tallied, nor when [`MAX_TALLIES`] other tallies are
	/// kept already).
	pub fn note(&self, period: u32, hash: &HashIndex, dapp: &AccountId32, bytes: u64) -> bool {
		if !self.counted.lock().contains(hash) {
			return false;
		}
		let mut tallies = self.tallies.lock();
		let key = (period, *hash, dapp.clone());
		if let Some(tally) = tallies.get_mut(&key) {
			*tally = tally.saturating_add(bytes);
			return true;
		}
		if tallies.len() >= MAX_TALLIES {
			return false;
		}
		tallies.insert(key, bytes);
		true
	}

	/// The tallies since the last call, emptied.
	pub fn take(&self) -> Vec<Served> {
		std::mem::take(&mut *self.tallies.lock())
			.into_iter()
			.map(|((period, hash, dapp), bytes)| Served { period, hash, dapp, bytes })
			.collect()
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::content::Digest;

	#[test]
	fn tallies_add_up_per_period_file_and_dapp_and_stay_bounded() {
		let counter = ServedCounter::default();
		let (a, b) = (Digest([1; 32]), Digest([2; 32]));
		let (d, e) = (AccountId32::new([7; 32]), AccountId32::new([8; 32]));
		// Nothing is tallied before the node names the files.
		assert!(!counter.note(3, &a, &d, 10));
		counter.count_only([a, b]);
		assert!(counter.note(3, &a, &d, 10));
		assert!(counter.note(3, &a, &d, 5));
		assert!(counter.note(3, &a, &e, 1));
		assert!(counter.note(4, &a, &d, 2));
		assert!(counter.note(3, &b, &d, 3));
		let mut served = counter.take();
		served.sort_by_key(|s| (s.period, s.hash.0, s.dapp.clone()));
		let got: Vec<_> =
			served.iter().map(|s| (s.period, s.hash, s.dapp.clone(), s.bytes)).collect();
		assert_eq!(
			got,
			vec![
				(3, a, d.clone(), 15),
				(3, a, e.clone(), 1),
				(3, b, d.clone(), 3),
				(4, a, d.clone(), 2)
			]
		);
		assert!(counter.take().is_empty());
		// A file the node did not name is not tallied.
		assert!(!counter.note(3, &Digest([9; 32]), &d, 1));
		// A flood of distinct tallies stops at the bound; known tallies still count.
		let files: Vec<Digest> = (0..=MAX_TALLIES as u32)
			.map(|i| {
				let mut hash = [0u8; 32];
				hash[..4].copy_from_slice(&i.to_le_bytes());
				Digest(hash)
			})
			.collect();
		counter.count_only(files.iter().copied());
		for hash in &files[..MAX_TALLIES] {
			assert!(counter.note(1, hash, &d, 1));
		}
		assert!(!counter.note(1, &files[MAX_TALLIES], &d, 1));
		assert!(counter.note(1, &files[0], &d, 1));
		assert_eq!(counter.take().len(), MAX_TALLIES);
	}
}

//! What a serving peer counts of the files it serves, per paying DApp and ledgering period:
//! the demand its node reports for the files it stores for orders with popular-file terms
//! (`docs/scheduling.md`, "Popular files"). The chain caps a report by the DApp's paid traffic
//! in the peer's traffic report, so the count is a plain tally of bytes sent, kept in memory
//! between the node's flushes and bounded.

use crate::content::HashIndex;
use parking_lot::Mutex;
use sp_core::crypto::AccountId32;
use std::collections::HashMap;

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
}

impl ServedCounter {
	/// Count `bytes` of `hash` sent in `period` in a session of `dapp`. Returns whether they
	/// were counted (not when [`MAX_TALLIES`] other tallies are kept already).
	pub fn note(&self, period: u32, hash: &HashIndex, dapp: &AccountId32, bytes: u64) -> bool {
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
		// A flood of distinct files stops at the bound; known tallies still count.
		for i in 0..MAX_TALLIES as u32 {
			let mut hash = [0u8; 32];
			hash[..4].copy_from_slice(&i.to_le_bytes());
			assert!(counter.note(1, &Digest(hash), &d, 1));
		}
		assert!(!counter.note(1, &Digest([0xff; 32]), &d, 1));
		assert!(counter.note(1, &Digest([0; 32]), &d, 1));
		assert_eq!(counter.take().len(), MAX_TALLIES);
	}
}

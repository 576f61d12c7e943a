//! `traffic_*` JSON-RPC methods of a serving peer's node.
//!
//! The data plane hands the receipts its clients signed to its own node with
//! `traffic_submitReceipt`. The node verifies each receipt and keeps the latest receipt of each
//! stream in its off-chain storage, under the key `pallet-traffic`'s off-chain worker reads
//! (`spacebook_receipts::store`). The worker reports them and answers the audits.
//! The method writes to the node's storage, so it is unsafe: a node serves it only on its own
//! RPC (`--rpc-methods unsafe`, or `auto` on localhost).

use codec::Decode;
use jsonrpsee::{
	core::RpcResult,
	proc_macros::rpc,
	types::{error::ErrorCode, ErrorObjectOwned},
	Extensions,
};
use sp_core::{offchain::OffchainStorage, Bytes, H256};
use spacebook_receipts::{
	store::{self, KeepError, OffchainKv},
	SignedReceipt,
};
use spacebook_runtime::AccountId;

const TOO_MANY_STREAMS: &str = "the client key has as many streams with this peer in the period \
	as one key may (MAX_STREAMS_PER_KEY_PERIOD)";

/// The `traffic_*` methods.
#[rpc(server)]
pub trait TrafficApi {
	/// Keep a client-signed receipt (a SCALE-encoded `SignedReceipt`) for the off-chain
	/// worker to report. Returns whether it changed what is kept: `false` if the receipt of the
	/// same stream kept already has as many bytes.
	#[method(name = "traffic_submitReceipt", with_extensions)]
	fn submit_receipt(&self, receipt: Bytes) -> RpcResult<bool>;

	/// The receipts kept for `server` and `period`: how many, and their bytes.
	#[method(name = "traffic_keptReceipts")]
	fn kept_receipts(&self, server: AccountId, period: u32) -> RpcResult<(u32, u64)>;
}

/// The `traffic_*` methods over the node's off-chain storage.
pub struct Traffic<S> {
	storage: S,
	genesis_hash: H256,
}

impl<S> Traffic<S> {
	/// Serve over `storage` for the chain whose genesis is `genesis_hash`.
	pub fn new(storage: S, genesis_hash: H256) -> Self {
		Traffic { storage, genesis_hash }
	}
}

fn invalid(message: &str) -> ErrorObjectOwned {
	ErrorObjectOwned::owned(ErrorCode::InvalidParams.code(), message.to_owned(), None::<()>)
}

/// Keep `signed` (already verified) in `storage` where the off-chain worker reports from,
/// unless the receipt kept for its stream has as many bytes. Returns whether it changed what is
/// kept; an error if the receipt's client key has
/// [`spacebook_receipts::MAX_STREAMS_PER_KEY_PERIOD`] other streams
/// with this peer in its period, or if the off-chain worker kept racing the write.
pub fn keep_receipt<S: OffchainStorage>(
	storage: &mut S,
	signed: SignedReceipt<AccountId>,
) -> Result<bool, &'static str> {
	let prefix = sp_offchain::STORAGE_PREFIX;
	// Periods the off-chain worker already forgot are claimed: nothing of them is kept again.
	let forgotten_key = spacebook_receipts::offchain_forgotten_key(&signed.receipt.server);
	let forgotten_before = storage
		.get(prefix, &forgotten_key)
		.and_then(|raw| u32::decode(&mut &raw[..]).ok())
		.unwrap_or(0);
	if signed.receipt.period < forgotten_before {
		return Ok(false);
	}
	store::keep(&mut Persistent(storage), &signed).map_err(|e| match e {
		KeepError::TooManyStreams => TOO_MANY_STREAMS,
		KeepError::Busy => "the receipt store is busy; try again",
	})
}

/// The node's persistent off-chain storage as the receipt store's key-value storage.
pub(crate) struct Persistent<'a, S>(pub(crate) &'a mut S);

impl<S: OffchainStorage> OffchainKv for Persistent<'_, S> {
	fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
		self.0.get(sp_offchain::STORAGE_PREFIX, key)
	}
	fn compare_and_set(&mut self, key: &[u8], old: Option<&[u8]>, new: &[u8]) -> bool {
		self.0.compare_and_set(sp_offchain::STORAGE_PREFIX, key, old, new)
	}
	fn clear(&mut self, key: &[u8]) {
		self.0.remove(sp_offchain::STORAGE_PREFIX, key)
	}
}

impl<S: OffchainStorage + Clone + 'static> TrafficApiServer for Traffic<S> {
	fn submit_receipt(&self, ext: &Extensions, receipt: Bytes) -> RpcResult<bool> {
		sc_rpc_api::check_if_safe(ext)?;
		let signed = SignedReceipt::<AccountId>::decode(&mut &receipt[..])
			.map_err(|_| invalid("not a SCALE-encoded signed receipt"))?;
		if signed.receipt.bytes == 0 {
			return Err(invalid("the receipt counts no bytes"));
		}
		if !signed.verify(&self.genesis_hash) {
			return Err(invalid("the client key's signature does not verify on this chain"));
		}
		keep_receipt(&mut self.storage.clone(), signed).map_err(|e| {
			let code = if e == TOO_MANY_STREAMS {
				ErrorCode::InvalidParams
			} else {
				ErrorCode::InternalError
			};
			ErrorObjectOwned::owned(code.code(), e, None::<()>)
		})
	}

	fn kept_receipts(&self, server: AccountId, period: u32) -> RpcResult<(u32, u64)> {
		let mut storage = self.storage.clone();
		let list = store::stored::<AccountId>(&Persistent(&mut storage), &server, period);
		let bytes = list.iter().fold(0u64, |sum, r| sum.saturating_add(r.receipt.bytes));
		Ok((list.len() as u32, bytes))
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use codec::Encode;
	use sc_rpc_api::DenyUnsafe;
	use sp_core::{offchain::testing::TestPersistentOffchainDB, sr25519, Pair};
	use sp_keyring::Sr25519Keyring;
	use spacebook_receipts::{Receipt, MAX_STREAMS_PER_KEY_PERIOD};

	fn genesis() -> H256 {
		H256::repeat_byte(9)
	}

	/// A receipt of period 3 from Ferdie's client key `client` to Eve.
	fn signed_by(client: &str, session: [u8; 16], bytes: u64) -> Bytes {
		let client = sr25519::Pair::from_string(client, None).unwrap();
		Receipt {
			period: 3,
			session,
			server: Sr25519Keyring::Eve.to_account_id(),
			dapp: Sr25519Keyring::Ferdie.to_account_id(),
			client_key: client.public(),
			bytes,
		}
		.sign(&client, &genesis())
		.encode()
		.into()
	}

	fn signed(session: u8, bytes: u64) -> Bytes {
		signed_by("//client", [session; 16], bytes)
	}

	fn allowed() -> Extensions {
		let mut ext = Extensions::new();
		ext.insert(DenyUnsafe::No);
		ext
	}

	/// Finding 4 of the security review (issue 14): one client key could open as many streams
	/// as it liked and flood the node's receipt store. Checked failing before the bound: the
	/// extra stream was kept.
	#[test]
	fn a_client_key_keeps_at_most_its_streams_per_period() {
		let db = TestPersistentOffchainDB::new();
		let api = Traffic::new(db.clone(), genesis());
		let eve = Sr25519Keyring::Eve.to_account_id();
		let stream = |n: usize, bytes: u64| {
			let mut session = [0u8; 16];
			session[..8].copy_from_slice(&(n as u64).to_be_bytes());
			signed_by("//client", session, bytes)
		};
		for n in 0..MAX_STREAMS_PER_KEY_PERIOD {
			assert!(api.submit_receipt(&allowed(), stream(n, 10)).unwrap());
		}
		let refused = api.submit_receipt(&allowed(), stream(MAX_STREAMS_PER_KEY_PERIOD, 10));
		assert!(refused.unwrap_err().message().contains("as many streams"));
		// Its streams still grow; another key has its own room.
		assert!(api.submit_receipt(&allowed(), stream(0, 20)).unwrap());
		assert!(api.submit_receipt(&allowed(), signed_by("//other-client", [1; 16], 100)).unwrap());
		assert_eq!(
			api.kept_receipts(eve, 3).unwrap(),
			(MAX_STREAMS_PER_KEY_PERIOD as u32 + 1, 10 * MAX_STREAMS_PER_KEY_PERIOD as u64 + 110)
		);
	}

	#[test]
	fn receipts_are_verified_merged_and_kept_for_the_worker() {
		let db = TestPersistentOffchainDB::new();
		let api = Traffic::new(db.clone(), genesis());
		let eve = Sr25519Keyring::Eve.to_account_id();
		assert!(api.submit_receipt(&allowed(), signed(1, 100)).unwrap());
		assert!(api.submit_receipt(&allowed(), signed(2, 50)).unwrap());
		assert!(api.submit_receipt(&allowed(), signed(1, 300)).unwrap(), "supersedes");
		assert!(!api.submit_receipt(&allowed(), signed(1, 200)).unwrap(), "older");
		assert_eq!(api.kept_receipts(eve.clone(), 3).unwrap(), (2, 350));
		assert_eq!(api.kept_receipts(eve.clone(), 4).unwrap(), (0, 0));
		// Stored where the off-chain worker reads, in stream-key order.
		let mut db = db;
		let list = store::stored::<AccountId>(&Persistent(&mut db), &eve, 3);
		assert_eq!(list.len(), 2);
		assert!(spacebook_receipts::SumTree::new(&list).is_ok());
	}

	#[test]
	fn receipts_of_periods_the_worker_forgot_are_not_kept_again() {
		let mut db = TestPersistentOffchainDB::new();
		let eve = Sr25519Keyring::Eve.to_account_id();
		// The worker forgot periods before 4 (they are claimed); the receipts are of period 3.
		let marker = spacebook_receipts::offchain_forgotten_key(&eve);
		OffchainStorage::set(&mut db, sp_offchain::STORAGE_PREFIX, &marker, &4u32.encode());
		let receipt = SignedReceipt::<AccountId>::decode(&mut &signed(1, 100)[..]).unwrap();
		assert_eq!(keep_receipt(&mut db, receipt.clone()), Ok(false));
		assert!(store::stored::<AccountId>(&Persistent(&mut db), &eve, 3).is_empty());
		// Period 3 not forgotten yet: kept.
		OffchainStorage::set(&mut db, sp_offchain::STORAGE_PREFIX, &marker, &3u32.encode());
		assert_eq!(keep_receipt(&mut db, receipt), Ok(true));
		assert_eq!(store::stored::<AccountId>(&Persistent(&mut db), &eve, 3).len(), 1);
	}

	#[test]
	fn bad_receipts_and_unsafe_calls_are_refused() {
		let api = Traffic::new(TestPersistentOffchainDB::new(), genesis());
		let other_chain = Traffic::new(TestPersistentOffchainDB::new(), H256::repeat_byte(1));
		let err = other_chain.submit_receipt(&allowed(), signed(1, 100)).unwrap_err();
		assert!(err.message().contains("does not verify"), "{err}");
		let err = api.submit_receipt(&allowed(), signed(1, 0)).unwrap_err();
		assert!(err.message().contains("no bytes"), "{err}");
		let err = api.submit_receipt(&allowed(), Bytes(vec![1, 2, 3])).unwrap_err();
		assert!(err.message().contains("SCALE"), "{err}");
		let mut denied = Extensions::new();
		denied.insert(DenyUnsafe::Yes);
		assert!(api.submit_receipt(&denied, signed(1, 100)).is_err());
		assert_eq!(api.kept_receipts(Sr25519Keyring::Eve.to_account_id(), 3).unwrap(), (0, 0));
	}
}

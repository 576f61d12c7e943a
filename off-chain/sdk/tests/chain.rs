//! Finding serving peers on chain, against a stand-in node that answers the JSON-RPC calls the
//! SDK makes (`chain_getBlockHash`, `chain_getFinalizedHead`, `state_call`) the way a Spacebook
//! node does, paging the registry.

use codec::{Decode, Encode};
use http_body_util::{BodyExt, Full};
use hyper::{body::Incoming, service::service_fn, Request, Response};
use hyper_util::rt::TokioIo;
use parking_lot::Mutex;
use sp_core::{crypto::AccountId32, Pair as _, H256};
use spacebook_dataplane::{
	ledger::{Ledger, MemorySink},
	store::ContentStore,
	ChainView, Config, DataPlane,
};
use spacebook_receipts::ClientKey;
use spacebook_sdk::{chain::ProfessionalPeerListing, ChainRpc, Client, Endpoint, Error, HashIndex};
use std::{convert::Infallible, sync::Arc};

const GENESIS: H256 = H256::repeat_byte(0x0a);
const FINALIZED: H256 = H256::repeat_byte(0x0f);
const BEST: H256 = H256::repeat_byte(0x0b);
/// The ledgering period the stand-in node's chain is in.
const CHAIN_PERIOD: u32 = 3;
/// Listings per page the stand-in answers with.
const PAGE: usize = 2;

fn listing(n: u8, endpoint: &str, active: bool) -> ProfessionalPeerListing<AccountId32> {
	ProfessionalPeerListing {
		account: AccountId32::new([n; 32]),
		endpoint: endpoint.as_bytes().to_vec(),
		active,
	}
}

fn registry() -> Vec<ProfessionalPeerListing<AccountId32>> {
	vec![
		listing(1, "http://127.0.0.1:9001", true),
		listing(2, "http://127.0.0.1:9002", false),
		listing(3, "not an endpoint", true),
		listing(4, "127.0.0.1:9004", true),
		listing(5, "http://127.0.0.1:9005", true),
	]
}

/// The stand-in node's prices.
fn prices() -> spacebook_sdk::chain::PricesView {
	spacebook_sdk::chain::PricesView {
		period: 9,
		cycle: 3,
		cycle_periods: 1,
		current: spacebook_sdk::chain::PriceList {
			instance: 100_000_000_000_000,
			traffic_gib: 10_000_000_000,
			storage_gb_month: 1_000_000_000,
		},
		next: None,
	}
}

/// The stand-in node's view of `dapp`: a lease of `dapp`'s first byte instances.
fn dapp_account(dapp: &AccountId32) -> spacebook_sdk::chain::DAppAccount<u128, u32> {
	let instances = u32::from(<[u8; 32]>::from(dapp.clone())[0]);
	spacebook_sdk::chain::DAppAccount {
		lease: Some(spacebook_sdk::chain::Lease { instances, held: 7, top_up_by: Some(40) }),
		standing: spacebook_sdk::chain::Standing::TopUpDue { shortfall: 3, by: 40 },
		escrow: 11,
		withdrawal: None,
		available_bytes: 1 << 30,
		bills: vec![spacebook_sdk::chain::BillView { period: 8, bytes: 5, amount: 2 }],
	}
}

/// The stand-in node's billing-peer election: two billing peers, one backup.
fn billing_election(
) -> spacebook_sdk::chain::ElectionView<AccountId32, spacebook_sdk::chain::BillingKey, u32> {
	use spacebook_sdk::chain::BillingKey;
	spacebook_sdk::chain::ElectionView {
		era: 3,
		era_start: 300,
		era_length: 100,
		next_election_at: 400,
		method: spacebook_sdk::chain::ElectionMethod::Phragmen,
		billing_peers: vec![
			(BillingKey::from_raw([1; 32]), Some(AccountId32::new([11; 32]))),
			(BillingKey::from_raw([2; 32]), None),
		],
		backups: vec![(AccountId32::new([13; 32]), 10_000)],
		last_outcome: None,
		on_probation: (1, 1),
		voters: (2, 512),
		min_vote: 100,
		min_backing: 10_000,
		registry_bar: 10_000,
		participation: vec![(40, 40, 0), (40, 3, 1)],
		participation_window: 1200,
	}
}

/// The stand-in node's view of voter `who`: one vote of `who`'s first byte SPB.
fn billing_voter(who: &AccountId32) -> spacebook_sdk::chain::VoterView<AccountId32, u32> {
	let amount = u128::from(<[u8; 32]>::from(who.clone())[0]);
	spacebook_sdk::chain::VoterView {
		votes: vec![(AccountId32::new([11; 32]), amount, true)],
		unbonding: vec![(5, 420)],
		withdrawable: 0,
		locked: amount + 5,
		listed: true,
	}
}

/// The holders the stand-in node names for any file (one test sets them).
static HOLDERS: Mutex<Vec<spacebook_sdk::chain::HolderView<AccountId32>>> =
	parking_lot::const_mutex(Vec::new());
/// The common peers backing them up (the same test sets them).
static BACKUPS: Mutex<Vec<spacebook_sdk::chain::BackupView<AccountId32>>> =
	parking_lot::const_mutex(Vec::new());

/// What the stand-in node was asked: `(function, block)` of every `state_call`.
type Calls = Arc<Mutex<Vec<(String, String)>>>;

fn answer(method: &str, params: &serde_json::Value, calls: &Calls) -> serde_json::Value {
	let hex = |bytes: &[u8]| sp_core::bytes::to_hex(bytes, false);
	match method {
		"chain_getBlockHash" if params[0] == 0 => serde_json::json!({"result": hex(&GENESIS[..])}),
		"chain_getBlockHash" if params.as_array().is_some_and(|p| p.is_empty()) => {
			serde_json::json!({"result": hex(&BEST[..])})
		}
		"chain_getFinalizedHead" => serde_json::json!({"result": hex(&FINALIZED[..])}),
		"state_call" => {
			let function = params[0].as_str().unwrap_or_default().to_owned();
			let block = params[2].as_str().unwrap_or_default().to_owned();
			calls.lock().push((function.clone(), block));
			if function == "TokenApi_current_period" {
				return serde_json::json!({"result": hex(&CHAIN_PERIOD.encode())});
			}
			if function == "BillingElectionsApi_election" {
				return serde_json::json!({"result": hex(&billing_election().encode())});
			}
			if function == "BillingElectionsApi_voter" {
				let args =
					sp_core::bytes::from_hex(params[1].as_str().unwrap_or_default()).unwrap();
				let who = AccountId32::decode(&mut &args[..]).unwrap();
				return serde_json::json!({"result": hex(&billing_voter(&who).encode())});
			}
			if function == "SchedulingApi_holders" {
				return serde_json::json!({"result": hex(&HOLDERS.lock().encode())});
			}
			if function == "SchedulingApi_backups" {
				return serde_json::json!({"result": hex(&BACKUPS.lock().encode())});
			}
			if function == "PricingApi_prices" {
				return serde_json::json!({"result": hex(&prices().encode())});
			}
			if function == "PricingApi_dapp" {
				let args =
					sp_core::bytes::from_hex(params[1].as_str().unwrap_or_default()).unwrap();
				let dapp = AccountId32::decode(&mut &args[..]).unwrap();
				return serde_json::json!({"result": hex(&dapp_account(&dapp).encode())});
			}
			if function != "PeersApi_professional_peers" {
				return serde_json::json!({"error": {"code": -32000, "message": "no such function"}});
			}
			let args = sp_core::bytes::from_hex(params[1].as_str().unwrap_or_default()).unwrap();
			let (after, _scan) = <(Option<AccountId32>, u32)>::decode(&mut &args[..]).unwrap();
			let all = registry();
			let from =
				after.map(|a| all.iter().position(|l| l.account == a).unwrap() + 1).unwrap_or(0);
			let page: Vec<_> = all[from..].iter().take(PAGE).cloned().collect();
			let next = (from + PAGE < all.len()).then(|| page.last().unwrap().account.clone());
			serde_json::json!({"result": hex(&(page, next).encode())})
		}
		_ => serde_json::json!({"error": {"code": -32601, "message": "Method not found"}}),
	}
}

/// A stand-in node on loopback; its URL and the calls it saw.
async fn node() -> (String, Calls) {
	let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
	let address = listener.local_addr().unwrap();
	let calls: Calls = Default::default();
	let seen = calls.clone();
	tokio::spawn(async move {
		loop {
			let (stream, _) = listener.accept().await.unwrap();
			let calls = seen.clone();
			tokio::spawn(async move {
				let service = service_fn(move |req: Request<Incoming>| {
					let calls = calls.clone();
					async move {
						let body = req.into_body().collect().await.unwrap().to_bytes();
						let request: serde_json::Value = serde_json::from_slice(&body).unwrap();
						let mut reply =
							answer(request["method"].as_str().unwrap(), &request["params"], &calls);
						reply["jsonrpc"] = "2.0".into();
						reply["id"] = request["id"].clone();
						Ok::<_, Infallible>(Response::new(Full::new(bytes::Bytes::from(
							reply.to_string(),
						))))
					}
				});
				let _ = hyper::server::conn::http1::Builder::new()
					.serve_connection(TokioIo::new(stream), service)
					.await;
			});
		}
	});
	(format!("ws://{address}"), calls)
}

#[tokio::test]
async fn the_registry_is_read_page_by_page_at_the_finalized_head() {
	let (url, calls) = node().await;
	let chain = ChainRpc::new(&url).unwrap();
	assert_eq!(chain.genesis_hash().await.unwrap(), GENESIS);
	assert_eq!(chain.professional_peers().await.unwrap(), registry());
	let calls = calls.lock().clone();
	assert_eq!(calls.len(), registry().len().div_ceil(PAGE), "one call per page");
	let finalized = format!("{FINALIZED:?}");
	assert!(calls.iter().all(|(f, at)| f == "PeersApi_professional_peers" && *at == finalized));
}

#[tokio::test]
async fn only_active_peers_with_valid_endpoints_serve() {
	let (url, _) = node().await;
	let endpoints = ChainRpc::new(&url).unwrap().serving_endpoints().await.unwrap();
	let expected: Vec<Endpoint> = ["127.0.0.1:9001", "127.0.0.1:9004", "127.0.0.1:9005"]
		.iter()
		.map(|e| Endpoint::parse(e).unwrap())
		.collect();
	assert_eq!(endpoints, expected);
}

#[tokio::test]
async fn node_errors_and_bad_urls_are_reported() {
	let (url, _) = node().await;
	let chain = ChainRpc::new(&url).unwrap();
	let unknown = chain.runtime_call::<u32>("PeersApi_nothing", (), FINALIZED).await;
	assert!(matches!(unknown, Err(Error::Protocol(m)) if m.contains("no such function")));
	assert!(matches!(ChainRpc::new("wss://node.example:443"), Err(Error::BadEndpoint(_))));
	assert!(matches!(ChainRpc::new("ws://node.example"), Err(Error::BadEndpoint(_))));
	// Nobody listens there.
	let gone = ChainRpc::new("http://127.0.0.1:1").unwrap().genesis_hash().await;
	assert!(matches!(gone, Err(Error::Unreachable(..))));
}

#[tokio::test]
async fn a_client_from_a_chain_without_serving_peers_is_refused() {
	let (url, _) = node().await;
	// The listed peers do not run (nothing listens on their ports): no peer is reached.
	let key = <sp_core::sr25519::Pair as sp_core::Pair>::from_string("//client", None).unwrap();
	let client = spacebook_sdk::Client::from_chain(&url, AccountId32::new([7; 32]), key).await;
	assert!(matches!(client, Err(Error::NoPeers)));
}

/// A serving peer on loopback whose chain view names `period`, serving one small file.
async fn serving_peer(period: u32) -> (Endpoint, Arc<MemorySink>, HashIndex, tempfile::TempDir) {
	struct View(u32, ClientKey);
	impl ChainView for View {
		fn current_period(&self) -> u32 {
			self.0
		}
		fn dapp_of_client_key(&self, key: &ClientKey) -> Option<AccountId32> {
			(key == &self.1).then(|| AccountId32::new([0xda; 32]))
		}
		fn dapp_storage_quota(&self) -> u64 {
			u64::MAX
		}
		/// Every DApp here has a lease and a funded escrow.
		fn dapp_funds(&self, _dapp: &AccountId32) -> spacebook_dataplane::DAppFunds {
			spacebook_dataplane::DAppFunds {
				lease: spacebook_dataplane::LeaseStanding::Good,
				available_bytes: u128::MAX,
			}
		}
	}
	let dir = tempfile::tempdir().unwrap();
	let store = Arc::new(ContentStore::open(dir.path().join("store")).unwrap());
	let source = dir.path().join("file.bin");
	std::fs::write(&source, vec![5u8; 3000]).unwrap();
	let hash = store.add_path(&source, "f").unwrap().hash_index;
	let sink = Arc::new(MemorySink::default());
	let ledger = Arc::new(Ledger::open(dir.path().join("journal"), sink.clone(), 0).unwrap());
	let chain = Arc::new(View(period, client_key().public()));
	let plane =
		DataPlane::new(store, ledger, chain, Config::new(AccountId32::new([1; 32]), GENESIS));
	let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
	let endpoint = Endpoint::parse(&format!("http://{}", listener.local_addr().unwrap())).unwrap();
	tokio::spawn(plane.serve(listener));
	(endpoint, sink, hash, dir)
}

fn client_key() -> sp_core::sr25519::Pair {
	sp_core::sr25519::Pair::from_string("//period-client", None).unwrap()
}

/// Finding 2 of the security review (issue 14): the SDK signed receipts for whatever period a
/// peer named, so a peer could collect receipts of periods to come. With a node to ask, a
/// client signs nothing beyond the chain's current period + 1. Checked failing before the
/// ceiling: the download from the peer in period 9 was receipted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_peer_naming_a_period_the_chain_has_not_reached_gets_no_receipt() {
	let (url, _) = node().await;
	let dapp = AccountId32::new([0xda; 32]);
	for (period, served) in [(CHAIN_PERIOD + 6, false), (CHAIN_PERIOD + 1, true)] {
		let (endpoint, sink, hash, _dir) = serving_peer(period).await;
		let client = Client::connect(dapp.clone(), client_key(), &[endpoint], Some(GENESIS))
			.await
			.unwrap()
			.with_chain(ChainRpc::new(&url).unwrap());
		let download = client.start_download(&hash, -1, -1, 1 << 20).await;
		match download {
			Ok(mut download) => {
				while let Some(chunk) = download.receive_in_order().await {
					assert!(chunk.is_ok() || !served, "period {period}: {chunk:?}");
				}
				download.finish().await;
			}
			Err(e) => assert!(!served, "period {period}: {e}"),
		}
		let receipted: u64 = sink.receipts().iter().map(|r| r.receipt.bytes).sum();
		assert_eq!(receipted > 0, served, "period {period}: {receipted} bytes receipted");
		assert!(sink.receipts().iter().all(|r| r.receipt.period <= CHAIN_PERIOD + 1));
	}
}

/// A DApp reads what it pays from its node: the prices and its own account, decoded with the
/// shared pricing types, at the finalized head.
#[tokio::test]
async fn a_dapp_reads_the_prices_and_its_account_at_the_finalized_head() {
	let (url, calls) = node().await;
	let chain = ChainRpc::new(&url).unwrap();
	assert_eq!(chain.prices().await.unwrap(), prices());
	let dapp = AccountId32::new([4; 32]);
	let account = chain.dapp_account(&dapp).await.unwrap();
	assert_eq!(account, dapp_account(&dapp));
	assert_eq!(account.lease.map(|l| l.instances), Some(4));
	assert!(account.standing.may_open_sessions());
	let finalized = format!("{FINALIZED:?}");
	let calls = calls.lock();
	assert!(calls.iter().any(|(f, at)| f == "PricingApi_dapp" && *at == finalized));
	assert!(calls.iter().any(|(f, at)| f == "PricingApi_prices" && *at == finalized));
}

/// A wallet reads the billing-peer elections and a voter's locks, decoded with the shared
/// election types, at the finalized head.
#[tokio::test]
async fn a_wallet_reads_the_election_and_a_voters_locks_at_the_finalized_head() {
	let (url, calls) = node().await;
	let chain = ChainRpc::new(&url).unwrap();
	assert_eq!(chain.billing_election().await.unwrap(), billing_election());
	let voter = AccountId32::new([7; 32]);
	let view = chain.billing_voter(&voter).await.unwrap();
	assert_eq!(view, billing_voter(&voter));
	assert_eq!(view.locked, 12, "the vote asked about, and its unbonding SPB");
	let finalized = format!("{FINALIZED:?}");
	let calls = calls.lock();
	assert!(calls.iter().any(|(f, at)| f == "BillingElectionsApi_voter" && *at == finalized));
}

/// The bytes of the whole file `hash` that `client` downloads.
async fn downloaded(client: &Client, hash: &spacebook_sdk::HashIndex) -> usize {
	let mut download = client.start_download(hash, -1, -1, 1 << 20).await.unwrap();
	let mut bytes = 0;
	while let Some(chunk) = download.receive_in_order().await {
		bytes += chunk.unwrap().len();
	}
	download.finish().await;
	bytes
}

/// Issue 18: a file with a storage order is found where the chain placed it — its confirmed
/// holders, asked at the best block — and nowhere else; a file nobody ordered (or whose holders
/// have not confirmed) falls back to the registry's peers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_is_found_at_its_confirmed_holders_and_an_unordered_one_through_the_registry() {
	use spacebook_sdk::chain::HolderView;
	let (url, calls) = node().await;
	let (endpoint, sink, hash, _dir) = serving_peer(CHAIN_PERIOD).await;
	let holder = |n: u8, confirmed: bool, endpoint: String| HolderView {
		peer: AccountId32::new([n; 32]),
		order: 4,
		slot: n,
		confirmed,
		endpoint: endpoint.into_bytes(),
	};
	// The serving peer (account [1; 32]) is holder 1 here.
	*HOLDERS.lock() = vec![
		holder(1, true, endpoint.to_string()),
		// Still fetching: not asked.
		holder(5, false, "http://127.0.0.1:1".into()),
		// Not an endpoint: left out.
		holder(2, true, "somewhere".into()),
	];
	let dapp = AccountId32::new([0xda; 32]);
	let client = Client::from_holders(&url, dapp.clone(), client_key(), &hash).await.unwrap();
	let reached: Vec<Endpoint> = client.peers().iter().map(|p| p.endpoint.clone()).collect();
	assert_eq!(reached, vec![endpoint.clone()]);
	assert_eq!(downloaded(&client, &hash).await, 3000);
	assert!(sink.receipts().iter().any(|r| r.receipt.bytes > 0));
	{
		let calls = calls.lock();
		let best = format!("{BEST:?}");
		assert!(calls.iter().any(|(f, at)| f == "SchedulingApi_holders" && *at == best));
		assert!(calls.iter().all(|(f, _)| f != "PeersApi_professional_peers"), "no registry scan");
	}

	// A data plane naming another account than the chain lists at its endpoint: left out.
	*HOLDERS.lock() = vec![holder(9, true, endpoint.to_string())];
	let impostor = Client::from_holders(&url, dapp.clone(), client_key(), &hash).await;
	assert!(matches!(impostor, Err(Error::NoPeers)), "{:?}", impostor.map(|c| c.peers().len()));

	// Holder 3 is down: its backup (the serving peer, as a common peer) serves the file; a
	// backup of a holder that is up is not asked.
	let backup = |common: u8, of: u8, endpoint: String| spacebook_sdk::chain::BackupView {
		common: AccountId32::new([common; 32]),
		professional: AccountId32::new([of; 32]),
		endpoint: endpoint.into_bytes(),
	};
	*HOLDERS.lock() = vec![holder(3, true, "http://127.0.0.1:1".into())];
	*BACKUPS.lock() = vec![backup(1, 3, endpoint.to_string())];
	let client = Client::from_holders(&url, dapp.clone(), client_key(), &hash).await.unwrap();
	let reached: Vec<Endpoint> = client.peers().iter().map(|p| p.endpoint.clone()).collect();
	assert_eq!(reached, vec![endpoint.clone()]);
	assert_eq!(downloaded(&client, &hash).await, 3000, "from the backup");
	*HOLDERS.lock() = vec![holder(1, true, endpoint.to_string())];
	*BACKUPS.lock() = vec![backup(7, 1, "http://127.0.0.1:2".into())];
	let client = Client::from_holders(&url, dapp.clone(), client_key(), &hash).await.unwrap();
	let reached: Vec<Endpoint> = client.peers().iter().map(|p| p.endpoint.clone()).collect();
	assert_eq!(reached, vec![endpoint], "the holder answers: its backups are not asked");
	*BACKUPS.lock() = Vec::new();

	// Nobody ordered the file: the registry's peers (none of which runs here).
	*HOLDERS.lock() = Vec::new();
	let unordered = Client::from_holders(&url, dapp, client_key(), &hash).await;
	assert!(matches!(unordered, Err(Error::NoPeers)));
	assert!(calls.lock().iter().any(|(f, _)| f == "PeersApi_professional_peers"));
}

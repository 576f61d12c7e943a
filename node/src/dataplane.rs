//! The data plane service of a serving peer's node (`--serve <addr>`): the node stores files,
//! serves them to DApp clients over HTTP and keeps their receipts in its off-chain storage,
//! where `pallet-traffic`'s off-chain worker reports and audits them (`spacebook-dataplane`).
//!
//! The node tells the data plane who it serves as (the account its peer key is registered to),
//! the current ledgering period (followed from imported blocks), which DApp authorized a
//! client key (the peer registry, at the best block) and whether a DApp can pay for new
//! sessions (its lease and traffic escrow, `PricingApi_dapp` at the best block).
//!
//! For storage orders (`pallet-scheduling`), the data plane sends replicas to the peers the
//! chain places on a file, and the node runs the placement worker
//! (`spacebook_dataplane::placements`) at each imported block: it fetches the files this peer
//! is placed to store from their holders (`SchedulingApi_tasks`, `SchedulingApi_holders`),
//! signing its requests with the peer key, and notes the files it holds in the off-chain
//! storage, where the scheduling pallet's off-chain worker confirms the placements from.

use futures::StreamExt;
use pallet_peers::crypto::{PeerKey, PEER_KEY_TYPE};
use pallet_peers_runtime_api::PeersApi;
use pallet_pricing_runtime_api::PricingApi;
use pallet_scheduling_runtime_api::{PlacementStatus, SchedulingApi};
use pallet_token_runtime_api::TokenApi;
use sc_client_api::BlockchainEvents;
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use sp_core::{crypto::AccountId32, offchain::OffchainStorage, sr25519};
use sp_keystore::KeystorePtr;
use spacebook_dataplane::{
	content::HashIndex,
	ledger::{Ledger, ReceiptSink},
	limits::Limits,
	placements::{PlacementChain, PlacementWorker, Task, WorkerConfig},
	relay::RelayPolicy,
	replicas::ReplicaGrant,
	store::ContentStore,
	ChainView, Config, DAppFunds, DataPlane, LeaseStanding,
};
use spacebook_runtime::{opaque::Block, AccountId, Balance, BlockNumber};
use std::{
	net::SocketAddr,
	path::PathBuf,
	sync::{
		atomic::{AtomicU32, Ordering},
		Arc,
	},
	time::Duration,
};

/// Command-line options of the data plane.
#[derive(Debug, Clone, clap::Args)]
pub struct DataPlaneParams {
	/// Serve files to DApp clients on this address (e.g. `0.0.0.0:8480`); no data plane when
	/// not given. The node's peer key (`spbp`) must be registered to a professional or common
	/// peer: receipts name that account.
	#[arg(long, value_name = "ADDR")]
	pub serve: Option<SocketAddr>,

	/// Where the data plane keeps its files and its receipt journal [default: `dataplane/` in
	/// the node's base path].
	#[arg(long, value_name = "PATH")]
	pub serve_dir: Option<PathBuf>,

	/// Bytes served to a client session ahead of its receipts: at least one slice (1 MiB), since
	/// clients sign receipts for whole verified slices.
	#[arg(
		long,
		value_name = "BYTES",
		default_value_t = 8 << 20,
		value_parser = clap::value_parser!(u64).range(spacebook_dataplane::content::SLICE_SIZE..)
	)]
	pub serve_credit_window: u64,

	/// Paid bytes a DApp's traffic escrow must still cover for a new session to open: the
	/// traffic every peer serving it is receipting draws on the escrow before reports reserve
	/// it, so a DApp is refused before it runs dry.
	#[arg(long, value_name = "BYTES", default_value_t = 256 << 20)]
	pub serve_escrow_margin: u64,

	/// The largest file a DApp may upload, in bytes.
	#[arg(long, value_name = "BYTES", default_value_t = 64 << 30)]
	pub serve_max_upload: u64,

	/// Relay DApp clients' VPN traffic (`CONNECT`) to public internet addresses: for
	/// professional peers.
	#[arg(long)]
	pub serve_relay: bool,

	/// Tests only, debug builds only: answer sorts wrongly, a dishonest peer for the patrol
	/// tests.
	#[arg(long, hide = true)]
	pub serve_test_wrong_sorts: bool,

	/// Let the relay reach loopback and private networks too (tests, private deployments).
	#[arg(long, requires = "serve_relay")]
	pub serve_relay_private: bool,

	/// A public address of this host that is on none of its interfaces (behind a 1:1 NAT or a
	/// load balancer): the relay refuses it as the host's own. Repeat for several.
	#[arg(long, value_name = "IP", requires = "serve_relay")]
	pub serve_public_addr: Vec<std::net::IpAddr>,

	/// Bytes the data plane's filesystem keeps free: below them uploads are refused, so that the
	/// receipt journal and the chain's database keep working.
	#[arg(long, value_name = "BYTES", default_value_t = 2 << 30)]
	pub serve_min_free_space: u64,

	/// HTTP connections served at once; more are answered 503 and closed.
	#[arg(long, value_name = "COUNT", default_value_t = Limits::default().max_connections)]
	pub serve_max_connections: usize,

	/// HTTP connections served at once from one IPv4 address or IPv6 /64.
	#[arg(long, value_name = "COUNT", default_value_t = Limits::default().max_connections_per_ip)]
	pub serve_max_connections_per_ip: usize,

	/// Seconds a client has to send a request's headers (slowloris).
	#[arg(long, value_name = "SECS", default_value_t = Limits::default().header_timeout.as_secs())]
	pub serve_header_timeout: u64,

	/// Seconds a connection may pass without a byte moving before it is closed.
	#[arg(long, value_name = "SECS", default_value_t = Limits::default().idle_timeout.as_secs())]
	pub serve_idle_timeout: u64,

	/// VPN tunnels relayed at once.
	#[arg(long, value_name = "COUNT", default_value_t = Limits::default().max_tunnels)]
	pub serve_max_tunnels: usize,

	/// VPN tunnels relayed at once from one IPv4 address or IPv6 /64.
	#[arg(long, value_name = "COUNT", default_value_t = Limits::default().max_tunnels_per_ip)]
	pub serve_max_tunnels_per_ip: usize,

	/// VPN tunnels relayed at once for one client key.
	#[arg(long, value_name = "COUNT", default_value_t = Limits::default().max_tunnels_per_key)]
	pub serve_max_tunnels_per_key: usize,

	/// VPN tunnels relayed at once for one DApp, whatever its client keys.
	#[arg(long, value_name = "COUNT", default_value_t = Limits::default().max_tunnels_per_dapp)]
	pub serve_max_tunnels_per_dapp: usize,

	/// Seconds a tunnel may pass without a byte moving before it is closed.
	#[arg(
		long,
		value_name = "SECS",
		default_value_t = Limits::default().tunnel_idle_timeout.as_secs()
	)]
	pub serve_tunnel_idle_timeout: u64,

	/// Uploads of one DApp under way at once (each within the DApp's storage quota, which the
	/// chain sets).
	#[arg(long, value_name = "COUNT", default_value_t = Limits::default().max_uploads_per_dapp)]
	pub serve_max_uploads_per_dapp: usize,

	/// The slowest an upload may come, in bytes a second on average (after the header
	/// timeout's grace); slower ones are cut off (408).
	#[arg(long, value_name = "BYTES", default_value_t = Limits::default().min_upload_rate)]
	pub serve_min_upload_rate: u64,
}

impl DataPlaneParams {
	/// The connection and tunnel limits the flags set.
	pub fn limits(&self) -> Limits {
		let secs = |s: u64| Duration::from_secs(s.max(1));
		Limits {
			max_connections: self.serve_max_connections,
			max_connections_per_ip: self.serve_max_connections_per_ip,
			header_timeout: secs(self.serve_header_timeout),
			idle_timeout: secs(self.serve_idle_timeout),
			max_tunnels: self.serve_max_tunnels,
			max_tunnels_per_ip: self.serve_max_tunnels_per_ip,
			max_tunnels_per_key: self.serve_max_tunnels_per_key,
			max_tunnels_per_dapp: self.serve_max_tunnels_per_dapp,
			tunnel_idle_timeout: secs(self.serve_tunnel_idle_timeout),
			max_uploads_per_dapp: self.serve_max_uploads_per_dapp,
			min_upload_rate: self.serve_min_upload_rate,
		}
	}
}

/// Periods of receipts kept in the journal when it is compacted at start: two hours' worth at
/// 5-minute periods, far beyond the report and audit windows. The journal only has to cover
/// the moment between a receipt's acknowledgement and its write to the node's off-chain
/// storage, which keeps a peer's receipts as long as it rolls its traffic over (`MaxRollover`);
/// on replay, receipts of periods the off-chain worker already forgot are not kept again.
const JOURNAL_PERIODS: u32 = 24;

/// Ledgering periods a common peer's backup budget runs for: a day of 5-minute periods.
const BACKUP_BUDGET_PERIODS: u32 = 288;

/// The chain as the data plane sees it.
struct NodeChain<C> {
	client: Arc<C>,
	period: Arc<AtomicU32>,
}

impl<C> ChainView for NodeChain<C>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: PeersApi<Block, AccountId, Balance, BlockNumber, PeerKey, sr25519::Public>
		+ PricingApi<Block, AccountId, Balance, BlockNumber>
		+ SchedulingApi<Block, AccountId, Balance, BlockNumber>,
{
	fn replica_grant(
		&self,
		server: &AccountId32,
		key: &sr25519::Public,
		hash: &HashIndex,
	) -> Option<ReplicaGrant> {
		let info = self.client.info();
		let (best, now) = (info.best_hash, info.best_number);
		let api = self.client.runtime_api();
		let peer = api.peer_of_key(best, PeerKey::from(*key)).ok().flatten()?;
		let fetching =
			api.tasks(best, peer.clone()).ok()?.into_iter().find_map(|(_, f, s)| match s {
				PlacementStatus::Fetching { deadline }
					if f.hash_index == hash.0 && deadline >= now =>
				{
					Some(deadline)
				}
				_ => None,
			});
		let (deadline, backup) = match fetching {
			Some(deadline) => (deadline, false),
			// A common peer attached to this peer that may earn, keeping the file as a backup:
			// its budget runs for a day of ledgering periods, its streams in a pool of their
			// own.
			None => {
				let (professional, files) = api.backup_tasks(best, peer.clone()).ok()??;
				let keeps = professional == *server && files.iter().any(|f| f.hash_index == hash.0);
				let day = self.period.load(Ordering::Relaxed) / BACKUP_BUDGET_PERIODS;
				(keeps.then_some(u32::MAX - day)?, true)
			}
		};
		// This peer sends only what it stores by an order itself.
		let stores = api
			.tasks(best, server.clone())
			.ok()?
			.iter()
			.any(|(_, f, s)| f.hash_index == hash.0 && s.stores());
		stores.then_some(ReplicaGrant { peer, deadline, backup })
	}

	fn current_period(&self) -> u32 {
		self.period.load(Ordering::Relaxed)
	}

	fn dapp_of_client_key(&self, key: &sr25519::Public) -> Option<AccountId32> {
		let best = self.client.info().best_hash;
		self.client.runtime_api().dapp_of_client_key(best, *key).ok().flatten()
	}

	fn dapp_storage_quota(&self) -> u64 {
		let best = self.client.info().best_hash;
		// A node that cannot read the quota takes no upload.
		self.client.runtime_api().dapp_storage_quota(best).unwrap_or(0)
	}

	fn dapp_funds(&self, dapp: &AccountId32) -> DAppFunds {
		let best = self.client.info().best_hash;
		// A node that cannot read the DApp's account serves it nothing.
		let Ok(account) = self.client.runtime_api().dapp(best, dapp.clone()) else {
			return DAppFunds { lease: LeaseStanding::NoLease, available_bytes: 0 };
		};
		let lease = match account.standing {
			pallet_pricing_runtime_api::Standing::NoLease => LeaseStanding::NoLease,
			pallet_pricing_runtime_api::Standing::Good
			| pallet_pricing_runtime_api::Standing::TopUpDue { .. } => LeaseStanding::Good,
			pallet_pricing_runtime_api::Standing::Lapsed { .. } => LeaseStanding::Lapsed,
		};
		DAppFunds { lease, available_bytes: account.available_bytes }
	}
}

/// Receipts go where the off-chain worker reads them.
struct OffchainSink<S>(Arc<parking_lot::Mutex<S>>);

impl<S: OffchainStorage + 'static> ReceiptSink for OffchainSink<S> {
	fn keep(&self, receipt: &spacebook_dataplane::session::Receipt) -> Result<bool, String> {
		crate::traffic_rpc::keep_receipt(&mut *self.0.lock(), receipt.clone()).map_err(Into::into)
	}
}

/// The placement worker's view of the chain (at the best block), the keystore and the
/// off-chain storage.
struct NodePlacements<C, S> {
	client: Arc<C>,
	keystore: KeystorePtr,
	storage: Arc<parking_lot::Mutex<S>>,
	/// This node's peer.
	server: AccountId,
	/// Whether the node is catching up with the chain: its best block is no guide to the
	/// peer's tasks then.
	syncing: Box<dyn Fn() -> bool + Send + Sync>,
}

impl<C, S> PlacementChain for NodePlacements<C, S>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: PeersApi<Block, AccountId, Balance, BlockNumber, PeerKey, sr25519::Public>
		+ SchedulingApi<Block, AccountId, Balance, BlockNumber>,
	S: OffchainStorage + 'static,
{
	fn tasks(&self) -> Result<Vec<Task>, String> {
		if (self.syncing)() {
			return Err("the node is syncing".into());
		}
		let best = self.client.info().best_hash;
		let api = self.client.runtime_api();
		let placed = api
			.tasks(best, self.server.clone())
			.map_err(|e| format!("SchedulingApi_tasks: {e}"))?
			.into_iter()
			.filter(|(_, _, status)| status.stores())
			.map(|(_, file, _)| file);
		// A common peer's: the backups it keeps of its professional peer's files (none from a
		// runtime without the call).
		let backups = api
			.backup_tasks(best, self.server.clone())
			.ok()
			.flatten()
			.map(|(_, files)| files)
			.unwrap_or_default();
		let mut tasks: Vec<Task> = Vec::new();
		for file in placed.chain(backups) {
			let task = Task {
				hash_index: spacebook_dataplane::content::Digest(file.hash_index),
				length: file.length,
			};
			if !tasks.contains(&task) {
				tasks.push(task);
			}
		}
		Ok(tasks)
	}

	fn sources(&self, hash: &HashIndex) -> Vec<(String, AccountId32)> {
		let best = self.client.info().best_hash;
		let api = self.client.runtime_api();
		let holders = api.holders(best, hash.0).unwrap_or_default();
		// A common peer copies its backups from its own professional peer only (the one that
		// sends them to it).
		let professional = api.backup_tasks(best, self.server.clone()).ok().flatten().map(|b| b.0);
		let mut sources: Vec<(String, AccountId32)> = Vec::new();
		for holder in holders {
			if holder.peer == self.server || sources.iter().any(|(_, p)| *p == holder.peer) {
				continue;
			}
			if professional.as_ref().is_some_and(|p| *p != holder.peer) {
				continue;
			}
			if let Ok(endpoint) = String::from_utf8(holder.endpoint) {
				if !endpoint.is_empty() {
					sources.push((endpoint, holder.peer));
				}
			}
		}
		sources
	}

	fn note_stored(&self, hash: &HashIndex, length: u64, stored: bool) {
		use codec::Encode;
		let key = spacebook_scheduling_primitives::stored_file_key(&self.server, &hash.0, length);
		self.storage.lock().set(sp_offchain::STORAGE_PREFIX, &key, &stored.encode());
	}

	fn peer_key(&self) -> Option<sr25519::Public> {
		let best = self.client.info().best_hash;
		self.keystore.sr25519_public_keys(PEER_KEY_TYPE).into_iter().find(|key| {
			self.client.runtime_api().peer_of_key(best, PeerKey::from(*key)).ok().flatten().as_ref()
				== Some(&self.server)
		})
	}

	fn sign(&self, key: &sr25519::Public, payload: &[u8]) -> Option<sr25519::Signature> {
		self.keystore.sr25519_sign(PEER_KEY_TYPE, key, payload).ok().flatten()
	}
}

/// Add `served` to the off-chain storage's [`ServedBytes`] of the files among `tasks`, where the
/// scheduling pallet's off-chain worker reads them (other files' bytes are dropped: they are no
/// order's demand).
fn note_served<S: OffchainStorage>(
	storage: &parking_lot::Mutex<S>,
	server: &AccountId,
	tasks: &[HashIndex],
	mut served: Vec<spacebook_dataplane::demand::Served>,
) {
	use codec::{Decode, Encode};
	use spacebook_scheduling_primitives::{served_bytes_key, ServedBytes};
	let tasks: std::collections::HashSet<&HashIndex> = tasks.iter().collect();
	// Older periods first: a count keeps only the latest period and the one before.
	served.sort_by_key(|s| s.period);
	let mut storage = storage.lock();
	for s in served.into_iter().filter(|s| tasks.contains(&s.hash)) {
		let key = served_bytes_key(server, &s.hash.0, &s.dapp);
		let mut counted = storage
			.get(sp_offchain::STORAGE_PREFIX, &key)
			.and_then(|raw| ServedBytes::decode(&mut &raw[..]).ok())
			.unwrap_or_default();
		counted.add(s.period, s.bytes);
		storage.set(sp_offchain::STORAGE_PREFIX, &key, &counted.encode());
	}
}

/// The account this node's peer key is registered to, if any.
fn own_account<C>(client: &C, keystore: &KeystorePtr) -> Option<AccountId>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block>,
	C::Api: PeersApi<Block, AccountId, Balance, BlockNumber, PeerKey, sr25519::Public>,
{
	let best = client.info().best_hash;
	keystore
		.sr25519_public_keys(PEER_KEY_TYPE)
		.into_iter()
		.find_map(|key| client.runtime_api().peer_of_key(best, PeerKey::from(key)).ok().flatten())
}

/// Bind the data plane's listener now (so a taken port fails the node's start) and return the
/// task that serves once this node's peer key is registered.
#[allow(clippy::too_many_arguments)]
pub fn start<C, S, F, BE>(
	params: &DataPlaneParams,
	listen: SocketAddr,
	base_path: PathBuf,
	client: Arc<C>,
	keystore: KeystorePtr,
	offchain_storage: S,
	syncing: F,
	registry: Option<substrate_prometheus_endpoint::Registry>,
) -> Result<impl std::future::Future<Output = ()> + Send + 'static, String>
where
	F: Fn() -> bool + Send + Sync + 'static,
	BE: sc_client_api::Backend<Block> + 'static,
	C: ProvideRuntimeApi<Block>
		+ HeaderBackend<Block>
		+ BlockchainEvents<Block>
		+ sc_client_api::StorageProvider<Block, BE>
		+ Send
		+ Sync
		+ 'static,
	C::Api: PeersApi<Block, AccountId, Balance, BlockNumber, PeerKey, sr25519::Public>
		+ TokenApi<Block, Balance>
		+ PricingApi<Block, AccountId, Balance, BlockNumber>
		+ SchedulingApi<Block, AccountId, Balance, BlockNumber>
		+ sp_api::Core<Block>,
	S: OffchainStorage + 'static,
{
	let dir = params.serve_dir.clone().unwrap_or_else(|| base_path.join("dataplane"));
	let listener = std::net::TcpListener::bind(listen)
		.map_err(|e| format!("the data plane cannot listen on {listen}: {e}"))?;
	listener.set_nonblocking(true).map_err(|e| e.to_string())?;
	let store = ContentStore::open(dir.join("store"))
		.map_err(|e| format!("the data plane's store at {dir:?}: {e}"))?;
	let (credit_window, max_upload) = (params.serve_credit_window, params.serve_max_upload);
	let escrow_margin = params.serve_escrow_margin;
	let (min_free_space, limits) = (params.serve_min_free_space, params.limits());
	let test_wrong_sorts = params.serve_test_wrong_sorts;
	let relay = params.serve_relay.then(|| RelayPolicy {
		allow_private: params.serve_relay_private,
		own_addresses: params.serve_public_addr.clone(),
	});
	let genesis_hash = client.info().genesis_hash;
	let period = |client: &C| {
		client.runtime_api().current_period(client.info().best_hash).unwrap_or_default()
	};
	let current = Arc::new(AtomicU32::new(period(&client)));
	let offchain_storage = Arc::new(parking_lot::Mutex::new(offchain_storage));
	let sink = Arc::new(OffchainSink(offchain_storage.clone()));
	let oldest = current.load(Ordering::Relaxed).saturating_sub(JOURNAL_PERIODS);
	let ledger = Ledger::open(dir.join("receipts.journal"), sink, oldest)
		.map_err(|e| format!("the data plane's receipt journal in {dir:?}: {e}"))?;
	log::info!(
		target: "dataplane",
		"📦 data plane on {listen}: {} files in {dir:?}",
		store.file_count()
	);
	Ok(async move {
		let mut blocks = client.import_notification_stream();
		// Receipts name this node's account: wait until its peer key is registered.
		let server = loop {
			if let Some(account) = own_account(&*client, &keystore) {
				break account;
			}
			log::info!(
				target: "dataplane",
				"waiting for this node's peer key (spbp) to be registered before serving"
			);
			if blocks.next().await.is_none() {
				return;
			}
		};
		log::info!(target: "dataplane", "serving as {server}");
		let mut config = Config::new(server.clone(), genesis_hash);
		config.credit_window = credit_window;
		config.escrow_margin = escrow_margin;
		config.max_upload = max_upload;
		config.min_free_space = min_free_space;
		config.relay = relay;
		config.limits = limits;
		config.test_wrong_sorts = test_wrong_sorts;
		let chain = Arc::new(NodeChain { client: client.clone(), period: current.clone() });
		let store = Arc::new(store);
		let placements = PlacementWorker::new(
			store.clone(),
			Arc::new(NodePlacements {
				client: client.clone(),
				keystore,
				storage: offchain_storage.clone(),
				server: server.clone(),
				syncing: Box::new(syncing),
			}),
			server.clone(),
			WorkerConfig::new(genesis_hash),
		);
		let plane = DataPlane::new(store, Arc::new(ledger), chain, config);
		// The data plane's series, and the chain's verdicts on this peer's traffic.
		let traffic = match &registry {
			Some(registry) => {
				if let Err(e) = plane.metrics().register(registry) {
					log::warn!(target: "dataplane", "cannot register the data plane's metrics: {e}");
				}
				if let Err(e) = placements.metrics().register(registry) {
					log::warn!(target: "dataplane", "cannot register the placement metrics: {e}");
				}
				crate::traffic_metrics::TrafficMetrics::register(registry)
					.map_err(
						|e| log::warn!(target: "dataplane", "cannot register the traffic metrics: {e}"),
					)
					.ok()
			}
			None => None,
		};
		// On a task of its own: a catch-up's reads never hold the accept loop.
		if let Some(metrics) = traffic {
			tokio::spawn(crate::traffic_metrics::follow(client.clone(), server.clone(), metrics));
		}
		let counted = plane.clone();
		let listener = match tokio::net::TcpListener::from_std(listener) {
			Ok(listener) => listener,
			Err(e) => {
				log::error!(target: "dataplane", "data plane listener: {e}");
				return;
			}
		};
		let follow = async move {
			// Runtime calls, off-chain storage writes and removals: off the accept loop's
			// thread. The fetches a pass starts run on tasks of their own.
			// After each pass, the bytes served of the files the chain asked this peer to store
			// are noted for the scheduling pallet's demand reports.
			let pass = |placements: &Arc<PlacementWorker>| {
				let placements = placements.clone();
				let (counted, storage, server) =
					(counted.clone(), offchain_storage.clone(), server.clone());
				tokio::task::spawn_blocking(move || {
					// When the chain could not be read the tallies wait for the next pass.
					if let Some(tasks) = placements.pass().tasks {
						note_served(&*storage, &server, &tasks, counted.take_served());
						counted.count_served_of(tasks);
					}
				})
			};
			let _ = pass(&placements).await;
			while blocks.next().await.is_some() {
				current.store(period(&client), Ordering::Relaxed);
				counted.update_gauges();
				let _ = pass(&placements).await;
			}
		};
		futures::future::select(Box::pin(plane.serve(listener)), Box::pin(follow)).await;
	})
}

#[cfg(test)]
mod tests {
	use super::*;
	use codec::Decode;
	use sp_core::offchain::storage::InMemOffchainStorage;
	use spacebook_dataplane::{content::Digest, demand::Served};
	use spacebook_scheduling_primitives::{served_bytes_key, ServedBytes};

	#[test]
	fn only_the_bytes_of_files_the_chain_asked_for_are_noted_and_they_add_up() {
		let storage = parking_lot::Mutex::new(InMemOffchainStorage::default());
		let (server, dapp) = (AccountId32::new([1; 32]), AccountId32::new([2; 32]));
		let (ordered, other) = (Digest([3; 32]), Digest([4; 32]));
		let served = |period, hash, bytes| Served { period, hash, dapp: dapp.clone(), bytes };
		note_served(
			&storage,
			&server,
			&[ordered],
			vec![served(5, ordered, 10), served(5, other, 99)],
		);
		note_served(
			&storage,
			&server,
			&[ordered],
			vec![served(6, ordered, 1), served(5, ordered, 4)],
		);
		let read = |hash: Digest| {
			storage
				.lock()
				.get(sp_offchain::STORAGE_PREFIX, &served_bytes_key(&server, &hash.0, &dapp))
				.map(|raw| ServedBytes::decode(&mut &raw[..]).expect("a count"))
		};
		let counted = read(ordered).expect("noted");
		assert_eq!((counted.of(6), counted.of(5)), (1, 14));
		assert_eq!(read(other), None, "no order's file: not noted");
	}
}

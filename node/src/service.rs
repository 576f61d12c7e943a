//! Assembles the node: client, ParityDB backend, transaction pool, Gosig import queue and engine,
//! network, offchain workers and JSON-RPC.

use futures::FutureExt;
use sc_client_api::Backend;
use sc_service::{error::Error as ServiceError, Configuration, TaskManager, WarpSyncConfig};
use sc_telemetry::{Telemetry, TelemetryWorker};
use sc_transaction_pool_api::OffchainTransactionPoolFactory;
use sp_blockchain::HeaderBackend;
use spacebook_runtime::{self, apis::RuntimeApi, opaque::Block};
use std::sync::Arc;

/// The host functions the runtime may call.
pub type HostFunctions = sp_io::SubstrateHostFunctions;
/// The full client.
pub type FullClient =
	sc_service::TFullClient<Block, RuntimeApi, sc_executor::WasmExecutor<HostFunctions>>;
type FullBackend = sc_service::TFullBackend<Block>;
type FullSelectChain = sc_consensus::LongestChain<FullBackend, Block>;

/// The parts of a node that subcommands also need.
pub type Service = sc_service::PartialComponents<
	FullClient,
	FullBackend,
	FullSelectChain,
	sc_consensus::DefaultImportQueue<Block>,
	sc_transaction_pool::TransactionPoolHandle<Block, FullClient>,
	Option<Telemetry>,
>;

/// Build the client, backend, pool and import queue.
pub fn new_partial(config: &Configuration) -> Result<Service, ServiceError> {
	let telemetry = config
		.telemetry_endpoints
		.clone()
		.filter(|x| !x.is_empty())
		.map(|endpoints| -> Result<_, sc_telemetry::Error> {
			let worker = TelemetryWorker::new(16)?;
			let telemetry = worker.handle().new_telemetry(endpoints);
			Ok((worker, telemetry))
		})
		.transpose()?;

	let executor = sc_service::new_wasm_executor::<HostFunctions>(&config.executor);
	let (client, backend, keystore_container, task_manager) =
		sc_service::new_full_parts::<Block, RuntimeApi, _>(
			config,
			telemetry.as_ref().map(|(_, telemetry)| telemetry.handle()),
			executor,
			Vec::new(),
		)?;
	let client = Arc::new(client);

	let telemetry = telemetry.map(|(worker, telemetry)| {
		task_manager.spawn_handle().spawn("telemetry", None, worker.run());
		telemetry
	});

	let select_chain = sc_consensus::LongestChain::new(backend.clone());

	let transaction_pool = Arc::from(
		sc_transaction_pool::Builder::new(
			task_manager.spawn_essential_handle(),
			client.clone(),
			config.role.is_authority().into(),
		)
		.with_options(config.transaction_pool.clone())
		.with_prometheus(config.prometheus_registry())
		.build(),
	);

	let import_queue = spacebook_gosig::import_queue::<_, _, FullBackend, _>(
		client.clone(),
		client.clone(),
		&task_manager.spawn_essential_handle(),
		config.prometheus_registry(),
	);

	Ok(sc_service::PartialComponents {
		client,
		backend,
		task_manager,
		import_queue,
		keystore_container,
		select_chain,
		transaction_pool,
		other: telemetry,
	})
}

/// Build and start a full node (a billing peer when run with `--validator`).
pub fn new_full<
	N: sc_network::NetworkBackend<Block, <Block as sp_runtime::traits::Block>::Hash>,
>(
	mut config: Configuration,
	test_equivocation: bool,
	data_plane: crate::dataplane::DataPlaneParams,
	patrol: crate::patrol::PatrolParams,
	dashboard: crate::dashboard::DashboardParams,
) -> Result<TaskManager, ServiceError> {
	let sc_service::PartialComponents {
		client,
		backend,
		mut task_manager,
		import_queue,
		keystore_container,
		select_chain: _,
		transaction_pool,
		other: mut telemetry,
	} = new_partial(&config)?;

	// The keys of a development account (`--alice`, `--dave`, …) go into the keystore here, at the
	// finalized block and before the network starts. `spawn_tasks` would otherwise generate them
	// at the best block it read before, while sync is already importing: a restarted billing peer
	// whose best block was on a fork that finality has since discarded then fails to start with
	// "State already discarded" (seen in the local-net restart; decisions.md).
	if let Some(seed) = config.dev_key_seed.take() {
		sp_session::generate_initial_session_keys(
			client.clone(),
			client.info().finalized_hash,
			vec![seed],
			keystore_container.keystore(),
		)
		.map_err(|e| ServiceError::Application(Box::new(e)))?;
	}

	let mut net_config = sc_network::config::FullNetworkConfiguration::<
		Block,
		<Block as sp_runtime::traits::Block>::Hash,
		N,
	>::new(&config.network, config.prometheus_registry().cloned());
	let metrics = N::register_notification_metrics(config.prometheus_registry());

	// The Gosig protocol: proposals, votes, locks and justifications. Peers are added to it as
	// they connect for block sync (the gossip engine does that), so its own slots are closed.
	let genesis_hash = client.info().genesis_hash;
	let gosig_protocol = spacebook_gosig::gossip::protocol_name(genesis_hash);
	let (gosig_protocol_config, gosig_notification_service) = N::notification_config(
		gosig_protocol.clone(),
		Vec::new(),
		spacebook_gosig::gossip::MAX_MESSAGE_SIZE,
		None,
		sc_network::config::SetConfig {
			in_peers: 0,
			out_peers: 0,
			reserved_nodes: Vec::new(),
			non_reserved_mode: sc_network::config::NonReservedPeerMode::Deny,
		},
		metrics.clone(),
		net_config.peer_store_handle(),
	);
	net_config.add_notification_protocol(gosig_protocol_config);

	let (network, system_rpc_tx, tx_handler_controller, sync_service, _bitswap) =
		sc_service::build_network(sc_service::BuildNetworkParams {
			config: &config,
			net_config,
			client: client.clone(),
			transaction_pool: transaction_pool.clone(),
			spawn_handle: task_manager.spawn_handle(),
			spawn_essential_handle: task_manager.spawn_essential_handle(),
			import_queue,
			block_announce_validator_builder: None,
			warp_sync_config: None::<WarpSyncConfig<Block>>,
			block_relay: None,
			metrics,
			gap_sync_body_policy: None,
		})?;

	if config.offchain_worker.enabled {
		// Before the workers run: put back the report snapshots a power loss took from the
		// off-chain storage; then sync those the workers keep, which they send only once on disk.
		let storage = backend.offchain_storage().ok_or_else(|| {
			ServiceError::Other("off-chain workers need off-chain storage".into())
		})?;
		match crate::report_snapshots::SnapshotDisk::open(
			config.base_path.path(),
			client.chain_info().genesis_hash.as_ref(),
		) {
			Ok(disk) => {
				let chain = client.clone();
				let best = move || chain.chain_info().best_number;
				let syncing = crate::report_snapshots::start(disk, storage, best);
				task_manager.spawn_handle().spawn("report-snapshots", Some("traffic"), syncing);
			}
			// Without the sync the worker sends reports without waiting (and warns).
			Err(e) => log::error!(target: "traffic", "cannot open the report snapshots: {e}"),
		}
		let offchain_workers =
			sc_offchain::OffchainWorkers::new(sc_offchain::OffchainWorkerOptions {
				runtime_api_provider: client.clone(),
				is_validator: config.role.is_authority(),
				keystore: Some(keystore_container.keystore()),
				offchain_db: backend.offchain_storage(),
				transaction_pool: Some(OffchainTransactionPoolFactory::new(
					transaction_pool.clone(),
				)),
				network_provider: Arc::new(network.clone()),
				enable_http_requests: true,
				custom_extensions: |_| vec![],
			})?;
		task_manager.spawn_handle().spawn(
			"offchain-workers-runner",
			"offchain-worker",
			offchain_workers.run(client.clone(), task_manager.spawn_handle()).boxed(),
		);
	}

	let role = config.role;
	let prometheus_registry = config.prometheus_registry().cloned();

	if let Some(listen) = data_plane.serve {
		if !config.offchain_worker.enabled {
			log::warn!(
				target: "dataplane",
				"off-chain workers are disabled: receipts are kept but never reported"
			);
		}
		let storage = backend
			.offchain_storage()
			.ok_or_else(|| ServiceError::Other("the data plane needs off-chain storage".into()))?;
		let serving = crate::dataplane::start::<_, _, _, FullBackend>(
			&data_plane,
			listen,
			config.base_path.path().to_path_buf(),
			client.clone(),
			keystore_container.keystore(),
			storage,
			{
				let sync_service = sync_service.clone();
				move || sp_consensus::SyncOracle::is_major_syncing(&*sync_service)
			},
			prometheus_registry.clone(),
		)
		.map_err(ServiceError::Other)?;
		task_manager.spawn_handle().spawn("dataplane", Some("dataplane"), serving);
	}

	if let Some(storage) = backend.offchain_storage() {
		let patrols = crate::patrol::start(
			&patrol,
			config.base_path.path().to_path_buf(),
			client.clone(),
			keystore_container.keystore(),
			storage,
			prometheus_registry.as_ref(),
		)
		.map_err(ServiceError::Other)?;
		if let Some(patrols) = patrols {
			task_manager.spawn_handle().spawn("patrol", Some("patrol"), patrols);
		}
	} else if patrol.patrol_client_key_file.is_some() {
		return Err(ServiceError::Other("patrols need off-chain storage".into()));
	}

	let round_state = spacebook_gosig::SharedRoundState::new();
	// Each finalized block's justification, read once for every subscriber.
	let justifications = crate::gosig_rpc::JustificationFeed::default();
	task_manager.spawn_handle().spawn(
		"gosig-justification-feed",
		Some("rpc"),
		justifications.clone().run::<Block, _>(client.clone()),
	);
	let rpc_extensions_builder = {
		let client = client.clone();
		let round_state = round_state.clone();
		let justifications = justifications.clone();
		let pool = transaction_pool.clone();
		let offchain_storage = backend.offchain_storage();
		Box::new(move |_| {
			let deps = crate::rpc::FullDeps {
				client: client.clone(),
				pool: pool.clone(),
				offchain_storage: offchain_storage.clone(),
				round_state: round_state.clone(),
				justifications: justifications.clone(),
			};
			crate::rpc::create_full(deps).map_err(Into::into)
		})
	};

	let rpc_handlers = sc_service::spawn_tasks(sc_service::SpawnTasksParams {
		network: Arc::new(network.clone()),
		client: client.clone(),
		keystore: keystore_container.keystore(),
		task_manager: &mut task_manager,
		transaction_pool: transaction_pool.clone(),
		rpc_builder: rpc_extensions_builder,
		backend: backend.clone(),
		system_rpc_tx,
		tx_handler_controller,
		sync_service: sync_service.clone(),
		config,
		telemetry: telemetry.as_mut(),
		tracing_execute_block: None,
	})?;

	// The dashboard's page connects to the port the JSON-RPC server listens on, once it does
	// (`--rpc-port 0` picks one).
	let rpc_port = rpc_handlers
		.listen_addresses()
		.iter()
		.find_map(|address| {
			address.iter().find_map(|protocol| match protocol {
				sc_network::multiaddr::Protocol::Tcp(port) => Some(port),
				_ => None,
			})
		})
		.unwrap_or(9944);
	if let Some(serving) =
		crate::dashboard::start(&dashboard, rpc_port).map_err(ServiceError::Other)?
	{
		task_manager.spawn_handle().spawn("dashboard", Some("dashboard"), serving);
	}

	// Every node runs the Gosig worker: billing peers propose and vote, other nodes observe the
	// votes and finalize.
	let proposer_factory = role.is_authority().then(|| {
		let mut factory = sc_basic_authorship::ProposerFactory::new(
			task_manager.spawn_handle(),
			client.clone(),
			transaction_pool.clone(),
			prometheus_registry.as_ref(),
			telemetry.as_ref().map(|x| x.handle()),
		);
		// Blocks as large as the runtime allows (5 MiB), not the proposer's default 4 MiB: an
		// operational extrinsic between the two (a runtime upgrade's uncompressed code) would
		// otherwise be valid in the pool and never packed.
		let max_block_length = spacebook_runtime::configs::RuntimeBlockLength::get().max;
		factory.set_default_block_size_limit(
			*max_block_length.get(frame_support::dispatch::DispatchClass::Operational) as usize,
		);
		factory
	});
	let gosig = spacebook_gosig::start_gosig::<Block, FullBackend, _, _, _, _, _>(
		spacebook_gosig::GosigParams {
			client: client.clone(),
			backend: backend.clone(),
			block_import: client.clone(),
			proposer_factory,
			keystore: keystore_container.keystore(),
			network: network.clone(),
			sync: sync_service.clone(),
			protocol_name: gosig_protocol,
			notification_service: gosig_notification_service,
			prometheus_registry: prometheus_registry.clone(),
			offchain_tx_pool_factory: OffchainTransactionPoolFactory::new(transaction_pool.clone()),
			test_equivocation,
			round_state,
		},
	);
	// Gosig is essential: if it stops, the node stops.
	task_manager.spawn_essential_handle().spawn_blocking("gosig", Some("gosig"), gosig);

	Ok(task_manager)
}

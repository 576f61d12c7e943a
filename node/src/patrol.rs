//! A scheduling peer's patrol worker (`docs/patrol.md`): the native half of patrols.
//!
//! Once a ledgering period, for each scheduling peer whose node key (`spbp`) is in the
//! keystore, the worker signs the period's draw with the key's VRF (the runtime cannot), asks
//! the chain which serving peers the output selects (`PatrolApi::targets`: those drawn, then
//! those a failed audit requested), patrols each target as a DApp's client with the patrol
//! client key (`--patrol-client-key-file`; the SDK's `Client::patrol`: tasks and slices of the
//! files the target is placed to hold, every answer verified), each target after a delay of its
//! own, all at once, keeps what it asked and got in a journal (`<base>/patrol/<period>.scale`),
//! and leaves the batch in the off-chain database, where the runtime's off-chain worker signs
//! and sends it (`pallet_patrol::offchain`).

use codec::Encode;
use futures::StreamExt;
use pallet_patrol_runtime_api::PatrolApi;
use pallet_peers::crypto::{PeerKey, PEER_KEY_TYPE};
use pallet_peers_runtime_api::PeersApi;
use pallet_scheduling_runtime_api::{PlacementStatus, SchedulingApi};
use sc_client_api::BlockchainEvents;
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use sp_core::{crypto::AccountId32, offchain::OffchainStorage, sr25519, Pair};
use sp_keystore::KeystorePtr;
use spacebook_patrol_primitives::{
	batch_key, draw_output, vrf_sign_data, DrawProof, PatrolBatch, PatrolOutcome, PatrolResult,
	PatrolTarget,
};
use spacebook_runtime::{opaque::Block, AccountId, Balance, BlockNumber};
use spacebook_scheduling_primitives::FileRef;
use spacebook_sdk::{
	patrol::{commitment, CheckRecord},
	Client, Endpoint, Relay,
};
use std::{path::PathBuf, sync::Arc, time::Duration};

/// How scheduling peers patrol.
#[derive(Debug, Clone, clap::Args)]
pub struct PatrolParams {
	/// Patrol as the scheduling peer whose node key (`spbp`) is in the keystore, running tasks
	/// with the DApp client key whose secret URI (a seed phrase, or `//Name` on dev chains) is
	/// in this file: a key of a funded DApp, which pays for patrols like any DApp's traffic.
	#[arg(long, value_name = "PATH")]
	pub patrol_client_key_file: Option<PathBuf>,

	/// The longest delay, in seconds, before a target's patrol starts; each target's delay is
	/// drawn from the scheduling peer's secret draw, so that patrols neither come together nor
	/// at a period's start.
	#[arg(long, value_name = "SECS", default_value_t = 120)]
	pub patrol_max_delay: u64,
}

/// A target's patrol in the journal: the peer, the seed its inputs were drawn from, the files
/// it was placed to hold, and the checks.
pub type JournalPatrol = (AccountId, [u8; 32], Vec<FileRef>, Vec<CheckRecord>);

/// The patrols of a period a worker ran: what the journal keeps to audit its commitment.
#[derive(Encode)]
pub struct JournalEntry {
	/// The period.
	pub period: u32,
	/// Each target's patrol.
	pub patrols: Vec<JournalPatrol>,
}

/// The seed of `peer`'s patrol inputs under a draw's output: secret until the batch shows the
/// output, and a different one for each peer.
pub fn target_seed(output: &[u8; 32], peer: &AccountId) -> [u8; 32] {
	sp_io::hashing::blake2_256(&(b"spacebook/patrol-inputs", output, peer).encode())
}

/// The delay before a patrol, drawn from `seed` (a target's): at most `max`.
pub fn patrol_delay(output: &[u8; 32], max: Duration) -> Duration {
	let roll = u64::from_le_bytes(
		sp_io::hashing::blake2_256(&(b"spacebook/patrol-delay", output).encode())[..8]
			.try_into()
			.expect("8 bytes"),
	);
	let millis = max.as_millis().min(u128::from(u64::MAX)) as u64;
	Duration::from_millis(roll.checked_rem(millis.saturating_add(1)).unwrap_or(0))
}

/// The batch of `scheduler`'s patrols of `period`: one result a target, the commitment to
/// every check.
pub fn build_batch(
	scheduler: AccountId,
	period: u32,
	draw: DrawProof,
	patrols: &[(AccountId, spacebook_sdk::patrol::PatrolReport)],
) -> PatrolBatch<AccountId, Vec<PatrolResult<AccountId>>> {
	let checks: Vec<(AccountId, Vec<CheckRecord>)> =
		patrols.iter().map(|(peer, r)| (peer.clone(), r.checks.clone())).collect();
	PatrolBatch {
		scheduler,
		period,
		draw,
		inputs: commitment(&checks),
		results: patrols
			.iter()
			.map(|(peer, report)| PatrolResult {
				peer: peer.clone(),
				checks: report.checks.len().min(255) as u8,
				outcome: report.outcome,
				latency_ms: report.latency_ms,
				throughput_kib_s: report.throughput_kib_s,
			})
			.collect(),
	}
}

/// The patrol worker, if `params` enable it: it waits for blocks and runs each period's patrols
/// of the node's scheduling peers.
pub fn start<C, S>(
	params: &PatrolParams,
	base_path: PathBuf,
	client: Arc<C>,
	keystore: KeystorePtr,
	offchain_storage: S,
	registry: Option<&substrate_prometheus_endpoint::Registry>,
) -> Result<Option<impl std::future::Future<Output = ()> + Send + 'static>, String>
where
	C: ProvideRuntimeApi<Block>
		+ HeaderBackend<Block>
		+ BlockchainEvents<Block>
		+ Send
		+ Sync
		+ 'static,
	C::Api: PeersApi<Block, AccountId, Balance, BlockNumber, PeerKey, sr25519::Public>
		+ SchedulingApi<Block, AccountId, Balance, BlockNumber>
		+ PatrolApi<Block, AccountId>,
	S: OffchainStorage + 'static,
{
	let Some(path) = &params.patrol_client_key_file else { return Ok(None) };
	let suri = std::fs::read_to_string(path)
		.map_err(|e| format!("--patrol-client-key-file {path:?}: {e}"))?;
	let key = sr25519::Pair::from_string(suri.trim(), None)
		.map_err(|e| format!("--patrol-client-key-file {path:?}: not a secret URI ({e:?})"))?;
	let journal = base_path.join("patrol");
	std::fs::create_dir_all(&journal)
		.map_err(|e| format!("the patrol journal {journal:?}: {e}"))?;
	let max_delay = Duration::from_secs(params.patrol_max_delay);
	let storage = Arc::new(parking_lot::Mutex::new(offchain_storage));
	let metrics = registry.and_then(|r| {
		PatrolMetrics::register(r)
			.map_err(|e| log::warn!(target: "patrol", "cannot register the patrol metrics: {e}"))
			.ok()
	});
	Ok(Some(async move {
		let mut blocks = client.import_notification_stream();
		// The last period patrolled, and the last one a failure was logged in: a failure before
		// the patrols ran (the client key not yet a DApp's, say) is tried again at the next
		// block, and logged once a period.
		// Each local scheduling peer's last period patrolled, and the last period a failure
		// was logged in.
		let mut done: std::collections::BTreeMap<[u8; 32], u32> = Default::default();
		let mut warned = None::<u32>;
		while blocks.next().await.is_some() {
			let best = client.info().best_hash;
			let api = client.runtime_api();
			let Ok(period) = api.current_period(best) else { continue };
			let locals: Vec<(sr25519::Public, AccountId)> = keystore
				.sr25519_public_keys(PEER_KEY_TYPE)
				.into_iter()
				.filter(|k| done.get(&k.0).is_none_or(|d| *d < period))
				.filter_map(|k| api.scheduler_of_key(best, k.0).ok().flatten().map(|who| (k, who)))
				.collect();
			for (public, scheduler) in locals {
				let run = patrol_period(
					&client, &keystore, &key, public, scheduler, period, max_delay, &journal,
				)
				.await;
				match run {
					Ok(batch) => {
						done.insert(public.0, period);
						let Some(batch) = batch else {
							log::debug!(target: "patrol", "period {period}: nobody to patrol");
							continue;
						};
						let raw = batch_key(period, &public.0);
						storage.lock().set(sp_offchain::STORAGE_PREFIX, &raw, &batch.encode());
						if let Some(metrics) = &metrics {
							metrics.note_batch(&batch.results);
						}
						log::info!(
							target: "patrol",
							"👮 period {period}: {} peers patrolled, batch left for the off-chain worker",
							batch.results.len()
						);
					}
					Err(e) => {
						if warned != Some(period) {
							log::warn!(target: "patrol", "period {period}: {e}");
						}
						warned = Some(period);
					}
				}
			}
		}
	}))
}

/// The patrol worker's Prometheus series (docs/operators.md "Metrics").
#[derive(Clone)]
pub struct PatrolMetrics {
	/// Batches of patrol results left for the off-chain worker to submit.
	pub batches: substrate_prometheus_endpoint::Counter<substrate_prometheus_endpoint::U64>,
	/// Peers patrolled, by outcome (`passed`, `wrong_answer`, `unanswered`).
	pub patrols: substrate_prometheus_endpoint::CounterVec<substrate_prometheus_endpoint::U64>,
}

impl PatrolMetrics {
	/// Register the series in `registry`, every outcome at zero.
	pub fn register(
		registry: &substrate_prometheus_endpoint::Registry,
	) -> Result<Self, substrate_prometheus_endpoint::PrometheusError> {
		use substrate_prometheus_endpoint::{register, Counter, CounterVec, Opts};
		let metrics = PatrolMetrics {
			batches: register(
				Counter::new(
					"spacebook_patrol_batches_total",
					"Batches of patrol results left for the off-chain worker to submit",
				)?,
				registry,
			)?,
			patrols: register(
				CounterVec::new(
					Opts::new("spacebook_patrol_patrols_total", "Peers patrolled, by outcome"),
					&["outcome"],
				)?,
				registry,
			)?,
		};
		for outcome in ["passed", "wrong_answer", "unanswered"] {
			metrics.patrols.with_label_values(&[outcome]);
		}
		Ok(metrics)
	}

	/// Count a batch of `results`.
	pub fn note_batch(&self, results: &[PatrolResult<AccountId>]) {
		self.batches.inc();
		for result in results {
			let outcome = match result.outcome {
				PatrolOutcome::Passed => "passed",
				PatrolOutcome::WrongAnswer(_) => "wrong_answer",
				PatrolOutcome::Unanswered(_) => "unanswered",
			};
			self.patrols.with_label_values(&[outcome]).inc();
		}
	}
}

/// Run `scheduler`'s patrols of `period`; the batch, if it patrolled anyone.
#[allow(clippy::too_many_arguments)]
async fn patrol_period<C>(
	client: &Arc<C>,
	keystore: &KeystorePtr,
	key: &sr25519::Pair,
	public: sr25519::Public,
	scheduler: AccountId,
	period: u32,
	max_delay: Duration,
	journal: &std::path::Path,
) -> Result<Option<PatrolBatch<AccountId, Vec<PatrolResult<AccountId>>>>, String>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: PeersApi<Block, AccountId, Balance, BlockNumber, PeerKey, sr25519::Public>
		+ SchedulingApi<Block, AccountId, Balance, BlockNumber>
		+ PatrolApi<Block, AccountId>,
{
	let best = client.info().best_hash;
	let api = client.runtime_api();
	let draw = api
		.draw(best, period)
		.map_err(|e| e.to_string())?
		.ok_or("the chain keeps no draw of the period")?;
	let signature = keystore
		.sr25519_vrf_sign(PEER_KEY_TYPE, &public, &vrf_sign_data(&draw.seed, period))
		.map_err(|e| e.to_string())?
		.ok_or("the node key is not in the keystore")?;
	let proof: DrawProof =
		signature.encode().try_into().map_err(|_| "a VRF signature of another length")?;
	let output =
		draw_output(&public, &draw.seed, period, &proof).ok_or("the node's VRF does not verify")?;
	let targets =
		api.targets(best, scheduler.clone(), period, output).map_err(|e| e.to_string())?;
	if targets.is_empty() {
		return Ok(None);
	}
	let dapp = api
		.dapp_of_client_key(best, key.public())
		.map_err(|e| e.to_string())?
		.ok_or("the patrol client key is not a registered DApp's")?;
	let files: Vec<PlacedFiles> =
		targets.iter().map(|t| placed_files(&**client, best, &t.peer)).collect();
	let genesis = client.info().genesis_hash;
	let current: spacebook_sdk::session::CurrentPeriod = {
		let client = client.clone();
		Arc::new(move || client.runtime_api().current_period(client.info().best_hash).ok())
	};
	let relays = relay_candidates(&**client, best, &output);
	let reports = run_patrols(
		dapp,
		key.clone(),
		genesis,
		current,
		&targets,
		&files,
		&relays,
		&output,
		max_delay,
	)
	.await;
	let entry = JournalEntry {
		period,
		patrols: targets
			.iter()
			.zip(&files)
			.zip(&reports)
			.map(|((t, f), (_, r))| {
				(t.peer.clone(), target_seed(&output, &t.peer), f.files.clone(), r.checks.clone())
			})
			.collect(),
	};
	let path = journal.join(format!("{period}.scale"));
	if let Err(e) = std::fs::write(&path, entry.encode()) {
		// The batch still goes: its results are right; only a later audit of them lacks the
		// inputs.
		log::warn!(target: "patrol", "the patrol journal {path:?}: {e}");
	}
	Ok(Some(build_batch(scheduler, period, proof, &reports)))
}

/// The files a patrol may read of a peer.
#[derive(Clone, Debug, Default)]
pub struct PlacedFiles {
	/// The files.
	pub files: Vec<FileRef>,
	/// Whether the peer must hold them (a professional peer's confirmed placements), or may
	/// still be copying them (a common peer's backups).
	pub must_hold: bool,
}

/// The files `peer` holds by its placements: a professional peer's confirmed ones, or a
/// common peer's backups.
fn placed_files<C>(
	client: &C,
	at: <Block as sp_runtime::traits::Block>::Hash,
	peer: &AccountId,
) -> PlacedFiles
where
	C: ProvideRuntimeApi<Block>,
	C::Api: SchedulingApi<Block, AccountId, Balance, BlockNumber>,
{
	let api = client.runtime_api();
	if let Ok(Some((_, backups))) = api.backup_tasks(at, peer.clone()) {
		return PlacedFiles { files: backups, must_hold: false };
	}
	let files = api
		.tasks(at, peer.clone())
		.unwrap_or_default()
		.into_iter()
		.filter(|(_, _, status)| matches!(status, PlacementStatus::Holding { .. }))
		.map(|(_, file, _)| file)
		.collect();
	PlacedFiles { files, must_hold: true }
}

/// The most registrations read for relay candidates (four pages of the registry).
const MAX_RELAY_SCAN: u32 = 4 * pallet_peers::MAX_PEERS_SCAN;
/// The most professional peers asked each period whether they relay.
pub const MAX_RELAYS_ASKED: usize = 8;
/// How long a relay has to open a session before it is left out.
const RELAY_OPEN_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a target's checks may take after its delay: its patrol is cut (unanswered) past
/// it, so that one slow peer never holds the batch past its period (5 minutes, with the
/// default 120 s delay).
pub const PATROL_CHECKS_DEADLINE: Duration = Duration::from_secs(170);

/// Active professional peers with a valid endpoint, each a candidate relay of patrols: up to
/// [`MAX_RELAY_SCAN`] registrations read from a place in the registry drawn from `output`
/// (secret), wrapping around, so that no account can make itself a candidate every period by
/// its place in the registry's order.
fn relay_candidates<C>(
	client: &C,
	at: <Block as sp_runtime::traits::Block>::Hash,
	output: &[u8; 32],
) -> Vec<(AccountId, Endpoint)>
where
	C: ProvideRuntimeApi<Block>,
	C::Api: PeersApi<Block, AccountId, Balance, BlockNumber, PeerKey, sr25519::Public>,
{
	let api = client.runtime_api();
	let start = AccountId::new(sp_io::hashing::blake2_256(
		&(b"spacebook/patrol-relay-scan", output).encode(),
	));
	let (mut found, mut after, mut scanned, mut wrapped) =
		(Vec::<(AccountId, Endpoint)>::new(), Some(start), 0u32, false);
	while scanned < MAX_RELAY_SCAN {
		let Ok((page, next)) =
			api.professional_peers(at, after.clone(), pallet_peers::MAX_PEERS_SCAN)
		else {
			break;
		};
		scanned = scanned.saturating_add(pallet_peers::MAX_PEERS_SCAN);
		for p in page.into_iter().filter(|p| p.active) {
			let endpoint =
				std::str::from_utf8(&p.endpoint).ok().and_then(|e| Endpoint::parse(e).ok());
			if let Some(endpoint) = endpoint {
				if !found.iter().any(|(who, _)| *who == p.account) {
					found.push((p.account, endpoint));
				}
			}
		}
		match next {
			Some(next) => after = Some(next),
			// The end of the registry: once more from its beginning.
			None if !wrapped => (after, wrapped) = (None, true),
			None => break,
		}
	}
	found
}

/// The host part of an endpoint's `host:port`.
fn host(endpoint: &Endpoint) -> &str {
	endpoint.authority.rsplit_once(':').map_or(endpoint.authority.as_str(), |(host, _)| host)
}

/// Which of `relays` carry the patrol of `target` (at `target_host`) whose inputs are drawn
/// from `seed`: a first and an alternate (for checks the first leaves unanswered), drawn from
/// the seed among those that are not the target, relays on another host than the target's
/// first (a relay that keeps to public addresses refuses its own host's; one that relays to
/// private networks, as on a test network, does not).
pub fn relays_for<'a, R>(
	relays: &'a [(AccountId, String, R)],
	target: &AccountId,
	target_host: &str,
	seed: &[u8; 32],
) -> (Option<&'a R>, Option<&'a R>) {
	let (far, near): (Vec<_>, Vec<_>) = relays
		.iter()
		.filter(|(who, _, _)| who != target)
		.partition(|(_, host, _)| host != target_host);
	let roll = u64::from_le_bytes(
		sp_io::hashing::blake2_256(&(b"spacebook/patrol-relay", seed).encode())[..8]
			.try_into()
			.expect("8 bytes"),
	);
	// The relays in the order they are tried: from a drawn place among the far ones, then from
	// a drawn place among the near ones.
	let from_drawn = |list: &[&'a (AccountId, String, R)]| -> Vec<&'a R> {
		let start = (roll % list.len().max(1) as u64) as usize;
		list.iter().cycle().skip(start).take(list.len()).map(|(_, _, r)| r).collect()
	};
	let mut order = from_drawn(&far);
	order.extend(from_drawn(&near));
	(order.first().copied(), order.get(1).copied())
}

/// Sessions with up to [`MAX_RELAYS_ASKED`] of `candidates` that relay VPN traffic, drawn
/// from `output` (secret until the batch), peers that are not among `targets` first (a relay
/// learns the patrol client key: better not in the period it is patrolled in), each opened
/// within [`RELAY_OPEN_TIMEOUT`], all at once: this period's relays, with their hosts.
async fn open_relays(
	dapp: &AccountId32,
	key: &sr25519::Pair,
	genesis: <Block as sp_runtime::traits::Block>::Hash,
	current: &spacebook_sdk::session::CurrentPeriod,
	candidates: &[(AccountId, Endpoint)],
	targets: &[PatrolTarget<AccountId>],
	output: &[u8; 32],
) -> Vec<(AccountId, String, Arc<Relay>)> {
	// The candidates in an order drawn from the output, the period's targets last: the first
	// ones are asked.
	let mut asked: Vec<&(AccountId, Endpoint)> = candidates.iter().collect();
	asked.sort_by_cached_key(|(who, _)| {
		let target = targets.iter().any(|t| t.peer == *who);
		(target, sp_io::hashing::blake2_256(&(b"spacebook/patrol-relays", output, who).encode()))
	});
	asked.truncate(MAX_RELAYS_ASKED);
	let endpoints: Vec<Endpoint> = asked.iter().map(|(_, e)| e.clone()).collect();
	if endpoints.is_empty() {
		return Vec::new();
	}
	let Ok(client) = Client::connect(dapp.clone(), key.clone(), &endpoints, Some(genesis)).await
	else {
		return Vec::new();
	};
	let client = client.with_current_period(current.clone());
	// Only an endpoint that answers as the peer the registry lists there, and relays.
	let relaying = asked.into_iter().filter(|(who, endpoint)| {
		client
			.peers()
			.iter()
			.any(|p| &p.endpoint == endpoint && &p.status.server == who && p.status.relays)
	});
	let opened = futures::future::join_all(relaying.map(|(who, endpoint)| {
		let client = &client;
		async move {
			match tokio::time::timeout(RELAY_OPEN_TIMEOUT, client.open_relay(Some(endpoint))).await
			{
				Ok(Ok(relay)) => Some((who.clone(), host(endpoint).to_owned(), relay)),
				Ok(Err(e)) => {
					log::debug!(target: "patrol", "relay {endpoint}: {e}");
					None
				}
				Err(_) => {
					log::debug!(target: "patrol", "relay {endpoint}: no session in time");
					None
				}
			}
		}
	}))
	.await;
	opened.into_iter().flatten().collect()
}

/// A report of a patrol that could not reach its target.
fn unanswered() -> spacebook_sdk::patrol::PatrolReport {
	spacebook_sdk::patrol::PatrolReport {
		checks: Vec::new(),
		outcome: PatrolOutcome::Unanswered(spacebook_patrol_primitives::PatrolCheck::Sort),
		latency_ms: 0,
		throughput_kib_s: 0,
		relay_suspect: None,
	}
}

/// Patrol each target with the patrol client key, each after a delay drawn from its seed
/// (at most `max_delay`), all at once, each through the VPN relay of another professional
/// peer drawn from its seed (with an alternate for checks the first leaves unanswered) among
/// the relaying peers of `relay_candidates` asked this period (directly only if none of those
/// relays); a target that cannot be reached, whose endpoint answers as another account, or
/// whose checks outlast [`PATROL_CHECKS_DEADLINE`], is unanswered. Receipts (the targets' and
/// the relays') are signed for periods up to `current()` + 1 only.
#[allow(clippy::too_many_arguments)]
pub async fn run_patrols(
	dapp: AccountId32,
	key: sr25519::Pair,
	genesis: <Block as sp_runtime::traits::Block>::Hash,
	current: spacebook_sdk::session::CurrentPeriod,
	targets: &[PatrolTarget<AccountId>],
	files: &[PlacedFiles],
	relay_candidates: &[(AccountId, Endpoint)],
	output: &[u8; 32],
	max_delay: Duration,
) -> Vec<(AccountId, spacebook_sdk::patrol::PatrolReport)> {
	let relays =
		open_relays(&dapp, &key, genesis, &current, relay_candidates, targets, output).await;
	if relays.is_empty() && !targets.is_empty() {
		log::info!(
			target: "patrol",
			"none of the professional peers asked relays VPN traffic: the patrols go directly"
		);
	}
	// All at once: a peer that answers slowly delays only its own patrol, and never the
	// batch past the deadline.
	let patrols = targets.iter().zip(files).map(|(target, files)| {
		let endpoint =
			std::str::from_utf8(&target.endpoint).ok().and_then(|e| Endpoint::parse(e).ok());
		let seed = target_seed(output, &target.peer);
		let (relay, alternate) = match &endpoint {
			Some(endpoint) => relays_for(&relays, &target.peer, host(endpoint), &seed),
			None => (None, None),
		};
		let (relay, alternate) = (relay.cloned(), alternate.cloned());
		let (dapp, key, current) = (dapp.clone(), key.clone(), current.clone());
		async move {
			let Some(endpoint) = endpoint else { return (target.peer.clone(), unanswered()) };
			tokio::time::sleep(patrol_delay(&seed, max_delay)).await;
			// Through the relay, the target sees the relay's address, not this node's.
			let (endpoint, alternate) = match &relay {
				Some(relay) => {
					log::info!(
						target: "patrol",
						"patrolling {} through the relay of {}",
						target.peer,
						relay.server()
					);
					(endpoint.via(relay), alternate.map(|a| endpoint.via(&a)))
				}
				None => {
					log::info!(target: "patrol", "patrolling {} directly", target.peer);
					(endpoint, None)
				}
			};
			let patrol = async {
				// Through the first relay, or the alternate if the first does not reach it.
				let mut client = None;
				let mut routes = [Some(endpoint.clone()), alternate.clone()];
				for i in 0..routes.len() {
					let Some(route) = routes[i].clone() else { continue };
					let connected = Client::connect(
						dapp.clone(),
						key.clone(),
						std::slice::from_ref(&route),
						Some(genesis),
					)
					.await
					.ok()
					.filter(|c| c.peers().iter().any(|p| p.status.server == target.peer));
					match connected {
						Some(connected) => {
							client = Some(connected.with_current_period(current.clone()));
							routes.swap(0, i);
							break;
						}
						None => {
							log::debug!(target: "patrol", "{route} does not answer as {}", target.peer)
						}
					}
				}
				let Some(client) = client else { return unanswered() };
				let [Some(endpoint), alternate] = routes else { return unanswered() };
				let report = client
					.patrol_through(
						&endpoint,
						alternate.as_ref(),
						seed,
						&files.files,
						files.must_hold,
					)
					.await;
				if let Some(check) = report.relay_suspect {
					log::warn!(
						target: "patrol",
						"{}'s {check:?} answer was wrong through the relay and right directly: \
						 counted unanswered",
						target.peer
					);
				}
				client.finish_tasks(Duration::from_secs(10)).await;
				report
			};
			let report =
				tokio::time::timeout(PATROL_CHECKS_DEADLINE, patrol).await.unwrap_or_else(|_| {
					log::info!(target: "patrol", "{}: the patrol ran out of time", target.peer);
					unanswered()
				});
			(target.peer.clone(), report)
		}
	});
	let reports = futures::future::join_all(patrols).await;
	futures::future::join_all(relays.iter().map(|(_, _, r)| r.finish(Duration::from_secs(10))))
		.await;
	reports
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn each_target_gets_its_own_secret_seed_and_the_delay_stays_within_its_bound() {
		let (a, b) = (AccountId::new([1; 32]), AccountId::new([2; 32]));
		assert_ne!(target_seed(&[7; 32], &a), target_seed(&[7; 32], &b));
		assert_ne!(target_seed(&[7; 32], &a), target_seed(&[8; 32], &a));
		assert_eq!(target_seed(&[7; 32], &a), target_seed(&[7; 32], &a));
		let max = Duration::from_secs(120);
		let delays: Vec<_> = (0u8..50).map(|o| patrol_delay(&[o; 32], max)).collect();
		assert!(delays.iter().all(|d| *d <= max));
		assert!(delays.iter().any(|d| *d != delays[0]), "drawn, not fixed");
		assert_eq!(patrol_delay(&[3; 32], Duration::ZERO), Duration::ZERO);
	}

	#[test]
	fn a_targets_relays_are_drawn_from_its_seed_never_the_target_and_on_its_host_last() {
		let ids: Vec<AccountId> = (1..=4u8).map(|i| AccountId::new([i; 32])).collect();
		let relays: Vec<(AccountId, String, u8)> =
			ids.iter().cloned().zip(1u8..).map(|(id, n)| (id, format!("10.0.0.{n}"), n)).collect();
		let target = &ids[0];
		let drawn: std::collections::BTreeSet<u8> = (0..64u8)
			.map(|s| *relays_for(&relays, target, "10.0.0.1", &[s; 32]).0.unwrap())
			.collect();
		assert!(!drawn.contains(&1), "the target never relays its own patrol");
		assert!(drawn.len() > 1, "drawn from the seed, not fixed: {drawn:?}");
		for s in 0..16u8 {
			let (first, alternate) = relays_for(&relays, target, "10.0.0.1", &[s; 32]);
			assert_ne!(first, alternate, "the alternate is another relay");
			assert_ne!(alternate, Some(&1));
		}
		assert_eq!(
			relays_for(&relays, target, "10.0.0.1", &[9; 32]),
			relays_for(&relays, target, "10.0.0.1", &[9; 32])
		);
		// Relays on the target's host come after the others (a strict relay refuses its own
		// host's addresses), and are used when no other relays.
		let far: std::collections::BTreeSet<u8> = (0..64u8)
			.map(|s| *relays_for(&relays, &ids[3], "10.0.0.2", &[s; 32]).0.unwrap())
			.collect();
		assert!(!far.contains(&2) && !far.contains(&4), "{far:?}");
		let near_only: Vec<(AccountId, String, u8)> =
			relays.iter().map(|(id, _, n)| (id.clone(), "10.0.0.9".into(), *n)).collect();
		let (first, alternate) = relays_for(&near_only, target, "10.0.0.9", &[1; 32]);
		assert!(first.is_some() && alternate.is_some() && first != alternate);
		let mixed = vec![relays[1].clone(), (ids[2].clone(), "10.0.0.1".into(), 3)];
		assert_eq!(relays_for(&mixed, target, "10.0.0.1", &[5; 32]), (Some(&2), Some(&3)));
		// Only one other relay: no alternate; the target the only relay, or none: directly.
		assert_eq!(relays_for(&relays[..2], target, "10.0.0.1", &[0; 32]), (Some(&2), None));
		assert_eq!(relays_for(&relays[..1], target, "10.0.0.1", &[0; 32]), (None, None));
		assert_eq!(relays_for::<u8>(&[], target, "h", &[0; 32]), (None, None));
	}

	#[test]
	fn an_endpoints_host_is_its_authority_without_the_port() {
		assert_eq!(host(&Endpoint::parse("http://10.1.2.3:30333").unwrap()), "10.1.2.3");
		assert_eq!(host(&Endpoint::parse("http://[::1]:80").unwrap()), "[::1]");
		assert_eq!(host(&Endpoint::parse("peer.example:8080").unwrap()), "peer.example");
	}

	#[test]
	fn a_batch_carries_one_result_a_target_and_commits_to_every_check() {
		use spacebook_patrol_primitives::PatrolCheck;
		use spacebook_sdk::patrol::PatrolReport;
		let record = |right| CheckRecord {
			check: PatrolCheck::Sort,
			input: [1; 32],
			answer: [2; 32],
			right,
		};
		let report = |right, outcome| PatrolReport {
			checks: vec![record(right)],
			outcome,
			latency_ms: 12,
			throughput_kib_s: 3_000,
			relay_suspect: None,
		};
		let (a, b) = (AccountId::new([1; 32]), AccountId::new([2; 32]));
		let patrols = vec![
			(a.clone(), report(true, PatrolOutcome::Passed)),
			(b.clone(), report(false, PatrolOutcome::WrongAnswer(PatrolCheck::Sort))),
		];
		let batch = build_batch(a.clone(), 4, [0; 96], &patrols);
		assert_eq!(batch.results.len(), 2);
		assert_eq!(batch.results[1].peer, b);
		assert_eq!(batch.results[1].outcome, PatrolOutcome::WrongAnswer(PatrolCheck::Sort));
		assert_eq!((batch.results[0].checks, batch.results[0].latency_ms), (1, 12));
		// The commitment changes with any check's answer.
		let mut changed = patrols.clone();
		changed[0].1.checks[0].answer = [3; 32];
		assert_ne!(build_batch(a, 4, [0; 96], &changed).inputs, batch.inputs);
	}

	#[test]
	fn the_metrics_count_a_batch_by_outcome() {
		let registry = substrate_prometheus_endpoint::Registry::new();
		let metrics = PatrolMetrics::register(&registry).unwrap();
		let result = |outcome| PatrolResult {
			peer: AccountId::new([1; 32]),
			checks: 3,
			outcome,
			latency_ms: 0,
			throughput_kib_s: 0,
		};
		let check = spacebook_patrol_primitives::PatrolCheck::Sort;
		metrics.note_batch(&[
			result(PatrolOutcome::Passed),
			result(PatrolOutcome::WrongAnswer(check)),
			result(PatrolOutcome::Passed),
		]);
		assert_eq!(metrics.batches.get(), 1);
		assert_eq!(metrics.patrols.with_label_values(&["passed"]).get(), 2);
		assert_eq!(metrics.patrols.with_label_values(&["wrong_answer"]).get(), 1);
		assert_eq!(metrics.patrols.with_label_values(&["unanswered"]).get(), 0);
	}
}

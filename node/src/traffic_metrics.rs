//! Proof-of-Traffic series of a serving peer's node: what the chain did with this peer's traffic,
//! read from the events of every finalized block — reports accepted, audits passed and failed,
//! patrols raised, rewards paid (`spacebook_traffic_*`, docs/operators.md "Metrics").
//!
//! The off-chain worker that reports and answers audits runs in the runtime, where nothing can
//! export a series; its work shows on chain as `Traffic` events naming the peer, counted here
//! once each, from finalized blocks only (a block that is never final never counts).

use futures::StreamExt;
use pallet_traffic::Event as TrafficEvent;
use sc_client_api::{BlockchainEvents, StorageProvider};
use sp_api::{Core, ProvideRuntimeApi};
use sp_core::storage::StorageKey;
use spacebook_runtime::{opaque::Block, AccountId, RuntimeEvent, SPB};
use std::sync::Arc;
use substrate_prometheus_endpoint::{
	register, Counter, CounterVec, Gauge, Opts, PrometheusError, Registry, F64, U64,
};

/// The series.
#[derive(Clone)]
pub struct TrafficMetrics {
	/// Reports of this peer the chain accepted.
	pub reports_accepted: Counter<U64>,
	/// Audits of this peer's reports, by outcome (`passed`, `failed`).
	pub audits: CounterVec<U64>,
	/// Patrols the chain raised against this peer after a failed audit.
	pub patrols_requested: Counter<U64>,
	/// SPB paid to this peer by Proof-of-Traffic.
	pub rewards: Counter<F64>,
	/// The reward of the last period this peer was paid for, in SPB.
	pub last_reward: Gauge<F64>,
	/// The last period this peer was paid for.
	pub last_rewarded_period: Gauge<U64>,
}

impl TrafficMetrics {
	/// Register the series in `registry`.
	pub fn register(registry: &Registry) -> Result<Self, PrometheusError> {
		let metrics = TrafficMetrics {
			reports_accepted: register(
				Counter::new(
					"spacebook_traffic_reports_accepted_total",
					"Reports of this peer accepted on chain (finalized)",
				)?,
				registry,
			)?,
			audits: register(
				CounterVec::new(
					Opts::new(
						"spacebook_traffic_audits_total",
						"Audits of this peer's reports, by outcome",
					),
					&["outcome"],
				)?,
				registry,
			)?,
			patrols_requested: register(
				Counter::new(
					"spacebook_traffic_patrols_requested_total",
					"Patrols raised against this peer after a failed audit",
				)?,
				registry,
			)?,
			rewards: register(
				Counter::new(
					"spacebook_traffic_rewards_spb_total",
					"SPB paid to this peer by Proof-of-Traffic",
				)?,
				registry,
			)?,
			last_reward: register(
				Gauge::new(
					"spacebook_traffic_last_reward_spb",
					"The reward of the last period this peer was paid for, in SPB",
				)?,
				registry,
			)?,
			last_rewarded_period: register(
				Gauge::new(
					"spacebook_traffic_last_rewarded_period",
					"The last ledgering period this peer was paid for",
				)?,
				registry,
			)?,
		};
		for outcome in ["passed", "failed"] {
			metrics.audits.with_label_values(&[outcome]);
		}
		Ok(metrics)
	}

	/// Count the events of one finalized block that concern `peer`.
	pub fn note_events<'a>(
		&self,
		peer: &AccountId,
		events: impl IntoIterator<Item = &'a RuntimeEvent>,
	) {
		for event in events {
			let RuntimeEvent::Traffic(event) = event else { continue };
			match event {
				TrafficEvent::ReportAccepted { peer: p, .. } if p == peer => {
					self.reports_accepted.inc()
				}
				TrafficEvent::AuditPassed { peer: p, .. } if p == peer => {
					self.audits.with_label_values(&["passed"]).inc()
				}
				TrafficEvent::AuditFailed { peer: p, .. } if p == peer => {
					self.audits.with_label_values(&["failed"]).inc()
				}
				TrafficEvent::PatrolRequested { peer: p, .. } if p == peer => {
					self.patrols_requested.inc()
				}
				TrafficEvent::RewardPaid { peer: p, period, amount, .. } if p == peer => {
					let spb = *amount as f64 / SPB as f64;
					self.rewards.inc_by(spb);
					self.last_reward.set(spb);
					self.last_rewarded_period.set(u64::from(*period));
				}
				_ => {}
			}
		}
	}
}

/// The storage key of `System::Events`.
fn events_key() -> StorageKey {
	let mut key = sp_crypto_hashing::twox_128(b"System").to_vec();
	key.extend(sp_crypto_hashing::twox_128(b"Events"));
	StorageKey(key)
}

/// Count the events of every block finalized from now on that concern `peer`, until the node
/// stops. The reads run on a blocking thread. A block whose events cannot be read (its state
/// pruned) is skipped with a warning; so are blocks of a runtime other than the one this node
/// was built with (after a forkless upgrade its events may be laid out differently), with one
/// warning until the node is upgraded too.
pub async fn follow<C, BE>(client: Arc<C>, peer: AccountId, metrics: TrafficMetrics)
where
	C: BlockchainEvents<Block>
		+ StorageProvider<Block, BE>
		+ ProvideRuntimeApi<Block>
		+ Send
		+ Sync
		+ 'static,
	C::Api: sp_api::Core<Block>,
	BE: sc_client_api::Backend<Block> + 'static,
{
	let mut finality = client.finality_notification_stream();
	let mut warned_version = None;
	while let Some(notification) = finality.next().await {
		let hashes: Vec<_> = notification
			.tree_route
			.iter()
			.chain(std::iter::once(&notification.hash))
			.copied()
			.collect();
		let (client, peer, metrics) = (client.clone(), peer.clone(), metrics.clone());
		let warned = warned_version;
		let read = tokio::task::spawn_blocking(move || {
			let mut other_version = None;
			let mut unreadable = 0;
			for hash in hashes {
				let version = client.runtime_api().version(hash).map(|v| v.spec_version);
				match version {
					Ok(v) if v == spacebook_runtime::VERSION.spec_version => {}
					Ok(v) => {
						other_version = Some(v);
						continue;
					}
					Err(_) => {
						unreadable += 1;
						continue;
					}
				}
				match events_at(&*client, hash) {
					Ok(records) => metrics.note_events(&peer, records.iter().map(|r| &r.event)),
					Err(_) => unreadable += 1,
				}
			}
			(other_version, unreadable)
		})
		.await;
		let Ok((other_version, unreadable)) = read else { return };
		if unreadable > 0 {
			log::warn!(
				target: "dataplane",
				"the traffic metrics could not read the events of {unreadable} finalized blocks"
			);
		}
		if other_version.is_some() && other_version != warned {
			log::warn!(
				target: "dataplane",
				"the chain runs spec_version {}; this node was built for {}: the traffic metrics \
				 skip its blocks until the node is upgraded",
				other_version.unwrap_or_default(),
				spacebook_runtime::VERSION.spec_version
			);
			warned_version = other_version;
		}
	}
}

/// The events of finalized block `hash`.
fn events_at<C, BE>(
	client: &C,
	hash: sp_core::H256,
) -> Result<Vec<frame_system::EventRecord<RuntimeEvent, sp_core::H256>>, String>
where
	C: StorageProvider<Block, BE>,
	BE: sc_client_api::Backend<Block>,
{
	let raw = client.storage(hash, &events_key()).map_err(|e| e.to_string())?;
	match raw {
		Some(raw) => codec::Decode::decode(&mut &raw.0[..]).map_err(|e| e.to_string()),
		None => Ok(Vec::new()),
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn traffic(event: TrafficEvent<spacebook_runtime::Runtime>) -> RuntimeEvent {
		RuntimeEvent::Traffic(event)
	}

	#[test]
	fn only_this_peers_events_count_and_rewards_are_in_spb() {
		let registry = Registry::new();
		let metrics = TrafficMetrics::register(&registry).unwrap();
		let (me, other) = (AccountId::new([1; 32]), AccountId::new([2; 32]));
		let events = vec![
			traffic(TrafficEvent::ReportAccepted {
				peer: me.clone(),
				period: 4,
				bytes: 10,
				backed: 10,
				ranked: 10,
			}),
			traffic(TrafficEvent::ReportAccepted {
				peer: other.clone(),
				period: 4,
				bytes: 10,
				backed: 10,
				ranked: 10,
			}),
			traffic(TrafficEvent::AuditPassed { peer: me.clone(), period: 4, round: 1 }),
			traffic(TrafficEvent::AuditFailed { peer: other.clone(), period: 4 }),
			traffic(TrafficEvent::PatrolRequested { peer: other.clone(), period: 4 }),
			traffic(TrafficEvent::RewardPaid {
				peer: me.clone(),
				period: 4,
				rank: 1,
				traffic: 10,
				amount: 5 * SPB / 2,
			}),
			traffic(TrafficEvent::RewardPaid {
				peer: other.clone(),
				period: 4,
				rank: 2,
				traffic: 5,
				amount: 99 * SPB,
			}),
		];
		metrics.note_events(&me, &events);
		assert_eq!(metrics.reports_accepted.get(), 1);
		assert_eq!(metrics.audits.with_label_values(&["passed"]).get(), 1);
		assert_eq!(metrics.audits.with_label_values(&["failed"]).get(), 0);
		assert_eq!(metrics.patrols_requested.get(), 0);
		assert_eq!((metrics.rewards.get(), metrics.last_reward.get()), (2.5, 2.5));
		assert_eq!(metrics.last_rewarded_period.get(), 4);
		// The next period's reward adds up and replaces the last.
		let later = [traffic(TrafficEvent::RewardPaid {
			peer: me.clone(),
			period: 5,
			rank: 1,
			traffic: 10,
			amount: SPB,
		})];
		metrics.note_events(&me, &later);
		assert_eq!((metrics.rewards.get(), metrics.last_reward.get()), (3.5, 1.0));
		assert_eq!(metrics.last_rewarded_period.get(), 5);
		// Every series is exported from the start, the audit outcomes at zero.
		let names: Vec<String> =
			registry.gather().iter().map(|f| f.get_name().to_owned()).collect();
		assert_eq!(names.len(), 6, "{names:?}");
	}
}

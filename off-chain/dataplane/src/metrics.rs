//! Prometheus series of the data plane: bytes served and relayed, sessions, receipts kept,
//! refusals by reason (the limits hit among them), connections and tunnels open; and of its
//! placement worker ([`PlacementMetrics`]): the placed files it fetched or failed to fetch, the
//! bytes, the fetches under way, the replicas it removed.
//!
//! The series exist from the data plane's start, counted whether or not anything scrapes them;
//! the node registers them in its own registry ([`Metrics::register`]) so that they appear at
//! its `--prometheus-port` beside the chain's. docs/operators.md lists them.

use substrate_prometheus_endpoint::{
	register, Counter, CounterVec, Gauge, Opts, PrometheusError, Registry, U64,
};

/// Why a request, a connection or a transfer was refused: the `reason` label of
/// `spacebook_dataplane_refusals_total`. Every reason the data plane gives is one of these, so
/// the label has a bounded set of values and every one is exported from the start.
pub const REASONS: &[&str] = &[
	// Limits of the peer (`limits::Refused`).
	"connections",
	"connections_of_address",
	"tunnels",
	"tunnels_of_address",
	"tunnels_of_key",
	"tunnels_of_dapp",
	"uploads_of_dapp",
	// Sessions and receipts (`session::SessionError`).
	"bad_signature",
	"wrong_server",
	"not_authorized",
	"wrong_period",
	"opening_with_bytes",
	"unknown_session",
	"session_mismatch",
	"too_many_sessions",
	"too_many_key_sessions",
	"too_many_dapp_sessions",
	"too_many_streams",
	"above_served",
	"no_credit",
	"unpaid",
	// Replicas to placed peers (`replicas::Refusal`).
	"replicas_busy",
	"replicas_of_key_busy",
	"backups_busy",
	"replica_replayed",
	"replica_budget_spent",
	// Anything else, by the HTTP status answered.
	"bad_request",
	"unauthorized",
	"forbidden",
	"not_found",
	"payment_required",
	"payload_too_large",
	"conflict",
	"range_not_satisfiable",
	"request_timeout",
	"length_required",
	"too_many_requests",
	"service_unavailable",
	"bad_gateway",
	"gateway_timeout",
	"insufficient_storage",
	"internal_error",
	"other",
];

/// The reason label of a refusal answered with `status` and no more precise reason.
pub fn reason_of_status(status: hyper::StatusCode) -> &'static str {
	use hyper::StatusCode as S;
	match status {
		S::BAD_REQUEST => "bad_request",
		S::UNAUTHORIZED => "unauthorized",
		S::FORBIDDEN => "forbidden",
		S::NOT_FOUND => "not_found",
		S::PAYMENT_REQUIRED => "payment_required",
		S::PAYLOAD_TOO_LARGE => "payload_too_large",
		S::CONFLICT => "conflict",
		S::RANGE_NOT_SATISFIABLE => "range_not_satisfiable",
		S::REQUEST_TIMEOUT => "request_timeout",
		S::LENGTH_REQUIRED => "length_required",
		S::TOO_MANY_REQUESTS => "too_many_requests",
		S::SERVICE_UNAVAILABLE => "service_unavailable",
		S::BAD_GATEWAY => "bad_gateway",
		S::GATEWAY_TIMEOUT => "gateway_timeout",
		S::INSUFFICIENT_STORAGE => "insufficient_storage",
		S::INTERNAL_SERVER_ERROR => "internal_error",
		_ => "other",
	}
}

/// The data plane's series.
#[derive(Clone)]
pub struct Metrics {
	/// File bytes sent, by whom to: `client` (a DApp client's session) or `replica` (a placed
	/// peer fetching a replica).
	pub bytes_served: CounterVec<U64>,
	/// `bytes_served{to="client"}`, looked up once: the transfers' hot path counts on it.
	pub served_to_client: Counter<U64>,
	/// `bytes_served{to="replica"}`.
	pub served_to_replica: Counter<U64>,
	/// Bytes relayed through VPN tunnels, both ways.
	pub bytes_relayed: Counter<U64>,
	/// Compute-task answers' traffic charged to sessions, in bytes.
	pub task_bytes: Counter<U64>,
	/// Sessions opened.
	pub sessions_opened: Counter<U64>,
	/// Client receipts newly kept (journaled for the off-chain worker to report).
	pub receipts_kept: Counter<U64>,
	/// Requests, connections and transfers refused, by reason.
	pub refusals: CounterVec<U64>,
	/// Sessions open now.
	pub sessions: Gauge<U64>,
	/// Connections open now.
	pub connections: Gauge<U64>,
	/// Tunnels open now.
	pub tunnels: Gauge<U64>,
}

impl Metrics {
	/// The series, not registered anywhere yet; every labelled series starts at zero.
	pub fn new() -> Result<Self, PrometheusError> {
		let bytes_served = CounterVec::new(
			Opts::new("spacebook_dataplane_bytes_served_total", "File bytes sent, by whom to"),
			&["to"],
		)?;
		let metrics = Metrics {
			served_to_client: bytes_served.get_metric_with_label_values(&["client"])?,
			served_to_replica: bytes_served.get_metric_with_label_values(&["replica"])?,
			bytes_served,
			bytes_relayed: Counter::new(
				"spacebook_dataplane_bytes_relayed_total",
				"Bytes relayed through VPN tunnels, both ways",
			)?,
			task_bytes: Counter::new(
				"spacebook_dataplane_task_bytes_total",
				"Traffic charged to sessions for compute-task answers, in bytes",
			)?,
			sessions_opened: Counter::new(
				"spacebook_dataplane_sessions_opened_total",
				"Client sessions opened",
			)?,
			receipts_kept: Counter::new(
				"spacebook_traffic_receipts_kept_total",
				"Client receipts newly kept for the off-chain worker to report",
			)?,
			refusals: CounterVec::new(
				Opts::new(
					"spacebook_dataplane_refusals_total",
					"Requests, connections and transfers refused, by reason",
				),
				&["reason"],
			)?,
			sessions: Gauge::new("spacebook_dataplane_sessions", "Client sessions open")?,
			connections: Gauge::new("spacebook_dataplane_connections", "Connections open")?,
			tunnels: Gauge::new("spacebook_dataplane_tunnels", "VPN tunnels open")?,
		};
		for reason in REASONS {
			metrics.refusals.with_label_values(&[reason]);
		}
		Ok(metrics)
	}

	/// Register every series in `registry` (the node's).
	pub fn register(&self, registry: &Registry) -> Result<(), PrometheusError> {
		register(self.bytes_served.clone(), registry)?;
		register(self.bytes_relayed.clone(), registry)?;
		register(self.task_bytes.clone(), registry)?;
		register(self.sessions_opened.clone(), registry)?;
		register(self.receipts_kept.clone(), registry)?;
		register(self.refusals.clone(), registry)?;
		register(self.sessions.clone(), registry)?;
		register(self.connections.clone(), registry)?;
		register(self.tunnels.clone(), registry)?;
		Ok(())
	}

	/// Count a refusal for `reason` (one of [`REASONS`]; anything else counts as `other`).
	pub fn refused(&self, reason: &'static str) {
		let reason = if REASONS.contains(&reason) { reason } else { "other" };
		self.refusals.with_label_values(&[reason]).inc();
	}

	/// How many refusals for `reason` were counted.
	pub fn refusals_for(&self, reason: &str) -> u64 {
		self.refusals.with_label_values(&[reason]).get()
	}
}

/// The placement worker's series (`crate::placements`): the files placed on this peer it
/// fetched, by outcome, their bytes, the fetches under way, and the replicas it removed once no
/// placement kept them.
pub struct PlacementMetrics {
	/// Fetches finished, by `outcome` (`stored`, `failed`).
	pub fetches: CounterVec<U64>,
	/// Bytes of the files fetched and stored.
	pub bytes_fetched: Counter<U64>,
	/// Fetches under way now.
	pub fetching: Gauge<U64>,
	/// Replicas removed.
	pub replicas_removed: Counter<U64>,
}

impl PlacementMetrics {
	/// The series, not registered anywhere yet; both outcomes start at zero.
	pub fn new() -> Result<Self, PrometheusError> {
		let metrics = PlacementMetrics {
			fetches: CounterVec::new(
				Opts::new(
					"spacebook_placements_fetches_total",
					"Fetches of files placed on this peer, by outcome",
				),
				&["outcome"],
			)?,
			bytes_fetched: Counter::new(
				"spacebook_placements_bytes_fetched_total",
				"Bytes of placed files fetched and stored",
			)?,
			fetching: Gauge::new(
				"spacebook_placements_fetching",
				"Fetches of placed files under way",
			)?,
			replicas_removed: Counter::new(
				"spacebook_placements_replicas_removed_total",
				"Replicas removed once no placement kept them",
			)?,
		};
		for outcome in ["stored", "failed"] {
			metrics.fetches.with_label_values(&[outcome]);
		}
		Ok(metrics)
	}

	/// Register every series in `registry` (the node's).
	pub fn register(&self, registry: &Registry) -> Result<(), PrometheusError> {
		register(self.fetches.clone(), registry)?;
		register(self.bytes_fetched.clone(), registry)?;
		register(self.fetching.clone(), registry)?;
		register(self.replicas_removed.clone(), registry)?;
		Ok(())
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn every_series_is_registered_once_and_labelled_series_start_at_zero() {
		let metrics = Metrics::new().unwrap();
		let registry = Registry::new();
		metrics.register(&registry).unwrap();
		let families = registry.gather();
		let names: Vec<&str> = families.iter().map(|f| f.get_name()).collect();
		for name in [
			"spacebook_dataplane_bytes_served_total",
			"spacebook_dataplane_bytes_relayed_total",
			"spacebook_dataplane_task_bytes_total",
			"spacebook_dataplane_sessions_opened_total",
			"spacebook_traffic_receipts_kept_total",
			"spacebook_dataplane_refusals_total",
			"spacebook_dataplane_sessions",
			"spacebook_dataplane_connections",
			"spacebook_dataplane_tunnels",
		] {
			assert!(names.contains(&name), "{name} in {names:?}");
		}
		let refusals =
			families.iter().find(|f| f.get_name() == "spacebook_dataplane_refusals_total").unwrap();
		assert_eq!(refusals.get_metric().len(), REASONS.len(), "every reason at zero");
		// A second registry of the same series is refused, not doubled.
		assert!(metrics.register(&registry).is_err());
	}

	#[test]
	fn the_placement_series_register_once_with_both_outcomes_at_zero() {
		let metrics = PlacementMetrics::new().unwrap();
		let registry = Registry::new();
		metrics.register(&registry).unwrap();
		let families = registry.gather();
		let names: Vec<&str> = families.iter().map(|f| f.get_name()).collect();
		for name in [
			"spacebook_placements_fetches_total",
			"spacebook_placements_bytes_fetched_total",
			"spacebook_placements_fetching",
			"spacebook_placements_replicas_removed_total",
		] {
			assert!(names.contains(&name), "{name} in {names:?}");
		}
		let fetches =
			families.iter().find(|f| f.get_name() == "spacebook_placements_fetches_total").unwrap();
		assert_eq!(fetches.get_metric().len(), 2, "stored and failed at zero");
		assert!(metrics.register(&registry).is_err(), "a second registry is refused");
	}

	#[test]
	fn unknown_reasons_count_as_other() {
		let metrics = Metrics::new().unwrap();
		metrics.refused("no_credit");
		metrics.refused("made_up");
		assert_eq!(metrics.refusals_for("no_credit"), 1);
		assert_eq!(metrics.refusals_for("other"), 1);
		assert_eq!(reason_of_status(hyper::StatusCode::IM_A_TEAPOT), "other");
		// Every status the data plane answers a refusal with has a label of its own.
		for status in
			[400, 401, 403, 404, 402, 408, 409, 411, 413, 416, 429, 500, 502, 503, 504, 507]
		{
			let status = hyper::StatusCode::from_u16(status).unwrap();
			let reason = reason_of_status(status);
			assert!(REASONS.contains(&reason) && reason != "other", "{status}: {reason}");
		}
	}
}

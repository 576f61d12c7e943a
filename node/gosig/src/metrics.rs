//! Prometheus series of the Gosig worker.

use substrate_prometheus_endpoint::{
	exponential_buckets, register, Counter, CounterVec, Gauge, Histogram, HistogramOpts, Opts,
	PrometheusError, Registry, U64,
};

/// The worker's metrics.
#[derive(Clone)]
pub struct Metrics {
	/// The current round.
	pub round: Gauge<U64>,
	/// Rounds whose proposal stage ended without any proposal seen by this node.
	pub rounds_without_proposal: Counter<U64>,
	/// Time from a block's import to its finalization, at this node.
	pub time_to_finality: Histogram,
	/// Votes received from other billing peers, by kind.
	pub votes_received: CounterVec<U64>,
	/// Equivocations detected (votes and proposals).
	pub equivocations: Counter<U64>,
	/// Blocks finalized by a quorum of tentative commits counted here (not learned by sync).
	pub commits: Counter<U64>,
}

impl Metrics {
	/// Register the series in `registry` (every labelled series at zero, so that a scrape
	/// lists it before its first vote).
	pub fn register(registry: &Registry) -> Result<Self, PrometheusError> {
		let metrics = Self {
			round: register(
				Gauge::new("spacebook_gosig_round", "The current Gosig round")?,
				registry,
			)?,
			rounds_without_proposal: register(
				Counter::new(
					"spacebook_gosig_rounds_without_proposal_total",
					"Rounds whose proposal stage ended without a proposal",
				)?,
				registry,
			)?,
			time_to_finality: register(
				Histogram::with_opts(
					HistogramOpts::new(
						"spacebook_gosig_time_to_finality_seconds",
						"Time from a block's import to its finalization",
					)
					.buckets(exponential_buckets(0.05, 1.5, 16)?),
				)?,
				registry,
			)?,
			votes_received: register(
				CounterVec::new(
					Opts::new("spacebook_gosig_votes_received_total", "Votes received by kind"),
					&["kind"],
				)?,
				registry,
			)?,
			equivocations: register(
				Counter::new(
					"spacebook_gosig_equivocations_total",
					"Equivocations of billing peers detected",
				)?,
				registry,
			)?,
			commits: register(
				Counter::new(
					"spacebook_gosig_commits_total",
					"Blocks finalized by tentative commits counted at this node",
				)?,
				registry,
			)?,
		};
		for kind in ["prepare", "tentative_commit"] {
			metrics.votes_received.with_label_values(&[kind]);
		}
		Ok(metrics)
	}
}

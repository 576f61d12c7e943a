//! `spacebook patrol …`: patrols (`PatrolApi` at the best block, `docs/patrol.md`): the current
//! period's draw and the peers a failed audit asks to be patrolled, and a peer's quality figure.

use crate::{account_or_suri, cli::PatrolCommand, Cli, Failure};
use spacebook_patrol_primitives::PatrolQuality;
use spacebook_sdk::ChainRpc;
use std::fmt::Write;

pub async fn run(cli: &Cli, command: &PatrolCommand) -> Result<(), Failure> {
	let chain = ChainRpc::new(&cli.url)?;
	match command {
		PatrolCommand::Show => {
			let period = chain.current_period().await?;
			match chain.patrol_draw(period).await? {
				Some(draw) => println!(
					"period {period}: {} serving peers; each scheduling peer patrols {} at random \
					 (its VRF draw on seed {})",
					draw.population,
					draw.expected,
					hex(&draw.seed)
				),
				None => println!("period {period}: no patrol draw yet"),
			}
			let requests = chain.patrol_requests().await?;
			if requests.is_empty() {
				println!("no patrol requested by a failed audit");
			}
			for (peer, since) in requests {
				println!("requested: {peer} (its audit of period {since} failed)");
			}
		}
		PatrolCommand::Peer { address } => {
			let who = account_or_suri(cli, address.as_ref())?;
			match chain.patrol_quality(&who).await? {
				Some(quality) => print!("{}", show_quality(&who.to_string(), &quality)),
				None => println!("{who} was never patrolled"),
			}
		}
	}
	Ok(())
}

fn hex(bytes: &[u8]) -> String {
	bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A peer's quality figure, for people.
pub fn show_quality(who: &str, q: &PatrolQuality) -> String {
	let mut out = String::new();
	let _ = writeln!(out, "peer:        {who}");
	let _ = writeln!(
		out,
		"patrols:     {} ({} passed, {} paid; {} wrong; {} unanswered), last in period {}",
		q.patrols, q.passed, q.rewarded, q.wrong, q.unanswered, q.last_period
	);
	let _ = writeln!(out, "error rate:  {:.1} %", q.error_rate().deconstruct() as f64 / 1e7);
	let _ = writeln!(out, "latency:     {} ms to answer", q.latency_ms);
	let _ = writeln!(out, "throughput:  {} KiB/s", q.throughput_kib_s);
	if let Some(period) = q.last_wrong {
		let _ = writeln!(out, "last wrong:  period {period}");
	}
	out
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn a_quality_figure_reads_as_its_counts_rate_and_averages() {
		let q = PatrolQuality {
			patrols: 4,
			passed: 2,
			wrong: 1,
			unanswered: 1,
			rewarded: 2,
			latency_ms: 85,
			throughput_kib_s: 20_480,
			last_period: 12,
			last_wrong: Some(9),
		};
		let shown = show_quality("5Eve", &q);
		assert!(
			shown.contains("4 (2 passed, 2 paid; 1 wrong; 1 unanswered), last in period 12"),
			"{shown}"
		);
		assert!(shown.contains("error rate:  50.0 %"), "{shown}");
		assert!(shown.contains("85 ms") && shown.contains("20480 KiB/s"), "{shown}");
		assert!(shown.contains("last wrong:  period 9"), "{shown}");
	}
}

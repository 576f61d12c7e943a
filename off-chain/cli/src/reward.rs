//! `spacebook reward [ADDRESS] [--period N] [--wait SECONDS]`: a serving peer's
//! Proof-of-Traffic reward for a ledgering period, explained (`TrafficApi_explain_reward` at the
//! finalized head, docs/pot.md): the bytes it reported, what DApps had paid for, the audit, its
//! rank and the top group's traffic, the period's emission, the wash-trading cap and the reward.
//!
//! Without `--period` it explains the peer's newest report the chain keeps (the traffic pallet's
//! `HistoryDepth` periods). With `--wait` it waits, up to that many seconds, until that period is
//! settled — and, if the peer has no report yet, for its first report to come and be settled:
//! serve traffic, then `spacebook reward --wait 300` shows what it earned.

use crate::{account_or_suri, chain, format_amount, peer::brief, Cli, Failure};
use sp_core::crypto::AccountId32;
use std::time::{Duration, Instant};
use subxt::{
	dynamic,
	ext::scale_value::{At, Value, ValueDef},
};

/// How often the chain is asked again while waiting (rounds are 1 to 3 s).
const POLL: Duration = Duration::from_secs(2);
/// The longest `--wait`: a day.
const MAX_WAIT: u64 = 24 * 60 * 60;

/// The chain at its finalized head, for this command's few runtime-API calls.
struct Chain {
	api: chain::Api,
	who: [u8; 32],
}

impl Chain {
	/// `TrafficApi_explain_reward(who, period)` at the finalized head.
	async fn explain(&self, period: u32) -> Result<Option<Value>, Failure> {
		let at = self.api.at_current_block().await.map_err(Failure::chain)?;
		let call = dynamic::runtime_api_call::<_, Value>(
			"TrafficApi",
			"explain_reward",
			(self.who, period),
		);
		let answer = at.runtime_apis().call(call).await.map_err(Failure::chain)?;
		Ok(match answer.value {
			ValueDef::Variant(v) if v.name == "Some" => v.values.into_values().next(),
			_ => None,
		})
	}

	/// `TokenApi_current_period()` at the finalized head.
	async fn current_period(&self) -> Result<u32, Failure> {
		let at = self.api.at_current_block().await.map_err(Failure::chain)?;
		let call = dynamic::runtime_api_call::<_, Value>("TokenApi", "current_period", ());
		let current = at.runtime_apis().call(call).await.map_err(Failure::chain)?;
		current
			.as_u128()
			.and_then(|p| u32::try_from(p).ok())
			.ok_or_else(|| Failure::new("chain: TokenApi_current_period is not a period number"))
	}
}

fn settled(explanation: &Value) -> bool {
	explanation.at("settled").and_then(|v| v.as_bool()) == Some(true)
}

/// Run `spacebook reward`.
pub async fn run(
	cli: &Cli,
	address: Option<&String>,
	period: Option<u32>,
	wait: Option<u64>,
) -> Result<(), Failure> {
	let who = account_or_suri(cli, address)?;
	if wait.is_some_and(|w| w > MAX_WAIT) {
		return Err(Failure::new(format!("--wait: at most {MAX_WAIT} seconds (a day)")));
	}
	let deadline = wait.map(|seconds| Instant::now() + Duration::from_secs(seconds));
	let api = chain::connect(&cli.url).await?;
	let history = {
		let at = api.at_current_block().await.map_err(Failure::chain)?;
		let depth = dynamic::constant::<u32>("Traffic", "HistoryDepth");
		at.constants().entry(depth).map_err(Failure::chain)?
	};
	let chain = Chain { api, who: who.clone().into() };
	let current = chain.current_period().await?;
	// The period explained: the one asked for, else the newest the peer reported (found once:
	// a newer report that comes while waiting does not replace it), else, when waiting, the
	// first report to come from this period on.
	let mut target = period;
	if target.is_none() {
		for p in (current.saturating_sub(history)..=current).rev() {
			if chain.explain(p).await?.is_some() {
				target = Some(p);
				break;
			}
		}
	}
	let first_new = current.saturating_sub(1);
	let mut said = false;
	loop {
		let timed_out = deadline.is_none_or(|d| Instant::now() >= d);
		let (found, now) = match target {
			Some(p) => (chain.explain(p).await?.map(|e| (p, e)), chain.current_period().await?),
			None => {
				// A report of the period before the command started, or a later one.
				let mut found = None;
				let now = chain.current_period().await?;
				for p in first_new..=now {
					if let Some(e) = chain.explain(p).await? {
						found = Some((p, e));
						target = Some(p);
						break;
					}
				}
				(found, now)
			}
		};
		match found {
			Some((_, explanation)) if settled(&explanation) || timed_out => {
				print!("{}", show_explanation(&who, &explanation));
				if !settled(&explanation) && deadline.is_some() {
					return Err(Failure::new(format!(
						"the period is not settled within {} s",
						wait.unwrap_or_default()
					)));
				}
				return Ok(());
			}
			None if timed_out => {
				return Err(Failure::new(match period {
					Some(p) => format!(
						"{who} has no report of period {p} on chain (the chain keeps the last \
						 {history} periods' reports; the current period is {now})"
					),
					None => format!(
						"{who} reported no traffic in the last {history} periods (the current \
						 period is {now}){}",
						if wait.is_some() { " and none came while waiting" } else { "" }
					),
				}));
			}
			found => {
				if !said {
					eprintln!(
						"period {now}: waiting for {}",
						match found {
							Some((p, _)) => format!("the settlement of period {p}"),
							None => "a report of the peer's traffic".to_string(),
						}
					);
					said = true;
				}
				tokio::time::sleep(POLL).await;
			}
		}
	}
}

/// Bytes, and in MiB when that reads better.
fn bytes(n: u128) -> String {
	if n >= 1 << 20 {
		format!("{n} bytes ({:.1} MiB)", n as f64 / (1u64 << 20) as f64)
	} else {
		format!("{n} bytes")
	}
}

/// What `spacebook reward` prints of a `RewardExplanation`.
pub fn show_explanation(who: &AccountId32, e: &Value) -> String {
	let number = |name: &str| e.at(name).and_then(|v| v.as_u128()).unwrap_or_default();
	let flag = |name: &str| e.at(name).and_then(|v| v.as_bool()).unwrap_or_default();
	let settled = flag("settled");
	let mut out = format!("peer:         {who}\n");
	out += &format!(
		"period:       {} ({})\n",
		number("period"),
		if settled { "settled" } else { "not settled yet" }
	);
	out += &format!(
		"reported:     {} new, {} carried in from earlier reports\n",
		bytes(number("reported")),
		bytes(number("carried_in"))
	);
	out += &format!("paid for:     {} backed by DApps' escrow\n", bytes(number("backed")));
	out += &format!("audit:        {}\n", e.at("audit").map(brief).unwrap_or_else(|| "?".into()));
	out += &format!(
		"counted:      {} new; T(a) = {} ranked\n",
		bytes(number("counted")),
		bytes(number("ranked"))
	);
	if !settled {
		return out;
	}
	let failed = e.at("audit").map(brief).as_deref() == Some("Failed");
	let rank = e.at("rank").map(brief).unwrap_or_default();
	let place = rank.strip_prefix("Some(").and_then(|r| r.strip_suffix(')'));
	let rank = match place {
		Some(place) => place.to_string(),
		None if failed => "none (the audit failed)".to_string(),
		None => "none (outside the top group)".to_string(),
	};
	out += &format!(
		"rank:         {rank}; cutoff {}; T(total) = {} in the top group\n",
		bytes(number("cutoff")),
		bytes(number("total_traffic"))
	);
	out += &format!("emission:     N(total) = {}\n", format_amount(number("emission")));
	out += &format!(
		"fees:         {} paid by DApps for the ranked bytes\n",
		format_amount(number("fees"))
	);
	let why = if failed {
		"nothing: the audit failed"
	} else if place.is_none() {
		"nothing: outside the top group"
	} else if number("reward") == 0 && number("ranked") > 0 && number("fees") > 0 {
		"not paid: the peer could not earn at settlement (suspended or leaving)"
	} else if flag("capped") {
		"capped by the wash-trading cap at its share of the fees"
	} else {
		"N(total) · T(a) / T(total)"
	};
	out += &format!("reward:       {} ({why})\n", format_amount(number("reward")));
	out += &format!("carried out:  {}\n", bytes(number("carried_out")));
	if flag("unpaid_claimed") {
		out +=
			"note:         the report claimed bytes no DApp had paid for; they were not counted\n";
	}
	out
}

#[cfg(test)]
mod tests {
	use super::*;

	fn explanation(settled: bool, capped: bool) -> Value {
		let passed = Value::named_variant("Passed", [("round", Value::u128(1))]);
		let rank = if settled {
			Value::unnamed_variant("Some", [Value::u128(1)])
		} else {
			Value::unnamed_variant("None", [])
		};
		Value::named_composite([
			("period", Value::u128(17)),
			("settled", Value::bool(settled)),
			("reported", Value::u128(8 << 20)),
			("carried_in", Value::u128(0)),
			("backed", Value::u128(8 << 20)),
			("audit", passed),
			("counted", Value::u128(8 << 20)),
			("ranked", Value::u128(8 << 20)),
			("rank", rank),
			("cutoff", Value::u128(0)),
			("total_traffic", Value::u128(if settled { 8 << 20 } else { 0 })),
			("emission", Value::u128(if settled { 250_000_000_000_000_000 } else { 0 })),
			("reward", Value::u128(if settled { 77_734_375 } else { 0 })),
			("carried_out", Value::u128(0)),
			("unpaid_claimed", Value::bool(false)),
			("fees", Value::u128(78_125_000)),
			("capped", Value::bool(capped)),
		])
	}

	#[test]
	fn a_settled_reward_reads_as_its_figures_and_the_rule_that_set_it() {
		let eve = AccountId32::from([7u8; 32]);
		let text = show_explanation(&eve, &explanation(true, true));
		assert!(text.contains("period:       17 (settled)"), "{text}");
		assert!(text.contains("8388608 bytes (8.0 MiB) new"), "{text}");
		assert!(text.contains("audit:        Passed(round: 1)"), "{text}");
		assert!(text.contains("rank:         1; cutoff 0 bytes"), "{text}");
		assert!(text.contains(&format!("N(total) = {}", format_amount(250_000_000_000_000_000))));
		assert!(text.contains(&format!("reward:       {} (capped", format_amount(77_734_375))));
		let uncapped = show_explanation(&eve, &explanation(true, false));
		assert!(uncapped.contains("(N(total) · T(a) / T(total))"), "{uncapped}");
	}

	/// `e` with the named fields replaced.
	fn with(mut e: Value, changes: &[(&str, Value)]) -> Value {
		use subxt::ext::scale_value::Composite;
		let ValueDef::Composite(Composite::Named(fields)) = &mut e.value else {
			panic!("an explanation is a struct")
		};
		for (name, value) in fields.iter_mut() {
			if let Some((_, new)) = changes.iter().find(|(n, _)| n == name) {
				*value = new.clone();
			}
		}
		e
	}

	#[test]
	fn a_failed_audit_or_a_place_outside_the_top_group_says_why_nothing_was_paid() {
		let eve = AccountId32::from([7u8; 32]);
		let none = || Value::unnamed_variant("None", []);
		let failed = with(
			explanation(true, false),
			&[
				("audit", Value::unnamed_variant("Failed", [])),
				("rank", none()),
				("reward", Value::u128(0)),
				("counted", Value::u128(0)),
			],
		);
		let text = show_explanation(&eve, &failed);
		assert!(text.contains("rank:         none (the audit failed)"), "{text}");
		assert!(text.contains("(nothing: the audit failed)"), "{text}");
		let outside =
			with(explanation(true, false), &[("rank", none()), ("reward", Value::u128(0))]);
		let text = show_explanation(&eve, &outside);
		assert!(text.contains("rank:         none (outside the top group)"), "{text}");
		assert!(text.contains("(nothing: outside the top group)"), "{text}");
		// Ranked, with fees, and nothing paid: the peer could not earn when it was settled.
		let unpaid = with(explanation(true, false), &[("reward", Value::u128(0))]);
		assert!(show_explanation(&eve, &unpaid).contains("(not paid:"));
	}

	#[test]
	fn an_unsettled_period_shows_no_reward_yet() {
		let text = show_explanation(&AccountId32::from([7u8; 32]), &explanation(false, false));
		assert!(text.contains("(not settled yet)"), "{text}");
		assert!(!text.contains("reward:") && !text.contains("emission:"), "{text}");
	}
}

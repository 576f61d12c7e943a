//! `spacebook storage …`: a DApp's storage orders (`Scheduling`'s `order_storage`, `renew`,
//! `end_order`, `set_popular_terms`, a holder's `claim`), a file's holders by its storage orders and an order's
//! placements (`SchedulingApi` at the best block, `docs/scheduling.md`).

use crate::{chain, cli::StorageCommand, format_amount, Cli, Failure};
use spacebook_sdk::{
	chain::{HolderView, OrderView, PlacementStatus},
	ChainRpc, Endpoint, HashIndex,
};
use std::{
	fmt::Write,
	path::Path,
	time::{Duration, Instant},
};
use subxt::ext::scale_value::Value;

/// How often an order's placements are read while waiting.
const POLL: Duration = Duration::from_secs(2);

pub async fn run(cli: &Cli, command: &StorageCommand) -> Result<(), Failure> {
	let chain = ChainRpc::new(&cli.url)?;
	match command {
		StorageCommand::Order { path, replicas, periods, address, timeout, no_wait } => {
			let address = crate::address_of(path, address.as_deref())?;
			let deadline = Instant::now() + Duration::from_secs(*timeout);
			order(cli, &chain, path, &address, *replicas, *periods, deadline, !*no_wait).await?;
		}
		StorageCommand::Renew { order, periods } => {
			let args = vec![Value::u128((*order).into()), Value::u128((*periods).into())];
			let hash = chain::submit_as(cli, "Scheduling", "renew", args).await?;
			println!("renewed order {order} by {periods} periods (extrinsic {hash})");
		}
		StorageCommand::End { order } => {
			let args = vec![Value::u128((*order).into())];
			let hash = chain::submit_as(cli, "Scheduling", "end_order", args).await?;
			println!("ended order {order}: its escrow's rest and deposit are released (extrinsic {hash})");
		}
		StorageCommand::Popular { order, max_replicas, bytes_per_copy } => {
			let args = vec![
				Value::u128((*order).into()),
				Value::u128((*max_replicas).into()),
				Value::u128((*bytes_per_copy).into()),
			];
			let hash = chain::submit_as(cli, "Scheduling", "set_popular_terms", args).await?;
			println!(
				"order {order} grows to at most {max_replicas} copies, one a period its demand \
				 reaches {bytes_per_copy} bytes a copy (extrinsic {hash})"
			);
		}
		StorageCommand::Claim { order } => {
			let args = vec![Value::u128((*order).into())];
			let hash = chain::submit_as(cli, "Scheduling", "claim", args).await?;
			println!("claimed the holding fees of order {order} (extrinsic {hash})");
		}
		StorageCommand::Holders { hash } => {
			let hash: HashIndex = hash.parse().map_err(|e| Failure::new(format!("{hash}: {e}")))?;
			print!("{}", show_holders(&chain.file_holders(&hash.0).await?));
		}
		StorageCommand::Status { order } => match chain.storage_order(*order).await? {
			Some(view) => print!("{}", show_order(*order, &view)),
			None => return Err(Failure::new(format!("no storage order {order}"))),
		},
	}
	Ok(())
}

/// Order storage of the file at `path`, wait for its election, upload it to its primary peer
/// (the next storing peer if that fails) and, if `confirmations`, wait until every storing peer
/// holds it. Prints the order's number on stdout, the progress on stderr.
#[allow(clippy::too_many_arguments)]
async fn order(
	cli: &Cli,
	chain: &ChainRpc,
	path: &Path,
	address: &str,
	replicas: u8,
	periods: u32,
	deadline: Instant,
	confirmations: bool,
) -> Result<(), Failure> {
	let (hash, length) = spacebook_sdk::file_hash_index(path)
		.await
		.map_err(|e| Failure::new(format!("{}: {e}", path.display())))?;
	let hash = hash.ok_or_else(|| Failure::new(format!("{}: an empty file", path.display())))?;
	let file = Value::named_composite([
		("hash_index", Value::from_bytes(hash.0)),
		("length", Value::u128(length.into())),
	]);
	let args = vec![file, Value::u128(replicas.into()), Value::u128(periods.into())];
	let (_, events) =
		chain::submit_as_with_events(cli, "Scheduling", "order_storage", args).await?;
	let id = ordered_id(&events)
		.ok_or_else(|| Failure::new("the order went in, but no StorageOrdered event names it"))?;
	eprintln!("ordered {hash} ({length} bytes, {replicas} copies, {periods} periods): order {id}");
	println!("{id}");

	// The election: the scheduling peers answer, the chain picks the storing peers.
	let view = wait(deadline, "the election", || async {
		let view = chain.storage_order(id).await?;
		Ok(view.filter(|v| !v.order.electing && v.placements.iter().any(|p| p.status.stores())))
	})
	.await?;
	eprint!("{}", show_order(id, &view));

	// The first copy from the DApp, to the primary (or the next storing peer that takes it).
	let holders: Vec<Endpoint> = chain
		.file_holders(&hash.0)
		.await?
		.into_iter()
		.filter(|h| h.order == id)
		.filter_map(|h| Endpoint::parse(&String::from_utf8_lossy(&h.endpoint)).ok())
		.collect();
	if holders.is_empty() {
		return Err(Failure::new(format!("order {id}: no storing peer lists an endpoint")));
	}
	let names: Vec<String> = holders.iter().map(ToString::to_string).collect();
	let client = crate::dapp_client(cli, &names, None).await?;
	let mut uploaded = None;
	for endpoint in &holders {
		match client.upload(endpoint, path, address).await {
			Ok(info) if info.hash_index == hash => {
				eprintln!("uploaded to {endpoint}; the other storing peers copy it from there");
				uploaded = Some(endpoint);
				break;
			}
			Ok(info) => {
				eprintln!("{endpoint} stored {} instead: the file changed?", info.hash_index)
			}
			Err(e) => eprintln!("not uploaded to {endpoint}: {e}"),
		}
	}
	if uploaded.is_none() {
		return Err(Failure::new(format!(
			"order {id}: no storing peer took the upload ({}); the order stands, upload again \
			 with `spacebook file add --peer` before the confirmation deadline",
			names.join(", ")
		)));
	}
	if !confirmations {
		return Ok(());
	}
	let view = wait(deadline, "every storing peer's confirmation", || async {
		let view = chain.storage_order(id).await?;
		Ok(view.filter(|v| {
			let storing: Vec<_> = v.placements.iter().filter(|p| p.status.stores()).collect();
			!storing.is_empty()
				&& storing.iter().all(|p| matches!(p.status, PlacementStatus::Holding { .. }))
		}))
	})
	.await?;
	eprint!("{}", show_order(id, &view));
	Ok(())
}

/// Poll `check` every [`POLL`] until it gives a value, or fail at `deadline`.
async fn wait<T, F, Fut>(deadline: Instant, what: &str, check: F) -> Result<T, Failure>
where
	F: Fn() -> Fut,
	Fut: std::future::Future<Output = Result<Option<T>, spacebook_sdk::Error>>,
{
	loop {
		if let Some(value) = check().await? {
			return Ok(value);
		}
		if Instant::now() >= deadline {
			return Err(Failure::new(format!("timed out waiting for {what}")));
		}
		tokio::time::sleep(POLL).await;
	}
}

/// The order number in a `Scheduling.StorageOrdered { order: N, … }` event line.
pub fn ordered_id(events: &[String]) -> Option<u64> {
	let line = events.iter().find(|e| e.starts_with("Scheduling.StorageOrdered"))?;
	let rest = line.split("order: ").nth(1)?;
	rest.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok()
}

/// A file's holders, a line each: account, endpoint, order and slot, confirmed or fetching.
pub fn show_holders<A: std::fmt::Display>(holders: &[HolderView<A>]) -> String {
	if holders.is_empty() {
		return "no holder: nobody ordered the file, or its orders expired\n".into();
	}
	let mut out = String::new();
	for h in holders {
		let role = if h.slot == 0 { "primary" } else { "backup" };
		let state = if h.confirmed { "holding" } else { "fetching" };
		let _ = writeln!(
			out,
			"{}  {}  order {} {role} (slot {})  {state}",
			h.peer,
			String::from_utf8_lossy(&h.endpoint),
			h.order,
			h.slot
		);
	}
	out
}

/// An order: its DApp, file, term, fee and escrow, then its placements in slot order.
pub fn show_order<A: std::fmt::Display>(id: u64, view: &OrderView<A, u128, u32>) -> String {
	let o = &view.order;
	let mut out = String::new();
	let _ = writeln!(out, "order:      {id}");
	let _ = writeln!(out, "dapp:       {}", o.dapp);
	let hash: String = o.file.hash_index.iter().map(|b| format!("{b:02x}")).collect();
	let _ = writeln!(out, "file:       {hash} ({} bytes)", o.file.length);
	let _ = writeln!(out, "replicas:   {}", o.replicas);
	let _ = writeln!(out, "term:       periods {} to {} (exclusive)", o.terms_from, o.ends);
	let _ = writeln!(out, "fee:        {} a copy and period", format_amount(o.replica_period_fee));
	let _ = writeln!(out, "escrow:     {}", format_amount(o.escrow));
	let electing = if o.electing { ", electing now" } else { "" };
	let _ = writeln!(out, "elections:  {}{electing}", o.attempts);
	if let Some(terms) = &view.popular {
		let _ = writeln!(
			out,
			"popular:    up to {} copies, one more a period at {} bytes a copy ({} added)",
			terms.max_replicas, terms.bytes_per_copy, terms.added
		);
	}
	if let Some((period, bytes)) = view.demand {
		let _ = writeln!(out, "demand:     {bytes} bytes in period {period}");
	}
	let mut slot = 0;
	for p in &view.placements {
		let what = match p.status {
			PlacementStatus::Reserve => "reserve".to_string(),
			PlacementStatus::Fetching { deadline } => {
				slot += 1;
				format!("slot {}: fetching, confirm by block {deadline}", slot - 1)
			}
			PlacementStatus::Holding { since, paid_through } => {
				slot += 1;
				format!("slot {}: holding since period {since}, paid to {paid_through}", slot - 1)
			}
		};
		let _ = writeln!(out, "  {}  {what}", p.peer);
	}
	out
}

#[cfg(test)]
mod tests {
	use super::*;
	use spacebook_sdk::chain::{FileRef, Placement, PopularityTerms, StorageOrder};

	#[test]
	fn the_order_number_is_read_from_its_event() {
		let events = vec![
			"Balances.Withdraw { who: 5Grw, amount: 1 }".to_string(),
			"Scheduling.StorageOrdered { order: 12, dapp: 5Grw, file: { hash_index: (1, 2), length: 9 }, replicas: 2, ends: 40, paid: 7 }".to_string(),
		];
		assert_eq!(ordered_id(&events), Some(12));
		assert_eq!(ordered_id(&events[..1]), None);
		assert_eq!(ordered_id(&["Scheduling.StorageOrdered { dapp: x }".to_string()]), None);
	}

	#[test]
	fn holders_are_listed_with_their_role_and_state() {
		let holder = |peer: &str, slot: u8, confirmed: bool| HolderView {
			peer: peer.to_string(),
			order: 3,
			slot,
			confirmed,
			endpoint: format!("http://127.0.0.1:90{slot}0").into_bytes(),
		};
		assert_eq!(
			show_holders(&[holder("eve", 0, true), holder("dave", 1, false)]),
			"eve  http://127.0.0.1:9000  order 3 primary (slot 0)  holding\n\
			 dave  http://127.0.0.1:9010  order 3 backup (slot 1)  fetching\n"
		);
		assert!(show_holders::<String>(&[]).starts_with("no holder"));
	}

	#[test]
	fn an_order_shows_its_terms_and_its_slots_in_order() {
		let view = OrderView {
			order: StorageOrder {
				dapp: "ferdie".to_string(),
				file: FileRef { hash_index: [0xab; 32], length: 33_554_432 },
				replicas: 2,
				terms_from: 1,
				ends: 13,
				replica_period_fee: 3_831,
				escrow: 80_000,
				deposit: 1_000_000_000_000,
				attempts: 1,
				electing: false,
			},
			placements: vec![
				Placement {
					peer: "eve".to_string(),
					status: PlacementStatus::Holding { since: 1, paid_through: 2 },
					scheduler: None,
				},
				Placement {
					peer: "dave".to_string(),
					status: PlacementStatus::Fetching { deadline: 612 },
					scheduler: None,
				},
				Placement {
					peer: "bob".to_string(),
					status: PlacementStatus::Reserve,
					scheduler: None,
				},
			],
			popular: Some(PopularityTerms {
				max_replicas: 4,
				bytes_per_copy: 1 << 30,
				added: 1,
				granted: 1,
			}),
			demand: Some((2, 3 << 30)),
		};
		let shown = show_order(7, &view);
		assert!(shown.starts_with("order:      7\ndapp:       ferdie\n"));
		assert!(shown.contains(&format!("file:       {} (33554432 bytes)", "ab".repeat(32))));
		assert!(shown.contains("term:       periods 1 to 13 (exclusive)"));
		assert!(shown.contains("fee:        0.000000003831 SPB a copy and period\n"), "{shown}");
		assert!(shown.contains("escrow:     0.00000008 SPB\n"), "{shown}");
		assert!(shown.contains("  eve  slot 0: holding since period 1, paid to 2\n"));
		assert!(shown.contains("  dave  slot 1: fetching, confirm by block 612\n"));
		assert!(shown.contains(
			"popular:    up to 4 copies, one more a period at 1073741824 bytes a copy (1 added)\n"
		));
		assert!(shown.contains("demand:     3221225472 bytes in period 2\n"));
		assert!(shown.ends_with("  bob  reserve\n"));
	}
}

//! `spacebook storage …`: a file's holders by its storage orders and an order's placements
//! (`SchedulingApi` at the best block, `docs/scheduling.md`).

use crate::{cli::StorageCommand, format_amount, Cli, Failure};
use spacebook_sdk::{
	chain::{HolderView, OrderView, PlacementStatus},
	ChainRpc, HashIndex,
};
use std::fmt::Write;

pub async fn run(cli: &Cli, command: &StorageCommand) -> Result<(), Failure> {
	let chain = ChainRpc::new(&cli.url)?;
	match command {
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
	let _ =
		writeln!(out, "fee:        {} SPB a copy and period", format_amount(o.replica_period_fee));
	let _ = writeln!(out, "escrow:     {} SPB", format_amount(o.escrow));
	let electing = if o.electing { ", electing now" } else { "" };
	let _ = writeln!(out, "elections:  {}{electing}", o.attempts);
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
	use spacebook_sdk::chain::{FileRef, Placement, StorageOrder};

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
		};
		let shown = show_order(7, &view);
		assert!(shown.starts_with("order:      7\ndapp:       ferdie\n"));
		assert!(shown.contains(&format!("file:       {} (33554432 bytes)", "ab".repeat(32))));
		assert!(shown.contains("term:       periods 1 to 13 (exclusive)"));
		assert!(shown.contains("  eve  slot 0: holding since period 1, paid to 2\n"));
		assert!(shown.contains("  dave  slot 1: fetching, confirm by block 612\n"));
		assert!(shown.ends_with("  bob  reserve\n"));
	}
}

//! `spacebook pricing`: the nominal prices (`PricingApi_prices`, `PricingApi_cycles`), a DApp's
//! lease, traffic escrow and bills (`PricingApi_dapp`), and the DApp's own calls (`Pricing`'s
//! `lease`, `top_up_lease`, `end_lease`, `Traffic::fund_traffic`).

use crate::{
	account_or_suri, chain,
	cli::{Cli, PricingCommand},
	format_amount, parse_amount, Failure,
};
use spacebook_sdk::{
	chain::{DAppAccount, PriceList, PricesView, Standing},
	ChainRpc,
};
use subxt::ext::scale_value::Value;

/// Run a pricing command.
pub async fn run(cli: &Cli, command: &PricingCommand) -> Result<(), Failure> {
	match command {
		PricingCommand::Show => {
			let chain = ChainRpc::new(&cli.url)?;
			print!("{}", show_prices(&chain.prices().await?));
			for cycle in chain.pricing_cycles().await?.iter().rev().take(3) {
				let kept = cycle.frozen.map(|r| format!(" (kept: {r:?})")).unwrap_or_default();
				println!(
					"cycle {} from period {}: S {} + S1 {}, D {} + D1 {}{kept}",
					cycle.cycle,
					cycle.from_period,
					format_amount(cycle.market.idle_capacity),
					format_amount(cycle.market.new_capacity),
					format_amount(cycle.market.spent),
					signed_amount(cycle.market.expected_increase),
				);
			}
		}
		PricingCommand::Dapp { address } => {
			let dapp = account_or_suri(cli, address.as_ref().or(cli.dapp.as_ref()))?;
			let account = ChainRpc::new(&cli.url)?.dapp_account(&dapp).await?;
			println!("dapp:            {dapp}");
			print!("{}", show_account(&account));
		}
		PricingCommand::Lease { instances } => {
			if *instances == 0 {
				return Err(Failure::new(
					"a lease needs at least one instance (end-lease ends it)",
				));
			}
			let args = vec![Value::u128(u128::from(*instances))];
			let hash = chain::submit_as(cli, "Pricing", "lease", args).await?;
			println!("leased {instances} instances (extrinsic {hash})");
		}
		PricingCommand::TopUp => {
			let hash = chain::submit_as(cli, "Pricing", "top_up_lease", vec![]).await?;
			println!("topped up the lease (extrinsic {hash})");
		}
		PricingCommand::EndLease => {
			let hash = chain::submit_as(cli, "Pricing", "end_lease", vec![]).await?;
			println!("ended the lease; its deposit is released (extrinsic {hash})");
		}
		PricingCommand::Fund { amount } => fund(cli, amount).await?,
	}
	Ok(())
}

/// Pay `amount` SPB into the --suri DApp's traffic escrow (`spacebook pricing fund` and
/// `spacebook dapp fund`).
pub async fn fund(cli: &Cli, amount: &str) -> Result<(), Failure> {
	let amount = parse_amount(amount)?;
	if amount == 0 {
		return Err(Failure::new("fund a positive amount of SPB"));
	}
	let hash = chain::submit_as(cli, "Traffic", "fund_traffic", vec![Value::u128(amount)]).await?;
	println!("paid {} into the traffic escrow (extrinsic {hash})", format_amount(amount));
	Ok(())
}

fn signed_amount(amount: i128) -> String {
	let sign = if amount < 0 { "-" } else { "" };
	format!("{sign}{}", format_amount(amount.unsigned_abs()))
}

fn price_lines(prices: &PriceList<u128>) -> String {
	format!(
		"  instance (1 core, 100 Mbit/s, 500 GB):  {}\n  traffic, per GiB:                       {}\n  \
		 storage, per GB-month:                  {}\n",
		format_amount(prices.instance),
		format_amount(prices.traffic_gib),
		format_amount(prices.storage_gb_month),
	)
}

/// The prices as `spacebook pricing show` prints them.
pub fn show_prices(view: &PricesView) -> String {
	let mut out = format!(
		"period {}, pricing cycle {} ({} periods a cycle)\nnominal prices:\n{}",
		view.period,
		view.cycle,
		view.cycle_periods,
		price_lines(&view.current)
	);
	if let Some(next) = &view.next {
		out.push_str(&format!("from period {}:\n{}", next.from_period, price_lines(&next.prices)));
	}
	out
}

/// A DApp's account as `spacebook pricing dapp` prints it.
pub fn show_account(account: &DAppAccount<u128, u32>) -> String {
	let mut out = String::new();
	match &account.lease {
		Some(lease) => out.push_str(&format!(
			"lease:           {} instances, {} on hold\n",
			lease.instances,
			format_amount(lease.held)
		)),
		None => out.push_str("lease:           none\n"),
	}
	let standing = match &account.standing {
		Standing::NoLease => "no lease: serving peers refuse new sessions".to_owned(),
		Standing::Good => "good".to_owned(),
		Standing::TopUpDue { shortfall, by } => {
			format!("top up {} by block {by} (still served)", format_amount(*shortfall))
		}
		Standing::Lapsed { shortfall } => format!(
			"lapsed: {} short, serving peers refuse new sessions",
			format_amount(*shortfall)
		),
	};
	out.push_str(&format!("standing:        {standing}\n"));
	out.push_str(&format!("traffic escrow:  {}\n", format_amount(account.escrow)));
	out.push_str(&format!("paid bytes left: {}\n", account.available_bytes));
	if let Some((amount, due)) = account.withdrawal {
		out.push_str(&format!("withdrawal:      {} from block {due}\n", format_amount(amount)));
	}
	for bill in &account.bills {
		out.push_str(&format!(
			"bill of period {}: {} bytes, {}\n",
			bill.period,
			bill.bytes,
			format_amount(bill.amount)
		));
	}
	out
}

#[cfg(test)]
mod tests {
	use super::*;
	use spacebook_sdk::chain::{BillView, Lease};

	#[test]
	fn an_account_shows_its_lease_standing_escrow_and_bills() {
		let account = DAppAccount {
			lease: Some(Lease { instances: 2, held: 190_000_000_000_000, top_up_by: Some(700) }),
			standing: Standing::TopUpDue { shortfall: 10_000_000_000_000, by: 700 },
			escrow: 20_000_000_000,
			withdrawal: Some((5_000_000_000, 900)),
			available_bytes: 2 << 30,
			bills: vec![BillView { period: 4, bytes: 1 << 30, amount: 10_000_000_000 }],
		};
		let shown = show_account(&account);
		assert!(shown.contains("lease:           2 instances, 190 SPB on hold"), "{shown}");
		assert!(shown.contains("top up 10 SPB by block 700 (still served)"), "{shown}");
		assert!(shown.contains("traffic escrow:  0.02 SPB"), "{shown}");
		assert!(shown.contains("withdrawal:      0.005 SPB from block 900"), "{shown}");
		assert!(shown.contains("bill of period 4: 1073741824 bytes, 0.01 SPB"), "{shown}");
		let lapsed = DAppAccount { standing: Standing::Lapsed { shortfall: 1 }, ..account };
		assert!(show_account(&lapsed).contains("serving peers refuse new sessions"));
	}

	#[test]
	fn prices_show_every_unit_and_a_list_set_for_later() {
		let prices = PriceList {
			instance: 100_000_000_000_000,
			traffic_gib: 10_000_000_000,
			storage_gb_month: 1_000_000_000,
		};
		let mut view =
			PricesView { period: 3, cycle: 3, cycle_periods: 1, current: prices, next: None };
		let shown = show_prices(&view);
		assert!(shown.contains("instance (1 core, 100 Mbit/s, 500 GB):  100 SPB"), "{shown}");
		assert!(shown.contains("traffic, per GiB:                       0.01 SPB"), "{shown}");
		assert!(!shown.contains("from period"), "{shown}");
		view.next = Some(spacebook_pricing_primitives::EffectivePrices {
			from_period: 4,
			cycle: 3,
			prices: PriceList { instance: 90_000_000_000_000, ..prices },
		});
		assert!(show_prices(&view)
			.contains("from period 4:\n  instance (1 core, 100 Mbit/s, 500 GB):  90 SPB"));
	}
}

//! Chain access over JSON-RPC with subxt's dynamic API: names of pallets, calls and storage
//! items are resolved against the node's metadata at run time, so the CLI keeps working across
//! runtime upgrades that keep those names. Serving peers are found by the SDK
//! ([`spacebook_sdk::ChainRpc`]).

use crate::{cli::Cli, keypair, secret, Failure};
use sp_core::crypto::AccountId32;
use subxt::{
	dynamic,
	ext::scale_value::{At, Value},
	utils::MultiAddress,
	OnlineClient, PolkadotConfig,
};
use subxt_signer::sr25519::Keypair;

/// A connection to a Spacebook node.
pub type Api = OnlineClient<PolkadotConfig>;

/// Connect to the node at `url` (`ws://` or `wss://`).
pub async fn connect(url: &str) -> Result<Api, Failure> {
	let api = if url.starts_with("ws://") {
		Api::from_insecure_url(url).await
	} else {
		Api::from_url(url).await
	};
	api.map_err(|e| Failure::new(format!("cannot connect to the node at {url}: {e}")))
}

/// An account's balances, in plancks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Balances {
	/// Free (includes what is frozen).
	pub free: u128,
	/// On hold (deposits).
	pub reserved: u128,
	/// Frozen: free but not transferable (vesting, rig wallets).
	pub frozen: u128,
}

fn field_u128(value: &Value, name: &str) -> Option<u128> {
	value.at(name)?.as_u128()
}

/// The balances of `who` at the finalized head.
pub async fn balances(api: &Api, who: &AccountId32) -> Result<Balances, Failure> {
	let at = api.at_current_block().await.map_err(Failure::chain)?;
	let address = dynamic::storage::<([u8; 32],), Value>("System", "Account");
	let value = at
		.storage()
		.fetch(address, (<[u8; 32]>::from(who.clone()),))
		.await
		.map_err(Failure::chain)?
		.decode()
		.map_err(Failure::chain)?;
	let data = value.at("data").ok_or_else(|| Failure::new("System.Account has no data"))?;
	Ok(Balances {
		free: field_u128(data, "free").unwrap_or_default(),
		reserved: field_u128(data, "reserved").unwrap_or_default(),
		frozen: field_u128(data, "frozen").unwrap_or_default(),
	})
}

/// Transfer `amount` plancks from `from` to `to`, keeping `from` alive; waits until the transfer
/// is final and returns the block hash.
pub async fn transfer(
	api: &Api,
	from: &Keypair,
	to: &AccountId32,
	amount: u128,
) -> Result<String, Failure> {
	let dest = MultiAddress::<subxt::utils::AccountId32, ()>::Id(subxt::utils::AccountId32(<[u8;
		32]>::from(
		to.clone(),
	)));
	let call = dynamic::transaction("Balances", "transfer_keep_alive", (dest, amount));
	let at = api.at_current_block().await.map_err(Failure::chain)?;
	let events = at
		.transactions()
		.sign_and_submit_then_watch_default(&call, from)
		.await
		.map_err(Failure::chain)?
		.wait_for_finalized_success()
		.await
		.map_err(Failure::chain)?;
	Ok(format!("{:?}", events.extrinsic_hash()))
}

/// Submit `pallet::call(args)` signed by `from` and wait until it is final; returns the
/// extrinsic's hash. A dispatch error names the pallet's error (e.g.
/// `Pricing::InsufficientBalance`).
pub async fn submit(
	api: &Api,
	from: &Keypair,
	pallet: &str,
	call: &str,
	args: Vec<Value>,
) -> Result<String, Failure> {
	let tx = dynamic::transaction(pallet, call, args);
	let at = api.at_current_block().await.map_err(Failure::chain)?;
	let events = at
		.transactions()
		.sign_and_submit_then_watch_default(&tx, from)
		.await
		.map_err(Failure::chain)?
		.wait_for_finalized_success()
		.await
		.map_err(|e| Failure::new(format!("{pallet}.{call} failed: {e}")))?;
	Ok(format!("{:?}", events.extrinsic_hash()))
}

/// [`submit`], returning also the extrinsic's events as `Pallet.Event { fields }` lines (what a
/// motion's `close` did: executed or not, and the call's result).
pub async fn submit_with_events(
	api: &Api,
	from: &Keypair,
	pallet: &str,
	call: &str,
	args: Vec<Value>,
) -> Result<(String, Vec<String>), Failure> {
	let tx = dynamic::transaction(pallet, call, args);
	let at = api.at_current_block().await.map_err(Failure::chain)?;
	let events = at
		.transactions()
		.sign_and_submit_then_watch_default(&tx, from)
		.await
		.map_err(Failure::chain)?
		.wait_for_finalized_success()
		.await
		.map_err(|e| Failure::new(format!("{pallet}.{call} failed: {e}")))?;
	let lines = events
		.iter()
		.filter_map(Result::ok)
		.map(|event| {
			let fields = event
				.decode_fields_unchecked_as::<subxt::ext::scale_value::Composite<()>>()
				.map(|f| format!(" {f}"))
				.unwrap_or_default();
			format!("{}.{}{fields}", event.pallet_name(), event.event_name())
		})
		.collect();
	Ok((format!("{:?}", events.extrinsic_hash()), lines))
}

/// Sign `pallet::call(args)` with the `--suri` account of `cli`, at its node, and wait until it
/// is final; returns the extrinsic's hash.
pub async fn submit_as(
	cli: &Cli,
	pallet: &str,
	call: &str,
	args: Vec<Value>,
) -> Result<String, Failure> {
	let signer = keypair(&secret(cli)?)?;
	let api = connect(&cli.url).await?;
	submit(&api, &signer, pallet, call, args).await
}

/// [`submit_as`], returning also the extrinsic's events ([`submit_with_events`]).
pub async fn submit_as_with_events(
	cli: &Cli,
	pallet: &str,
	call: &str,
	args: Vec<Value>,
) -> Result<(String, Vec<String>), Failure> {
	let signer = keypair(&secret(cli)?)?;
	let api = connect(&cli.url).await?;
	submit_with_events(&api, &signer, pallet, call, args).await
}

//! Chain access over JSON-RPC with subxt's dynamic API: names of pallets, calls and storage
//! items are resolved against the node's metadata at run time, so the CLI keeps working across
//! runtime upgrades that keep those names.

use crate::Failure;
use sp_core::crypto::AccountId32;
use subxt::{
	dynamic,
	ext::scale_value::{At, Composite, Value, ValueDef},
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

/// A professional peer as the peer registry lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServingPeer {
	/// Its account.
	pub account: AccountId32,
	/// Its data plane's endpoint.
	pub endpoint: String,
	/// Whether it is active (not suspended or leaving).
	pub active: bool,
}

/// The bytes of a byte sequence, however it is wrapped (`BoundedVec<u8>` is a composite with
/// one field, the `Vec<u8>`).
fn bytes_of(value: &Value) -> Option<Vec<u8>> {
	match &value.value {
		ValueDef::Composite(Composite::Unnamed(items)) => {
			let bytes: Option<Vec<u8>> =
				items.iter().map(|v| v.as_u128().and_then(|b| u8::try_from(b).ok())).collect();
			match (bytes, items.as_slice()) {
				(Some(bytes), _) => Some(bytes),
				(None, [inner]) => bytes_of(inner),
				(None, _) => None,
			}
		}
		ValueDef::Composite(Composite::Named(items)) if items.len() == 1 => bytes_of(&items[0].1),
		_ => None,
	}
}

fn variant_name(value: &Value) -> Option<&str> {
	match &value.value {
		ValueDef::Variant(variant) => Some(&variant.name),
		_ => None,
	}
}

/// The professional peers registered at the finalized head, with their endpoints.
pub async fn professional_peers(api: &Api) -> Result<Vec<ServingPeer>, Failure> {
	let at = api.at_current_block().await.map_err(Failure::chain)?;
	let address = dynamic::storage::<([u8; 32],), Value>("Peers", "Registrations");
	let entry = at.storage().entry(address).map_err(Failure::chain)?;
	let mut entries = entry.iter(()).await.map_err(Failure::chain)?;
	let mut peers = Vec::new();
	log::debug!("reading Peers.Registrations");
	while let Some(item) = entries.next().await {
		let item = item.map_err(Failure::chain)?;
		let key = item.key().map_err(Failure::chain)?;
		let part = key.part(0).ok_or_else(|| Failure::new("Peers.Registrations has no key"))?;
		let account: Option<[u8; 32]> = part
			.decode_as::<Value>()
			.map_err(Failure::chain)?
			.as_ref()
			.and_then(bytes_of)
			.and_then(|b| b.try_into().ok());
		let Some(account) = account else {
			log::warn!("a registration whose key is not an account; skipped");
			continue;
		};
		let record = item.value().decode().map_err(Failure::chain)?;
		log::debug!("registration of {}: {record}", AccountId32::new(account));
		let Some(role) = record.at("role") else { continue };
		if variant_name(role) != Some("Professional") {
			continue;
		}
		let endpoint = role
			.at(0)
			.and_then(|p| p.at("declaration"))
			.and_then(|d| d.at("endpoint"))
			.and_then(bytes_of)
			.and_then(|b| String::from_utf8(b).ok());
		let Some(endpoint) = endpoint else {
			log::warn!(
				"the professional peer {} has no readable endpoint",
				AccountId32::new(account)
			);
			continue;
		};
		let active = record.at("status").and_then(variant_name) == Some("Active");
		peers.push(ServingPeer { account: AccountId32::new(account), endpoint, active });
	}
	Ok(peers)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn byte_sequences_are_read_through_their_wrappers() {
		let bytes = |b: &[u8]| Value::unnamed_composite(b.iter().map(|x| Value::u128(*x as u128)));
		assert_eq!(bytes_of(&bytes(b"http")), Some(b"http".to_vec()));
		let bounded = Value::unnamed_composite([bytes(b"http://a:1")]);
		assert_eq!(bytes_of(&bounded), Some(b"http://a:1".to_vec()));
		let named = Value::named_composite([("0", bytes(b"x"))]);
		assert_eq!(bytes_of(&named), Some(b"x".to_vec()));
		assert_eq!(bytes_of(&Value::unnamed_composite([Value::u128(300)])), None);
		assert_eq!(bytes_of(&Value::bool(true)), None);
	}
}

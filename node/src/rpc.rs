//! The node's JSON-RPC extensions beyond sc-service's `system_`, `chain_`, `state_` and
//! `author_` methods: `system_accountNextIndex`, `payment_queryInfo`/`payment_queryFeeDetails`,
//! `gosig_roundState`/`gosig_proveFinality`/`gosig_subscribeJustifications`
//! ([`crate::gosig_rpc`]), and, on nodes with off-chain storage,
//! `traffic_submitReceipt`/`traffic_keptReceipts` ([`crate::traffic_rpc`]).

use std::sync::Arc;

use jsonrpsee::RpcModule;
use sc_transaction_pool_api::TransactionPool;
use sp_api::ProvideRuntimeApi;
use sp_block_builder::BlockBuilder;
use sp_blockchain::{Error as BlockChainError, HeaderBackend, HeaderMetadata};
use spacebook_runtime::{opaque::Block, AccountId, Balance, Nonce};

/// What the RPC extensions need.
pub struct FullDeps<C, P, S> {
	/// The client.
	pub client: Arc<C>,
	/// The transaction pool.
	pub pool: Arc<P>,
	/// The node's off-chain storage, if it has one (where receipts are kept).
	pub offchain_storage: Option<S>,
	/// The view of the rounds the Gosig worker publishes.
	pub round_state: spacebook_gosig::SharedRoundState<<Block as sp_runtime::traits::Block>::Hash>,
	/// The finalized blocks' justifications, for `gosig_subscribeJustifications`.
	pub justifications: crate::gosig_rpc::JustificationFeed,
}

/// Build the RPC module with the Spacebook extensions.
pub fn create_full<C, P, S>(
	deps: FullDeps<C, P, S>,
) -> Result<RpcModule<()>, Box<dyn std::error::Error + Send + Sync>>
where
	C: ProvideRuntimeApi<Block>
		+ HeaderBackend<Block>
		+ sc_client_api::BlockBackend<Block>
		+ sc_client_api::BlockchainEvents<Block>
		+ HeaderMetadata<Block, Error = BlockChainError>
		+ Send
		+ Sync
		+ 'static,
	C::Api: substrate_frame_rpc_system::AccountNonceApi<Block, AccountId, Nonce>,
	C::Api: pallet_transaction_payment_rpc::TransactionPaymentRuntimeApi<Block, Balance>,
	C::Api: BlockBuilder<Block>,
	P: TransactionPool + 'static,
	S: sp_core::offchain::OffchainStorage + Clone + 'static,
{
	use pallet_transaction_payment_rpc::{TransactionPayment, TransactionPaymentApiServer};
	use substrate_frame_rpc_system::{System, SystemApiServer};

	let mut module = RpcModule::new(());
	let FullDeps { client, pool, offchain_storage, round_state, justifications } = deps;

	if let Some(storage) = offchain_storage {
		use crate::traffic_rpc::{Traffic, TrafficApiServer};
		module.merge(Traffic::new(storage, client.info().genesis_hash).into_rpc())?;
	}
	{
		use crate::gosig_rpc::{Gosig, GosigApiServer};
		module.merge(
			Gosig::<Block, C>::new(client.clone(), round_state, justifications).into_rpc(),
		)?;
	}
	module.merge(System::new(client.clone(), pool).into_rpc())?;
	module.merge(TransactionPayment::new(client).into_rpc())?;

	Ok(module)
}

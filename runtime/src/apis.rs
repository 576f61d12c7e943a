//! The runtime APIs the node, wallets and explorers call.

use alloc::vec::Vec;
use frame_support::{
	genesis_builder_helper::{build_state, get_preset},
	weights::Weight,
};
use sp_api::impl_runtime_apis;
use sp_core::{crypto::KeyTypeId, OpaqueMetadata};
use sp_runtime::{
	traits::Block as BlockT,
	transaction_validity::{TransactionSource, TransactionValidity},
	ApplyExtrinsicResult,
};
use sp_version::RuntimeVersion;

use super::{
	opaque::SessionKeys, AccountId, Balance, BillingElections, Block, BlockNumber,
	CommitteeElection, Executive, Gosig, Hash, InherentDataExt, Nonce, Patrol, Peers, Pricing,
	Runtime, RuntimeCall, RuntimeGenesisConfig, Scheduling, System, Token, Traffic,
	TransactionPayment, VERSION,
};

impl_runtime_apis! {
	impl sp_api::Core<Block> for Runtime {
		fn version() -> RuntimeVersion {
			VERSION
		}

		fn execute_block(block: <Block as BlockT>::LazyBlock) {
			Executive::execute_block(block);
		}

		fn initialize_block(header: &<Block as BlockT>::Header) -> sp_runtime::ExtrinsicInclusionMode {
			Executive::initialize_block(header)
		}
	}

	impl sp_api::Metadata<Block> for Runtime {
		fn metadata() -> OpaqueMetadata {
			OpaqueMetadata::new(Runtime::metadata().into())
		}

		fn metadata_at_version(version: u32) -> Option<OpaqueMetadata> {
			Runtime::metadata_at_version(version)
		}

		fn metadata_versions() -> Vec<u32> {
			Runtime::metadata_versions()
		}
	}

	impl sp_block_builder::BlockBuilder<Block> for Runtime {
		fn apply_extrinsic(extrinsic: <Block as BlockT>::Extrinsic) -> ApplyExtrinsicResult {
			Executive::apply_extrinsic(extrinsic)
		}

		fn finalize_block() -> <Block as BlockT>::Header {
			Executive::finalize_block()
		}

		fn inherent_extrinsics(data: sp_inherents::InherentData) -> Vec<<Block as BlockT>::Extrinsic> {
			data.create_extrinsics()
		}

		fn check_inherents(
			block: <Block as BlockT>::LazyBlock,
			data: sp_inherents::InherentData,
		) -> sp_inherents::CheckInherentsResult {
			data.check_extrinsics(&block)
		}
	}

	impl sp_transaction_pool::runtime_api::TaggedTransactionQueue<Block> for Runtime {
		fn validate_transaction(
			source: TransactionSource,
			tx: <Block as BlockT>::Extrinsic,
			block_hash: <Block as BlockT>::Hash,
		) -> TransactionValidity {
			Executive::validate_transaction(source, tx, block_hash)
		}
	}

	impl sp_offchain::OffchainWorkerApi<Block> for Runtime {
		fn offchain_worker(header: &<Block as BlockT>::Header) {
			Executive::offchain_worker(header)
		}
	}

	impl spacebook_gosig_primitives::GosigApi<Block> for Runtime {
		fn configuration() -> spacebook_gosig_primitives::GosigConfiguration {
			Gosig::configuration()
		}

		fn submit_report_equivocation_extrinsic(
			proof: spacebook_gosig_primitives::EquivocationProof<
				<Block as BlockT>::Hash,
				sp_runtime::traits::NumberFor<Block>,
			>,
		) -> bool {
			Gosig::submit_report_equivocation(proof)
		}

		fn participation() -> (Vec<spacebook_gosig_primitives::ParticipationView>, u32) {
			Gosig::participation()
		}
	}

	impl pallet_token_runtime_api::TokenApi<Block, Balance> for Runtime {
		fn current_period() -> u32 {
			Token::current_period()
		}

		fn period_emission(period: u32) -> pallet_token_runtime_api::PeriodEmission<Balance> {
			Token::period_emission(period)
		}

		fn yearly_emission() -> Vec<Balance> {
			Token::yearly_emission()
		}

		fn emission_split() -> pallet_token_runtime_api::EmissionSplit {
			Token::emission_split()
		}

		fn pools() -> pallet_token_runtime_api::PoolBalances<Balance> {
			Token::pools()
		}
	}

	impl pallet_peers_runtime_api::PeersApi<
		Block,
		AccountId,
		Balance,
		BlockNumber,
		pallet_peers::crypto::PeerKey,
		sp_core::sr25519::Public,
	> for Runtime {
		fn peer(
			who: AccountId,
		) -> Option<pallet_peers_runtime_api::PeerView<AccountId, Balance, BlockNumber>> {
			Peers::peer_view(&who).map(|view| pallet_peers_runtime_api::PeerView {
				patrol: Patrol::quality(&who),
				..view
			})
		}

		fn peer_of_key(key: pallet_peers::crypto::PeerKey) -> Option<AccountId> {
			pallet_peers::PeerKeyOwner::<Runtime>::get(key)
		}

		fn dapp_of_client_key(key: sp_core::sr25519::Public) -> Option<AccountId> {
			pallet_peers::ClientKeyOwner::<Runtime>::get(key)
		}

		fn role_counts() -> Vec<(pallet_peers_runtime_api::RoleKind, u32)> {
			pallet_peers::RoleKind::ALL
				.into_iter()
				.map(|kind| (kind, pallet_peers::RoleCount::<Runtime>::get(kind)))
				.collect()
		}

		fn dapp_storage_quota() -> u64 {
			pallet_peers::DAppStorageQuota::<Runtime>::get()
		}

		fn professional_peers(
			after: Option<AccountId>,
			scan: u32,
		) -> (
			Vec<pallet_peers_runtime_api::ProfessionalPeerListing<AccountId>>,
			Option<AccountId>,
		) {
			let (peers, next) = Peers::professional_peers(after.as_ref(), scan);
			let listings = peers
				.into_iter()
				.map(|(account, endpoint, active)| {
					pallet_peers_runtime_api::ProfessionalPeerListing {
						account,
						endpoint: endpoint.into_inner(),
						active,
					}
				})
				.collect();
			(listings, next)
		}
	}

	impl pallet_traffic_runtime_api::TrafficApi<Block, AccountId, Balance> for Runtime {
		fn explain_reward(
			who: AccountId,
			period: u32,
		) -> Option<pallet_traffic_runtime_api::RewardExplanation<Balance>> {
			Traffic::explain_reward(&who, period)
		}

		fn audit_positions(period: u32, peer: AccountId, round: u8) -> Vec<u128> {
			Traffic::audit_positions(period, &peer, round)
		}

		fn cutoff() -> u128 {
			pallet_traffic::Cutoff::<Runtime>::get()
		}
	}

	impl pallet_pricing_runtime_api::PricingApi<Block, AccountId, Balance, BlockNumber> for Runtime {
		fn prices() -> pallet_pricing_runtime_api::PricesView {
			let period = Pricing::current_period();
			pallet_pricing_runtime_api::PricesView {
				period,
				cycle: pallet_pricing::CurrentCycle::<Runtime>::get(),
				cycle_periods: pallet_pricing::CyclePeriods::<Runtime>::get(),
				current: Pricing::prices_of_period(period),
				next: pallet_pricing::PriceHistory::<Runtime>::get()
					.last()
					.copied()
					.filter(|entry| entry.from_period > period),
			}
		}

		fn cycles() -> Vec<pallet_pricing::CycleRecord> {
			pallet_pricing::CycleRecords::<Runtime>::get().into_inner()
		}

		fn dapp(dapp: AccountId) -> pallet_pricing_runtime_api::DAppAccount<Balance, BlockNumber> {
			let period = Traffic::period_of(System::block_number());
			let depth = <<Runtime as pallet_traffic::Config>::HistoryDepth as frame_support::traits::Get<u32>>::get();
			let oldest =
				pallet_traffic::OldestKept::<Runtime>::get().max(period.saturating_sub(depth));
			pallet_pricing_runtime_api::DAppAccount {
				lease: pallet_pricing::Leases::<Runtime>::get(&dapp),
				standing: Pricing::standing(&dapp),
				escrow: pallet_traffic::Escrow::<Runtime>::get(&dapp),
				withdrawal: pallet_traffic::Withdrawals::<Runtime>::get(&dapp)
					.map(|w| (w.amount, Traffic::withdrawal_due(w.period))),
				available_bytes: Traffic::unreserved_paid_bytes(&dapp, period),
				// The bills of the periods kept (`HistoryDepth`, a dozen).
				bills: (oldest..=period)
					.filter_map(|p| {
						let bill = pallet_traffic::Bills::<Runtime>::get(p, &dapp);
						(bill.bytes > 0).then_some(pallet_pricing_runtime_api::BillView {
							period: p,
							bytes: bill.bytes,
							amount: bill.amount,
						})
					})
					.collect(),
			}
		}
	}

	impl pallet_billing_elections_runtime_api::BillingElectionsApi<
		Block,
		AccountId,
		spacebook_gosig_primitives::AuthorityId,
		BlockNumber,
	> for Runtime {
		fn election() -> pallet_billing_elections_runtime_api::ElectionView<
			AccountId,
			spacebook_gosig_primitives::AuthorityId,
			BlockNumber,
		> {
			BillingElections::election_view()
		}

		fn candidates() -> Vec<
			pallet_billing_elections_runtime_api::CandidateView<
				AccountId,
				spacebook_gosig_primitives::AuthorityId,
			>,
		> {
			BillingElections::candidates_view()
		}

		fn voter(who: AccountId) -> pallet_billing_elections_runtime_api::VoterView<AccountId, BlockNumber> {
			BillingElections::voter_view(&who)
		}

		fn projected() -> pallet_billing_elections_runtime_api::Projection<AccountId> {
			BillingElections::projection()
		}
	}

	impl pallet_committee_runtime_api::CommitteeApi<Block, AccountId, Hash, BlockNumber> for Runtime {
		fn committee() -> pallet_committee_runtime_api::CommitteeView<AccountId, BlockNumber> {
			CommitteeElection::committee_view(crate::configs::governance::motion_thresholds())
		}

		fn sheet() -> pallet_committee_runtime_api::SheetView<AccountId> {
			CommitteeElection::sheet_view()
		}

		fn voter(who: AccountId) -> pallet_committee_runtime_api::VoterView<AccountId> {
			CommitteeElection::voter_view(&who)
		}

		fn motions() -> Vec<pallet_committee_runtime_api::MotionView<AccountId, Hash, BlockNumber>> {
			crate::configs::governance::motions()
		}
	}

	impl pallet_patrol_runtime_api::PatrolApi<Block, AccountId> for Runtime {
		fn draw(period: u32) -> Option<pallet_patrol_runtime_api::PatrolDraw> {
			Patrol::draw(period)
		}

		fn targets(
			scheduler: AccountId,
			period: u32,
			output: [u8; 32],
		) -> Vec<pallet_patrol_runtime_api::PatrolTarget<AccountId>> {
			Patrol::targets(&scheduler, period, &output)
		}

		fn quality(peer: AccountId) -> Option<pallet_patrol_runtime_api::PatrolQuality> {
			Patrol::quality(&peer)
		}

		fn requests() -> Vec<(AccountId, u32)> {
			Patrol::requests()
		}

		fn scheduler_of_key(key: [u8; 32]) -> Option<AccountId> {
			use pallet_patrol::PatrolRegistry;
			let key = pallet_peers::crypto::PeerKey::from(sp_core::sr25519::Public::from_raw(key));
			crate::configs::patrol::PatrolledPeers::scheduler_of_key(&key)
		}

		fn current_period() -> u32 {
			Token::current_period()
		}
	}

	impl pallet_scheduling_runtime_api::SchedulingApi<Block, AccountId, Balance, BlockNumber> for Runtime {
		fn holders(
			hash_index: pallet_scheduling_runtime_api::HashIndex,
		) -> Vec<pallet_scheduling_runtime_api::HolderView<AccountId>> {
			Scheduling::holders(hash_index)
		}

		fn order(
			id: pallet_scheduling_runtime_api::OrderId,
		) -> Option<pallet_scheduling_runtime_api::OrderView<AccountId, Balance, BlockNumber>> {
			Scheduling::order_view(id)
		}

		fn tasks(
			peer: AccountId,
		) -> Vec<(
			pallet_scheduling_runtime_api::OrderId,
			pallet_scheduling_runtime_api::FileRef,
			pallet_scheduling_runtime_api::PlacementStatus<BlockNumber>,
		)> {
			Scheduling::tasks_of(&peer)
		}

		fn rule() -> pallet_scheduling_runtime_api::SchedulingRule {
			pallet_scheduling::Rule::<Runtime>::get()
		}

		fn backups(
			hash_index: pallet_scheduling_runtime_api::HashIndex,
		) -> Vec<pallet_scheduling_runtime_api::BackupView<AccountId>> {
			Scheduling::backups(hash_index)
		}

		fn backup_tasks(
			common: AccountId,
		) -> Option<(AccountId, Vec<pallet_scheduling_runtime_api::FileRef>)> {
			Scheduling::backup_tasks(&common)
		}
	}

	impl sp_session::SessionKeys<Block> for Runtime {
		fn generate_session_keys(
			owner: Vec<u8>,
			seed: Option<Vec<u8>>,
		) -> sp_session::OpaqueGeneratedSessionKeys {
			SessionKeys::generate(&owner, seed).into()
		}

		fn decode_session_keys(encoded: Vec<u8>) -> Option<Vec<(Vec<u8>, KeyTypeId)>> {
			SessionKeys::decode_into_raw_public_keys(&encoded)
		}
	}

	impl frame_system_rpc_runtime_api::AccountNonceApi<Block, AccountId, Nonce> for Runtime {
		fn account_nonce(account: AccountId) -> Nonce {
			System::account_nonce(account)
		}
	}

	impl pallet_transaction_payment_rpc_runtime_api::TransactionPaymentApi<Block, Balance> for Runtime {
		fn query_info(
			uxt: <Block as BlockT>::Extrinsic,
			len: u32,
		) -> pallet_transaction_payment_rpc_runtime_api::RuntimeDispatchInfo<Balance> {
			TransactionPayment::query_info(uxt, len)
		}
		fn query_fee_details(
			uxt: <Block as BlockT>::Extrinsic,
			len: u32,
		) -> pallet_transaction_payment::FeeDetails<Balance> {
			TransactionPayment::query_fee_details(uxt, len)
		}
		fn query_weight_to_fee(weight: Weight) -> Balance {
			TransactionPayment::weight_to_fee(weight)
		}
		fn query_length_to_fee(length: u32) -> Balance {
			TransactionPayment::length_to_fee(length)
		}
	}

	impl pallet_transaction_payment_rpc_runtime_api::TransactionPaymentCallApi<Block, Balance, RuntimeCall>
		for Runtime
	{
		fn query_call_info(
			call: RuntimeCall,
			len: u32,
		) -> pallet_transaction_payment::RuntimeDispatchInfo<Balance> {
			TransactionPayment::query_call_info(call, len)
		}
		fn query_call_fee_details(
			call: RuntimeCall,
			len: u32,
		) -> pallet_transaction_payment::FeeDetails<Balance> {
			TransactionPayment::query_call_fee_details(call, len)
		}
		fn query_weight_to_fee(weight: Weight) -> Balance {
			TransactionPayment::weight_to_fee(weight)
		}
		fn query_length_to_fee(length: u32) -> Balance {
			TransactionPayment::length_to_fee(length)
		}
	}

	#[cfg(feature = "runtime-benchmarks")]
	impl frame_benchmarking::Benchmark<Block> for Runtime {
		fn benchmark_metadata(extra: bool) -> (
			Vec<frame_benchmarking::BenchmarkList>,
			Vec<frame_support::traits::StorageInfo>,
		) {
			use frame_benchmarking::BenchmarkList;
			use frame_support::traits::StorageInfoTrait;
			use frame_system_benchmarking::Pallet as SystemBench;
			use super::*;

			let mut list = Vec::<BenchmarkList>::new();
			list_benchmarks!(list, extra);
			let storage_info = AllPalletsWithSystem::storage_info();
			(list, storage_info)
		}

		#[allow(non_local_definitions)]
		fn dispatch_benchmark(
			config: frame_benchmarking::BenchmarkConfig
		) -> Result<Vec<frame_benchmarking::BenchmarkBatch>, alloc::string::String> {
			use frame_benchmarking::BenchmarkBatch;
			use sp_storage::TrackedStorageKey;
			use frame_system_benchmarking::Pallet as SystemBench;
			use super::*;

			impl frame_system_benchmarking::Config for Runtime {}

			use frame_support::traits::WhitelistedStorageKeys;
			let whitelist: Vec<TrackedStorageKey> = AllPalletsWithSystem::whitelisted_storage_keys();

			let mut batches = Vec::<BenchmarkBatch>::new();
			let params = (&config, &whitelist);
			add_benchmarks!(params, batches);
			Ok(batches)
		}
	}

	#[cfg(feature = "try-runtime")]
	impl frame_try_runtime::TryRuntime<Block> for Runtime {
		fn on_runtime_upgrade(checks: frame_try_runtime::UpgradeCheckSelect) -> (Weight, Weight) {
			let weight = Executive::try_runtime_upgrade(checks).unwrap();
			(weight, super::configs::RuntimeBlockWeights::get().max_block)
		}

		fn execute_block(
			block: <Block as BlockT>::LazyBlock,
			state_root_check: bool,
			signature_check: bool,
			select: frame_try_runtime::TryStateSelect
		) -> Weight {
			Executive::try_execute_block(block, state_root_check, signature_check, select)
				.expect("execute-block failed")
		}
	}

	impl sp_genesis_builder::GenesisBuilder<Block> for Runtime {
		fn build_state(config: Vec<u8>) -> sp_genesis_builder::Result {
			build_state::<RuntimeGenesisConfig>(config)
		}

		fn get_preset(id: &Option<sp_genesis_builder::PresetId>) -> Option<Vec<u8>> {
			get_preset::<RuntimeGenesisConfig>(id, crate::genesis_config_presets::get_preset)
		}

		fn preset_names() -> Vec<sp_genesis_builder::PresetId> {
			crate::genesis_config_presets::preset_names()
		}
	}
}

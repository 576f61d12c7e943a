//! # The Spacebook runtime
//!
//! The state transition function of the Spacebook chain. Pallets, by index:
//!
//! | index | pallet | what it does here |
//! |---|---|---|
//! | 0 | `System` | accounts, blocks, events |
//! | 1 | `Timestamp` | block time, checked against the Gosig round by `Gosig` |
//! | 2 | `Gosig` | billing-peer authority set, rounds and the epoch randomness of the VRF election |
//! | 3 | `Balances` | SPB, 12 decimals |
//! | 4 | `TransactionPayment` | fees in SPB, paid into the mining pool |
//! | 5 | `Utility` | batches |
//! | 6 | `Sudo` | the foundation key of the dev and foundation phase |
//! | 7 | `Vesting` | vesting schedules of the genesis allocation |
//! | 8 | `Token` | the 10 B SPB allocation, rig wallets, the mining pool's emission, fee and revenue recycling |
//! | 9 | `Peers` | the peer registry: roles, deposits on hold, heartbeats, the penalty ladder |
//! | 10 | `Traffic` | Proof-of-Traffic: reports, audits, DApps' traffic escrow and bills, each period's peer and billing rewards |
//! | 11 | `Pricing` | nominal prices, the pricing cycle, DApps' instance leases |
//! | 12 | `BillingElections` | SPB holders elect the billing peers for Gosig |
//! | 13 | `Committee` | the governance committee's motions (`pallet-collective`) |
//! | 14 | `CommitteeElection` | the committee's election every term, and the enactment of major motions as root |
//! | 15 | `Multisig` | accounts several keys control together (the foundation's, on production) |
//!
//! `configs/` holds one file per pallet's configuration, `apis.rs` the runtime APIs and
//! `genesis_config_presets.rs` the `development` and `local_testnet` presets.
#![cfg_attr(not(feature = "std"), no_std)]
#![recursion_limit = "256"]

#[cfg(feature = "std")]
include!(concat!(env!("OUT_DIR"), "/wasm_binary.rs"));

/// The runtime the end-to-end runtime upgrade installs: this runtime with `spec_version` one
/// higher (feature `upgrade-test`). `WASM_BINARY_PATH` is `None` unless the build ran with
/// `SPACEBOOK_UPGRADE_TEST_WASM` set (`scripts/test.sh` sets it; see `build.rs`).
#[cfg(feature = "std")]
pub mod upgrade_test {
	include!(concat!(env!("OUT_DIR"), "/upgrade_test_wasm_binary.rs"));
}

extern crate alloc;

#[cfg(feature = "runtime-benchmarks")]
#[macro_use]
mod benchmarks;
pub mod apis;
pub mod configs;
pub mod genesis_config_presets;
pub mod weights;

use alloc::vec::Vec;
use sp_runtime::{
	generic, impl_opaque_keys,
	traits::{BlakeTwo256, IdentifyAccount, Verify},
	MultiAddress, MultiSignature,
};
use sp_version::RuntimeVersion;

pub use frame_support::{construct_runtime, parameter_types};
pub use frame_system::Call as SystemCall;
pub use pallet_balances::Call as BalancesCall;
pub use pallet_timestamp::Call as TimestampCall;
pub use sp_runtime::{Perbill, Permill};

/// Opaque types: what the node knows of the runtime without knowing its calls.
pub mod opaque {
	use super::*;
	pub use sp_runtime::OpaqueExtrinsic as UncheckedExtrinsic;

	/// Opaque block header type.
	pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
	/// Opaque block type.
	pub type Block = generic::Block<Header, UncheckedExtrinsic>;
	/// Opaque block identifier type.
	pub type BlockId = generic::BlockId<Block>;

	impl_opaque_keys! {
		/// The session keys of a billing peer: its Gosig key.
		pub struct SessionKeys {
			pub gosig: super::Gosig,
		}
	}
}

/// The runtime version. Bump the upgrade test's `spec_version` below with it.
#[cfg(not(feature = "upgrade-test"))]
#[sp_version::runtime_version]
pub const VERSION: RuntimeVersion = RuntimeVersion {
	spec_name: alloc::borrow::Cow::Borrowed("spacebook"),
	impl_name: alloc::borrow::Cow::Borrowed("spacebook-node"),
	authoring_version: 1,
	spec_version: 100,
	impl_version: 1,
	apis: apis::RUNTIME_API_VERSIONS,
	transaction_version: 1,
	system_version: 1,
};

/// The runtime version of the end-to-end upgrade test's runtime (`upgrade_test`): `spec_version`
/// one higher than the runtime's.
#[cfg(feature = "upgrade-test")]
#[sp_version::runtime_version]
pub const VERSION: RuntimeVersion = RuntimeVersion {
	spec_name: alloc::borrow::Cow::Borrowed("spacebook"),
	impl_name: alloc::borrow::Cow::Borrowed("spacebook-node"),
	authoring_version: 1,
	spec_version: 101,
	impl_version: 1,
	apis: apis::RUNTIME_API_VERSIONS,
	transaction_version: 1,
	system_version: 1,
};

/// The length of a Gosig round, and so the target block time, in milliseconds.
pub const ROUND_DURATION_MS: u64 = 3_000;
/// Blocks per minute at one block per round.
pub const MINUTES: BlockNumber = 60_000 / (ROUND_DURATION_MS as BlockNumber);
/// Blocks per hour.
pub const HOURS: BlockNumber = MINUTES * 60;
/// Blocks per day.
pub const DAYS: BlockNumber = HOURS * 24;
/// Blocks in a 365-day year at one block per 3 s round: 10 512 000.
pub const BLOCKS_PER_YEAR: BlockNumber = DAYS * 365;
/// Ledgering periods in a year: 5-minute periods (100 blocks), 105 120.
pub const PERIODS_PER_YEAR: u32 = BLOCKS_PER_YEAR / (5 * MINUTES);

/// One SPB: 10^12 plancks (12 decimals).
pub const SPB: Balance = 1_000_000_000_000;
/// A thousandth of an SPB.
pub const MILLI_SPB: Balance = SPB / 1_000;
/// A millionth of an SPB.
pub const MICRO_SPB: Balance = SPB / 1_000_000;
/// The smallest balance an account may hold: 0.01 SPB (see docs/decisions.md).
pub const EXISTENTIAL_DEPOSIT: Balance = 10 * MILLI_SPB;
/// The token symbol, for chain-spec properties.
pub const TOKEN_SYMBOL: &str = "SPB";
/// The token's decimals, for chain-spec properties.
pub const TOKEN_DECIMALS: u8 = 12;
/// Spacebook's SS58 address prefix (unregistered in the ss58-registry at the time of choosing).
pub const SS58_PREFIX: u16 = 7272;

/// A block number.
pub type BlockNumber = u32;
/// A transaction signature.
pub type Signature = MultiSignature;
/// An account id: the public key behind a signature.
pub type AccountId = <<Signature as Verify>::Signer as IdentifyAccount>::AccountId;
/// A balance of SPB in plancks.
pub type Balance = u128;
/// A transaction index.
pub type Nonce = u32;
/// A hash.
pub type Hash = sp_core::H256;
/// An address as transactions name it.
pub type Address = MultiAddress<AccountId, ()>;
/// The block header.
pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
/// The block.
pub type Block = generic::Block<Header, UncheckedExtrinsic>;
/// A signed block with justifications.
pub type SignedBlock = generic::SignedBlock<Block>;
/// A block id.
pub type BlockId = generic::BlockId<Block>;

/// The transaction extensions, checked on every signed transaction.
pub type TxExtension = (
	frame_system::AuthorizeCall<Runtime>,
	frame_system::CheckNonZeroSender<Runtime>,
	frame_system::CheckSpecVersion<Runtime>,
	frame_system::CheckTxVersion<Runtime>,
	frame_system::CheckGenesis<Runtime>,
	frame_system::CheckEra<Runtime>,
	frame_system::CheckNonce<Runtime>,
	frame_system::CheckWeight<Runtime>,
	pallet_transaction_payment::ChargeTransactionPayment<Runtime>,
	frame_metadata_hash_extension::CheckMetadataHash<Runtime>,
	frame_system::WeightReclaim<Runtime>,
);

/// An extrinsic as it arrives in a block.
pub type UncheckedExtrinsic =
	generic::UncheckedExtrinsic<Address, RuntimeCall, Signature, TxExtension>;
/// The payload a transaction's signer signs.
pub type SignedPayload = generic::SignedPayload<RuntimeCall, TxExtension>;

/// Migrations to run on runtime upgrade.
#[allow(unused_parens)]
type Migrations = ();

/// Dispatches calls to the pallets.
pub type Executive = frame_executive::Executive<
	Runtime,
	Block,
	frame_system::ChainContext<Runtime>,
	Runtime,
	AllPalletsWithSystem,
	Migrations,
>;

#[frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeFreezeReason,
		RuntimeHoldReason,
		RuntimeSlashReason,
		RuntimeLockId,
		RuntimeTask,
		RuntimeViewFunction
	)]
	pub struct Runtime;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;

	#[runtime::pallet_index(1)]
	pub type Timestamp = pallet_timestamp;

	// Before the other pallets: its hook writes the author into the header first and reads the
	// authority set the block was packed under.
	#[runtime::pallet_index(18)]
	pub type Authorship = pallet_authorship;

	#[runtime::pallet_index(2)]
	pub type Gosig = pallet_gosig;

	#[runtime::pallet_index(3)]
	pub type Balances = pallet_balances;

	#[runtime::pallet_index(4)]
	pub type TransactionPayment = pallet_transaction_payment;

	#[runtime::pallet_index(5)]
	pub type Utility = pallet_utility;

	#[runtime::pallet_index(6)]
	pub type Sudo = pallet_sudo;
	#[runtime::pallet_index(7)]
	pub type Vesting = pallet_vesting;
	#[runtime::pallet_index(8)]
	pub type Token = pallet_token;
	#[runtime::pallet_index(9)]
	pub type Peers = pallet_peers;
	#[runtime::pallet_index(10)]
	pub type Traffic = pallet_traffic;
	#[runtime::pallet_index(11)]
	pub type Pricing = pallet_pricing;
	#[runtime::pallet_index(12)]
	pub type BillingElections = pallet_billing_elections;
	#[runtime::pallet_index(13)]
	pub type Committee = pallet_collective<Instance1>;
	#[runtime::pallet_index(14)]
	pub type CommitteeElection = pallet_committee;
	#[runtime::pallet_index(15)]
	pub type Multisig = pallet_multisig;
	#[runtime::pallet_index(16)]
	pub type Scheduling = pallet_scheduling;
	#[runtime::pallet_index(17)]
	pub type Patrol = pallet_patrol;
}

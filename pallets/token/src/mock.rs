//! A test runtime with `System`, `Balances`, `Vesting`, `TransactionPayment`, a stand-in `Peers`
//! pallet that owns a peer-deposit hold reason, and `Token`, configured like the Spacebook
//! runtime: u128 balances with 12 decimals, an existential deposit of 0.01 SPB, 3-second blocks
//! (10 512 000 a year) and 5-minute ledgering periods (105 120 a year).

use crate as pallet_token;
use crate::{types::SPB, DealWithFees};
use frame_support::{
	derive_impl, ord_parameter_types, parameter_types,
	traits::{ConstU128, VariantCountOf, WithdrawReasons},
	PalletId,
};
use frame_system::{EnsureRoot, EnsureSignedBy};
use pallet_transaction_payment::FungibleAdapter;
use sp_runtime::{traits::ConvertInto, BuildStorage, Permill};

type Block = frame_system::mocking::MockBlock<Test>;
/// An account id in the mock: 16 bytes, so that the pallet's two pool accounts (derived by
/// truncation) differ, as they do with the runtime's 32-byte ids.
pub type AccountId = u128;
/// A balance in the mock.
pub type Balance = u128;

/// A thousandth of an SPB.
pub const MILLI_SPB: Balance = SPB / 1_000;
/// The existential deposit, as in the runtime: 0.01 SPB.
pub const ED: Balance = 10 * MILLI_SPB;
/// Blocks in a 365-day year at 3 s per block.
pub const YEAR: u64 = 10_512_000;
/// Blocks in a day at 3 s per block.
pub const DAY: u64 = 28_800;
/// Blocks in a month (a twelfth of a year).
pub const MONTH: u64 = YEAR / 12;
/// 5-minute ledgering periods in a year.
pub const PERIODS_PER_YEAR: u32 = 105_120;
/// Blocks in a ledgering period.
pub const PERIOD: u64 = YEAR / PERIODS_PER_YEAR as u64;

/// Team members.
pub const TEAM_A: AccountId = 1;
/// Team members.
pub const TEAM_B: AccountId = 2;
/// Cornerstone investors.
pub const INVESTOR_A: AccountId = 3;
/// Cornerstone investors.
pub const INVESTOR_B: AccountId = 4;
/// The community-operations account of the ecosystem reserve.
pub const COMMUNITY: AccountId = 5;
/// The DApp-fund account of the ecosystem reserve.
pub const DAPP_FUND: AccountId = 6;
/// Contributor-reward accounts of the ecosystem reserve.
pub const CONTRIBUTOR_A: AccountId = 7;
/// Contributor-reward accounts of the ecosystem reserve.
pub const CONTRIBUTOR_B: AccountId = 8;
/// A DApp that pays traffic revenue.
pub const DAPP: AccountId = 20;
/// A rig wallet.
pub const RIG: AccountId = 30;
/// A peer.
pub const PEER: AccountId = 40;
/// The foundation's revenue account.
pub const FOUNDATION_ACCOUNT: AccountId = 99;
/// The signer of the foundation origin.
pub const FOUNDATION_SIGNER: AccountId = 100;
/// Someone without any role.
pub const NOBODY: AccountId = 200;

/// A stand-in for the peers pallet: it only declares the peer-deposit hold reason so that the
/// tests can put rig-wallet funds on hold as the real peers pallet will.
#[frame_support::pallet]
pub mod pallet_peers {
	#[pallet::config]
	pub trait Config: frame_system::Config {}

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	/// Why peers hold funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// A peer's deposit.
		PeerDeposit,
	}
}

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Vesting: pallet_vesting,
		TransactionPayment: pallet_transaction_payment,
		Peers: pallet_peers,
		Token: pallet_token,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountId = AccountId;
	type Lookup = sp_runtime::traits::IdentityLookup<AccountId>;
	type AccountData = pallet_balances::AccountData<Balance>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type Balance = Balance;
	type ExistentialDeposit = ConstU128<ED>;
	type AccountStore = System;
	type DustRemoval = DealWithFees<Test>;
	type FreezeIdentifier = RuntimeFreezeReason;
	type MaxFreezes = VariantCountOf<RuntimeFreezeReason>;
}

parameter_types! {
	pub UnvestedFundsAllowedWithdrawReasons: WithdrawReasons =
		WithdrawReasons::except(WithdrawReasons::TRANSFER | WithdrawReasons::RESERVE);
}

impl pallet_vesting::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	type BlockNumberToBalance = ConvertInto;
	type MinVestedTransfer = ConstU128<SPB>;
	type WeightInfo = ();
	type UnvestedFundsAllowedWithdrawReasons = UnvestedFundsAllowedWithdrawReasons;
	type BlockNumberProvider = System;
	const MAX_VESTING_SCHEDULES: u32 = 8;
}

#[derive_impl(pallet_transaction_payment::config_preludes::TestDefaultConfig)]
impl pallet_transaction_payment::Config for Test {
	type OnChargeTransaction = FungibleAdapter<Balances, DealWithFees<Test>>;
	type WeightToFee = frame_support::weights::IdentityFee<Balance>;
	type LengthToFee = frame_support::weights::IdentityFee<Balance>;
}

impl pallet_peers::Config for Test {}

parameter_types! {
	pub const TokenPalletId: PalletId = PalletId(*b"spb/pool");
	pub const FoundationShare: Permill = Permill::from_parts(5_000);
	pub const BlocksPerYear: u64 = YEAR;
	pub const PeriodsPerYear: u32 = PERIODS_PER_YEAR;
	pub const RigWalletLockPeriod: u64 = YEAR;
	pub const FoundationAccount: AccountId = FOUNDATION_ACCOUNT;
}

ord_parameter_types! {
	pub const Foundation: AccountId = FOUNDATION_SIGNER;
}

impl pallet_token::Config for Test {
	type Currency = Balances;
	type RuntimeFreezeReason = RuntimeFreezeReason;
	type Vesting = Vesting;
	type FoundationOrigin = EnsureSignedBy<Foundation, AccountId>;
	type GovernanceOrigin = EnsureRoot<AccountId>;
	type PalletId = TokenPalletId;
	type FoundationAccount = FoundationAccount;
	type FoundationShare = FoundationShare;
	type BlocksPerYear = BlocksPerYear;
	type PeriodsPerYear = PeriodsPerYear;
	type RigWalletLockPeriod = RigWalletLockPeriod;
	type WeightInfo = ();
}

/// `n` whole SPB.
pub const fn spb(n: u128) -> Balance {
	n * SPB
}

/// The genesis allocation of the tests: every bucket exact, several beneficiaries in some.
pub fn genesis() -> pallet_token::GenesisConfig<Test> {
	pallet_token::GenesisConfig {
		team: vec![(TEAM_A, spb(1_000_000_000)), (TEAM_B, spb(500_000_000))],
		cornerstone: vec![(INVESTOR_A, spb(300_000_000)), (INVESTOR_B, spb(200_000_000))],
		community: vec![(COMMUNITY, spb(500_000_000))],
		dapp_fund: vec![(DAPP_FUND, spb(500_000_000))],
		contributors: vec![(CONTRIBUTOR_A, spb(250_000_000)), (CONTRIBUTOR_B, spb(250_000_000))],
		..Default::default()
	}
}

/// Storage built from `config` (and nothing else at genesis); panics as genesis would.
pub fn storage_with(config: pallet_token::GenesisConfig<Test>) -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	config.assimilate_storage(&mut storage).unwrap();
	let mut ext: sp_io::TestExternalities = storage.into();
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// The default test genesis.
pub fn new_test_ext() -> sp_io::TestExternalities {
	storage_with(genesis())
}

/// Run `test` on the default genesis, then check the pallet's invariants.
pub fn build_and_execute(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		Token::do_try_state().expect("invariants hold after the test");
	});
}

/// Run `test` on the genesis `config`, then check the pallet's invariants.
pub fn execute_with(config: pallet_token::GenesisConfig<Test>, test: impl FnOnce()) {
	storage_with(config).execute_with(|| {
		test();
		Token::do_try_state().expect("invariants hold after the test");
	});
}

/// Jump to block `n` (vesting and freezes only look at the block number).
pub fn go_to(n: u64) {
	System::set_block_number(n);
}

//! `pallet_transaction_payment`: fees in SPB.
//!
//! A fee is `weight fee + length fee`: one planck per unit of ref-time weight (a transfer's base
//! weight of about 1.25·10^8 costs about 0.125 milli-SPB) and one micro-SPB per byte. Nothing is
//! burned: `FungibleAdapter` hands each fee and tip to `pallet_token::DealWithFees`, which pays
//! them wholly into the mining pool (the keyless account of `PalletId(*b"spb/pool")`), so total
//! issuance stays 10 B SPB. The block's billing peer gets no share of them: billing peers
//! are paid from the billing share of the mining pool's emission (docs/token.md, "Fees and
//! revenue"; docs/decisions.md).

use crate::{Balance, Balances, Runtime, RuntimeEvent, MICRO_SPB};
use frame_support::{
	parameter_types,
	traits::ConstU8,
	weights::{ConstantMultiplier, IdentityFee},
};
use pallet_transaction_payment::{ConstFeeMultiplier, FungibleAdapter, Multiplier};
use sp_runtime::traits::One;

parameter_types! {
	pub FeeMultiplier: Multiplier = Multiplier::one();
	/// One micro-SPB per byte.
	pub const TransactionByteFee: Balance = MICRO_SPB;
}

impl pallet_transaction_payment::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	/// Fees and tips go to the mining pool, not burned: total issuance stays 10 B SPB.
	type OnChargeTransaction = FungibleAdapter<Balances, pallet_token::DealWithFees<Runtime>>;
	type OperationalFeeMultiplier = ConstU8<5>;
	type WeightToFee = IdentityFee<Balance>;
	type LengthToFee = ConstantMultiplier<Balance, TransactionByteFee>;
	type FeeMultiplierUpdate = ConstFeeMultiplier<FeeMultiplier>;
	type WeightInfo = pallet_transaction_payment::weights::SubstrateWeight<Runtime>;
}

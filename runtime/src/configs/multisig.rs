//! `pallet_multisig`: accounts that several keys control together, a threshold of them
//! deciding. The foundation's account is one on a production chain (the `production` preset:
//! three of five signatories), so that no single key holds the foundation's powers
//! (`docs/governance.md`).

use crate::{Balances, Runtime, RuntimeCall, RuntimeEvent, System, SPB};
use frame_support::traits::{ConstU128, ConstU32};

impl pallet_multisig::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type Currency = Balances;
	/// Reserved from the signatory who opens an operation while it waits for its approvals (its
	/// storage): 10 SPB and 1 SPB per approval the threshold needs, returned when it executes
	/// or is cancelled.
	type DepositBase = ConstU128<{ 10 * SPB }>;
	type DepositFactor = ConstU128<{ SPB }>;
	/// Signatories of one multisig account.
	type MaxSignatories = ConstU32<20>;
	type WeightInfo = pallet_multisig::weights::SubstrateWeight<Runtime>;
	type BlockNumberProvider = System;
}

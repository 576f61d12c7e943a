//! `pallet_gosig`: the billing-peer authority set, rounds and the VRF election's randomness.

use crate::{Runtime, HOURS, ROUND_DURATION_MS};
use frame_support::traits::{ConstU32, ConstU64};

impl pallet_gosig::Config for Runtime {
	/// The whitepaper's 21 elected billing peers (ch.2 §5 iii); the backups wait outside the set
	/// (`pallet_billing_elections`, whose `integrity_test` checks the two bounds agree).
	type MaxAuthorities = ConstU32<21>;
	type RoundDuration = ConstU64<ROUND_DURATION_MS>;
	/// The election seed changes every hour.
	type EpochLength = ConstU32<HOURS>;
	/// Equivocations of the last sixteen sets can still be reported after a change ...
	type MaxPastSets = ConstU32<16>;
	/// ... and changes are five blocks apart: a set is kept at least 80 blocks after it ended,
	/// longer than a report lives in the pool (`REPORT_LONGEVITY`, 64; runtime test
	/// `the_election_bounds_match_the_registry_and_gosig`).
	type MinChangeInterval = ConstU32<5>;
	/// Offences are recorded and counted, and the offender's candidacy in the peer registry is
	/// evicted with its deposit slashed.
	type OnEquivocation = super::peers::EquivocationPenalty;
	/// Participation in the votes is judged every hour: a billing peer absent from more than
	/// half of an hour's votes is warned, and replaced at the second hour in a row.
	type ParticipationWindow = ConstU32<HOURS>;
	type OnMissedVotes = super::peers::MissedVotesPenalty;
	type WeightInfo = pallet_gosig::weights::SubstrateWeight<Runtime>;
}

// Equivocation reports are authorized transactions (`#[pallet::authorize]`): the node's Gosig
// engine builds them through the runtime API with these.

impl<LocalCall> frame_system::offchain::CreateTransactionBase<LocalCall> for Runtime
where
	crate::RuntimeCall: From<LocalCall>,
{
	type Extrinsic = crate::UncheckedExtrinsic;
	type RuntimeCall = crate::RuntimeCall;
}

impl<LocalCall> frame_system::offchain::CreateTransaction<LocalCall> for Runtime
where
	crate::RuntimeCall: From<LocalCall>,
{
	type Extension = crate::TxExtension;

	fn create_transaction(
		call: crate::RuntimeCall,
		extension: crate::TxExtension,
	) -> crate::UncheckedExtrinsic {
		crate::UncheckedExtrinsic::new_transaction(call, extension)
	}
}

impl<LocalCall> frame_system::offchain::CreateAuthorizedTransaction<LocalCall> for Runtime
where
	crate::RuntimeCall: From<LocalCall>,
{
	/// The extensions of an authorized transaction: no signer, so no nonce or fee; the
	/// authorization comes from `AuthorizeCall`.
	fn create_extension() -> crate::TxExtension {
		(
			frame_system::AuthorizeCall::<Runtime>::new(),
			frame_system::CheckNonZeroSender::<Runtime>::new(),
			frame_system::CheckSpecVersion::<Runtime>::new(),
			frame_system::CheckTxVersion::<Runtime>::new(),
			frame_system::CheckGenesis::<Runtime>::new(),
			frame_system::CheckEra::<Runtime>::from(sp_runtime::generic::Era::Immortal),
			frame_system::CheckNonce::<Runtime>::from(0),
			frame_system::CheckWeight::<Runtime>::new(),
			pallet_transaction_payment::ChargeTransactionPayment::<Runtime>::from(0),
			frame_metadata_hash_extension::CheckMetadataHash::<Runtime>::new(false),
			frame_system::WeightReclaim::<Runtime>::new(),
		)
	}
}

//! Runtime API of `pallet-billing-elections`: what wallets, explorers and the `spacebook` CLI
//! ask of the billing-peer elections.
//!
//! - [`BillingElectionsApi::election`]: the era, the method, the set and its backups.
//! - [`BillingElectionsApi::candidates`]: the eligible candidates with their backing, seat and
//!   projected rank.
//! - [`BillingElectionsApi::voter`]: a voter's votes, unbonding SPB and locks.
//! - [`BillingElectionsApi::projected`]: the next era's set if the votes were counted now.
#![cfg_attr(not(feature = "std"), no_std)]
#![warn(missing_docs)]

extern crate alloc;

use alloc::vec::Vec;
use codec::Codec;
pub use spacebook_billing_elections_primitives::{
	CandidateView, ElectionMethod, ElectionView, EraOutcome, Projection, Seat, VoterView,
};

sp_api::decl_runtime_apis! {
	/// Billing-peer elections.
	pub trait BillingElectionsApi<AccountId, BillingKey, BlockNumber>
	where
		AccountId: Codec,
		BillingKey: Codec,
		BlockNumber: Codec,
	{
		/// The era, the method, the set and its backups.
		fn election() -> ElectionView<AccountId, BillingKey, BlockNumber>;
		/// The eligible candidates, most backed first.
		fn candidates() -> Vec<CandidateView<AccountId, BillingKey>>;
		/// `who`'s votes and locks.
		fn voter(who: AccountId) -> VoterView<AccountId, BlockNumber>;
		/// The next era's set if the votes were counted now.
		fn projected() -> Projection<AccountId>;
	}
}

//! `pallet_authorship`: who packed each block, for explorers and wallets (issue 20). The packer
//! is the billing peer whose Gosig key signed the block's pre-runtime digest; the runtime also
//! writes its account into the header, where `@polkadot/api`'s `derive.chain` finds it without
//! a custom type bundle (docs/rpc.md, "Block authors"; docs/decisions.md).

use crate::{AccountId, BlockNumber, Runtime};
use codec::Encode;
use frame_support::traits::FindAuthor;
use sp_runtime::{ConsensusEngineId, DigestItem};

/// The engine id of the header's author item: `Consensus(*b"pow_", packer's account)`.
///
/// `@polkadot/api` reads a block's author from an Aura or BABE digest with a session pallet's
/// validators, or from a `pow_` or `nmbs` digest whose bytes are the author's account; Spacebook
/// has no Aura, BABE nor session pallet. `pow_` is sc-consensus-pow's id, whose pre-runtime
/// digest is the author itself: the nearest meaning, and what explorers already decode.
pub const AUTHOR_ENGINE_ID: ConsensusEngineId = *b"pow_";

/// The packer of a Gosig block: the billing-peer candidate that registered the Gosig key at the
/// pre-digest's index in the authority set, or, for a genesis billing peer without a
/// candidacy, the account of the key itself (as Aura chains show a block's author).
pub struct GosigPacker;
impl FindAuthor<AccountId> for GosigPacker {
	fn find_author<'a, I>(digests: I) -> Option<AccountId>
	where
		I: 'a + IntoIterator<Item = (ConsensusEngineId, &'a [u8])>,
	{
		let index = <pallet_gosig::Pallet<Runtime> as FindAuthor<u32>>::find_author(digests)?;
		let key = pallet_gosig::Authorities::<Runtime>::get().get(index as usize)?.clone();
		pallet_peers::BillingKeyOwner::<Runtime>::get(&key).or_else(|| {
			let public: &sp_core::sr25519::Public = key.as_ref();
			let raw: &[u8] = public.as_ref();
			Some(AccountId::new(raw.try_into().ok()?))
		})
	}
}

/// Writes the packer's account into the header as `Consensus(AUTHOR_ENGINE_ID, account)` when
/// the block begins. The runtime computes it from the Gosig pre-digest and the state, and every
/// importing node recomputes the header's digest and compares (`frame_executive`'s final
/// checks), so a packer cannot name another author.
pub struct AuthorInHeader;
impl pallet_authorship::EventHandler<AccountId, BlockNumber> for AuthorInHeader {
	fn note_author(author: AccountId) {
		frame_system::Pallet::<Runtime>::deposit_log(DigestItem::Consensus(
			AUTHOR_ENGINE_ID,
			author.encode(),
		));
	}
}

impl pallet_authorship::Config for Runtime {
	type FindAuthor = GosigPacker;
	type EventHandler = AuthorInHeader;
}

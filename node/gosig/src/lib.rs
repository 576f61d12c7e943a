//! # Gosig on Substrate: the engine's glue
//!
//! Billing peers run Gosig (see `gosig-core` for the protocol, its terms and its safety argument).
//! This crate wires the round state machine into a Substrate node:
//!
//! - [`start_gosig`] ([`worker`](crate::worker)): the task every node runs. Each round
//!   (`timestamp / round duration`, read from the runtime's [`GosigApi`]) a billing peer evaluates
//!   its sr25519 VRF on `(epoch randomness, round)`; if the output is under the runtime's proposer
//!   threshold it proposes: it re-proposes the block it is locked on with the lock's prepare
//!   certificate, or packs a new block on the last finalized block through
//!   `sc-basic-authorship` (round and VRF proof in a pre-runtime digest, sealed with its `gosg`
//!   key). Proposals, prepare and tentative-commit votes, locks and justifications travel over
//!   the Gosig notification protocol ([`gossip`]); a quorum of tentative commits finalizes the
//!   block with a [`GosigJustification`]. Votes and the lock are persisted in aux storage before
//!   they leave the node. Nodes without a billing-peer key observe: they count votes and
//!   finalize, but never vote.
//! - [`import_queue`]: verification of blocks from the network or from `import-blocks`: the
//!   pre-digest, the author's membership in the authority set, the VRF proof and election, the
//!   seal, and any Gosig justification (a block with a valid one is imported as final).
#![warn(missing_docs)]

use std::{
	marker::PhantomData,
	sync::Arc,
	time::{Duration, SystemTime, UNIX_EPOCH},
};

use codec::Decode;
use log::debug;
use sc_consensus::{BlockImport, BlockImportParams, BoxBlockImport, ForkChoiceStrategy, Verifier};
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use sp_core::{crypto::ByteArray, sr25519};
use sp_keystore::KeystorePtr;
use sp_runtime::{
	generic::DigestItem,
	traits::{Block as BlockT, Header as HeaderT, NumberFor},
	Justifications,
};
use spacebook_gosig_primitives::{
	is_elected, priority, vrf_sign_data, AuthorityId, AuthorityIndex, AuthoritySignature, GosigApi,
	GosigConfiguration, GosigJustification, PreDigest, Round, GOSIG_ENGINE_ID, KEY_TYPE,
};

pub(crate) const LOG_TARGET: &str = "gosig";

/// How many rounds ahead of this node's clock a block's round may be before it is refused.
pub const MAX_ROUND_DRIFT: Round = 2;

/// What can go wrong while checking a Gosig block.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Error {
	/// The header has no Gosig pre-runtime digest.
	#[error("the header has no Gosig pre-runtime digest")]
	NoPreDigest,
	/// The header has more than one Gosig pre-runtime digest.
	#[error("the header has more than one Gosig pre-runtime digest")]
	MultiplePreDigests,
	/// The pre-runtime digest does not decode.
	#[error("the Gosig pre-runtime digest does not decode")]
	BadPreDigest,
	/// The last digest item is not a Gosig seal.
	#[error("the header is not sealed by Gosig")]
	NoSeal,
	/// The seal does not decode as a signature.
	#[error("the Gosig seal does not decode")]
	BadSeal,
	/// The seal's signature is not the author's.
	#[error("the seal is not signed by the billing peer {0}")]
	BadSealSignature(AuthorityIndex),
	/// The author index is outside the authority set.
	#[error("author index {0} is not in the authority set of {1} billing peers")]
	UnknownAuthor(AuthorityIndex, usize),
	/// The VRF proof does not verify.
	#[error("the VRF proof of billing peer {0} for round {1} does not verify")]
	BadVrfProof(AuthorityIndex, Round),
	/// The VRF output is not under the threshold.
	#[error("billing peer {0} was not elected in round {1}")]
	NotElected(AuthorityIndex, Round),
	/// The block's round is too far ahead of this node's clock.
	#[error("round {0} is ahead of this node's round {1}")]
	FutureRound(Round, Round),
	/// The justification is invalid.
	#[error("invalid Gosig justification: {0:?}")]
	BadJustification(spacebook_gosig_primitives::JustificationError),
	/// The justification does not decode.
	#[error("the Gosig justification does not decode")]
	UndecodableJustification,
	/// The block is not known here.
	#[error("the block is not known")]
	UnknownBlock,
	/// The runtime could not be asked.
	#[error("runtime API error: {0}")]
	RuntimeApi(String),
}

/// The Gosig pre-digest of a header.
pub fn find_pre_digest<H: HeaderT>(header: &H) -> Result<PreDigest, Error> {
	let mut found = None;
	for log in header.digest().logs() {
		if let Some(data) = log.pre_runtime_try_to::<PreDigest>(&GOSIG_ENGINE_ID) {
			if found.is_some() {
				return Err(Error::MultiplePreDigests);
			}
			found = Some(data);
		} else if let DigestItem::PreRuntime(id, _) = log {
			if *id == GOSIG_ENGINE_ID {
				return Err(Error::BadPreDigest);
			}
		}
	}
	found.ok_or(Error::NoPreDigest)
}

/// The round at `time`.
pub fn round_at(time: Duration, round_duration_ms: u64) -> Round {
	(time.as_millis() / round_duration_ms.max(1) as u128) as Round
}

pub(crate) fn now() -> Duration {
	SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default()
}

/// The first block each packer sealed in each recent round, by `(round, packer)`: evidence if it
/// seals another.
pub type SealedBlocksSeen<Hash> = std::collections::BTreeMap<
	(Round, AuthorityIndex),
	(Hash, spacebook_gosig_primitives::SealedHeader),
>;

/// Whether a proposal's signed `parent` and `number` are those of its block's `header`: the
/// state machine prepares a proposal as a child of the voter's finalized head on the word of
/// the payload, so the worker feeds it only a proposal whose payload tells the truth.
pub fn proposal_matches_block<H: HeaderT>(
	header: &H,
	parent: &H::Hash,
	number: &<H as HeaderT>::Number,
) -> bool {
	header.parent_hash() == parent && header.number() == number
}

/// Note a block imported here. Returns the first block its packer sealed in its round and this
/// one if they differ: two blocks packed in one round, which the node reports as an
/// equivocation (issue 14, finding 10). A block without a Gosig pre-digest and seal is ignored.
pub fn note_sealed_block<H: HeaderT>(
	seen: &mut SealedBlocksSeen<H::Hash>,
	header: &H,
) -> Option<(spacebook_gosig_primitives::SealedHeader, spacebook_gosig_primitives::SealedHeader)> {
	let pre = find_pre_digest(header).ok()?;
	let sealed = spacebook_gosig_primitives::SealedHeader::of(header)?;
	let hash = header.hash();
	match seen.get(&(pre.round, pre.authority_index)) {
		Some((first_hash, first)) if *first_hash != hash => Some((first.clone(), sealed)),
		Some(_) => None,
		None => {
			seen.insert((pre.round, pre.authority_index), (hash, sealed));
			None
		}
	}
}

/// Check a header packed by a billing peer against the configuration read at its parent.
///
/// Removes the seal from `header` and returns it with the pre-digest and the author's VRF
/// priority.
pub fn check_header<H: HeaderT>(
	header: &mut H,
	config: &GosigConfiguration,
	now_round: Round,
) -> Result<(PreDigest, DigestItem, u128), Error> {
	let seal = header.digest_mut().pop().ok_or(Error::NoSeal)?;
	let signature = match seal.as_seal() {
		Some((id, data)) if id == GOSIG_ENGINE_ID => {
			AuthoritySignature::decode(&mut &data[..]).map_err(|_| Error::BadSeal)?
		}
		_ => {
			header.digest_mut().push(seal);
			return Err(Error::NoSeal);
		}
	};
	let pre = find_pre_digest(header)?;
	if pre.round > now_round.saturating_add(MAX_ROUND_DRIFT) {
		return Err(Error::FutureRound(pre.round, now_round));
	}
	let author = config
		.authorities
		.get(pre.authority_index as usize)
		.ok_or(Error::UnknownAuthor(pre.authority_index, config.authorities.len()))?;
	let pre_hash = header.hash();
	if !sp_runtime::RuntimeAppPublic::verify(author, &pre_hash.as_ref(), &signature) {
		return Err(Error::BadSealSignature(pre.authority_index));
	}
	let author_sr: &sr25519::Public = author.as_ref();
	if !sp_core::crypto::VrfPublic::vrf_verify(
		author_sr,
		&vrf_sign_data(&config.randomness, pre.round),
		&pre.vrf_signature,
	) {
		return Err(Error::BadVrfProof(pre.authority_index, pre.round));
	}
	let prio = priority(author, &config.randomness, pre.round, &pre.vrf_signature)
		.ok_or(Error::BadVrfProof(pre.authority_index, pre.round))?;
	if !is_elected(prio, config.proposer_threshold) {
		return Err(Error::NotElected(pre.authority_index, pre.round));
	}
	Ok((pre, seal, prio))
}

/// Verifies Gosig blocks before import.
pub struct GosigVerifier<C, B: BlockT> {
	client: Arc<C>,
	genesis_hash: B::Hash,
}

impl<C: HeaderBackend<B>, B: BlockT> GosigVerifier<C, B> {
	/// A verifier reading the runtime through `client`.
	pub fn new(client: Arc<C>) -> Self {
		let genesis_hash = client.info().genesis_hash;
		Self { client, genesis_hash }
	}
}

pub(crate) fn configuration_at<C, B>(client: &C, at: B::Hash) -> Result<GosigConfiguration, Error>
where
	B: BlockT,
	C: ProvideRuntimeApi<B>,
	C::Api: GosigApi<B>,
{
	client.runtime_api().configuration(at).map_err(|e| Error::RuntimeApi(e.to_string()))
}

/// Check the Gosig justification in `justifications`, if any, for `(hash, number)` under
/// `config` on the chain of `genesis_hash`. `Ok(true)` when a valid one is present.
pub fn check_justification<B: BlockT>(
	justifications: Option<&Justifications>,
	hash: B::Hash,
	number: NumberFor<B>,
	config: &GosigConfiguration,
	genesis_hash: &B::Hash,
) -> Result<bool, Error> {
	let Some(encoded) = justifications.and_then(|j| j.get(GOSIG_ENGINE_ID)) else {
		return Ok(false);
	};
	let justification = GosigJustification::<B::Hash, NumberFor<B>>::decode(&mut &encoded[..])
		.map_err(|_| Error::UndecodableJustification)?;
	justification
		.verify(&hash, &number, config.set_id, genesis_hash, &config.authorities)
		.map_err(Error::BadJustification)?;
	Ok(true)
}

#[async_trait::async_trait]
impl<C, B> Verifier<B> for GosigVerifier<C, B>
where
	B: BlockT,
	C: ProvideRuntimeApi<B> + Send + Sync + 'static,
	C::Api: GosigApi<B>,
{
	async fn verify(
		&self,
		mut block: BlockImportParams<B>,
	) -> Result<BlockImportParams<B>, String> {
		// Blocks already in the chain (for example re-imported on restart) need no check.
		if block.with_state() || block.state_action.skip_execution_checks() {
			block.fork_choice = Some(ForkChoiceStrategy::LongestChain);
			return Ok(block);
		}
		let parent = *block.header.parent_hash();
		let config = configuration_at::<C, B>(&self.client, parent).map_err(|e| e.to_string())?;
		let mut header = block.header.clone();
		let (pre, seal, _) =
			check_header(&mut header, &config, round_at(now(), config.round_duration_ms))
				.map_err(|e| format!("block {:?}: {e}", block.header.hash()))?;
		let hash = block.header.hash();
		let number = *header.number();
		if check_justification::<B>(
			block.justifications.as_ref(),
			hash,
			number,
			&config,
			&self.genesis_hash,
		)
		.map_err(|e| format!("block {hash:?}: {e}"))?
		{
			block.finalized = true;
		}
		debug!(target: LOG_TARGET, "verified block #{number} {hash:?} of round {} by billing peer {}", pre.round, pre.authority_index);
		block.header = header;
		block.post_digests.push(seal);
		block.post_hash = Some(hash);
		block.fork_choice = Some(ForkChoiceStrategy::LongestChain);
		Ok(block)
	}
}

/// The import queue of a Gosig node: [`GosigVerifier`] in front of the client, and
/// [`GosigJustificationImport`] for the justifications sync fetches on request.
pub fn import_queue<C, B, BE, I>(
	client: Arc<C>,
	block_import: I,
	spawner: &impl sp_core::traits::SpawnEssentialNamed,
	registry: Option<&substrate_prometheus_endpoint::Registry>,
) -> sc_consensus::DefaultImportQueue<B>
where
	B: BlockT,
	BE: sc_client_api::Backend<B> + 'static,
	C: ProvideRuntimeApi<B>
		+ HeaderBackend<B>
		+ sc_client_api::Finalizer<B, BE>
		+ Send
		+ Sync
		+ 'static,
	C::Api: GosigApi<B>,
	I: BlockImport<B, Error = sp_consensus::Error> + Send + Sync + 'static,
{
	let verifier = GosigVerifier::<C, B>::new(client.clone());
	let block_import: BoxBlockImport<B> = Box::new(block_import);
	let justification_import: sc_consensus::BoxJustificationImport<B> =
		Box::new(GosigJustificationImport::<C, B, BE> { client, _phantom: PhantomData });
	sc_consensus::BasicQueue::new(
		verifier,
		block_import,
		Some(justification_import),
		spawner,
		registry,
	)
}

/// Imports the Gosig justifications that sync fetches when the Gosig worker asks for them (a
/// node whose finalized head lags its best block, e.g. after a restart, when gossip alone did
/// not bring finality): checks the signatures against the authority set at the block's parent
/// and finalizes the block.
pub struct GosigJustificationImport<C, B, BE> {
	client: Arc<C>,
	_phantom: PhantomData<(B, BE)>,
}

#[async_trait::async_trait]
impl<C, B, BE> sc_consensus::JustificationImport<B> for GosigJustificationImport<C, B, BE>
where
	B: BlockT,
	BE: sc_client_api::Backend<B> + 'static,
	C: ProvideRuntimeApi<B> + HeaderBackend<B> + sc_client_api::Finalizer<B, BE> + Send + Sync,
	C::Api: GosigApi<B>,
{
	type Error = sp_consensus::Error;

	async fn on_start(&mut self) -> Vec<(B::Hash, NumberFor<B>)> {
		Vec::new()
	}

	async fn import_justification(
		&mut self,
		hash: B::Hash,
		number: NumberFor<B>,
		justification: sp_runtime::Justification,
	) -> Result<(), Self::Error> {
		let refuse = |why: String| sp_consensus::Error::ClientImport(why);
		let (engine, encoded) = justification;
		if engine != GOSIG_ENGINE_ID {
			return Err(refuse(format!("not a Gosig justification: {engine:?}")));
		}
		let decoded = GosigJustification::<B::Hash, NumberFor<B>>::decode(&mut &encoded[..])
			.map_err(|_| refuse(Error::UndecodableJustification.to_string()))?;
		if decoded.block_hash != hash || decoded.block_number != number {
			return Err(refuse(format!("the justification is not for #{number} {hash:?}")));
		}
		check_justification_signatures::<C, B>(&*self.client, &decoded)
			.map_err(|e| refuse(e.to_string()))?;
		if number <= self.client.info().finalized_number {
			return Ok(());
		}
		self.client
			.finalize_block(hash, Some((GOSIG_ENGINE_ID, encoded)), true)
			.map_err(|e| refuse(e.to_string()))?;
		log::info!(target: LOG_TARGET, "✅ Finalized #{number} {hash:?} by a requested justification");
		Ok(())
	}
}

/// The billing peer's key among `authorities`, if this node holds one.
pub fn local_authority(
	keystore: &KeystorePtr,
	authorities: &[AuthorityId],
) -> Option<(AuthorityIndex, AuthorityId)> {
	authorities.iter().enumerate().find_map(|(i, id)| {
		keystore.has_keys(&[(id.to_raw_vec(), KEY_TYPE)]).then(|| (i as AuthorityIndex, id.clone()))
	})
}

/// Check a justification's signatures against the authority set at its block's parent (the set
/// that voted on the block).
pub fn check_justification_signatures<C, B>(
	client: &C,
	justification: &GosigJustification<B::Hash, NumberFor<B>>,
) -> Result<(), Error>
where
	B: BlockT,
	C: ProvideRuntimeApi<B> + HeaderBackend<B>,
	C::Api: GosigApi<B>,
{
	let header = client
		.header(justification.block_hash)
		.map_err(|e| Error::RuntimeApi(e.to_string()))?
		.ok_or(Error::UnknownBlock)?;
	let config = configuration_at::<C, B>(client, *header.parent_hash())?;
	justification
		.verify(
			&justification.block_hash,
			&justification.block_number,
			config.set_id,
			&client.info().genesis_hash,
			&config.authorities,
		)
		.map_err(Error::BadJustification)
}

mod aux_schema;
pub mod gossip;
mod metrics;
pub mod round_state;
mod worker;

pub use round_state::{LockView, RoundStateView, SharedRoundState};
pub use worker::{start_gosig, GosigParams, MAX_BOUNDED_AUTHORITIES};

#[cfg(test)]
mod gossip_tests;
#[cfg(test)]
mod tests;

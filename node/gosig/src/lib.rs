//! # Gosig on Substrate: the engine's glue
//!
//! Billing peers run Gosig (see `gosig-core` for the protocol and its terms). This crate wires
//! the round state machine into a Substrate node:
//!
//! - [`start_gosig`]: the authoring worker. Every round (`timestamp / round duration`, read from
//!   the runtime's [`GosigApi`]) a billing peer evaluates its sr25519 VRF on
//!   `(epoch randomness, round)`; if the output is under the runtime's proposer threshold it packs
//!   a block on the last finalized block through `sc-basic-authorship`, puts the round and VRF
//!   proof in a pre-runtime digest, seals the header with its `gosg` key and imports it. When the
//!   proposal stage of the round ends it hands the best proposal to the state machine, signs the
//!   prepare and tentative-commit votes the machine asks for and, once a quorum of tentative
//!   commits is counted, finalizes the block with a [`GosigJustification`].
//! - [`import_queue`]: verification of blocks from the network or from `import-blocks`: the
//!   pre-digest, the author's membership in the authority set, the VRF proof and election, the
//!   seal, and any Gosig justification (a block with a valid one is imported as final).
//!
//! Vote gossip among several billing peers is the next step (see docs/gosig.md); until then the
//! worker delivers its own votes to its own state machine, which counts them exactly as it will
//! count the votes of `n` peers, so a chain with one billing peer finalizes every block it packs.
#![warn(missing_docs)]

use std::{
	collections::HashMap,
	marker::PhantomData,
	sync::Arc,
	time::{Duration, SystemTime, UNIX_EPOCH},
};

use codec::{Decode, Encode};
use gosig_core::{Output, Proposal, Vote, Voter};
use log::{debug, info, warn};
use sc_client_api::Finalizer;
use sc_consensus::{
	BlockImport, BlockImportParams, BoxBlockImport, ForkChoiceStrategy, StateAction,
	StorageChanges, Verifier,
};
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use sp_consensus::{BlockOrigin, Environment, ProposeArgs, Proposer, SyncOracle};
use sp_core::{crypto::ByteArray, sr25519};
use sp_inherents::InherentDataProvider;
use sp_keystore::KeystorePtr;
use sp_runtime::{
	generic::DigestItem,
	traits::{Block as BlockT, Header as HeaderT, NumberFor},
	Digest, Justifications,
};
use spacebook_gosig_primitives::{
	is_elected, priority, vrf_sign_data, AuthorityId, AuthorityIndex, AuthoritySignature, GosigApi,
	GosigConfiguration, GosigJustification, PreDigest, Round, VotePayload, GOSIG_ENGINE_ID,
	KEY_TYPE,
};

const LOG_TARGET: &str = "gosig";

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

fn now() -> Duration {
	SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default()
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
pub struct GosigVerifier<C, B> {
	client: Arc<C>,
	_block: PhantomData<B>,
}

impl<C, B> GosigVerifier<C, B> {
	/// A verifier reading the runtime through `client`.
	pub fn new(client: Arc<C>) -> Self {
		Self { client, _block: PhantomData }
	}
}

fn configuration_at<C, B>(client: &C, at: B::Hash) -> Result<GosigConfiguration, Error>
where
	B: BlockT,
	C: ProvideRuntimeApi<B>,
	C::Api: GosigApi<B>,
{
	client.runtime_api().configuration(at).map_err(|e| Error::RuntimeApi(e.to_string()))
}

/// Check the Gosig justification in `justifications`, if any, for `(hash, number)` under
/// `config`. `Ok(true)` when a valid one is present.
pub fn check_justification<B: BlockT>(
	justifications: Option<&Justifications>,
	hash: B::Hash,
	number: NumberFor<B>,
	config: &GosigConfiguration,
) -> Result<bool, Error> {
	let Some(encoded) = justifications.and_then(|j| j.get(GOSIG_ENGINE_ID)) else {
		return Ok(false);
	};
	let justification = GosigJustification::<B::Hash, NumberFor<B>>::decode(&mut &encoded[..])
		.map_err(|_| Error::UndecodableJustification)?;
	justification
		.verify(&hash, &number, config.set_id, &config.authorities)
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
		if check_justification::<B>(block.justifications.as_ref(), hash, number, &config)
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

/// The import queue of a Gosig node: [`GosigVerifier`] in front of the client.
pub fn import_queue<C, B, I>(
	client: Arc<C>,
	block_import: I,
	spawner: &impl sp_core::traits::SpawnEssentialNamed,
	registry: Option<&substrate_prometheus_endpoint::Registry>,
) -> sc_consensus::DefaultImportQueue<B>
where
	B: BlockT,
	C: ProvideRuntimeApi<B> + Send + Sync + 'static,
	C::Api: GosigApi<B>,
	I: BlockImport<B, Error = sp_consensus::Error> + Send + Sync + 'static,
{
	let verifier = GosigVerifier::<C, B>::new(client);
	let block_import: BoxBlockImport<B> = Box::new(block_import);
	sc_consensus::BasicQueue::new(verifier, block_import, None, spawner, registry)
}

/// What [`start_gosig`] needs.
pub struct GosigParams<C, I, PF, SO> {
	/// The client: runtime API, headers, finality.
	pub client: Arc<C>,
	/// Where the worker imports the blocks it packs.
	pub block_import: I,
	/// Builds blocks.
	pub proposer_factory: PF,
	/// Holds the billing peer's `gosg` key.
	pub keystore: KeystorePtr,
	/// Tells whether the node is still syncing (then it does not author).
	pub sync_oracle: SO,
}

/// The Gosig worker of a billing peer; runs until the node stops.
///
/// Each round: wait for the round to start, read the configuration at the last finalized block,
/// pack a block if elected, end the proposal stage a third of a round later, then vote and
/// finalize as the state machine directs.
pub async fn start_gosig<B, BE, C, I, PF, SO>(params: GosigParams<C, I, PF, SO>)
where
	B: BlockT,
	BE: sc_client_api::Backend<B>,
	C: ProvideRuntimeApi<B> + HeaderBackend<B> + Finalizer<B, BE> + Send + Sync + 'static,
	C::Api: GosigApi<B>,
	I: BlockImport<B> + Send + Sync,
	PF: Environment<B> + Send,
	SO: SyncOracle + Send + Sync,
{
	let GosigParams { client, block_import, mut proposer_factory, keystore, sync_oracle } = params;
	let mut last_round: Round = 0;
	info!(target: LOG_TARGET, "🗳  Gosig worker started");
	loop {
		let finalized = client.info().finalized_hash;
		let config = match configuration_at::<C, B>(&client, finalized) {
			Ok(c) => c,
			Err(e) => {
				warn!(target: LOG_TARGET, "cannot read the Gosig configuration: {e}");
				futures_timer::Delay::new(Duration::from_secs(1)).await;
				continue;
			}
		};
		let round_ms = config.round_duration_ms.max(1);
		// Sleep until the next round starts.
		let now = now();
		let round = round_at(now, round_ms).max(last_round) + 1;
		let start = Duration::from_millis(round * round_ms);
		futures_timer::Delay::new(start.saturating_sub(now)).await;
		last_round = round;
		if sync_oracle.is_major_syncing() {
			debug!(target: LOG_TARGET, "round {round}: syncing, not authoring");
			continue;
		}
		let mut ctx = RoundContext {
			client: &*client,
			block_import: &block_import,
			keystore: &keystore,
			round,
			round_ms,
			_phantom: PhantomData::<(B, BE)>,
		};
		if let Err(e) = ctx.run(&mut proposer_factory).await {
			warn!(target: LOG_TARGET, "round {round}: {e}");
		}
	}
}

struct RoundContext<'a, B, BE, C, I> {
	client: &'a C,
	block_import: &'a I,
	keystore: &'a KeystorePtr,
	round: Round,
	round_ms: u64,
	_phantom: PhantomData<(B, BE)>,
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

impl<'a, B, BE, C, I> RoundContext<'a, B, BE, C, I>
where
	B: BlockT,
	BE: sc_client_api::Backend<B>,
	C: ProvideRuntimeApi<B> + HeaderBackend<B> + Finalizer<B, BE>,
	C::Api: GosigApi<B>,
	I: BlockImport<B>,
{
	async fn run<PF: Environment<B>>(&mut self, proposer_factory: &mut PF) -> Result<(), String> {
		let round = self.round;
		let parent_hash = self.client.info().finalized_hash;
		let parent = self
			.client
			.header(parent_hash)
			.map_err(|e| e.to_string())?
			.ok_or_else(|| format!("finalized header {parent_hash:?} not found"))?;
		let config =
			configuration_at::<C, B>(self.client, parent_hash).map_err(|e| e.to_string())?;
		let Some((me, my_id)) = local_authority(self.keystore, &config.authorities) else {
			debug!(target: LOG_TARGET, "round {round}: no billing-peer key in the keystore");
			return Ok(());
		};
		let n = config.authorities.len();
		let mut voter = Voter::<B::Hash, AuthoritySignature>::new(n, Some(me), round);
		let mut numbers: HashMap<B::Hash, NumberFor<B>> = HashMap::new();

		// Proposal stage: pack a block if elected.
		let stage_end = Duration::from_millis(round * self.round_ms + self.round_ms / 3);
		if let Some((hash, number, prio)) =
			self.propose(proposer_factory, &parent, &config, me, &my_id, stage_end).await?
		{
			numbers.insert(hash, number);
			voter.on_proposal(
				round,
				Proposal { block: hash, priority: prio, proposer: me, certificate_round: None },
			);
		}
		futures_timer::Delay::new(stage_end.saturating_sub(now())).await;

		// Signature stage.
		let mut pending = voter.end_proposal_stage(round);
		while let Some(output) = pending.pop() {
			match output {
				Output::Vote { kind, round, block } => {
					let number = *numbers.get(&block).ok_or("vote for an unknown block")?;
					let payload = VotePayload::new(kind, round, block, number, config.set_id);
					let signature = self.sign(&my_id, &payload.signing_bytes())?;
					let vote = Vote { kind, round, block, voter: me, signature };
					match voter.on_vote(vote) {
						Ok(more) => pending.extend(more),
						Err(e) => warn!(target: LOG_TARGET, "own vote rejected: {e:?}"),
					}
				}
				Output::Commit { round, block, certificate } => {
					let number = *numbers.get(&block).ok_or("commit of an unknown block")?;
					let justification = GosigJustification {
						round,
						block_hash: block,
						block_number: number,
						set_id: config.set_id,
						commits: certificate,
					};
					self.client
						.finalize_block(
							block,
							Some((GOSIG_ENGINE_ID, justification.encode())),
							true,
						)
						.map_err(|e| format!("cannot finalize {block:?}: {e}"))?;
					debug!(target: LOG_TARGET, "round {round}: finalized #{number} {block:?}");
				}
				Output::Equivocation { voter, kind, round, .. } => warn!(
					target: LOG_TARGET,
					"billing peer {voter} equivocated on {kind:?} in round {round}"
				),
			}
		}
		Ok(())
	}

	fn sign(&self, id: &AuthorityId, message: &[u8]) -> Result<AuthoritySignature, String> {
		self.keystore
			.sr25519_sign(KEY_TYPE, id.as_ref(), message)
			.map_err(|e| e.to_string())?
			.map(Into::into)
			.ok_or_else(|| "the billing-peer key left the keystore".to_string())
	}

	async fn propose<PF: Environment<B>>(
		&self,
		proposer_factory: &mut PF,
		parent: &B::Header,
		config: &GosigConfiguration,
		me: AuthorityIndex,
		my_id: &AuthorityId,
		stage_end: Duration,
	) -> Result<Option<(B::Hash, NumberFor<B>, u128)>, String> {
		let round = self.round;
		let vrf_signature = self
			.keystore
			.sr25519_vrf_sign(KEY_TYPE, my_id.as_ref(), &vrf_sign_data(&config.randomness, round))
			.map_err(|e| e.to_string())?
			.ok_or("the billing-peer key left the keystore")?;
		let prio = priority(my_id, &config.randomness, round, &vrf_signature)
			.ok_or("own VRF output does not verify")?;
		if !is_elected(prio, config.proposer_threshold) {
			debug!(target: LOG_TARGET, "round {round}: not elected");
			return Ok(None);
		}

		let proposer = proposer_factory.init(parent).await.map_err(|e| e.to_string())?;
		// The block's time is the start of its round, so that the runtime's round check holds.
		let timestamp = sp_timestamp::InherentDataProvider::new(sp_timestamp::Timestamp::new(
			round * self.round_ms,
		));
		let inherent_data = timestamp.create_inherent_data().await.map_err(|e| e.to_string())?;
		let pre = PreDigest { round, authority_index: me, vrf_signature };
		let inherent_digests =
			Digest { logs: vec![DigestItem::PreRuntime(GOSIG_ENGINE_ID, pre.encode())] };
		let max_duration =
			stage_end.saturating_sub(now()).saturating_sub(Duration::from_millis(100));
		let proposal = proposer
			.propose(ProposeArgs {
				inherent_data,
				inherent_digests,
				max_duration,
				block_size_limit: None,
				..Default::default()
			})
			.await
			.map_err(|e| e.to_string())?;

		let (mut header, body) = proposal.block.deconstruct();
		let pre_hash = header.hash();
		let seal_signature = self.sign(my_id, pre_hash.as_ref())?;
		let seal = DigestItem::Seal(GOSIG_ENGINE_ID, seal_signature.encode());
		header.digest_mut().push(seal.clone());
		let hash = header.hash();
		header.digest_mut().pop();
		let number = *header.number();

		let mut import = BlockImportParams::new(BlockOrigin::Own, header);
		import.post_digests.push(seal);
		import.body = Some(body);
		import.state_action =
			StateAction::ApplyChanges(StorageChanges::Changes(proposal.storage_changes));
		import.fork_choice = Some(ForkChoiceStrategy::LongestChain);
		import.post_hash = Some(hash);
		self.block_import.import_block(import).await.map_err(|e| e.to_string())?;
		info!(
			target: LOG_TARGET,
			"🎁 Packed block #{number} ({hash:?}) in round {round} as billing peer {me}"
		);
		Ok(Some((hash, number, prio)))
	}
}

#[cfg(test)]
mod tests;

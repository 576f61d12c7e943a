//! `gosig_*` JSON-RPC methods: what GRANDPA's `grandpa_*` methods are to a GRANDPA chain.
//!
//! - `gosig_roundState`: this node's view of the Gosig rounds — the authority set, the current
//!   round, who proposed, prepared and tentatively committed which block in the rounds still
//!   open, and the finalized head (on its own RPC also which billing peer it is and its lock).
//! - `gosig_subscribeJustifications`: the justification of each block finalized from now on,
//!   for explorers and bridges, read once per block and shared by every subscriber
//!   ([`JustificationFeed`]).
//! - `gosig_proveFinality(number)`: a justification and the headers that link it to a finalized
//!   block, which a light client checks against the authority set it follows.
//!
//! Every method only reads, so they are safe on a public RPC. See `docs/rpc.md` for examples and
//! how a light client checks a proof.

use codec::Encode;
use futures::{future::Either, StreamExt};
use jsonrpsee::{
	core::{RpcResult, SubscriptionResult},
	proc_macros::rpc,
	types::{error::ErrorCode, ErrorObjectOwned},
	Extensions, PendingSubscriptionSink, SubscriptionMessage, TrySendError,
};
use sc_client_api::{BlockBackend, BlockchainEvents};
use serde_json::{json, Value};
use sp_blockchain::HeaderBackend;
use sp_core::Bytes;
use sp_runtime::traits::{Block as BlockT, Header as HeaderT, NumberFor, SaturatedConversion};
use spacebook_gosig::{RoundStateView, SharedRoundState};
use spacebook_gosig_primitives::{ConsensusLog, GosigJustification, GOSIG_ENGINE_ID};
use std::{marker::PhantomData, sync::Arc};
use tokio::sync::broadcast;

/// How many blocks above the requested one `gosig_proveFinality` looks for a justification (a
/// block finalized implicitly, while its node caught up, has none of its own).
pub const MAX_PROOF_HEADERS: u32 = 512;

/// How many justifications the shared feed holds for its subscribers: one that falls further
/// behind, or whose connection's buffer is full, is dropped with [`SLOW_SUBSCRIBER`].
pub const FEED_CAPACITY: usize = 256;

/// What a subscriber that fell behind is told as its subscription ends.
const SLOW_SUBSCRIBER: &str =
	"the subscriber fell too far behind the finalized blocks; subscribe again";

/// The `gosig_*` methods.
#[rpc(server)]
pub trait GosigApi {
	/// This node's view of the Gosig rounds (see the module documentation). Which billing peer
	/// the node is (`me`) and its lock are shown only where unsafe methods are allowed (its own
	/// RPC): on a public RPC they would tell an attacker which validator answers there.
	#[method(name = "gosig_roundState", with_extensions)]
	fn round_state(&self) -> RpcResult<Value>;

	/// A proof that block `number` is final: a justification of it or of a block above it, and
	/// the SCALE-encoded headers from the block up to the justified one. Reads the database, so
	/// it runs on a blocking thread.
	#[method(name = "gosig_proveFinality", blocking)]
	fn prove_finality(&self, number: u32) -> RpcResult<Value>;

	/// The justification of every block finalized from now on.
	#[subscription(
		name = "gosig_subscribeJustifications" => "gosig_justifications",
		unsubscribe = "gosig_unsubscribeJustifications",
		item = Value
	)]
	async fn subscribe_justifications(&self) -> SubscriptionResult;
}

/// The `gosig_*` methods over a client, the worker's published round state and the shared
/// justification feed.
pub struct Gosig<B: BlockT, C> {
	client: Arc<C>,
	round_state: SharedRoundState<B::Hash>,
	feed: JustificationFeed,
	_block: PhantomData<B>,
}

impl<B: BlockT, C> Gosig<B, C> {
	/// Serve over `client`, the view the Gosig worker publishes in `round_state` and the
	/// justifications `feed` reads.
	pub fn new(
		client: Arc<C>,
		round_state: SharedRoundState<B::Hash>,
		feed: JustificationFeed,
	) -> Self {
		Gosig { client, round_state, feed, _block: PhantomData }
	}
}

/// The justifications of the blocks finalized from now on, each read from the database once
/// and shared by every `gosig_subscribeJustifications` subscription: a bounded broadcast, so a
/// subscriber cannot make the node hold more than [`FEED_CAPACITY`] of them.
#[derive(Clone)]
pub struct JustificationFeed(broadcast::Sender<Arc<Value>>);

impl Default for JustificationFeed {
	fn default() -> Self {
		Self(broadcast::channel(FEED_CAPACITY).0)
	}
}

impl JustificationFeed {
	/// Follow `client`'s finality until the node stops, sending each finalized block's
	/// justification while anyone subscribes: the blocks finalized together first, oldest
	/// first, at most the last [`FEED_CAPACITY`] of them (more would overflow every
	/// subscriber anyway).
	pub async fn run<B, C>(self, client: Arc<C>)
	where
		B: BlockT,
		C: BlockBackend<B> + BlockchainEvents<B>,
	{
		let mut finality = client.finality_notification_stream();
		while let Some(notification) = finality.next().await {
			if self.0.receiver_count() == 0 {
				continue;
			}
			let route = &notification.tree_route[..];
			let recent = &route[route.len().saturating_sub(FEED_CAPACITY - 1)..];
			for hash in recent.iter().chain(std::iter::once(&notification.hash)) {
				let item = stored_justification(&*client, *hash)
					.and_then(|encoded| justification_json::<B>(&encoded));
				if let Some(item) = item {
					let _ = self.0.send(Arc::new(item));
				}
			}
		}
	}
}

/// The Gosig justification stored with block `hash`, SCALE-encoded.
fn stored_justification<B: BlockT, C: BlockBackend<B>>(
	client: &C,
	hash: B::Hash,
) -> Option<Vec<u8>> {
	client.justifications(hash).ok().flatten().and_then(|j| j.into_justification(GOSIG_ENGINE_ID))
}

/// Whether `header` changes the authority set (a `ConsensusLog::AuthoritiesChange`).
fn changes_set<H: HeaderT>(header: &H) -> bool {
	header.digest().logs().iter().any(|log| {
		log.consensus_try_to::<ConsensusLog>(&GOSIG_ENGINE_ID)
			.is_some_and(|l| matches!(l, ConsensusLog::AuthoritiesChange { .. }))
	})
}

fn error(code: ErrorCode, message: String) -> ErrorObjectOwned {
	ErrorObjectOwned::owned(code.code(), message, None::<()>)
}

fn internal(e: impl std::fmt::Display) -> ErrorObjectOwned {
	error(ErrorCode::InternalError, e.to_string())
}

/// The JSON form of a round-state view; `private` adds which billing peer this node is and its
/// lock (`null` otherwise).
pub fn round_state_json<Hash: serde::Serialize>(
	view: &RoundStateView<Hash>,
	private: bool,
) -> Value {
	let voted = |votes: &[(u32, Hash)]| -> Vec<Value> {
		votes.iter().map(|(voter, block)| json!({ "voter": voter, "block": block })).collect()
	};
	json!({
		"setId": view.set_id,
		"authorities": view.authorities.iter().map(|a| Bytes(a.encode())).collect::<Vec<_>>(),
		"quorum": spacebook_gosig_primitives::quorum(view.authorities.len()),
		"me": if private { json!(view.me) } else { Value::Null },
		"round": view.round,
		"finalized": { "hash": view.finalized.0, "number": view.finalized.1 },
		"lock": view.lock.as_ref().filter(|_| private).map(|l| json!({
			"block": l.block, "height": l.height, "round": l.round,
		})),
		"rounds": view.rounds.iter().map(|r| json!({
			"round": r.round,
			"proposers": r.proposers,
			"proposalStageOver": r.proposal_stage_over,
			"prepares": voted(&r.prepares),
			"tentativeCommits": voted(&r.tentative_commits),
			"committed": r.committed,
		})).collect::<Vec<_>>(),
	})
}

/// Why no finality proof could be made.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
	/// Genesis needs none.
	#[error("the genesis block is final by definition; it has no justification")]
	Genesis,
	/// The block is above the finalized head.
	#[error("block #{number} is not final yet (the finalized head is #{finalized})")]
	NotFinal {
		/// The block asked for.
		number: u32,
		/// The finalized head.
		finalized: u32,
	},
	/// No justification in the blocks searched.
	#[error(
		"no justification is stored for #{number} or the {above} finalized blocks above it \
		 (finalized while this node caught up, or pruned); ask an archive node"
	)]
	NoJustification {
		/// The block asked for.
		number: u32,
		/// How many blocks above it were searched.
		above: u32,
	},
	/// A block on the way changes the authority set and has no justification here: the next
	/// justification is the new set's, which a light client following the old one cannot trust.
	#[error(
		"block #{0} changes the authority set and no justification of it is stored here; ask \
		 an archive node"
	)]
	SetChangeUnjustified(u32),
	/// The database failed.
	#[error("{0}")]
	Backend(String),
}

/// A finality proof of a block: the SCALE-encoded headers from it up to the first block at or
/// above it that has a justification, and that justification.
#[derive(Debug, PartialEq, Eq)]
pub struct FinalityProof {
	/// The headers, the requested block's first, the justified block's last.
	pub headers: Vec<Vec<u8>>,
	/// The justification of the last header's block, SCALE-encoded.
	pub justification: Vec<u8>,
}

/// A finalized block as a proof needs it: its encoded header, its justification if one is
/// stored, and whether it changes the authority set.
pub type ProofBlock = (Vec<u8>, Option<Vec<u8>>, bool);

/// The finality proof of block `number` on a chain finalized up to `finalized`, reading each
/// finalized block with `block`. Looks at most [`MAX_PROOF_HEADERS`] blocks from `number` up,
/// and never past a block that changes the authority set: the justification that ends a proof
/// is always by the set in force at the requested block's parent.
pub fn finality_proof(
	number: u32,
	finalized: u32,
	mut block: impl FnMut(u32) -> Result<ProofBlock, String>,
) -> Result<FinalityProof, ProofError> {
	if number == 0 {
		return Err(ProofError::Genesis);
	}
	if number > finalized {
		return Err(ProofError::NotFinal { number, finalized });
	}
	let last = finalized.min(number.saturating_add(MAX_PROOF_HEADERS - 1));
	let mut headers = Vec::new();
	for n in number..=last {
		let (header, justification, set_change) = block(n).map_err(ProofError::Backend)?;
		headers.push(header);
		if let Some(justification) = justification {
			return Ok(FinalityProof { headers, justification });
		}
		if set_change {
			return Err(ProofError::SetChangeUnjustified(n));
		}
	}
	Err(ProofError::NoJustification { number, above: last - number })
}

/// The JSON form of the justification `encoded` of a block.
fn justification_json<B: BlockT>(encoded: &[u8]) -> Option<Value> {
	let j = <GosigJustification<B::Hash, NumberFor<B>> as codec::Decode>::decode(&mut &encoded[..])
		.ok()?;
	let number: u64 = j.block_number.saturated_into();
	Some(json!({
		"blockHash": j.block_hash,
		"blockNumber": number,
		"round": j.round,
		"setId": j.set_id,
		"signers": j.commits.iter().map(|(i, _)| *i).collect::<Vec<_>>(),
		"justification": Bytes(encoded.to_vec()),
	}))
}

#[jsonrpsee::core::async_trait]
impl<B, C> GosigApiServer for Gosig<B, C>
where
	B: BlockT,
	C: HeaderBackend<B> + BlockBackend<B> + BlockchainEvents<B> + Send + Sync + 'static,
{
	fn round_state(&self, ext: &Extensions) -> RpcResult<Value> {
		let view = self.round_state.get().ok_or_else(|| {
			error(ErrorCode::InternalError, "the Gosig worker has not started yet".into())
		})?;
		let private = sc_rpc_api::check_if_safe(ext).is_ok();
		Ok(round_state_json(&view, private))
	}

	fn prove_finality(&self, number: u32) -> RpcResult<Value> {
		let finalized: u32 = self.client.info().finalized_number.saturated_into();
		let proof = finality_proof(number, finalized, |n| {
			let hash = self
				.client
				.hash(n.saturated_into())
				.map_err(|e| e.to_string())?
				.ok_or_else(|| format!("finalized block #{n} is not stored here"))?;
			let header = self
				.client
				.header(hash)
				.map_err(|e| e.to_string())?
				.ok_or_else(|| format!("the header of #{n} is not stored here"))?;
			let justification = stored_justification(&*self.client, hash);
			Ok((header.encode(), justification, changes_set(&header)))
		})
		.map_err(|e| {
			let code = match e {
				ProofError::Genesis | ProofError::NotFinal { .. } => ErrorCode::InvalidParams,
				_ => ErrorCode::InternalError,
			};
			error(code, e.to_string())
		})?;
		let mut json = justification_json::<B>(&proof.justification)
			.ok_or_else(|| internal("a stored justification does not decode"))?;
		json["headers"] = json!(proof.headers.into_iter().map(Bytes).collect::<Vec<_>>());
		Ok(json)
	}

	async fn subscribe_justifications(
		&self,
		pending: PendingSubscriptionSink,
	) -> SubscriptionResult {
		let mut feed = self.feed.0.subscribe();
		let mut sink = pending.accept().await?;
		loop {
			let item = {
				let closed = sink.closed();
				futures::pin_mut!(closed);
				let next = feed.recv();
				futures::pin_mut!(next);
				match futures::future::select(next, closed).await {
					Either::Left((Ok(item), _)) => item,
					Either::Left((Err(broadcast::error::RecvError::Lagged(_)), _)) => {
						return Err(SLOW_SUBSCRIBER.into())
					}
					_ => return Ok(()),
				}
			};
			match sink.try_send(SubscriptionMessage::from_json(&*item)?) {
				Ok(()) => {}
				Err(TrySendError::Closed(_)) => return Ok(()),
				Err(TrySendError::Full(_)) => return Err(SLOW_SUBSCRIBER.into()),
			}
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	/// Reads block `n` of a finalized chain: header `[n]`, justification `[n, n]` where
	/// justified, a set change at `change`.
	fn chain_with(
		justified: &[u32],
		change: Option<u32>,
	) -> impl FnMut(u32) -> Result<ProofBlock, String> + '_ {
		move |n| {
			let justification = justified.contains(&n).then(|| vec![n as u8, n as u8]);
			Ok((vec![n as u8], justification, change == Some(n)))
		}
	}

	fn chain(justified: &[u32]) -> impl FnMut(u32) -> Result<ProofBlock, String> + '_ {
		chain_with(justified, None)
	}

	#[test]
	fn a_proof_never_crosses_an_unjustified_set_change() {
		// #5 changes the set: #6's justification is the new set's, which a client following the
		// old one must not be handed as the proof of #3.
		assert_eq!(
			finality_proof(3, 9, chain_with(&[6], Some(5))),
			Err(ProofError::SetChangeUnjustified(5))
		);
		// A set change with its own justification (by the old set) ends the proof there.
		let proof = finality_proof(3, 9, chain_with(&[5, 6], Some(5))).unwrap();
		assert_eq!(proof.headers, vec![vec![3], vec![4], vec![5]]);
		assert_eq!(proof.justification, vec![5, 5]);
	}

	#[test]
	fn a_justified_block_is_its_own_proof() {
		let proof = finality_proof(5, 9, chain(&[5, 6])).unwrap();
		assert_eq!(proof, FinalityProof { headers: vec![vec![5]], justification: vec![5, 5] });
	}

	#[test]
	fn a_block_finalized_implicitly_is_proven_by_the_next_justification_and_the_headers_between() {
		let proof = finality_proof(3, 9, chain(&[6, 8])).unwrap();
		assert_eq!(proof.headers, vec![vec![3], vec![4], vec![5], vec![6]]);
		assert_eq!(proof.justification, vec![6, 6]);
	}

	#[test]
	fn genesis_unfinalized_and_unjustified_blocks_are_refused_with_the_reason() {
		assert_eq!(finality_proof(0, 9, chain(&[1])), Err(ProofError::Genesis));
		assert_eq!(
			finality_proof(10, 9, chain(&[10])),
			Err(ProofError::NotFinal { number: 10, finalized: 9 })
		);
		// A justification above the finalized head is not looked at.
		assert_eq!(
			finality_proof(7, 9, chain(&[10])),
			Err(ProofError::NoJustification { number: 7, above: 2 })
		);
		let failing = |_| Err("the database is gone".to_string());
		assert_eq!(
			finality_proof(7, 9, failing),
			Err(ProofError::Backend("the database is gone".into()))
		);
	}

	#[test]
	fn the_search_stops_after_max_proof_headers() {
		let mut read = 0;
		let far = MAX_PROOF_HEADERS + 10;
		let counting = |n: u32| {
			read += 1;
			Ok((vec![], (n == far).then(Vec::new), false))
		};
		let refused = finality_proof(1, far, counting);
		assert_eq!(
			refused,
			Err(ProofError::NoJustification { number: 1, above: MAX_PROOF_HEADERS - 1 })
		);
		assert_eq!(read, MAX_PROOF_HEADERS, "no more blocks read than a proof may hold");
	}
}

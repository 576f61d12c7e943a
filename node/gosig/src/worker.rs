//! The Gosig worker: one task per node that drives the round state machine (`gosig-core`).
//!
//! It reacts to four sources of events:
//!
//! - **the round clock**: at the start of round `r` it enters the round, re-announces its lock and
//!   its latest justification, and — on a billing peer elected by its VRF — proposes a block
//!   (re-proposing its locked block with the lock's certificate, or packing a new block on the
//!   finalized head); a third of a round later it ends the proposal stage;
//! - **gossip** ([`crate::gossip`]): proposals, votes, locks and justifications of other peers;
//! - **block imports**: a proposal whose block arrives after its proposal message is taken then;
//! - **finality**: the finalized head moves the state machine on and may bring a new authority
//!   set, for which the worker starts over.
//!
//! Nodes without a billing-peer key run it as observers: they count votes and finalize blocks
//! from tentative commits and justifications, but never propose or vote.

use crate::{
	aux_schema, check_justification_signatures, configuration_at,
	gossip::{
		topic, CommitMessage, GosigValidator, GossipMessage, GossipMessageOf, LockAnnouncement,
		ProposalMessage, View, COST_NOT_ELECTED, MAX_MESSAGE_SIZE,
	},
	local_authority,
	metrics::Metrics,
	now, round_at, LOG_TARGET,
};
use codec::{Decode, Encode};
use futures::{future::poll_fn, FutureExt, StreamExt};
use gosig_core::{Output, PrepareCertificate, Proposal, Vote, Voter};
use log::{debug, error, info, warn};
use parking_lot::RwLock;
use sc_client_api::{backend::AuxStore, BlockchainEvents, FinalityNotification, Finalizer};
use sc_consensus::{
	BlockImport, BlockImportParams, ForkChoiceStrategy, StateAction, StorageChanges,
};
use sc_network::{NotificationService, PeerId};
use sc_network_gossip::{GossipEngine, TopicNotification};
use sc_transaction_pool_api::OffchainTransactionPoolFactory;
use sp_api::{ApiExt, ProvideRuntimeApi};
use sp_blockchain::HeaderBackend;
use sp_consensus::{BlockOrigin, Environment, ProposeArgs, Proposer, SyncOracle};
use sp_inherents::InherentDataProvider;
use sp_keystore::KeystorePtr;
use sp_runtime::{
	generic::DigestItem,
	traits::{Block as BlockT, Hash as HashT, Header as HeaderT, NumberFor, One},
	Digest, SaturatedConversion,
};
use spacebook_gosig_primitives::{
	certificate_digest, is_elected, priority, vote_kind_code, vote_kind_from_code, vrf_sign_data,
	AuthorityId, AuthorityIndex, AuthoritySignature, EquivocationProof, GosigApi,
	GosigConfiguration, GosigJustification, ParentVotes, PreDigest, ProposalPayload, Round,
	SignedProposal, SignedVote, VoteKind, VotePayload, GOSIG_ENGINE_ID, KEY_TYPE,
	PARENT_VOTES_INHERENT_IDENTIFIER,
};
use std::{
	collections::{BTreeMap, HashMap},
	marker::PhantomData,
	sync::Arc,
	task::Poll,
	time::{Duration, Instant},
};
use substrate_prometheus_endpoint::Registry;

/// At most this many proposals wait for their block to be imported.
const MAX_PENDING_PROPOSALS: usize = 64;
/// At most this many justifications wait for their block to be imported.
const MAX_PENDING_COMMITS: usize = 16;
/// At most this many import times are kept for the time-to-finality metric.
const MAX_IMPORT_TIMES: usize = 4096;
/// Once the database holds this many blocks on the finalized head (fewer in a large set:
/// [`fresh_sibling_cap`]), an elected billing peer that is not locked re-proposes one of them
/// instead of packing yet another. Without a cap, a long stretch without finality (a partition)
/// fills the height with siblings until the state database refuses more ("Too many sibling
/// blocks", [`STATE_DB_SIBLINGS`] per height): a node whose height is full can never import the
/// block the others finalize, and stalls for good.
const MAX_FRESH_SIBLINGS: usize = 8;
/// The blocks sc-state-db keeps at one height above the finalized head (its
/// `MAX_BLOCKS_PER_LEVEL`).
const STATE_DB_SIBLINGS: usize = 32;

/// The largest authority set for which [`fresh_sibling_cap`] keeps a partition's blocks at one
/// height within what the state database holds (a cap of one block each): the runtime's
/// `MaxAuthorities` must not exceed it (checked by the node's tests).
pub const MAX_BOUNDED_AUTHORITIES: usize = STATE_DB_SIBLINGS - 1;

/// The most blocks on the finalized head a set of `authorities` billing peers packs before they
/// re-propose: `⌊(STATE_DB_SIBLINGS − 1) / n⌋`, at most [`MAX_FRESH_SIBLINGS`], at least one.
///
/// Each node stops packing once its own database holds the cap, whatever it remembers (the
/// count survives restarts). In a partition into groups, a group packs at most the cap plus one
/// block for each of its other members that is elected in the same round before seeing the
/// cap's last block: `cap + size − 1`. Over all groups that is at most `n · cap` blocks, so when
/// the partition heals every node still has room for the block the others finalize.
pub(crate) fn fresh_sibling_cap(authorities: usize) -> usize {
	((STATE_DB_SIBLINGS - 1) / authorities.max(1)).clamp(1, MAX_FRESH_SIBLINGS)
}

/// The block an elected billing peer re-proposes instead of packing a new one, or `None` to
/// pack: once `stored` (the blocks on the finalized head in its database) reach `cap`, the best
/// block if it is one of them (the one peers' sync fetches first), else the newest `known` to
/// the worker (imported since it started), else the last stored.
pub(crate) fn reproposal<H: PartialEq + Copy>(
	stored: &[H],
	known: &[H],
	best: H,
	cap: usize,
) -> Option<H> {
	if stored.is_empty() || stored.len() < cap {
		return None;
	}
	if stored.contains(&best) {
		return Some(best);
	}
	known.iter().rev().find(|h| stored.contains(h)).or(stored.last()).copied()
}
/// A node whose finalized head is more than this many blocks behind its best block asks sync
/// for a justification (see `request_missing_justification`).
const FINALITY_LAG: u32 = 3;
/// A node whose finalized head has not moved for this many rounds while it holds a block above
/// it asks sync for that block's justification (see `request_missing_justification`).
const STALL_ROUNDS: Round = 3;

/// What [`start_gosig`] needs.
pub struct GosigParams<B: BlockT, BE, C, I, PF, N, S> {
	/// The client: runtime API, headers, finality, aux storage, notifications.
	pub client: Arc<C>,
	/// The backend: the blocks the database holds on the finalized head.
	pub backend: Arc<BE>,
	/// Where the worker imports the blocks it packs.
	pub block_import: I,
	/// Builds blocks; `None` on a node that is not a billing peer (`--validator` unset): it
	/// observes only.
	pub proposer_factory: Option<PF>,
	/// Holds the billing peer's `gosg` key.
	pub keystore: KeystorePtr,
	/// The network, for the gossip engine.
	pub network: N,
	/// The sync service: for the gossip engine, to announce packed blocks, and to tell whether
	/// the node is still syncing.
	pub sync: S,
	/// The name of the Gosig protocol ([`crate::gossip::protocol_name`]) and its notification
	/// service, registered with the network.
	pub protocol_name: sc_network::ProtocolName,
	/// The notification service of the Gosig protocol.
	pub notification_service: Box<dyn NotificationService>,
	/// Where to register the Prometheus series.
	pub prometheus_registry: Option<Registry>,
	/// Lets the runtime submit equivocation reports to the transaction pool.
	pub offchain_tx_pool_factory: OffchainTransactionPoolFactory<B>,
	/// Test only: this billing peer signs a second, conflicting prepare in every round (an
	/// equivocation) so that tests can see it reported. Never set outside tests.
	pub test_equivocation: bool,
	/// Where the worker publishes its view of the rounds for the node's RPC.
	pub round_state: crate::SharedRoundState<B::Hash>,
}

/// The Gosig worker of a node; runs until the node stops.
pub async fn start_gosig<B, BE, C, I, PF, N, S>(params: GosigParams<B, BE, C, I, PF, N, S>)
where
	B: BlockT,
	BE: sc_client_api::Backend<B>,
	C: ProvideRuntimeApi<B>
		+ HeaderBackend<B>
		+ Finalizer<B, BE>
		+ AuxStore
		+ BlockchainEvents<B>
		+ Send
		+ Sync
		+ 'static,
	C::Api: GosigApi<B>,
	I: BlockImport<B> + Send + Sync,
	PF: Environment<B> + Send,
	N: sc_network_gossip::Network<B> + Clone + Send + 'static,
	S: sc_network_gossip::Syncing<B>
		+ SyncOracle
		+ sc_consensus::JustificationSyncLink<B>
		+ Clone
		+ Send
		+ 'static,
{
	let GosigParams {
		client,
		backend,
		block_import,
		proposer_factory,
		keystore,
		network,
		sync,
		protocol_name,
		notification_service,
		prometheus_registry,
		offchain_tx_pool_factory,
		test_equivocation,
		round_state,
	} = params;
	let genesis_hash = client.info().genesis_hash;
	let view = Arc::new(RwLock::new(View { genesis_hash, ..View::default() }));
	let validator = Arc::new(GosigValidator::<B>::new(view.clone()));
	let gossip = GossipEngine::new(
		network,
		sync.clone(),
		notification_service,
		protocol_name,
		validator.clone(),
		prometheus_registry.as_ref(),
	);
	let metrics = prometheus_registry.as_ref().and_then(|r| {
		Metrics::register(r)
			.map_err(|e| warn!(target: LOG_TARGET, "cannot register Gosig metrics: {e}"))
			.ok()
	});
	info!(
		target: LOG_TARGET,
		"🗳  Gosig worker started ({})",
		if proposer_factory.is_some() { "billing peer" } else { "observer" }
	);
	let mut env = Env {
		client,
		backend,
		block_import,
		proposer_factory,
		keystore,
		gossip,
		sync,
		view,
		validator,
		genesis_hash,
		metrics,
		offchain_tx_pool_factory,
		test_equivocation,
		round_state,
		imported_at: HashMap::new(),
		_phantom: PhantomData,
	};
	let mut imports = env.client.every_import_notification_stream();
	let mut finality = env.client.finality_notification_stream();
	loop {
		let mut set = match env.enter_set() {
			Ok(set) => set,
			Err(e) => {
				warn!(target: LOG_TARGET, "cannot start Gosig: {e}");
				futures_timer::Delay::new(Duration::from_secs(1)).await;
				continue;
			}
		};
		env.subscribe(&mut set);
		env.publish(&set);
		loop {
			let wake = set.next_wake();
			let event = {
				let gossip = &mut env.gossip;
				let subscriptions = &mut set.subscriptions;
				let mut network = poll_fn(|cx| gossip.poll_unpin(cx)).fuse();
				// The next message on any open round's topic.
				let mut messages = poll_fn(|cx| {
					for receiver in subscriptions.values_mut() {
						if let Poll::Ready(Some(n)) = receiver.poll_next_unpin(cx) {
							return Poll::Ready(n);
						}
					}
					Poll::Pending
				})
				.fuse();
				let mut timer = futures_timer::Delay::new(wake).fuse();
				futures::select_biased! {
					_ = network => Event::NetworkGone,
					n = finality.next() => n.map_or(Event::NetworkGone, Event::Finalized),
					n = imports.next() => n.map_or(Event::NetworkGone, |n| Event::Imported(n.hash)),
					m = messages => Event::Gossip(m),
					_ = timer => Event::Timer,
				}
			};
			let set_changed = match event {
				Event::NetworkGone => {
					info!(target: LOG_TARGET, "Gosig worker stopped: the network is gone");
					return;
				}
				Event::Finalized(n) => env.on_finalized(&mut set, n),
				Event::Imported(hash) => {
					env.on_imported(&mut set, hash);
					false
				}
				Event::Gossip(n) => {
					env.on_gossip(&mut set, n);
					false
				}
				Event::Timer => {
					env.on_timer(&mut set).await;
					false
				}
			};
			for (who, change) in env.validator.take_reports() {
				env.gossip.report(who, change);
			}
			env.publish(&set);
			if set_changed {
				break;
			}
		}
	}
}

enum Event<B: BlockT> {
	NetworkGone,
	Finalized(FinalityNotification<B>),
	Imported(B::Hash),
	Gossip(TopicNotification),
	Timer,
}

/// What does not change with the authority set.
struct Env<B: BlockT, BE, C, I, PF, S> {
	client: Arc<C>,
	backend: Arc<BE>,
	block_import: I,
	proposer_factory: Option<PF>,
	keystore: KeystorePtr,
	gossip: GossipEngine<B>,
	sync: S,
	view: Arc<RwLock<View<B::Hash>>>,
	validator: Arc<GosigValidator<B>>,
	/// The chain's genesis hash, which every Gosig signature covers.
	genesis_hash: B::Hash,
	metrics: Option<Metrics>,
	offchain_tx_pool_factory: OffchainTransactionPoolFactory<B>,
	test_equivocation: bool,
	/// Where the view of the rounds is published.
	round_state: crate::SharedRoundState<B::Hash>,
	/// When blocks were imported here, for the time-to-finality metric.
	imported_at: HashMap<B::Hash, Instant>,
	_phantom: PhantomData<BE>,
}

/// The state of the worker within one authority set.
struct SetState<B: BlockT> {
	config: GosigConfiguration,
	/// The gossip of the open rounds (the current one and the window before it), by round.
	subscriptions: BTreeMap<Round, futures::channel::mpsc::Receiver<TopicNotification>>,
	/// This node's place in the set, if it is a billing peer of it.
	me: Option<(AuthorityIndex, AuthorityId)>,
	voter: Voter<B::Hash, AuthoritySignature>,
	round: Round,
	stage_over: bool,
	proposals_this_round: usize,
	/// Proposals whose block is not imported yet.
	pending_proposals: Vec<(ProposalMessageOf<B>, u128)>,
	/// Justifications whose block is not imported yet.
	pending_commits: Vec<JustificationOf<B>>,
	/// The first proposal of each proposer in each open round: evidence if it proposes again.
	proposals_seen: BTreeMap<(Round, AuthorityIndex), SignedProposal<B::Hash, NumberFor<B>>>,
	/// The first block each packer sealed in each open round: evidence if it packs another.
	blocks_seen: crate::SealedBlocksSeen<B::Hash>,
	/// The latest justification this node holds, re-announced every round.
	last_commit: Option<JustificationOf<B>>,
	/// Blocks imported here whose parent was the finalized head when they arrived, oldest
	/// first (at most [`MAX_PENDING_PROPOSALS`]).
	children: Vec<B::Hash>,
	/// The block whose justification was last requested from sync.
	justification_requested: Option<B::Hash>,
	/// The finalized number last seen at a round's start, and the round it was first seen in.
	finality_seen: (NumberFor<B>, Round),
}

impl<B: BlockT> SetState<B> {
	fn round_ms(&self) -> u64 {
		self.config.round_duration_ms.max(1)
	}

	/// How long until the next thing the clock triggers: the end of the proposal stage, or the
	/// start of the next round.
	fn next_wake(&self) -> Duration {
		let ms = self.round_ms();
		let at = if self.stage_over {
			self.round.saturating_add(1).saturating_mul(ms)
		} else {
			self.round.saturating_mul(ms).saturating_add(ms / 3)
		};
		Duration::from_millis(at).saturating_sub(now())
	}

	fn set_id(&self) -> u64 {
		self.config.set_id
	}
}

/// A proposal message of block type `B`.
type ProposalMessageOf<B> = ProposalMessage<<B as BlockT>::Hash, NumberFor<B>>;
/// A justification of block type `B`.
type JustificationOf<B> = GosigJustification<<B as BlockT>::Hash, NumberFor<B>>;

/// The votes this node's voter holds for `parent` in the round it was committed, as the
/// runtime counts them ([`ParentVotes`]): only for a parent committed in this authority set, whose
/// justification this node holds, and only if some votes are still in the vote window (a block
/// without them counts for nobody).
fn parent_votes<B: BlockT>(set: &SetState<B>, parent: B::Hash) -> Option<ParentVotes> {
	let commit = set.last_commit.as_ref()?;
	if commit.block_hash != parent || commit.set_id != set.set_id() {
		return None;
	}
	let votes: Vec<_> = set
		.voter
		.votes_for(commit.round, &parent, height_of::<B>(commit.block_number))
		.into_iter()
		.map(|(voter, kind, signature)| (voter, vote_kind_code(kind), signature))
		.collect();
	(!votes.is_empty()).then(|| ParentVotes {
		set_id: set.set_id(),
		round: commit.round,
		votes: sp_runtime::BoundedVec::truncate_from(votes),
	})
}

fn number_of<B: BlockT>(height: u64) -> NumberFor<B> {
	height.saturated_into()
}

fn height_of<B: BlockT>(number: NumberFor<B>) -> u64 {
	number.saturated_into()
}

/// The signed vote behind a counted vote of the state machine.
fn signed_vote<B: BlockT>(
	vote: &Vote<B::Hash, AuthoritySignature>,
	set_id: u64,
) -> SignedVote<B::Hash, NumberFor<B>> {
	SignedVote {
		payload: VotePayload::new(
			vote.kind,
			vote.round,
			vote.block,
			number_of::<B>(vote.height),
			set_id,
		),
		voter: vote.voter,
		signature: vote.signature.clone(),
	}
}

impl<B, BE, C, I, PF, S> Env<B, BE, C, I, PF, S>
where
	B: BlockT,
	BE: sc_client_api::Backend<B>,
	C: ProvideRuntimeApi<B>
		+ HeaderBackend<B>
		+ Finalizer<B, BE>
		+ AuxStore
		+ BlockchainEvents<B>
		+ Send
		+ Sync
		+ 'static,
	C::Api: GosigApi<B>,
	I: BlockImport<B> + Send + Sync,
	PF: Environment<B> + Send,
	S: SyncOracle + sc_consensus::JustificationSyncLink<B>,
{
	/// Start on the authority set of the finalized head.
	fn enter_set(&mut self) -> Result<SetState<B>, String> {
		let info = self.client.info();
		let config = configuration_at::<C, B>(&self.client, info.finalized_hash)
			.map_err(|e| e.to_string())?;
		let me = if self.proposer_factory.is_some() {
			local_authority(&self.keystore, &config.authorities)
		} else {
			None
		};
		let round = round_at(now(), config.round_duration_ms);
		let mut voter = Voter::new(
			config.authorities.len(),
			me.as_ref().map(|(i, _)| *i),
			round,
			info.finalized_hash,
			height_of::<B>(info.finalized_number),
		);
		if me.is_some() {
			match aux_schema::read::<B::Hash, _>(&*self.client, config.set_id) {
				Ok(Some(persisted)) => {
					info!(
						target: LOG_TARGET,
						"restored the voter state: lock {:?}, {} own votes",
						persisted.lock.as_ref().map(|l| (l.block, l.round)),
						persisted.own_votes.len()
					);
					voter.restore(persisted);
				}
				Ok(None) => {}
				Err(e) => return Err(e.to_string()),
			}
		}
		*self.view.write() = View {
			genesis_hash: self.genesis_hash,
			set_id: config.set_id,
			authorities: config.authorities.clone(),
			round,
		};
		info!(
			target: LOG_TARGET,
			"authority set {} of {} billing peers{}",
			config.set_id,
			config.authorities.len(),
			me.as_ref().map(|(i, _)| format!(", this node is billing peer {i}")).unwrap_or_default()
		);
		Ok(SetState {
			subscriptions: BTreeMap::new(),
			config,
			me,
			voter,
			round,
			// The round already under way is sat out: the next one starts cleanly.
			stage_over: true,
			proposals_this_round: 0,
			pending_proposals: Vec::new(),
			pending_commits: Vec::new(),
			proposals_seen: BTreeMap::new(),
			blocks_seen: BTreeMap::new(),
			last_commit: None,
			children: Vec::new(),
			justification_requested: None,
			// Finality is counted as stalled from the set's start, not from genesis.
			finality_seen: (self.client.info().finalized_number, round),
		})
	}

	/// Publish the voter's view for the RPC.
	fn publish(&self, set: &SetState<B>) {
		self.round_state.set(crate::round_state::view_of(
			&set.voter,
			set.set_id(),
			&set.config.authorities,
		));
	}

	fn gossip(&mut self, _set: &SetState<B>, message: GossipMessageOf<B>) {
		let (set_id, round) = message.set_and_round();
		let encoded = message.encode();
		debug_assert!(encoded.len() as u64 <= MAX_MESSAGE_SIZE);
		self.gossip.gossip_message(topic::<B>(set_id, round), encoded, false);
	}

	/// Listen to the topics of the open rounds — the current one and the window before it —
	/// and no others. Messages that came early for a round are handed over on subscribing.
	fn subscribe(&mut self, set: &mut SetState<B>) {
		let oldest = set.round.saturating_sub(gosig_core::ROUND_WINDOW);
		set.subscriptions = set.subscriptions.split_off(&oldest);
		for round in oldest..=set.round {
			if !set.subscriptions.contains_key(&round) {
				let receiver = self.gossip.messages_for(topic::<B>(set.set_id(), round));
				set.subscriptions.insert(round, receiver);
			}
		}
	}

	async fn on_timer(&mut self, set: &mut SetState<B>) {
		let current = round_at(now(), set.round_ms());
		if current > set.round {
			self.start_round(set, current).await;
		} else if !set.stage_over && set.next_wake().is_zero() {
			self.end_proposal_stage(set);
		}
	}

	async fn start_round(&mut self, set: &mut SetState<B>, round: Round) {
		set.round = round;
		set.stage_over = false;
		set.proposals_this_round = 0;
		set.voter.start_round(round);
		self.view.write().round = round;
		// Messages that came early for this round are handed over now.
		self.subscribe(set);
		if let Some(m) = &self.metrics {
			m.round.set(round);
		}
		let oldest = round.saturating_sub(gosig_core::ROUND_WINDOW);
		set.proposals_seen = set.proposals_seen.split_off(&(oldest, 0));
		set.blocks_seen = set.blocks_seen.split_off(&(oldest, 0));
		set.pending_proposals.retain(|(p, _)| p.proposal.payload.round == round);
		self.request_missing_justification(set);

		// Re-announce the lock and the latest justification.
		if let Some(lock) = set.voter.lock().cloned() {
			let announcement = LockAnnouncement {
				announced_in: round,
				set_id: set.set_id(),
				round: lock.round,
				block_hash: lock.block,
				block_number: number_of::<B>(lock.height),
				prepares: lock.certificate,
			};
			self.gossip(set, GossipMessage::Lock(announcement));
		}
		if let Some(justification) = set.last_commit.clone() {
			self.gossip(
				set,
				GossipMessage::Commit(CommitMessage { announced_in: round, justification }),
			);
		}

		if set.me.is_some() && !self.sync.is_major_syncing() {
			if let Err(e) = self.propose(set, round).await {
				warn!(target: LOG_TARGET, "round {round}: cannot propose: {e}");
			}
		}
	}

	fn end_proposal_stage(&mut self, set: &mut SetState<B>) {
		set.stage_over = true;
		if set.proposals_this_round == 0 {
			debug!(target: LOG_TARGET, "round {}: no proposal", set.round);
			if let Some(m) = &self.metrics {
				m.rounds_without_proposal.inc();
			}
		}
		let outputs = set.voter.end_proposal_stage(set.round);
		self.carry_out(set, outputs);
	}

	/// Propose in `round` if this billing peer is elected.
	async fn propose(&mut self, set: &mut SetState<B>, round: Round) -> Result<(), String> {
		let Some((me, my_id)) = set.me.clone() else { return Ok(()) };
		let (finalized, finalized_height) = {
			let (hash, height) = set.voter.finalized();
			(*hash, height)
		};
		// The election of the round draws on the randomness as of the finalized head.
		let config =
			configuration_at::<C, B>(&self.client, finalized).map_err(|e| e.to_string())?;
		if config.set_id != set.set_id() {
			return Ok(());
		}
		let vrf_signature = self
			.keystore
			.sr25519_vrf_sign(KEY_TYPE, my_id.as_ref(), &vrf_sign_data(&config.randomness, round))
			.map_err(|e| e.to_string())?
			.ok_or("the billing-peer key left the keystore")?;
		let prio = priority(&my_id, &config.randomness, round, &vrf_signature)
			.ok_or("own VRF output does not verify")?;
		if !is_elected(prio, config.proposer_threshold) {
			debug!(target: LOG_TARGET, "round {round}: not elected");
			return Ok(());
		}

		// Re-propose the locked block if it extends the finalized head; else pack a new one.
		let locked = set.voter.lock().cloned().filter(|lock| {
			lock.height == finalized_height + 1
				&& self
					.client
					.header(lock.block)
					.ok()
					.flatten()
					.is_some_and(|h| *h.parent_hash() == finalized)
		});
		// The blocks on the finalized head in the database (they outlive a restart, and include
		// blocks sync fetched that the worker never saw imported).
		// On a read error, the blocks the worker saw imported on it since it started.
		let stored = {
			use sp_blockchain::Backend as _;
			self.backend.blockchain().children(finalized).unwrap_or_else(|e| {
				warn!(target: LOG_TARGET, "the blocks on the finalized head unread: {e}");
				set.children
					.iter()
					.filter(|h| {
						self.client
							.header(**h)
							.ok()
							.flatten()
							.is_some_and(|h| *h.parent_hash() == finalized)
					})
					.copied()
					.collect()
			})
		};
		let best = self.client.info().best_hash;
		let cap = fresh_sibling_cap(set.config.authorities.len());
		let (block_hash, height, certificate) = match locked {
			Some(lock) => {
				info!(
					target: LOG_TARGET,
					"🔁 Re-proposing locked block #{} ({:?}) of round {} in round {round}",
					lock.height, lock.block, lock.round
				);
				(lock.block, lock.height, Some((lock.round, lock.certificate)))
			}
			None => match reproposal(&stored, &set.children, best, cap) {
				Some(block) => {
					info!(
						target: LOG_TARGET,
						"🔁 {} blocks wait on the finalized head: re-proposing {block:?} in round \
						 {round}",
						stored.len()
					);
					(block, finalized_height + 1, None)
				}
				None => {
					match self.pack(set, round, finalized, me, &my_id, vrf_signature.clone()).await
					{
						Ok((hash, number)) => (hash, height_of::<B>(number), None),
						Err(e) => {
							let Some(block) = reproposal(&stored, &set.children, best, 1) else {
								return Err(e);
							};
							warn!(target: LOG_TARGET, "round {round}: {e}; re-proposing {block:?}");
							(block, finalized_height + 1, None)
						}
					}
				}
			},
		};
		// A re-proposed block is announced again, as a packed one is: sync fetches an announced
		// block it lacks, but never a peer's block at a height it already holds, so after a
		// partition each side would otherwise prepare only its own side's blocks, never a quorum
		// (the attacker review of stop 41). Sync tells each peer of a block once.
		if certificate.is_some() || stored.contains(&block_hash) {
			self.gossip.announce(block_hash, None);
		}
		let payload = ProposalPayload {
			round,
			block_hash,
			block_number: number_of::<B>(height),
			parent_hash: finalized,
			set_id: set.set_id(),
			certificate_round: certificate.as_ref().map(|(r, _)| *r),
			certificate_digest: certificate.as_ref().map(|(_, c)| certificate_digest(c)),
		};
		let signature = self.sign(&my_id, &payload.signing_bytes(&self.genesis_hash, me))?;
		let proposal = SignedProposal { payload, proposer: me, signature };
		set.proposals_seen.insert((round, me), proposal.clone());
		let message = ProposalMessage {
			proposal,
			vrf_signature,
			certificate: certificate.as_ref().map(|(_, c)| c.clone()).unwrap_or_default(),
		};
		self.gossip(set, GossipMessage::Proposal(message));
		set.proposals_this_round += 1;
		let outputs = set
			.voter
			.on_proposal(
				round,
				Proposal {
					block: block_hash,
					parent: finalized,
					height,
					priority: prio,
					proposer: me,
					certificate: certificate
						.map(|(round, signatures)| PrepareCertificate { round, signatures }),
				},
			)
			.map_err(|e| format!("own proposal refused: {e:?}"))?;
		self.carry_out(set, outputs);
		Ok(())
	}

	/// If the finalized head lags the best block by more than [`FINALITY_LAG`] blocks (a node
	/// that was down or cut off while the others went on), ask sync for the justification of
	/// the best chain's block [`FINALITY_LAG`] below the best: the others have most likely
	/// finalized it, and its justification finalizes everything below. This does not depend on
	/// Gosig gossip, whose re-announcements alone may not reach a node that just came back.
	///
	/// It also asks for the justification of the best chain's block just above the finalized
	/// head when finality has not moved for [`STALL_ROUNDS`] rounds: a block that changes the
	/// authority set may become final at only a quorum of the old set, and the others, who hold
	/// the block but missed its justification, then drop every message of the new set (another
	/// set id) while the new set may need their votes; nothing gets more than a block or two
	/// above their finalized head, so the lag above never triggers (found by the simulation with
	/// set changes, `docs/gosig.md`).
	fn request_missing_justification(&mut self, set: &mut SetState<B>) {
		let info = self.client.info();
		if set.finality_seen.0 != info.finalized_number {
			set.finality_seen = (info.finalized_number, set.round);
		}
		let lag: NumberFor<B> = FINALITY_LAG.into();
		let stalled = set.round.saturating_sub(set.finality_seen.1) >= STALL_ROUNDS;
		let target = if info.best_number > info.finalized_number + lag {
			info.best_number - lag
		} else if stalled && info.best_number > info.finalized_number {
			info.finalized_number + One::one()
		} else {
			return;
		};
		let Ok(Some(hash)) = self.client.hash(target) else { return };
		if set.justification_requested == Some(hash) {
			return;
		}
		debug!(
			target: LOG_TARGET,
			"finalized #{} lags best #{}: requesting the justification of #{target}",
			info.finalized_number, info.best_number
		);
		self.sync.clear_justification_requests();
		self.sync.request_justification(&hash, target);
		set.justification_requested = Some(hash);
	}

	/// Pack a new block on `parent` for `round`, seal it, import it and announce it.
	async fn pack(
		&mut self,
		set: &SetState<B>,
		round: Round,
		parent: B::Hash,
		me: AuthorityIndex,
		my_id: &AuthorityId,
		vrf_signature: sp_core::sr25519::vrf::VrfSignature,
	) -> Result<(B::Hash, NumberFor<B>), String> {
		let round_ms = set.round_ms();
		let parent_header = self
			.client
			.header(parent)
			.map_err(|e| e.to_string())?
			.ok_or_else(|| format!("finalized header {parent:?} not found"))?;
		let proposer_factory =
			self.proposer_factory.as_mut().ok_or("not a billing peer: no block builder")?;
		let proposer = proposer_factory.init(&parent_header).await.map_err(|e| e.to_string())?;
		// The block's time is the start of its round, so that the runtime's round check holds.
		let timestamp =
			sp_timestamp::InherentDataProvider::new(sp_timestamp::Timestamp::new(round * round_ms));
		let mut inherent_data =
			timestamp.create_inherent_data().await.map_err(|e| e.to_string())?;
		// The votes seen for the parent, the measure of who takes part in the votes.
		if let Some(votes) = parent_votes::<B>(set, parent) {
			debug!(
				target: LOG_TARGET,
				"round {round}: {} votes for the parent {parent:?}",
				votes.votes.len()
			);
			inherent_data
				.put_data(PARENT_VOTES_INHERENT_IDENTIFIER, &votes)
				.map_err(|e| e.to_string())?;
		}
		let pre = PreDigest { round, authority_index: me, vrf_signature };
		let inherent_digests =
			Digest { logs: vec![DigestItem::PreRuntime(GOSIG_ENGINE_ID, pre.encode())] };
		// Leave half of the proposal stage for the block to reach the other billing peers.
		let stage_end = Duration::from_millis(round * round_ms + round_ms / 3);
		let max_duration = stage_end.saturating_sub(now()) / 2;
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
		self.gossip.announce(hash, None);
		info!(
			target: LOG_TARGET,
			"🎁 Packed block #{number} ({hash:?}) in round {round} as billing peer {me}"
		);
		Ok((hash, number))
	}

	fn sign(&self, id: &AuthorityId, message: &[u8]) -> Result<AuthoritySignature, String> {
		self.keystore
			.sr25519_sign(KEY_TYPE, id.as_ref(), message)
			.map_err(|e| e.to_string())?
			.map(Into::into)
			.ok_or_else(|| "the billing-peer key left the keystore".to_string())
	}

	fn on_gossip(&mut self, set: &mut SetState<B>, notification: TopicNotification) {
		// The validator decoded and checked it already.
		let Ok(message) = GossipMessageOf::<B>::decode(&mut &notification.message[..]) else {
			return;
		};
		self.on_message(set, message, notification.sender);
	}

	fn on_message(
		&mut self,
		set: &mut SetState<B>,
		message: GossipMessageOf<B>,
		sender: Option<PeerId>,
	) {
		match message {
			GossipMessage::Proposal(p) => self.on_proposal_message(set, p, sender),
			GossipMessage::Vote(v) => {
				let Some(kind) = vote_kind_from_code(v.payload.kind) else { return };
				if let Some(m) = &self.metrics {
					m.votes_received
						.with_label_values(&[match kind {
							VoteKind::Prepare => "prepare",
							VoteKind::TentativeCommit => "tentative_commit",
						}])
						.inc();
				}
				let vote = Vote {
					kind,
					round: v.payload.round,
					block: v.payload.block_hash,
					height: height_of::<B>(v.payload.block_number),
					voter: v.voter,
					signature: v.signature.clone(),
				};
				match set.voter.on_vote(vote) {
					Ok(outputs) => self.carry_out(set, outputs),
					Err(e) => debug!(target: LOG_TARGET, "vote not counted: {e:?}"),
				}
			}
			GossipMessage::Lock(l) => {
				let certificate = PrepareCertificate { round: l.round, signatures: l.prepares };
				if let Ok(true) = set.voter.on_certificate(
					l.block_hash,
					height_of::<B>(l.block_number),
					certificate,
				) {
					debug!(target: LOG_TARGET, "locked on {:?} of round {} (announced)", l.block_hash, l.round);
				}
			}
			GossipMessage::Commit(c) => self.on_justification(set, c.justification, false),
		}
	}

	fn on_proposal_message(
		&mut self,
		set: &mut SetState<B>,
		message: ProposalMessageOf<B>,
		sender: Option<PeerId>,
	) {
		let payload = &message.proposal.payload;
		let round = payload.round;
		// Messages of a round arrive on that round's topic, which is subscribed when the round
		// starts: a proposal of another round is late.
		if round != set.round {
			return;
		}
		// The election is checked against the configuration at the proposal's parent, which
		// is the proposer's finalized head; a parent unknown here cannot be prepared anyway.
		let Ok(config) = configuration_at::<C, B>(&self.client, payload.parent_hash) else {
			return;
		};
		let proposer = message.proposal.proposer;
		let elected = (config.set_id == set.set_id())
			.then(|| config.authorities.get(proposer as usize))
			.flatten()
			.filter(|id| {
				let id_sr: &sp_core::sr25519::Public = id.as_ref();
				sp_core::crypto::VrfPublic::vrf_verify(
					id_sr,
					&vrf_sign_data(&config.randomness, round),
					&message.vrf_signature,
				)
			})
			.and_then(|id| priority(id, &config.randomness, round, &message.vrf_signature))
			.filter(|p| is_elected(*p, config.proposer_threshold));
		let Some(prio) = elected else {
			if let Some(who) = sender {
				self.validator.report(who, COST_NOT_ELECTED);
			}
			return;
		};
		match set.proposals_seen.get(&(round, proposer)) {
			Some(first) if first.payload.block_hash != payload.block_hash => {
				let proof = EquivocationProof::Proposal {
					first: first.clone(),
					second: message.proposal.clone(),
				};
				self.on_equivocation(set, proof);
				return;
			}
			Some(_) => {}
			None => {
				set.proposals_seen.insert((round, proposer), message.proposal.clone());
			}
		}
		set.proposals_this_round += 1;
		if self.client.header(payload.block_hash).ok().flatten().is_some() {
			self.feed_proposal(set, message, prio);
		} else if set.pending_proposals.len() < MAX_PENDING_PROPOSALS {
			debug!(target: LOG_TARGET, "round {round}: proposal {:?} waits for its block", payload.block_hash);
			set.pending_proposals.push((message, prio));
		}
	}

	fn feed_proposal(&mut self, set: &mut SetState<B>, message: ProposalMessageOf<B>, prio: u128) {
		let payload = message.proposal.payload;
		// The signed payload names the block's parent and number: they must be the block's
		// own, or a proposer could make voters take a block on another branch for a child of
		// their finalized head (the state machine would then count a finality the client
		// refuses, and stop).
		let header = self.client.header(payload.block_hash).ok().flatten();
		if !header.is_some_and(|h| {
			crate::proposal_matches_block(&h, &payload.parent_hash, &payload.block_number)
		}) {
			warn!(
				target: LOG_TARGET,
				"round {}: proposal of {:?} by billing peer {} names another parent or number \
				 than its block; ignored",
				payload.round, payload.block_hash, message.proposal.proposer
			);
			return;
		}
		let proposal = Proposal {
			block: payload.block_hash,
			parent: payload.parent_hash,
			height: height_of::<B>(payload.block_number),
			priority: prio,
			proposer: message.proposal.proposer,
			certificate: payload
				.certificate_round
				.map(|round| PrepareCertificate { round, signatures: message.certificate }),
		};
		match set.voter.on_proposal(payload.round, proposal) {
			Ok(outputs) => self.carry_out(set, outputs),
			Err(e) => debug!(target: LOG_TARGET, "proposal not taken: {e:?}"),
		}
	}

	fn on_imported(&mut self, set: &mut SetState<B>, hash: B::Hash) {
		if self.imported_at.len() >= MAX_IMPORT_TIMES {
			self.imported_at.clear();
		}
		self.imported_at.insert(hash, Instant::now());
		self.check_double_packing(set, hash);
		let finalized = *set.voter.finalized().0;
		if self.client.header(hash).ok().flatten().is_some_and(|h| *h.parent_hash() == finalized)
			&& !set.children.contains(&hash)
		{
			if set.children.len() >= MAX_PENDING_PROPOSALS {
				set.children.remove(0);
			}
			set.children.push(hash);
		}
		let (ready, waiting): (Vec<_>, Vec<_>) = std::mem::take(&mut set.pending_proposals)
			.into_iter()
			.partition(|(p, _)| p.proposal.payload.block_hash == hash);
		set.pending_proposals = waiting;
		for (message, prio) in ready {
			if message.proposal.payload.round == set.round {
				self.feed_proposal(set, message, prio);
			}
		}
		let (ready, waiting): (Vec<_>, Vec<_>) = std::mem::take(&mut set.pending_commits)
			.into_iter()
			.partition(|j| j.block_hash == hash);
		set.pending_commits = waiting;
		for justification in ready {
			self.on_justification(set, justification, false);
		}
	}

	/// Report the packer of `hash` if it sealed another block in the same round (of a recent
	/// round, in this authority set): a packer may hand a second block to some nodes without
	/// proposing it, so only the import shows it.
	fn check_double_packing(&mut self, set: &mut SetState<B>, hash: B::Hash) {
		let Some(header) = self.client.header(hash).ok().flatten() else { return };
		let Ok(pre) = crate::find_pre_digest(&header) else { return };
		if pre.round < set.round.saturating_sub(gosig_core::ROUND_WINDOW) {
			return;
		}
		let Some((first, second)) = crate::note_sealed_block(&mut set.blocks_seen, &header) else {
			return;
		};
		let Ok(config) = configuration_at::<C, B>(&self.client, *header.parent_hash()) else {
			return;
		};
		if config.set_id != set.set_id() {
			return;
		}
		let proof = EquivocationProof::Blocks { set_id: config.set_id, first, second };
		self.on_equivocation(set, proof);
	}

	/// The block became final here. Returns whether the authority set changed.
	fn on_finalized(&mut self, set: &mut SetState<B>, n: FinalityNotification<B>) -> bool {
		let number = height_of::<B>(*n.header.number());
		if let Some(m) = &self.metrics {
			for hash in n.tree_route.iter().chain(std::iter::once(&n.hash)) {
				if let Some(at) = self.imported_at.remove(hash) {
					m.time_to_finality.observe(at.elapsed().as_secs_f64());
				}
			}
		}
		set.voter.on_finalized(n.hash, number);
		set.pending_commits.retain(|j| height_of::<B>(j.block_number) > number);
		match configuration_at::<C, B>(&self.client, n.hash) {
			Ok(config) if config.set_id != set.set_id() => {
				info!(
					target: LOG_TARGET,
					"authority set {} takes over at #{number} ({:?})",
					config.set_id, n.hash
				);
				true
			}
			_ => false,
		}
	}

	/// A justification counted here (`own`) or received: finalize its block.
	fn on_justification(
		&mut self,
		set: &mut SetState<B>,
		justification: JustificationOf<B>,
		own: bool,
	) {
		let info = self.client.info();
		if justification.block_number <= info.finalized_number {
			match self.client.hash(justification.block_number) {
				Ok(Some(hash)) if hash != justification.block_hash => error!(
					target: LOG_TARGET,
					"💥 a justification for #{} {:?} conflicts with final block {hash:?}",
					justification.block_number, justification.block_hash
				),
				_ => {}
			}
			return;
		}
		if self.client.header(justification.block_hash).ok().flatten().is_none() {
			if set.pending_commits.len() < MAX_PENDING_COMMITS {
				set.pending_commits.push(justification);
			}
			return;
		}
		// A received justification was verified by the gossip validator against the current
		// set; check the signatures once more against the set at the block's parent.
		if !own {
			if let Err(e) = check_justification_signatures::<C, B>(&self.client, &justification) {
				warn!(target: LOG_TARGET, "justification refused: {e}");
				return;
			}
		}
		let hash = justification.block_hash;
		let number = justification.block_number;
		match self.client.finalize_block(
			hash,
			Some((GOSIG_ENGINE_ID, justification.encode())),
			true,
		) {
			Ok(()) => {
				debug!(
					target: LOG_TARGET,
					"finalized #{number} {hash:?} ({})",
					if own { "tentative commits counted here" } else { "justification received" }
				);
				set.voter.on_finalized(hash, height_of::<B>(number));
				if own {
					if let Some(m) = &self.metrics {
						m.commits.inc();
					}
					let message = CommitMessage {
						announced_in: set.round,
						justification: justification.clone(),
					};
					self.gossip(set, GossipMessage::Commit(message));
				}
				set.last_commit = Some(justification);
			}
			Err(e) => warn!(target: LOG_TARGET, "cannot finalize #{number} {hash:?}: {e}"),
		}
	}

	fn on_equivocation(
		&mut self,
		set: &SetState<B>,
		proof: EquivocationProof<B::Hash, NumberFor<B>>,
	) {
		let offender = proof.offender();
		warn!(
			target: LOG_TARGET,
			"⚠️  billing peer {offender} ({:?}) equivocated in round {}",
			set.config.authorities.get(offender as usize),
			proof.round()
		);
		if let Some(m) = &self.metrics {
			m.equivocations.inc();
		}
		// Report it on chain. Every node that saw it may submit: the pool keeps one per offence,
		// and the runtime records it once.
		let best = self.client.info().best_hash;
		let mut api = self.client.runtime_api();
		api.register_extension(self.offchain_tx_pool_factory.offchain_transaction_pool(best));
		match api.submit_report_equivocation_extrinsic(best, proof) {
			Ok(true) => {
				info!(target: LOG_TARGET, "submitted the equivocation report of billing peer {offender}")
			}
			Ok(false) => {
				debug!(target: LOG_TARGET, "the equivocation report of billing peer {offender} was not accepted (already recorded?)")
			}
			Err(e) => warn!(target: LOG_TARGET, "cannot submit an equivocation report: {e}"),
		}
	}

	/// Carry out what the state machine answered.
	fn carry_out(
		&mut self,
		set: &mut SetState<B>,
		outputs: Vec<Output<B::Hash, AuthoritySignature>>,
	) {
		let mut pending = outputs;
		while let Some(output) = pending.pop() {
			match output {
				Output::Vote { kind, round, block, height } => {
					let Some((me, my_id)) = set.me.clone() else { continue };
					let payload =
						VotePayload::new(kind, round, block, number_of::<B>(height), set.set_id());
					let signature =
						match self.sign(&my_id, &payload.signing_bytes(&self.genesis_hash, me)) {
							Ok(s) => s,
							Err(e) => {
								warn!(target: LOG_TARGET, "cannot sign a vote: {e}");
								continue;
							}
						};
					// Persist before anything leaves this node: a restart must never sign against
					// what was sent.
					if let Err(e) =
						aux_schema::write(&*self.client, set.set_id(), &set.voter.persisted())
					{
						error!(target: LOG_TARGET, "cannot persist the voter state, not voting: {e}");
						continue;
					}
					let signed = SignedVote { payload, voter: me, signature: signature.clone() };
					self.gossip(set, GossipMessage::Vote(signed));
					if self.test_equivocation && kind == VoteKind::Prepare {
						self.equivocate(set, round, block, height, me, &my_id);
					}
					let vote = Vote { kind, round, block, height, voter: me, signature };
					match set.voter.on_vote(vote) {
						Ok(more) => pending.extend(more),
						Err(e) => warn!(target: LOG_TARGET, "own vote not counted: {e:?}"),
					}
				}
				Output::Commit { round, block, height, certificate } => {
					let justification = GosigJustification {
						round,
						block_hash: block,
						block_number: number_of::<B>(height),
						set_id: set.set_id(),
						commits: certificate,
					};
					self.on_justification(set, justification, true);
				}
				Output::Equivocation { first, second } => {
					let proof = EquivocationProof::Vote {
						first: signed_vote::<B>(&first, set.set_id()),
						second: signed_vote::<B>(&second, set.set_id()),
					};
					self.on_equivocation(set, proof);
				}
				// Proposal equivocations are caught with their evidence in
				// `on_proposal_message`, before the state machine sees the second proposal.
				Output::ProposalEquivocation { .. } => {}
			}
		}
	}

	/// Test only: sign and gossip a prepare for a block that does not exist, conflicting with
	/// the prepare just sent.
	fn equivocate(
		&mut self,
		set: &SetState<B>,
		round: Round,
		block: B::Hash,
		height: u64,
		me: AuthorityIndex,
		my_id: &AuthorityId,
	) {
		let other =
			<<B::Header as HeaderT>::Hashing as HashT>::hash(&(b"equivocation", block).encode());
		let payload =
			VotePayload::new(VoteKind::Prepare, round, other, number_of::<B>(height), set.set_id());
		if let Ok(signature) = self.sign(my_id, &payload.signing_bytes(&self.genesis_hash, me)) {
			warn!(target: LOG_TARGET, "test equivocation: a second prepare in round {round}");
			self.gossip(set, GossipMessage::Vote(SignedVote { payload, voter: me, signature }));
		}
	}
}

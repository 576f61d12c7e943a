//! Gossip of Gosig messages over a notification protocol driven by `sc-network-gossip`.
//!
//! One topic per round of an authority set (`topic(set, round)`): a node subscribes to the topics
//! of the open rounds, and the gossip engine keeps what arrives early for a round until the node
//! subscribes to it. Four kinds of message travel:
//!
//! - [`ProposalMessage`]: an elected billing peer's signed proposal of a block for a round, with
//!   its VRF proof of election and, for a re-proposal of a locked block, the lock's prepare
//!   certificate. The block itself travels by block announcement and sync.
//! - [`SignedVote`]: a prepare or tentative commit.
//! - [`LockAnnouncement`]: a billing peer's lock (a prepare certificate), re-announced every
//!   round, so that locks formed while the network was bad reach everyone.
//! - [`CommitMessage`]: a justification, re-announced every round by every peer that holds one, so
//!   that peers and observers that missed the tentative commits still learn what is final.
//!
//! [`GosigValidator`] checks every message before it is processed or forwarded: it decodes, is of
//! the current authority set, falls within the window of rounds still open, names a known billing
//! peer and carries valid signatures. Malformed messages and bad signatures cost the sending peer
//! reputation; stale ones are dropped quietly. Messages expire once their round leaves the window.

use codec::{Decode, Encode};
use parking_lot::{Mutex, RwLock};
use sc_network::{PeerId, ReputationChange};
use sc_network_gossip::{MessageIntent, ValidationResult, Validator, ValidatorContext};
use sp_core::sr25519::vrf::VrfSignature;
use sp_runtime::traits::{Block as BlockT, Hash as HashT, Header as HeaderT, NumberFor};
use spacebook_gosig_primitives::{
	certificate_digest, is_canonical_certificate, vote_kind_from_code, AuthorityId, AuthorityIndex,
	AuthoritySignature, GosigJustification, Round, SetId, SignedProposal, SignedVote, VoteKind,
	VotePayload,
};
use std::{collections::HashMap, sync::Arc};

/// The name of the Gosig notification protocol of the chain with `genesis_hash`:
/// `/<genesis hash>/gosig/1`, so that two chains never mix their votes.
pub fn protocol_name<H: AsRef<[u8]>>(genesis_hash: H) -> sc_network::ProtocolName {
	let hex: String = genesis_hash.as_ref().iter().map(|b| format!("{b:02x}")).collect();
	format!("/{hex}/gosig/1").into()
}

/// The largest Gosig message: a proposal or justification with 21 signatures is under 3 KiB.
pub const MAX_MESSAGE_SIZE: u64 = 64 * 1024;

/// How many rounds behind the current one a vote or proposal is still processed and forwarded.
pub const ROUND_WINDOW: Round = gosig_core::ROUND_WINDOW;

/// A prepare certificate: signatures by strictly increasing authority index.
pub type Signatures = Vec<(AuthorityIndex, AuthoritySignature)>;

/// A billing peer's proposal for a round.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct ProposalMessage<H, N> {
	/// The signed proposal.
	pub proposal: SignedProposal<H, N>,
	/// The proposer's VRF signature on `(epoch randomness, round)`: its proof of election.
	pub vrf_signature: VrfSignature,
	/// The prepare certificate of a re-proposal (empty for a new block), for the round in
	/// `proposal.payload.certificate_round`.
	pub certificate: Signatures,
}

/// A billing peer's lock: a prepare certificate.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct LockAnnouncement<H, N> {
	/// The round in which it is announced (for expiry only; not signed).
	pub announced_in: Round,
	/// The authority set.
	pub set_id: SetId,
	/// The round of the prepares.
	pub round: Round,
	/// The locked block.
	pub block_hash: H,
	/// Its number.
	pub block_number: N,
	/// The prepare signatures.
	pub prepares: Signatures,
}

/// A justification as gossip carries it.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct CommitMessage<H, N> {
	/// The round in which it is announced (for expiry only; not signed).
	pub announced_in: Round,
	/// The justification.
	pub justification: GosigJustification<H, N>,
}

/// Everything that travels on the Gosig protocol.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub enum GossipMessage<H, N> {
	/// A proposal.
	Proposal(ProposalMessage<H, N>),
	/// A vote.
	Vote(SignedVote<H, N>),
	/// A lock.
	Lock(LockAnnouncement<H, N>),
	/// A justification.
	Commit(CommitMessage<H, N>),
}

/// The gossip message type of block type `B`.
pub type GossipMessageOf<B> = GossipMessage<<B as BlockT>::Hash, NumberFor<B>>;

impl<H, N> GossipMessage<H, N> {
	/// The authority set and the round the message belongs to: its topic, and what decides its
	/// expiry.
	pub fn set_and_round(&self) -> (SetId, Round) {
		match self {
			Self::Proposal(p) => (p.proposal.payload.set_id, p.proposal.payload.round),
			Self::Vote(v) => (v.payload.set_id, v.payload.round),
			Self::Lock(l) => (l.set_id, l.announced_in),
			Self::Commit(c) => (c.justification.set_id, c.announced_in),
		}
	}
}

/// The topic of `round` of authority set `set_id`.
pub fn topic<B: BlockT>(set_id: SetId, round: Round) -> B::Hash {
	<<B::Header as HeaderT>::Hashing as HashT>::hash(&(b"spacebook-gosig", set_id, round).encode())
}

/// What the validator checks messages against: the worker updates it as rounds and sets change.
#[derive(Clone, Debug, Default)]
pub struct View<H> {
	/// The chain's genesis hash, which every signature covers.
	pub genesis_hash: H,
	/// The current authority set.
	pub set_id: SetId,
	/// Its billing peers.
	pub authorities: Vec<AuthorityId>,
	/// The current round.
	pub round: Round,
}

/// The verdict on a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
	/// Process and forward it.
	Valid,
	/// Well-formed but of no use now (another set, a closed or far future round): drop it.
	Stale,
	/// Malformed or forged: drop it and lower the sender's reputation.
	Invalid(&'static str),
	/// Another form of a message already accepted (another subset of signatures, another
	/// signature of the same vote, a third block of one signer in one round): drop it unverified
	/// and lower the sender's reputation a little.
	Duplicate,
}

/// Whether `signatures` are a canonical certificate (exactly a quorum, by increasing index) of
/// valid prepare signatures for the block.
fn valid_prepares<H: Encode + Clone, N: Encode + Clone>(
	signatures: &Signatures,
	round: Round,
	block_hash: &H,
	block_number: &N,
	view: &View<H>,
) -> bool {
	if !is_canonical_certificate(signatures, view.authorities.len()) {
		return false;
	}
	let payload = VotePayload::new(
		VoteKind::Prepare,
		round,
		block_hash.clone(),
		block_number.clone(),
		view.set_id,
	);
	signatures.iter().all(|(i, s)| {
		view.authorities.get(*i as usize).is_some_and(|a| {
			use sp_runtime::RuntimeAppPublic;
			a.verify(&payload.signing_bytes(&view.genesis_hash, *i), s)
		})
	})
}

/// Check a decoded message against `view`. The VRF proof of a proposal is checked later, by the
/// worker, against the configuration at the proposal's parent.
pub fn check_message<H: Encode + Clone + PartialEq, N: Encode + Clone + PartialEq>(
	message: &GossipMessage<H, N>,
	view: &View<H>,
) -> Verdict {
	if let Some(verdict) = check_scope(message, view) {
		return verdict;
	}
	check_signatures(message, view)
}

/// The cheap checks: set, round window, canonical form. `None` when the message is in scope.
fn check_scope<H, N>(message: &GossipMessage<H, N>, view: &View<H>) -> Option<Verdict> {
	let (set_id, round) = message.set_and_round();
	if set_id != view.set_id {
		return Some(Verdict::Stale);
	}
	// A peer's clock may run up to a round ahead of ours.
	if round > view.round.saturating_add(1) {
		return Some(Verdict::Stale);
	}
	if round.saturating_add(ROUND_WINDOW) < view.round {
		return Some(Verdict::Stale);
	}
	let n = view.authorities.len();
	match message {
		GossipMessage::Proposal(p) => {
			let payload = &p.proposal.payload;
			match payload.certificate_round {
				None if !p.certificate.is_empty() || payload.certificate_digest.is_some() => {
					Some(Verdict::Invalid("certificate without round"))
				}
				None => None,
				Some(r) if r >= payload.round => Some(Verdict::Invalid("certificate not older")),
				Some(_) if !is_canonical_certificate(&p.certificate, n) => {
					Some(Verdict::Invalid("non-canonical prepare certificate"))
				}
				Some(_)
					if payload.certificate_digest != Some(certificate_digest(&p.certificate)) =>
				{
					Some(Verdict::Invalid("certificate not the one signed"))
				}
				Some(_) => None,
			}
		}
		GossipMessage::Vote(v) => vote_kind_from_code(v.payload.kind)
			.is_none()
			.then_some(Verdict::Invalid("unknown vote kind")),
		GossipMessage::Lock(l) => {
			if l.round > l.announced_in {
				Some(Verdict::Invalid("lock from the future"))
			} else if !is_canonical_certificate(&l.prepares, n) {
				Some(Verdict::Invalid("non-canonical lock certificate"))
			} else {
				None
			}
		}
		GossipMessage::Commit(c) => {
			let j = &c.justification;
			if j.round > c.announced_in {
				Some(Verdict::Invalid("commit from the future"))
			} else if !is_canonical_certificate(&j.commits, n) {
				Some(Verdict::Invalid("non-canonical justification"))
			} else {
				None
			}
		}
	}
}

/// The expensive checks: every signature the message carries.
fn check_signatures<H: Encode + Clone + PartialEq, N: Encode + Clone + PartialEq>(
	message: &GossipMessage<H, N>,
	view: &View<H>,
) -> Verdict {
	let (authorities, genesis_hash) = (&view.authorities, &view.genesis_hash);
	match message {
		GossipMessage::Proposal(p) => {
			if !p.proposal.verify(genesis_hash, authorities) {
				return Verdict::Invalid("bad proposal signature");
			}
			let payload = &p.proposal.payload;
			match payload.certificate_round {
				None => Verdict::Valid,
				Some(r) => {
					if valid_prepares(
						&p.certificate,
						r,
						&payload.block_hash,
						&payload.block_number,
						view,
					) {
						Verdict::Valid
					} else {
						Verdict::Invalid("bad prepare certificate")
					}
				}
			}
		}
		GossipMessage::Vote(v) => {
			if !v.verify(genesis_hash, authorities) {
				return Verdict::Invalid("bad vote signature");
			}
			Verdict::Valid
		}
		GossipMessage::Lock(l) => {
			if valid_prepares(&l.prepares, l.round, &l.block_hash, &l.block_number, view) {
				Verdict::Valid
			} else {
				Verdict::Invalid("bad lock certificate")
			}
		}
		GossipMessage::Commit(c) => {
			let j = &c.justification;
			match j.verify(&j.block_hash, &j.block_number, view.set_id, genesis_hash, authorities) {
				Ok(()) => Verdict::Valid,
				Err(_) => Verdict::Invalid("bad justification"),
			}
		}
	}
}

/// The cost of a message that does not decode.
pub const COST_MALFORMED: ReputationChange = ReputationChange::new(-1000, "gosig: malformed");
/// The cost of a forged or invalid message.
pub const COST_INVALID: ReputationChange = ReputationChange::new(-500, "gosig: invalid message");
/// The cost of a well-formed message of no use (a closed round, another set).
pub const COST_STALE: ReputationChange = ReputationChange::new(-10, "gosig: stale message");
/// The cost of another form of a message already accepted (see [`Verdict::Duplicate`]): small,
/// since honest peers that built their certificates from different signatures forward different
/// forms, but it adds up for a peer that floods them.
pub const COST_DUPLICATE: ReputationChange = ReputationChange::new(-50, "gosig: duplicate message");
/// The cost of a proposal whose VRF proof does not elect its proposer.
pub const COST_NOT_ELECTED: ReputationChange =
	ReputationChange::new(-500, "gosig: proposer not elected");

/// How many signed messages one billing peer may have accepted for one kind and round: two are
/// enough to prove an equivocation; more would only let a faulty billing peer make the network
/// verify and forward as many messages as it likes.
pub const MAX_BLOCKS_PER_SIGNER: usize = 2;

/// At most this many deduplication entries are kept; beyond it, new messages are dropped as
/// duplicates until the window moves on. Honest traffic needs a few hundred (21 billing peers,
/// three kinds of signed message, the window of open rounds, a lock and a commit per round).
pub const MAX_SEEN: usize = 8192;

/// What a message is, for deduplication: the fields its signers signed, without the
/// signatures and unsigned fields whose variations would make "new" messages out of old ones.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum SeenKey<H> {
	/// A vote (`kind` 0 or 1) or a proposal (`kind` 2) of `signer` in `(set, round)`.
	Signed {
		/// The authority set.
		set_id: SetId,
		/// The round.
		round: Round,
		/// 0 prepare, 1 tentative commit, 2 proposal.
		kind: u8,
		/// The signer's authority index.
		signer: AuthorityIndex,
	},
	/// A lock (`kind` 0) or a justification (`kind` 1) of `block` formed in `(set, round)`.
	Certificate {
		/// The authority set.
		set_id: SetId,
		/// The round of the signatures.
		round: Round,
		/// 0 lock, 1 justification.
		kind: u8,
		/// The block.
		block: H,
	},
}

/// What the validator accepted in the open rounds: per signed key the blocks accepted (at most
/// [`MAX_BLOCKS_PER_SIGNER`]), per certificate the latest round it was announced in. A message
/// whose key is taken is dropped before any signature is verified; only messages whose
/// signatures were verified are recorded, so a forger cannot take a key.
#[derive(Debug)]
pub struct Seen<H> {
	signed: HashMap<SeenKey<H>, Vec<H>>,
	announced: HashMap<SeenKey<H>, Round>,
}

impl<H> Default for Seen<H> {
	fn default() -> Self {
		Self { signed: HashMap::new(), announced: HashMap::new() }
	}
}

impl<H: Clone + Eq + std::hash::Hash> Seen<H> {
	/// The key of `message` and what distinguishes it under that key: the block for signed
	/// messages, the announcement round for certificates.
	fn key<N>(message: &GossipMessage<H, N>) -> (SeenKey<H>, Result<H, Round>) {
		match message {
			GossipMessage::Vote(v) => (
				SeenKey::Signed {
					set_id: v.payload.set_id,
					round: v.payload.round,
					kind: v.payload.kind,
					signer: v.voter,
				},
				Ok(v.payload.block_hash.clone()),
			),
			GossipMessage::Proposal(p) => (
				SeenKey::Signed {
					set_id: p.proposal.payload.set_id,
					round: p.proposal.payload.round,
					kind: 2,
					signer: p.proposal.proposer,
				},
				Ok(p.proposal.payload.block_hash.clone()),
			),
			GossipMessage::Lock(l) => (
				SeenKey::Certificate {
					set_id: l.set_id,
					round: l.round,
					kind: 0,
					block: l.block_hash.clone(),
				},
				Err(l.announced_in),
			),
			GossipMessage::Commit(c) => (
				SeenKey::Certificate {
					set_id: c.justification.set_id,
					round: c.justification.round,
					kind: 1,
					block: c.justification.block_hash.clone(),
				},
				Err(c.announced_in),
			),
		}
	}

	/// Whether `message` is new: not a form of one accepted already, and room is left.
	pub fn is_new<N>(&self, message: &GossipMessage<H, N>) -> bool {
		if self.signed.len() + self.announced.len() >= MAX_SEEN {
			return false;
		}
		match Self::key(message) {
			(key, Ok(block)) => self.signed.get(&key).is_none_or(|blocks| {
				!blocks.contains(&block) && blocks.len() < MAX_BLOCKS_PER_SIGNER
			}),
			(key, Err(announced_in)) => self.announced.get(&key).is_none_or(|r| *r < announced_in),
		}
	}

	/// Record `message`, whose signatures were verified.
	pub fn record<N>(&mut self, message: &GossipMessage<H, N>) {
		match Self::key(message) {
			(key, Ok(block)) => self.signed.entry(key).or_default().push(block),
			(key, Err(announced_in)) => {
				self.announced.insert(key, announced_in);
			}
		}
	}

	/// Forget what is outside the window of open rounds of set `set_id` at `round`.
	pub fn prune(&mut self, set_id: SetId, round: Round) {
		let open = |s: SetId, r: Round| s == set_id && r.saturating_add(ROUND_WINDOW) >= round;
		self.signed.retain(|key, _| match key {
			SeenKey::Signed { set_id, round, .. } => open(*set_id, *round),
			SeenKey::Certificate { .. } => false,
		});
		// A certificate may be older than the window (a lock held for long); its entry lives as
		// long as its latest announcement is in the window.
		self.announced.retain(|key, announced_in| match key {
			SeenKey::Certificate { set_id, .. } => open(*set_id, *announced_in),
			SeenKey::Signed { .. } => false,
		});
	}

	/// How many entries are kept.
	pub fn len(&self) -> usize {
		self.signed.len() + self.announced.len()
	}

	/// Whether nothing is kept.
	pub fn is_empty(&self) -> bool {
		self.len() == 0
	}
}

/// Validates Gosig gossip against the worker's [`View`].
///
/// Each message is checked in order of cost: its scope and form (set, window, canonical
/// certificate), then whether it is a new message ([`Seen`]), and only then its signatures. A
/// message is forwarded at most once in one form, so that no peer can make the network verify
/// many forms of one message (issue 14, finding 5).
pub struct GosigValidator<B: BlockT> {
	view: Arc<RwLock<View<B::Hash>>>,
	seen: Mutex<(Round, Seen<B::Hash>)>,
	reports: Mutex<Vec<(PeerId, ReputationChange)>>,
}

/// At most this many reputation changes wait for the worker; more are dropped.
const MAX_PENDING_REPORTS: usize = 1024;

impl<B: BlockT> GosigValidator<B> {
	/// A validator reading `view`.
	pub fn new(view: Arc<RwLock<View<B::Hash>>>) -> Self {
		Self { view, seen: Mutex::new((0, Seen::default())), reports: Mutex::new(Vec::new()) }
	}

	/// Check `message` against the view and what was accepted already, and record it if valid.
	pub fn check(&self, message: &GossipMessageOf<B>) -> Verdict {
		let view = self.view.read().clone();
		if let Some(verdict) = check_scope(message, &view) {
			return verdict;
		}
		{
			let mut seen = self.seen.lock();
			if seen.0 != view.round {
				seen.1.prune(view.set_id, view.round);
				seen.0 = view.round;
			}
			if !seen.1.is_new(message) {
				return Verdict::Duplicate;
			}
		}
		let verdict = check_signatures(message, &view);
		if verdict == Verdict::Valid {
			let mut seen = self.seen.lock();
			// Checked again: another message of the same key may have been recorded meanwhile.
			if !seen.1.is_new(message) {
				return Verdict::Duplicate;
			}
			seen.1.record(message);
		}
		verdict
	}

	/// Queue a reputation change for `who`, applied by the worker.
	pub fn report(&self, who: PeerId, change: ReputationChange) {
		let mut reports = self.reports.lock();
		if reports.len() < MAX_PENDING_REPORTS {
			reports.push((who, change));
		}
	}

	/// The reputation changes to apply.
	pub fn take_reports(&self) -> Vec<(PeerId, ReputationChange)> {
		std::mem::take(&mut *self.reports.lock())
	}

	fn expired(&self, data: &[u8]) -> bool {
		let view = self.view.read();
		match GossipMessageOf::<B>::decode(&mut &data[..]) {
			Ok(message) => {
				let (set_id, round) = message.set_and_round();
				set_id != view.set_id || round.saturating_add(ROUND_WINDOW) < view.round
			}
			Err(_) => true,
		}
	}
}

impl<B: BlockT> Validator<B> for GosigValidator<B> {
	fn validate(
		&self,
		_context: &mut dyn ValidatorContext<B>,
		sender: &PeerId,
		mut data: &[u8],
	) -> ValidationResult<B::Hash> {
		let Ok(message) = GossipMessageOf::<B>::decode(&mut data) else {
			self.report(*sender, COST_MALFORMED);
			return ValidationResult::Discard;
		};
		match self.check(&message) {
			Verdict::Valid => {
				let (set_id, round) = message.set_and_round();
				ValidationResult::ProcessAndKeep(topic::<B>(set_id, round))
			}
			Verdict::Stale => {
				self.report(*sender, COST_STALE);
				ValidationResult::Discard
			}
			Verdict::Duplicate => {
				self.report(*sender, COST_DUPLICATE);
				ValidationResult::Discard
			}
			Verdict::Invalid(reason) => {
				log::debug!(target: crate::LOG_TARGET, "invalid message from {sender}: {reason}");
				self.report(*sender, COST_INVALID);
				ValidationResult::Discard
			}
		}
	}

	fn message_expired<'a>(&'a self) -> Box<dyn FnMut(B::Hash, &[u8]) -> bool + 'a> {
		Box::new(move |_topic, data| self.expired(data))
	}

	fn message_allowed<'a>(
		&'a self,
	) -> Box<dyn FnMut(&PeerId, MessageIntent, &B::Hash, &[u8]) -> bool + 'a> {
		Box::new(move |_who, _intent, _topic, data| !self.expired(data))
	}
}

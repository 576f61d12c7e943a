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
	quorum, vote_kind_from_code, AuthorityId, AuthorityIndex, AuthoritySignature,
	GosigJustification, Round, SetId, SignedProposal, SignedVote, VoteKind, VotePayload,
};
use std::sync::Arc;

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
pub struct View {
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
}

/// Whether `signatures` are a quorum of valid prepare signatures for the block.
fn valid_prepares<H: Encode + Clone, N: Encode + Clone>(
	signatures: &Signatures,
	round: Round,
	block_hash: &H,
	block_number: &N,
	set_id: SetId,
	authorities: &[AuthorityId],
) -> bool {
	if signatures.len() < quorum(authorities.len())
		|| signatures.windows(2).any(|w| w[0].0 >= w[1].0)
	{
		return false;
	}
	let payload = VotePayload::new(
		VoteKind::Prepare,
		round,
		block_hash.clone(),
		block_number.clone(),
		set_id,
	);
	let message = payload.signing_bytes();
	signatures.iter().all(|(i, s)| {
		authorities.get(*i as usize).is_some_and(|a| {
			use sp_runtime::RuntimeAppPublic;
			a.verify(&message, s)
		})
	})
}

/// Check a decoded message against `view`. The VRF proof of a proposal is checked later, by the
/// worker, against the configuration at the proposal's parent.
pub fn check_message<H: Encode + Clone + PartialEq, N: Encode + Clone + PartialEq>(
	message: &GossipMessage<H, N>,
	view: &View,
) -> Verdict {
	let (set_id, round) = message.set_and_round();
	if set_id != view.set_id {
		return Verdict::Stale;
	}
	// A peer's clock may run up to a round ahead of ours.
	if round > view.round.saturating_add(1) {
		return Verdict::Stale;
	}
	if round.saturating_add(ROUND_WINDOW) < view.round {
		return Verdict::Stale;
	}
	let authorities = &view.authorities;
	match message {
		GossipMessage::Proposal(p) => {
			if !p.proposal.verify(authorities) {
				return Verdict::Invalid("bad proposal signature");
			}
			let payload = &p.proposal.payload;
			match payload.certificate_round {
				None if !p.certificate.is_empty() => Verdict::Invalid("certificate without round"),
				None => Verdict::Valid,
				Some(r) if r >= payload.round => Verdict::Invalid("certificate not older"),
				Some(r) => {
					if valid_prepares(
						&p.certificate,
						r,
						&payload.block_hash,
						&payload.block_number,
						set_id,
						authorities,
					) {
						Verdict::Valid
					} else {
						Verdict::Invalid("bad prepare certificate")
					}
				}
			}
		}
		GossipMessage::Vote(v) => {
			if vote_kind_from_code(v.payload.kind).is_none() {
				return Verdict::Invalid("unknown vote kind");
			}
			if !v.verify(authorities) {
				return Verdict::Invalid("bad vote signature");
			}
			Verdict::Valid
		}
		GossipMessage::Lock(l) => {
			if l.round > l.announced_in {
				return Verdict::Invalid("lock from the future");
			}
			if valid_prepares(
				&l.prepares,
				l.round,
				&l.block_hash,
				&l.block_number,
				set_id,
				authorities,
			) {
				Verdict::Valid
			} else {
				Verdict::Invalid("bad lock certificate")
			}
		}
		GossipMessage::Commit(c) => {
			let j = &c.justification;
			match j.verify(&j.block_hash, &j.block_number, set_id, authorities) {
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
/// The cost of a proposal whose VRF proof does not elect its proposer.
pub const COST_NOT_ELECTED: ReputationChange =
	ReputationChange::new(-500, "gosig: proposer not elected");

/// Validates Gosig gossip against the worker's [`View`].
pub struct GosigValidator<B: BlockT> {
	view: Arc<RwLock<View>>,
	reports: Mutex<Vec<(PeerId, ReputationChange)>>,
	_block: std::marker::PhantomData<B>,
}

/// At most this many reputation changes wait for the worker; more are dropped.
const MAX_PENDING_REPORTS: usize = 1024;

impl<B: BlockT> GosigValidator<B> {
	/// A validator reading `view`.
	pub fn new(view: Arc<RwLock<View>>) -> Self {
		Self { view, reports: Mutex::new(Vec::new()), _block: Default::default() }
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
		let view = self.view.read().clone();
		match check_message(&message, &view) {
			Verdict::Valid => {
				let (set_id, round) = message.set_and_round();
				ValidationResult::ProcessAndKeep(topic::<B>(set_id, round))
			}
			Verdict::Stale => {
				self.report(*sender, COST_STALE);
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

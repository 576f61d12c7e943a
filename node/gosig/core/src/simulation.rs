//! A pool of peers on an in-memory network driven by a seeded random scheduler, voting in
//! authority sets that the chain may change every few blocks.
//!
//! Each run has a hostile phase — messages delayed by up to several rounds, dropped, duplicated
//! and reordered, and in some runs a partition of the peers into two halves — followed by a timely
//! phase in which every message arrives within the stage it was sent in (still duplicated and
//! reordered). In the set-change scenarios each hostile round is either that storm or a gust
//! (messages lost and reordered but otherwise quick), so that blocks — and set changes — also
//! become final while some peers miss them. Each peer of the pool has a fixed kind; every
//! authority set has at most `f` faulty members (silent, crashing or Byzantine, all counted):
//!
//! - **silent**: crashed for good, they send and receive nothing;
//! - **crashing**: down for some rounds of the hostile phase, then restarted from what they
//!   persisted ([`Voter::persisted`], kept with its set id as aux storage keeps it) and their
//!   stored finalized head;
//! - **Byzantine**: when elected they propose two different blocks (one to each half of the
//!   peers, sometimes on a stale parent, sometimes re-proposing a certificate they collected);
//!   they prepare every proposal and tentatively commit every block they see prepared, each to a
//!   random subset of the peers.
//!
//! ## Authority sets
//!
//! The first scenarios have one fixed set: the whole pool of `n` billing peers. The set-change
//! scenarios do what the node does (`docs/gosig.md`, "Authority set changes"):
//!
//! - every few heights a block announces a new set, drawn at random for that very block (so that
//!   forks may announce different sets) from a pool larger than any set; its id is one more than
//!   the id of the set it replaces on its chain, so two forks may hold different sets of one id;
//! - the set in force at a block `X` — the one that votes on `X` and whose quorum `X`'s
//!   justification needs — is the one announced by the latest change among `X`'s ancestors up to
//!   and including `X`'s parent (`configuration_at(parent)` in the node), so the block announcing
//!   a change is still voted on by the old set;
//! - a peer's worker runs one [`Voter`] for the set in force at its finalized head's children.
//!   Once a block bringing another set is final there — counted by its own voter or taken from a
//!   justification — it starts over as the worker does: a new voter for that set, as billing peer
//!   (its index in the new set) or observer, at the current round and on the finalized head,
//!   restoring nothing (aux storage holds the state of another set id), and it sits the rest of
//!   that round out (no proposal, no end of the proposal stage);
//! - every signature covers its signer, its set id and its index in that set, and is checked
//!   against the receiver's current set: proposals, votes and locks of any other set id, older
//!   or newer, are dropped, as the gossip validator drops them (`Verdict::Stale`; the gossip
//!   engine keeps early messages of a later *round* of the current set, not of another set); a
//!   proposal is also refused unless the set at its parent is the current one, as the worker
//!   refuses it;
//! - a justification of any block is taken, whatever the receiver's current set, if it is a
//!   canonical quorum of the set in force at the block and every signature is by that set's
//!   member of that index (`check_justification_signatures`), and every peer re-announces the
//!   latest one it holds each round, across set changes. This is how a peer that missed a change
//!   catches up. The node's glue does less today — gossip drops justifications of another set
//!   id and the worker forgets its latest one when it starts a new set, leaving only sync
//!   requests beyond a lag of 3 blocks — and that can stall the chain for good
//!   (`Sim::glue_justifications`, and the test
//!   `justifications_kept_within_their_set_stall_the_chain_after_a_change`);
//! - Byzantine peers attack in every set they are in, and keep signing as the last earlier set
//!   they were in after being rotated out: old-set proposals on the new finalized head, old-set
//!   prepares and tentative commits for blocks beyond the change.
//!
//! After every round it asserts:
//!
//! - **safety**: every block committed or adopted as final by any honest peer (billing peer or
//!   observer) lies on one chain — never two different final blocks at one height; every
//!   justification an honest peer counts is signed by the set in force at its block; no honest
//!   peer is ever reported as an equivocator, nor finds its own vote refused;
//! - **liveness**: in the timely phase every honest peer's finalized head advances by several
//!   blocks (across several set changes, when the sets change), and at the end all honest peers
//!   agree within one block.
//!
//! Controls show the checks can fail: `f + 1` Byzantine peers of four fork the chain; votes of
//! past sets counted in the current one ([`Mutation::CountVotesOfPastSets`]) fork it too; and
//! justifications kept within their set stall it.
//!
//! The signatures are unforgeable markers (`Sig`): a faulty peer can only sign as itself.

use super::*;
use std::{cmp::Reverse, collections::BinaryHeap};

type Block = u32;
/// The number of an authority set: one more than the set it replaced on its chain.
type SetId = u64;
/// A peer by its place in the pool (its place in an authority set is a [`VoterIndex`]).
type PeerId = usize;

/// An unforgeable signature: who signed what, as which billing peer of which set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Sig {
	signer: PeerId,
	set_id: SetId,
	voter: VoterIndex,
	kind: VoteKind,
	round: Round,
	block: Block,
}

const GENESIS: Block = 0;
/// Ticks of simulated time per round.
const TICKS: u64 = 10;
/// The proposal stage ends at this tick of the round.
const PROPOSAL_TICKS: u64 = 3;
/// The worker asks sync for a justification when its finalized head lags the best block by
/// more than this.
const FINALITY_LAG: Height = 3;

/// A deterministic pseudo-random sequence (xorshift64*), so that every seed is reproducible.
struct Rng(u64);

impl Rng {
	fn new(seed: u64) -> Self {
		// Spread small seeds over the state space.
		Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
	}
	fn next(&mut self) -> u64 {
		self.0 ^= self.0 >> 12;
		self.0 ^= self.0 << 25;
		self.0 ^= self.0 >> 27;
		self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
	}
	fn below(&mut self, n: u64) -> u64 {
		self.next() % n.max(1)
	}
	fn percent(&mut self, p: u64) -> bool {
		self.below(100) < p
	}
	fn priority(&mut self) -> u128 {
		((self.next() as u128) << 64) | self.next() as u128
	}
	fn shuffle<T>(&mut self, items: &mut [T]) {
		for i in (1..items.len()).rev() {
			items.swap(i, self.below(i as u64 + 1) as usize);
		}
	}
}

/// An authority set.
#[derive(Clone, Debug)]
struct AuthoritySet {
	id: SetId,
	/// Its billing peers, by voter index.
	members: Vec<PeerId>,
	/// The set it replaced on its chain (a place in [`Chain::sets`]).
	previous: Option<usize>,
}

impl AuthoritySet {
	fn n(&self) -> usize {
		self.members.len()
	}

	fn index_of(&self, peer: PeerId) -> Option<VoterIndex> {
		self.members.iter().position(|p| *p == peer).map(|i| i as VoterIndex)
	}

	fn member(&self, index: VoterIndex) -> Option<PeerId> {
		self.members.get(index as usize).copied()
	}

	/// Whether `signature` is billing peer `index` of this set signing `(kind, round, block)`.
	fn signed(
		&self,
		signature: &Sig,
		index: VoterIndex,
		kind: VoteKind,
		round: Round,
		block: Block,
	) -> bool {
		self.member(index)
			.is_some_and(|peer| *signature == signed(peer, self.id, index, kind, round, block))
	}

	fn vote_valid(&self, vote: &Vote<Block, Sig>) -> bool {
		self.signed(&vote.signature, vote.voter, vote.kind, vote.round, vote.block)
	}

	/// Whether every signature of `certificate` is valid (its form is checked apart).
	fn certificate_valid(
		&self,
		certificate: &[(VoterIndex, Sig)],
		kind: VoteKind,
		round: Round,
		block: Block,
	) -> bool {
		certificate.iter().all(|(i, s)| self.signed(s, *i, kind, round, block))
	}
}

/// Every block ever made, as block sync would deliver them: parent, height and the authority set
/// the runtime holds after it, by block id; and every authority set any block announced.
struct Chain {
	parent: Vec<Block>,
	height: Vec<Height>,
	/// The set in force for the block's children (`configuration_at(block)` in the node): the
	/// one the block announces, or else its parent's. A place in `sets`.
	set_after: Vec<usize>,
	/// Every authority set announced on any fork, the genesis set first.
	sets: Vec<AuthoritySet>,
}

impl Chain {
	fn new(genesis_set: Vec<PeerId>) -> Self {
		Self {
			parent: vec![GENESIS],
			height: vec![0],
			set_after: vec![0],
			sets: vec![AuthoritySet { id: 0, members: genesis_set, previous: None }],
		}
	}

	/// A new child of `parent`, announcing a new set of `announce` if given.
	fn child_of(&mut self, parent: Block, announce: Option<Vec<PeerId>>) -> Block {
		let id = self.parent.len() as Block;
		let inherited = self.set_after(parent);
		let set = match announce {
			Some(members) => {
				let id = self.sets[inherited].id + 1;
				self.sets.push(AuthoritySet { id, members, previous: Some(inherited) });
				self.sets.len() - 1
			}
			None => inherited,
		};
		self.parent.push(parent);
		self.height.push(self.height[parent as usize] + 1);
		self.set_after.push(set);
		id
	}
	fn height(&self, b: Block) -> Height {
		self.height[b as usize]
	}
	fn parent(&self, b: Block) -> Block {
		self.parent[b as usize]
	}
	fn set_after(&self, b: Block) -> usize {
		self.set_after[b as usize]
	}
	/// The set in force at `b`: it votes on `b` and signs its justification.
	fn voting_set(&self, b: Block) -> usize {
		self.set_after(self.parent(b))
	}
	/// How many set changes the chain up to `b` (included) went through.
	fn changes_up_to(&self, b: Block) -> SetId {
		self.sets[self.set_after(b)].id
	}
}

/// A justification: a quorum of tentative commits of set `set_id` for a block.
#[derive(Clone, Debug)]
struct Justification {
	set_id: SetId,
	block: Block,
	height: Height,
	round: Round,
	certificate: Certificate<Sig>,
}

#[derive(Clone, Debug)]
enum Msg {
	Proposal {
		/// The set the proposal is made in (signed with it).
		set_id: SetId,
		/// Who signed it.
		signer: PeerId,
		round: Round,
		proposal: Proposal<Block, Sig>,
	},
	/// A vote; its set id is its signature's.
	Vote(Vote<Block, Sig>),
	/// A peer's lock, announced at the start of each round.
	Lock { set_id: SetId, block: Block, height: Height, certificate: PrepareCertificate<Sig> },
	/// A justification, as block sync or commit gossip carries it.
	Commit(Justification),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
	Honest,
	Silent,
	/// Down from the first round to (not including) the second.
	Crashing(Round, Round),
	Byzantine,
}

/// The identities a Byzantine peer signs under: (set in `Chain::sets`, index in it).
type Identities = std::iter::Flatten<std::array::IntoIter<Option<(usize, VoterIndex)>, 2>>;

/// Prepares a Byzantine peer collected for one block in one round: its height and the
/// signatures by voter index.
type Collected = (Height, BTreeMap<VoterIndex, Sig>);

#[derive(Default)]
struct ByzantineState {
	/// Valid prepares seen, by (round, block, set in `Chain::sets`): the height and the
	/// signatures.
	prepares: BTreeMap<(Round, Block, usize), Collected>,
	/// The highest final block it heard of.
	finalized: (Block, Height),
}

struct Peer {
	kind: Kind,
	/// The set its worker runs in (a place in `Chain::sets`): the one in force at the children of
	/// its finalized head.
	set: usize,
	voter: Voter<Block, Sig>,
	/// The round in which a set change started `voter`: the worker sits the rest of it out.
	joined_in: Option<Round>,
	/// Whether it was a billing peer of some set so far.
	ever_member: bool,
	/// The latest justification this peer holds, re-announced every round.
	last_commit: Option<Justification>,
	/// What a crashing peer wrote to disk before going down: its voter state with the set id it
	/// belongs to (as aux storage keeps it), and its finalized head.
	saved: Option<(SetId, Persisted<Block, Sig>, Block, Height)>,
	byzantine: ByzantineState,
}

/// How the network treats a message.
#[derive(Clone, Copy)]
struct Weather {
	max_delay: u64,
	drop_percent: u64,
	duplicate_percent: u64,
	/// Peers `< split` and peers `>= split` cannot reach each other.
	partition: Option<usize>,
}

/// A timely network: every message arrives within the stage it was sent in (delivery takes 1 or
/// 2 ticks; the proposal stage is 3 ticks long, the signature stage 7).
const TIMELY: Weather =
	Weather { max_delay: 1, drop_percent: 0, duplicate_percent: 10, partition: None };

/// How the authority set changes.
#[derive(Clone, Copy, Debug)]
struct SetChanges {
	/// Every block at a height that is a multiple of this announces a new set.
	every: Height,
	/// The smallest and the largest set drawn.
	sizes: (usize, usize),
}

/// A deliberate bug, to show that the checks would see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mutation {
	/// A vote of another set id is checked against the set it names — the current one or one
	/// this peer's chain had before, as equivocation proofs are — and then counted in the
	/// current set under the index it carries.
	CountVotesOfPastSets,
}

struct Scenario {
	/// The kind of every peer of the pool.
	kinds: Vec<Kind>,
	/// The genesis set: peers of the pool by voter index.
	genesis_set: Vec<PeerId>,
	/// Whether and how the set changes.
	changes: Option<SetChanges>,
	hostile_rounds: Round,
	timely_rounds: Round,
	hostile: Weather,
	/// If given, each hostile round is at random `hostile` or this one (gusts in a storm), so that
	/// blocks, and set changes, become final while the network still misbehaves.
	hostile_too: Option<Weather>,
	/// The per-peer election probability in percent; `None`: [`election_percent`] of the size of
	/// the set.
	election_percent: Option<u64>,
}

impl Scenario {
	/// The whole pool as billing peers, in one set that never changes.
	fn fixed(
		kinds: Vec<Kind>,
		hostile_rounds: Round,
		timely_rounds: Round,
		hostile: Weather,
	) -> Self {
		let genesis_set = (0..kinds.len()).collect();
		Self {
			kinds,
			genesis_set,
			changes: None,
			hostile_rounds,
			timely_rounds,
			hostile,
			hostile_too: None,
			election_percent: None,
		}
	}
}

struct Sim {
	seed: u64,
	rng: Rng,
	chain: Chain,
	peers: Vec<Peer>,
	changes: Option<SetChanges>,
	election_percent: Option<u64>,
	mutation: Option<Mutation>,
	/// Justifications travel only as the node's glue moves them today: gossip within the set it
	/// was made in, forgotten when the worker starts a new set, and sync requests when the
	/// finalized head lags the best block by more than [`FINALITY_LAG`].
	glue_justifications: bool,
	/// The justifications honest peers store with their blocks (what sync can serve).
	justified: BTreeMap<Block, Justification>,
	now: u64,
	weather: Weather,
	/// The hostile weathers, one drawn for each round of the hostile phase.
	hostile: (Weather, Option<Weather>),
	queue: BinaryHeap<Reverse<(u64, u64, usize, usize)>>,
	messages: Vec<Msg>,
	seq: u64,
	/// Every block committed or adopted as final by an honest peer: (peer, block).
	finals: Vec<(PeerId, Block)>,
	/// What broke safety other than two final blocks at one height.
	violations: Vec<String>,
	equivocations_reported: usize,
	/// How many times an honest peer started over with a new set.
	switches: u64,
	/// How many times an honest peer became a billing peer again after sitting a set out.
	rejoins: u64,
	/// Proposals, votes and locks honest peers dropped for naming another set id.
	other_set_dropped: u64,
	/// Of those, the ones Byzantine peers signed as an older set than the receiver's.
	old_set_attacks_dropped: u64,
	/// Votes an honest voter counted for a block another set votes on: old-set votes of
	/// Byzantine peers for blocks beyond the change, reaching a peer still in the old set.
	votes_beyond_their_set_counted: u64,
	/// Crashed peers that restarted on a set older than the newest one honest peers were in.
	restarts_behind_a_change: u64,
}

fn signed(
	signer: PeerId,
	set_id: SetId,
	voter: VoterIndex,
	kind: VoteKind,
	round: Round,
	block: Block,
) -> Sig {
	Sig { signer, set_id, voter, kind, round, block }
}

/// A set drawn from the pool: `sizes.0..=sizes.1` members (fewer if the honest peers are too few),
/// at most `f` of them faulty — most often exactly as many as allowed — at random places.
fn draw_set(rng: &mut Rng, kinds: &[Kind], sizes: (usize, usize)) -> Vec<PeerId> {
	let mut honest: Vec<PeerId> = (0..kinds.len()).filter(|i| kinds[*i] == Kind::Honest).collect();
	let mut faulty: Vec<PeerId> = (0..kinds.len()).filter(|i| kinds[*i] != Kind::Honest).collect();
	rng.shuffle(&mut honest);
	rng.shuffle(&mut faulty);
	let allowed = |n: usize| max_faulty(n).min(faulty.len());
	let mut n = sizes.0 + rng.below((sizes.1 - sizes.0 + 1) as u64) as usize;
	while n > sizes.0 && n - allowed(n) > honest.len() {
		n -= 1;
	}
	let most = allowed(n);
	let wanted = if rng.percent(75) { most } else { rng.below(most as u64 + 1) as usize };
	let k = wanted.max(n.saturating_sub(honest.len()));
	assert!(k <= most && n - k <= honest.len(), "a pool of {kinds:?} has no set of {n}");
	let mut members: Vec<PeerId> = faulty[..k].iter().chain(&honest[..n - k]).copied().collect();
	rng.shuffle(&mut members);
	members
}

impl Sim {
	fn new(scenario: &Scenario, seed: u64) -> Self {
		let chain = Chain::new(scenario.genesis_set.clone());
		let genesis = &chain.sets[0];
		let peers = (0..scenario.kinds.len())
			.map(|i| Peer {
				kind: scenario.kinds[i],
				set: 0,
				voter: Voter::new(genesis.n(), genesis.index_of(i), 0, GENESIS, 0),
				joined_in: None,
				ever_member: genesis.index_of(i).is_some(),
				last_commit: None,
				saved: None,
				byzantine: ByzantineState::default(),
			})
			.collect();
		Self {
			seed,
			rng: Rng::new(seed),
			chain,
			peers,
			changes: scenario.changes,
			election_percent: scenario.election_percent,
			mutation: None,
			glue_justifications: false,
			justified: BTreeMap::new(),
			now: 0,
			weather: scenario.hostile,
			hostile: (scenario.hostile, scenario.hostile_too),
			queue: BinaryHeap::new(),
			messages: Vec::new(),
			seq: 0,
			finals: Vec::new(),
			violations: Vec::new(),
			equivocations_reported: 0,
			switches: 0,
			rejoins: 0,
			other_set_dropped: 0,
			old_set_attacks_dropped: 0,
			votes_beyond_their_set_counted: 0,
			restarts_behind_a_change: 0,
		}
	}

	fn pool(&self) -> usize {
		self.peers.len()
	}

	fn round(&self) -> Round {
		self.now / TICKS
	}

	fn is_up(&self, i: PeerId) -> bool {
		match self.peers[i].kind {
			Kind::Honest | Kind::Byzantine => true,
			Kind::Silent => false,
			Kind::Crashing(from, to) => !(from..to).contains(&self.round()),
		}
	}

	fn is_honest(&self, i: PeerId) -> bool {
		!matches!(self.peers[i].kind, Kind::Byzantine | Kind::Silent)
	}

	fn election_percent_of(&self, set: usize) -> u64 {
		self.election_percent.unwrap_or_else(|| election_percent(self.chain.sets[set].n()))
	}

	/// A new child of `parent`, announcing a new set when its height is due for a change.
	fn new_block(&mut self, parent: Block) -> Block {
		let height = self.chain.height(parent) + 1;
		let announce = match self.changes {
			Some(changes) if height.is_multiple_of(changes.every) => {
				let kinds: Vec<Kind> = self.peers.iter().map(|p| p.kind).collect();
				Some(draw_set(&mut self.rng, &kinds, changes.sizes))
			}
			_ => None,
		};
		self.chain.child_of(parent, announce)
	}

	/// The voter peer `at`'s worker runs in `set`: billing peer or observer.
	fn new_voter(
		&self,
		at: PeerId,
		set: usize,
		round: Round,
		finalized: Block,
		height: Height,
	) -> Voter<Block, Sig> {
		let set = &self.chain.sets[set];
		Voter::new(set.n(), set.index_of(at), round, finalized, height)
	}

	/// Start over with the set of the finalized head if it brought another one, as the worker
	/// does on a finality notification.
	fn follow_set_change(&mut self, at: PeerId) {
		let (fin, height) = {
			let (b, h) = self.peers[at].voter.finalized();
			(*b, h)
		};
		let set = self.chain.set_after(fin);
		if set == self.peers[at].set {
			return;
		}
		let round = self.round();
		let voter = self.new_voter(at, set, round, fin, height);
		let member = voter.me().is_some();
		let was_member = self.peers[at].voter.me().is_some();
		let peer = &mut self.peers[at];
		if member && !was_member && peer.ever_member {
			self.rejoins += 1;
		}
		peer.ever_member |= member;
		peer.voter = voter;
		peer.set = set;
		peer.joined_in = Some(round);
		if self.glue_justifications {
			peer.last_commit = None;
		}
		self.switches += 1;
	}

	fn schedule(&mut self, at: u64, to: PeerId, msg: usize) {
		self.seq += 1;
		self.queue.push(Reverse((at, self.seq, to, msg)));
	}

	fn send(&mut self, from: PeerId, to: PeerId, msg: Msg) {
		if from == to {
			return;
		}
		if let Some(split) = self.weather.partition {
			if (from < split) != (to < split) {
				return;
			}
		}
		if self.rng.percent(self.weather.drop_percent) {
			return;
		}
		self.messages.push(msg);
		let id = self.messages.len() - 1;
		let at = self.now + 1 + self.rng.below(self.weather.max_delay + 1);
		self.schedule(at, to, id);
		if self.rng.percent(self.weather.duplicate_percent) {
			let at = self.now + 1 + self.rng.below(self.weather.max_delay + 1);
			self.schedule(at, to, id);
		}
	}

	fn broadcast(&mut self, from: PeerId, msg: Msg) {
		for to in 0..self.pool() {
			self.send(from, to, msg.clone());
		}
	}

	/// Send to a random subset (Byzantine peers only).
	fn scatter(&mut self, from: PeerId, msg: Msg) {
		for to in 0..self.pool() {
			if self.rng.percent(50) {
				self.send(from, to, msg.clone());
			}
		}
	}

	/// Carry out what honest peer `at`'s state machine answered, then follow a set change.
	fn handle(&mut self, at: PeerId, outputs: Vec<Output<Block, Sig>>) {
		let set = self.peers[at].set;
		let set_id = self.chain.sets[set].id;
		let mut pending = outputs;
		while let Some(output) = pending.pop() {
			match output {
				Output::Vote { kind, round, block, height } => {
					let Some(me) = self.peers[at].voter.me() else {
						panic!("seed {}: an observer was asked to vote", self.seed)
					};
					let vote = Vote {
						kind,
						round,
						block,
						height,
						voter: me,
						signature: signed(at, set_id, me, kind, round, block),
					};
					self.broadcast(at, Msg::Vote(vote.clone()));
					match self.peers[at].voter.on_vote(vote) {
						Ok(more) => pending.extend(more),
						// Only a vote under this peer's index that is not its own can be there.
						Err(e) => self.violations.push(format!(
							"seed {}: peer {at}'s own vote was rejected: {e:?}",
							self.seed
						)),
					}
				}
				Output::Commit { round, block, height, certificate } => {
					self.finals.push((at, block));
					if self.chain.voting_set(block) != set {
						self.violations.push(format!(
							"seed {}: peer {at} counted a justification of set {set_id} for block \
							 {block}, which set {} votes on",
							self.seed,
							self.chain.sets[self.chain.voting_set(block)].id
						));
					}
					let justification = Justification { set_id, block, height, round, certificate };
					self.justified.entry(block).or_insert_with(|| justification.clone());
					let newer =
						self.peers[at].last_commit.as_ref().is_none_or(|j| j.height < height);
					if newer {
						self.peers[at].last_commit = Some(justification.clone());
						self.broadcast(at, Msg::Commit(justification));
					}
				}
				Output::Equivocation { first, second } => {
					assert_ne!(first.block, second.block);
					self.equivocation_reported(at, set, first.voter);
				}
				Output::ProposalEquivocation { proposer, .. } => {
					self.equivocation_reported(at, set, proposer);
				}
			}
		}
		self.follow_set_change(at);
	}

	fn equivocation_reported(&mut self, at: PeerId, set: usize, offender: VoterIndex) {
		self.equivocations_reported += 1;
		let offender = self.chain.sets[set].member(offender);
		if offender.is_none_or(|o| self.peers[o].kind != Kind::Byzantine) {
			self.violations.push(format!(
				"seed {}: peer {at} reported honest peer {offender:?} of set {} as equivocating",
				self.seed, self.chain.sets[set].id
			));
		}
	}

	/// The identity peer `at` proposes under, if any: its index in its current set (honest
	/// peers), or (Byzantine ones) in the set in force at the head it knows final or else in the
	/// last earlier set it was in.
	fn proposer_identity(&self, at: PeerId) -> Option<(usize, VoterIndex)> {
		let peer = &self.peers[at];
		if peer.kind == Kind::Byzantine {
			let set = self.chain.set_after(peer.byzantine.finalized.0);
			return self.byzantine_identities(at, set).next();
		}
		self.chain.sets[peer.set].index_of(at).map(|i| (peer.set, i))
	}

	/// The identities Byzantine peer `at` signs under for a block set `set` votes on: its index
	/// in `set` if it is a member, and its index in the last earlier set of that chain it was a
	/// member of, if any — old-set signatures for blocks beyond the change.
	fn byzantine_identities(&self, at: PeerId, set: usize) -> Identities {
		let sets = &self.chain.sets;
		let current = sets[set].index_of(at).map(|i| (set, i));
		let mut earlier = sets[set].previous;
		while let Some(s) = earlier {
			if let Some(i) = sets[s].index_of(at) {
				return [current, Some((s, i))].into_iter().flatten();
			}
			earlier = sets[s].previous;
		}
		[current, None].into_iter().flatten()
	}

	fn start_round(&mut self, round: Round) {
		for at in 0..self.pool() {
			if let Kind::Crashing(from, to) = self.peers[at].kind {
				if round == from {
					// Crash: what the glue wrote to disk survives, the rest is lost.
					let set_id = self.chain.sets[self.peers[at].set].id;
					let peer = &mut self.peers[at];
					let (fin, h) = peer.voter.finalized();
					peer.saved = Some((set_id, peer.voter.persisted(), *fin, h));
				}
				if round == to {
					let Some((set_id, persisted, fin, h)) = self.peers[at].saved.take() else {
						panic!("seed {}: peer {at} restarts without a crash", self.seed)
					};
					// The worker starts on the set of its finalized head and restores what aux
					// storage holds for that set id.
					let set = self.chain.set_after(fin);
					let newest = (0..self.pool())
						.filter(|i| self.is_honest(*i) && *i != at)
						.map(|i| self.chain.sets[self.peers[i].set].id)
						.max();
					if newest.is_some_and(|id| id > self.chain.sets[set].id) {
						self.restarts_behind_a_change += 1;
					}
					let mut voter = self.new_voter(at, set, round, fin, h);
					if self.chain.sets[set].id == set_id {
						voter.restore(persisted);
					}
					self.peers[at].ever_member |= voter.me().is_some();
					self.peers[at].voter = voter;
					self.peers[at].set = set;
				}
			}
			if !self.is_up(at) {
				continue;
			}
			let identity = self.proposer_identity(at);
			let drawn = identity.map(|(set, _)| {
				let percent = self.election_percent_of(set);
				(self.rng.percent(percent), self.rng.priority())
			});
			if self.peers[at].kind == Kind::Byzantine {
				if let (Some((set, index)), Some((true, priority))) = (identity, drawn) {
					self.byzantine_propose(at, round, set, index, priority);
				}
				continue;
			}
			self.peers[at].voter.start_round(round);
			let set_id = self.chain.sets[self.peers[at].set].id;
			if let Some(lock) = self.peers[at].voter.lock().cloned() {
				let certificate = lock.prepare_certificate();
				self.broadcast(
					at,
					Msg::Lock { set_id, block: lock.block, height: lock.height, certificate },
				);
			}
			if let Some(justification) = self.peers[at].last_commit.clone() {
				self.broadcast(at, Msg::Commit(justification));
			}
			if let Some((true, priority)) = drawn {
				self.honest_propose(at, round, priority);
			}
			if self.glue_justifications {
				self.request_missing_justification(at);
			}
		}
	}

	fn honest_propose(&mut self, at: PeerId, round: Round, priority: u128) {
		let set = &self.chain.sets[self.peers[at].set];
		let set_id = set.id;
		let Some(me) = set.index_of(at) else { return };
		let voter = &self.peers[at].voter;
		let (fin, fin_height) = voter.finalized();
		let fin = *fin;
		// Re-propose the locked block if it extends the finalized head, else a new child of it.
		let (block, certificate) = match voter.lock() {
			Some(lock) if lock.height == fin_height + 1 && self.chain.parent(lock.block) == fin => {
				(lock.block, Some(lock.prepare_certificate()))
			}
			_ => (self.new_block(fin), None),
		};
		let proposal = Proposal {
			block,
			parent: fin,
			height: self.chain.height(block),
			priority,
			proposer: me,
			certificate,
		};
		self.broadcast(at, Msg::Proposal { set_id, signer: at, round, proposal: proposal.clone() });
		let out = match self.peers[at].voter.on_proposal(round, proposal) {
			Ok(out) => out,
			Err(e) => panic!("seed {}: own proposal refused: {e:?}", self.seed),
		};
		self.handle(at, out);
	}

	/// Byzantine peer `at`, elected as billing peer `index` of `set`, proposes.
	fn byzantine_propose(
		&mut self,
		at: PeerId,
		round: Round,
		set: usize,
		index: VoterIndex,
		priority: u128,
	) {
		let (fin, _) = self.peers[at].byzantine.finalized;
		// A stale parent now and then: an attempt to fork below the final head.
		let parent =
			if self.rng.percent(20) && fin != GENESIS { self.chain.parent(fin) } else { fin };
		let n = self.chain.sets[set].n();
		let set_id = self.chain.sets[set].id;
		let mut proposals = Vec::new();
		// A certificate of this set it collected, re-proposed whatever its height.
		let collected = self.peers[at]
			.byzantine
			.prepares
			.iter()
			.rev()
			.find(|((_, _, s), (_, sigs))| *s == set && sigs.len() >= quorum(n))
			.map(|((r, b, _), (h, sigs))| (*r, *b, *h, sigs.clone()));
		if let (Some((cert_round, block, height, sigs)), true) = (collected, self.rng.percent(50)) {
			proposals.push(Proposal {
				block,
				parent: self.chain.parent(block),
				height,
				priority,
				proposer: index,
				certificate: Some(PrepareCertificate {
					round: cert_round,
					signatures: sigs.into_iter().take(quorum(n)).collect(),
				}),
			});
		}
		while proposals.len() < 2 {
			let block = self.new_block(parent);
			proposals.push(Proposal {
				block,
				parent,
				height: self.chain.height(block),
				priority,
				proposer: index,
				certificate: None,
			});
		}
		// The Byzantine peers collude: each honest peer gets one of the two blocks, and every
		// Byzantine peer prepares and tentatively commits, towards that peer, the block it got —
		// in the set that votes on it if it is a member, and in the last earlier set it was in.
		let byzantine: Vec<PeerId> =
			(0..self.pool()).filter(|i| self.peers[*i].kind == Kind::Byzantine).collect();
		for to in 0..self.pool() {
			if byzantine.contains(&to) {
				for proposal in &proposals {
					let msg =
						Msg::Proposal { set_id, signer: at, round, proposal: proposal.clone() };
					self.send(at, to, msg);
				}
				continue;
			}
			let proposal = proposals[self.rng.below(2) as usize].clone();
			let msg = Msg::Proposal { set_id, signer: at, round, proposal: proposal.clone() };
			self.send(at, to, msg);
			let voting_set = self.chain.voting_set(proposal.block);
			for &b in &byzantine {
				for (s, i) in self.byzantine_identities(b, voting_set) {
					let id = self.chain.sets[s].id;
					for kind in [VoteKind::Prepare, VoteKind::TentativeCommit] {
						if self.rng.percent(80) {
							let vote = Vote {
								kind,
								round,
								block: proposal.block,
								height: proposal.height,
								voter: i,
								signature: signed(b, id, i, kind, round, proposal.block),
							};
							if kind == VoteKind::Prepare {
								self.byzantine_record(b, &vote);
							}
							self.send(b, to, Msg::Vote(vote));
						}
					}
				}
			}
		}
	}

	fn byzantine_receive(&mut self, at: PeerId, msg: Msg) {
		match msg {
			Msg::Proposal { round, proposal, .. } => {
				let voting_set = self.chain.voting_set(proposal.block);
				for (s, i) in self.byzantine_identities(at, voting_set) {
					if self.rng.percent(70) {
						let kind = VoteKind::Prepare;
						let vote = Vote {
							kind,
							round,
							block: proposal.block,
							height: proposal.height,
							voter: i,
							signature: signed(
								at,
								self.chain.sets[s].id,
								i,
								kind,
								round,
								proposal.block,
							),
						};
						self.byzantine_record(at, &vote);
						self.scatter(at, Msg::Vote(vote));
					}
				}
			}
			Msg::Vote(vote) => {
				if vote.kind == VoteKind::Prepare {
					self.byzantine_record(at, &vote);
					let voting_set = self.chain.voting_set(vote.block);
					for (s, i) in self.byzantine_identities(at, voting_set) {
						if self.rng.percent(70) {
							let kind = VoteKind::TentativeCommit;
							let id = self.chain.sets[s].id;
							let tc = Vote {
								kind,
								voter: i,
								signature: signed(at, id, i, kind, vote.round, vote.block),
								..vote.clone()
							};
							self.scatter(at, Msg::Vote(tc));
						}
					}
				}
			}
			Msg::Lock { .. } => {}
			Msg::Commit(Justification { block, height, .. }) => {
				let known = &mut self.peers[at].byzantine.finalized;
				if height > known.1 {
					*known = (block, height);
				}
			}
		}
	}

	/// Keep a prepare that is valid in the set voting on its block, for a re-proposal.
	fn byzantine_record(&mut self, at: PeerId, vote: &Vote<Block, Sig>) {
		let set = self.chain.voting_set(vote.block);
		if !self.chain.sets[set].vote_valid(vote) {
			return;
		}
		let entry = self.peers[at]
			.byzantine
			.prepares
			.entry((vote.round, vote.block, set))
			.or_insert_with(|| (vote.height, BTreeMap::new()));
		entry.1.insert(vote.voter, vote.signature);
		// Keep the memory bounded: forget old rounds.
		let oldest = vote.round.saturating_sub(4);
		let prepares = &mut self.peers[at].byzantine.prepares;
		*prepares = prepares.split_off(&(oldest, 0, 0));
	}

	/// The set of `id` on the chain of peer `at`'s current set, current or earlier.
	fn set_on_chain(&self, at: PeerId, id: SetId) -> Option<usize> {
		let mut set = Some(self.peers[at].set);
		while let Some(s) = set {
			if self.chain.sets[s].id == id {
				return Some(s);
			}
			set = self.chain.sets[s].previous;
		}
		None
	}

	/// Honest peer `to` drops a message `signer` signed in set `set_id`, not its current one.
	fn dropped_other_set(&mut self, to: PeerId, signer: PeerId, set_id: SetId) {
		self.other_set_dropped += 1;
		if self.peers[signer].kind == Kind::Byzantine
			&& set_id < self.chain.sets[self.peers[to].set].id
		{
			self.old_set_attacks_dropped += 1;
		}
	}

	fn deliver(&mut self, to: PeerId, id: usize) {
		if !self.is_up(to) {
			return;
		}
		let msg = self.messages[id].clone();
		if self.peers[to].kind == Kind::Byzantine {
			return self.byzantine_receive(to, msg);
		}
		let retry_at = |round: Round| round * TICKS;
		let current = self.peers[to].set;
		let set = &self.chain.sets[current];
		match msg {
			Msg::Proposal { set_id, signer, round, proposal } => {
				// The gossip validator: of the current set and signed by its billing peer. The
				// worker: the election is checked against the set at the proposal's parent,
				// which must be the current one.
				if set_id != set.id {
					return self.dropped_other_set(to, signer, set_id);
				}
				let at_parent = &self.chain.sets[self.chain.set_after(proposal.parent)];
				if set.member(proposal.proposer) != Some(signer)
					|| at_parent.id != set_id
					|| at_parent.member(proposal.proposer) != Some(signer)
				{
					return;
				}
				if let Some(cert) = &proposal.certificate {
					if !set.certificate_valid(
						&cert.signatures,
						VoteKind::Prepare,
						cert.round,
						proposal.block,
					) {
						return;
					}
				}
				match self.peers[to].voter.on_proposal(round, proposal) {
					Ok(out) => self.handle(to, out),
					// Gossip keeps messages of a round not reached yet until it starts.
					Err(Rejected::FutureRound) => self.schedule(retry_at(round), to, id),
					Err(_) => {}
				}
			}
			Msg::Vote(vote) => {
				if vote.signature.set_id != set.id {
					self.dropped_other_set(to, vote.signature.signer, vote.signature.set_id);
					let past = match self.mutation {
						Some(Mutation::CountVotesOfPastSets) => {
							self.set_on_chain(to, vote.signature.set_id)
						}
						None => None,
					};
					if !past.is_some_and(|s| self.chain.sets[s].vote_valid(&vote)) {
						return;
					}
				} else if !set.vote_valid(&vote) {
					return;
				}
				let (round, block) = (vote.round, vote.block);
				match self.peers[to].voter.on_vote(vote) {
					Ok(out) => {
						if self.chain.voting_set(block) != current {
							self.votes_beyond_their_set_counted += 1;
						}
						self.handle(to, out)
					}
					Err(Rejected::FutureRound) => self.schedule(retry_at(round), to, id),
					Err(_) => {}
				}
			}
			Msg::Lock { set_id, block, height, certificate } => {
				if set_id != set.id {
					self.other_set_dropped += 1;
					return;
				}
				if set.certificate_valid(
					&certificate.signatures,
					VoteKind::Prepare,
					certificate.round,
					block,
				) {
					let _ = self.peers[to].voter.on_certificate(block, height, certificate);
				}
			}
			Msg::Commit(justification) => {
				// Checked against the set in force at the block, whatever the current set.
				let Justification { set_id, block, round, ref certificate, .. } = justification;
				let voting = &self.chain.sets[self.chain.voting_set(block)];
				let valid = set_id == voting.id
					&& is_canonical_certificate(certificate, voting.n())
					&& voting.certificate_valid(
						certificate,
						VoteKind::TentativeCommit,
						round,
						block,
					);
				if self.glue_justifications && set_id != set.id {
					self.other_set_dropped += 1;
					return;
				}
				if valid {
					self.adopt(to, justification);
				}
			}
		}
	}

	/// Peer `to` takes a valid justification: its block is final if above the finalized head.
	fn adopt(&mut self, to: PeerId, justification: Justification) {
		if justification.height <= self.peers[to].voter.finalized().1 {
			return;
		}
		self.peers[to].voter.on_finalized(justification.block, justification.height);
		self.finals.push((to, justification.block));
		self.justified.entry(justification.block).or_insert_with(|| justification.clone());
		self.peers[to].last_commit = Some(justification);
		self.follow_set_change(to);
	}

	/// The worker's `request_missing_justification`: when the best block known is more than
	/// [`FINALITY_LAG`] above the finalized head, sync fetches the justification of the best
	/// chain's block [`FINALITY_LAG`] below the best, if some peer stored one for that block.
	fn request_missing_justification(&mut self, at: PeerId) {
		let (fin, fin_height) = {
			let (b, h) = self.peers[at].voter.finalized();
			(*b, h)
		};
		let ancestor_at = |mut b: Block, h: Height| {
			while self.chain.height(b) > h {
				b = self.chain.parent(b);
			}
			b
		};
		let best = (0..self.chain.parent.len() as Block)
			.filter(|b| self.chain.height(*b) > fin_height && ancestor_at(*b, fin_height) == fin)
			.max_by_key(|b| (self.chain.height(*b), Reverse(*b)));
		let Some(best) = best else { return };
		let best_height = self.chain.height(best);
		if best_height <= fin_height + FINALITY_LAG {
			return;
		}
		let target = ancestor_at(best, best_height - FINALITY_LAG);
		if let Some(justification) = self.justified.get(&target).cloned() {
			self.adopt(at, justification);
		}
	}

	fn run_round(&mut self, round: Round) {
		for tick in 0..TICKS {
			self.now = round * TICKS + tick;
			if tick == 0 {
				self.start_round(round);
			}
			if tick == PROPOSAL_TICKS {
				for at in 0..self.pool() {
					// A voter started by a set change in this round sits it out.
					if self.is_up(at)
						&& self.is_honest(at)
						&& self.peers[at].joined_in != Some(round)
					{
						let out = self.peers[at].voter.end_proposal_stage(round);
						self.handle(at, out);
					}
				}
			}
			while let Some(Reverse((at, _, _, _))) = self.queue.peek() {
				if *at > self.now {
					break;
				}
				let Reverse((_, _, to, id)) = self.queue.pop().expect("peeked");
				self.deliver(to, id);
			}
		}
	}

	/// Every block any honest peer took as final lies on one chain, and nothing else broke.
	fn check_safety(&self) -> Result<(), String> {
		if let Some(violation) = self.violations.first() {
			return Err(violation.clone());
		}
		self.check_one_chain()
	}

	/// Every block any honest peer took as final lies on one chain.
	fn check_one_chain(&self) -> Result<(), String> {
		let mut final_at: BTreeMap<Height, Block> = BTreeMap::new();
		for (peer, block) in &self.finals {
			let mut b = *block;
			loop {
				let h = self.chain.height(b);
				match final_at.get(&h) {
					Some(other) if *other != b => {
						return Err(format!(
							"seed {}: peer {peer} finalized block {block}, whose ancestor at \
							 height {h} is {b}, but {other} is final there",
							self.seed
						))
					}
					Some(_) => break,
					None => {
						final_at.insert(h, b);
					}
				}
				if b == GENESIS {
					break;
				}
				b = self.chain.parent(b);
			}
		}
		Ok(())
	}

	/// The finalized heads of the honest peers (billing peers or observers).
	fn honest_heads(&self) -> Vec<(Block, Height)> {
		(0..self.pool())
			.filter(|i| self.is_honest(*i))
			.map(|i| {
				let (b, h) = self.peers[i].voter.finalized();
				(*b, h)
			})
			.collect()
	}
}

/// What a run ended with.
struct Outcome {
	/// The finalized heights of the honest peers.
	heights: Vec<Height>,
	/// The set changes on the chain up to the lowest honest finalized head.
	set_changes: SetId,
	/// Of those, the ones made final in the timely phase.
	timely_set_changes: SetId,
	/// How many times honest peers started over with a new set.
	switches: u64,
	/// How many times honest peers became billing peers again after sitting a set out.
	rejoins: u64,
	/// Proposals, votes and locks of another set id that honest peers dropped.
	other_set_dropped: u64,
	/// Of those, the ones Byzantine peers signed as an older set than the receiver's.
	old_set_attacks_dropped: u64,
	/// Old-set votes of Byzantine peers for blocks beyond the change that a peer still in the
	/// old set counted.
	votes_beyond_their_set_counted: u64,
	/// Crashed peers that restarted on a set older than the newest one honest peers were in.
	restarts_behind_a_change: u64,
}

/// Run one scenario with one seed, asserting safety after every round and liveness at the end.
fn run(scenario: &Scenario, seed: u64) -> Outcome {
	try_run(scenario, seed, |_| {}).unwrap_or_else(|e| panic!("{e}"))
}

/// Run one scenario with one seed on a simulation `configure` may alter: the first safety
/// violation (checked after every round) or liveness failure (at the end), or the outcome.
fn try_run(
	scenario: &Scenario,
	seed: u64,
	configure: impl FnOnce(&mut Sim),
) -> Result<Outcome, String> {
	let mut sim = Sim::new(scenario, seed);
	configure(&mut sim);
	let last_hostile = scenario.hostile_rounds;
	for round in 1..=last_hostile {
		if let (weather, Some(other)) = sim.hostile {
			sim.weather = if sim.rng.percent(30) { weather } else { other };
		}
		sim.run_round(round);
		sim.check_safety()?;
	}
	sim.weather = TIMELY;
	// Messages still in flight from the hostile phase keep their delays: the network heals, it
	// does not forget.
	let (heal_head, at_heal) =
		sim.honest_heads().into_iter().max_by_key(|(_, h)| *h).unwrap_or((GENESIS, 0));
	let end = last_hostile + scenario.timely_rounds;
	for round in last_hostile + 1..=end {
		sim.run_round(round);
		sim.check_safety()?;
	}
	let heads = sim.honest_heads();
	let heights: Vec<Height> = heads.iter().map(|(_, h)| *h).collect();
	let Some((lowest, least)) = heads.iter().min_by_key(|(_, h)| *h).copied() else {
		return Err(format!("seed {seed}: no honest peer"));
	};
	let most = heights.iter().max().copied().unwrap_or(least);
	if least < at_heal + 5 {
		return Err(format!(
			"seed {seed}: no progress once the network behaved: heights {heights:?}, {at_heal} \
			 at heal"
		));
	}
	if most - least > 1 {
		return Err(format!("seed {seed}: honest peers far apart: {heights:?}"));
	}
	let byzantine = scenario.kinds.iter().filter(|k| **k == Kind::Byzantine).count();
	if byzantine == 0 && sim.equivocations_reported > 0 {
		return Err(format!("seed {seed}: equivocations reported without a Byzantine peer"));
	}
	let set_changes = sim.chain.changes_up_to(lowest);
	Ok(Outcome {
		heights,
		set_changes,
		timely_set_changes: set_changes - sim.chain.changes_up_to(heal_head),
		switches: sim.switches,
		rejoins: sim.rejoins,
		other_set_dropped: sim.other_set_dropped,
		old_set_attacks_dropped: sim.old_set_attacks_dropped,
		votes_beyond_their_set_counted: sim.votes_beyond_their_set_counted,
		restarts_behind_a_change: sim.restarts_behind_a_change,
	})
}

/// The per-peer election probability (percent, rounded up) that gives ≈ 99 % of rounds at least
/// one proposer among `n`: `1 − 0.01^(1/n)`.
fn election_percent(n: usize) -> u64 {
	((1.0 - 0.01f64.powf(1.0 / n as f64)) * 100.0).ceil() as u64
}

/// A hostile network drawn for a seed.
fn hostile_weather(rng: &mut Rng, pool: usize) -> Weather {
	let partition = rng.percent(30).then_some(pool / 2);
	Weather {
		max_delay: 1 + rng.below(3 * TICKS),
		drop_percent: rng.below(40),
		duplicate_percent: rng.below(30),
		partition,
	}
}

/// A peer down for a while within the first `hostile_rounds`.
fn crashing(rng: &mut Rng, hostile_rounds: Round) -> Kind {
	let down = 1 + rng.below(hostile_rounds - 2);
	Kind::Crashing(down, down + 1 + rng.below(hostile_rounds - down))
}

/// The scenario of a seed: which peers are faulty and how, and how hostile the network is first.
fn scenario(n: usize, seed: u64) -> Scenario {
	let mut rng = Rng::new(seed ^ 0xA5A5_A5A5);
	let f = max_faulty(n);
	let mut kinds = vec![Kind::Honest; n];
	let hostile_rounds = 8 + rng.below(12);
	// Faulty peers sit at random places, so that they are sometimes the best proposers.
	let mut order: Vec<usize> = (0..n).collect();
	rng.shuffle(&mut order);
	let partition = rng.percent(30).then_some(n / 2);
	match seed % 4 {
		// Normal operation, all honest (still through the hostile network first).
		0 => {}
		1 => {
			for &i in &order[..f] {
				kinds[i] = Kind::Silent;
			}
		}
		2 => {
			for &i in &order[..f] {
				kinds[i] = Kind::Byzantine;
			}
		}
		_ => {
			for &i in &order[..f - 1] {
				kinds[i] = Kind::Byzantine;
			}
			kinds[order[f - 1]] = crashing(&mut rng, hostile_rounds);
		}
	}
	let hostile = Weather {
		max_delay: 1 + rng.below(3 * TICKS),
		drop_percent: rng.below(40),
		duplicate_percent: rng.below(30),
		partition,
	};
	Scenario::fixed(kinds, hostile_rounds, 30, hostile)
}

/// The set-change scenario of a seed: a pool of 10 to 13 peers with up to four faulty ones
/// (none, silent, Byzantine, or a mix with at least one crashing, by `seed % 4`), sets of 4 to 10
/// drawn at random, a change every 2 to 4 heights, and a hostile network first.
fn set_change_scenario(seed: u64) -> Scenario {
	let mut rng = Rng::new(seed ^ 0x5E7C_4A6E);
	let pool = 10 + rng.below(4) as usize;
	let hostile_rounds = 10 + rng.below(16);
	let faulty = if seed.is_multiple_of(4) { 0 } else { 1 + rng.below(4) as usize };
	let mut order: Vec<PeerId> = (0..pool).collect();
	rng.shuffle(&mut order);
	let mut kinds = vec![Kind::Honest; pool];
	for (k, &i) in order[..faulty].iter().enumerate() {
		kinds[i] = match seed % 4 {
			1 => Kind::Silent,
			2 => Kind::Byzantine,
			_ if k == 0 => crashing(&mut rng, hostile_rounds),
			_ => match rng.below(3) {
				0 => Kind::Silent,
				1 => Kind::Byzantine,
				_ => crashing(&mut rng, hostile_rounds),
			},
		};
	}
	let changes = SetChanges { every: 2 + rng.below(3), sizes: (4, 10) };
	let genesis_set = draw_set(&mut rng, &kinds, changes.sizes);
	let hostile = hostile_weather(&mut rng, pool);
	// Gusts: messages lost, duplicated and reordered, but the rest within a few ticks.
	let gusts = Weather {
		max_delay: 1 + rng.below(4),
		drop_percent: rng.below(12),
		duplicate_percent: rng.below(30),
		partition: None,
	};
	Scenario {
		kinds,
		genesis_set,
		changes: Some(changes),
		hostile_rounds,
		timely_rounds: 30,
		hostile,
		hostile_too: Some(gusts),
		election_percent: None,
	}
}

fn many_seeds(n: usize, seeds: std::ops::Range<u64>) {
	let mut progress = 0u64;
	for seed in seeds.clone() {
		let outcome = run(&scenario(n, seed), seed);
		progress += outcome.heights[0];
	}
	// On average a block is final in most rounds (30 timely rounds after 8–19 hostile ones).
	let runs = seeds.end - seeds.start;
	assert!(progress / runs >= 15, "n = {n}: only {} blocks a run on average", progress / runs);
}

#[test]
fn four_billing_peers_stay_safe_and_live_over_1000_seeds() {
	many_seeds(4, 0..1000);
}

#[test]
fn seven_billing_peers_stay_safe_and_live_over_1000_seeds() {
	many_seeds(7, 0..1000);
}

#[test]
fn ten_billing_peers_stay_safe_and_live_over_1000_seeds() {
	many_seeds(10, 0..1000);
}

#[test]
fn the_election_probability_leaves_about_one_round_in_a_hundred_without_proposer() {
	for n in [4usize, 7, 10, 21] {
		let q = election_percent(n) as f64 / 100.0;
		let empty = (1.0 - q).powi(n as i32);
		assert!(empty <= 0.01 && empty > 0.002, "n = {n}: {empty}");
	}
}

#[test]
fn more_than_f_byzantine_peers_can_break_safety_so_the_checker_is_not_blind() {
	// With f + 1 Byzantine peers of 4 (2 of 4), quorums no longer intersect in an honest peer:
	// the checker must find a conflict for some seed, or it proves nothing.
	let n = 4;
	let mut broken = 0;
	for seed in 0..300u64 {
		let mut kinds = vec![Kind::Honest; n];
		kinds[0] = Kind::Byzantine;
		kinds[1] = Kind::Byzantine;
		let mut scenario = Scenario::fixed(kinds, 20, 0, TIMELY);
		scenario.election_percent = Some(80);
		let mut sim = Sim::new(&scenario, seed);
		for round in 1..=scenario.hostile_rounds {
			sim.run_round(round);
		}
		if sim.check_one_chain().is_err() {
			broken += 1;
		}
	}
	assert!(broken > 0, "two Byzantine peers of four never broke safety: the checker is blind");
}

#[test]
fn a_crashed_peer_restarts_from_its_persisted_state_and_catches_up() {
	let n = 4;
	let mut kinds = vec![Kind::Honest; n];
	kinds[2] = Kind::Crashing(3, 9);
	let scenario = Scenario::fixed(kinds, 10, 30, TIMELY);
	for seed in 0..50 {
		let heights = run(&scenario, seed).heights;
		assert!(heights.iter().all(|h| *h >= 20), "seed {seed}: {heights:?}");
	}
}

#[test]
fn set_changes_every_few_blocks_stay_safe_and_live_over_1000_seeds() {
	let seeds = 0..1000u64;
	let runs = seeds.end - seeds.start;
	let mut total = Outcome {
		heights: Vec::new(),
		set_changes: 0,
		timely_set_changes: 0,
		switches: 0,
		rejoins: 0,
		other_set_dropped: 0,
		old_set_attacks_dropped: 0,
		votes_beyond_their_set_counted: 0,
		restarts_behind_a_change: 0,
	};
	let (mut progress, mut hostile_changes, mut runs_with_hostile_changes) = (0, 0, 0);
	for seed in seeds {
		let outcome = run(&set_change_scenario(seed), seed);
		// Several changes made final while the network behaved, besides liveness itself.
		assert!(
			outcome.timely_set_changes >= 2,
			"seed {seed}: only {} set changes in the timely phase",
			outcome.timely_set_changes
		);
		progress += outcome.heights.iter().min().copied().unwrap_or(0);
		let hostile = outcome.set_changes - outcome.timely_set_changes;
		hostile_changes += hostile;
		runs_with_hostile_changes += u64::from(hostile > 0);
		total.set_changes += outcome.set_changes;
		total.switches += outcome.switches;
		total.rejoins += outcome.rejoins;
		total.other_set_dropped += outcome.other_set_dropped;
		total.old_set_attacks_dropped += outcome.old_set_attacks_dropped;
		total.votes_beyond_their_set_counted += outcome.votes_beyond_their_set_counted;
		total.restarts_behind_a_change += outcome.restarts_behind_a_change;
	}
	// The run is not vacuous: the sets changed often, also while the network misbehaved; peers
	// left sets and came back; Byzantine peers used old-set signatures, which peers that had
	// moved on dropped and peers still in the old set counted; crashed peers came back behind a
	// change.
	let report = format!(
		"{} blocks, {} set changes ({} in the hostile phase, in {runs_with_hostile_changes} \
		 runs) and {} set switches of honest peers a run on average; {} rejoins, {} old-set \
		 attacks dropped, {} old-set votes beyond a change counted, {} restarts behind a change \
		 in all",
		progress as f64 / runs as f64,
		total.set_changes as f64 / runs as f64,
		hostile_changes as f64 / runs as f64,
		total.switches as f64 / runs as f64,
		total.rejoins,
		total.old_set_attacks_dropped,
		total.votes_beyond_their_set_counted,
		total.restarts_behind_a_change,
	);
	println!("{report}");
	assert!(progress / runs >= 20, "{report}");
	assert!(total.set_changes / runs >= 8, "{report}");
	assert!(runs_with_hostile_changes >= runs / 2, "{report}");
	assert!(total.rejoins > 0, "{report}");
	assert!(total.old_set_attacks_dropped > 0, "{report}");
	assert!(total.votes_beyond_their_set_counted > 0, "{report}");
	assert!(total.restarts_behind_a_change > 0, "{report}");
}

/// Three Byzantine peers in a pool of seven, sets of four with at most one of them (`f = 1`), a
/// change every two blocks, a timely network and frequent elections.
fn rotating_byzantine_scenario(seed: u64) -> Scenario {
	let mut kinds = vec![Kind::Honest; 7];
	for kind in &mut kinds[..3] {
		*kind = Kind::Byzantine;
	}
	let changes = SetChanges { every: 2, sizes: (4, 4) };
	let genesis_set = draw_set(&mut Rng::new(seed ^ 0xB1_2A47), &kinds, changes.sizes);
	Scenario {
		kinds,
		genesis_set,
		changes: Some(changes),
		hostile_rounds: 20,
		timely_rounds: 0,
		hostile: TIMELY,
		hostile_too: None,
		election_percent: Some(80),
	}
}

#[test]
fn counting_votes_of_past_sets_breaks_safety_so_the_set_checks_matter() {
	// Every set holds at most one Byzantine peer of four, and the runs are safe. Were a vote
	// checked against the set it names (as equivocation proofs are) and counted in the current
	// set, the Byzantine peers rotated out would vote again under their old indices — more than
	// f of the current set — and the checker must see forks.
	let mut forks = 0;
	for seed in 0..100u64 {
		let scenario = rotating_byzantine_scenario(seed);
		let mut sim = Sim::new(&scenario, seed);
		for round in 1..=scenario.hostile_rounds {
			sim.run_round(round);
		}
		sim.check_safety().unwrap_or_else(|e| panic!("{e}"));

		let mut sim = Sim::new(&scenario, seed);
		sim.mutation = Some(Mutation::CountVotesOfPastSets);
		for round in 1..=scenario.hostile_rounds {
			sim.run_round(round);
		}
		if sim.check_one_chain().is_err() {
			forks += 1;
		}
	}
	assert!(forks > 0, "votes of past sets never broke safety: the checker is blind to them");
}

#[test]
fn peers_rotated_out_and_back_in_vote_again() {
	// Five honest peers, sets of four: each change leaves one of them out, often one that was out
	// before.
	for seed in 0..20 {
		let changes = SetChanges { every: 2, sizes: (4, 4) };
		let kinds = vec![Kind::Honest; 5];
		let genesis_set = draw_set(&mut Rng::new(seed), &kinds, changes.sizes);
		let scenario = Scenario {
			kinds,
			genesis_set,
			changes: Some(changes),
			hostile_rounds: 10,
			timely_rounds: 30,
			hostile: TIMELY,
			hostile_too: None,
			election_percent: None,
		};
		let outcome = run(&scenario, seed);
		assert!(outcome.rejoins >= 3, "seed {seed}: {} rejoins", outcome.rejoins);
		assert!(outcome.set_changes >= 10, "seed {seed}: {} set changes", outcome.set_changes);
		assert!(outcome.heights.iter().all(|h| *h >= 25), "seed {seed}: {:?}", outcome.heights);
	}
}

#[test]
fn a_peer_down_across_set_changes_restarts_on_its_old_set_and_catches_up() {
	// Peer 2 is down from round 3 to round 12 while the set changes every two blocks; it comes
	// back on the set of its stored finalized head, several sets behind.
	let mut kinds = vec![Kind::Honest; 6];
	kinds[2] = Kind::Crashing(3, 12);
	for seed in 0..20 {
		let changes = SetChanges { every: 2, sizes: (4, 5) };
		let genesis_set = draw_set(&mut Rng::new(seed), &kinds, changes.sizes);
		let scenario = Scenario {
			kinds: kinds.clone(),
			genesis_set,
			changes: Some(changes),
			hostile_rounds: 14,
			timely_rounds: 30,
			hostile: TIMELY,
			hostile_too: None,
			election_percent: None,
		};
		let outcome = run(&scenario, seed);
		assert_eq!(outcome.restarts_behind_a_change, 1, "seed {seed}");
		assert!(outcome.heights.iter().all(|h| *h >= 25), "seed {seed}: {:?}", outcome.heights);
	}
}

#[test]
fn justifications_kept_within_their_set_stall_the_chain_after_a_change() {
	// Peers 0..=3 and 4..=7 are cut apart for the first rounds; the genesis set [0, 1, 2, 7]
	// finalizes blocks 1 and 2 on one side, and block 2 brings the next set. The other side holds
	// the blocks (the simulated chain reaches everyone, as blocks imported before the cut would)
	// but none of their justifications.
	//
	// With justifications taken whatever the receiver's set (the model), everyone catches up once
	// the network heals. Moved only as the glue moves them today — gossip of the set they were
	// made in, forgotten when the worker starts a new set, sync requests only beyond a lag of 3
	// blocks — the far side stays in the genesis set for good and the new set, which needs it for
	// a quorum, never finalizes anything: no block is built above the finalized head's child, so
	// the lag never exceeds 2.
	for seed in 0..5 {
		let scenario = Scenario {
			kinds: vec![Kind::Honest; 8],
			genesis_set: vec![0, 1, 2, 7],
			changes: Some(SetChanges { every: 2, sizes: (4, 8) }),
			hostile_rounds: 8,
			timely_rounds: 30,
			hostile: Weather { partition: Some(4), ..TIMELY },
			hostile_too: None,
			election_percent: None,
		};
		run(&scenario, seed);
		match try_run(&scenario, seed, |sim| sim.glue_justifications = true) {
			Err(e) => assert!(e.contains("no progress"), "{e}"),
			Ok(outcome) => panic!("seed {seed}: no stall: {:?}", outcome.heights),
		}
	}
}

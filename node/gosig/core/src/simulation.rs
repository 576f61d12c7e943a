//! `n` billing peers on an in-memory network driven by a seeded random scheduler.
//!
//! Each run has a hostile phase — messages delayed by up to several rounds, dropped, duplicated
//! and reordered, and in some runs a partition of the peers into two halves — followed by a timely
//! phase in which every message arrives within the stage it was sent in (still duplicated and
//! reordered). Up to `f` peers are faulty:
//!
//! - **silent**: crashed for good, they send and receive nothing;
//! - **crashing**: down for some rounds of the hostile phase, then restarted from what they
//!   persisted ([`Voter::persisted`]) and their stored finalized head;
//! - **Byzantine**: when elected they propose two different blocks (one to each half of the
//!   peers, sometimes on a stale parent, sometimes re-proposing a certificate they collected);
//!   they prepare every proposal and tentatively commit every block they see prepared, each to a
//!   random subset of the peers.
//!
//! After every run it asserts:
//!
//! - **safety**: every block committed or adopted as final by any honest peer lies on one chain —
//!   never two different final blocks at one height; and no honest peer is ever reported as an
//!   equivocator;
//! - **liveness**: in the timely phase every honest peer's finalized head advances by several
//!   blocks, and at the end all honest peers agree within one block.
//!
//! The signatures are unforgeable markers (`Sig`): a faulty peer can only sign as itself.

use super::*;
use std::{cmp::Reverse, collections::BinaryHeap};

type Block = u32;

/// An unforgeable signature: who signed what.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Sig {
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
}

/// Every block ever made, as block sync would deliver them: parent and height by block id.
struct Chain {
	parent: Vec<Block>,
	height: Vec<Height>,
}

impl Chain {
	fn new() -> Self {
		Self { parent: vec![GENESIS], height: vec![0] }
	}
	fn child_of(&mut self, parent: Block) -> Block {
		let id = self.parent.len() as Block;
		self.parent.push(parent);
		self.height.push(self.height[parent as usize] + 1);
		id
	}
	fn height(&self, b: Block) -> Height {
		self.height[b as usize]
	}
	fn parent(&self, b: Block) -> Block {
		self.parent[b as usize]
	}
}

#[derive(Clone, Debug)]
enum Msg {
	Proposal {
		round: Round,
		proposal: Proposal<Block, Sig>,
	},
	Vote(Vote<Block, Sig>),
	/// A peer's lock, announced at the start of each round.
	Lock {
		block: Block,
		height: Height,
		certificate: PrepareCertificate<Sig>,
	},
	/// A justification, as block sync or commit gossip carries it.
	Commit {
		block: Block,
		height: Height,
		round: Round,
		certificate: Certificate<Sig>,
	},
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
	Honest,
	Silent,
	/// Down from the first round to (not including) the second.
	Crashing(Round, Round),
	Byzantine,
}

#[derive(Default)]
struct ByzantineState {
	/// Prepares seen, by (round, block): the height and the signatures.
	prepares: BTreeMap<(Round, Block), (Height, BTreeMap<VoterIndex, Sig>)>,
	/// The highest final block it heard of.
	finalized: (Block, Height),
}

struct Peer {
	kind: Kind,
	voter: Voter<Block, Sig>,
	/// The latest justification this peer holds, re-announced every round.
	last_commit: Option<(Block, Height, Round, Certificate<Sig>)>,
	/// What a crashing peer wrote to disk before going down.
	saved: Option<(Persisted<Block, Sig>, Block, Height)>,
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

struct Scenario {
	n: usize,
	kinds: Vec<Kind>,
	hostile_rounds: Round,
	timely_rounds: Round,
	hostile: Weather,
	/// The per-peer election probability in percent.
	election_percent: u64,
}

struct Sim {
	seed: u64,
	rng: Rng,
	chain: Chain,
	peers: Vec<Peer>,
	n: usize,
	now: u64,
	weather: Weather,
	queue: BinaryHeap<Reverse<(u64, u64, usize, usize)>>,
	messages: Vec<Msg>,
	seq: u64,
	/// Every block committed or adopted as final by an honest peer: (peer, block).
	finals: Vec<(usize, Block)>,
	equivocations_reported: usize,
}

fn signed(voter: VoterIndex, kind: VoteKind, round: Round, block: Block) -> Sig {
	Sig { voter, kind, round, block }
}

fn certificate_valid(
	certificate: &[(VoterIndex, Sig)],
	kind: VoteKind,
	round: Round,
	block: Block,
) -> bool {
	certificate.iter().all(|(i, s)| *s == signed(*i, kind, round, block))
}

impl Sim {
	fn new(scenario: &Scenario, seed: u64) -> Self {
		let n = scenario.n;
		let peers = (0..n)
			.map(|i| Peer {
				kind: scenario.kinds[i],
				voter: Voter::new(n, Some(i as VoterIndex), 0, GENESIS, 0),
				last_commit: None,
				saved: None,
				byzantine: ByzantineState::default(),
			})
			.collect();
		Self {
			seed,
			rng: Rng::new(seed),
			chain: Chain::new(),
			peers,
			n,
			now: 0,
			weather: scenario.hostile,
			queue: BinaryHeap::new(),
			messages: Vec::new(),
			seq: 0,
			finals: Vec::new(),
			equivocations_reported: 0,
		}
	}

	fn round(&self) -> Round {
		self.now / TICKS
	}

	fn is_up(&self, i: usize) -> bool {
		match self.peers[i].kind {
			Kind::Honest | Kind::Byzantine => true,
			Kind::Silent => false,
			Kind::Crashing(from, to) => !(from..to).contains(&self.round()),
		}
	}

	fn is_honest(&self, i: usize) -> bool {
		!matches!(self.peers[i].kind, Kind::Byzantine | Kind::Silent)
	}

	fn schedule(&mut self, at: u64, to: usize, msg: usize) {
		self.seq += 1;
		self.queue.push(Reverse((at, self.seq, to, msg)));
	}

	fn send(&mut self, from: usize, to: usize, msg: Msg) {
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

	fn broadcast(&mut self, from: usize, msg: Msg) {
		for to in 0..self.n {
			self.send(from, to, msg.clone());
		}
	}

	/// Send to a random subset (Byzantine peers only).
	fn scatter(&mut self, from: usize, msg: Msg) {
		for to in 0..self.n {
			if self.rng.percent(50) {
				self.send(from, to, msg.clone());
			}
		}
	}

	/// Carry out what honest peer `at`'s state machine answered.
	fn handle(&mut self, at: usize, outputs: Vec<Output<Block, Sig>>) {
		let mut pending = outputs;
		while let Some(output) = pending.pop() {
			match output {
				Output::Vote { kind, round, block, height } => {
					let me = at as VoterIndex;
					let vote = Vote {
						kind,
						round,
						block,
						height,
						voter: me,
						signature: signed(me, kind, round, block),
					};
					self.broadcast(at, Msg::Vote(vote.clone()));
					match self.peers[at].voter.on_vote(vote) {
						Ok(more) => pending.extend(more),
						Err(e) => panic!("seed {}: own vote rejected: {e:?}", self.seed),
					}
				}
				Output::Commit { round, block, height, certificate } => {
					self.finals.push((at, block));
					let newer =
						self.peers[at].last_commit.as_ref().is_none_or(|(_, h, _, _)| *h < height);
					if newer {
						self.peers[at].last_commit =
							Some((block, height, round, certificate.clone()));
						self.broadcast(at, Msg::Commit { block, height, round, certificate });
					}
				}
				Output::Equivocation { first, second } => {
					assert_ne!(first.block, second.block);
					let offender = first.voter as usize;
					assert_eq!(
						self.peers[offender].kind,
						Kind::Byzantine,
						"seed {}: honest peer {offender} reported as equivocating",
						self.seed
					);
					self.equivocations_reported += 1;
				}
				Output::ProposalEquivocation { proposer, .. } => {
					assert_eq!(
						self.peers[proposer as usize].kind,
						Kind::Byzantine,
						"seed {}: honest proposer {proposer} reported as equivocating",
						self.seed
					);
					self.equivocations_reported += 1;
				}
			}
		}
	}

	fn start_round(&mut self, round: Round, election_percent: u64) {
		for at in 0..self.n {
			if let Kind::Crashing(from, to) = self.peers[at].kind {
				if round == from {
					// Crash: what the glue wrote to disk survives, the rest is lost.
					let peer = &mut self.peers[at];
					let (fin, h) = peer.voter.finalized();
					peer.saved = Some((peer.voter.persisted(), *fin, h));
				}
				if round == to {
					let (persisted, fin, h) = self.peers[at].saved.take().expect("saved at crash");
					let mut voter = Voter::new(self.n, Some(at as VoterIndex), round, fin, h);
					voter.restore(persisted);
					self.peers[at].voter = voter;
				}
			}
			if !self.is_up(at) {
				continue;
			}
			let elected = self.rng.percent(election_percent);
			let priority = self.rng.priority();
			if self.peers[at].kind == Kind::Byzantine {
				if elected {
					self.byzantine_propose(at, round, priority);
				}
				continue;
			}
			self.peers[at].voter.start_round(round);
			if let Some(lock) = self.peers[at].voter.lock().cloned() {
				let certificate = lock.prepare_certificate();
				self.broadcast(
					at,
					Msg::Lock { block: lock.block, height: lock.height, certificate },
				);
			}
			if let Some((block, height, round, certificate)) = self.peers[at].last_commit.clone() {
				self.broadcast(at, Msg::Commit { block, height, round, certificate });
			}
			if elected {
				self.honest_propose(at, round, priority);
			}
		}
	}

	fn honest_propose(&mut self, at: usize, round: Round, priority: u128) {
		let voter = &self.peers[at].voter;
		let (fin, fin_height) = voter.finalized();
		let fin = *fin;
		// Re-propose the locked block if it extends the finalized head, else a new child of it.
		let (block, certificate) = match voter.lock() {
			Some(lock) if lock.height == fin_height + 1 && self.chain.parent(lock.block) == fin => {
				(lock.block, Some(lock.prepare_certificate()))
			}
			_ => (self.chain.child_of(fin), None),
		};
		let proposal = Proposal {
			block,
			parent: fin,
			height: self.chain.height(block),
			priority,
			proposer: at as VoterIndex,
			certificate,
		};
		self.broadcast(at, Msg::Proposal { round, proposal: proposal.clone() });
		let out = self.peers[at].voter.on_proposal(round, proposal).expect("own proposal");
		self.handle(at, out);
	}

	fn byzantine_propose(&mut self, at: usize, round: Round, priority: u128) {
		let (fin, _) = self.peers[at].byzantine.finalized;
		// A stale parent now and then: an attempt to fork below the final head.
		let parent =
			if self.rng.percent(20) && fin != GENESIS { self.chain.parent(fin) } else { fin };
		let mut proposals = Vec::new();
		// A certificate it collected, re-proposed whatever its height.
		let collected = self.peers[at]
			.byzantine
			.prepares
			.iter()
			.rev()
			.find(|(_, (_, sigs))| sigs.len() >= quorum(self.n))
			.map(|((r, b), (h, sigs))| (*r, *b, *h, sigs.clone()));
		if let (Some((cert_round, block, height, sigs)), true) = (collected, self.rng.percent(50)) {
			proposals.push(Proposal {
				block,
				parent: self.chain.parent(block),
				height,
				priority,
				proposer: at as VoterIndex,
				certificate: Some(PrepareCertificate {
					round: cert_round,
					signatures: sigs.into_iter().take(quorum(self.n)).collect(),
				}),
			});
		}
		while proposals.len() < 2 {
			let block = self.chain.child_of(parent);
			proposals.push(Proposal {
				block,
				parent,
				height: self.chain.height(block),
				priority,
				proposer: at as VoterIndex,
				certificate: None,
			});
		}
		// The Byzantine peers collude: each honest peer gets one of the two blocks, and every
		// Byzantine peer prepares and tentatively commits, towards that peer, the block it got.
		let byzantine: Vec<usize> =
			(0..self.n).filter(|i| self.peers[*i].kind == Kind::Byzantine).collect();
		for to in 0..self.n {
			if byzantine.contains(&to) {
				for proposal in &proposals {
					self.send(at, to, Msg::Proposal { round, proposal: proposal.clone() });
				}
				continue;
			}
			let proposal = proposals[self.rng.below(2) as usize].clone();
			self.send(at, to, Msg::Proposal { round, proposal: proposal.clone() });
			for &b in &byzantine {
				let me = b as VoterIndex;
				for kind in [VoteKind::Prepare, VoteKind::TentativeCommit] {
					if self.rng.percent(80) {
						let vote = Vote {
							kind,
							round,
							block: proposal.block,
							height: proposal.height,
							voter: me,
							signature: signed(me, kind, round, proposal.block),
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

	fn byzantine_receive(&mut self, at: usize, msg: Msg) {
		let me = at as VoterIndex;
		match msg {
			Msg::Proposal { round, proposal } => {
				if self.rng.percent(70) {
					let vote = Vote {
						kind: VoteKind::Prepare,
						round,
						block: proposal.block,
						height: proposal.height,
						voter: me,
						signature: signed(me, VoteKind::Prepare, round, proposal.block),
					};
					self.byzantine_record(at, &vote);
					self.scatter(at, Msg::Vote(vote));
				}
			}
			Msg::Vote(vote) => {
				if vote.kind == VoteKind::Prepare {
					self.byzantine_record(at, &vote);
					if self.rng.percent(70) {
						let tc = Vote {
							kind: VoteKind::TentativeCommit,
							voter: me,
							signature: signed(
								me,
								VoteKind::TentativeCommit,
								vote.round,
								vote.block,
							),
							..vote
						};
						self.scatter(at, Msg::Vote(tc));
					}
				}
			}
			Msg::Lock { .. } => {}
			Msg::Commit { block, height, .. } => {
				let known = &mut self.peers[at].byzantine.finalized;
				if height > known.1 {
					*known = (block, height);
				}
			}
		}
	}

	fn byzantine_record(&mut self, at: usize, vote: &Vote<Block, Sig>) {
		let entry = self.peers[at]
			.byzantine
			.prepares
			.entry((vote.round, vote.block))
			.or_insert_with(|| (vote.height, BTreeMap::new()));
		entry.1.insert(vote.voter, vote.signature);
		// Keep the memory bounded: forget old rounds.
		let oldest = vote.round.saturating_sub(4);
		let prepares = &mut self.peers[at].byzantine.prepares;
		*prepares = prepares.split_off(&(oldest, 0));
	}

	fn deliver(&mut self, to: usize, id: usize) {
		if !self.is_up(to) {
			return;
		}
		let msg = self.messages[id].clone();
		if self.peers[to].kind == Kind::Byzantine {
			return self.byzantine_receive(to, msg);
		}
		let retry_at = |round: Round| round * TICKS;
		match msg {
			Msg::Proposal { round, proposal } => {
				if let Some(cert) = &proposal.certificate {
					if !certificate_valid(
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
				assert_eq!(vote.signature, signed(vote.voter, vote.kind, vote.round, vote.block));
				let round = vote.round;
				match self.peers[to].voter.on_vote(vote) {
					Ok(out) => self.handle(to, out),
					Err(Rejected::FutureRound) => self.schedule(retry_at(round), to, id),
					Err(_) => {}
				}
			}
			Msg::Lock { block, height, certificate } => {
				if certificate_valid(
					&certificate.signatures,
					VoteKind::Prepare,
					certificate.round,
					block,
				) {
					let _ = self.peers[to].voter.on_certificate(block, height, certificate);
				}
			}
			Msg::Commit { block, height, round, certificate } => {
				let valid =
					certificate_valid(&certificate, VoteKind::TentativeCommit, round, block)
						&& self.peers[to].voter.is_quorum(&certificate);
				if valid && height > self.peers[to].voter.finalized().1 {
					self.peers[to].voter.on_finalized(block, height);
					self.finals.push((to, block));
					self.peers[to].last_commit = Some((block, height, round, certificate));
				}
			}
		}
	}

	fn run_round(&mut self, round: Round, election_percent: u64) {
		for tick in 0..TICKS {
			self.now = round * TICKS + tick;
			if tick == 0 {
				self.start_round(round, election_percent);
			}
			if tick == PROPOSAL_TICKS {
				for at in 0..self.n {
					if self.is_up(at) && self.is_honest(at) {
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

	/// Every block any honest peer took as final lies on one chain.
	fn check_safety(&self) -> Result<(), String> {
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

	fn honest_heights(&self) -> Vec<Height> {
		(0..self.n)
			.filter(|i| self.is_honest(*i))
			.map(|i| self.peers[i].voter.finalized().1)
			.collect()
	}
}

/// Run one scenario with one seed; returns the finalized heights of the honest peers at the end.
fn run(scenario: &Scenario, seed: u64) -> Vec<Height> {
	let mut sim = Sim::new(scenario, seed);
	let last_hostile = scenario.hostile_rounds;
	for round in 1..=last_hostile {
		sim.run_round(round, scenario.election_percent);
		sim.check_safety().unwrap_or_else(|e| panic!("{e}"));
	}
	sim.weather = TIMELY;
	// Messages still in flight from the hostile phase keep their delays: the network heals, it
	// does not forget.
	let at_heal = sim.honest_heights().into_iter().max().unwrap_or(0);
	let end = last_hostile + scenario.timely_rounds;
	for round in last_hostile + 1..=end {
		sim.run_round(round, scenario.election_percent);
		sim.check_safety().unwrap_or_else(|e| panic!("{e}"));
	}
	let heights = sim.honest_heights();
	let least = *heights.iter().min().expect("some honest peer");
	let most = *heights.iter().max().expect("some honest peer");
	assert!(
		least >= at_heal + 5,
		"seed {seed}: no progress once the network behaved: heights {heights:?}, {at_heal} at heal"
	);
	assert!(most - least <= 1, "seed {seed}: honest peers far apart: {heights:?}");
	let byzantine = scenario.kinds.iter().filter(|k| **k == Kind::Byzantine).count();
	if byzantine == 0 {
		assert_eq!(sim.equivocations_reported, 0, "seed {seed}");
	}
	heights
}

/// The per-peer election probability (percent, rounded up) that gives ≈ 99 % of rounds at least
/// one proposer among `n`: `1 − 0.01^(1/n)`.
fn election_percent(n: usize) -> u64 {
	((1.0 - 0.01f64.powf(1.0 / n as f64)) * 100.0).ceil() as u64
}

/// The scenario of a seed: which peers are faulty and how, and how hostile the network is first.
fn scenario(n: usize, seed: u64) -> Scenario {
	let mut rng = Rng::new(seed ^ 0xA5A5_A5A5);
	let f = max_faulty(n);
	let mut kinds = vec![Kind::Honest; n];
	let hostile_rounds = 8 + rng.below(12);
	// Faulty peers sit at random places, so that they are sometimes the best proposers.
	let mut order: Vec<usize> = (0..n).collect();
	for i in (1..n).rev() {
		order.swap(i, rng.below(i as u64 + 1) as usize);
	}
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
			let down = 1 + rng.below(hostile_rounds - 2);
			kinds[order[f - 1]] = Kind::Crashing(down, down + 1 + rng.below(hostile_rounds - down));
		}
	}
	Scenario {
		n,
		kinds,
		hostile_rounds,
		timely_rounds: 30,
		hostile: Weather {
			max_delay: 1 + rng.below(3 * TICKS),
			drop_percent: rng.below(40),
			duplicate_percent: rng.below(30),
			partition,
		},
		election_percent: election_percent(n),
	}
}

fn many_seeds(n: usize, seeds: std::ops::Range<u64>) {
	let mut progress = 0u64;
	for seed in seeds.clone() {
		let heights = run(&scenario(n, seed), seed);
		progress += heights[0];
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
		let scenario = Scenario {
			n,
			kinds,
			hostile_rounds: 20,
			timely_rounds: 0,
			hostile: TIMELY,
			election_percent: 80,
		};
		let mut sim = Sim::new(&scenario, seed);
		for round in 1..=scenario.hostile_rounds {
			sim.run_round(round, scenario.election_percent);
		}
		if sim.check_safety().is_err() {
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
	let scenario = Scenario {
		n,
		kinds,
		hostile_rounds: 10,
		timely_rounds: 30,
		hostile: TIMELY,
		election_percent: election_percent(n),
	};
	for seed in 0..50 {
		let heights = run(&scenario, seed);
		assert!(heights.iter().all(|h| *h >= 20), "seed {seed}: {heights:?}");
	}
}

//! The gossip validator: what it keeps, drops quietly and holds against the sender.

use super::gossip::*;
use codec::Encode;
use sc_network::{PeerId, ReputationChange};
use sc_network_gossip::{ValidationResult, Validator, ValidatorContext};
use sp_core::{crypto::VrfSecret, sr25519, Pair};
use sp_runtime::{generic, traits::BlakeTwo256};
use spacebook_gosig_primitives::{
	certificate_digest, vrf_sign_data, AuthorityId, AuthorityPair, GosigJustification,
	ProposalPayload, SignedProposal, SignedVote, VoteKind, VotePayload,
};
use std::sync::Arc;

type Header = generic::Header<u32, BlakeTwo256>;
type Block = generic::Block<Header, sp_runtime::OpaqueExtrinsic>;
type Hash = sp_core::H256;

fn pairs() -> Vec<AuthorityPair> {
	["//Alice", "//Bob", "//Charlie", "//Dave"]
		.iter()
		.map(|s| AuthorityPair::from_string(s, None).unwrap())
		.collect()
}

/// The genesis hash of the tests' chain.
fn genesis() -> Hash {
	Hash::repeat_byte(0x60)
}

fn view(round: u64) -> View<Hash> {
	View {
		genesis_hash: genesis(),
		set_id: 2,
		authorities: pairs().iter().map(|p| p.public()).collect::<Vec<AuthorityId>>(),
		round,
	}
}

fn vote(voter: u32, kind: VoteKind, round: u64, set_id: u64) -> SignedVote<Hash, u32> {
	vote_for(voter, kind, round, set_id, Hash::repeat_byte(9))
}

fn vote_for(
	voter: u32,
	kind: VoteKind,
	round: u64,
	set_id: u64,
	block: Hash,
) -> SignedVote<Hash, u32> {
	let payload = VotePayload::new(kind, round, block, 5u32, set_id);
	let signature = pairs()[voter as usize].sign(&payload.signing_bytes(&genesis(), voter));
	SignedVote { payload, voter, signature }
}

fn prepares(round: u64, voters: &[u32]) -> Signatures {
	voters.iter().map(|v| (*v, vote(*v, VoteKind::Prepare, round, 2).signature)).collect()
}

fn proposal(round: u64, certificate: Option<(u64, Signatures)>) -> ProposalMessage<Hash, u32> {
	let payload = ProposalPayload {
		round,
		block_hash: Hash::repeat_byte(9),
		block_number: 5u32,
		parent_hash: Hash::repeat_byte(1),
		set_id: 2,
		certificate_round: certificate.as_ref().map(|(r, _)| *r),
		certificate_digest: certificate.as_ref().map(|(_, c)| certificate_digest(c)),
	};
	let signature = pairs()[1].sign(&payload.signing_bytes(&genesis(), 1));
	let vrf = sr25519::Pair::from_string("//Bob", None)
		.unwrap()
		.vrf_sign(&vrf_sign_data(&[0; 32], round));
	ProposalMessage {
		proposal: SignedProposal { payload, proposer: 1, signature },
		vrf_signature: vrf,
		certificate: certificate.map(|(_, c)| c).unwrap_or_default(),
	}
}

#[test]
fn valid_votes_pass_and_forged_or_foreign_ones_do_not() {
	let v = view(10);
	assert_eq!(
		check_message(&GossipMessage::Vote(vote(0, VoteKind::Prepare, 10, 2)), &v),
		Verdict::Valid
	);
	// Late within the window, and one round early (a clock slightly ahead), still pass.
	assert_eq!(
		check_message(&GossipMessage::Vote(vote(0, VoteKind::Prepare, 8, 2)), &v),
		Verdict::Valid
	);
	assert_eq!(
		check_message(&GossipMessage::Vote(vote(0, VoteKind::Prepare, 11, 2)), &v),
		Verdict::Valid
	);
	// Outside the window, or of another set: stale.
	assert_eq!(
		check_message(&GossipMessage::Vote(vote(0, VoteKind::Prepare, 7, 2)), &v),
		Verdict::Stale
	);
	assert_eq!(
		check_message(&GossipMessage::Vote(vote(0, VoteKind::Prepare, 12, 2)), &v),
		Verdict::Stale
	);
	assert_eq!(
		check_message(&GossipMessage::Vote(vote(0, VoteKind::Prepare, 10, 1)), &v),
		Verdict::Stale
	);
	// A signature by someone else, a voter outside the set, an unknown kind: invalid.
	let mut forged = vote(0, VoteKind::Prepare, 10, 2);
	forged.voter = 1;
	assert!(matches!(check_message(&GossipMessage::Vote(forged), &v), Verdict::Invalid(_)));
	let mut outsider = vote(0, VoteKind::Prepare, 10, 2);
	outsider.voter = 7;
	assert!(matches!(check_message(&GossipMessage::Vote(outsider), &v), Verdict::Invalid(_)));
	let mut kind = vote(0, VoteKind::Prepare, 10, 2);
	kind.payload.kind = 9;
	assert!(matches!(check_message(&GossipMessage::Vote(kind), &v), Verdict::Invalid(_)));
}

#[test]
fn proposals_and_their_certificates_are_checked() {
	let v = view(10);
	assert_eq!(check_message(&GossipMessage::Proposal(proposal(10, None)), &v), Verdict::Valid);
	let good = Some((8, prepares(8, &[0, 1, 3])));
	assert_eq!(check_message(&GossipMessage::Proposal(proposal(10, good)), &v), Verdict::Valid);
	for bad in [
		Some((8, prepares(8, &[0, 1]))),       // no quorum
		Some((8, prepares(8, &[0, 1, 2, 3]))), // more than a quorum: not canonical
		Some((8, prepares(8, &[1, 0, 3]))),    // unordered
		Some((8, prepares(7, &[0, 1, 3]))),    // signatures of another round
		Some((10, prepares(10, &[0, 1, 3]))),  // not older than the proposal
	] {
		let verdict = check_message(&GossipMessage::Proposal(proposal(10, bad.clone())), &v);
		assert!(matches!(verdict, Verdict::Invalid(_)), "{bad:?}: {verdict:?}");
	}
	let mut forged = proposal(10, None);
	forged.proposal.proposer = 2;
	assert!(matches!(check_message(&GossipMessage::Proposal(forged), &v), Verdict::Invalid(_)));
	// The certificate is signed by the proposer: another valid certificate of the same prepares
	// cannot be put in its place.
	let mut swapped = proposal(10, Some((8, prepares(8, &[0, 1, 3]))));
	swapped.certificate = prepares(8, &[0, 2, 3]);
	assert_eq!(
		check_message(&GossipMessage::Proposal(swapped), &v),
		Verdict::Invalid("certificate not the one signed")
	);
}

/// Finding 6 of issue 14: votes, proposals, locks and justifications signed on another chain
/// (same keys, same set number, aligned rounds) are forgeries here. Checked before the fix: the
/// signed bytes held no genesis hash, so each of these passed as valid.
#[test]
fn messages_signed_for_another_chain_are_invalid() {
	let mut elsewhere = view(10);
	elsewhere.genesis_hash = Hash::repeat_byte(0xEE);
	let here = view(10);
	let vote = GossipMessage::Vote(vote(0, VoteKind::Prepare, 10, 2));
	assert_eq!(check_message(&vote, &here), Verdict::Valid);
	assert_eq!(check_message(&vote, &elsewhere), Verdict::Invalid("bad vote signature"));
	let proposal = GossipMessage::Proposal(proposal(10, Some((8, prepares(8, &[0, 1, 3])))));
	assert_eq!(check_message(&proposal, &here), Verdict::Valid);
	assert!(matches!(check_message(&proposal, &elsewhere), Verdict::Invalid(_)));
}

#[test]
fn locks_and_justifications_need_a_quorum_of_valid_signatures() {
	let v = view(10);
	let lock = |prepares| LockAnnouncement {
		announced_in: 10,
		set_id: 2,
		round: 6,
		block_hash: Hash::repeat_byte(9),
		block_number: 5u32,
		prepares,
	};
	assert_eq!(
		check_message(&GossipMessage::Lock(lock(prepares(6, &[0, 2, 3]))), &v),
		Verdict::Valid
	);
	assert!(matches!(
		check_message(&GossipMessage::Lock(lock(prepares(5, &[0, 2, 3]))), &v),
		Verdict::Invalid(_)
	));
	let commits: Vec<_> = [0u32, 1, 2]
		.iter()
		.map(|i| (*i, vote(*i, VoteKind::TentativeCommit, 6, 2).signature))
		.collect();
	let justification = GosigJustification {
		round: 6,
		block_hash: Hash::repeat_byte(9),
		block_number: 5u32,
		set_id: 2,
		commits,
	};
	let commit =
		|justification| GossipMessage::Commit(CommitMessage { announced_in: 10, justification });
	assert_eq!(check_message(&commit(justification.clone()), &v), Verdict::Valid);
	let mut short = justification.clone();
	short.commits.pop();
	assert!(matches!(check_message(&commit(short), &v), Verdict::Invalid(_)));
	// Four valid signatures where three make a quorum: not the canonical form.
	let mut oversized = justification;
	oversized.commits.push((3, vote(3, VoteKind::TentativeCommit, 6, 2).signature));
	assert_eq!(
		check_message(&commit(oversized), &v),
		Verdict::Invalid("non-canonical justification")
	);
	assert_eq!(
		check_message(&GossipMessage::Lock(lock(prepares(6, &[0, 1, 2, 3]))), &v),
		Verdict::Invalid("non-canonical lock certificate")
	);
}

struct NoContext;
impl ValidatorContext<Block> for NoContext {
	fn broadcast_topic(&mut self, _: Hash, _: bool) {}
	fn broadcast_message(&mut self, _: Hash, _: Vec<u8>, _: bool) {}
	fn send_message(&mut self, _: &PeerId, _: Vec<u8>) {}
	fn send_topic(&mut self, _: &PeerId, _: Hash, _: bool) {}
}

#[test]
fn the_validator_keeps_valid_messages_under_their_round_and_reports_bad_senders() {
	let shared = Arc::new(parking_lot::RwLock::new(view(10)));
	let validator = GosigValidator::<Block>::new(shared.clone());
	let sender = PeerId::random();
	let good = GossipMessage::Vote(vote(0, VoteKind::Prepare, 10, 2)).encode();
	match validator.validate(&mut NoContext, &sender, &good) {
		ValidationResult::ProcessAndKeep(t) => assert_eq!(t, topic::<Block>(2, 10)),
		_ => panic!("a valid vote is kept"),
	}
	assert!(validator.take_reports().is_empty());
	// Malformed bytes and forged votes are dropped and cost the sender.
	assert!(matches!(
		validator.validate(&mut NoContext, &sender, &[1, 2, 3]),
		ValidationResult::Discard
	));
	let mut forged = vote(0, VoteKind::Prepare, 10, 2);
	forged.voter = 3;
	let forged = GossipMessage::Vote(forged).encode();
	assert!(matches!(
		validator.validate(&mut NoContext, &sender, &forged),
		ValidationResult::Discard
	));
	let reports = validator.take_reports();
	assert_eq!(reports.iter().map(|r| r.1).collect::<Vec<_>>(), vec![COST_MALFORMED, COST_INVALID]);
	// Once the round leaves the window, the message expires.
	let mut expired = validator.message_expired();
	assert!(!expired(topic::<Block>(2, 10), &good));
	drop(expired);
	shared.write().round = 13;
	let mut expired = validator.message_expired();
	assert!(expired(topic::<Block>(2, 10), &good));
}

/// The verdicts of `messages` in turn, and the reputation changes they cost their sender.
fn validate_all(
	validator: &GosigValidator<Block>,
	messages: &[GossipMessage<Hash, u32>],
) -> (usize, Vec<ReputationChange>) {
	let sender = PeerId::random();
	let kept = messages
		.iter()
		.filter(|m| {
			matches!(
				validator.validate(&mut NoContext, &sender, &m.encode()),
				ValidationResult::ProcessAndKeep(_)
			)
		})
		.count();
	(kept, validator.take_reports().into_iter().map(|r| r.1).collect())
}

/// Finding 5 of issue 14: every subset of a quorum of signatures was a distinct valid
/// certificate, and `announced_in` was not signed, so one peer holding the prepares of a round
/// could make every node verify and forward thousands of distinct lock messages. Checked before
/// the fix: all four lock forms below (three subsets and the full set) and the same lock
/// announced in three rounds were kept and forwarded. Now one form per lock and announcement
/// round is kept, later forms are dropped before their signatures are verified, and the sender
/// pays for each.
#[test]
fn lock_certificates_cannot_be_amplified() {
	let shared = Arc::new(parking_lot::RwLock::new(view(10)));
	let validator = GosigValidator::<Block>::new(shared.clone());
	let lock = |announced_in, voters: &[u32]| {
		GossipMessage::Lock(LockAnnouncement {
			announced_in,
			set_id: 2,
			round: 6,
			block_hash: Hash::repeat_byte(9),
			block_number: 5u32,
			prepares: prepares(6, voters),
		})
	};
	let forms = [lock(10, &[0, 1, 2]), lock(10, &[0, 1, 3]), lock(10, &[1, 2, 3])];
	let (kept, costs) = validate_all(&validator, &forms);
	assert_eq!(kept, 1, "one form of the lock per announcement round");
	assert_eq!(costs, vec![COST_DUPLICATE, COST_DUPLICATE]);
	let (kept, costs) = validate_all(&validator, &[lock(10, &[0, 1, 2, 3])]);
	assert_eq!((kept, costs), (0, vec![COST_INVALID]), "more than a quorum is not canonical");
	// Announcements in rounds already seen, or earlier ones, are dropped; a later one passes.
	let (kept, _) = validate_all(&validator, &[lock(9, &[0, 1, 2]), lock(11, &[0, 1, 3])]);
	assert_eq!(kept, 1);
	let (kept, _) = validate_all(&validator, &[lock(11, &[0, 2, 3])]);
	assert_eq!(kept, 0);
}

/// Finding 5 of issue 14, for signed messages: sr25519 signatures are randomized, so a faulty
/// billing peer can sign one vote many times, or vote for any number of made-up blocks. Checked
/// before the fix: all of the votes below were kept and forwarded. Now two blocks per signer,
/// kind and round are accepted (enough to prove the equivocation) and one signature of each.
#[test]
fn a_faulty_billing_peer_cannot_flood_votes() {
	let validator = GosigValidator::<Block>::new(Arc::new(parking_lot::RwLock::new(view(10))));
	let again = |block: u8| {
		GossipMessage::Vote(vote_for(0, VoteKind::Prepare, 10, 2, Hash::repeat_byte(block)))
	};
	let flood: Vec<_> = [1u8, 1, 1, 2, 2, 3, 4, 5].iter().map(|b| again(*b)).collect();
	let (kept, costs) = validate_all(&validator, &flood);
	assert_eq!(kept, 2, "the first vote and its conflicting one, the proof of equivocation");
	assert_eq!(costs, vec![COST_DUPLICATE; 6]);
	// Other voters, kinds and rounds are their own keys.
	let others = [
		GossipMessage::Vote(vote(1, VoteKind::Prepare, 10, 2)),
		GossipMessage::Vote(vote(0, VoteKind::TentativeCommit, 10, 2)),
		GossipMessage::Vote(vote(0, VoteKind::Prepare, 9, 2)),
	];
	assert_eq!(validate_all(&validator, &others).0, 3);
}

/// Forged messages never take a key: a vote with a bad signature costs its sender and leaves the
/// way open for the genuine one.
#[test]
fn forgeries_do_not_block_the_genuine_message() {
	let validator = GosigValidator::<Block>::new(Arc::new(parking_lot::RwLock::new(view(10))));
	let mut forged = vote(0, VoteKind::Prepare, 10, 2);
	forged.signature = vote(1, VoteKind::Prepare, 10, 2).signature;
	let genuine = vote(0, VoteKind::Prepare, 10, 2);
	let (kept, costs) =
		validate_all(&validator, &[GossipMessage::Vote(forged), GossipMessage::Vote(genuine)]);
	assert_eq!((kept, costs), (1, vec![COST_INVALID]));
}

/// What is accepted is forgotten once its round leaves the window, so memory stays bounded.
#[test]
fn the_seen_set_is_pruned_with_the_window() {
	let shared = Arc::new(parking_lot::RwLock::new(view(10)));
	let validator = GosigValidator::<Block>::new(shared.clone());
	let votes: Vec<_> =
		(0..4).map(|v| GossipMessage::Vote(vote(v, VoteKind::Prepare, 10, 2))).collect();
	assert_eq!(validate_all(&validator, &votes).0, 4);
	let mut seen = Seen::<Hash>::default();
	for m in &votes {
		seen.record(m);
	}
	assert_eq!(seen.len(), 4);
	seen.prune(2, 12);
	assert_eq!(seen.len(), 4, "round 10 is still open at 12");
	seen.prune(2, 13);
	assert!(seen.is_empty());
	// The validator prunes as its view moves on: at round 13 the round-10 keys are gone (and
	// round-10 votes are stale).
	shared.write().round = 13;
	let fresh = GossipMessage::Vote(vote(0, VoteKind::Prepare, 13, 2));
	assert_eq!(validate_all(&validator, &[fresh]).0, 1);
}

//! The gossip validator: what it keeps, drops quietly and holds against the sender.

use super::gossip::*;
use codec::Encode;
use sc_network::PeerId;
use sc_network_gossip::{ValidationResult, Validator, ValidatorContext};
use sp_core::{crypto::VrfSecret, sr25519, Pair};
use sp_runtime::{generic, traits::BlakeTwo256};
use spacebook_gosig_primitives::{
	vrf_sign_data, AuthorityId, AuthorityPair, GosigJustification, ProposalPayload, SignedProposal,
	SignedVote, VoteKind, VotePayload,
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

fn view(round: u64) -> View {
	View {
		set_id: 2,
		authorities: pairs().iter().map(|p| p.public()).collect::<Vec<AuthorityId>>(),
		round,
	}
}

fn vote(voter: u32, kind: VoteKind, round: u64, set_id: u64) -> SignedVote<Hash, u32> {
	let payload = VotePayload::new(kind, round, Hash::repeat_byte(9), 5u32, set_id);
	let signature = pairs()[voter as usize].sign(&payload.signing_bytes());
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
	};
	let signature = pairs()[1].sign(&payload.signing_bytes());
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
		Some((8, prepares(8, &[0, 1]))),      // no quorum
		Some((8, prepares(8, &[1, 0, 3]))),   // unordered
		Some((8, prepares(7, &[0, 1, 3]))),   // signatures of another round
		Some((10, prepares(10, &[0, 1, 3]))), // not older than the proposal
	] {
		let verdict = check_message(&GossipMessage::Proposal(proposal(10, bad.clone())), &v);
		assert!(matches!(verdict, Verdict::Invalid(_)), "{bad:?}: {verdict:?}");
	}
	let mut forged = proposal(10, None);
	forged.proposal.proposer = 2;
	assert!(matches!(check_message(&GossipMessage::Proposal(forged), &v), Verdict::Invalid(_)));
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
	let mut short = justification;
	short.commits.pop();
	assert!(matches!(check_message(&commit(short), &v), Verdict::Invalid(_)));
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

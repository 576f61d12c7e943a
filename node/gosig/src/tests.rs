//! Header and justification checks with real sr25519 keys.

use super::*;
use codec::Encode;
use sp_core::{crypto::VrfSecret, Pair};
use sp_runtime::Digest;
use sp_runtime::{generic, traits::BlakeTwo256};
use spacebook_gosig_primitives::VoteKind;
use spacebook_gosig_primitives::VotePayload;

type Header = generic::Header<u32, BlakeTwo256>;
type Block = generic::Block<Header, sp_runtime::OpaqueExtrinsic>;

fn pair(seed: &str) -> sr25519::Pair {
	sr25519::Pair::from_string(seed, None).unwrap()
}

fn config(threshold: u128) -> GosigConfiguration {
	GosigConfiguration {
		round_duration_ms: 3000,
		authorities: vec![pair("//Alice").public().into(), pair("//Bob").public().into()],
		set_id: 0,
		randomness: [3u8; 32],
		proposer_threshold: threshold,
	}
}

/// A header of `round` claimed by `index`, VRF by `vrf_key`, sealed by `seal_key`.
fn header(round: Round, index: AuthorityIndex, vrf_key: &str, seal_key: &str) -> Header {
	let cfg = config(u128::MAX);
	let vrf_signature = pair(vrf_key).vrf_sign(&vrf_sign_data(&cfg.randomness, round));
	let pre = PreDigest { round, authority_index: index, vrf_signature };
	let mut header = Header::new(
		1,
		Default::default(),
		Default::default(),
		Default::default(),
		Digest { logs: vec![DigestItem::PreRuntime(GOSIG_ENGINE_ID, pre.encode())] },
	);
	let signature = pair(seal_key).sign(header.hash().as_ref());
	header.digest_mut().push(DigestItem::Seal(GOSIG_ENGINE_ID, signature.encode()));
	header
}

#[test]
fn a_well_formed_header_passes_and_loses_its_seal() {
	let mut h = header(10, 0, "//Alice", "//Alice");
	let sealed_hash = h.hash();
	let (pre, seal, prio) = check_header(&mut h, &config(u128::MAX), 10).unwrap();
	assert_eq!(pre.round, 10);
	assert_eq!(pre.authority_index, 0);
	assert_eq!(h.digest().logs().len(), 1, "the seal was popped");
	assert!(seal.as_seal().is_some());
	let alice: AuthorityId = pair("//Alice").public().into();
	assert_eq!(Some(prio), priority(&alice, &[3u8; 32], 10, &pre.vrf_signature));
	h.digest_mut().push(seal);
	assert_eq!(h.hash(), sealed_hash);
}

#[test]
fn a_seal_by_someone_else_is_refused() {
	let mut h = header(10, 0, "//Alice", "//Bob");
	assert_eq!(check_header(&mut h, &config(u128::MAX), 10), Err(Error::BadSealSignature(0)));
}

#[test]
fn a_vrf_proof_of_another_key_is_refused() {
	// Claims to be Bob, sealed by Bob, but the VRF is Alice's.
	let mut h = header(10, 1, "//Alice", "//Bob");
	assert_eq!(check_header(&mut h, &config(u128::MAX), 10), Err(Error::BadVrfProof(1, 10)));
}

#[test]
fn an_author_outside_the_set_is_refused() {
	let mut h = header(10, 5, "//Alice", "//Alice");
	assert_eq!(check_header(&mut h, &config(u128::MAX), 10), Err(Error::UnknownAuthor(5, 2)));
}

#[test]
fn a_peer_above_the_threshold_is_not_elected() {
	let mut h = header(10, 0, "//Alice", "//Alice");
	assert_eq!(check_header(&mut h, &config(0), 10), Err(Error::NotElected(0, 10)));
}

#[test]
fn a_round_from_the_future_is_refused() {
	let mut h = header(100, 0, "//Alice", "//Alice");
	assert_eq!(check_header(&mut h, &config(u128::MAX), 10), Err(Error::FutureRound(100, 10)));
	let mut h = header(10 + MAX_ROUND_DRIFT, 0, "//Alice", "//Alice");
	assert!(check_header(&mut h, &config(u128::MAX), 10).is_ok());
}

#[test]
fn missing_seal_or_pre_digest_is_refused() {
	let mut h = header(10, 0, "//Alice", "//Alice");
	h.digest_mut().pop();
	assert_eq!(check_header(&mut h, &config(u128::MAX), 10), Err(Error::NoSeal));
	let mut bare = Header::new(
		1,
		Default::default(),
		Default::default(),
		Default::default(),
		Digest::default(),
	);
	let signature = pair("//Alice").sign(bare.hash().as_ref());
	bare.digest_mut().push(DigestItem::Seal(GOSIG_ENGINE_ID, signature.encode()));
	assert_eq!(check_header(&mut bare, &config(u128::MAX), 10), Err(Error::NoPreDigest));
}

#[test]
fn justifications_are_checked() {
	let cfg = config(u128::MAX);
	let hash = sp_core::H256::repeat_byte(9);
	let payload = VotePayload::new(VoteKind::TentativeCommit, 4, hash, 7u32, 0);
	let genesis = sp_core::H256::repeat_byte(0x60);
	let sign = |seed: &str, index: u32| -> AuthoritySignature {
		pair(seed).sign(&payload.signing_bytes(&genesis, index)).into()
	};
	let just = GosigJustification {
		round: 4,
		block_hash: hash,
		block_number: 7u32,
		set_id: 0,
		commits: vec![(0, sign("//Alice", 0)), (1, sign("//Bob", 1))],
	};
	let js = Justifications::from((GOSIG_ENGINE_ID, just.encode()));
	assert_eq!(check_justification::<Block>(Some(&js), hash, 7, &cfg, &genesis), Ok(true));
	assert_eq!(check_justification::<Block>(None, hash, 7, &cfg, &genesis), Ok(false));
	assert!(matches!(
		check_justification::<Block>(Some(&js), hash, 8, &cfg, &genesis),
		Err(Error::BadJustification(_))
	));
	// Signed for another chain: refused.
	let other_chain = sp_core::H256::repeat_byte(0xEE);
	assert!(matches!(
		check_justification::<Block>(Some(&js), hash, 7, &cfg, &other_chain),
		Err(Error::BadJustification(spacebook_gosig_primitives::JustificationError::BadSignature))
	));
	let short = GosigJustification { commits: vec![(0, sign("//Alice", 0))], ..just };
	let js = Justifications::from((GOSIG_ENGINE_ID, short.encode()));
	assert!(matches!(
		check_justification::<Block>(Some(&js), hash, 7, &cfg, &genesis),
		Err(Error::BadJustification(spacebook_gosig_primitives::JustificationError::NoQuorum))
	));
	let garbage = Justifications::from((GOSIG_ENGINE_ID, vec![1, 2, 3]));
	assert_eq!(
		check_justification::<Block>(Some(&garbage), hash, 7, &cfg, &genesis),
		Err(Error::UndecodableJustification)
	);
}

#[test]
fn rounds_follow_the_clock() {
	assert_eq!(round_at(Duration::from_millis(0), 3000), 0);
	assert_eq!(round_at(Duration::from_millis(2999), 3000), 0);
	assert_eq!(round_at(Duration::from_millis(3000), 3000), 1);
	assert_eq!(
		round_at(Duration::from_millis(9000), 0),
		9000,
		"a zero duration is treated as 1 ms"
	);
}

/// Two blocks sealed by one packer in one round are noted as evidence, whichever arrives
/// second; the same block imported again, another round or another packer are not.
#[test]
fn a_second_block_sealed_by_one_packer_in_one_round_is_evidence() {
	let mut seen = SealedBlocksSeen::default();
	let first = header(7, 0, "//Alice", "//Alice");
	let mut second = first.clone();
	second.digest_mut().pop();
	second.state_root = [9u8; 32].into();
	let signature = pair("//Alice").sign(second.hash().as_ref());
	second.digest_mut().push(DigestItem::Seal(GOSIG_ENGINE_ID, signature.encode()));
	assert!(note_sealed_block(&mut seen, &first).is_none());
	assert!(note_sealed_block(&mut seen, &first).is_none(), "the same block again");
	assert!(note_sealed_block(&mut seen, &header(8, 0, "//Alice", "//Alice")).is_none());
	assert!(note_sealed_block(&mut seen, &header(7, 1, "//Bob", "//Bob")).is_none());
	let (a, b) = note_sealed_block(&mut seen, &second).expect("evidence");
	let proof = spacebook_gosig_primitives::EquivocationProof::<sp_core::H256, u32>::Blocks {
		set_id: 0,
		first: a,
		second: b,
	};
	assert_eq!(proof.check(0, &Default::default(), &config(u128::MAX).authorities), Ok(0));
	// A header without a seal is no evidence of anything.
	let mut unsealed = header(7, 0, "//Alice", "//Alice");
	unsealed.digest_mut().pop();
	assert!(note_sealed_block(&mut seen, &unsealed).is_none());
}

#[test]
fn a_proposal_must_name_its_blocks_own_parent_and_number() {
	let block = header(7, 0, "//Alice", "//Alice");
	let (parent, number) = (*block.parent_hash(), *block.number());
	assert!(proposal_matches_block(&block, &parent, &number));
	// A sibling of the finalized head claimed as its child: another parent.
	assert!(!proposal_matches_block(&block, &sp_core::H256::repeat_byte(1), &number));
	// Another height.
	assert!(!proposal_matches_block(&block, &parent, &(number + 1)));
}

/// Blocks packed on one finalized head by `n` billing peers split into `groups` that cannot
/// hear each other, over `rounds` rounds without finality: in each round some members of each
/// group are elected; each one consults only its own database, which holds its group's blocks
/// up to the round before (a block packed in a round reaches the others after it). The
/// database outlives restarts, so a restart changes nothing here: the count is the database's.
fn packed_in_partition(n: usize, groups: usize, rounds: u32, seed: u64) -> usize {
	use crate::worker::{fresh_sibling_cap, reproposal};
	let mut state = seed | 1;
	let mut random = move || {
		state ^= state << 13;
		state ^= state >> 7;
		state ^= state << 17;
		state
	};
	let cap = fresh_sibling_cap(n);
	let group_of: Vec<usize> = (0..n).map(|i| i % groups).collect();
	// The blocks each group's databases hold (hashes as numbers).
	let mut stored: Vec<Vec<u64>> = vec![Vec::new(); groups];
	let mut next_block = 0u64;
	for _ in 0..rounds {
		let before = stored.clone();
		for &g in &group_of {
			// Elected with probability one half: several in a round, as Gosig allows.
			if random() % 2 == 1 {
				continue;
			}
			let best = before[g].last().copied().unwrap_or(u64::MAX);
			if reproposal(&before[g], &[], best, cap).is_none() {
				next_block += 1;
				stored[g].push(next_block);
			}
		}
	}
	stored.iter().map(Vec::len).sum()
}

#[test]
fn a_partition_never_fills_a_height_beyond_what_the_state_database_keeps() {
	for n in 1..=30 {
		let cap = crate::worker::fresh_sibling_cap(n);
		assert!((1..=8).contains(&cap), "n {n}: cap {cap}");
		assert!(n * cap <= 31, "n {n}: {n} × {cap} leaves no room for the finalized block");
		for groups in 1..=n.min(4) {
			for seed in 0..20 {
				let packed = packed_in_partition(n, groups, 200, seed * 7919 + n as u64);
				assert!(
					packed <= 31,
					"n {n} in {groups} groups (seed {seed}): {packed} blocks at one height"
				);
				assert!(packed >= 1, "somebody packed: n {n}, groups {groups}");
			}
		}
	}
	// Four billing peers, as the local network: 7 each, so a 2|2 split holds at most 28.
	assert_eq!(crate::worker::fresh_sibling_cap(4), 7);
	assert_eq!(crate::worker::fresh_sibling_cap(1), 8);
	assert_eq!(crate::worker::fresh_sibling_cap(21), 1);
}

#[test]
fn a_full_height_is_re_proposed_best_block_first_even_after_a_restart() {
	use crate::worker::reproposal;
	// Below the cap: pack.
	assert_eq!(reproposal(&[1, 2, 3], &[3], 3, 4), None);
	assert_eq!(reproposal::<u32>(&[], &[], 9, 1), None);
	// At the cap, right after a restart (the worker knows none of them): the best block.
	assert_eq!(reproposal(&[1, 2, 3, 4], &[], 3, 4), Some(3));
	// The best block is elsewhere (not on the finalized head): the newest the worker saw.
	assert_eq!(reproposal(&[1, 2, 3, 4], &[4, 2, 9], 7, 4), Some(2));
	// Nothing known: the last the database lists.
	assert_eq!(reproposal(&[1, 2, 3, 4], &[9], 7, 4), Some(4));
}

//! A node restarted on the same base path continues from its finalized head.

use sp_core::H256;
use spacebook_e2e::*;
use std::time::Duration;

#[test]
fn a_restarted_node_continues_from_its_finalized_head() {
	let dir = TempDir::new("restart");
	let node = Node::start_dev(dir.path());
	node.wait_for("3 finalized blocks", Duration::from_secs(90), |n| {
		(n.finalized_number() >= 3).then_some(())
	});
	let status = node.stop_with_sigint();
	assert!(status.success(), "exit status {status:?}");

	let node = Node::start_dev(dir.path());
	let finalized = node.finalized_number();
	assert!(finalized >= 3, "the finalized head survived the restart: #{finalized}");
	let hash_before = node.block_hash(finalized);
	assert!(hash_before.as_str().is_some_and(|h| h.len() == 66));

	node.wait_for("finality to advance after the restart", Duration::from_secs(60), |n| {
		(n.finalized_number() >= finalized + 2).then_some(())
	});
	// The chain continued on top of the old finalized block.
	assert_eq!(node.block_hash(finalized), hash_before);
	let genesis = node.block_hash(0);
	assert!(H256::from_slice(&from_hex(genesis.as_str().unwrap())) != H256::zero());
	assert!(node.stop_with_sigint().success());
}

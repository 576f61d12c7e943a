use crate::{mock::*, *};

#[test]
fn a_full_target_elects_every_peer() {
	ext_with(vec![id("Alice")], Perbill::one()).execute_with(|| {
		let config = Gosig::configuration();
		assert_eq!(config.proposer_threshold, u128::MAX);
		assert_eq!(config.round_duration_ms, ROUND_MS);
		assert_eq!(config.authorities, vec![id("Alice")]);
		assert_eq!(config.randomness, EpochRandomness::<Test>::get());
	});
}

#[test]
fn the_per_peer_probability_falls_with_more_peers() {
	let threshold = |n: usize| {
		let names = ["A", "B", "C", "D", "E", "F", "G", "H"];
		ext_with(names[..n].iter().map(|x| id(x)).collect(), Perbill::from_percent(99))
			.execute_with(|| Gosig::configuration().proposer_threshold)
	};
	let (one, four, eight) = (threshold(1), threshold(4), threshold(8));
	assert!(one > four && four > eight, "{one} > {four} > {eight}");
	// With four peers each is elected with ≈ 68 %, so that 1 − 0.32^4 ≈ 99 %.
	let share = four / (u128::MAX / 1000);
	assert!((680..=686).contains(&share), "{share}");
}

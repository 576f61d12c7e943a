//! Property test of the settlement: for random report sets, top group sizes and emissions, the
//! rewards follow the formula exactly, sum to at most `N(total)`, go to the `K` largest, and
//! mint or burn nothing (checked by `build_and_execute`).

use crate::{mock::*, *};
use proptest::prelude::*;

proptest! {
	#![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

	#[test]
	fn rewards_follow_the_formula_and_never_exceed_the_emission(
		traffic in proptest::collection::vec(1u64..1_000_000_000_000, 1..=MAX_REPORTS as usize),
		k in 1u32..=10,
		emission in 1u128..1_000_000_000_000_000_000,
	) {
		build_and_execute(|| {
			PeersEmission::set(emission);
			frame_support::assert_ok!(Traffic::set_parameters(
				RuntimeOrigin::root(),
				TrafficParameters { top_group: k, reward_cap: None }
			));
			let nodes: Vec<Node> = traffic
				.iter()
				.enumerate()
				.map(|(i, bytes)| honest_node(i as u64 + 1, 0, *bytes))
				.collect();
			let list: Vec<(&Node, u32)> = nodes.iter().map(|n| (n, 0)).collect();
			report_and_settle(0, &list);

			// The oracle: sort by traffic descending, then account ascending; take k.
			let mut ranked: Vec<(u128, u64)> =
				traffic.iter().enumerate().map(|(i, t)| (u128::from(*t), i as u64 + 1)).collect();
			ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
			ranked.truncate(k as usize);
			let total: u128 = ranked.iter().map(|(t, _)| t).sum();
			let mut paid = 0u128;
			for (i, (t, who)) in ranked.iter().enumerate() {
				// emission < 10^18 and t < 10^12: the product fits 128 bits.
				let expected = emission * t / total;
				assert_eq!(free(*who) - spb(10), expected, "reward of {who}");
				assert_eq!(Traffic::explain_reward(who, 0).unwrap().rank, Some(i as u32 + 1));
				paid += expected;
			}
			for (i, _) in traffic.iter().enumerate() {
				let who = i as u64 + 1;
				if !ranked.iter().any(|(_, w)| *w == who) {
					assert_eq!(free(who), spb(10), "{who} is not in the top group");
				}
			}
			let summary = Settled::<Test>::get(0).unwrap();
			assert!(summary.paid <= emission);
			assert_eq!(summary.paid, paid);
			assert_eq!(summary.total_traffic, total);
		});
	}
}

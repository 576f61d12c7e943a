//! The runtime API's views: the committee and its term, the ballot sheet, a voter's ballots.

use crate::{mock::*, *};
use frame_support::assert_ok;
use spacebook_committee_primitives::{BallotView, CandidateView};

/// The committee view follows the election through its phases: the term's end is the next
/// count; the sheet ranks the candidates as the count would (the earlier nomination among
/// equals) and lists who may still nominate; a voter's ballot shows until it is released.
#[test]
fn the_views_follow_an_election_from_nominations_to_release() {
	test(|| {
		let view = Committee::committee_view((2, 3));
		assert_eq!(view.round, 1);
		assert_eq!(view.phase, Some(ElectionPhase::Waiting { starts_at: FIRST }));
		assert_eq!(view.term_ends_at, Some(FIRST + NOMINATING + VOTING));
		assert_eq!(view.seats, (MAX_MEMBERS, MIN_MEMBERS));
		assert_eq!(view.thresholds, (2, 3));
		assert!(view.members.is_empty());
		assert_eq!(view.foundation, Some(FOUNDATION));
		assert_eq!(view.candidates, (0, BILLING_NOMINATIONS + FOUNDATION_NOMINATIONS + 4));
		assert_eq!(Committee::sheet_view().nominators_left, (vec![], 0), "nobody nominates yet");

		run_to(FIRST);
		assert_ok!(Committee::nominate(RuntimeOrigin::signed(101), 1));
		assert_ok!(Committee::nominate_as_foundation(RuntimeOrigin::root(), 2));
		assert_ok!(Committee::nominate(RuntimeOrigin::signed(201), 3));
		assert_ok!(Committee::sign_up(RuntimeOrigin::signed(30)));
		assert_ok!(support(31, &[(30, THRESHOLD / SPB)]));
		let sheet = Committee::sheet_view();
		let (left, foundation_left) = sheet.nominators_left;
		assert_eq!(foundation_left, FOUNDATION_NOMINATIONS - 1);
		assert!(left.contains(&Nominator::BillingPeer(102)));
		assert!(!left.contains(&Nominator::BillingPeer(101)), "101 nominated");
		assert!(!left.contains(&Nominator::DApp(201)), "201 nominated");
		assert_eq!(sheet.pre_election, vec![(30, THRESHOLD, 1)]);
		assert_eq!(Committee::committee_view((2, 3)).sign_ups, 1);
		assert_eq!(
			Committee::committee_view((2, 3)).term_ends_at,
			Some(FIRST + NOMINATING + VOTING)
		);

		run_to(nominations_close());
		// 3 and 1 tie: 1, nominated first, ranks before it; 2 has no votes and no rank.
		assert_ok!(vote(10, &[(1, 100), (3, 100)]));
		assert_ok!(vote(11, &[(30, 300)]));
		let sheet = Committee::sheet_view();
		let rank = |who| sheet.candidates.iter().find(|c: &&CandidateView<_>| c.who == who);
		assert_eq!(rank(30).unwrap().rank, Some(1));
		assert_eq!(rank(1).unwrap().rank, Some(2));
		assert_eq!(rank(3).unwrap().rank, Some(3));
		assert_eq!(rank(2).unwrap().rank, None);
		assert_eq!(rank(30).unwrap().nominator, Nominator::PreElection);
		assert_eq!(rank(1).unwrap().votes, 100 * SPB);
		assert_eq!(sheet.nominators_left, (vec![], 0), "the nominations are closed");
		let voter = Committee::voter_view(&10);
		assert_eq!(
			voter.ballots,
			vec![BallotView {
				round: 1,
				sign_up_deposit: 0,
				support: vec![],
				vote: vec![(1, 100 * SPB), (3, 100 * SPB)]
			}]
		);
		assert_eq!(voter.held, 200 * SPB);
		assert!(!voter.member);
		let signed_up = Committee::voter_view(&30);
		assert_eq!(signed_up.ballots[0].sign_up_deposit, SIGN_UP_DEPOSIT);
		assert_eq!(signed_up.held, SIGN_UP_DEPOSIT);

		let counted = votes_counted();
		run_to(counted);
		let view = Committee::committee_view((2, 3));
		assert_eq!(view.members, vec![1, 3, 30]);
		assert_eq!(view.round, 2);
		assert_eq!(view.term_ends_at, Some(FIRST + TERM + NOMINATING + VOTING));
		assert!(Committee::voter_view(&1).member);
		// Not released yet at the count's block: the ballot shows as round 1's.
		assert_eq!(Committee::voter_view(&10).ballots[0].round, 1);
		run_to(counted + 5);
		let voter = Committee::voter_view(&10);
		assert!(voter.ballots.is_empty());
		assert_eq!(voter.held, 0);
	});
}

//! The penalty ladder: warning → suspension → eviction, recovery, and what each step does.

use crate::{mock::*, *};
use frame_support::{assert_noop, assert_ok};
use sp_runtime::DispatchError;

fn offence(who: AccountId, level: PenaltyLevel) -> Result<Standing, DispatchError> {
	<Peers as Penalties<AccountId>>::penalize(&who, PenaltyReason::AuditFailed, level)
}

#[test]
fn the_whole_ladder_warns_suspends_and_evicts() {
	build_and_execute(|| {
		register_pro(PRO);
		for n in 1..=MAX_WARNINGS {
			assert_eq!(offence(PRO, PenaltyLevel::Warn), Ok(Standing::Warned(n)));
			assert_eq!(
				last_event(),
				Event::Warned { who: PRO, reason: PenaltyReason::AuditFailed, warnings: n }
			);
			assert!(<Peers as PeerRegistry<_, _, _, _, _>>::can_earn(&PRO), "a warning only warns");
		}
		// One more: suspended.
		go_to(20);
		assert_eq!(
			offence(PRO, PenaltyLevel::Warn),
			Ok(Standing::Suspended(PenaltyReason::AuditFailed))
		);
		assert_eq!(
			last_event(),
			Event::Suspended {
				who: PRO,
				reason: PenaltyReason::AuditFailed,
				resumable_at: 20 + SUSPENSION_PERIOD
			}
		);
		assert!(!<Peers as PeerRegistry<_, _, _, _, _>>::can_earn(&PRO));
		// Suspended peers get no new attachments.
		assert_noop!(
			Peers::register_common(
				RuntimeOrigin::signed(COMMON),
				key(COMMON),
				PRO,
				1,
				common_endpoint()
			),
			Error::<Test>::UnknownAttachTarget
		);
		// Another offence while suspended: evicted, half the deposit slashed into the pool.
		let pool_before = free(POOL);
		go_to(30);
		assert_eq!(offence(PRO, PenaltyLevel::Warn), Ok(Standing::Evicted));
		let slashed = PROFESSIONAL_DEPOSIT / 2;
		assert_eq!(
			last_event(),
			Event::Evicted {
				who: PRO,
				reason: PenaltyReason::AuditFailed,
				slashed,
				exit_at: 30 + EXIT_DELAY
			}
		);
		assert_eq!(free(POOL), pool_before + slashed);
		assert_eq!(held(PRO, RoleKind::Professional), PROFESSIONAL_DEPOSIT - slashed);
		assert_eq!(Peers::peer_view(&PRO).unwrap().standing, Standing::Evicted);
		// Evicted: no more penalties, no resume, no heartbeats; the rest after the delay.
		assert_noop!(offence(PRO, PenaltyLevel::Warn), Error::<Test>::AlreadyEvicted);
		assert_noop!(Peers::resume(RuntimeOrigin::signed(PRO)), Error::<Test>::NotSuspended);
		go_to(30 + EXIT_DELAY);
		let before = free(PRO);
		assert_ok!(Peers::finish_exit(RuntimeOrigin::signed(NOBODY), PRO));
		assert_eq!(free(PRO), before + PROFESSIONAL_DEPOSIT - slashed);
	});
}

#[test]
fn a_suspended_peer_resumes_after_the_suspension_period() {
	build_and_execute(|| {
		register_pro(PRO);
		assert_ok!(offence(PRO, PenaltyLevel::Warn));
		go_to(10);
		assert_ok!(offence(PRO, PenaltyLevel::Suspend));
		assert_eq!(record(PRO).warnings, 1, "a suspension keeps the warnings until resumed");
		go_to(10 + SUSPENSION_PERIOD - 1);
		assert_noop!(Peers::resume(RuntimeOrigin::signed(PRO)), Error::<Test>::SuspensionNotOver);
		go_to(10 + SUSPENSION_PERIOD);
		assert_ok!(Peers::resume(RuntimeOrigin::signed(PRO)));
		assert_eq!(last_event(), Event::Resumed { who: PRO });
		assert_eq!(record(PRO).status, Status::Active);
		assert_eq!(record(PRO).warnings, 0);
		assert!(<Peers as PeerRegistry<_, _, _, _, _>>::can_earn(&PRO));
		assert_noop!(Peers::resume(RuntimeOrigin::signed(PRO)), Error::<Test>::NotSuspended);
	});
}

#[test]
fn after_resuming_a_peer_is_on_probation() {
	build_and_execute(|| {
		register_pro(PRO);
		go_to(10);
		assert_ok!(offence(PRO, PenaltyLevel::Suspend));
		go_to(10 + SUSPENSION_PERIOD);
		assert_ok!(Peers::resume(RuntimeOrigin::signed(PRO)));
		// A warning-level offence before the probation ends evicts at once.
		go_to(10 + WARNING_EXPIRY - 1);
		assert_eq!(offence(PRO, PenaltyLevel::Warn), Ok(Standing::Evicted));
	});
}

#[test]
fn probation_ends_with_the_warning_expiry() {
	build_and_execute(|| {
		register_pro(PRO);
		go_to(10);
		assert_ok!(offence(PRO, PenaltyLevel::Suspend));
		go_to(10 + SUSPENSION_PERIOD);
		assert_ok!(Peers::resume(RuntimeOrigin::signed(PRO)));
		go_to(10 + WARNING_EXPIRY);
		assert_eq!(offence(PRO, PenaltyLevel::Warn), Ok(Standing::Warned(1)));
	});
}

#[test]
fn a_suspended_peer_cannot_leave_to_escape_eviction() {
	build_and_execute(|| {
		register_pro(PRO);
		assert_ok!(offence(PRO, PenaltyLevel::Suspend));
		assert_noop!(Peers::leave(RuntimeOrigin::signed(PRO)), Error::<Test>::SuspendedPeer);
		go_to(1 + SUSPENSION_PERIOD);
		assert_ok!(Peers::resume(RuntimeOrigin::signed(PRO)));
		// Resumed, it may leave; leaving on probation still gets it evicted by an offence.
		assert_ok!(Peers::leave(RuntimeOrigin::signed(PRO)));
		assert_eq!(offence(PRO, PenaltyLevel::Warn), Ok(Standing::Evicted));
	});
}

#[test]
fn resuming_needs_the_required_deposit() {
	build_and_execute(|| {
		register_dapp(&[1]);
		assert_ok!(Peers::fine_dapp(RuntimeOrigin::root(), DAPP, spb(100), USER));
		assert_ok!(offence(DAPP, PenaltyLevel::Suspend));
		go_to(1 + SUSPENSION_PERIOD);
		assert_noop!(Peers::resume(RuntimeOrigin::signed(DAPP)), Error::<Test>::DepositShortfall);
		// A suspended account may top up (it is not leaving), then resume.
		assert_ok!(Peers::top_up_deposit(RuntimeOrigin::signed(DAPP), spb(100)));
		assert_ok!(Peers::resume(RuntimeOrigin::signed(DAPP)));
	});
}

#[test]
fn a_common_peer_resumes_while_its_deposit_builds_up() {
	build_and_execute(|| {
		register_pro(PRO);
		register_common(COMMON, PRO, 10);
		assert_ok!(offence(COMMON, PenaltyLevel::Suspend));
		go_to(1 + SUSPENSION_PERIOD);
		assert_ok!(Peers::resume(RuntimeOrigin::signed(COMMON)));
	});
}

#[test]
fn the_committee_pardons() {
	build_and_execute(|| {
		register_pro(PRO);
		assert_noop!(Peers::pardon(RuntimeOrigin::root(), PRO), Error::<Test>::NotSuspended);
		assert_ok!(Peers::penalize(
			RuntimeOrigin::root(),
			PRO,
			PenaltyReason::CommitteeDecision(7),
			PenaltyLevel::Suspend
		));
		assert_noop!(Peers::pardon(RuntimeOrigin::signed(PRO), PRO), DispatchError::BadOrigin);
		// No need to wait for the suspension period.
		assert_ok!(Peers::pardon(RuntimeOrigin::root(), PRO));
		assert_eq!(last_event(), Event::Pardoned { who: PRO });
		assert_eq!(Peers::peer_view(&PRO).unwrap().standing, Standing::Good);
		// The pardon lifted the probation too: a warning-level offence warns.
		assert_eq!(offence(PRO, PenaltyLevel::Warn), Ok(Standing::Warned(1)));
		assert_ok!(Peers::pardon(RuntimeOrigin::root(), PRO));
		assert_eq!(record(PRO).warnings, 0);
	});
}

#[test]
fn warnings_are_forgotten_after_the_expiry() {
	build_and_execute(|| {
		register_pro(PRO);
		for _ in 0..MAX_WARNINGS {
			assert_ok!(offence(PRO, PenaltyLevel::Warn));
		}
		assert_eq!(Peers::peer_view(&PRO).unwrap().standing, Standing::Warned(MAX_WARNINGS));
		go_to(1 + WARNING_EXPIRY);
		assert_eq!(Peers::peer_view(&PRO).unwrap().standing, Standing::Good, "expired");
		// Long after the last offence: a fresh first warning, not a suspension.
		assert_eq!(offence(PRO, PenaltyLevel::Warn), Ok(Standing::Warned(1)));
	});
}

#[test]
fn an_evict_level_offence_evicts_at_once() {
	build_and_execute(|| {
		assert_ok!(stand(CANDIDATE, 7));
		let pool_before = free(POOL);
		assert_eq!(
			<Peers as Penalties<AccountId>>::penalize(
				&CANDIDATE,
				PenaltyReason::Equivocation,
				PenaltyLevel::Evict
			),
			Ok(Standing::Evicted)
		);
		assert_eq!(free(POOL), pool_before + CANDIDATE_DEPOSIT / 2);
		assert_eq!(record(CANDIDATE).deposit.held, CANDIDATE_DEPOSIT / 2);
	});
}

#[test]
fn leaving_does_not_escape_penalties() {
	build_and_execute(|| {
		register_pro(PRO);
		assert_ok!(Peers::leave(RuntimeOrigin::signed(PRO)));
		// A warning still counts...
		assert_eq!(offence(PRO, PenaltyLevel::Warn), Ok(Standing::Leaving));
		assert_eq!(record(PRO).warnings, 1);
		assert_eq!(
			last_event(),
			Event::Warned { who: PRO, reason: PenaltyReason::AuditFailed, warnings: 1 }
		);
		// ...and what would suspend an active peer evicts a leaving one.
		assert_eq!(offence(PRO, PenaltyLevel::Suspend), Ok(Standing::Evicted));
		assert_eq!(held(PRO, RoleKind::Professional), PROFESSIONAL_DEPOSIT / 2);
	});
}

#[test]
fn a_leaving_peer_out_of_warnings_is_evicted() {
	build_and_execute(|| {
		register_pro(PRO);
		assert_ok!(Peers::leave(RuntimeOrigin::signed(PRO)));
		for _ in 0..MAX_WARNINGS {
			assert_ok!(offence(PRO, PenaltyLevel::Warn));
		}
		assert_eq!(offence(PRO, PenaltyLevel::Warn), Ok(Standing::Evicted));
	});
}

#[test]
fn evicting_a_common_peer_detaches_it() {
	build_and_execute(|| {
		register_pro(PRO);
		register_common(COMMON, PRO, 100);
		assert_eq!(<Peers as PeerRegistry<_, _, _, _, _>>::on_reward(&COMMON, spb(400)), spb(400));
		assert_ok!(offence(COMMON, PenaltyLevel::Evict));
		let Role::Professional(p) = record(PRO).role else { panic!("professional") };
		assert_eq!(p.attached_commons, 0);
		assert_eq!(held(COMMON, RoleKind::Common), spb(200));
	});
}

#[test]
fn penalties_need_a_registered_account_and_the_committee() {
	build_and_execute(|| {
		assert_noop!(offence(NOBODY, PenaltyLevel::Warn), Error::<Test>::NotRegistered);
		register_pro(PRO);
		assert_noop!(
			Peers::penalize(
				RuntimeOrigin::signed(USER),
				PRO,
				PenaltyReason::PatrolFailed,
				PenaltyLevel::Evict
			),
			DispatchError::BadOrigin
		);
	});
}

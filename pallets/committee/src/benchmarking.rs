//! Benchmarks (v2), each at its worst case.

use super::*;
use alloc::vec::Vec;
use frame_benchmarking::v2::*;
use frame_support::{
	pallet_prelude::*,
	traits::{
		fungible::{Inspect, Mutate},
		Hooks,
	},
};
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use sp_runtime::traits::Saturating;

/// A funded account.
fn funded<T: Config>(name: &'static str, i: u32) -> T::AccountId {
	let who: T::AccountId = account(name, i, 0);
	let funds = T::SignUpThreshold::get()
		.saturating_add(T::SignUpDeposit::get())
		.saturating_add(T::MinVote::get())
		.saturating_mul(u128::from(T::MaxVotes::get()).saturating_add(4))
		.saturating_add(T::Currency::minimum_balance().saturating_mul(1_000));
	T::Currency::set_balance(&who, funds);
	who
}

/// Move the election to its nominations at the next block.
/// A full DApp ranking for the next election.
fn fill_ranking<T: Config>() {
	for i in 0..T::DAppNominations::get() {
		let dapp: T::AccountId = account("dapp", i, 0);
		Pallet::<T>::note_paid_traffic(&dapp, u128::from(i) + 1);
	}
}

fn open_nominations<T: Config>() {
	let now = frame_system::Pallet::<T>::block_number();
	Phase::<T>::put(ElectionPhase::Nominating {
		ends_at: now.saturating_add(ElectionSchedule::<T>::get().nominating),
	});
}

/// Move the election to its public vote.
fn open_voting<T: Config>() {
	let now = frame_system::Pallet::<T>::block_number();
	Phase::<T>::put(ElectionPhase::Voting {
		ends_at: now.saturating_add(ElectionSchedule::<T>::get().voting),
	});
}

/// `n` candidates, each nominated by a DApp of its own (the kind does not change the work).
fn fill_candidates<T: Config>(n: u32) -> Vec<T::AccountId> {
	let mut candidates = Vec::new();
	let mut records = Vec::new();
	for i in 0..n {
		let who: T::AccountId = account("candidate", i, 0);
		let nominator = Nominator::DApp(account("dapp", i, 0));
		records.push(CandidateRecord { who: who.clone(), nominator, votes: 0 });
		candidates.push(who);
	}
	Candidates::<T>::put(BoundedVec::truncate_from(records));
	candidates
}

/// A full pre-election list of sign-ups, each supported with the threshold by one supporter.
fn fill_list<T: Config>() -> Vec<T::AccountId> {
	let mut sign_ups = Vec::new();
	for i in 0..T::MaxSignUps::get() {
		let who = funded::<T>("sign-up", i);
		Pallet::<T>::do_sign_up(&who).expect("nominations are open");
		let supporter = funded::<T>("supporter", i);
		let support: Choices<T::AccountId, T::MaxVotes> =
			BoundedVec::truncate_from(alloc::vec![(who.clone(), T::SignUpThreshold::get())]);
		Pallet::<T>::do_support(&supporter, support).expect("a sign-up is supported");
		sign_ups.push(who);
	}
	sign_ups
}

/// `MaxVotes` choices of `amount` each among `targets`, starting at `from`.
fn choices<T: Config>(
	targets: &[T::AccountId],
	from: usize,
	amount: u128,
) -> Choices<T::AccountId, T::MaxVotes> {
	let n = (T::MaxVotes::get() as usize).min(targets.len());
	BoundedVec::truncate_from(
		(0..n).map(|k| (targets[(from + k) % targets.len()].clone(), amount)).collect::<Vec<_>>(),
	)
}

#[benchmarks]
mod benchmarks {
	use super::*;

	/// A nomination onto a ballot one short of full, the nominator the last of a full list.
	#[benchmark]
	fn nominate() {
		open_nominations::<T>();
		fill_candidates::<T>(T::MaxCandidates::get() - T::PreElected::get() - 1);
		let who: T::AccountId = account("nominator", 0, 0);
		let mut nominators: Vec<Nominator<T::AccountId>> = (0..T::MaxCandidates::get() - 1)
			.map(|i| Nominator::DApp(account("other", i, 0)))
			.collect();
		nominators.push(Nominator::BillingPeer(who.clone()));
		Nominators::<T>::put(BoundedVec::truncate_from(nominators));
		let candidate: T::AccountId = account("new", 0, 0);

		#[extrinsic_call]
		_(RawOrigin::Signed(who), candidate.clone());

		assert!(Candidates::<T>::get().iter().any(|c| c.who == candidate));
	}

	/// The foundation's last nomination onto a ballot one short of full.
	#[benchmark]
	fn nominate_as_foundation() -> Result<(), BenchmarkError> {
		let origin =
			T::FoundationOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		open_nominations::<T>();
		fill_candidates::<T>(T::BillingNominations::get());
		for i in 0..T::FoundationNominations::get() - 1 {
			Pallet::<T>::do_nominate(account("foundation's", i, 0), Nominator::Foundation)
				.expect("within the quota");
		}
		let candidate: T::AccountId = account("new", 0, 0);

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, candidate.clone());

		assert!(Candidates::<T>::get().iter().any(|c| c.who == candidate));
		Ok(())
	}

	#[benchmark]
	fn sign_up() {
		open_nominations::<T>();
		let who = funded::<T>("sign-up", 0);

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));

		assert!(SignUps::<T>::contains_key(Round::<T>::get(), &who));
	}

	/// Support replacing `MaxVotes` choices with `MaxVotes` others, on a full list (the weight
	/// is charged at `MaxVotes` whatever the support names).
	#[benchmark]
	fn support(v: Linear<1, { T::MaxVotes::get() }>) {
		open_nominations::<T>();
		let sign_ups = fill_list::<T>();
		let who = funded::<T>("voter", 0);
		Pallet::<T>::do_support(&who, choices::<T>(&sign_ups, 0, T::MinVote::get()))
			.expect("a first support");
		let new = choices::<T>(&sign_ups, T::MaxVotes::get() as usize, T::SignUpThreshold::get());
		let new: Choices<T::AccountId, T::MaxVotes> =
			BoundedVec::truncate_from(new.into_iter().take(v as usize).collect::<Vec<_>>());

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), new);

		assert!(Ballots::<T>::contains_key(Round::<T>::get(), &who));
	}

	/// A vote replacing `MaxVotes` choices with `v` others, on a full ballot.
	#[benchmark]
	fn vote(v: Linear<1, { T::MaxVotes::get() }>) {
		let candidates = fill_candidates::<T>(T::MaxCandidates::get());
		open_voting::<T>();
		let who = funded::<T>("voter", 0);
		Pallet::<T>::do_vote(&who, choices::<T>(&candidates, 0, T::MinVote::get()))
			.expect("a first vote");
		let new = choices::<T>(&candidates, T::MaxVotes::get() as usize, T::MinVote::get());
		let new: Choices<T::AccountId, T::MaxVotes> =
			BoundedVec::truncate_from(new.into_iter().take(v as usize).collect::<Vec<_>>());

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), new);

		assert!(Ballots::<T>::contains_key(Round::<T>::get(), &who));
	}

	/// Withdrawing support for `MaxVotes` sign-ups on a full list.
	#[benchmark]
	fn withdraw() {
		open_nominations::<T>();
		let sign_ups = fill_list::<T>();
		let who = funded::<T>("voter", 0);
		Pallet::<T>::do_support(&who, choices::<T>(&sign_ups, 0, T::SignUpThreshold::get()))
			.expect("a support");

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));

		assert!(!Ballots::<T>::contains_key(Round::<T>::get(), &who));
	}

	/// A DApp's bill: a full ranking, and the DApp, whose total of an earlier term is stored,
	/// enters it first (the last leaves).
	#[benchmark]
	fn note_paid_traffic() {
		fill_ranking::<T>();
		let dapp: T::AccountId = account("payer", 0, 0);
		DAppPaid::<T>::insert(&dapp, (0, 1));

		#[block]
		{
			Pallet::<T>::note_paid_traffic(&dapp, u128::MAX / 2);
		}

		assert_eq!(TopDApps::<T>::get().1.first().map(|(d, _)| d.clone()), Some(dapp));
	}

	/// The election's start: the nominators taken, the DApp ranking full.
	#[benchmark]
	fn start_election() {
		fill_ranking::<T>();
		let now = frame_system::Pallet::<T>::block_number();
		Phase::<T>::put(ElectionPhase::Waiting { starts_at: now });

		#[block]
		{
			Pallet::<T>::advance(now);
		}

		assert!(matches!(Phase::<T>::get(), Some(ElectionPhase::Nominating { .. })));
	}

	/// The nominations' close: a full list, the pre-elected added to an otherwise full ballot.
	#[benchmark]
	fn close_nominations() {
		open_nominations::<T>();
		fill_list::<T>();
		fill_candidates::<T>(T::MaxCandidates::get() - T::PreElected::get());
		let now =
			frame_system::Pallet::<T>::block_number() + ElectionSchedule::<T>::get().nominating;

		#[block]
		{
			Pallet::<T>::advance(now);
		}

		assert_eq!(Candidates::<T>::get().len() as u32, T::MaxCandidates::get());
	}

	/// The count: a full ballot, every candidate voted for, a whole new committee.
	#[benchmark]
	fn complete() {
		fill_candidates::<T>(T::MaxCandidates::get());
		Candidates::<T>::mutate(|c| {
			for (i, record) in c.iter_mut().enumerate() {
				record.votes = T::MinVote::get().saturating_add(i as u128);
			}
		});
		let old: Vec<T::AccountId> =
			(0..T::MaxMembers::get()).map(|i| account("member", i, 0)).collect();
		Members::<T>::put(BoundedVec::truncate_from(old));
		open_voting::<T>();
		let now: BlockNumberFor<T> =
			frame_system::Pallet::<T>::block_number() + ElectionSchedule::<T>::get().voting;

		#[block]
		{
			Pallet::<T>::advance(now);
		}

		assert_eq!(Members::<T>::get().len() as u32, T::MaxMembers::get());
	}

	/// Releasing `b` ballots, each with a sign-up deposit, support and a vote.
	#[benchmark]
	fn release_ballots(b: Linear<0, { T::MaxReleasesPerBlock::get() }>) {
		open_nominations::<T>();
		let round = Round::<T>::get();
		let mut voters = Vec::new();
		for i in 0..b {
			let who = funded::<T>("voter", i);
			Pallet::<T>::do_sign_up(&who).expect("nominations are open");
			voters.push(who);
		}
		for who in &voters {
			let own: Choices<T::AccountId, T::MaxVotes> =
				BoundedVec::truncate_from(alloc::vec![(who.clone(), T::MinVote::get())]);
			Pallet::<T>::do_support(who, own).expect("a sign-up is supported");
		}
		let candidates = fill_candidates::<T>(1);
		open_voting::<T>();
		for who in &voters {
			let choice: Choices<T::AccountId, T::MaxVotes> =
				BoundedVec::truncate_from(alloc::vec![(candidates[0].clone(), T::MinVote::get())]);
			Pallet::<T>::do_vote(who, choice).expect("a vote");
		}
		Round::<T>::put(round + 1);

		#[block]
		{
			Pallet::<T>::on_initialize(frame_system::Pallet::<T>::block_number());
		}

		assert_eq!(Ballots::<T>::iter_prefix(round).count(), 0);
	}

	/// Enacting a call that does nothing (its own weight is added to the charge).
	#[benchmark]
	fn enact() -> Result<(), BenchmarkError> {
		let origin =
			T::MajorOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let call: <T as Config>::RuntimeCall =
			frame_system::Call::<T>::remark { remark: Vec::new() }.into();

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, alloc::boxed::Box::new(call));

		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}

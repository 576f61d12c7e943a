//! Benchmarks (v2), each at its worst case.

use super::*;
use alloc::vec::Vec;
use frame_benchmarking::v2::*;
use frame_support::{pallet_prelude::*, traits::Get};
use frame_system::RawOrigin;
use sp_runtime::Perbill;

/// Registered, eligible candidates `0..n`.
fn candidates<T: Config>(n: u32) -> Vec<T::AccountId> {
	(0..n)
		.map(|i| {
			let who: T::AccountId = account("candidate", i, 0);
			T::BenchmarkHelper::register_candidate(&who, i);
			who
		})
		.collect()
}

/// As many new candidates as make `n` eligible ones with those the genesis registered (the
/// registry holds at most `MaxCandidates`).
fn candidates_in_all<T: Config>(n: u32) -> Vec<T::AccountId> {
	let existing = T::Candidates::eligible().len() as u32;
	for i in 0..n.saturating_sub(existing).max(1) {
		let who: T::AccountId = account("candidate", i, 0);
		T::BenchmarkHelper::register_candidate(&who, i);
	}
	T::Candidates::eligible().into_iter().map(|c| c.account).collect()
}

/// Make `members` the authority set, none of them on probation (as eras of elections with
/// every newcomer packing would); returns their keys.
fn seat_proven<T: Config>(members: &[T::AccountId]) -> Vec<T::BillingKey> {
	let keys: Vec<T::BillingKey> =
		members.iter().map(|a| T::Candidates::key_of(a).expect("a candidate")).collect();
	T::AuthoritySet::change(keys.clone()).expect("a valid set");
	OnProbation::<T>::kill();
	keys
}

/// A vote of a seat's backing (`MinBacking`, at least `MinVote`) for each of `targets`, so
/// that every candidate it names is electable: the election does its whole work.
fn vote_for<T: Config>(targets: &[T::AccountId]) -> VotesOf<T::AccountId, u128, T::MaxVotes> {
	targets
		.iter()
		.map(|c| (c.clone(), T::MinVote::get().max(T::MinBacking::get())))
		.collect::<Vec<_>>()
		.try_into()
		.expect("at most MaxVotes")
}

/// Voter `i`, funded, voting for `targets` with a seat's backing each (plus `i` planck on the first,
/// so that every total differs).
fn voter<T: Config>(i: u32, targets: &[T::AccountId]) -> T::AccountId {
	let who: T::AccountId = account("voter", i, 0);
	T::BenchmarkHelper::fund(&who);
	let mut ballot = vote_for::<T>(targets);
	ballot[0].1 = ballot[0].1.saturating_add(u128::from(i));
	Pallet::<T>::do_vote(&who, ballot).expect("a funded voter votes");
	who
}

/// Fill the voter list: `n` voters, each voting for all of `targets` (up to `MaxVotes`).
fn fill_voters<T: Config>(n: u32, targets: &[T::AccountId]) {
	let named = &targets[..targets.len().min(T::MaxVotes::get() as usize)];
	for i in 0..n {
		voter::<T>(i, named);
	}
}

#[benchmarks]
mod benchmarks {
	use super::*;

	/// A new voter naming `v` candidates on a full voter list, displacing the smallest vote,
	/// which names `MaxVotes` candidates.
	#[benchmark]
	fn vote(v: Linear<1, { T::MaxVotes::get() }>) {
		let all = candidates::<T>(T::MaxVotes::get());
		fill_voters::<T>(T::MaxVoters::get(), &all);
		let who: T::AccountId = whitelisted_caller();
		T::BenchmarkHelper::fund(&who);
		// Larger than any vote on the list.
		let mut ballot = vote_for::<T>(&all[..v as usize]);
		let each = T::MinVote::get().max(T::MinBacking::get());
		ballot[0].1 = each.saturating_mul(u128::from(T::MaxVotes::get()) * 2 + 2);

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), ballot);

		assert!(Votes::<T>::contains_key(&who));
		assert_eq!(VoterList::<T>::get().len() as u32, T::MaxVoters::get());
	}

	#[benchmark]
	fn unvote() {
		let all = candidates::<T>(T::MaxVotes::get());
		fill_voters::<T>(T::MaxVoters::get(), &all);
		// The smallest vote: the voter list's first entry.
		let who: T::AccountId = account("voter", 0, 0);

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));

		assert!(!Votes::<T>::contains_key(&who));
	}

	#[benchmark]
	fn withdraw_unbonded() {
		let all = candidates::<T>(1);
		let who: T::AccountId = account("voter", 0, 0);
		T::BenchmarkHelper::fund(&who);
		// Every chunk in use, all unlocked: a vote lowered `MaxUnbonding` times, then withdrawn.
		let chunks = T::MaxUnbonding::get();
		for left in (1..=chunks + 1).rev() {
			// A chunk a block (unbonding twice in a block joins one chunk).
			let next = frame_system::Pallet::<T>::block_number() + 1u32.into();
			frame_system::Pallet::<T>::set_block_number(next);
			let mut ballot = vote_for::<T>(&all);
			ballot[0].1 = T::MinVote::get().saturating_mul(u128::from(left));
			Pallet::<T>::do_vote(&who, ballot).expect("a funded voter votes");
		}
		Pallet::<T>::remove_vote(&who).expect("a voter");
		assert_eq!(Unbonding::<T>::get(&who).len() as u32, chunks);
		let later = frame_system::Pallet::<T>::block_number() + T::UnbondingPeriod::get();
		frame_system::Pallet::<T>::set_block_number(later);

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));

		assert!(!Unbonding::<T>::contains_key(&who));
	}

	#[benchmark]
	fn set_regional_partner() -> Result<(), BenchmarkError> {
		let origin =
			T::PartnerOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let who: T::AccountId = account("candidate", 0, 0);

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, who.clone(), true);

		assert!(RegionalPartners::<T>::contains_key(&who));
		Ok(())
	}

	#[benchmark]
	fn set_election_method() -> Result<(), BenchmarkError> {
		let origin =
			T::MethodOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, ElectionMethod::TopByStake);

		assert_eq!(Method::<T>::get(), ElectionMethod::TopByStake);
		Ok(())
	}

	#[benchmark]
	fn set_min_backing_share() -> Result<(), BenchmarkError> {
		let origin =
			T::MethodOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let share = Perbill::from_rational(1, T::MaxElected::get());

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, share);

		assert_eq!(MinBackingShare::<T>::get(), share);
		Ok(())
	}

	/// An era's election by stake among `c` candidates, each voted for.
	#[benchmark]
	fn elect_by_stake(
		c: Linear<{ T::MaxElected::get() }, { T::MaxElected::get() + T::MaxBackups::get() }>,
	) {
		Method::<T>::put(ElectionMethod::TopByStake);
		let all = candidates_in_all::<T>(c);
		for (i, chunk) in all.chunks(T::MaxVotes::get() as usize).enumerate() {
			voter::<T>(i as u32, chunk);
		}
		let n = frame_system::Pallet::<T>::block_number() + EraLength::<T>::get();

		#[block]
		{
			Pallet::<T>::elect(n);
		}

		assert_eq!(CurrentEra::<T>::get(), 1);
	}

	/// An era's election by Phragmén among `c` candidates and `v` voters, each naming
	/// `MaxVotes` of them.
	#[benchmark]
	fn elect_phragmen(
		c: Linear<{ T::MaxVotes::get() }, { T::MaxElected::get() + T::MaxBackups::get() }>,
		v: Linear<1, { T::MaxVoters::get() }>,
	) {
		Method::<T>::put(ElectionMethod::Phragmen);
		let all = candidates_in_all::<T>(c);
		let votes = (T::MaxVotes::get() as usize).min(all.len());
		for i in 0..v {
			// Each voter names a different window of the candidates.
			let from = (i as usize * 7) % (all.len() - votes + 1);
			voter::<T>(i, &all[from..from + votes]);
		}
		let n = frame_system::Pallet::<T>::block_number() + EraLength::<T>::get();

		#[block]
		{
			Pallet::<T>::elect(n);
		}

		assert_eq!(CurrentEra::<T>::get(), 1);
	}

	/// Every billing peer of a full set departed, replaced from a full list of voted backups
	/// (each looked at).
	#[benchmark]
	fn replace_departed() {
		let all = candidates_in_all::<T>(T::MaxElected::get() + T::MaxBackups::get());
		for (i, chunk) in all.chunks(T::MaxVotes::get() as usize).enumerate() {
			voter::<T>(i as u32, chunk);
		}
		let (members, rest) = all.split_at((T::MaxElected::get() as usize).min(all.len()));
		let departed = seat_proven::<T>(members);
		let backups: Vec<Ranked<T::AccountId>> = rest
			.iter()
			.map(|who| {
				let registration = T::Candidates::registration_of(who).expect("a candidate");
				Ranked {
					account: who.clone(),
					registration,
					backing: Backing::<T>::get(who, registration),
				}
			})
			.collect();
		Backups::<T>::put(BoundedVec::truncate_from(backups));
		Departed::<T>::put(BoundedVec::truncate_from(departed));
		let n = frame_system::Pallet::<T>::block_number() + 1u32.into();
		frame_system::Pallet::<T>::set_block_number(n);

		#[block]
		{
			Pallet::<T>::replace_departed();
		}

		assert!(Departed::<T>::get().is_empty());
	}

	/// A billing peer of a full set departs.
	#[benchmark]
	fn note_departure() {
		let all = candidates::<T>(T::MaxElected::get());
		seat_proven::<T>(&all);
		let leaving = all[0].clone();

		#[block]
		{
			Pallet::<T>::note_departure(&leaving);
		}

		assert_eq!(Departed::<T>::get().len(), 1);
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::bench_ext(), crate::mock::Test);
}

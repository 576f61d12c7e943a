//! What the `BillingElectionsApi` runtime API answers: read-only views for wallets, explorers
//! and the `spacebook` CLI. Off-chain only (the projection counts the votes as an election
//! would, which no block should pay for).

use crate::{election::Count, pallet::*, turnover_budget, AuthoritySet, BillingCandidates};
use alloc::{collections::BTreeMap, vec::Vec};
use frame_support::pallet_prelude::*;
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::traits::Saturating;
use spacebook_billing_elections_primitives::{
	CandidateView, ElectionView, Projection, Seat, VoterView,
};

impl<T: Config> Pallet<T> {
	/// The era, the method, the set and its backups.
	pub fn election_view() -> ElectionView<T::AccountId, T::BillingKey, BlockNumberFor<T>> {
		let era_start = EraStart::<T>::get();
		let era_length = EraLength::<T>::get();
		let billing_peers: Vec<(T::BillingKey, Option<T::AccountId>)> =
			T::AuthoritySet::authorities()
				.into_iter()
				.map(|key| {
					let account = T::Candidates::account_of(&key);
					(key, account)
				})
				.collect();
		let budget = turnover_budget(billing_peers.len() as u32);
		let on_probation = OnProbation::<T>::decode_len().unwrap_or(0) as u32;
		let (participation, participation_window) = T::AuthoritySet::participation();
		ElectionView {
			era: CurrentEra::<T>::get(),
			era_start,
			era_length,
			next_election_at: era_start.saturating_add(era_length),
			method: Method::<T>::get(),
			billing_peers,
			backups: Backups::<T>::get().into_iter().map(|r| (r.account, r.backing)).collect(),
			last_outcome: LastOutcome::<T>::get(),
			on_probation: (on_probation, budget),
			voters: (VoterList::<T>::decode_len().unwrap_or(0) as u32, T::MaxVoters::get()),
			min_vote: T::MinVote::get(),
			min_backing: T::MinBacking::get(),
			registry_bar: Self::registry_bar(),
			participation,
			participation_window,
		}
	}

	/// The eligible candidates, most backed first (ties in registration order), with their
	/// seat now and their rank if the votes were counted now.
	pub fn candidates_view() -> Vec<CandidateView<T::AccountId, T::BillingKey>> {
		let set = T::AuthoritySet::authorities();
		let backups: BTreeMap<T::AccountId, u32> = Backups::<T>::get()
			.into_iter()
			.enumerate()
			.map(|(i, r)| (r.account, i as u32 + 1))
			.collect();
		let projection = Self::projection();
		let projected: BTreeMap<T::AccountId, u32> = projection
			.billing_peers
			.iter()
			.chain(projection.backups.iter())
			.enumerate()
			.map(|(i, (who, _))| (who.clone(), i as u32 + 1))
			.collect();
		let mut views: Vec<_> = T::Candidates::eligible()
			.into_iter()
			.map(|c| {
				let seat = match set.iter().position(|k| *k == c.key) {
					Some(index) => Seat::BillingPeer(index as u32),
					None => backups.get(&c.account).map_or(Seat::Candidate, |r| Seat::Backup(*r)),
				};
				CandidateView {
					backing: Backing::<T>::get(&c.account, c.registration),
					regional_partner: RegionalPartners::<T>::contains_key(&c.account),
					projected_rank: projected.get(&c.account).copied(),
					seat,
					registration: c.registration,
					key: c.key,
					account: c.account,
				}
			})
			.collect();
		views.sort_by(|a, b| b.backing.cmp(&a.backing).then(a.registration.cmp(&b.registration)));
		views
	}

	/// `who`'s votes, unbonding SPB and locks.
	pub fn voter_view(who: &T::AccountId) -> VoterView<T::AccountId, BlockNumberFor<T>> {
		let now = frame_system::Pallet::<T>::block_number();
		let votes = Votes::<T>::get(who)
			.map(|vote| {
				vote.into_iter()
					.map(|e| {
						let current =
							T::Candidates::registration_of(&e.candidate) == Some(e.registration);
						(e.candidate, e.amount, current)
					})
					.collect()
			})
			.unwrap_or_default();
		let chunks = Unbonding::<T>::get(who);
		let withdrawable = chunks
			.iter()
			.filter(|c| c.unlock_at <= now)
			.fold(0u128, |sum, c| sum.saturating_add(c.amount));
		VoterView {
			votes,
			unbonding: chunks.into_iter().map(|c| (c.amount, c.unlock_at)).collect(),
			withdrawable,
			locked: Self::locked_of(who),
			listed: VoterList::<T>::get().iter().any(|(_, v)| v == who),
		}
	}

	/// The next era's set if the votes were counted now, with the keep rule and the turnover
	/// budget applied as the election would.
	pub fn projection() -> Projection<T::AccountId> {
		let Count { in_rank_order, seating, .. } = Self::count_votes(Method::<T>::get());
		let max_backups = T::MaxBackups::get() as usize;
		let pairs = |list: Vec<crate::election::Backed<T::AccountId, T::BillingKey>>| {
			list.into_iter().map(|(c, backing)| (c.account, backing)).collect::<Vec<_>>()
		};
		match seating {
			None => {
				let set = T::AuthoritySet::authorities();
				let billing_peers = set
					.iter()
					.filter_map(|key| {
						let who = T::Candidates::account_of(key)?;
						let backing = T::Candidates::registration_of(&who)
							.map_or(0, |r| Backing::<T>::get(&who, r));
						Some((who, backing))
					})
					.collect();
				let mut backups = pairs(in_rank_order);
				backups.truncate(max_backups);
				Projection { billing_peers, backups, newcomers: 0, deferred: 0, kept: true }
			}
			Some(seating) => {
				let mut backups = pairs(seating.backups);
				backups.truncate(max_backups);
				Projection {
					billing_peers: pairs(seating.seated),
					backups,
					newcomers: seating.newcomers,
					deferred: seating.deferred,
					kept: false,
				}
			}
		}
	}
}

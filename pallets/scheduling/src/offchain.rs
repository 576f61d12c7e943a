//! The nodes' off-chain workers.
//!
//! - A **scheduling peer's** worker answers each open election with the qualified professional
//!   peers it ranks best by the scheduling rule (without the random factor, which the chain
//!   draws at the close), leaving out the order's storing peers and those that missed in it.
//!   It reads chain state and sends signed responses, nothing else: it stores no file, carries
//!   no traffic and keeps no access log of anyone's task (whitepaper ch.2 §5 iv).
//! - A **storing peer's** worker confirms its placements whose file its data plane noted as held
//!   whole and checked ([`spacebook_scheduling_primitives::stored_file_key`]), and once a period
//!   reports what its data plane served of its files with popular-file terms in the period
//!   before ([`spacebook_scheduling_primitives::served_bytes_key`]), once its traffic report of
//!   that period is on chain, each DApp's files within what the DApp's paid traffic backs there.
//!
//! Each sends at most one transaction per task every [`RESUBMIT_AFTER`] blocks.

use crate::{scoring::Candidate, *};
use alloc::{collections::BTreeSet, vec::Vec};
use codec::Encode;
use sp_runtime::{offchain::storage::StorageValueRef, traits::SaturatedConversion};
use spacebook_scheduling_primitives::ServedBytes;

/// The log target of the workers.
pub const LOG_TARGET: &str = "runtime::scheduling";
/// The most local node keys a worker acts for.
pub const MAX_LOCAL_KEYS: usize = 8;
/// The most open elections a scheduling peer's worker reads per block.
pub const MAX_OPEN_ELECTIONS: u64 = 64;
/// The most tasks of a storing peer its worker reads per block.
pub const MAX_TASKS: usize = 256;
/// Blocks before a worker sends the same transaction again.
pub const RESUBMIT_AFTER: u32 = 4;
/// The most elections a scheduling peer's worker ranks the registry for per block: each
/// ranking scores every professional peer (`docs/benchmarks.md`); the others wait for the
/// next blocks, well within an election's window.
pub const MAX_ANSWERS_PER_BLOCK: usize = 4;

impl<T: Config> Pallet<T> {
	/// The scheduling peer's worker: answer every open election this node's scheduling peers
	/// have not answered.
	pub(crate) fn answer_elections(n: BlockNumberFor<T>) {
		let locals: Vec<(T::PeerKey, T::AccountId)> = T::PeerKey::all()
			.into_iter()
			.filter_map(|key| T::Registry::scheduler_of_key(&key).map(|who| (key, who)))
			.take(MAX_LOCAL_KEYS)
			.collect();
		if locals.is_empty() {
			return;
		}
		let (head, tail) = ElectionQueueBounds::<T>::get();
		let open: Vec<(OrderId, OrderOf<T>)> = (head..tail)
			.take(MAX_OPEN_ELECTIONS as usize)
			.filter_map(ElectionQueue::<T>::get)
			.filter_map(|(id, attempt, _)| {
				Orders::<T>::get(id)
					.filter(|o| o.electing && o.attempts == attempt)
					.map(|o| (id, o))
			})
			.collect();
		if open.is_empty() {
			return;
		}
		let candidates = Self::candidates(T::Registry::professionals());
		let mut ranked = 0;
		for (id, order) in &open {
			let answered: BTreeSet<T::AccountId> =
				Responses::<T>::get(id).into_iter().map(|r| r.scheduler).collect();
			let mut proposal = None;
			for (key, scheduler) in &locals {
				if answered.contains(scheduler) {
					continue;
				}
				if proposal.is_none() && ranked >= MAX_ANSWERS_PER_BLOCK {
					break;
				}
				let tag = (b"spacebook/sched-answer", id, order.attempts, scheduler).encode();
				if !Self::claim_send(&tag, n) {
					continue;
				}
				let candidates = proposal
					.get_or_insert_with(|| {
						ranked += 1;
						Self::propose(*id, order, &candidates)
					})
					.clone();
				if candidates.is_empty() {
					log::debug!(target: LOG_TARGET, "order {id}: no qualified peer to propose");
					continue;
				}
				let response = ElectionResponse {
					order: *id,
					attempt: order.attempts,
					scheduler: scheduler.clone(),
					candidates: candidates.try_into().expect("at most MaxCandidates"),
				};
				let Some(signature) = key.sign(&Self::response_payload(&response)) else {
					log::warn!(target: LOG_TARGET, "the scheduling key cannot sign");
					continue;
				};
				Self::submit(Call::respond { response, signature }.into(), "response", *id);
			}
		}
	}

	/// The professional peers `peers` as the rule weighs them, with their committed bytes: read
	/// once per block for every election the worker answers.
	pub fn candidates(
		peers: Vec<(T::AccountId, ProfessionalFacts)>,
	) -> Vec<Candidate<T::AccountId>> {
		peers
			.into_iter()
			.map(|(peer, facts)| {
				let committed = Committed::<T>::get(&peer);
				Candidate { peer, facts, committed }
			})
			.collect()
	}

	/// Whom a scheduling peer proposes for `order`: among `peers`, those not storing it nor
	/// missed in it that qualify (its reserves included: they compete for a storing slot like
	/// any other), best first by the rule without the random factor (diversity
	/// counted against the order's storing peers and those ranked before), at most
	/// [`Config::MaxCandidates`]. Reads the order's placements and misses, not each peer.
	pub fn propose(
		id: OrderId,
		order: &OrderOf<T>,
		peers: &[Candidate<T::AccountId>],
	) -> Vec<T::AccountId> {
		let placements = Placements::<T>::get(id);
		let mut left_out: BTreeSet<T::AccountId> =
			placements.iter().filter(|p| p.status.stores()).map(|p| p.peer.clone()).collect();
		left_out.extend(Missed::<T>::iter_key_prefix(id));
		let candidates: Vec<Candidate<T::AccountId>> =
			peers.iter().filter(|c| !left_out.contains(&c.peer)).cloned().collect();
		let taken_regions: Vec<[u8; 2]> = placements
			.iter()
			.filter(|p| p.status.stores())
			.filter_map(|p| peers.iter().find(|c| c.peer == p.peer).map(|c| c.facts.region))
			.collect();
		let wanted = scoring::Vacancies {
			length: order.file.length,
			now: Self::current_period(),
			taken_regions: &taken_regions,
			storing: T::MaxCandidates::get() as usize,
			reserves: 0,
		};
		scoring::pick(&candidates, wanted, &Rule::<T>::get(), |_| 0).storing
	}

	/// The storing peer's worker: confirm each placement that is fetching and whose file this
	/// node's data plane noted as held.
	pub(crate) fn confirm_stored_files(n: BlockNumberFor<T>) {
		let locals = T::PeerKey::all()
			.into_iter()
			.filter_map(|key| T::Registry::professional_of_key(&key).map(|who| (key, who)))
			.take(MAX_LOCAL_KEYS);
		let now = frame_system::Pallet::<T>::block_number();
		for (key, peer) in locals {
			for id in PeerOrders::<T>::iter_key_prefix(&peer).take(MAX_TASKS) {
				let Some(order) = Orders::<T>::get(id) else { continue };
				let Some(deadline) = Placements::<T>::get(id).iter().find_map(|p| match p.status {
					PlacementStatus::Fetching { deadline } if p.peer == peer => Some(deadline),
					_ => None,
				}) else {
					continue;
				};
				if now > deadline || !Self::holds_file(&peer, &order.file) {
					continue;
				}
				let tag = (b"spacebook/sched-confirm", id, deadline, &peer).encode();
				if !Self::claim_send(&tag, n) {
					continue;
				}
				let confirmation = StorageConfirmation { order: id, peer: peer.clone(), deadline };
				let Some(signature) = key.sign(&Self::confirmation_payload(&confirmation)) else {
					log::warn!(target: LOG_TARGET, "the peer key cannot sign");
					continue;
				};
				Self::submit(
					Call::confirm_stored { confirmation, signature }.into(),
					"confirmation",
					id,
				);
			}
		}
	}

	/// The storing peer's worker: report the demand of the period before this one for its
	/// holdings with popular-file terms, the greatest first, each DApp's within its backing.
	pub(crate) fn report_served_demand(n: BlockNumberFor<T>) {
		let now = Self::current_period();
		let Some(period) = now.checked_sub(1) else { return };
		let locals = T::PeerKey::all()
			.into_iter()
			.filter_map(|key| T::Registry::professional_of_key(&key).map(|who| (key, who)))
			.take(MAX_LOCAL_KEYS);
		for (key, peer) in locals {
			if LastDemandReport::<T>::get(&peer).is_some_and(|last| last >= period)
				|| !T::Traffic::reported(&peer, period)
			{
				continue;
			}
			let files = Self::served_demand(&peer, period);
			if files.is_empty() {
				continue;
			}
			let tag = (b"spacebook/sched-demand", &peer, period).encode();
			if !Self::claim_send(&tag, n) {
				continue;
			}
			let report = DemandReport {
				peer: peer.clone(),
				period,
				files: files.try_into().expect("at most MaxDemandEntries"),
			};
			let Some(signature) = key.sign(&Self::demand_payload(&report)) else {
				log::warn!(target: LOG_TARGET, "the peer key cannot sign");
				continue;
			};
			let call = Call::report_demand { report, signature }.into();
			use frame_system::offchain::SubmitTransaction;
			let xt = T::create_authorized_transaction(call);
			match SubmitTransaction::<T, Call<T>>::submit_transaction(xt) {
				Ok(()) => log::debug!(target: LOG_TARGET, "demand of period {period} sent"),
				Err(()) => log::warn!(target: LOG_TARGET, "demand of period {period} not sent"),
			}
		}
	}

	/// What `peer` may report of `period`: the bytes its node counted of each file it holds for
	/// an order with popular-file terms, in sessions the order's DApp paid for, the greatest
	/// first, at most [`Config::MaxDemandEntries`], each DApp's within what its paid traffic
	/// backs in the peer's traffic report.
	pub fn served_demand(peer: &T::AccountId, period: u32) -> Vec<(OrderId, u64)> {
		let mut served: Vec<(u64, OrderId, T::AccountId)> = Vec::new();
		let popular = PeerOrders::<T>::iter_key_prefix(peer)
			.filter(|id| PopularTerms::<T>::contains_key(id))
			.take(MAX_TASKS);
		for id in popular {
			let Some(order) = Orders::<T>::get(id) else { continue };
			let holds = Placements::<T>::get(id)
				.iter()
				.any(|p| p.peer == *peer && matches!(p.status, PlacementStatus::Holding { .. }));
			if !holds {
				continue;
			}
			let key = spacebook_scheduling_primitives::served_bytes_key(
				peer,
				&order.file.hash_index,
				&order.dapp,
			);
			let counted = StorageValueRef::persistent(&key)
				.get::<ServedBytes>()
				.ok()
				.flatten()
				.map_or(0, |s| s.of(period));
			if counted > 0 {
				served.push((counted, id, order.dapp));
			}
		}
		served.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
		let mut left: alloc::collections::BTreeMap<T::AccountId, u128> = Default::default();
		let mut files = Vec::new();
		for (bytes, id, dapp) in served {
			if files.len() >= T::MaxDemandEntries::get() as usize {
				break;
			}
			let left =
				left.entry(dapp).or_insert_with_key(|d| T::Traffic::paid_bytes(peer, period, d));
			let counted = u128::from(bytes).min(*left);
			if counted == 0 {
				continue;
			}
			*left -= counted;
			files.push((id, counted as u64));
		}
		files
	}

	/// Whether this node's data plane noted `peer`'s store as holding `file` whole and checked.
	pub fn holds_file(peer: &T::AccountId, file: &FileRef) -> bool {
		let key =
			spacebook_scheduling_primitives::stored_file_key(peer, &file.hash_index, file.length);
		StorageValueRef::persistent(&key).get::<bool>().ok().flatten().unwrap_or(false)
	}

	/// Whether `what` may be sent now: not sent in the last [`RESUBMIT_AFTER`] blocks.
	fn claim_send(what: &[u8], n: BlockNumberFor<T>) -> bool {
		let now: u32 = n.saturated_into();
		StorageValueRef::persistent(what)
			.mutate(|last: Result<Option<u32>, _>| match last {
				Ok(Some(at)) if now < at.saturating_add(RESUBMIT_AFTER) => Err(()),
				_ => Ok(now),
			})
			.is_ok()
	}

	fn submit(
		call: <T as frame_system::offchain::CreateTransactionBase<Call<T>>>::RuntimeCall,
		what: &str,
		order: OrderId,
	) {
		use frame_system::offchain::SubmitTransaction;
		let xt = T::create_authorized_transaction(call);
		match SubmitTransaction::<T, Call<T>>::submit_transaction(xt) {
			Ok(()) => log::debug!(target: LOG_TARGET, "{what} for order {order} sent"),
			Err(()) => log::warn!(target: LOG_TARGET, "{what} for order {order} not sent"),
		}
	}
}

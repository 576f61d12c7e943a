//! The peer registry: registrations and their records, professional peers' declarations,
//! common peers' attachments, service peers and billing candidates, and what the registry tells
//! the other pallets ([`PeerRegistry`]).

use crate::*;

impl<T: Config> Pallet<T> {
	pub(crate) fn now() -> BlockNumberFor<T> {
		frame_system::Pallet::<T>::block_number()
	}

	pub(crate) fn ensure_unregistered(who: &T::AccountId) -> DispatchResult {
		ensure!(!Registrations::<T>::contains_key(who), Error::<T>::AlreadyRegistered);
		Ok(())
	}

	pub(crate) fn check_endpoint(endpoint: &[u8]) -> DispatchResult {
		let valid = !endpoint.is_empty()
			&& core::str::from_utf8(endpoint)
				.map(|s| !s.chars().any(|c| c.is_whitespace() || c.is_control()))
				.unwrap_or(false);
		ensure!(valid, Error::<T>::InvalidEndpoint);
		Ok(())
	}

	pub(crate) fn check_professional(declaration: &ProfessionalDeclaration<T>) -> DispatchResult {
		let r = &declaration.resources;
		ensure!(
			r.storage_gib > 0 && r.bandwidth_mbps > 0 && r.cpu_cores > 0,
			Error::<T>::NoResources
		);
		ensure!(declaration.location.is_valid(), Error::<T>::InvalidLocation);
		Self::check_endpoint(&declaration.endpoint)
	}

	/// Store a new registration and count it; emits [`Event::Registered`]. The registration
	/// takes a consumer reference on the account, so the account cannot be reaped while it is
	/// registered.
	pub(crate) fn insert_record(
		who: &T::AccountId,
		role: Role<T>,
		held: BalanceOf<T>,
		base: BalanceOf<T>,
	) -> DispatchResult {
		frame_system::Pallet::<T>::inc_consumers(who).map_err(|_| Error::<T>::InsufficientFunds)?;
		let now = Self::now();
		let index = NextIndex::<T>::mutate(|next| {
			let index = *next;
			*next = next.saturating_add(1);
			index
		});
		let kind = role.kind();
		let record = PeerRecord {
			index,
			role,
			status: Status::Active,
			warnings: 0,
			last_offence: None,
			suspended_at: None,
			// The unlock clock runs only once the whole deposit is held (a common peer's is not
			// at registration): nothing unlocks that was never held.
			deposit: Deposit {
				held,
				base,
				accrued: Zero::zero(),
				running_since: (held >= base).then_some(now),
			},
			registered_at: now,
			online: Online::default(),
		};
		Self::add_capacity(&record, true);
		Registrations::<T>::insert(who, record);
		RoleCount::<T>::mutate(kind, |n| *n = n.saturating_add(1));
		Self::deposit_event(Event::Registered { who: who.clone(), role: kind, deposit: held });
		Ok(())
	}

	/// Refuse while `record` is a billing-peer candidate whose key is in the authority set.
	pub(crate) fn ensure_not_validating(record: &PeerRecord<T>) -> DispatchResult {
		if let Role::BillingCandidate { billing_key } = &record.role {
			ensure!(!T::BillingAuthorities::contains(billing_key), Error::<T>::StillBillingPeer);
		}
		Ok(())
	}

	/// Register a billing-peer candidate (the calls and genesis), backed by `bond` of its own
	/// SPB if given; only a backed one displaces a candidate from a full registry.
	pub(crate) fn do_register_billing_candidate(
		who: &T::AccountId,
		billing_key: T::BillingKey,
		bond: Option<BalanceOf<T>>,
	) -> DispatchResult {
		Self::ensure_unregistered(who)?;
		ensure!(!BillingKeyOwner::<T>::contains_key(&billing_key), Error::<T>::BillingKeyInUse);
		let deposit = T::CandidateDeposit::get();
		// The deposit first: a registration that fails displaces nobody.
		Self::hold(who, RoleKind::BillingCandidate, deposit)?;
		if RoleCount::<T>::get(RoleKind::BillingCandidate) >= T::MaxBillingCandidates::get() {
			let bond = bond.ok_or(Error::<T>::TooManyCandidates)?;
			Self::displace_candidate(who, bond)?;
		}
		BillingKeyOwner::<T>::insert(&billing_key, who);
		Self::insert_record(who, Role::BillingCandidate { billing_key }, deposit, deposit)?;
		match bond {
			Some(bond) => T::CandidateDisplacement::back(who, bond),
			None => Ok(()),
		}
	}

	/// Make room in the full registry for `newcomer`, which backs itself with `bond`: end the
	/// candidacy [`Config::CandidateDisplacement`] names at once, an active one or one leaving
	/// of its own accord (its deposit released, no exit delay: it holds no seat and none in the
	/// sets kept for equivocation reports, so nothing it did can still be punished), or refuse
	/// with [`Error::TooManyCandidates`].
	pub(crate) fn displace_candidate(
		newcomer: &T::AccountId,
		bond: BalanceOf<T>,
	) -> DispatchResult {
		let victim =
			T::CandidateDisplacement::displaceable(bond).ok_or(Error::<T>::TooManyCandidates)?;
		let record = Registrations::<T>::get(&victim).ok_or(Error::<T>::TooManyCandidates)?;
		// Only an active candidate, or one leaving of its own accord (its exit ends early: it
		// holds no seat, so nothing it did can still be punished); a suspended or evicted one
		// must not get its deposit back before the exit delay.
		let leaving = match record.status {
			Status::Active => false,
			Status::Leaving { evicted: false, .. } => true,
			_ => return Err(Error::<T>::TooManyCandidates.into()),
		};
		ensure!(
			matches!(record.role, Role::BillingCandidate { .. }),
			Error::<T>::TooManyCandidates
		);
		Self::ensure_not_validating(&record)?;
		if !leaving {
			T::OnLeaving::on_leaving(&victim, RoleKind::BillingCandidate);
		}
		Self::deposit_event(Event::CandidateDisplaced {
			who: victim.clone(),
			by: newcomer.clone(),
		});
		Self::close_registration(&victim, record)
	}

	/// Release `who`'s deposit, drop its keys and its record: the end of an exit.
	pub(crate) fn close_registration(who: &T::AccountId, record: PeerRecord<T>) -> DispatchResult {
		let kind = record.role.kind();
		let released = T::Currency::release(
			&Self::hold_reason(kind),
			who,
			record.deposit.held,
			Precision::Exact,
		)?;
		match &record.role {
			Role::Professional(p) => PeerKeyOwner::<T>::remove(&p.peer_key),
			Role::Common(c) => PeerKeyOwner::<T>::remove(&c.peer_key),
			Role::DApp(d) => {
				for key in d.client_keys.iter() {
					Self::retire_client_key(who, key.clone());
				}
			}
			Role::BillingCandidate { billing_key } => BillingKeyOwner::<T>::remove(billing_key),
			Role::Scheduling(d) | Role::Routing(d) => ServiceKeyOwner::<T>::remove(&d.node_key),
		}
		Registrations::<T>::remove(who);
		frame_system::Pallet::<T>::dec_consumers(who);
		RoleCount::<T>::mutate(kind, |n| *n = n.saturating_sub(1));
		Self::deposit_event(Event::Exited { who: who.clone(), released });
		Ok(())
	}

	/// What a billing key signs to prove that `who`'s candidacy holds it on this chain:
	/// `("spacebook/billing-candidate", genesis hash, who)`, SCALE-encoded. The signature is a
	/// proof of possession (`sp_core`'s `statement_of_ownership` prefixes it with `"POP_"`), so
	/// it can be confused with no Gosig vote, and it is bound to the account and the chain.
	pub fn billing_key_statement(who: &T::AccountId) -> Vec<u8> {
		let genesis = frame_system::Pallet::<T>::block_hash(BlockNumberFor::<T>::zero());
		spacebook_billing_elections_primitives::billing_candidate_statement(&genesis, who)
	}

	/// Whether `proof` is `key`'s proof of possession for `who` on this chain.
	pub fn billing_key_proof_is_valid(
		who: &T::AccountId,
		key: &T::BillingKey,
		proof: &BillingKeyProof<T>,
	) -> bool {
		let statement = sp_application_crypto::sp_core::proof_of_possession::statement_of_ownership(
			&Self::billing_key_statement(who),
		);
		key.verify(&statement, proof)
	}

	/// The account of the billing-peer candidate whose Gosig key is `key`.
	pub fn candidate_of_billing_key(key: &T::BillingKey) -> Option<T::AccountId> {
		BillingKeyOwner::<T>::get(key)
	}

	/// Fails with [`Error::PeerKeyInUse`] if a serving or service peer's node signs with `key`.
	pub(crate) fn ensure_key_unused(key: &T::PeerKey) -> DispatchResult {
		ensure!(
			!PeerKeyOwner::<T>::contains_key(key) && !ServiceKeyOwner::<T>::contains_key(key),
			Error::<T>::PeerKeyInUse
		);
		Ok(())
	}

	/// The scheduling or routing peer whose node signs with `key`.
	pub fn service_peer_of_key(key: &T::PeerKey) -> Option<T::AccountId> {
		ServiceKeyOwner::<T>::get(key)
	}

	/// Admit a scheduling or routing peer (the call and genesis).
	pub(crate) fn do_admit_service_peer(
		who: &T::AccountId,
		kind: ServiceKind,
		declaration: ServiceDeclaration<T>,
	) -> DispatchResult {
		Self::ensure_unregistered(who)?;
		ensure!(declaration.location.is_valid(), Error::<T>::InvalidLocation);
		Self::check_endpoint(&declaration.endpoint)?;
		Self::ensure_key_unused(&declaration.node_key)?;
		let kind = RoleKind::from(kind);
		let deposit = T::ServiceDeposit::get();
		Self::hold(who, kind, deposit)?;
		ServiceKeyOwner::<T>::insert(&declaration.node_key, who);
		let role = match kind {
			RoleKind::Scheduling => Role::Scheduling(declaration),
			_ => Role::Routing(declaration),
		};
		Self::insert_record(who, role, deposit, deposit)
	}

	/// Count a common peer of `storage_gib` on `professional`; returns the professional
	/// peer's registration index. Fails unless it is an active professional peer.
	pub(crate) fn attach(
		common: &T::AccountId,
		professional: &T::AccountId,
		storage_gib: u32,
	) -> Result<u64, DispatchError> {
		let index = Registrations::<T>::try_mutate(professional, |record| {
			let record = record.as_mut().ok_or(Error::<T>::UnknownAttachTarget)?;
			ensure!(record.status == Status::Active, Error::<T>::UnknownAttachTarget);
			let Role::Professional(p) = &mut record.role else {
				return Err(Error::<T>::UnknownAttachTarget.into());
			};
			p.attached_commons = p.attached_commons.saturating_add(1);
			p.attached_storage_gib = p.attached_storage_gib.saturating_add(storage_gib.into());
			Ok::<_, DispatchError>(record.index)
		})?;
		AttachedCommons::<T>::insert(professional, common, ());
		Ok(index)
	}

	/// Stop counting the common peer `who` on its professional peer, if that attachment is
	/// live, and drop it from the professional peer's [`AttachedCommons`] in any case.
	pub(crate) fn detach(who: &T::AccountId, common: &CommonPeer<T>) {
		AttachedCommons::<T>::remove(&common.attached_to, who);
		Registrations::<T>::mutate(&common.attached_to, |record| {
			let Some(record) = record.as_mut() else { return };
			if record.index != common.attached_index {
				return;
			}
			if let Role::Professional(p) = &mut record.role {
				p.attached_commons = p.attached_commons.saturating_sub(1);
				p.attached_storage_gib =
					p.attached_storage_gib.saturating_sub(common.storage_gib.into());
			}
		});
	}

	/// The common peers attached to `professional` that may earn (active, holding their
	/// deposit) on a live attachment (to this registration of it), at most `max`, among the
	/// first `4 × max` entries of its index (in the index's hashed order; entries of an
	/// attachment to an earlier registration of the same account are read and skipped):
	/// account, storage offered (GiB) and endpoint.
	pub fn attached_commons(
		professional: &T::AccountId,
		max: usize,
	) -> Vec<(T::AccountId, u32, Endpoint<T>)> {
		AttachedCommons::<T>::iter_key_prefix(professional)
			.take(max.saturating_mul(4))
			.filter_map(|who| {
				let record = Registrations::<T>::get(&who)?;
				let Role::Common(c) = &record.role else { return None };
				let live =
					Self::earns(&record) && Self::attachment(c).as_ref() == Some(professional);
				live.then(|| (who, c.storage_gib, c.endpoint.clone()))
			})
			.take(max)
			.collect()
	}

	/// Whether a record's peer may earn now: a serving peer, active, holding the deposit it
	/// needs and the earning floor ([`PeerRegistry::can_earn`]).
	pub(crate) fn earns(record: &PeerRecord<T>) -> bool {
		record.role.kind().serves_traffic()
			&& Self::active_and_deposited(record)
			&& record.deposit.held >= Self::earning_floor(record)
	}

	/// The professional peer a common peer is attached to, if the attachment is live.
	pub fn attachment(common: &CommonPeer<T>) -> Option<T::AccountId> {
		Registrations::<T>::get(&common.attached_to)
			.filter(|p| p.index == common.attached_index)
			.map(|_| common.attached_to.clone())
	}

	pub(crate) fn is_leaving(record: &PeerRecord<T>) -> bool {
		matches!(record.status, Status::Leaving { .. })
	}

	/// Count a professional peer's declared instances in [`DeclaredInstances`] (`add`), or
	/// stop counting them.
	pub(crate) fn add_capacity(record: &PeerRecord<T>, add: bool) {
		if let Role::Professional(p) = &record.role {
			let instances = p.declaration.resources.instances();
			DeclaredInstances::<T>::mutate(|total| {
				*total = if add {
					total.saturating_add(instances)
				} else {
					total.saturating_sub(instances)
				}
			});
		}
	}

	/// The professional peers among at most `scan` (at least one, at most
	/// [`MAX_PEERS_SCAN`]) registrations after `after`
	/// (from the first if `None`), in storage order, as `(account, endpoint, active)`, and the account to
	/// continue after if registrations remain. Active: neither suspended nor leaving.
	///
	/// Complexity: `O(scan)` storage reads.
	pub fn professional_peers(
		after: Option<&T::AccountId>,
		scan: u32,
	) -> (Vec<ProfessionalListing<T>>, Option<T::AccountId>) {
		let mut registrations = match after {
			Some(after) => Registrations::<T>::iter_from(Registrations::<T>::hashed_key_for(after)),
			None => Registrations::<T>::iter(),
		};
		let mut peers = Vec::new();
		let mut last = None;
		for _ in 0..scan.clamp(1, MAX_PEERS_SCAN) {
			let Some((who, record)) = registrations.next() else { return (peers, None) };
			if let Role::Professional(p) = &record.role {
				let active = record.status == Status::Active;
				peers.push((who.clone(), p.declaration.endpoint.clone(), active));
			}
			last = Some(who);
		}
		let more = registrations.next().is_some();
		(peers, last.filter(|_| more))
	}

	/// What the runtime API tells about `who`.
	pub fn peer_view(
		who: &T::AccountId,
	) -> Option<PeerView<T::AccountId, BalanceOf<T>, BlockNumberFor<T>>> {
		let record = Registrations::<T>::get(who)?;
		let required = Self::required(&record);
		// Only an active peer may withdraw.
		let unlockable =
			if record.status == Status::Active { Self::unlockable(&record) } else { Zero::zero() };
		let attached_to = match &record.role {
			Role::Common(common) => Self::attachment(common),
			_ => None,
		};
		Some(PeerView {
			role: record.role.kind(),
			standing: Self::standing(&record),
			deposit: DepositView { held: record.deposit.held, required, unlockable },
			online_periods: record.online.periods,
			last_online_period: record.online.last_period,
			registered_at: record.registered_at,
			attached_to,
			patrol: None,
		})
	}
}

impl<T: Config>
	PeerRegistry<T::AccountId, BalanceOf<T>, T::PeerKey, T::ClientKey, BlockNumberFor<T>>
	for Pallet<T>
{
	fn peer_of_key(key: &T::PeerKey) -> Option<T::AccountId> {
		PeerKeyOwner::<T>::get(key)
	}

	fn peer_key(who: &T::AccountId) -> Option<T::PeerKey> {
		Registrations::<T>::get(who).and_then(|r| r.role.peer_key().cloned())
	}

	fn dapp_of_client_key(key: &T::ClientKey, since: BlockNumberFor<T>) -> Option<T::AccountId> {
		ClientKeyOwner::<T>::get(key).or_else(|| {
			RetiredClientKeys::<T>::get(key).filter(|r| r.removed_at >= since).map(|r| r.dapp)
		})
	}

	fn client_key_retention() -> BlockNumberFor<T> {
		T::ClientKeyRetention::get()
	}

	fn can_earn(who: &T::AccountId) -> bool {
		Registrations::<T>::get(who).is_some_and(|r| Self::earns(&r))
	}

	fn on_reward(who: &T::AccountId, amount: BalanceOf<T>) -> BalanceOf<T> {
		let Some(mut record) = Registrations::<T>::get(who) else { return Zero::zero() };
		if record.role.kind() != RoleKind::Common || Self::is_leaving(&record) {
			return Zero::zero();
		}
		let shortfall = Self::required(&record).saturating_sub(record.deposit.held);
		let amount = amount.min(shortfall);
		if amount.is_zero() {
			return amount;
		}
		if T::Currency::hold(&HoldReason::CommonDeposit.into(), who, amount).is_err() {
			// The reward may have been spent already; hold what we can next time.
			log::debug!(target: LOG_TARGET, "cannot hold {amount:?} of {who:?}'s reward");
			return Zero::zero();
		}
		record.deposit.held = record.deposit.held.saturating_add(amount);
		Self::start_clock(&mut record);
		let held = record.deposit.held;
		Registrations::<T>::insert(who, record);
		Self::deposit_event(Event::RewardDeposited { who: who.clone(), amount, held });
		amount
	}
}

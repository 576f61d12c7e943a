//! Penalties: the ladder of warnings, suspension and eviction with slashing, and the standing
//! it gives a peer ([`Penalties`]).

use crate::*;

impl<T: Config> Pallet<T> {
	/// The ladder: see [`Penalties::penalize`].
	///
	/// - An evicted peer: refused.
	/// - A suspended peer, or one on probation (within [`Config::WarningExpiry`] of the start
	///   of its last suspension): evicted.
	/// - `Evict`: evicted. A leaving peer: evicted by `Suspend`, or by `Warn` once out of
	///   warnings.
	/// - Otherwise `Suspend`, or `Warn` once out of warnings: suspended; `Warn`: one more
	///   warning (warnings older than [`Config::WarningExpiry`] are forgotten first).
	pub fn do_penalize(
		who: &T::AccountId,
		reason: PenaltyReason,
		level: PenaltyLevel,
	) -> Result<Standing, DispatchError> {
		let mut record = Registrations::<T>::get(who).ok_or(Error::<T>::NotRegistered)?;
		let now = Self::now();
		let on_probation = record
			.suspended_at
			.is_some_and(|since| now.saturating_sub(since) < T::WarningExpiry::get());
		let evict = match record.status {
			Status::Leaving { evicted: true, .. } => return Err(Error::<T>::AlreadyEvicted.into()),
			Status::Suspended { .. } => true,
			_ if on_probation => true,
			Status::Leaving { evicted: false, .. } => level >= PenaltyLevel::Suspend,
			Status::Active => level == PenaltyLevel::Evict,
		};
		if Self::warnings_expired(&record) {
			record.warnings = 0;
		}
		record.last_offence = Some(now);
		if evict {
			return Self::evict(who, record, reason);
		}
		let suspend = level == PenaltyLevel::Suspend || record.warnings >= T::MaxWarnings::get();
		if suspend && !Self::is_leaving(&record) {
			record.status = Status::Suspended { since: now, reason };
			record.suspended_at = Some(now);
			Self::stop_clock(&mut record);
			Registrations::<T>::insert(who, record);
			let resumable_at = now.saturating_add(T::SuspensionPeriod::get());
			Self::deposit_event(Event::Suspended { who: who.clone(), reason, resumable_at });
			return Ok(Standing::Suspended(reason));
		}
		if suspend {
			// A leaving peer that runs out of warnings is evicted.
			return Self::evict(who, record, reason);
		}
		record.warnings = record.warnings.saturating_add(1);
		let warnings = record.warnings;
		let standing = Self::standing(&record);
		Registrations::<T>::insert(who, record);
		Self::deposit_event(Event::Warned { who: who.clone(), reason, warnings });
		Ok(standing)
	}

	/// Whether a record's warnings are older than [`Config::WarningExpiry`].
	pub(crate) fn warnings_expired(record: &PeerRecord<T>) -> bool {
		record
			.last_offence
			.is_some_and(|last| Self::now().saturating_sub(last) >= T::WarningExpiry::get())
	}

	/// Slash the eviction share of the deposit and start the forced exit.
	pub(crate) fn evict(
		who: &T::AccountId,
		mut record: PeerRecord<T>,
		reason: PenaltyReason,
	) -> Result<Standing, DispatchError> {
		let now = Self::now();
		let kind = record.role.kind();
		let to_slash = T::EvictionSlash::get().mul_floor(record.deposit.held);
		let (credit, missing) = T::Currency::slash(&Self::hold_reason(kind), who, to_slash);
		if !missing.is_zero() {
			defensive!("pallet-peers: a deposit on hold was smaller than its record");
		}
		let slashed = to_slash.saturating_sub(missing);
		T::Slashed::on_unbalanced(credit);
		record.deposit.held = record.deposit.held.saturating_sub(slashed);
		Self::stop_clock(&mut record);
		if let (Role::Common(common), false) = (&record.role, Self::is_leaving(&record)) {
			Self::detach(who, common);
		}
		let was_leaving = Self::is_leaving(&record);
		if !was_leaving {
			Self::add_capacity(&record, false);
		}
		let exit_at = now.saturating_add(T::ExitDelay::get());
		record.status = Status::Leaving { exit_at, evicted: true };
		Registrations::<T>::insert(who, record);
		if !was_leaving {
			T::OnLeaving::on_leaving(who, kind);
		}
		T::OnLeaving::on_evicted(who, kind);
		log::info!(target: LOG_TARGET, "evicted {who:?} for {reason:?}, slashed {slashed:?}");
		Self::deposit_event(Event::Evicted { who: who.clone(), reason, slashed, exit_at });
		Ok(Standing::Evicted)
	}

	/// Where a registration stands (expired warnings do not count).
	pub fn standing(record: &PeerRecord<T>) -> Standing {
		match record.status {
			Status::Active if record.warnings == 0 || Self::warnings_expired(record) => {
				Standing::Good
			}
			Status::Active => Standing::Warned(record.warnings),
			Status::Suspended { reason, .. } => Standing::Suspended(reason),
			Status::Leaving { evicted: false, .. } => Standing::Leaving,
			Status::Leaving { evicted: true, .. } => Standing::Evicted,
		}
	}
}

impl<T: Config> Penalties<T::AccountId> for Pallet<T> {
	fn penalize(
		who: &T::AccountId,
		reason: PenaltyReason,
		level: PenaltyLevel,
	) -> Result<Standing, DispatchError> {
		Self::do_penalize(who, reason, level)
	}
}

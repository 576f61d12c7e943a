//! Deposits (whitepaper ch.2): each role's hold, the requirement and its unlock over the time
//! it was held (issue 14, finding 9), the earning floor, and exits.

use crate::*;

impl<T: Config> Pallet<T> {
	/// The hold reason of a role's deposit.
	pub fn hold_reason(kind: RoleKind) -> T::RuntimeHoldReason {
		match kind {
			RoleKind::Professional => HoldReason::ProfessionalDeposit,
			RoleKind::Common => HoldReason::CommonDeposit,
			RoleKind::DApp => HoldReason::DAppDeposit,
			RoleKind::BillingCandidate => HoldReason::CandidateDeposit,
			RoleKind::Scheduling | RoleKind::Routing => HoldReason::ServiceDeposit,
		}
		.into()
	}

	/// Put `amount` of `who`'s funds on hold for `kind`'s deposit; zero is a no-op.
	pub(crate) fn hold(who: &T::AccountId, kind: RoleKind, amount: BalanceOf<T>) -> DispatchResult {
		if amount.is_zero() {
			return Ok(());
		}
		T::Currency::hold(&Self::hold_reason(kind), who, amount)
			.map_err(|_| Error::<T>::InsufficientFunds.into())
	}

	/// Release exactly `amount` of `who`'s deposit for `kind`.
	pub(crate) fn release(
		who: &T::AccountId,
		kind: RoleKind,
		amount: BalanceOf<T>,
	) -> DispatchResult {
		T::Currency::release(&Self::hold_reason(kind), who, amount, Precision::Exact).map(|_| ())
	}

	/// Run the unlock clock of an active peer again, if it holds what it must: time with a
	/// shortfall (a common peer still building its deposit up) does not count toward unlocking.
	pub(crate) fn start_clock(record: &mut PeerRecord<T>) {
		if record.deposit.running_since.is_none() && Self::active_and_deposited(record) {
			record.deposit.running_since = Some(Self::now());
		}
	}

	pub(crate) fn stop_clock(record: &mut PeerRecord<T>) {
		if let Some(since) = record.deposit.running_since.take() {
			let ran = Self::now().saturating_sub(since);
			record.deposit.accrued = record.deposit.accrued.saturating_add(ran);
		}
	}

	/// Whether `record` is active and holds its required deposit: what a peer needs to earn,
	/// and to have its deposit's unlock clock run.
	pub(crate) fn active_and_deposited(record: &PeerRecord<T>) -> bool {
		record.status == Status::Active && record.deposit.held >= Self::required(record)
	}

	/// Blocks of good standing a registration has accrued up to now.
	pub fn good_standing(record: &PeerRecord<T>) -> BlockNumberFor<T> {
		let running = record
			.deposit
			.running_since
			.map(|since| Self::now().saturating_sub(since))
			.unwrap_or_else(Zero::zero);
		record.deposit.accrued.saturating_add(running)
	}

	/// The deposit a registration must keep now.
	///
	/// - Professional and common peers: `base · (1 − min(g / U, 1))` for `g` blocks of good
	///   standing and the unlock period `U`, rounded up (linear, zero after `U`).
	/// - DApps: [`Config::DAppDeposit`].
	/// - Others: their base deposit.
	pub fn required(record: &PeerRecord<T>) -> BalanceOf<T> {
		match record.role.kind() {
			RoleKind::DApp => T::DAppDeposit::get(),
			kind if kind.unlocks_over_time() => {
				let period: u128 = T::DepositUnlockPeriod::get().saturated_into::<u128>().max(1);
				let good: u128 = Self::good_standing(record).saturated_into::<u128>().min(period);
				let base: u128 = record.deposit.base.saturated_into();
				multiply_by_rational_with_rounding(
					base,
					period.saturating_sub(good),
					period,
					Rounding::Up,
				)
				.unwrap_or(base)
				.saturated_into()
			}
			_ => record.deposit.base,
		}
	}

	/// The least a professional or common peer must hold to earn, however far its deposit has
	/// unlocked: [`Config::EarningDepositFloor`] of its base deposit, rounded up (issue 14: an
	/// unlocked deposit left nothing at stake).
	pub fn earning_floor(record: &PeerRecord<T>) -> BalanceOf<T> {
		if record.role.kind().unlocks_over_time() {
			T::EarningDepositFloor::get().mul_ceil(record.deposit.base)
		} else {
			Zero::zero()
		}
	}

	/// What `who` could release now: what it holds above its requirement.
	pub fn unlockable(record: &PeerRecord<T>) -> BalanceOf<T> {
		record.deposit.held.saturating_sub(Self::required(record))
	}

	pub(crate) fn start_exit(who: &T::AccountId, mut record: PeerRecord<T>) -> DispatchResult {
		ensure!(!Self::is_leaving(&record), Error::<T>::NotActive);
		Self::add_capacity(&record, false);
		let exit_at = Self::now().saturating_add(T::ExitDelay::get());
		Self::stop_clock(&mut record);
		if let Role::Common(common) = &record.role {
			Self::detach(who, common);
		}
		record.status = Status::Leaving { exit_at, evicted: false };
		let role = record.role.kind();
		Registrations::<T>::insert(who, record);
		T::OnLeaving::on_leaving(who, role);
		Self::deposit_event(Event::Leaving { who: who.clone(), exit_at });
		Ok(())
	}
}

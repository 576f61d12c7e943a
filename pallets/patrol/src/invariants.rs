//! The pallet's invariants, checked by `try_state` and after every unit test.

use crate::*;
use pallet_token::MiningPool;
use sp_runtime::{traits::Saturating, TryRuntimeError};

impl<T: Config> Pallet<T> {
	/// Check every invariant of the pallet's storage.
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		let current = T::MiningPool::current_period();
		let oldest = OldestPeriod::<T>::get();
		let mut kept = 0u32;
		for (period, record) in Periods::<T>::iter() {
			kept += 1;
			ensure!(period >= oldest, "patrol: a pruned period's record is kept");
			ensure!(period <= current, "patrol: a future period is open");
			ensure!(record.draw.period == period, "patrol: a record's draw names another period");
			ensure!(
				record.passes_paid <= record.rewarded_passes,
				"patrol: a period paid more passes than it rewards"
			);
			ensure!(
				record.paid
					== record
						.reward_per_pass
						.saturating_mul(T::Balance::from(u64::from(record.passes_paid))),
				"patrol: a period's payouts are not its passes' rewards"
			);
			for (i, batch) in record.batches.iter().enumerate() {
				ensure!(
					!record.batches[..i].iter().any(|b| b.scheduler == batch.scheduler),
					"patrol: a scheduling peer has two batches in a period"
				);
				ensure!(
					batch.results > 0 && batch.results <= T::MaxResults::get(),
					"patrol: a batch's results are out of bounds"
				);
			}
		}
		ensure!(
			kept <= T::HistoryDepth::get().saturating_add(current.saturating_sub(oldest)),
			"patrol: more periods kept than the history and the pruning backlog"
		);
		for (peer, q) in Quality::<T>::iter() {
			ensure!(
				q.patrols == q.passed.saturating_add(q.wrong).saturating_add(q.unanswered),
				"patrol: a quality figure's patrols are not its outcomes"
			);
			ensure!(q.patrols > 0, "patrol: a quality figure without a patrol");
			ensure!(q.rewarded <= q.passed, "patrol: more passes rewarded than passed");
			ensure!(q.last_period <= current, "patrol: a patrol recorded in a future period");
			ensure!(
				q.last_wrong.is_none_or(|w| w <= q.last_period)
					&& (q.wrong > 0) == q.last_wrong.is_some(),
				"patrol: a peer's last wrong answer is not among its patrols"
			);
			let _ = peer;
		}
		let mut requests = 0u32;
		for (_, request) in Requests::<T>::iter() {
			requests += 1;
			ensure!(request.since <= current, "patrol: a request from a future period");
			ensure!(
				request.unanswered < MAX_UNANSWERED_REQUESTS,
				"patrol: a request outlived its unanswered patrols"
			);
		}
		ensure!(requests == Requests::<T>::count(), "patrol: the requests' count is off");
		Ok(())
	}
}

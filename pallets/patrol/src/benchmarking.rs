//! Benchmarks of `pallet_patrol`, in the v2 syntax.
//!
//! A batch's worst case: the most results, every target requested (so that the draw's VRF
//! proof is checked but no result depends on the draw's luck), each one paid (`submit_passes`)
//! or each one a repeated wrong answer that suspends (`submit_wrong`). The runtime cannot sign
//! a VRF, so the scheduling peer's key is `//Alice`'s and its proof on the benchmarks' seed a
//! constant ([`BENCH_PROOF`]).

use super::*;
use alloc::vec::Vec;
use frame_benchmarking::v2::*;
use frame_support::pallet_prelude::TransactionSource;
use frame_system::RawOrigin;
use sp_runtime::Perbill;
use spacebook_patrol_primitives::DrawProof;

/// The seed of the benchmarks' period.
const BENCH_SEED: [u8; 32] = [0x42; 32];
/// The benchmarks' period.
const BENCH_PERIOD: u32 = 1;
/// `//Alice`'s VRF signature on the draw of [`BENCH_PERIOD`] under [`BENCH_SEED`]
/// (`vrf_sign_data([0x42; 32], 1)`, made once with `sr25519::Pair::vrf_sign`).
const BENCH_PROOF: &str = "02565cb6a8b9ec5a2160c12adde7150a4a1d44f4af16e13b272355bb58c4e4443ddcfd1655b84d9db1fd56a957109e6a04a244bcc8280a3307c7e332329bd9087823a4398fd5064b29689dc84a29f537de2e967edaf30e560fccb6a89812930b";

fn proof() -> DrawProof {
	let mut out = [0u8; 96];
	for (i, byte) in out.iter_mut().enumerate() {
		*byte = u8::from_str_radix(&BENCH_PROOF[2 * i..2 * i + 2], 16).expect("hex");
	}
	out
}

/// A scheduling peer, `r` requested serving peers (each with a wrong answer in the period
/// before if `wrong`), the benchmarks' period open with the benchmarks' seed; the signed batch.
fn batch<T: Config>(r: u32, wrong: bool) -> (PatrolBatchOf<T>, KeySignature<T>) {
	let scheduler: T::AccountId = account("scheduler", 0, 0);
	let key = T::PeerKey::generate_pair(Some(b"//Alice".to_vec()));
	T::BenchmarkHelper::register_scheduler(&scheduler, key.clone());
	T::BenchmarkHelper::go_to_period(BENCH_PERIOD);
	T::BenchmarkHelper::fund_pool();
	Parameters::<T>::put(PatrolParameters {
		share: Perbill::from_percent(5),
		expected: 1,
		rewarded_passes: T::MaxResults::get(),
		failure_memory: 10,
	});
	Pallet::<T>::open_period(BENCH_PERIOD);
	Periods::<T>::mutate(BENCH_PERIOD, |p| {
		let p = p.as_mut().expect("just opened");
		p.draw.seed = BENCH_SEED;
	});
	let results: Vec<PatrolResult<T::AccountId>> = (0..r)
		.map(|i| {
			let peer: T::AccountId = account("peer", i, 0);
			T::BenchmarkHelper::register_serving_peer(&peer);
			Requests::<T>::insert(&peer, PatrolRequest { since: 0, unanswered: 0 });
			if wrong {
				Quality::<T>::insert(
					&peer,
					PatrolQuality {
						patrols: 1,
						wrong: 1,
						last_period: 0,
						last_wrong: Some(0),
						..Default::default()
					},
				);
			}
			PatrolResult {
				peer,
				checks: 4,
				outcome: if wrong {
					PatrolOutcome::WrongAnswer(PatrolCheck::Slice)
				} else {
					PatrolOutcome::Passed
				},
				latency_ms: 50,
				throughput_kib_s: 10_000,
			}
		})
		.collect();
	let batch = PatrolBatch {
		scheduler,
		period: BENCH_PERIOD,
		draw: proof(),
		inputs: [7; 32],
		results: results.try_into().expect("within MaxResults"),
	};
	let signature = key.sign(&Pallet::<T>::batch_payload(&batch)).expect("the key signs");
	(batch, signature)
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn submit_passes(r: Linear<1, { T::MaxResults::get() }>) {
		let (batch, signature) = batch::<T>(r, false);

		#[extrinsic_call]
		submit_results(RawOrigin::Authorized, batch, signature);

		let record = Periods::<T>::get(BENCH_PERIOD).expect("kept");
		assert_eq!(record.passes_paid, r, "every pass paid");
	}

	#[benchmark]
	fn submit_wrong(r: Linear<1, { T::MaxResults::get() }>) {
		let (batch, signature) = batch::<T>(r, true);

		#[extrinsic_call]
		submit_results(RawOrigin::Authorized, batch, signature);

		assert_eq!(Requests::<T>::count(), 0, "every request answered");
	}

	#[benchmark]
	fn authorize_submit(r: Linear<1, { T::MaxResults::get() }>) -> Result<(), BenchmarkError> {
		let (batch, signature) = batch::<T>(r, false);
		let call = Call::<T>::submit_results { batch, signature };

		#[block]
		{
			use frame_support::pallet_prelude::Authorize;
			call.authorize(TransactionSource::External)
				.ok_or("the call must be authorizable")?
				.map_err(|_| "the batch must be valid")?;
		}

		Ok(())
	}

	#[benchmark]
	fn open_period() {
		T::BenchmarkHelper::go_to_period(BENCH_PERIOD);

		#[block]
		{
			Pallet::<T>::open_period(BENCH_PERIOD);
		}

		assert!(Periods::<T>::contains_key(BENCH_PERIOD));
	}

	#[benchmark]
	fn set_parameters() {
		let parameters = PatrolParameters {
			share: Perbill::from_percent(3),
			expected: 2,
			rewarded_passes: 7,
			failure_memory: 12,
		};

		#[extrinsic_call]
		_(RawOrigin::Root, parameters);

		assert_eq!(Parameters::<T>::get(), parameters);
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}

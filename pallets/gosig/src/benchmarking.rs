//! Benchmarks of `pallet_gosig` (frame-benchmarking v2).

use super::*;
use frame_benchmarking::v2::*;
use frame_system::RawOrigin;

/// `count` distinct billing-peer ids (storage only needs their bytes, so no keystore is used).
fn billing_peers<T: Config>(count: u32) -> BoundedVec<AuthorityId, T::MaxAuthorities> {
	let peers: Vec<AuthorityId> = (0..count)
		.map(|i| {
			let raw = sp_io::hashing::blake2_256(&i.encode());
			AuthorityId::from(sp_core::sr25519::Public::from_raw(raw))
		})
		.collect();
	BoundedVec::try_from(peers).expect("count is at most MaxAuthorities")
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn set_authorities(a: Linear<1, { T::MaxAuthorities::get() }>) {
		let peers = billing_peers::<T>(a);
		let set_id = CurrentSetId::<T>::get();

		#[extrinsic_call]
		_(RawOrigin::Root, peers.clone());

		assert_eq!(Authorities::<T>::get(), peers);
		assert_eq!(CurrentSetId::<T>::get(), set_id + 1);
	}

	#[benchmark]
	fn set_election_target() {
		let target = Perbill::from_percent(90);

		#[extrinsic_call]
		_(RawOrigin::Root, target);

		assert_eq!(ElectionTarget::<T>::get(), target);
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}

//! Benchmarks of `pallet_peers` (frame-benchmarking v2). Each takes the worst case of its call.

use super::*;
use frame_benchmarking::v2::*;
use frame_support::traits::{
	fungible::{Inspect, Mutate},
	Hooks,
};
use frame_system::RawOrigin;

/// An account with a million SPB-worth of the deposit needed (and the existential deposit).
fn funded<T: Config>(name: &'static str, i: u32) -> T::AccountId {
	let who: T::AccountId = account(name, i, 0);
	let deposits = T::ProfessionalDeposit::get()
		.saturating_add(T::CandidateDeposit::get())
		.saturating_add(T::DAppDeposit::get())
		.saturating_add(T::ServiceDeposit::get())
		.saturating_add(T::CommonDeposit::get());
	let amount = deposits
		.saturating_mul(10u32.into())
		.saturating_add(T::Currency::minimum_balance().saturating_mul(1000u32.into()));
	T::Currency::set_balance(&who, amount);
	who
}

fn peer_key<T: Config>() -> T::PeerKey {
	T::PeerKey::generate_pair(None)
}

fn declaration<T: Config>() -> ProfessionalDeclaration<T> {
	ProfessionalDeclaration {
		resources: Resources { storage_gib: 1, bandwidth_mbps: 1, cpu_cores: 1 },
		location: Location { region: *b"SG", latitude: 1, longitude: 1 },
		endpoint: longest_endpoint::<T>(),
	}
}

fn longest_endpoint<T: Config>() -> Endpoint<T> {
	let len = T::MaxEndpointLen::get() as usize;
	alloc::vec![b'a'; len].try_into().expect("MaxEndpointLen bytes")
}

fn professional<T: Config>(i: u32) -> T::AccountId {
	let who = funded::<T>("professional", i);
	Pallet::<T>::register_professional(
		RawOrigin::Signed(who.clone()).into(),
		peer_key::<T>(),
		declaration::<T>(),
	)
	.expect("a funded account registers");
	who
}

fn common<T: Config>(to: &T::AccountId) -> T::AccountId {
	let who = funded::<T>("common", 0);
	Pallet::<T>::register_common(
		RawOrigin::Signed(who.clone()).into(),
		peer_key::<T>(),
		T::Lookup::unlookup(to.clone()),
		10,
		longest_endpoint::<T>(),
	)
	.expect("attaches to an active professional peer");
	who
}

fn client_keys<T: Config>(from: u32, count: u32) -> ClientKeys<T> {
	(from..from + count)
		.map(T::BenchmarkHelper::client_key)
		.collect::<Vec<_>>()
		.try_into()
		.expect("count is at most MaxClientKeys")
}

fn dapp<T: Config>(keys: u32) -> T::AccountId {
	let who = funded::<T>("dapp", 0);
	let name: DAppName<T> =
		alloc::vec![b'n'; T::MaxNameLen::get() as usize].try_into().expect("MaxNameLen");
	Pallet::<T>::register_dapp(
		RawOrigin::Signed(who.clone()).into(),
		name,
		client_keys::<T>(0, keys),
	)
	.expect("a funded account registers");
	who
}

fn advance<T: Config>(blocks: BlockNumberFor<T>) {
	let now = frame_system::Pallet::<T>::block_number();
	frame_system::Pallet::<T>::set_block_number(now.saturating_add(blocks));
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn register_professional() {
		let who = funded::<T>("professional", 0);
		let key = peer_key::<T>();

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), key, declaration::<T>());

		assert!(Registrations::<T>::contains_key(&who));
	}

	#[benchmark]
	fn register_common() {
		let pro = professional::<T>(0);
		let who = funded::<T>("common", 0);
		let key = peer_key::<T>();

		#[extrinsic_call]
		_(
			RawOrigin::Signed(who.clone()),
			key,
			T::Lookup::unlookup(pro),
			10,
			longest_endpoint::<T>(),
		);

		assert!(Registrations::<T>::contains_key(&who));
	}

	#[benchmark]
	fn register_dapp(k: Linear<0, { T::MaxClientKeys::get() }>) {
		let who = funded::<T>("dapp", 0);
		let name: DAppName<T> =
			alloc::vec![b'n'; T::MaxNameLen::get() as usize].try_into().expect("MaxNameLen");
		let keys = client_keys::<T>(0, k);

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), name, keys);

		assert!(Registrations::<T>::contains_key(&who));
	}

	#[benchmark]
	fn register_billing_candidate() {
		let who = funded::<T>("candidate", 0);
		// A key the benchmark's keystore holds, to prove possession (the signature check is
		// part of the call's weight).
		let key = T::BillingKey::generate_pair(None);
		let statement = sp_application_crypto::sp_core::proof_of_possession::statement_of_ownership(
			&Pallet::<T>::billing_key_statement(&who),
		);
		let proof = key.sign(&statement).expect("the keystore holds the key");

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), key, proof);

		assert!(Registrations::<T>::contains_key(&who));
	}

	/// A backed registration on a full registry: every registered candidate looked at, one
	/// displaced, the newcomer's bond voted.
	#[benchmark]
	fn register_billing_candidate_backed() {
		let proven = |who: &T::AccountId| {
			let key = T::BillingKey::generate_pair(None);
			let statement =
				sp_application_crypto::sp_core::proof_of_possession::statement_of_ownership(
					&Pallet::<T>::billing_key_statement(who),
				);
			let proof = key.sign(&statement).expect("the keystore holds the key");
			(key, proof)
		};
		let registered = RoleCount::<T>::get(RoleKind::BillingCandidate);
		let mut victim = None;
		for i in registered..T::MaxBillingCandidates::get() {
			let who = funded::<T>("squatter", i);
			let (key, proof) = proven(&who);
			Pallet::<T>::register_billing_candidate(
				RawOrigin::Signed(who.clone()).into(),
				key,
				proof,
			)
			.expect("a funded account stands while the registry has room");
			victim.get_or_insert(who);
		}
		let victim = victim.expect("the registry had room for a candidate");
		T::BenchmarkHelper::make_displaceable(&victim);
		let who = funded::<T>("candidate", 0);
		let (key, proof) = proven(&who);
		let bond = T::CandidateDeposit::get();

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), key, proof, bond);

		assert!(Registrations::<T>::contains_key(&who));
		assert_eq!(RoleCount::<T>::get(RoleKind::BillingCandidate), T::MaxBillingCandidates::get());
	}

	#[benchmark]
	fn admit_service_peer() -> Result<(), BenchmarkError> {
		let origin =
			T::AdmissionOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let who = funded::<T>("scheduler", 0);
		let declaration = ServiceDeclaration {
			location: Location { region: *b"DE", latitude: 0, longitude: 0 },
			endpoint: alloc::vec![b'a'; T::MaxEndpointLen::get() as usize]
				.try_into()
				.expect("MaxEndpointLen bytes"),
			node_key: peer_key::<T>(),
		};

		#[extrinsic_call]
		_(
			origin as T::RuntimeOrigin,
			T::Lookup::unlookup(who.clone()),
			ServiceKind::Scheduling,
			declaration,
		);

		assert!(Registrations::<T>::contains_key(&who));
		Ok(())
	}

	#[benchmark]
	fn update_professional() {
		let who = professional::<T>(0);
		let mut declaration = declaration::<T>();
		declaration.resources.storage_gib = 2;

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), declaration.clone());

		let Some(PeerRecord { role: Role::Professional(p), .. }) = Registrations::<T>::get(&who)
		else {
			panic!("still a professional peer")
		};
		assert_eq!(p.declaration, declaration);
	}

	#[benchmark]
	fn update_common() {
		let from = professional::<T>(0);
		let to = professional::<T>(1);
		let who = common::<T>(&from);

		#[extrinsic_call]
		_(
			RawOrigin::Signed(who.clone()),
			T::Lookup::unlookup(to.clone()),
			20,
			longest_endpoint::<T>(),
		);

		let Some(PeerRecord { role: Role::Common(c), .. }) = Registrations::<T>::get(&who) else {
			panic!("still a common peer")
		};
		assert_eq!(c.attached_to, to);
	}

	#[benchmark]
	fn add_client_key() {
		let max = T::MaxClientKeys::get();
		let who = dapp::<T>(max.saturating_sub(1));
		let key = T::BenchmarkHelper::client_key(max);

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), key.clone());

		assert_eq!(ClientKeyOwner::<T>::get(&key), Some(who));
	}

	#[benchmark]
	fn remove_client_key() {
		let max = T::MaxClientKeys::get();
		let who = dapp::<T>(max);
		let key = T::BenchmarkHelper::client_key(max.saturating_sub(1));

		#[extrinsic_call]
		_(RawOrigin::Signed(who), key.clone());

		assert!(!ClientKeyOwner::<T>::contains_key(&key));
	}

	#[benchmark]
	fn top_up_deposit() {
		let who = professional::<T>(0);
		let amount = T::Currency::minimum_balance();

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), amount);

		let held = Registrations::<T>::get(&who).map(|r| r.deposit.held);
		assert_eq!(held, Some(T::ProfessionalDeposit::get().saturating_add(amount)));
	}

	#[benchmark]
	fn withdraw_unlocked() {
		let who = professional::<T>(0);
		advance::<T>(T::DepositUnlockPeriod::get());

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));

		assert_eq!(Registrations::<T>::get(&who).map(|r| r.deposit.held), Some(Zero::zero()));
	}

	#[benchmark]
	fn leave() {
		// A common peer leaving also updates its professional peer.
		let pro = professional::<T>(0);
		let who = common::<T>(&pro);

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));

		assert!(matches!(
			Registrations::<T>::get(&who).map(|r| r.status),
			Some(Status::Leaving { .. })
		));
	}

	#[benchmark]
	fn finish_exit(k: Linear<0, { T::MaxClientKeys::get() }>) {
		let who = dapp::<T>(k);
		Pallet::<T>::leave(RawOrigin::Signed(who.clone()).into()).expect("registered");
		advance::<T>(T::ExitDelay::get());
		let caller = funded::<T>("caller", 0);

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), T::Lookup::unlookup(who.clone()));

		assert!(!Registrations::<T>::contains_key(&who));
	}

	#[benchmark]
	fn forget_retired_client_keys(n: Linear<0, MAX_FORGOTTEN_PER_BLOCK>) {
		// `n` retirements whose retention ends now, then one that is not due: the hook
		// forgets the `n` and stops at the last.
		let who: T::AccountId = account("dapp", 0, 0);
		for i in 0..n {
			Pallet::<T>::retire_client_key(&who, T::BenchmarkHelper::client_key(i));
		}
		advance::<T>(T::ClientKeyRetention::get());
		let pending = T::BenchmarkHelper::client_key(n);
		Pallet::<T>::retire_client_key(&who, pending.clone());
		let now = frame_system::Pallet::<T>::block_number();

		#[block]
		{
			Pallet::<T>::on_initialize(now);
		}

		assert_eq!(RetiredClientKeys::<T>::iter_keys().collect::<Vec<_>>(), [pending]);
		assert_eq!(RetirementQueueBounds::<T>::get(), (u64::from(n), u64::from(n) + 1));
	}

	/// A professional peer and a heartbeat for the current period signed with its key.
	fn heartbeat_call<T: Config>() -> (T::AccountId, Heartbeat<T::AccountId>, HeartbeatSignature<T>)
	{
		let who = funded::<T>("professional", 0);
		let key = peer_key::<T>();
		Pallet::<T>::register_professional(
			RawOrigin::Signed(who.clone()).into(),
			key.clone(),
			declaration::<T>(),
		)
		.expect("a funded account registers");
		let beat = Heartbeat { peer: who.clone(), period: T::CurrentPeriod::get() };
		let signature = key
			.sign(&Pallet::<T>::heartbeat_payload(&beat))
			.expect("the key was generated in the keystore");
		(who, beat, signature)
	}

	#[benchmark]
	fn heartbeat() {
		let (who, beat, signature) = heartbeat_call::<T>();

		#[extrinsic_call]
		_(RawOrigin::Authorized, beat, signature);

		assert_eq!(Registrations::<T>::get(&who).map(|r| r.online.periods), Some(1));
	}

	#[benchmark]
	fn authorize_heartbeat() -> Result<(), BenchmarkError> {
		let (_, beat, signature) = heartbeat_call::<T>();
		let call = Call::<T>::heartbeat { heartbeat: beat, signature };

		#[block]
		{
			use frame_support::pallet_prelude::Authorize;
			call.authorize(TransactionSource::External)
				.ok_or("the call must be authorizable")?
				.map_err(|_| "the heartbeat must be valid")?;
		}

		Ok(())
	}

	#[benchmark]
	fn penalize() -> Result<(), BenchmarkError> {
		// The worst case: evicting a common peer with a deposit (slash and detach).
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let pro = professional::<T>(0);
		let who = common::<T>(&pro);
		Pallet::<T>::top_up_deposit(RawOrigin::Signed(who.clone()).into(), T::CommonDeposit::get())
			.expect("funded");

		#[extrinsic_call]
		_(
			origin as T::RuntimeOrigin,
			T::Lookup::unlookup(who.clone()),
			PenaltyReason::PatrolFailed,
			PenaltyLevel::Evict,
		);

		assert!(matches!(
			Registrations::<T>::get(&who).map(|r| r.status),
			Some(Status::Leaving { evicted: true, .. })
		));
		Ok(())
	}

	#[benchmark]
	fn pardon() -> Result<(), BenchmarkError> {
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let who = professional::<T>(0);
		Pallet::<T>::do_penalize(&who, PenaltyReason::PatrolFailed, PenaltyLevel::Suspend)
			.expect("registered");

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, T::Lookup::unlookup(who.clone()));

		assert_eq!(Registrations::<T>::get(&who).map(|r| r.status), Some(Status::Active));
		Ok(())
	}

	#[benchmark]
	fn resume() {
		let who = professional::<T>(0);
		Pallet::<T>::do_penalize(&who, PenaltyReason::PatrolFailed, PenaltyLevel::Suspend)
			.expect("registered");
		advance::<T>(T::SuspensionPeriod::get());

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));

		assert_eq!(Registrations::<T>::get(&who).map(|r| r.status), Some(Status::Active));
	}

	#[benchmark]
	fn fine_dapp() -> Result<(), BenchmarkError> {
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let who = dapp::<T>(1);
		let user: T::AccountId = account("user", 0, 0);
		let amount = T::DAppDeposit::get();

		#[extrinsic_call]
		_(
			origin as T::RuntimeOrigin,
			T::Lookup::unlookup(who.clone()),
			amount,
			T::Lookup::unlookup(user.clone()),
		);

		assert_eq!(T::Currency::balance(&user), amount);
		Ok(())
	}

	#[benchmark]
	fn set_dapp_storage_quota() -> Result<(), BenchmarkError> {
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, 1 << 40);

		assert_eq!(DAppStorageQuota::<T>::get(), 1 << 40);
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}

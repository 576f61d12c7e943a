//! The pallet's invariants (`try_state`), checked after every test.

use crate::*;

impl<T: Config> Pallet<T> {
	/// Invariants: every record's `held` equals its account's balance on hold for its role;
	/// the role counters match the records; every key index points at a record holding that
	/// key and every record's keys are indexed; every professional peer's attachment counters
	/// equal the live, non-leaving common peers attached to it; [`DeclaredInstances`] counts
	/// the non-leaving professional peers' instances; indices are below [`NextIndex`].
	#[cfg(any(feature = "try-runtime", test))]
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		use alloc::collections::btree_map::BTreeMap;
		let mut counts: BTreeMap<RoleKind, u32> = BTreeMap::new();
		let mut attached: BTreeMap<T::AccountId, (u32, u64)> = BTreeMap::new();
		let next = NextIndex::<T>::get();
		for (who, record) in Registrations::<T>::iter() {
			let kind = record.role.kind();
			*counts.entry(kind).or_default() += 1;
			ensure!(record.index < next, "peers: a registration index is not below NextIndex");
			let on_hold = <T::Currency as fungible::InspectHold<_>>::balance_on_hold(
				&Self::hold_reason(kind),
				&who,
			);
			ensure!(on_hold == record.deposit.held, "peers: held deposit differs from the hold");
			ensure!(
				!kind.unlocks_over_time()
					|| record.deposit.running_since.is_none()
					|| Self::active_and_deposited(&record),
				"peers: an unlock clock runs for a peer that is not active or holds too little"
			);
			match &record.role {
				Role::Professional(p) => ensure!(
					PeerKeyOwner::<T>::get(&p.peer_key).as_ref() == Some(&who),
					"peers: a professional peer's key is not indexed"
				),
				Role::Common(c) => {
					ensure!(
						PeerKeyOwner::<T>::get(&c.peer_key).as_ref() == Some(&who),
						"peers: a common peer's key is not indexed"
					);
					if !Self::is_leaving(&record) && Self::attachment(c).is_some() {
						let entry = attached.entry(c.attached_to.clone()).or_default();
						entry.0 += 1;
						entry.1 += u64::from(c.storage_gib);
						ensure!(
							AttachedCommons::<T>::contains_key(&c.attached_to, &who),
							"peers: an attached common peer is not indexed"
						);
					}
				}
				Role::DApp(d) => {
					for key in d.client_keys.iter() {
						ensure!(
							ClientKeyOwner::<T>::get(key).as_ref() == Some(&who),
							"peers: a client key is not indexed"
						);
					}
				}
				Role::BillingCandidate { billing_key } => ensure!(
					BillingKeyOwner::<T>::get(billing_key).as_ref() == Some(&who),
					"peers: a billing key is not indexed"
				),
				Role::Scheduling(d) | Role::Routing(d) => ensure!(
					ServiceKeyOwner::<T>::get(&d.node_key).as_ref() == Some(&who),
					"peers: a service peer's node key is not indexed"
				),
			}
		}
		for (professional, common) in AttachedCommons::<T>::iter_keys() {
			let indexed = Registrations::<T>::get(&common).is_some_and(|record| {
				!Self::is_leaving(&record)
					&& matches!(&record.role, Role::Common(c) if c.attached_to == professional)
			});
			ensure!(indexed, "peers: an index entry names no common peer attached there");
		}
		for kind in RoleKind::ALL {
			ensure!(
				RoleCount::<T>::get(kind) == counts.get(&kind).copied().unwrap_or(0),
				"peers: a role counter differs from the records"
			);
		}
		let mut instances = 0u64;
		for (who, record) in Registrations::<T>::iter() {
			if let Role::Professional(p) = &record.role {
				if !Self::is_leaving(&record) {
					instances += p.declaration.resources.instances();
				}
				let (n, storage) = attached.get(&who).copied().unwrap_or((0, 0));
				ensure!(
					p.attached_commons == n && p.attached_storage_gib == storage,
					"peers: a professional peer's attachment counters are wrong"
				);
			}
		}
		ensure!(
			DeclaredInstances::<T>::get() == instances,
			"peers: the declared instances differ from the professional peers' declarations"
		);
		for (key, who) in PeerKeyOwner::<T>::iter() {
			let record =
				Registrations::<T>::get(&who).ok_or("peers: a peer key's owner has no record")?;
			ensure!(record.role.peer_key() == Some(&key), "peers: a peer key index is stale");
		}
		for (key, who) in ServiceKeyOwner::<T>::iter() {
			let record = Registrations::<T>::get(&who)
				.ok_or("peers: a service key's owner has no record")?;
			ensure!(record.role.service_key() == Some(&key), "peers: a service key index is stale");
			ensure!(!PeerKeyOwner::<T>::contains_key(&key), "peers: a key is indexed twice");
		}
		for (key, who) in ClientKeyOwner::<T>::iter() {
			let record =
				Registrations::<T>::get(&who).ok_or("peers: a client key's owner has no record")?;
			let Role::DApp(d) = record.role else {
				return Err("peers: a client key's owner is not a DApp".into());
			};
			ensure!(d.client_keys.contains(&key), "peers: a client key index is stale");
		}
		let (head, tail) = RetirementQueueBounds::<T>::get();
		ensure!(head <= tail, "peers: the retirement queue's head is past its tail");
		ensure!(
			RetirementQueue::<T>::iter_keys().all(|i| (head..tail).contains(&i))
				&& RetirementQueue::<T>::iter_keys().count() as u64 == tail - head,
			"peers: the retirement queue has holes or entries outside its bounds"
		);
		for (key, retired) in RetiredClientKeys::<T>::iter() {
			ensure!(
				!ClientKeyOwner::<T>::contains_key(&key),
				"peers: a client key is both authorized and retired"
			);
			ensure!(
				RetirementQueue::<T>::iter_values()
					.any(|(k, at)| k == key && at == retired.removed_at),
				"peers: a retired client key is not queued to be forgotten"
			);
		}
		for (key, who) in BillingKeyOwner::<T>::iter() {
			let record = Registrations::<T>::get(&who)
				.ok_or("peers: a billing key's owner has no record")?;
			ensure!(
				record.role == Role::BillingCandidate { billing_key: key },
				"peers: a billing key index is stale"
			);
		}
		Ok(())
	}
}

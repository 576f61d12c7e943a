//! Benchmarks of `pallet_gosig` (frame-benchmarking v2).

use super::*;
use codec::Decode;
use frame_benchmarking::v2::*;
use frame_system::RawOrigin;
use spacebook_gosig_primitives::{SealedHeader, MAX_SEALED_HEADER_LEN};

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

	/// A billing peer whose key is in the keystore, made peer 0 of the current set, and two
	/// prepares it signed for different blocks in round 9.
	fn equivocation<T: Config>() -> EquivocationProofOf<T> {
		use spacebook_gosig_primitives::{SignedVote, VoteKind, VotePayload, KEY_TYPE};
		let public = sp_io::crypto::sr25519_generate(KEY_TYPE, None);
		let mut peers = billing_peers::<T>(T::MaxAuthorities::get()).into_inner();
		peers[0] = AuthorityId::from(public);
		Authorities::<T>::put(BoundedVec::try_from(peers).expect("MaxAuthorities peers"));
		let set_id = CurrentSetId::<T>::get();
		let signed = |block: u8| {
			let hash = T::Hash::decode(&mut &[block; 32][..]).expect("32-byte hashes");
			let payload = VotePayload::new(
				VoteKind::Prepare,
				9,
				hash,
				BlockNumberFor::<T>::from(7u32),
				set_id,
			);
			let signature = sp_io::crypto::sr25519_sign(
				KEY_TYPE,
				&public,
				&payload.signing_bytes(&Pallet::<T>::genesis_hash(), 0),
			)
			.expect("the key is in the keystore");
			SignedVote { payload, voter: 0, signature: signature.into() }
		};
		EquivocationProof::Vote { first: signed(1), second: signed(2) }
	}

	/// A billing peer whose key is in the keystore, made peer 0 of the current set, and two
	/// blocks it sealed in round 9 on the same parent of this chain, each header as long as a
	/// proof may carry ([`MAX_SEALED_HEADER_LEN`]): the most hashing a proof takes.
	fn block_equivocation<T: Config>() -> EquivocationProofOf<T> {
		use sp_runtime::{traits::Header as _, Digest, DigestItem};
		use spacebook_gosig_primitives::{PreDigest, KEY_TYPE};
		let public = sp_io::crypto::sr25519_generate(KEY_TYPE, None);
		let mut peers = billing_peers::<T>(T::MaxAuthorities::get()).into_inner();
		peers[0] = AuthorityId::from(public);
		Authorities::<T>::put(BoundedVec::try_from(peers).expect("MaxAuthorities peers"));
		// Block 1 of this chain is the parent (its hash is kept), and the blocks are number 2.
		let parent = T::Hash::decode(&mut &[0x42; 32][..]).expect("32-byte hashes");
		frame_system::BlockHash::<T>::insert(BlockNumberFor::<T>::from(1u32), parent);
		frame_system::Pallet::<T>::set_block_number(BlockNumberFor::<T>::from(2u32));
		// The VRF signature is not checked by a proof; zero bytes are a valid encoding.
		let pre = PreDigest {
			round: 9,
			authority_index: 0,
			vrf_signature: Decode::decode(&mut &[0u8; 96][..]).expect("a canonical encoding"),
		};
		let sealed = |block: u8| {
			let header_with = |padding: usize| {
				let root = T::Hash::decode(&mut &[block; 32][..]).expect("32-byte hashes");
				HeaderFor::<T>::new(
					BlockNumberFor::<T>::from(2u32),
					root,
					Default::default(),
					parent,
					Digest {
						logs: alloc::vec![
							DigestItem::PreRuntime(GOSIG_ENGINE_ID, pre.encode()),
							DigestItem::Other(alloc::vec![0u8; padding]),
						],
					},
				)
			};
			// The longest padding that fits (its length prefix grows with it).
			let mut padding = MAX_SEALED_HEADER_LEN - header_with(0).encode().len();
			while header_with(padding).encode().len() > MAX_SEALED_HEADER_LEN {
				padding -= 1;
			}
			let bytes = header_with(padding).encode();
			assert_eq!(bytes.len(), MAX_SEALED_HEADER_LEN);
			let seal =
				sp_io::crypto::sr25519_sign(KEY_TYPE, &public, &sp_io::hashing::blake2_256(&bytes))
					.expect("the key is in the keystore");
			SealedHeader { header: bytes, seal: seal.into() }
		};
		EquivocationProof::Blocks {
			set_id: CurrentSetId::<T>::get(),
			first: sealed(1),
			second: sealed(2),
		}
	}

	#[benchmark]
	fn report_block_equivocation() {
		let proof = block_equivocation::<T>();
		let set_id = CurrentSetId::<T>::get();

		#[extrinsic_call]
		report_equivocation(frame_system::RawOrigin::Authorized, alloc::boxed::Box::new(proof));

		assert!(ReportedEquivocations::<T>::contains_key((set_id, 9, 0)));
	}

	#[benchmark]
	fn authorize_report_block_equivocation() -> Result<(), BenchmarkError> {
		let proof = block_equivocation::<T>();
		let call = Call::<T>::report_equivocation { proof: alloc::boxed::Box::new(proof) };

		#[block]
		{
			use frame_support::pallet_prelude::Authorize;
			call.authorize(TransactionSource::External)
				.ok_or("the call must be authorizable")?
				.map_err(|_| "the proof must be valid")?;
		}

		Ok(())
	}

	#[benchmark]
	fn report_equivocation() {
		let proof = equivocation::<T>();
		let set_id = CurrentSetId::<T>::get();

		#[extrinsic_call]
		_(frame_system::RawOrigin::Authorized, alloc::boxed::Box::new(proof));

		assert!(ReportedEquivocations::<T>::contains_key((set_id, 9, 0)));
	}

	#[benchmark]
	fn authorize_report_equivocation() -> Result<(), BenchmarkError> {
		let proof = equivocation::<T>();
		let call = Call::<T>::report_equivocation { proof: alloc::boxed::Box::new(proof) };

		#[block]
		{
			use frame_support::pallet_prelude::Authorize;
			call.authorize(TransactionSource::External)
				.ok_or("the call must be authorizable")?
				.map_err(|_| "the proof must be valid")?;
		}

		Ok(())
	}

	/// A full set whose first `v` billing peers have their keys in the keystore, each with a
	/// tentative commit for the parent of the current block: `v` signature checks.
	#[benchmark]
	fn note_parent_votes(v: Linear<0, { T::MaxAuthorities::get() }>) {
		use spacebook_gosig_primitives::{vote_kind_code, VoteKind, VotePayload, KEY_TYPE};
		let mut peers = billing_peers::<T>(T::MaxAuthorities::get()).into_inner();
		let keys: Vec<_> =
			(0..v).map(|_| sp_io::crypto::sr25519_generate(KEY_TYPE, None)).collect();
		for (i, key) in keys.iter().enumerate() {
			peers[i] = AuthorityId::from(*key);
		}
		Authorities::<T>::put(BoundedVec::try_from(peers).expect("MaxAuthorities peers"));
		frame_system::Pallet::<T>::set_block_number(10u32.into());
		let parent_hash = frame_system::Pallet::<T>::parent_hash();
		let set_id = CurrentSetId::<T>::get();
		let payload = VotePayload::new(
			VoteKind::TentativeCommit,
			9,
			parent_hash,
			BlockNumberFor::<T>::from(9u32),
			set_id,
		);
		let genesis = Pallet::<T>::genesis_hash();
		let votes: Vec<_> = keys
			.iter()
			.enumerate()
			.map(|(i, key)| {
				let i = i as AuthorityIndex;
				let signature =
					sp_io::crypto::sr25519_sign(KEY_TYPE, key, &payload.signing_bytes(&genesis, i))
						.expect("the key is in the keystore");
				(i, vote_kind_code(VoteKind::TentativeCommit), signature.into())
			})
			.collect();

		// The parent's context as its `on_initialize` records it: block 9 of round 8, by this
		// set; this block is of round 10.
		ParentContext::<T>::put(ParentVoteContext { parent_round: 8, voters: Some(set_id) });
		CurrentRound::<T>::put(10);
		let votes = BoundedVec::truncate_from(votes);

		#[extrinsic_call]
		_(RawOrigin::None, ParentVotes { set_id, round: 9, votes });

		let tally = ParticipationTally::<T>::get();
		assert_eq!(tally.len() as u32, T::MaxAuthorities::get());
		assert_eq!(tally.iter().filter(|(_, present)| *present == 1).count() as u32, v);
	}

	/// A set of `a` billing peers all absent from a whole window, each with a strike already.
	#[benchmark]
	fn end_participation_window(a: Linear<1, { T::MaxAuthorities::get() }>) {
		use sp_runtime::SaturatedConversion;
		let peers = billing_peers::<T>(a);
		Authorities::<T>::put(peers.clone());
		let window: u32 = T::ParticipationWindow::get().saturated_into();
		ParticipationTally::<T>::put(BoundedVec::truncate_from(
			alloc::vec![(window.max(1), 0); a as usize],
		));
		for key in &peers {
			MissedVoteStrikes::<T>::insert(key, 1);
		}

		#[block]
		{
			Pallet::<T>::end_participation_window();
		}

		assert!(ParticipationTally::<T>::get().is_empty());
		assert!(peers.iter().all(|key| MissedVoteStrikes::<T>::get(key) == 2));
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}

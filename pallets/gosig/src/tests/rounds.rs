use crate::{mock::*, *};
use frame_support::{
	assert_ok,
	traits::{FindAuthor, OnTimestampSet},
};

#[test]
fn a_block_records_its_round() {
	build_and_execute(|| {
		let pre = pre_digest(7, 1, "Bob");
		start_block(2, &pre);
		assert_eq!(CurrentRound::<Test>::get(), 7);
		assert_eq!(Gosig::pre_digest(), Some(pre));
		start_block(3, &pre_digest(9, 0, "Alice"));
		assert_eq!(CurrentRound::<Test>::get(), 9);
	});
}

#[test]
#[should_panic(expected = "Gosig round must increase")]
fn a_block_of_the_same_round_is_invalid() {
	new_test_ext().execute_with(|| {
		start_block(2, &pre_digest(7, 0, "Alice"));
		start_block(3, &pre_digest(7, 1, "Bob"));
	});
}

#[test]
#[should_panic(expected = "Gosig round must increase")]
fn a_block_of_an_older_round_is_invalid() {
	new_test_ext().execute_with(|| {
		start_block(2, &pre_digest(7, 0, "Alice"));
		start_block(3, &pre_digest(6, 0, "Alice"));
	});
}

#[test]
fn a_block_without_pre_digest_changes_nothing() {
	build_and_execute(|| {
		System::initialize(&2, &Default::default(), &Default::default());
		let weight = <Gosig as frame_support::traits::Hooks<u64>>::on_initialize(2);
		let db: frame_support::weights::RuntimeDbWeight =
			<<Test as frame_system::Config>::DbWeight as Get<_>>::get();
		assert_eq!(weight, db.reads_writes(3, 1));
		assert_eq!(CurrentRound::<Test>::get(), 0);
		// Only the parent's vote context, so that no later block reads an older one.
		assert_eq!(
			ParentContext::<Test>::get(),
			Some(ParentVoteContext { parent_round: 0, voters: Some(0) })
		);
		// And no timestamp check applies.
		Gosig::on_timestamp_set(123_456_789);
	});
}

#[test]
fn the_timestamp_must_fall_in_the_round() {
	build_and_execute(|| {
		start_block(2, &pre_digest(10, 0, "Alice"));
		Gosig::on_timestamp_set(10 * ROUND_MS);
		Gosig::on_timestamp_set(11 * ROUND_MS - 1);
	});
}

#[test]
#[should_panic(expected = "Gosig timestamp round mismatch")]
fn a_timestamp_of_another_round_is_invalid() {
	new_test_ext().execute_with(|| {
		start_block(2, &pre_digest(10, 0, "Alice"));
		Gosig::on_timestamp_set(11 * ROUND_MS);
	});
}

#[test]
fn timestamp_pallet_checks_the_round_through_the_hook() {
	build_and_execute(|| {
		start_block(2, &pre_digest(10, 0, "Alice"));
		assert_ok!(Timestamp::set(RuntimeOrigin::none(), 10 * ROUND_MS + 5));
		assert_eq!(pallet_timestamp::Now::<Test>::get(), 10 * ROUND_MS + 5);
	});
}

#[test]
fn find_author_reads_the_pre_digest() {
	build_and_execute(|| {
		let pre = pre_digest(3, 2, "Charlie");
		let encoded = pre.encode();
		let digests = [(*b"aura", &[1u8][..]), (GOSIG_ENGINE_ID, &encoded[..])];
		assert_eq!(Gosig::find_author(digests), Some(2));
		assert_eq!(Gosig::find_author([(*b"aura", &[1u8][..])]), None);
	});
}

//! Tests of `pallet_traffic`, by topic. Every test runs on the mock's genesis and checks
//! `do_try_state` and total issuance at its end (see `mock::build_and_execute`).

mod audits;
mod billing_share;
mod contested;
mod escrow;
mod offchain;
mod property;
mod reports;
mod settlement;

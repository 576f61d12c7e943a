//! Tests of `pallet_peers`, by topic. Every test runs on a genesis built by the mock and checks
//! `do_try_state` and total issuance at its end (see `mock::build_and_execute`).

mod deposits;
mod exit;
mod heartbeats;
mod penalties;
mod registration;
mod updates;

//! Unit tests of `pallet_scheduling`, by topic. Every test checks the invariants when it ends
//! (`mock::test`), and `mock::run_to` after every block.

mod attacks;
mod election;
mod offchain;
mod orders;
mod placements;
mod popular;
mod rewards;
mod scoring;

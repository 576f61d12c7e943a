//! Unit tests of `pallet_patrol`, by topic. Every test checks the invariants when it ends
//! (`mock::test`), and `mock::run_to` after every block.

mod attacks;
mod draw;
mod offchain;
mod parameters;
mod results;

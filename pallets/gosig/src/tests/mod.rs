//! Tests of `pallet_gosig`, by topic.

mod calls;
mod configuration;
mod genesis;
mod randomness;
mod rounds;

//! Tests of `pallet_gosig`, by topic.

mod calls;
mod configuration;
mod equivocation;
mod genesis;
mod participation;
mod randomness;
mod rounds;

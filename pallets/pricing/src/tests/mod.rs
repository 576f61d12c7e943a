//! Tests of the pricing pallet, by topic.

mod cycles;
mod governance;
mod leases;

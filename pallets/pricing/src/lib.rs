//! # Pricing
//!
//! Nominal pricing for the Spacebook runtime (whitepaper ch.3 §2 iii, issue 15): the price list
//! of resource units (an instance, traffic per GiB, storage per GB-month), re-priced each
//! **pricing cycle** by the whitepaper's formula; DApp resource leases whose deposit follows the
//! price; traffic billed per ledgering period. The design is in `docs/pricing.md`.
//!
//! Built in slices. So far: the formula ([`formula`]), pure integer arithmetic tested against
//! hand-computed cycles, and the typed price list it re-prices unit by unit ([`types`]). The
//! FRAME pallet (cycles, governance inputs, leases, billing) and its runtime wiring come next.

#![cfg_attr(not(feature = "std"), no_std)]

pub mod formula;
pub mod types;

pub use types::{PriceList, ResourceUnit};

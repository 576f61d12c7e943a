//! # Pricing
//!
//! Nominal pricing for the Spacebook runtime (whitepaper ch.3 §2 iii, issue 15): the price list
//! of resource units (an instance, traffic per GiB, storage per GB-month), re-priced each
//! **pricing cycle** by the whitepaper's formula; DApp resource leases whose deposit follows the
//! price; traffic billed per ledgering period. The design is in `docs/pricing.md`.
//!
//! Built in slices. This one holds the formula ([`formula`]): pure integer arithmetic, tested
//! against hand-computed cycles. The FRAME pallet (price list, cycles, leases, billing) and its
//! runtime wiring come next.

#![cfg_attr(not(feature = "std"), no_std)]

pub mod formula;

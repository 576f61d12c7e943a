//! Nominal pricing's types, shared below the runtime, the node and the SDK (whitepaper ch.3
//! §2 iii; `docs/pricing.md`):
//!
//! - [`formula`]: the whitepaper's `P1 = (S + S1) / (D + D1) · a / A`, in integer arithmetic;
//! - [`types`]: the typed price list, what a pricing cycle records, a DApp's lease and standing;
//! - [`api`]: what the `PricingApi` runtime API answers.
//!
//! No FRAME: the SDK and the CLI decode the runtime API's answers with these types without
//! linking the pallet.

#![cfg_attr(not(feature = "std"), no_std)]
#![warn(missing_docs)]

extern crate alloc;

pub mod api;
pub mod formula;
pub mod types;

pub use api::{BillView, DAppAccount, PricesView};
pub use formula::{Repricing, SupplyAndDemand};
pub use types::*;

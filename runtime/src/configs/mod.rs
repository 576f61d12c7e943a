//! Pallet configurations, one file per pallet.

mod balances;
mod gosig;
mod sudo;
mod system;
mod timestamp;
mod transaction_payment;
mod utility;

pub use system::{RuntimeBlockLength, RuntimeBlockWeights};

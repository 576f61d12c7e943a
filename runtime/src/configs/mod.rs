//! Pallet configurations, one file per pallet.

pub mod authorship;
mod balances;
pub mod billing_elections;
mod gosig;
pub mod governance;
mod multisig;
pub mod patrol;
pub mod peers;
pub mod pricing;
pub mod scheduling;
mod sudo;
mod system;
mod timestamp;
mod token;
pub mod traffic;
mod transaction_payment;
mod utility;
mod vesting;

pub use system::{RuntimeBlockLength, RuntimeBlockWeights};

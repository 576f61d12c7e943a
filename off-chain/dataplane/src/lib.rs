//! # The Spacebook data plane
//!
//! What a serving peer (a professional or common peer) runs next to its node to earn
//! Proof-of-Traffic rewards: it stores files, serves them to DApp clients, and keeps the
//! receipts the clients sign for the bytes they received.
//!
//! - [`content`] (from `spacebook-dataplane-protocol`, which the SDK shares): files cut into
//!   1 MiB **slices**, each hashed with BLAKE3; a file's **hash index** is the Merkle root over
//!   its slice hashes, so a downloader checks every slice, from whichever peer, on its own.
//! - [`store`]: the [`ContentStore`](store::ContentStore) on disk, with crash-safe imports.
//! - [`session`]: sessions opened with a client's signed *opening receipt*, served within a
//!   **credit window** of bytes ahead of the client's receipts.
//! - [`ledger`]: the durable receipt [`Ledger`](ledger::Ledger): a receipt is synced to a
//!   journal before it is acknowledged, then kept where the node's off-chain worker reports it
//!   from.
//! - [`protocol`] (from `spacebook-dataplane-protocol`) and [`server`]: the HTTP protocol
//!   (ranged reads, uploads, sessions, receipts) and the peer's server. The DApp SDK speaks the
//!   same protocol through the shared crate, without linking this one.
//! - [`placements`]: the placement worker of a professional peer: it fetches the files storage
//!   orders place on it from the peers that hold them, notes them for the chain's confirmation,
//!   and removes replicas no placement keeps.
//! - [`replicas`]: what a serving peer keeps of the replicas it sends placed peers (streams,
//!   used requests, budgets).
//! - [`demand`]: the bytes served per file, DApp and period, which the node reports for the
//!   files it stores for orders with popular-file terms.
//! - [`metrics`]: the Prometheus series (bytes served and relayed, sessions, receipts kept,
//!   refusals by reason) the node exports.
//! - [`relay`]: the VPN relay (`CONNECT`) of professional peers, bytes both ways counted
//!   against the credit window.
//!
//! docs/dataplane.md explains the choices: HTTP over TCP, the slice size, the credit window,
//! which bytes count as traffic.
#![warn(missing_docs)]

pub use spacebook_dataplane_protocol::{content, protocol};

pub mod demand;
pub mod ledger;
pub mod limits;
pub mod metrics;
pub mod placements;
pub mod relay;
pub mod replicas;
pub mod server;
pub mod session;
pub mod store;

pub use server::{ChainView, Config, DAppFunds, DataPlane, LeaseStanding};

//! # The data plane's protocol
//!
//! What a serving peer's data plane and a DApp's SDK must agree on, and nothing else: the SDK
//! links this crate, not the server's.
//!
//! - [`content`]: files cut into 1 MiB **slices**, each hashed with BLAKE3; a file's **hash
//!   index** is the Merkle root over its slice hashes, so a downloader checks every slice,
//!   from whichever peer, on its own.
//! - [`protocol`]: the HTTP protocol's requests, answers and headers (sessions, receipts,
//!   files, replicas).
//! - [`relay`]: how both directions of a relayed connection end together.
//!
//! docs/dataplane.md explains the choices.
#![warn(missing_docs)]

pub mod content;
pub mod protocol;
pub mod relay;

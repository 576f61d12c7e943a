//! The Spacebook node.
#![warn(missing_docs)]
// `sc_cli::Error` and `sc_service::Error` are the SDK's error types, returned as the SDK expects.
#![allow(clippy::result_large_err)]

mod chain_spec;
mod cli;
mod command;
mod dashboard;
mod dataplane;
mod gosig_rpc;
mod patrol;
mod report_snapshots;
mod rpc;
mod service;
mod traffic_metrics;
mod traffic_rpc;

fn main() -> sc_cli::Result<()> {
	command::run()
}

//! Command-line interface, following sc-cli conventions.

/// Spacebook node subcommands.
#[derive(Debug, clap::Subcommand)]
#[allow(clippy::large_enum_variant)]
pub enum Subcommand {
	/// Key management utilities (`key insert --key-type gosg --scheme sr25519` for billing peers).
	#[command(subcommand)]
	Key(sc_cli::KeySubcommand),

	/// Build a chain specification (deprecated: use `export-chain-spec`).
	#[deprecated(note = "build-spec will be removed; use export-chain-spec")]
	BuildSpec(sc_cli::BuildSpecCmd),

	/// Export the chain specification.
	ExportChainSpec(sc_cli::ExportChainSpecCmd),

	/// Validate blocks.
	CheckBlock(sc_cli::CheckBlockCmd),

	/// Export blocks.
	ExportBlocks(sc_cli::ExportBlocksCmd),

	/// Export the state of a given block into a chain spec.
	ExportState(sc_cli::ExportStateCmd),

	/// Import blocks.
	ImportBlocks(sc_cli::ImportBlocksCmd),

	/// Remove the whole chain.
	PurgeChain(sc_cli::PurgeChainCmd),

	/// Revert the chain to a previous state (finalized blocks are never reverted).
	Revert(sc_cli::RevertCmd),

	/// Db meta columns information.
	ChainInfo(sc_cli::ChainInfoCmd),
}

/// The node's command line.
#[derive(Debug, clap::Parser)]
pub struct Cli {
	/// A subcommand, or none to run the node.
	#[command(subcommand)]
	pub subcommand: Option<Subcommand>,

	/// How to run the node.
	#[clap(flatten)]
	pub run: sc_cli::RunCmd,

	/// The data plane: serving files to DApp clients for Proof-of-Traffic.
	#[clap(flatten)]
	pub data_plane: crate::dataplane::DataPlaneParams,

	/// Patrols, for scheduling peers.
	#[clap(flatten)]
	pub patrol: crate::patrol::PatrolParams,

	/// The network dashboard.
	#[clap(flatten)]
	pub dashboard: crate::dashboard::DashboardParams,

	/// Test only, debug builds only: this billing peer signs a second, conflicting prepare in
	/// every round, so that tests can watch the equivocation being detected and reported.
	#[arg(long, hide = true)]
	pub gosig_test_equivocate: bool,
}

#[cfg(test)]
mod tests {
	use super::Cli;
	use clap::Parser;

	fn parse(window: &str) -> Result<Cli, clap::Error> {
		Cli::try_parse_from([
			"spacebook-node",
			"--dev",
			"--serve",
			"127.0.0.1:8080",
			"--serve-credit-window",
			window,
		])
	}

	#[test]
	fn a_credit_window_under_one_slice_is_refused_by_name() {
		let slice = spacebook_dataplane::content::SLICE_SIZE;
		let err = parse(&(slice - 1).to_string()).expect_err("under one slice");
		assert!(err.to_string().contains("--serve-credit-window"), "{err}");
		let cli = parse(&slice.to_string()).expect("one slice is enough");
		assert_eq!(cli.data_plane.serve_credit_window, slice);
	}
}

//! The command line.

use clap::{Parser, Subcommand};
use std::{net::SocketAddr, path::PathBuf};

/// Spacebook: files, the VPN data channel and accounts.
#[derive(Debug, Parser)]
#[command(name = "spacebook", version, about)]
pub struct Cli {
	/// The node's JSON-RPC endpoint.
	#[arg(long, global = true, env = "SPACEBOOK_URL", default_value = "ws://127.0.0.1:9944")]
	pub url: String,

	/// The signing account's secret phrase or URI (e.g. `//Alice`).
	#[arg(long, global = true, env = "SPACEBOOK_SURI", hide_env_values = true)]
	pub suri: Option<String>,

	/// A file holding the signing account's secret phrase (plain, or a keystore file's JSON
	/// string).
	#[arg(long, global = true, conflicts_with = "suri")]
	pub suri_file: Option<PathBuf>,

	/// The DApp that pays for traffic [default: the --suri account].
	#[arg(long, global = true, env = "SPACEBOOK_DAPP")]
	pub dapp: Option<String>,

	/// The secret URI of a client key the DApp authorized: it signs the traffic receipts.
	#[arg(long, global = true, env = "SPACEBOOK_CLIENT_KEY", hide_env_values = true)]
	pub client_key: Option<String>,

	/// A file holding the client key's secret phrase or URI (plain, or a keystore file's JSON
	/// string).
	#[arg(long, global = true, conflicts_with = "client_key")]
	pub client_key_file: Option<PathBuf>,

	/// What to do.
	#[command(subcommand)]
	pub command: Command,
}

/// Commands.
#[derive(Debug, Subcommand)]
pub enum Command {
	/// Keys: generate or inspect.
	Key {
		/// What to do with keys.
		#[command(subcommand)]
		command: KeyCommand,
	},
	/// An account's balances [default: the --suri account].
	Balance {
		/// The account's address.
		address: Option<String>,
	},
	/// Transfer SPB from the --suri account, keeping it alive.
	Transfer {
		/// The receiving account's address.
		to: String,
		/// The amount in SPB (up to 12 decimals).
		amount: String,
	},
	/// The professional peers registered on chain and their endpoints.
	Peers,
	/// Files: add, info, get.
	File {
		/// What to do with files.
		#[command(subcommand)]
		command: FileCommand,
	},
	/// Nominal pricing: the prices, and a DApp's lease, traffic escrow and bills
	/// [default: `show`].
	Pricing {
		/// What to do.
		#[command(subcommand)]
		command: Option<PricingCommand>,
	},
	/// Billing-peer elections: the era and set, candidates, votes, registration
	/// [default: `show`].
	Billing {
		/// What to do.
		#[command(subcommand)]
		command: Option<BillingCommand>,
	},
	/// Storage orders: a file's holders, an order's placements.
	Storage {
		/// What to do.
		#[command(subcommand)]
		command: StorageCommand,
	},
	/// The governance committee: members and term, its election, motions [default: `show`].
	Committee {
		/// What to do.
		#[command(subcommand)]
		command: Option<CommitteeCommand>,
	},
	/// A serving peer's life cycle in the registry: its standing, warnings, deposit and what is
	/// unlockable; register as a professional or common peer, update, top up, leave, withdraw,
	/// resume [default: `show`].
	Peer {
		/// What to do.
		#[command(subcommand)]
		command: Option<PeerCommand>,
	},
	/// A DApp's life cycle: its registration, lease and traffic escrow; register, add and
	/// remove client keys, fund its traffic [default: `show`].
	Dapp {
		/// What to do.
		#[command(subcommand)]
		command: Option<DappCommand>,
	},
	/// Patrols: the period's draw, the peers a failed audit asks to be patrolled, a peer's
	/// quality figure [default: `show`].
	Patrol {
		/// What to show.
		#[command(subcommand)]
		command: Option<PatrolCommand>,
	},
	/// Compute tasks on a serving peer, paid with receipts like traffic; each answer is checked
	/// (docs/patrol.md).
	Task {
		/// The peer that runs it [default: the first registered].
		#[arg(long, global = true)]
		peer: Option<String>,
		/// The task.
		#[command(subcommand)]
		command: TaskCommand,
	},
	/// A serving peer's Proof-of-Traffic reward for a ledgering period, explained: its
	/// reported, paid and counted bytes, the audit, its rank, the period's emission, the
	/// wash-trading cap [default: the --suri account's newest report].
	Reward {
		/// The peer's address.
		address: Option<String>,
		/// The ledgering period [default: the newest the peer reported].
		#[arg(long)]
		period: Option<u32>,
		/// Wait up to this many seconds for the period to be settled (and, without --period,
		/// for the peer's first report if it has none yet).
		#[arg(long, value_name = "SECONDS")]
		wait: Option<u64>,
	},
	/// Run a local SOCKS5 proxy tunnelled through a professional peer, until interrupted.
	Vpn {
		/// Where the SOCKS5 proxy listens.
		#[arg(long, default_value = "127.0.0.1:1080")]
		listen: SocketAddr,
		/// The peer whose relay carries the traffic [default: the first registered].
		#[arg(long)]
		peer: Option<String>,
	},
}

/// Compute tasks.
#[derive(Debug, Subcommand)]
pub enum TaskCommand {
	/// Sort unsigned 64-bit integers (given, or whitespace-separated in a file); prints them.
	Sort {
		/// The integers.
		integers: Vec<u64>,
		/// A file of whitespace-separated integers instead.
		#[arg(long, conflicts_with = "integers")]
		file: Option<PathBuf>,
	},
	/// Compress a file with DEFLATE (raw, RFC 1951) into `--output`.
	Compress {
		/// The file.
		path: PathBuf,
		/// Where the compressed stream goes.
		#[arg(short, long)]
		output: PathBuf,
		/// The level, 0 (stored) to 3 (smallest).
		#[arg(long, default_value_t = 3)]
		level: u8,
	},
	/// Raise the matrix a seed draws by chained scaled products; prints its digest and trace.
	Matrix {
		/// The seed, 64 hex digits.
		seed: String,
		/// Rows and columns, 1 to 256.
		#[arg(long, default_value_t = 64)]
		size: u16,
		/// Products, 1 to 8.
		#[arg(long, default_value_t = 1)]
		rounds: u8,
	},
	/// Hash (BLAKE3) a range of a file the peer stores; prints the digest.
	Digest {
		/// The file's hash index.
		hash: String,
		/// The first byte.
		#[arg(long, default_value_t = 0)]
		offset: u64,
		/// Bytes hashed.
		#[arg(long)]
		length: u64,
	},
}

/// Storage-order commands.
#[derive(Debug, Subcommand)]
pub enum StorageCommand {
	/// Order storage of a file: pay its term at the nominal storage price, wait for the
	/// scheduling peers' election, upload the file to its primary peer (the others copy it from
	/// there) and wait until every storing peer confirmed. Prints the order's number.
	Order {
		/// The file.
		path: PathBuf,
		/// Storing copies.
		#[arg(long, default_value_t = 2)]
		replicas: u8,
		/// The term, in ledgering periods from this one.
		#[arg(long)]
		periods: u32,
		/// The address the file is uploaded under [default: its file name].
		#[arg(long)]
		address: Option<String>,
		/// Seconds to wait for the election and for the confirmations.
		#[arg(long, default_value_t = 600)]
		timeout: u64,
		/// Return once the file is uploaded, without waiting for the confirmations.
		#[arg(long)]
		no_wait: bool,
	},
	/// Extend an order's term by some periods (the rest of the term re-priced).
	Renew {
		/// The order's number.
		order: u64,
		/// Periods added.
		periods: u32,
	},
	/// End an order now: the holders are paid to now, the rest of the escrow and the deposit
	/// come back.
	End {
		/// The order's number.
		order: u64,
	},
	/// Set an order's popular-file terms: a copy more, paid for the rest of the term, each
	/// period the file's demand (bytes its holders served to this DApp's clients) reaches
	/// `--bytes-per-copy` per copy, up to `--max-replicas` copies.
	Popular {
		/// The order's number.
		order: u64,
		/// The most copies the order may grow to (its copies now: no more are added).
		#[arg(long)]
		max_replicas: u8,
		/// Bytes a period per copy at which a copy is added (at least 1 MiB, 1048576).
		#[arg(long)]
		bytes_per_copy: u64,
	},
	/// Claim the holding fees this peer (`--suri`) earned in an order.
	Claim {
		/// The order's number.
		order: u64,
	},
	/// The professional peers that hold a file by its storage orders, confirmed first.
	Holders {
		/// The file's hash index (64 hex digits).
		hash: String,
	},
	/// A storage order: its file, term, escrow and placements.
	Status {
		/// The order's number.
		order: u64,
	},
}

/// Key commands.
#[derive(Debug, Subcommand)]
pub enum KeyCommand {
	/// A new key: its secret phrase, address and public key.
	Generate,
	/// The address and public key of a secret URI.
	Inspect {
		/// The secret phrase or URI.
		suri: String,
	},
}

/// File commands.
#[derive(Debug, Subcommand)]
pub enum FileCommand {
	/// Upload a file to the serving peers; prints its hash index.
	Add {
		/// The file.
		path: PathBuf,
		/// The address to list it under [default: its file name].
		#[arg(long)]
		address: Option<String>,
		/// A serving peer to upload to (repeatable) [default: every active professional peer].
		#[arg(long)]
		peer: Vec<String>,
	},
	/// A file's info by hash index, or the hash indices listed under an address.
	Info {
		/// The hash index.
		hash: Option<String>,
		/// The address.
		#[arg(long)]
		address: Option<String>,
		/// A serving peer to ask (repeatable) [default: every active professional peer].
		#[arg(long)]
		peer: Vec<String>,
	},
	/// Download a file (or a byte range) from every peer that holds it, verifying each slice.
	Get {
		/// The hash index.
		hash: String,
		/// Bytes A to B inclusive (`A-B`), or from A to the end (`A-`).
		#[arg(long)]
		range: Option<String>,
		/// Write to this file (a whole-file download resumes into it) [default: stdout].
		#[arg(short, long)]
		output: Option<PathBuf>,
		/// A serving peer to fetch from (repeatable) [default: every active professional peer].
		#[arg(long)]
		peer: Vec<String>,
	},
}

/// Pricing commands.
#[derive(Debug, Subcommand)]
pub enum PricingCommand {
	/// The nominal prices in force and the last pricing cycles.
	Show,
	/// A DApp's lease, standing, traffic escrow and bills [default: the --dapp account, else
	/// the --suri account].
	Dapp {
		/// The DApp's address.
		address: Option<String>,
	},
	/// Lease instances as the --suri DApp: the deposit on hold is their number × the nominal
	/// instance price, and follows the price.
	Lease {
		/// The instances (one CPU core, 100 Mbit/s, 500 GB each).
		instances: u32,
	},
	/// Put the --suri DApp's lease shortfall on hold after the instance price rose.
	TopUp,
	/// End the --suri DApp's lease: its deposit is released.
	EndLease,
	/// Pay SPB into the --suri DApp's traffic escrow, which pays each period's traffic at its
	/// nominal price.
	Fund {
		/// The amount in SPB (up to 12 decimals).
		amount: String,
	},
}

/// A common peer's declaration.
#[derive(Debug, Clone, clap::Args)]
pub struct CommonArgs {
	/// The professional peer it backs up (an address).
	#[arg(long)]
	pub attach_to: String,
	/// Storage offered, in GiB.
	#[arg(long)]
	pub storage_gib: u32,
	/// Its data plane's public endpoint.
	#[arg(long)]
	pub endpoint: String,
}

/// A professional peer's declaration.
#[derive(Debug, Clone, clap::Args)]
pub struct ProfessionalArgs {
	/// Its data plane's public endpoint (e.g. `http://203.0.113.7:8480`).
	#[arg(long)]
	pub endpoint: String,
	/// Storage offered, in GiB.
	#[arg(long)]
	pub storage_gib: u32,
	/// Bandwidth offered, in Mbit/s.
	#[arg(long)]
	pub bandwidth_mbps: u32,
	/// CPU cores offered.
	#[arg(long)]
	pub cpu_cores: u16,
	/// Where the server is: its ISO 3166 country code (e.g. `SG`).
	#[arg(long)]
	pub region: String,
	/// Its latitude in degrees (e.g. `1.352083`).
	#[arg(long, allow_hyphen_values = true)]
	pub latitude: f64,
	/// Its longitude in degrees (e.g. `103.819836`).
	#[arg(long, allow_hyphen_values = true)]
	pub longitude: f64,
}

/// Serving-peer commands (`pallet-peers`), signed by the --suri account.
#[derive(Debug, Subcommand)]
pub enum PeerCommand {
	/// A peer's (or DApp's) role, standing, deposit held, required and unlockable, heartbeats
	/// and patrol figure [default: the --suri account].
	Show {
		/// The account's address.
		address: Option<String>,
	},
	/// Register as a professional peer: the professional deposit goes on hold.
	RegisterProfessional {
		/// The node's peer key (`spbp`): `0x` and 64 hex digits, an SS58 address or a secret
		/// URI. Insert it first in the serving node's keystore (`spacebook-node key insert
		/// --key-type spbp`).
		#[arg(long)]
		peer_key: String,
		/// What the peer offers and where.
		#[command(flatten)]
		declaration: ProfessionalArgs,
	},
	/// Register as a common peer attached to a professional peer; it earns once it holds the
	/// common deposit (`top-up`).
	RegisterCommon {
		/// The node's peer key (`spbp`), as for `register-professional`.
		#[arg(long)]
		peer_key: String,
		/// What the peer offers and whom it backs up.
		#[command(flatten)]
		declaration: CommonArgs,
	},
	/// Replace a professional peer's declaration.
	UpdateProfessional {
		/// What the peer offers and where.
		#[command(flatten)]
		declaration: ProfessionalArgs,
	},
	/// Replace a common peer's declaration (and the professional peer it is attached to).
	UpdateCommon {
		/// What the peer offers and whom it backs up.
		#[command(flatten)]
		declaration: CommonArgs,
	},
	/// Put more of the deposit on hold.
	TopUp {
		/// The amount in SPB (up to 12 decimals).
		amount: String,
	},
	/// Leave the registry: the deposit is released by `finish-exit` after the exit delay.
	Leave,
	/// Finish a leaving (or evicted) peer's exit once its exit delay has passed: its deposit is
	/// released to it and its record removed; anyone may sign it [default: the --suri account].
	FinishExit {
		/// The leaving account's address.
		address: Option<String>,
	},
	/// Release the part of the deposit that is unlocked now.
	Withdraw,
	/// Resume after a suspension served.
	Resume,
}

/// DApp commands, signed by the --suri account.
#[derive(Debug, Subcommand)]
pub enum DappCommand {
	/// A DApp's registration (standing, deposit), lease, traffic escrow and bills [default:
	/// the --dapp account, else the --suri account].
	Show {
		/// The DApp's address.
		address: Option<String>,
	},
	/// Register as a DApp: the DApp deposit goes on hold.
	Register {
		/// Its display name.
		name: String,
		/// A client key it authorizes to sign receipts (repeatable): `0x` and 64 hex digits,
		/// an SS58 address or a secret URI.
		#[arg(long = "key", value_name = "KEY")]
		client_keys: Vec<String>,
	},
	/// Authorize a client key.
	AddKey {
		/// The key: `0x` and 64 hex digits, an SS58 address or a secret URI.
		key: String,
	},
	/// Remove a client key (its receipts still verify for the retention time).
	RemoveKey {
		/// The key: `0x` and 64 hex digits, an SS58 address or a secret URI.
		key: String,
	},
	/// Pay SPB into the traffic escrow, which pays each period's traffic at its nominal price
	/// (the same as `spacebook pricing fund`).
	Fund {
		/// The amount in SPB (up to 12 decimals).
		amount: String,
	},
}

/// Billing-peer election commands.
#[derive(Debug, Subcommand)]
pub enum BillingCommand {
	/// The era, the method, the billing peers, the backups and the last election.
	Show,
	/// The eligible candidates with their backing, seat and rank if counted now.
	Candidates,
	/// The next era's billing peers if the votes were counted now.
	Projected,
	/// A voter's votes, unbonding SPB and locks [default: the --suri account].
	Votes {
		/// The voter's address.
		address: Option<String>,
	},
	/// Vote as the --suri account: lock SPB for candidates (1 SPB = 1 vote). Replaces the
	/// previous vote; SPB taken out of it unbond.
	Vote {
		/// `CANDIDATE=AMOUNT` pairs: an address and SPB (up to 12 decimals).
		#[arg(required = true)]
		votes: Vec<String>,
	},
	/// Withdraw the --suri account's vote: all of it unbonds.
	Unvote,
	/// Unlock the --suri account's SPB whose unbonding period is over.
	Withdraw,
	/// Stand as a billing-peer candidate with the --suri account (its deposit goes on hold),
	/// proving possession of the node's Gosig key.
	Register {
		/// The Gosig key's secret URI (the one inserted in the node's keystore as `gosg`).
		#[arg(
			long,
			env = "SPACEBOOK_BILLING_KEY",
			hide_env_values = true,
			required_unless_present = "billing_key_file"
		)]
		billing_key: Option<String>,
		/// A file holding the Gosig key's secret phrase or URI (plain, or a keystore file's
		/// JSON string), so that it stays out of the shell's history.
		#[arg(long, conflicts_with = "billing_key")]
		billing_key_file: Option<PathBuf>,
		/// SPB of the account's own to back the candidacy with, locked as its vote for itself
		/// (up to 12 decimals). A full registry (100 candidates) takes a newcomer only with a
		/// bond larger than the backing of a candidate that cannot win a seat, which it
		/// displaces. An account that votes already withdraws its vote first.
		#[arg(long)]
		bond: Option<String>,
	},
}

/// Patrol commands.
#[derive(Debug, Subcommand)]
pub enum PatrolCommand {
	/// The current period's draw and the patrols failed audits requested.
	Show,
	/// What patrols measured of a serving peer [default: the --suri account].
	Peer {
		/// The peer's address.
		address: Option<String>,
	},
}

/// Governance committee commands.
#[derive(Debug, Subcommand)]
pub enum CommitteeCommand {
	/// The members, the foundation, the term and its election, the motions' thresholds.
	Show,
	/// The election's candidates with their nominators, votes and ranks; the nominations left;
	/// the pre-election list.
	Candidates,
	/// An account's ballots (sign-up, support, vote) and what they hold [default: the --suri
	/// account].
	Ballot {
		/// The account's address.
		address: Option<String>,
	},
	/// Nominate a candidate as the --suri account: a default billing peer, a top DApp, or the
	/// foundation (`--as-foundation`).
	Nominate {
		/// The candidate's address.
		candidate: String,
		/// Nominate as the foundation (one of its six).
		#[arg(long)]
		as_foundation: bool,
	},
	/// Sign the --suri account up for the community pre-election (its deposit goes on hold
	/// until the election completes).
	SignUp,
	/// Support sign-ups in the pre-election as the --suri account, holding the SPB until the
	/// election completes. Replaces the previous support.
	Support {
		/// `SIGN_UP=AMOUNT` pairs: an address and SPB (up to 12 decimals).
		#[arg(required = true)]
		support: Vec<String>,
	},
	/// Vote for candidates as the --suri account (1 SPB = 1 vote), holding the SPB until the
	/// election completes. Replaces the previous vote.
	Vote {
		/// `CANDIDATE=AMOUNT` pairs: an address and SPB (up to 12 decimals).
		#[arg(required = true)]
		votes: Vec<String>,
	},
	/// Withdraw the --suri account's support or vote while its phase is open.
	Withdraw,
	/// The open motions with their calls and tallies.
	Motions,
	/// Bring a motion as a member: `PALLET CALL [ARG]...`, each argument in SCALE-value syntax
	/// (numbers, "strings", 0x hex, SS58 addresses, { field: value }, Variant(..)).
	Propose {
		/// The pallet (e.g. `Pricing`).
		pallet: String,
		/// The call (e.g. `set_prices`).
		call: String,
		/// Its arguments, in order.
		args: Vec<String>,
		/// A major issue (runtime upgrades, the voting mechanism, the billing-peer decision
		/// method, anything only root may do): the call is enacted as root and needs two thirds
		/// (7 of 9).
		#[arg(long)]
		major: bool,
		/// The ayes that carry it [default: the threshold the runtime's origin needs].
		#[arg(long)]
		threshold: Option<u32>,
	},
	/// Bring a major motion authorizing a runtime upgrade to the code in WASM (by its hash);
	/// once passed and closed, anyone applies it with `apply-upgrade`.
	ProposeUpgrade {
		/// The runtime's wasm blob.
		wasm: PathBuf,
	},
	/// Apply an authorized runtime upgrade: submit its code (free once it applies).
	ApplyUpgrade {
		/// The runtime's wasm blob.
		wasm: PathBuf,
	},
	/// Vote aye on a motion as a member.
	Aye {
		/// The motion's hash.
		hash: String,
	},
	/// Vote nay on a motion as a member.
	Nay {
		/// The motion's hash.
		hash: String,
	},
	/// Close a motion that has its ayes (or its nays, or expired): it executes if it passed.
	Close {
		/// The motion's hash.
		hash: String,
	},
}

//! Finding serving peers on chain: the professional peers the peer registry lists, read from a
//! node's JSON-RPC (`state_call` of the runtime API `PeersApi_professional_peers` at the
//! finalized head), so that a DApp needs only a node's address to reach the network.
//!
//! The same node tells a DApp what it pays: the nominal prices, the last pricing cycles and its
//! own lease, standing, traffic escrow and bills (`PricingApi`, [`ChainRpc::prices`],
//! [`ChainRpc::dapp_account`]); and the billing-peer elections: the era and set, the candidates,
//! a voter's votes and locks, the projected next set (`BillingElectionsApi`,
//! [`ChainRpc::billing_election`] and the three after it); and the governance committee: its
//! members and term, the election's candidates, a voter's ballots, the open motions
//! (`CommitteeApi`, [`ChainRpc::committee`] and the three after it); and the storage orders: a
//! file's holders, an order and its placements (`SchedulingApi`, [`ChainRpc::file_holders`],
//! [`ChainRpc::storage_order`]), so that a file is found where the chain placed it.
//!
//! The node's RPC server answers JSON-RPC over plain HTTP on the same port as its WebSocket
//! (`ws://host:9944` is reached as `http://host:9944`). The registry is read in pages of
//! [`REGISTRATIONS_PER_CALL`] registrations, each call bounded.

use crate::{
	http::{self, Connection, Endpoint},
	Error,
};
use codec::{Decode, Encode};
use sp_core::{crypto::AccountId32, H256};
pub use spacebook_billing_elections_primitives::{
	CandidateView, ElectionMethod, ElectionView, EraOutcome, Projection, Seat, VoterView,
};
pub use spacebook_committee_primitives::{
	BallotView, CandidateView as CommitteeCandidateView, CommitteeView, ElectionPhase, MotionView,
	Nominator, Schedule, SheetView, VoterView as CommitteeVoterView,
};
pub use spacebook_pricing_primitives::{
	BillView, CycleRecord, DAppAccount, Lease, PriceList, PricesView, Standing,
};
pub use spacebook_receipts::ProfessionalPeerListing;
pub use spacebook_scheduling_primitives::{
	BackupView, FileRef, HolderView, OrderId, OrderView, Placement, PlacementStatus,
	PopularityTerms, StorageOrder,
};

/// A billing peer's Gosig key as the runtime API encodes it (sr25519, 32 bytes).
pub type BillingKey = sp_core::sr25519::Public;

/// Registrations the runtime looks at per `state_call` when listing professional peers.
pub const REGISTRATIONS_PER_CALL: u32 = 256;
/// The largest JSON-RPC answer read.
const MAX_ANSWER: usize = 16 << 20;

/// A peer the chain lists as a source of a file: a holder, or a common peer backing one up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
	/// Its data plane.
	pub endpoint: Endpoint,
	/// Its account, which its data plane must name as its server.
	pub account: AccountId32,
	/// For a common peer: the professional peer it backs up.
	pub backs_up: Option<AccountId32>,
}

/// A node's JSON-RPC endpoint.
#[derive(Clone, Debug)]
pub struct ChainRpc {
	endpoint: Endpoint,
}

impl ChainRpc {
	/// The node at `url`: `ws://host:port`, `http://host:port` or `host:port`.
	pub fn new(url: &str) -> Result<Self, Error> {
		let trimmed = url.trim();
		let plain = match trimmed.split_once("://") {
			Some(("ws" | "http", rest)) => rest,
			Some((scheme, _)) => {
				return Err(Error::BadEndpoint(format!(
					"{url}: scheme {scheme} is not supported for the node's RPC, use ws or http"
				)))
			}
			None => trimmed,
		};
		Ok(ChainRpc { endpoint: Endpoint::parse(plain)? })
	}

	/// Call `method` with `params` and return its result.
	pub async fn call(
		&self,
		method: &str,
		params: serde_json::Value,
	) -> Result<serde_json::Value, Error> {
		let request =
			serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
		let mut post = http::post("/", request.to_string());
		post.headers_mut().insert(
			hyper::header::CONTENT_TYPE,
			hyper::header::HeaderValue::from_static("application/json"),
		);
		let mut connection = Connection::open(&self.endpoint).await?;
		let body = connection.fetch(post, MAX_ANSWER).await?;
		let mut answer: serde_json::Value = serde_json::from_slice(&body)
			.map_err(|e| Error::Protocol(format!("{}: bad JSON-RPC answer: {e}", self.endpoint)))?;
		if let Some(error) = answer.get("error") {
			return Err(Error::Protocol(format!("{}: {method}: {error}", self.endpoint)));
		}
		Ok(answer["result"].take())
	}

	/// The chain's genesis hash.
	pub async fn genesis_hash(&self) -> Result<H256, Error> {
		self.hash_result("chain_getBlockHash", serde_json::json!([0])).await
	}

	/// The best block.
	pub async fn best_head(&self) -> Result<H256, Error> {
		self.hash_result("chain_getBlockHash", serde_json::json!([])).await
	}

	/// The chain's current ledgering period, at the best block (`TokenApi_current_period`).
	pub async fn current_period(&self) -> Result<u32, Error> {
		let best = self.best_head().await?;
		self.runtime_call("TokenApi_current_period", (), best).await
	}

	/// The finalized head.
	pub async fn finalized_head(&self) -> Result<H256, Error> {
		self.hash_result("chain_getFinalizedHead", serde_json::json!([])).await
	}

	async fn hash_result(&self, method: &str, params: serde_json::Value) -> Result<H256, Error> {
		let result = self.call(method, params).await?;
		let bytes = self.hex_result(method, &result)?;
		(bytes.len() == 32)
			.then(|| H256::from_slice(&bytes))
			.ok_or_else(|| Error::Protocol(format!("{}: {method}: not a hash", self.endpoint)))
	}

	fn hex_result(&self, method: &str, result: &serde_json::Value) -> Result<Vec<u8>, Error> {
		result.as_str().and_then(|s| sp_core::bytes::from_hex(s).ok()).ok_or_else(|| {
			Error::Protocol(format!("{}: {method}: not hex: {result}", self.endpoint))
		})
	}

	/// Call the runtime API function `function` with SCALE-encoded `args` at block `at`.
	pub async fn runtime_call<R: Decode>(
		&self,
		function: &str,
		args: impl Encode,
		at: H256,
	) -> Result<R, Error> {
		let params = serde_json::json!([
			function,
			sp_core::bytes::to_hex(&args.encode(), false),
			format!("{at:?}"),
		]);
		let result = self.call("state_call", params).await?;
		let bytes = self.hex_result("state_call", &result)?;
		R::decode(&mut &bytes[..]).map_err(|e| {
			Error::Protocol(format!("{}: {function}: cannot decode the answer: {e}", self.endpoint))
		})
	}

	/// Every professional peer registered at the finalized head, active or not.
	pub async fn professional_peers(
		&self,
	) -> Result<Vec<ProfessionalPeerListing<AccountId32>>, Error> {
		let at = self.finalized_head().await?;
		let mut peers = Vec::new();
		let mut after: Option<AccountId32> = None;
		loop {
			let (page, next): (Vec<ProfessionalPeerListing<AccountId32>>, Option<AccountId32>) =
				self.runtime_call(
					"PeersApi_professional_peers",
					(&after, REGISTRATIONS_PER_CALL),
					at,
				)
				.await?;
			peers.extend(page);
			match next {
				// The runtime continues strictly after the account it names.
				Some(next) if after.as_ref() != Some(&next) => after = Some(next),
				_ => return Ok(peers),
			}
		}
	}

	/// The endpoints of the active professional peers registered at the finalized head
	/// (listings whose endpoint is not `http://host:port` are left out with a warning).
	pub async fn serving_endpoints(&self) -> Result<Vec<Endpoint>, Error> {
		let peers = self.professional_peers().await?;
		Ok(peers
			.iter()
			.filter(|p| p.active)
			.filter_map(|p| {
				let endpoint = String::from_utf8_lossy(&p.endpoint);
				Endpoint::parse(&endpoint)
					.map_err(|e| log::warn!(target: "sdk", "professional peer {}: {e}", p.account))
					.ok()
			})
			.collect())
	}

	/// The professional peers that store the file `hash_index` by its storage orders, at the
	/// best block (placements change as they are confirmed): confirmed holders first, each
	/// order's primary before its backups. Empty for a file nobody ordered.
	pub async fn file_holders(
		&self,
		hash_index: &[u8; 32],
	) -> Result<Vec<HolderView<AccountId32>>, Error> {
		let at = self.best_head().await?;
		self.runtime_call("SchedulingApi_holders", hash_index, at).await
	}

	/// The common peers backing up the confirmed holders of the file `hash_index`, at the best
	/// block (whitepaper ch.2 §5 ii): each may have the file, and serves it if it does.
	pub async fn file_backups(
		&self,
		hash_index: &[u8; 32],
	) -> Result<Vec<BackupView<AccountId32>>, Error> {
		let at = self.best_head().await?;
		self.runtime_call("SchedulingApi_backups", hash_index, at).await
	}

	/// The endpoints of the holders of the file `hash_index` that confirmed (with a valid
	/// `http://host:port`), confirmed primaries first; empty for a file nobody ordered or no
	/// holder confirmed yet.
	pub async fn holder_endpoints(&self, hash_index: &[u8; 32]) -> Result<Vec<Endpoint>, Error> {
		Ok(self.holder_sources(hash_index).await?.0.into_iter().map(|s| s.endpoint).collect())
	}

	/// The confirmed holders of the file `hash_index` (primaries first) and the common peers
	/// backing them up, each with a valid endpoint, once per account and endpoint. Backups
	/// are none from a runtime without `SchedulingApi_backups`.
	pub async fn holder_sources(
		&self,
		hash_index: &[u8; 32],
	) -> Result<(Vec<Source>, Vec<Source>), Error> {
		let (mut holders, mut backups): (Vec<Source>, Vec<Source>) = (Vec::new(), Vec::new());
		let known = |list: &[Source], e: &Endpoint, who: &AccountId32| {
			list.iter().any(|s| s.endpoint == *e || s.account == *who)
		};
		for holder in self.file_holders(hash_index).await?.into_iter().filter(|h| h.confirmed) {
			match Endpoint::parse(&String::from_utf8_lossy(&holder.endpoint)) {
				Ok(e) if !known(&holders, &e, &holder.peer) => {
					holders.push(Source { endpoint: e, account: holder.peer, backs_up: None })
				}
				Ok(_) => {}
				Err(e) => log::warn!(target: "sdk", "holder {}: {e}", holder.peer),
			}
		}
		for backup in self.file_backups(hash_index).await.unwrap_or_default() {
			match Endpoint::parse(&String::from_utf8_lossy(&backup.endpoint)) {
				Ok(e)
					if !known(&holders, &e, &backup.common)
						&& !known(&backups, &e, &backup.common) =>
				{
					backups.push(Source {
						endpoint: e,
						account: backup.common,
						backs_up: Some(backup.professional),
					})
				}
				Ok(_) => {}
				Err(e) => log::warn!(target: "sdk", "common peer {}: {e}", backup.common),
			}
		}
		Ok((holders, backups))
	}

	/// A storage order and its placements, at the best block.
	pub async fn storage_order(
		&self,
		id: OrderId,
	) -> Result<Option<OrderView<AccountId32, u128, u32>>, Error> {
		let at = self.best_head().await?;
		self.runtime_call("SchedulingApi_order", id, at).await
	}

	/// What patrols measured of `who` (`PatrolApi_quality`), at the best block.
	pub async fn patrol_quality(
		&self,
		who: &AccountId32,
	) -> Result<Option<spacebook_patrol_primitives::PatrolQuality>, Error> {
		let at = self.best_head().await?;
		self.runtime_call("PatrolApi_quality", who, at).await
	}

	/// The draw of `period` (`PatrolApi_draw`), at the best block.
	pub async fn patrol_draw(
		&self,
		period: u32,
	) -> Result<Option<spacebook_patrol_primitives::PatrolDraw>, Error> {
		let at = self.best_head().await?;
		self.runtime_call("PatrolApi_draw", period, at).await
	}

	/// The serving peers a failed audit asks to be patrolled, with the period of the request
	/// (`PatrolApi_requests`), at the best block.
	pub async fn patrol_requests(&self) -> Result<Vec<(AccountId32, u32)>, Error> {
		let at = self.best_head().await?;
		self.runtime_call("PatrolApi_requests", (), at).await
	}

	/// The nominal prices in force at the finalized head, and any list set for later.
	pub async fn prices(&self) -> Result<PricesView, Error> {
		let at = self.finalized_head().await?;
		self.runtime_call("PricingApi_prices", (), at).await
	}

	/// The last pricing cycles' inputs and outputs at the finalized head, oldest first.
	pub async fn pricing_cycles(&self) -> Result<Vec<CycleRecord>, Error> {
		let at = self.finalized_head().await?;
		self.runtime_call("PricingApi_cycles", (), at).await
	}

	/// `dapp`'s lease, standing, traffic escrow and bills at the finalized head.
	pub async fn dapp_account(&self, dapp: &AccountId32) -> Result<DAppAccount<u128, u32>, Error> {
		let at = self.finalized_head().await?;
		self.runtime_call("PricingApi_dapp", dapp, at).await
	}

	/// The billing-peer elections at the finalized head: the era, the method, the set and its
	/// backups.
	pub async fn billing_election(
		&self,
	) -> Result<ElectionView<AccountId32, BillingKey, u32>, Error> {
		let at = self.finalized_head().await?;
		self.runtime_call("BillingElectionsApi_election", (), at).await
	}

	/// The eligible billing-peer candidates at the finalized head, most backed first, with
	/// their seat and projected rank.
	pub async fn billing_candidates(
		&self,
	) -> Result<Vec<CandidateView<AccountId32, BillingKey>>, Error> {
		let at = self.finalized_head().await?;
		self.runtime_call("BillingElectionsApi_candidates", (), at).await
	}

	/// `who`'s votes in the billing-peer elections, its unbonding SPB and locks, at the
	/// finalized head.
	pub async fn billing_voter(
		&self,
		who: &AccountId32,
	) -> Result<VoterView<AccountId32, u32>, Error> {
		let at = self.finalized_head().await?;
		self.runtime_call("BillingElectionsApi_voter", who, at).await
	}

	/// The next era's billing peers if the votes were counted at the finalized head.
	pub async fn billing_projection(&self) -> Result<Projection<AccountId32>, Error> {
		let at = self.finalized_head().await?;
		self.runtime_call("BillingElectionsApi_projected", (), at).await
	}

	/// The governance committee at the finalized head: its members, the term and its
	/// election, the motions' thresholds.
	pub async fn committee(&self) -> Result<CommitteeView<AccountId32, u32>, Error> {
		let at = self.finalized_head().await?;
		self.runtime_call("CommitteeApi_committee", (), at).await
	}

	/// The committee election's candidates with their nominators, votes and ranks, the
	/// nominations left and the pre-election list, at the finalized head.
	pub async fn committee_sheet(&self) -> Result<SheetView<AccountId32>, Error> {
		let at = self.finalized_head().await?;
		self.runtime_call("CommitteeApi_sheet", (), at).await
	}

	/// `who`'s ballots in the committee's elections and its holds, at the finalized head.
	pub async fn committee_voter(
		&self,
		who: &AccountId32,
	) -> Result<CommitteeVoterView<AccountId32>, Error> {
		let at = self.finalized_head().await?;
		self.runtime_call("CommitteeApi_voter", who, at).await
	}

	/// The committee's open motions and their tallies, at the best block (members vote on
	/// what was just proposed).
	pub async fn committee_motions(
		&self,
	) -> Result<Vec<MotionView<AccountId32, H256, u32>>, Error> {
		let at = self.best_head().await?;
		self.runtime_call("CommitteeApi_motions", (), at).await
	}
}

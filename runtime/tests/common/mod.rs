//! Helpers shared by the runtime's integration tests.

use codec::{Decode, Encode};
use frame_support::traits::Hooks;
use pallet_traffic::{TrafficReport, TrafficReportOf};
use sp_core::{sr25519, Pair};
use sp_runtime::{Digest, DigestItem};
use spacebook_gosig_primitives::{PreDigest, GOSIG_ENGINE_ID};
use spacebook_receipts::{Receipt, SignedReceipt, SumTree};
use spacebook_runtime::{
	AccountId, BillingElections, Peers, Pricing, Runtime, RuntimeGenesisConfig, RuntimeOrigin,
	Traffic,
};

/// Run the blocks up to `n` with the hooks of the authorship, Gosig, Proof-of-Traffic and
/// election pallets, as a block runs them: authorship's (the packer into the header), Gosig's (rounds, the parent's vote context), the traffic pallet's (billing share, audit seeds, settlement, pruning), the
/// pricing pallet's (cycles, lease re-pricing), the elections' (eras, replacements) and the
/// scheduling pallet's (elections of placements, deadlines, scheduling rewards). Each
/// block is packed by the billing peer at `packer(block)` (modulo the set's size) in the
/// authority set of its parent, named in its Gosig pre-digest.
#[allow(dead_code)]
pub fn run_to_packed_by(n: u32, packer: impl Fn(u32) -> u32) {
	while frame_system::Pallet::<Runtime>::block_number() < n {
		let next = frame_system::Pallet::<Runtime>::block_number() + 1;
		let set = pallet_gosig::Authorities::<Runtime>::get().len() as u32;
		let pre = PreDigest {
			round: next.into(),
			authority_index: packer(next) % set.max(1),
			vrf_signature: Decode::decode(&mut &[0u8; 96][..]).expect("a canonical encoding"),
		};
		let digest = Digest { logs: vec![DigestItem::PreRuntime(GOSIG_ENGINE_ID, pre.encode())] };
		// The block before ends (Gosig's end-of-block flag), the next begins with Gosig's hook
		// (rounds, randomness, the parent's vote context; the zero VRF output only fails its
		// randomness contribution, which it logs).
		spacebook_runtime::Gosig::on_finalize(next - 1);
		spacebook_runtime::Authorship::on_finalize(next - 1);
		frame_system::Pallet::<Runtime>::initialize(&next, &Default::default(), &digest);
		// Authorship first, as the runtime runs it: the author goes into the header.
		spacebook_runtime::Authorship::on_initialize(next);
		spacebook_runtime::Gosig::on_initialize(next);
		Traffic::on_initialize(next);
		Pricing::on_initialize(next);
		BillingElections::on_initialize(next);
		spacebook_runtime::Scheduling::on_initialize(next);
	}
}

/// [`run_to_packed_by`] with the billing peers packing in turn.
#[allow(dead_code)]
pub fn run_to(n: u32) {
	run_to_packed_by(n, |block| block);
}

/// Submit `report` signed with the peer key `key`, as a peer's node does (an authorized call).
#[allow(dead_code)]
pub fn submit_report(
	report: pallet_traffic::TrafficReportOf<Runtime>,
	key: &sr25519::Pair,
) -> sp_runtime::DispatchResult {
	let signature = key.sign(&Traffic::report_payload(&report)).into();
	Traffic::submit_report(frame_system::RawOrigin::Authorized.into(), report, signature)
}

/// The externalities of the genesis a preset patch describes, at block 1: the full default
/// config with the preset's patch applied, built into storage.
pub fn genesis_of(patch: serde_json::Value) -> sp_io::TestExternalities {
	let mut config =
		serde_json::to_value(RuntimeGenesisConfig::default()).expect("the config serializes");
	json_patch(&mut config, patch);
	let config: RuntimeGenesisConfig =
		serde_json::from_value(config).expect("the patched preset is a valid genesis config");
	let mut ext: sp_io::TestExternalities =
		sp_runtime::BuildStorage::build_storage(&config).expect("the genesis builds").into();
	ext.execute_with(|| frame_system::Pallet::<Runtime>::set_block_number(1));
	ext
}

/// Apply a JSON merge patch (objects merge key by key, anything else replaces).
fn json_patch(base: &mut serde_json::Value, patch: serde_json::Value) {
	match (base, patch) {
		(serde_json::Value::Object(base), serde_json::Value::Object(patch)) => {
			for (key, value) in patch {
				json_patch(base.entry(key).or_insert(serde_json::Value::Null), value);
			}
		}
		(base, patch) => *base = patch,
	}
}

/// Register `who` (funded) as a professional peer whose node signs with `peer_key`.
#[allow(dead_code)]
pub fn register_professional(who: &AccountId, peer_key: sr25519::Public) {
	Peers::register_professional(
		RuntimeOrigin::signed(who.clone()),
		peer_key.into(),
		pallet_peers::ProfessionalDeclaration {
			resources: pallet_peers::Resources {
				storage_gib: 100,
				bandwidth_mbps: 100,
				cpu_cores: 4,
			},
			location: pallet_peers::Location { region: *b"SG", latitude: 1, longitude: 1 },
			endpoint: b"https://203.0.113.9".to_vec().try_into().unwrap(),
		},
	)
	.expect("a funded account registers as a professional peer");
}

/// Register `who` (funded) as a DApp whose one client key is `client_key`.
#[allow(dead_code)]
pub fn register_dapp(who: &AccountId, client_key: sr25519::Public) {
	Peers::register_dapp(
		RuntimeOrigin::signed(who.clone()),
		b"dapp".to_vec().try_into().unwrap(),
		vec![client_key].try_into().unwrap(),
	)
	.expect("a funded account registers a DApp");
}

/// `peer`'s answers to the first audit round of its period-0 report, whose leaves are
/// `receipts` in the order of `tree`.
#[allow(dead_code)]
pub fn answers(
	peer: &AccountId,
	receipts: &[spacebook_receipts::SignedReceipt<AccountId>],
	tree: &spacebook_receipts::SumTree,
) -> pallet_traffic::AnswersOf<Runtime> {
	spacebook_runtime::Traffic::audit_positions(0, peer, 1)
		.into_iter()
		.map(|position| {
			let i = tree.leaf_at(position).unwrap();
			pallet_traffic::SampleAnswer {
				leaf_index: i,
				receipt: receipts[i as usize].clone(),
				proof: tree.proof(i).unwrap().try_into().unwrap(),
			}
		})
		.collect::<Vec<_>>()
		.try_into()
		.unwrap()
}

/// A GB, the size of the receipts of [`receipts_of`].
#[allow(dead_code)]
pub const GB: u64 = 1_000_000_000;

/// The client key of Ferdie's DApp in the tests (`//FerdieClient`).
#[allow(dead_code)]
pub fn client_pair() -> sr25519::Pair {
	sr25519::Pair::from_string("//FerdieClient", None).unwrap()
}

/// `count` receipts of Ferdie's client to `server` in `period` for `dapp`, a GB and a few bytes
/// each, sorted by stream key as a sum tree takes them.
#[allow(dead_code)]
pub fn receipts_of(
	period: u32,
	server: &AccountId,
	dapp: &AccountId,
	count: u8,
) -> Vec<SignedReceipt<AccountId>> {
	let genesis = Traffic::genesis_hash();
	let mut receipts: Vec<_> = (0..count)
		.map(|i| {
			Receipt {
				period,
				session: [i; 16],
				server: server.clone(),
				dapp: dapp.clone(),
				client_key: client_pair().public(),
				bytes: GB + u64::from(i),
			}
			.sign(&client_pair(), &genesis)
		})
		.collect();
	receipts.sort_by_key(|r| r.receipt.stream_key());
	receipts
}

/// A traffic report of `peer` for `period` with `tree`'s receipts, all of `dapp`.
#[allow(dead_code)]
pub fn report_of_period(
	period: u32,
	peer: &AccountId,
	dapp: &AccountId,
	tree: &SumTree,
) -> TrafficReportOf<Runtime> {
	TrafficReport {
		peer: peer.clone(),
		period,
		from_period: period,
		root: tree.root(),
		leaf_count: tree.leaf_count(),
		per_dapp: vec![(dapp.clone(), tree.root().sum)].try_into().unwrap(),
	}
}

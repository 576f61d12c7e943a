//! `spacebook billing`: the billing-peer elections (`BillingElectionsApi_election`,
//! `_candidates`, `_voter`, `_projected`), and the calls of voters (`BillingElections`'s `vote`,
//! `unvote`, `withdraw_unbonded`) and of candidates (`Peers::register_billing_candidate`, or
//! `register_billing_candidate_backed` with `--bond`, with the Gosig key's proof of possession).

use crate::{
	account_or_suri, chain,
	cli::{BillingCommand, Cli},
	format_amount, keypair, pair, parse_account, parse_amount, secret, Failure,
};
use sp_core::{crypto::AccountId32, proof_of_possession::ProofOfPossessionGenerator, Pair as _};
use spacebook_sdk::{
	chain::{BillingKey, CandidateView, ElectionMethod, ElectionView, Projection, Seat, VoterView},
	ChainRpc,
};
use subxt::ext::scale_value::Value;

/// Run a billing command.
pub async fn run(cli: &Cli, command: &BillingCommand) -> Result<(), Failure> {
	match command {
		BillingCommand::Show => {
			let view = ChainRpc::new(&cli.url)?.billing_election().await?;
			print!("{}", show_election(&view));
		}
		BillingCommand::Candidates => {
			let candidates = ChainRpc::new(&cli.url)?.billing_candidates().await?;
			print!("{}", show_candidates(&candidates));
		}
		BillingCommand::Projected => {
			let projection = ChainRpc::new(&cli.url)?.billing_projection().await?;
			print!("{}", show_projection(&projection));
		}
		BillingCommand::Votes { address } => {
			let who = account_or_suri(cli, address.as_ref())?;
			let view = ChainRpc::new(&cli.url)?.billing_voter(&who).await?;
			println!("voter:           {who}");
			print!("{}", show_voter(&view));
		}
		BillingCommand::Vote { votes } => {
			let votes = parse_votes(votes)?;
			let list: Vec<Value> = votes
				.iter()
				.map(|(who, amount)| {
					Value::unnamed_composite([
						Value::from_bytes(<[u8; 32]>::from(who.clone())),
						Value::u128(*amount),
					])
				})
				.collect();
			let total: u128 = votes.iter().map(|(_, a)| a).sum();
			let hash = chain::submit_as(
				cli,
				"BillingElections",
				"vote",
				vec![Value::unnamed_composite(list)],
			)
			.await?;
			println!(
				"voted {} for {} candidates; it is locked until you vote less or unvote \
				 (extrinsic {hash})",
				format_amount(total),
				votes.len()
			);
		}
		BillingCommand::Unvote => {
			let hash = chain::submit_as(cli, "BillingElections", "unvote", vec![]).await?;
			println!("vote withdrawn; its SPB unbond (extrinsic {hash})");
		}
		BillingCommand::Withdraw => {
			let hash =
				chain::submit_as(cli, "BillingElections", "withdraw_unbonded", vec![]).await?;
			println!("unbonded SPB unlocked (extrinsic {hash})");
		}
		BillingCommand::Register { billing_key, billing_key_file, bond } => {
			let bond = match bond {
				Some(bond) => match parse_amount(bond)? {
					0 => {
						return Err(Failure::new("--bond: back the candidacy with more than 0 SPB"))
					}
					amount => Some(amount),
				},
				None => None,
			};
			let signer = keypair(&secret(cli)?)?;
			let account = AccountId32::from(pair(&secret(cli)?, "--suri")?.public());
			let billing_key = match (billing_key, billing_key_file) {
				(Some(suri), _) => suri.clone(),
				(None, Some(path)) => crate::secret_from_file(path)?,
				(None, None) => {
					return Err(Failure::new(
						"name the Gosig key: --billing-key or --billing-key-file",
					))
				}
			};
			let mut key = pair(&billing_key, "the billing key")?;
			let api = chain::connect(&cli.url).await?;
			let genesis: [u8; 32] = api.genesis_hash().0;
			let proof =
				key.generate_proof_of_possession(&billing_key_statement(&genesis, &account));
			let mut args = vec![Value::from_bytes(key.public().0), Value::from_bytes(proof.0)];
			let call = match bond {
				Some(bond) => {
					args.push(Value::u128(bond));
					"register_billing_candidate_backed"
				}
				None => "register_billing_candidate",
			};
			let hash = chain::submit(&api, &signer, "Peers", call, args).await?;
			println!(
				"registered as a billing-peer candidate with Gosig key 0x{}{} (extrinsic {hash})",
				hex::encode(key.public()),
				bond.map(|b| format!(", backed by {} of its own", format_amount(b)))
					.unwrap_or_default()
			);
		}
	}
	Ok(())
}

/// What a Gosig key signs (after `sp_core`'s `POP_` prefix) to prove that `who`'s candidacy on
/// the chain of `genesis` holds it: as the runtime's `Peers::billing_key_statement`.
pub fn billing_key_statement(genesis: &[u8; 32], who: &AccountId32) -> Vec<u8> {
	spacebook_billing_elections_primitives::billing_candidate_statement(genesis, who)
}

/// Parse `CANDIDATE=AMOUNT` pairs (an address and SPB).
pub fn parse_votes(votes: &[String]) -> Result<Vec<(AccountId32, u128)>, Failure> {
	if votes.is_empty() {
		return Err(Failure::new("name at least one CANDIDATE=AMOUNT (unvote withdraws a vote)"));
	}
	votes
		.iter()
		.map(|v| {
			let (who, amount) = v.split_once('=').ok_or_else(|| {
				Failure::new(format!("{v:?}: a vote is CANDIDATE=AMOUNT, e.g. 5Grw…=1000"))
			})?;
			let amount = parse_amount(amount)?;
			if amount == 0 {
				return Err(Failure::new(format!("{v:?}: vote a positive amount of SPB")));
			}
			Ok((parse_account(who)?, amount))
		})
		.collect()
}

fn method_name(method: ElectionMethod) -> &'static str {
	match method {
		ElectionMethod::Phragmen => "sequential Phragmén",
		ElectionMethod::TopByStake => "top by stake",
	}
}

fn key_hex(key: &BillingKey) -> String {
	format!("0x{}", hex::encode(key))
}

/// The election as `spacebook billing show` prints it.
pub fn show_election(view: &ElectionView<AccountId32, BillingKey, u32>) -> String {
	let mut out = format!(
		"era {} from block {} ({} blocks an era); next election at block {}\n\
		 method: {}; votes of at least {}, seats need {} of backing; a full registry keeps \
		 candidates backed with {}\n\
		 voters: {} of {}; on probation: {} (at most {})\n",
		view.era,
		view.era_start,
		view.era_length,
		view.next_election_at,
		method_name(view.method),
		format_amount(view.min_vote),
		format_amount(view.min_backing),
		format_amount(view.registry_bar),
		view.voters.0,
		view.voters.1,
		view.on_probation.0,
		view.on_probation.1,
	);
	out.push_str(&format!(
		"billing peers ({}), with their votes seen in this participation window of {} blocks:\n",
		view.billing_peers.len(),
		view.participation_window
	));
	for (i, (key, account)) in view.billing_peers.iter().enumerate() {
		let who = account.as_ref().map_or("(no candidacy)".to_owned(), |a| a.to_string());
		let votes = match view.participation.get(i) {
			Some((counted, present, strikes)) => {
				let absent = match strikes {
					0 => String::new(),
					n => format!(", absent {n} window(s) in a row"),
				};
				format!("  votes in {present} of {counted} blocks{absent}")
			}
			None => String::new(),
		};
		out.push_str(&format!("  {i:>2}. {who}  key {}{votes}\n", key_hex(key)));
	}
	out.push_str(&format!("backups ({}):\n", view.backups.len()));
	for (i, (who, backing)) in view.backups.iter().enumerate() {
		out.push_str(&format!("  {:>2}. {who}  {}\n", i + 1, format_amount(*backing)));
	}
	if let Some(o) = &view.last_outcome {
		out.push_str(&format!(
			"last election (era {}): {} seated, {} new, {} deferred by the turnover budget, {} \
			 backups; {}\n",
			o.era,
			o.elected,
			o.newcomers,
			o.deferred,
			o.backups,
			if o.changed { "the set changed" } else { "the set stayed" }
		));
	}
	out
}

/// The candidates as `spacebook billing candidates` prints them.
pub fn show_candidates(candidates: &[CandidateView<AccountId32, BillingKey>]) -> String {
	let mut out = format!("{} eligible candidates, most backed first:\n", candidates.len());
	for c in candidates {
		let seat = match c.seat {
			Seat::BillingPeer(i) => format!("billing peer #{i}"),
			Seat::Backup(r) => format!("backup {r}"),
			Seat::Candidate => "candidate".to_owned(),
		};
		let projected = c
			.projected_rank
			.map_or("not ranked".to_owned(), |r| format!("rank {r} if counted now"));
		let partner = if c.regional_partner { ", regional partner" } else { "" };
		out.push_str(&format!(
			"  {}  {}  {seat}, {projected}{partner}  (registration {}, key {})\n",
			c.account,
			format_amount(c.backing),
			c.registration,
			key_hex(&c.key)
		));
	}
	out
}

/// The projection as `spacebook billing projected` prints it.
pub fn show_projection(p: &Projection<AccountId32>) -> String {
	let mut out = if p.kept {
		"counted now, too few candidates are electable: the set would be kept\n".to_owned()
	} else {
		format!(
			"counted now: {} billing peers, {} new, {} deferred by the turnover budget\n",
			p.billing_peers.len(),
			p.newcomers,
			p.deferred
		)
	};
	for (i, (who, backing)) in p.billing_peers.iter().enumerate() {
		out.push_str(&format!("  {:>2}. {who}  {}\n", i + 1, format_amount(*backing)));
	}
	out.push_str(&format!("backups ({}):\n", p.backups.len()));
	for (i, (who, backing)) in p.backups.iter().enumerate() {
		out.push_str(&format!("  {:>2}. {who}  {}\n", i + 1, format_amount(*backing)));
	}
	out
}

/// A voter's votes and locks as `spacebook billing votes` prints them.
pub fn show_voter(view: &VoterView<AccountId32, u32>) -> String {
	let mut out = String::new();
	if view.votes.is_empty() {
		out.push_str("votes:           none\n");
	}
	for (who, amount, current) in &view.votes {
		let note = if *current { "" } else { " (left or registered again: backs nobody)" };
		out.push_str(&format!("vote:            {} for {who}{note}\n", format_amount(*amount)));
	}
	if !view.listed && !view.votes.is_empty() {
		out.push_str("                 displaced from the full voter list: not counted\n");
	}
	for (amount, at) in &view.unbonding {
		out.push_str(&format!("unbonding:       {} from block {at}\n", format_amount(*amount)));
	}
	out.push_str(&format!("withdrawable:    {}\n", format_amount(view.withdrawable)));
	out.push_str(&format!("locked:          {}\n", format_amount(view.locked)));
	out
}

#[cfg(test)]
mod tests {
	use super::*;
	use sp_core::sr25519;
	use spacebook_sdk::chain::EraOutcome;

	const SPB: u128 = 1_000_000_000_000;

	#[test]
	fn votes_parse_as_candidate_and_amount_and_bad_ones_are_named() {
		let alice = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
		let votes = parse_votes(&[format!("{alice}=1000"), format!("{alice}=0.5")]).unwrap();
		assert_eq!(votes[0].1, 1_000 * SPB);
		assert_eq!(votes[1].1, SPB / 2);
		assert!(parse_votes(&[]).unwrap_err().0.contains("at least one"));
		assert!(parse_votes(&[alice.to_owned()]).unwrap_err().0.contains("CANDIDATE=AMOUNT"));
		assert!(parse_votes(&[format!("{alice}=0")]).unwrap_err().0.contains("positive"));
		assert!(parse_votes(&["nobody=1".to_owned()]).unwrap_err().0.contains("not an account"));
	}

	/// The CLI's statement is the runtime's: a proof made here passes the pallet's check
	/// (`pallets/peers`, `billing_key_statement`), which the end-to-end test exercises; here,
	/// that the proof verifies as `sp_core`'s proof of possession of that statement.
	#[test]
	fn the_proof_of_possession_covers_the_genesis_hash_and_the_account() {
		use sp_core::proof_of_possession::{statement_of_ownership, ProofOfPossessionVerifier};
		let mut key = sr25519::Pair::from_string("//Gosig", None).unwrap();
		let who = AccountId32::new([5; 32]);
		let statement = billing_key_statement(&[9; 32], &who);
		let proof = key.generate_proof_of_possession(&statement);
		assert!(sr25519::Pair::verify_proof_of_possession(&statement, &proof, &key.public()));
		assert!(sr25519::Pair::verify(&proof, statement_of_ownership(&statement), &key.public()));
		let elsewhere = billing_key_statement(&[8; 32], &who);
		assert!(!sr25519::Pair::verify_proof_of_possession(&elsewhere, &proof, &key.public()));
	}

	#[test]
	fn the_election_shows_the_set_backups_and_the_last_outcome() {
		let view = ElectionView {
			era: 2,
			era_start: 200,
			era_length: 100,
			next_election_at: 300,
			method: ElectionMethod::Phragmen,
			billing_peers: vec![
				(BillingKey::from_raw([1; 32]), Some(AccountId32::new([11; 32]))),
				(BillingKey::from_raw([2; 32]), None),
			],
			backups: vec![(AccountId32::new([13; 32]), 10_000 * SPB)],
			last_outcome: Some(EraOutcome {
				era: 2,
				method: ElectionMethod::Phragmen,
				elected: 2,
				newcomers: 1,
				deferred: 1,
				backups: 1,
				changed: true,
			}),
			on_probation: (1, 1),
			voters: (3, 512),
			min_vote: 100 * SPB,
			min_backing: 10_000 * SPB,
			registry_bar: 12_000 * SPB,
			participation: vec![(40, 39, 0), (40, 12, 1)],
			participation_window: 1200,
		};
		let shown = show_election(&view);
		assert!(shown.contains("participation window of 1200 blocks"), "{shown}");
		assert!(
			shown.contains("a full registry keeps candidates backed with 12000 SPB"),
			"{shown}"
		);
		assert!(shown.contains("votes in 39 of 40 blocks\n"), "{shown}");
		assert!(shown.contains("votes in 12 of 40 blocks, absent 1 window(s) in a row"), "{shown}");
		assert!(
			shown.contains("era 2 from block 200 (100 blocks an era); next election at block 300"),
			"{shown}"
		);
		assert!(shown.contains("method: sequential Phragmén"), "{shown}");
		assert!(shown.contains("billing peers (2), with their votes"), "{shown}");
		assert!(shown.contains("(no candidacy)"), "{shown}");
		assert!(shown.contains("  1. 5") && shown.contains("10000 SPB"), "{shown}");
		assert!(shown.contains("1 new, 1 deferred by the turnover budget"), "{shown}");
	}

	#[test]
	fn a_voter_shows_votes_unbonding_and_locks() {
		let view = VoterView {
			votes: vec![
				(AccountId32::new([11; 32]), 500 * SPB, true),
				(AccountId32::new([12; 32]), SPB, false),
			],
			unbonding: vec![(50 * SPB, 900)],
			withdrawable: 0,
			locked: 551 * SPB,
			listed: true,
		};
		let shown = show_voter(&view);
		assert!(shown.contains("vote:            500 SPB for 5"), "{shown}");
		assert!(shown.contains("backs nobody"), "{shown}");
		assert!(shown.contains("unbonding:       50 SPB from block 900"), "{shown}");
		assert!(shown.contains("locked:          551 SPB"), "{shown}");
		let none = VoterView {
			votes: vec![],
			unbonding: vec![],
			withdrawable: 0,
			locked: 0,
			listed: false,
		};
		assert!(show_voter(&none).contains("votes:           none"));
	}

	#[test]
	fn candidates_and_projection_show_seats_and_ranks() {
		let c = CandidateView {
			account: AccountId32::new([11; 32]),
			key: BillingKey::from_raw([1; 32]),
			registration: 4,
			backing: 20_000 * SPB,
			regional_partner: true,
			seat: Seat::Backup(2),
			projected_rank: Some(3),
		};
		let shown = show_candidates(&[c]);
		assert!(shown.contains("backup 2, rank 3 if counted now, regional partner"), "{shown}");
		let p = Projection {
			billing_peers: vec![(AccountId32::new([11; 32]), 20_000 * SPB)],
			backups: vec![],
			newcomers: 1,
			deferred: 0,
			kept: false,
		};
		assert!(show_projection(&p).contains("counted now: 1 billing peers, 1 new"));
		assert!(show_projection(&Projection { kept: true, ..p }).contains("would be kept"));
	}
}

//! `spacebook committee`: the governance committee (whitepaper ch.4 §3). What it shows comes
//! from the `CommitteeApi` runtime API (`_committee`, `_sheet`, `_voter`, `_motions`); what it
//! does is `CommitteeElection`'s calls (`nominate`, `nominate_as_foundation`, `sign_up`,
//! `support`, `vote`, `withdraw`) and the committee's collective's (`propose`, `vote`,
//! `close`); a major motion wraps its call in `CommitteeElection::enact`, and a runtime upgrade
//! is authorized by a major motion by the code's hash (`System::authorize_upgrade`) and then
//! applied by anyone (`System::apply_authorized_upgrade`, `docs/governance.md`).

use crate::{
	account_or_suri,
	billing::parse_votes,
	chain,
	cli::{Cli, CommitteeCommand},
	format_amount, keypair, parse_account, secret, Failure,
};
use sp_core::{crypto::AccountId32, H256};
use spacebook_sdk::{
	chain::{CommitteeView, CommitteeVoterView, ElectionPhase, MotionView, Nominator, SheetView},
	ChainRpc,
};
use subxt::{dynamic, ext::scale_value::Value};

/// Run a committee command.
pub async fn run(cli: &Cli, command: &CommitteeCommand) -> Result<(), Failure> {
	match command {
		CommitteeCommand::Show => {
			let view = ChainRpc::new(&cli.url)?.committee().await?;
			print!("{}", show_committee(&view));
		}
		CommitteeCommand::Candidates => {
			let sheet = ChainRpc::new(&cli.url)?.committee_sheet().await?;
			print!("{}", show_sheet(&sheet));
		}
		CommitteeCommand::Ballot { address } => {
			let who = account_or_suri(cli, address.as_ref())?;
			let view = ChainRpc::new(&cli.url)?.committee_voter(&who).await?;
			println!("account:         {who}");
			print!("{}", show_voter(&view));
		}
		CommitteeCommand::Nominate { candidate, as_foundation } => {
			let candidate = parse_account(candidate)?;
			let name = if *as_foundation { "nominate_as_foundation" } else { "nominate" };
			let args = vec![Value::from_bytes(<[u8; 32]>::from(candidate.clone()))];
			let hash = chain::submit_as(cli, "CommitteeElection", name, args).await?;
			println!("nominated {candidate} (extrinsic {hash})");
		}
		CommitteeCommand::SignUp => {
			let hash = chain::submit_as(cli, "CommitteeElection", "sign_up", vec![]).await?;
			println!(
				"signed up for the pre-election; the deposit is held until the election \
				 completes (extrinsic {hash})"
			);
		}
		CommitteeCommand::Support { support } => {
			let (value, total, n) = choices(support)?;
			let hash = chain::submit_as(cli, "CommitteeElection", "support", vec![value]).await?;
			println!(
				"supported {n} sign-ups with {}, held until the election completes \
				 (extrinsic {hash})",
				format_amount(total)
			);
		}
		CommitteeCommand::Vote { votes } => {
			let (value, total, n) = choices(votes)?;
			let hash = chain::submit_as(cli, "CommitteeElection", "vote", vec![value]).await?;
			println!(
				"voted {} for {n} candidates, held until the election completes \
				 (extrinsic {hash})",
				format_amount(total)
			);
		}
		CommitteeCommand::Withdraw => {
			let hash = chain::submit_as(cli, "CommitteeElection", "withdraw", vec![]).await?;
			println!("withdrawn; its SPB are free (extrinsic {hash})");
		}
		CommitteeCommand::Motions => {
			let motions = ChainRpc::new(&cli.url)?.committee_motions().await?;
			print!("{}", show_motions(&motions));
		}
		CommitteeCommand::Propose { pallet, call: name, args, major, threshold } => {
			let args = args.iter().map(|a| parse_arg(a)).collect::<Result<Vec<_>, _>>()?;
			propose(cli, (pallet, name, args), *major, *threshold).await?;
		}
		CommitteeCommand::ProposeUpgrade { wasm } => {
			let code = read_wasm(wasm)?;
			let code_hash = sp_crypto_hashing::blake2_256(&code);
			let args = vec![Value::from_bytes(code_hash)];
			propose(cli, ("System", "authorize_upgrade", args), true, None).await?;
			println!(
				"code hash 0x{}: once the motion passes and is closed, apply it with \
				 `spacebook committee apply-upgrade {}`",
				hex::encode(code_hash),
				wasm.display()
			);
		}
		CommitteeCommand::ApplyUpgrade { wasm } => {
			let args = vec![Value::from_bytes(read_wasm(wasm)?)];
			let (hash, events) =
				chain::submit_as_with_events(cli, "System", "apply_authorized_upgrade", args)
					.await?;
			print!("{}", upgrade_outcome(&hash, &events)?);
		}
		CommitteeCommand::Aye { hash } | CommitteeCommand::Nay { hash } => {
			let approve = matches!(command, CommitteeCommand::Aye { .. });
			let motion = find_motion(cli, hash).await?;
			let args = vec![
				Value::from_bytes(motion.hash.0),
				Value::u128(motion.index.into()),
				Value::bool(approve),
			];
			let extrinsic = chain::submit_as(cli, "Committee", "vote", args).await?;
			println!(
				"voted {} on motion #{} (extrinsic {extrinsic})",
				if approve { "aye" } else { "nay" },
				motion.index
			);
		}
		CommitteeCommand::Close { hash } => {
			let motion = find_motion(cli, hash).await?;
			let weight = Value::named_composite([
				("ref_time", Value::u128(motion.weight.0.into())),
				("proof_size", Value::u128(motion.weight.1.into())),
			]);
			let args = vec![
				Value::from_bytes(motion.hash.0),
				Value::u128(motion.index.into()),
				weight,
				Value::u128(motion.length.into()),
			];
			let (extrinsic, events) =
				chain::submit_as_with_events(cli, "Committee", "close", args).await?;
			println!("closed motion #{} (extrinsic {extrinsic})", motion.index);
			for event in events.iter().filter(|e| is_outcome(e)) {
				println!("  {event}");
			}
		}
	}
	Ok(())
}

/// What `apply_authorized_upgrade`'s events say: upgraded, or rejected (the authorization is
/// then used up: the code's version was not higher or its name differs).
fn upgrade_outcome(extrinsic: &str, events: &[String]) -> Result<String, Failure> {
	if let Some(rejected) =
		events.iter().find(|e| e.starts_with("System.RejectedInvalidAuthorizedUpgrade"))
	{
		return Err(Failure::new(format!(
			"the chain rejected the upgrade (extrinsic {extrinsic}): {rejected}"
		)));
	}
	if events.iter().any(|e| e.starts_with("System.CodeUpdated")) {
		Ok(format!("runtime upgraded (extrinsic {extrinsic})\n"))
	} else {
		Err(Failure::new(format!(
			"the upgrade was submitted (extrinsic {extrinsic}) but the code was not updated: {}",
			events.join("; ")
		)))
	}
}

/// Whether an event line is a motion's outcome worth showing.
fn is_outcome(event: &str) -> bool {
	["Committee.", "CommitteeElection.Enacted", "System.UpgradeAuthorized"]
		.iter()
		.any(|prefix| event.starts_with(prefix))
}

/// `CANDIDATE=AMOUNT` pairs as the pallet's `Choices`, with their total and number.
fn choices(pairs: &[String]) -> Result<(Value, u128, usize), Failure> {
	let parsed = parse_votes(pairs)?;
	let total = parsed.iter().map(|(_, a)| a).sum();
	let list: Vec<Value> = parsed
		.iter()
		.map(|(who, amount)| {
			Value::unnamed_composite([
				Value::from_bytes(<[u8; 32]>::from(who.clone())),
				Value::u128(*amount),
			])
		})
		.collect();
	Ok((Value::unnamed_composite(list), total, parsed.len()))
}

/// Parse one call argument in SCALE-value syntax, with 0x hex and SS58 addresses.
pub fn parse_arg(arg: &str) -> Result<Value, Failure> {
	use subxt::ext::scale_value::stringify::{custom_parsers, from_str_custom};
	let (value, rest) = from_str_custom()
		.add_custom_parser(custom_parsers::parse_hex)
		.add_custom_parser(custom_parsers::parse_ss58)
		.parse(arg);
	let value = value.map_err(|e| Failure::new(format!("argument {arg:?}: {e}")))?;
	if !rest.trim().is_empty() {
		return Err(Failure::new(format!("argument {arg:?}: unexpected {rest:?} after the value")));
	}
	Ok(value)
}

/// Bring the motion `pallet.name(args)`: as a major issue's, enacted as root; carried by
/// `threshold` ayes, or the ayes the runtime's origin for its kind needs.
async fn propose(
	cli: &Cli,
	(pallet, name, args): (&str, &str, Vec<Value>),
	major: bool,
	threshold: Option<u32>,
) -> Result<H256, Failure> {
	let view = ChainRpc::new(&cli.url)?.committee().await?;
	let threshold = check_threshold(threshold, major, view.thresholds)?;
	if threshold as usize > view.members.len() {
		return Err(Failure::new(format!(
			"a motion carried by {threshold} ayes can never pass a committee of {} members",
			view.members.len()
		)));
	}
	let api = chain::connect(&cli.url).await?;
	let at = api.at_current_block().await.map_err(Failure::chain)?;
	let inner = Value::unnamed_variant(pallet, [Value::unnamed_variant(name, args.clone())]);
	// The encoded call: its length bounds the motion, its hash names it.
	let (proposal, payload) = if major {
		let proposal = Value::unnamed_variant(
			"CommitteeElection",
			[Value::unnamed_variant("enact", [inner.clone()])],
		);
		(proposal, dynamic::transaction("CommitteeElection", "enact", vec![inner]))
	} else {
		(inner, dynamic::transaction(pallet, name, args))
	};
	let encoded = at
		.transactions()
		.call_data(&payload)
		.map_err(|e| Failure::new(format!("{pallet}.{name}: {e}")))?;
	let hash = H256(sp_crypto_hashing::blake2_256(&encoded));
	let signer = keypair(&secret(cli)?)?;
	let args = vec![Value::u128(threshold.into()), proposal, Value::u128(encoded.len() as u128)];
	let extrinsic = chain::submit(&api, &signer, "Committee", "propose", args).await?;
	println!(
		"motion {hash:?} brought: {pallet}.{name}{}, carried by {threshold} ayes \
		 (extrinsic {extrinsic})",
		if major { " as a major issue (enacted as root)" } else { "" }
	);
	Ok(hash)
}

/// A motion's threshold: `--threshold`, or the runtime's for its kind; never fewer ayes than the
/// runtime's origin needs (such a motion could be closed and fail as soon as it has them).
fn check_threshold(
	threshold: Option<u32>,
	major: bool,
	(general, major_needs): (u32, u32),
) -> Result<u32, Failure> {
	let needed = if major { major_needs } else { general };
	match threshold {
		None => Ok(needed),
		Some(t) if t < needed => Err(Failure::new(format!(
			"--threshold {t}: a {} motion passes with at least {needed} ayes; fewer could only \
			 fail",
			if major { "major" } else { "general" }
		))),
		Some(t) => Ok(t),
	}
}

/// The open motion `hash` names.
async fn find_motion(cli: &Cli, hash: &str) -> Result<MotionView<AccountId32, H256, u32>, Failure> {
	let wanted = parse_hash(hash)?;
	ChainRpc::new(&cli.url)?
		.committee_motions()
		.await?
		.into_iter()
		.find(|m| m.hash == wanted)
		.ok_or_else(|| Failure::new(format!("{hash}: no open motion has this hash")))
}

/// Parse a motion's hash (0x and 64 hex digits).
pub fn parse_hash(s: &str) -> Result<H256, Failure> {
	let mut raw = [0u8; 32];
	s.strip_prefix("0x").and_then(|hex| hex::decode_to_slice(hex, &mut raw).ok()).ok_or_else(
		|| Failure::new(format!("{s:?} is not a motion's hash (0x and 64 hex digits)")),
	)?;
	Ok(H256(raw))
}

/// A runtime's wasm blob, checked to look like one.
fn read_wasm(path: &std::path::Path) -> Result<Vec<u8>, Failure> {
	let code = std::fs::read(path)
		.map_err(|e| Failure::new(format!("{}: cannot read the runtime: {e}", path.display())))?;
	// Plain wasm, or the wasm builder's zstd-compressed blob.
	const WASM: &[u8] = b"\0asm";
	const COMPRESSED: &[u8] = &[82, 188, 83, 118, 70, 219, 142, 5];
	if !code.starts_with(WASM) && !code.starts_with(COMPRESSED) {
		return Err(Failure::new(format!("{}: not a wasm runtime", path.display())));
	}
	Ok(code)
}

fn nominator_name(n: &Nominator<AccountId32>) -> String {
	match n {
		Nominator::BillingPeer(who) => format!("billing peer {who}"),
		Nominator::Foundation => "the foundation".to_owned(),
		Nominator::DApp(who) => format!("DApp {who}"),
		Nominator::PreElection => "the pre-election".to_owned(),
	}
}

/// The committee as `spacebook committee show` prints it.
pub fn show_committee(view: &CommitteeView<AccountId32, u32>) -> String {
	let mut out = match view.members.len() {
		0 => "committee: none seated yet; the foundation governs\n".to_owned(),
		n => format!("committee ({n} of {} seats):\n", view.seats.0),
	};
	for member in &view.members {
		out.push_str(&format!("  {member}\n"));
	}
	if let Some(foundation) = &view.foundation {
		out.push_str(&format!("foundation:      {foundation}\n"));
	}
	out.push_str(&format!(
		"motions pass with {} ayes, major issues (runtime upgrades, the voting mechanism, the \
		 billing-peer decision method) with {}\n",
		view.thresholds.0, view.thresholds.1
	));
	let phase = match view.phase {
		Some(ElectionPhase::Waiting { starts_at }) => {
			format!("election {} starts at block {starts_at}", view.round)
		}
		Some(ElectionPhase::Nominating { ends_at }) => format!(
			"election {}: nominations and the pre-election until block {ends_at}",
			view.round
		),
		Some(ElectionPhase::Voting { ends_at }) => {
			format!("election {}: the public vote until block {ends_at}", view.round)
		}
		None => "no election scheduled".to_owned(),
	};
	out.push_str(&format!("{phase}\n"));
	if let Some(end) = view.term_ends_at {
		out.push_str(&format!("the term ends at block {end}, when that election is counted\n"));
	}
	out.push_str(&format!(
		"terms of {} blocks: {} of nominations, {} of voting; {} candidates of {}, {} sign-ups\n\
		 {} seats, seated with at least {} voted for; sign-ups need {} of support and hold {}; \
		 support and votes of at least {}, for up to {} accounts\n",
		view.schedule.term,
		view.schedule.nominating,
		view.schedule.voting,
		view.candidates.0,
		view.candidates.1,
		view.sign_ups,
		view.seats.0,
		view.seats.1,
		format_amount(view.sign_up_threshold),
		format_amount(view.sign_up_deposit),
		format_amount(view.min_vote),
		view.max_choices,
	));
	out
}

/// The ballot sheet as `spacebook committee candidates` prints it.
pub fn show_sheet(sheet: &SheetView<AccountId32>) -> String {
	let mut out = format!("{} candidates, in nomination order:\n", sheet.candidates.len());
	for c in &sheet.candidates {
		let rank = c.rank.map_or("no votes".to_owned(), |r| format!("rank {r}"));
		out.push_str(&format!(
			"  {}  {}  {rank}, nominated by {}\n",
			c.who,
			format_amount(c.votes),
			nominator_name(&c.nominator)
		));
	}
	let (left, foundation_left) = &sheet.nominators_left;
	if !left.is_empty() || *foundation_left > 0 {
		out.push_str(&format!("nominations left: the foundation {foundation_left}"));
		for n in left {
			out.push_str(&format!(", {}", nominator_name(n)));
		}
		out.push('\n');
	}
	out.push_str(&format!("pre-election list ({}):\n", sheet.pre_election.len()));
	for (who, support, number) in &sheet.pre_election {
		out.push_str(&format!("  {who}  {}  (sign-up {number})\n", format_amount(*support)));
	}
	out
}

/// A voter's ballots as `spacebook committee ballot` prints them.
pub fn show_voter(view: &CommitteeVoterView<AccountId32>) -> String {
	let mut out = String::new();
	if view.member {
		out.push_str("member of the committee\n");
	}
	if view.ballots.is_empty() {
		out.push_str("ballots:         none\n");
	}
	for ballot in &view.ballots {
		out.push_str(&format!("election {}:\n", ballot.round));
		if ballot.sign_up_deposit > 0 {
			out.push_str(&format!(
				"  signed up, deposit {}\n",
				format_amount(ballot.sign_up_deposit)
			));
		}
		for (who, amount) in &ballot.support {
			out.push_str(&format!("  support {} for {who}\n", format_amount(*amount)));
		}
		for (who, amount) in &ballot.vote {
			out.push_str(&format!("  vote {} for {who}\n", format_amount(*amount)));
		}
	}
	out.push_str(&format!("held:            {}\n", format_amount(view.held)));
	out
}

/// The open motions as `spacebook committee motions` prints them.
pub fn show_motions(motions: &[MotionView<AccountId32, H256, u32>]) -> String {
	let mut out = format!("{} open motions:\n", motions.len());
	for m in motions {
		let call = format!(
			"{}.{}",
			String::from_utf8_lossy(&m.call.0),
			String::from_utf8_lossy(&m.call.1)
		);
		out.push_str(&format!(
			"  #{} {:?}  {call}  ayes {}/{} nays {}  expires at block {}\n",
			m.index,
			m.hash,
			m.ayes.len(),
			m.threshold,
			m.nays.len(),
			m.end
		));
		for who in &m.ayes {
			out.push_str(&format!("    aye {who}\n"));
		}
		for who in &m.nays {
			out.push_str(&format!("    nay {who}\n"));
		}
	}
	out
}

#[cfg(test)]
mod tests {
	use super::*;
	use spacebook_sdk::chain::{BallotView, CommitteeCandidateView, Schedule};

	const SPB: u128 = 1_000_000_000_000;

	fn account(n: u8) -> AccountId32 {
		AccountId32::new([n; 32])
	}

	#[test]
	fn arguments_parse_as_scale_values_and_bad_ones_are_named() {
		assert_eq!(parse_arg("42").unwrap(), Value::u128(42));
		assert_eq!(parse_arg("0x0102").unwrap(), Value::from_bytes([1u8, 2]));
		let alice = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
		assert_eq!(
			parse_arg(alice).unwrap(),
			Value::from_bytes(<[u8; 32]>::from(parse_account(alice).unwrap()))
		);
		let prices = parse_arg("{ traffic_gib: 5, storage_gib: 7 }").unwrap();
		assert!(prices.to_string().contains("traffic_gib"), "{prices}");
		assert!(parse_arg("{ unclosed").unwrap_err().0.contains("argument"));
		assert!(parse_arg("1 2").unwrap_err().0.contains("unexpected"));
		assert!(parse_hash("0x12").unwrap_err().0.contains("64 hex digits"));
		assert_eq!(parse_hash(&format!("0x{}", "ab".repeat(32))).unwrap(), H256([0xab; 32]));
	}

	#[test]
	fn the_committee_shows_its_members_term_and_thresholds() {
		let view = CommitteeView {
			members: vec![account(1), account(2)],
			foundation: Some(account(9)),
			round: 2,
			phase: Some(ElectionPhase::Voting { ends_at: 700 }),
			started_at: 600,
			schedule: Schedule { term: 600, nominating: 50, voting: 50 },
			term_ends_at: Some(700),
			seats: (9, 7),
			thresholds: (5, 7),
			candidates: (12, 42),
			sign_ups: 3,
			sign_up_threshold: 10_000 * SPB,
			sign_up_deposit: 100 * SPB,
			min_vote: 100 * SPB,
			max_choices: 16,
		};
		let shown = show_committee(&view);
		assert!(shown.starts_with("committee (2 of 9 seats):\n"), "{shown}");
		assert!(
			shown.contains("motions pass with 5 ayes") && shown.contains("with 7\n"),
			"{shown}"
		);
		assert!(shown.contains("election 2: the public vote until block 700"), "{shown}");
		assert!(shown.contains("the term ends at block 700"), "{shown}");
		assert!(shown.contains("12 candidates of 42, 3 sign-ups"), "{shown}");
		assert!(shown.contains("sign-ups need 10000 SPB of support and hold 100 SPB"), "{shown}");
		let none = CommitteeView { members: vec![], ..view };
		assert!(show_committee(&none).contains("the foundation governs"));
	}

	#[test]
	fn the_sheet_shows_ranks_nominators_and_the_pre_election() {
		let sheet = SheetView {
			candidates: vec![
				CommitteeCandidateView {
					who: account(1),
					nominator: Nominator::BillingPeer(account(5)),
					votes: 300 * SPB,
					rank: Some(1),
				},
				CommitteeCandidateView {
					who: account(2),
					nominator: Nominator::Foundation,
					votes: 0,
					rank: None,
				},
			],
			nominators_left: (vec![Nominator::DApp(account(6))], 5),
			pre_election: vec![(account(3), 12_000 * SPB, 1)],
		};
		let shown = show_sheet(&sheet);
		assert!(shown.contains("2 candidates"), "{shown}");
		assert!(shown.contains("300 SPB  rank 1, nominated by billing peer 5"), "{shown}");
		assert!(shown.contains("0 SPB  no votes, nominated by the foundation"), "{shown}");
		assert!(shown.contains("nominations left: the foundation 5, DApp 5"), "{shown}");
		assert!(shown.contains("12000 SPB  (sign-up 1)"), "{shown}");
	}

	#[test]
	fn a_ballot_and_the_motions_show_holds_and_tallies() {
		let view = CommitteeVoterView {
			ballots: vec![BallotView {
				round: 1,
				sign_up_deposit: 100 * SPB,
				support: vec![(account(3), 50 * SPB)],
				vote: vec![(account(1), 200 * SPB)],
			}],
			held: 350 * SPB,
			member: true,
		};
		let shown = show_voter(&view);
		assert!(shown.contains("member of the committee"), "{shown}");
		assert!(shown.contains("signed up, deposit 100 SPB"), "{shown}");
		assert!(shown.contains("support 50 SPB for 5"), "{shown}");
		assert!(shown.contains("vote 200 SPB for 5"), "{shown}");
		assert!(shown.contains("held:            350 SPB"), "{shown}");
		let motion = MotionView {
			hash: H256([7; 32]),
			index: 3,
			call: (b"Pricing".to_vec(), b"set_prices".to_vec()),
			length: 40,
			weight: (1, 2),
			threshold: 5,
			ayes: vec![account(1), account(2)],
			nays: vec![account(4)],
			end: 9000,
		};
		let shown = show_motions(&[motion]);
		assert!(shown.contains("1 open motions"), "{shown}");
		assert!(shown.contains("Pricing.set_prices  ayes 2/5 nays 1  expires at block 9000"));
		assert!(shown.contains("    nay 5"), "{shown}");
		assert!(is_outcome("Committee.Executed { result: Ok(()) }"));
		assert_eq!(check_threshold(None, false, (5, 7)).unwrap(), 5);
		assert_eq!(check_threshold(None, true, (5, 7)).unwrap(), 7);
		assert_eq!(check_threshold(Some(9), true, (5, 7)).unwrap(), 9);
		assert!(check_threshold(Some(6), true, (5, 7)).unwrap_err().0.contains("at least 7"));
		assert!(check_threshold(Some(1), false, (5, 7)).unwrap_err().0.contains("at least 5"));
		let updated = vec!["System.CodeUpdated".to_owned()];
		assert!(upgrade_outcome("0x1", &updated).unwrap().contains("runtime upgraded"));
		let rejected = vec!["System.RejectedInvalidAuthorizedUpgrade { error: … }".to_owned()];
		assert!(upgrade_outcome("0x1", &rejected).unwrap_err().0.contains("rejected"));
		assert!(upgrade_outcome("0x1", &[]).unwrap_err().0.contains("not updated"));
		assert!(!is_outcome("TransactionPayment.TransactionFeePaid"));
	}
}

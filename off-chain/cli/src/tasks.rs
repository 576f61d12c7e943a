//! `spacebook task …`: compute tasks on a serving peer (docs/patrol.md), paid with receipts
//! like traffic. Every answer is checked before it is printed (a file digest only when its
//! bytes are fetched too, `--check`): a wrong answer is an error naming the peer.

use crate::{cli::TaskCommand, dapp_client, Cli, Failure};
use spacebook_compute::{verify, Answer, Task};
use spacebook_sdk::HashIndex;
use std::path::Path;

pub async fn run(cli: &Cli, peer: Option<&str>, command: &TaskCommand) -> Result<(), Failure> {
	let read = |path: &Path| {
		std::fs::read(path).map_err(|e| Failure::new(format!("{}: {e}", path.display())))
	};
	let mut digested = None;
	let task = match command {
		TaskCommand::Sort { integers, file } => Task::Sort(match file {
			Some(path) => parse_integers(&String::from_utf8_lossy(&read(path)?))?,
			None => integers.clone(),
		}),
		TaskCommand::Compress { path, level, .. } => {
			Task::Compress { level: *level, data: read(path)? }
		}
		TaskCommand::Matrix { seed, size, rounds } => {
			Task::MatrixPower { seed: parse_seed(seed)?, size: *size, rounds: *rounds }
		}
		TaskCommand::Digest { hash, offset, length } => {
			let hash: HashIndex = hash.parse().map_err(|e| Failure::new(format!("{hash}: {e}")))?;
			digested = Some(hash);
			Task::FileDigest { hash_index: hash.0, offset: *offset, length: *length }
		}
	};
	task.check().map_err(|e| Failure::new(e.to_string()))?;
	let peers: Vec<String> = peer.into_iter().map(str::to_owned).collect();
	// A digest runs at one of the file's holders.
	let client = dapp_client(cli, &peers, digested.as_ref()).await?;
	let endpoint = client
		.peers()
		.first()
		.map(|p| p.endpoint.clone())
		.ok_or_else(|| Failure::new("no serving peer answered"))?;
	let outcome = client.run_task(&endpoint, &task).await;
	client.finish_tasks(std::time::Duration::from_secs(5)).await;
	let outcome = outcome?;
	let checked = match (&task, digested) {
		(Task::FileDigest { .. }, _) => "not checked (its bytes are not fetched)",
		_ => {
			verify(&task, &outcome.answer, None)
				.map_err(|e| Failure::new(format!("{endpoint} answered wrong: {e}")))?;
			"checked"
		}
	};
	eprintln!(
		"{} bytes of traffic at {endpoint} in period {}; the answer {checked}",
		outcome.cost, outcome.period
	);
	match (&outcome.answer, command) {
		(Answer::Sorted(sorted), _) => {
			let line: Vec<String> = sorted.iter().map(u64::to_string).collect();
			println!("{}", line.join(" "));
		}
		(Answer::Compressed(stream), TaskCommand::Compress { output, .. }) => {
			std::fs::write(output, stream)
				.map_err(|e| Failure::new(format!("{}: {e}", output.display())))?;
			println!("{} bytes into {} ({})", stream.len(), output.display(), compressed_of(&task));
		}
		(Answer::Matrix { digest, trace }, _) => {
			println!("digest: {}\ntrace:  {trace:e}", hex(digest));
		}
		(Answer::Digest(digest), _) => println!("{}", hex(digest)),
		(answer, _) => return Err(Failure::new(format!("an unexpected answer: {answer:?}"))),
	}
	Ok(())
}

fn compressed_of(task: &Task) -> String {
	match task {
		Task::Compress { data, .. } => format!("from {} bytes", data.len()),
		_ => String::new(),
	}
}

fn hex(bytes: &[u8]) -> String {
	bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whitespace-separated unsigned integers.
pub fn parse_integers(text: &str) -> Result<Vec<u64>, Failure> {
	text.split_whitespace()
		.map(|word| {
			word.parse::<u64>()
				.map_err(|_| Failure::new(format!("{word:?} is not an unsigned 64-bit integer")))
		})
		.collect()
}

/// A 32-byte seed in 64 hex digits.
pub fn parse_seed(text: &str) -> Result<[u8; 32], Failure> {
	let text = text.trim_start_matches("0x");
	let bad = || Failure::new(format!("{text:?} is not a seed of 64 hex digits"));
	if text.len() != 64 {
		return Err(bad());
	}
	let mut seed = [0u8; 32];
	for (i, byte) in seed.iter_mut().enumerate() {
		*byte = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).map_err(|_| bad())?;
	}
	Ok(seed)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn integers_and_seeds_parse_or_name_the_bad_word() {
		assert_eq!(
			parse_integers(" 3 1\n18446744073709551615\t0 ").unwrap(),
			vec![3, 1, u64::MAX, 0]
		);
		let bad = parse_integers("1 x2 3").unwrap_err().to_string();
		assert!(bad.contains("\"x2\" is not an unsigned 64-bit integer"), "{bad}");
		assert!(parse_integers("18446744073709551616").is_err());
		let seed = parse_seed(&format!("0x{}", "ab".repeat(32))).unwrap();
		assert_eq!(seed, [0xab; 32]);
		assert!(parse_seed("abc").unwrap_err().to_string().contains("64 hex digits"));
		assert!(parse_seed(&"zz".repeat(32)).is_err());
	}
}

//! Download throughput of the data plane on loopback, for `scripts/bench-dataplane.sh`.
//!
//! `bench_download <file> <sources> <output> <work-dir>` starts `sources` serving peers in this
//! process (each with the file in its own store), downloads the file from all of them with the
//! SDK (slice verification and receipts included) into `output`, and prints
//! `<MiB/s> <seconds>` for the download alone.

use sp_core::{crypto::AccountId32, sr25519, Pair, H256};
use spacebook_dataplane::{
	ledger::{Ledger, MemorySink},
	store::ContentStore,
	ChainView, Config, DataPlane,
};
use spacebook_receipts::ClientKey;
use spacebook_sdk::{Client, DownloadOptions, Endpoint};
use std::{
	os::unix::fs::FileExt,
	path::{Path, PathBuf},
	sync::Arc,
	time::Instant,
};

struct Chain(ClientKey, AccountId32);

impl ChainView for Chain {
	fn current_period(&self) -> u32 {
		1
	}
	fn dapp_of_client_key(&self, key: &ClientKey) -> Option<AccountId32> {
		(key == &self.0).then(|| self.1.clone())
	}
	fn dapp_storage_quota(&self) -> u64 {
		u64::MAX
	}
	/// Every DApp here has a lease and a funded escrow.
	fn dapp_funds(&self, _dapp: &AccountId32) -> spacebook_dataplane::DAppFunds {
		spacebook_dataplane::DAppFunds {
			lease: spacebook_dataplane::LeaseStanding::Good,
			available_bytes: u128::MAX,
		}
	}
}

/// A store in `dir` holding the file `first` imported, without hashing it again.
fn clone_store(first: &Path, dir: &Path, hash: &str) -> std::io::Result<()> {
	let from = first.join("files").join(hash);
	let to = dir.join("files").join(hash);
	std::fs::create_dir_all(&to)?;
	std::fs::hard_link(from.join("data"), to.join("data"))?;
	std::fs::copy(from.join("slices"), to.join("slices"))?;
	std::fs::copy(from.join("info.json"), to.join("info.json"))?;
	Ok(())
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
	let args: Vec<String> = std::env::args().collect();
	let [_, file, sources, output, work] = &args[..] else {
		eprintln!("usage: bench_download <file> <sources> <output> <work-dir>");
		std::process::exit(2);
	};
	let sources: usize = sources.parse().expect("a number of sources");
	let work = PathBuf::from(work);
	let genesis = H256::repeat_byte(1);
	let key = sr25519::Pair::from_string("//bench-client", None).unwrap();
	let dapp = AccountId32::new([9; 32]);
	let chain = Arc::new(Chain(key.public(), dapp.clone()));

	let first = work.join("peer-0");
	let info = ContentStore::open(&first).unwrap().add_path(Path::new(file), "bench").unwrap();
	let mut endpoints = Vec::new();
	for i in 0..sources {
		let dir = work.join(format!("peer-{i}"));
		if i > 0 {
			clone_store(&first, &dir, &info.hash_index.to_string()).unwrap();
		}
		let store = Arc::new(ContentStore::open(&dir).unwrap());
		let sink = Arc::new(MemorySink::default());
		let ledger = Arc::new(Ledger::open(dir.join("receipts.journal"), sink, 0).unwrap());
		let config = Config::new(AccountId32::new([i as u8 + 1; 32]), genesis);
		let plane = DataPlane::new(store, ledger, chain.clone(), config);
		let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
		endpoints
			.push(Endpoint::parse(&format!("http://{}", listener.local_addr().unwrap())).unwrap());
		tokio::spawn(plane.serve(listener));
	}
	let client = Client::connect(dapp, key, &endpoints, Some(genesis)).await.unwrap();

	let out = std::fs::File::create(output).unwrap();
	out.set_len(info.length).unwrap();
	let started = Instant::now();
	let options = DownloadOptions { max_buffer: 64 << 20, ..Default::default() };
	let mut download = client.start_download_with(&info.hash_index, -1, -1, options).await.unwrap();
	let mut received = 0u64;
	while let Some(chunk) = download.receive().await {
		let chunk = chunk.unwrap();
		out.write_all_at(&chunk.data, chunk.offset).unwrap();
		received += chunk.data.len() as u64;
	}
	let seconds = started.elapsed().as_secs_f64();
	download.finish().await;
	assert_eq!(received, info.length, "every byte arrived");
	println!("{:.1} {:.3}", info.length as f64 / (1 << 20) as f64 / seconds, seconds);
}

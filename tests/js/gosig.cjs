// An explorer's or a bridge's view of Gosig finality through @polkadot/api's WebSocket provider,
// run by tests/tests/local_net.rs:
//
//   NODE_PATH=$HOME/.cache/spacebook/js/node_modules node tests/js/gosig.cjs ws://127.0.0.1:9944 3
//
// It subscribes to `gosig_subscribeJustifications` (a custom method, so through the provider:
// @polkadot/api has no description of it), prints the first <count> justifications, then who
// packed the last of their blocks as `api.derive.chain` shows it and as the Gosig digest names
// it. Each result is one JSON line `{"check": …, …}`; any failure exits with status 1.
'use strict';

const { Keyring } = require('@polkadot/keyring');
const { blockAuthor } = require('./author.cjs');
const { report, run, connect } = require('./lib.cjs');

const SS58_FORMAT = 7272;

async function main() {
	const [url, countArg] = process.argv.slice(2);
	const count = Number(countArg || 3);
	if (!url || !(count > 0)) throw new Error('usage: gosig.cjs <ws-url> <count>');
	const { api, provider, close } = await connect(url);

	const received = [];
	let subscription;
	await new Promise((resolve, reject) => {
		provider
			.subscribe('gosig_justifications', 'gosig_subscribeJustifications', [], (error, item) => {
				if (error) return reject(error);
				received.push(item);
				report('justification', item);
				if (received.length === count) resolve();
			})
			.then((id) => {
				subscription = id;
			}, reject);
	});
	await provider.unsubscribe('gosig_justifications', 'gosig_unsubscribeJustifications', subscription);
	const keyring = new Keyring({ type: 'sr25519', ss58Format: SS58_FORMAT });
	const last = received[received.length - 1];
	report('author', await blockAuthor(api, keyring, SS58_FORMAT, last.blockHash));
	await close();
}

run('gosig.cjs', 120, main);

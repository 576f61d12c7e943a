// What the tests' JavaScript clients share: a result as one JSON line `{"check": …}` for the
// Rust test to assert; the run of a script's `main` with a watchdog, so that a client that hangs
// fails its test instead of holding it until nextest's time limit; and an @polkadot/api
// connection that never reconnects.
'use strict';

/// Print one result for the Rust test.
function report(check, fields) {
	process.stdout.write(JSON.stringify({ check, ...fields }) + '\n');
}

/// Run `main` as the script `name`: exit 0 once it resolves, 1 with its error on stderr, 2 if it
/// has not finished within `seconds`.
function run(name, seconds, main) {
	setTimeout(() => {
		process.stderr.write(`${name}: no result within ${seconds} s\n`);
		process.exit(2);
	}, seconds * 1_000).unref();
	main().then(
		() => process.exit(0),
		(e) => {
			process.stderr.write(`${name}: ${e && e.stack ? e.stack : e}\n`);
			process.exit(1);
		},
	);
}

/// An `ApiPromise` on `url` without automatic reconnection (a node that goes away fails the
/// test instead of hanging it), and a timer that keeps Node.js alive between the calls whatever
/// the socket does (a client that ends without a result is a failure, not a success with
/// nothing to check) until `close()`.
async function connect(url) {
	const { ApiPromise, WsProvider } = require('@polkadot/api');
	const { cryptoWaitReady } = require('@polkadot/util-crypto');
	await cryptoWaitReady();
	const provider = new WsProvider(url, false);
	await provider.connect();
	const api = await ApiPromise.create({ provider, noInitWarn: true, throwOnConnect: true });
	const keepAlive = setInterval(() => {}, 1_000);
	const close = async () => {
		await api.disconnect();
		clearInterval(keepAlive);
	};
	return { api, provider, close };
}

module.exports = { report, run, connect };

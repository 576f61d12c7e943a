// A wallet's view of a Spacebook node through @polkadot/api, the JavaScript client that
// polkadot.js apps and most explorers are built on. Run by tests/tests/dev_chain.rs:
//
//   NODE_PATH=$HOME/.cache/spacebook/js/node_modules node tests/js/client.cjs ws://127.0.0.1:9944
//
// It decodes the chain's metadata, calls the custom runtime API `TokenApi` through the metadata's
// runtime-API descriptions, asks for an account's next nonce by its address in the chain's own
// SS58 format (7272), signs a transfer from Alice that it follows until it is finalized, and
// reads who packed that block as explorers do.
// Each result is printed as one JSON line `{"check": …, …}` for the Rust test to assert; any
// failure exits with status 1 and a message on stderr.
'use strict';

const { Keyring } = require('@polkadot/keyring');
const { blockAuthor } = require('./author.cjs');
const { report, run, connect } = require('./lib.cjs');

const SS58_FORMAT = 7272;
const TIMEOUT_MS = 120_000;

async function main() {
	const url = process.argv[2];
	if (!url) throw new Error('usage: client.cjs <ws-url>');
	const { api, close } = await connect(url);

	// The metadata decodes, with the chain's own pallets and the chain's properties.
	const props = api.registry.getChainProperties();
	report('metadata', {
		version: api.runtimeMetadata.version,
		pallets: api.runtimeMetadata.asLatest.pallets.map((p) => p.name.toString()),
		ss58Format: api.registry.chainSS58,
		tokenSymbol: props.tokenSymbol.unwrap()[0].toString(),
		tokenDecimals: props.tokenDecimals.unwrap()[0].toNumber(),
		hasFundTraffic: typeof api.tx.traffic?.fundTraffic === 'function',
		hasLease: typeof api.tx.pricing?.lease === 'function',
		specName: api.runtimeVersion.specName.toString(),
	});

	// A custom runtime API, described by the runtime's own metadata (v15).
	if (!api.call.tokenApi) throw new Error('the metadata describes no TokenApi runtime API');
	const period = await api.call.tokenApi.currentPeriod();
	report('runtime_api', { currentPeriod: period.toNumber() });

	// Keys and addresses in the chain's format.
	const keyring = new Keyring({ type: 'sr25519', ss58Format: SS58_FORMAT });
	const alice = keyring.addFromUri('//Alice');
	const recipient = keyring.addFromUri('//Spacebook-js-recipient');
	const nonce = await api.rpc.system.accountNextIndex(alice.address);
	report('next_index', { address: alice.address, nonce: nonce.toNumber() });

	// A signed transfer, followed until the block that carries it is finalized.
	const amount = 7n * 10n ** 12n; // 7 SPB
	const finalized = await new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error('the transfer was not finalized in time')), TIMEOUT_MS);
		api.tx.balances
			.transferKeepAlive(recipient.address, amount)
			.signAndSend(alice, { nonce }, ({ status, events, dispatchError }) => {
				if (dispatchError) {
					clearTimeout(timer);
					reject(new Error(`the transfer failed: ${dispatchError.toString()}`));
				} else if (status.isFinalized) {
					clearTimeout(timer);
					const names = events.map(({ event }) => `${event.section}.${event.method}`);
					resolve({ block: status.asFinalized.toHex(), events: names });
				} else if (status.isDropped || status.isInvalid || status.isUsurped) {
					clearTimeout(timer);
					reject(new Error(`the transfer was ${status.type}`));
				}
			})
			.catch((e) => {
				clearTimeout(timer);
				reject(e);
			});
	});
	const account = await api.query.system.account(recipient.address);
	report('transfer', {
		block: finalized.block,
		events: finalized.events,
		recipient: recipient.address,
		recipientPublicKey: '0x' + Buffer.from(recipient.publicKey).toString('hex'),
		recipientFree: account.data.free.toString(),
		amount: amount.toString(),
	});
	// Who packed the block, as explorers show it and as the Gosig digest names it.
	report('author', await blockAuthor(api, keyring, SS58_FORMAT, finalized.block));
	await close();
}

run('client.cjs', 180, main);

// The Spacebook network dashboard: connects to a node over WebSocket with @polkadot/api (which
// reads the chain's metadata, runtime APIs included, so no type bundle is needed) and shows one
// panel per part of the chain the runtime has (docs/dashboard.md).
import { ApiPromise, WsProvider } from '@polkadot/api';
import { PANELS } from './panels.js';
import './style.css';

/// The node to talk to: the node that serves this page (its config.json, written by
/// `spacebook-node --dashboard`), else a local node's default port. `?rpc=ws://…` picks another
/// node under `npm run dev` only: on a served page, a link could otherwise show another
/// chain's figures under this node's address.
async function nodeUrl() {
	const param = import.meta.env.DEV ? new URLSearchParams(location.search).get('rpc') : null;
	if (param) return param;
	try {
		const response = await fetch('./config.json', { cache: 'no-store' });
		if (response.ok) {
			const config = await response.json();
			if (config.rpcPort) {
				const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
				return `${scheme}://${location.hostname}:${config.rpcPort}`;
			}
		}
	} catch {
		// Served without a config (npm run dev): the default below.
	}
	return 'ws://127.0.0.1:9944';
}

async function main() {
	const status = document.getElementById('connection');
	const url = await nodeUrl();
	status.textContent = `connecting to ${url}…`;
	const provider = new WsProvider(url);
	const api = await ApiPromise.create({ provider, noInitWarn: true });
	const chain = await api.rpc.system.chain();
	const version = api.runtimeVersion;
	status.textContent = `${chain} · ${version.specName} v${version.specVersion} · ${url}`;
	status.dataset.state = 'connected';
	const methods = (await api.rpc.rpc.methods()).methods.map((m) => m.toString());
	const context = { api, provider, methods };
	const root = document.getElementById('panels');
	for (const panel of PANELS) {
		if (!panel.available(context)) continue;
		const section = document.createElement('section');
		section.id = `panel-${panel.id}`;
		section.dataset.panel = panel.id;
		const title = document.createElement('h2');
		title.textContent = panel.title;
		section.append(title);
		root.append(section);
		panel.start(context, section).catch((e) => {
			const error = document.createElement('p');
			error.className = 'error';
			error.textContent = `${panel.title}: ${e.message || e}`;
			section.append(error);
		});
	}
	document.body.dataset.ready = 'true';
}

main().catch((e) => {
	const status = document.getElementById('connection');
	status.textContent = `cannot reach the node: ${e.message || e}`;
	status.dataset.state = 'failed';
});

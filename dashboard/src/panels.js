// The dashboard's panels. Each says whether the connected chain has what it shows (its pallet,
// runtime API or RPC method), and fills its section, live where the chain changes.
import { Chart, registerables } from 'chart.js';

Chart.register(...registerables);

const SPB = 10n ** 12n;

/// `plancks` as SPB with at most four decimals.
export function spb(plancks) {
	const value = BigInt(plancks.toString());
	const whole = value / SPB;
	const fraction = ((value % SPB) * 10000n) / SPB;
	return fraction === 0n
		? `${whole} SPB`
		: `${whole}.${fraction.toString().padStart(4, '0').replace(/0+$/, '')} SPB`;
}

/// `plancks` as a number of SPB for a chart (four decimals kept).
function spbNumber(plancks) {
	return Number(BigInt(plancks.toString()) / 10n ** 8n) / 10000;
}

/// Run `refresh` now, then every `ms`: a failed refresh keeps the figures shown and tries again.
async function refreshEvery(ms, refresh) {
	await refresh();
	setInterval(() => refresh().catch(() => {}), ms);
}

function short(text) {
	const s = text.toString();
	return s.length > 16 ? `${s.slice(0, 8)}…${s.slice(-6)}` : s;
}

/// An element with attributes (`data-test` among them) and children.
function el(tag, attributes = {}, ...children) {
	const node = document.createElement(tag);
	for (const [key, value] of Object.entries(attributes)) {
		if (key === 'dataTest') node.dataset.test = value;
		else node.setAttribute(key, value);
	}
	node.append(...children.map((c) => (c instanceof Node ? c : document.createTextNode(String(c)))));
	return node;
}

/// A `<dl>` of figures, each `[label, testId]`; returns the `<dd>`s by test id.
function figures(section, entries) {
	const list = el('dl', { class: 'figures' });
	const cells = {};
	for (const [label, testId] of entries) {
		cells[testId] = el('dd', { dataTest: testId }, '…');
		list.append(el('dt', {}, label), cells[testId]);
	}
	section.append(list);
	return cells;
}

function table(headers) {
	const body = el('tbody');
	const t = el('table', {}, el('thead', {}, el('tr', {}, ...headers.map((h) => el('th', {}, h)))), body);
	return [t, body];
}

function lineChart(canvas, label) {
	return new Chart(canvas, {
		type: 'line',
		data: { labels: [], datasets: [{ label, data: [], borderColor: '#2563eb', tension: 0.2 }] },
		options: { animation: false, responsive: true, maintainAspectRatio: false, scales: { y: { beginAtZero: true } } },
	});
}

/// Best and finalized blocks and the finality lag between them, charted over the last minutes.
const finality = {
	id: 'finality',
	title: 'Blocks and finality',
	available: () => true,
	async start({ api }, section) {
		const cells = figures(section, [
			['best block', 'best'],
			['finalized block', 'finalized'],
			['finality lag (blocks)', 'lag'],
		]);
		const canvas = el('canvas');
		section.append(el('div', { class: 'chart' }, canvas));
		const chart = lineChart(canvas, 'best − finalized');
		let best = 0;
		let finalized = 0;
		const update = () => {
			cells.best.textContent = best;
			cells.finalized.textContent = finalized;
			cells.lag.textContent = Math.max(0, best - finalized);
			// Charted once both heads are known: no false lag while the second subscription starts.
			if (!best || !finalized) return;
			chart.data.labels.push(new Date().toLocaleTimeString());
			chart.data.datasets[0].data.push(Math.max(0, best - finalized));
			if (chart.data.labels.length > 120) {
				chart.data.labels.shift();
				chart.data.datasets[0].data.shift();
			}
			chart.update();
		};
		await api.rpc.chain.subscribeNewHeads((header) => {
			best = header.number.toNumber();
			update();
		});
		await api.rpc.chain.subscribeFinalizedHeads((header) => {
			finalized = header.number.toNumber();
			update();
		});
	},
};

/// Gosig: the rounds as the node sees them, and each finalized block's justification.
const gosig = {
	id: 'gosig',
	title: 'Gosig rounds',
	available: ({ methods }) => methods.includes('gosig_roundState'),
	async start({ provider }, section) {
		const cells = figures(section, [
			['round', 'gosig-round'],
			['authority set', 'gosig-set'],
			['billing peers / quorum', 'gosig-authorities'],
			['justifications seen', 'justification-count'],
		]);
		const [rounds, roundRows] = table(['round', 'proposers', 'prepares', 'tentative commits', 'committed']);
		const [justified, justifiedRows] = table(['block', 'round', 'set', 'signers']);
		section.append(el('h3', {}, 'open rounds'), rounds, el('h3', {}, 'latest justifications'), justified);
		const poll = async () => {
			const state = await provider.send('gosig_roundState', []);
			cells['gosig-round'].textContent = state.round;
			cells['gosig-set'].textContent = state.setId;
			cells['gosig-authorities'].textContent = `${state.authorities.length} / ${state.quorum}`;
			roundRows.replaceChildren(
				...state.rounds.map((r) =>
					el(
						'tr',
						{ dataTest: 'gosig-round-row' },
						el('td', {}, r.round),
						el('td', {}, r.proposers.join(', ') || '—'),
						el('td', {}, r.prepares.length),
						el('td', {}, r.tentativeCommits.length),
						el('td', {}, r.committed ? short(r.committed) : '—'),
					),
				),
			);
		};
		await refreshEvery(1000, poll);
		let count = 0;
		await provider.subscribe('gosig_justifications', 'gosig_subscribeJustifications', [], (error, j) => {
			if (error || !j) return;
			count += 1;
			cells['justification-count'].textContent = count;
			justifiedRows.prepend(
				el(
					'tr',
					{ dataTest: 'justification-row' },
					el('td', {}, `#${j.blockNumber}`),
					el('td', {}, j.round),
					el('td', {}, j.setId),
					el('td', {}, j.signers.join(', ')),
				),
			);
			while (justifiedRows.children.length > 8) justifiedRows.lastChild.remove();
		});
		cells['justification-count'].textContent = count;
	},
};

/// The billing peers of the era, their owners, and the backups.
const billing = {
	id: 'billing',
	title: 'Billing peers',
	available: ({ api }) => Boolean(api.call.billingElectionsApi),
	async start({ api }, section) {
		const cells = figures(section, [
			['era', 'era'],
			['next election at block', 'next-election'],
			['billing peers', 'billing-count'],
		]);
		const [peers, peerRows] = table(['#', 'Gosig key', 'account']);
		const [backups, backupRows] = table(['backup', 'backing']);
		section.append(peers, el('h3', {}, 'backups'), backups);
		const refresh = async () => {
			const view = (await api.call.billingElectionsApi.election()).toJSON();
			cells.era.textContent = view.era;
			cells['next-election'].textContent = view.nextElectionAt;
			cells['billing-count'].textContent = view.billingPeers.length;
			peerRows.replaceChildren(
				...view.billingPeers.map(([key, owner], i) =>
					el('tr', { dataTest: 'billing-peer' }, el('td', {}, i), el('td', {}, short(key)), el('td', {}, owner ?? '(genesis key)')),
				),
			);
			backupRows.replaceChildren(
				...view.backups.map(([who, backing]) => el('tr', {}, el('td', {}, who), el('td', {}, spb(backing)))),
			);
		};
		await refreshEvery(6000, refresh);
	},
};

/// The Proof-of-Traffic leaderboard of the last settled periods, with a peer's reward explained.
const traffic = {
	id: 'traffic',
	title: 'Proof-of-Traffic leaderboard',
	available: ({ api }) => Boolean(api.query.traffic && api.call.trafficApi),
	async start({ api }, section) {
		const cells = figures(section, [['last settled period', 'last-settled']]);
		const boards = el('div');
		const canvas = el('canvas');
		const chart = new Chart(canvas, {
			type: 'bar',
			data: { labels: [], datasets: [{ label: 'reward (SPB)', data: [], backgroundColor: '#16a34a' }] },
			options: { animation: false, responsive: true, maintainAspectRatio: false },
		});
		const explainWho = el('input', { placeholder: 'peer address', dataTest: 'explain-who', size: 50 });
		const explainPeriod = el('input', { placeholder: 'period', dataTest: 'explain-period', size: 8 });
		const explainButton = el('button', { dataTest: 'explain-button' }, 'explain');
		const explanation = el('dl', { class: 'figures', dataTest: 'explanation' });
		section.append(
			boards,
			el('div', { class: 'chart' }, canvas),
			el('h3', {}, "a peer's reward explained"),
			el('div', {}, explainWho, explainPeriod, explainButton),
			explanation,
		);
		const explain = async (who, period) => {
			const result = await api.call.trafficApi.explainReward(who, period);
			explanation.replaceChildren();
			if (result.isNone) {
				explanation.append(el('dt', {}, 'no report'), el('dd', {}, `${who} has no report in period ${period}`));
				return;
			}
			const fields = result.unwrap().toJSON();
			for (const [key, value] of Object.entries(fields)) {
				const money = ['reward', 'emission', 'fees'].includes(key);
				const shown = money ? spb(value) : typeof value === 'object' ? JSON.stringify(value) : value;
				explanation.append(el('dt', {}, key), el('dd', { dataTest: `explain-${key}` }, shown));
			}
		};
		explainButton.addEventListener('click', () => {
			explain(explainWho.value.trim(), Number(explainPeriod.value)).catch((e) => {
				explanation.replaceChildren(el('dt', {}, 'error'), el('dd', {}, e.message || e));
			});
		});
		const refresh = async () => {
			const next = (await api.query.traffic.nextToSettle()).toNumber();
			const periods = [];
			for (let p = next - 1; p >= 0 && periods.length < 3; p -= 1) {
				if ((await api.query.traffic.settled(p)).isSome) periods.push(p);
				if (next - p > 12) break;
			}
			cells['last-settled'].textContent = periods.length ? periods[0] : 'none yet';
			boards.replaceChildren();
			for (const [i, period] of periods.entries()) {
				const ranking = (await api.query.traffic.ranking(period)).toJSON();
				// Ranked worst first on chain: best first here.
				const rows = [];
				for (const [traffic_, peer] of [...ranking].reverse()) {
					const e = await api.call.trafficApi.explainReward(peer, period);
					const fields = e.isSome ? e.unwrap().toJSON() : {};
					rows.push({ peer, traffic: traffic_, rank: fields.rank, reward: fields.reward ?? 0 });
				}
				const [board, body] = table(['rank', 'peer', 'traffic (bytes)', 'reward']);
				body.append(
					...rows.map((r) =>
						el(
							'tr',
							{ dataTest: 'leaderboard-row', 'data-period': period, 'data-peer': r.peer },
							el('td', {}, r.rank ?? '—'),
							el('td', {}, r.peer),
							el('td', {}, BigInt(r.traffic).toLocaleString()),
							el('td', { dataTest: 'leaderboard-reward' }, spb(r.reward)),
						),
					),
				);
				boards.append(el('h3', { dataTest: 'leaderboard-period' }, `period ${period}`), board);
				if (i === 0) {
					chart.data.labels = rows.map((r) => short(r.peer));
					chart.data.datasets[0].data = rows.map((r) => spbNumber(r.reward));
					chart.update();
					if (rows.length && !explainWho.value) {
						explainWho.value = rows[0].peer;
						explainPeriod.value = period;
						await explain(rows[0].peer, period);
					}
				}
			}
		};
		await refreshEvery(15000, refresh);
	},
};

/// The nominal prices in force and their history over the pricing cycles.
const pricing = {
	id: 'pricing',
	title: 'Nominal prices',
	available: ({ api }) => Boolean(api.call.pricingApi),
	async start({ api }, section) {
		const cells = figures(section, [
			['cycle', 'price-cycle'],
			['traffic, per GiB', 'price-traffic'],
			['instance, per period', 'price-instance'],
			['storage, per GB-month', 'price-storage'],
		]);
		const canvas = el('canvas');
		section.append(el('div', { class: 'chart' }, canvas));
		const chart = lineChart(canvas, 'traffic price per GiB (SPB)');
		const prices = (await api.call.pricingApi.prices()).toJSON();
		cells['price-cycle'].textContent = prices.cycle;
		cells['price-traffic'].textContent = spb(prices.current.trafficGib);
		cells['price-instance'].textContent = spb(prices.current.instance);
		cells['price-storage'].textContent = spb(prices.current.storageGbMonth);
		const cycles = (await api.call.pricingApi.cycles()).toJSON();
		chart.data.labels = cycles.map((c) => `cycle ${c.cycle}`).concat(['now']);
		chart.data.datasets[0].data = cycles
			.map((c) => c.prices.trafficGib)
			.concat([prices.current.trafficGib])
			.map(spbNumber);
		chart.update();
	},
};

/// The governance committee, its term and its election.
const committee = {
	id: 'committee',
	title: 'Governance committee',
	available: ({ api }) => Boolean(api.call.committeeApi),
	async start({ api }, section) {
		const cells = figures(section, [
			['members / seats', 'committee-members'],
			['election round', 'committee-round'],
			['election phase', 'committee-phase'],
			['motions carry with (general / major)', 'committee-thresholds'],
		]);
		const list = el('ul', { dataTest: 'committee-list' });
		section.append(list);
		const refresh = async () => {
			const view = (await api.call.committeeApi.committee()).toJSON();
			cells['committee-members'].textContent = `${view.members.length} / ${view.seats[0]}`;
			cells['committee-round'].textContent = view.round;
			cells['committee-phase'].textContent = view.phase ? Object.keys(view.phase)[0] : 'between elections';
			cells['committee-thresholds'].textContent = `${view.thresholds[0]} / ${view.thresholds[1]}`;
			list.replaceChildren(...view.members.map((m) => el('li', {}, m)));
			if (!view.members.length && view.foundation) {
				list.append(el('li', {}, `the foundation governs until the first committee: ${view.foundation}`));
			}
		};
		await refreshEvery(6000, refresh);
	},
};

export const PANELS = [finality, gosig, traffic, billing, pricing, committee];

// The network dashboard in a real browser: Debian's Chromium, headless, driven by
// playwright-core (no browser download). Run by tests/tests/proof_of_traffic.rs:
//
//   NODE_PATH=$HOME/.cache/spacebook/js/node_modules node tests/js/dashboard.cjs \
//     http://127.0.0.1:8000/ /path/to/dashboard.png
//
// It opens the page the node serves (`--dashboard`), waits until every panel shows the chain's
// figures (a finalized block, a justification, the leaderboard of a settled period and a
// reward explained), prints what each panel shows as JSON lines `{"check": …}` for the Rust
// test to compare with the chain, and saves a screenshot of the whole page.
'use strict';

const { chromium } = require('playwright-core');
const { report, run } = require('./lib.cjs');

const TIMEOUT_MS = 90_000;

async function main() {
	const [url, screenshot] = process.argv.slice(2);
	if (!url || !screenshot) throw new Error('usage: dashboard.cjs <page-url> <screenshot.png>');
	const browser = await chromium.launch({
		executablePath: process.env.SPACEBOOK_CHROMIUM || '/usr/bin/chromium',
		// This machine's network is closed: no background connections, no sandbox as root.
		args: [
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
		],
	});
	try {
		const page = await browser.newPage({ viewport: { width: 1500, height: 1100 } });
		const errors = [];
		page.on('pageerror', (e) => errors.push(e.message));
		await page.goto(url, { timeout: TIMEOUT_MS });
		await page.waitForSelector('body[data-ready=true]', { timeout: TIMEOUT_MS });
		const number = (test) =>
			page.waitForFunction(
				(t) => {
					const cell = document.querySelector(`[data-test="${t}"]`);
					return cell && /^[0-9]+/.test(cell.textContent) && Number.parseInt(cell.textContent, 10) > 0;
				},
				test,
				{ timeout: TIMEOUT_MS },
			);
		await number('finalized');
		await number('justification-count');
		await page.waitForSelector('[data-test=leaderboard-row]', { timeout: TIMEOUT_MS });
		await page.waitForSelector('[data-test=explain-reward]', { timeout: TIMEOUT_MS });
		await page.waitForFunction(
			() => !document.querySelector('[data-test=price-traffic]').textContent.includes('…'),
			null,
			{ timeout: TIMEOUT_MS },
		);
		const shown = await page.evaluate(() => {
			const text = (t) => document.querySelector(`[data-test="${t}"]`)?.textContent ?? null;
			return {
				connection: document.querySelector('[data-test=connection]').dataset.state,
				panels: [...document.querySelectorAll('section[data-panel]')].map((s) => s.dataset.panel),
				best: Number(text('best')),
				finalized: Number(text('finalized')),
				gosigSet: Number(text('gosig-set')),
				gosigAuthorities: text('gosig-authorities'),
				justifications: Number(text('justification-count')),
				lastSettled: Number(text('last-settled')),
				leaderboard: [...document.querySelectorAll('[data-test=leaderboard-row]')].map((row) => ({
					period: Number(row.dataset.period),
					peer: row.dataset.peer,
					reward: row.querySelector('[data-test=leaderboard-reward]').textContent,
				})),
				explainedPeer: document.querySelector('[data-test=explain-who]').value,
				explainedReward: text('explain-reward'),
				billingPeers: Number(text('billing-count')),
				priceTraffic: text('price-traffic'),
				committee: text('committee-members'),
				errors: [...document.querySelectorAll('.error')].map((e) => e.textContent),
			};
		});
		report('dashboard', { ...shown, pageErrors: errors });
		await page.screenshot({ path: screenshot, fullPage: true });
		report('screenshot', { path: screenshot });
	} finally {
		await browser.close();
	}
}

run('dashboard.cjs', 150, main);

// What happens while a market page loads, after the server rendered it and before its live
// streams start, is on the page once they have: a stream's updates carry only what comes after it
// started, so each stream re-reads what it builds on then.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	expectText,
	holdAppScripts,
	launchBrowser,
	signIn,
	waitUntilLive
} from './fixtures/browser';
import { httpClient, sessionCookie, type HttpClient } from './fixtures/session';

const RUN = Date.now().toString(36);
const DAY_MS = 24 * 60 * 60 * 1000;

let browser: Browser;
let admin: HttpClient;
let maker: HttpClient;
let taker: HttpClient;
let market: { id: string; slug: string; yes: string };

beforeAll(async () => {
	browser = await launchBrowser();
	const [adminCookie, makerCookie, takerCookie] = await Promise.all(
		['admin@betwise.dev', 'maker@betwise.dev', 'taker@betwise.dev'].map((email) =>
			sessionCookie(email)
		)
	);
	admin = httpClient(adminCookie!);
	maker = httpClient(makerCookie!);
	taker = httpClient(takerCookie!);
	const created = await admin.markets.create.mutate({
		title: `Will the page catch up after loading? (${RUN})`,
		description: 'Made by the live start spec.',
		category: 'Testing',
		closesAt: new Date(Date.now() + 30 * DAY_MS),
		options: ['Yes', 'No'],
		reason: 'Made for the live start spec'
	});
	market = { id: created.id, slug: created.slug, yes: created.options[0]!.id };
});

afterAll(async () => {
	// Nothing of the spec's stays open or holds the seeded traders' cash.
	if (market) await admin.markets.void.mutate({ marketId: market.id, reason: 'The spec is done' });
	await browser?.close();
});

describe('a market page whose streams start after a trade', () => {
	it('shows the trade, the filled order and the position once its streams have started', async () => {
		const { order: resting } = await maker.orders.place.mutate({
			marketId: market.id,
			optionId: market.yes,
			side: 'BUY',
			type: 'LIMIT',
			priceCents: 41,
			quantity: 3,
			postOnly: false
		});
		const { context, page } = await signIn(browser, 'maker@betwise.dev');
		try {
			// Rendered by the server with the order resting and no trade yet; the scripts that
			// would start the streams are held back.
			const scripts = await holdAppScripts(page);
			await page.goto(`/markets/${market.slug}`, { waitUntil: 'commit' });
			const mine = page.getByTestId('my-market-activity');
			await mine.getByTestId('open-order').waitFor();
			await expectText(page.locator('main'), 'No trades yet.');

			const { fills } = await taker.orders.place.mutate({
				marketId: market.id,
				optionId: market.yes,
				side: 'SELL',
				type: 'LIMIT',
				priceCents: 41,
				quantity: 3,
				postOnly: false
			});
			expect(fills).toHaveLength(1);

			expect(await scripts.release()).toBeGreaterThan(0);
			await waitUntilLive(page);
			await expectText(page.getByTestId('recent-trades'), /41¢[\s\S]*3/);
			await mine.getByTestId('no-open-orders').waitFor();
			expect(await page.locator(`[data-order-id="${resting.id}"]`).count()).toBe(0);
			await expectText(mine, /3 long/);
		} finally {
			await context.close();
		}
	});
});

// Finding a market: search and status filter on the list, and how the list and pages read on a
// phone.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	launchBrowser,
	PHONE,
	screenshot,
	signIn,
	waitUntilLive,
	type SignedIn
} from './fixtures/browser';
import { openMarket } from './fixtures/trading';

let browser: Browser;

/** What sticks out past the right edge of the screen: nothing, when the page fits. */
function widerThanScreen(page: Page): Promise<string[]> {
	return page.evaluate(() => {
		const width = document.documentElement.clientWidth;
		if (document.documentElement.scrollWidth <= width) return [];
		const found = [`the page is ${document.documentElement.scrollWidth} px wide`];
		for (const element of document.querySelectorAll('body *')) {
			// Wide tables and the option tabs scroll inside their own box, by design.
			if (element.closest('.table-scroll, .options')) continue;
			const box = element.getBoundingClientRect();
			if (box.width > 0 && box.right > width + 1) {
				found.push(
					`${element.tagName.toLowerCase()}.${[...element.classList].join('.')} → ${Math.round(box.right)} px`
				);
			}
		}
		return found.slice(0, 10);
	});
}
let trader: SignedIn;

beforeAll(async () => {
	browser = await launchBrowser();
	trader = await signIn(browser, 'bob@betwise.dev', PHONE);
});

afterAll(async () => {
	await browser?.close();
});

describe('the markets list', () => {
	it('finds markets by words and by status', async () => {
		const { page } = trader;
		await page.goto('/');
		await waitUntilLive(page);
		const cards = page.getByTestId('market-card');
		expect(await cards.count()).toBe(6);
		await screenshot(page, 'markets-375');

		await page.getByRole('searchbox', { name: 'Search markets' }).fill('bitcoin');
		await page.getByRole('button', { name: 'Search' }).click();
		await page.waitForURL(/q=bitcoin/);
		await cards.filter({ hasText: 'Bitcoin' }).waitFor();
		expect(await cards.count()).toBe(1);

		await page.getByRole('searchbox', { name: 'Search markets' }).fill('');
		await page.getByLabel('Status').selectOption('HALTED');
		await page.waitForURL(/status=HALTED/);
		await cards.filter({ hasText: 'Starship' }).waitFor();
		expect(await cards.count()).toBe(1);
	});

	it('shows a market page and the portfolio usably at 375 px', async () => {
		const { page } = trader;
		await openMarket(page, 'fed-rate-december-2026');
		await screenshot(page, 'market-375');
		expect(await widerThanScreen(page)).toEqual([]);
		await page.goto('/portfolio');
		await page.getByTestId('balance').waitFor();
		await screenshot(page, 'portfolio-375');
		expect(await widerThanScreen(page)).toEqual([]);
	});
});

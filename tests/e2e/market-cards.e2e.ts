// The market list's cards say when trading ends, or ended, in the words of the market page:
// "Closes" only while the closing time is ahead, "Closed" once the market has closed.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseURL, launchBrowser, screenshot } from './fixtures/browser';

const DAY = String.raw`[A-Z][a-z]{2} \d{1,2}, \d{4}`;

let browser: Browser;

beforeAll(async () => {
	browser = await launchBrowser();
});

afterAll(async () => {
	await browser?.close();
});

describe('a market card', () => {
	it('says "Closed" for a closed or resolved market and "Closes" for one still ahead', async () => {
		const context = await browser.newContext({ baseURL });
		const page = await context.newPage();
		await page.goto('/');
		const closingOf = async (slug: string) =>
			(
				await page
					.locator(`[data-testid="market-card"][data-slug="${slug}"]`)
					.getByTestId('market-closing')
					.innerText()
			).trim();

		// As seeded: closed two days ago, resolved months ago, open and halted with weeks to go.
		expect(await closingOf('box-office-holiday-2026')).toMatch(new RegExp(`^Closed ${DAY}$`));
		expect(await closingOf('world-cup-2026-winner')).toMatch(new RegExp(`^Closed ${DAY}$`));
		expect(await closingOf('fed-rate-december-2026')).toMatch(new RegExp(`^Closes ${DAY}$`));
		expect(await closingOf('launch-starship-orbit-q1-2027')).toMatch(new RegExp(`^Closes ${DAY}$`));
		await screenshot(page, 'market-cards-1280');
		await context.close();
	});

	it('says "Closes" or "Closed" as the market page does', async () => {
		const context = await browser.newContext({ baseURL });
		const page = await context.newPage();
		const wordOn = async (path: string, closing: string) => {
			await page.goto(path);
			return (await page.locator(closing).getByTestId('market-closing').innerText()).trim();
		};
		for (const slug of [
			'box-office-holiday-2026',
			'world-cup-2026-winner',
			'fed-rate-december-2026',
			'launch-starship-orbit-q1-2027'
		]) {
			const card = await wordOn('/', `[data-testid="market-card"][data-slug="${slug}"]`);
			const marketPage = await wordOn(`/markets/${slug}`, '.market-head');
			expect(marketPage.split(' ')[0], slug).toBe(card.split(' ')[0]);
		}
		await context.close();
	});
});

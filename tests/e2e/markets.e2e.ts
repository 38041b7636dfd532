// Finding a market: search and status filter on the list, and how the list and pages read on a
// phone.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	baseURL,
	expectText,
	holdAppScripts,
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
/** What keeps the header from one whole line: nothing, when brand, links and sign-in/out fit. */
function headerProblems(page: Page): Promise<string[]> {
	return page.evaluate(() => {
		const problems: string[] = [];
		const middles = [...document.querySelectorAll('header nav > *')]
			.map((element) => element.getBoundingClientRect())
			.filter((box) => box.width > 0)
			.map((box) => Math.round(box.top + box.height / 2));
		if (Math.max(...middles) - Math.min(...middles) > 12) problems.push('items on two lines');
		const links = document.querySelector('header nav .links');
		if (links && links.scrollWidth > links.clientWidth + 1) problems.push('links cut off');
		const signInOrOut = document.querySelector('header nav form button, header nav a.button');
		const box = signInOrOut?.getBoundingClientRect();
		if (!box || box.right > document.documentElement.clientWidth)
			problems.push('no whole sign in/out');
		return problems;
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
		// The six seeded markets; other specs may add markets of their own, on the same server.
		for (const title of [
			'Fed decide',
			'FIFA World Cup',
			'Springfield',
			'Bitcoin',
			'Starship',
			'box office'
		]) {
			await cards.filter({ hasText: title }).waitFor();
		}
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

	it('keeps words typed into the search before the scripts load, and follows Back', async () => {
		const context = await browser.newContext({ baseURL });
		const page = await context.newPage();
		const scripts = await holdAppScripts(page);
		await page.goto('/', { waitUntil: 'commit' });
		const box = page.getByRole('searchbox', { name: 'Search markets' });
		await box.fill('bitcoin');
		expect(await scripts.release()).toBeGreaterThan(0);
		await waitUntilLive(page);
		expect(await box.inputValue()).toBe('bitcoin');

		await page.getByRole('button', { name: 'Search' }).click();
		await page.waitForURL(/q=bitcoin/);
		expect(await page.getByTestId('market-card').count()).toBe(1);
		await page.goBack();
		await page.waitForURL((url) => !url.search.includes('q='));
		await page.getByTestId('market-card').nth(5).waitFor();
		expect(await box.inputValue()).toBe('');
		await context.close();
	});

	it('names the winner of a resolved market', async () => {
		const { page } = trader;
		await page.goto('/?status=RESOLVED');
		const card = page.locator('[data-testid="market-card"][data-slug="world-cup-2026-winner"]');
		await expectText(card.getByTestId('market-winner'), 'Spain ✓ won');
		await expectText(card.locator('[data-option="Spain"] [data-testid="option-price"]'), 'won');
	});

	it('keeps the header on one line at 375 px, signed in or not', async () => {
		const { page } = trader;
		await page.goto('/');
		await waitUntilLive(page);
		expect(await headerProblems(page)).toEqual([]);

		const visitor = await browser.newContext({ baseURL, viewport: PHONE });
		const visitorPage = await visitor.newPage();
		await visitorPage.goto('/');
		await waitUntilLive(visitorPage);
		expect(await headerProblems(visitorPage)).toEqual([]);
		await visitor.close();

		const staff = await signIn(browser, 'support@betwise.dev', PHONE);
		await staff.page.goto('/');
		await waitUntilLive(staff.page);
		expect(await headerProblems(staff.page)).toEqual([]);
		await screenshot(staff.page, 'header-staff-375');
		await staff.context.close();
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

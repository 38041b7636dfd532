// The portfolio's order and cash histories past their first page, read by Morgan Maker, whose
// seeded quotes make more than a page of each: "Show older", live updates on top of the pages
// read, and one cash line per journal that says what a fill cost.
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allOrderIds, apiOf, type Api } from './fixtures/api';
import {
	expectText,
	launchBrowser,
	PHONE,
	screenshot,
	signIn,
	waitUntilLive,
	type SignedIn
} from './fixtures/browser';

// The market no other spec trades "Bob Chen" in: the maker bids 43¢ and asks 45¢ there, and
// Theo Taker bought 15 shares of it from the maker's ask when the demo was seeded.
const MARKET = 'mayor-springfield-2027';
const OPTION = 'Bob Chen';
const PAGE = 30;

let browser: Browser;
let maker: SignedIn;
let page: Page;

let makerApi: Api;
let taker: SignedIn;
let takerApi: Api;

async function optionOf(api: Api) {
	const { items } = await api.markets.list.query({ limit: 100 });
	const market = items.find((candidate) => candidate.slug === MARKET)!;
	const option = market.options.find((candidate) => candidate.label === OPTION)!;
	return { marketId: market.id, optionId: option.id };
}

/** The trader's journals, newest first, as account.ledger pages them. */
async function allJournalIds(api: Api): Promise<string[]> {
	const ids = new Set<string>();
	let cursor: string | undefined;
	do {
		const page = await api.account.ledger.query({ limit: 100, cursor });
		for (const row of page.items) ids.add(row.journalId);
		cursor = page.nextCursor ?? undefined;
	} while (cursor);
	return [...ids];
}

/** Clicks "Show older" until it is gone, waiting each time for more rows to show. */
async function showAll(button: Locator, rows: Locator): Promise<void> {
	while ((await button.count()) > 0) {
		const shown = await rows.count();
		await button.click();
		await rows.nth(shown).waitFor();
	}
}

const orderNumbers = () => page.getByTestId('history-order-number');
const cashLines = () => page.getByTestId('cash-line');
const cashLineOf = (kind: string, orderId: string) =>
	page
		.locator(`[data-testid="cash-line"][data-kind="${kind}"]`)
		.filter({ hasText: new RegExp(`order ${orderId}\\b`) });
const journalsShown = () =>
	cashLines().evaluateAll((rows) => rows.map((row) => row.getAttribute('data-journal')));

/**
 * What cuts `locator`'s text short, or null when all of it shows: its own box (text running
 * past a cell's edge), a box around it that clips or scrolls, or the edge of the screen.
 */
function cutShort(locator: Locator): Promise<string | null> {
	return locator.evaluate((element) => {
		if (element.clientWidth > 0 && element.scrollWidth > element.clientWidth + 1)
			return `its text is ${element.scrollWidth} px wide in a box of ${element.clientWidth} px`;
		const box = element.getBoundingClientRect();
		for (let around = element.parentElement; around; around = around.parentElement) {
			if (getComputedStyle(around).overflowX === 'visible') continue;
			const clip = around.getBoundingClientRect();
			if (box.left < clip.left - 1 || box.right > clip.right + 1)
				return `it runs from ${Math.round(box.left)} to ${Math.round(box.right)} px, past a ${around.tagName.toLowerCase()}.${[...around.classList].join('.')} from ${Math.round(clip.left)} to ${Math.round(clip.right)} px`;
		}
		const screen = document.documentElement.clientWidth;
		return box.right > screen + 1 ? `it ends at ${Math.round(box.right)} px, off the screen` : null;
	});
}

beforeAll(async () => {
	browser = await launchBrowser();
	maker = await signIn(browser, 'maker@betwise.dev');
	page = maker.page;
	makerApi = await apiOf(maker.context);
	taker = await signIn(browser, 'taker@betwise.dev');
	takerApi = await apiOf(taker.context);
	await page.goto('/portfolio');
	await waitUntilLive(page);
});

afterAll(async () => {
	await browser?.close();
});

describe('order history', () => {
	it('shows older orders after "Show older", each once, and no button once all show', async () => {
		expect(await orderNumbers().count()).toBe(PAGE);
		await showAll(page.getByTestId('show-older-orders'), page.getByTestId('history-order'));

		const shown = (await orderNumbers().allInnerTexts()).map((text) =>
			text.replace('order', '').trim()
		);
		expect(shown.length).toBeGreaterThan(PAGE);
		expect(shown).toEqual(await allOrderIds(makerApi));
	});
});

describe('cash history', () => {
	it('shows a page of whole journals on load, each as one line', async () => {
		const journals = await allJournalIds(makerApi);
		expect(journals.length).toBeGreaterThan(PAGE);
		expect(await journalsShown()).toEqual(journals.slice(0, PAGE));
	});

	it('says so when an older page cannot be read, and reads it on the next try', async () => {
		const ledgerCalls = (url: URL) => url.pathname.includes('account.ledger');
		await page.route(ledgerCalls, (route) => route.abort('failed'));
		await page.getByTestId('show-older-cash').click();
		await expectText(page.getByRole('alert'), 'Could not load older rows: Could not reach BetWise');
		await page.unroute(ledgerCalls);

		const shown = await cashLines().count();
		await page.getByTestId('show-older-cash').click();
		await cashLines().nth(shown).waitFor();
		expect(await page.getByText('Could not load older rows').count()).toBe(0);
	});

	it('reads as one line per journal across page boundaries, holds changing the total by $0', async () => {
		await showAll(page.getByTestId('show-older-cash'), cashLines());
		expect(await journalsShown()).toEqual(await allJournalIds(makerApi));

		const holdTotals = await page
			.locator('[data-testid="cash-line"][data-kind="RESERVE"] [data-testid="cash-total"]')
			.allInnerTexts();
		expect(holdTotals.length).toBeGreaterThan(0);
		expect(new Set(holdTotals)).toEqual(new Set(['$0.00']));
	});
});

describe('a fill while older pages are shown', () => {
	it('adds the order and its cash lines on top and keeps the older ones, each once', async () => {
		const ordersBefore = await allOrderIds(makerApi);
		const journalsBefore = await journalsShown();
		const bobChen = await optionOf(makerApi);

		// Theo offers one share between the maker's quotes (43¢ bid, 45¢ ask) and the maker takes it.
		await takerApi.orders.place.mutate({ ...bobChen, side: 'SELL', priceCents: 44, quantity: 1 });
		const { order: buy } = await makerApi.orders.place.mutate({
			...bobChen,
			side: 'BUY',
			priceCents: 45,
			quantity: 1
		});
		expect(buy.status).toBe('FILLED');

		await expectText(orderNumbers().first(), new RegExp(`order ${buy.id}$`));
		await cashLineOf('TRADE', buy.id).waitFor();
		const journals = await journalsShown();
		expect(journals).toEqual(await allJournalIds(makerApi));
		expect(journals.slice(-journalsBefore.length)).toEqual(journalsBefore);

		const shown = (await orderNumbers().allInnerTexts()).map((text) =>
			text.replace('order', '').trim()
		);
		expect(shown).toEqual([buy.id, ...ordersBefore]);
		expect(await page.getByTestId('show-older-orders').count()).toBe(0);
		await screenshot(page, 'portfolio-all-pages-1280');
	});
});

describe('the cash lines of a buy', () => {
	it('show the hold as moving cash between accounts and the fill as what it cost', async () => {
		const { page: portfolio } = taker;
		await portfolio.goto('/portfolio');
		await waitUntilLive(portfolio);
		const bobChen = await optionOf(takerApi);

		// A limit of 46¢ holds 46¢; the maker's ask fills it at 45¢, returning the 1¢ left over.
		const { order: buy } = await takerApi.orders.place.mutate({
			...bobChen,
			side: 'BUY',
			priceCents: 46,
			quantity: 1
		});
		expect(buy.status).toBe('FILLED');

		const line = (kind: string) =>
			portfolio
				.locator(`[data-testid="cash-line"][data-kind="${kind}"]`)
				.filter({ hasText: new RegExp(`order ${buy.id}\\b`) });
		const amounts = async (kind: string) => {
			await line(kind).waitFor();
			const [available, reserved, total] = await Promise.all(
				['cash-available', 'cash-reserved', 'cash-total'].map((testid) =>
					line(kind)
						.getByTestId(testid)
						.innerText()
						.then((text) => text.trim())
				)
			);
			return { available, reserved, total };
		};
		expect(await amounts('RESERVE')).toEqual({
			available: '−$0.46',
			reserved: '+$0.46',
			total: '$0.00'
		});
		expect(await amounts('TRADE')).toEqual({
			available: '+$0.01',
			reserved: '−$0.46',
			total: '−$0.45'
		});
		await expectText(line('RESERVE'), 'Held for');
		await expectText(line('TRADE'), /Trade\s+order/);
	});
});

/**
 * Morgan bids 44¢ for 1,500 shares, between his own quotes, and Theo sells him one, so the bid
 * is part filled; `check` then looks at it on the laptop page and on a phone, and Morgan cancels
 * the rest afterwards, leaving the book as it was.
 */
async function withPartFilledBid(
	check: (bid: { id: string }, shown: Page, width: number) => Promise<void>
): Promise<void> {
	const bobChen = await optionOf(makerApi);
	const { order: bid } = await makerApi.orders.place.mutate({
		...bobChen,
		side: 'BUY',
		priceCents: 44,
		quantity: 1_500
	});
	const { order: sell } = await takerApi.orders.place.mutate({
		...bobChen,
		side: 'SELL',
		priceCents: 44,
		quantity: 1
	});
	expect(sell.status).toBe('FILLED');
	const phone = await signIn(browser, 'maker@betwise.dev', PHONE);
	try {
		await phone.page.goto('/portfolio');
		for (const [shown, width] of [
			[page, 1280],
			[phone.page, PHONE.width]
		] as const) {
			await check(bid, shown, width);
		}
	} finally {
		await phone.context.close();
		await makerApi.orders.cancel.mutate({ orderId: bid.id });
	}
}

describe('an order in the order history', () => {
	it('shows its number and status whole beside a long market title, on a laptop and a phone', async () => {
		await withPartFilledBid(async (bid, shown, width) => {
			const row = shown.getByTestId('history-order').filter({
				has: shown.getByTestId('history-order-number').getByText(`order ${bid.id}`, {
					exact: true
				})
			});
			const status = row.locator('td[data-label="Status"]');
			await expectText(status, 'Part filled');
			expect(await cutShort(status), `the status at ${width} px`).toBeNull();
			const number = row.getByTestId('history-order-number');
			expect((await number.innerText()).trim()).toBe(`order ${bid.id}`);
			expect(await cutShort(number), `the order number at ${width} px`).toBeNull();
			expect((await row.locator('td[data-label="Filled"]').innerText()).trim()).toBe('1 / 1,500');
			await screenshot(shown, `portfolio-order-history-${width}`);
		});
	});
});

describe('an open order', () => {
	it('shows its whole market title and "Part filled" status, on a laptop and a phone', async () => {
		const { marketId } = await optionOf(makerApi);
		const { items } = await makerApi.markets.list.query({ limit: 100 });
		const title = items.find((market) => market.id === marketId)!.title;
		await withPartFilledBid(async (bid, shown, width) => {
			const row = shown.locator(`[data-testid="open-order"][data-order-id="${bid.id}"]`);
			const status = row.getByTestId('open-order-status');
			await expectText(status, 'Part filled');
			expect(await cutShort(status), `the status at ${width} px`).toBeNull();
			const what = row.locator('td.what');
			expect(await what.innerText()).toContain(`${OPTION} · ${title}`);
			expect(await cutShort(what), `the market title at ${width} px`).toBeNull();
			expect((await row.locator('td[data-label="Filled / shares"]').innerText()).trim()).toBe(
				'1 / 1,500'
			);
			await screenshot(shown, `portfolio-open-orders-${width}`);
		});
	});
});

describe('cash history on a 375 px phone', () => {
	it('keeps the total cash change in view without scrolling sideways', async () => {
		const phone = await signIn(browser, 'maker@betwise.dev', PHONE);
		await phone.page.goto('/portfolio');
		const total = phone.page.getByTestId('cash-line').first().getByTestId('cash-total');
		await total.waitFor();
		const box = (await total.boundingBox())!;
		expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
		const overflow = await phone.page
			.getByTestId('ledger')
			.evaluate((table) => table.scrollWidth - table.parentElement!.clientWidth);
		expect(overflow).toBeLessThanOrEqual(0);
		await screenshot(phone.page, 'portfolio-cash-375');
		await phone.context.close();
	});
});

// A trader's day on BetWise in a real browser: an order rests in the book, another trader takes
// it and both see the fill, positions and cash move without reloading; a cancel; a refusal
// explained in words.
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	expectChange,
	expectText,
	launchBrowser,
	PHONE,
	screenshot,
	signIn,
	waitUntilLive,
	type SignedIn
} from './fixtures/browser';
import { expectResult, fillTicket, openMarket, sendTicket } from './fixtures/trading';

const MARKET = 'btc-above-150k-2026';

let browser: Browser;
let alice: SignedIn;
let bob: SignedIn;

beforeAll(async () => {
	browser = await launchBrowser();
	alice = await signIn(browser, 'alice@betwise.dev');
	bob = await signIn(browser, 'bob@betwise.dev', PHONE);
});

afterAll(async () => {
	await browser?.close();
});

const bidAt = (page: Page, priceCents: number) =>
	page.locator(`[data-testid="bid-level"][data-price="${priceCents}"]`);

describe('placing a limit order', () => {
	it('rests in the book and shows as resting, served by the local engine', async () => {
		await openMarket(alice.page, MARKET);
		expect(await alice.page.getByTestId('ticket-available').innerText()).toBe('$1,000.00');

		await fillTicket(alice.page, { side: 'Buy', type: 'Limit', priceCents: 31, shares: 10 });
		await expectText(alice.page.getByTestId('ticket-cost'), '$3.10');
		await expectText(alice.page.getByTestId('ticket-payout'), '$10.00');
		await sendTicket(alice.page);

		await expectResult(alice.page, 'Resting: buy 10 at 31¢');
		await expectText(alice.page.getByTestId('served-by'), 'served by local engine');
		await expectText(bidAt(alice.page, 31), '10');
		await expectText(alice.page.getByTestId('open-order'), '0 / 10');
		await expectText(alice.page.getByTestId('ticket-available'), '$996.90');
		await screenshot(alice.page, 'market-order-resting-1280');
	});
});

describe('another trader taking the order', () => {
	let alicePortfolio: Page;
	let aliceMarkets: Page;

	beforeAll(async () => {
		alicePortfolio = await alice.context.newPage();
		await alicePortfolio.goto('/portfolio');
		await waitUntilLive(alicePortfolio);
		aliceMarkets = await alice.context.newPage();
		await aliceMarkets.goto('/?q=Bitcoin');
		await waitUntilLive(aliceMarkets);
	});

	it('fills both sides, and both see positions and cash change without reloading', async () => {
		await expectText(alicePortfolio.getByTestId('balance-reserved'), '$3.10');
		const yesPrice = aliceMarkets
			.getByTestId('market-card')
			.locator('[data-option="Yes"] [data-testid="option-price"]');
		const priceBefore = (await yesPrice.innerText()).trim();

		await openMarket(bob.page, MARKET);
		// Choosing Alice's bid puts its price into Bob's ticket, on the sell side, as the tip says.
		await expectText(
			bob.page.getByTestId('book-tip'),
			'Choose a level to trade against it: a bid to sell, an ask to buy.'
		);
		await bidAt(bob.page, 31).click();
		const ticket = bob.page.getByTestId('order-ticket');
		expect(await ticket.getByLabel('Limit price (¢)').inputValue()).toBe('31');
		expect(await ticket.getByLabel('Sell', { exact: true }).isChecked()).toBe(true);
		await fillTicket(bob.page, { shares: 10 });
		await sendTicket(bob.page);

		await expectResult(bob.page, 'Filled: sold 10 at 31¢');
		await expectText(bob.page.getByTestId('position-quantity'), '10 short');
		await expectText(bob.page.getByTestId('ticket-available'), '$993.10');
		await screenshot(bob.page, 'market-seller-filled-375');

		// Alice's pages were open all along: nothing is reloaded. Her ticket said her order was
		// resting; it now says it filled.
		await expectResult(alice.page, 'Filled: bought 10 at 31¢');
		expect(await alice.page.getByTestId('order-result').getAttribute('data-tone')).toBe('filled');
		await expectText(alice.page.getByTestId('position-quantity'), '10 long');
		await alice.page.getByTestId('no-open-orders').waitFor();
		await expectText(alicePortfolio.getByTestId('balance-cash'), '$996.90');
		await expectText(alicePortfolio.getByTestId('balance-reserved'), '$0.00');
		await expectText(
			alicePortfolio.locator('[data-testid="position"][data-option="Yes"]'),
			'10 long'
		);
		await expectText(alicePortfolio.getByTestId('history-order'), 'Filled');
		expect(await expectChange(yesPrice, priceBefore)).toBe('31%');
		await screenshot(alice.page, 'market-buyer-filled-1280');
		await screenshot(alicePortfolio, 'portfolio-after-fill-1280');
		await screenshot(aliceMarkets, 'markets-live-price-1280');
	});

	afterAll(async () => {
		await aliceMarkets?.close();
	});

	describe('amending and cancelling', () => {
		it('changes the price of a resting order, then takes it out and releases its cash', async () => {
			await fillTicket(alice.page, { side: 'Buy', type: 'Limit', priceCents: 25, shares: 5 });
			await sendTicket(alice.page);
			await expectResult(alice.page, 'Resting: buy 5 at 25¢');

			// The portfolio tab learns of the new order over its live connection.
			const placed = alicePortfolio.getByTestId('open-order').filter({ hasText: '25¢' });
			await placed.waitFor();
			const orderId = await placed.getAttribute('data-order-id');
			const row = alicePortfolio.locator(`[data-testid="open-order"][data-order-id="${orderId}"]`);
			await expectText(alicePortfolio.getByTestId('balance-reserved'), '$1.25');

			// A lower price holds less cash.
			await row.getByRole('button', { name: /^Change order/ }).click();
			await row.getByLabel('New price (¢)').fill('24');
			await row.getByRole('button', { name: 'Save' }).click();
			await expectText(row, '24¢');
			await expectText(alicePortfolio.getByTestId('balance-reserved'), '$1.20');

			await row.getByTestId('cancel-order').click();
			await row.waitFor({ state: 'detached' });
			await expectText(alicePortfolio.getByTestId('balance-reserved'), '$0.00');
			await expectText(
				alicePortfolio.getByTestId('history-order').filter({ hasText: '24¢' }),
				'Cancelled'
			);
			await alice.page.getByTestId('no-open-orders').waitFor();
			// Changed and cancelled in another tab: the market page's ticket follows the order.
			await expectResult(alice.page, 'Cancelled: buy 5 at 24¢');
			await screenshot(alicePortfolio, 'portfolio-after-cancel-1280');
		});
	});
});

describe('an order the exchange refuses', () => {
	it('says why in words when the cash is not there', async () => {
		await fillTicket(alice.page, { side: 'Buy', type: 'Limit', priceCents: 50, shares: 5000 });
		await expectText(alice.page.getByTestId('order-ticket'), 'more than your available cash');
		await sendTicket(alice.page);
		await expectResult(alice.page, 'Rejected');
		await expectResult(alice.page, 'You do not have enough available cash for this order.');
		await screenshot(alice.page, 'market-order-rejected-1280');
	});

	it('says why in words when a post-only order would trade at once', async () => {
		await fillTicket(alice.page, {
			side: 'Buy',
			type: 'Limit',
			priceCents: 40,
			shares: 5,
			timeInForce: 'GTC',
			postOnly: true
		});
		await sendTicket(alice.page);
		await expectResult(alice.page, 'A post-only order must not trade on arrival');
	});
});

describe('after the live connection drops', () => {
	it('reconnects by itself and the page keeps moving without reload', async () => {
		// Keep a handle on the page's sockets, so the test can cut them as a network drop would.
		await alice.context.addInitScript(() => {
			const sockets: WebSocket[] = [];
			(window as unknown as { testSockets: WebSocket[] }).testSockets = sockets;
			const Native = window.WebSocket;
			window.WebSocket = class extends Native {
				constructor(url: string | URL, protocols?: string | string[]) {
					super(url, protocols);
					sockets.push(this);
				}
			};
		});
		await openMarket(alice.page, MARKET);
		await alice.page.evaluate(() => {
			for (const socket of (window as unknown as { testSockets: WebSocket[] }).testSockets)
				socket.close();
		});
		// The client opened a new socket by itself, and the header says live again.
		await alice.page.waitForFunction(
			() => (window as unknown as { testSockets: WebSocket[] }).testSockets.length >= 2
		);
		await waitUntilLive(alice.page);

		// Bob trades against the demo market maker's 30¢ bid.
		await fillTicket(bob.page, { side: 'Sell', type: 'Limit', priceCents: 30, shares: 3 });
		await sendTicket(bob.page);
		await expectResult(bob.page, 'Filled: sold 3 at 30¢');

		await expectText(alice.page.getByTestId('recent-trades').locator('tbody tr').first(), '30¢');
		await expectText(bidAt(alice.page, 30), '37');
		await expectText(alice.page.getByTestId('spread'), 'Last 30¢');
		// Alice's 10 shares bought at 31¢ are now worth 30¢ each.
		await expectText(alice.page.getByTestId('position'), '−$0.10');
		await screenshot(alice.page, 'market-after-reconnect-1280');
	});
});

/** Fails unless `locator`'s box lies across a screen `width` wide, not off to either side. */
async function expectAcross(locator: Locator, width: number) {
	const box = await locator.boundingBox();
	expect(box, String(locator)).not.toBeNull();
	expect(box!.x, String(locator)).toBeGreaterThanOrEqual(0);
	expect(box!.x + box!.width, String(locator)).toBeLessThanOrEqual(width);
}

/** How far each table scroller in `region`, and the page itself, scrolls sideways. */
function sidewaysOverflow(region: Locator) {
	return region.evaluate((element) => {
		const scrollers = [...element.querySelectorAll('.table-scroll')];
		const page = document.documentElement;
		return [
			page.scrollWidth - page.clientWidth,
			...scrollers.map((scroller) => scroller.scrollWidth - scroller.clientWidth)
		];
	});
}

async function noSidewaysScroll(region: Locator) {
	for (const overflow of await sidewaysOverflow(region))
		expect(overflow, `sideways scroll in ${String(region)}`).toBeLessThanOrEqual(0);
}

const sectionTitled = (page: Page, title: string) =>
	page.locator('section').filter({ has: page.getByRole('heading', { name: title }) });

describe('positions and orders on a 375 px phone', () => {
	const expectAcrossThePhone = (locator: Locator) => expectAcross(locator, PHONE.width);

	it('shows each order and position whole on the market page, Edit and Cancel in reach', async () => {
		const page = bob.page;
		await fillTicket(page, { side: 'Buy', type: 'Limit', priceCents: 20, shares: 5 });
		await sendTicket(page);
		await expectResult(page, 'Resting: buy 5 at 20¢');

		const mine = page.getByTestId('my-market-activity');
		const order = mine.getByTestId('open-order');
		await expectText(order, '0 / 5');
		await expectText(order, 'Resting');
		await expectAcrossThePhone(order.getByRole('button', { name: /^Change order/ }));
		await expectAcrossThePhone(order.getByTestId('cancel-order'));
		const position = mine.locator('[data-testid="position"][data-option="Yes"]');
		await expectText(position, '13 short');
		for (const cell of await position.locator('td').all()) await expectAcrossThePhone(cell);
		await noSidewaysScroll(mine);

		// Editing keeps Save and Back on the card too.
		await order.getByRole('button', { name: /^Change order/ }).click();
		await expectAcrossThePhone(order.getByLabel('New price (¢)'));
		await expectAcrossThePhone(order.getByRole('button', { name: 'Save' }));
		await noSidewaysScroll(mine);
		await order.getByRole('button', { name: 'Back' }).click();
		await order.getByTestId('cancel-order').waitFor();
		await screenshot(page, 'market-mine-375');
	});

	it('shows positions, open orders and history whole on the portfolio, and Cancel works', async () => {
		const portfolio = await bob.context.newPage();
		await portfolio.goto('/portfolio');
		await waitUntilLive(portfolio);

		const position = portfolio.locator('[data-testid="position"][data-option="Yes"]');
		await expectText(position, '13 short');
		for (const cell of await position.locator('td').all()) await expectAcrossThePhone(cell);

		const order = portfolio.getByTestId('open-order').filter({ hasText: '20¢' });
		await expectAcrossThePhone(order.getByRole('button', { name: /^Change order/ }));
		await expectAcrossThePhone(order.getByTestId('cancel-order'));

		const history = portfolio.getByTestId('history-order').first();
		await expectText(history, 'Resting');
		await expectAcrossThePhone(history.locator('td').filter({ hasText: 'Resting' }));
		for (const title of ['Positions', 'Open orders', 'Order history'])
			await noSidewaysScroll(sectionTitled(portfolio, title));
		await screenshot(portfolio, 'portfolio-orders-375');

		await order.getByTestId('cancel-order').click();
		await order.waitFor({ state: 'detached' });
		await expectText(portfolio.getByTestId('history-order').first(), 'Cancelled');
		await bob.page.getByTestId('my-market-activity').getByTestId('no-open-orders').waitFor();
		await portfolio.close();
	});
});

// Between a phone and a laptop (a tablet, a small laptop, a phone on its side) the same tables
// must not hide Edit, Cancel, P&L or cash totals off to the right of a sideways scroller.
describe('positions and orders on a tablet', () => {
	const TABLET = { width: 768, height: 1024 };
	const TABLETS = [TABLET, { width: 900, height: 700 }];
	let portfolio: Page;

	beforeAll(async () => {
		await bob.page.setViewportSize(TABLET);
		await fillTicket(bob.page, { side: 'Buy', type: 'Limit', priceCents: 21, shares: 4 });
		await sendTicket(bob.page);
		await expectResult(bob.page, 'Resting: buy 4 at 21¢');
		portfolio = await bob.context.newPage();
		await portfolio.goto('/portfolio');
		await waitUntilLive(portfolio);
	});

	afterAll(async () => {
		await portfolio?.close();
	});

	for (const viewport of TABLETS) {
		it(`shows Edit, Cancel and both P&L figures on the market page at ${viewport.width} px`, async () => {
			const page = bob.page;
			await page.setViewportSize(viewport);
			const mine = page.getByTestId('my-market-activity');
			const resting = mine.getByTestId('open-order').filter({ hasText: '21¢' });
			await expectText(resting, 'Resting');
			// By its id, since editing turns its price into an input.
			const order = mine.locator(
				`[data-order-id="${await resting.getAttribute('data-order-id')}"]`
			);
			await expectAcross(order.getByRole('button', { name: /^Change order/ }), viewport.width);
			await expectAcross(order.getByTestId('cancel-order'), viewport.width);
			const position = mine.locator('[data-testid="position"][data-option="Yes"]');
			await expectText(position, '13 short');
			for (const label of ['Unrealized P&L', 'Realized P&L'])
				await expectAcross(position.locator(`td[data-label="${label}"]`), viewport.width);
			await noSidewaysScroll(mine);

			// Editing keeps the inputs, Save and Back in view too.
			await order.getByRole('button', { name: /^Change order/ }).click();
			await expectAcross(order.getByLabel('New total shares'), viewport.width);
			await expectAcross(order.getByRole('button', { name: 'Back' }), viewport.width);
			await noSidewaysScroll(mine);
			await order.getByRole('button', { name: 'Back' }).click();
			await order.getByTestId('cancel-order').waitFor();
			await screenshot(page, `market-mine-${viewport.width}`);
		});

		it(`shows positions, orders, history and cash whole on the portfolio at ${viewport.width} px`, async () => {
			await portfolio.setViewportSize(viewport);
			const position = portfolio.locator('[data-testid="position"][data-option="Yes"]');
			await expectText(position, '13 short');
			for (const label of ['Unrealized P&L', 'Realized P&L'])
				await expectAcross(position.locator(`td[data-label="${label}"]`), viewport.width);

			const order = portfolio.getByTestId('open-order').filter({ hasText: '21¢' });
			await expectText(order, 'Resting');
			await expectAcross(order.getByRole('button', { name: /^Change order/ }), viewport.width);
			await expectAcross(order.getByTestId('cancel-order'), viewport.width);

			const history = portfolio.getByTestId('history-order').first();
			await expectText(history, 'Resting');
			await expectAcross(history.locator('td.status'), viewport.width);

			const cash = portfolio.getByTestId('cash-line').first();
			await expectAcross(cash.getByTestId('cash-total'), viewport.width);
			for (const title of ['Positions', 'Open orders', 'Order history', 'Cash history'])
				await noSidewaysScroll(sectionTitled(portfolio, title));
			await screenshot(portfolio, `portfolio-orders-${viewport.width}`);
		});
	}

	it('cancels an order from the portfolio with a click at 768 px', async () => {
		await portfolio.setViewportSize(TABLET);
		const order = portfolio.getByTestId('open-order').filter({ hasText: '21¢' });
		await order.getByTestId('cancel-order').click();
		await order.waitFor({ state: 'detached' });
		await expectText(portfolio.getByTestId('history-order').first(), 'Cancelled');
		await bob.page.getByTestId('my-market-activity').getByTestId('no-open-orders').waitFor();
	});
});

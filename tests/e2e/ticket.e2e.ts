// The order ticket on a market with several options, as a trader with shares in each: what it
// keeps and forgets, what its hints and warnings say before an order is sent, what it says after,
// what an amend that trades says, and what it says of an order that filled while the live
// connection was down. Then the portfolio tying orders to cash movements.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectText, launchBrowser, screenshot, signIn, type SignedIn } from './fixtures/browser';
import { apiOf, type Api } from './fixtures/api';
import { dropConnection, holdableSockets, restoreConnection } from './fixtures/connection';
import { expectResult, fillTicket, openMarket, sendTicket } from './fixtures/trading';

// Theo Taker bought 15 shares of every option here when the demo was seeded. The maker offers
// 25, 80 and 120 shares at fair + 1, 2 and 3¢: "Hike" (fair 4¢) has 225 shares at 5–7¢,
// "Cut 25 bp" (fair 46¢) has 25 at 47¢ and 80 at 48¢ and bids from 45¢ down.
const MARKET = 'fed-rate-december-2026';
const SMALL_LAPTOP = { width: 1280, height: 800 };

let browser: Browser;
let taker: SignedIn;
let page: Page;

beforeAll(async () => {
	browser = await launchBrowser();
	taker = await signIn(browser, 'taker@betwise.dev', SMALL_LAPTOP);
	page = taker.page;
	await openMarket(page, MARKET);
});

afterAll(async () => {
	await browser?.close();
});

const ticket = () => page.getByTestId('order-ticket');
const hint = () => ticket().locator('.hint');
const priceField = () => ticket().getByLabel('Limit price (¢)');
const submitButton = () => ticket().locator('button[type="submit"]');
const buttonText = async () => (await submitButton().innerText()).trim();

async function chooseOption(label: string) {
	await page.getByTestId('option-tab').filter({ hasText: label }).click();
	await expectText(page.locator('#book-title'), `Order book · ${label}`);
}

describe('switching option', () => {
	it('forgets the price picked from the other option’s book', async () => {
		await page.locator('[data-testid="ask-level"][data-price="12"]').click();
		expect(await priceField().inputValue()).toBe('12');
		await expectText(ticket().locator('button[type="submit"]'), /at 12¢/);

		await chooseOption('Hike');
		await page.waitForFunction(
			() =>
				(
					document.querySelector(
						'[data-testid="order-ticket"] input[name="price"]'
					) as HTMLInputElement
				).value === ''
		);
		// No price yet: the button names no order it cannot send.
		expect(await buttonText()).toBe('Buy Hike');
	});
});

describe('shares or a price the ticket calls wrong', () => {
	it('are not repeated on the button, nor priced in the summary', async () => {
		const cost = page.getByTestId('ticket-cost');
		await fillTicket(page, {
			side: 'Buy',
			type: 'Limit',
			priceCents: 3,
			shares: 1_000_000_000_000
		});
		await expectText(submitButton(), /^Buy Hike$/);
		expect(await cost.innerText()).toBe('—');
		for (const shares of [-5, 2.5]) {
			await fillTicket(page, { shares });
			await expectText(submitButton(), /^Buy Hike$/);
			expect(await cost.innerText()).toBe('—');
		}
		await fillTicket(page, { priceCents: 0, shares: 10 });
		await expectText(submitButton(), /^Buy Hike$/);

		await fillTicket(page, { priceCents: 3, shares: 1000 });
		await expectText(submitButton(), /^Buy 1,000 Hike at 3¢$/);
		await expectText(cost, '$30.00');
	});
});

describe('a market order', () => {
	it('shows no limit price, not even one typed before', async () => {
		await fillTicket(page, { side: 'Buy', type: 'Limit', priceCents: 30, shares: 10 });
		await fillTicket(page, { type: 'Market', shares: 10 });
		expect(await priceField().count()).toBe(0);
		await expectText(ticket().getByTestId('market-price'), 'Best available');
		await expectText(submitButton(), /^Buy 10 Hike at market$/);
		await screenshot(page, 'ticket-market-order-1280');

		await fillTicket(page, { type: 'Limit', shares: 10 });
		expect(await priceField().inputValue()).toBe('30');
	});
});

describe('an old result', () => {
	it('goes away when the ticket is changed, so it is not read as the new attempt’s', async () => {
		await fillTicket(page, {
			side: 'Buy',
			type: 'Limit',
			priceCents: 6,
			shares: 5,
			timeInForce: 'GTC',
			postOnly: true
		});
		await sendTicket(page);
		await expectResult(page, 'A post-only order must not trade on arrival');

		await fillTicket(page, { shares: 0 });
		await ticket().locator('button[type="submit"]').click();
		await expectText(ticket(), 'Enter a whole number of shares');
		expect(await page.getByTestId('order-result').count()).toBe(0);
		await ticket()
			.getByLabel(/Post only/)
			.setChecked(false);
	});
});

describe('hints before sending', () => {
	it('tells a sale of shares held from a short sale', async () => {
		await fillTicket(page, { side: 'Sell', type: 'Limit', priceCents: 50, shares: 10 });
		await expectText(hint(), 'Sells shares you hold');
		expect(await hint().innerText()).not.toContain('short');

		await fillTicket(page, { shares: 20 });
		await expectText(hint(), 'Sells the 15 shares you hold, then 5 short');
	});

	it('says a fill-or-kill order the book cannot fill would not trade at all', async () => {
		await fillTicket(page, { side: 'Buy', type: 'Market', shares: 1000, timeInForce: 'FOK' });
		await expectText(hint(), 'would not trade at all');
		await fillTicket(page, { shares: 1000, timeInForce: 'IOC' });
		await expectText(hint(), 'The book holds 225 shares now; the rest would not trade.');
	});

	it('asks an order that cannot rest for the cash it would take from the book only', async () => {
		// 20,000 × 99¢ is more than the trader has; what the book holds up to 99¢ costs $14.45.
		await fillTicket(page, {
			side: 'Buy',
			type: 'Limit',
			priceCents: 99,
			shares: 20_000,
			timeInForce: 'IOC'
		});
		await expectText(page.getByTestId('ticket-cost'), '$14.45');
		await expectText(hint(), 'The book holds 225 shares at your price or better now');
		expect(await hint().innerText()).not.toContain('available cash');

		// Resting, the same order would hold 99¢ a share.
		await fillTicket(page, { shares: 20_000, timeInForce: 'GTC' });
		await expectText(hint(), 'more than your available cash');
	});
});

describe('a market order that fills in part', () => {
	it('gives the exact average of its fills, and the emptied book does not contradict it', async () => {
		await fillTicket(page, {
			side: 'Buy',
			type: 'Market',
			shares: 1_000_000,
			timeInForce: 'IOC'
		});
		await expectText(submitButton(), /^Buy 1,000,000 Hike at market$/);
		await sendTicket(page);
		// (5·25 + 6·80 + 7·120) / 225 = 6.42…¢: never shown as a price of 6¢.
		await expectResult(page, 'Bought 225 at ≈6.42¢ average');
		await expectResult(page, 'Fills from 5¢ to 7¢. The other 999,775 could not trade at once');

		// What the form would do next, said of the book now, not of the order just sent.
		await expectText(hint(), 'No one is selling now, so a market buy would not trade.');
		expect(await page.getByTestId('ticket-cost').innerText()).toBe('—');
		expect(await page.getByTestId('ticket-payout').innerText()).toBe('—');
		await expectText(page.getByTestId('ask-empty'), 'No offers to sell');
		expect(await page.getByTestId('bid-empty').count()).toBe(0);
		await screenshot(page, 'ticket-after-market-order-1280');
	});

	it('into a book with no one selling, says so without speaking of a price', async () => {
		await sendTicket(page);
		await expectResult(page, 'Nothing traded');
		await expectResult(page, 'No one was selling, so the order was cancelled.');
		expect(await page.getByTestId('order-result').innerText()).not.toContain('price');
	});
});

describe('an amend to a price that crosses the book', () => {
	it('says what traded, whether the order keeps resting or leaves the list', async () => {
		await chooseOption('Cut 25 bp');
		await fillTicket(page, {
			side: 'Buy',
			type: 'Limit',
			priceCents: 45,
			shares: 30,
			timeInForce: 'GTC'
		});
		await sendTicket(page);
		await expectResult(page, 'Resting: buy 30 at 45¢');

		const mine = page.getByTestId('my-market-activity');
		const orderId = await mine
			.getByTestId('open-order')
			.filter({ hasText: '45¢' })
			.getAttribute('data-order-id');
		// By its id: while it is edited, the row shows its price in a field, not as text.
		const row = mine.locator(`[data-testid="open-order"][data-order-id="${orderId}"]`);
		await row.getByRole('button', { name: /^Change order/ }).click();
		await row.getByLabel('New price (¢)').fill('47');
		await row.getByRole('button', { name: 'Save' }).click();
		await expectText(mine.getByTestId('amend-result'), 'Part filled: bought 25 at 47¢');
		await expectText(mine.getByTestId('amend-result'), '5 more resting at 47¢');
		await expectText(mine.getByTestId('open-order'), '25 / 30');

		await expectText(row, '47¢');
		await row.getByRole('button', { name: /^Change order/ }).click();
		await row.getByLabel('New price (¢)').fill('48');
		await row.getByRole('button', { name: 'Save' }).click();
		await expectText(mine.getByTestId('amend-result'), 'Filled: bought 5 at 48¢');
		await mine.getByTestId('no-open-orders').waitFor();
	});
});

describe('outcomes in open orders', () => {
	const mine = () => page.getByTestId('my-market-activity');
	const rowOf = (orderId: string | null) =>
		mine().locator(`[data-testid="open-order"][data-order-id="${orderId}"]`);
	const rowErrors = () => mine().locator('.row-error');

	async function rest(priceCents: number, shares: number) {
		await fillTicket(page, { side: 'Buy', type: 'Limit', priceCents, shares, timeInForce: 'GTC' });
		await sendTicket(page);
		await expectResult(page, `Resting: buy ${shares} at ${priceCents}¢`);
		return mine()
			.getByTestId('open-order')
			.filter({ hasText: `${priceCents}¢` })
			.getAttribute('data-order-id');
	}

	it('drop a row’s complaint once that row is no longer edited, in words that read', async () => {
		const first = rowOf(await rest(40, 20));
		const second = rowOf(await rest(39, 5));

		await first.getByRole('button', { name: /^Change order/ }).click();
		await first.getByLabel('New price (¢)').fill('150');
		await first.getByRole('button', { name: 'Save' }).click();
		await expectText(rowErrors(), 'Enter a whole price from 1¢ to 99¢.');
		await first.getByRole('button', { name: 'Back' }).click();
		expect(await rowErrors().count()).toBe(0);

		await first.getByRole('button', { name: /^Change order/ }).click();
		await first.getByLabel('New total shares').fill('0');
		await first.getByRole('button', { name: 'Save' }).click();
		// Nothing of it has filled, so "above the 0 already filled" would be no help.
		await expectText(rowErrors(), 'Enter a whole number of shares, from 1 to 1,000,000.');
		await second.getByRole('button', { name: /^Change order/ }).click();
		expect(await rowErrors().count()).toBe(0);
		await second.getByRole('button', { name: 'Back' }).click();
	});

	it('go when their order is cancelled or a newer action shows its own', async () => {
		const first = mine().getByTestId('open-order').filter({ hasText: '40¢' });
		const firstRow = rowOf(await first.getAttribute('data-order-id'));
		await firstRow.getByRole('button', { name: /^Change order/ }).click();
		await firstRow.getByLabel('New price (¢)').fill('38');
		await firstRow.getByRole('button', { name: 'Save' }).click();
		await expectText(mine().getByTestId('amend-result'), 'Changed: buy 20 at 38¢');
		// The ticket's "Resting: buy 5 at 39¢" is older news now.
		expect(await page.getByTestId('order-result').count()).toBe(0);

		await firstRow.getByTestId('cancel-order').click();
		await firstRow.waitFor({ state: 'detached' });
		expect(await mine().getByTestId('amend-result').count()).toBe(0);

		const second = mine().getByTestId('open-order').filter({ hasText: '39¢' });
		const secondRow = rowOf(await second.getAttribute('data-order-id'));
		await secondRow.getByRole('button', { name: /^Change order/ }).click();
		await secondRow.getByLabel('New price (¢)').fill('37');
		await secondRow.getByRole('button', { name: 'Save' }).click();
		await expectText(mine().getByTestId('amend-result'), 'Changed: buy 5 at 37¢');
		await rest(36, 3);
		expect(await mine().getByTestId('amend-result').count()).toBe(0);

		await mine().getByTestId('cancel-all').click();
		await mine().getByTestId('cancel-all').click();
		await mine().getByTestId('no-open-orders').waitFor();
	});
});

describe('an order the ticket follows while the live connection is down', () => {
	// On "Cut 25 bp" the maker bids from 45¢ down and the asks start above 47¢: a bid at 46¢ rests,
	// and a sale at 46¢ that may not rest trades with it alone.
	const OPTION = 'Cut 25 bp';
	let maker: SignedIn;
	let makerApi: Api;
	const mine = () => page.getByTestId('my-market-activity');
	const shares = () =>
		mine().locator(
			`[data-testid="position"][data-option="${OPTION}"] [data-testid="position-quantity"]`
		);

	beforeAll(async () => {
		await holdableSockets(taker.context);
		await openMarket(page, MARKET);
		await chooseOption(OPTION);
		maker = await signIn(browser, 'maker@betwise.dev');
		makerApi = await apiOf(maker.context);
	});

	afterAll(async () => {
		await maker?.context.close();
	});

	/** Shares of the option held now, from "45 long". */
	async function sharesHeld() {
		const shown = await shares().innerText();
		return Number(/([\d,]+) long/.exec(shown)![1]!.replaceAll(',', ''));
	}

	/** Rests a bid of 10 at 46¢ from the ticket, then the maker takes it while the page is away. */
	async function restThenFillWhileAway() {
		await fillTicket(page, {
			side: 'Buy',
			type: 'Limit',
			priceCents: 46,
			shares: 10,
			timeInForce: 'GTC',
			postOnly: false
		});
		await sendTicket(page);
		await expectResult(page, 'Resting: buy 10 at 46¢');
		await expectText(mine().getByTestId('open-order'), '46¢');

		await dropConnection(page);
		const market = await makerApi.markets.get.query({ slug: MARKET });
		const sale = await makerApi.orders.place.mutate({
			marketId: market.id,
			optionId: market.options.find((choice) => choice.label === OPTION)!.id,
			side: 'SELL',
			type: 'LIMIT',
			priceCents: 46,
			quantity: 10,
			timeInForce: 'IOC'
		});
		expect(sale.order.status).toBe('FILLED');
		// Nothing of it reaches the page while its connection is down.
		expect(await page.getByTestId('order-result').innerText()).toContain('Resting: buy 10 at 46¢');
	}

	it('says it filled once the page is back, from the updates it missed', async () => {
		const before = await sharesHeld();
		await restThenFillWhileAway();

		await restoreConnection(page);
		await expectResult(page, 'Filled: bought 10 at 46¢');
		await mine().getByTestId('no-open-orders').waitFor();
		await expectText(shares(), `${before + 10} long`);
	});

	it('says it filled when the server can no longer replay what the page missed', async () => {
		const before = await sharesHeld();
		await restThenFillWhileAway();

		await restoreConnection(page, { replayable: false });
		await expectResult(page, 'Filled: bought 10 at 46¢');
		await mine().getByTestId('no-open-orders').waitFor();
		await expectText(shares(), `${before + 10} long`);
	});
});

describe('the market page at 1280 × 800', () => {
	it('never has the sticky ticket over the trader’s positions and orders', async () => {
		await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
		const ticketBox = (await ticket().boundingBox())!;
		const mineBox = (await page.getByTestId('my-market-activity').boundingBox())!;
		const overlapsVertically =
			ticketBox.y < mineBox.y + mineBox.height && mineBox.y < ticketBox.y + ticketBox.height;
		expect(overlapsVertically).toBe(false);
	});
});

describe('the portfolio', () => {
	it('numbers orders as cash history does, in words that read once', async () => {
		await page.goto('/portfolio');
		await page.getByTestId('order-history').waitFor();
		const numbers = await page.getByTestId('history-order-number').allInnerTexts();
		expect(numbers.length).toBeGreaterThan(0);

		const held = await page
			.locator('[data-testid="ledger"] tr[data-kind="RESERVE"]')
			.first()
			.innerText();
		const named = /Held for order (\d+)/.exec(held.replace(/\s+/g, ' '));
		expect(named, held).not.toBeNull();
		expect(numbers.map((text) => text.trim())).toContain(`order ${named![1]}`);
		expect(await page.getByTestId('ledger').innerText()).not.toMatch(/order\s+order/);
	});
});

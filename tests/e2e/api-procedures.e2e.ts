// Every procedure of the markets, books, orders, positions, account and trades routers, and the
// admin's market lifecycle, against the built app (node server.js) through real @trpc/client
// links: httpBatchLink, and wsLink for subscriptions, signed in with the login form's cookie. Each
// one's happy path with the values it answers, and its refusals with the tRPC code and the domain
// code. The spec trades only in markets it makes itself, as Morgan Maker and Theo Taker (never
// Alice and Bob, whose cash the browser specs check to the cent), cancels what it leaves resting,
// and leaves its markets resolved, so that no halted or open market of its stays for other specs.
import { randomBytes, randomUUID } from 'node:crypto';
import type { inferRouterInputs } from '@trpc/server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AppRouter } from '../../src/lib/server/trpc/root';
import {
	cookieSocketClient,
	httpClient,
	rejectionOf,
	sessionCookie,
	type HttpClient,
	type SocketClient
} from './fixtures/session';
import { follow, refusalOf, type Followed, type Update } from './fixtures/stream';

type OrderInput = inferRouterInputs<AppRouter>['orders']['place'];

const DAY_MS = 86_400_000;
/** In the title of each market the spec makes: a search for it finds those and no other. */
const RUN = `kettle-${randomBytes(3).toString('hex')}`;
/** An order id of the right form that no order has. */
const NO_SUCH_ORDER = '999999999999999999';

let admin: HttpClient;
let maker: HttpClient;
let taker: HttpClient;
let visitor: HttpClient;
let makerSocket: SocketClient;
let takerSocket: SocketClient;
let visitorSocket: SocketClient;
let makerId: string;

interface SpecMarket {
	id: string;
	slug: string;
	yes: string;
	no: string;
}

/** The market the spec trades in; resolved by the last test. */
let market: SpecMarket;
/** The market the lifecycle steps take from OPEN to voided. */
let lifecycle: SpecMarket | undefined;

function newMarketInput(question: string) {
	return {
		title: `${question} (${RUN})`,
		description: 'Made by the API procedures spec.',
		category: 'Testing',
		closesAt: new Date(Date.now() + 30 * DAY_MS),
		options: ['Yes', 'No'],
		reason: 'Made for the API procedures spec'
	};
}

async function aMarket(question: string): Promise<SpecMarket> {
	const created = await admin.markets.create.mutate(newMarketInput(question));
	const [yes, no] = created.options;
	return { id: created.id, slug: created.slug, yes: yes!.id, no: no!.id };
}

beforeAll(async () => {
	const [adminCookie, makerCookie, takerCookie] = await Promise.all(
		['admin@betwise.dev', 'maker@betwise.dev', 'taker@betwise.dev'].map((email) =>
			sessionCookie(email)
		)
	);
	admin = httpClient(adminCookie!);
	maker = httpClient(makerCookie!);
	taker = httpClient(takerCookie!);
	visitor = httpClient(null);
	makerSocket = cookieSocketClient(makerCookie!);
	takerSocket = cookieSocketClient(takerCookie!);
	visitorSocket = cookieSocketClient(null);
	makerId = (await maker.auth.me.query())!.id;
	market = await aMarket('Will the kettle boil before noon?');
});

afterAll(async () => {
	// A test that failed part-way may have left a market of the spec open or halted.
	for (const each of [market, lifecycle]) {
		if (!each) continue;
		const { status } = await visitor.markets.get.query({ id: each.id });
		if (status !== 'RESOLVED') await admin.markets.void.mutate({ marketId: each.id });
	}
	for (const socket of [makerSocket, takerSocket, visitorSocket]) socket?.close();
});

/** Orders a test left resting, cancelled after it by their owners. */
const resting: { client: HttpClient; orderId: string }[] = [];

afterEach(async () => {
	const owners = new Set(resting.map((each) => each.client));
	for (const client of owners) {
		const orderIds = resting.filter((each) => each.client === client).map((each) => each.orderId);
		// Each is cancelled, or refused as UNKNOWN_ORDER when it filled or was cancelled since.
		await client.orders.cancelBatch.mutate({ orderIds });
	}
	resting.length = 0;
});

/** A GTC limit order on the spec's market, "Yes" unless told. */
function limit(
	side: 'BUY' | 'SELL',
	quantity: number,
	priceCents: number,
	extra: Partial<OrderInput> = {}
): OrderInput {
	return { marketId: market.id, optionId: market.yes, side, quantity, priceCents, ...extra };
}

/** Places the order, and has it cancelled after the test if it rests. */
async function place(client: HttpClient, order: OrderInput) {
	const result = await client.orders.place.mutate(order);
	if (result.order.status === 'OPEN' || result.order.status === 'PARTIALLY_FILLED') {
		resting.push({ client, orderId: result.order.id });
	}
	return result;
}

describe('markets.list and markets.get', () => {
	it('lists the spec’s market by search and status, and pages by cursor', async () => {
		const found = await visitor.markets.list.query({ search: RUN, status: ['OPEN'] });
		expect(found.items.map((item) => item.id)).toContain(market.id);
		const listed = found.items.find((item) => item.id === market.id)!;
		expect(listed).toMatchObject({ slug: market.slug, status: 'OPEN', category: 'Testing' });
		expect(listed.options.map((option) => option.label)).toEqual(['Yes', 'No']);

		const first = await visitor.markets.list.query({ limit: 1 });
		expect(first.items).toHaveLength(1);
		expect(first.nextCursor).toBe(first.items[0]!.id);
		const second = await visitor.markets.list.query({ limit: 1, cursor: first.nextCursor! });
		expect(second.items).toHaveLength(1);
		expect(second.items[0]!.id).not.toBe(first.items[0]!.id);
	});

	it('refuses a cursor that is no market id (BAD_REQUEST on cursor) or no market (NOT_FOUND)', async () => {
		const malformed = await rejectionOf(visitor.markets.list.query({ cursor: 'page-2' }));
		expect(malformed).toMatchObject({ code: 'BAD_REQUEST', domainCode: null });
		expect(Object.keys(malformed.fieldErrors!)).toEqual(['cursor']);
		expect(malformed.message).toContain('cursor');

		const unknown = await rejectionOf(visitor.markets.list.query({ cursor: randomUUID() }));
		expect(unknown).toMatchObject({ code: 'NOT_FOUND', domainCode: 'MARKET_NOT_FOUND' });
	});

	it('gets a market by slug or by id, with its description and options', async () => {
		const bySlug = await visitor.markets.get.query({ slug: market.slug });
		const byId = await visitor.markets.get.query({ id: market.id });
		expect(bySlug).toEqual(byId);
		expect(bySlug).toMatchObject({
			id: market.id,
			status: 'OPEN',
			description: 'Made by the API procedures spec.',
			resolution: null
		});
		expect(bySlug.options.map((option) => [option.id, option.label])).toEqual([
			[market.yes, 'Yes'],
			[market.no, 'No']
		]);
	});

	it('answers NOT_FOUND for an unknown slug, and BAD_REQUEST for both an id and a slug', async () => {
		expect(
			await rejectionOf(visitor.markets.get.query({ slug: `no-such-market-${RUN}` }))
		).toMatchObject({ code: 'NOT_FOUND', domainCode: 'MARKET_NOT_FOUND' });
		// Both, which the client's types refuse too: the server must not pick one.
		const both = await rejectionOf(
			visitor.markets.get.query({ id: market.id, slug: market.slug } as unknown as { id: string })
		);
		expect(both).toMatchObject({ code: 'BAD_REQUEST', domainCode: null });
		expect(Object.keys(both.fieldErrors!)).toEqual(['']);
	});
});

// Trades on "No" only, which no other test trades: the quotes and volume are exactly these.
describe('after the spec’s own trades on "No"', () => {
	type Placed = Awaited<ReturnType<typeof place>>;
	let takerCashBefore: number;
	let takerBuy: Placed;
	let takerSell: Placed;

	beforeAll(async () => {
		const untraded = await visitor.markets.get.query({ id: market.id });
		expect(untraded.options[1]).toMatchObject({
			bestBidCents: null,
			bestAskCents: null,
			lastPriceCents: null,
			volume24h: 0
		});
		takerCashBefore = (await taker.account.balance.query()).cashCents;
		// Not cancelled after each test: what rests stays for every test of this block.
		const no = { optionId: market.no };
		await maker.orders.place.mutate(limit('SELL', 4, 62, no));
		await maker.orders.place.mutate(limit('BUY', 3, 38, no));
		// 3 bought at the maker's 62¢, then 1 sold at the maker's 38¢.
		takerBuy = await taker.orders.place.mutate(limit('BUY', 3, 65, no));
		takerSell = await taker.orders.place.mutate(limit('SELL', 1, 30, no));
	});

	afterAll(async () => {
		await maker.orders.cancelAll.mutate({ marketId: market.id });
	});

	it('orders.place fills a crossing order at the resting price, and says who served it', () => {
		expect(takerBuy).toMatchObject({ engine: 'local', fallback: false, duplicate: false });
		expect(takerBuy.latencyMs).toBeGreaterThanOrEqual(0);
		expect(takerBuy.order).toMatchObject({ status: 'FILLED', filledQuantity: 3, priceCents: 65 });
		expect(takerBuy.fills.map((fill) => [fill.priceCents, fill.quantity, fill.liquidity])).toEqual([
			[62, 3, 'TAKER']
		]);
		expect(takerSell.fills.map((fill) => [fill.priceCents, fill.quantity])).toEqual([[38, 1]]);
	});

	it('markets.get reports the best bid, best ask, last price and 24 h volume', async () => {
		const { options } = await visitor.markets.get.query({ id: market.id });
		expect(options[1]).toEqual({
			id: market.no,
			label: 'No',
			bestBidCents: 38,
			bestAskCents: 62,
			lastPriceCents: 38,
			volume24h: 4
		});
	});

	it('markets.list shows the last price, the price a day ago and the 24 h volume', async () => {
		const { items } = await visitor.markets.list.query({ search: RUN });
		const no = items.find((item) => item.id === market.id)!.options[1];
		expect(no).toEqual({
			id: market.no,
			label: 'No',
			lastPriceCents: 38,
			// No trade is a day old: the first trade since stands for the price a day ago.
			dayAgoPriceCents: 62,
			volume24h: 4
		});
	});

	it('books.get gives the ladder of what rests, with the last price and seq', async () => {
		const book = await visitor.books.get.query({ optionId: market.no, depth: 5 });
		expect(book).toMatchObject({
			optionId: market.no,
			bids: [{ priceCents: 38, quantity: 2, orders: 1 }],
			asks: [{ priceCents: 62, quantity: 1, orders: 1 }],
			lastPriceCents: 38,
			engine: 'local',
			fallback: false
		});
		expect(book.seq).toMatch(/^\d+$/);
	});

	it('books.trades lists the trades newest first', async () => {
		const trades = await visitor.books.trades.query({ optionId: market.no });
		expect(
			trades.map((trade) => [trade.id, trade.priceCents, trade.quantity, trade.takerSide])
		).toEqual([
			[takerSell.fills[0]!.tradeId, 38, 1, 'SELL'],
			[takerBuy.fills[0]!.tradeId, 62, 3, 'BUY']
		]);
	});

	it('books.candles opens at the first trade, closes at the last, with their range and volume', async () => {
		const candles = await visitor.books.candles.query({ optionId: market.no, intervalSeconds: 60 });
		// Both trades fall in one minute, or in two after each other.
		expect(candles.length).toBeGreaterThanOrEqual(1);
		expect(candles[0]!.openCents).toBe(62);
		expect(candles.at(-1)!.closeCents).toBe(38);
		expect(Math.max(...candles.map((candle) => candle.highCents))).toBe(62);
		expect(Math.min(...candles.map((candle) => candle.lowCents))).toBe(38);
		expect(candles.reduce((sum, candle) => sum + candle.volume, 0)).toBe(4);
		expect(candles.reduce((sum, candle) => sum + candle.trades, 0)).toBe(2);
	});

	it('orders.get gives the trader’s order with its fills', async () => {
		const { order, fills } = await taker.orders.get.query({ orderId: takerBuy.order.id });
		expect(order).toMatchObject({ id: takerBuy.order.id, status: 'FILLED', filledQuantity: 3 });
		expect(
			fills.map((fill) => [fill.tradeId, fill.priceCents, fill.quantity, fill.liquidity])
		).toEqual([[takerBuy.fills[0]!.tradeId, 62, 3, 'TAKER']]);
	});

	it('positions.mine gives the position’s average price, PnL and market status', async () => {
		const { positions, engine } = await taker.positions.mine.query();
		expect(engine).toBe('local');
		const no = positions.find((position) => position.optionId === market.no)!;
		// 3 bought at 62¢, 1 of them sold at 38¢: 2 left at 62¢ each, and 24¢ lost.
		expect(no).toMatchObject({
			marketId: market.id,
			marketStatus: 'OPEN',
			optionLabel: 'No',
			quantity: 2,
			costBasisCents: 124,
			averagePriceCents: 62,
			realizedPnlCents: -24,
			lastPriceCents: 38,
			unrealizedPnlCents: 2 * 38 - 124
		});
		const makers = (await maker.positions.mine.query()).positions;
		expect(makers.find((position) => position.optionId === market.no)?.quantity).toBe(-2);
	});

	it('account.balance shows what the trades cost the taker', async () => {
		const balance = await taker.account.balance.query();
		expect(balance.cashCents).toBe(takerCashBefore - 3 * 62 + 38);
		expect(balance.cashCents).toBe(balance.availableCents + balance.reservedCents);
	});
});

describe('orders.place', () => {
	it('rests a limit order for the signed-in trader, and returns it again for its clientOrderId', async () => {
		const clientOrderId = `${RUN}-rest-1`;
		const order = limit('BUY', 2, 20, { clientOrderId });
		const placed = await place(maker, order);
		expect(placed.order).toMatchObject({
			status: 'OPEN',
			userId: makerId,
			marketId: market.id,
			optionId: market.yes,
			side: 'BUY',
			priceCents: 20,
			quantity: 2,
			filledQuantity: 0,
			clientOrderId
		});
		expect(placed.fills).toEqual([]);
		const again = await maker.orders.place.mutate(order);
		expect(again).toMatchObject({ duplicate: true, order: { id: placed.order.id } });
	});

	it('answers CONFLICT when a clientOrderId names a different order', async () => {
		const clientOrderId = `${RUN}-conflict`;
		await place(maker, limit('BUY', 1, 20, { clientOrderId }));
		const refused = await rejectionOf(
			maker.orders.place.mutate(limit('BUY', 1, 21, { clientOrderId }))
		);
		expect(refused).toMatchObject({ code: 'CONFLICT', domainCode: 'CLIENT_ORDER_ID_IN_USE' });
	});

	it('answers UNAUTHORIZED to a signed-out caller, and BAD_REQUEST naming a missing price', async () => {
		expect(await rejectionOf(visitor.orders.place.mutate(limit('BUY', 1, 20)))).toMatchObject({
			code: 'UNAUTHORIZED',
			domainCode: 'NOT_SIGNED_IN'
		});
		const noPrice = await rejectionOf(
			maker.orders.place.mutate({ ...limit('BUY', 1, 20), priceCents: undefined })
		);
		expect(noPrice).toMatchObject({ code: 'BAD_REQUEST' });
		expect(Object.keys(noPrice.fieldErrors!)).toEqual(['priceCents']);
	});

	it('returns an order placed while the market is halted as REJECTED, not as an error', async () => {
		await admin.markets.halt.mutate({ marketId: market.id });
		try {
			const placed = await place(maker, limit('BUY', 1, 20));
			expect(placed.order).toMatchObject({ status: 'REJECTED', rejectReason: 'MARKET_NOT_OPEN' });
		} finally {
			await admin.markets.reopen.mutate({ marketId: market.id });
		}
	});
});

describe('orders.placeBatch', () => {
	it('accepts or refuses each order on its own', async () => {
		const batch = await maker.orders.placeBatch.mutate({
			orders: [limit('BUY', 1, 21), limit('BUY', 1, 21, { optionId: randomUUID() })]
		});
		const [good, bad] = batch.results;
		if (good?.ok) resting.push({ client: maker, orderId: good.order.id });
		expect(batch.engine).toBe('local');
		expect(good).toMatchObject({ ok: true, order: { status: 'OPEN', priceCents: 21 } });
		expect(bad).toMatchObject({ ok: false, code: 'UNKNOWN_OPTION' });
	});

	it('refuses more than 20 orders (BAD_REQUEST on orders) and a signed-out caller', async () => {
		const tooMany = await rejectionOf(
			maker.orders.placeBatch.mutate({
				orders: Array.from({ length: 21 }, () => limit('BUY', 1, 2))
			})
		);
		expect(tooMany).toMatchObject({ code: 'BAD_REQUEST' });
		expect(Object.keys(tooMany.fieldErrors!)).toEqual(['orders']);
		expect(
			await rejectionOf(visitor.orders.placeBatch.mutate({ orders: [limit('BUY', 1, 2)] }))
		).toMatchObject({ code: 'UNAUTHORIZED', domainCode: 'NOT_SIGNED_IN' });
	});
});

describe('orders.amend', () => {
	it('changes the price and quantity of a resting order, and what it reserves', async () => {
		const { order } = await place(maker, limit('BUY', 10, 20));
		const before = await maker.account.balance.query();
		const amended = await maker.orders.amend.mutate({
			orderId: order.id,
			quantity: 6,
			priceCents: 22
		});
		expect(amended.order).toMatchObject({ id: order.id, quantity: 6, priceCents: 22 });
		expect(amended.engine).toBe('local');
		const after = await maker.account.balance.query();
		expect(after.reservedCents - before.reservedCents).toBe(6 * 22 - 10 * 20);
	});

	it('answers BAD_REQUEST INSUFFICIENT_FUNDS when the new size costs more than the cash', async () => {
		const { order } = await place(maker, limit('BUY', 1, 20));
		expect(
			await rejectionOf(maker.orders.amend.mutate({ orderId: order.id, quantity: 1_000_000 }))
		).toMatchObject({ code: 'BAD_REQUEST', domainCode: 'INSUFFICIENT_FUNDS' });
	});

	it('answers PRECONDITION_FAILED ORDER_NOT_AMENDABLE below what has filled', async () => {
		const { order } = await place(maker, limit('SELL', 5, 70));
		await place(taker, limit('BUY', 2, 70));
		expect(
			await rejectionOf(maker.orders.amend.mutate({ orderId: order.id, quantity: 2 }))
		).toMatchObject({ code: 'PRECONDITION_FAILED', domainCode: 'ORDER_NOT_AMENDABLE' });
	});

	it('answers PRECONDITION_FAILED POST_ONLY_WOULD_CROSS for a post-only order moved across', async () => {
		await place(taker, limit('SELL', 1, 72));
		const { order } = await place(maker, limit('BUY', 1, 30, { postOnly: true }));
		expect(
			await rejectionOf(maker.orders.amend.mutate({ orderId: order.id, priceCents: 72 }))
		).toMatchObject({ code: 'PRECONDITION_FAILED', domainCode: 'POST_ONLY_WOULD_CROSS' });
	});

	it('answers PRECONDITION_FAILED MARKET_NOT_OPEN while the market is halted', async () => {
		const { order } = await place(maker, limit('BUY', 3, 25));
		await admin.markets.halt.mutate({ marketId: market.id });
		try {
			expect(
				await rejectionOf(maker.orders.amend.mutate({ orderId: order.id, quantity: 2 }))
			).toMatchObject({ code: 'PRECONDITION_FAILED', domainCode: 'MARKET_NOT_OPEN' });
		} finally {
			await admin.markets.reopen.mutate({ marketId: market.id });
		}
		const reopened = await maker.orders.amend.mutate({ orderId: order.id, quantity: 2 });
		expect(reopened.order.quantity).toBe(2);
	});

	it('answers BAD_REQUEST NOTHING_TO_AMEND, and NOT_FOUND for another trader’s order', async () => {
		const { order } = await place(maker, limit('BUY', 4, 20));
		expect(
			await rejectionOf(maker.orders.amend.mutate({ orderId: order.id, quantity: 4 }))
		).toMatchObject({ code: 'BAD_REQUEST', domainCode: 'NOTHING_TO_AMEND' });
		expect(
			await rejectionOf(taker.orders.amend.mutate({ orderId: order.id, quantity: 1 }))
		).toMatchObject({ code: 'NOT_FOUND', domainCode: 'UNKNOWN_ORDER' });
	});
});

describe('orders.cancel, cancelBatch and cancelAll', () => {
	it('cancels one order and releases what it reserved; a second cancel is NOT_FOUND', async () => {
		const before = await maker.account.balance.query();
		const { order } = await place(maker, limit('BUY', 5, 20));
		const cancelled = await maker.orders.cancel.mutate({ orderId: order.id });
		expect(cancelled.order).toMatchObject({
			id: order.id,
			status: 'CANCELLED',
			rejectReason: null
		});
		expect(cancelled.engine).toBe('local');
		expect(await maker.account.balance.query()).toEqual(before);
		expect(await rejectionOf(maker.orders.cancel.mutate({ orderId: order.id }))).toMatchObject({
			code: 'NOT_FOUND',
			domainCode: 'UNKNOWN_ORDER'
		});
		const malformed = await rejectionOf(maker.orders.cancel.mutate({ orderId: 'latest' }));
		expect(malformed).toMatchObject({ code: 'BAD_REQUEST' });
		expect(Object.keys(malformed.fieldErrors!)).toEqual(['orderId']);
	});

	it('cancels a batch, each order on its own', async () => {
		const a = await place(maker, limit('BUY', 1, 10));
		const b = await place(maker, limit('BUY', 1, 11));
		const batch = await maker.orders.cancelBatch.mutate({
			orderIds: [a.order.id, NO_SUCH_ORDER, b.order.id]
		});
		expect(batch.results.map((result) => [result.orderId, result.ok])).toEqual([
			[a.order.id, true],
			[NO_SUCH_ORDER, false],
			[b.order.id, true]
		]);
		expect(batch.results[1]).toMatchObject({ code: 'UNKNOWN_ORDER' });
		const empty = await rejectionOf(maker.orders.cancelBatch.mutate({ orderIds: [] }));
		expect(empty).toMatchObject({ code: 'BAD_REQUEST' });
		expect(Object.keys(empty.fieldErrors!)).toEqual(['orderIds']);
	});

	it('cancels everything of the trader in one market, and nothing elsewhere', async () => {
		const openElsewhere = async () =>
			(await maker.orders.list.query({ status: ['OPEN', 'PARTIALLY_FILLED'], limit: 100 })).items
				.filter((order) => order.marketId !== market.id)
				.map((order) => order.id);
		const before = await openElsewhere();
		const a = await place(maker, limit('BUY', 1, 12));
		const b = await place(maker, limit('BUY', 1, 13, { optionId: market.no }));
		const { orders } = await maker.orders.cancelAll.mutate({ marketId: market.id });
		expect(orders.map((order) => order.id).sort()).toEqual([a.order.id, b.order.id].sort());
		expect(orders.every((order) => order.status === 'CANCELLED')).toBe(true);
		expect(await openElsewhere()).toEqual(before);

		const malformed = await rejectionOf(maker.orders.cancelAll.mutate({ marketId: 'everywhere' }));
		expect(malformed).toMatchObject({ code: 'BAD_REQUEST' });
		expect(Object.keys(malformed.fieldErrors!)).toEqual(['marketId']);
		expect(
			await rejectionOf(visitor.orders.cancelAll.mutate({ marketId: market.id }))
		).toMatchObject({ code: 'UNAUTHORIZED', domainCode: 'NOT_SIGNED_IN' });
	});
});

describe('orders.list and orders.get', () => {
	it('lists the trader’s orders by market and status, newest first, a page at a time', async () => {
		const placed: string[] = [];
		for (const price of [14, 15, 16])
			placed.push((await place(maker, limit('BUY', 1, price))).order.id);
		const first = await maker.orders.list.query({
			marketId: market.id,
			status: ['OPEN'],
			limit: 2
		});
		expect(first.items.map((order) => order.id)).toEqual([placed[2], placed[1]]);
		expect(first.nextCursor).toBe(placed[1]);
		const second = await maker.orders.list.query({
			marketId: market.id,
			status: ['OPEN'],
			limit: 2,
			cursor: first.nextCursor!
		});
		expect(second.items.map((order) => order.id)).toEqual([placed[0]]);
		expect(second.nextCursor).toBeNull();
	});

	it('refuses a malformed cursor (BAD_REQUEST on cursor) and one that is no order of the trader', async () => {
		const malformed = await rejectionOf(maker.orders.list.query({ cursor: 'newest' }));
		expect(malformed).toMatchObject({ code: 'BAD_REQUEST', domainCode: null });
		expect(Object.keys(malformed.fieldErrors!)).toEqual(['cursor']);
		expect(malformed.message).toContain('cursor');
		expect(await rejectionOf(maker.orders.list.query({ cursor: NO_SUCH_ORDER }))).toMatchObject({
			code: 'NOT_FOUND',
			domainCode: 'UNKNOWN_ORDER'
		});
	});

	it('gets one order of the trader; another trader’s is NOT_FOUND, as if there were none', async () => {
		const { order } = await place(maker, limit('BUY', 1, 17));
		const read = await maker.orders.get.query({ orderId: order.id });
		expect(read).toEqual({
			order: expect.objectContaining({ id: order.id, status: 'OPEN' }),
			fills: []
		});
		expect(await rejectionOf(taker.orders.get.query({ orderId: order.id }))).toMatchObject({
			code: 'NOT_FOUND',
			domainCode: 'UNKNOWN_ORDER'
		});
	});
});

describe('positions.mine and the account', () => {
	it('refuses signed-out callers: UNAUTHORIZED', async () => {
		for (const call of [
			visitor.positions.mine.query(),
			visitor.account.balance.query(),
			visitor.account.ledger.query({ limit: 1 })
		]) {
			expect(await rejectionOf(call)).toMatchObject({
				code: 'UNAUTHORIZED',
				domainCode: 'NOT_SIGNED_IN'
			});
		}
	});

	it('account.balance and account.ledger: a resting buy moves its cost to reserved, in one journal', async () => {
		const before = await taker.account.balance.query();
		const { order } = await place(taker, limit('BUY', 2, 30));
		expect(await taker.account.balance.query()).toEqual({
			cashCents: before.cashCents,
			reservedCents: before.reservedCents + 60,
			availableCents: before.availableCents - 60
		});

		const newest = await taker.account.ledger.query({ limit: 1 });
		expect(
			newest.items
				.map((row) => [row.kind, row.account, row.amountCents, row.orderId])
				.sort((a, b) => String(a[1]).localeCompare(String(b[1])))
		).toEqual([
			['RESERVE', 'TRADER_CASH', -60, order.id],
			['RESERVE', 'TRADER_RESERVED', 60, order.id]
		]);
		const journal = newest.items[0]!.journalId;
		expect(newest.items.every((row) => row.journalId === journal)).toBe(true);
		const older = await taker.account.ledger.query({ cursor: newest.nextCursor!, limit: 1 });
		expect(older.items.length).toBeGreaterThan(0);
		expect(older.items.some((row) => row.journalId === journal)).toBe(false);
	});

	it('account.ledger refuses a cursor it did not give: BAD_REQUEST naming cursor', async () => {
		const refused = await rejectionOf(taker.account.ledger.query({ cursor: 'yesterday' }));
		expect(refused).toMatchObject({ code: 'BAD_REQUEST', domainCode: null });
		expect(Object.keys(refused.fieldErrors!)).toEqual(['cursor']);
		expect(refused.message).toContain('cursor');
	});
});

describe('books.get, books.trades and books.candles', () => {
	it('answer NOT_FOUND UNKNOWN_OPTION for an option that does not exist', async () => {
		const optionId = randomUUID();
		for (const call of [
			visitor.books.get.query({ optionId }),
			visitor.books.trades.query({ optionId }),
			visitor.books.candles.query({ optionId, intervalSeconds: 60 })
		]) {
			expect(await rejectionOf(call)).toMatchObject({
				code: 'NOT_FOUND',
				domainCode: 'UNKNOWN_OPTION'
			});
		}
	});

	it('answer BAD_REQUEST naming a depth, limit or interval out of range', async () => {
		const optionId = market.yes;
		const cases = [
			[visitor.books.get.query({ optionId, depth: 100 }), 'depth'],
			[visitor.books.trades.query({ optionId, limit: 201 }), 'limit'],
			[
				// Not one of the intervals, which the client's types refuse too.
				visitor.books.candles.query({ optionId, intervalSeconds: 61 as unknown as 60 }),
				'intervalSeconds'
			]
		] as const;
		for (const [call, field] of cases) {
			const refused = await rejectionOf(call);
			expect(refused.code).toBe('BAD_REQUEST');
			expect(Object.keys(refused.fieldErrors!)).toEqual([field]);
		}
	});
});

describe('subscriptions over the WebSocket', () => {
	it('books.onUpdate sends a snapshot, then the level the spec’s order makes', async () => {
		const book = follow<Update<'books', 'onUpdate'>>((handlers) =>
			visitorSocket.trpc.books.onUpdate.subscribe({ optionId: market.yes }, handlers)
		);
		try {
			const snapshot = await book.next();
			expect(snapshot.type).toBe('snapshot');
			await place(maker, limit('BUY', 3, 9));
			const delta = await book.next(
				(update) =>
					update.type === 'delta' &&
					update.levels.some((level) => level.side === 'BUY' && level.priceCents === 9)
			);
			expect(delta.type === 'delta' && delta.levels).toContainEqual({
				side: 'BUY',
				priceCents: 9,
				quantity: 3,
				orders: 1
			});
			expect(BigInt(delta.seq)).toBeGreaterThan(BigInt(snapshot.seq));
		} finally {
			book.stop();
		}
	});

	it('books.onUpdate refuses an option that does not exist: NOT_FOUND', async () => {
		const refused = await refusalOf<Update<'books', 'onUpdate'>>((handlers) =>
			visitorSocket.trpc.books.onUpdate.subscribe({ optionId: randomUUID() }, handlers)
		);
		expect(refused).toMatchObject({ code: 'NOT_FOUND', domainCode: 'UNKNOWN_OPTION' });
	});

	it('trades.onTrade and markets.onPrice send the spec’s trade as it happens', async () => {
		const trades = follow<Update<'trades', 'onTrade'>>((handlers) =>
			visitorSocket.trpc.trades.onTrade.subscribe({ optionId: market.yes }, handlers)
		);
		const prices = follow<Update<'markets', 'onPrice'>>((handlers) =>
			visitorSocket.trpc.markets.onPrice.subscribe({ marketId: market.id }, handlers)
		);
		try {
			await Promise.all([trades.started, prices.started]);
			await place(maker, limit('SELL', 1, 55));
			const { fills } = await place(taker, limit('BUY', 1, 55));
			const tradeId = fills[0]!.tradeId;
			expect(await trades.next((trade) => trade.id === tradeId)).toMatchObject({
				priceCents: 55,
				quantity: 1,
				takerSide: 'BUY'
			});
			expect(await prices.next()).toEqual({ optionId: market.yes, priceCents: 55, quantity: 1 });
		} finally {
			trades.stop();
			prices.stop();
		}
	});

	it('trades.onTrade refuses a lastEventId it never sent, and markets.onPrice an unknown market', async () => {
		const resumed = await refusalOf<Update<'trades', 'onTrade'>>((handlers) =>
			visitorSocket.trpc.trades.onTrade.subscribe(
				{ optionId: market.yes, lastEventId: 'not-an-event' },
				handlers
			)
		);
		expect(resumed.code).toBe('BAD_REQUEST');
		expect(Object.keys(resumed.fieldErrors!)).toEqual(['lastEventId']);
		const unknown = await refusalOf<Update<'markets', 'onPrice'>>((handlers) =>
			visitorSocket.trpc.markets.onPrice.subscribe({ marketId: randomUUID() }, handlers)
		);
		expect(unknown).toMatchObject({ code: 'NOT_FOUND', domainCode: 'MARKET_NOT_FOUND' });
	});

	it('orders.onMyUpdates sends the trader’s own order as it rests and as it is cancelled', async () => {
		const updates = follow<Update<'orders', 'onMyUpdates'>>((handlers) =>
			makerSocket.trpc.orders.onMyUpdates.subscribe(undefined, handlers)
		);
		try {
			await updates.started;
			const { order } = await place(maker, limit('BUY', 2, 8));
			const ofOrder = (status: string) => (update: (typeof updates.items)[number]) =>
				update.type === 'order' && update.order.id === order.id && update.order.status === status;
			const rested = await updates.next(ofOrder('OPEN'));
			expect(rested.type === 'order' && rested.order).toMatchObject({
				userId: makerId,
				optionId: market.yes,
				side: 'BUY',
				priceCents: 8,
				quantity: 2
			});
			await maker.orders.cancel.mutate({ orderId: order.id });
			expect(await updates.next(ofOrder('CANCELLED'))).toMatchObject({ fills: [] });
		} finally {
			updates.stop();
		}
	});

	it('positions.onMyUpdates sends the positions, then again after the trader’s fill', async () => {
		const updates = follow<Update<'positions', 'onMyUpdates'>>((handlers) =>
			takerSocket.trpc.positions.onMyUpdates.subscribe(undefined, handlers)
		);
		const yesQuantity = (update: (typeof updates.items)[number]) =>
			update.positions.find((position) => position.optionId === market.yes)?.quantity ?? 0;
		try {
			const before = yesQuantity(await updates.next());
			await place(maker, limit('SELL', 2, 57));
			await place(taker, limit('BUY', 2, 57));
			const after = await updates.next((update) => yesQuantity(update) === before + 2);
			expect(after.positions.find((position) => position.optionId === market.yes)).toMatchObject({
				marketStatus: 'OPEN',
				lastPriceCents: 57
			});
		} finally {
			updates.stop();
		}
	});

	it('orders.onMyUpdates and positions.onMyUpdates refuse a signed-out socket: UNAUTHORIZED', async () => {
		const orders = await refusalOf<Update<'orders', 'onMyUpdates'>>((handlers) =>
			visitorSocket.trpc.orders.onMyUpdates.subscribe(undefined, handlers)
		);
		const positions = await refusalOf<Update<'positions', 'onMyUpdates'>>((handlers) =>
			visitorSocket.trpc.positions.onMyUpdates.subscribe(undefined, handlers)
		);
		for (const refused of [orders, positions]) {
			expect(refused).toMatchObject({ code: 'UNAUTHORIZED', domainCode: 'NOT_SIGNED_IN' });
		}
	});
});

// One market through its life, a step per test, in order: made, halted, reopened, its close time
// moved, closed, voided; markets.onStatus follows it throughout.
describe('running a market (ADMIN)', () => {
	let status: Followed<Update<'markets', 'onStatus'>>;
	const lifecycleId = () => lifecycle!.id;

	afterAll(() => status?.stop());

	it('refuses a trader every admin procedure (FORBIDDEN), and a signed-out caller (UNAUTHORIZED)', async () => {
		const marketId = market.id;
		for (const call of [
			taker.markets.create.mutate(newMarketInput('Will a trader make a market?')),
			taker.markets.halt.mutate({ marketId }),
			taker.markets.reopen.mutate({ marketId }),
			taker.markets.close.mutate({ marketId }),
			taker.markets.resolve.mutate({ marketId, winningOptionId: market.yes }),
			taker.markets.void.mutate({ marketId }),
			taker.markets.setCloseTime.mutate({ marketId, closesAt: new Date(Date.now() + DAY_MS) })
		]) {
			expect(await rejectionOf(call)).toMatchObject({
				code: 'FORBIDDEN',
				domainCode: 'ROLE_REQUIRED'
			});
		}
		expect(await rejectionOf(visitor.markets.halt.mutate({ marketId }))).toMatchObject({
			code: 'UNAUTHORIZED',
			domainCode: 'NOT_SIGNED_IN'
		});
		expect((await visitor.markets.get.query({ id: marketId })).status).toBe('OPEN');
	});

	it('markets.create makes an OPEN market with an empty book per option', async () => {
		const input = newMarketInput('Will the lifecycle run its course?');
		const created = await admin.markets.create.mutate(input);
		lifecycle = {
			id: created.id,
			slug: created.slug,
			yes: created.options[0]!.id,
			no: created.options[1]!.id
		};
		expect(created).toMatchObject({
			title: input.title,
			category: 'Testing',
			status: 'OPEN',
			closesAt: input.closesAt,
			resolution: null,
			resolvedOptionId: null
		});
		expect(created.slug).toMatch(
			/^will-the-lifecycle-run-its-course-kettle-[0-9a-f]{6}-[0-9a-f]{6}$/
		);
		expect(created.options.map((option) => [option.label, option.lastPriceCents])).toEqual([
			['Yes', null],
			['No', null]
		]);
		const book = await visitor.books.get.query({ optionId: lifecycle.yes });
		expect(book).toMatchObject({ bids: [], asks: [], lastPriceCents: null });

		status = follow<Update<'markets', 'onStatus'>>((handlers) =>
			visitorSocket.trpc.markets.onStatus.subscribe({ marketId: created.id }, handlers)
		);
		expect(await status.next()).toMatchObject({ marketId: created.id, status: 'OPEN' });
	});

	it('markets.create refuses a close time in the past and options of one label: BAD_REQUEST', async () => {
		const past = await rejectionOf(
			admin.markets.create.mutate({
				...newMarketInput('Will yesterday come back?'),
				closesAt: new Date(Date.now() - DAY_MS)
			})
		);
		expect(past.code).toBe('BAD_REQUEST');
		expect(Object.keys(past.fieldErrors!)).toEqual(['closesAt']);
		const same = await rejectionOf(
			admin.markets.create.mutate({
				...newMarketInput('Will yes beat yes?'),
				options: ['Yes', 'yes']
			})
		);
		expect(same.code).toBe('BAD_REQUEST');
		expect(Object.keys(same.fieldErrors!)).toEqual(['options']);
	});

	it('markets.halt halts it (on markets.onStatus too); halting it again is INVALID_TRANSITION', async () => {
		const halted = await admin.markets.halt.mutate({
			marketId: lifecycleId(),
			reason: 'Halted by the API procedures spec'
		});
		expect(halted).toEqual({
			marketId: lifecycleId(),
			status: 'HALTED',
			cancelledOrders: 0,
			settledPositions: 0,
			paidCents: 0
		});
		expect(await status.next()).toMatchObject({ status: 'HALTED' });
		expect(await rejectionOf(admin.markets.halt.mutate({ marketId: lifecycleId() }))).toMatchObject(
			{ code: 'PRECONDITION_FAILED', domainCode: 'INVALID_TRANSITION' }
		);
	});

	it('markets.reopen opens it again; reopening an open market is INVALID_TRANSITION', async () => {
		const reopened = await admin.markets.reopen.mutate({ marketId: lifecycleId() });
		expect(reopened).toMatchObject({ marketId: lifecycleId(), status: 'OPEN' });
		expect(await status.next()).toMatchObject({ status: 'OPEN' });
		expect(
			await rejectionOf(admin.markets.reopen.mutate({ marketId: lifecycleId() }))
		).toMatchObject({ code: 'PRECONDITION_FAILED', domainCode: 'INVALID_TRANSITION' });
	});

	it('markets.setCloseTime moves the close time ahead; a time gone by is BAD_REQUEST', async () => {
		const closesAt = new Date(Date.now() + 60 * DAY_MS);
		expect(await admin.markets.setCloseTime.mutate({ marketId: lifecycleId(), closesAt })).toEqual({
			marketId: lifecycleId(),
			closesAt,
			status: 'OPEN'
		});
		expect(await status.next()).toMatchObject({ status: 'OPEN', closesAt });
		const past = await rejectionOf(
			admin.markets.setCloseTime.mutate({
				marketId: lifecycleId(),
				closesAt: new Date(Date.now() - DAY_MS)
			})
		);
		expect(past.code).toBe('BAD_REQUEST');
		expect(Object.keys(past.fieldErrors!)).toEqual(['closesAt']);
	});

	it('markets.close cancels what rests on it; closing it again is INVALID_TRANSITION', async () => {
		const { order } = await maker.orders.place.mutate({
			marketId: lifecycleId(),
			optionId: lifecycle!.yes,
			side: 'BUY',
			priceCents: 40,
			quantity: 2
		});
		resting.push({ client: maker, orderId: order.id });
		const closed = await admin.markets.close.mutate({ marketId: lifecycleId() });
		expect(closed).toMatchObject({ status: 'CLOSED', cancelledOrders: 1 });
		expect((await maker.orders.get.query({ orderId: order.id })).order).toMatchObject({
			status: 'CANCELLED',
			rejectReason: 'MARKET_CLOSED'
		});
		expect(await status.next()).toMatchObject({ status: 'CLOSED' });
		expect(
			await rejectionOf(admin.markets.close.mutate({ marketId: lifecycleId() }))
		).toMatchObject({ code: 'PRECONDITION_FAILED', domainCode: 'INVALID_TRANSITION' });
	});

	it('markets.void ends it as RESOLVED with no winner; nothing moves it after', async () => {
		const voided = await admin.markets.void.mutate({ marketId: lifecycleId() });
		expect(voided).toEqual({
			marketId: lifecycleId(),
			status: 'RESOLVED',
			cancelledOrders: 0,
			settledPositions: 0,
			paidCents: 0
		});
		expect(await status.next()).toMatchObject({ status: 'RESOLVED', resolution: 'VOID' });
		expect(await visitor.markets.get.query({ id: lifecycleId() })).toMatchObject({
			status: 'RESOLVED',
			resolution: 'VOID',
			resolvedOptionId: null
		});
		const marketId = lifecycleId();
		for (const call of [
			admin.markets.void.mutate({ marketId }),
			admin.markets.resolve.mutate({ marketId, winningOptionId: lifecycle!.yes })
		]) {
			expect(await rejectionOf(call)).toMatchObject({
				code: 'PRECONDITION_FAILED',
				domainCode: 'INVALID_TRANSITION'
			});
		}
		expect(
			await rejectionOf(
				admin.markets.setCloseTime.mutate({ marketId, closesAt: new Date(Date.now() + DAY_MS) })
			)
		).toMatchObject({ code: 'PRECONDITION_FAILED', domainCode: 'MARKET_NOT_OPEN' });
	});

	it('markets.onStatus refuses a market that does not exist: NOT_FOUND', async () => {
		const refused = await refusalOf<Update<'markets', 'onStatus'>>((handlers) =>
			visitorSocket.trpc.markets.onStatus.subscribe({ marketId: randomUUID() }, handlers)
		);
		expect(refused).toMatchObject({ code: 'NOT_FOUND', domainCode: 'MARKET_NOT_FOUND' });
	});
});

// Last: it ends the market every test above trades in.
describe('markets.resolve', () => {
	it('refuses a winner that is no option of the market: NOT_FOUND UNKNOWN_OPTION', async () => {
		expect(
			await rejectionOf(
				admin.markets.resolve.mutate({ marketId: market.id, winningOptionId: randomUUID() })
			)
		).toMatchObject({ code: 'NOT_FOUND', domainCode: 'UNKNOWN_OPTION' });
		expect((await visitor.markets.get.query({ id: market.id })).status).toBe('OPEN');
	});

	it('pays 100¢ for each long share of the winner and short share of the loser', async () => {
		await place(maker, limit('BUY', 1, 5));
		const held = (await Promise.all([maker, taker].map((client) => client.positions.mine.query())))
			.flatMap(({ positions }) => positions)
			.filter((position) => position.marketId === market.id && position.quantity !== 0);
		const payoutCents = held.reduce(
			(sum, { optionId, quantity }) =>
				sum + 100 * (optionId === market.yes ? Math.max(quantity, 0) : Math.max(-quantity, 0)),
			0
		);
		const resolved = await admin.markets.resolve.mutate({
			marketId: market.id,
			winningOptionId: market.yes,
			reason: 'Resolved by the API procedures spec'
		});
		expect(resolved).toEqual({
			marketId: market.id,
			status: 'RESOLVED',
			cancelledOrders: 1,
			settledPositions: held.length,
			paidCents: payoutCents
		});
		expect(await visitor.markets.get.query({ id: market.id })).toMatchObject({
			status: 'RESOLVED',
			resolution: 'OPTION',
			resolvedOptionId: market.yes
		});
	});
});

import { TRPCError } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { aMarket } from '../../fixtures/markets';
import { anAdmin, callerFor } from '../../fixtures/services';
import { aTraderCaller, apiTestBed, failureOf, limit, type Market } from '../../fixtures/api';

const bed = apiTestBed();

/** What a call refused for its input said, one "field: message" per problem. */
async function inputProblemsOf(call: Promise<unknown>): Promise<string[]> {
	const error = await call.then(
		() => new Error('Expected the call to fail, and it succeeded'),
		(reason: unknown) => reason
	);
	if (!(error instanceof TRPCError && error.cause instanceof ZodError)) throw error;
	return error.cause.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

/** A trade of `quantity` at `priceCents` on the market's first option, stamped `at`. */
async function aTradeAt(market: Market, priceCents: number, quantity: number, at: string) {
	const seller = await aTraderCaller(bed);
	const buyer = await aTraderCaller(bed);
	await seller.api.orders.place(limit(market, 'SELL', quantity, priceCents));
	const { fills } = await buyer.api.orders.place(limit(market, 'BUY', quantity, priceCents));
	// Trades are stamped now; move it to the time the test is about.
	await bed.db.pool.query('UPDATE trades SET created_at = $2 WHERE id = $1::bigint', [
		fills[0]!.tradeId,
		at
	]);
	return fills[0]!.tradeId;
}

describe('my positions', () => {
	it('values a simple long and a simple short against the last trade price', async () => {
		const market = await aMarket(bed.db, { title: 'Will it rain?' });
		const long = await aTraderCaller(bed);
		const short = await aTraderCaller(bed);
		await short.api.orders.place(limit(market, 'SELL', 10, 40));
		await long.api.orders.place(limit(market, 'BUY', 10, 40));
		// Two others trade at 55, which becomes the option's last price.
		const c = await aTraderCaller(bed);
		const d = await aTraderCaller(bed);
		await d.api.orders.place(limit(market, 'SELL', 1, 55));
		await c.api.orders.place(limit(market, 'BUY', 1, 55));

		const longView = await long.api.positions.mine();
		expect(longView.engine).toBe('local');
		expect(longView.positions).toEqual([
			expect.objectContaining({
				marketTitle: 'Will it rain?',
				marketStatus: 'OPEN',
				optionLabel: 'Yes',
				quantity: 10,
				costBasisCents: 400,
				averagePriceCents: 40,
				realizedPnlCents: 0,
				lastPriceCents: 55,
				unrealizedPnlCents: 150 // (55 − 40) · 10
			})
		]);
		const shortView = await short.api.positions.mine();
		expect(shortView.positions).toEqual([
			expect.objectContaining({
				quantity: -10,
				costBasisCents: 600, // collateral: (100 − 40) · 10
				averagePriceCents: 40,
				unrealizedPnlCents: -150 // (40 − 55) · 10
			})
		]);
	});

	it('books realized PnL when a long is sold', async () => {
		const market = await aMarket(bed.db);
		const trader = await aTraderCaller(bed);
		const other = await aTraderCaller(bed);
		await other.api.orders.place(limit(market, 'SELL', 10, 40));
		await trader.api.orders.place(limit(market, 'BUY', 10, 40));
		await other.api.orders.place(limit(market, 'BUY', 4, 60));
		await trader.api.orders.place(limit(market, 'SELL', 4, 60));
		const [position] = (await trader.api.positions.mine()).positions;
		expect(position).toMatchObject({
			quantity: 6,
			costBasisCents: 240,
			averagePriceCents: 40,
			realizedPnlCents: 80, // (60 − 40) · 4
			unrealizedPnlCents: 120 // (60 − 40) · 6
		});
	});
});

describe('books', () => {
	it('shows the ladder, best first, to the depth asked, with its seq', async () => {
		const market = await aMarket(bed.db);
		const { api } = await aTraderCaller(bed);
		for (const price of [30, 32, 31]) await api.orders.place(limit(market, 'BUY', 2, price));
		await api.orders.place(limit(market, 'SELL', 5, 60));
		const anonymous = await callerFor(bed.services, null);
		const book = await anonymous.books.get({ optionId: market.optionIds[0]!, depth: 2 });
		expect(book.bids).toEqual([
			{ priceCents: 32, quantity: 2, orders: 1 },
			{ priceCents: 31, quantity: 2, orders: 1 }
		]);
		expect(book.asks).toEqual([{ priceCents: 60, quantity: 5, orders: 1 }]);
		expect(BigInt(book.seq)).toBeGreaterThan(0n);
		expect(book).toMatchObject({ engine: 'local', fallback: false });
	});

	it('answers NOT_FOUND for an option that does not exist', async () => {
		const anonymous = await callerFor(bed.services, null);
		const optionId = '00000000-0000-4000-8000-000000000000';
		for (const call of [
			() => anonymous.books.get({ optionId }),
			() => anonymous.books.trades({ optionId }),
			() => anonymous.books.candles({ optionId, intervalSeconds: 60 })
		]) {
			expect(await failureOf(call())).toMatchObject({
				code: 'NOT_FOUND',
				domainCode: 'UNKNOWN_OPTION'
			});
		}
	});

	it('answers an option that has not traded with no trades and no candles', async () => {
		const market = await aMarket(bed.db);
		const anonymous = await callerFor(bed.services, null);
		const optionId = market.optionIds[0]!;
		expect(await anonymous.books.trades({ optionId })).toEqual([]);
		expect(await anonymous.books.candles({ optionId, intervalSeconds: 60 })).toEqual([]);
	});

	it('lists recent trades newest first, without who traded', async () => {
		const market = await aMarket(bed.db);
		const seller = await aTraderCaller(bed);
		const buyer = await aTraderCaller(bed);
		await seller.api.orders.place(limit(market, 'SELL', 10, 40));
		await buyer.api.orders.place(limit(market, 'BUY', 2, 40));
		await buyer.api.orders.place(limit(market, 'BUY', 3, 40));
		const trades = await buyer.api.books.trades({ optionId: market.optionIds[0]!, limit: 10 });
		expect(trades.map((trade) => trade.quantity)).toEqual([3, 2]);
		expect(Object.keys(trades[0]!).sort()).toEqual([
			'createdAt',
			'id',
			'priceCents',
			'quantity',
			'takerSide'
		]);
	});

	it('orders trades and candles by time, with the trade id only breaking ties', async () => {
		const market = await aMarket(bed.db);
		const optionId = market.optionIds[0]!;
		// The two engines take trade ids in separate blocks, so a later trade can have a smaller id.
		// Here ids go 31, 33, 35 while time goes 33 and 35 (at the same instant), then 31.
		const last = await aTradeAt(market, 31, 1, '2026-01-01T19:35:25Z');
		const first = await aTradeAt(market, 33, 2, '2026-01-01T19:35:12Z');
		const tied = await aTradeAt(market, 35, 3, '2026-01-01T19:35:12Z');
		expect(BigInt(last)).toBeLessThan(BigInt(first));

		const anonymous = await callerFor(bed.services, null);
		const trades = await anonymous.books.trades({ optionId });
		// Newest first; of two at the same instant, the larger id first.
		expect(trades.map((trade) => trade.id)).toEqual([last, tied, first]);
		expect((await anonymous.books.trades({ optionId, limit: 1 })).map((t) => t.id)).toEqual([last]);

		// Opens at 33 (the smaller id of the two first), closes at 31 (the last, by time).
		const day = { from: new Date('2026-01-01T00:00:00Z'), to: new Date('2026-01-02T00:00:00Z') };
		expect(await anonymous.books.candles({ optionId, intervalSeconds: 86_400, ...day })).toEqual([
			{
				start: day.from,
				openCents: 33,
				highCents: 35,
				lowCents: 31,
				closeCents: 31,
				volume: 6,
				trades: 3
			}
		]);
	});

	it('aggregates trades into OHLC candles per interval', async () => {
		const market = await aMarket(bed.db);
		const optionId = market.optionIds[0]!;
		const seller = await aTraderCaller(bed);
		const buyer = await aTraderCaller(bed);
		const fills: [price: number, quantity: number, at: string][] = [
			[40, 1, '2026-01-01T00:00:10Z'],
			[45, 2, '2026-01-01T00:00:50Z'],
			[42, 3, '2026-01-01T00:01:05Z'],
			[47, 1, '2026-01-01T00:01:30Z']
		];
		for (const [price, quantity, at] of fills) {
			await seller.api.orders.place(limit(market, 'SELL', quantity, price));
			const { fills: made } = await buyer.api.orders.place(limit(market, 'BUY', quantity, price));
			// Trades are stamped now; move each to the time the test is about.
			await bed.db.pool.query('UPDATE trades SET created_at = $2 WHERE id = $1::bigint', [
				made[0]!.tradeId,
				at
			]);
		}
		const range = { from: new Date('2026-01-01T00:00:00Z'), to: new Date('2026-01-01T00:05:00Z') };
		expect(await buyer.api.books.candles({ optionId, intervalSeconds: 60, ...range })).toEqual([
			{
				start: new Date('2026-01-01T00:00:00Z'),
				openCents: 40,
				highCents: 45,
				lowCents: 40,
				closeCents: 45,
				volume: 3,
				trades: 2
			},
			{
				start: new Date('2026-01-01T00:01:00Z'),
				openCents: 42,
				highCents: 47,
				lowCents: 42,
				closeCents: 47,
				volume: 4,
				trades: 2
			}
		]);
		const fiveMinutes = await buyer.api.books.candles({ optionId, intervalSeconds: 300, ...range });
		expect(fiveMinutes).toEqual([
			expect.objectContaining({
				openCents: 40,
				highCents: 47,
				lowCents: 40,
				closeCents: 47,
				volume: 7
			})
		]);
		expect(
			await failureOf(buyer.api.books.candles({ optionId, intervalSeconds: 120 as 60, ...range }))
		).toMatchObject({ code: 'BAD_REQUEST', fields: ['intervalSeconds'] });
		expect(
			await inputProblemsOf(buyer.api.books.candles({ optionId, intervalSeconds: 61 as 60 }))
		).toEqual(['intervalSeconds: expected one of 60, 300, 3600, 86400 (seconds)']);
	});

	it('reads candles up to now unless told, and refuses more than 1000 intervals', async () => {
		const market = await aMarket(bed.db);
		const optionId = market.optionIds[0]!;
		await aTradeAt(market, 40, 1, new Date(Date.now() - 3 * 60_000).toISOString());
		const anonymous = await callerFor(bed.services, null);
		const since = (minutes: number) => new Date(Date.now() - minutes * 60_000);
		expect(await anonymous.books.candles({ optionId, intervalSeconds: 60 })).toHaveLength(1);
		expect(
			await anonymous.books.candles({ optionId, intervalSeconds: 60, from: since(999) })
		).toEqual([expect.objectContaining({ openCents: 40, trades: 1 })]);
		// 1000 intervals before now would be back to 1000 minutes ago: not from 1970.
		expect(
			await failureOf(anonymous.books.candles({ optionId, intervalSeconds: 60, from: new Date(0) }))
		).toMatchObject({ code: 'BAD_REQUEST', fields: ['from'] });
		expect(
			await inputProblemsOf(
				anonymous.books.candles({ optionId, intervalSeconds: 60, from: new Date(0) })
			)
		).toEqual([
			'from: from must be at most 1000 intervals of 60 s before to, which defaults to now'
		]);
		expect(
			await inputProblemsOf(
				anonymous.books.candles({
					optionId,
					intervalSeconds: 3600,
					from: new Date('2026-01-01T00:00:00Z'),
					to: new Date('2026-03-01T00:00:00Z')
				})
			)
		).toEqual(['from: from must be at most 1000 intervals of 3600 s before to']);
		expect(
			await failureOf(anonymous.books.candles({ optionId, intervalSeconds: 60, from: since(1001) }))
		).toMatchObject({ code: 'BAD_REQUEST', fields: ['from'] });
		expect(
			await failureOf(
				anonymous.books.candles({
					optionId,
					intervalSeconds: 60,
					from: new Date(Date.now() + 60_000)
				})
			)
		).toMatchObject({ code: 'BAD_REQUEST', fields: ['from'] });
		// Days reach further back.
		expect(
			await anonymous.books.candles({ optionId, intervalSeconds: 86_400, from: since(1001) })
		).toEqual([expect.objectContaining({ trades: 1 })]);
	});
});

describe('administering markets', () => {
	const newMarket = {
		title: 'Who wins the cup?',
		description: 'Settles on the final whistle.',
		category: 'Sports',
		closesAt: new Date(Date.now() + 86_400_000),
		options: ['Reds', 'Blues', 'Greens']
	};

	it('answers FORBIDDEN to a TRADER', async () => {
		const market = await aMarket(bed.db);
		const { api } = await aTraderCaller(bed);
		for (const call of [
			api.markets.create(newMarket),
			api.markets.halt({ marketId: market.id }),
			api.markets.reopen({ marketId: market.id }),
			api.markets.close({ marketId: market.id }),
			api.markets.resolve({ marketId: market.id, winningOptionId: market.optionIds[0]! }),
			api.markets.void({ marketId: market.id })
		]) {
			expect(await failureOf(call)).toMatchObject({ code: 'FORBIDDEN' });
		}
	});

	it('creates an open market with a book per option', async () => {
		const admin = await callerFor(bed.services, await anAdmin(bed.db));
		const created = await admin.markets.create(newMarket);
		expect(created.status).toBe('OPEN');
		expect(created.slug).toMatch(/^who-wins-the-cup-[0-9a-f]{6}$/);
		expect(created.options.map((option) => option.label)).toEqual(['Reds', 'Blues', 'Greens']);
		const book = await admin.books.get({ optionId: created.options[2]!.id });
		expect(book).toMatchObject({ bids: [], asks: [], lastPriceCents: null });
	});

	it('refuses a market with one option, naming the field', async () => {
		const admin = await callerFor(bed.services, await anAdmin(bed.db));
		expect(
			await failureOf(admin.markets.create({ ...newMarket, options: ['Only'] }))
		).toMatchObject({ code: 'BAD_REQUEST', fields: ['options'] });
	});

	it('halts and reopens a market; orders are rejected while halted', async () => {
		const market = await aMarket(bed.db);
		const admin = await callerFor(bed.services, await anAdmin(bed.db));
		const { api } = await aTraderCaller(bed);
		expect(await admin.markets.halt({ marketId: market.id })).toMatchObject({ status: 'HALTED' });
		const placed = await api.orders.place(limit(market, 'BUY', 1, 40));
		expect(placed.order.rejectReason).toBe('MARKET_NOT_OPEN');
		expect(await failureOf(admin.markets.halt({ marketId: market.id }))).toMatchObject({
			code: 'PRECONDITION_FAILED',
			domainCode: 'INVALID_TRANSITION'
		});
		await admin.markets.reopen({ marketId: market.id });
		expect((await api.orders.place(limit(market, 'BUY', 1, 40))).order.status).toBe('OPEN');
		await api.orders.cancelAll();
	});

	it('closes a market, cancelling resting orders and releasing their cash', async () => {
		const market = await aMarket(bed.db);
		const admin = await callerFor(bed.services, await anAdmin(bed.db));
		const { api } = await aTraderCaller(bed);
		await api.orders.place(limit(market, 'BUY', 10, 40));
		expect(await admin.markets.close({ marketId: market.id })).toMatchObject({
			status: 'CLOSED',
			cancelledOrders: 1
		});
		expect(await api.account.balance()).toMatchObject({ reservedCents: 0, availableCents: 10_000 });
	});

	it('resolves a market and pays 100¢ per winning share', async () => {
		const market = await aMarket(bed.db);
		const admin = await callerFor(bed.services, await anAdmin(bed.db));
		const long = await aTraderCaller(bed);
		const short = await aTraderCaller(bed);
		await short.api.orders.place(limit(market, 'SELL', 10, 40));
		await long.api.orders.place(limit(market, 'BUY', 10, 40));
		const other = await aMarket(bed.db);
		expect(
			await failureOf(
				admin.markets.resolve({ marketId: market.id, winningOptionId: other.optionIds[0]! })
			)
		).toMatchObject({ code: 'NOT_FOUND', domainCode: 'UNKNOWN_OPTION' });

		const resolved = await admin.markets.resolve({
			marketId: market.id,
			winningOptionId: market.optionIds[0]!
		});
		expect(resolved).toMatchObject({ status: 'RESOLVED', settledPositions: 2, paidCents: 1_000 });
		expect((await long.api.account.balance()).cashCents).toBe(10_000 - 400 + 1_000);
		expect((await short.api.account.balance()).cashCents).toBe(10_000 - 600);
		const [position] = (await long.api.positions.mine()).positions;
		expect(position).toMatchObject({
			marketStatus: 'RESOLVED',
			quantity: 0,
			realizedPnlCents: 600
		});
		expect(await failureOf(admin.markets.void({ marketId: market.id }))).toMatchObject({
			code: 'PRECONDITION_FAILED'
		});
		// The list says how it ended, as the market itself does.
		const { items } = await long.api.markets.list({ status: ['RESOLVED'], limit: 100 });
		expect(items.find((item) => item.id === market.id)).toMatchObject({
			resolution: 'OPTION',
			resolvedOptionId: market.optionIds[0]
		});
	});

	it('voids a market, refunding each position at cost', async () => {
		const market = await aMarket(bed.db);
		const admin = await callerFor(bed.services, await anAdmin(bed.db));
		const long = await aTraderCaller(bed);
		const short = await aTraderCaller(bed);
		await short.api.orders.place(limit(market, 'SELL', 10, 40));
		await long.api.orders.place(limit(market, 'BUY', 10, 40));
		expect(await admin.markets.void({ marketId: market.id })).toMatchObject({
			status: 'RESOLVED',
			paidCents: 1_000
		});
		expect((await long.api.account.balance()).cashCents).toBe(10_000);
		expect((await short.api.account.balance()).cashCents).toBe(10_000);
		expect(await long.api.markets.get({ id: market.id })).toMatchObject({
			resolution: 'VOID',
			resolvedOptionId: null
		});
	});

	it('answers NOT_FOUND for a market that does not exist', async () => {
		const admin = await callerFor(bed.services, await anAdmin(bed.db));
		expect(
			await failureOf(admin.markets.halt({ marketId: '00000000-0000-4000-8000-000000000000' }))
		).toMatchObject({ code: 'NOT_FOUND', domainCode: 'MARKET_NOT_FOUND' });
	});
});

describe('the market list', () => {
	it('gives each option its last day: the price 24 h ago and the volume since', async () => {
		const market = await aMarket(bed.db, { title: 'Will the bridge open?' });
		const [optionId] = market.optionIds;
		const seller = await aTraderCaller(bed);
		const buyer = await aTraderCaller(bed);
		await seller.api.orders.place(limit(market, 'SELL', 4, 30));
		await buyer.api.orders.place(limit(market, 'BUY', 4, 30));
		// That trade happened yesterday; today's trades are at 45.
		await bed.db.pool.query(
			`UPDATE trades SET created_at = now() - interval '25 hours' WHERE option_id = $1`,
			[optionId]
		);
		await seller.api.orders.place(limit(market, 'SELL', 3, 45));
		await buyer.api.orders.place(limit(market, 'BUY', 3, 45));

		const { items } = await buyer.api.markets.list({ search: 'bridge' });
		expect(items).toHaveLength(1);
		expect(items[0]!.options[0]).toMatchObject({
			id: optionId,
			lastPriceCents: 45,
			dayAgoPriceCents: 30,
			volume24h: 3
		});
		expect(items[0]!.options[1]).toMatchObject({ dayAgoPriceCents: null, volume24h: 0 });
	});

	it('finds %, _ and \\ in a search as themselves, not as wildcards', async () => {
		const percent = await aMarket(bed.db, { title: 'Will inflation top 3% in May?' });
		const underscore = await aMarket(bed.db, { title: 'Will snake_case win the vote?' });
		const backslash = await aMarket(bed.db, { title: 'Will C:\\temp fill up?' });
		const anonymous = await callerFor(bed.services, null);
		const found = async (search: string) =>
			(await anonymous.markets.list({ search, limit: 100 })).items.map((item) => item.id);
		expect(await found('%')).toEqual([percent.id]);
		expect(await found('3%')).toEqual([percent.id]);
		expect(await found('_')).toEqual([underscore.id]);
		expect(await found('e_c')).toEqual([underscore.id]);
		expect(await found('\\')).toEqual([backslash.id]);
		expect(await found('\\t')).toEqual([backslash.id]);
	});

	it('pages by cursor through markets made at the same instant, each once', async () => {
		const made = await Promise.all(
			[1, 2, 3, 4, 5].map(() => aMarket(bed.db, { title: 'Will the paging hold?' }))
		);
		await bed.db.pool.query(
			`UPDATE markets SET created_at = '2026-01-01T00:00:00Z' WHERE id = ANY($1::uuid[])`,
			[made.map((market) => market.id)]
		);
		const anonymous = await callerFor(bed.services, null);
		const seen: string[] = [];
		let cursor: string | undefined;
		do {
			const page = await anonymous.markets.list({ search: 'paging hold', limit: 2, cursor });
			seen.push(...page.items.map((market) => market.id));
			cursor = page.nextCursor ?? undefined;
		} while (cursor);
		expect(seen.sort()).toEqual(made.map((market) => market.id).sort());
	});

	it('refuses a cursor that is no market, as the order list refuses one that is no order', async () => {
		const anonymous = await callerFor(bed.services, null);
		expect(
			await failureOf(anonymous.markets.list({ cursor: '00000000-0000-4000-8000-000000000000' }))
		).toMatchObject({ code: 'NOT_FOUND', domainCode: 'MARKET_NOT_FOUND' });
	});
});

describe('procedures that take no input', () => {
	it('refuse a field they do not know, and take no input or an empty one', async () => {
		const { api } = await aTraderCaller(bed);
		for (const call of [
			() => api.account.balance({ x: 1 } as never),
			() => api.positions.mine({ x: 1 } as never)
		]) {
			expect(await failureOf(call())).toMatchObject({ code: 'BAD_REQUEST' });
		}
		expect(await api.account.balance()).toMatchObject({ availableCents: 10_000 });
		expect(await api.account.balance({})).toMatchObject({ availableCents: 10_000 });
		expect(await api.positions.mine()).toMatchObject({ positions: [] });
		expect(await api.positions.mine({})).toMatchObject({ positions: [] });
	});
});

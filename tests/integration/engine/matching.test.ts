// Matching through the local engine on a real database: limit orders resting and trading at
// the maker's price in price-time priority, partial fills and statuses, self-trade prevention,
// and the book that results.
import { describe, expect, it } from 'vitest';
import { aMarket } from '../../fixtures/markets';
import {
	cashOf,
	engineTestBed,
	levelsOf,
	placeLimit,
	place,
	storedOrder,
	succeeded,
	tradersWithCash,
	codeOf
} from '../../fixtures/engine';

const bed = engineTestBed();

describe('placing a limit order', () => {
	it('rests on an empty book as OPEN and shows in the book', async () => {
		const market = await aMarket(bed.db);
		const [alice] = await tradersWithCash(bed.db, 1);
		const { order, fills } = await placeLimit(bed.engine, alice!, market, {
			side: 'BUY',
			priceCents: 45,
			quantity: 10
		});
		expect(order.status).toBe('OPEN');
		expect(order.filledQuantity).toBe(0);
		expect(fills).toEqual([]);
		expect(order.engine).toBe('local');
		expect((await storedOrder(bed.db, order.id)).status).toBe('OPEN');
		expect(await levelsOf(bed.engine, market.optionIds[0]!)).toEqual({
			bids: [{ priceCents: 45, quantity: 10, orders: 1 }],
			asks: []
		});
	});

	it('trades at the resting order’s price, not the incoming one', async () => {
		const market = await aMarket(bed.db);
		const [maker, taker] = await tradersWithCash(bed.db, 2);
		const ask = await placeLimit(bed.engine, maker!, market, {
			side: 'SELL',
			priceCents: 52,
			quantity: 5
		});
		const bid = await placeLimit(bed.engine, taker!, market, {
			side: 'BUY',
			priceCents: 60,
			quantity: 5
		});
		expect(bid.order.status).toBe('FILLED');
		expect(bid.fills).toEqual([
			expect.objectContaining({
				orderId: bid.order.id,
				priceCents: 52,
				quantity: 5,
				liquidity: 'TAKER'
			})
		]);
		const makerRow = await storedOrder(bed.db, ask.order.id);
		expect(makerRow.status).toBe('FILLED');
		expect(makerRow.filledQuantity).toBe(5);
		const book = succeeded(await bed.engine.getOrderBook(market.optionIds[0]!));
		expect(book.lastPriceCents).toBe(52);
		expect(book.bids).toEqual([]);
		expect(book.asks).toEqual([]);
	});

	it('fills the better price first, even when it arrived later', async () => {
		const market = await aMarket(bed.db);
		const [early, late, buyer] = await tradersWithCash(bed.db, 3);
		const dearer = await placeLimit(bed.engine, early!, market, {
			side: 'SELL',
			priceCents: 55,
			quantity: 5
		});
		const cheaper = await placeLimit(bed.engine, late!, market, {
			side: 'SELL',
			priceCents: 50,
			quantity: 5
		});
		const { fills } = await placeLimit(bed.engine, buyer!, market, {
			side: 'BUY',
			priceCents: 60,
			quantity: 5
		});
		expect(fills).toEqual([expect.objectContaining({ priceCents: 50, quantity: 5 })]);
		expect((await storedOrder(bed.db, cheaper.order.id)).status).toBe('FILLED');
		expect((await storedOrder(bed.db, dearer.order.id)).status).toBe('OPEN');
	});

	it('fills makers at the same price oldest first', async () => {
		const market = await aMarket(bed.db);
		const [first, second, buyer] = await tradersWithCash(bed.db, 3);
		const older = await placeLimit(bed.engine, first!, market, {
			side: 'SELL',
			priceCents: 50,
			quantity: 5
		});
		const newer = await placeLimit(bed.engine, second!, market, {
			side: 'SELL',
			priceCents: 50,
			quantity: 5
		});
		await placeLimit(bed.engine, buyer!, market, { side: 'BUY', priceCents: 50, quantity: 7 });
		const olderRow = await storedOrder(bed.db, older.order.id);
		const newerRow = await storedOrder(bed.db, newer.order.id);
		expect([olderRow.status, olderRow.filledQuantity]).toEqual(['FILLED', 5]);
		expect([newerRow.status, newerRow.filledQuantity]).toEqual(['PARTIALLY_FILLED', 2]);
	});

	it('rests the unfilled part of an incoming order as PARTIALLY_FILLED', async () => {
		const market = await aMarket(bed.db);
		const [seller, buyer] = await tradersWithCash(bed.db, 2);
		await placeLimit(bed.engine, seller!, market, { side: 'SELL', priceCents: 40, quantity: 3 });
		const { order, fills } = await placeLimit(bed.engine, buyer!, market, {
			side: 'BUY',
			priceCents: 41,
			quantity: 10
		});
		expect(order.status).toBe('PARTIALLY_FILLED');
		expect(order.filledQuantity).toBe(3);
		expect(fills.map((fill) => fill.quantity)).toEqual([3]);
		expect(await levelsOf(bed.engine, market.optionIds[0]!)).toEqual({
			bids: [{ priceCents: 41, quantity: 7, orders: 1 }],
			asks: []
		});
	});

	it('walks several price levels and returns one fill per maker order', async () => {
		const market = await aMarket(bed.db);
		const [a, b, c, buyer] = await tradersWithCash(bed.db, 4);
		await placeLimit(bed.engine, a!, market, { side: 'SELL', priceCents: 30, quantity: 2 });
		await placeLimit(bed.engine, b!, market, { side: 'SELL', priceCents: 31, quantity: 3 });
		await placeLimit(bed.engine, c!, market, { side: 'SELL', priceCents: 33, quantity: 4 });
		const { order, fills } = await placeLimit(bed.engine, buyer!, market, {
			side: 'BUY',
			priceCents: 32,
			quantity: 6
		});
		expect(fills.map((fill) => [fill.priceCents, fill.quantity])).toEqual([
			[30, 2],
			[31, 3]
		]);
		expect(new Set(fills.map((fill) => fill.tradeId)).size).toBe(2);
		expect(order.status).toBe('PARTIALLY_FILLED');
		expect(await levelsOf(bed.engine, market.optionIds[0]!)).toEqual({
			bids: [{ priceCents: 32, quantity: 1, orders: 1 }],
			asks: [{ priceCents: 33, quantity: 4, orders: 1 }]
		});
	});

	it('marks a partly filled maker PARTIALLY_FILLED and then FILLED', async () => {
		const market = await aMarket(bed.db);
		const [maker, taker] = await tradersWithCash(bed.db, 2);
		const bid = await placeLimit(bed.engine, maker!, market, {
			side: 'BUY',
			priceCents: 60,
			quantity: 10
		});
		const firstSale = await placeLimit(bed.engine, taker!, market, {
			side: 'SELL',
			priceCents: 60,
			quantity: 4
		});
		expect(firstSale.fills).toEqual([expect.objectContaining({ liquidity: 'TAKER' })]);
		expect((await storedOrder(bed.db, bid.order.id)).status).toBe('PARTIALLY_FILLED');
		await placeLimit(bed.engine, taker!, market, { side: 'SELL', priceCents: 59, quantity: 6 });
		const filled = await storedOrder(bed.db, bid.order.id);
		expect([filled.status, filled.filledQuantity]).toEqual(['FILLED', 10]);
	});
});

describe('an order meeting the same trader’s resting order', () => {
	it('does not trade: the resting order is CANCELLED and the incoming one rests', async () => {
		const market = await aMarket(bed.db);
		const [trader] = await tradersWithCash(bed.db, 1);
		const ask = await placeLimit(bed.engine, trader!, market, {
			side: 'SELL',
			priceCents: 50,
			quantity: 5
		});
		const bid = await placeLimit(bed.engine, trader!, market, {
			side: 'BUY',
			priceCents: 55,
			quantity: 5
		});
		expect(bid.fills).toEqual([]);
		expect(bid.order.status).toBe('OPEN');
		expect(await storedOrder(bed.db, ask.order.id)).toMatchObject({
			status: 'CANCELLED',
			rejectReason: 'SELF_TRADE'
		});
		expect(await levelsOf(bed.engine, market.optionIds[0]!)).toEqual({
			bids: [{ priceCents: 55, quantity: 5, orders: 1 }],
			asks: []
		});
		// Only the bid's reserve is held; the cancelled ask's (5 × 50¢) came back.
		expect(await cashOf(bed.db, trader!.id)).toEqual({ available: 10_000 - 275, reserved: 275 });
	});

	it('trades with other traders’ orders behind it in the queue', async () => {
		const market = await aMarket(bed.db);
		const [trader, other] = await tradersWithCash(bed.db, 2);
		const own = await placeLimit(bed.engine, trader!, market, {
			side: 'SELL',
			priceCents: 50,
			quantity: 5
		});
		const others = await placeLimit(bed.engine, other!, market, {
			side: 'SELL',
			priceCents: 50,
			quantity: 5
		});
		const bid = await placeLimit(bed.engine, trader!, market, {
			side: 'BUY',
			priceCents: 50,
			quantity: 4
		});
		expect(bid.fills).toEqual([expect.objectContaining({ quantity: 4, priceCents: 50 })]);
		expect(bid.order.status).toBe('FILLED');
		expect((await storedOrder(bed.db, own.order.id)).status).toBe('CANCELLED');
		expect((await storedOrder(bed.db, others.order.id)).filledQuantity).toBe(4);
		const { rows } = await bed.db.pool.query(
			'SELECT 1 FROM trades WHERE buyer_id = seller_id OR (buyer_id = $1 AND seller_id = $1)',
			[trader!.id]
		);
		expect(rows).toEqual([]);
	});

	it('cancels the resting order on the bid side as well', async () => {
		const market = await aMarket(bed.db);
		const [trader] = await tradersWithCash(bed.db, 1);
		const bid = await placeLimit(bed.engine, trader!, market, {
			side: 'BUY',
			priceCents: 60,
			quantity: 2
		});
		const ask = await placeLimit(bed.engine, trader!, market, {
			side: 'SELL',
			priceCents: 58,
			quantity: 2
		});
		expect(ask.fills).toEqual([]);
		expect((await storedOrder(bed.db, bid.order.id)).status).toBe('CANCELLED');
		expect((await storedOrder(bed.db, ask.order.id)).status).toBe('OPEN');
		expect(await cashOf(bed.db, trader!.id)).toEqual({ available: 10_000 - 84, reserved: 84 });
	});
});

describe('reading a book', () => {
	it('aggregates orders per price level, best price first on both sides', async () => {
		const market = await aMarket(bed.db);
		const [alice, bob] = await tradersWithCash(bed.db, 2);
		for (const [side, priceCents, quantity] of [
			['BUY', 40, 5],
			['BUY', 42, 1],
			['BUY', 40, 2],
			['SELL', 60, 3],
			['SELL', 58, 4],
			['SELL', 60, 6]
		] as const) {
			await placeLimit(bed.engine, side === 'BUY' ? alice! : bob!, market, {
				side,
				priceCents,
				quantity
			});
		}
		const book = succeeded(await bed.engine.getOrderBook(market.optionIds[0]!));
		expect(book.bids).toEqual([
			{ priceCents: 42, quantity: 1, orders: 1 },
			{ priceCents: 40, quantity: 7, orders: 2 }
		]);
		expect(book.asks).toEqual([
			{ priceCents: 58, quantity: 4, orders: 1 },
			{ priceCents: 60, quantity: 9, orders: 2 }
		]);
		expect(book.lastPriceCents).toBeNull();
		const top = succeeded(await bed.engine.getOrderBook(market.optionIds[0]!, 1));
		expect([top.bids.length, top.asks.length]).toEqual([1, 1]);
	});

	it('keeps each option’s book apart', async () => {
		const market = await aMarket(bed.db, { options: ['Alice', 'Bob', 'Carol'] });
		const [trader] = await tradersWithCash(bed.db, 1);
		await placeLimit(bed.engine, trader!, market, {
			side: 'BUY',
			priceCents: 30,
			quantity: 1,
			option: 2
		});
		expect((await levelsOf(bed.engine, market.optionIds[0]!)).bids).toEqual([]);
		expect((await levelsOf(bed.engine, market.optionIds[2]!)).bids).toHaveLength(1);
	});

	it('answers UNKNOWN_OPTION for an option that does not exist', async () => {
		const result = await bed.engine.getOrderBook('00000000-0000-4000-8000-000000000000');
		expect(codeOf(result)).toBe('UNKNOWN_OPTION');
	});

	it('refuses an order whose option belongs to another market', async () => {
		const market = await aMarket(bed.db);
		const other = await aMarket(bed.db);
		const [trader] = await tradersWithCash(bed.db, 1);
		const result = await place(
			bed.engine,
			trader!,
			{ id: market.id, optionIds: other.optionIds },
			{ side: 'BUY', priceCents: 50, quantity: 1 }
		);
		expect(codeOf(result)).toBe('UNKNOWN_OPTION');
	});
});

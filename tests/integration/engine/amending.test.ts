// Amending a resting order through the local engine: a smaller quantity keeps its place in
// the queue, a new price (or a larger quantity) loses it, a crossing price trades, and an
// amend the trader cannot pay for, or of an order that is not theirs, changes nothing.
import { describe, expect, it } from 'vitest';
import { AmendOrderInput } from '../../../src/lib/shared/orders';
import { aMarket } from '../../fixtures/markets';
import {
	cashOf,
	codeOf,
	engineTestBed,
	levelsOf,
	placeLimit,
	storedOrder,
	succeeded,
	tradersWithCash
} from '../../fixtures/engine';

const bed = engineTestBed();

const amend = (
	userId: string,
	fields: { orderId: string; quantity?: number; priceCents?: number }
) => bed.engine.amend(userId, AmendOrderInput.parse(fields));

describe('amending an order’s quantity down', () => {
	it('keeps its place in the queue', async () => {
		const market = await aMarket(bed.db);
		const [first, second, seller] = await tradersWithCash(bed.db, 3);
		const older = await placeLimit(bed.engine, first!, market, {
			side: 'BUY',
			priceCents: 50,
			quantity: 10
		});
		const newer = await placeLimit(bed.engine, second!, market, {
			side: 'BUY',
			priceCents: 50,
			quantity: 10
		});
		const amended = succeeded(await amend(first!.id, { orderId: older.order.id, quantity: 4 }));
		expect([amended.order.quantity, amended.order.status]).toEqual([4, 'OPEN']);
		await placeLimit(bed.engine, seller!, market, { side: 'SELL', priceCents: 50, quantity: 4 });
		expect((await storedOrder(bed.db, older.order.id)).status).toBe('FILLED');
		expect((await storedOrder(bed.db, newer.order.id)).filledQuantity).toBe(0);
	});

	it('releases the reserve of the shares taken off', async () => {
		const market = await aMarket(bed.db);
		const [buyer] = await tradersWithCash(bed.db, 1);
		const { order } = await placeLimit(bed.engine, buyer!, market, {
			side: 'BUY',
			priceCents: 50,
			quantity: 10
		});
		await amend(buyer!.id, { orderId: order.id, quantity: 4 });
		expect(await cashOf(bed.db, buyer!.id)).toEqual({ available: 10_000 - 200, reserved: 200 });
		expect(await levelsOf(bed.engine, market.optionIds[0]!)).toEqual({
			bids: [{ priceCents: 50, quantity: 4, orders: 1 }],
			asks: []
		});
	});

	it('counts the new quantity as the order’s total, filled shares included', async () => {
		const market = await aMarket(bed.db);
		const [buyer, seller] = await tradersWithCash(bed.db, 2);
		const { order } = await placeLimit(bed.engine, buyer!, market, {
			side: 'BUY',
			priceCents: 50,
			quantity: 10
		});
		await placeLimit(bed.engine, seller!, market, { side: 'SELL', priceCents: 50, quantity: 3 });
		const amended = succeeded(await amend(buyer!.id, { orderId: order.id, quantity: 5 }));
		expect([amended.order.quantity, amended.order.filledQuantity]).toEqual([5, 3]);
		expect(amended.order.status).toBe('PARTIALLY_FILLED');
		expect((await levelsOf(bed.engine, market.optionIds[0]!)).bids).toEqual([
			{ priceCents: 50, quantity: 2, orders: 1 }
		]);
		expect(await cashOf(bed.db, buyer!.id)).toEqual({
			available: 10_000 - 150 - 100,
			reserved: 100
		});
	});

	it('refuses a quantity that is not above what already filled', async () => {
		const market = await aMarket(bed.db);
		const [buyer, seller] = await tradersWithCash(bed.db, 2);
		const { order } = await placeLimit(bed.engine, buyer!, market, {
			side: 'BUY',
			priceCents: 50,
			quantity: 10
		});
		await placeLimit(bed.engine, seller!, market, { side: 'SELL', priceCents: 50, quantity: 3 });
		expect(codeOf(await amend(buyer!.id, { orderId: order.id, quantity: 3 }))).toBe(
			'ORDER_NOT_AMENDABLE'
		);
		expect((await storedOrder(bed.db, order.id)).quantity).toBe(10);
	});
});

describe('amending an order’s price', () => {
	it('sends it to the back of its new level', async () => {
		const market = await aMarket(bed.db);
		const [first, second, seller] = await tradersWithCash(bed.db, 3);
		const moved = await placeLimit(bed.engine, first!, market, {
			side: 'BUY',
			priceCents: 51,
			quantity: 5
		});
		const waiting = await placeLimit(bed.engine, second!, market, {
			side: 'BUY',
			priceCents: 50,
			quantity: 5
		});
		succeeded(await amend(first!.id, { orderId: moved.order.id, priceCents: 50 }));
		await placeLimit(bed.engine, seller!, market, { side: 'SELL', priceCents: 50, quantity: 5 });
		expect((await storedOrder(bed.db, waiting.order.id)).status).toBe('FILLED');
		expect((await storedOrder(bed.db, moved.order.id)).status).toBe('OPEN');
	});

	it('reserves at the new price', async () => {
		const market = await aMarket(bed.db);
		const [buyer] = await tradersWithCash(bed.db, 1);
		const { order } = await placeLimit(bed.engine, buyer!, market, {
			side: 'BUY',
			priceCents: 50,
			quantity: 10
		});
		await amend(buyer!.id, { orderId: order.id, priceCents: 35 });
		expect(await cashOf(bed.db, buyer!.id)).toEqual({ available: 10_000 - 350, reserved: 350 });
	});

	it('trades at the resting price when the new price crosses the book', async () => {
		const market = await aMarket(bed.db);
		const [buyer, seller] = await tradersWithCash(bed.db, 2);
		const { order } = await placeLimit(bed.engine, buyer!, market, {
			side: 'BUY',
			priceCents: 40,
			quantity: 8
		});
		await placeLimit(bed.engine, seller!, market, { side: 'SELL', priceCents: 48, quantity: 5 });
		const amended = succeeded(await amend(buyer!.id, { orderId: order.id, priceCents: 50 }));
		expect(amended.fills).toEqual([
			expect.objectContaining({ priceCents: 48, quantity: 5, liquidity: 'TAKER' })
		]);
		expect([amended.order.status, amended.order.filledQuantity]).toEqual(['PARTIALLY_FILLED', 5]);
		expect(await levelsOf(bed.engine, market.optionIds[0]!)).toEqual({
			bids: [{ priceCents: 50, quantity: 3, orders: 1 }],
			asks: []
		});
		expect(await cashOf(bed.db, buyer!.id)).toEqual({
			available: 10_000 - 240 - 150,
			reserved: 150
		});
	});

	it('takes a fully filled order off the book, so it can no longer be cancelled or amended', async () => {
		const market = await aMarket(bed.db);
		const [buyer, seller] = await tradersWithCash(bed.db, 2);
		const { order } = await placeLimit(bed.engine, buyer!, market, {
			side: 'BUY',
			priceCents: 20,
			quantity: 5
		});
		await placeLimit(bed.engine, seller!, market, { side: 'SELL', priceCents: 34, quantity: 5 });
		const amended = succeeded(await amend(buyer!.id, { orderId: order.id, priceCents: 34 }));
		expect(amended.order.status).toBe('FILLED');

		expect(codeOf(await bed.engine.cancel(buyer!.id, order.id))).toBe('UNKNOWN_ORDER');
		expect(codeOf(await amend(buyer!.id, { orderId: order.id, quantity: 9 }))).toBe(
			'UNKNOWN_ORDER'
		);
		expect(await levelsOf(bed.engine, market.optionIds[0]!)).toEqual({ bids: [], asks: [] });
		expect(await cashOf(bed.db, buyer!.id)).toEqual({ available: 10_000 - 170, reserved: 0 });
	});
});

describe('amending an order’s quantity up', () => {
	it('sends it to the back of its level', async () => {
		const market = await aMarket(bed.db);
		const [first, second, seller] = await tradersWithCash(bed.db, 3);
		const grown = await placeLimit(bed.engine, first!, market, {
			side: 'BUY',
			priceCents: 50,
			quantity: 5
		});
		const waiting = await placeLimit(bed.engine, second!, market, {
			side: 'BUY',
			priceCents: 50,
			quantity: 5
		});
		succeeded(await amend(first!.id, { orderId: grown.order.id, quantity: 6 }));
		await placeLimit(bed.engine, seller!, market, { side: 'SELL', priceCents: 50, quantity: 5 });
		expect((await storedOrder(bed.db, waiting.order.id)).status).toBe('FILLED');
		expect((await storedOrder(bed.db, grown.order.id)).filledQuantity).toBe(0);
	});
});

/** The kinds of the order's cash journals, oldest first. */
async function journalKindsOf(orderId: string): Promise<string[]> {
	const { rows } = await bed.db.pool.query<{ kind: string }>(
		`SELECT kind FROM ledger_entries WHERE order_id = $1
		  GROUP BY journal_id, kind ORDER BY journal_id`,
		[orderId]
	);
	return rows.map((row) => row.kind);
}

describe('an amend that cannot go through', () => {
	it('is refused with INSUFFICIENT_FUNDS and leaves the order as it was', async () => {
		const market = await aMarket(bed.db);
		const [buyer, other, seller] = await tradersWithCash(bed.db, 3, 1_000n);
		const { order } = await placeLimit(bed.engine, buyer!, market, {
			side: 'BUY',
			priceCents: 50,
			quantity: 10
		});
		await placeLimit(bed.engine, other!, market, { side: 'BUY', priceCents: 50, quantity: 1 });
		const before = await storedOrder(bed.db, order.id);
		const result = await amend(buyer!.id, { orderId: order.id, quantity: 30 });
		expect(codeOf(result)).toBe('INSUFFICIENT_FUNDS');
		expect(await storedOrder(bed.db, order.id)).toEqual(before);
		expect(await cashOf(bed.db, buyer!.id)).toEqual({ available: 500, reserved: 500 });
		// Nothing was released and held again: the order's cash history is its one hold.
		expect(await journalKindsOf(order.id)).toEqual(['RESERVE']);
		// Still first in the queue.
		await placeLimit(bed.engine, seller!, market, { side: 'SELL', priceCents: 50, quantity: 10 });
		expect((await storedOrder(bed.db, order.id)).status).toBe('FILLED');
	});

	it('answers UNKNOWN_ORDER for someone else’s order and leaves it alone', async () => {
		const market = await aMarket(bed.db);
		const [owner, intruder] = await tradersWithCash(bed.db, 2);
		const { order } = await placeLimit(bed.engine, owner!, market, {
			side: 'BUY',
			priceCents: 50,
			quantity: 10
		});
		const result = await amend(intruder!.id, { orderId: order.id, quantity: 1 });
		expect(codeOf(result)).toBe('UNKNOWN_ORDER');
		expect((await storedOrder(bed.db, order.id)).quantity).toBe(10);
	});

	it('answers UNKNOWN_ORDER for an order that no longer rests', async () => {
		const market = await aMarket(bed.db);
		const [buyer] = await tradersWithCash(bed.db, 1);
		const { order } = await placeLimit(bed.engine, buyer!, market, {
			side: 'BUY',
			priceCents: 50,
			quantity: 10
		});
		succeeded(await bed.engine.cancel(buyer!.id, order.id));
		expect(codeOf(await amend(buyer!.id, { orderId: order.id, quantity: 5 }))).toBe(
			'UNKNOWN_ORDER'
		);
		expect(codeOf(await amend(buyer!.id, { orderId: '999999999', quantity: 5 }))).toBe(
			'UNKNOWN_ORDER'
		);
	});

	it('answers NOTHING_TO_AMEND when the order would stay the same', async () => {
		const market = await aMarket(bed.db);
		const [buyer] = await tradersWithCash(bed.db, 1);
		const { order } = await placeLimit(bed.engine, buyer!, market, {
			side: 'BUY',
			priceCents: 50,
			quantity: 10
		});
		const result = await amend(buyer!.id, { orderId: order.id, quantity: 10, priceCents: 50 });
		expect(codeOf(result)).toBe('NOTHING_TO_AMEND');
	});
});

describe('amending a post-only order', () => {
	it('is refused when the new price would cross, and the order stays as it was', async () => {
		const market = await aMarket(bed.db);
		const [maker, seller] = await tradersWithCash(bed.db, 2);
		const { order } = await placeLimit(bed.engine, maker!, market, {
			side: 'BUY',
			priceCents: 40,
			quantity: 5,
			postOnly: true
		});
		await placeLimit(bed.engine, seller!, market, {
			side: 'SELL',
			priceCents: 50,
			quantity: 5
		});
		const before = await storedOrder(bed.db, order.id);
		const result = await bed.engine.amend(
			maker!.id,
			AmendOrderInput.parse({ orderId: order.id, priceCents: 55 })
		);
		expect(result.ok).toBe(false);
		expect(await storedOrder(bed.db, order.id)).toEqual(before);
		expect(await cashOf(bed.db, maker!.id)).toEqual({
			available: 10_000 - 200,
			reserved: 200
		});
	});
});

describe('re-pricing an order that has already traded', () => {
	it('keeps its fills and rests at the new price', async () => {
		const market = await aMarket(bed.db);
		const [buyer, seller] = await tradersWithCash(bed.db, 2);
		const { order } = await placeLimit(bed.engine, buyer!, market, {
			side: 'BUY',
			priceCents: 50,
			quantity: 10
		});
		await placeLimit(bed.engine, seller!, market, {
			side: 'SELL',
			priceCents: 50,
			quantity: 4
		});
		const amended = succeeded(
			await bed.engine.amend(
				buyer!.id,
				AmendOrderInput.parse({ orderId: order.id, priceCents: 48 })
			)
		);
		expect([amended.order.priceCents, amended.order.filledQuantity]).toEqual([48, 4]);
		expect(await cashOf(bed.db, buyer!.id)).toEqual({
			available: 10_000 - 200 - 288,
			reserved: 288
		});
	});
});

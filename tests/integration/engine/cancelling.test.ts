// Cancelling through the local engine: one order, all of a trader's orders in a market or
// everywhere; what is held comes back exactly, and nobody can cancel another trader's order.
import { describe, expect, it } from 'vitest';
import { aMarket } from '../../fixtures/markets';
import {
	cashOf,
	codeOf,
	engineTestBed,
	levelsOf,
	placeLimit,
	positionOf,
	storedOrder,
	succeeded,
	tradersWithCash
} from '../../fixtures/engine';

const bed = engineTestBed();

describe('cancelling an order', () => {
	it('takes it off the book as CANCELLED and releases exactly its reserve', async () => {
		const market = await aMarket(bed.db);
		const [buyer] = await tradersWithCash(bed.db, 1);
		const kept = await placeLimit(bed.engine, buyer!, market, {
			side: 'BUY',
			priceCents: 20,
			quantity: 3
		});
		const { order } = await placeLimit(bed.engine, buyer!, market, {
			side: 'BUY',
			priceCents: 45,
			quantity: 7
		});
		expect(await cashOf(bed.db, buyer!.id)).toEqual({ available: 10_000 - 375, reserved: 375 });
		const cancelled = succeeded(await bed.engine.cancel(buyer!.id, order.id));
		expect(cancelled.id).toBe(order.id);
		expect(cancelled.status).toBe('CANCELLED');
		expect(await cashOf(bed.db, buyer!.id)).toEqual({ available: 10_000 - 60, reserved: 60 });
		// The trader knows why: a cancel they asked for carries no reason.
		expect(await storedOrder(bed.db, order.id)).toMatchObject({
			reservedCents: 0,
			rejectReason: null
		});
		expect((await storedOrder(bed.db, kept.order.id)).status).toBe('OPEN');
		expect((await levelsOf(bed.engine, market.optionIds[0]!)).bids).toEqual([
			{ priceCents: 20, quantity: 3, orders: 1 }
		]);
	});

	it('releases only the open part of a partly filled order', async () => {
		const market = await aMarket(bed.db);
		const [buyer, seller] = await tradersWithCash(bed.db, 2);
		const { order } = await placeLimit(bed.engine, buyer!, market, {
			side: 'BUY',
			priceCents: 40,
			quantity: 10
		});
		await placeLimit(bed.engine, seller!, market, { side: 'SELL', priceCents: 40, quantity: 4 });
		const cancelled = succeeded(await bed.engine.cancel(buyer!.id, order.id));
		expect([cancelled.status, cancelled.filledQuantity]).toEqual(['CANCELLED', 4]);
		expect(await cashOf(bed.db, buyer!.id)).toEqual({ available: 10_000 - 160, reserved: 0 });
	});

	it('unlocks the shares a sell order had locked', async () => {
		const market = await aMarket(bed.db);
		const optionId = market.optionIds[0]!;
		const [holder, seller] = await tradersWithCash(bed.db, 2);
		await placeLimit(bed.engine, seller!, market, { side: 'SELL', priceCents: 40, quantity: 5 });
		await placeLimit(bed.engine, holder!, market, { side: 'BUY', priceCents: 40, quantity: 5 });
		const { order } = await placeLimit(bed.engine, holder!, market, {
			side: 'SELL',
			priceCents: 60,
			quantity: 5
		});
		expect((await positionOf(bed.db, holder!.id, optionId)).lockedQuantity).toBe(5);
		succeeded(await bed.engine.cancel(holder!.id, order.id));
		expect((await positionOf(bed.db, holder!.id, optionId)).lockedQuantity).toBe(0);
		expect(await cashOf(bed.db, holder!.id)).toEqual({ available: 10_000 - 200, reserved: 0 });
	});

	it('answers UNKNOWN_ORDER for someone else’s order, which stays on the book', async () => {
		const market = await aMarket(bed.db);
		const [owner, intruder] = await tradersWithCash(bed.db, 2);
		const { order } = await placeLimit(bed.engine, owner!, market, {
			side: 'BUY',
			priceCents: 45,
			quantity: 7
		});
		expect(codeOf(await bed.engine.cancel(intruder!.id, order.id))).toBe('UNKNOWN_ORDER');
		expect((await storedOrder(bed.db, order.id)).status).toBe('OPEN');
	});

	it('answers UNKNOWN_ORDER the second time', async () => {
		const market = await aMarket(bed.db);
		const [buyer] = await tradersWithCash(bed.db, 1);
		const { order } = await placeLimit(bed.engine, buyer!, market, {
			side: 'BUY',
			priceCents: 45,
			quantity: 7
		});
		succeeded(await bed.engine.cancel(buyer!.id, order.id));
		expect(codeOf(await bed.engine.cancel(buyer!.id, order.id))).toBe('UNKNOWN_ORDER');
		expect(await cashOf(bed.db, buyer!.id)).toEqual({ available: 10_000, reserved: 0 });
	});

	it('answers UNKNOWN_ORDER for a filled order', async () => {
		const market = await aMarket(bed.db);
		const [buyer, seller] = await tradersWithCash(bed.db, 2);
		const { order } = await placeLimit(bed.engine, buyer!, market, {
			side: 'BUY',
			priceCents: 45,
			quantity: 2
		});
		await placeLimit(bed.engine, seller!, market, { side: 'SELL', priceCents: 45, quantity: 2 });
		expect(codeOf(await bed.engine.cancel(buyer!.id, order.id))).toBe('UNKNOWN_ORDER');
	});

	it('is allowed while the market is halted', async () => {
		const market = await aMarket(bed.db);
		const [buyer] = await tradersWithCash(bed.db, 1);
		const { order } = await placeLimit(bed.engine, buyer!, market, {
			side: 'BUY',
			priceCents: 45,
			quantity: 2
		});
		await bed.db.pool.query(`UPDATE markets SET status = 'HALTED' WHERE id = $1`, [market.id]);
		expect(succeeded(await bed.engine.cancel(buyer!.id, order.id)).status).toBe('CANCELLED');
	});
});

describe('cancelling all of a trader’s orders', () => {
	async function twoMarketsWithOrders() {
		const first = await aMarket(bed.db);
		const second = await aMarket(bed.db);
		const [trader, other] = await tradersWithCash(bed.db, 2);
		const orders = [
			await placeLimit(bed.engine, trader!, first, { side: 'BUY', priceCents: 10, quantity: 1 }),
			await placeLimit(bed.engine, trader!, first, {
				side: 'BUY',
				priceCents: 11,
				quantity: 1,
				option: 1
			}),
			await placeLimit(bed.engine, trader!, second, { side: 'BUY', priceCents: 12, quantity: 1 })
		].map((outcome) => outcome.order.id);
		const othersOrder = await placeLimit(bed.engine, other!, first, {
			side: 'BUY',
			priceCents: 13,
			quantity: 1
		});
		return { first, second, trader: trader!, orders, othersOrderId: othersOrder.order.id };
	}

	it('in one market cancels that market’s orders on every option, and no others', async () => {
		const { first, trader, orders, othersOrderId } = await twoMarketsWithOrders();
		const cancelled = await bed.engine.cancelAll(trader.id, { marketId: first.id });
		expect(cancelled.map((order) => order.id).sort()).toEqual([orders[0], orders[1]].sort());
		expect(cancelled.every((order) => order.status === 'CANCELLED')).toBe(true);
		expect((await storedOrder(bed.db, orders[2]!)).status).toBe('OPEN');
		expect((await storedOrder(bed.db, othersOrderId)).status).toBe('OPEN');
		expect(await cashOf(bed.db, trader.id)).toEqual({ available: 10_000 - 12, reserved: 12 });
	});

	it('everywhere cancels every resting order of the trader only', async () => {
		const { trader, orders, othersOrderId } = await twoMarketsWithOrders();
		const cancelled = await bed.engine.cancelAll(trader.id);
		expect(cancelled.map((order) => order.id).sort()).toEqual([...orders].sort());
		expect((await storedOrder(bed.db, othersOrderId)).status).toBe('OPEN');
		expect(await cashOf(bed.db, trader.id)).toEqual({ available: 10_000, reserved: 0 });
	});

	it('returns nothing when the trader has no resting orders', async () => {
		const [trader] = await tradersWithCash(bed.db, 1);
		expect(await bed.engine.cancelAll(trader!.id)).toEqual([]);
	});
});

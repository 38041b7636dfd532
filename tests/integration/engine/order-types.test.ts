// Order types and time in force through the local engine: market orders (an IOC limit at 99¢
// or 1¢), IOC, FOK, post-only and GTD; what each leaves on the book and holds of the cash.
import { describe, expect, it, onTestFinished } from 'vitest';
import type { OrderView } from '../../../src/lib/shared/orders';
import { EventHub } from '../../../src/lib/server/events';
import { aMarket } from '../../fixtures/markets';
import {
	cashOf,
	engineTestBed,
	levelsOf,
	placeLimit,
	placeMarket,
	positionOf,
	storedOrder,
	tradersWithCash
} from '../../fixtures/engine';

const bed = engineTestBed();
const HOUR_MS = 3_600_000;

describe('placing a market buy', () => {
	it('takes every ask at the makers’ prices and cancels the rest', async () => {
		const market = await aMarket(bed.db);
		const [seller, buyer] = await tradersWithCash(bed.db, 2);
		await placeLimit(bed.engine, seller!, market, { side: 'SELL', priceCents: 30, quantity: 2 });
		await placeLimit(bed.engine, seller!, market, { side: 'SELL', priceCents: 35, quantity: 3 });
		const { order, fills } = await placeMarket(bed.engine, buyer!, market, {
			side: 'BUY',
			quantity: 8
		});
		expect(fills.map((fill) => [fill.priceCents, fill.quantity])).toEqual([
			[30, 2],
			[35, 3]
		]);
		expect(order.type).toBe('MARKET');
		expect(order.timeInForce).toBe('IOC');
		expect(order.status).toBe('CANCELLED');
		expect(order.filledQuantity).toBe(5);
		expect((await levelsOf(bed.engine, market.optionIds[0]!)).asks).toEqual([]);
	});

	it('pays only for what it bought and releases the reserve of the rest', async () => {
		const market = await aMarket(bed.db);
		const [seller, buyer] = await tradersWithCash(bed.db, 2);
		await placeLimit(bed.engine, seller!, market, { side: 'SELL', priceCents: 30, quantity: 2 });
		await placeMarket(bed.engine, buyer!, market, { side: 'BUY', quantity: 8 });
		expect(await cashOf(bed.db, buyer!.id)).toEqual({ available: 10_000 - 60, reserved: 0 });
		expect(await positionOf(bed.db, buyer!.id, market.optionIds[0]!)).toMatchObject({
			quantity: 2,
			costBasisCents: 60
		});
	});

	it('is FILLED when the book has enough', async () => {
		const market = await aMarket(bed.db);
		const [seller, buyer] = await tradersWithCash(bed.db, 2);
		await placeLimit(bed.engine, seller!, market, { side: 'SELL', priceCents: 70, quantity: 9 });
		const { order } = await placeMarket(bed.engine, buyer!, market, { side: 'BUY', quantity: 4 });
		expect(order.status).toBe('FILLED');
		expect(await cashOf(bed.db, buyer!.id)).toEqual({ available: 10_000 - 280, reserved: 0 });
	});

	it('is CANCELLED with nothing filled on an empty book, and costs nothing', async () => {
		const market = await aMarket(bed.db);
		const [buyer] = await tradersWithCash(bed.db, 1);
		const { order, fills } = await placeMarket(bed.engine, buyer!, market, {
			side: 'BUY',
			quantity: 3
		});
		expect(order.status).toBe('CANCELLED');
		expect(fills).toEqual([]);
		expect(await cashOf(bed.db, buyer!.id)).toEqual({ available: 10_000, reserved: 0 });
		expect(await levelsOf(bed.engine, market.optionIds[0]!)).toEqual({ bids: [], asks: [] });
	});
});

describe('what an order that cannot rest holds', () => {
	it('is what the book can sell it at the worst price reached, not 99¢ a share', async () => {
		const market = await aMarket(bed.db);
		const [seller] = await tradersWithCash(bed.db, 1, 100_000n);
		const [buyer] = await tradersWithCash(bed.db, 1, 2_000n);
		for (const [priceCents, quantity] of [
			[5, 25],
			[6, 80],
			[7, 120]
		] as const) {
			await placeLimit(bed.engine, seller!, market, { side: 'SELL', priceCents, quantity });
		}
		// 225 shares at up to 7¢ hold 15.75 of the buyer's 20.00; 1,000 at 99¢ would need 990.00.
		const { order } = await placeMarket(bed.engine, buyer!, market, {
			side: 'BUY',
			quantity: 1_000
		});
		expect([order.status, order.filledQuantity]).toEqual(['CANCELLED', 225]);
		expect(await cashOf(bed.db, buyer!.id)).toEqual({
			available: 2_000 - (25 * 5 + 80 * 6 + 120 * 7),
			reserved: 0
		});
	});

	it('is refused when the cash does not cover even what the book holds, and changes nothing', async () => {
		const market = await aMarket(bed.db);
		const [seller] = await tradersWithCash(bed.db, 1);
		const [buyer] = await tradersWithCash(bed.db, 1, 1_000n);
		await placeLimit(bed.engine, seller!, market, { side: 'SELL', priceCents: 60, quantity: 20 });
		const { order } = await placeMarket(bed.engine, buyer!, market, { side: 'BUY', quantity: 20 });
		expect([order.status, order.rejectReason]).toEqual(['REJECTED', 'INSUFFICIENT_FUNDS']);
		expect(await cashOf(bed.db, buyer!.id)).toEqual({ available: 1_000, reserved: 0 });
		expect((await levelsOf(bed.engine, market.optionIds[0]!)).asks).toEqual([
			{ priceCents: 60, quantity: 20, orders: 1 }
		]);
	});

	it('for a market sell short, is 100 − the lowest bid reached for each share it can sell', async () => {
		const market = await aMarket(bed.db);
		const [bidder] = await tradersWithCash(bed.db, 1);
		const [seller] = await tradersWithCash(bed.db, 1, 400n);
		await placeLimit(bed.engine, bidder!, market, { side: 'BUY', priceCents: 40, quantity: 3 });
		await placeLimit(bed.engine, bidder!, market, { side: 'BUY', priceCents: 30, quantity: 2 });
		// 5 shares short hold (100 − 30) × 5 = 3.50 of 4.00; at 1¢ they would need 99¢ × 100.
		const { order } = await placeMarket(bed.engine, seller!, market, {
			side: 'SELL',
			quantity: 100
		});
		expect(order.filledQuantity).toBe(5);
		expect(await cashOf(bed.db, seller!.id)).toEqual({
			available: 400 - (3 * 60 + 2 * 70),
			reserved: 0
		});
		expect(await positionOf(bed.db, seller!.id, market.optionIds[0]!)).toMatchObject({
			quantity: -5
		});
	});

	it('is nothing on an empty book: a market buy by a trader with no cash is cancelled, not refused', async () => {
		const market = await aMarket(bed.db);
		const [buyer] = await tradersWithCash(bed.db, 1, 0n);
		const { order } = await placeMarket(bed.engine, buyer!, market, { side: 'BUY', quantity: 5 });
		expect([order.status, order.rejectReason]).toEqual(['CANCELLED', null]);
	});
});

describe('placing a market sell', () => {
	it('sells held shares into the bids down to 1¢ and cancels the rest', async () => {
		const market = await aMarket(bed.db);
		const [holder, highBidder, lowBidder] = await tradersWithCash(bed.db, 3);
		// holder buys 5 shares at 50 first.
		await placeLimit(bed.engine, highBidder!, market, {
			side: 'SELL',
			priceCents: 50,
			quantity: 5
		});
		await placeLimit(bed.engine, holder!, market, { side: 'BUY', priceCents: 50, quantity: 5 });
		await placeLimit(bed.engine, highBidder!, market, {
			side: 'BUY',
			priceCents: 45,
			quantity: 2
		});
		await placeLimit(bed.engine, lowBidder!, market, { side: 'BUY', priceCents: 3, quantity: 1 });
		const { order, fills } = await placeMarket(bed.engine, holder!, market, {
			side: 'SELL',
			quantity: 5
		});
		expect(fills.map((fill) => [fill.priceCents, fill.quantity])).toEqual([
			[45, 2],
			[3, 1]
		]);
		expect([order.status, order.filledQuantity]).toEqual(['CANCELLED', 3]);
		expect(await cashOf(bed.db, holder!.id)).toEqual({
			available: 10_000 - 250 + 90 + 3,
			reserved: 0
		});
		expect(await positionOf(bed.db, holder!.id, market.optionIds[0]!)).toMatchObject({
			quantity: 2,
			lockedQuantity: 0
		});
	});
});

describe('placing an IOC order', () => {
	it('fills what it can, cancels the rest and never rests', async () => {
		const market = await aMarket(bed.db);
		const [seller, buyer] = await tradersWithCash(bed.db, 2);
		await placeLimit(bed.engine, seller!, market, { side: 'SELL', priceCents: 40, quantity: 3 });
		const { order, fills } = await placeLimit(bed.engine, buyer!, market, {
			side: 'BUY',
			priceCents: 45,
			quantity: 10,
			timeInForce: 'IOC'
		});
		expect(fills.map((fill) => fill.quantity)).toEqual([3]);
		expect([order.status, order.filledQuantity]).toEqual(['CANCELLED', 3]);
		expect((await levelsOf(bed.engine, market.optionIds[0]!)).bids).toEqual([]);
		expect(await cashOf(bed.db, buyer!.id)).toEqual({ available: 10_000 - 120, reserved: 0 });
	});

	it('is FILLED when the book covers it', async () => {
		const market = await aMarket(bed.db);
		const [seller, buyer] = await tradersWithCash(bed.db, 2);
		await placeLimit(bed.engine, seller!, market, { side: 'SELL', priceCents: 40, quantity: 3 });
		const { order } = await placeLimit(bed.engine, buyer!, market, {
			side: 'BUY',
			priceCents: 40,
			quantity: 3,
			timeInForce: 'IOC'
		});
		expect(order.status).toBe('FILLED');
	});
});

describe('placing a FOK order', () => {
	it('rejects when the book cannot fill it entirely, leaving book and cash unchanged', async () => {
		const market = await aMarket(bed.db);
		const [seller, buyer] = await tradersWithCash(bed.db, 2);
		await placeLimit(bed.engine, seller!, market, { side: 'SELL', priceCents: 40, quantity: 3 });
		await placeLimit(bed.engine, seller!, market, { side: 'SELL', priceCents: 47, quantity: 5 });
		const bookBefore = await levelsOf(bed.engine, market.optionIds[0]!);
		const { order, fills } = await placeLimit(bed.engine, buyer!, market, {
			side: 'BUY',
			priceCents: 45,
			quantity: 4,
			timeInForce: 'FOK'
		});
		expect(order.status).toBe('REJECTED');
		expect(order.rejectReason).toBe('FOK_NOT_FILLED');
		expect(fills).toEqual([]);
		expect((await storedOrder(bed.db, order.id)).rejectReason).toBe('FOK_NOT_FILLED');
		expect(await levelsOf(bed.engine, market.optionIds[0]!)).toEqual(bookBefore);
		expect(await cashOf(bed.db, buyer!.id)).toEqual({ available: 10_000, reserved: 0 });
	});

	it('fills entirely across levels when the book can', async () => {
		const market = await aMarket(bed.db);
		const [seller, buyer] = await tradersWithCash(bed.db, 2);
		await placeLimit(bed.engine, seller!, market, { side: 'SELL', priceCents: 40, quantity: 3 });
		await placeLimit(bed.engine, seller!, market, { side: 'SELL', priceCents: 45, quantity: 5 });
		const { order, fills } = await placeLimit(bed.engine, buyer!, market, {
			side: 'BUY',
			priceCents: 45,
			quantity: 4,
			timeInForce: 'FOK'
		});
		expect(order.status).toBe('FILLED');
		expect(fills.map((fill) => [fill.priceCents, fill.quantity])).toEqual([
			[40, 3],
			[45, 1]
		]);
		expect(await cashOf(bed.db, buyer!.id)).toEqual({
			available: 10_000 - 120 - 45,
			reserved: 0
		});
	});

	it('does not count the trader’s own resting orders as liquidity', async () => {
		const market = await aMarket(bed.db);
		const [trader, other] = await tradersWithCash(bed.db, 2);
		const own = await placeLimit(bed.engine, trader!, market, {
			side: 'SELL',
			priceCents: 40,
			quantity: 5
		});
		await placeLimit(bed.engine, other!, market, { side: 'SELL', priceCents: 41, quantity: 2 });
		const { order } = await placeLimit(bed.engine, trader!, market, {
			side: 'BUY',
			priceCents: 45,
			quantity: 4,
			timeInForce: 'FOK'
		});
		expect(order.rejectReason).toBe('FOK_NOT_FILLED');
		expect((await storedOrder(bed.db, own.order.id)).status).toBe('OPEN');
	});
});

describe('placing a post-only order', () => {
	it('rests when it does not cross', async () => {
		const market = await aMarket(bed.db);
		const [seller, buyer] = await tradersWithCash(bed.db, 2);
		await placeLimit(bed.engine, seller!, market, { side: 'SELL', priceCents: 50, quantity: 3 });
		const { order } = await placeLimit(bed.engine, buyer!, market, {
			side: 'BUY',
			priceCents: 49,
			quantity: 2,
			postOnly: true
		});
		expect(order.status).toBe('OPEN');
		expect(order.postOnly).toBe(true);
		expect(await cashOf(bed.db, buyer!.id)).toEqual({ available: 10_000 - 98, reserved: 98 });
	});

	it('is rejected with POST_ONLY_WOULD_CROSS when it would trade, and holds nothing', async () => {
		const market = await aMarket(bed.db);
		const [seller, buyer] = await tradersWithCash(bed.db, 2);
		await placeLimit(bed.engine, seller!, market, { side: 'SELL', priceCents: 50, quantity: 3 });
		const bookBefore = await levelsOf(bed.engine, market.optionIds[0]!);
		const { order, fills } = await placeLimit(bed.engine, buyer!, market, {
			side: 'BUY',
			priceCents: 50,
			quantity: 2,
			postOnly: true
		});
		expect([order.status, order.rejectReason]).toEqual(['REJECTED', 'POST_ONLY_WOULD_CROSS']);
		expect(fills).toEqual([]);
		expect(await levelsOf(bed.engine, market.optionIds[0]!)).toEqual(bookBefore);
		expect(await cashOf(bed.db, buyer!.id)).toEqual({ available: 10_000, reserved: 0 });
	});
});

describe('placing a GTD order', () => {
	it('is rejected as EXPIRED_ON_ARRIVAL when its expiry has passed', async () => {
		const market = await aMarket(bed.db);
		const [buyer] = await tradersWithCash(bed.db, 1);
		const { order } = await placeLimit(bed.engine, buyer!, market, {
			side: 'BUY',
			priceCents: 30,
			quantity: 2,
			timeInForce: 'GTD',
			expiresAt: new Date(Date.now() - 60_000)
		});
		expect([order.status, order.rejectReason]).toEqual(['REJECTED', 'EXPIRED_ON_ARRIVAL']);
		expect(await cashOf(bed.db, buyer!.id)).toEqual({ available: 10_000, reserved: 0 });
		expect((await levelsOf(bed.engine, market.optionIds[0]!)).bids).toEqual([]);
	});

	it('rests until its expiry, holding its reserve', async () => {
		const market = await aMarket(bed.db);
		const [buyer] = await tradersWithCash(bed.db, 1);
		const expiresAt = new Date(Date.now() + HOUR_MS);
		const { order } = await placeLimit(bed.engine, buyer!, market, {
			side: 'BUY',
			priceCents: 30,
			quantity: 2,
			timeInForce: 'GTD',
			expiresAt
		});
		expect(order.status).toBe('OPEN');
		expect(order.expiresAt?.getTime()).toBe(expiresAt.getTime());
		expect(await cashOf(bed.db, buyer!.id)).toEqual({ available: 10_000 - 60, reserved: 60 });
	});

	it('expires once its time has passed, releasing its reserve', async () => {
		const market = await aMarket(bed.db);
		const [buyer] = await tradersWithCash(bed.db, 1);
		const { order } = await placeLimit(bed.engine, buyer!, market, {
			side: 'BUY',
			priceCents: 30,
			quantity: 2,
			timeInForce: 'GTD',
			expiresAt: new Date(Date.now() + HOUR_MS)
		});
		const expired = await bed.engine.expireDue(new Date(Date.now() + 2 * HOUR_MS));
		expect(expired).toBe(1);
		expect((await storedOrder(bed.db, order.id)).status).toBe('EXPIRED');
		expect(await cashOf(bed.db, buyer!.id)).toEqual({ available: 10_000, reserved: 0 });
		expect((await levelsOf(bed.engine, market.optionIds[0]!)).bids).toEqual([]);
	});

	it('is expired by the running sweeper, which releases its reserve', async () => {
		const market = await aMarket(bed.db);
		const [buyer] = await tradersWithCash(bed.db, 1);
		const hub = new EventHub({
			source: bed.db.kind === 'postgres' ? { url: bed.db.url } : { pool: bed.db.pool },
			pollIntervalMs: 20
		});
		await hub.start();
		// Also when the expiry never comes and the test times out.
		onTestFinished(async () => {
			bed.engine.stop();
			await hub.stop();
		});
		// The trader's own update for the order, as their browser would hear of the expiry.
		let heard: (update: OrderView) => void;
		const expiryHeard = new Promise<OrderView>((resolve) => (heard = resolve));
		hub.subscribe(`user:${buyer!.id}`, (event) => {
			const update = event.payload as OrderView;
			if (update.status === 'EXPIRED') heard(update);
		});
		const { order } = await placeLimit(bed.engine, buyer!, market, {
			side: 'BUY',
			priceCents: 30,
			quantity: 2,
			timeInForce: 'GTD',
			expiresAt: new Date(Date.now() + HOUR_MS)
		});
		expect(await cashOf(bed.db, buyer!.id)).toEqual({ available: 10_000 - 60, reserved: 60 });

		// The sweeper's clock is two hours ahead, so the test need not wait an hour for it.
		bed.engine.startExpirySweeper({
			intervalMs: 20,
			now: () => new Date(Date.now() + 2 * HOUR_MS)
		});
		expect((await expiryHeard).id).toBe(order.id);
		expect(await cashOf(bed.db, buyer!.id)).toEqual({ available: 10_000, reserved: 0 });
		expect((await levelsOf(bed.engine, market.optionIds[0]!)).bids).toEqual([]);
	});

	it('expires a partly filled order’s rest, keeping what it bought', async () => {
		const market = await aMarket(bed.db);
		const [seller, buyer] = await tradersWithCash(bed.db, 2);
		const { order } = await placeLimit(bed.engine, buyer!, market, {
			side: 'BUY',
			priceCents: 30,
			quantity: 5,
			timeInForce: 'GTD',
			expiresAt: new Date(Date.now() + HOUR_MS)
		});
		await placeLimit(bed.engine, seller!, market, { side: 'SELL', priceCents: 30, quantity: 2 });
		await bed.engine.expireDue(new Date(Date.now() + 2 * HOUR_MS));
		const row = await storedOrder(bed.db, order.id);
		expect([row.status, row.filledQuantity]).toEqual(['EXPIRED', 2]);
		expect(await cashOf(bed.db, buyer!.id)).toEqual({ available: 10_000 - 60, reserved: 0 });
	});

	it('leaves GTC orders and GTD orders not yet due alone', async () => {
		const market = await aMarket(bed.db);
		const [buyer] = await tradersWithCash(bed.db, 1);
		const gtc = await placeLimit(bed.engine, buyer!, market, {
			side: 'BUY',
			priceCents: 20,
			quantity: 1
		});
		const later = await placeLimit(bed.engine, buyer!, market, {
			side: 'BUY',
			priceCents: 21,
			quantity: 1,
			timeInForce: 'GTD',
			expiresAt: new Date(Date.now() + 3 * HOUR_MS)
		});
		const sooner = await placeLimit(bed.engine, buyer!, market, {
			side: 'BUY',
			priceCents: 22,
			quantity: 1,
			timeInForce: 'GTD',
			expiresAt: new Date(Date.now() + HOUR_MS)
		});
		expect(await bed.engine.expireDue(new Date(Date.now() + 2 * HOUR_MS))).toBe(1);
		expect((await storedOrder(bed.db, sooner.order.id)).status).toBe('EXPIRED');
		expect((await storedOrder(bed.db, later.order.id)).status).toBe('OPEN');
		expect((await storedOrder(bed.db, gtc.order.id)).status).toBe('OPEN');
		expect(await cashOf(bed.db, buyer!.id)).toEqual({ available: 10_000 - 41, reserved: 41 });
	});
});

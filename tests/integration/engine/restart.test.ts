// An engine that starts after another stopped (a crash or a deploy between batches), or that
// shares books with another engine, works from what the database holds: resting orders in
// their queue order, positions and locked shares. A batch that fails leaves nothing behind.
import { describe, expect, it } from 'vitest';
import { LocalEngine } from '../../../src/lib/engine/local';
import { aMarket } from '../../fixtures/markets';
import {
	cashOf,
	engineTestBed,
	levelsOf,
	place,
	placeLimit,
	positionOf,
	storedOrder,
	succeeded,
	tradersWithCash
} from '../../fixtures/engine';

const bed = engineTestBed();

async function makersOf(takerOrderId: string) {
	const { rows } = await bed.db.pool.query<{ maker: string; price: number; quantity: number }>(
		`SELECT maker_order_id::text AS maker, price_cents AS price, quantity FROM trades
		  WHERE taker_order_id = $1 ORDER BY id`,
		[takerOrderId]
	);
	return rows.map((row) => [row.maker, row.price, row.quantity]);
}

describe('an engine started after another one stopped', () => {
	it('trades the resting orders it finds in their price-time order', async () => {
		const market = await aMarket(bed.db);
		const optionId = market.optionIds[0]!;
		const [first, second, third, bidder, buyer] = await tradersWithCash(bed.db, 5);
		const before = new LocalEngine(bed.db.pool);
		const older = await placeLimit(before, first!, market, {
			side: 'SELL',
			priceCents: 50,
			quantity: 5
		});
		const newer = await placeLimit(before, second!, market, {
			side: 'SELL',
			priceCents: 50,
			quantity: 5
		});
		const cheaper = await placeLimit(before, third!, market, {
			side: 'SELL',
			priceCents: 49,
			quantity: 2
		});
		// Smaller, but still first at 50.
		succeeded(await before.amend(first!.id, { orderId: older.order.id, quantity: 4 }));
		await placeLimit(before, second!, market, { side: 'SELL', priceCents: 52, quantity: 3 });
		await placeLimit(before, bidder!, market, { side: 'BUY', priceCents: 45, quantity: 6 });
		expect(await levelsOf(before, optionId)).toEqual({
			bids: [{ priceCents: 45, quantity: 6, orders: 1 }],
			asks: [
				{ priceCents: 49, quantity: 2, orders: 1 },
				{ priceCents: 50, quantity: 9, orders: 2 },
				{ priceCents: 52, quantity: 3, orders: 1 }
			]
		});

		const after = new LocalEngine(bed.db.pool);
		const { order } = await placeLimit(after, buyer!, market, {
			side: 'BUY',
			priceCents: 50,
			quantity: 8
		});
		expect(await makersOf(order.id)).toEqual([
			[cheaper.order.id, 49, 2],
			[older.order.id, 50, 4],
			[newer.order.id, 50, 2]
		]);
		await placeLimit(after, third!, market, { side: 'SELL', priceCents: 55, quantity: 1 });
		expect(await levelsOf(after, optionId)).toEqual({
			bids: [{ priceCents: 45, quantity: 6, orders: 1 }],
			asks: [
				{ priceCents: 50, quantity: 3, orders: 1 },
				{ priceCents: 52, quantity: 3, orders: 1 },
				{ priceCents: 55, quantity: 1, orders: 1 }
			]
		});
	});

	it('knows the shares traders hold and have locked', async () => {
		const market = await aMarket(bed.db);
		const optionId = market.optionIds[0]!;
		const [holder, shorter] = await tradersWithCash(bed.db, 2);
		const before = new LocalEngine(bed.db.pool);
		await placeLimit(before, shorter!, market, { side: 'SELL', priceCents: 40, quantity: 10 });
		await placeLimit(before, holder!, market, { side: 'BUY', priceCents: 40, quantity: 10 });
		await placeLimit(before, holder!, market, { side: 'SELL', priceCents: 70, quantity: 6 });

		const after = new LocalEngine(bed.db.pool);
		// 4 free shares are locked; the other 2 shares of the order hold 2 × 30¢.
		const { order } = await placeLimit(after, holder!, market, {
			side: 'SELL',
			priceCents: 70,
			quantity: 6
		});
		expect((await storedOrder(bed.db, order.id)).coveredQuantity).toBe(4);
		expect((await positionOf(bed.db, holder!.id, optionId)).lockedQuantity).toBe(10);
		expect(await cashOf(bed.db, holder!.id)).toEqual({ available: 9_600 - 60, reserved: 60 });
	});

	it('cancels and amends orders the other engine placed', async () => {
		const market = await aMarket(bed.db);
		const [trader] = await tradersWithCash(bed.db, 1);
		const before = new LocalEngine(bed.db.pool);
		const first = await placeLimit(before, trader!, market, {
			side: 'BUY',
			priceCents: 30,
			quantity: 5
		});
		const second = await placeLimit(before, trader!, market, {
			side: 'BUY',
			priceCents: 31,
			quantity: 5
		});
		const after = new LocalEngine(bed.db.pool);
		expect(succeeded(await after.cancel(trader!.id, first.order.id)).status).toBe('CANCELLED');
		succeeded(await after.amend(trader!.id, { orderId: second.order.id, quantity: 2 }));
		expect(await cashOf(bed.db, trader!.id)).toEqual({ available: 10_000 - 62, reserved: 62 });
	});
});

describe('an engine whose cached book another engine has changed', () => {
	it('does not trade against an order the other engine cancelled', async () => {
		const market = await aMarket(bed.db);
		const [seller, buyer] = await tradersWithCash(bed.db, 2);
		const first = new LocalEngine(bed.db.pool);
		const second = new LocalEngine(bed.db.pool);
		const ask = await placeLimit(first, seller!, market, {
			side: 'SELL',
			priceCents: 50,
			quantity: 5
		});
		succeeded(await second.cancel(seller!.id, ask.order.id));
		const bid = await placeLimit(first, buyer!, market, {
			side: 'BUY',
			priceCents: 50,
			quantity: 5
		});
		expect(bid.fills).toEqual([]);
		expect(bid.order.status).toBe('OPEN');
	});

	it('trades against an order the other engine placed', async () => {
		const market = await aMarket(bed.db);
		const [seller, buyer] = await tradersWithCash(bed.db, 2);
		const first = new LocalEngine(bed.db.pool);
		const second = new LocalEngine(bed.db.pool);
		await placeLimit(first, buyer!, market, { side: 'BUY', priceCents: 30, quantity: 1 });
		const ask = await placeLimit(second, seller!, market, {
			side: 'SELL',
			priceCents: 51,
			quantity: 5
		});
		const bid = await placeLimit(first, buyer!, market, {
			side: 'BUY',
			priceCents: 51,
			quantity: 5
		});
		expect(bid.order.status).toBe('FILLED');
		expect((await storedOrder(bed.db, ask.order.id)).status).toBe('FILLED');
	});

	it('sees shares the other engine locked', async () => {
		const market = await aMarket(bed.db);
		const optionId = market.optionIds[0]!;
		const [holder, shorter] = await tradersWithCash(bed.db, 2);
		const first = new LocalEngine(bed.db.pool);
		const second = new LocalEngine(bed.db.pool);
		await placeLimit(first, shorter!, market, { side: 'SELL', priceCents: 40, quantity: 10 });
		await placeLimit(first, holder!, market, { side: 'BUY', priceCents: 40, quantity: 10 });
		await placeLimit(second, holder!, market, { side: 'SELL', priceCents: 50, quantity: 10 });
		// All 10 shares are locked by the order placed through the second engine: this one
		// must hold cash, (100 − 60)¢ a share.
		const { order } = await placeLimit(first, holder!, market, {
			side: 'SELL',
			priceCents: 60,
			quantity: 5
		});
		expect((await storedOrder(bed.db, order.id)).coveredQuantity).toBe(0);
		expect((await positionOf(bed.db, holder!.id, optionId)).lockedQuantity).toBe(10);
		expect(await cashOf(bed.db, holder!.id)).toEqual({ available: 9_600 - 200, reserved: 200 });
	});
});

describe('a batch whose transaction fails', () => {
	it('fails only the command that broke it, and leaves nothing of it behind', async () => {
		const market = await aMarket(bed.db);
		const optionId = market.optionIds[0]!;
		const [trader] = await tradersWithCash(bed.db, 1);
		// A constraint that only this test's orders at 77¢ break: the database refuses the batch.
		await bed.db.pool.query(
			`ALTER TABLE orders ADD CONSTRAINT test_refuses_77 CHECK (price_cents <> 77)`
		);
		try {
			const answers = await Promise.allSettled(
				[40, 41, 77, 42, 43].map((priceCents) =>
					place(bed.engine, trader!, market, { side: 'BUY', priceCents, quantity: 1 })
				)
			);
			expect(answers.map((answer) => answer.status)).toEqual([
				'fulfilled',
				'fulfilled',
				'rejected',
				'fulfilled',
				'fulfilled'
			]);
		} finally {
			await bed.db.pool.query('ALTER TABLE orders DROP CONSTRAINT test_refuses_77');
		}
		expect((await levelsOf(bed.engine, optionId)).bids.map((level) => level.priceCents)).toEqual([
			43, 42, 41, 40
		]);
		expect(await cashOf(bed.db, trader!.id)).toEqual({ available: 10_000 - 166, reserved: 166 });
		const later = await placeLimit(bed.engine, trader!, market, {
			side: 'BUY',
			priceCents: 77,
			quantity: 1
		});
		expect(later.order.status).toBe('OPEN');
	});
});

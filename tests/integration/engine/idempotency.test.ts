// Exactly once by clientOrderId: a retry returns the order already placed (duplicate: true)
// and places nothing, however many copies arrive at once and through whichever engine; a
// clientOrderId reused for a different order is refused.
import { describe, expect, it } from 'vitest';
import { LocalEngine } from '../../../src/lib/engine/local';
import { aMarket } from '../../fixtures/markets';
import {
	cashOf,
	codeOf,
	countOrders,
	engineTestBed,
	orderInput,
	place,
	placeLimit,
	succeeded,
	tradersWithCash,
	type OrderFields
} from '../../fixtures/engine';

const bed = engineTestBed();

const aBid: OrderFields = {
	side: 'BUY',
	priceCents: 40,
	quantity: 5,
	clientOrderId: 'retry-me-1'
};

async function tradesOf(userId: string): Promise<number> {
	const { rows } = await bed.db.pool.query<{ n: number }>(
		'SELECT count(*)::int AS n FROM trades WHERE buyer_id = $1 OR seller_id = $1',
		[userId]
	);
	return rows[0]!.n;
}

describe('placing an order again with the same clientOrderId', () => {
	it('returns the same order marked duplicate, and adds no order', async () => {
		const market = await aMarket(bed.db);
		const [trader] = await tradersWithCash(bed.db, 1);
		const first = succeeded(await place(bed.engine, trader!, market, aBid));
		const again = succeeded(await place(bed.engine, trader!, market, aBid));
		expect(first.duplicate).toBe(false);
		expect(again.duplicate).toBe(true);
		expect(again.order.id).toBe(first.order.id);
		expect(again.order.clientOrderId).toBe('retry-me-1');
		expect(again.fills).toEqual([]);
		expect(await countOrders(bed.db, trader!.id)).toBe(1);
		expect(await cashOf(bed.db, trader!.id)).toEqual({ available: 10_000 - 200, reserved: 200 });
	});

	it('does not trade again when the first one filled', async () => {
		const market = await aMarket(bed.db);
		const [trader, seller] = await tradersWithCash(bed.db, 2);
		await placeLimit(bed.engine, seller!, market, { side: 'SELL', priceCents: 40, quantity: 20 });
		succeeded(await place(bed.engine, trader!, market, aBid));
		const again = succeeded(await place(bed.engine, trader!, market, aBid));
		expect([again.duplicate, again.order.status]).toEqual([true, 'FILLED']);
		expect(await tradesOf(trader!.id)).toBe(1);
		expect(await cashOf(bed.db, trader!.id)).toEqual({ available: 10_000 - 200, reserved: 0 });
	});

	it('places exactly one order when 10 copies arrive at once', async () => {
		const market = await aMarket(bed.db);
		const [trader] = await tradersWithCash(bed.db, 1);
		const answers = await Promise.all(
			Array.from({ length: 10 }, () => place(bed.engine, trader!, market, aBid))
		);
		const outcomes = answers.map(succeeded);
		expect(new Set(outcomes.map((outcome) => outcome.order.id)).size).toBe(1);
		expect(outcomes.filter((outcome) => !outcome.duplicate)).toHaveLength(1);
		expect(await countOrders(bed.db, trader!.id)).toBe(1);
		expect(await cashOf(bed.db, trader!.id)).toEqual({ available: 10_000 - 200, reserved: 200 });
	});

	it('places exactly one order when copies arrive at once through two engines', async () => {
		const market = await aMarket(bed.db);
		const [trader] = await tradersWithCash(bed.db, 1);
		const remote = new LocalEngine(bed.db.pool, { engineName: 'remote' });
		const input = orderInput(market, aBid);
		const answers = await Promise.all(
			Array.from({ length: 10 }, (_, i) =>
				(i % 2 === 0 ? bed.engine : remote).place(trader!.id, input)
			)
		);
		expect(new Set(answers.map((answer) => succeeded(answer).order.id)).size).toBe(1);
		expect(await countOrders(bed.db, trader!.id)).toBe(1);
	});

	it('finds the order another engine placed (the fallback after a timeout)', async () => {
		const market = await aMarket(bed.db);
		const [trader] = await tradersWithCash(bed.db, 1);
		const remote = new LocalEngine(bed.db.pool, { engineName: 'remote' });
		const first = succeeded(await place(remote, trader!, market, aBid));
		const fallback = succeeded(await place(bed.engine, trader!, market, aBid));
		expect(fallback.duplicate).toBe(true);
		expect(fallback.order.id).toBe(first.order.id);
		expect(fallback.order.engine).toBe('remote');
	});

	it('lets two traders use the same clientOrderId', async () => {
		const market = await aMarket(bed.db);
		const [alice, bob] = await tradersWithCash(bed.db, 2);
		const a = succeeded(await place(bed.engine, alice!, market, aBid));
		const b = succeeded(await place(bed.engine, bob!, market, aBid));
		expect(b.duplicate).toBe(false);
		expect(b.order.id).not.toBe(a.order.id);
	});
});

describe('placing a GTD order again with the same clientOrderId', () => {
	it('returns the order placed, its expiry read back from the database the same', async () => {
		const market = await aMarket(bed.db);
		const [trader] = await tradersWithCash(bed.db, 1);
		const gtd: OrderFields = {
			...aBid,
			timeInForce: 'GTD',
			expiresAt: new Date(Date.now() + 3_600_123)
		};
		const first = succeeded(await place(bed.engine, trader!, market, gtd));
		// A second engine knows the order only from its row.
		const again = succeeded(await place(new LocalEngine(bed.db.pool), trader!, market, gtd));
		expect([again.duplicate, again.order.id]).toEqual([true, first.order.id]);
	});
});

describe('reusing a clientOrderId for a different order', () => {
	it.each([
		['side', { side: 'SELL' }],
		['quantity', { quantity: 6 }],
		['price', { priceCents: 41 }],
		['option', { option: 1 }],
		['time in force', { timeInForce: 'IOC' }],
		['post-only flag', { postOnly: true }],
		['expiry', { timeInForce: 'GTD', expiresAt: new Date(Date.now() + 3_600_000) }]
	] as const)(
		'is refused with CLIENT_ORDER_ID_IN_USE when the %s differs',
		async (_, difference) => {
			const market = await aMarket(bed.db);
			const [trader] = await tradersWithCash(bed.db, 1);
			succeeded(await place(bed.engine, trader!, market, aBid));
			const result = await place(bed.engine, trader!, market, { ...aBid, ...difference });
			expect(codeOf(result)).toBe('CLIENT_ORDER_ID_IN_USE');
			expect(await countOrders(bed.db, trader!.id)).toBe(1);
		}
	);

	it('is refused once the order was amended, since it is no longer the order sent', async () => {
		const market = await aMarket(bed.db);
		const [trader] = await tradersWithCash(bed.db, 1);
		const { order } = succeeded(await place(bed.engine, trader!, market, aBid));
		succeeded(await bed.engine.amend(trader!.id, { orderId: order.id, quantity: 3 }));
		expect(codeOf(await place(bed.engine, trader!, market, aBid))).toBe('CLIENT_ORDER_ID_IN_USE');
		expect(await countOrders(bed.db, trader!.id)).toBe(1);
	});

	it('is refused in another market too', async () => {
		const market = await aMarket(bed.db);
		const other = await aMarket(bed.db);
		const [trader] = await tradersWithCash(bed.db, 1);
		succeeded(await place(bed.engine, trader!, market, aBid));
		expect(codeOf(await place(bed.engine, trader!, other, aBid))).toBe('CLIENT_ORDER_ID_IN_USE');
	});

	it('is refused, not an error, when both orders arrive at once for different options', async () => {
		const market = await aMarket(bed.db);
		const [trader] = await tradersWithCash(bed.db, 1);
		const answers = await Promise.all([
			place(bed.engine, trader!, market, aBid),
			place(bed.engine, trader!, market, { ...aBid, option: 1 })
		]);
		expect(answers.map(codeOf).sort()).toEqual(['CLIENT_ORDER_ID_IN_USE', 'ok']);
		expect(await countOrders(bed.db, trader!.id)).toBe(1);
	});
});

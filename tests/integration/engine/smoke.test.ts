import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertInvariants, checkInvariants } from '../../../src/lib/server/db/invariants';
import { LocalEngine } from '../../../src/lib/engine/local';
import { connectDatabase } from '../../../src/lib/server/db/connect';
import { PlaceOrderInput } from '../../../src/lib/shared/orders';
import { createTestDatabase, type TestDatabase } from '../../fixtures/database';
import { aMarket } from '../../fixtures/markets';
import { aTrader } from '../../fixtures/services';

let db: TestDatabase;
beforeAll(async () => {
	db = await createTestDatabase();
});
afterAll(async () => {
	await db.close();
});

describe('LocalEngine smoke', () => {
	it('rests a bid, fills it with an ask, and moves cash and shares', async () => {
		const engine = new LocalEngine(db.pool);
		const market = await aMarket(db);
		const optionId = market.optionIds[0]!;
		const alice = await aTrader(db, { cashCents: 10_000n });
		const bob = await aTrader(db, { cashCents: 10_000n });
		const bid = await engine.place(
			alice.id,
			PlaceOrderInput.parse({
				marketId: market.id,
				optionId,
				side: 'BUY',
				priceCents: 60,
				quantity: 10
			})
		);
		expect(bid.ok && bid.value.order.status).toBe('OPEN');
		const ask = await engine.place(
			bob.id,
			PlaceOrderInput.parse({
				marketId: market.id,
				optionId,
				side: 'SELL',
				priceCents: 55,
				quantity: 4
			})
		);
		expect(ask.ok && ask.value.order.status).toBe('FILLED');
		expect(ask.ok && ask.value.fills).toEqual([
			expect.objectContaining({ priceCents: 60, quantity: 4, liquidity: 'TAKER' })
		]);
		const book = await engine.getOrderBook(optionId);
		expect(book.ok && book.value.bids).toEqual([{ priceCents: 60, quantity: 6, orders: 1 }]);
		expect(await engine.getPositions(alice.id)).toEqual([
			expect.objectContaining({ quantity: 4, costBasisCents: 240 })
		]);
		expect(await engine.getPositions(bob.id)).toEqual([
			expect.objectContaining({ quantity: -4, costBasisCents: 160 })
		]);
		const { rows } = await db.pool.query(
			`SELECT u.email, a.kind, a.balance_cents::int AS cents FROM accounts a LEFT JOIN users u ON u.id = a.user_id ORDER BY a.id`
		);
		const balance = (userId: string | null, kind: string) =>
			rows.find(
				(r) =>
					r.kind === kind &&
					(userId === null
						? r.email === null
						: r.email === (userId === alice.id ? alice.email : bob.email))
			)?.cents;
		expect(balance(alice.id, 'TRADER_CASH')).toBe(10_000 - 600);
		expect(balance(alice.id, 'TRADER_RESERVED')).toBe(360);
		expect(balance(bob.id, 'TRADER_CASH')).toBe(10_000 - 160);
		expect(balance(null, 'EXCHANGE_COLLATERAL')).toBe(400);
		const sum = await db.pool.query('SELECT sum(amount_cents)::int AS s FROM ledger_entries');
		expect(sum.rows[0].s).toBe(0);
		await assertInvariants(db.pool);
	});
});

describe('two processes on one database', () => {
	it('place orders through separate connections without their statements colliding', async () => {
		// On PGlite every connection shares one session, so statement names must not clash.
		const other = connectDatabase(db.url, { max: 1 });
		try {
			const market = await aMarket(db);
			const optionId = market.optionIds[0]!;
			const buyer = await aTrader(db, { cashCents: 10_000n });
			const seller = await aTrader(db, { cashCents: 10_000n });
			const order = (side: 'BUY' | 'SELL') =>
				PlaceOrderInput.parse({ marketId: market.id, optionId, side, priceCents: 50, quantity: 2 });
			const first = await new LocalEngine(db.pool).place(buyer.id, order('BUY'));
			const second = await new LocalEngine(other.pool).place(seller.id, order('SELL'));
			expect(first.ok && first.value.order.status).toBe('OPEN');
			expect(second.ok && second.value.order.status).toBe('FILLED');
			await assertInvariants(db.pool);
		} finally {
			await other.close();
		}
	});
});

describe('referential checks in place of foreign keys', () => {
	it('finds an order whose option belongs to another market, and a ledger row with no account', async () => {
		const market = await aMarket(db);
		const other = await aMarket(db);
		const trader = await aTrader(db, { cashCents: 10_000n });
		const name = 'every order, trade, position and ledger row refers to rows that exist';
		const check = async () => (await checkInvariants(db.pool)).find((i) => i.name === name)!;
		expect((await check()).ok).toBe(true);

		const client = await db.pool.connect();
		try {
			await client.query('BEGIN');
			await client.query(
				`INSERT INTO orders (user_id, market_id, option_id, client_order_id, side, type, time_in_force,
				        price_cents, quantity, status, engine)
				 VALUES ($1, $2, $3, 'orphan', 'BUY', 'LIMIT', 'GTC', 50, 1, 'CANCELLED', 'local')`,
				[trader.id, other.id, market.optionIds[0]]
			);
			await client.query(
				`INSERT INTO ledger_entries (journal_id, account_id, kind, amount_cents)
				 VALUES (nextval('ledger_journal_seq'), 2147483000, 'TRADE', 1)`
			);
			const found = (await checkInvariants(client)).find((i) => i.name === name)!;
			expect(found.ok).toBe(false);
			expect(found.examples.map((row) => JSON.parse(row).row).sort()).toEqual([
				'ledger row',
				'order'
			]);
		} finally {
			await client.query('ROLLBACK');
			client.release();
		}
		expect((await check()).ok).toBe(true);
	});
});

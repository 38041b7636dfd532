// The order-entry rate limit is one limit per user for every app process: two limiters on one
// database (two processes) together let a user enter exactly the limit per window, also when
// they count at the same moment; a window that is spent refuses without a query.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import {
	createOrderEntryLimiter,
	type OrderEntryLimiterOptions
} from '../../src/lib/server/orders/entry-limit';
import { createTestDatabase, type TestDatabase } from '../fixtures/database';
import { aTrader } from '../fixtures/services';

let db: TestDatabase;

beforeAll(async () => {
	db = await createTestDatabase();
});
afterAll(async () => {
	await db.close();
});

const tenPerMinute = { points: 10, durationSeconds: 60 };

/** A limiter as one app process has it, with the queries it sends counted. */
function aProcess(options: OrderEntryLimiterOptions = {}) {
	const counter = { queries: 0 };
	const pool = new Proxy(db.pool, {
		get(target, property) {
			const value = Reflect.get(target, property, target) as unknown;
			if (property !== 'query') {
				return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
			}
			return (...args: Parameters<pg.Pool['query']>) => {
				counter.queries++;
				return (target.query as (...a: unknown[]) => unknown)(...args);
			};
		}
	});
	return { limiter: createOrderEntryLimiter(pool, tenPerMinute, options), counter };
}

const allowed = (waits: number[]) => waits.filter((wait) => wait === 0).length;

describe('the order-entry limit across app processes', () => {
	it('lets a user enter exactly the limit through two processes taking turns', async () => {
		const user = await aTrader(db);
		const [a, b] = [aProcess(), aProcess()];
		const waits: number[] = [];
		for (let i = 0; i < 14; i++) waits.push(await (i % 2 ? a : b).limiter.consume(user.id));
		expect(allowed(waits)).toBe(10);
		const refused = waits.filter((wait) => wait > 0);
		expect(refused).toHaveLength(4);
		expect(refused.every((wait) => wait <= 60_000)).toBe(true);
	});

	it('lets exactly the limit through when both processes count at the same moment', async () => {
		const user = await aTrader(db);
		const [a, b] = [aProcess({ leaseSize: 3 }), aProcess({ leaseSize: 3 })];
		const waits = await Promise.all(
			Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).limiter.consume(user.id))
		);
		expect(allowed(waits)).toBe(10);
		const { rows } = await db.pool.query<{ granted: number }>(
			'SELECT granted FROM order_entry_windows WHERE user_id = $1',
			[user.id]
		);
		expect(rows[0]!.granted).toBe(10);
	});

	it('counts each order of a batch, and refuses a batch larger than what is left', async () => {
		const user = await aTrader(db);
		const { limiter } = aProcess();
		expect(await limiter.consume(user.id, 7)).toBe(0);
		expect(await limiter.consume(user.id, 5)).toBeGreaterThan(0);
		expect(await limiter.consume(user.id, 3)).toBe(0);
		expect(await limiter.consume(user.id, 1)).toBeGreaterThan(0);
	});

	it('takes entries in leases, and refuses without a query once the window is spent', async () => {
		const user = await aTrader(db);
		const { limiter, counter } = aProcess({ leaseSize: 5 });
		for (let i = 0; i < 10; i++) expect(await limiter.consume(user.id)).toBe(0);
		// A lease that finds no row for the user, the row made, the lease again; then one more lease.
		expect(counter.queries).toBe(4);
		expect(await limiter.consume(user.id)).toBeGreaterThan(0);
		const afterFirstRefusal = counter.queries;
		for (let i = 0; i < 20; i++) expect(await limiter.consume(user.id)).toBeGreaterThan(0);
		expect(counter.queries).toBe(afterFirstRefusal);
	});

	it("grants the limit again in the next window, without the last one's unused lease", async () => {
		const user = await aTrader(db);
		let clock = Date.now();
		const a = aProcess({ leaseSize: 5, now: () => clock });
		const b = aProcess({ leaseSize: 5, now: () => clock });
		expect(await a.limiter.consume(user.id)).toBe(0); // a holds 4 more
		expect(await b.limiter.consume(user.id, 6)).toBeGreaterThan(0); // only 5 were left
		// The window ends: in the database and on the processes' clock.
		await db.pool.query(
			`UPDATE order_entry_windows SET window_ends_at = now() - interval '1 second' WHERE user_id = $1`,
			[user.id]
		);
		clock += 61_000;
		expect(await b.limiter.consume(user.id, 10)).toBe(0);
		expect(await a.limiter.consume(user.id)).toBeGreaterThan(0);
	});

	it('keeps one limit per user', async () => {
		const [spent, other] = [await aTrader(db), await aTrader(db)];
		const { limiter } = aProcess();
		expect(await limiter.consume(spent.id, 10)).toBe(0);
		expect(await limiter.consume(spent.id)).toBeGreaterThan(0);
		expect(await limiter.consume(other.id, 10)).toBe(0);
	});
});

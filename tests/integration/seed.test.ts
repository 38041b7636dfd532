import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	DEMO_PASSWORD,
	demoMarkets,
	demoUsers,
	isEmpty,
	seedDemo
} from '../../src/lib/server/db/seed';
import { assertInvariants } from '../../src/lib/server/db/invariants';
import { createLoginService } from '../../src/lib/server/auth/login';
import { createTestDatabase, type TestDatabase } from '../fixtures/database';

let db: TestDatabase;
beforeAll(async () => {
	db = await createTestDatabase();
});
afterAll(async () => {
	await db.close();
});

const seed = () => seedDemo(db.pool);

async function snapshot() {
	const { rows } = await db.pool.query(`
		SELECT (SELECT count(*)::int FROM users) AS users, (SELECT count(*)::int FROM markets) AS markets,
		       (SELECT count(*)::int FROM market_options) AS options, (SELECT count(*)::int FROM books) AS books,
		       (SELECT count(*)::int FROM ledger_entries) AS ledger_rows,
		       (SELECT coalesce(sum(amount_cents), 0)::text FROM ledger_entries) AS ledger_sum,
		       (SELECT coalesce(sum(balance_cents), 0)::text FROM accounts) AS balance_sum`);
	return rows[0];
}

describe('the demo seed', () => {
	it('fills an empty database with users, markets in every status and traders with cash', async () => {
		const client = await db.pool.connect();
		expect(await isEmpty(client)).toBe(true);
		client.release();

		expect(await seed()).toMatchObject({
			usersCreated: demoUsers.length,
			marketsCreated: demoMarkets.length
		});
		const statuses = await db.prisma.market.groupBy({ by: ['status'], _count: true });
		expect(statuses.map((s) => s.status).sort()).toEqual(['CLOSED', 'HALTED', 'OPEN', 'RESOLVED']);
		for (const market of await db.prisma.market.findMany({ include: { options: true } })) {
			expect(market.options.length).toBeGreaterThanOrEqual(2);
			expect(market.options.length).toBeLessThanOrEqual(6);
		}
		const roles = (await db.prisma.user.findMany()).map((user) => user.role).sort();
		expect(roles).toEqual(['ADMIN', 'SUPPORT', 'TRADER', 'TRADER', 'TRADER', 'TRADER']);
		const alice = await db.prisma.user.findUniqueOrThrow({ where: { email: 'alice@betwise.dev' } });
		const cash = await db.prisma.account.findUniqueOrThrow({
			where: { userId_kind: { userId: alice.id, kind: 'TRADER_CASH' } }
		});
		expect(cash.balanceCents).toBe(100_000n);
	});

	it('is idempotent: seeding again adds nothing and moves no money', async () => {
		const before = await snapshot();
		expect(await seed()).toEqual({
			usersCreated: 0,
			marketsCreated: 0,
			createdSlugs: [],
			ordersPlaced: 0
		});
		expect(await snapshot()).toEqual(before);
	});

	it('quotes both sides of every open option and trades a little, through the engine', async () => {
		const { rows } = await db.pool.query<{
			slug: string;
			label: string;
			bid: number | null;
			ask: number | null;
			last: number | null;
		}>(
			`SELECT m.slug, o.label, b.last_price_cents AS last,
			        (SELECT max(price_cents) FROM orders WHERE option_id = o.id AND side = 'BUY' AND status IN ('OPEN', 'PARTIALLY_FILLED')) AS bid,
			        (SELECT min(price_cents) FROM orders WHERE option_id = o.id AND side = 'SELL' AND status IN ('OPEN', 'PARTIALLY_FILLED')) AS ask
			   FROM markets m JOIN market_options o ON o.market_id = m.id JOIN books b ON b.option_id = o.id
			  WHERE m.status = 'OPEN'`
		);
		expect(rows.length).toBeGreaterThan(0);
		for (const row of rows) {
			expect(row.bid, `${row.slug} ${row.label}`).not.toBeNull();
			expect(row.ask, `${row.slug} ${row.label}`).not.toBeNull();
			expect(row.bid!).toBeLessThan(row.ask!);
			expect(row.last, `${row.slug} ${row.label}`).not.toBeNull();
		}
		const alice = await db.prisma.user.findUniqueOrThrow({ where: { email: 'alice@betwise.dev' } });
		expect(await db.prisma.order.count({ where: { userId: alice.id } })).toBe(0);
		await assertInvariants(db.pool);
	});

	it('keeps the books balanced: the ledger and the account balances both sum to zero', async () => {
		const state = await snapshot();
		expect(state.ledger_sum).toBe('0');
		expect(state.balance_sum).toBe('0');
		expect(state.books).toBe(state.options);
	});

	it("lets the README's demo users sign in with the README's password", async () => {
		const login = createLoginService(db.prisma, 1);
		for (const user of demoUsers) {
			const result = await login.login({
				email: user.email,
				password: DEMO_PASSWORD,
				address: 'seed-test'
			});
			expect(result.ok && result.user.role).toBe(user.role);
		}
	});
});

import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
	closeDueMarkets,
	closeMarket,
	haltMarket,
	refundsAtCost,
	reopenMarket,
	resolveMarket,
	setMarketCloseTime,
	voidMarket
} from '../../../src/lib/engine/lifecycle';
import { LocalEngine } from '../../../src/lib/engine/local';
import { assertInvariants } from '../../../src/lib/server/db/invariants';
import { PlaceOrderInput } from '../../../src/lib/shared/orders';
import { createTestDatabase, type TestDatabase } from '../../fixtures/database';
import { aMarket } from '../../fixtures/markets';
import { anAdmin, aTrader } from '../../fixtures/services';

let db: TestDatabase;
let engine: LocalEngine;
beforeAll(async () => {
	db = await createTestDatabase();
	engine = new LocalEngine(db.pool);
});
afterEach(async () => {
	await assertInvariants(db.pool);
});
afterAll(async () => {
	await db.close();
});

async function cash(userId: string) {
	const { rows } = await db.pool.query<{ kind: string; cents: string }>(
		`SELECT kind, balance_cents::text AS cents FROM accounts WHERE user_id = $1`,
		[userId]
	);
	const of = (kind: string) => Number(rows.find((row) => row.kind === kind)?.cents ?? 0);
	return { available: of('TRADER_CASH'), reserved: of('TRADER_RESERVED') };
}

async function trade(
	market: { id: string },
	optionId: string,
	buyer: { id: string },
	seller: { id: string },
	priceCents: number,
	quantity: number
) {
	const place = (userId: string, side: 'BUY' | 'SELL') =>
		engine.place(
			userId,
			PlaceOrderInput.parse({ marketId: market.id, optionId, side, priceCents, quantity })
		);
	const resting = await place(seller.id, 'SELL');
	expect(resting.ok && resting.value.order.status).toBe('OPEN');
	const taking = await place(buyer.id, 'BUY');
	expect(taking.ok && taking.value.order.status).toBe('FILLED');
}

async function status(marketId: string) {
	return (await db.prisma.market.findUniqueOrThrow({ where: { id: marketId } })).status;
}

/** The market's audit rows as stored, oldest first. */
async function auditOf(marketId: string) {
	const { rows } = await db.pool.query<{
		action: string;
		actor_id: string | null;
		reason: string | null;
		before: unknown;
		after: unknown;
	}>(
		`SELECT action::text, actor_id, reason, before, after FROM market_audit
		  WHERE market_id = $1 ORDER BY id`,
		[marketId]
	);
	return rows;
}

describe('halting and reopening a market', () => {
	it('keeps the book, rejects new orders while halted, and accepts them again after reopening', async () => {
		const market = await aMarket(db);
		const trader = await aTrader(db, { cashCents: 10_000n });
		const optionId = market.optionIds[0]!;
		const order = (priceCents: number) =>
			engine.place(
				trader.id,
				PlaceOrderInput.parse({
					marketId: market.id,
					optionId,
					side: 'BUY',
					priceCents,
					quantity: 5
				})
			);
		await order(40);
		expect(await haltMarket(db.pool, market.id)).toMatchObject({ ok: true, status: 'HALTED' });
		const refused = await order(41);
		expect(refused.ok && refused.value.order).toMatchObject({
			status: 'REJECTED',
			rejectReason: 'MARKET_NOT_OPEN'
		});
		const book = await engine.getOrderBook(optionId);
		expect(book.ok && book.value.bids).toEqual([{ priceCents: 40, quantity: 5, orders: 1 }]);
		expect(await haltMarket(db.pool, market.id)).toMatchObject({
			ok: false,
			code: 'INVALID_TRANSITION'
		});
		expect(await reopenMarket(db.pool, market.id)).toMatchObject({ ok: true, status: 'OPEN' });
		const accepted = await order(42);
		expect(accepted.ok && accepted.value.order.status).toBe('OPEN');
	});
});

describe('closing a market', () => {
	it('cancels every resting order and gives back the cash and shares they held', async () => {
		const market = await aMarket(db);
		const [yes, no] = market.optionIds as [string, string];
		const alice = await aTrader(db, { cashCents: 10_000n });
		const bob = await aTrader(db, { cashCents: 10_000n });
		await trade(market, yes, alice, bob, 60, 10);
		const before = { alice: await cash(alice.id), bob: await cash(bob.id) };
		await engine.place(
			alice.id,
			PlaceOrderInput.parse({
				marketId: market.id,
				optionId: yes,
				side: 'SELL',
				priceCents: 70,
				quantity: 10
			})
		);
		await engine.place(
			bob.id,
			PlaceOrderInput.parse({
				marketId: market.id,
				optionId: no,
				side: 'BUY',
				priceCents: 30,
				quantity: 7
			})
		);
		expect((await cash(bob.id)).reserved).toBe(210);

		const closed = await closeMarket(db.pool, market.id);
		expect(closed).toMatchObject({ ok: true, status: 'CLOSED', cancelledOrders: 2 });
		const { rows: reasons } = await db.pool.query<{ reason: string }>(
			`SELECT DISTINCT reject_reason AS reason FROM orders WHERE market_id = $1 AND status = 'CANCELLED'`,
			[market.id]
		);
		expect(reasons).toEqual([{ reason: 'MARKET_CLOSED' }]);
		expect(await cash(alice.id)).toEqual(before.alice);
		expect(await cash(bob.id)).toEqual(before.bob);
		const positions = await engine.getPositions(alice.id);
		expect(positions).toEqual([expect.objectContaining({ quantity: 10, lockedQuantity: 0 })]);
		const book = await engine.getOrderBook(yes);
		expect(book.ok && [book.value.bids, book.value.asks]).toEqual([[], []]);
		const late = await engine.place(
			alice.id,
			PlaceOrderInput.parse({
				marketId: market.id,
				optionId: yes,
				side: 'BUY',
				priceCents: 10,
				quantity: 1
			})
		);
		expect(late.ok && late.value.order.rejectReason).toBe('MARKET_NOT_OPEN');
	});
});

describe('a market reaching its close time', () => {
	const pastCloseTime = (marketId: string) =>
		db.pool.query(`UPDATE markets SET closes_at = now() - interval '1 second' WHERE id = $1`, [
			marketId
		]);

	it('refuses new orders and amends at once, and the closer then closes it', async () => {
		const market = await aMarket(db);
		const [yes] = market.optionIds as [string];
		const [alice, bob] = [
			await aTrader(db, { cashCents: 10_000n }),
			await aTrader(db, { cashCents: 10_000n })
		];
		const buy = (userId: string, priceCents: number) =>
			engine.place(
				userId,
				PlaceOrderInput.parse({
					marketId: market.id,
					optionId: yes,
					side: 'BUY',
					priceCents,
					quantity: 7
				})
			);
		const resting = await buy(bob.id, 30);
		expect(resting.ok && resting.value.order.status).toBe('OPEN');
		await pastCloseTime(market.id);

		// Before the closer has run: the market still says OPEN, yet nothing trades in it.
		expect(await status(market.id)).toBe('OPEN');
		const late = await buy(alice.id, 31);
		expect(late.ok && late.value.order).toMatchObject({
			status: 'REJECTED',
			rejectReason: 'MARKET_NOT_OPEN'
		});
		const amended = await engine.amend(bob.id, {
			orderId: resting.ok ? resting.value.order.id : '',
			priceCents: 35
		});
		expect(!amended.ok && amended.code).toBe('MARKET_NOT_OPEN');

		expect(await closeDueMarkets(db.pool)).toContain(market.id);
		expect(await status(market.id)).toBe('CLOSED');
		expect(await cash(bob.id)).toEqual({ available: 10_000, reserved: 0 });
		const { rows } = await db.pool.query<{ status: string; reason: string }>(
			`SELECT status, reject_reason AS reason FROM orders WHERE user_id = $1`,
			[bob.id]
		);
		expect(rows).toEqual([{ status: 'CANCELLED', reason: 'MARKET_CLOSED' }]);
		// Closed once: a second run (another process's) finds nothing more to close here.
		expect(await closeDueMarkets(db.pool)).not.toContain(market.id);
		// By the app, not by anyone: the audit names no actor.
		expect(await auditOf(market.id)).toEqual([
			{
				action: 'CLOSE',
				actor_id: null,
				reason: 'Close time reached',
				before: { status: 'OPEN', closesAt: expect.any(String) },
				after: { status: 'CLOSED', closesAt: expect.any(String), cancelledOrders: 1 }
			}
		]);
	});

	it('closes a halted market too, and leaves markets still before their close time', async () => {
		const [halted, open] = [await aMarket(db), await aMarket(db)];
		expect(await haltMarket(db.pool, halted.id)).toMatchObject({ ok: true });
		await pastCloseTime(halted.id);
		const closed = await closeDueMarkets(db.pool);
		expect(closed).toContain(halted.id);
		expect(closed).not.toContain(open.id);
		expect([await status(halted.id), await status(open.id)]).toEqual(['CLOSED', 'OPEN']);
		expect((await auditOf(halted.id)).map((row) => [row.action, row.actor_id])).toEqual([
			['HALT', null],
			['CLOSE', null]
		]);
	});

	it('trades again once an admin moves the close time ahead, and the closer leaves it open', async () => {
		const market = await aMarket(db);
		const [yes] = market.optionIds as [string];
		const trader = await aTrader(db, { cashCents: 10_000n });
		const buy = () =>
			engine.place(
				trader.id,
				PlaceOrderInput.parse({
					marketId: market.id,
					optionId: yes,
					side: 'BUY',
					priceCents: 30,
					quantity: 2
				})
			);
		await pastCloseTime(market.id);
		const late = await buy();
		expect(late.ok && late.value.order.rejectReason).toBe('MARKET_NOT_OPEN');

		const admin = await anAdmin(db);
		const later = new Date(Date.now() + 3_600_000);
		expect(
			await setMarketCloseTime(db.pool, market.id, later, {
				actorId: admin.id,
				reason: 'Extra time'
			})
		).toEqual({ ok: true, status: 'OPEN', closesAt: later });
		const again = await buy();
		expect(again.ok && again.value.order.status).toBe('OPEN');
		expect(await closeDueMarkets(db.pool)).not.toContain(market.id);
		expect(await status(market.id)).toBe('OPEN');
		expect((await auditOf(market.id)).at(-1)).toEqual({
			action: 'CLOSE_TIME',
			actor_id: admin.id,
			reason: 'Extra time',
			before: { status: 'OPEN', closesAt: expect.any(String) },
			after: { status: 'OPEN', closesAt: later.toISOString() }
		});
	});
});

describe('the audit of a status change', () => {
	it('is written with the change or not at all: a failed audit write undoes the change', async () => {
		const market = await aMarket(db);
		// No such user: the audit row's key to users refuses it, inside the halt's transaction.
		await expect(
			haltMarket(db.pool, market.id, { actorId: randomUUID(), reason: 'Nobody' })
		).rejects.toThrow(/market_audit_actor_id_fkey/);
		expect(await status(market.id)).toBe('OPEN');
		expect(await auditOf(market.id)).toEqual([]);
		const { rows } = await db.pool.query(`SELECT 1 FROM events WHERE topic = $1`, [
			`market:${market.id}`
		]);
		expect(rows).toEqual([]);
	});

	it('names no actor and no reason when a caller gives none', async () => {
		const market = await aMarket(db);
		expect(await haltMarket(db.pool, market.id)).toMatchObject({ ok: true });
		expect(await auditOf(market.id)).toEqual([
			expect.objectContaining({ action: 'HALT', actor_id: null, reason: null })
		]);
	});
});

describe('resolving a market', () => {
	it('pays 100¢ per long share of the winner and per short share of each loser, from collateral', async () => {
		const market = await aMarket(db, { options: ['Alice', 'Bob', 'Carol'] });
		const [a, b] = market.optionIds as [string, string, string];
		const longA = await aTrader(db, { cashCents: 10_000n });
		const shortA = await aTrader(db, { cashCents: 10_000n });
		await trade(market, a, longA, shortA, 60, 10); // longA pays 600, shortA posts 400
		await trade(market, b, shortA, longA, 30, 5); // shortA long B @30 (150), longA short B (350)
		const before = { long: await cash(longA.id), short: await cash(shortA.id) };

		const result = await resolveMarket(db.pool, market.id, a);
		expect(result).toMatchObject({
			ok: true,
			status: 'RESOLVED',
			settledPositions: 4,
			paidCents: 1_500
		});
		// longA: 10 long A win 1,000; 5 short B (B lost) win 500.
		expect((await cash(longA.id)).available - before.long.available).toBe(1_500);
		expect((await cash(shortA.id)).available - before.short.available).toBe(0);
		const positions = await engine.getPositions(longA.id);
		expect(positions.find((p) => p.optionId === a)).toMatchObject({
			quantity: 0,
			realizedPnlCents: 400
		});
		expect(positions.find((p) => p.optionId === b)).toMatchObject({
			quantity: 0,
			realizedPnlCents: 150
		});
		const market2 = await db.prisma.market.findUniqueOrThrow({ where: { id: market.id } });
		expect(market2).toMatchObject({
			status: 'RESOLVED',
			resolution: 'OPTION',
			resolvedOptionId: a
		});
		expect(await resolveMarket(db.pool, market.id, a)).toMatchObject({
			ok: false,
			code: 'INVALID_TRANSITION'
		});
	});

	it('refuses an option of another market and changes nothing', async () => {
		const market = await aMarket(db);
		const other = await aMarket(db);
		expect(await resolveMarket(db.pool, market.id, other.optionIds[0]!)).toMatchObject({
			ok: false,
			code: 'UNKNOWN_OPTION'
		});
		expect(await status(market.id)).toBe('OPEN');
	});
});

describe('voiding a market', () => {
	it('refunds every position what it cost', async () => {
		const market = await aMarket(db);
		const yes = market.optionIds[0]!;
		const alice = await aTrader(db, { cashCents: 10_000n });
		const bob = await aTrader(db, { cashCents: 10_000n });
		await trade(market, yes, alice, bob, 65, 8);
		const result = await voidMarket(db.pool, market.id);
		expect(result).toMatchObject({ ok: true, status: 'RESOLVED', paidCents: 800 });
		expect(await cash(alice.id)).toEqual({ available: 10_000, reserved: 0 });
		expect(await cash(bob.id)).toEqual({ available: 10_000, reserved: 0 });
	});

	it('never pays out more than the collateral when shares changed hands at other prices', () => {
		const refunds = refundsAtCost([
			{ user_id: 'b', option_id: 'x', quantity: -1, cost_basis_cents: '40' },
			{ user_id: 'c', option_id: 'x', quantity: 1, cost_basis_cents: '70' }
		]);
		expect(refunds.reduce((sum, r) => sum + Number(r.payout_cents), 0)).toBe(100);
		expect(refunds.map((r) => r.payout_cents)).toEqual(['36', '64']);
	});
});

import { describe, expect, it } from 'vitest';
import { aMarket } from '../../fixtures/markets';
import { callerFor, testServices } from '../../fixtures/services';
import type { LedgerRow } from '../../../src/lib/trpc/types';
import { newerLedgerRowFirst } from '../../../src/lib/components/paged-list';
import { aTraderCaller, apiTestBed, failureOf, limit, type Caller } from '../../fixtures/api';

const bed = apiTestBed();

describe('placing an order', () => {
	it('rests a limit buy, reserves its cost, and says which engine served it and how fast', async () => {
		const market = await aMarket(bed.db);
		const { user, api } = await aTraderCaller(bed);
		const placed = await api.orders.place(limit(market, 'BUY', 10, 40));
		expect(placed.engine).toBe('local');
		expect(placed.fallback).toBe(false);
		expect(typeof placed.latencyMs).toBe('number');
		expect(placed.order).toMatchObject({ status: 'OPEN', userId: user.id, quantity: 10 });
		expect(placed.fills).toEqual([]);
		expect(await api.account.balance()).toEqual({
			cashCents: 10_000,
			reservedCents: 400,
			availableCents: 9_600
		});
		expect(bed.services.engineCalls.at(-1)).toMatchObject({
			engine: 'local',
			operation: 'place',
			ok: true,
			userId: user.id
		});
	});

	it('trades against a resting order at the resting price, and shows the fill on both orders', async () => {
		const market = await aMarket(bed.db);
		const seller = await aTraderCaller(bed);
		const buyer = await aTraderCaller(bed);
		const ask = await seller.api.orders.place(limit(market, 'SELL', 5, 45));
		const taken = await buyer.api.orders.place(limit(market, 'BUY', 3, 50));
		expect(taken.order).toMatchObject({ status: 'FILLED', filledQuantity: 3 });
		expect(taken.fills).toEqual([expect.objectContaining({ priceCents: 45, quantity: 3 })]);

		const makerView = await seller.api.orders.get({ orderId: ask.order.id });
		expect(makerView.order).toMatchObject({ status: 'PARTIALLY_FILLED', filledQuantity: 3 });
		expect(makerView.fills).toEqual([
			expect.objectContaining({ liquidity: 'MAKER', priceCents: 45, quantity: 3 })
		]);
		const takerView = await buyer.api.orders.get({ orderId: taken.order.id });
		expect(takerView.fills.map((fill) => fill.liquidity)).toEqual(['TAKER']);
	});

	it('returns an order the engine refused as REJECTED with its reason, not as an error', async () => {
		const market = await aMarket(bed.db);
		const { api } = await aTraderCaller(bed);
		const fok = await api.orders.place(limit(market, 'BUY', 5, 50, { timeInForce: 'FOK' }));
		expect(fok.order.status).toBe('REJECTED');
		expect(fok.order.rejectReason).toBeTruthy();

		const poor = await aTraderCaller(bed, 100n);
		const tooDear = await poor.api.orders.place(limit(market, 'BUY', 10, 50));
		expect(tooDear.order).toMatchObject({ status: 'REJECTED', rejectReason: 'INSUFFICIENT_FUNDS' });
	});

	it('rejects orders while the market is halted', async () => {
		const market = await aMarket(bed.db, { status: 'HALTED' });
		const { api } = await aTraderCaller(bed);
		const placed = await api.orders.place(limit(market, 'BUY', 1, 40));
		expect(placed.order).toMatchObject({ status: 'REJECTED', rejectReason: 'MARKET_NOT_OPEN' });
	});

	it('returns the earlier order when a clientOrderId is sent again', async () => {
		const market = await aMarket(bed.db);
		const { api } = await aTraderCaller(bed);
		const order = limit(market, 'BUY', 2, 30, { clientOrderId: 'retry-1' });
		const first = await api.orders.place(order);
		const again = await api.orders.place(order);
		expect(again.duplicate).toBe(true);
		expect(again.order.id).toBe(first.order.id);
	});

	it('answers BAD_REQUEST naming the field for invalid input, and never takes a user id', async () => {
		const market = await aMarket(bed.db);
		const { api } = await aTraderCaller(bed);
		const { priceCents: _price, ...noPrice } = limit(market, 'BUY', 1, 40);
		expect(await failureOf(api.orders.place(noPrice))).toMatchObject({
			code: 'BAD_REQUEST',
			fields: ['priceCents']
		});
		expect(await failureOf(api.orders.place(limit(market, 'BUY', 0, 40)))).toMatchObject({
			code: 'BAD_REQUEST',
			fields: ['quantity']
		});
		// A market order with a price would be taken as a cap it does not have.
		const pricedMarket = { ...limit(market, 'BUY', 1, 40), type: 'MARKET' as const };
		expect(await failureOf(api.orders.place(pricedMarket))).toMatchObject({
			code: 'BAD_REQUEST',
			fields: ['priceCents']
		});
		const withUser = { ...limit(market, 'BUY', 1, 40), userId: market.id };
		expect(await failureOf(api.orders.place(withUser))).toMatchObject({ code: 'BAD_REQUEST' });
	});

	it('answers UNAUTHORIZED when nobody is signed in', async () => {
		const market = await aMarket(bed.db);
		const anonymous = await callerFor(bed.services, null);
		expect(await failureOf(anonymous.orders.place(limit(market, 'BUY', 1, 40)))).toMatchObject({
			code: 'UNAUTHORIZED'
		});
	});
});

describe('placing a batch', () => {
	it('accepts or refuses each order on its own', async () => {
		const market = await aMarket(bed.db);
		const other = await aMarket(bed.db);
		const { api } = await aTraderCaller(bed);
		const batch = await api.orders.placeBatch({
			orders: [
				limit(market, 'BUY', 1, 20),
				{ ...limit(market, 'BUY', 1, 20), optionId: other.optionIds[0]! },
				limit(market, 'BUY', 1, 21)
			]
		});
		expect(batch.engine).toBe('local');
		expect(batch.results.map((result) => (result.ok ? result.order.status : result.code))).toEqual([
			'OPEN',
			'UNKNOWN_OPTION',
			'OPEN'
		]);
	});

	it('refuses more than 20 orders', async () => {
		const market = await aMarket(bed.db);
		const { api } = await aTraderCaller(bed);
		const orders = Array.from({ length: 21 }, () => limit(market, 'BUY', 1, 10));
		expect(await failureOf(api.orders.placeBatch({ orders }))).toMatchObject({
			code: 'BAD_REQUEST',
			fields: ['orders']
		});
	});
});

describe('amending an order', () => {
	it('changes the price and quantity of my resting order', async () => {
		const market = await aMarket(bed.db);
		const { api } = await aTraderCaller(bed);
		const { order } = await api.orders.place(limit(market, 'BUY', 10, 40));
		const amended = await api.orders.amend({ orderId: order.id, quantity: 5, priceCents: 42 });
		expect(amended.order).toMatchObject({ id: order.id, quantity: 5, priceCents: 42 });
		expect(amended.engine).toBe('local');
		expect((await api.account.balance()).reservedCents).toBe(210);
	});

	it("answers NOT_FOUND for another trader's order", async () => {
		const market = await aMarket(bed.db);
		const owner = await aTraderCaller(bed);
		const intruder = await aTraderCaller(bed);
		const { order } = await owner.api.orders.place(limit(market, 'BUY', 10, 40));
		expect(await failureOf(intruder.api.orders.amend({ orderId: order.id, quantity: 1 }))).toEqual(
			expect.objectContaining({ code: 'NOT_FOUND', domainCode: 'UNKNOWN_ORDER' })
		);
	});

	it('answers BAD_REQUEST when nothing would change', async () => {
		const market = await aMarket(bed.db);
		const { api } = await aTraderCaller(bed);
		const { order } = await api.orders.place(limit(market, 'BUY', 10, 40));
		expect(
			await failureOf(api.orders.amend({ orderId: order.id, quantity: 10, priceCents: 40 }))
		).toMatchObject({ code: 'BAD_REQUEST', domainCode: 'NOTHING_TO_AMEND' });
	});

	it('answers BAD_REQUEST on orderId for an id too long to be an order', async () => {
		const { api } = await aTraderCaller(bed);
		expect(
			await failureOf(api.orders.amend({ orderId: '9999999999999999999', quantity: 1 }))
		).toMatchObject({ code: 'BAD_REQUEST', fields: ['orderId'] });
	});
});

describe('cancelling orders', () => {
	it('cancels my order and releases what it reserved', async () => {
		const market = await aMarket(bed.db);
		const { api } = await aTraderCaller(bed);
		const { order } = await api.orders.place(limit(market, 'BUY', 10, 40));
		const cancelled = await api.orders.cancel({ orderId: order.id });
		expect(cancelled.order.status).toBe('CANCELLED');
		expect(cancelled.fallback).toBe(false);
		expect((await api.account.balance()).reservedCents).toBe(0);
	});

	it("cannot see or cancel another trader's order: NOT_FOUND", async () => {
		const market = await aMarket(bed.db);
		const owner = await aTraderCaller(bed);
		const intruder = await aTraderCaller(bed);
		const { order } = await owner.api.orders.place(limit(market, 'BUY', 10, 40));
		expect(await failureOf(intruder.api.orders.cancel({ orderId: order.id }))).toMatchObject({
			code: 'NOT_FOUND'
		});
		expect(await failureOf(intruder.api.orders.get({ orderId: order.id }))).toMatchObject({
			code: 'NOT_FOUND'
		});
		expect((await intruder.api.orders.list()).items).toEqual([]);
		const batch = await intruder.api.orders.cancelBatch({ orderIds: [order.id] });
		expect(batch.results).toEqual([expect.objectContaining({ ok: false, code: 'UNKNOWN_ORDER' })]);
		expect((await intruder.api.orders.cancelAll()).orders).toEqual([]);
		expect((await owner.api.orders.get({ orderId: order.id })).order.status).toBe('OPEN');
	});

	it('cancels a batch, each order on its own', async () => {
		const market = await aMarket(bed.db);
		const { api } = await aTraderCaller(bed);
		const a = await api.orders.place(limit(market, 'BUY', 1, 10));
		const b = await api.orders.place(limit(market, 'BUY', 1, 11));
		const batch = await api.orders.cancelBatch({ orderIds: [a.order.id, '999999999', b.order.id] });
		expect(batch.results.map((result) => result.ok)).toEqual([true, false, true]);
		expect(batch.results[1]).toMatchObject({ orderId: '999999999', code: 'UNKNOWN_ORDER' });
	});

	it('cancels everything in one market, and leaves other markets alone', async () => {
		const market = await aMarket(bed.db);
		const other = await aMarket(bed.db);
		const { api } = await aTraderCaller(bed);
		await api.orders.place(limit(market, 'BUY', 1, 10));
		await api.orders.place(limit(market, 'BUY', 1, 12, { option: 1 }));
		const kept = await api.orders.place(limit(other, 'BUY', 1, 10));
		const result = await api.orders.cancelAll({ marketId: market.id });
		expect(result.orders).toHaveLength(2);
		expect(result.orders.every((order) => order.status === 'CANCELLED')).toBe(true);
		expect((await api.orders.get({ orderId: kept.order.id })).order.status).toBe('OPEN');
		expect((await api.orders.cancelAll()).orders.map((order) => order.id)).toEqual([kept.order.id]);
	});
});

describe('reading one order', () => {
	it('lists its fills by time, whatever their trade ids say', async () => {
		const market = await aMarket(bed.db);
		const seller = await aTraderCaller(bed);
		const buyer = await aTraderCaller(bed);
		await seller.api.orders.place(limit(market, 'SELL', 1, 45));
		await seller.api.orders.place(limit(market, 'SELL', 1, 46));
		const { order, fills } = await buyer.api.orders.place(limit(market, 'BUY', 2, 50));
		// Two engines take trade ids in separate blocks: the smaller id can be the later trade.
		await bed.db.pool.query(
			`UPDATE trades SET created_at = created_at + interval '1 second' WHERE id = $1`,
			[fills[0]!.tradeId]
		);
		const read = await buyer.api.orders.get({ orderId: order.id });
		expect(read.fills.map((fill) => fill.priceCents)).toEqual([46, 45]);
	});
});

describe('listing my orders', () => {
	it('filters by status and market, newest first, and pages by cursor', async () => {
		const market = await aMarket(bed.db);
		const other = await aMarket(bed.db);
		const { api } = await aTraderCaller(bed);
		const placed = [];
		for (const price of [10, 11, 12, 13, 14]) {
			placed.push((await api.orders.place(limit(market, 'BUY', 1, price))).order.id);
		}
		await api.orders.place(limit(other, 'BUY', 1, 10));
		await api.orders.cancel({ orderId: placed[0]! });

		const seen: string[] = [];
		let cursor: string | undefined;
		do {
			const page = await api.orders.list({ marketId: market.id, limit: 2, cursor });
			seen.push(...page.items.map((order) => order.id));
			cursor = page.nextCursor ?? undefined;
		} while (cursor);
		expect(seen).toEqual([...placed].reverse());

		const open = await api.orders.list({ marketId: market.id, status: ['OPEN'] });
		expect(open.items).toHaveLength(4);
		const cancelled = await api.orders.list({ status: ['CANCELLED'] });
		expect(cancelled.items.map((order) => order.id)).toEqual([placed[0]]);
	});
});

describe('account', () => {
	it('lists my ledger newest first, a page of whole journals at a time', async () => {
		const market = await aMarket(bed.db);
		const { api } = await aTraderCaller(bed, 5_000n);
		const { order } = await api.orders.place(limit(market, 'BUY', 10, 40));
		await api.orders.cancel({ orderId: order.id });
		// A journal's rows, whichever of its two accounts came first.
		const rowsOf = (page: { items: LedgerRow[] }) =>
			page.items
				.map((row) => [row.kind, row.account, row.amountCents])
				.sort(([, a], [, b]) => String(a).localeCompare(String(b)));

		// One journal a page: the release moves 400¢ from reserved back to available, in two rows.
		const release = await api.account.ledger({ limit: 1 });
		expect(rowsOf(release)).toEqual([
			['RELEASE', 'TRADER_CASH', 400],
			['RELEASE', 'TRADER_RESERVED', -400]
		]);
		const reserve = await api.account.ledger({ cursor: release.nextCursor!, limit: 1 });
		expect(rowsOf(reserve)).toEqual([
			['RESERVE', 'TRADER_CASH', -400],
			['RESERVE', 'TRADER_RESERVED', 400]
		]);
		const rest = await api.account.ledger({ cursor: reserve.nextCursor!, limit: 10 });
		expect(rowsOf(rest)).toEqual([['DEPOSIT', 'TRADER_CASH', 5_000]]);
		expect(rest.nextCursor).toBeNull();
	});

	it('never splits a journal between pages, whatever the page size', async () => {
		const market = await aMarket(bed.db);
		const seller = await aTraderCaller(bed);
		const { api } = await aTraderCaller(bed, 5_000n);
		await seller.api.orders.place(limit(market, 'SELL', 5, 45));
		// Each fill posts a journal of two rows: the hold released and the cost paid.
		await api.orders.place(limit(market, 'BUY', 2, 50));
		await api.orders.place(limit(market, 'BUY', 3, 46));
		const { order } = await api.orders.place(limit(market, 'BUY', 4, 30));
		await api.orders.cancel({ orderId: order.id });
		const everything = (await api.account.ledger({ limit: 100 })).items;
		expect(everything).toEqual([...everything].sort(newerLedgerRowFirst));

		for (const pageSize of [1, 2, 3]) {
			const pages = await allLedgerPages(api, pageSize);
			expect(pages.flat()).toEqual(everything);
			const journalsOf = (page: LedgerRow[]) => new Set(page.map((row) => row.journalId));
			for (const [index, page] of pages.entries()) {
				expect(journalsOf(page).size).toBeLessThanOrEqual(pageSize);
				for (const later of pages.slice(index + 1)) {
					expect([...journalsOf(later)].filter((id) => journalsOf(page).has(id))).toEqual([]);
				}
			}
		}
	});

	it('orders journals of one time by journal id, however their rows interleave', async () => {
		// One transaction's journals share its time; their rows' ids may interleave.
		const { user, api } = await aTraderCaller(bed, 5_000n);
		const [first, second] = await interleavedDeposits(user.id, [100, 200]);

		const newest = await api.account.ledger({ limit: 1 });
		expect(newest.items.map((row) => [row.journalId, row.amountCents])).toEqual([
			[second, 200],
			[second, 200]
		]);
		const next = await api.account.ledger({ cursor: newest.nextCursor!, limit: 1 });
		expect(next.items.map((row) => [row.journalId, row.amountCents])).toEqual([
			[first, 100],
			[first, 100]
		]);
		const last = await api.account.ledger({ cursor: next.nextCursor!, limit: 1 });
		expect(last.items.map((row) => row.kind)).toEqual(['DEPOSIT']);
		expect(last.nextCursor).toBeNull();
	});

	it('refuses a cursor that is not one it gave', async () => {
		const { api } = await aTraderCaller(bed);
		for (const cursor of ['newest', '1234', '1733.x']) {
			expect(await failureOf(api.account.ledger({ cursor }))).toMatchObject({
				code: 'BAD_REQUEST',
				fields: ['cursor']
			});
		}
	});
});

/** Every page of the caller's ledger, `limit` journals at a time. */
async function allLedgerPages(api: Caller, limit: number): Promise<LedgerRow[][]> {
	const pages: LedgerRow[][] = [];
	let cursor: string | undefined;
	do {
		const page = await api.account.ledger({ limit, cursor });
		pages.push(page.items);
		cursor = page.nextCursor ?? undefined;
	} while (cursor);
	return pages;
}

/**
 * Deposits of two rows each into the trader's available cash, posted with their rows taking
 * turns (first, second, first, second), as two transactions at once can; returns the journal ids.
 */
async function interleavedDeposits(userId: string, halvesCents: number[]): Promise<string[]> {
	const client = await bed.db.pool.connect();
	try {
		await client.query('BEGIN');
		const { rows: journals } = await client.query<{ id: string }>(
			`SELECT nextval('ledger_journal_seq')::text AS id FROM generate_series(1, $1)`,
			[halvesCents.length]
		);
		const post = (journalId: string, accountSql: string, cents: number) =>
			client.query(
				`INSERT INTO ledger_entries (journal_id, account_id, kind, amount_cents, memo)
				 SELECT $1, a.id, 'DEPOSIT', $2, 'interleaved' FROM accounts a WHERE ${accountSql}`,
				[journalId, cents]
			);
		const cash = `a.user_id = '${userId}' AND a.kind = 'TRADER_CASH'`;
		for (let round = 0; round < 2; round++) {
			for (const [index, journal] of journals.entries()) {
				await post(journal.id, cash, halvesCents[index]!);
			}
		}
		for (const [index, journal] of journals.entries()) {
			await post(journal.id, `a.kind = 'EXTERNAL' AND a.user_id IS NULL`, -2 * halvesCents[index]!);
		}
		const total = 2 * halvesCents.reduce((sum, cents) => sum + cents, 0);
		await client.query(
			`UPDATE accounts SET balance_cents = balance_cents + CASE kind WHEN 'EXTERNAL' THEN -$2::bigint ELSE $2::bigint END
			  WHERE (user_id = $1 AND kind = 'TRADER_CASH') OR (kind = 'EXTERNAL' AND user_id IS NULL)`,
			[userId, total]
		);
		await client.query('COMMIT');
		return journals.map((journal) => journal.id);
	} catch (error) {
		await client.query('ROLLBACK');
		throw error;
	} finally {
		client.release();
	}
}

describe('the order-entry rate limit', () => {
	it('answers TOO_MANY_REQUESTS with how long to wait, and still lets me cancel', async () => {
		const services = testServices(bed.db, undefined, { points: 3, durationSeconds: 60 });
		const market = await aMarket(bed.db);
		const { api } = await aTraderCaller(bed, 10_000n, services);
		const placed = [];
		for (let i = 0; i < 3; i++) placed.push(await api.orders.place(limit(market, 'BUY', 1, 10)));
		const refused = await failureOf(api.orders.place(limit(market, 'BUY', 1, 10)));
		expect(refused).toMatchObject({ code: 'TOO_MANY_REQUESTS', domainCode: 'RATE_LIMITED' });
		expect(refused.retryAfterMs).toBeGreaterThan(0);
		expect(
			await failureOf(api.orders.placeBatch({ orders: [limit(market, 'BUY', 1, 10)] }))
		).toMatchObject({ code: 'TOO_MANY_REQUESTS' });
		expect((await api.orders.cancelAll()).orders).toHaveLength(3);
	});
});

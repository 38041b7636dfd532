// The market audit: making a market and every halt, reopening, close, resolution and void write
// one entry naming the admin and their reason, with the market before and after, in the
// transaction of the change; a refused change writes none. Support staff read the entries newest
// first, a page at a time, for every market or one (admin.markets.audit).
import { describe, expect, it } from 'vitest';
import { closeDueMarkets } from '../../../src/lib/engine/lifecycle';
import { aMarket } from '../../fixtures/markets';
import { anAdmin, aSupportUser, callerFor } from '../../fixtures/services';
import { aTraderCaller, apiTestBed, failureOf, limit, type Market } from '../../fixtures/api';

const bed = apiTestBed();

interface AuditRow {
	id: string;
	action: string;
	actor_id: string | null;
	reason: string | null;
	before: Record<string, unknown> | null;
	after: Record<string, unknown>;
	/** The transaction that wrote it. */
	xid: string;
}

/** The market's audit rows as stored, oldest first. */
async function auditRowsOf(marketId: string): Promise<AuditRow[]> {
	const { rows } = await bed.db.pool.query<AuditRow>(
		`SELECT id::text, action::text, actor_id, reason, before, after, xmin::text AS xid
		   FROM market_audit WHERE market_id = $1 ORDER BY id`,
		[marketId]
	);
	return rows;
}

/** The transaction that last wrote the market's row. */
async function marketXid(marketId: string): Promise<string> {
	const { rows } = await bed.db.pool.query<{ xid: string }>(
		'SELECT xmin::text AS xid FROM markets WHERE id = $1',
		[marketId]
	);
	return rows[0]!.xid;
}

async function anAdminCaller() {
	const admin = await anAdmin(bed.db);
	return { admin, api: await callerFor(bed.services, admin) };
}

const inADay = () => new Date(Date.now() + 86_400_000);

/** A fill of 10 shares at 40¢ on the market's first option, and a resting bid on its second. */
async function someTrading(market: Market) {
	const long = await aTraderCaller(bed);
	const short = await aTraderCaller(bed);
	await short.api.orders.place(limit(market, 'SELL', 10, 40));
	await long.api.orders.place(limit(market, 'BUY', 10, 40));
	await long.api.orders.place(limit(market, 'BUY', 3, 20, { option: 1 }));
	return { long, short };
}

describe('making a market', () => {
	it('writes one CREATE entry with the admin, their reason and the market as made', async () => {
		const { admin, api } = await anAdminCaller();
		const created = await api.markets.create({
			title: 'Who wins the cup?',
			description: 'Settles on the final whistle.',
			category: 'Sports',
			closesAt: inADay(),
			options: ['Reds', 'Blues'],
			reason: '  Requested by the sports desk  '
		});
		const rows = await auditRowsOf(created.id);
		expect(rows).toHaveLength(1);
		expect(rows[0]).toMatchObject({
			action: 'CREATE',
			actor_id: admin.id,
			reason: 'Requested by the sports desk',
			before: null,
			after: {
				status: 'OPEN',
				closesAt: created.closesAt.toISOString(),
				title: 'Who wins the cup?',
				options: created.options.map(({ id, label }) => ({ id, label }))
			}
		});
		expect(rows[0]!.xid).toBe(await marketXid(created.id));
	});
});

describe('each status change', () => {
	it('writes one entry per change with the admin, the reason, and the status before and after', async () => {
		const market = await aMarket(bed.db);
		const { admin, api } = await anAdminCaller();
		const closesAt = market.closesAt.toISOString();

		await api.markets.halt({ marketId: market.id, reason: 'News pending' });
		expect(await auditRowsOf(market.id)).toEqual([
			expect.objectContaining({
				action: 'HALT',
				actor_id: admin.id,
				reason: 'News pending',
				before: { status: 'OPEN', closesAt },
				after: { status: 'HALTED', closesAt }
			})
		]);
		await api.markets.reopen({ marketId: market.id });
		const rows = await auditRowsOf(market.id);
		expect(rows).toHaveLength(2);
		expect(rows[1]).toMatchObject({
			action: 'REOPEN',
			actor_id: admin.id,
			reason: null,
			before: { status: 'HALTED', closesAt },
			after: { status: 'OPEN', closesAt }
		});
		expect(rows[1]!.xid).toBe(await marketXid(market.id));
	});

	it('records a close with the orders it cancelled', async () => {
		const market = await aMarket(bed.db);
		await someTrading(market);
		const { admin, api } = await anAdminCaller();
		await api.markets.close({ marketId: market.id, reason: 'Event cancelled' });
		const rows = await auditRowsOf(market.id);
		expect(rows).toHaveLength(1);
		expect(rows[0]).toMatchObject({
			action: 'CLOSE',
			actor_id: admin.id,
			reason: 'Event cancelled',
			before: { status: 'OPEN' },
			after: { status: 'CLOSED', cancelledOrders: 1 }
		});
		expect(rows[0]!.xid).toBe(await marketXid(market.id));
	});

	it('records a resolution with the winner, the orders cancelled, the positions settled and the cents paid', async () => {
		const market = await aMarket(bed.db, { options: ['Reds', 'Blues'] });
		await someTrading(market);
		const { admin, api } = await anAdminCaller();
		await api.markets.resolve({
			marketId: market.id,
			winningOptionId: market.optionIds[0]!,
			reason: 'Final score 2-1'
		});
		const rows = await auditRowsOf(market.id);
		expect(rows).toHaveLength(1);
		expect(rows[0]).toMatchObject({
			action: 'RESOLVE',
			actor_id: admin.id,
			reason: 'Final score 2-1',
			before: { status: 'OPEN', closesAt: market.closesAt.toISOString() },
			after: {
				status: 'RESOLVED',
				resolution: 'OPTION',
				winningOptionId: market.optionIds[0],
				winningOptionLabel: 'Reds',
				cancelledOrders: 1,
				settledPositions: 2,
				paidCents: 1_000
			}
		});
		expect(rows[0]!.xid).toBe(await marketXid(market.id));
	});

	it('records a void with the refunds', async () => {
		const market = await aMarket(bed.db);
		await someTrading(market);
		const { api } = await anAdminCaller();
		await api.markets.close({ marketId: market.id });
		await api.markets.void({ marketId: market.id, reason: 'Match abandoned' });
		const rows = await auditRowsOf(market.id);
		expect(rows.map((row) => row.action)).toEqual(['CLOSE', 'VOID']);
		expect(rows[1]).toMatchObject({
			reason: 'Match abandoned',
			before: { status: 'CLOSED' },
			after: {
				status: 'RESOLVED',
				resolution: 'VOID',
				cancelledOrders: 0,
				settledPositions: 2,
				paidCents: 1_000
			}
		});
	});

	it('writes nothing for a change that is refused', async () => {
		const market = await aMarket(bed.db);
		const { long } = await someTrading(market);
		const { api } = await anAdminCaller();
		expect(await failureOf(api.markets.reopen({ marketId: market.id }))).toMatchObject({
			domainCode: 'INVALID_TRANSITION'
		});
		// Refused half-way through its transaction: after the resting orders were cancelled.
		const other = await aMarket(bed.db);
		expect(
			await failureOf(
				api.markets.resolve({ marketId: market.id, winningOptionId: other.optionIds[0]! })
			)
		).toMatchObject({ domainCode: 'UNKNOWN_OPTION' });
		expect(await auditRowsOf(market.id)).toEqual([]);
		expect((await long.api.orders.list({ status: ['OPEN'] })).items).toHaveLength(1);

		await api.markets.resolve({ marketId: market.id, winningOptionId: market.optionIds[1]! });
		expect(await failureOf(api.markets.void({ marketId: market.id }))).toMatchObject({
			domainCode: 'INVALID_TRANSITION'
		});
		expect((await auditRowsOf(market.id)).map((row) => row.action)).toEqual(['RESOLVE']);
	});
});

describe('a reason', () => {
	it('is refused when empty, unreadable or over 500 characters, naming the field, and nothing changes', async () => {
		const market = await aMarket(bed.db);
		const { api } = await anAdminCaller();
		// The rule of every staff change: at least 10 characters, 3 different letters or digits.
		for (const reason of ['', '   ', 'Too short', 'xxxxxxxxxxxx', 'x'.repeat(501)]) {
			expect(await failureOf(api.markets.halt({ marketId: market.id, reason }))).toMatchObject({
				code: 'BAD_REQUEST',
				fields: ['reason']
			});
		}
		expect(
			await failureOf(
				api.markets.resolve({
					marketId: market.id,
					winningOptionId: market.optionIds[0]!,
					reason: ''
				})
			)
		).toMatchObject({ code: 'BAD_REQUEST', fields: ['reason'] });
		expect(await auditRowsOf(market.id)).toEqual([]);
		expect((await api.markets.get({ id: market.id })).status).toBe('OPEN');
	});
});

describe('the audit table', () => {
	it('refuses UPDATE and DELETE in the database itself', async () => {
		const market = await aMarket(bed.db);
		const { api } = await anAdminCaller();
		await api.markets.halt({ marketId: market.id, reason: 'Checking the trigger' });
		await expect(
			bed.db.pool.query(`UPDATE market_audit SET reason = 'rewritten' WHERE market_id = $1`, [
				market.id
			])
		).rejects.toThrow(/append-only/);
		await expect(
			bed.db.pool.query('DELETE FROM market_audit WHERE market_id = $1', [market.id])
		).rejects.toThrow(/append-only/);
		expect(await auditRowsOf(market.id)).toEqual([
			expect.objectContaining({ reason: 'Checking the trigger' })
		]);
	});
});

describe('admin.markets.audit', () => {
	it('lists every market’s entries newest first, a page at a time, with the actor and the market', async () => {
		const [first, second] = [
			await aMarket(bed.db, { title: 'First audited market' }),
			await aMarket(bed.db, { title: 'Second audited market' })
		];
		const { admin, api } = await anAdminCaller();
		await api.markets.halt({ marketId: first.id, reason: 'Ticket 901: first' });
		await api.markets.halt({ marketId: second.id, reason: 'Ticket 902: second' });
		await api.markets.reopen({ marketId: first.id, reason: 'Ticket 903: third' });

		const support = await callerFor(bed.services, await aSupportUser(bed.db));
		const page = await support.admin.markets.audit({ limit: 2 });
		expect(page.entries.map((entry) => entry.reason)).toEqual([
			'Ticket 903: third',
			'Ticket 902: second'
		]);
		expect(page.entries[0]).toEqual({
			id: expect.stringMatching(/^\d+$/),
			marketId: first.id,
			marketTitle: 'First audited market',
			action: 'REOPEN',
			actor: { id: admin.id, displayName: admin.displayName },
			reason: 'Ticket 903: third',
			before: { status: 'HALTED', closesAt: first.closesAt.toISOString() },
			after: { status: 'OPEN', closesAt: first.closesAt.toISOString() },
			createdAt: expect.any(Date)
		});
		expect(page.nextCursor).toBe(page.entries[1]!.id);
		const next = await support.admin.markets.audit({ limit: 2, cursor: page.nextCursor! });
		expect(next.entries[0]).toMatchObject({ marketId: first.id, reason: 'Ticket 901: first' });
		expect(BigInt(next.entries[0]!.id)).toBeLessThan(BigInt(page.entries[1]!.id));
	});

	it('filters by market and ends with a null cursor', async () => {
		const market = await aMarket(bed.db);
		const other = await aMarket(bed.db);
		const { api } = await anAdminCaller();
		await api.markets.halt({ marketId: market.id });
		await api.markets.halt({ marketId: other.id });
		await api.markets.reopen({ marketId: market.id });
		await api.markets.close({ marketId: market.id });

		const seen: string[] = [];
		const pageSizes: number[] = [];
		let cursor: string | undefined;
		do {
			const page = await api.admin.markets.audit({ marketId: market.id, limit: 2, cursor });
			seen.push(...page.entries.map((entry) => `${entry.marketId === market.id} ${entry.action}`));
			pageSizes.push(page.entries.length);
			cursor = page.nextCursor ?? undefined;
		} while (cursor !== undefined);
		expect(seen).toEqual(['true CLOSE', 'true REOPEN', 'true HALT']);
		expect(pageSizes).toEqual([2, 1]);
	});

	it('names no actor for what the app did, and answers NOT_FOUND for an unknown market', async () => {
		const market = await aMarket(bed.db);
		await bed.db.pool.query(
			`UPDATE markets SET closes_at = now() - interval '1 second' WHERE id = $1`,
			[market.id]
		);
		expect(await closeDueMarkets(bed.db.pool)).toContain(market.id);
		const { api } = await anAdminCaller();
		const { entries } = await api.admin.markets.audit({ marketId: market.id });
		expect(entries).toEqual([
			expect.objectContaining({ action: 'CLOSE', actor: null, reason: 'Close time reached' })
		]);
		expect(
			await failureOf(api.admin.markets.audit({ marketId: '00000000-0000-4000-8000-000000000000' }))
		).toMatchObject({ code: 'NOT_FOUND', domainCode: 'MARKET_NOT_FOUND' });
	});

	it('answers FORBIDDEN to a TRADER, and refuses a malformed cursor or limit', async () => {
		const { api: trader } = await aTraderCaller(bed);
		expect(await failureOf(trader.admin.markets.audit())).toMatchObject({
			code: 'FORBIDDEN',
			domainCode: 'ROLE_REQUIRED'
		});
		const { api } = await anAdminCaller();
		expect(await failureOf(api.admin.markets.audit({ cursor: 'abc' }))).toMatchObject({
			code: 'BAD_REQUEST',
			fields: ['cursor']
		});
		expect(await failureOf(api.admin.markets.audit({ limit: 101 }))).toMatchObject({
			code: 'BAD_REQUEST',
			fields: ['limit']
		});
	});
});

// markets.setCloseTime: an admin moves an OPEN or HALTED market's close time to a time to come, in
// one transaction with its audit entry. Every engine and the closer read the close time from the
// market's row, so a market moved past its old close time trades again at once.
import { describe, expect, it } from 'vitest';
import { closeDueMarkets } from '../../../src/lib/engine/lifecycle';
import { aMarket } from '../../fixtures/markets';
import { anAdmin, aSupportUser, callerFor } from '../../fixtures/services';
import { aTraderCaller, apiTestBed, failureOf, limit } from '../../fixtures/api';

const bed = apiTestBed();

const hoursFromNow = (hours: number) => new Date(Date.now() + hours * 3_600_000);

async function anAdminCaller() {
	const admin = await anAdmin(bed.db);
	return { admin, api: await callerFor(bed.services, admin) };
}

/** Puts the market's close time a second behind, as if it had come (the closer not run yet). */
async function pastCloseTime(marketId: string) {
	await bed.db.pool.query(
		`UPDATE markets SET closes_at = now() - interval '1 second' WHERE id = $1`,
		[marketId]
	);
}

async function closeTimeAuditOf(marketId: string) {
	const { rows } = await bed.db.pool.query<{
		actor_id: string;
		reason: string | null;
		before: unknown;
		after: unknown;
		same_transaction: boolean;
	}>(
		`SELECT a.actor_id, a.reason, a.before, a.after, a.xmin = m.xmin AS same_transaction
		   FROM market_audit a JOIN markets m ON m.id = a.market_id
		  WHERE a.market_id = $1 AND a.action = 'CLOSE_TIME' ORDER BY a.id`,
		[marketId]
	);
	return rows;
}

describe('moving a market’s close time', () => {
	it('moves it, says so in the market, and writes one audit entry with the change', async () => {
		const market = await aMarket(bed.db);
		const { admin, api } = await anAdminCaller();
		const closesAt = hoursFromNow(48);
		expect(
			await api.markets.setCloseTime({
				marketId: market.id,
				closesAt,
				reason: 'Final postponed'
			})
		).toEqual({ marketId: market.id, closesAt, status: 'OPEN' });
		expect((await api.markets.get({ id: market.id })).closesAt).toEqual(closesAt);
		expect(await closeTimeAuditOf(market.id)).toEqual([
			{
				actor_id: admin.id,
				reason: 'Final postponed',
				before: { status: 'OPEN', closesAt: market.closesAt.toISOString() },
				after: { status: 'OPEN', closesAt: closesAt.toISOString() },
				same_transaction: true
			}
		]);
	});

	it('takes the time as an ISO string too, and keeps a HALTED market halted', async () => {
		const market = await aMarket(bed.db, { status: 'HALTED' });
		const { api } = await anAdminCaller();
		const closesAt = hoursFromNow(2);
		const moved = await api.markets.setCloseTime({
			marketId: market.id,
			// As a program sends it over HTTP without superjson's Date.
			closesAt: closesAt.toISOString() as unknown as Date
		});
		expect(moved).toEqual({ marketId: market.id, closesAt, status: 'HALTED' });
	});

	it('refuses a time that has passed, naming closesAt, and changes nothing', async () => {
		const market = await aMarket(bed.db);
		const { api } = await anAdminCaller();
		for (const closesAt of [new Date(Date.now() - 60_000), 'not a date' as unknown as Date]) {
			expect(
				await failureOf(api.markets.setCloseTime({ marketId: market.id, closesAt }))
			).toMatchObject({ code: 'BAD_REQUEST', fields: ['closesAt'] });
		}
		expect(
			await failureOf(
				api.markets.setCloseTime({ marketId: market.id, closesAt: hoursFromNow(1), reason: '' })
			)
		).toMatchObject({ code: 'BAD_REQUEST', fields: ['reason'] });
		expect((await api.markets.get({ id: market.id })).closesAt).toEqual(market.closesAt);
		expect(await closeTimeAuditOf(market.id)).toEqual([]);
	});

	it('refuses a CLOSED or RESOLVED market with MARKET_NOT_OPEN, and an unknown one with NOT_FOUND', async () => {
		const { api } = await anAdminCaller();
		for (const status of ['CLOSED', 'RESOLVED'] as const) {
			const market = await aMarket(bed.db, { status });
			expect(
				await failureOf(
					api.markets.setCloseTime({ marketId: market.id, closesAt: hoursFromNow(1) })
				)
			).toMatchObject({ code: 'PRECONDITION_FAILED', domainCode: 'MARKET_NOT_OPEN' });
			expect((await api.markets.get({ id: market.id })).closesAt).toEqual(market.closesAt);
			expect(await closeTimeAuditOf(market.id)).toEqual([]);
		}
		expect(
			await failureOf(
				api.markets.setCloseTime({
					marketId: '00000000-0000-4000-8000-000000000000',
					closesAt: hoursFromNow(1)
				})
			)
		).toMatchObject({ code: 'NOT_FOUND', domainCode: 'MARKET_NOT_FOUND' });
	});

	it('answers FORBIDDEN to a TRADER and to SUPPORT', async () => {
		const market = await aMarket(bed.db);
		const { api: trader } = await aTraderCaller(bed);
		const support = await callerFor(bed.services, await aSupportUser(bed.db));
		for (const api of [trader, support]) {
			expect(
				await failureOf(
					api.markets.setCloseTime({ marketId: market.id, closesAt: hoursFromNow(1) })
				)
			).toMatchObject({ code: 'FORBIDDEN', domainCode: 'ROLE_REQUIRED' });
		}
		expect(await closeTimeAuditOf(market.id)).toEqual([]);
	});
});

describe('a market past its close time, moved ahead', () => {
	it('trades again at once, and the closer leaves it open', async () => {
		const market = await aMarket(bed.db);
		const { api: admin } = await anAdminCaller();
		const { api: trader } = await aTraderCaller(bed);
		await pastCloseTime(market.id);
		const refused = await trader.orders.place(limit(market, 'BUY', 1, 40));
		expect(refused.order).toMatchObject({ status: 'REJECTED', rejectReason: 'MARKET_NOT_OPEN' });

		await admin.markets.setCloseTime({ marketId: market.id, closesAt: hoursFromNow(1) });
		const placed = await trader.orders.place(limit(market, 'BUY', 1, 40));
		expect(placed.order.status).toBe('OPEN');
		expect(await closeDueMarkets(bed.db.pool)).not.toContain(market.id);
		expect((await trader.markets.get({ id: market.id })).status).toBe('OPEN');
		await trader.orders.cancelAll();
	});

	it('lets a HALTED market past its close time be reopened and trade, where the closer would close it', async () => {
		const market = await aMarket(bed.db, { status: 'HALTED' });
		const { api: admin } = await anAdminCaller();
		const { api: trader } = await aTraderCaller(bed);
		await pastCloseTime(market.id);
		await admin.markets.setCloseTime({
			marketId: market.id,
			closesAt: hoursFromNow(1),
			reason: 'Reopening after the review'
		});
		expect(await closeDueMarkets(bed.db.pool)).not.toContain(market.id);
		await admin.markets.reopen({ marketId: market.id });
		expect((await trader.orders.place(limit(market, 'BUY', 1, 40))).order.status).toBe('OPEN');
		const { entries } = await admin.admin.markets.audit({ marketId: market.id });
		expect(entries.map((entry) => entry.action)).toEqual(['REOPEN', 'CLOSE_TIME']);
		await trader.orders.cancelAll();
	});
});

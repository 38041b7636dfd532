// admin.flags through tRPC on a real database: who may call it, what a change writes (the flag,
// one audit row and one outbox event, in one transaction), and what it refuses.
import { TRPCError } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { fieldErrors, inputProblems } from '../../../src/lib/server/trpc/init';
import { flagsRouter } from '../../../src/lib/server/trpc/routers/admin/flags/_router';
import { failureOf } from '../../fixtures/api';
import { aMarket } from '../../fixtures/markets';
import { aSupportUser, aTrader, anAdmin } from '../../fixtures/services';
import { flagTestBed, flagsCallerFor } from './flag-bed';

const bed = flagTestBed();

async function aSupportCaller() {
	const user = await aSupportUser(bed.db);
	return { user, api: await flagsCallerFor(bed, user) };
}

const auditCount = async () => bed.db.prisma.flagAudit.count();

/** The `data.fieldErrors` a client gets for a call refused as BAD_REQUEST for its input. */
async function refusedFields(call: Promise<unknown>) {
	const error = await call.then(
		() => null,
		(thrown: unknown) => thrown
	);
	if (!(error instanceof TRPCError && error.code === 'BAD_REQUEST')) {
		throw new Error('Expected the call to be refused as BAD_REQUEST', { cause: error });
	}
	if (!(error.cause instanceof ZodError))
		throw new Error('Expected an input error', { cause: error });
	return fieldErrors(inputProblems(error.cause.issues));
}
const flagEventCount = async () => bed.db.prisma.event.count({ where: { topic: 'flags' } });

describe('who may use admin.flags', () => {
	it('refuses a TRADER on every procedure with FORBIDDEN', async () => {
		const trader = await aTrader(bed.db);
		const api = await flagsCallerFor(bed, trader);
		const market = await aMarket(bed.db);
		const reason = 'trying my luck';
		const calls = {
			list: () => api.admin.flags.list(),
			setUser: () => api.admin.flags.setUser({ userId: trader.id, engine: 'remote', reason }),
			setMarket: () => api.admin.flags.setMarket({ marketId: market.id, engine: 'remote', reason }),
			setGlobal: () => api.admin.flags.setGlobal({ percent: 100, reason }),
			remove: () => api.admin.flags.remove({ scope: 'USER', id: trader.id, reason }),
			explain: () => api.admin.flags.explain({ userId: trader.id }),
			audit: () => api.admin.flags.audit()
		};
		// Every procedure of the router is tried: a new one must be added here too.
		expect(Object.keys(calls).sort()).toEqual(Object.keys(flagsRouter._def.procedures).sort());
		const audits = await auditCount();
		for (const call of Object.values(calls)) {
			expect(await failureOf(call())).toMatchObject({
				code: 'FORBIDDEN',
				domainCode: 'ROLE_REQUIRED'
			});
		}
		expect(await auditCount()).toBe(audits);
		expect(await bed.db.prisma.engineFlag.count({ where: { userId: trader.id } })).toBe(0);
	});

	it('lets SUPPORT and ADMIN users change flags', async () => {
		const trader = await aTrader(bed.db);
		const support = await aSupportCaller();
		const admin = await flagsCallerFor(bed, await anAdmin(bed.db));
		const reason = 'pilot user';
		const bySupport = await support.api.admin.flags.setUser({
			userId: trader.id,
			engine: 'remote',
			reason
		});
		expect(bySupport).toMatchObject({ changed: true, flag: { engine: 'remote' } });
		const byAdmin = await admin.admin.flags.setUser({ userId: trader.id, engine: 'local', reason });
		expect(byAdmin).toMatchObject({ changed: true, flag: { engine: 'local' } });
	});
});

describe('changing a flag', () => {
	it('writes the flag, one audit row with actor, before, after and reason, and one event, in one transaction', async () => {
		const trader = await aTrader(bed.db);
		const { user: support, api } = await aSupportCaller();
		const [audits, events] = [await auditCount(), await flagEventCount()];

		const created = await api.admin.flags.setUser({
			userId: trader.id,
			engine: 'remote',
			reason: '  first remote user  '
		});
		expect(created).toMatchObject({
			changed: true,
			flag: {
				scope: 'USER',
				scopeKey: `user:${trader.id}`,
				userId: trader.id,
				engine: 'remote',
				updatedBy: { id: support.id, email: support.email }
			}
		});
		const updated = await api.admin.flags.setUser({
			userId: trader.id,
			engine: 'local',
			reason: 'back to local'
		});
		expect(await auditCount()).toBe(audits + 2);
		expect(await flagEventCount()).toBe(events + 2);

		const [latest, first] = (
			await api.admin.flags.audit({ scopeKey: `user:${trader.id}`, limit: 10 })
		).entries;
		expect(first).toMatchObject({
			id: created.auditId,
			action: 'create',
			actor: { id: support.id, email: support.email },
			before: null,
			after: { engine: 'remote', userId: trader.id, updatedById: support.id },
			reason: 'first remote user'
		});
		expect(latest).toMatchObject({
			id: updated.auditId,
			action: 'update',
			before: { engine: 'remote' },
			after: { engine: 'local' },
			reason: 'back to local'
		});

		// Rows written by one transaction share its id: the flag, its audit row and its event.
		const { rows } = await bed.db.pool.query<{ flag: string; audit: string; event: string }>(
			`SELECT f.xmin::text AS flag, a.xmin::text AS audit,
			        (e.xid::text::bigint % 4294967296)::text AS event
			   FROM engine_flags f, flag_audit a, events e
			  WHERE f.scope_key = $1 AND a.id = $2 AND e.topic = 'flags'
			    AND e.payload->>'auditId' = $2::text`,
			[`user:${trader.id}`, updated.auditId]
		);
		expect(rows).toHaveLength(1);
		expect(new Set(Object.values(rows[0]!)).size).toBe(1);
	});

	it('writes nothing at all when the change fails part-way', async () => {
		const trader = await aTrader(bed.db);
		const { api } = await aSupportCaller();
		const [audits, events] = [await auditCount(), await flagEventCount()];
		// The last write of a change is its outbox event: make the database refuse it.
		await bed.db.pool.query(
			`CREATE FUNCTION refuse_flag_event() RETURNS trigger LANGUAGE plpgsql AS
			   $$ BEGIN RAISE EXCEPTION 'flag events refused by the test'; END $$;
			 CREATE TRIGGER refuse_flag_event BEFORE INSERT ON events
			   FOR EACH ROW WHEN (NEW.topic = 'flags') EXECUTE FUNCTION refuse_flag_event()`
		);
		try {
			await expect(
				api.admin.flags.setUser({ userId: trader.id, engine: 'remote', reason: 'doomed flag' })
			).rejects.toThrow();
		} finally {
			await bed.db.pool.query(
				`DROP TRIGGER refuse_flag_event ON events; DROP FUNCTION refuse_flag_event()`
			);
		}
		expect(await bed.db.prisma.engineFlag.count({ where: { userId: trader.id } })).toBe(0);
		expect(await auditCount()).toBe(audits);
		expect(await flagEventCount()).toBe(events);
	});

	it('requires a reason: missing, blank or too long is BAD_REQUEST naming the field', async () => {
		const trader = await aTrader(bed.db);
		const { api } = await aSupportCaller();
		const audits = await auditCount();
		const userId = trader.id;
		for (const call of [
			() => api.admin.flags.setUser({ userId, engine: 'remote' } as never),
			() => api.admin.flags.setUser({ userId, engine: 'remote', reason: '   ' }),
			() => api.admin.flags.setGlobal({ percent: 10, reason: 'x'.repeat(501) }),
			() => api.admin.flags.remove({ scope: 'USER', id: userId, reason: '' })
		]) {
			expect(await failureOf(call())).toMatchObject({ code: 'BAD_REQUEST', fields: ['reason'] });
		}
		expect(await auditCount()).toBe(audits);
	});

	it('refuses a reason a colleague could not read later, saying the rule under `reason`', async () => {
		const trader = await aTrader(bed.db);
		const market = await aMarket(bed.db);
		const { api } = await aSupportCaller();
		const audits = await auditCount();
		const userId = trader.id;
		const marketId = market.id;
		for (const reason of [
			'x',
			'fixed it',
			'   too short   ',
			'xxxxxxxxxxxx',
			'!!!!!!!!!!!!',
			'ababababab'
		]) {
			for (const call of [
				() => api.admin.flags.setUser({ userId, engine: 'remote', reason }),
				() => api.admin.flags.setMarket({ marketId, engine: 'remote', reason }),
				() => api.admin.flags.setGlobal({ percent: 10, reason }),
				() => api.admin.flags.remove({ scope: 'USER', id: userId, reason })
			]) {
				expect(await refusedFields(call())).toEqual({
					reason: [
						'give a reason of at least 10 characters, with 3 or more different letters or digits'
					]
				});
			}
		}
		expect(await auditCount()).toBe(audits);
		expect(await bed.db.prisma.engineFlag.count({ where: { userId } })).toBe(0);
	});

	it('holds callers of the flag store to the same rule as the API', async () => {
		const trader = await aTrader(bed.db);
		const { user } = await aSupportCaller();
		const { store } = bed.services.flags;
		await expect(
			store.setUser(user.id, { userId: trader.id, engine: 'remote', reason: 'x' })
		).rejects.toThrow(/at least 10 characters/);
		const saved = await store.setUser(user.id, {
			userId: trader.id,
			engine: 'remote',
			reason: ' Ticket 4711 '
		});
		expect(saved.ok).toBe(true);
		const [entry] = (await store.audit({ scopeKey: `user:${trader.id}`, limit: 1 })).entries;
		expect(entry?.reason).toBe('Ticket 4711');
	});

	it('refuses unknown fields and out-of-range percentages', async () => {
		const { api } = await aSupportCaller();
		const reason = 'testing input';
		expect(await failureOf(api.admin.flags.setGlobal({ percent: 101, reason }))).toMatchObject({
			code: 'BAD_REQUEST',
			fields: ['percent']
		});
		expect(await failureOf(api.admin.flags.setGlobal({ percent: 12.5, reason }))).toMatchObject({
			code: 'BAD_REQUEST',
			fields: ['percent']
		});
		expect(
			await failureOf(api.admin.flags.setGlobal({ percent: 10, reason, engine: 'local' } as never))
		).toMatchObject({ code: 'BAD_REQUEST' });
	});

	it('answers NOT_FOUND naming the user or market that does not exist', async () => {
		const { api } = await aSupportCaller();
		const ghost = '00000000-0000-4000-8000-000000000000';
		const reason = 'no such target';
		const audits = await auditCount();
		const forUser = api.admin.flags.setUser({ userId: ghost, engine: 'remote', reason });
		await expect(forUser).rejects.toThrow(`No user ${ghost}`);
		expect(await failureOf(forUser)).toMatchObject({
			code: 'NOT_FOUND',
			domainCode: 'USER_NOT_FOUND'
		});
		const forMarket = api.admin.flags.setMarket({ marketId: ghost, engine: 'local', reason });
		await expect(forMarket).rejects.toThrow(`No market ${ghost}`);
		expect(await failureOf(forMarket)).toMatchObject({ domainCode: 'MARKET_NOT_FOUND' });
		expect(
			await failureOf(api.admin.flags.remove({ scope: 'MARKET', id: ghost, reason }))
		).toMatchObject({ domainCode: 'MARKET_NOT_FOUND' });
		expect(await failureOf(api.admin.flags.explain({ userId: ghost }))).toMatchObject({
			domainCode: 'USER_NOT_FOUND'
		});
		expect(await auditCount()).toBe(audits);
	});

	it('treats setting the same value again, or removing a missing flag, as no change: nothing audited', async () => {
		const market = await aMarket(bed.db);
		const { api } = await aSupportCaller();
		const first = await api.admin.flags.setMarket({
			marketId: market.id,
			engine: 'remote',
			reason: 'pilot market'
		});
		const [audits, events] = [await auditCount(), await flagEventCount()];
		const again = await api.admin.flags.setMarket({
			marketId: market.id,
			engine: 'remote',
			reason: 'pilot market (clicked twice)'
		});
		expect(again).toEqual({ changed: false, flag: first.flag, auditId: null });

		const trader = await aTrader(bed.db);
		const nothing = await api.admin.flags.remove({
			scope: 'USER',
			id: trader.id,
			reason: 'had none to remove'
		});
		expect(nothing).toEqual({ changed: false, flag: null, auditId: null });
		expect(await auditCount()).toBe(audits);
		expect(await flagEventCount()).toBe(events);
	});

	it('removes a user or market flag, auditing what it was', async () => {
		const market = await aMarket(bed.db);
		const { api } = await aSupportCaller();
		await api.admin.flags.setMarket({
			marketId: market.id,
			engine: 'remote',
			reason: 'try it on this market'
		});
		const removed = await api.admin.flags.remove({
			scope: 'MARKET',
			id: market.id,
			reason: 'done trying'
		});
		expect(removed).toMatchObject({ changed: true, flag: null });
		expect(await bed.db.prisma.engineFlag.count({ where: { marketId: market.id } })).toBe(0);
		const [entry] = (await api.admin.flags.audit({ scopeKey: `market:${market.id}` })).entries;
		expect(entry).toMatchObject({
			id: removed.auditId,
			action: 'remove',
			before: { engine: 'remote', marketId: market.id },
			after: null,
			reason: 'done trying'
		});
	});

	it('removes the global flag, so the environment default serves again, auditing what it was', async () => {
		const { api } = await aSupportCaller();
		const trader = await aTrader(bed.db);
		await api.admin.flags.setGlobal({ percent: 100, reason: 'everyone on remote' });
		expect((await api.admin.flags.explain({ userId: trader.id })).choice).toMatchObject({
			engine: 'remote',
			rule: 'GLOBAL'
		});
		const removed = await api.admin.flags.remove({ scope: 'GLOBAL', reason: 'back to default' });
		expect(removed).toMatchObject({ changed: true, flag: null });
		expect(await bed.db.prisma.engineFlag.count({ where: { scopeKey: 'global' } })).toBe(0);
		// This process's cache drops the flag at once; the default here is the local engine.
		expect((await api.admin.flags.explain({ userId: trader.id })).choice).toMatchObject({
			engine: 'local',
			rule: 'DEFAULT'
		});
		const [entry] = (await api.admin.flags.audit({ scopeKey: 'global' })).entries;
		expect(entry).toMatchObject({
			id: removed.auditId,
			action: 'remove',
			before: { scope: 'GLOBAL', engine: 'remote', rolloutPercent: 100 },
			after: null,
			reason: 'back to default'
		});
		const again = await api.admin.flags.remove({ scope: 'GLOBAL', reason: 'clicked twice' });
		expect(again).toEqual({ changed: false, flag: null, auditId: null });
		// GLOBAL takes no id, and USER or MARKET need one.
		expect(
			await failureOf(
				api.admin.flags.remove({ scope: 'MARKET', reason: 'without id' } as unknown as {
					scope: 'GLOBAL';
					reason: string;
				})
			)
		).toMatchObject({ code: 'BAD_REQUEST', fields: ['id'] });
	});

	it('queues concurrent changes to one flag, so each audit row starts where the last ended', async () => {
		const { api } = await aSupportCaller();
		const percents = [5, 10, 15, 20, 25, 30, 35, 40];
		await Promise.all(
			percents.map((percent) =>
				api.admin.flags.setGlobal({ percent, reason: `raise to ${percent}%` })
			)
		);
		const { entries } = await api.admin.flags.audit({ scopeKey: 'global', limit: 100 });
		const chain = entries.slice(0, percents.length).reverse();
		for (let i = 1; i < chain.length; i++) {
			expect(chain[i]!.before).toEqual(chain[i - 1]!.after);
		}
		const stored = await bed.db.prisma.engineFlag.findUniqueOrThrow({
			where: { scopeKey: 'global' }
		});
		expect(stored.rolloutPercent).toBe(chain.at(-1)!.after!.rolloutPercent);
	});
});

describe('listing flags and their audit', () => {
	it('lists every flag with its target, global first, and the default engine', async () => {
		const trader = await aTrader(bed.db);
		const market = await aMarket(bed.db, { title: 'Listed market' });
		const { api } = await aSupportCaller();
		await api.admin.flags.setGlobal({ percent: 25, reason: 'phase two now' });
		await api.admin.flags.setUser({ userId: trader.id, engine: 'remote', reason: 'pilot user' });
		await api.admin.flags.setMarket({ marketId: market.id, engine: 'local', reason: 'hold local' });
		const listed = await api.admin.flags.list();
		expect(listed.defaultEngine).toBe('local');
		expect(listed.flags[0]).toMatchObject({ scope: 'GLOBAL', rolloutPercent: 25, target: null });
		expect(listed.flags).toContainEqual(
			expect.objectContaining({ scope: 'USER', userId: trader.id, target: trader.email })
		);
		expect(listed.flags).toContainEqual(
			expect.objectContaining({ scope: 'MARKET', marketId: market.id, target: 'Listed market' })
		);
		const users = await api.admin.flags.list({ scope: 'USER' });
		expect(users.flags.every((flag) => flag.scope === 'USER')).toBe(true);
	});

	it('pages the audit newest first with the actor email', async () => {
		const trader = await aTrader(bed.db);
		const { user: support, api } = await aSupportCaller();
		const scopeKey = `user:${trader.id}`;
		for (const [index, engine] of (['remote', 'local', 'remote'] as const).entries()) {
			await api.admin.flags.setUser({ userId: trader.id, engine, reason: `step ${index} of 3` });
		}
		const page1 = await api.admin.flags.audit({ scopeKey, limit: 2 });
		expect(page1.entries.map((entry) => entry.reason)).toEqual(['step 2 of 3', 'step 1 of 3']);
		expect(page1.entries[0]!.actor.email).toBe(support.email);
		expect(page1.nextCursor).not.toBeNull();
		const page2 = await api.admin.flags.audit({ scopeKey, limit: 2, cursor: page1.nextCursor! });
		expect(page2.entries.map((entry) => entry.reason)).toEqual(['step 0 of 3']);
		expect(page2.nextCursor).toBeNull();
	});
});

describe('the audit table', () => {
	it('cannot be changed through the API: admin.flags has no procedure that edits it', () => {
		const procedures = flagsRouter._def.procedures as Record<string, { _def: { type: string } }>;
		const mutations = Object.entries(procedures)
			.filter(([, procedure]) => procedure._def.type === 'mutation')
			.map(([name]) => name)
			.sort();
		expect(mutations).toEqual(['remove', 'setGlobal', 'setMarket', 'setUser']);
	});

	it('refuses UPDATE and DELETE in the database itself', async () => {
		const trader = await aTrader(bed.db);
		const { api } = await aSupportCaller();
		const { auditId } = await api.admin.flags.setUser({
			userId: trader.id,
			engine: 'remote',
			reason: 'to be tampered with'
		});
		await expect(
			bed.db.pool.query(`UPDATE flag_audit SET reason = 'rewritten' WHERE id = $1`, [auditId])
		).rejects.toThrow();
		await expect(
			bed.db.prisma.flagAudit.delete({ where: { id: BigInt(auditId!) } })
		).rejects.toThrow();
		await expect(bed.db.pool.query(`DELETE FROM flag_audit`)).rejects.toThrow();
		const row = await bed.db.prisma.flagAudit.findUniqueOrThrow({
			where: { id: BigInt(auditId!) }
		});
		expect(row.reason).toBe('to be tampered with');
	});
});

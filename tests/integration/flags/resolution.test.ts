// Resolving the engine from flags stored in the database: the order of the rules, explain, and
// how a process's cached flags follow changes (its own at once, others' by event or re-read).
import { describe, expect, it } from 'vitest';
import { EventHub } from '../../../src/lib/server/events';
import {
	createFlagService,
	type FlagService,
	type FlagSnapshot
} from '../../../src/lib/server/flags';
import { aMarket } from '../../fixtures/markets';
import { aSupportUser, aTrader } from '../../fixtures/services';
import { flagTestBed, flagsCallerFor } from './flag-bed';

const bed = flagTestBed();

/** Resolves with the first copy of the flags `service` reads that satisfies `wanted`. */
function firstReload(service: FlagService, wanted: (snapshot: FlagSnapshot) => boolean) {
	return new Promise<FlagSnapshot>((resolve) => {
		const unsubscribe = service.onReload((snapshot) => {
			if (!wanted(snapshot)) return;
			unsubscribe();
			resolve(snapshot);
		});
	});
}

describe('resolving the engine from stored flags', () => {
	it('lets a user flag beat a market flag, which beats the global rollout, which beats the default', async () => {
		const trader = await aTrader(bed.db);
		const market = await aMarket(bed.db);
		const support = await aSupportUser(bed.db);
		const { store, resolver } = bed.services.flags;
		const target = { userId: trader.id, marketId: market.id };
		const reason = 'rule order';
		// A default of remote shows the bottom rule apart from "no flag means local".
		const remoteByDefault = createFlagService({
			prisma: bed.db.prisma,
			events: bed.services.events,
			defaultEngine: 'remote'
		});
		await remoteByDefault.start();
		try {
			const noGlobal = await store.list();
			expect(noGlobal.some((flag) => flag.scope === 'GLOBAL')).toBe(false);
			expect(await remoteByDefault.resolver.resolve(target)).toMatchObject({
				engine: 'remote',
				rule: 'DEFAULT'
			});
			expect(await resolver.resolve(target)).toMatchObject({ engine: 'local', rule: 'DEFAULT' });

			await store.setGlobal(support.id, { percent: 100, reason });
			expect(await resolver.resolve(target)).toMatchObject({ engine: 'remote', rule: 'GLOBAL' });

			await store.setMarket(support.id, { marketId: market.id, engine: 'local', reason });
			expect(await resolver.resolve(target)).toMatchObject({ engine: 'local', rule: 'MARKET' });

			await store.setUser(support.id, { userId: trader.id, engine: 'remote', reason });
			expect(await resolver.resolve(target)).toMatchObject({
				engine: 'remote',
				rule: 'USER',
				explanation: `user flag set by ${support.email}: remote`
			});

			await store.remove(support.id, { scope: 'USER', id: trader.id, reason });
			expect(await resolver.resolve(target)).toMatchObject({ rule: 'MARKET' });
			await store.remove(support.id, { scope: 'MARKET', id: market.id, reason });
			await store.setGlobal(support.id, { percent: 0, reason });
			expect(await resolver.resolve(target)).toMatchObject({ engine: 'local', rule: 'GLOBAL' });
		} finally {
			remoteByDefault.stop();
		}
	});

	it('explains the choice through admin.flags.explain, with the flags it considered', async () => {
		const trader = await aTrader(bed.db);
		const market = await aMarket(bed.db);
		const support = await aSupportUser(bed.db);
		const api = await flagsCallerFor(bed, support);
		await api.admin.flags.setGlobal({ percent: 100, reason: 'all on remote' });
		await api.admin.flags.setMarket({
			marketId: market.id,
			engine: 'local',
			reason: 'hold this market back'
		});

		const inMarket = await api.admin.flags.explain({ userId: trader.id, marketId: market.id });
		expect(inMarket.choice).toEqual({
			engine: 'local',
			rule: 'MARKET',
			explanation: `market flag set by ${support.email}: local`
		});
		expect(inMarket.considered).toMatchObject({
			user: null,
			market: { marketId: market.id, engine: 'local' },
			global: { rolloutPercent: 100 }
		});
		expect(inMarket.defaultEngine).toBe('local');

		const anywhere = await api.admin.flags.explain({ userId: trader.id });
		expect(anywhere.choice.rule).toBe('GLOBAL');
		expect(anywhere.choice.explanation).toContain('global rollout of the remote engine at 100%');
		expect(anywhere.considered.market).toBeNull();
	});
});

describe('keeping a process’s flags current', () => {
	it('sees a change made through its own store at once', async () => {
		const trader = await aTrader(bed.db);
		const support = await aSupportUser(bed.db);
		const { store, resolver } = bed.services.flags;
		const target = { userId: trader.id, marketId: null };
		await resolver.resolve(target);
		await store.setUser(support.id, { userId: trader.id, engine: 'remote', reason: 'pilot user' });
		expect(await resolver.resolve(target)).toMatchObject({ engine: 'remote', rule: 'USER' });
	});

	it('hears of another service’s change through the event hub', async () => {
		const trader = await aTrader(bed.db);
		const support = await aSupportUser(bed.db);
		// A second service on the same hub stands for another writer; only the event tells it.
		const other = createFlagService({
			prisma: bed.db.prisma,
			events: bed.services.events,
			defaultEngine: 'local',
			refreshIntervalMs: 3_600_000
		});
		await other.start();
		try {
			const heard = firstReload(other, (snapshot) => snapshot.byUser.has(trader.id));
			await bed.services.flags.store.setUser(support.id, {
				userId: trader.id,
				engine: 'remote',
				reason: 'announce it'
			});
			expect((await heard).cause).toBe('change');
			expect(await other.resolver.resolve({ userId: trader.id, marketId: null })).toMatchObject({
				engine: 'remote',
				rule: 'USER'
			});
		} finally {
			other.stop();
		}
	});

	it('still catches up by its periodic re-read when no notification arrives', async () => {
		const trader = await aTrader(bed.db);
		const support = await aSupportUser(bed.db);
		// A hub that is never started delivers nothing: every notification is lost.
		const deafHub = new EventHub({
			source: bed.db.kind === 'postgres' ? { url: bed.db.url } : { pool: bed.db.pool }
		});
		const deaf = createFlagService({
			prisma: bed.db.prisma,
			events: deafHub,
			defaultEngine: 'local',
			refreshIntervalMs: 50
		});
		await deaf.start();
		try {
			const target = { userId: trader.id, marketId: null };
			expect((await deaf.resolver.resolve(target)).rule).not.toBe('USER');
			const caughtUp = firstReload(deaf, (snapshot) => snapshot.byUser.has(trader.id));
			await bed.services.flags.store.setUser(support.id, {
				userId: trader.id,
				engine: 'remote',
				reason: 'nobody hears this'
			});
			expect((await caughtUp).cause).toBe('periodic');
			expect(await deaf.resolver.resolve(target)).toMatchObject({ engine: 'remote', rule: 'USER' });
		} finally {
			deaf.stop();
		}
	});
});

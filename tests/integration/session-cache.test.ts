// Sessions served from memory: a request costs no session query while its session is cached,
// yet a revocation made through any process is honoured by every process at once, and a read
// that raced the revocation is not kept.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionCache } from '../../src/lib/server/auth/session-cache';
import {
	createSession,
	hashToken,
	revokeSession,
	revokeUserSessions
} from '../../src/lib/server/auth/sessions';
import { EventHub } from '../../src/lib/server/events';
import { createTestDatabase, type TestDatabase } from '../fixtures/database';
import { anAdmin, aTrader } from '../fixtures/services';

let db: TestDatabase;
let hub: EventHub;

beforeAll(async () => {
	db = await createTestDatabase();
	hub = new EventHub({
		source: db.kind === 'postgres' ? { url: db.url } : { pool: db.pool },
		pollIntervalMs: 20
	});
	await hub.start();
});
afterAll(async () => {
	await hub.stop();
	await db.close();
});

/** Resolves when the hub has delivered a revocation of `sessionId`. */
function revocationHeard(sessionId: string): Promise<void> {
	return new Promise((resolve) => {
		const unsubscribe = hub.subscribe('sessions', (event) => {
			const ids = (event.payload as { sessionIds: string[] }).sessionIds;
			if (!ids.includes(sessionId)) return;
			unsubscribe();
			resolve();
		});
	});
}

describe('the session cache', () => {
	it('answers from memory once it has read a session', async () => {
		const user = await aTrader(db);
		const { token } = await createSession(db.prisma, user.id, 1);
		const cache = new SessionCache(db.prisma);
		expect((await cache.find(token))?.user.id).toBe(user.id);
		// Revoked behind the API (no event): the cached session stands until its time is up.
		await db.prisma.session.updateMany({
			where: { userId: user.id },
			data: { revokedAt: new Date() }
		});
		expect((await cache.find(token))?.user.id).toBe(user.id);
		// A cache whose time is up reads again and sees the revocation.
		expect(await new SessionCache(db.prisma, { ttlMs: 0 }).find(token)).toBeNull();
	});

	it('forgets a session revoked through another process, as soon as the hub delivers it', async () => {
		const user = await aTrader(db);
		const { token } = await createSession(db.prisma, user.id, 1);
		const sessionId = hashToken(token);
		// Two processes' caches; the second hears revocations through its hub.
		const elsewhere = new SessionCache(db.prisma);
		elsewhere.listenTo(hub);
		expect(await elsewhere.find(token)).not.toBeNull();
		const heard = revocationHeard(sessionId);
		await revokeSession(db.prisma, sessionId);
		await heard;
		expect(await elsewhere.find(token)).toBeNull();
		elsewhere.stop();
	});

	it('forgets every session of a user whose sessions support revoked', async () => {
		const user = await aTrader(db);
		const [one, two] = [
			await createSession(db.prisma, user.id, 1),
			await createSession(db.prisma, user.id, 1)
		];
		const cache = new SessionCache(db.prisma);
		cache.listenTo(hub);
		expect(await cache.find(one.token)).not.toBeNull();
		expect(await cache.find(two.token)).not.toBeNull();
		const heard = revocationHeard(hashToken(two.token));
		const admin = await anAdmin(db);
		await revokeUserSessions(db.prisma, user.id, { id: admin.id, clientAddress: null });
		await heard;
		expect(await cache.find(one.token)).toBeNull();
		expect(await cache.find(two.token)).toBeNull();
		cache.stop();
	});

	it('does not keep a read that a revocation overtook', async () => {
		const user = await aTrader(db);
		const { token } = await createSession(db.prisma, user.id, 1);
		const sessionId = hashToken(token);
		const cache = new SessionCache(db.prisma);
		// The read starts, the revocation is heard before it returns.
		const reading = cache.find(token);
		cache.forget([sessionId]);
		expect(await reading).not.toBeNull();
		await db.prisma.session.updateMany({
			where: { id: sessionId },
			data: { revokedAt: new Date() }
		});
		expect(await cache.find(token)).toBeNull();
	});

	it('never serves a session past its expiry', async () => {
		const user = await aTrader(db);
		const { token } = await createSession(db.prisma, user.id, 1);
		await db.prisma.session.updateMany({
			where: { id: hashToken(token) },
			data: { expiresAt: new Date(Date.now() + 300) }
		});
		const cache = new SessionCache(db.prisma);
		expect(await cache.find(token)).not.toBeNull();
		// Cached for 30 s, but it expires in 0.3 s: from then on it is not served.
		await expect.poll(() => cache.find(token), { timeout: 5_000 }).toBeNull();
	});
});

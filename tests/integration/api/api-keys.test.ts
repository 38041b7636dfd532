// API keys, as a trading program uses them: `Authorization: Bearer <key>` on /trpc over HTTP
// (the node-level handler production puts in front of SvelteKit) and on the WebSocket upgrade.
// A key is made, listed and revoked only from a browser session; a read key cannot trade; no
// key can do staff work; a wrong, revoked or expired key is refused by name; revoking a key
// closes its sockets.
import { createServer, type Server } from 'node:http';
import type { RequestEvent } from '@sveltejs/kit';
import type { AddressInfo } from 'node:net';
import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handle } from '../../../src/hooks.server';
import {
	API_KEY_PREFIX,
	MAX_LIVE_API_KEYS,
	noteApiKeyUse
} from '../../../src/lib/server/auth/api-keys';
import { hashToken, revokeUserSessions } from '../../../src/lib/server/auth/sessions';
import {
	adapterNodeFacts,
	createAppTrpcHttpHandler
} from '../../../src/lib/server/trpc/app-node-http';
import type { AppRouter } from '../../../src/lib/server/trpc/root';
import { SESSION_CLOSE_CODE } from '../../../src/lib/server/ws/endpoint';
import { appClient, startAppSocketServer, type AppSocketServer } from '../../fixtures/app-socket';
import { createTestDatabase, type TestDatabase } from '../../fixtures/database';
import { aMarket } from '../../fixtures/markets';
import { aTrader, anAdmin, callerFor } from '../../fixtures/services';
import { failureOf, limit, type Market } from '../../fixtures/api';

let db: TestDatabase;
let app: AppSocketServer;
let http: Server;
let url: string;
let market: Market;

beforeAll(async () => {
	db = await createTestDatabase();
	app = await startAppSocketServer(db);
	// The node-level handler takes the process's services from here, as in production.
	(globalThis as Record<symbol, unknown>)[Symbol.for('betwise.services')] = Promise.resolve(
		app.services
	);
	const handler = createAppTrpcHttpHandler(adapterNodeFacts({}));
	http = createServer((req, res) => void handler(req, res, () => res.writeHead(404).end()));
	await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
	url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/trpc`;
	market = await aMarket(db);
}, 120_000);

afterAll(async () => {
	await new Promise((resolve) => http?.close(resolve));
	await app?.close();
	await db?.close();
});

/** A program's client over HTTP: the key in Authorization (or that header as given), no Origin. */
function program(key: string, authorization = `Bearer ${key}`) {
	return createTRPCClient<AppRouter>({
		links: [httpBatchLink({ url, transformer: superjson, headers: { authorization } })]
	});
}

/** A trader signed in on the site, with their caller (a browser session). */
async function aSiteTrader(cashCents = 100_000n) {
	const user = await aTrader(db, { cashCents });
	return { user, site: await callerFor(app.services, user) };
}

/** The domain code and HTTP status a client call failed with. */
async function refusal(call: Promise<unknown>) {
	try {
		await call;
	} catch (error) {
		if (!(error instanceof TRPCClientError)) throw error;
		const data = error.data as { domainCode?: string | null; httpStatus?: number };
		return { domainCode: data.domainCode ?? null, status: data.httpStatus, message: error.message };
	}
	throw new Error('Expected the call to fail, and it succeeded');
}

describe('making keys', () => {
	it('shows the key once and keeps only its hash and a hint', async () => {
		const { user, site } = await aSiteTrader();
		const { key, secret } = await site.apiKeys.create({ label: ' my bot ', access: 'TRADE' });
		expect(secret.startsWith(API_KEY_PREFIX)).toBe(true);
		expect(secret.length).toBeGreaterThan(40);
		expect(key).toMatchObject({ label: 'my bot', access: 'TRADE', id: hashToken(secret) });
		expect(key.hint).toBe(`${secret.slice(0, 8)}…${secret.slice(-4)}`);
		// 90 days unless told.
		expect(Math.round((key.expiresAt.getTime() - key.createdAt.getTime()) / 86_400_000)).toBe(90);
		expect(await site.apiKeys.list()).toEqual([key]);
		const rows = await db.pool.query(
			`SELECT * FROM sessions WHERE user_id = $1 AND kind = 'API_KEY'`,
			[user.id]
		);
		expect(rows.rows).toHaveLength(1);
		expect(JSON.stringify(rows.rows[0])).not.toContain(secret.slice(API_KEY_PREFIX.length));
	});

	it('refuses an empty name, an unknown access and an expiry over a year, naming the field', async () => {
		const { site } = await aSiteTrader();
		for (const [input, field] of [
			[{ label: '  ', access: 'READ' }, 'label'],
			[{ label: 'bot', access: 'ADMIN' }, 'access'],
			[{ label: 'bot', access: 'READ', expiresInDays: 366 }, 'expiresInDays']
		] as const) {
			const failure = await failureOf(site.apiKeys.create(input as never));
			expect(failure).toMatchObject({ code: 'BAD_REQUEST', fields: [field] });
		}
		expect(await site.apiKeys.list()).toEqual([]);
	});

	it(`holds a trader to ${MAX_LIVE_API_KEYS} live keys, also when they are made at once`, async () => {
		const { site } = await aSiteTrader();
		const results = await Promise.allSettled(
			Array.from({ length: MAX_LIVE_API_KEYS + 3 }, (_, i) =>
				site.apiKeys.create({ label: `bot ${i}`, access: 'READ' })
			)
		);
		expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(
			MAX_LIVE_API_KEYS
		);
		const refused = results.find((result) => result.status === 'rejected')!;
		expect(await failureOf(Promise.reject(refused.reason))).toMatchObject({
			code: 'PRECONDITION_FAILED',
			domainCode: 'API_KEY_LIMIT'
		});
		// Revoking one makes room for one.
		const [first] = await site.apiKeys.list();
		await site.apiKeys.revoke({ id: first!.id });
		await site.apiKeys.create({ label: 'one more', access: 'READ' });
		expect(await site.apiKeys.list()).toHaveLength(MAX_LIVE_API_KEYS);
	});

	it("cannot revoke another trader's key", async () => {
		const { site: mine } = await aSiteTrader();
		const { site: theirs } = await aSiteTrader();
		const { key } = await theirs.apiKeys.create({ label: 'theirs', access: 'TRADE' });
		expect(await failureOf(mine.apiKeys.revoke({ id: key.id }))).toMatchObject({
			code: 'NOT_FOUND',
			domainCode: 'UNKNOWN_API_KEY'
		});
		expect(await theirs.apiKeys.list()).toHaveLength(1);
	});
});

describe('last use', () => {
	it('is never until the first call, then that call, noted at most once a minute', async () => {
		const { site } = await aSiteTrader();
		const { key, secret } = await site.apiKeys.create({ label: 'bot', access: 'READ' });
		expect(key.lastUsedAt).toBeNull();
		const before = new Date();
		await program(secret).auth.me.query();
		// Noted beside the call, not before its answer.
		const lastUse = async () => (await site.apiKeys.list())[0]!.lastUsedAt;
		await expect.poll(lastUse).not.toBeNull();
		const noted = (await lastUse())!;
		expect(noted.getTime()).toBeGreaterThanOrEqual(before.getTime() - 1_000);
		// Read again (as the session cache does once its entry is stale): within a minute, no write.
		await noteApiKeyUse(db.prisma, key.id);
		expect(await lastUse()).toEqual(noted);
		await db.pool.query(
			`UPDATE sessions SET last_used_at = last_used_at - interval '2 minutes' WHERE id = $1`,
			[key.id]
		);
		await noteApiKeyUse(db.prisma, key.id);
		expect((await lastUse())!.getTime()).toBeGreaterThan(noted.getTime() - 60_000);
	});
});

describe('a program with a key, over HTTP', () => {
	it('reads as its trader with a read key, and may not trade with it', async () => {
		const { user, site } = await aSiteTrader();
		await site.orders.place(limit(market, 'BUY', 2, 30));
		const { secret } = await site.apiKeys.create({ label: 'reader', access: 'READ' });
		const api = program(secret);
		expect((await api.auth.me.query())?.id).toBe(user.id);
		expect((await api.orders.list.query({})).items).toHaveLength(1);
		expect(await api.account.balance.query()).toMatchObject({ reservedCents: 60 });
		const refused = await refusal(api.orders.place.mutate(limit(market, 'BUY', 1, 30)));
		expect(refused).toMatchObject({ domainCode: 'API_KEY_READ_ONLY', status: 403 });
		expect(refused.message).toMatch(/trade access/);
		expect(await refusal(api.orders.cancelAll.mutate({}))).toMatchObject({
			domainCode: 'API_KEY_READ_ONLY'
		});
		expect((await site.orders.list({})).items).toHaveLength(1);
	});

	it('places, amends and cancels with a trade key, and the orders are the trader’s', async () => {
		const { user, site } = await aSiteTrader();
		const { secret } = await site.apiKeys.create({ label: 'trader', access: 'TRADE' });
		const api = program(secret);
		const placed = await api.orders.place.mutate(limit(market, 'SELL', 3, 70));
		expect(placed.order.userId).toBe(user.id);
		await api.orders.amend.mutate({ orderId: placed.order.id, quantity: 2 });
		await api.orders.cancel.mutate({ orderId: placed.order.id });
		expect((await site.orders.get({ orderId: placed.order.id })).order.status).toBe('CANCELLED');
	});

	it('may not make or revoke keys, sign out, or do staff work, whoever holds it', async () => {
		const admin = await anAdmin(db);
		const site = await callerFor(app.services, admin);
		const { key, secret } = await site.apiKeys.create({ label: 'admin bot', access: 'TRADE' });
		const api = program(secret);
		for (const call of [
			() => api.apiKeys.list.query(),
			() => api.apiKeys.activity.query(),
			() => api.apiKeys.create.mutate({ label: 'another', access: 'TRADE' }),
			() => api.apiKeys.revoke.mutate({ id: key.id }),
			() => api.auth.logout.mutate(),
			() => api.admin.users.search.query({ query: '' }),
			() => api.admin.flags.list.query()
		]) {
			expect(await refusal(call())).toMatchObject({
				domainCode: 'API_KEY_NOT_ALLOWED',
				status: 403
			});
		}
		// Still there, and still the admin's only key.
		expect((await site.apiKeys.list()).map(({ id }) => id)).toEqual([key.id]);
	});

	it('may not read who made or revoked keys, with read access either', async () => {
		const { site } = await aSiteTrader();
		const { secret } = await site.apiKeys.create({ label: 'reader', access: 'READ' });
		expect(await refusal(program(secret).apiKeys.activity.query())).toMatchObject({
			domainCode: 'API_KEY_NOT_ALLOWED',
			status: 403
		});
		expect((await site.apiKeys.activity()).items).toHaveLength(1);
	});

	it('refuses a wrong, malformed, revoked or expired key by name, even where no sign-in is needed', async () => {
		const { site } = await aSiteTrader();
		const { key, secret } = await site.apiKeys.create({ label: 'soon gone', access: 'TRADE' });
		const { secret: expiring } = await site.apiKeys.create({ label: 'expiring', access: 'READ' });
		await db.pool.query(
			`UPDATE sessions SET expires_at = now() - interval '1 second' WHERE id = $1`,
			[hashToken(expiring)]
		);
		await site.apiKeys.revoke({ id: key.id });
		for (const api of [
			program(`${API_KEY_PREFIX}not-a-key`),
			program(secret, `Basic ${secret}`),
			program(secret, 'Bearer'),
			program(secret),
			program(expiring)
		]) {
			for (const call of [() => api.markets.list.query({}), () => api.account.balance.query()]) {
				const refused = await refusal(call());
				expect(refused).toMatchObject({ domainCode: 'INVALID_API_KEY', status: 401 });
				expect(refused.message).toMatch(/Authorization/);
			}
		}
	});
});

describe('a program with a key, on the WebSocket', () => {
	it('subscribes to its order updates with a read key', async () => {
		const { user, site } = await aSiteTrader();
		const { secret } = await site.apiKeys.create({ label: 'watcher', access: 'READ' });
		const client = appClient(app.origin, { apiKey: secret });
		expect((await client.trpc.auth.me.query())?.id).toBe(user.id);
		const update = new Promise<{ status: string }>((resolve, reject) => {
			const subscription = client.trpc.orders.onMyUpdates.subscribe(undefined, {
				onStarted: () => void site.orders.place(limit(market, 'BUY', 1, 20)),
				onData: ({ data }) => {
					if (data.type !== 'order') return;
					subscription.unsubscribe();
					resolve(data.order);
				},
				onError: reject
			});
		});
		expect((await update).status).toBe('OPEN');
		expect(
			await refusal(client.trpc.orders.place.mutate(limit(market, 'BUY', 1, 20)))
		).toMatchObject({ domainCode: 'API_KEY_READ_ONLY' });
		await client.close();
	});

	it('closes the sockets of a key when it is revoked, and when support signs the trader out', async () => {
		const { user, site } = await aSiteTrader();
		const { key, secret } = await site.apiKeys.create({ label: 'one', access: 'TRADE' });
		const { secret: other } = await site.apiKeys.create({ label: 'two', access: 'TRADE' });
		const first = appClient(app.origin, { apiKey: secret });
		const second = appClient(app.origin, { apiKey: other });
		await Promise.all([first.opened, second.opened]);
		await site.apiKeys.revoke({ id: key.id });
		expect(await first.closed).toBe(SESSION_CLOSE_CODE);
		expect(await refusal(program(secret).auth.me.query())).toMatchObject({
			domainCode: 'INVALID_API_KEY'
		});
		// The other key lives on until the trader is signed out everywhere.
		expect((await program(other).auth.me.query())?.id).toBe(user.id);
		const admin = await anAdmin(db);
		await revokeUserSessions(db.prisma, user.id, { id: admin.id, clientAddress: null });
		expect(await second.closed).toBe(SESSION_CLOSE_CODE);
		await Promise.all([first.close(), second.close()]);
	});

	it('refuses every call on a socket opened with a wrong key', async () => {
		const client = appClient(app.origin, { apiKey: `${API_KEY_PREFIX}wrong` });
		expect(await refusal(client.trpc.markets.list.query({}))).toMatchObject({
			domainCode: 'INVALID_API_KEY'
		});
		await client.close();
	});
});

describe("the site's pages", () => {
	it('go by the browser cookie alone: a key signs nobody in there', async () => {
		const { site } = await aSiteTrader();
		const { secret } = await site.apiKeys.create({ label: 'bot', access: 'TRADE' });
		const locals = {} as App.Locals;
		const event = {
			url: new URL('http://127.0.0.1/portfolio'),
			request: new Request('http://127.0.0.1/portfolio', {
				headers: { authorization: `Bearer ${secret}` }
			}),
			cookies: { get: () => undefined },
			locals
		} as unknown as RequestEvent;
		const response = await handle({ event, resolve: () => Promise.resolve(new Response('page')) });
		expect(await response.text()).toBe('page');
		expect(locals).toMatchObject({ session: null, user: null, invalidApiKey: false });
	});
});

import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '../../src/lib/server/trpc/context';
import { appRouter } from '../../src/lib/server/trpc/root';
import type { Services } from '../../src/lib/server/services';
import { seedDemoData } from '../../src/lib/server/db/seed';
import {
	createSession,
	findActiveSession,
	type ActiveSession
} from '../../src/lib/server/auth/sessions';
import { createTestDatabase, type TestDatabase } from '../fixtures/database';
import {
	aSupportUser,
	aTrader,
	anAdmin,
	callerFor,
	SITE_ORIGIN,
	testServices
} from '../fixtures/services';

let db: TestDatabase;
let services: Services;
beforeAll(async () => {
	db = await createTestDatabase();
	services = testServices(db);
	const client = await db.pool.connect();
	await seedDemoData(client).finally(() => client.release());
});
afterAll(async () => {
	await db.close();
});

/** Sends a real HTTP request through tRPC's fetch handler, as hooks.server.ts does. */
async function http(
	path: string,
	init: RequestInit & { input?: unknown; session?: ActiveSession | null } = {}
) {
	const url = new URL(`${SITE_ORIGIN}/trpc/${path}`);
	const body = init.input === undefined ? undefined : JSON.stringify({ json: init.input });
	if (init.method !== 'POST' && body) url.searchParams.set('input', body);
	const response = await fetchRequestHandler({
		endpoint: '/trpc',
		req: new Request(url, { ...init, body: init.method === 'POST' ? body : undefined }),
		router: appRouter,
		createContext: ({ req }) =>
			createContext({
				services,
				session: init.session ?? null,
				origin: req.headers.get('origin'),
				allowedOrigins: [SITE_ORIGIN],
				clientAddress: '127.0.0.1'
			})
	});
	return {
		status: response.status,
		body: (await response.json()) as {
			error?: { json: { message: string; data: Record<string, unknown> } };
		}
	};
}

describe('who may call what', () => {
	it('answers UNAUTHORIZED to a signed-out caller of a signed-in procedure', async () => {
		const anonymous = await callerFor(services, null);
		await expect(anonymous.auth.logout()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
		await expect(anonymous.admin.users.search({})).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
	});

	it('answers FORBIDDEN to a TRADER calling a SUPPORT procedure', async () => {
		const trader = await callerFor(services, await aTrader(db));
		await expect(trader.admin.users.search({})).rejects.toMatchObject({ code: 'FORBIDDEN' });
	});

	it('lets SUPPORT search users but not revoke their sessions, which only ADMIN may', async () => {
		const target = await aTrader(db);
		const support = await callerFor(services, await aSupportUser(db));
		const found = await support.admin.users.search({ query: target.email });
		expect(found.map((user) => user.id)).toEqual([target.id]);
		await expect(support.admin.users.revokeSessions({ userId: target.id })).rejects.toMatchObject({
			code: 'FORBIDDEN'
		});
		await callerFor(services, target);
		const admin = await callerFor(services, await anAdmin(db));
		expect(await admin.admin.users.revokeSessions({ userId: target.id })).toEqual({ revoked: 1 });
	});

	it('tells a signed-in user who they are, and nobody else', async () => {
		const trader = await aTrader(db);
		expect((await (await callerFor(services, trader)).auth.me())?.id).toBe(trader.id);
		expect(await (await callerFor(services, null)).auth.me()).toBeNull();
	});
});

describe('mutations from another site', () => {
	it('are refused with FORBIDDEN before they do anything', async () => {
		const trader = await aTrader(db);
		const foreign = await callerFor(services, trader, { origin: 'https://evil.example' });
		await expect(foreign.auth.logout()).rejects.toMatchObject({ code: 'FORBIDDEN' });
		const own = await callerFor(services, trader);
		expect(await own.auth.me()).not.toBeNull();
	});

	it('are refused over HTTP too, with the reason as a code', async () => {
		const { status, body } = await http('auth.logout', {
			method: 'POST',
			headers: { origin: 'https://evil.example', 'content-type': 'application/json' },
			input: null
		});
		expect(status).toBe(403);
		expect(body.error?.json.data.domainCode).toBe('FOREIGN_ORIGIN');
	});

	it('do not stop queries, which change nothing', async () => {
		const foreign = await callerFor(services, null, { origin: 'https://evil.example' });
		expect((await foreign.markets.list({ limit: 1 })).items).toHaveLength(1);
	});
});

/** A signed-in trader's session, for procedures that check input only after sign-in. */
async function aTraderSession(): Promise<ActiveSession> {
	const { token } = await createSession(db.prisma, (await aTrader(db)).id, 1);
	return (await findActiveSession(db.prisma, token))!;
}

/** A mutation over HTTP from the site itself, as a signed-in trader. */
async function mutate(path: string, input: unknown) {
	return http(path, {
		method: 'POST',
		headers: { origin: SITE_ORIGIN, 'content-type': 'application/json' },
		input,
		session: await aTraderSession()
	});
}

const order = {
	marketId: crypto.randomUUID(),
	optionId: crypto.randomUUID(),
	side: 'BUY',
	priceCents: 40,
	quantity: 5
};

describe('invalid input', () => {
	it('gets BAD_REQUEST naming the field that was wrong', async () => {
		const { status, body } = await http('markets.list', { input: { limit: 0 } });
		expect(status).toBe(400);
		expect(body.error?.json.message).toMatch(/^limit: /);
		expect(body.error?.json.data.fieldErrors).toHaveProperty('limit');
	});

	it('gets BAD_REQUEST for a field the procedure does not know', async () => {
		const { status, body } = await http('markets.list', { input: { limit: 5, userId: 'x' } });
		expect(status).toBe(400);
		expect(body.error?.json.message).toMatch(/userId/);
	});

	it('never carries a stack trace', async () => {
		const { body } = await http('markets.get', { input: { id: 'not-a-uuid' } });
		expect(body.error?.json.data).not.toHaveProperty('stack');
	});

	it('keeps a top-level field under its own name, as forms read it', async () => {
		const { body } = await mutate('orders.place', { ...order, priceCents: 0, quantity: 0 });
		expect(Object.keys(body.error?.json.data.fieldErrors as object)).toEqual([
			'priceCents',
			'quantity'
		]);
	});

	it('names each unknown field under its own key', async () => {
		const { status, body } = await http('markets.list', { input: { foo: 1, bar: 2 } });
		expect(status).toBe(400);
		expect(body.error?.json.data.fieldErrors).toEqual({
			foo: ['unknown field'],
			bar: ['unknown field']
		});
		expect(body.error?.json.message).toBe('foo: unknown field; bar: unknown field');
	});

	it('still answers BAD_REQUEST for an unknown key superjson will not send as a key', async () => {
		const { status, body } = await http('markets.list', { input: { constructor: 1 } });
		expect(status).toBe(400);
		expect(body.error?.json.data.fieldErrors).toEqual({ '': ['constructor: unknown field'] });
		expect(body.error?.json.message).toBe('constructor: unknown field');
	});

	it('keys a problem inside a list by its full path, index and field', async () => {
		const { status, body } = await mutate('orders.placeBatch', {
			orders: [order, { ...order, priceCents: 0, leverage: 2 }]
		});
		expect(status).toBe(400);
		expect(body.error?.json.data.fieldErrors).toEqual({
			'orders.1.priceCents': [expect.stringMatching(/>=1/)],
			'orders.1.leverage': ['unknown field']
		});
		expect(body.error?.json.message).toMatch(/^orders\.1\.priceCents: .*; orders\.1\.leverage: /);
	});

	it.each([
		['both an id and a slug', { id: crypto.randomUUID(), slug: 'x' }, /slug: unknown field/],
		['neither an id nor a slug', {}, /id: .*slug: /]
	])(
		'says which forms were tried when the input as a whole fits none, given %s',
		async (_, input, tried) => {
			const { status, body } = await http('markets.get', { input });
			expect(status).toBe(400);
			const fieldErrors = body.error?.json.data.fieldErrors as Record<string, string[]>;
			expect(Object.keys(fieldErrors)).toEqual(['']);
			expect(fieldErrors['']).toEqual([expect.stringMatching(tried)]);
			expect(fieldErrors['']![0]).toMatch(/^give the market either by id or by slug, not both/);
			expect(body.error?.json.message).toBe(`input: ${fieldErrors['']![0]}`);
		}
	);

	it('asks for a valid date when a date does not parse', async () => {
		const { status, body } = await mutate('orders.place', {
			...order,
			timeInForce: 'GTD',
			expiresAt: 'tomorrow'
		});
		expect(status).toBe(400);
		expect(body.error?.json.data.fieldErrors).toEqual({
			expiresAt: [expect.stringMatching(/^expected a valid date/)]
		});
		expect(body.error?.json.message).toMatch(/^expiresAt: expected a valid date/);
	});
});

describe('markets', () => {
	it('lists the seeded markets, filtered by status', async () => {
		const caller = await callerFor(services, null);
		const all = await caller.markets.list({ limit: 100 });
		expect(all.items.length).toBe(6);
		const open = await caller.markets.list({ status: ['OPEN'], limit: 100 });
		expect(open.items.length).toBeGreaterThan(0);
		expect(open.items.every((market) => market.status === 'OPEN')).toBe(true);
	});

	it('finds markets by words in the title or category, in any case', async () => {
		const caller = await callerFor(services, null);
		const found = await caller.markets.list({ search: 'bitcoin', limit: 100 });
		expect(found.items.map((market) => market.slug)).toEqual(['btc-above-150k-2026']);
		const byCategory = await caller.markets.list({ search: 'SPORTS', limit: 100 });
		expect(byCategory.items.map((market) => market.slug)).toEqual(['world-cup-2026-winner']);
	});

	it('pages through every market exactly once by cursor', async () => {
		const caller = await callerFor(services, null);
		const seen: string[] = [];
		let cursor: string | undefined;
		do {
			const page = await caller.markets.list({ limit: 4, cursor });
			seen.push(...page.items.map((market) => market.id));
			cursor = page.nextCursor ?? undefined;
		} while (cursor);
		expect(seen).toHaveLength(6);
		expect(new Set(seen).size).toBe(6);
	});

	it('gets one market by slug or id with its options in order', async () => {
		const caller = await callerFor(services, null);
		const bySlug = await caller.markets.get({ slug: 'fed-rate-december-2026' });
		expect(bySlug.options.map((option) => option.label)).toEqual([
			'Cut 50 bp or more',
			'Cut 25 bp',
			'Hold',
			'Hike'
		]);
		expect(bySlug.options[0]).toMatchObject({
			bestBidCents: null,
			bestAskCents: null,
			volume24h: 0
		});
		const byId = await caller.markets.get({ id: bySlug.id });
		expect(byId.title).toBe(bySlug.title);
	});

	it('answers NOT_FOUND for a market that does not exist', async () => {
		const caller = await callerFor(services, null);
		await expect(caller.markets.get({ slug: 'no-such-market' })).rejects.toMatchObject({
			code: 'NOT_FOUND'
		});
	});
});

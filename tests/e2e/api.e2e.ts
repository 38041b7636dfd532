// The API of the built app (node server.js, as in production) through real @trpc/client links:
// httpBatchLink for queries and mutations, wsLink over /trpc for subscriptions, signed in with
// the session cookie the login form sets, as a trading client would use it.
import { TRPCClientError } from '@trpc/client';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { BookUpdate } from '../../src/lib/server/trpc/routers/books/on-update.handler';
import { baseURL } from './fixtures/browser';
import { cookieSocketClient as socketClient, httpClient, sessionCookie } from './fixtures/session';
import { wsURL } from './fixtures/socket';

// The seeded market makers, not Alice and Bob, whose cash the browser specs check to the cent;
// each test cancels what it placed.
let makerCookie: string;
let takerCookie: string;
let market: { id: string; optionId: string };

beforeAll(async () => {
	[makerCookie, takerCookie] = await Promise.all([
		sessionCookie('maker@betwise.dev'),
		sessionCookie('taker@betwise.dev')
	]);
	const { items } = await httpClient(makerCookie).markets.list.query({ status: ['OPEN'] });
	const first = items[0]!;
	market = { id: first.id, optionId: first.options[0]!.id };
});

/** Orders the tests placed, cancelled after each (the makers' seeded quotes stay). */
let placed: { cookie: string; orderId: string }[] = [];

afterEach(async () => {
	for (const { cookie, orderId } of placed) {
		await httpClient(cookie).orders.cancel.mutate({ orderId });
	}
	placed = [];
});

async function placeBuy(cookie: string, priceCents: number, quantity = 1) {
	const result = await httpClient(cookie).orders.place.mutate({
		marketId: market.id,
		optionId: market.optionId,
		side: 'BUY',
		priceCents,
		quantity
	});
	placed.push({ cookie, orderId: result.order.id });
	return result;
}

describe('the built app over HTTP', () => {
	it('places an order for the signed-in trader and says which engine served it', async () => {
		const result = await placeBuy(makerCookie, 2);
		expect(result.order).toMatchObject({ status: 'OPEN', priceCents: 2 });
		expect(result.engine).toBe('local');
		expect(result.fallback).toBe(false);
	});

	it('does not let one trader cancel another trader’s order', async () => {
		const result = await placeBuy(makerCookie, 3);
		const attempt = httpClient(takerCookie).orders.cancel.mutate({ orderId: result.order.id });
		await expect(attempt).rejects.toBeInstanceOf(TRPCClientError);
		await expect(attempt).rejects.toMatchObject({ data: { code: 'NOT_FOUND' } });
	});
});

describe('/metrics', () => {
	const metrics = (headers: Record<string, string> = {}) =>
		fetch(`${baseURL}/metrics`, { headers, redirect: 'manual' });

	it('is served to a scraper with METRICS_TOKEN and to support staff', async () => {
		const token = process.env.E2E_METRICS_TOKEN;
		if (!token) throw new Error('E2E_METRICS_TOKEN is not set (run through npm run test:e2e)');
		const scraped = await metrics({ authorization: `Bearer ${token}` });
		expect(scraped.status).toBe(200);
		expect(await scraped.text()).toMatch(/^# HELP betwise_engine_calls_total /m);
		const staff = await metrics({ cookie: await sessionCookie('support@betwise.dev') });
		expect(staff.status).toBe(200);
	});

	it('is refused to visitors, traders and wrong tokens', async () => {
		const visitor = await metrics();
		expect(visitor.status).toBe(401);
		expect(visitor.headers.get('www-authenticate')).toBe('Bearer');
		expect((await metrics({ cookie: makerCookie })).status).toBe(403);
		expect((await metrics({ authorization: 'Bearer not-the-token' })).status).toBe(401);
	});
});

describe('the built app over WebSocket', () => {
	it('sends a book snapshot, then the change an order makes', async () => {
		const client = socketClient(makerCookie);
		const updates: BookUpdate[] = [];
		let changed!: () => void;
		const delta = new Promise<void>((resolve) => (changed = resolve));
		let snapshotSeen!: () => void;
		const snapshot = new Promise<void>((resolve) => (snapshotSeen = resolve));
		const subscription = client.trpc.books.onUpdate.subscribe(
			{ optionId: market.optionId },
			{
				onData: ({ data }) => {
					updates.push(data);
					if (data.type === 'snapshot') snapshotSeen();
					else if (data.levels.some((level) => level.priceCents === 4)) changed();
				}
			}
		);
		try {
			await snapshot;
			await placeBuy(takerCookie, 4, 3);
			await delta;
			const [first, ...rest] = updates;
			expect(first!.type).toBe('snapshot');
			expect(rest.every((update) => BigInt(update.seq) > BigInt(first!.seq))).toBe(true);
		} finally {
			subscription.unsubscribe();
			client.close();
		}
	});

	it('refuses an upgrade from a foreign Origin', async () => {
		const socket = new WebSocket(wsURL, { headers: { origin: 'https://evil.example' } });
		const status = await new Promise<number>((resolve, reject) => {
			socket.once('unexpected-response', (_request, response) => resolve(response.statusCode!));
			socket.once('open', () => reject(new Error('the foreign upgrade was accepted')));
		});
		expect(status).toBe(403);
	});

	it('closes the socket when its session logs out', async () => {
		const cookie = await sessionCookie('alice@betwise.dev');
		const client = socketClient(cookie);
		const me = await client.trpc.auth.me.query();
		expect(me?.email).toBe('alice@betwise.dev');
		const closed = client.closed();
		await httpClient(cookie).auth.logout.mutate();
		expect(await closed).toBe(4001);
		client.close();
	});
});

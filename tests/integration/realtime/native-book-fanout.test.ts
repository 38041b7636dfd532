// books.onUpdate on the native, per-book conflated path (src/lib/server/ws/book-fanout.ts), over
// the app's endpoint with tRPC's own client and real orders: a snapshot then merged deltas with
// no gap or duplicate (fromSeq is always the seq the client holds + 1, also for a subscriber that
// joins while the book moves), ending equal to the committed book, as the app's own
// applyBookUpdate sees it too; a real reconnect resumes from lastEventId; an old lastEventId, or
// one past the book's seq, gets a snapshot, and one equal to it none; several subscriptions on one
// socket; stop, socket close and logout free the channel.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTRPCClient, createWSClient, wsLink } from '@trpc/client';
import { initTRPC } from '@trpc/server';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createSession, findActiveSession } from '../../../src/lib/server/auth/sessions';
import { createContext } from '../../../src/lib/server/trpc/context';
import type { BookUpdate } from '../../../src/lib/server/trpc/routers/books/on-update.handler';
import { createCaller, type AppRouter } from '../../../src/lib/server/trpc/root';
import type { EventHub, HubEvent } from '../../../src/lib/server/events';
import {
	bookFanoutStats,
	CONFLATE_MS,
	fanOutBook,
	type ConflationClock
} from '../../../src/lib/server/ws/book-fanout';
import { sharingTransformer } from '../../../src/lib/server/ws/encoding';
import { attachWebSocketServer } from '../../../src/lib/server/ws/endpoint';
import { SESSION_CLOSE_CODE } from '../../../src/lib/server/ws/endpoint';
import { z } from 'zod';
import { appClient, startAppSocketServer, type AppSocketServer } from '../../fixtures/app-socket';
import { createTestDatabase, type TestDatabase } from '../../fixtures/database';
import { ClientBook, committedBook, placeRandomOrders } from '../../fixtures/book-flow';
import { aMarket } from '../../fixtures/markets';
import { aTrader, callerFor, type TestServices } from '../../fixtures/services';

let db: TestDatabase;
let app: AppSocketServer;
let services: TestServices;

beforeAll(async () => {
	db = await createTestDatabase();
	app = await startAppSocketServer(db);
	services = app.services;
});
afterAll(async () => {
	await app.close();
	await db.close();
});

const stats = () => bookFanoutStats(services.events);
const FREE = { channels: 0, subscribers: 0, timers: 0 };

/**
 * Subscribes `book` to `optionId` on `client` (from `lastEventId`, where the book then stands);
 * `started` resolves once the first update arrived, and `updates` keeps every one.
 */
function follow(
	client: ReturnType<typeof appClient>,
	optionId: string,
	book: ClientBook,
	lastEventId?: string
) {
	if (lastEventId !== undefined) book.seq = BigInt(lastEventId);
	const updates: BookUpdate[] = [];
	let first: () => void;
	const started = new Promise<void>((resolve) => (first = resolve));
	const subscription = client.trpc.books.onUpdate.subscribe(
		lastEventId === undefined ? { optionId } : { optionId, lastEventId },
		{
			onData: (update) => {
				updates.push(update.data);
				book.apply(update.data, update.id);
				first();
			},
			onError: (error) => book.problems.push(`error: ${error.message}`)
		}
	);
	return { subscription, started, updates };
}

const serverBook = (optionId: string) => committedBook(services.engine, optionId);
const randomOrders = (
	market: { id: string },
	optionId: string,
	count: number,
	seed: number,
	onEach?: (i: number) => void | Promise<void>
) => placeRandomOrders(db, services.engine, { marketId: market.id, optionId }, count, seed, onEach);

describe('books.onUpdate, natively fanned out per book', () => {
	it('sends every subscriber a snapshot then deltas without gap or duplicate across 1,000 orders, ending equal to the committed book', async () => {
		const market = await aMarket(db);
		const optionId = market.optionIds[0]!;
		await randomOrders(market, optionId, 20, 11);
		const clients = [appClient(app.origin), appClient(app.origin), appClient(app.origin)];
		const early = [new ClientBook(), new ClientBook()];
		const follows = early.map((book, i) => follow(clients[i]!, optionId, book));
		const late = new ClientBook();
		let lateFollow: ReturnType<typeof follow> | null = null;
		try {
			await Promise.all(follows.map((f) => f.started));
			expect(stats()).toMatchObject({ channels: 1, subscribers: 2 });
			// A third joins while the book moves: its first merged delta may also cover changes
			// from before its snapshot, and still has to follow it exactly.
			await randomOrders(market, optionId, 1_000, 12, async (i) => {
				if (i === 300) {
					lateFollow = follow(clients[2]!, optionId, late);
					await lateFollow.started;
				}
			});
			const final = await serverBook(optionId);
			for (const book of [...early, late]) {
				await book.reached(final.seq);
				expect(book.problems).toEqual([]);
				expect(book.snapshots).toBe(1);
				expect(book.deltas).toBeGreaterThan(0);
				expect(book.sorted()).toEqual(final.sorted);
				expect(book.ladderSorted()).toEqual(final.sorted);
				expect(book.ladder.seq).toBe(final.seq);
				// Tracked ids strictly increase: nothing twice.
				const seqs = book.ids.map(BigInt);
				expect(seqs.every((seq, i) => i === 0 || seq > seqs[i - 1]!)).toBe(true);
			}
		} finally {
			for (const f of follows) f.subscription.unsubscribe();
			(lateFollow as ReturnType<typeof follow> | null)?.subscription.unsubscribe();
			await Promise.all(clients.map((client) => client.close()));
		}
		await expect.poll(stats).toEqual(FREE);
		expect(services.events.listenerCount(`book:${optionId}`)).toBe(0);
	}, 180_000);

	it('resumes after a dropped socket with exactly the updates missed, from lastEventId', async () => {
		const market = await aMarket(db);
		const optionId = market.optionIds[0]!;
		await randomOrders(market, optionId, 10, 21);
		const sockets: WebSocket[] = [];
		const origin = app.origin;
		/** While set, the client's reconnects are refused (the Origin is not allowed). */
		let away = false;
		class BrowserLikeWebSocket extends WebSocket {
			constructor(url: string | URL, protocols?: string | string[]) {
				super(url, protocols, { headers: { Origin: away ? 'http://elsewhere.invalid' : origin } });
				sockets.push(this);
			}
		}
		const wsClient = createWSClient({
			url: origin.replace('http', 'ws') + '/trpc',
			WebSocket: BrowserLikeWebSocket as unknown as typeof globalThis.WebSocket,
			lazy: { enabled: false, closeMs: 0 },
			retryDelayMs: () => 20
		});
		const trpc = createTRPCClient<AppRouter>({
			links: [wsLink({ client: wsClient, transformer: superjson })]
		});
		const book = new ClientBook();
		const updates: BookUpdate[] = [];
		let first: () => void;
		const started = new Promise<void>((resolve) => (first = resolve));
		const subscription = trpc.books.onUpdate.subscribe(
			{ optionId },
			{
				onData: (update) => {
					updates.push(update.data);
					book.apply(update.data, update.id);
					first();
				}
			}
		);
		try {
			await started;
			const before = await serverBook(optionId);
			await book.reached(before.seq);
			const held = book.seq;
			// Drop the socket; orders go on while the client is away.
			const dropped = sockets.at(-1)!;
			const closed = new Promise((resolve) => dropped.once('close', resolve));
			away = true;
			dropped.terminate();
			await closed;
			await expect.poll(() => stats().subscribers).toBe(0);
			updates.length = 0;
			await randomOrders(market, optionId, 50, 22);
			const final = await serverBook(optionId);
			away = false;
			await book.reached(final.seq);
			expect(sockets.length).toBeGreaterThan(1);
			expect(book.problems).toEqual([]);
			expect(book.snapshots).toBe(1);
			expect(updates.every((update) => update.type === 'delta')).toBe(true);
			// The first updates after the reconnect are the missed ones, one by one from the outbox.
			const count = Number(BigInt(final.seq) - held);
			expect(count).toBeGreaterThan(0);
			expect(
				updates.map((update) => update.type === 'delta' && [update.fromSeq, update.seq])
			).toEqual(
				Array.from({ length: count }, (_, i) => [
					String(held + BigInt(i + 1)),
					String(held + BigInt(i + 1))
				])
			);
			expect(book.sorted()).toEqual(final.sorted);
		} finally {
			subscription.unsubscribe();
			wsClient.close();
		}
		await expect.poll(stats).toEqual(FREE);
	}, 120_000);

	it('sends a fresh snapshot for a lastEventId whose updates are gone from the outbox, then goes on live', async () => {
		const market = await aMarket(db);
		const optionId = market.optionIds[0]!;
		await randomOrders(market, optionId, 10, 31);
		const seen = (await serverBook(optionId)).seq;
		await randomOrders(market, optionId, 30, 32);
		await db.pool.query(`DELETE FROM events WHERE topic = $1 AND book_seq <= $2::bigint + 5`, [
			`book:${optionId}`,
			seen
		]);
		const now = await serverBook(optionId);
		const client = appClient(app.origin);
		const book = new ClientBook();
		const { subscription, updates } = follow(client, optionId, book, seen);
		try {
			await book.reached(now.seq);
			expect(updates[0]).toMatchObject({ type: 'snapshot', seq: now.seq });
			expect(stats().subscribers).toBe(1);
			await randomOrders(market, optionId, 30, 33);
			const final = await serverBook(optionId);
			await book.reached(final.seq);
			expect(book.problems).toEqual([]);
			expect(book.snapshots).toBe(1);
			expect(book.sorted()).toEqual(final.sorted);
		} finally {
			subscription.unsubscribe();
			await client.close();
		}
		await expect.poll(stats).toEqual(FREE);
	}, 120_000);

	it("sends a fresh snapshot for a lastEventId past the book's seq, however far, then goes on live", async () => {
		const market = await aMarket(db);
		const optionId = market.optionIds[0]!;
		await randomOrders(market, optionId, 10, 34);
		const now = await serverBook(optionId);
		// One past the book, far past it, and past what a bigint holds.
		const ahead = [BigInt(now.seq) + 1n, 999_999_999n, 10n ** 25n].map(String);
		const client = appClient(app.origin);
		const books = ahead.map(() => new ClientBook());
		const follows = ahead.map((lastEventId, i) => follow(client, optionId, books[i]!, lastEventId));
		try {
			await Promise.all(follows.map(({ started }) => started));
			for (const { updates } of follows) {
				expect(updates[0]).toMatchObject({ type: 'snapshot', seq: now.seq });
			}
			await randomOrders(market, optionId, 10, 35);
			const final = await serverBook(optionId);
			for (const book of books) {
				await book.reached(final.seq);
				expect(book.problems).toEqual([]);
				expect(book.snapshots).toBe(1);
				expect(book.sorted()).toEqual(final.sorted);
			}
		} finally {
			for (const { subscription } of follows) subscription.unsubscribe();
			await client.close();
		}
		await expect.poll(stats).toEqual(FREE);
	}, 120_000);

	it("resumes from a lastEventId equal to the book's seq with no snapshot, then goes on live", async () => {
		const market = await aMarket(db);
		const optionId = market.optionIds[0]!;
		await randomOrders(market, optionId, 10, 36);
		const seen = (await serverBook(optionId)).seq;
		const client = appClient(app.origin);
		const book = new ClientBook();
		const { subscription, updates } = follow(client, optionId, book, seen);
		try {
			await randomOrders(market, optionId, 10, 37);
			const final = await serverBook(optionId);
			await book.reached(final.seq);
			expect(book.problems).toEqual([]);
			expect(book.snapshots).toBe(0);
			expect(updates[0]).toMatchObject({ type: 'delta', fromSeq: String(BigInt(seen) + 1n) });
			expect(book.sorted()).toEqual(final.sorted);
		} finally {
			subscription.unsubscribe();
			await client.close();
		}
		await expect.poll(stats).toEqual(FREE);
	}, 120_000);

	it('serves several subscriptions on one socket, each under its own id', async () => {
		const market = await aMarket(db);
		const [x, y] = market.optionIds as [string, string];
		await randomOrders(market, x, 10, 41);
		await randomOrders(market, y, 10, 42);
		const client = appClient(app.origin);
		const books = [new ClientBook(), new ClientBook(), new ClientBook()];
		const follows = [
			follow(client, x, books[0]!),
			follow(client, x, books[1]!),
			follow(client, y, books[2]!)
		];
		try {
			await Promise.all(follows.map((f) => f.started));
			expect(stats()).toMatchObject({ channels: 2, subscribers: 3 });
			await Promise.all([randomOrders(market, x, 100, 43), randomOrders(market, y, 100, 44)]);
			const [finalX, finalY] = [await serverBook(x), await serverBook(y)];
			for (const [book, final] of [
				[books[0]!, finalX],
				[books[1]!, finalX],
				[books[2]!, finalY]
			] as const) {
				await book.reached(final.seq);
				expect(book.problems).toEqual([]);
				expect(book.snapshots).toBe(1);
				expect(book.sorted()).toEqual(final.sorted);
			}
			// Stopping one leaves the others running.
			follows[0]!.subscription.unsubscribe();
			await expect.poll(() => stats().subscribers).toBe(2);
			await randomOrders(market, x, 20, 45);
			const later = await serverBook(x);
			await books[1]!.reached(later.seq);
			expect(books[1]!.sorted()).toEqual(later.sorted);
			expect(books[1]!.problems).toEqual([]);
		} finally {
			for (const f of follows) f.subscription.unsubscribe();
			await client.close();
		}
		await expect.poll(stats).toEqual(FREE);
		expect(services.events.listenerCount(`book:${x}`)).toBe(0);
		expect(services.events.listenerCount(`book:${y}`)).toBe(0);
	}, 120_000);

	it('frees the channel on stop, on socket close, and when the trader signs out', async () => {
		const market = await aMarket(db);
		const optionId = market.optionIds[0]!;
		await randomOrders(market, optionId, 5, 51);

		// Stop, with changes pending in the channel's window.
		const client = appClient(app.origin);
		const book = new ClientBook();
		const stopped = follow(client, optionId, book);
		await stopped.started;
		expect(stats()).toMatchObject({ channels: 1, subscribers: 1 });
		expect(services.events.listenerCount(`book:${optionId}`)).toBe(1);
		await randomOrders(market, optionId, 5, 52);
		stopped.subscription.unsubscribe();
		await expect.poll(stats).toEqual(FREE);
		expect(services.events.listenerCount(`book:${optionId}`)).toBe(0);

		// Socket close.
		const again = follow(client, optionId, new ClientBook());
		await again.started;
		expect(stats().subscribers).toBe(1);
		await client.close();
		await expect.poll(stats).toEqual(FREE);
		expect(services.events.listenerCount(`book:${optionId}`)).toBe(0);

		// Logout.
		const trader = await aTrader(db);
		const { token } = await createSession(db.prisma, trader.id, 1);
		const signedInClient = appClient(app.origin, token);
		const signedIn = follow(signedInClient, optionId, new ClientBook());
		await signedIn.started;
		expect(stats().subscribers).toBe(1);
		const caller = createCaller(
			createContext({
				services,
				session: await findActiveSession(db.prisma, token),
				origin: null,
				allowedOrigins: [],
				clientAddress: '127.0.0.1'
			})
		);
		await caller.auth.logout();
		expect(await signedInClient.closed).toBe(SESSION_CLOSE_CODE);
		await expect.poll(stats).toEqual(FREE);
		expect(services.events.listenerCount(`book:${optionId}`)).toBe(0);
		await signedInClient.close();
	}, 120_000);

	it('still streams to a caller without a socket (the ordinary tRPC path)', async () => {
		const market = await aMarket(db);
		const optionId = market.optionIds[0]!;
		await randomOrders(market, optionId, 5, 61);
		const caller = await callerFor(services, null);
		const stream = await caller.books.onUpdate({ optionId });
		const iterator = stream[Symbol.asyncIterator]();
		const first = await iterator.next();
		expect(first.done).toBe(false);
		expect(first.value).toEqual([
			(await serverBook(optionId)).seq,
			expect.objectContaining({ type: 'snapshot' }),
			expect.anything()
		]);
		expect(stats().subscribers).toBe(0);
		expect(services.events.listenerCount(`book:${optionId}`)).toBe(1);
		await iterator.return?.();
		expect(services.events.listenerCount(`book:${optionId}`)).toBe(0);
	});

	it("snapshots a lastEventId past the book's seq and resumes one equal to it on the ordinary path too", async () => {
		const market = await aMarket(db);
		const optionId = market.optionIds[0]!;
		await randomOrders(market, optionId, 5, 62);
		const now = await serverBook(optionId);
		const caller = await callerFor(services, null);
		const subscribe = async (lastEventId: string) =>
			(await caller.books.onUpdate({ optionId, lastEventId }))[Symbol.asyncIterator]();

		for (const lastEventId of [String(BigInt(now.seq) + 1n), String(10n ** 25n)]) {
			const ahead = await subscribe(lastEventId);
			const first = await ahead.next();
			await ahead.return?.();
			expect(first.value).toEqual([
				now.seq,
				expect.objectContaining({ type: 'snapshot', seq: now.seq }),
				expect.anything()
			]);
		}

		const resumed = await subscribe(now.seq);
		const next = resumed.next();
		await randomOrders(market, optionId, 1, 63);
		const first = await next;
		await resumed.return?.();
		expect(first.value).toEqual([
			expect.any(String),
			expect.objectContaining({ type: 'delta', fromSeq: String(BigInt(now.seq) + 1n) }),
			expect.anything()
		]);
		expect(services.events.listenerCount(`book:${optionId}`)).toBe(0);
	});
});

describe('books.onUpdate channel, driven by hand', () => {
	/** Stands for the event hub: the test delivers each book event itself. */
	const listeners = new Set<(event: HubEvent) => void>();
	const hub = {
		subscribe(_topic: string, listener: (event: HubEvent) => void) {
			const entry = (event: HubEvent) => listener(event);
			listeners.add(entry);
			return () => listeners.delete(entry);
		}
	} as unknown as EventHub;
	const optionId = '00000000-0000-4000-8000-000000000001';
	let nextId = 1;
	const deliver = (
		seq: number,
		levels: { side: 'BUY' | 'SELL'; priceCents: number; quantity: number }[]
	) => {
		const event: HubEvent = {
			id: String(nextId++),
			topic: `book:${optionId}`,
			kind: 'book.delta',
			optionId,
			marketId: null,
			userId: null,
			bookSeq: String(seq),
			payload: Object.freeze({ levels: levels.map((level) => ({ ...level, orders: 1 })) }),
			createdAt: new Date(),
			xid: '1',
			cursor: String(seq)
		};
		for (const listener of [...listeners]) listener(event);
	};
	/** Each subscriber's snapshot: the next queued one, or the current state. */
	const snapshots: Promise<{ seq: string; bids: unknown[]; asks: unknown[] }>[] = [];
	let current = { seq: '0', bids: [] as unknown[], asks: [] as unknown[] };
	/** The conflation clock a new channel is given; the real one unless a test sets its own. */
	let clock: ConflationClock | undefined;
	const t = initTRPC.create({ transformer: sharingTransformer });
	const router = t.router({
		book: t.procedure
			.input(z.strictObject({ optionId: z.string() }))
			.subscription(({ input, ...call }) =>
				fanOutBook(
					call,
					() => ({
						hub,
						optionId: input.optionId,
						clock,
						snapshot: async () => ({
							type: 'snapshot' as const,
							lastPriceCents: null,
							...(await (snapshots.shift() ?? current))
						})
					}),
					() => {
						throw new Error('not over the socket');
					}
				)
			)
	});

	/** The router on a real endpoint and socket, with tRPC's client on it. */
	async function serve() {
		const server = createServer();
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const endpoint = attachWebSocketServer(server, {
			router,
			createContext: async () => ({}),
			allowedOrigins: []
		});
		const wsClient = createWSClient({
			url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/trpc`,
			WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
			lazy: { enabled: false, closeMs: 0 },
			retryDelayMs: () => 60_000
		});
		const trpc = createTRPCClient<typeof router>({
			links: [wsLink({ client: wsClient, transformer: superjson })]
		});
		return {
			trpc,
			async close() {
				wsClient.close();
				await expect.poll(() => bookFanoutStats(hub)).toEqual(FREE);
				expect(listeners.size).toBe(0);
				await endpoint.close();
				await new Promise((resolve) => server.close(resolve));
			}
		};
	}

	it("moves a merged delta's fromSeq up to a new subscriber's snapshot, and resnapshots on a gap", async () => {
		const { trpc, close } = await serve();
		const [a, b] = [new ClientBook(), new ClientBook()];
		const received = { a: [] as BookUpdate[], b: [] as BookUpdate[] };
		const subscribe = (book: ClientBook, into: BookUpdate[]) =>
			trpc.book.subscribe(
				{ optionId },
				{
					onData: (update) => {
						into.push(update.data as BookUpdate);
						book.apply(update.data as BookUpdate, update.id);
					}
				}
			);
		const subA = subscribe(a, received.a);
		let subB: ReturnType<typeof subscribe> | null = null;
		try {
			await a.reached(0);
			// B joins; its snapshot (at seq 2) is read while seqs 1..3 arrive as one window.
			let resolveB!: (snapshot: typeof current) => void;
			snapshots.push(new Promise((resolve) => (resolveB = resolve)));
			subB = subscribe(b, received.b);
			await expect.poll(() => bookFanoutStats(hub).subscribers).toBe(2);
			deliver(1, [{ side: 'BUY', priceCents: 40, quantity: 5 }]);
			deliver(2, [{ side: 'SELL', priceCents: 60, quantity: 7 }]);
			deliver(3, [{ side: 'BUY', priceCents: 40, quantity: 2 }]);
			await a.reached(3);
			expect(received.a.at(-1)).toMatchObject({ type: 'delta', fromSeq: '1', seq: '3' });
			resolveB({
				seq: '2',
				bids: [{ priceCents: 40, quantity: 5, orders: 1 }],
				asks: [{ priceCents: 60, quantity: 7, orders: 1 }]
			});
			await b.reached(3);
			expect(received.b.map((update) => update.type)).toEqual(['snapshot', 'delta']);
			expect(received.b[1]).toMatchObject({ fromSeq: '3', seq: '3' });
			expect(b.sorted()).toEqual(a.sorted());
			expect(a.sorted()).toEqual([
				['BUY:40', 2],
				['SELL:60', 7]
			]);

			// Seq 4 never arrives: both get a fresh snapshot, then go on.
			current = {
				seq: '5',
				bids: [{ priceCents: 41, quantity: 1, orders: 1 }],
				asks: [{ priceCents: 60, quantity: 7, orders: 1 }]
			};
			deliver(5, [{ side: 'BUY', priceCents: 41, quantity: 1 }]);
			await Promise.all([a.reached(5), b.reached(5)]);
			deliver(6, [{ side: 'SELL', priceCents: 60, quantity: 0 }]);
			await Promise.all([a.reached(6), b.reached(6)]);
			for (const [book, updates] of [
				[a, received.a],
				[b, received.b]
			] as const) {
				expect(book.problems).toEqual([]);
				expect(updates.filter((update) => update.type === 'snapshot').at(-1)?.seq).toBe('5');
				expect(updates.at(-1)).toMatchObject({ type: 'delta', fromSeq: '6', seq: '6' });
				expect(book.sorted()).toEqual([['BUY:41', 1]]);
			}
		} finally {
			subA.unsubscribe();
			subB?.unsubscribe();
			await close();
		}
	});

	it('sends a burst of deltas within one window as one update with the latest levels, at most one per window', async () => {
		const manual = new ManualClock();
		clock = manual;
		const { trpc, close } = await serve();
		const book = new ClientBook();
		const received: BookUpdate[] = [];
		current = { seq: '10', bids: [], asks: [] };
		const subscription = trpc.book.subscribe(
			{ optionId },
			{
				onData: (update) => {
					received.push(update.data as BookUpdate);
					book.apply(update.data as BookUpdate, update.id);
				}
			}
		);
		try {
			await book.reached(10);
			// After a quiet spell a change goes out at once, and opens a window.
			deliver(11, [{ side: 'BUY', priceCents: 40, quantity: 5 }]);
			expect(manual.dueAt()).toEqual([0]);
			manual.advanceTo(0);
			await book.reached(11);

			// A burst inside that window: one timer, due when the window ends.
			manual.advanceTo(10);
			deliver(12, [{ side: 'SELL', priceCents: 60, quantity: 7 }]);
			expect(manual.dueAt()).toEqual([CONFLATE_MS]);
			manual.advanceTo(40);
			deliver(13, [{ side: 'BUY', priceCents: 40, quantity: 2 }]);
			manual.advanceTo(70);
			deliver(14, [{ side: 'BUY', priceCents: 41, quantity: 3 }]);
			manual.advanceTo(CONFLATE_MS - 1);
			deliver(15, [{ side: 'BUY', priceCents: 40, quantity: 1 }]);
			expect(manual.dueAt()).toEqual([CONFLATE_MS]);
			manual.advanceTo(CONFLATE_MS);
			await book.reached(15);

			expect(received.map((update) => update.type)).toEqual(['snapshot', 'delta', 'delta']);
			const burst = received[2]!;
			expect(burst).toMatchObject({ type: 'delta', fromSeq: '12', seq: '15' });
			const levels = burst.type === 'delta' ? burst.levels : [];
			expect(
				levels.map((level) => [`${level.side}:${level.priceCents}`, level.quantity]).sort()
			).toEqual([
				['BUY:40', 1],
				['BUY:41', 3],
				['SELL:60', 7]
			]);
			expect(book.problems).toEqual([]);
			expect(book.sorted()).toEqual([
				['BUY:40', 1],
				['BUY:41', 3],
				['SELL:60', 7]
			]);

			// The next change, later on, waits for the window after that emit.
			manual.advanceTo(150);
			deliver(16, [{ side: 'SELL', priceCents: 60, quantity: 0 }]);
			expect(manual.dueAt()).toEqual([2 * CONFLATE_MS]);
			manual.advanceTo(2 * CONFLATE_MS);
			await book.reached(16);
			expect(received.at(-1)).toMatchObject({ type: 'delta', fromSeq: '16', seq: '16' });
			expect(received).toHaveLength(4);
		} finally {
			subscription.unsubscribe();
			clock = undefined;
			current = { seq: '0', bids: [], asks: [] };
			await close();
		}
		expect(manual.dueAt()).toEqual([]);
	});
});

/** A conflation clock moved by hand: timers run when the test moves time past them. */
class ManualClock implements ConflationClock {
	#now = 0;
	#nextId = 1;
	readonly #timers = new Map<number, { at: number; run: () => void }>();

	now(): number {
		return this.#now;
	}

	setTimeout(run: () => void, ms: number): number {
		const id = this.#nextId++;
		this.#timers.set(id, { at: this.#now + ms, run });
		return id;
	}

	clearTimeout(timer: unknown): void {
		this.#timers.delete(timer as number);
	}

	/** When the pending timers are due, earliest first. */
	dueAt(): number[] {
		return [...this.#timers.values()].map((timer) => timer.at).sort((x, y) => x - y);
	}

	/** Moves time to `ms`, running every timer due by then in order. */
	advanceTo(ms: number): void {
		for (;;) {
			const due = [...this.#timers.entries()]
				.filter(([, timer]) => timer.at <= ms)
				.sort(([, x], [, y]) => x.at - y.at)[0];
			if (!due) break;
			this.#timers.delete(due[0]);
			this.#now = Math.max(this.#now, due[1].at);
			due[1].run();
		}
		this.#now = ms;
	}
}

// trades.onTrade and markets.onPrice on the native fan-out path (src/lib/server/ws/fanout.ts), over
// the app's endpoint and real trades: the frames are those tRPC's own adapter sends, tRPC's client
// decodes them, each subscription of a socket gets its own, a reconnecting client gets exactly
// the trades it missed (however many), bad input and a lastEventId past the newest event or
// older than the outbox holds are a BAD_REQUEST, and logout frees the subscriptions.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
	createTRPCClient,
	createWSClient,
	TRPCClientError,
	wsLink,
	type TRPCClientErrorLike
} from '@trpc/client';
import type { TrackedEnvelope } from '@trpc/server';
import { applyWSSHandler } from '@trpc/server/adapters/ws';
import superjson from 'superjson';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { createSession, findActiveSession } from '../../../src/lib/server/auth/sessions';
import { pruneEvents } from '../../../src/lib/server/events/prune';
import { createContext } from '../../../src/lib/server/trpc/context';
import { appRouter, createCaller, type AppRouter } from '../../../src/lib/server/trpc/root';
import { sharingEncoder } from '../../../src/lib/server/ws/encoding';
import { SESSION_CLOSE_CODE } from '../../../src/lib/server/ws/endpoint';
import { fanoutStats } from '../../../src/lib/server/ws/fanout';
import { PlaceOrderInput } from '../../../src/lib/shared/orders';
import { appClient, startAppSocketServer, type AppSocketServer } from '../../fixtures/app-socket';
import { createTestDatabase, type TestDatabase } from '../../fixtures/database';
import { aMarket } from '../../fixtures/markets';
import { aTrader, callerFor, type TestServices } from '../../fixtures/services';
import { eventIdOf } from '../../fixtures/event-cursor';

/** Two transactions committing at once exist only on a real Postgres (CI runs both). */
const onPostgres = Boolean(process.env.DATABASE_URL);
const itOnPostgres: typeof it = onPostgres ? it : ((() => undefined) as unknown as typeof it);

let db: TestDatabase;
let app: AppSocketServer;
let services: TestServices;
/** tRPC's own ws adapter on the same router and services: the reference for the wire. */
let plain: { server: Server; wss: WebSocketServer; url: string };

beforeAll(async () => {
	db = await createTestDatabase();
	app = await startAppSocketServer(db);
	services = app.services;
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const wss = new WebSocketServer({ server });
	applyWSSHandler({
		wss,
		router: appRouter,
		experimental_encoder: sharingEncoder,
		createContext: () =>
			createContext({
				services,
				session: null,
				origin: null,
				allowedOrigins: [],
				clientAddress: '127.0.0.1'
			})
	});
	plain = { server, wss, url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}` };
});
afterAll(async () => {
	for (const client of plain.wss.clients) client.terminate();
	await new Promise((resolve) => plain.wss.close(resolve));
	await new Promise((resolve) => plain.server.close(resolve));
	await app.close();
	await db.close();
});

const nativeStats = () => fanoutStats(services.events);

/** Places a crossing pair on `optionId` at `priceCents`: one trade of 1 share. */
async function trade(market: { id: string }, optionId: string, priceCents: number) {
	const [buyer, seller] = [
		await aTrader(db, { cashCents: 100_000n }),
		await aTrader(db, { cashCents: 100_000n })
	];
	const order = (side: 'BUY' | 'SELL') =>
		PlaceOrderInput.parse({ marketId: market.id, optionId, side, priceCents, quantity: 1 });
	const sold = await services.engine.place(seller.id, order('SELL'));
	const bought = await services.engine.place(buyer.id, order('BUY'));
	if (!sold.ok || !bought.ok || bought.value.fills.length !== 1) throw new Error('no trade');
}

/** A raw socket that keeps its text frames and can wait for more. */
class RawClient {
	readonly frames: string[] = [];
	#waiters: (() => void)[] = [];

	private constructor(readonly socket: WebSocket) {
		socket.on('message', (data) => {
			this.frames.push(String(data));
			for (const wake of this.#waiters.splice(0)) wake();
		});
	}

	static async open(url: string, origin?: string): Promise<RawClient> {
		const socket = new WebSocket(url, { headers: origin ? { Origin: origin } : {} });
		await new Promise<void>((resolve, reject) => {
			socket.once('open', () => resolve());
			socket.once('error', reject);
		});
		return new RawClient(socket);
	}

	send(message: unknown): void {
		this.socket.send(JSON.stringify(message));
	}

	of(id: number | string): string[] {
		return this.frames.filter((text) => JSON.parse(text).id === id);
	}

	async until(id: number | string, type: string, count = 1): Promise<void> {
		const seen = () =>
			this.of(id).filter((text) => JSON.parse(text).result?.type === type).length >= count;
		while (!seen()) await new Promise<void>((resolve) => this.#waiters.push(resolve));
	}

	close(): Promise<void> {
		return new Promise((resolve) => {
			this.socket.once('close', () => resolve());
			this.socket.close();
		});
	}
}

/** The newest event id the outbox has handed out, as the server reckons it. */
async function newestEventId(): Promise<bigint> {
	const { rows } = await db.pool.query<{ newest: string }>(
		`SELECT greatest((SELECT max(id) FROM events),
		        pg_sequence_last_value(pg_get_serial_sequence('events', 'id')::regclass), 0)::text AS newest`
	);
	return BigInt(rows[0]!.newest);
}

/** The id of the newest trade event of `optionId`. */
async function lastTradeEventId(optionId: string): Promise<string> {
	const { rows } = await db.pool.query<{ id: string }>(
		`SELECT max(id)::text AS id FROM events WHERE topic = $1`,
		[`trades:${optionId}`]
	);
	return rows[0]!.id;
}

/** Prunes every event up to `throughId`, as the pruner does once they pass the retention. */
async function pruneThrough(throughId: string): Promise<void> {
	await db.pool.query(
		`UPDATE events SET created_at = now() - interval '1000 hours' WHERE id <= $1::bigint`,
		[throughId]
	);
	await pruneEvents(db.pool, { olderThan: new Date(Date.now() - 3_600_000) });
}

/**
 * `count` trades of `optionId` written straight into the outbox as the engine writes them (far
 * quicker than placing twice as many orders); their event ids in order.
 */
async function outboxTrades(
	market: { id: string },
	optionId: string,
	count: number,
	runner: Pick<pg.ClientBase, 'query'> = db.pool,
	priceCents: number | null = null
) {
	const { rows } = await runner.query<{ id: string }>(
		`INSERT INTO events (topic, kind, option_id, market_id, payload)
		 SELECT $1, 'trade', $2, $3,
		        json_build_object('id', (9000000 + n)::text, 'priceCents', coalesce($5, 1 + n % 99),
		                          'quantity', 1, 'takerSide', 'BUY')
		   FROM generate_series(1, $4::int) AS n
		 RETURNING id::text AS id`,
		[`trades:${optionId}`, optionId, market.id, count, priceCents]
	);
	return rows.map((row) => BigInt(row.id)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

type Market = Awaited<ReturnType<typeof aMarket>>;

/**
 * A trades.onTrade or markets.onPrice subscription of `client` on `market`'s first option,
 * resumed after `lastEventId`: its first price or its error, with a trade at `price` there once it
 * started. Each market serves one check, so that no trade of another reaches it late through the
 * hub.
 */
async function firstOf(
	client: ReturnType<typeof appClient>,
	stream: 'trades' | 'prices',
	market: Market,
	lastEventId: string,
	price: number
) {
	type Handlers = {
		onStarted: () => void;
		onData: (item: { data: { priceCents: number } }) => void;
		onError: (error: TRPCClientErrorLike<AppRouter>) => void;
	};
	const optionId = market.optionIds[0]!;
	const subscribe = (handlers: Handlers) =>
		stream === 'trades'
			? client.trpc.trades.onTrade.subscribe({ optionId, lastEventId }, handlers)
			: client.trpc.markets.onPrice.subscribe({ marketId: market.id, lastEventId }, handlers);
	let placed = Promise.resolve();
	const outcome = await new Promise<{ priceCents?: number; code?: string; message?: string }>(
		(resolve) => {
			const subscription = subscribe({
				onStarted: () => void (placed = trade(market, optionId, price)),
				onData: ({ data }) => {
					subscription.unsubscribe();
					resolve({ priceCents: data.priceCents });
				},
				onError: (error) => resolve({ code: error.data?.code, message: error.message })
			});
		}
	);
	await placed;
	return outcome;
}

/** Collects a subscription's data and resolves waiters as it grows. */
function collector<T>() {
	const items: T[] = [];
	let waiters: { count: number; resolve: () => void }[] = [];
	return {
		items,
		push(item: T) {
			items.push(item);
			waiters = waiters.filter((waiter) => {
				if (items.length < waiter.count) return true;
				waiter.resolve();
				return false;
			});
		},
		reached(count: number): Promise<void> {
			if (items.length >= count) return Promise.resolve();
			return new Promise((resolve) => waiters.push({ count, resolve }));
		}
	};
}

describe('trades.onTrade and markets.onPrice fanned out natively', () => {
	it("send the frames tRPC's own adapter sends for the same subscriptions", async () => {
		const market = await aMarket(db);
		const optionId = market.optionIds[0]!;
		const native = await RawClient.open(app.origin.replace('http', 'ws') + '/trpc', app.origin);
		const reference = await RawClient.open(plain.url);
		const subscriptions = [
			{ id: 1, params: { path: 'trades.onTrade', input: { json: { optionId } } } },
			{
				id: 2,
				jsonrpc: '2.0',
				params: { path: 'markets.onPrice', input: { json: { marketId: market.id } } }
			}
		];
		try {
			for (const client of [native, reference]) {
				client.send(subscriptions.map((message) => ({ ...message, method: 'subscription' })));
				await client.until(1, 'started');
				await client.until(2, 'started');
			}
			// Both listen by the time `started` arrives: onPrice reads the market's options before.
			expect(nativeStats().subscribers).toBe(2);
			expect(services.events.listenerCount(`trades:${optionId}`)).toBe(4);
			await trade(market, optionId, 57);
			for (const client of [native, reference]) {
				for (const id of [1, 2]) await client.until(id, 'data');
				for (const id of [1, 2]) client.send({ id, method: 'subscription.stop' });
				for (const id of [1, 2]) await client.until(id, 'stopped');
			}
			for (const id of [1, 2]) {
				expect(native.of(id)).toHaveLength(3);
				expect(native.of(id)).toEqual(reference.of(id));
			}
			const [, data] = native.of(2).map((text) => JSON.parse(text));
			expect(superjson.deserialize(data.result.data)).toEqual({
				id: data.result.id,
				data: { optionId, priceCents: 57, quantity: 1 }
			});
			// The trade as books.trades lists it, its time included.
			const [, tradeData] = native.of(1).map((text) => JSON.parse(text));
			const rows = await (await callerFor(services, null)).books.trades({ optionId });
			expect(superjson.deserialize(tradeData.result.data)).toEqual({
				id: tradeData.result.id,
				data: rows[0]
			});
			expect(nativeStats()).toEqual({ channels: 0, subscribers: 0 });
		} finally {
			await native.close();
			await reference.close();
		}
	});

	it("gives each subscription of one socket its own trades, as tRPC's client reads them", async () => {
		const market = await aMarket(db);
		const [left, right] = market.optionIds as [string, string];
		const client = appClient(app.origin);
		type Trade = { id: string; data: { priceCents: number } };
		const [leftA, leftB, rightOnly] = [collector<Trade>(), collector<Trade>(), collector<Trade>()];
		const prices = collector<{ optionId: string; priceCents: number }>();
		let started = 0;
		const allStarted = new Promise<void>((resolve) => {
			const onStarted = () => {
				if (++started === 4) resolve();
			};
			client.trpc.trades.onTrade.subscribe(
				{ optionId: left },
				{ onStarted, onData: (update) => leftA.push(update) }
			);
			client.trpc.trades.onTrade.subscribe(
				{ optionId: left },
				{ onStarted, onData: (update) => leftB.push(update) }
			);
			client.trpc.trades.onTrade.subscribe(
				{ optionId: right },
				{ onStarted, onData: (update) => rightOnly.push(update) }
			);
			client.trpc.markets.onPrice.subscribe(
				{ marketId: market.id },
				{ onStarted, onData: ({ data }) => prices.push(data) }
			);
		});
		try {
			await allStarted;
			await expect.poll(() => nativeStats().subscribers).toBe(4);
			await trade(market, left, 40);
			await trade(market, right, 60);
			await trade(market, left, 41);
			await Promise.all([
				leftA.reached(2),
				leftB.reached(2),
				rightOnly.reached(1),
				prices.reached(3)
			]);
			const pricesOf = (list: { items: Trade[] }) => list.items.map((item) => item.data.priceCents);
			expect([pricesOf(leftA), pricesOf(leftB), pricesOf(rightOnly)]).toEqual([
				[40, 41],
				[40, 41],
				[60]
			]);
			expect(leftA.items.map((item) => item.id)).toEqual(leftB.items.map((item) => item.id));
			expect(prices.items).toEqual([
				{ optionId: left, priceCents: 40, quantity: 1 },
				{ optionId: right, priceCents: 60, quantity: 1 },
				{ optionId: left, priceCents: 41, quantity: 1 }
			]);
		} finally {
			await client.close();
		}
		await expect.poll(() => nativeStats()).toEqual({ channels: 0, subscribers: 0 });
	});

	/**
	 * A client on trades.onTrade over a socket the test can drop: `drop()` ends the connection and
	 * holds the client's reconnect (it retries at once, with the last id it got as `lastEventId`)
	 * until `reconnect()`.
	 */
	async function droppableTradesClient(optionId: string) {
		const url = app.origin.replace('http', 'ws') + '/trpc';
		const sockets: WebSocket[] = [];
		const origin = app.origin;
		class TrackedWebSocket extends WebSocket {
			constructor(address: string | URL, protocols?: string | string[]) {
				super(address, protocols, { headers: { Origin: origin } });
				sockets.push(this);
			}
		}
		let reconnectAllowed: Promise<void> = Promise.resolve();
		let allow = () => undefined as void;
		const wsClient = createWSClient({
			url: async () => {
				await reconnectAllowed;
				return url;
			},
			WebSocket: TrackedWebSocket as unknown as typeof globalThis.WebSocket,
			lazy: { enabled: false, closeMs: 0 },
			retryDelayMs: () => 0
		});
		const trpc = createTRPCClient<AppRouter>({
			links: [wsLink({ client: wsClient, transformer: superjson })]
		});
		const received = collector<{ id: string; data: { priceCents: number } }>();
		await new Promise<void>((resolve) =>
			trpc.trades.onTrade.subscribe(
				{ optionId },
				{ onStarted: () => resolve(), onData: (update) => received.push(update) }
			)
		);
		return {
			received,
			sockets,
			async drop() {
				reconnectAllowed = new Promise((resolve) => (allow = resolve));
				const dropped = sockets.at(-1)!;
				const closed = new Promise<void>((resolve) => dropped.once('close', () => resolve()));
				dropped.terminate();
				await closed;
			},
			reconnect: () => allow(),
			close: () => wsClient.close()
		};
	}

	it('sends a client that reconnects with lastEventId exactly the trades it missed, then live ones', async () => {
		const market = await aMarket(db);
		const optionId = market.optionIds[0]!;
		const client = await droppableTradesClient(optionId);
		const { received } = client;
		try {
			await trade(market, optionId, 30);
			await received.reached(1);

			// The connection drops; three trades happen while the client is away.
			await client.drop();
			for (const price of [31, 32, 33]) await trade(market, optionId, price);
			client.reconnect();

			// The replay, then a live trade after it.
			await received.reached(4);
			await trade(market, optionId, 34);
			await received.reached(5);
			expect(client.sockets).toHaveLength(2);
			expect(received.items.map((item) => item.data.priceCents)).toEqual([30, 31, 32, 33, 34]);
			const ids = received.items.map((item) => BigInt(eventIdOf(item.id)));
			expect(ids).toEqual([...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
			expect(new Set(ids).size).toBe(5);
			expect(nativeStats().subscribers).toBe(1);
		} finally {
			await client.close();
		}
		await expect.poll(() => nativeStats()).toEqual({ channels: 0, subscribers: 0 });
	});

	itOnPostgres(
		'sends a reconnecting client a trade whose smaller id committed after the last one it got',
		async () => {
			const market = await aMarket(db);
			const optionId = market.optionIds[0]!;
			const client = await droppableTradesClient(optionId);
			const { received } = client;
			const late = new pg.Client(db.url);
			await late.connect();
			try {
				// Two group commits at once: the one that took the smaller id commits last.
				await late.query('BEGIN');
				const [lateId] = await outboxTrades(market, optionId, 1, late, 30);
				const [earlyId] = await outboxTrades(market, optionId, 1, db.pool, 31);
				expect(lateId!).toBeLessThan(earlyId!);
				await received.reached(1);

				// Away when the smaller id commits: "every trade after the larger id" would skip it.
				await client.drop();
				await late.query('COMMIT');
				client.reconnect();
				await received.reached(2);
				await trade(market, optionId, 32);
				await received.reached(3);
				expect(received.items.map((item) => item.data.priceCents)).toEqual([31, 30, 32]);
				expect(client.sockets).toHaveLength(2);
			} finally {
				await late.end();
				await client.close();
			}
			await expect.poll(() => nativeStats()).toEqual({ channels: 0, subscribers: 0 });
		}
	);

	it('refuses bad input with a tRPC BAD_REQUEST naming the field, and an unknown market with NOT_FOUND', async () => {
		const client = appClient(app.origin);
		const failure = (
			subscribe: (onError: (error: TRPCClientErrorLike<AppRouter>) => void) => void
		) => new Promise<TRPCClientErrorLike<AppRouter>>((resolve) => subscribe(resolve));
		try {
			const badOption = await failure((onError) =>
				client.trpc.trades.onTrade.subscribe({ optionId: 'not-a-uuid' }, { onError })
			);
			expect(badOption).toBeInstanceOf(TRPCClientError);
			expect(badOption.data?.code).toBe('BAD_REQUEST');
			expect(badOption.data?.fieldErrors).toHaveProperty('optionId');

			const badLastEventId = await failure((onError) =>
				client.trpc.trades.onTrade.subscribe(
					{ optionId: crypto.randomUUID(), lastEventId: 'yesterday' },
					{ onError }
				)
			);
			expect(badLastEventId.data?.code).toBe('BAD_REQUEST');
			expect(badLastEventId.data?.fieldErrors).toHaveProperty('lastEventId');

			const unknownMarket = await failure((onError) =>
				client.trpc.markets.onPrice.subscribe({ marketId: crypto.randomUUID() }, { onError })
			);
			expect(unknownMarket.data?.code).toBe('NOT_FOUND');
			expect(unknownMarket.data?.domainCode).toBe('MARKET_NOT_FOUND');
			expect(nativeStats()).toEqual({ channels: 0, subscribers: 0 });
		} finally {
			await client.close();
		}
	});

	it('refuses a lastEventId past the newest event with a BAD_REQUEST on both paths, and resumes one at the newest', async () => {
		const client = appClient(app.origin);
		const refused = { code: 'BAD_REQUEST', message: expect.stringContaining('past the newest') };
		try {
			// The trade while it runs would have been sent as if nothing had been missed.
			expect(await firstOf(client, 'trades', await aMarket(db), '99999999', 41)).toEqual(refused);
			expect(await firstOf(client, 'trades', await aMarket(db), String(10n ** 25n), 41)).toEqual(
				refused
			);
			expect(await firstOf(client, 'prices', await aMarket(db), '99999999', 41)).toEqual(refused);
			await expect.poll(() => nativeStats()).toEqual({ channels: 0, subscribers: 0 });

			for (const stream of ['trades', 'prices'] as const) {
				const market = await aMarket(db);
				const newest = String(await newestEventId());
				expect(await firstOf(client, stream, market, newest, 42)).toEqual({ priceCents: 42 });
			}
		} finally {
			await client.close();
		}

		const optionId = (await aMarket(db)).optionIds[0]!;
		const caller = await callerFor(services, null);
		const stream = await caller.trades.onTrade({ optionId, lastEventId: '99999999' });
		await expect(stream[Symbol.asyncIterator]().next()).rejects.toMatchObject({
			code: 'BAD_REQUEST'
		});
		expect(services.events.listenerCount(`trades:${optionId}`)).toBe(0);
	});

	it('sends a resuming client every trade it missed, read in pages past 1,000, then live ones, on both paths', async () => {
		// Two pages and a half.
		const missedCount = 2_500;
		/** What a resume after `lastEventId` sent, up to the first trade it did not miss. */
		const untilLive = async (
			stream: 'trades' | 'prices' | 'ordinary trades',
			market: Market,
			lastEventId: string,
			missed: Set<string>
		) => {
			const optionId = market.optionIds[0]!;
			const ids: string[] = [];
			let placed = Promise.resolve();
			if (stream === 'ordinary trades') {
				const caller = await callerFor(services, null);
				const items = (await caller.trades.onTrade({ optionId, lastEventId }))[
					Symbol.asyncIterator
				]();
				for (;;) {
					const item = await items.next();
					if (item.done) break;
					// The caller gets tracked() items as they were made: [id, data, marker].
					const [id] = item.value as unknown as TrackedEnvelope<unknown>;
					ids.push(id);
					// Listening by the first item: a trade now comes live, after the replay.
					if (ids.length === 1) placed = trade(market, optionId, 77);
					if (!missed.has(eventIdOf(id))) break;
				}
				await items.return?.();
			} else {
				const client = appClient(app.origin);
				await new Promise<void>((resolve, reject) => {
					const handlers = {
						onStarted: () => void (placed = trade(market, optionId, 77)),
						onData: ({ id }: { id: string }) => {
							ids.push(id);
							if (!missed.has(eventIdOf(id))) resolve();
						},
						onError: reject
					};
					if (stream === 'trades') {
						client.trpc.trades.onTrade.subscribe({ optionId, lastEventId }, handlers);
					} else {
						client.trpc.markets.onPrice.subscribe({ marketId: market.id, lastEventId }, handlers);
					}
				});
				await client.close();
			}
			await placed;
			return ids;
		};
		for (const stream of ['trades', 'prices', 'ordinary trades'] as const) {
			const market = await aMarket(db);
			const optionId = market.optionIds[0]!;
			const lastEventId = String(await newestEventId());
			const missed = await outboxTrades(market, optionId, missedCount);
			const ids = await untilLive(stream, market, lastEventId, new Set(missed.map(String)));
			expect(
				ids.map((id) => BigInt(eventIdOf(id))),
				stream
			).toEqual([...missed, BigInt(await lastTradeEventId(optionId))]);
		}
		await expect.poll(() => nativeStats()).toEqual({ channels: 0, subscribers: 0 });
	});

	it('refuses a lastEventId older than the outbox holds with a BAD_REQUEST saying what to re-read, on both paths', async () => {
		/** A market with a trade seen (its event id returned) and one missed after it. */
		const seenThenMissed = async () => {
			const market = await aMarket(db);
			const optionId = market.optionIds[0]!;
			await trade(market, optionId, 30);
			const seen = await lastTradeEventId(optionId);
			await trade(market, optionId, 31);
			return { market, seen, missed: await lastTradeEventId(optionId) };
		};
		const [forTrades, forPrices, forCaller] = [
			await seenThenMissed(),
			await seenThenMissed(),
			await seenThenMissed()
		];
		await pruneThrough(forCaller.missed);

		const client = appClient(app.origin);
		try {
			// The trade while it runs would have been sent as if only that had been missed.
			expect(await firstOf(client, 'trades', forTrades.market, forTrades.seen, 41)).toEqual({
				code: 'BAD_REQUEST',
				message: expect.stringMatching(
					/older than.*read the trades again \(books\.trades\) and subscribe without it/
				)
			});
			expect(await firstOf(client, 'prices', forPrices.market, forPrices.seen, 41)).toEqual({
				code: 'BAD_REQUEST',
				message: expect.stringMatching(
					/older than.*read the market again \(markets\.get\) and subscribe without it/
				)
			});
			await expect.poll(() => nativeStats()).toEqual({ channels: 0, subscribers: 0 });

			// Pruned only up to the seen trade: the missed one is still there, and is replayed.
			const kept = await seenThenMissed();
			await pruneThrough(kept.seen);
			expect(await firstOf(client, 'trades', kept.market, kept.seen, 42)).toEqual({
				priceCents: 31
			});
		} finally {
			await client.close();
		}

		const caller = await callerFor(services, null);
		const optionId = forCaller.market.optionIds[0]!;
		const stream = await caller.trades.onTrade({ optionId, lastEventId: forCaller.seen });
		await expect(stream[Symbol.asyncIterator]().next()).rejects.toMatchObject({
			code: 'BAD_REQUEST',
			message: expect.stringContaining('books.trades')
		});
		expect(services.events.listenerCount(`trades:${optionId}`)).toBe(0);
	});

	it("frees a signed-in socket's subscriptions when the trader signs out", async () => {
		const market = await aMarket(db);
		const optionId = market.optionIds[0]!;
		const trader = await aTrader(db);
		const { token } = await createSession(db.prisma, trader.id, 1);
		const client = appClient(app.origin, token);
		await new Promise<void>((resolve) =>
			client.trpc.trades.onTrade.subscribe({ optionId }, { onStarted: () => resolve() })
		);
		expect(nativeStats().subscribers).toBe(1);
		expect(services.events.listenerCount(`trades:${optionId}`)).toBe(1);
		const signedIn = createCaller(
			createContext({
				services,
				session: await findActiveSession(db.prisma, token),
				origin: null,
				allowedOrigins: [],
				clientAddress: '127.0.0.1'
			})
		);
		await signedIn.auth.logout();
		expect(await client.closed).toBe(SESSION_CLOSE_CODE);
		await expect.poll(() => nativeStats()).toEqual({ channels: 0, subscribers: 0 });
		expect(services.events.listenerCount(`trades:${optionId}`)).toBe(0);
		await client.close();
	});

	it('still streams tracked trades to a caller without a socket (the ordinary tRPC path)', async () => {
		const market = await aMarket(db);
		const optionId = market.optionIds[0]!;
		const caller = await callerFor(services, null);
		const stream = await caller.trades.onTrade({ optionId });
		const iterator = stream[Symbol.asyncIterator]();
		const first = iterator.next();
		await expect.poll(() => services.events.listenerCount(`trades:${optionId}`)).toBe(1);
		expect(nativeStats().subscribers).toBe(0);
		await trade(market, optionId, 66);
		const item = await first;
		expect(item.done).toBe(false);
		expect(item.value).toEqual([
			expect.stringMatching(/^\d+:\d+:[\d,]*\/\d+:\d+:[\d,]*\/\d+$/),
			expect.objectContaining({ priceCents: 66 }),
			expect.anything()
		]);
		await iterator.return?.();
		expect(services.events.listenerCount(`trades:${optionId}`)).toBe(0);
	});
});

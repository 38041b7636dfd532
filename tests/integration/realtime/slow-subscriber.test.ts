// A subscriber that stops reading, end to end: tRPC's own client on a real TCP socket follows a
// book (books.onUpdate) and the option's trades (trades.onTrade, many times over on the same
// socket, so that a couple of hundred orders fill the megabytes that loopback's kernel buffers
// take before the server's own send buffer grows) and then stops reading. The
// endpoint drops it once its send buffer passes the bound, holds nothing of it afterwards, and
// leaves a client with the same subscriptions that keeps reading alone. Back, the client
// resumes every subscription from its lastEventId: the book with exactly the updates it missed
// or a fresh snapshot at the current seq, ending equal to the committed book, and each trade
// subscription with exactly the trades it did not get.
import type { Socket } from 'node:net';
import { createTRPCClient, createWSClient, wsLink } from '@trpc/client';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { AppRouter } from '../../../src/lib/server/trpc/root';
import type { BookUpdate } from '../../../src/lib/server/trpc/routers/books/on-update.handler';
import { bookFanoutStats } from '../../../src/lib/server/ws/book-fanout';
import { fanoutStats } from '../../../src/lib/server/ws/fanout';
import { PlaceOrderInput } from '../../../src/lib/shared/orders';
import { startAppSocketServer, type AppSocketServer } from '../../fixtures/app-socket';
import { ClientBook, committedBook, placeRandomOrders } from '../../fixtures/book-flow';
import { createTestDatabase, type TestDatabase } from '../../fixtures/database';
import { aMarket } from '../../fixtures/markets';
import { aTrader, type TestServices } from '../../fixtures/services';

/** Trade subscriptions per client: each trade is this many frames on its socket. */
const TRADE_SUBSCRIPTIONS = 200;
/**
 * The send-buffer bound, under the 4 MiB default so that the test stays small, and still far
 * above what one event-loop turn sends a socket here (a trade is about 50 KiB of frames, and a
 * turn's frames leave corked, so they count against the bound together).
 */
const MAX_BUFFERED_BYTES = 2 * 1024 * 1024;
/** Far more orders than passing the bound takes: the flood stops at the drop. */
const MAX_FLOOD_ORDERS = 2_000;

let db: TestDatabase;
let app: AppSocketServer;
let services: TestServices;
let slowConsumers = 0;
let onDrop: () => void = () => undefined;

beforeAll(async () => {
	db = await createTestDatabase();
	app = await startAppSocketServer(db, {
		maxBufferedBytes: MAX_BUFFERED_BYTES,
		// Pings far apart, so that only the send-buffer bound can close the client that stopped.
		keepAlive: { pingMs: 600_000, pongWaitMs: 600_000 },
		onSlowConsumer: () => {
			slowConsumers++;
			onDrop();
		}
	});
	services = app.services;
});
afterAll(async () => {
	await app.close();
	await db.close();
});

/** Resolves once `ready()` is true, checked each time `check` is called. */
function condition(ready: () => boolean) {
	let resolve!: () => void;
	const met = new Promise<void>((done) => (resolve = done));
	return {
		met,
		check: () => {
			if (ready()) resolve();
		}
	};
}

/**
 * A browser-like tRPC client that follows the book and, TRADE_SUBSCRIPTIONS times, the trades of
 * `optionId`, reconnecting at once when its socket closes; `raw()` is its TCP socket now.
 */
function aFollower(optionId: string) {
	const origin = app.origin;
	const sockets: WebSocket[] = [];
	class BrowserLikeWebSocket extends WebSocket {
		constructor(url: string | URL, protocols?: string | string[]) {
			super(url, protocols, { headers: { Origin: origin } });
			sockets.push(this);
		}
	}
	const wsClient = createWSClient({
		url: origin.replace('http', 'ws') + '/trpc',
		WebSocket: BrowserLikeWebSocket as unknown as typeof globalThis.WebSocket,
		lazy: { enabled: false, closeMs: 0 },
		retryDelayMs: () => 0
	});
	const trpc = createTRPCClient<AppRouter>({
		links: [wsLink({ client: wsClient, transformer: superjson })]
	});
	const book = new ClientBook();
	/** Each book update with the socket (1 = the first) it came on. */
	const bookUpdates: { socket: number; update: BookUpdate }[] = [];
	const trades = Array.from({ length: TRADE_SUBSCRIPTIONS }, () => [] as string[]);
	let tradeWaiters: { count: number; resolve: () => void }[] = [];
	const onTrade = () => {
		tradeWaiters = tradeWaiters.filter((waiter) => {
			if (trades.some((ids) => ids.length < waiter.count)) return true;
			waiter.resolve();
			return false;
		});
	};
	const errors: string[] = [];
	let started = 0;
	const allStarted = condition(() => started === TRADE_SUBSCRIPTIONS + 1 && book.seq >= 0n);
	const subscriptions = [
		trpc.books.onUpdate.subscribe(
			{ optionId },
			{
				onStarted: () => {
					started++;
					allStarted.check();
				},
				onData: ({ id, data }) => {
					bookUpdates.push({ socket: sockets.length, update: data });
					book.apply(data, id);
					allStarted.check();
				},
				onError: (error) => errors.push(`book: ${error.message}`)
			}
		),
		...trades.map((ids, i) =>
			trpc.trades.onTrade.subscribe(
				{ optionId },
				{
					onStarted: () => {
						started++;
						allStarted.check();
					},
					onData: ({ data }) => {
						ids.push(data.id);
						onTrade();
					},
					onError: (error) => errors.push(`trades ${i}: ${error.message}`)
				}
			)
		)
	];
	return {
		book,
		bookUpdates,
		trades,
		errors,
		sockets,
		started: allStarted.met,
		/** Resolves once every trade subscription has received `count` trades. */
		tradesReached: (count: number) =>
			new Promise<void>((resolve) => {
				tradeWaiters.push({ count, resolve });
				onTrade();
			}),
		raw: () => (sockets.at(-1) as unknown as { _socket: Socket })._socket,
		close() {
			for (const subscription of subscriptions) subscription.unsubscribe();
			wsClient.close();
		}
	};
}

/** The ids of the option's trades after `afterId`, oldest first. */
async function tradeIdsOf(optionId: string, afterId = '0'): Promise<string[]> {
	const { rows } = await db.pool.query<{ id: string }>(
		'SELECT id::text FROM trades WHERE option_id = $1 AND id > $2::bigint ORDER BY trades.id',
		[optionId, afterId]
	);
	return rows.map((row) => row.id);
}

describe('a subscriber that stops reading', () => {
	it('is dropped past the bound, leaves nothing behind, and on its return catches up to the committed book and every trade', async () => {
		const market = await aMarket(db);
		const optionId = market.optionIds[0]!;
		const target = { marketId: market.id, optionId };
		await placeRandomOrders(db, services.engine, target, 20, 41);
		const [seller, buyer] = [
			await aTrader(db, { cashCents: 100_000_000n }),
			await aTrader(db, { cashCents: 100_000_000n })
		];
		const trade = async () => {
			for (const [trader, side] of [
				[seller, 'SELL'],
				[buyer, 'BUY']
			] as const) {
				const placed = await services.engine.place(
					trader.id,
					PlaceOrderInput.parse({ ...target, side, priceCents: 50, quantity: 1 })
				);
				if (!placed.ok) throw new Error(placed.message);
			}
		};

		const tradedBefore = (await tradeIdsOf(optionId)).at(-1) ?? '0';
		const slow = aFollower(optionId);
		const reading = aFollower(optionId);
		try {
			await Promise.all([slow.started, reading.started]);
			await expect
				.poll(() => fanoutStats(services.events).subscribers)
				.toBe(2 * TRADE_SUBSCRIPTIONS);
			expect(bookFanoutStats(services.events).subscribers).toBe(2);
			expect(app.endpoint.socketCount()).toBe(2);

			// The slow client stops reading; trades flow until the endpoint drops it.
			let dropped = false;
			onDrop = () => (dropped = true);
			slow.raw().pause();
			for (let orders = 0; !dropped && orders < MAX_FLOOD_ORDERS; orders += 2) await trade();
			expect(dropped).toBe(true);
			expect(slowConsumers).toBe(1);

			// The endpoint holds nothing of it: no socket, no book or trade subscriber.
			await expect.poll(() => app.endpoint.socketCount()).toBe(1);
			await expect.poll(() => fanoutStats(services.events).subscribers).toBe(TRADE_SUBSCRIPTIONS);
			expect(bookFanoutStats(services.events).subscribers).toBe(1);

			// More happens while it is away, leaving the book somewhere new.
			await trade();
			await placeRandomOrders(db, services.engine, target, 30, 42);
			const final = await committedBook(services.engine, optionId);
			const allTrades = await tradeIdsOf(optionId, tradedBefore);

			// Back: it reads what reached it before the drop, sees the close, and reconnects.
			slow.raw().resume();
			await slow.book.reached(final.seq);
			await slow.tradesReached(allTrades.length);
			await reading.book.reached(final.seq);
			await reading.tradesReached(allTrades.length);

			expect(slow.sockets).toHaveLength(2);
			expect(slow.errors).toEqual([]);
			expect(slow.book.problems).toEqual([]);
			// The book after the reconnect: exactly the updates it missed, one by one from the
			// seq it held, or a fresh snapshot at the current seq.
			const firstSocket = slow.bookUpdates.filter((entry) => entry.socket === 1);
			const resumed = slow.bookUpdates.filter((entry) => entry.socket === 2);
			const held = BigInt(firstSocket.at(-1)!.update.seq);
			expect(resumed.length).toBeGreaterThan(0);
			const first = resumed[0]!.update;
			if (first.type === 'snapshot') {
				expect(first.seq).toBe(final.seq);
				expect(resumed).toHaveLength(1);
			} else {
				expect(BigInt(first.fromSeq)).toBe(held + 1n);
				expect(resumed.every(({ update }) => update.type === 'delta')).toBe(true);
			}
			expect(slow.book.sorted()).toEqual(final.sorted);
			expect(slow.book.ladderSorted()).toEqual(final.sorted);
			// Every trade subscription: each trade once, in order, none missed.
			for (const ids of slow.trades) expect(ids).toEqual(allTrades);

			// The client that kept reading was never dropped, and saw the same.
			expect(reading.sockets).toHaveLength(1);
			expect(reading.errors).toEqual([]);
			expect(reading.book.sorted()).toEqual(final.sorted);
			for (const ids of reading.trades) expect(ids).toEqual(allTrades);
			expect(slowConsumers).toBe(1);
		} finally {
			onDrop = () => undefined;
			slow.close();
			reading.close();
		}
		await expect.poll(() => app.endpoint.socketCount()).toBe(0);
		await expect.poll(() => fanoutStats(services.events)).toEqual({ channels: 0, subscribers: 0 });
		const free = { channels: 0, subscribers: 0, timers: 0 };
		await expect.poll(() => bookFanoutStats(services.events)).toEqual(free);
	}, 120_000);
});

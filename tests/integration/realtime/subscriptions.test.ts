// Live books, trades and order updates through the app's router over a real WebSocket, fed by
// orders placed through the engine: snapshot then deltas without gaps, resuming from
// lastEventId, and a fresh snapshot when the missed updates are gone from the outbox.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertInvariants } from '../../../src/lib/server/db/invariants';
import type { BookUpdate } from '../../../src/lib/server/trpc/routers/books/on-update.handler';
import { PlaceOrderInput } from '../../../src/lib/shared/orders';
import { bookFanoutStats } from '../../../src/lib/server/ws/book-fanout';
import { fanoutStats } from '../../../src/lib/server/ws/fanout';
import { createTestDatabase, type TestDatabase } from '../../fixtures/database';
import { ClientBook, committedBook, placeRandomOrders } from '../../fixtures/book-flow';
import { aMarket } from '../../fixtures/markets';
import { appClient, startAppSocketServer, type AppSocketServer } from '../../fixtures/app-socket';
import { aTrader, callerFor, type TestServices } from '../../fixtures/services';
import { eventIdOf } from '../../fixtures/event-cursor';

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

const aClient = () => appClient(app.origin);

const serverBook = (optionId: string) => committedBook(services.engine, optionId);
const randomOrders = (
	market: { id: string },
	optionId: string,
	count: number,
	seed: number,
	onEach?: (i: number) => void | Promise<void>
) => placeRandomOrders(db, services.engine, { marketId: market.id, optionId }, count, seed, onEach);

describe('books.onUpdate', () => {
	it('sends a snapshot, then every change of 1,000 orders in seq order, ending equal to the server book', async () => {
		const market = await aMarket(db);
		const optionId = market.optionIds[0]!;
		await randomOrders(market, optionId, 20, 1);
		const client = aClient();
		const book = new ClientBook();
		const subscription = client.trpc.books.onUpdate.subscribe(
			{ optionId },
			{ onData: (update) => book.apply(update.data) }
		);
		try {
			await book.reached((await serverBook(optionId)).seq);
			expect(book.snapshots).toBe(1);
			await randomOrders(market, optionId, 1_000, 2);
			const final = await serverBook(optionId);
			await book.reached(final.seq);
			expect(book.problems).toEqual([]);
			expect(book.snapshots).toBe(1);
			expect(book.deltas).toBeGreaterThan(0);
			expect(book.sorted()).toEqual(final.sorted);
			await assertInvariants(db.pool);
		} finally {
			subscription.unsubscribe();
			await client.close();
		}
	}, 120_000);

	it('resumes from lastEventId with exactly the updates missed, one by one', async () => {
		const market = await aMarket(db);
		const optionId = market.optionIds[0]!;
		await randomOrders(market, optionId, 10, 3);
		const seen = (await serverBook(optionId)).seq;
		await randomOrders(market, optionId, 100, 4);
		const final = await serverBook(optionId);
		const client = aClient();
		const updates: BookUpdate[] = [];
		const book = new ClientBook();
		book.seq = BigInt(seen);
		const subscription = client.trpc.books.onUpdate.subscribe(
			{ optionId, lastEventId: seen },
			{
				onData: (update) => {
					updates.push(update.data);
					book.apply(update.data);
				}
			}
		);
		try {
			await book.reached(final.seq);
			expect(updates.every((update) => update.type === 'delta')).toBe(true);
			expect(updates.map((update) => update.seq)).toEqual(
				Array.from({ length: Number(BigInt(final.seq) - BigInt(seen)) }, (_, i) =>
					String(BigInt(seen) + BigInt(i + 1))
				)
			);
			expect(book.problems).toEqual([]);
		} finally {
			subscription.unsubscribe();
			await client.close();
		}
	});

	it('sends a fresh snapshot when the missed updates are no longer in the outbox', async () => {
		const market = await aMarket(db);
		const optionId = market.optionIds[0]!;
		await randomOrders(market, optionId, 10, 5);
		const seen = (await serverBook(optionId)).seq;
		await randomOrders(market, optionId, 30, 6);
		await db.pool.query(`DELETE FROM events WHERE topic = $1 AND book_seq <= $2::bigint + 5`, [
			`book:${optionId}`,
			seen
		]);
		const final = await serverBook(optionId);
		const client = aClient();
		const book = new ClientBook();
		const first = new Promise<BookUpdate>((resolve) => {
			const subscription = client.trpc.books.onUpdate.subscribe(
				{ optionId, lastEventId: seen },
				{
					onData: (update) => {
						book.apply(update.data);
						resolve(update.data);
						subscription.unsubscribe();
					}
				}
			);
		});
		try {
			expect(await first).toMatchObject({ type: 'snapshot', seq: final.seq });
			expect(book.sorted()).toEqual(final.sorted);
		} finally {
			await client.close();
		}
	});

	it('leaves no hub listener, native subscriber or timer behind after 10,000 subscribe and unsubscribe cycles', async () => {
		const market = await aMarket(db);
		const optionId = market.optionIds[0]!;
		const topics = [`book:${optionId}`, `trades:${optionId}`];
		const timersBefore = activeTimers();
		const client = aClient();
		/** Trade subscriptions the native fan-out path held when the client saw them start. */
		let nativeTradeStarts = 0;
		/** Book subscriptions the native book channel held when the client got their snapshot. */
		let nativeBookStarts = 0;
		// One cycle: subscribe, wait until the server has started it (the book's snapshot, or the
		// trade stream's start), unsubscribe.
		const cycle = (i: number) =>
			new Promise<void>((resolve, reject) => {
				if (i % 2 === 0) {
					const subscription = client.trpc.books.onUpdate.subscribe(
						{ optionId },
						{
							onData: () => {
								if (bookFanoutStats(services.events).subscribers > 0) nativeBookStarts++;
								subscription.unsubscribe();
								resolve();
							},
							onError: reject
						}
					);
				} else {
					const subscription = client.trpc.trades.onTrade.subscribe(
						{ optionId },
						{
							onStarted: () => {
								// The server joins the native channel as it sends `started`.
								if (fanoutStats(services.events).subscribers > 0) nativeTradeStarts++;
								subscription.unsubscribe();
								resolve();
							},
							onError: reject
						}
					);
				}
			});
		const CYCLES = 10_000;
		const WORKERS = 25;
		try {
			await Promise.all(
				Array.from({ length: WORKERS }, async (_, worker) => {
					for (let i = worker; i < CYCLES; i += WORKERS) await cycle(i);
				})
			);
		} finally {
			await client.close();
		}
		expect(nativeTradeStarts).toBe(CYCLES / 2);
		expect(nativeBookStarts).toBe(CYCLES / 2);
		for (const topic of topics) {
			await expect.poll(() => services.events.listenerCount(topic)).toBe(0);
		}
		await expect.poll(() => fanoutStats(services.events)).toEqual({ channels: 0, subscribers: 0 });
		await expect
			.poll(() => bookFanoutStats(services.events))
			.toEqual({ channels: 0, subscribers: 0, timers: 0 });
		// Read directly (expect.poll runs timers of its own). A few timers come and go with the
		// hub's poll and the pools' idle clients; a leak per cycle would leave thousands.
		expect(activeTimers()).toBeLessThan(timersBefore + 10);
	}, 120_000);
});

/**
 * A market with a funded buyer and seller, and `trade(price)`, which makes one trade between
 * them (on the first option, one share, unless told).
 */
async function aTradingPair(marketOptions?: Parameters<typeof aMarket>[1]) {
	const market = await aMarket(db, marketOptions);
	const [buyer, seller] = [
		await aTrader(db, { cashCents: 1_000_000n }),
		await aTrader(db, { cashCents: 1_000_000n })
	];
	const optionId = market.optionIds[0]!;
	const trade = async (
		priceCents: number,
		{ quantity = 1, optionId: option = optionId }: { quantity?: number; optionId?: string } = {}
	) => {
		const order = (side: 'BUY' | 'SELL') =>
			PlaceOrderInput.parse({
				marketId: market.id,
				optionId: option,
				side,
				priceCents,
				quantity
			});
		await services.engine.place(seller.id, order('SELL'));
		await services.engine.place(buyer.id, order('BUY'));
	};
	return { market, optionId, trade };
}

/** Timers alive in this process: a leaked conflation or keep-alive timer shows up here. */
function activeTimers(): number {
	return process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
}

describe('trades.onTrade', () => {
	it('delivers each trade of the option as it happens', async () => {
		const market = await aMarket(db);
		const optionId = market.optionIds[0]!;
		const [buyer, seller] = [
			await aTrader(db, { cashCents: 100_000n }),
			await aTrader(db, { cashCents: 100_000n })
		];
		const client = aClient();
		const trade = new Promise<{ priceCents: number; quantity: number }>((resolve) => {
			const subscription = client.trpc.trades.onTrade.subscribe(
				{ optionId },
				{
					onStarted: async () => {
						const order = (side: 'BUY' | 'SELL') =>
							PlaceOrderInput.parse({
								marketId: market.id,
								optionId,
								side,
								priceCents: 44,
								quantity: 3
							});
						await services.engine.place(seller!.id, order('SELL'));
						await services.engine.place(buyer!.id, order('BUY'));
					},
					onData: (update) => {
						resolve(update.data);
						subscription.unsubscribe();
					}
				}
			);
		});
		try {
			expect(await trade).toMatchObject({ priceCents: 44, quantity: 3, takerSide: 'BUY' });
		} finally {
			await client.close();
		}
	});

	it('replays exactly the trades missed since lastEventId, then goes on live', async () => {
		const { optionId, trade } = await aTradingPair();
		const client = aClient();
		try {
			// Seen live: the first trade, and its event id.
			const first = await new Promise<string>((resolve) => {
				const subscription = client.trpc.trades.onTrade.subscribe(
					{ optionId },
					{
						onStarted: () => void trade(30),
						onData: (update) => {
							subscription.unsubscribe();
							resolve(update.id);
						}
					}
				);
			});
			// Missed while away: three trades.
			for (const price of [31, 32, 33]) await trade(price);
			const prices: number[] = [];
			await new Promise<void>((resolve) => {
				const subscription = client.trpc.trades.onTrade.subscribe(
					{ optionId, lastEventId: first },
					{
						onStarted: () => void trade(34),
						onData: (update) => {
							prices.push(update.data.priceCents);
							if (prices.length === 4) {
								subscription.unsubscribe();
								resolve();
							}
						}
					}
				);
			});
			expect(prices).toEqual([31, 32, 33, 34]);
		} finally {
			await client.close();
		}
	});

	it('carries the trade as books.trades lists it, its time included, live and replayed alike', async () => {
		const pair = await aTradingPair();
		const { optionId } = pair;
		const trade = (priceCents: number) => pair.trade(priceCents, { quantity: 2 });
		const client = aClient();
		type Item = { id: string; data: unknown };
		/** The first `count` items of a subscription resumed after `lastEventId` (none: live). */
		const itemsOf = (count: number, lastEventId?: string, onStarted?: () => void) =>
			new Promise<Item[]>((resolve) => {
				const items: Item[] = [];
				const subscription = client.trpc.trades.onTrade.subscribe(
					{ optionId, lastEventId },
					{
						onStarted,
						onData: (item) => {
							items.push(item);
							if (items.length < count) return;
							subscription.unsubscribe();
							resolve(items);
						}
					}
				);
			});
		try {
			const [live] = await itemsOf(1, undefined, () => void trade(40));
			for (const price of [41, 42]) await trade(price);
			// From just before the live one: it and the two missed, from the outbox.
			const replayed = await itemsOf(3, String(BigInt(eventIdOf(live!.id)) - 1n));
			const rows = await (await callerFor(services, null)).books.trades({ optionId });
			const oldestFirst = rows.toReversed();
			expect(live!.data).toEqual(oldestFirst[0]);
			expect(live!.data).toHaveProperty('createdAt', expect.any(Date));
			expect(replayed.map((item) => item.data)).toEqual(oldestFirst);
		} finally {
			await client.close();
		}
	});
});

describe('markets.onPrice', () => {
	it("sends each option's trade price for the whole market", async () => {
		const pair = await aTradingPair({ options: ['Red', 'Blue'] });
		const { market } = pair;
		const [red, blue] = market.optionIds as [string, string];
		const client = aClient();
		const trade = (optionId: string, priceCents: number) => pair.trade(priceCents, { optionId });
		const prices = new Promise<{ optionId: string; priceCents: number }[]>((resolve) => {
			const seen: { optionId: string; priceCents: number }[] = [];
			const subscription = client.trpc.markets.onPrice.subscribe(
				{ marketId: market.id },
				{
					onStarted: async () => {
						await trade(red, 61);
						await trade(blue, 37);
					},
					onData: ({ data }) => {
						seen.push({ optionId: data.optionId, priceCents: data.priceCents });
						if (seen.length === 2) {
							subscription.unsubscribe();
							resolve(seen);
						}
					}
				}
			);
		});
		try {
			expect(await prices).toEqual([
				{ optionId: red, priceCents: 61 },
				{ optionId: blue, priceCents: 37 }
			]);
		} finally {
			await client.close();
		}
	});
});

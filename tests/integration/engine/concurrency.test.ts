// Orders arriving at once: cash is never spent twice, orders that arrive together are written
// together, and two engines (two app processes) serving one book keep it consistent.
import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import type { TradingEngine } from '../../../src/lib/engine/engine';
import { LocalEngine } from '../../../src/lib/engine/local';
import { aMarket } from '../../fixtures/markets';
import {
	aFundedTrader,
	bookRebuiltFromDatabase,
	cashOf,
	engineTestBed,
	levelsFromOrdersTable,
	levelsOf,
	place,
	placeLimit,
	placeMarket,
	restingOrders,
	seededRandom,
	succeeded,
	tradersWithCash,
	type MarketRef,
	type OrderFields,
	type UserRef
} from '../../fixtures/engine';

const bed = engineTestBed();

const tenAtTenCents: OrderFields = { side: 'BUY', priceCents: 10, quantity: 10 };

describe('orders that together need more cash than the trader has', () => {
	it('accepts exactly as many as the cash covers when 20 arrive at once', async () => {
		const market = await aMarket(bed.db);
		const [trader] = await tradersWithCash(bed.db, 1, 1_000n);
		const outcomes = (
			await Promise.all(
				Array.from({ length: 20 }, () => place(bed.engine, trader!, market, tenAtTenCents))
			)
		).map(succeeded);
		const statuses = outcomes.map((outcome) => outcome.order.status);
		expect(statuses.filter((status) => status === 'OPEN')).toHaveLength(10);
		const rejected = outcomes.filter((outcome) => outcome.order.status === 'REJECTED');
		expect(rejected).toHaveLength(10);
		expect(rejected.every((outcome) => outcome.order.rejectReason === 'INSUFFICIENT_FUNDS')).toBe(
			true
		);
		expect(await cashOf(bed.db, trader!.id)).toEqual({ available: 0, reserved: 1_000 });
	});

	it('accepts exactly as many when they arrive at once for two books', async () => {
		const market = await aMarket(bed.db);
		const [trader] = await tradersWithCash(bed.db, 1, 1_000n);
		const outcomes = (
			await Promise.all(
				Array.from({ length: 20 }, (_, i) =>
					place(bed.engine, trader!, market, { ...tenAtTenCents, option: i % 2 })
				)
			)
		).map(succeeded);
		expect(outcomes.filter((outcome) => outcome.order.status === 'OPEN')).toHaveLength(10);
		expect(await cashOf(bed.db, trader!.id)).toEqual({ available: 0, reserved: 1_000 });
	});

	it('accepts exactly as many when they arrive at once through two engines', async () => {
		const market = await aMarket(bed.db);
		const [trader] = await tradersWithCash(bed.db, 1, 1_000n);
		const other = new LocalEngine(bed.db.pool);
		const outcomes = (
			await Promise.all(
				Array.from({ length: 20 }, (_, i) =>
					place(i % 2 === 0 ? bed.engine : other, trader!, market, tenAtTenCents)
				)
			)
		).map(succeeded);
		expect(outcomes.filter((outcome) => outcome.order.status === 'OPEN')).toHaveLength(10);
		expect(await cashOf(bed.db, trader!.id)).toEqual({ available: 0, reserved: 1_000 });
	});
});

/** The pool with its `connect` going through `connect`, which is given the pool's own. */
function withConnect(
	pool: pg.Pool,
	connect: (connect: () => Promise<pg.PoolClient>) => Promise<pg.PoolClient>
): pg.Pool {
	return new Proxy(pool, {
		get(target, property) {
			if (property === 'connect') return () => connect(() => target.connect());
			const value = Reflect.get(target, property, target) as unknown;
			return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
		}
	});
}

describe('group commit', () => {
	/** How many transactions wrote the trader's orders (rows one transaction writes share its xmin). */
	async function transactionsOf(userId: string): Promise<number> {
		const { rows } = await bed.db.pool.query<{ transactions: number }>(
			`SELECT count(DISTINCT xmin::text)::int AS transactions FROM orders WHERE user_id = $1`,
			[userId]
		);
		return rows[0]!.transactions;
	}

	it('writes the orders that arrive together, across books and markets, in one transaction', async () => {
		const markets = [await aMarket(bed.db), await aMarket(bed.db)];
		const [trader] = await tradersWithCash(bed.db, 1);
		const outcomes = await Promise.all(
			Array.from({ length: 12 }, (_, i) =>
				place(bed.engine, trader!, markets[i % 2]!, {
					side: 'BUY',
					priceCents: 10 + i,
					quantity: 1,
					option: Math.floor(i / 2) % 2
				})
			)
		);
		expect(outcomes.map(succeeded).every((outcome) => outcome.order.status === 'OPEN')).toBe(true);
		expect(await transactionsOf(trader!.id)).toBe(1);
		const stats = bed.engine.commitStats();
		expect(stats).toMatchObject({ transactions: 1, commands: 12 });
		expect(stats.readMs + stats.matchMs + stats.writeMs).toBeGreaterThan(0);
		expect(await cashOf(bed.db, trader!.id)).toMatchObject({
			reserved: Array.from({ length: 12 }, (_, i) => 10 + i).reduce((a, b) => a + b)
		});
	});

	it('writes the orders that arrive while a transaction is in flight in the next one', async () => {
		const market = await aMarket(bed.db);
		const [trader] = await tradersWithCash(bed.db, 1);
		const first = place(bed.engine, trader!, market, { side: 'BUY', priceCents: 10, quantity: 1 });
		// The committer takes what arrived in this turn of the event loop; the rest queue behind it.
		await new Promise((resolve) => setImmediate(resolve));
		const rest = Array.from({ length: 11 }, (_, i) =>
			place(bed.engine, trader!, market, { side: 'BUY', priceCents: 11 + i, quantity: 1 })
		);
		await Promise.all([first, ...rest]);
		expect(await transactionsOf(trader!.id)).toBe(2);
		expect(bed.engine.commitStats()).toMatchObject({ transactions: 2, commands: 12 });
	});

	it('starts a second transaction beside a running one only for a full enough group', async () => {
		// The first connection the engine asks for after `gate` is armed waits until it opens.
		let armed = false;
		let connections = 0;
		let open!: () => void;
		const gate = new Promise<void>((resolve) => (open = resolve));
		const pool = withConnect(bed.db.pool, async (connect) => {
			connections++;
			if (armed) {
				armed = false;
				await gate;
			}
			return connect();
		});
		const engine = new LocalEngine(pool, { minConcurrentBatch: 16 });
		const [held, full, few] = [await aMarket(bed.db), await aMarket(bed.db), await aMarket(bed.db)];
		const [trader] = await tradersWithCash(bed.db, 1);
		const buy = (market: MarketRef, i: number) =>
			place(engine, trader!, market, { side: 'BUY', priceCents: 10 + (i % 20), quantity: 1 });
		succeeded(await buy(held, 0));

		armed = true;
		const first = buy(held, 1);
		// Two turns: the first transaction has taken its order and waits at the gate for a connection.
		for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setImmediate(resolve));
		// 20 orders make a group worth a second transaction: they commit while the first still waits.
		const many = await Promise.all(Array.from({ length: 20 }, (_, i) => buy(full, i)));
		expect(many.map(succeeded).every((outcome) => outcome.order.status === 'OPEN')).toBe(true);
		// 3 orders do not: they wait for the first transaction and go in the group after it, so the
		// engine asks for no connection for them while the first one waits.
		const asked = connections;
		const three = Array.from({ length: 3 }, (_, i) => buy(few, i));
		for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setImmediate(resolve));
		expect(connections).toBe(asked);
		open();
		await Promise.all([first, ...three]);

		const { rows } = await bed.db.pool.query<{ market_id: string; xid: string }>(
			`SELECT DISTINCT market_id, xmin::text AS xid FROM orders WHERE user_id = $1 AND id > $2`,
			[trader!.id, await storedFirstId(trader!.id)]
		);
		const xidOf = (market: MarketRef) => {
			const xids = rows.filter((row) => row.market_id === market.id).map((row) => Number(row.xid));
			expect(new Set(xids).size).toBe(1);
			return xids[0]!;
		};
		expect(xidOf(full)).toBeLessThan(xidOf(held));
		expect(xidOf(held)).toBeLessThan(xidOf(few));
	});

	it('shares a burst out between two transactions written at once, whole books each', async () => {
		let checkedOut = 0;
		let mostAtOnce = 0;
		const pool = withConnect(bed.db.pool, async (connect) => {
			const client = await connect();
			mostAtOnce = Math.max(mostAtOnce, ++checkedOut);
			const release = client.release.bind(client);
			client.release = (error?: Error | boolean) => {
				checkedOut--;
				client.release = release;
				release(error);
			};
			return client;
		});
		const engine = new LocalEngine(pool, { maxInFlight: 2, minConcurrentBatch: 16 });
		const markets = [await aMarket(bed.db), await aMarket(bed.db)];
		const [few, many] = await tradersWithCash(bed.db, 2);
		const burst = (trader: UserRef, size: number) =>
			Promise.all(
				Array.from({ length: size }, (_, i) =>
					place(engine, trader, markets[i % 2]!, {
						side: 'BUY',
						priceCents: 10 + (i % 40),
						quantity: 1,
						option: Math.floor(i / 2) % 2
					})
				)
			);
		const groups = async (trader: UserRef) => {
			const { rows } = await bed.db.pool.query<{ orders: number; books: number }>(
				`SELECT count(*)::int AS orders, count(DISTINCT option_id)::int AS books
				   FROM orders WHERE user_id = $1 GROUP BY xmin::text ORDER BY 1`,
				[trader.id]
			);
			return rows;
		};

		// 31 are too few for two groups of 16: one transaction takes them all.
		await burst(few!, 31);
		expect(await groups(few!)).toEqual([{ orders: 31, books: 4 }]);
		expect(mostAtOnce).toBe(1);

		// 40 make two groups of 20, each of two whole books, both written at once (PGlite has one
		// connection, so there they are written one after the other).
		await burst(many!, 40);
		expect(await groups(many!)).toEqual([
			{ orders: 20, books: 2 },
			{ orders: 20, books: 2 }
		]);
		expect(mostAtOnce).toBe(bed.db.kind === 'postgres' ? 2 : 1);
	});

	/** The id of the trader's first order, which went before the gate was armed. */
	async function storedFirstId(userId: string): Promise<string> {
		const { rows } = await bed.db.pool.query<{ id: string }>(
			`SELECT min(id)::text AS id FROM orders WHERE user_id = $1`,
			[userId]
		);
		return rows[0]!.id;
	}

	it("spends a trader's cash once across the books of one transaction", async () => {
		const markets = [await aMarket(bed.db), await aMarket(bed.db)];
		const [trader] = await tradersWithCash(bed.db, 1, 1_000n);
		const outcomes = (
			await Promise.all(
				Array.from({ length: 8 }, (_, i) =>
					place(bed.engine, trader!, markets[i % 2]!, {
						side: 'BUY',
						priceCents: 50,
						quantity: 5,
						option: Math.floor(i / 2) % 2
					})
				)
			)
		).map(succeeded);
		expect(await transactionsOf(trader!.id)).toBe(1);
		expect(outcomes.map((outcome) => outcome.order.status)).toEqual([
			'OPEN',
			'OPEN',
			'OPEN',
			'OPEN',
			'REJECTED',
			'REJECTED',
			'REJECTED',
			'REJECTED'
		]);
		expect(await cashOf(bed.db, trader!.id)).toEqual({ available: 0, reserved: 1_000 });
	});
});

/** One client of an engine: places random orders one after another around 50¢. */
async function client(
	engine: TradingEngine,
	traders: UserRef[],
	market: MarketRef,
	seed: number,
	orders: number
) {
	const random = seededRandom(seed);
	for (let i = 0; i < orders; i++) {
		const side = random.next() < 0.5 ? 'BUY' : 'SELL';
		const roll = random.next();
		const fields: OrderFields =
			roll < 0.05
				? { side, quantity: random.int(1, 5), type: 'MARKET' }
				: {
						side,
						priceCents: random.int(40, 60),
						quantity: random.int(1, 10),
						timeInForce: roll < 0.15 ? 'IOC' : roll < 0.2 ? 'FOK' : 'GTC'
					};
		succeeded(await place(engine, random.pick(traders), market, fields));
	}
}

describe('two engines serving the same book at once', () => {
	it('keep one consistent book through 400 random orders', async () => {
		const market = await aMarket(bed.db);
		const optionId = market.optionIds[0]!;
		const traders = await tradersWithCash(bed.db, 6, 100_000n);
		const engines = [new LocalEngine(bed.db.pool), new LocalEngine(bed.db.pool)];
		// Each engine serves 10 clients of 20 orders each, all at once.
		await Promise.all(
			engines.flatMap((engine, e) =>
				Array.from({ length: 10 }, (_, c) => client(engine, traders, market, 1_000 * e + c, 20))
			)
		);

		// What each engine cached as it went must be the book the database holds. The one that
		// wrote last has the database's seq; the other is behind, which it sees at its next batch
		// and reloads, so it is compared after one more order through it.
		const rebuilt = await bookRebuiltFromDatabase(bed.db, optionId);
		const current = engines.filter((engine) => engine.cachedBook(optionId)?.seq === rebuilt.seq);
		expect(current.length).toBeGreaterThan(0);
		for (const engine of current) expect(engine.cachedBook(optionId)).toEqual(rebuilt);
		for (const [e, engine] of engines.entries()) {
			await placeLimit(engine, traders[e]!, market, { side: 'BUY', priceCents: 1, quantity: 1 });
			expect(engine.cachedBook(optionId)).toEqual(await bookRebuiltFromDatabase(bed.db, optionId));
		}

		const fresh = new LocalEngine(bed.db.pool);
		expect(await levelsOf(fresh, optionId)).toEqual(await levelsFromOrdersTable(bed.db, optionId));

		const { rows: fills } = await bed.db.pool.query<{
			traded: number;
			bought: number;
			sold: number;
		}>(
			`SELECT (SELECT coalesce(sum(quantity), 0)::int FROM trades WHERE option_id = $1) AS traded,
			        (SELECT coalesce(sum(filled_quantity), 0)::int FROM orders
			          WHERE option_id = $1 AND side = 'BUY') AS bought,
			        (SELECT coalesce(sum(filled_quantity), 0)::int FROM orders
			          WHERE option_id = $1 AND side = 'SELL') AS sold`,
			[optionId]
		);
		expect(fills[0]!.traded).toBeGreaterThan(0);
		expect(fills[0]!.bought).toBe(fills[0]!.traded);
		expect(fills[0]!.sold).toBe(fills[0]!.traded);

		// Every change of the book got its own sequence number: 1, 2, … up to the book's seq.
		const { rows: deltas } = await bed.db.pool.query<{ seq: number }>(
			`SELECT book_seq::int AS seq FROM events WHERE option_id = $1 AND kind = 'book.delta'
			  ORDER BY book_seq`,
			[optionId]
		);
		const book = succeeded(await fresh.getOrderBook(optionId));
		expect(deltas.map((delta) => delta.seq)).toEqual(
			Array.from({ length: Number(book.seq) }, (_, i) => i + 1)
		);

		// A third engine, loading the book afresh, trades through the asks in price-time order.
		const asks = (await restingOrders(bed.db, optionId)).filter((order) => order.side === 'SELL');
		const sweeper = await aFundedTrader(bed.db, 100_000_000n);
		const sweep = await placeMarket(fresh, sweeper, market, {
			side: 'BUY',
			quantity: asks.reduce((sum, ask) => sum + ask.quantity - ask.filledQuantity, 0) + 1
		});
		const { rows: swept } = await bed.db.pool.query<{
			makerOrderId: string;
			priceCents: number;
			quantity: number;
		}>(
			`SELECT maker_order_id::text AS "makerOrderId", price_cents AS "priceCents", quantity
			   FROM trades WHERE taker_order_id = $1 ORDER BY id`,
			[sweep.order.id]
		);
		expect(swept).toEqual(
			asks.map((ask) => ({
				makerOrderId: ask.id,
				priceCents: ask.priceCents,
				quantity: ask.quantity - ask.filledQuantity
			}))
		);
		expect((await levelsOf(fresh, optionId)).asks).toEqual([]);
	});
});

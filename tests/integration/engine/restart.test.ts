// An engine that starts after another stopped (a crash or a deploy between batches), or that
// shares books with another engine, works from what the database holds: resting orders in
// their queue order, positions and locked shares. A batch that fails leaves nothing behind.
import { describe, expect, it } from 'vitest';
import { LocalEngine } from '../../../src/lib/engine/local';
import type { CachedBookView } from '../../../src/lib/engine/local/cached-book';
import { isResting } from '../../../src/lib/engine/local/records';
import type { FillView, OrderView } from '../../../src/lib/shared/orders';
import { checkInvariants } from '../../../src/lib/server/db/invariants';
import { aPoolThatCrashes } from '../../fixtures/crashing-pool';
import { aMarket } from '../../fixtures/markets';
import {
	bookRebuiltFromDatabase,
	cashOf,
	codeOf,
	engineTestBed,
	levelsOf,
	place,
	placeLimit,
	positionOf,
	storedOrder,
	succeeded,
	tradersWithCash,
	type MarketRef,
	type OrderFields,
	type UserRef
} from '../../fixtures/engine';

const bed = engineTestBed();

async function makersOf(takerOrderId: string) {
	const { rows } = await bed.db.pool.query<{ maker: string; price: number; quantity: number }>(
		`SELECT maker_order_id::text AS maker, price_cents AS price, quantity FROM trades
		  WHERE taker_order_id = $1 ORDER BY id`,
		[takerOrderId]
	);
	return rows.map((row) => [row.maker, row.price, row.quantity]);
}

describe('an engine started after another one stopped', () => {
	it('trades the resting orders it finds in their price-time order', async () => {
		const market = await aMarket(bed.db);
		const optionId = market.optionIds[0]!;
		const [first, second, third, bidder, buyer] = await tradersWithCash(bed.db, 5);
		const before = new LocalEngine(bed.db.pool);
		const older = await placeLimit(before, first!, market, {
			side: 'SELL',
			priceCents: 50,
			quantity: 5
		});
		const newer = await placeLimit(before, second!, market, {
			side: 'SELL',
			priceCents: 50,
			quantity: 5
		});
		const cheaper = await placeLimit(before, third!, market, {
			side: 'SELL',
			priceCents: 49,
			quantity: 2
		});
		// Smaller, but still first at 50.
		succeeded(await before.amend(first!.id, { orderId: older.order.id, quantity: 4 }));
		await placeLimit(before, second!, market, { side: 'SELL', priceCents: 52, quantity: 3 });
		await placeLimit(before, bidder!, market, { side: 'BUY', priceCents: 45, quantity: 6 });
		expect(await levelsOf(before, optionId)).toEqual({
			bids: [{ priceCents: 45, quantity: 6, orders: 1 }],
			asks: [
				{ priceCents: 49, quantity: 2, orders: 1 },
				{ priceCents: 50, quantity: 9, orders: 2 },
				{ priceCents: 52, quantity: 3, orders: 1 }
			]
		});

		const after = new LocalEngine(bed.db.pool);
		const { order } = await placeLimit(after, buyer!, market, {
			side: 'BUY',
			priceCents: 50,
			quantity: 8
		});
		expect(await makersOf(order.id)).toEqual([
			[cheaper.order.id, 49, 2],
			[older.order.id, 50, 4],
			[newer.order.id, 50, 2]
		]);
		await placeLimit(after, third!, market, { side: 'SELL', priceCents: 55, quantity: 1 });
		expect(await levelsOf(after, optionId)).toEqual({
			bids: [{ priceCents: 45, quantity: 6, orders: 1 }],
			asks: [
				{ priceCents: 50, quantity: 3, orders: 1 },
				{ priceCents: 52, quantity: 3, orders: 1 },
				{ priceCents: 55, quantity: 1, orders: 1 }
			]
		});
	});

	it('knows the shares traders hold and have locked', async () => {
		const market = await aMarket(bed.db);
		const optionId = market.optionIds[0]!;
		const [holder, shorter] = await tradersWithCash(bed.db, 2);
		const before = new LocalEngine(bed.db.pool);
		await placeLimit(before, shorter!, market, { side: 'SELL', priceCents: 40, quantity: 10 });
		await placeLimit(before, holder!, market, { side: 'BUY', priceCents: 40, quantity: 10 });
		await placeLimit(before, holder!, market, { side: 'SELL', priceCents: 70, quantity: 6 });

		const after = new LocalEngine(bed.db.pool);
		// 4 free shares are locked; the other 2 shares of the order hold 2 × 30¢.
		const { order } = await placeLimit(after, holder!, market, {
			side: 'SELL',
			priceCents: 70,
			quantity: 6
		});
		expect((await storedOrder(bed.db, order.id)).coveredQuantity).toBe(4);
		expect((await positionOf(bed.db, holder!.id, optionId)).lockedQuantity).toBe(10);
		expect(await cashOf(bed.db, holder!.id)).toEqual({ available: 9_600 - 60, reserved: 60 });
	});

	it('cancels and amends orders the other engine placed', async () => {
		const market = await aMarket(bed.db);
		const [trader] = await tradersWithCash(bed.db, 1);
		const before = new LocalEngine(bed.db.pool);
		const first = await placeLimit(before, trader!, market, {
			side: 'BUY',
			priceCents: 30,
			quantity: 5
		});
		const second = await placeLimit(before, trader!, market, {
			side: 'BUY',
			priceCents: 31,
			quantity: 5
		});
		const after = new LocalEngine(bed.db.pool);
		expect(succeeded(await after.cancel(trader!.id, first.order.id)).status).toBe('CANCELLED');
		succeeded(await after.amend(trader!.id, { orderId: second.order.id, quantity: 2 }));
		expect(await cashOf(bed.db, trader!.id)).toEqual({ available: 10_000 - 62, reserved: 62 });
	});
});

describe('an engine whose cached book another engine has changed', () => {
	it('does not trade against an order the other engine cancelled', async () => {
		const market = await aMarket(bed.db);
		const [seller, buyer] = await tradersWithCash(bed.db, 2);
		const first = new LocalEngine(bed.db.pool);
		const second = new LocalEngine(bed.db.pool);
		const ask = await placeLimit(first, seller!, market, {
			side: 'SELL',
			priceCents: 50,
			quantity: 5
		});
		succeeded(await second.cancel(seller!.id, ask.order.id));
		const bid = await placeLimit(first, buyer!, market, {
			side: 'BUY',
			priceCents: 50,
			quantity: 5
		});
		expect(bid.fills).toEqual([]);
		expect(bid.order.status).toBe('OPEN');
	});

	it('trades against an order the other engine placed', async () => {
		const market = await aMarket(bed.db);
		const [seller, buyer] = await tradersWithCash(bed.db, 2);
		const first = new LocalEngine(bed.db.pool);
		const second = new LocalEngine(bed.db.pool);
		await placeLimit(first, buyer!, market, { side: 'BUY', priceCents: 30, quantity: 1 });
		const ask = await placeLimit(second, seller!, market, {
			side: 'SELL',
			priceCents: 51,
			quantity: 5
		});
		const bid = await placeLimit(first, buyer!, market, {
			side: 'BUY',
			priceCents: 51,
			quantity: 5
		});
		expect(bid.order.status).toBe('FILLED');
		expect((await storedOrder(bed.db, ask.order.id)).status).toBe('FILLED');
	});

	it('sees shares the other engine locked', async () => {
		const market = await aMarket(bed.db);
		const optionId = market.optionIds[0]!;
		const [holder, shorter] = await tradersWithCash(bed.db, 2);
		const first = new LocalEngine(bed.db.pool);
		const second = new LocalEngine(bed.db.pool);
		await placeLimit(first, shorter!, market, { side: 'SELL', priceCents: 40, quantity: 10 });
		await placeLimit(first, holder!, market, { side: 'BUY', priceCents: 40, quantity: 10 });
		await placeLimit(second, holder!, market, { side: 'SELL', priceCents: 50, quantity: 10 });
		// All 10 shares are locked by the order placed through the second engine: this one
		// must hold cash, (100 − 60)¢ a share.
		const { order } = await placeLimit(first, holder!, market, {
			side: 'SELL',
			priceCents: 60,
			quantity: 5
		});
		expect((await storedOrder(bed.db, order.id)).coveredQuantity).toBe(0);
		expect((await positionOf(bed.db, holder!.id, optionId)).lockedQuantity).toBe(10);
		expect(await cashOf(bed.db, holder!.id)).toEqual({ available: 9_600 - 200, reserved: 200 });
	});
});

describe('a batch whose transaction fails', () => {
	it('fails only the command that broke it, and leaves nothing of it behind', async () => {
		const market = await aMarket(bed.db);
		const optionId = market.optionIds[0]!;
		const [trader] = await tradersWithCash(bed.db, 1);
		// A constraint that only this test's orders at 77¢ break: the database refuses the batch.
		await bed.db.pool.query(
			`ALTER TABLE orders ADD CONSTRAINT test_refuses_77 CHECK (price_cents <> 77)`
		);
		try {
			const answers = await Promise.allSettled(
				[40, 41, 77, 42, 43].map((priceCents) =>
					place(bed.engine, trader!, market, { side: 'BUY', priceCents, quantity: 1 })
				)
			);
			expect(answers.map((answer) => answer.status)).toEqual([
				'fulfilled',
				'fulfilled',
				'rejected',
				'fulfilled',
				'fulfilled'
			]);
		} finally {
			await bed.db.pool.query('ALTER TABLE orders DROP CONSTRAINT test_refuses_77');
		}
		expect((await levelsOf(bed.engine, optionId)).bids.map((level) => level.priceCents)).toEqual([
			43, 42, 41, 40
		]);
		expect(await cashOf(bed.db, trader!.id)).toEqual({ available: 10_000 - 166, reserved: 166 });
		const later = await placeLimit(bed.engine, trader!, market, {
			side: 'BUY',
			priceCents: 77,
			quantity: 1
		});
		expect(later.order.status).toBe('OPEN');
	});
});

/** What an engine answered: every order as last reported, and every fill. */
interface Confirmed {
	orders: Map<string, OrderView>;
	fills: FillView[];
	/** One resting order per book (its owner and full quantity), to make an engine load the book. */
	resting: { user: UserRef; orderId: string; quantity: number }[];
}

/**
 * On both books of `market`, through `engine`: resting orders at several levels, partial fills,
 * an amend that keeps its place and one that goes to the back, a cancel, a sell covered by
 * shares held and sells that hold cash. Each call is awaited, so nothing is in flight after.
 */
async function tradeOnTwoBooks(
	engine: LocalEngine,
	market: MarketRef,
	[first, second, third, taker, shorter]: UserRef[]
): Promise<Confirmed> {
	const confirmed: Confirmed = { orders: new Map(), fills: [], resting: [] };
	const placed = async (
		user: UserRef | undefined,
		fields: OrderFields & { priceCents: number }
	) => {
		const { order, fills } = await placeLimit(engine, user!, market, fields);
		confirmed.orders.set(order.id, order);
		confirmed.fills.push(...fills);
		return order;
	};
	const amended = async (
		user: UserRef | undefined,
		orderId: string,
		change: { quantity?: number; priceCents?: number }
	) => {
		const { order } = succeeded(await engine.amend(user!.id, { orderId, ...change }));
		confirmed.orders.set(order.id, order);
	};
	const cancelled = async (user: UserRef | undefined, orderId: string) => {
		confirmed.orders.set(orderId, succeeded(await engine.cancel(user!.id, orderId)));
	};

	// The first book.
	await placed(first, { side: 'SELL', priceCents: 52, quantity: 5 });
	await placed(second, { side: 'SELL', priceCents: 52, quantity: 4 });
	const shrunk = await placed(third, { side: 'SELL', priceCents: 54, quantity: 6 });
	await placed(first, { side: 'BUY', priceCents: 48, quantity: 5 });
	const moved = await placed(second, { side: 'BUY', priceCents: 47, quantity: 3 });
	const gone = await placed(third, { side: 'BUY', priceCents: 48, quantity: 2 });
	// Takes all 5 of the first seller's and 2 of the second's.
	await placed(taker, { side: 'BUY', priceCents: 52, quantity: 7 });
	await amended(third, shrunk.id, { quantity: 4 });
	await amended(second, moved.id, { priceCents: 48 });
	await cancelled(third, gone.id);
	// 3 of the 7 shares bought back this sell.
	await placed(taker, { side: 'SELL', priceCents: 55, quantity: 3 });
	// Takes 2 of the first bid at 48.
	await placed(shorter, { side: 'SELL', priceCents: 48, quantity: 2 });
	confirmed.resting.push({ user: third!, orderId: shrunk.id, quantity: 4 });

	// The second book.
	await placed(first, { side: 'BUY', priceCents: 30, quantity: 10, option: 1 });
	await placed(second, { side: 'BUY', priceCents: 31, quantity: 4, option: 1 });
	const smaller = await placed(third, { side: 'SELL', priceCents: 35, quantity: 8, option: 1 });
	await placed(shorter, { side: 'SELL', priceCents: 36, quantity: 5, option: 1 });
	// Takes the 4 at 31 and 3 of the 10 at 30.
	await placed(taker, { side: 'SELL', priceCents: 30, quantity: 7, option: 1 });
	await amended(third, smaller.id, { quantity: 5 });
	// Covered by the 4 shares just bought, then 1 of them sold.
	await placed(second, { side: 'SELL', priceCents: 33, quantity: 4, option: 1 });
	await placed(taker, { side: 'BUY', priceCents: 33, quantity: 1, option: 1 });
	confirmed.resting.push({ user: third!, orderId: smaller.id, quantity: 5 });
	return confirmed;
}

/** Makes `engine` load the book of `resting` without changing it: an amend to what it is. */
async function loadBook(engine: LocalEngine, resting: Confirmed['resting'][number]) {
	const answer = await engine.amend(resting.user.id, {
		orderId: resting.orderId,
		quantity: resting.quantity
	});
	expect(codeOf(answer)).toBe('NOTHING_TO_AMEND');
}

/** The orders waiting at one price, in queue order, as [order id, open quantity]. */
function queueAt(view: CachedBookView | null, side: 'bids' | 'asks', priceCents: number) {
	const level = view?.[side].find((candidate) => candidate.priceCents === priceCents);
	return level?.orders.map((order) => [order.orderId, order.quantity]);
}

/**
 * Every order `confirmed` names is in the database, and no other of theirs: those reported done
 * exactly as reported (a resting one may have traded since, which the book comparison covers),
 * and every fill reported is a trade there.
 */
async function expectInDatabase({ orders, fills }: Confirmed) {
	const { rows } = await bed.db.pool.query<{ id: string; status: string; filled: number }>(
		`SELECT id::text, status, filled_quantity AS filled FROM orders WHERE id = ANY($1::bigint[])`,
		[[...orders.keys()]]
	);
	const stored = new Map(rows.map((row) => [row.id, row]));
	expect([...stored.keys()].sort()).toEqual([...orders.keys()].sort());
	const done = [...orders.values()].filter((order) => !isResting(order.status));
	expect(done.length).toBeGreaterThan(0);
	expect(
		done.map((order) => [order.id, stored.get(order.id)?.status, stored.get(order.id)?.filled])
	).toEqual(done.map((order) => [order.id, order.status, order.filledQuantity]));
	const tradeIds = [...new Set(fills.map((fill) => fill.tradeId))].sort();
	const { rows: trades } = await bed.db.pool.query<{ id: string }>(
		`SELECT id::text FROM trades WHERE id = ANY($1::bigint[])`,
		[tradeIds]
	);
	expect(trades.map((trade) => trade.id).sort()).toEqual(tradeIds);
}

async function brokenInvariants(): Promise<string[]> {
	return (await checkInvariants(bed.db.pool))
		.filter((result) => !result.ok)
		.map((result) => result.name);
}

describe('an engine dropped between batches', () => {
	it('leaves what it confirmed, and a new engine rebuilds the books exactly as it had them', async () => {
		const market = await aMarket(bed.db);
		const traders = await tradersWithCash(bed.db, 5);
		let dropped: LocalEngine | null = new LocalEngine(bed.db.pool);
		const confirmed = await tradeOnTwoBooks(dropped, market, traders);
		const cached = market.optionIds.map((optionId) => dropped!.cachedBook(optionId));
		const [, second] = confirmed.orders.values();
		// The scene, as the engine holds it: the bid at 48 that sold 2 keeps its place before the
		// bid moved there from 47, the sell amended smaller keeps its place at 54.
		expect(queueAt(cached[0]!, 'bids', 48)?.map(([, quantity]) => quantity)).toEqual([3, 3]);
		expect(queueAt(cached[0]!, 'asks', 52)).toEqual([[second!.id, 2]]);
		expect(queueAt(cached[0]!, 'asks', 54)?.[0]?.[1]).toBe(4);
		expect(queueAt(cached[1]!, 'bids', 30)?.[0]?.[1]).toBe(7);
		expect(Object.keys(cached[0]!.positions)).toHaveLength(4);
		expect(cached.map((view) => view?.problems)).toEqual([[], []]);

		// No close, no stop: the engine is simply gone, with nothing in flight.
		dropped = null;
		const next = new LocalEngine(bed.db.pool);
		for (const resting of confirmed.resting) await loadBook(next, resting);
		expect(market.optionIds.map((optionId) => next.cachedBook(optionId))).toEqual(cached);
		await expectInDatabase(confirmed);
	});
});

describe('an engine dropped with commands in flight', () => {
	it('loses only what it never confirmed, and a new engine rebuilds the books the database holds', async () => {
		const market = await aMarket(bed.db);
		const traders = await tradersWithCash(bed.db, 5);
		const [first, second, , taker] = traders;
		const crashing = aPoolThatCrashes(bed.db.pool);
		const dying = new LocalEngine(crashing.pool);
		const confirmed = await tradeOnTwoBooks(dying, market, traders);
		const committed = market.optionIds.map((optionId) => dying.cachedBook(optionId));

		// One transaction writes these (a trade, a new level, an order on the other book) and is
		// lost at its COMMIT; the two sent after it wait behind it. None is ever answered.
		const answered: string[] = [];
		const send = (user: UserRef | undefined, fields: OrderFields & { clientOrderId: string }) =>
			void place(dying, user!, market, fields).then(
				() => answered.push(fields.clientOrderId),
				() => answered.push(fields.clientOrderId)
			);
		const commitHeld = crashing.holdNextCommit();
		send(taker, { side: 'BUY', priceCents: 52, quantity: 2, clientOrderId: 'in-flight-1' });
		send(first, { side: 'SELL', priceCents: 57, quantity: 1, clientOrderId: 'in-flight-2' });
		send(second, {
			side: 'BUY',
			priceCents: 29,
			quantity: 3,
			option: 1,
			clientOrderId: 'in-flight-3'
		});
		await commitHeld;
		send(first, { side: 'BUY', priceCents: 46, quantity: 1, clientOrderId: 'queued-1' });
		send(second, {
			side: 'SELL',
			priceCents: 38,
			quantity: 1,
			option: 1,
			clientOrderId: 'queued-2'
		});
		await crashing.crash();

		const next = new LocalEngine(bed.db.pool);
		for (const resting of confirmed.resting) await loadBook(next, resting);
		for (const [book, optionId] of market.optionIds.entries()) {
			const rebuilt = next.cachedBook(optionId);
			expect(rebuilt).toEqual(await bookRebuiltFromDatabase(bed.db, optionId));
			expect(rebuilt).toEqual(committed[book]);
		}
		await expectInDatabase(confirmed);
		const { rows } = await bed.db.pool.query<{ n: number }>(
			`SELECT count(*)::int AS n FROM orders WHERE client_order_id LIKE 'in-flight-%' OR client_order_id LIKE 'queued-%'`
		);
		expect(rows[0]!.n).toBe(0);
		expect(answered).toEqual([]);
		expect(await brokenInvariants()).toEqual([]);
	});
});

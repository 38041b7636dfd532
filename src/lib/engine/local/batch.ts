// One group-commit transaction: every command queued while the previous transaction was in
// flight, for any number of books, matched in memory against the cached books and written with
// set-based statements in one transaction that holds the books' advisory locks.
import type pg from 'pg';
import {
	canRest,
	type AmendOrderInput,
	type EngineName,
	type PlaceOrderInput
} from '$lib/shared/orders';
import type { BookEvent, CancelReason } from '../core';
import type { EngineErrorCode } from '../engine';
import { positionKey, type CachedBook } from './cached-book';
import {
	BatchMoney,
	LedgerClock,
	emptyPosition,
	holdFor,
	type OrderHold,
	type TraderCash
} from './money';
import {
	fromOrderRow,
	isResting,
	openQuantity,
	orderColumns,
	type OrderRecord,
	type OrderRow,
	type TradeRecord
} from './records';
import type { IdAllocator } from './ids';
import { inOrder } from './pipeline';
import { writeGroup, type BatchWrite, type BookLevelChange } from './writes';

export type BookCommand =
	| { kind: 'place'; userId: string; input: PlaceOrderInput; engine: EngineName }
	| { kind: 'amend'; userId: string; input: AmendOrderInput }
	| { kind: 'cancel'; userId: string; orderId: string }
	| { kind: 'cancelAll'; userId: string | null; reason: CancelReason }
	| { kind: 'expire'; now: Date };

export type CommandResult =
	| { ok: true; order: OrderRecord | null; affected: OrderRecord[]; duplicate: boolean }
	| { ok: false; code: EngineErrorCode; message: string };

/** One book's share of a group: its cached state and its commands, in arrival order. */
export interface BookBatch {
	cache: CachedBook;
	commands: BookCommand[];
	/** When each command arrived, as a number that grows across books: commands run in this order. */
	arrivals: number[];
}

export interface BatchOutcome {
	results: CommandResult[];
	trades: TradeRecord[];
}

const fail = (code: EngineErrorCode, message: string): CommandResult => ({
	ok: false,
	code,
	message
});

interface BookState {
	optionId: string;
	seq: string;
	lastPriceCents: number | null;
	marketId: string;
	status: 'OPEN' | 'HALTED' | 'CLOSED' | 'RESOLVED';
}

const OPTION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Opens the transaction and takes the books' advisory locks, in one round trip. The locks are
 * taken in option id order, as the market lifecycle takes them, so two transactions that lock
 * several books never wait on each other in a cycle.
 */
function beginAndLockSql(optionIds: readonly string[]): string {
	const sorted = [...optionIds].sort();
	for (const id of sorted) if (!OPTION_ID.test(id)) throw new Error(`Not an option id: ${id}`);
	const locks = sorted.map((id) => `pg_advisory_xact_lock(hashtextextended('${id}', 7))`);
	return `BEGIN; SELECT ${locks.join(', ')}`;
}

export interface BatchContext {
	ids: IdAllocator;
	/**
	 * Prepare the batch's statements once per connection (by name). Only on a real Postgres:
	 * PGlite serves every connection, of every process, from one session, where two
	 * connections preparing the same name collide.
	 */
	namedStatements: boolean;
	/**
	 * Read placing traders' cash under a row lock (FOR NO KEY UPDATE). Off by default: balances
	 * are read without a lock and the database's check (available ≥ 0) catches a race, after
	 * which the group is run again with locks, so rows of busy traders are held only while
	 * writing.
	 */
	lockBalances: boolean;
}

const fundedUsers = (commands: BookCommand[]) =>
	new Set(commands.flatMap((c) => (c.kind === 'place' || c.kind === 'amend' ? [c.userId] : [])));

/** When a group's transaction reached each step, as performance.now() values. */
export interface GroupTimes {
	/** Began, locked its books, read their state: the first round trip. */
	read: number;
	/** Matched the group in memory and built the write (with any book reloads). */
	matched: number;
	/** Wrote the group and committed: the second round trip. */
	committed: number;
}

/**
 * Runs a group as one transaction on a connection with none open, in two round trips where the
 * connection pipelines (see pipeline.ts): BEGIN, the books' locks and the reads of their state,
 * the traders' cash and earlier clientOrderIds; then the write and COMMIT. Returns one outcome
 * per book, in the order given. A failure leaves the transaction for the caller to roll back.
 */
export async function runGroup(
	client: pg.ClientBase,
	books: BookBatch[],
	now: Date,
	context: BatchContext
): Promise<{ outcomes: BatchOutcome[]; times: GroupTimes }> {
	const funded = [...fundedUsers(books.flatMap((book) => book.commands))];
	const optionIds = books.map((book) => book.cache.optionId);
	const balances = context.lockBalances
		? `(SELECT json_agg(json_build_object('userId', user_id, 'cents', balance_cents::text))
		      FROM (SELECT user_id, balance_cents FROM accounts WHERE user_id = ANY($2::uuid[])
		              AND kind = 'TRADER_CASH' ORDER BY id FOR NO KEY UPDATE) locked)`
		: `(SELECT json_agg(json_build_object('userId', user_id, 'cents', balance_cents::text))
		      FROM accounts WHERE user_id = ANY($2::uuid[]) AND kind = 'TRADER_CASH')`;
	const [, { rows }, clientIdRows] = await inOrder(client, [
		() => client.query(beginAndLockSql(optionIds)),
		() =>
			client.query<{
				books: BookState[] | null;
				balances: { userId: string; cents: string }[] | null;
			}>({
				name: !context.namedStatements
					? undefined
					: context.lockBalances
						? 'betwise_group_state_locked'
						: 'betwise_group_state',
				// A market past its close time trades no more, though the closer may not have run yet.
				text: `SELECT (SELECT json_agg(json_build_object('optionId', b.option_id, 'seq', b.seq::text,
				                'lastPriceCents', b.last_price_cents, 'marketId', o.market_id,
				                'status', CASE WHEN m.status = 'OPEN' AND m.closes_at <= now() THEN 'CLOSED'
				                               ELSE m.status END))
				           FROM books b JOIN market_options o ON o.id = b.option_id JOIN markets m ON m.id = o.market_id
				          WHERE b.option_id = ANY($1::uuid[])) AS books,
				        ${balances} AS balances`,
				values: [optionIds, funded]
			}),
		() => ordersWithClientIds(client, books)
	] as const);
	const read = performance.now();
	const states = new Map((rows[0]?.books ?? []).map((state) => [state.optionId, state]));
	const cash = new Map<string, TraderCash>();
	for (const balance of rows[0]?.balances ?? []) {
		cash.set(balance.userId, {
			startAvailableCents: Number(balance.cents),
			availableDeltaCents: 0,
			reservedDeltaCents: 0
		});
	}

	for (const { cache } of books) {
		const state = states.get(cache.optionId);
		if (!state) continue;
		const dbSeq = Number(state.seq);
		if (cache.seq !== dbSeq) await cache.reload(client, dbSeq);
		cache.lastPriceCents = state.lastPriceCents;
	}
	const earlier = byClientId(clientIdRows, books);
	const places = books.reduce(
		(sum, book) => sum + book.commands.filter((c) => c.kind === 'place').length,
		0
	);
	const newIds = (await context.ids.take(client, 'orders_id_seq', places)).reverse();

	const clock = new LedgerClock();
	const batches = books.map(({ cache }) => {
		const state = states.get(cache.optionId);
		return (
			state && new Batch(cache, state.marketId, state.status, now, earlier, newIds, cash, clock)
		);
	});
	const results = books.map(({ commands }) => new Array<CommandResult>(commands.length));
	// In arrival order across books, so that cash goes to the orders that came first.
	const order = books
		.flatMap((book, b) => book.arrivals.map((arrival, c) => ({ arrival, b, c })))
		.sort((x, y) => x.arrival - y.arrival);
	for (const { b, c } of order) {
		const batch = batches[b];
		results[b]![c] = batch
			? batch.apply(books[b]!.commands[c]!)
			: fail('UNKNOWN_OPTION', `No option ${books[b]!.cache.optionId}`);
	}

	/** Per book: what it writes, and the positions it changed with their stored form. */
	const written = books.map(({ cache }, b) => {
		const batch = batches[b];
		if (!batch) return null;
		// Only positions that differ from the stored ones (a buy order leaves its position as it was).
		const changed = [...batch.touchedPositions].flatMap((userId) => {
			const position = cache.positions.get(userId);
			if (!position) return [];
			const key = positionKey(position);
			const stored = cache.storedPositions.get(userId) ?? positionKey(emptyPosition());
			return key === stored ? [] : [{ userId, position, key }];
		});
		const write: BatchWrite = {
			optionId: cache.optionId,
			marketId: batch.marketId,
			seq: batch.seq,
			lastPriceCents: cache.lastPriceCents,
			orders: [...batch.touched],
			trades: batch.trades,
			positions: changed.map(({ userId, position }) => ({ userId, ...position })),
			money: batch.money,
			levelChanges: batch.levelChanges
		};
		return { cache, batch, write, changed };
	});
	const matched = await writeGroup(
		client,
		written.flatMap((book) => (book ? [book.write] : [])),
		cash,
		clock,
		now,
		context
	);
	for (const book of written) {
		if (!book) continue;
		book.cache.seq = book.batch.seq;
		for (const { userId, key } of book.changed) book.cache.storedPositions.set(userId, key);
	}
	const outcomes = results.map((bookResults, b) => ({
		results: bookResults,
		trades: batches[b]?.trades ?? []
	}));
	return { outcomes, times: { read, matched, committed: performance.now() } };
}

/** Cancels the trader did not ask for, which the order then names as its reason. */
const EXCHANGE_CANCELS: ReadonlySet<CancelReason> = new Set([
	'SELF_TRADE',
	'MARKET_CLOSED',
	'ADMIN'
]);

const clientKey = (userId: string, clientOrderId: string) => `${userId}\u0000${clientOrderId}`;

/** The stored orders with the clientOrderIds that the group's new orders carry. */
async function ordersWithClientIds(client: pg.ClientBase, books: BookBatch[]): Promise<OrderRow[]> {
	const withClientId = books.flatMap((book) =>
		book.commands.flatMap((c) =>
			c.kind === 'place' && c.input.clientOrderId !== undefined
				? [{ userId: c.userId, clientOrderId: c.input.clientOrderId }]
				: []
		)
	);
	if (withClientId.length === 0) return [];
	const { rows } = await client.query<OrderRow>(
		`SELECT ${orderColumns} FROM orders
		  WHERE (user_id, client_order_id) IN (SELECT * FROM unnest($1::uuid[], $2::text[]))`,
		[withClientId.map((c) => c.userId), withClientId.map((c) => c.clientOrderId)]
	);
	return rows;
}

/** Those orders by user and clientOrderId, as records: the cached one where its book is in the group. */
function byClientId(rows: OrderRow[], books: BookBatch[]): Map<string, OrderRecord> {
	const found = new Map<string, OrderRecord>();
	for (const row of rows) {
		// The cached record is the one the batch changes (read after any reload of its book).
		const cache = books.find((book) => book.cache.optionId === row.option_id)?.cache;
		const order = cache?.orders.get(row.id) ?? fromOrderRow(row);
		found.set(clientKey(order.userId, order.clientOrderId), order);
	}
	return found;
}

/** The limit an order trades within: a market order's is the far end of the book. */
const limitPriceOf = (input: PlaceOrderInput): number =>
	input.type === 'MARKET' ? (input.side === 'BUY' ? 99 : 1) : input.priceCents!;

const timeInForceOf = (input: PlaceOrderInput): OrderRecord['timeInForce'] =>
	input.timeInForce ?? (input.type === 'MARKET' ? 'IOC' : 'GTC');

/**
 * Whether a place with a clientOrderId already used is that same order sent again: every field
 * the trader chose must match the order as it stands (an order amended since is a different one).
 */
function sameOrder(earlier: OrderRecord, optionId: string, input: PlaceOrderInput): boolean {
	return (
		earlier.optionId === optionId &&
		earlier.side === input.side &&
		earlier.type === input.type &&
		earlier.quantity === input.quantity &&
		earlier.priceCents === limitPriceOf(input) &&
		earlier.timeInForce === timeInForceOf(input) &&
		earlier.postOnly === input.postOnly &&
		(earlier.expiresAt?.getTime() ?? null) === (input.expiresAt?.getTime() ?? null)
	);
}

class Batch {
	readonly money: BatchMoney;
	readonly touched = new Set<OrderRecord>();
	readonly touchedPositions = new Set<string>();
	readonly trades: TradeRecord[] = [];
	readonly levelChanges: BookLevelChange[] = [];
	seq: number;
	/** Orders placed in this batch that are not resting (filled, cancelled, rejected). */
	private readonly batchOrders = new Map<string, OrderRecord>();
	/** The holds of new orders that cannot rest, which are priced apart from their limit. */
	private readonly sweepHolds = new Map<string, OrderHold>();
	private readonly events: BookEvent[] = [];

	constructor(
		private readonly cache: CachedBook,
		readonly marketId: string,
		private readonly marketStatus: BookState['status'],
		private readonly now: Date,
		/** Orders by user and clientOrderId, shared by the group's books: earlier ones and new ones. */
		private readonly byClientId: Map<string, OrderRecord>,
		/** Fresh order ids for the group's new orders, taken from the end. */
		private readonly newIds: string[],
		cash: Map<string, TraderCash>,
		clock: LedgerClock
	) {
		this.money = new BatchMoney(cache.positions, cash, clock);
		this.seq = cache.seq;
	}

	apply(command: BookCommand): CommandResult {
		switch (command.kind) {
			case 'place':
				return this.place(command.userId, command.input, command.engine);
			case 'amend':
				return this.amend(command.userId, command.input);
			case 'cancel':
				return this.cancel(command.userId, command.orderId);
			case 'cancelAll':
				return this.cancelAll(command.userId, command.reason);
			case 'expire':
				return this.expire(command.now);
		}
	}

	private place(userId: string, input: PlaceOrderInput, engine: EngineName): CommandResult {
		if (input.marketId !== this.marketId) {
			return fail(
				'UNKNOWN_OPTION',
				`Option ${input.optionId} is not an option of market ${input.marketId}`
			);
		}
		const key = input.clientOrderId === undefined ? null : clientKey(userId, input.clientOrderId);
		const earlier = key === null ? undefined : this.byClientId.get(key);
		if (earlier) {
			if (!sameOrder(earlier, this.cache.optionId, input)) {
				return fail(
					'CLIENT_ORDER_ID_IN_USE',
					`clientOrderId ${input.clientOrderId} was used for a different order`
				);
			}
			return { ok: true, order: earlier, affected: [], duplicate: true };
		}
		if (this.money.trader(userId).startAvailableCents === null) {
			return fail('INSUFFICIENT_FUNDS', 'This user has no cash account');
		}

		const id = this.newIds.pop();
		if (id === undefined)
			throw new Error('Order ids ran out: the group counted its places wrongly');
		const priceCents = limitPriceOf(input);
		const order: OrderRecord = {
			id,
			userId,
			marketId: this.marketId,
			optionId: this.cache.optionId,
			clientOrderId: input.clientOrderId ?? `bw-${id}`,
			side: input.side,
			type: input.type,
			timeInForce: timeInForceOf(input),
			postOnly: input.postOnly,
			priceCents,
			quantity: input.quantity,
			filledQuantity: 0,
			status: 'OPEN',
			rejectReason: null,
			expiresAt: input.expiresAt ?? null,
			reservedCents: 0,
			coveredQuantity: 0,
			priority: 0,
			engine,
			createdAt: this.now,
			updatedAt: this.now,
			isNew: true
		};
		this.touched.add(order);
		this.batchOrders.set(id, order);
		if (key !== null) this.byClientId.set(key, order);

		if (this.marketStatus !== 'OPEN') return this.reject(order, 'MARKET_NOT_OPEN');
		const position = this.money.position(userId);
		let hold: OrderHold;
		if (canRest(order)) {
			hold = holdFor(order.side, priceCents, order.quantity, position);
		} else {
			// It holds only what it can take now, priced at the worst level it would reach: a market
			// buy of 1,000 shares against 225 offered at 5–7¢ holds 7¢ × 225, not 99¢ × 1,000.
			const reach = this.cache.book.reach(userId, order.side, priceCents, order.quantity);
			hold = holdFor(order.side, reach.worstPriceCents ?? priceCents, reach.quantity, position);
			this.sweepHolds.set(id, hold);
		}
		if (!this.money.canHold(userId, hold)) return this.reject(order, 'INSUFFICIENT_FUNDS');
		this.money.hold(userId, id, hold);
		order.reservedCents = hold.reservedCents;
		order.coveredQuantity = hold.coveredQuantity;
		this.touchedPositions.add(userId);

		this.events.length = 0;
		this.cache.book.place(
			{
				orderId: id,
				userId,
				clientOrderId: order.clientOrderId,
				side: order.side,
				type: order.type,
				priceCents,
				quantity: order.quantity,
				timeInForce: order.timeInForce,
				expiresAtMs: order.expiresAt?.getTime() ?? null,
				postOnly: order.postOnly,
				timestampMs: this.now.getTime()
			},
			this.events
		);
		this.process(this.events);
		return { ok: true, order, affected: [], duplicate: false };
	}

	private reject(order: OrderRecord, code: string): CommandResult {
		order.status = 'REJECTED';
		order.rejectReason = code;
		return { ok: true, order, affected: [], duplicate: false };
	}

	private ownResting(userId: string, orderId: string): OrderRecord | null {
		const order = this.cache.orders.get(orderId);
		return order && order.userId === userId ? order : null;
	}

	private amend(userId: string, input: AmendOrderInput): CommandResult {
		const order = this.ownResting(userId, input.orderId);
		if (!order) return fail('UNKNOWN_ORDER', `You have no open order ${input.orderId}`);
		const newTotal = input.quantity ?? order.quantity;
		const newPrice = input.priceCents ?? order.priceCents;
		if (newTotal <= order.filledQuantity) {
			return fail(
				'ORDER_NOT_AMENDABLE',
				`The new quantity must be more than the ${order.filledQuantity} already filled`
			);
		}
		const open = openQuantity(order);
		const newOpen = newTotal - order.filledQuantity;
		if (newPrice === order.priceCents && newOpen === open) {
			return fail('NOTHING_TO_AMEND', 'That is the order as it stands');
		}
		if (this.marketStatus !== 'OPEN') return fail('MARKET_NOT_OPEN', 'The market is not open');
		if (order.postOnly && newPrice !== order.priceCents && this.wouldCross(order.side, newPrice)) {
			return fail(
				'POST_ONLY_WOULD_CROSS',
				`A post-only order cannot move to ${newPrice}¢: it would trade`
			);
		}

		if (newPrice === order.priceCents && newOpen < open) {
			this.money.shrinkHold(userId, order.id, order, open, open - newOpen);
		} else {
			// The hold the amended order needs, with the shares its current hold locks free again;
			// checked before anything moves, so a refused amend leaves no journal behind.
			const position = this.money.position(userId);
			const hold = holdFor(order.side, newPrice, newOpen, {
				...position,
				lockedQuantity: position.lockedQuantity - order.coveredQuantity
			});
			if (!this.money.canReplaceHold(userId, order, hold)) {
				return fail('INSUFFICIENT_FUNDS', 'Not enough available cash for the amended order');
			}
			this.money.releaseHold(userId, order.id, order);
			this.money.hold(userId, order.id, hold);
			order.reservedCents = hold.reservedCents;
			order.coveredQuantity = hold.coveredQuantity;
			order.priceCents = newPrice;
		}
		this.touched.add(order);
		this.touchedPositions.add(userId);
		this.events.length = 0;
		this.cache.book.amend(
			{
				type: 'amend',
				orderId: order.id,
				userId,
				newQuantity: newOpen,
				newPriceCents: newPrice,
				timestampMs: this.now.getTime()
			},
			this.events
		);
		this.process(this.events);
		return { ok: true, order, affected: [], duplicate: false };
	}

	private wouldCross(side: 'BUY' | 'SELL', priceCents: number): boolean {
		const best = this.cache.book.snapshot(1);
		return side === 'BUY'
			? best.asks[0] !== undefined && best.asks[0].priceCents <= priceCents
			: best.bids[0] !== undefined && best.bids[0].priceCents >= priceCents;
	}

	private cancel(userId: string, orderId: string): CommandResult {
		const order = this.ownResting(userId, orderId);
		if (!order) return fail('UNKNOWN_ORDER', `You have no open order ${orderId}`);
		this.events.length = 0;
		this.cache.book.cancel({ type: 'cancel', orderId, userId }, this.events);
		return { ok: true, order, affected: this.process(this.events), duplicate: false };
	}

	private cancelAll(userId: string | null, reason: CancelReason): CommandResult {
		this.events.length = 0;
		this.cache.book.cancelAll(
			{ type: 'cancelAll', userId: userId ?? undefined, reason },
			this.events
		);
		return { ok: true, order: null, affected: this.process(this.events), duplicate: false };
	}

	private expire(now: Date): CommandResult {
		this.events.length = 0;
		this.cache.book.expire({ type: 'expire', nowMs: now.getTime() }, this.events);
		return { ok: true, order: null, affected: this.process(this.events), duplicate: false };
	}

	private find(orderId: string): OrderRecord {
		const order = this.cache.orders.get(orderId) ?? this.batchOrders.get(orderId);
		if (!order)
			throw new Error(`The core reported order ${orderId}, which this engine does not know`);
		return order;
	}

	/** What an order holds: itself (at its limit price) unless it is a new order that cannot rest. */
	private holdOf(order: OrderRecord): OrderHold {
		return this.sweepHolds.get(order.id) ?? order;
	}

	/** Copies a hold kept apart from its order back onto the order, which is what is written. */
	private syncHold(order: OrderRecord): void {
		const hold = this.sweepHolds.get(order.id);
		if (!hold) return;
		if (hold.reservedCents < 0 || hold.coveredQuantity < 0) {
			throw new Error(`Order ${order.id} took more than the book held for it when it arrived`);
		}
		order.reservedCents = hold.reservedCents;
		order.coveredQuantity = hold.coveredQuantity;
	}

	/** `seller`'s sale used shares its other resting sells had locked: they hold cash for them now. */
	private moveCoverage(seller: OrderRecord, shares: number): void {
		let left = shares;
		for (const order of this.cache.orders.values()) {
			if (left === 0) break;
			if (order.userId !== seller.userId || order.side !== 'SELL' || order === seller) continue;
			const taken = Math.min(left, order.coveredQuantity);
			if (taken === 0) continue;
			this.money.uncover(order.userId, order.id, order, taken);
			this.touched.add(order);
			left -= taken;
		}
		if (left > 0)
			throw new Error(`No resting sell of ${seller.userId} held ${left} of the shares sold`);
	}

	/** Applies the core's events for one command; returns the orders that left the book. */
	private process(events: BookEvent[]): OrderRecord[] {
		const removed: OrderRecord[] = [];
		let deltas = 0;
		for (const event of events) {
			switch (event.type) {
				case 'fill': {
					const maker = this.find(event.makerOrderId);
					const taker = this.find(event.takerOrderId);
					const [buy, sell] = event.takerSide === 'BUY' ? [taker, maker] : [maker, taker];
					const { coverageTaken } = this.money.fill(
						{
							priceCents: event.priceCents,
							quantity: event.quantity,
							tradeIndex: this.trades.length
						},
						{ userId: buy.userId, orderId: buy.id, hold: this.holdOf(buy) },
						{ userId: sell.userId, orderId: sell.id, hold: this.holdOf(sell) }
					);
					this.syncHold(taker);
					if (coverageTaken > 0) this.moveCoverage(sell, coverageTaken);
					for (const order of [maker, taker]) {
						order.filledQuantity += event.quantity;
						order.status = order.filledQuantity === order.quantity ? 'FILLED' : 'PARTIALLY_FILLED';
						order.updatedAt = this.now;
						this.touched.add(order);
						this.touchedPositions.add(order.userId);
					}
					// The taker rests already when an amend moved it across the book.
					for (const order of [maker, taker]) {
						if (order.status === 'FILLED' && this.cache.orders.delete(order.id))
							removed.push(order);
					}
					this.trades.push({
						index: this.trades.length,
						optionId: this.cache.optionId,
						marketId: this.marketId,
						priceCents: event.priceCents,
						quantity: event.quantity,
						makerOrderId: maker.id,
						takerOrderId: taker.id,
						buyerId: buy.userId,
						sellerId: sell.userId,
						takerSide: event.takerSide,
						bookSeq: this.seq + 1,
						engine: taker.engine
					});
					this.cache.lastPriceCents = event.priceCents;
					break;
				}
				case 'rested': {
					const order = this.find(event.orderId);
					order.priority = event.priority;
					order.status = order.filledQuantity > 0 ? 'PARTIALLY_FILLED' : 'OPEN';
					this.cache.orders.set(order.id, order);
					this.touched.add(order);
					break;
				}
				case 'cancelled':
				case 'expired': {
					const order = this.find(event.orderId);
					order.status = event.type === 'cancelled' ? 'CANCELLED' : 'EXPIRED';
					// An order the exchange cancelled says why; the trader knows why they cancelled,
					// and an IOC's remainder goes as its time in force says.
					if (event.type === 'cancelled' && EXCHANGE_CANCELS.has(event.reason)) {
						order.rejectReason = event.reason;
					}
					order.updatedAt = this.now;
					this.money.releaseHold(order.userId, order.id, this.holdOf(order));
					this.syncHold(order);
					this.cache.orders.delete(order.id);
					this.touched.add(order);
					this.touchedPositions.add(order.userId);
					removed.push(order);
					break;
				}
				case 'rejected': {
					if (event.orderId === null) break;
					if (this.cache.orders.has(event.orderId)) {
						// The shell checks everything the core could refuse about a resting order
						// first; if the core still refuses, money has moved: abort the batch.
						throw new Error(`The core refused a change to order ${event.orderId}: ${event.code}`);
					}
					const order = this.batchOrders.get(event.orderId);
					if (order && order.status === 'OPEN') {
						order.status = 'REJECTED';
						order.rejectReason = event.code;
						this.money.releaseHold(order.userId, order.id, this.holdOf(order));
						this.syncHold(order);
					}
					break;
				}
				case 'amended': {
					const order = this.find(event.orderId);
					order.priceCents = event.priceCents;
					order.quantity = order.filledQuantity + event.quantity;
					order.updatedAt = this.now;
					break;
				}
				case 'bookDelta':
					deltas++;
					this.levelChanges.push({
						seq: this.seq + 1,
						side: event.side,
						priceCents: event.priceCents,
						quantity: event.quantity,
						orders: event.orderCount
					});
					break;
				case 'accepted':
					break;
			}
		}
		if (deltas > 0) this.seq++;
		for (const order of removed)
			if (isResting(order.status))
				throw new Error(`Order ${order.id} left the book but is ${order.status}`);
		return removed;
	}
}

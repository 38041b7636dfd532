// One group-commit batch of a book: every command queued while the previous transaction was in
// flight, matched in memory against the cached book and written with set-based statements in
// one transaction that holds the book's advisory lock.
import type pg from 'pg';
import type { AmendOrderInput, EngineName, PlaceOrderInput } from '$lib/shared/orders';
import type { BookEvent, CancelReason } from '../core';
import type { EngineErrorCode } from '../engine';
import type { CachedBook } from './cached-book';
import { BatchMoney, holdFor } from './money';
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
import { writeBatch, type BookLevelChange } from './writes';

export type BookCommand =
	| { kind: 'place'; userId: string; input: PlaceOrderInput; engine: EngineName }
	| { kind: 'amend'; userId: string; input: AmendOrderInput }
	| { kind: 'cancel'; userId: string; orderId: string }
	| { kind: 'cancelAll'; userId: string | null; reason: CancelReason }
	| { kind: 'expire'; now: Date };

export type CommandResult =
	| { ok: true; order: OrderRecord | null; affected: OrderRecord[]; duplicate: boolean }
	| { ok: false; code: EngineErrorCode; message: string };

export interface BatchOutcome {
	results: CommandResult[];
	trades: TradeRecord[];
}

const fail = (code: EngineErrorCode, message: string): CommandResult => ({
	ok: false,
	code,
	message
});

interface BookRow {
	seq: string;
	last_price_cents: number | null;
	market_id: string;
	status: 'OPEN' | 'HALTED' | 'CLOSED' | 'RESOLVED';
}

/** Opens the transaction and takes the book's advisory lock, in one round trip. */
export function beginAndLockSql(optionId: string): string {
	if (!/^[0-9a-f-]{36}$/i.test(optionId)) throw new Error(`Not an option id: ${optionId}`);
	return `BEGIN; SELECT pg_advisory_xact_lock(hashtextextended('${optionId}', 7))`;
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
	 * Read placing traders' cash under a row lock (FOR UPDATE). Off by default: balances are
	 * read without a lock and the database's check (available ≥ 0) catches a race, after which
	 * the batch is run again with locks, so rows of busy traders are held only while writing.
	 */
	lockBalances: boolean;
}

/** Runs a batch inside a transaction the caller has begun with beginAndLockSql(). */
export async function runBatch(
	client: pg.ClientBase,
	cache: CachedBook,
	commands: BookCommand[],
	now: Date,
	context: BatchContext
): Promise<BatchOutcome> {
	const funded = [
		...new Set(
			commands.flatMap((c) => (c.kind === 'place' || c.kind === 'amend' ? [c.userId] : []))
		)
	];
	const balances = context.lockBalances
		? `(SELECT json_agg(json_build_object('userId', user_id, 'cents', balance_cents::text))
		      FROM (SELECT user_id, balance_cents FROM accounts WHERE user_id = ANY($2::uuid[])
		              AND kind = 'TRADER_CASH' ORDER BY id FOR NO KEY UPDATE) locked)`
		: `(SELECT json_agg(json_build_object('userId', user_id, 'cents', balance_cents::text))
		      FROM accounts WHERE user_id = ANY($2::uuid[]) AND kind = 'TRADER_CASH')`;
	const { rows: bookRows } = await client.query<
		BookRow & { balances: { userId: string; cents: string }[] | null }
	>({
		name: !context.namedStatements
			? undefined
			: context.lockBalances
				? 'betwise_book_state_locked'
				: 'betwise_book_state',
		text: `SELECT b.seq::text, b.last_price_cents, o.market_id, m.status, ${balances} AS balances
		   FROM books b JOIN market_options o ON o.id = b.option_id JOIN markets m ON m.id = o.market_id
		  WHERE b.option_id = $1`,
		values: [cache.optionId, funded]
	});
	const bookRow = bookRows[0];
	if (!bookRow) {
		return {
			results: commands.map(() => fail('UNKNOWN_OPTION', `No option ${cache.optionId}`)),
			trades: []
		};
	}
	const dbSeq = Number(bookRow.seq);
	if (cache.seq !== dbSeq) await cache.reload(client, dbSeq);
	cache.lastPriceCents = bookRow.last_price_cents;

	const batch = new Batch(cache, bookRow.market_id, bookRow.status, now);
	for (const balance of bookRow.balances ?? [])
		batch.money.knowAvailable(balance.userId, Number(balance.cents));
	await batch.prepare(client, commands, context.ids);
	const results = commands.map((command) => batch.apply(command));
	await writeBatch(client, {
		optionId: cache.optionId,
		marketId: bookRow.market_id,
		seq: batch.seq,
		lastPriceCents: cache.lastPriceCents,
		orders: [...batch.touched],
		trades: batch.trades,
		positions: [...batch.touchedPositions].flatMap((userId) => {
			const position = cache.positions.get(userId);
			return position ? [{ userId, ...position }] : [];
		}),
		money: batch.money,
		levelChanges: batch.levelChanges,
		now,
		ids: context.ids,
		namedStatements: context.namedStatements
	});
	cache.seq = batch.seq;
	return { results, trades: batch.trades };
}

class Batch {
	readonly money: BatchMoney;
	readonly touched = new Set<OrderRecord>();
	readonly touchedPositions = new Set<string>();
	readonly trades: TradeRecord[] = [];
	readonly levelChanges: BookLevelChange[] = [];
	seq: number;
	private newIds: string[] = [];
	private readonly existingByClientId = new Map<string, OrderRecord>();
	/** Orders placed in this batch that are not resting (filled, cancelled, rejected). */
	private readonly batchOrders = new Map<string, OrderRecord>();
	private readonly events: BookEvent[] = [];

	constructor(
		private readonly cache: CachedBook,
		private readonly marketId: string,
		private readonly marketStatus: BookRow['status'],
		private readonly now: Date
	) {
		this.money = new BatchMoney(cache.positions);
		this.seq = cache.seq;
	}

	/** Reads earlier orders with the same clientOrderIds, and takes ids for the new orders. */
	async prepare(client: pg.ClientBase, commands: BookCommand[], ids: IdAllocator): Promise<void> {
		const places = commands.filter(
			(c): c is Extract<BookCommand, { kind: 'place' }> => c.kind === 'place'
		);
		const withClientId = places.filter((c) => c.input.clientOrderId !== undefined);
		if (withClientId.length > 0) {
			const { rows } = await client.query<OrderRow>(
				`SELECT ${orderColumns} FROM orders
				  WHERE (user_id, client_order_id) IN (SELECT * FROM unnest($1::uuid[], $2::text[]))`,
				[withClientId.map((c) => c.userId), withClientId.map((c) => c.input.clientOrderId)]
			);
			for (const row of rows) {
				const order = this.cache.orders.get(row.id) ?? fromOrderRow(row);
				this.existingByClientId.set(`${order.userId}\u0000${order.clientOrderId}`, order);
			}
		}
		this.newIds = (await ids.take(client, 'orders_id_seq', places.length)).reverse();
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
		const key = input.clientOrderId === undefined ? null : `${userId}\u0000${input.clientOrderId}`;
		const earlier = key === null ? undefined : this.existingByClientId.get(key);
		if (earlier) {
			// The stored order may have been amended since, so this compares what an amend keeps.
			const samePrice = input.type === 'MARKET' || earlier.priceCents === input.priceCents;
			if (
				earlier.optionId !== this.cache.optionId ||
				earlier.side !== input.side ||
				earlier.type !== input.type ||
				(earlier.quantity !== input.quantity && earlier.filledQuantity === 0) ||
				!samePrice
			) {
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
			throw new Error('Order ids ran out: prepare() counted the places wrongly');
		const isMarket = input.type === 'MARKET';
		const priceCents = isMarket ? (input.side === 'BUY' ? 99 : 1) : input.priceCents!;
		const order: OrderRecord = {
			id,
			userId,
			marketId: this.marketId,
			optionId: this.cache.optionId,
			clientOrderId: input.clientOrderId ?? `bw-${id}`,
			side: input.side,
			type: input.type,
			timeInForce: input.timeInForce ?? (isMarket ? 'IOC' : 'GTC'),
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
		if (key !== null) this.existingByClientId.set(key, order);

		if (this.marketStatus !== 'OPEN') return this.reject(order, 'MARKET_NOT_OPEN');
		const hold = holdFor(order.side, priceCents, order.quantity, this.money.position(userId));
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
			const previous = {
				reservedCents: order.reservedCents,
				coveredQuantity: order.coveredQuantity
			};
			this.money.releaseHold(userId, order.id, order);
			const hold = holdFor(order.side, newPrice, newOpen, this.money.position(userId));
			if (!this.money.canHold(userId, hold)) {
				this.money.hold(userId, order.id, { ...order, ...previous });
				Object.assign(order, previous);
				return fail('INSUFFICIENT_FUNDS', 'Not enough available cash for the amended order');
			}
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
						{ userId: buy.userId, orderId: buy.id, hold: buy },
						{ userId: sell.userId, orderId: sell.id, hold: sell }
					);
					if (coverageTaken > 0) this.moveCoverage(sell, coverageTaken);
					for (const order of [maker, taker]) {
						order.filledQuantity += event.quantity;
						order.status = order.filledQuantity === order.quantity ? 'FILLED' : 'PARTIALLY_FILLED';
						order.updatedAt = this.now;
						this.touched.add(order);
						this.touchedPositions.add(order.userId);
					}
					if (maker.status === 'FILLED') {
						this.cache.orders.delete(maker.id);
						removed.push(maker);
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
					order.updatedAt = this.now;
					this.money.releaseHold(order.userId, order.id, order);
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
						this.money.releaseHold(order.userId, order.id, order);
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

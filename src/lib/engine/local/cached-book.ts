// What one engine process remembers of a book between batches: the matching core's book, its
// resting orders and the option's positions, valid while the database's `books.seq` equals
// `seq`. Any other engine (another process, or the remote one) bumps seq, and we reload.
import { OrderBook } from '../core';
import type pg from 'pg';
import { emptyPosition, type PositionState } from './money';
import {
	fromOrderRow,
	isResting,
	openQuantity,
	orderColumns,
	type OrderRecord,
	type OrderRow
} from './records';

export const STALE = -1;

export class CachedBook {
	seq = STALE;
	book = new OrderBook();
	readonly orders = new Map<string, OrderRecord>();
	readonly positions = new Map<string, PositionState>();
	/** Each position as the database has it (see positionKey), so unchanged ones are not written. */
	readonly storedPositions = new Map<string, string>();
	lastPriceCents: number | null = null;

	constructor(readonly optionId: string) {}

	invalidate(): void {
		this.seq = STALE;
	}

	/** Rebuilds everything from the database, inside the caller's transaction (under the book lock). */
	async reload(client: pg.ClientBase, seq: number): Promise<void> {
		const [orders, positions] = await Promise.all([
			client.query<OrderRow>(
				`SELECT ${orderColumns} FROM orders
				  WHERE option_id = $1 AND status IN ('OPEN', 'PARTIALLY_FILLED') ORDER BY priority`,
				[this.optionId]
			),
			client.query<{
				user_id: string;
				quantity: number;
				cost_basis_cents: string;
				realized_pnl_cents: string;
				locked_quantity: number;
			}>(
				`SELECT user_id, quantity, cost_basis_cents::text, realized_pnl_cents::text, locked_quantity
				   FROM positions WHERE option_id = $1`,
				[this.optionId]
			)
		]);
		this.book = new OrderBook();
		this.orders.clear();
		for (const row of orders.rows) {
			const order = fromOrderRow(row);
			const restored = this.book.restore({
				orderId: order.id,
				userId: order.userId,
				clientOrderId: order.clientOrderId,
				side: order.side,
				priceCents: order.priceCents,
				quantity: order.quantity - order.filledQuantity,
				timeInForce: order.timeInForce === 'GTD' ? 'GTD' : 'GTC',
				expiresAtMs: order.expiresAt?.getTime() ?? null,
				postOnly: order.postOnly,
				timestampMs: order.updatedAt.getTime(),
				priority: order.priority
			});
			if (!restored.ok) {
				throw new Error(
					`Book ${this.optionId} cannot be rebuilt: order ${order.id} ${restored.code}`
				);
			}
			this.orders.set(order.id, order);
		}
		this.positions.clear();
		this.storedPositions.clear();
		for (const row of positions.rows) {
			const position = {
				...emptyPosition(),
				quantity: row.quantity,
				costBasisCents: Number(row.cost_basis_cents),
				realizedPnlCents: Number(row.realized_pnl_cents),
				lockedQuantity: row.locked_quantity
			};
			this.positions.set(row.user_id, position);
			this.storedPositions.set(row.user_id, positionKey(position));
		}
		this.seq = seq;
	}
}

/** One resting order as a cache holds it: its place in its level and what it holds back. */
export interface CachedOrderView {
	orderId: string;
	userId: string;
	/** Open quantity on the book. */
	quantity: number;
	filledQuantity: number;
	priority: number;
	reservedCents: number;
	coveredQuantity: number;
	timeInForce: 'GTC' | 'GTD';
	expiresAtMs: number | null;
	postOnly: boolean;
}

export interface CachedLevelView {
	priceCents: number;
	/** In queue order: the first trades first. */
	orders: CachedOrderView[];
}

/** A copy of what a CachedBook holds, to compare one cache with another or with the database. */
export interface CachedBookView {
	seq: number;
	/** Best price first. */
	bids: CachedLevelView[];
	asks: CachedLevelView[];
	/** By user id; a position of all zeros is left out, as it is the same as none. */
	positions: Record<string, PositionState>;
	/** What the book's own validate() finds, and orders the book and the records disagree on. */
	problems: string[];
}

/** A copy of the cache's book, orders and positions; the cache itself is not touched. */
export function viewOf(cache: CachedBook): CachedBookView {
	const problems = cache.book.validate();
	const bids = new Map<number, CachedOrderView[]>();
	const asks = new Map<number, CachedOrderView[]>();
	// Ascending priority, which validate() has checked is each level's queue order.
	for (const resting of cache.book.restingOrders()) {
		const record = cache.orders.get(resting.orderId);
		if (!record || !isResting(record.status) || openQuantity(record) !== resting.quantity) {
			problems.push(`order ${resting.orderId} rests in the book but its record disagrees`);
			continue;
		}
		const levels = resting.side === 'BUY' ? bids : asks;
		const queue = levels.get(resting.priceCents) ?? [];
		queue.push({
			orderId: resting.orderId,
			userId: resting.userId,
			quantity: resting.quantity,
			filledQuantity: record.filledQuantity,
			priority: resting.priority,
			reservedCents: record.reservedCents,
			coveredQuantity: record.coveredQuantity,
			timeInForce: resting.timeInForce,
			expiresAtMs: resting.expiresAtMs,
			postOnly: resting.postOnly
		});
		levels.set(resting.priceCents, queue);
	}
	for (const orderId of cache.orders.keys()) {
		if (!cache.book.getOrder(orderId)) problems.push(`order ${orderId} has a record but no place`);
	}
	const sorted = (
		levels: Map<number, CachedOrderView[]>,
		bestFirst: (a: number, b: number) => number
	) =>
		[...levels]
			.sort(([a], [b]) => bestFirst(a, b))
			.map(([priceCents, orders]) => ({ priceCents, orders }));
	const zero = positionKey(emptyPosition());
	return {
		seq: cache.seq,
		bids: sorted(bids, (a, b) => b - a),
		asks: sorted(asks, (a, b) => a - b),
		positions: Object.fromEntries(
			[...cache.positions]
				.filter(([, position]) => positionKey(position) !== zero)
				.map(([userId, position]) => [userId, { ...position }])
		),
		problems
	};
}

/** A position's values as one string, to tell whether it changed. */
export function positionKey(position: PositionState): string {
	return `${position.quantity} ${position.costBasisCents} ${position.realizedPnlCents} ${position.lockedQuantity}`;
}

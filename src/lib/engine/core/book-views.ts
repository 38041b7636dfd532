// Read-only views of a book for callers outside the core: the L2 snapshot and the resting
// orders in priority order. Both return fresh objects, never the book's own nodes.

import type { BookState } from './book-state';
import type { OrderNode } from './order-node';
import type { PriceLevel } from './price-level';
import type { BookLevel, BookSnapshot, RestingOrder } from './types';
import { MAX_PRICE_CENTS, MIN_PRICE_CENTS } from './types';

function levelView(level: PriceLevel): BookLevel {
	return { priceCents: level.priceCents, quantity: level.totalQuantity, orders: level.orderCount };
}

export function l2Snapshot(book: BookState, depth: number): BookSnapshot {
	const bids: BookLevel[] = [];
	const asks: BookLevel[] = [];
	for (let p = book.bestBidCents; p >= MIN_PRICE_CENTS && bids.length < depth; p--) {
		const level = book.bidLevels[p];
		if (level !== undefined && level.orderCount > 0) bids.push(levelView(level));
	}
	for (let p = book.bestAskCents; p <= MAX_PRICE_CENTS && asks.length < depth; p++) {
		const level = book.askLevels[p];
		if (level !== undefined && level.orderCount > 0) asks.push(levelView(level));
	}
	return { bids, asks };
}

const byPriority = (a: OrderNode, b: OrderNode): number => a.priority - b.priority;

/** Ascending priority, so restoring them one by one always appends at the back of a level. */
export function restingOrdersByPriority(book: BookState): RestingOrder[] {
	return [...book.orders.values()].sort(byPriority).map((node) => node.toRestingOrder());
}

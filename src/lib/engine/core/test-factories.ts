// Small factories and event filters for the matching core's tests, so that each test states
// only the fields it is about. Used by tests only; not re-exported from index.ts.

import type { BookEvent } from './events';
import { OrderBook } from './order-book';
import type { PlaceOrder } from './types';

let nextId = 1;

/** A GTC limit order; every order gets its own user unless the test names one. */
function anOrder(side: PlaceOrder['side'], overrides: Partial<PlaceOrder>): PlaceOrder {
	const orderId = overrides.orderId ?? `order-${nextId++}`;
	return {
		orderId,
		userId: `user-of-${orderId}`,
		side,
		type: 'LIMIT',
		priceCents: 50,
		quantity: 10,
		timeInForce: 'GTC',
		timestampMs: 1_000,
		...overrides
	};
}

export const aBuy = (overrides: Partial<PlaceOrder> = {}): PlaceOrder => anOrder('BUY', overrides);
export const aSell = (overrides: Partial<PlaceOrder> = {}): PlaceOrder =>
	anOrder('SELL', overrides);
export const aMarketBuy = (overrides: Partial<PlaceOrder> = {}): PlaceOrder =>
	anOrder('BUY', { type: 'MARKET', priceCents: undefined, timeInForce: 'IOC', ...overrides });
export const aMarketSell = (overrides: Partial<PlaceOrder> = {}): PlaceOrder =>
	anOrder('SELL', { type: 'MARKET', priceCents: undefined, timeInForce: 'IOC', ...overrides });

/** A book holding the given orders (placed in turn); their events are thrown away. */
export function aBookWith(...orders: PlaceOrder[]): OrderBook {
	const book = new OrderBook();
	for (const order of orders) book.place(order);
	return book;
}

export function ofType<T extends BookEvent['type']>(
	events: readonly BookEvent[],
	type: T
): Extract<BookEvent, { type: T }>[] {
	return events.filter((e): e is Extract<BookEvent, { type: T }> => e.type === type);
}

/** Fills as compact tuples: [maker, taker, priceCents, quantity]. */
export function tradesIn(events: readonly BookEvent[]): [string, string, number, number][] {
	return ofType(events, 'fill').map((f) => [
		f.makerOrderId,
		f.takerOrderId,
		f.priceCents,
		f.quantity
	]);
}

export function rejectCodeIn(events: readonly BookEvent[]): string | undefined {
	return ofType(events, 'rejected')[0]?.code;
}

/** The event types in order, e.g. ['accepted', 'fill', 'rested', 'bookDelta']. */
export function typesOf(events: readonly BookEvent[]): string[] {
	return events.map((e) => e.type);
}

// The matching core's vocabulary: sides, order types, time in force, the commands it accepts
// and the views of resting orders and of the book that it hands out.

import type { CancelReason } from './codes';

export const Side = { BUY: 'BUY', SELL: 'SELL' } as const;
export type Side = (typeof Side)[keyof typeof Side];

export const OrderType = { LIMIT: 'LIMIT', MARKET: 'MARKET' } as const;
export type OrderType = (typeof OrderType)[keyof typeof OrderType];

export const TimeInForce = { GTC: 'GTC', IOC: 'IOC', FOK: 'FOK', GTD: 'GTD' } as const;
export type TimeInForce = (typeof TimeInForce)[keyof typeof TimeInForce];

/** Prices are YES-share prices: a share pays 100¢ or 0¢, so only 1..99 can trade. */
export const MIN_PRICE_CENTS = 1;
export const MAX_PRICE_CENTS = 99;
/** Keeps price × quantity and every running sum far inside Number.MAX_SAFE_INTEGER. */
export const MAX_QUANTITY = 1_000_000_000;

export interface PlaceOrder {
	orderId: string;
	userId: string;
	clientOrderId?: string | null;
	side: Side;
	type: OrderType;
	/** Required for LIMIT; ignored for MARKET, which is an IOC limit at 99 (buy) or 1 (sell). */
	priceCents?: number;
	quantity: number;
	/** Default GTC for LIMIT. A MARKET order is IOC, or FOK when asked. */
	timeInForce?: TimeInForce;
	/** Required for GTD; ignored otherwise. */
	expiresAtMs?: number | null;
	postOnly?: boolean;
	timestampMs: number;
}

export interface PlaceCommand {
	type: 'place';
	order: PlaceOrder;
}

/**
 * `newQuantity` is the new open (remaining) quantity, not a new original size. A decrease at
 * the same price keeps queue priority; an increase or a price change re-queues at the back.
 */
export interface AmendCommand {
	type: 'amend';
	orderId: string;
	/** When given, an order owned by someone else is reported as UNKNOWN_ORDER. */
	userId?: string;
	newQuantity?: number;
	newPriceCents?: number;
	timestampMs: number;
}

export interface CancelCommand {
	type: 'cancel';
	orderId: string;
	/** When given, an order owned by someone else is reported as UNKNOWN_ORDER. */
	userId?: string;
}

export interface CancelAllCommand {
	type: 'cancelAll';
	/** Omitted: every user's orders (e.g. when the market closes). */
	userId?: string;
	side?: Side;
	/** Default USER. */
	reason?: CancelReason;
}

/** Expires every resting GTD order whose expiresAtMs <= nowMs. */
export interface ExpireCommand {
	type: 'expire';
	nowMs: number;
}

export type Command =
	PlaceCommand | AmendCommand | CancelCommand | CancelAllCommand | ExpireCommand;

/** A resting order as the core holds it: what the shell persists and hands back to restore(). */
export interface RestingOrder {
	orderId: string;
	userId: string;
	clientOrderId: string | null;
	side: Side;
	priceCents: number;
	/** Open quantity still on the book. */
	quantity: number;
	timeInForce: 'GTC' | 'GTD';
	expiresAtMs: number | null;
	postOnly: boolean;
	/** When the order took its current place in the queue. */
	timestampMs: number;
	/**
	 * Queue position: unique per book, increasing in arrival order. Within a price level the
	 * lower priority trades first. Persist it to rebuild the book exactly.
	 */
	priority: number;
}

/** For restore(): priority may be left out, and the order then joins the back of its level. */
export type RestoredOrder = Omit<RestingOrder, 'priority' | 'clientOrderId' | 'postOnly'> & {
	priority?: number;
	clientOrderId?: string | null;
	postOnly?: boolean;
};

export interface BookLevel {
	priceCents: number;
	quantity: number;
	/** How many orders rest at this price. */
	orders: number;
}

/** L2 view, best price first on both sides. */
export interface BookSnapshot {
	bids: BookLevel[];
	asks: BookLevel[];
}

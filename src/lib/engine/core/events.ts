// What the core reports back for each command: a discriminated union on `type`. The events
// are plain, flat objects created at one site each, so they stay cheap on the hot path.

import type { CancelReason, RejectCode } from './codes';
import type { Side } from './types';

/** A new order passed validation and entered matching. */
export interface AcceptedEvent {
	readonly type: 'accepted';
	readonly orderId: string;
	readonly userId: string;
	readonly side: Side;
	/** The effective limit: 99 for a market buy, 1 for a market sell. */
	readonly priceCents: number;
	readonly quantity: number;
}

/** One trade, at the maker's price. */
export interface FillEvent {
	readonly type: 'fill';
	readonly makerOrderId: string;
	readonly takerOrderId: string;
	readonly makerUserId: string;
	readonly takerUserId: string;
	readonly takerSide: Side;
	readonly priceCents: number;
	readonly quantity: number;
	readonly makerRemainingQuantity: number;
	readonly takerRemainingQuantity: number;
}

/** The order (or its unfilled rest) joined the back of its price level. */
export interface RestedEvent {
	readonly type: 'rested';
	readonly orderId: string;
	readonly userId: string;
	readonly side: Side;
	readonly priceCents: number;
	readonly quantity: number;
	readonly priority: number;
}

export interface CancelledEvent {
	readonly type: 'cancelled';
	readonly orderId: string;
	readonly userId: string;
	readonly side: Side;
	readonly priceCents: number;
	readonly remainingQuantity: number;
	readonly reason: CancelReason;
}

export interface ExpiredEvent {
	readonly type: 'expired';
	readonly orderId: string;
	readonly userId: string;
	readonly side: Side;
	readonly priceCents: number;
	readonly remainingQuantity: number;
	readonly expiresAtMs: number;
}

export interface RejectedEvent {
	readonly type: 'rejected';
	/** null when the command carried no usable order id. */
	readonly orderId: string | null;
	readonly code: RejectCode;
}

/**
 * A resting order changed. When keptPriority is false the order left its queue: fills may
 * follow (a new price can cross), then a `rested` event if anything is left.
 */
export interface AmendedEvent {
	readonly type: 'amended';
	readonly orderId: string;
	readonly userId: string;
	readonly side: Side;
	readonly oldPriceCents: number;
	readonly oldQuantity: number;
	readonly priceCents: number;
	readonly quantity: number;
	readonly keptPriority: boolean;
}

/** The final state of one price level that the command touched (one event per level). */
export interface BookDeltaEvent {
	readonly type: 'bookDelta';
	readonly side: Side;
	readonly priceCents: number;
	/** Total open quantity now at this level; 0 when the level emptied. */
	readonly quantity: number;
	readonly orderCount: number;
}

export type BookEvent =
	| AcceptedEvent
	| FillEvent
	| RestedEvent
	| CancelledEvent
	| ExpiredEvent
	| RejectedEvent
	| AmendedEvent
	| BookDeltaEvent;

export type BookEventType = BookEvent['type'];

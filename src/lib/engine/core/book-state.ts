// The order book's internal state as a read-only shape, so that the views (L2 snapshot,
// resting orders) and the invariant checks can live in their own files.

import type { OrderNode } from './order-node';
import type { PriceLevel } from './price-level';

/** bestBidCents is NO_BID_CENTS when there are no bids; bestAskCents NO_ASK_CENTS likewise. */
export const NO_BID_CENTS = 0;
export const NO_ASK_CENTS = 100;

export interface BookState {
	/** Indexed by price in cents; index 0 and 100 are unused sentinels. */
	readonly bidLevels: readonly PriceLevel[];
	readonly askLevels: readonly PriceLevel[];
	readonly bestBidCents: number;
	readonly bestAskCents: number;
	readonly orders: ReadonlyMap<string, OrderNode>;
	readonly gtdOrders: ReadonlySet<OrderNode>;
	/** No resting GTD order expires before this (it may be earlier than the true minimum). */
	readonly nextExpiryMs: number;
	readonly nextPriority: number;
}

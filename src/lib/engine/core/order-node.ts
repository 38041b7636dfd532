// One resting order inside the book: the order's own fields plus the links of its price
// level's FIFO queue, so an order found through the id map can leave its queue in O(1).

import type { PriceLevel } from './price-level';
import type { RestingOrder, Side } from './types';

export class OrderNode {
	prev: OrderNode | null = null;
	next: OrderNode | null = null;
	level: PriceLevel | null = null;

	constructor(
		readonly orderId: string,
		readonly userId: string,
		readonly clientOrderId: string | null,
		readonly side: Side,
		public priceCents: number,
		public quantity: number,
		readonly timeInForce: 'GTC' | 'GTD',
		readonly expiresAtMs: number | null,
		readonly postOnly: boolean,
		public timestampMs: number,
		public priority: number
	) {}

	/** A copy, so callers can never reach into the book's own nodes. */
	toRestingOrder(): RestingOrder {
		return {
			orderId: this.orderId,
			userId: this.userId,
			clientOrderId: this.clientOrderId,
			side: this.side,
			priceCents: this.priceCents,
			quantity: this.quantity,
			timeInForce: this.timeInForce,
			expiresAtMs: this.expiresAtMs,
			postOnly: this.postOnly,
			timestampMs: this.timestampMs,
			priority: this.priority
		};
	}
}

// Reads of committed orders that the engine router needs after a call whose outcome it could not
// know (the remote engine timed out or dropped the connection): what the remote may have done.
import type pg from 'pg';
import type { FillView, OrderView } from '$lib/shared/orders';
import { fromOrderRow, orderColumns, toOrderView, type OrderRow } from './local/records';

export interface OrderLookup {
	/** The user's order as stored now, whatever its status; null if they have no such order. */
	order(userId: string, orderId: string): Promise<OrderView | null>;
	/** The fills in which the order took liquidity: those its placement (or re-pricing) made. */
	takerFills(orderId: string): Promise<FillView[]>;
	/** The user's orders cancelled since `since`, in one market or everywhere. */
	cancelledSince(userId: string, marketId: string | null, since: Date): Promise<OrderView[]>;
}

export function orderLookup(pool: pg.Pool): OrderLookup {
	return {
		async order(userId, orderId) {
			const { rows } = await pool.query<OrderRow>(
				`SELECT ${orderColumns} FROM orders WHERE id = $1::bigint AND user_id = $2`,
				[orderId, userId]
			);
			return rows[0] ? toOrderView(fromOrderRow(rows[0])) : null;
		},
		async takerFills(orderId) {
			const { rows } = await pool.query<{ id: string; price_cents: number; quantity: number }>(
				`SELECT id::text, price_cents, quantity FROM trades
				  WHERE taker_order_id = $1::bigint ORDER BY id`,
				[orderId]
			);
			return rows.map((row) => ({
				tradeId: row.id,
				orderId,
				priceCents: row.price_cents,
				quantity: row.quantity,
				liquidity: 'TAKER' as const
			}));
		},
		async cancelledSince(userId, marketId, since) {
			const { rows } = await pool.query<OrderRow>(
				`SELECT ${orderColumns} FROM orders
				  WHERE user_id = $1 AND status = 'CANCELLED' AND updated_at >= $2
				    AND ($3::uuid IS NULL OR market_id = $3::uuid)
				  ORDER BY id`,
				[userId, since, marketId]
			);
			return rows.map((row) => toOrderView(fromOrderRow(row)));
		}
	};
}

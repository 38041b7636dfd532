// Order shapes shared by the API, both engines and the browser: what a trader may send, and
// what an order looks like afterwards.
import { z } from 'zod';
import { priceCents } from './markets';

export const Side = z.enum(['BUY', 'SELL']);
export type Side = z.infer<typeof Side>;
export const OrderType = z.enum(['LIMIT', 'MARKET']);
export const TimeInForce = z.enum(['GTC', 'IOC', 'FOK', 'GTD']);
export const OrderStatus = z.enum([
	'OPEN',
	'PARTIALLY_FILLED',
	'FILLED',
	'CANCELLED',
	'EXPIRED',
	'REJECTED'
]);
export type OrderStatus = z.infer<typeof OrderStatus>;
export const EngineName = z.enum(['local', 'remote']);
export type EngineName = z.infer<typeof EngineName>;

export const MAX_ORDER_QUANTITY = 1_000_000;
export const quantity = z.number().int().min(1).max(MAX_ORDER_QUANTITY);
export const clientOrderId = z
	.string()
	.min(1)
	.max(64)
	.regex(/^[A-Za-z0-9._:-]+$/, { error: 'use letters, digits and . _ : - only' });

/**
 * Whether an order may rest on the book: a market order never does (an IOC limit at 99 or 1),
 * nor does an IOC or FOK one. What an order holds of the trader's cash depends on it.
 */
export function canRest(order: {
	type: z.infer<typeof OrderType>;
	timeInForce?: z.infer<typeof TimeInForce>;
}): boolean {
	return order.type === 'LIMIT' && order.timeInForce !== 'IOC' && order.timeInForce !== 'FOK';
}

export const PlaceOrderInput = z
	.strictObject({
		marketId: z.uuid(),
		optionId: z.uuid(),
		side: Side,
		type: OrderType.default('LIMIT'),
		/** Required for LIMIT, refused for MARKET: it trades at any price (an IOC limit at 99 or 1). */
		priceCents: priceCents.optional(),
		quantity,
		timeInForce: TimeInForce.optional(),
		expiresAt: z.coerce.date().optional(),
		postOnly: z.boolean().default(false),
		clientOrderId: clientOrderId.optional()
	})
	.superRefine((order, ctx) => {
		if (order.type === 'LIMIT' && order.priceCents === undefined) {
			ctx.addIssue({
				code: 'custom',
				path: ['priceCents'],
				message: 'a limit order needs a price (1–99¢)'
			});
		}
		// Ignoring it would leave a trader who meant a price cap with none.
		if (order.type === 'MARKET' && order.priceCents !== undefined) {
			ctx.addIssue({
				code: 'custom',
				path: ['priceCents'],
				message: 'a market order takes no price: for a price cap, send a LIMIT order with IOC'
			});
		}
		if (
			order.type === 'MARKET' &&
			order.timeInForce &&
			!['IOC', 'FOK'].includes(order.timeInForce)
		) {
			ctx.addIssue({
				code: 'custom',
				path: ['timeInForce'],
				message: 'a market order is IOC or FOK'
			});
		}
		if ((order.timeInForce === 'GTD') !== (order.expiresAt !== undefined)) {
			ctx.addIssue({
				code: 'custom',
				path: ['expiresAt'],
				message: 'expiresAt is required for GTD orders and only for them'
			});
		}
		if (order.postOnly && !canRest(order)) {
			ctx.addIssue({
				code: 'custom',
				path: ['postOnly'],
				message: 'a post-only order must be able to rest'
			});
		}
	});
export type PlaceOrderInput = z.infer<typeof PlaceOrderInput>;

/** An order id: the orders table's bigint, as a decimal string (18 digits stay below its maximum). */
export const orderId = z.string().regex(/^\d{1,18}$/, { error: 'expected an order id' });

export const AmendOrderInput = z
	.strictObject({
		orderId,
		/** The new total quantity of the order (filled + open); a decrease keeps queue priority. */
		quantity: quantity.optional(),
		priceCents: priceCents.optional()
	})
	.refine((amend) => amend.quantity !== undefined || amend.priceCents !== undefined, {
		message: 'give a new quantity or a new price',
		path: ['quantity']
	});
export type AmendOrderInput = z.infer<typeof AmendOrderInput>;

export const OrderView = z.strictObject({
	id: z.string(),
	clientOrderId: z.string(),
	userId: z.uuid(),
	marketId: z.uuid(),
	optionId: z.uuid(),
	side: Side,
	type: OrderType,
	timeInForce: TimeInForce,
	postOnly: z.boolean(),
	priceCents: priceCents,
	quantity: z.number().int(),
	filledQuantity: z.number().int(),
	status: OrderStatus,
	rejectReason: z.string().nullable(),
	expiresAt: z.date().nullable(),
	engine: EngineName,
	createdAt: z.date(),
	updatedAt: z.date()
});
export type OrderView = z.infer<typeof OrderView>;

export const FillView = z.strictObject({
	tradeId: z.string(),
	orderId: z.string(),
	priceCents: priceCents,
	quantity: z.number().int(),
	liquidity: z.enum(['MAKER', 'TAKER'])
});
export type FillView = z.infer<typeof FillView>;

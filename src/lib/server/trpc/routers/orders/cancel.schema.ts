import { z } from 'zod';
import { OrderView, orderId } from '$lib/shared/orders';
import { servedBy } from '../../served';

export const MAX_CANCEL_BATCH = 100;

export const cancelInput = z.strictObject({ orderId });
export const cancelOutput = servedBy.extend({ order: OrderView });

export const cancelBatchInput = z.strictObject({
	orderIds: z.array(orderId).min(1).max(MAX_CANCEL_BATCH)
});
export const cancelBatchOutput = servedBy.extend({
	results: z.array(
		z.discriminatedUnion('ok', [
			z.strictObject({ orderId, ok: z.literal(true), order: OrderView }),
			z.strictObject({ orderId, ok: z.literal(false), code: z.string(), message: z.string() })
		])
	)
});

export const cancelAllInput = z.strictObject({ marketId: z.uuid().optional() }).default({});
/** The orders that were resting and are now cancelled. */
export const cancelAllOutput = servedBy.extend({ orders: z.array(OrderView) });

export type CancelInput = z.infer<typeof cancelInput>;
export type CancelBatchInput = z.infer<typeof cancelBatchInput>;
export type CancelAllInput = z.infer<typeof cancelAllInput>;

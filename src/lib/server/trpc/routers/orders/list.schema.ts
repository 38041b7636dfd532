import { z } from 'zod';
import { FillView, OrderStatus, OrderView, orderId } from '$lib/shared/orders';

export const listInput = z
	.strictObject({
		status: z.array(OrderStatus).min(1).max(6).optional(),
		marketId: z.uuid().optional(),
		/** The last id of the previous page: the next page has older orders. */
		cursor: orderId.optional(),
		limit: z.number().int().min(1).max(100).default(50)
	})
	.default({ limit: 50 });

export const listOutput = z.strictObject({
	items: z.array(OrderView),
	nextCursor: orderId.nullable()
});

export const getInput = z.strictObject({ orderId });
export const getOutput = z.strictObject({
	order: OrderView,
	fills: z.array(FillView.extend({ createdAt: z.date() }))
});

export type ListInput = z.infer<typeof listInput>;
export type GetInput = z.infer<typeof getInput>;

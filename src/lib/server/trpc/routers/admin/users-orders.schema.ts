// admin.users.orders: a user's orders as support staff see them, newest first, a page at a time,
// going on from the first page that admin.users.detail shows.
import { z } from 'zod';
import { OrderView, orderId } from '$lib/shared/orders';

/** An order with its market and option named; `engine` is the engine that committed it. */
export const UserOrder = OrderView.extend({
	marketTitle: z.string(),
	marketSlug: z.string(),
	optionLabel: z.string()
});

export const userOrdersInput = z.strictObject({
	userId: z.uuid(),
	/** `nextCursor` of the previous page (`ordersNextCursor` of detail): the next has older orders. */
	cursor: orderId.optional(),
	limit: z.number().int().min(1).max(100).default(50)
});

export const userOrdersOutput = z.strictObject({
	/** Newest first. */
	orders: z.array(UserOrder),
	/** The last id of this page; null on the last page. */
	nextCursor: orderId.nullable()
});

export type UserOrdersInput = z.infer<typeof userOrdersInput>;
export type UserOrdersPage = z.infer<typeof userOrdersOutput>;

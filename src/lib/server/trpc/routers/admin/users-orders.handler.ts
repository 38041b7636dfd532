// A user's orders for support staff: the same pages as the trader's own orders.list, each order
// with its market and option named, so "my order from last month" can be found by paging back.
import type { PrismaClient } from '$lib/server/db/generated/client';
import type { Context } from '../../context';
import { domainError } from '../../errors';
import { readOrderPage } from '../orders/order-page';
import { orderViewSelect, toOrderView } from '../orders/order-view';
import { existingUserId } from './existing-user';
import type { UserOrdersInput, UserOrdersPage } from './users-orders.schema';

const userOrderSelect = {
	...orderViewSelect,
	market: { select: { title: true, slug: true } },
	option: { select: { label: true } }
};

/** A page of the user's orders, newest first; admin.users.detail shows the first. */
export async function readUserOrders(
	prisma: PrismaClient,
	userId: string,
	{ cursor, limit }: { cursor?: string; limit: number }
): Promise<UserOrdersPage> {
	const page = await readOrderPage(prisma, {
		userId,
		cursor,
		limit,
		select: userOrderSelect,
		unknownCursor: (cursor) => domainError('UNKNOWN_ORDER', `The user has no order ${cursor}`)
	});
	return {
		orders: page.rows.map(({ market, option, ...row }) => ({
			...toOrderView(row),
			marketTitle: market.title,
			marketSlug: market.slug,
			optionLabel: option.label
		})),
		nextCursor: page.nextCursor
	};
}

export async function userOrders({
	ctx,
	input
}: {
	ctx: Context;
	input: UserOrdersInput;
}): Promise<UserOrdersPage> {
	// Checked first, so an unknown user is not answered as an unknown cursor.
	const userId = await existingUserId(ctx, input.userId);
	return readUserOrders(ctx.prisma, userId, input);
}

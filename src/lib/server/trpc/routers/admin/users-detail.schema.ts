// admin.users.detail: one user as support staff see them — cash, positions and recent orders
// with the engine that served each, live API keys and who made or revoked them — read from the
// database, whichever engine wrote it.
import { z } from 'zod';
import { AccountActivityForStaff } from '$lib/shared/account-activity';
import { ApiKeyView } from '$lib/shared/api-keys';
import { orderId } from '$lib/shared/orders';
import { Role } from '$lib/shared/users';
import { balanceOutput } from '../account/balance.schema';
import { PositionSummary } from '../positions/mine.schema';
import { activityCursor } from './users-activity.schema';
import { UserOrder } from './users-orders.schema';

export const userDetailInput = z.strictObject({
	userId: z.uuid(),
	/** How many of the user's most recent orders to include (admin.users.orders pages on). */
	orderLimit: z.number().int().min(1).max(200).default(50),
	/** How many of the user's latest activity entries to include (admin.users.activity pages on). */
	activityLimit: z.number().int().min(1).max(200).default(50)
});

export const userDetailOutput = z.strictObject({
	user: z.strictObject({
		id: z.uuid(),
		email: z.string(),
		displayName: z.string(),
		role: Role,
		createdAt: z.date(),
		disabled: z.boolean()
	}),
	/** As the user sees it in their own portfolio. */
	balance: balanceOutput,
	positions: z.array(PositionSummary),
	/** Newest first: the first page of admin.users.orders. */
	orders: z.array(UserOrder),
	/** Pass as `cursor` to admin.users.orders for older orders; null when these are all of them. */
	ordersNextCursor: orderId.nullable(),
	/** The user's live API keys (by hint; the keys themselves are never stored), newest first. */
	apiKeys: z.array(ApiKeyView),
	/** API keys made and revoked and every sign-out, newest first, each naming who did it. */
	activity: z.array(AccountActivityForStaff),
	/** Pass as `cursor` to admin.users.activity for older entries; null when these are all. */
	activityNextCursor: activityCursor.nullable()
});

export type UserDetailInput = z.infer<typeof userDetailInput>;
export type UserDetail = z.infer<typeof userDetailOutput>;

// admin.users.detail: one user as support staff see them — cash, positions and recent orders
// with the engine that served each, live API keys and who made or revoked them — read from the
// database, whichever engine wrote it.
import { z } from 'zod';
import { AccountActivityForStaff } from '$lib/shared/account-activity';
import { ApiKeyView } from '$lib/shared/api-keys';
import { OrderView } from '$lib/shared/orders';
import { Role } from '$lib/shared/users';
import { balanceOutput } from '../account/balance.schema';
import { PositionSummary } from '../positions/mine.schema';

export const userDetailInput = z.strictObject({
	userId: z.uuid(),
	/** How many of the user's most recent orders to include. */
	orderLimit: z.number().int().min(1).max(200).default(50),
	/** How many of the latest entries of the user's account activity to include. */
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
	/** Newest first; `engine` is the engine that committed the order. */
	orders: z.array(
		OrderView.extend({ marketTitle: z.string(), marketSlug: z.string(), optionLabel: z.string() })
	),
	/** The user's live API keys (by hint; the keys themselves are never stored), newest first. */
	apiKeys: z.array(ApiKeyView),
	/** API keys made and revoked and every sign-out, newest first, each naming who did it. */
	activity: z.array(AccountActivityForStaff)
});

export type UserDetailInput = z.infer<typeof userDetailInput>;
export type UserDetail = z.infer<typeof userDetailOutput>;

// admin.users.activity: a user's account activity as support staff see it (who did what, from
// which client address), newest first, a page at a time, going on from admin.users.detail's.
import { z } from 'zod';
import { AccountActivityForStaff } from '$lib/shared/account-activity';

const ENTRY_ID = /^\d{1,18}$/;

/** Where the next page of a user's activity starts. */
export const activityCursor = z
	.string()
	.regex(ENTRY_ID, { error: 'expected a nextCursor of admin.users.activity' });

export const userActivityInput = z.strictObject({
	userId: z.uuid(),
	/** `nextCursor` of the previous page (`activityNextCursor` of detail): the next has older entries. */
	cursor: activityCursor.optional(),
	limit: z.number().int().min(1).max(100).default(50)
});

export const userActivityOutput = z.strictObject({
	/** Newest first. */
	entries: z.array(AccountActivityForStaff),
	/** The page's oldest entry; null on the last page. */
	nextCursor: activityCursor.nullable()
});

export type UserActivityInput = z.infer<typeof userActivityInput>;
export type UserActivityPage = z.infer<typeof userActivityOutput>;

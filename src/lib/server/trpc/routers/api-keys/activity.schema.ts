// apiKeys.activity: the trader's account activity (keys made and revoked, every session ended),
// newest first, a page at a time.
import { z } from 'zod';
import { ACCOUNT_ACTIVITY_PAGE, MyAccountActivity } from '$lib/shared/account-activity';

const ENTRY_ID = /^\d{1,18}$/;

export const activityInput = z
	.strictObject({
		/** `nextCursor` of the previous page: the next page has the entries older than it. */
		cursor: z
			.string()
			.regex(ENTRY_ID, { error: 'expected a nextCursor of apiKeys.activity' })
			.optional(),
		limit: z.number().int().min(1).max(100).default(ACCOUNT_ACTIVITY_PAGE)
	})
	.default({ limit: ACCOUNT_ACTIVITY_PAGE });

export const activityOutput = z.strictObject({
	/** Newest first. */
	items: z.array(MyAccountActivity),
	/** Where the page's oldest entry stands; null on the last page. */
	nextCursor: z.string().regex(ENTRY_ID).nullable()
});

export type ActivityInput = z.infer<typeof activityInput>;
export type ActivityOutput = z.infer<typeof activityOutput>;

// A user's account activity for support staff, a page at a time: every entry names who made the
// change and where it came from, as on the user's page.
import { readAccountAudit } from '$lib/server/auth/account-audit';
import type { Context } from '../../context';
import { existingUserId } from './existing-user';
import type { UserActivityInput, UserActivityPage } from './users-activity.schema';

export async function userActivity({
	ctx,
	input
}: {
	ctx: Context;
	input: UserActivityInput;
}): Promise<UserActivityPage> {
	const userId = await existingUserId(ctx, input.userId);
	const page = await readAccountAudit(ctx.prisma, userId, {
		cursor: input.cursor,
		limit: input.limit
	});
	return { entries: page.items, nextCursor: page.nextCursor };
}

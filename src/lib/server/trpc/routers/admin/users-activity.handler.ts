// A user's account activity for support staff, a page at a time: every entry names who made the
// change and where it came from, as on the user's page.
import { readAccountAudit } from '$lib/server/auth/account-audit';
import type { Context } from '../../context';
import { domainError } from '../../errors';
import type { UserActivityInput, UserActivityPage } from './users-activity.schema';

export async function userActivity({
	ctx,
	input
}: {
	ctx: Context;
	input: UserActivityInput;
}): Promise<UserActivityPage> {
	const user = await ctx.prisma.user.findUnique({
		where: { id: input.userId },
		select: { id: true }
	});
	if (!user) throw domainError('USER_NOT_FOUND', 'No such user');
	const page = await readAccountAudit(ctx.prisma, user.id, {
		cursor: input.cursor,
		limit: input.limit
	});
	return { entries: page.items, nextCursor: page.nextCursor };
}

// Support staff find users; admins can sign a user out everywhere (recorded in the user's
// account audit).
import { revokeUserSessions } from '$lib/server/auth/sessions';
import { actorOf, type AuthedContext, type Context } from '../../context';
import { existingUserId } from './existing-user';
import type { RevokeSessionsInput, SearchUsersInput } from './users.schema';

export async function searchUsers({ ctx, input }: { ctx: Context; input: SearchUsersInput }) {
	const users = await ctx.prisma.user.findMany({
		where: input.query
			? {
					OR: [
						{ email: { contains: input.query, mode: 'insensitive' } },
						{ displayName: { contains: input.query, mode: 'insensitive' } }
					]
				}
			: undefined,
		orderBy: { email: 'asc' },
		take: input.limit,
		select: {
			id: true,
			email: true,
			displayName: true,
			role: true,
			createdAt: true,
			disabledAt: true
		}
	});
	return users.map(({ disabledAt, ...user }) => ({ ...user, disabled: disabledAt !== null }));
}

export async function revokeSessions({
	ctx,
	input
}: {
	ctx: AuthedContext;
	input: RevokeSessionsInput;
}) {
	const userId = await existingUserId(ctx, input.userId);
	const revoked = await revokeUserSessions(ctx.prisma, userId, actorOf(ctx));
	// At once here; other processes hear it through the outbox.
	ctx.sessions.forget(revoked);
	return { revoked: revoked.length };
}

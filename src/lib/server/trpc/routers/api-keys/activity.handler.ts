// The trader's own account activity. Staff who changed their account are not named to them (an
// entry says only that it was staff), and client addresses are for support staff to see.
import { readAccountAudit } from '$lib/server/auth/account-audit';
import type { AuthedContext } from '../../context';
import type { ActivityInput, ActivityOutput } from './activity.schema';

export async function myAccountActivity({
	ctx,
	input
}: {
	ctx: AuthedContext;
	input: ActivityInput;
}): Promise<ActivityOutput> {
	const page = await readAccountAudit(ctx.prisma, ctx.user.id, input);
	return {
		items: page.items.map(({ actor, clientAddress: _clientAddress, ...entry }) => ({
			...entry,
			actor: actor.id === ctx.user.id ? ('SELF' as const) : ('STAFF' as const)
		})),
		nextCursor: page.nextCursor
	};
}

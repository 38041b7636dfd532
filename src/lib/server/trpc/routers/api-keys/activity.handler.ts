// The trader's own account activity. Staff who changed their account are not named to them (an
// entry says only that it was staff), and client addresses are for support staff to see. Only
// changes to who may act as them: a staff cash adjustment is in their cash history instead.
import { type AccountAuditEntry, readAccountAudit } from '$lib/server/auth/account-audit';
import { type AccessAuditAction, accessAuditActions } from '$lib/shared/account-activity';
import type { AuthedContext } from '../../context';
import type { ActivityInput, ActivityOutput } from './activity.schema';

export async function myAccountActivity({
	ctx,
	input
}: {
	ctx: AuthedContext;
	input: ActivityInput;
}): Promise<ActivityOutput> {
	const page = await readAccountAudit(ctx.prisma, ctx.user.id, {
		...input,
		actions: accessAuditActions
	});
	return {
		// The filter is the query's; this only tells the types.
		items: page.items
			.filter(isAccessEntry)
			.map(({ actor, clientAddress: _clientAddress, cash: _cash, ...entry }) => ({
				...entry,
				actor: actor.id === ctx.user.id ? ('SELF' as const) : ('STAFF' as const)
			})),
		nextCursor: page.nextCursor
	};
}

function isAccessEntry(
	entry: AccountAuditEntry
): entry is AccountAuditEntry & { action: AccessAuditAction } {
	return (accessAuditActions as readonly string[]).includes(entry.action);
}

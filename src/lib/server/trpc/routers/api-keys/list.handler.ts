// The trader's live API keys (never the keys themselves: only their hints).
import { listApiKeys } from '$lib/server/auth/api-keys';
import type { AuthedContext } from '../../context';

export function myApiKeys({ ctx }: { ctx: AuthedContext }) {
	return listApiKeys(ctx.prisma, ctx.user.id);
}

// Revokes one of the trader's API keys: its calls fail from now on, and its sockets close in
// every process.
import { revokeApiKey } from '$lib/server/auth/api-keys';
import { actorOf, type AuthedContext } from '../../context';
import { domainError } from '../../errors';
import type { RevokeApiKeyInput } from './revoke.schema';

export async function revokeMyApiKey({
	ctx,
	input
}: {
	ctx: AuthedContext;
	input: RevokeApiKeyInput;
}) {
	if (!(await revokeApiKey(ctx.prisma, ctx.user.id, input.id, actorOf(ctx)))) {
		throw domainError('UNKNOWN_API_KEY', `You have no live API key ${input.id}`);
	}
	// At once here; other processes hear it through the outbox.
	ctx.sessions.forget([input.id]);
	return { revoked: true as const };
}

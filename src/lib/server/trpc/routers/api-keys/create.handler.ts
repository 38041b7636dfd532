// Makes an API key for the trader; its secret is in this answer and nowhere else.
import { createApiKey, MAX_LIVE_API_KEYS } from '$lib/server/auth/api-keys';
import { actorOf, type AuthedContext } from '../../context';
import { domainError } from '../../errors';
import type { CreateApiKeyInput } from './create.schema';

export async function createMyApiKey({
	ctx,
	input
}: {
	ctx: AuthedContext;
	input: CreateApiKeyInput;
}) {
	const result = await createApiKey(ctx.prisma, ctx.user.id, input, actorOf(ctx));
	if (!result.ok) {
		throw domainError(
			'API_KEY_LIMIT',
			`You hold ${MAX_LIVE_API_KEYS} live API keys, the most there may be: revoke one first`
		);
	}
	return { key: result.key, secret: result.secret };
}

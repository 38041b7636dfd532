import { TRPCError } from '@trpc/server';
import { DomainError } from '$lib/server/trpc/errors';
import { serverCaller } from '$lib/server/trpc/event-context';
import { isUuid } from '$lib/components/support/support-words';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const caller = await serverCaller(event);
	const query = (event.url.searchParams.get('q') ?? '').trim().slice(0, 200);
	const userId = event.url.searchParams.get('user');
	const [matches, detail] = await Promise.all([
		caller.admin.users.search({ query, limit: 20 }),
		userId && isUuid(userId)
			? caller.admin.users.detail({ userId }).catch(notFoundAsNull)
			: Promise.resolve(null)
	]);
	return { query, matches, userId, detail };
};

/** An unknown user is shown as "could not be found"; any other failure is the error page's. */
function notFoundAsNull(error: unknown): null {
	const cause = error instanceof TRPCError ? error.cause : null;
	if (cause instanceof DomainError && cause.code === 'USER_NOT_FOUND') return null;
	throw error;
}

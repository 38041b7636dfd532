import { redirect } from '@sveltejs/kit';
import { serverCaller } from '$lib/server/trpc/event-context';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	if (!event.locals.user) redirect(303, '/login?redirectTo=/api-keys');
	const caller = await serverCaller(event);
	const [keys, activity] = await Promise.all([caller.apiKeys.list(), caller.apiKeys.activity()]);
	return { keys, activity, origin: event.url.origin };
};

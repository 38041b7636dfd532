import { serverCaller } from '$lib/server/trpc/event-context';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const caller = await serverCaller(event);
	const [stats, health] = await Promise.all([
		caller.admin.engines.stats(),
		caller.admin.engines.health()
	]);
	return { stats, health, loadedAt: new Date() };
};

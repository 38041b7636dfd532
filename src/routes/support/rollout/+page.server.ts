import { AUDIT_PAGE_SIZE } from '$lib/components/support/support-words';
import { serverCaller } from '$lib/server/trpc/event-context';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const caller = await serverCaller(event);
	const [flags, audit, markets, users] = await Promise.all([
		caller.admin.flags.list(),
		caller.admin.flags.audit({ limit: AUDIT_PAGE_SIZE }),
		caller.markets.list({ limit: 100 }),
		caller.admin.users.search({ limit: 100 })
	]);
	return {
		flags,
		audit,
		// Names for the ids in the audit log.
		markets: markets.items.map((market) => ({ id: market.id, title: market.title })),
		users: users.map((user) => ({ id: user.id, email: user.email }))
	};
};

import { redirect } from '@sveltejs/kit';
import { serverCaller } from '$lib/server/trpc/event-context';
import type { PageServerLoad } from './$types';
import { HISTORY_PAGE } from './history-page';

export const load: PageServerLoad = async (event) => {
	if (!event.locals.user) redirect(303, '/login?redirectTo=/portfolio');
	const caller = await serverCaller(event);
	const [balance, positions, openOrders, recentOrders, ledger, markets] = await Promise.all([
		caller.account.balance(),
		caller.positions.mine(),
		caller.orders.list({ status: ['OPEN', 'PARTIALLY_FILLED'], limit: 100 }),
		caller.orders.list({ limit: HISTORY_PAGE }),
		caller.account.ledger({ limit: HISTORY_PAGE }),
		caller.markets.list({ limit: 100 })
	]);
	return {
		balance,
		positions: positions.positions,
		openOrders: openOrders.items,
		recentOrders,
		ledger,
		// Names for the ids orders and ledger rows carry.
		markets: markets.items.map((market) => ({
			id: market.id,
			slug: market.slug,
			title: market.title,
			options: market.options.map((option) => ({ id: option.id, label: option.label }))
		}))
	};
};

import { error } from '@sveltejs/kit';
import { TRPCError } from '@trpc/server';
import { serverCaller } from '$lib/server/trpc/event-context';
import type { PageServerLoad } from './$types';

const CHART_INTERVAL_SECONDS = 300;

export const load: PageServerLoad = async (event) => {
	const caller = await serverCaller(event);
	let market;
	try {
		market = await caller.markets.get({ slug: event.params.slug });
	} catch (cause) {
		if (cause instanceof TRPCError && cause.code === 'NOT_FOUND') error(404, 'No such market');
		throw cause;
	}
	const chosen = event.url.searchParams.get('option');
	const option = market.options.find((o) => o.id === chosen) ?? market.options[0];
	if (!option) error(404, 'This market has no options');

	const user = event.locals.user;
	// Staff accounts hold no cash and trade nothing: they see the market as it stands.
	const staff = user !== null && user.role !== 'TRADER';
	const signedIn = user !== null && !staff;
	const [book, trades, candles, balance, positions, openOrders] = await Promise.all([
		caller.books.get({ optionId: option.id, depth: 12 }),
		caller.books.trades({ optionId: option.id, limit: 30 }),
		caller.books.candles({ optionId: option.id, intervalSeconds: CHART_INTERVAL_SECONDS }),
		signedIn ? caller.account.balance() : null,
		signedIn ? caller.positions.mine() : null,
		signedIn
			? caller.orders.list({
					marketId: market.id,
					status: ['OPEN', 'PARTIALLY_FILLED'],
					limit: 100
				})
			: null
	]);

	return {
		market,
		optionId: option.id,
		book,
		trades,
		candles,
		chartIntervalSeconds: CHART_INTERVAL_SECONDS,
		balance,
		positions: positions?.positions.filter((p) => p.marketId === market.id) ?? [],
		openOrders: openOrders?.items ?? [],
		staff,
		isAdmin: user?.role === 'ADMIN'
	};
};

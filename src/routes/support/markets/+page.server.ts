// The Markets support page: every market, filtered by status and searched by words, newest first.
import { marketStatuses, type MarketStatus } from '$lib/shared/markets';
import { serverCaller } from '$lib/server/trpc/event-context';
import { MARKETS_PAGE_SIZE } from './market-list';
import type { PageServerLoad } from './$types';

function statusOf(text: string | null): MarketStatus | null {
	return marketStatuses.find((status) => status === text) ?? null;
}

export const load: PageServerLoad = async (event) => {
	const caller = await serverCaller(event);
	const query = (event.url.searchParams.get('q') ?? '').trim().slice(0, 100);
	const status = statusOf(event.url.searchParams.get('status'));
	const markets = await caller.markets.list({
		search: query || undefined,
		status: status ? [status] : undefined,
		limit: MARKETS_PAGE_SIZE
	});
	return { query, status, markets };
};

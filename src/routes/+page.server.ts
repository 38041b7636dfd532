import { marketStatuses, type MarketStatus } from '$lib/shared/markets';
import type { OptionDayStats } from '$lib/components/market-stats';
import { serverCaller } from '$lib/server/trpc/event-context';
import type { PageServerLoad } from './$types';

const isStatus = (value: string): value is MarketStatus =>
	(marketStatuses as readonly string[]).includes(value);

export const load: PageServerLoad = async (event) => {
	const status = event.url.searchParams.get('status') ?? '';
	const search = event.url.searchParams.get('q') ?? '';
	const cursor = event.url.searchParams.get('after') ?? undefined;
	const caller = await serverCaller(event);
	const page = await caller.markets.list({
		status: isStatus(status) ? [status] : undefined,
		search: search.slice(0, 100) || undefined,
		cursor: cursor && /^[0-9a-f-]{36}$/.test(cursor) ? cursor : undefined,
		limit: 20
	});

	const stats: Record<string, OptionDayStats> = {};
	for (const market of page.items) {
		for (const { id, dayAgoPriceCents, volume24h } of market.options) {
			stats[id] = { dayAgoPriceCents, volume24h };
		}
	}

	return { ...page, stats, status: isStatus(status) ? status : '', search };
};

import { marketStatuses, type MarketStatus } from '$lib/shared/markets';
import type { OptionDayStats } from '$lib/components/market-stats';
import { serverCaller } from '$lib/server/trpc/event-context';
import type { PageServerLoad } from './$types';

const isStatus = (value: string): value is MarketStatus =>
	(marketStatuses as readonly string[]).includes(value);

const HOUR_MS = 3_600_000;

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

	// The list gives last prices only; the day's change and volume come from hourly candles.
	const now = Date.now();
	const dayAgo = now - 24 * HOUR_MS;
	const optionIds = page.items.flatMap((market) => market.options.map((option) => option.id));
	const stats: Record<string, OptionDayStats> = {};
	await Promise.all(
		optionIds.map(async (optionId) => {
			const candles = await caller.books.candles({
				optionId,
				intervalSeconds: 3600,
				from: new Date(dayAgo - 24 * HOUR_MS),
				to: new Date(now + 1000)
			});
			const before = candles.filter((candle) => candle.start.getTime() + HOUR_MS <= dayAgo);
			const within = candles.filter((candle) => candle.start.getTime() + HOUR_MS > dayAgo);
			stats[optionId] = {
				dayAgoPriceCents: before.at(-1)?.closeCents ?? within[0]?.openCents ?? null,
				volume24h: within.reduce((sum, candle) => sum + candle.volume, 0)
			};
		})
	);

	return { ...page, stats, status: isStatus(status) ? status : '', search };
};

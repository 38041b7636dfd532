// One market with each option's best bid, best ask, last price and 24-hour volume.
import type { MarketDetail } from '$lib/shared/markets';
import type { Context } from '../../context';
import { domainError } from '../../errors';
import type { GetInput } from './get.schema';
import { marketSummarySelect, toMarketSummary } from './summary';

interface OptionQuote {
	option_id: string;
	best_bid: number | null;
	best_ask: number | null;
	volume_24h: string | null;
}

export async function getMarket({
	ctx,
	input
}: {
	ctx: Context;
	input: GetInput;
}): Promise<MarketDetail> {
	const row = await ctx.prisma.market.findUnique({
		where: 'id' in input ? { id: input.id } : { slug: input.slug },
		select: { ...marketSummarySelect, description: true }
	});
	if (!row) throw domainError('MARKET_NOT_FOUND', 'No such market');

	const optionIds = row.options.map((option) => option.id);
	const { rows: quotes } = await ctx.db.pool.query<OptionQuote>(
		`SELECT o.id AS option_id,
		        (SELECT max(price_cents) FROM orders WHERE option_id = o.id AND side = 'BUY'
		            AND status IN ('OPEN', 'PARTIALLY_FILLED')) AS best_bid,
		        (SELECT min(price_cents) FROM orders WHERE option_id = o.id AND side = 'SELL'
		            AND status IN ('OPEN', 'PARTIALLY_FILLED')) AS best_ask,
		        (SELECT sum(quantity) FROM trades WHERE option_id = o.id
		            AND created_at > now() - interval '24 hours') AS volume_24h
		   FROM market_options o WHERE o.id = ANY($1::uuid[])`,
		[optionIds]
	);
	const quoteByOption = new Map(quotes.map((quote) => [quote.option_id, quote]));
	const summary = toMarketSummary(row);
	return {
		...summary,
		description: row.description,
		options: summary.options.map((option) => {
			const quote = quoteByOption.get(option.id);
			return {
				...option,
				bestBidCents: quote?.best_bid ?? null,
				bestAskCents: quote?.best_ask ?? null,
				volume24h: Number(quote?.volume_24h ?? 0)
			};
		})
	};
}

// Which options belong to which market, read from the shared database and cached: an option
// never moves to another market, so a cached answer never goes stale.
import type pg from 'pg';

export interface MarketCatalog {
	/** The market an option belongs to, or null when there is no such option. */
	marketOfOption(optionId: string): Promise<string | null>;
	/** A market's options in display order; empty when there is no such market. */
	optionsOfMarket(marketId: string): Promise<string[]>;
}

const CACHE_LIMIT = 10_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function marketCatalog(db: Pick<pg.Pool, 'query'>): MarketCatalog {
	const marketByOption = new Map<string, string>();
	const optionsByMarket = new Map<string, string[]>();
	const remember = <V>(cache: Map<string, V>, key: string, value: V) => {
		if (cache.size >= CACHE_LIMIT) cache.clear();
		cache.set(key, value);
	};
	return {
		async marketOfOption(optionId) {
			const known = marketByOption.get(optionId);
			if (known) return known;
			if (!UUID.test(optionId)) return null;
			const { rows } = await db.query<{ market_id: string }>(
				'SELECT market_id FROM market_options WHERE id = $1::uuid',
				[optionId]
			);
			const marketId = rows[0]?.market_id ?? null;
			if (marketId) remember(marketByOption, optionId, marketId);
			return marketId;
		},
		async optionsOfMarket(marketId) {
			const known = optionsByMarket.get(marketId);
			if (known) return known;
			if (!UUID.test(marketId)) return [];
			const { rows } = await db.query<{ id: string }>(
				'SELECT id FROM market_options WHERE market_id = $1::uuid ORDER BY sort_order',
				[marketId]
			);
			const optionIds = rows.map((row) => row.id);
			// A market's options are made with it, so a market seen with options is complete.
			if (optionIds.length > 0) remember(optionsByMarket, marketId, optionIds);
			return optionIds;
		}
	};
}

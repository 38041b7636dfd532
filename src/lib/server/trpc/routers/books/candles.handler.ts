// OHLC candles of an option's trades for charts: trades grouped by floor(epoch / interval), open
// and close by time. Not by trade id: the two engines take ids from the sequence in blocks, so a
// later trade can have a smaller id; the id only breaks ties between trades at the same instant.
import type { Context } from '../../context';
import type { CandlesInput } from './candles.schema';
import { requireOption } from './option';

interface CandleRow {
	bucket: string;
	open: number;
	high: number;
	low: number;
	close: number;
	volume: string;
	trades: string;
}

export async function candles({ ctx, input }: { ctx: Context; input: CandlesInput }) {
	const intervalMs = input.intervalSeconds * 1000;
	const { rows } = await ctx.db.pool.query<CandleRow>(
		`SELECT floor(extract(epoch FROM created_at) / $2)::bigint::text AS bucket,
		        (array_agg(price_cents ORDER BY created_at, id))[1] AS open,
		        max(price_cents) AS high,
		        min(price_cents) AS low,
		        (array_agg(price_cents ORDER BY created_at DESC, id DESC))[1] AS close,
		        sum(quantity)::text AS volume,
		        count(*)::text AS trades
		   FROM trades
		  WHERE option_id = $1 AND created_at >= $3 AND created_at < $4
		  GROUP BY 1 ORDER BY 1`,
		[input.optionId, input.intervalSeconds, input.from, input.to]
	);
	// No candles may mean no such option; a candle proves it exists, so only then ask.
	if (rows.length === 0) await requireOption(ctx, input.optionId);
	return rows.map((row) => ({
		start: new Date(Number(row.bucket) * intervalMs),
		openCents: row.open,
		highCents: row.high,
		lowCents: row.low,
		closeCents: row.close,
		volume: Number(row.volume),
		trades: Number(row.trades)
	}));
}

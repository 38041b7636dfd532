// OHLC candles of an option's trades for charts: trades grouped by floor(epoch / interval),
// open and close by trade id (the order they happened in).
import type { Context } from '../../context';
import { MAX_CANDLES, type CandlesInput } from './candles.schema';

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
	const to =
		input.to ??
		(input.from ? new Date(input.from.getTime() + intervalMs * MAX_CANDLES) : new Date());
	const from = input.from ?? new Date(to.getTime() - intervalMs * MAX_CANDLES);
	const { rows } = await ctx.db.pool.query<CandleRow>(
		`SELECT floor(extract(epoch FROM created_at) / $2)::bigint::text AS bucket,
		        (array_agg(price_cents ORDER BY id))[1] AS open,
		        max(price_cents) AS high,
		        min(price_cents) AS low,
		        (array_agg(price_cents ORDER BY id DESC))[1] AS close,
		        sum(quantity)::text AS volume,
		        count(*)::text AS trades
		   FROM trades
		  WHERE option_id = $1 AND created_at >= $3 AND created_at < $4
		  GROUP BY 1 ORDER BY 1`,
		[input.optionId, input.intervalSeconds, from, to]
	);
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

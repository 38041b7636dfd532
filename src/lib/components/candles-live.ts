// A live trade folded into the chart's candles: into the last candle when it falls in that
// interval, otherwise as a new candle.
import type { Candle } from '$lib/trpc/types';

export function mergeTrade(
	candles: Candle[],
	trade: { priceCents: number; quantity: number; at: Date },
	intervalSeconds: number
): Candle[] {
	const intervalMs = intervalSeconds * 1000;
	const start = new Date(Math.floor(trade.at.getTime() / intervalMs) * intervalMs);
	const last = candles.at(-1);
	if (last && last.start.getTime() === start.getTime()) {
		return candles.with(-1, {
			...last,
			highCents: Math.max(last.highCents, trade.priceCents),
			lowCents: Math.min(last.lowCents, trade.priceCents),
			closeCents: trade.priceCents,
			volume: last.volume + trade.quantity,
			trades: last.trades + 1
		});
	}
	if (last && last.start.getTime() > start.getTime()) return candles;
	return [
		...candles,
		{
			start,
			openCents: trade.priceCents,
			highCents: trade.priceCents,
			lowCents: trade.priceCents,
			closeCents: trade.priceCents,
			volume: trade.quantity,
			trades: 1
		}
	];
}

// One latency line of the support chart as lightweight-charts takes it: a point per 10-second
// bucket, and none where the bucket had no calls. The library joins a line across such gaps
// (tradingview/lightweight-charts#699), which drew a quiet ten minutes as a steady latency; the
// segment leaving the last point before a gap takes that point's colour, so that point is made
// transparent and the gap shows as one.
import type { LineData, UTCTimestamp, WhitespaceData } from 'lightweight-charts';

export interface LatencyBucket {
	at: Date;
	p50Ms: number | null;
	p99Ms: number | null;
}

export function latencyPoints(
	buckets: readonly LatencyBucket[],
	percentile: 'p50' | 'p99'
): (LineData | WhitespaceData)[] {
	const valueOf = (bucket: LatencyBucket) => (percentile === 'p50' ? bucket.p50Ms : bucket.p99Ms);
	return buckets.map((bucket, index): LineData | WhitespaceData => {
		const time = (bucket.at.getTime() / 1000) as UTCTimestamp;
		const value = valueOf(bucket);
		if (value === null) return { time };
		const next = buckets[index + 1];
		return next && valueOf(next) === null ? { time, value, color: 'transparent' } : { time, value };
	});
}

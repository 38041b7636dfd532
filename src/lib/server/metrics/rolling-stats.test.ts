import { describe, expect, it } from 'vitest';
import { LatencyBins } from './latency-bins';
import { RollingEngineStats } from './rolling-stats';

describe('latency percentiles from logarithmic bins', () => {
	it('answers within the width of a bin', () => {
		const bins = new LatencyBins();
		for (let ms = 1; ms <= 1_000; ms++) bins.add(ms);
		expect(bins.quantile(0.5)! / 500).toBeCloseTo(1, 1);
		expect(bins.quantile(0.99)! / 990).toBeCloseTo(1, 1);
	});

	it('has no percentile without samples', () => {
		expect(new LatencyBins().quantile(0.5)).toBeNull();
	});
});

describe('per-engine statistics over a rolling window', () => {
	it('counts calls, errors and fallbacks in the window and forgets older buckets', () => {
		let now = 1_000_000;
		const stats = new RollingEngineStats({ bucketMs: 10_000, buckets: 6, now: () => now });
		stats.record('remote', { latencyMs: 5, error: false, servedAsFallback: false });
		stats.record('remote', { latencyMs: null, error: true, servedAsFallback: false });
		stats.recordFallback('remote');
		expect(stats.window('remote', 60_000)).toMatchObject({ calls: 2, errors: 1, fallbacks: 1 });

		now += 70_000;
		stats.record('remote', { latencyMs: 7, error: false, servedAsFallback: false });
		expect(stats.window('remote', 60_000)).toMatchObject({ calls: 1, errors: 0, fallbacks: 0 });
		expect(stats.window('local', 60_000)).toMatchObject({ calls: 0, p50Ms: null });
	});

	it('gives a series with one point per bucket, empty ones included, oldest first', () => {
		let now = 1_000_000;
		const stats = new RollingEngineStats({ bucketMs: 10_000, buckets: 3, now: () => now });
		stats.record('local', { latencyMs: 2, error: false, servedAsFallback: true });
		now += 20_000;
		const series = stats.series('local');
		expect(series.map((point) => point.calls)).toEqual([1, 0, 0]);
		expect(series[0]!.at.getTime()).toBe(1_000_000);
	});
});

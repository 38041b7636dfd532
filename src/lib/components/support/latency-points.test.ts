import { describe, expect, it } from 'vitest';
import { latencyPoints, type LatencyBucket } from './latency-points';

const bucket = (second: number, p50Ms: number | null, p99Ms = p50Ms): LatencyBucket => ({
	at: new Date(second * 1000),
	p50Ms,
	p99Ms
});

describe('latencyPoints', () => {
	it('leaves a bucket without calls empty and hides the segment that would bridge it', () => {
		const points = latencyPoints(
			[bucket(10, 3), bucket(20, 4), bucket(30, null), bucket(40, null), bucket(50, 5)],
			'p50'
		);
		expect(points).toEqual([
			{ time: 10, value: 3 },
			{ time: 20, value: 4, color: 'transparent' },
			{ time: 30 },
			{ time: 40 },
			{ time: 50, value: 5 }
		]);
	});

	it('draws the percentile asked for, and keeps the last point as it is', () => {
		expect(latencyPoints([bucket(10, 3, 9), bucket(20, 4, 12)], 'p99')).toEqual([
			{ time: 10, value: 9 },
			{ time: 20, value: 12 }
		]);
	});
});

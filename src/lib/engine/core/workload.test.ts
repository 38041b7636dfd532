// The benchmark workload must be the very one the shared reference generator produces
// (seed 42, 1,000,000 ops → checksum 423439be), or results are not comparable across engines.

import { describe, expect, it } from 'vitest';
import { checksum, countKinds, generateWorkload } from '../../../../tests/bench/workload';

describe('the benchmark workload', () => {
	const workload = generateWorkload({ seed: 42, ops: 1_000_000 });

	it('matches the reference generator’s checksum for seed 42 and a million operations', () => {
		expect(checksum(workload)).toBe('423439be');
	});

	it('has the reference generator’s mix of limit, cancel and market operations', () => {
		expect(countKinds(workload)).toEqual({ limit: 451_241, cancel: 449_056, market: 99_703 });
	});

	it('only cancels earlier limit orders, each at most once', () => {
		const cancelled = new Set<number>();
		const badCancels: number[] = [];
		for (let i = 0; i < workload.length; i++) {
			if (workload.kind[i] !== 1) continue;
			const target = workload.target[i]!;
			const earlierLimit = target >= 1 && target <= i && workload.kind[target - 1] === 0;
			if (!earlierLimit || cancelled.has(target)) badCancels.push(i);
			cancelled.add(target);
		}
		expect(badCancels).toEqual([]);
	});

	it('matches the reference generator for another seed and size too', () => {
		const other = generateWorkload({ seed: 7, ops: 10_000 });
		expect(checksum(other)).toBe('ed857c70');
		expect(countKinds(other)).toEqual({ limit: 5_535, cancel: 3_519, market: 946 });
	});
});

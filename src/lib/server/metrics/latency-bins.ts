// Latencies counted in logarithmic bins (4% wide), so that percentiles over any stretch of time
// come from merging fixed-size arrays rather than keeping every sample.
const MIN_MS = 0.01;
const RATIO = 1.04;
const LOG_RATIO = Math.log(RATIO);
/** Bins up to ~10 minutes; anything slower lands in the last one. */
const BINS = Math.ceil(Math.log(600_000 / MIN_MS) / LOG_RATIO) + 1;

export class LatencyBins {
	readonly counts = new Uint32Array(BINS);
	total = 0;

	add(latencyMs: number): void {
		const bin =
			latencyMs <= MIN_MS
				? 0
				: Math.min(BINS - 1, Math.floor(Math.log(latencyMs / MIN_MS) / LOG_RATIO));
		this.counts[bin]! += 1;
		this.total += 1;
	}

	/** Adds another's counts to these. */
	merge(other: LatencyBins): void {
		for (let i = 0; i < BINS; i++) this.counts[i]! += other.counts[i]!;
		this.total += other.total;
	}

	/**
	 * The latency below which `fraction` (0–1) of the samples fall, as the geometric middle of
	 * its bin (within 2% of the true value); null with no samples.
	 */
	quantile(fraction: number): number | null {
		if (this.total === 0) return null;
		const rank = Math.max(1, Math.ceil(fraction * this.total));
		let seen = 0;
		for (let i = 0; i < BINS; i++) {
			seen += this.counts[i]!;
			if (seen >= rank) return MIN_MS * RATIO ** (i + 0.5);
		}
		return MIN_MS * RATIO ** BINS;
	}
}

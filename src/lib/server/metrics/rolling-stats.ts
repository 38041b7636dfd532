// Per-engine call statistics over the last half hour, in 10-second buckets: the support
// dashboard's percentiles and chart (Prometheus keeps the long history; this needs no server).
import type { EngineName } from '$lib/shared/orders';
import { LatencyBins } from './latency-bins';

export interface CallSample {
	/** Null when no call went out (an open breaker): counted, but with no latency. */
	latencyMs: number | null;
	/** The engine could not answer (or threw). */
	error: boolean;
	/** This engine served a call the other could not. */
	servedAsFallback: boolean;
}

export interface WindowStats {
	calls: number;
	errors: number;
	fallbacks: number;
	fallbacksServed: number;
	p50Ms: number | null;
	p95Ms: number | null;
	p99Ms: number | null;
}

export interface SeriesPoint {
	/** The start of the bucket. */
	at: Date;
	calls: number;
	errors: number;
	fallbacks: number;
	p50Ms: number | null;
	p99Ms: number | null;
}

interface Bucket {
	/** Which bucket of time this is: floor(ms / bucketMs). */
	slot: number;
	calls: number;
	errors: number;
	fallbacks: number;
	fallbacksServed: number;
	latency: LatencyBins;
}

export interface RollingStatsOptions {
	bucketMs?: number;
	/** How many buckets are kept: the series covers bucketMs × buckets. */
	buckets?: number;
	now?: () => number;
}

export class RollingEngineStats {
	readonly bucketMs: number;
	readonly buckets: number;
	private readonly now: () => number;
	private readonly rings = new Map<EngineName, (Bucket | undefined)[]>();

	constructor({ bucketMs = 10_000, buckets = 180, now = Date.now }: RollingStatsOptions = {}) {
		this.bucketMs = bucketMs;
		this.buckets = buckets;
		this.now = now;
	}

	record(engine: EngineName, sample: CallSample): void {
		const bucket = this.current(engine);
		bucket.calls += 1;
		if (sample.error) bucket.errors += 1;
		if (sample.servedAsFallback) bucket.fallbacksServed += 1;
		if (sample.latencyMs !== null) bucket.latency.add(sample.latencyMs);
	}

	/** A call of this engine that it could not serve and the other did. */
	recordFallback(engine: EngineName): void {
		this.current(engine).fallbacks += 1;
	}

	/** Counts and percentiles over the last `windowMs` (whole buckets, the current one included). */
	window(engine: EngineName, windowMs: number): WindowStats {
		const latency = new LatencyBins();
		const stats = { calls: 0, errors: 0, fallbacks: 0, fallbacksServed: 0 };
		for (const bucket of this.recent(engine, Math.ceil(windowMs / this.bucketMs))) {
			if (!bucket) continue;
			stats.calls += bucket.calls;
			stats.errors += bucket.errors;
			stats.fallbacks += bucket.fallbacks;
			stats.fallbacksServed += bucket.fallbacksServed;
			latency.merge(bucket.latency);
		}
		return {
			...stats,
			p50Ms: latency.quantile(0.5),
			p95Ms: latency.quantile(0.95),
			p99Ms: latency.quantile(0.99)
		};
	}

	/** Every bucket kept, oldest first, empty ones included so that the time axis has no gaps. */
	series(engine: EngineName): SeriesPoint[] {
		const nowSlot = this.slotOf(this.now());
		return this.recent(engine, this.buckets).map((bucket, index) => {
			const slot = nowSlot - this.buckets + 1 + index;
			return {
				at: new Date(slot * this.bucketMs),
				calls: bucket?.calls ?? 0,
				errors: bucket?.errors ?? 0,
				fallbacks: bucket?.fallbacks ?? 0,
				p50Ms: bucket?.latency.quantile(0.5) ?? null,
				p99Ms: bucket?.latency.quantile(0.99) ?? null
			};
		});
	}

	/** The last `count` buckets, oldest first; undefined where nothing was recorded. */
	private recent(engine: EngineName, count: number): (Bucket | undefined)[] {
		const ring = this.rings.get(engine);
		const nowSlot = this.slotOf(this.now());
		const kept = Math.min(count, this.buckets);
		const out: (Bucket | undefined)[] = [];
		for (let slot = nowSlot - kept + 1; slot <= nowSlot; slot++) {
			const bucket = ring?.[slot % this.buckets];
			out.push(bucket?.slot === slot ? bucket : undefined);
		}
		return out;
	}

	private current(engine: EngineName): Bucket {
		let ring = this.rings.get(engine);
		if (!ring) {
			ring = new Array<Bucket | undefined>(this.buckets);
			this.rings.set(engine, ring);
		}
		const slot = this.slotOf(this.now());
		let bucket = ring[slot % this.buckets];
		if (bucket?.slot !== slot) {
			bucket = {
				slot,
				calls: 0,
				errors: 0,
				fallbacks: 0,
				fallbacksServed: 0,
				latency: new LatencyBins()
			};
			ring[slot % this.buckets] = bucket;
		}
		return bucket;
	}

	private slotOf(ms: number): number {
		return Math.floor(ms / this.bucketMs);
	}
}

import { z } from 'zod';
import { EngineName } from '$lib/shared/orders';

export const BreakerStateName = z.enum(['closed', 'open', 'halfOpen']);

export const statsInput = z
	.strictObject({
		/** The stretch the counts and percentiles are taken over (the series always covers 30). */
		windowMinutes: z.number().int().min(1).max(30).default(5)
	})
	.default({ windowMinutes: 5 });

const latencyMs = z.number().nonnegative().nullable();

const counts = {
	calls: z.number().int().nonnegative(),
	/** Calls the engine could not answer (timeouts, refused connections, 5xx, garbage, open breaker). */
	errors: z.number().int().nonnegative(),
	/** Calls of this engine that the other served instead. */
	fallbacks: z.number().int().nonnegative(),
	/** Calls this engine served for the other. */
	fallbacksServed: z.number().int().nonnegative()
};

export const engineStats = z.strictObject({
	engine: EngineName,
	totals: z.strictObject(counts),
	window: z.strictObject({ ...counts, p50Ms: latencyMs, p95Ms: latencyMs, p99Ms: latencyMs }),
	/** 10-second buckets, oldest first, for the chart. */
	series: z.array(
		z.strictObject({
			at: z.date(),
			calls: z.number().int().nonnegative(),
			errors: z.number().int().nonnegative(),
			fallbacks: z.number().int().nonnegative(),
			p50Ms: latencyMs,
			p99Ms: latencyMs
		})
	)
});

export const breakerView = z.strictObject({
	engine: EngineName,
	state: BreakerStateName,
	since: z.date(),
	failureThreshold: z.number().int(),
	errorPercent: z.number().int(),
	cooldownMs: z.number().int()
});

export const statsOutput = z.strictObject({
	windowMinutes: z.number().int(),
	breaker: breakerView,
	engines: z.array(engineStats)
});

export type StatsInput = z.infer<typeof statsInput>;

// Both engines side by side for support staff: calls, errors, fallbacks and latency percentiles
// from this process's rolling statistics, the chart's series, and the remote engine's breaker.
import type { EngineRouter } from '$lib/engine/router';
import type { Context } from '../../../context';
import type { StatsInput } from './stats.schema';

export function engineStats({ ctx, input }: { ctx: Context; input: StatsInput }) {
	return {
		windowMinutes: input.windowMinutes,
		breaker: breakerOf(ctx.engines),
		engines: ctx.engineMetrics.stats(input.windowMinutes * 60_000)
	};
}

export function breakerOf(engines: EngineRouter) {
	const { breaker } = engines;
	return {
		engine: 'remote' as const,
		state: breaker.state,
		since: breaker.stateSince,
		failureThreshold: breaker.settings.failureThreshold,
		errorPercent: breaker.settings.errorPercent,
		cooldownMs: breaker.settings.cooldownMs
	};
}

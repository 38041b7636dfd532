// Asks both engines for their health now. An engine that cannot be reached is reported as such,
// with the reason, rather than failing the call: that is the answer support staff came for.
import type { EngineHealthReport } from '$lib/engine/router';
import type { Context } from '../../../context';
import { breakerOf } from './stats.handler';

export async function engineHealth({ ctx }: { ctx: Context }) {
	const { local, remote } = await ctx.engines.health();
	return { engines: [local, remote].map(flatten), breaker: breakerOf(ctx.engines) };
}

function flatten(report: EngineHealthReport) {
	if (!report.reachable) return report;
	const { health, ...rest } = report;
	return { ...rest, ...health };
}

// Calls the trading engine for a procedure: measures the call, logs one line with its latency,
// and gives back the result with the `engine`, `fallback` and `latencyMs` every engine-served
// response carries. Engine failures become tRPC errors here, once.
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import type { EngineResult, TradingEngine } from '$lib/engine/engine';
import { EngineName } from '$lib/shared/orders';
import type { Context } from './context';
import { domainError } from './errors';

export const servedBy = z.strictObject({
	engine: EngineName,
	fallback: z.boolean(),
	latencyMs: z.number().nonnegative()
});
export type ServedBy = z.infer<typeof servedBy>;

/** Runs `call` on the context's engine; the value comes back with who served it and how fast. */
export async function callEngine<T>(
	ctx: Pick<Context, 'engine' | 'logEngineCall' | 'user'>,
	operation: string,
	call: (engine: TradingEngine) => Promise<T>,
	succeeded: (value: T) => boolean = () => true
): Promise<{ value: T; served: ServedBy }> {
	const started = performance.now();
	let ok = false;
	try {
		const value = await call(ctx.engine);
		ok = succeeded(value);
		return { value, served: servedNow(ctx, started) };
	} finally {
		ctx.logEngineCall({
			engine: ctx.engine.name,
			fallback: false,
			operation,
			latencyMs: performance.now() - started,
			ok,
			userId: ctx.user?.id ?? null
		});
	}
}

function servedNow(ctx: Pick<Context, 'engine'>, started: number): ServedBy {
	return { engine: ctx.engine.name, fallback: false, latencyMs: performance.now() - started };
}

/** Like callEngine for an EngineResult: a failure is thrown as its domain error. */
export async function callEngineOrThrow<T>(
	ctx: Pick<Context, 'engine' | 'logEngineCall' | 'user'>,
	operation: string,
	call: (engine: TradingEngine) => Promise<EngineResult<T>>
): Promise<{ value: T; served: ServedBy }> {
	const { value: result, served } = await callEngine(ctx, operation, call, (r) => r.ok);
	if (!result.ok) throw domainError(result.code, result.message);
	return { value: result.value, served };
}

/** Counts order entries against the user's rate limit; over it, TOO_MANY_REQUESTS. */
export async function limitOrderEntry(
	ctx: Pick<Context, 'orderEntryLimiter'>,
	userId: string,
	orders = 1
): Promise<void> {
	const retryAfterMs = await ctx.orderEntryLimiter.consume(userId, orders);
	if (retryAfterMs > 0) {
		throw domainError(
			'RATE_LIMITED',
			`Too many orders: try again in ${Math.ceil(retryAfterMs / 1000)} s`,
			{ retryAfterMs }
		);
	}
}

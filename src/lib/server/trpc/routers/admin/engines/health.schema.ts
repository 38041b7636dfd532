import { z } from 'zod';
import { EngineName } from '$lib/shared/orders';
import { breakerView } from './stats.schema';

const report = z.discriminatedUnion('reachable', [
	z.strictObject({
		engine: EngineName,
		reachable: z.literal(true),
		status: z.enum(['healthy', 'unhealthy']),
		database: z.enum(['connected', 'disconnected']),
		version: z.string(),
		/** The engine's own clock when it answered. */
		timestamp: z.string(),
		latencyMs: z.number().nonnegative()
	}),
	z.strictObject({
		engine: EngineName,
		reachable: z.literal(false),
		/** Why it could not be asked, e.g. "connection: connect ECONNREFUSED 127.0.0.1:8080". */
		reason: z.string(),
		latencyMs: z.number().nonnegative()
	})
]);

export const healthOutput = z.strictObject({
	engines: z.array(report),
	breaker: breakerView
});

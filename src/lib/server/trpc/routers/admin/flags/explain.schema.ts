// admin.flags.explain: the engine for a user (in a market), the rule that decided in words, and
// every flag that was considered.
import { z } from 'zod';
import { EngineName } from '$lib/shared/orders';
import { flagOutput } from './flag-view';

export const explainInput = z.strictObject({ userId: z.uuid(), marketId: z.uuid().optional() });

export const explainOutput = z.strictObject({
	choice: z.strictObject({
		engine: EngineName,
		rule: z.enum(['USER', 'MARKET', 'GLOBAL', 'DEFAULT']),
		explanation: z.string()
	}),
	/** Every flag that could apply, whether or not it decided. */
	considered: z.strictObject({
		user: flagOutput.nullable(),
		market: flagOutput.nullable(),
		global: flagOutput.nullable()
	}),
	defaultEngine: EngineName
});

export type ExplainInput = z.infer<typeof explainInput>;

// admin.flags.setMarket: puts a market on an engine; the reason is required and goes to the
// audit. Answers what changed (see flagChangeOutput).
import { z } from 'zod';
import { EngineName } from '$lib/shared/orders';
import { FlagReason } from '$lib/server/flags';

export const setMarketInput = z.strictObject({
	marketId: z.uuid(),
	engine: EngineName,
	reason: FlagReason
});

export type SetMarketInput = z.infer<typeof setMarketInput>;

// admin.flags.remove: removes a user's or a market's flag; the reason is required and goes to
// the audit. Answers what changed (see flagChangeOutput).
import { z } from 'zod';
import { FlagReason } from '$lib/server/flags';

/** `id` is the user's id for USER, the market's for MARKET. */
export const removeInput = z.strictObject({
	scope: z.enum(['USER', 'MARKET']),
	id: z.uuid(),
	reason: FlagReason
});

export type RemoveInput = z.infer<typeof removeInput>;

// admin.flags.remove: removes a user's or a market's flag, or the global one (the environment's
// default then serves everyone without a flag); the reason is required and goes to the audit.
// Answers what changed (see flagChangeOutput).
import { z } from 'zod';
import { FlagReason } from '$lib/server/flags';

/** `id` is the user's id for USER, the market's for MARKET; GLOBAL has none. */
export const removeInput = z.discriminatedUnion('scope', [
	z.strictObject({ scope: z.literal('GLOBAL'), reason: FlagReason }),
	z.strictObject({ scope: z.literal('USER'), id: z.uuid(), reason: FlagReason }),
	z.strictObject({ scope: z.literal('MARKET'), id: z.uuid(), reason: FlagReason })
]);

export type RemoveInput = z.infer<typeof removeInput>;

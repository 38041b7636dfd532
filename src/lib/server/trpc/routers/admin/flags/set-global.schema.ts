// admin.flags.setGlobal: the global rollout percentage of the remote engine; the reason is
// required and goes to the audit. Answers what changed (see flagChangeOutput).
import { z } from 'zod';
import { FlagReason } from '$lib/server/flags';

/** 0: the remote engine serves no one by rollout; 100: everyone; between: a sticky share. */
export const setGlobalInput = z.strictObject({
	percent: z.number().int().min(0).max(100),
	reason: FlagReason
});

export type SetGlobalInput = z.infer<typeof setGlobalInput>;

// admin.flags.setUser: pins a user to an engine; the reason is required and goes to the audit.
// Answers what changed (see flagChangeOutput).
import { z } from 'zod';
import { EngineName } from '$lib/shared/orders';
import { FlagReason } from '$lib/server/flags';

export const setUserInput = z.strictObject({
	userId: z.uuid(),
	engine: EngineName,
	reason: FlagReason
});

export type SetUserInput = z.infer<typeof setUserInput>;

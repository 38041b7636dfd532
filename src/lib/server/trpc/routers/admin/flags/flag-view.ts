// Output shapes more than one flags procedure returns: a flag, and what a change did
// (the mutations all answer with flagChangeOutput).
import { z } from 'zod';
import { FlagView } from '$lib/server/flags';

export const flagOutput = FlagView;

/** `changed: false` when the flag already had that value (nothing written, nothing audited). */
export const flagChangeOutput = z.strictObject({
	changed: z.boolean(),
	flag: FlagView.nullable(),
	auditId: z.string().regex(/^\d+$/).nullable()
});

// admin.flags.list: optionally one scope; answers every flag with its target's label, and the
// engine that serves where no flag applies.
import { z } from 'zod';
import { FlagScope } from '$lib/server/flags';
import { EngineName } from '$lib/shared/orders';
import { flagOutput } from './flag-view';

export const listInput = z.strictObject({ scope: FlagScope.optional() }).default({});

export const listOutput = z.strictObject({
	/** The engine where no flag applies (USE_RUST_ENGINE). */
	defaultEngine: EngineName,
	flags: z.array(flagOutput.extend({ target: z.string().nullable() }))
});

export type ListInput = z.infer<typeof listInput>;

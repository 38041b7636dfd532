import { z } from 'zod';

export const onUpdateInput = z.strictObject({
	optionId: z.uuid(),
	/** tRPC's reconnect cursor: the seq of the last update the client applied. */
	lastEventId: z.string().regex(/^\d+$/, { error: 'expected a book seq' }).nullish()
});

export type OnUpdateInput = z.infer<typeof onUpdateInput>;

// markets.setCloseTime: an admin moves an OPEN or HALTED market's close time, to a time to come.
import { z } from 'zod';
import { MarketStatus } from '$lib/shared/markets';
import { marketChangeReason } from './lifecycle.schema';

export const setCloseTimeInput = z
	.strictObject({
		marketId: z.uuid(),
		closesAt: z.coerce.date(),
		reason: marketChangeReason.optional()
	})
	.superRefine((input, ctx) => {
		if (input.closesAt.getTime() <= Date.now()) {
			ctx.addIssue({ code: 'custom', path: ['closesAt'], message: 'must be in the future' });
		}
	});

export const setCloseTimeOutput = z.strictObject({
	marketId: z.uuid(),
	closesAt: z.date(),
	/** OPEN or HALTED: a new close time changes no status. */
	status: MarketStatus
});

export type SetCloseTimeInput = z.infer<typeof setCloseTimeInput>;

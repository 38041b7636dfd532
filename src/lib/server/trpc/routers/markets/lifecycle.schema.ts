import { z } from 'zod';
import { MarketStatus } from '$lib/shared/markets';
import { StaffReason } from '$lib/shared/staff-reason';

/** Why an admin changed a market, kept in its audit: the rule every staff change keeps to. */
export const marketChangeReason = StaffReason;

export const marketIdInput = z.strictObject({
	marketId: z.uuid(),
	reason: marketChangeReason.optional()
});
export const resolveInput = z.strictObject({
	marketId: z.uuid(),
	winningOptionId: z.uuid(),
	reason: marketChangeReason.optional()
});

export const lifecycleOutput = z.strictObject({
	marketId: z.uuid(),
	status: MarketStatus,
	/** Resting orders cancelled (close, resolve, void). */
	cancelledOrders: z.number().int().nonnegative(),
	/** Positions paid out or refunded (resolve, void). */
	settledPositions: z.number().int().nonnegative(),
	paidCents: z.number().int().nonnegative()
});

export type MarketIdInput = z.infer<typeof marketIdInput>;
export type ResolveInput = z.infer<typeof resolveInput>;

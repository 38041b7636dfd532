import { z } from 'zod';
import { MarketStatus, priceCents } from '$lib/shared/markets';
import { servedBy } from '../../served';

const cents = z.number().int();

/** Takes nothing: no input or `{}`; a field it does not know is refused, as everywhere else. */
export const mineInput = z.strictObject({}).optional();

export const PositionSummary = z.strictObject({
	marketId: z.uuid(),
	marketTitle: z.string(),
	marketStatus: MarketStatus,
	optionId: z.uuid(),
	optionLabel: z.string(),
	/** Signed YES shares: positive is long, negative is short (long NO). */
	quantity: z.number().int(),
	/** Shares promised to resting sell orders. */
	lockedQuantity: z.number().int().nonnegative(),
	/** What the open shares cost: YES price for a long, collateral (100 − price) for a short. */
	costBasisCents: cents,
	/** Average entry price in YES terms, rounded to the cent (null when flat). */
	averagePriceCents: z.number().int().min(0).max(100).nullable(),
	realizedPnlCents: cents,
	lastPriceCents: priceCents.nullable(),
	/** Against the option's last trade price, exact to the cent; null before its first trade. */
	unrealizedPnlCents: cents.nullable()
});
export type PositionSummary = z.infer<typeof PositionSummary>;

export const mineOutput = servedBy.extend({ positions: z.array(PositionSummary) });

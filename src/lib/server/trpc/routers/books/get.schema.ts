import { z } from 'zod';
import { priceCents } from '$lib/shared/markets';
import { servedBy } from '../../served';

export const getInput = z.strictObject({
	optionId: z.uuid(),
	/** Price levels per side, best first. */
	depth: z.number().int().min(1).max(99).default(10)
});

const level = z.strictObject({
	priceCents,
	quantity: z.number().int().positive(),
	orders: z.number().int().positive()
});

export const getOutput = servedBy.extend({
	optionId: z.uuid(),
	/** The book's sequence number: every matching transaction bumps it. */
	seq: z.string(),
	bids: z.array(level),
	asks: z.array(level),
	lastPriceCents: priceCents.nullable()
});

export type GetInput = z.infer<typeof getInput>;

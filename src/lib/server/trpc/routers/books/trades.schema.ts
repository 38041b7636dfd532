import { z } from 'zod';
import { priceCents } from '$lib/shared/markets';
import { Side } from '$lib/shared/orders';

export const tradesInput = z.strictObject({
	optionId: z.uuid(),
	limit: z.number().int().min(1).max(200).default(50)
});

/** A trade as anyone may see it: no order or user ids. trades.onTrade sends the same. */
export const tradeRow = z.strictObject({
	id: z.string(),
	priceCents,
	quantity: z.number().int().positive(),
	takerSide: Side,
	createdAt: z.date()
});

export const tradesOutput = z.array(tradeRow);

export type TradesInput = z.infer<typeof tradesInput>;
export type TradeRow = z.infer<typeof tradeRow>;

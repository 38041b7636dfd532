import { z } from 'zod';
import { MarketListItem, MarketStatus } from '$lib/shared/markets';

export const listInput = z
	.strictObject({
		status: z.array(MarketStatus).min(1).max(4).optional(),
		search: z.string().trim().max(100).optional(),
		cursor: z.uuid().optional(),
		limit: z.number().int().min(1).max(100).default(20)
	})
	.default({ limit: 20 });

export const listOutput = z.strictObject({
	items: z.array(MarketListItem),
	nextCursor: z.uuid().nullable()
});

export type ListInput = z.infer<typeof listInput>;

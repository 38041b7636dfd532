import { z } from 'zod';
import { MarketDetail } from '$lib/shared/markets';

export const getInput = z.union(
	[z.strictObject({ id: z.uuid() }), z.strictObject({ slug: z.string().trim().min(1).max(200) })],
	{ error: 'give the market either by id or by slug, not both' }
);

export const getOutput = MarketDetail;

export type GetInput = z.infer<typeof getInput>;

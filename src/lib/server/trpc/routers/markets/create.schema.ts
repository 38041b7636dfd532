import { z } from 'zod';
import { MarketSummary } from '$lib/shared/markets';
import { marketChangeReason } from './lifecycle.schema';

const label = z.string().trim().min(1).max(80);

export const createInput = z
	.strictObject({
		title: z.string().trim().min(5).max(200),
		description: z.string().trim().max(5_000),
		category: z.string().trim().min(1).max(50),
		closesAt: z.coerce.date(),
		options: z.array(label).min(2).max(6),
		/** Kept in the market's audit. */
		reason: marketChangeReason.optional()
	})
	.superRefine((market, ctx) => {
		const seen = new Set(market.options.map((option) => option.toLowerCase()));
		if (seen.size !== market.options.length) {
			ctx.addIssue({ code: 'custom', path: ['options'], message: 'option labels must differ' });
		}
		if (market.closesAt.getTime() <= Date.now()) {
			ctx.addIssue({ code: 'custom', path: ['closesAt'], message: 'must be in the future' });
		}
	});

export const createOutput = MarketSummary;

export type CreateInput = z.infer<typeof createInput>;

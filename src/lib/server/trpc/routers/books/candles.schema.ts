import { z } from 'zod';
import { priceCents } from '$lib/shared/markets';

export const candleIntervalsSeconds = [60, 300, 3600, 86_400] as const;
/** Most candles one call may span, so a query stays small. */
export const MAX_CANDLES = 1_000;

export const candlesInput = z
	.strictObject({
		optionId: z.uuid(),
		intervalSeconds: z.union(candleIntervalsSeconds.map((seconds) => z.literal(seconds))),
		/** Inclusive; defaults to MAX_CANDLES intervals before `to`. */
		from: z.coerce.date().optional(),
		/** Exclusive; defaults to now. */
		to: z.coerce.date().optional()
	})
	.superRefine((input, ctx) => {
		if (input.from && input.to && input.from >= input.to) {
			ctx.addIssue({ code: 'custom', path: ['from'], message: 'from must be before to' });
		}
		if (
			input.from &&
			input.to &&
			input.to.getTime() - input.from.getTime() > input.intervalSeconds * 1000 * MAX_CANDLES
		) {
			ctx.addIssue({
				code: 'custom',
				path: ['from'],
				message: `at most ${MAX_CANDLES} intervals per call`
			});
		}
	});

/** Only intervals that had trades; `start` is the interval's first instant (UTC, epoch-aligned). */
export const candlesOutput = z.array(
	z.strictObject({
		start: z.date(),
		openCents: priceCents,
		highCents: priceCents,
		lowCents: priceCents,
		closeCents: priceCents,
		volume: z.number().int().positive(),
		trades: z.number().int().positive()
	})
);

export type CandlesInput = z.infer<typeof candlesInput>;

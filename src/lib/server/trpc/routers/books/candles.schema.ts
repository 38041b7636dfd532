import { z } from 'zod';
import { priceCents } from '$lib/shared/markets';

export const candleIntervalsSeconds = [60, 300, 3600, 86_400] as const;
/** Most candles one call may span, so a query stays small. */
export const MAX_CANDLES = 1_000;

export const candlesInput = z
	.strictObject({
		optionId: z.uuid(),
		intervalSeconds: z.literal(candleIntervalsSeconds, {
			error: `expected one of ${candleIntervalsSeconds.join(', ')} (seconds)`
		}),
		/** Inclusive; at most (and by default) MAX_CANDLES intervals before `to`. */
		from: z.coerce.date().optional(),
		/** Exclusive; defaults to now. */
		to: z.coerce.date().optional()
	})
	// The range is settled here, once, so the check and the query read the same `now`.
	.transform((input, ctx) => {
		const spanMs = input.intervalSeconds * 1000 * MAX_CANDLES;
		const to = input.to ?? new Date();
		const from = input.from ?? new Date(to.getTime() - spanMs);
		const toNamed = input.to ? 'to' : 'to, which defaults to now';
		if (from >= to) {
			ctx.addIssue({ code: 'custom', path: ['from'], message: `from must be before ${toNamed}` });
		} else if (to.getTime() - from.getTime() > spanMs) {
			ctx.addIssue({
				code: 'custom',
				path: ['from'],
				message:
					`from must be at most ${MAX_CANDLES} intervals of ${input.intervalSeconds} s ` +
					`before ${toNamed}`
			});
		}
		return { ...input, from, to };
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

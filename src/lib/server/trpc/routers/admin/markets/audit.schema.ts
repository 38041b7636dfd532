// admin.markets.audit: who made, halted, reopened, closed, resolved or voided markets and moved
// their close times, and why; newest first, a page at a time, for every market or one.
import { z } from 'zod';
import { MarketAuditAction } from '$lib/shared/market-audit';

const ENTRY_ID = /^\d{1,18}$/;

export const marketAuditInput = z
	.strictObject({
		/** One market's entries; every market's without it. */
		marketId: z.uuid().optional(),
		/** `nextCursor` of the previous page: the next has older entries. */
		cursor: z
			.string()
			.regex(ENTRY_ID, { error: 'expected a nextCursor of admin.markets.audit' })
			.optional(),
		limit: z.number().int().min(1).max(100).default(50)
	})
	.default({ limit: 50 });

export const MarketAuditEntry = z.strictObject({
	id: z.string(),
	marketId: z.uuid(),
	marketTitle: z.string(),
	action: MarketAuditAction,
	/** The admin who made the change; null when the app did (the closer at the close time). */
	actor: z.strictObject({ id: z.uuid(), displayName: z.string() }).nullable(),
	reason: z.string().nullable(),
	/** The market's status and close time before (null for CREATE); see MarketAuditState. */
	before: z.unknown(),
	/** The same after, with what the change did; see MarketAuditState. */
	after: z.unknown(),
	createdAt: z.date()
});

export const marketAuditOutput = z.strictObject({
	/** Newest first. */
	entries: z.array(MarketAuditEntry),
	/** The page's oldest entry; null on the last page. */
	nextCursor: z.string().nullable()
});

export type MarketAuditInput = z.infer<typeof marketAuditInput>;
export type MarketAuditPage = z.infer<typeof marketAuditOutput>;

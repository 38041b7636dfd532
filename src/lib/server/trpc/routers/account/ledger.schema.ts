import { z } from 'zod';

const id = z.string().regex(/^\d{1,18}$/, { error: 'expected a ledger entry id' });

export const ledgerInput = z
	.strictObject({
		/** The last id of the previous page: the next page has older entries. */
		cursor: id.optional(),
		limit: z.number().int().min(1).max(100).default(50)
	})
	.default({ limit: 50 });

export const LedgerRow = z.strictObject({
	id,
	journalId: z.string(),
	/** Which of the trader's accounts moved: available cash or reserved cash. */
	account: z.enum(['TRADER_CASH', 'TRADER_RESERVED']),
	kind: z.enum([
		'DEPOSIT',
		'WITHDRAWAL',
		'TRADE',
		'RESERVE',
		'RELEASE',
		'SETTLEMENT',
		'REFUND',
		'FEE'
	]),
	amountCents: z.number().int(),
	orderId: z.string().nullable(),
	tradeId: z.string().nullable(),
	marketId: z.uuid().nullable(),
	memo: z.string().nullable(),
	createdAt: z.date()
});

export const ledgerOutput = z.strictObject({
	items: z.array(LedgerRow),
	nextCursor: id.nullable()
});

export type LedgerInput = z.infer<typeof ledgerInput>;

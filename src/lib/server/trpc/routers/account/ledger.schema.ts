// account.ledger: the trader's cash history, newest first, a page of whole journals at a time.
import { z } from 'zod';

const id = z.string().regex(/^\d{1,18}$/, { error: 'expected a ledger entry id' });

/** A journal's place: its time in epoch milliseconds, a dot, its id. */
const CURSOR = /^\d{1,15}\.\d{1,18}$/;

export function cursorOf(createdAt: Date, journalId: string): string {
	return `${createdAt.getTime()}.${journalId}`;
}

export function parseCursor(cursor: string): { createdAt: Date; journalId: string } {
	const [ms, journalId] = cursor.split('.') as [string, string];
	return { createdAt: new Date(Number(ms)), journalId };
}

export const ledgerInput = z
	.strictObject({
		/** `nextCursor` of the previous page: the next page has the journals older than it. */
		cursor: z
			.string()
			.regex(CURSOR, { error: 'expected a nextCursor of account.ledger' })
			.optional(),
		/** Journals per page, each with every one of its rows (usually one or two). */
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
	/** Why an admin made this deposit or withdrawal (a staff adjustment); null for every other row. */
	staffReason: z.string().nullable(),
	createdAt: z.date()
});

export const ledgerOutput = z.strictObject({
	/**
	 * Journal by journal, newest first: by time (a journal's rows share it), then journal id;
	 * a journal's rows by id, newest first. The rows of one journal are all on the same page.
	 */
	items: z.array(LedgerRow),
	/** Where the page's oldest journal stands (its time and id); null on the last page. */
	nextCursor: z.string().regex(CURSOR).nullable()
});

export type LedgerInput = z.infer<typeof ledgerInput>;

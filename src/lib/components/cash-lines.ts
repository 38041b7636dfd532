// Cash history as a trader reads it: one line per ledger journal instead of one per posting, so a
// fill reads as what it cost rather than as a reserve released next to an available credit.
import type { LedgerRow } from '$lib/trpc/types';

export interface CashLine {
	journalId: string;
	kind: LedgerRow['kind'];
	orderId: string | null;
	marketId: string | null;
	/** Why an admin credited or debited this cash; null unless it is a staff adjustment. */
	staffReason: string | null;
	createdAt: Date;
	/** Change to available cash (TRADER_CASH). */
	availableCents: number;
	/** Change to reserved cash (TRADER_RESERVED). */
	reservedCents: number;
	/** Change to all the trader's cash: 0 for a hold or release, the cost or proceeds of a trade. */
	totalCents: number;
}

/**
 * The rows (newest first, as the ledger pages them) grouped by journal, in the order of each
 * journal's newest row. The ledger pages by journal, so every journal read is read whole; a row
 * read twice (a page merged into what was shown) is counted once.
 */
export function cashLines(rows: LedgerRow[]): CashLine[] {
	const byJournal = new Map<string, CashLine>();
	const counted = new Set<string>();
	for (const row of rows) {
		if (counted.has(row.id)) continue;
		counted.add(row.id);
		let line = byJournal.get(row.journalId);
		if (!line) {
			line = {
				journalId: row.journalId,
				kind: row.kind,
				orderId: row.orderId,
				marketId: row.marketId,
				staffReason: row.staffReason,
				createdAt: row.createdAt,
				availableCents: 0,
				reservedCents: 0,
				totalCents: 0
			};
			byJournal.set(row.journalId, line);
		}
		if (row.account === 'TRADER_CASH') line.availableCents += row.amountCents;
		else line.reservedCents += row.amountCents;
		line.totalCents += row.amountCents;
		line.orderId ??= row.orderId;
		line.marketId ??= row.marketId;
		line.staffReason ??= row.staffReason;
	}
	return [...byJournal.values()];
}

import { describe, expect, it } from 'vitest';
import type { LedgerRow } from '$lib/trpc/types';
import { cashLines } from './cash-lines';

const MARKET = '6f1c1c8e-2f43-4d1a-9a53-0d9a4f1e2b10';
let nextId = 1000;
const aRow = (fields: Partial<LedgerRow> & Pick<LedgerRow, 'journalId'>): LedgerRow => ({
	id: String(nextId--),
	account: 'TRADER_CASH',
	kind: 'TRADE',
	amountCents: 0,
	orderId: '42',
	tradeId: null,
	marketId: MARKET,
	memo: null,
	createdAt: new Date('2026-12-01T10:00:00Z'),
	...fields
});

// A buy of 10 at 49¢ that held 99¢ × 10: the fill releases the hold and returns the difference.
const hold = [
	aRow({ journalId: '7', kind: 'RESERVE', account: 'TRADER_CASH', amountCents: -990 }),
	aRow({ journalId: '7', kind: 'RESERVE', account: 'TRADER_RESERVED', amountCents: 990 })
];
const fill = [
	aRow({ journalId: '8', account: 'TRADER_RESERVED', amountCents: -990 }),
	aRow({ journalId: '8', account: 'TRADER_CASH', amountCents: 500 })
];

describe('cash history lines', () => {
	it('reads a fill as what it cost: available and reserved changes, and their sum', () => {
		const [line] = cashLines(fill, { moreToRead: false });
		expect(line).toMatchObject({
			journalId: '8',
			kind: 'TRADE',
			orderId: '42',
			availableCents: 500,
			reservedCents: -990,
			totalCents: -490
		});
	});

	it('reads a hold as moving cash between accounts, changing the total by nothing', () => {
		const [line] = cashLines(hold, { moreToRead: false });
		expect(line).toMatchObject({ kind: 'RESERVE', availableCents: -990, reservedCents: 990 });
		expect(line!.totalCents).toBe(0);
	});

	it('gives one line per journal, newest first', () => {
		const lines = cashLines([...fill, ...hold], { moreToRead: false });
		expect(lines.map((line) => line.journalId)).toEqual(['8', '7']);
	});

	it('keeps a deposit, which only has an available posting, as it is', () => {
		const deposit = aRow({ journalId: '1', kind: 'DEPOSIT', amountCents: 100_000, orderId: null });
		const [line] = cashLines([deposit], { moreToRead: false });
		expect(line).toMatchObject({ kind: 'DEPOSIT', availableCents: 100_000, totalCents: 100_000 });
	});

	it('holds back the oldest journal while the next page may hold the rest of it', () => {
		const firstPage = [fill[0]!, fill[1]!, hold[0]!];
		const lines = cashLines(firstPage, { moreToRead: true });
		expect(lines.map((line) => line.journalId)).toEqual(['8']);
	});

	it('merges a journal that a page boundary split, once the older page is appended', () => {
		const deposit = aRow({ journalId: '1', kind: 'DEPOSIT', amountCents: 100_000, orderId: null });
		const firstPage = [fill[0]!, fill[1]!, hold[0]!];
		const olderPage = [hold[1]!, deposit];
		const lines = cashLines([...firstPage, ...olderPage], { moreToRead: false });
		expect(lines.map((line) => line.journalId)).toEqual(['8', '7', '1']);
		expect(lines[1]).toMatchObject({ availableCents: -990, reservedCents: 990, totalCents: 0 });
	});

	it('counts a row read twice once', () => {
		const [line] = cashLines([...fill, fill[1]!], { moreToRead: false });
		expect(line!.availableCents).toBe(500);
		expect(line!.totalCents).toBe(-490);
	});

	it('shows a journal longer than the rows read rather than nothing', () => {
		expect(cashLines(fill, { moreToRead: true })).toHaveLength(1);
	});
});

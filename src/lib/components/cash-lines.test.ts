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
	staffReason: null,
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
		const [line] = cashLines(fill);
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
		const [line] = cashLines(hold);
		expect(line).toMatchObject({ kind: 'RESERVE', availableCents: -990, reservedCents: 990 });
		expect(line!.totalCents).toBe(0);
	});

	it('gives one line per journal, newest first', () => {
		const lines = cashLines([...fill, ...hold]);
		expect(lines.map((line) => line.journalId)).toEqual(['8', '7']);
	});

	it('keeps a deposit, which only has an available posting, as it is', () => {
		const deposit = aRow({ journalId: '1', kind: 'DEPOSIT', amountCents: 100_000, orderId: null });
		const [line] = cashLines([deposit]);
		expect(line).toMatchObject({ kind: 'DEPOSIT', availableCents: 100_000, totalCents: 100_000 });
	});

	it("keeps an admin's reason for a credit or debit with its line", () => {
		const credit = aRow({
			journalId: '3',
			kind: 'DEPOSIT',
			amountCents: 1234,
			orderId: null,
			marketId: null,
			staffReason: 'Wire 8812 arrived late'
		});
		const [line] = cashLines([credit]);
		expect(line).toMatchObject({ kind: 'DEPOSIT', totalCents: 1234 });
		expect(line!.staffReason).toBe('Wire 8812 arrived late');
	});

	it('keeps every journal of the rows read, the oldest too: pages hold whole journals', () => {
		const deposit = aRow({ journalId: '1', kind: 'DEPOSIT', amountCents: 100_000, orderId: null });
		const lines = cashLines([...fill, ...hold, deposit]);
		expect(lines.map((line) => line.journalId)).toEqual(['8', '7', '1']);
		expect(lines[1]).toMatchObject({ availableCents: -990, reservedCents: 990, totalCents: 0 });
	});

	it("places a journal by its newest row when its rows and another journal's interleave", () => {
		const rows = [
			aRow({ id: '14', journalId: '21', amountCents: 200 }),
			aRow({ id: '13', journalId: '20', amountCents: 100 }),
			aRow({ id: '12', journalId: '21', amountCents: 200 }),
			aRow({ id: '11', journalId: '20', amountCents: 300 })
		];
		expect(cashLines(rows).map((line) => [line.journalId, line.totalCents])).toEqual([
			['21', 400],
			['20', 400]
		]);
	});

	it('counts a row read twice once', () => {
		const [line] = cashLines([...fill, fill[1]!]);
		expect(line!.availableCents).toBe(500);
		expect(line!.totalCents).toBe(-490);
	});
});

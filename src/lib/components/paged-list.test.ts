import { describe, expect, it } from 'vitest';
import {
	appendOlder,
	largerIdFirst,
	mergeNewest,
	newerLedgerRowFirst,
	newerOrderFirst
} from './paged-list';

const rows = (...ids: number[]) => ids.map((id) => ({ id: String(id) }));
const ids = (list: { items: { id: string }[] }) => list.items.map((item) => Number(item.id));

describe('showing older items', () => {
	it('appends the older page and moves the cursor on', () => {
		const list = appendOlder(
			{ items: rows(9, 8), nextCursor: '8' },
			{ items: rows(7, 6), nextCursor: '6' },
			'8'
		);
		expect(ids(list)).toEqual([9, 8, 7, 6]);
		expect(list.nextCursor).toBe('6');
	});

	it('never adds an item the list already holds', () => {
		const list = appendOlder(
			{ items: rows(9, 8), nextCursor: '8' },
			{ items: rows(8, 7), nextCursor: null },
			'8'
		);
		expect(ids(list)).toEqual([9, 8, 7]);
		expect(list.nextCursor).toBeNull();
	});

	it('drops a page asked for at a cursor the list has since left', () => {
		const list = { items: rows(9, 8, 7), nextCursor: '7' };
		expect(appendOlder(list, { items: rows(7, 6), nextCursor: null }, '8')).toBe(list);
	});
});

describe('re-reading the newest page', () => {
	it('keeps the older pages the trader loaded, adding what is new once', () => {
		const loaded = { items: rows(9, 8, 7, 6), nextCursor: '6' };
		const merged = mergeNewest(loaded, { items: rows(11, 10, 9), nextCursor: '9' }, largerIdFirst);
		expect(ids(merged)).toEqual([11, 10, 9, 8, 7, 6]);
		expect(merged.nextCursor).toBe('6');
	});

	it('takes the fresh version of an item it already holds', () => {
		const loaded = {
			items: [
				{ id: '2', status: 'OPEN' },
				{ id: '1', status: 'OPEN' }
			],
			nextCursor: null
		};
		const merged = mergeNewest(
			loaded,
			{ items: [{ id: '2', status: 'FILLED' }], nextCursor: '2' },
			largerIdFirst
		);
		expect(merged.items).toEqual([
			{ id: '2', status: 'FILLED' },
			{ id: '1', status: 'OPEN' }
		]);
	});

	it('restarts from the fresh page when more arrived than it holds, leaving a gap', () => {
		const loaded = { items: rows(5, 4), nextCursor: '4' };
		const merged = mergeNewest(loaded, { items: rows(9, 8), nextCursor: '8' }, largerIdFirst);
		expect(ids(merged)).toEqual([9, 8]);
		expect(merged.nextCursor).toBe('8');
	});

	it('takes the cursor of the fresh page when that page reaches further back', () => {
		const merged = mergeNewest(
			{ items: rows(9), nextCursor: null },
			{ items: rows(10, 9, 8), nextCursor: '8' },
			largerIdFirst
		);
		expect(ids(merged)).toEqual([10, 9, 8]);
		expect(merged.nextCursor).toBe('8');
	});

	it('orders orders by time first, as orders.list pages them', () => {
		const at = (id: string, iso: string) => ({ id, createdAt: new Date(iso) });
		const loaded = { items: [at('5', '2026-12-01T10:00:00Z')], nextCursor: '5' };
		const fresh = {
			items: [at('3', '2026-12-01T11:00:00Z'), at('5', '2026-12-01T10:00:00Z')],
			nextCursor: '5'
		};
		expect(ids(mergeNewest(loaded, fresh, newerOrderFirst))).toEqual([3, 5]);
	});

	it('orders ledger rows journal by journal, by time, then journal id, then row id', () => {
		const row = (id: string, journalId: string, iso: string) => ({
			id,
			journalId,
			createdAt: new Date(iso)
		});
		// Journal 9 took its ids before journal 12 but committed later; 12 and 14 share a time.
		const rows = [
			row('20', '12', '2026-12-01T10:00:00Z'),
			row('31', '9', '2026-12-01T10:00:01Z'),
			row('21', '14', '2026-12-01T10:00:00Z'),
			row('19', '12', '2026-12-01T10:00:00Z'),
			row('22', '14', '2026-12-01T10:00:00Z')
		];
		expect(rows.sort(newerLedgerRowFirst).map((r) => `${r.journalId}:${r.id}`)).toEqual([
			'9:31',
			'14:22',
			'14:21',
			'12:20',
			'12:19'
		]);
	});
});

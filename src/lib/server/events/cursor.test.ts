import { describe, expect, it } from 'vitest';
import {
	covers,
	cursorText,
	isEventCursor,
	MAX_CURSOR_LENGTH,
	parseCursor,
	parseSnapshot,
	visibleIn
} from './cursor';

describe('parseSnapshot', () => {
	it('reads what pg_current_snapshot() prints', () => {
		expect(parseSnapshot('100:105:')).toMatchObject({ xmin: 100n, xmax: 105n });
		const snapshot = parseSnapshot('100:105:100,103')!;
		expect([...snapshot.inProgress]).toEqual([100n, 103n]);
	});

	it('refuses what Postgres would not print', () => {
		for (const text of [
			'',
			'100',
			'100:105',
			'105:100:',
			'100:105:103,101',
			'100:105:103,103',
			'100:105:99',
			'100:105:105',
			'100:105:a',
			'-1:105:'
		]) {
			expect(parseSnapshot(text), text).toBeNull();
		}
	});
});

describe('visibleIn', () => {
	const snapshot = parseSnapshot('100:105:100,103')!;

	it('sees what finished before the snapshot and nothing in progress or after it', () => {
		expect(
			[99n, 100n, 101n, 102n, 103n, 104n, 105n, 106n].map((x) => visibleIn(x, snapshot))
		).toEqual([true, false, true, true, false, true, false, false]);
	});
});

describe('cursors', () => {
	const from = '100:105:100,103';
	const to = '103:110:103,108';

	it('names a batch and an event, and reads back', () => {
		const cursor = parseCursor(cursorText(from, to, '42'))!;
		expect(cursor.from.text).toBe(from);
		expect(cursor.to.text).toBe(to);
		expect(cursor.afterId).toBe('42');
	});

	it('is not an event id of old, nor a batch whose end comes before its start', () => {
		for (const text of [
			'42',
			`${from}/${to}`,
			`${from}/${to}/x`,
			`${to}/${from}/42`,
			`${from}/${to}/42/1`,
			`${from}/${'1'.repeat(MAX_CURSOR_LENGTH)}:2:/42`
		]) {
			expect(parseCursor(text), text).toBeNull();
		}
	});

	it('covers the transactions visible at its start, and its batch up to its event', () => {
		const cursor = parseCursor(cursorText(from, to, '42'))!;
		const event = (xid: bigint, id: number) => ({ xid: String(xid), id: String(id) });
		// Finished before the batch: sent whatever the id.
		expect(covers(cursor, event(101n, 500))).toBe(true);
		// In the batch: sent up to the cursor's event.
		expect(covers(cursor, event(100n, 41))).toBe(true);
		expect(covers(cursor, event(105n, 42))).toBe(true);
		expect(covers(cursor, event(105n, 43))).toBe(false);
		// Still running at the batch's end, or begun after it: not sent, however small the id.
		expect(covers(cursor, event(103n, 1))).toBe(false);
		expect(covers(cursor, event(108n, 1))).toBe(false);
		expect(covers(cursor, event(110n, 1))).toBe(false);
	});

	it('takes cursors and event ids of old as a lastEventId, and nothing else', () => {
		expect(isEventCursor(cursorText(from, to, '42'))).toBe(true);
		expect(isEventCursor('42')).toBe(true);
		expect(isEventCursor(String(10n ** 25n))).toBe(true);
		expect(isEventCursor('yesterday')).toBe(false);
		expect(isEventCursor(`${from}/${to}/`)).toBe(false);
	});
});

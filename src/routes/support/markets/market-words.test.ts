import { describe, expect, it } from 'vitest';
import { beforeAfterText } from './audit-words';
import { rereadShown } from './market-list';
import { actionsFor, fieldProblemText, outcomeText } from './market-words';

describe('the changes a market allows', () => {
	it('offers halting an open market and reopening a halted one, never the other way', () => {
		expect(actionsFor('OPEN')).toContain('halt');
		expect(actionsFor('OPEN')).not.toContain('reopen');
		expect(actionsFor('HALTED')).toContain('reopen');
		expect(actionsFor('HALTED')).not.toContain('halt');
	});

	it('offers only resolving or voiding a closed market, and nothing for a resolved one', () => {
		expect(actionsFor('CLOSED')).toEqual(['resolve', 'void']);
		expect(actionsFor('RESOLVED')).toEqual([]);
	});
});

describe('the outcome of a change', () => {
	it('says what a resolution settled and paid', () => {
		const outcome = {
			status: 'RESOLVED' as const,
			cancelledOrders: 1,
			settledPositions: 2,
			paidCents: 1500
		};
		expect(outcomeText('resolve', outcome, 'Film B')).toBe(
			'Resolved with “Film B” winning: 2 positions settled, $15.00 paid, 1 resting order cancelled.'
		);
	});
});

describe('a field problem in plain words', () => {
	it('turns zod size messages into limits', () => {
		expect(fieldProblemText('Too small: expected string to have >=5 characters')).toBe(
			'needs at least 5 characters'
		);
		expect(fieldProblemText('Too small: expected string to have >=1 characters')).toBe(
			'cannot be empty'
		);
		expect(fieldProblemText('Too big: expected array to have <=6 items')).toBe(
			'may have at most 6 options'
		);
	});

	it('keeps a message that is already plain', () => {
		expect(fieldProblemText('must be in the future')).toBe('must be in the future');
	});
});

describe('an audit entry before and after', () => {
	const noLabel = () => null;

	it('names only the status when the close time stayed', () => {
		const closesAt = '2027-01-02T20:00:00.000Z';
		expect(
			beforeAfterText({ status: 'OPEN', closesAt }, { status: 'HALTED', closesAt }, noLabel)
		).toEqual({ before: 'open', after: 'halted' });
	});

	it('names the winner and what was paid', () => {
		const closesAt = '2027-01-02T20:00:00.000Z';
		const text = beforeAfterText(
			{ status: 'CLOSED', closesAt },
			{
				status: 'RESOLVED',
				closesAt,
				winningOptionId: 'b',
				settledPositions: 2,
				paidCents: 100
			},
			(id) => (id === 'b' ? 'Film B' : null)
		);
		expect(text.after).toBe('resolved, “Film B” won, 2 positions settled, $1.00 paid');
	});

	it('shows a dash before a market was made', () => {
		const text = beforeAfterText(
			null,
			{ status: 'OPEN', closesAt: '2027-01-02T20:00:00.000Z' },
			noLabel
		);
		expect(text.before).toBe('—');
		expect(text.after).toMatch(/^open, closes Jan \d, 2027/);
	});
});

describe('re-reading the shown markets', () => {
	it('reads as many rows as are shown, over more than one call when needed', async () => {
		const all = Array.from({ length: 250 }, (_, index) => ({ id: String(index) }));
		const calls: number[] = [];
		const fresh = await rereadShown(230, async (cursor, limit) => {
			calls.push(limit);
			const start = cursor ? Number(cursor) + 1 : 0;
			const items = all.slice(start, start + limit);
			return { items, nextCursor: start + limit < all.length ? items.at(-1)!.id : null };
		});
		expect(fresh.items).toHaveLength(230);
		expect(fresh.nextCursor).toBe('229');
		expect(calls).toEqual([100, 100, 30]);
	});
});

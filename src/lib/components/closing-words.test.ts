import { describe, expect, it } from 'vitest';
import { closingDayText, closingWord } from './closing-words';

const now = new Date('2026-12-05T22:00:00Z');
const aMarket = (status: 'OPEN' | 'HALTED' | 'CLOSED' | 'RESOLVED', closesAt: string) => ({
	status,
	closesAt: new Date(closesAt)
});

describe('when a market closes, in words', () => {
	it('says "Closes" for an open or halted market whose closing time is ahead', () => {
		expect(closingWord(aMarket('OPEN', '2026-12-26T12:00:00Z'), now)).toBe('Closes');
		expect(closingWord(aMarket('HALTED', '2027-04-04T12:00:00Z'), now)).toBe('Closes');
	});

	it('says "Closed" for a closed or resolved market, even one closed early', () => {
		expect(closingWord(aMarket('CLOSED', '2026-12-03T12:00:00Z'), now)).toBe('Closed');
		expect(closingWord(aMarket('RESOLVED', '2026-07-28T12:00:00Z'), now)).toBe('Closed');
		expect(closingWord(aMarket('CLOSED', '2027-01-10T12:00:00Z'), now)).toBe('Closed');
	});

	it('says "Closed" once the closing time has passed, whatever the status', () => {
		expect(closingWord(aMarket('OPEN', '2026-12-03T12:00:00Z'), now)).toBe('Closed');
		expect(closingWord(aMarket('OPEN', now.toISOString()), now)).toBe('Closed');
	});

	it('gives the day in en-US', () => {
		expect(closingDayText(aMarket('RESOLVED', '2026-07-28T12:00:00Z'), now)).toBe(
			'Closed Jul 28, 2026'
		);
		expect(closingDayText(aMarket('OPEN', '2026-12-26T12:00:00Z'), now)).toBe(
			'Closes Dec 26, 2026'
		);
	});
});

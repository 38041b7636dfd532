import { describe, expect, it } from 'vitest';
import { waitText } from './lockout-words';

describe('the wait after too many sign-in attempts, in words', () => {
	it('counts whole minutes, rounded up', () => {
		expect(waitText(15 * 60_000)).toBe('15 minutes');
		expect(waitText(14 * 60_000 + 1)).toBe('15 minutes');
		expect(waitText(90_000)).toBe('2 minutes');
	});

	it('says one minute, not one minutes', () => {
		expect(waitText(60_000)).toBe('1 minute');
		expect(waitText(59_500)).toBe('1 minute');
	});

	it('counts seconds under a minute', () => {
		expect(waitText(40_000)).toBe('40 seconds');
		expect(waitText(1_200)).toBe('2 seconds');
		expect(waitText(1_000)).toBe('1 second');
		expect(waitText(1)).toBe('1 second');
	});
});

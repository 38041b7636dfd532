import { describe, expect, it } from 'vitest';
import { cashAdjustmentText, endedSessionsText } from './activity-words';

describe('what signing out everywhere ended, in words', () => {
	it('counts browser sign-ins and API keys apart', () => {
		expect(endedSessionsText({ revoked: 3, apiKeys: 1 })).toBe(
			'Ended 2 browser sign-ins and 1 API key'
		);
	});

	it('names only what there was', () => {
		expect(endedSessionsText({ revoked: 1, apiKeys: 0 })).toBe('Ended 1 browser sign-in');
		expect(endedSessionsText({ revoked: 2, apiKeys: 2 })).toBe('Ended 2 API keys');
	});
});

describe("an admin's cash adjustment, in words", () => {
	it('says credited or debited, and how much, without a sign', () => {
		expect(cashAdjustmentText({ amountCents: 1234 })).toBe('Cash credited $12.34');
		expect(cashAdjustmentText({ amountCents: -100_000 })).toBe('Cash debited $1,000.00');
	});
});

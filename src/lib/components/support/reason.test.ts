import { describe, expect, it } from 'vitest';
import { StaffReason, MAX_REASON_LENGTH } from '$lib/shared/staff-reason';
import { REASON_HINT, REASON_MISSING, REASON_UNREADABLE, reasonError } from './reason';

describe('the reason a staff change needs', () => {
	it('states the rule under the field before anything is sent', () => {
		expect(REASON_HINT).toBe(
			'Say why in at least 10 characters, with 3 or more different letters or digits.'
		);
	});

	it('asks for one when none is given', () => {
		expect(reasonError('')).toBe(REASON_MISSING);
		expect(reasonError('   ')).toBe(REASON_MISSING);
	});

	it.each([
		['too short', 'fixed it'],
		['too short once trimmed', '   roll back   '],
		['one character repeated', 'xxxxxxxxxxxx'],
		['only punctuation', '!!!!!!!!!!!!'],
		['two characters taking turns', 'ababababab'],
		['one letter in either case', 'AaAaAaAaAa']
	])('refuses a reason %s, as the API does', (_what, reason) => {
		expect(reasonError(reason)).toBe(REASON_UNREADABLE);
		expect(StaffReason.safeParse(reason).success).toBe(false);
	});

	it.each([
		['a ticket', 'Ticket 4711'],
		['words with accents', 'pédagogie à revoir'],
		['a sentence', 'Theo asked to try the new engine']
	])('accepts %s, and the API keeps it trimmed', (_what, reason) => {
		expect(reasonError(`  ${reason}  `)).toBeNull();
		expect(StaffReason.parse(`  ${reason}  `)).toBe(reason);
	});

	it('keeps the maximum, refusing a longer reason once', () => {
		const refused = StaffReason.safeParse('x'.repeat(MAX_REASON_LENGTH + 1));
		expect(refused.error?.issues.map((issue) => issue.code)).toEqual(['too_big']);
		expect(StaffReason.safeParse(`Ticket ${'1'.repeat(MAX_REASON_LENGTH - 7)}`).success).toBe(true);
	});
});

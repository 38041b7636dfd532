import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_CASH_ADJUSTMENT_CENTS } from '$lib/shared/cash-adjustment';
import { formatCents } from '$lib/shared/format';
import { parseCashAmount } from './cash-amount';

const cents = (text: string) => {
	const reading = parseCashAmount(text);
	return reading.ok ? reading.cents : reading.error;
};

describe('reading the amount of a cash adjustment', () => {
	it('reads dollars and cents as whole cents', () => {
		expect(cents('12.34')).toBe(1_234);
		expect(cents('12.3')).toBe(1_230);
		expect(cents('12')).toBe(1_200);
		expect(cents('12.')).toBe(1_200);
		expect(cents('0.07')).toBe(7);
		expect(cents('.5')).toBe(50);
		expect(cents('$.07')).toBe(7);
		expect(cents(' $1,000 ')).toBe(100_000);
		expect(cents('$1,000,000.00')).toBe(100_000_000);
		expect(cents('1000000')).toBe(100_000_000);
	});

	it('refuses more than two decimals', () => {
		expect(cents('12.345')).toBe('Enter at most two decimals: whole cents.');
		expect(cents('.345')).toBe('Enter at most two decimals: whole cents.');
	});

	it('refuses zero, a sign and more than a million dollars', () => {
		expect(cents('0')).toBe('Enter an amount above zero.');
		expect(cents('$0.00')).toBe('Enter an amount above zero.');
		expect(cents('.00')).toBe('Enter an amount above zero.');
		expect(cents('-5')).toBe('Enter the amount without a sign: choose credit or debit.');
		expect(cents('1,000,000.01')).toBe('Enter at most $1,000,000.00 at a time.');
	});

	it('refuses what is not an amount', () => {
		for (const text of ['', '  ', 'abc', '1e3', '1,00', '12.3.4', '$ 5', '.', '$.', '12,34.5']) {
			expect(parseCashAmount(text).ok, text).toBe(false);
		}
		expect(cents('')).toBe('Enter an amount in dollars and cents.');
	});

	it('reads back any amount as the site writes it, to the cent', () => {
		fc.assert(
			fc.property(fc.integer({ min: 1, max: MAX_CASH_ADJUSTMENT_CENTS }), (amount) => {
				expect(parseCashAmount(formatCents(amount))).toEqual({ ok: true, cents: amount });
			})
		);
	});
});

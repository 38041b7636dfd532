import { describe, expect, it } from 'vitest';
import { formatCents, formatCount } from './format';

describe('a count of shares or orders', () => {
	it('groups thousands with commas', () => {
		expect(formatCount(1_000_000)).toBe('1,000,000');
		expect(formatCount(225)).toBe('225');
		expect(formatCount(12_345)).toBe('12,345');
	});
});

describe('an amount of money', () => {
	it('groups whole dollars with commas', () => {
		expect(formatCents(123_456_789)).toBe('$1,234,567.89');
		expect(formatCents(-5)).toBe('−$0.05');
	});
});

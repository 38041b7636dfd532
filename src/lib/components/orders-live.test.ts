import { describe, expect, it } from 'vitest';
import type { OrderStatus } from '$lib/shared/orders';
import { ordersToReread } from './orders-live';

const seen = (statuses: Record<string, OrderStatus>) =>
	Object.fromEntries(Object.entries(statuses).map(([id, status]) => [id, { status }]));

describe('re-reading the orders the page follows', () => {
	it('reads again an order last seen resting or part filled', () => {
		expect(ordersToReread(['1', '2'], seen({ 1: 'OPEN', 2: 'PARTIALLY_FILLED' }))).toEqual([
			'1',
			'2'
		]);
	});

	it('leaves alone an order already seen filled, cancelled, expired or rejected', () => {
		const ended = seen({ 1: 'FILLED', 2: 'CANCELLED', 3: 'EXPIRED', 4: 'REJECTED' });
		expect(ordersToReread(['1', '2', '3', '4'], ended)).toEqual([]);
	});

	it('reads an order never seen, since nothing says it ended', () => {
		expect(ordersToReread(['7'], {})).toEqual(['7']);
	});

	it('reads an order followed twice only once, and skips what is not followed', () => {
		expect(ordersToReread(['5', null, '5'], seen({ 5: 'OPEN' }))).toEqual(['5']);
		expect(ordersToReread([null, null], seen({ 5: 'OPEN' }))).toEqual([]);
	});
});

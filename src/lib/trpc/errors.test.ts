import { TRPCClientError } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import { describeApiError } from './errors';

/** A client error as the server sends one: tRPC's code, and the data our formatter adds. */
const apiError = (data: Record<string, unknown>) =>
	TRPCClientError.from({
		error: { message: 'input: invalid', code: -32600, data: { code: 'BAD_REQUEST', ...data } }
	});

describe('describing an API error to a trader', () => {
	it('names the field that is wrong', () => {
		const error = apiError({ fieldErrors: { 'orders.1.priceCents': ['Too small'] } });
		expect(describeApiError(error)).toBe('Check orders.1.priceCents: Too small.');
	});

	it('gives the message alone for a problem with the input as a whole', () => {
		const error = apiError({ fieldErrors: { '': ['give either id or slug'] } });
		expect(describeApiError(error)).toBe('give either id or slug.');
	});

	it('says what an amend that cannot go through needs', () => {
		const error = apiError({ domainCode: 'ORDER_NOT_AMENDABLE' });
		expect(describeApiError(error)).toBe(
			'The new quantity must be more than what has already filled.'
		);
	});
});

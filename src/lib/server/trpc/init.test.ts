// How zod's issues become the `fieldErrors` and message of a BAD_REQUEST, each kind of issue
// on a small schema of its own (tests/integration/trpc.test.ts covers the API's, over HTTP).
import { describe, expect, it } from 'vitest';
import superjson from 'superjson';
import { z } from 'zod';
import { TRPCError } from '@trpc/server';
import { describeProblems, fieldErrors, inputProblems, t } from './init';

function problemsOf(schema: z.ZodType, input: unknown) {
	const result = schema.safeParse(input);
	if (result.success) throw new Error('expected the input to be refused');
	return inputProblems(result.error.issues);
}

describe('input problems', () => {
	it('keys a union inside a field by that field, naming what each form wanted', () => {
		const schema = z.strictObject({ interval: z.union([z.literal(60), z.literal(300)]) });
		const problems = problemsOf(schema, { interval: 5 });
		expect(fieldErrors(problems)).toEqual({
			interval: [expect.stringMatching(/\(.*expected 60\) or \(.*expected 300\)$/)]
		});
	});

	it("keeps zod's own message when a discriminated union names the values it accepts", () => {
		const schema = z.discriminatedUnion('scope', [
			z.strictObject({ scope: z.literal('GLOBAL') }),
			z.strictObject({ scope: z.literal('USER'), id: z.uuid() })
		]);
		expect(fieldErrors(problemsOf(schema, { scope: 'X' }))).toEqual({
			scope: [expect.stringMatching(/'GLOBAL' \| 'USER'/)]
		});
	});

	it('gathers every problem at one path under that path', () => {
		const schema = z.strictObject({
			code: z
				.string()
				.min(3)
				.regex(/^[a-z]+$/)
		});
		expect(fieldErrors(problemsOf(schema, { code: '1' }))).toEqual({
			code: [expect.any(String), expect.any(String)]
		});
	});

	it('names unknown keys of a nested object by their full path', () => {
		const schema = z.strictObject({ limits: z.strictObject({ max: z.number() }) });
		const problems = problemsOf(schema, { limits: { max: 1, min: 0, step: 2 } });
		expect(describeProblems(problems)).toBe(
			'limits.min: unknown field; limits.step: unknown field'
		);
	});

	it('sends unknown keys named like Object.prototype members, some under the input as a whole', () => {
		const schema = z.strictObject({ max: z.number() });
		const input = JSON.parse('{"max":1,"toString":0,"constructor":0,"prototype":0}');
		const errors = fieldErrors(problemsOf(schema, input));
		expect(errors).toEqual({
			toString: ['unknown field'],
			'': ['constructor: unknown field', 'prototype: unknown field']
		});
		expect(() => superjson.serialize(errors)).not.toThrow();
	});

	it('asks for a valid date rather than saying it received a Date', () => {
		const problems = problemsOf(z.strictObject({ at: z.coerce.date() }), { at: 'tomorrow' });
		expect(describeProblems(problems)).toMatch(/^at: expected a valid date/);
	});
});

describe('the error shape', () => {
	it('keeps an output that failed its own schema out of the answer', () => {
		const cause = z
			.strictObject({ passwordHash: z.number() })
			.safeParse({ passwordHash: 'x' }).error!;
		const error = new TRPCError({
			code: 'INTERNAL_SERVER_ERROR',
			message: 'Output validation failed',
			cause
		});
		const shape = t._config.errorFormatter({
			error,
			type: 'query',
			path: 'users.me',
			input: undefined,
			ctx: undefined,
			shape: {
				message: error.message,
				code: -32603,
				data: { code: 'INTERNAL_SERVER_ERROR', httpStatus: 500, path: 'users.me' }
			}
		});
		expect(shape.message).toBe('Output validation failed');
		expect(shape.data.fieldErrors).toBeNull();
		expect(JSON.stringify(shape)).not.toContain('passwordHash');
	});
});

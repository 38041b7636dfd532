// tRPC's one instance: superjson on the wire, and an error shape that carries zod's field
// errors and our domain codes as data, so clients never parse messages.
import { initTRPC } from '@trpc/server';
import { ZodError, type z } from 'zod';
import type { Context } from './context';
import { DomainError } from './errors';
import { sharingTransformer } from '../ws/encoding';

export const t = initTRPC.context<Context>().create({
	// superjson, remembering its output for shared event payloads (see ws/encoding.ts).
	transformer: sharingTransformer,
	errorFormatter({ shape, error }) {
		// Only the input's problems: an output that failed its schema is our fault, and its field
		// names and values are not the client's business.
		const problems =
			error.code === 'BAD_REQUEST' && error.cause instanceof ZodError
				? inputProblems(error.cause.issues)
				: null;
		// Never send stack traces to a browser, even in development.
		const { stack: _stack, ...data } = shape.data;
		return {
			...shape,
			message: problems ? describeProblems(problems) : shape.message,
			data: {
				...data,
				fieldErrors: problems ? fieldErrors(problems) : null,
				domainCode: error.cause instanceof DomainError ? error.cause.code : null,
				retryAfterMs: error.cause instanceof DomainError ? error.cause.retryAfterMs : null
			}
		};
	}
});

/**
 * One thing wrong with the input: where, as a dotted path (`orders.1.priceCents`; `''` for the
 * input as a whole), and what.
 */
export interface InputProblem {
	path: string;
	message: string;
}

/**
 * The problems behind zod's issues. A strict object's unknown keys are one issue at the object;
 * each key becomes its own problem at its own path, so a client can point at the field (in the
 * engine service's words for it, see engine/wire.ts).
 */
export function inputProblems(issues: readonly z.core.$ZodIssue[]): InputProblem[] {
	return issues.flatMap((issue) =>
		issue.code === 'unrecognized_keys'
			? issue.keys.map((key) => ({ path: dotted([...issue.path, key]), message: 'unknown field' }))
			: [{ path: dotted(issue.path), message: messageFor(issue) }]
	);
}

/**
 * `data.fieldErrors`: each problem's message under its full dotted path, `''` for the input as a
 * whole, in the order zod found them. The paths are the caller's own keys, so they go through a
 * Map (an unknown `toString` must become a field, not reach Object.prototype), and the few that
 * superjson refuses to send as keys go under `''`, named in the message, rather than make the
 * whole answer a 500.
 */
export function fieldErrors(problems: readonly InputProblem[]): Record<string, string[]> {
	const byPath = new Map<string, string[]>();
	for (const { path, message } of problems) {
		const [key, text] = UNSENDABLE_KEYS.has(path) ? ['', `${path}: ${message}`] : [path, message];
		byPath.set(key, [...(byPath.get(key) ?? []), text]);
	}
	return Object.fromEntries(byPath);
}

/** Keys superjson will not serialise, against prototype pollution. */
const UNSENDABLE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** "quantity: expected a number greater than 0; side: ..." — names every field that was wrong. */
export function describeProblems(problems: readonly InputProblem[]): string {
	return problems.map(({ path, message }) => `${path || 'input'}: ${message}`).join('; ');
}

function dotted(path: readonly PropertyKey[]): string {
	return path.map(String).join('.');
}

function messageFor(issue: z.core.$ZodIssue): string {
	if (issue.code === 'invalid_union' && issue.errors.length > 0) return describeUnion(issue);
	if (isInvalidDate(issue)) return 'expected a valid date, e.g. 2030-01-31T12:00:00Z';
	return issue.message;
}

/**
 * zod says only "Invalid input" when no member of a union fits; what each member found wrong
 * is what tells a caller which form to send (e.g. an id or a slug, not both).
 */
function describeUnion(issue: z.core.$ZodIssueInvalidUnion): string {
	return `${issue.message}, no accepted form fits: ${issue.errors.map(describeForm).join(' or ')}`;
}

/** "(slug: unknown field)": what one member of a union found wrong, paths relative to it. */
function describeForm(issues: readonly z.core.$ZodIssue[]): string {
	const problems = inputProblems(issues).map(({ path, message }) =>
		path ? `${path}: ${message}` : message
	);
	return `(${problems.join(', ')})`;
}

/**
 * A date that did not parse (superjson or z.coerce.date() turn "tomorrow" into an Invalid
 * Date), which zod reports as "expected date, received Date".
 */
function isInvalidDate(issue: z.core.$ZodIssue): boolean {
	return (
		issue.code === 'invalid_type' &&
		issue.expected === 'date' &&
		(issue as { received?: unknown }).received === 'Invalid Date'
	);
}

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

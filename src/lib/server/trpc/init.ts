// tRPC's one instance: superjson on the wire, and an error shape that carries zod's field
// errors and our domain codes as data, so clients never parse messages.
import { initTRPC } from '@trpc/server';
import { ZodError, z } from 'zod';
import type { Context } from './context';
import { DomainError } from './errors';
import { sharingTransformer } from '../ws/encoding';

export const t = initTRPC.context<Context>().create({
	// superjson, remembering its output for shared event payloads (see ws/encoding.ts).
	transformer: sharingTransformer,
	errorFormatter({ shape, error }) {
		const zod = error.cause instanceof ZodError ? error.cause : null;
		// Never send stack traces to a browser, even in development.
		const { stack: _stack, ...data } = shape.data;
		return {
			...shape,
			message: zod ? describeZodError(zod) : shape.message,
			data: {
				...data,
				fieldErrors: zod ? z.flattenError(zod).fieldErrors : null,
				domainCode: error.cause instanceof DomainError ? error.cause.code : null,
				retryAfterMs: error.cause instanceof DomainError ? error.cause.retryAfterMs : null
			}
		};
	}
});

/** "quantity: expected a number greater than 0; side: ..." — names every field that was wrong. */
function describeZodError(error: ZodError): string {
	return error.issues
		.map((issue) => `${issue.path.length ? issue.path.join('.') : 'input'}: ${issue.message}`)
		.join('; ');
}

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

// admin.flags.audit: the audit of flag changes, newest first, a page at a time, optionally for
// one scope key; each entry names its actor by id and email.
import { z } from 'zod';
import { FlagState } from '$lib/server/flags';

export const auditInput = z
	.strictObject({
		/** `nextCursor` of the previous page: entries older than it. */
		cursor: z
			.string()
			.regex(/^\d{1,18}$/, 'expected an audit id')
			.optional(),
		limit: z.number().int().min(1).max(100).default(50),
		/** 'global', 'market:<id>' or 'user:<id>': one flag's history. */
		scopeKey: z.string().trim().min(1).max(100).optional()
	})
	.default({ limit: 50 });

export const auditOutput = z.strictObject({
	entries: z.array(
		z.strictObject({
			id: z.string(),
			scopeKey: z.string(),
			action: z.string(),
			actor: z.strictObject({ id: z.uuid(), email: z.string().nullable() }),
			before: FlagState.nullable(),
			after: FlagState.nullable(),
			reason: z.string(),
			createdAt: z.date()
		})
	),
	nextCursor: z.string().nullable()
});

export type AuditInput = z.infer<typeof auditInput>;

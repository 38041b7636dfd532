import { z } from 'zod';
import { Role } from '$lib/shared/users';

export const searchUsersInput = z.strictObject({
	query: z.string().trim().max(200).default(''),
	limit: z.number().int().min(1).max(100).default(20)
});

export const searchUsersOutput = z.array(
	z.strictObject({
		id: z.uuid(),
		email: z.string(),
		displayName: z.string(),
		role: Role,
		createdAt: z.date(),
		disabled: z.boolean()
	})
);

export const revokeSessionsInput = z.strictObject({ userId: z.uuid() });
export const revokeSessionsOutput = z.strictObject({ revoked: z.number().int().nonnegative() });

export type SearchUsersInput = z.infer<typeof searchUsersInput>;
export type RevokeSessionsInput = z.infer<typeof revokeSessionsInput>;

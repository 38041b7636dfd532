// API key shapes and limits shared by the server and the site's API keys page.
import { z } from 'zod';

export const apiKeyAccesses = ['READ', 'TRADE'] as const;
export const ApiKeyAccess = z.enum(apiKeyAccesses);
export type ApiKeyAccess = z.infer<typeof ApiKeyAccess>;

export const API_KEY_LABEL_MAX = 60;
export const API_KEY_DAYS = { min: 1, max: 365, default: 90 } as const;

export const ApiKeyView = z.strictObject({
	/** What apiKeys.revoke takes. */
	id: z.string(),
	label: z.string(),
	access: ApiKeyAccess,
	/** The key's first and last characters, to tell it apart; the key itself is shown once. */
	hint: z.string(),
	createdAt: z.date(),
	expiresAt: z.date(),
	/** Its last call, to the minute; null until its first. */
	lastUsedAt: z.date().nullable()
});
export type ApiKeyView = z.infer<typeof ApiKeyView>;

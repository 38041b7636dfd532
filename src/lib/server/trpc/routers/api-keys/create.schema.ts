import { z } from 'zod';
import { API_KEY_DAYS, API_KEY_LABEL_MAX, ApiKeyAccess, ApiKeyView } from '$lib/shared/api-keys';

export const createInput = z.strictObject({
	label: z
		.string()
		.trim()
		.min(1, 'name the key, e.g. the program that will use it')
		.max(API_KEY_LABEL_MAX),
	access: ApiKeyAccess,
	expiresInDays: z
		.number()
		.int()
		.min(API_KEY_DAYS.min)
		.max(API_KEY_DAYS.max)
		.default(API_KEY_DAYS.default)
});
export const createOutput = z.strictObject({
	key: ApiKeyView,
	/** The key itself: shown this once, never stored. */
	secret: z.string()
});

export type CreateApiKeyInput = z.infer<typeof createInput>;

import { z } from 'zod';

export const revokeInput = z.strictObject({
	id: z.string().regex(/^[0-9a-f]{64}$/, 'not an API key id')
});
export const revokeOutput = z.strictObject({ revoked: z.literal(true) });

export type RevokeApiKeyInput = z.infer<typeof revokeInput>;

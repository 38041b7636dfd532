import { z } from 'zod';
import { ApiKeyView } from '$lib/shared/api-keys';

/** Takes nothing: no input or `{}`. */
export const listInput = z.strictObject({}).optional();
/** The live keys, newest first. */
export const listOutput = z.array(ApiKeyView);

// A refused change as the Markets page shows it: each field's problem beside its field, in
// plain words, and anything else as one sentence.
import { TRPCClientError } from '@trpc/client';
import { describeApiError } from '$lib/trpc/errors';
import { fieldProblemText, type Submitted } from './market-words';

export function refused(error: unknown, fields: readonly string[]): Submitted & { ok: false } {
	const sent =
		error instanceof TRPCClientError
			? ((error.data as { fieldErrors?: Record<string, string[] | undefined> | null } | undefined)
					?.fieldErrors ?? null)
			: null;
	const fieldErrors: Record<string, string> = {};
	let unplaced = false;
	for (const [path, messages] of Object.entries(sent ?? {})) {
		const message = messages?.[0];
		if (!message) continue;
		// "options.2" is the third option's own field; a path no field shows goes into the sentence.
		const shown = fields.some((name) => path === name || path.startsWith(`${name}.`));
		if (shown) fieldErrors[path] = fieldProblemText(message);
		else unplaced = true;
	}
	const placed = Object.keys(fieldErrors).length > 0;
	return {
		ok: false,
		error: placed && !unplaced ? 'Check the fields marked in red.' : describeApiError(error),
		fieldErrors
	};
}

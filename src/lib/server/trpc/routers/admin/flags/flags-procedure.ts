// The procedure every admin.flags call is built on: SUPPORT or ADMIN only, with this process's
// flag service in the context (mutations from a foreign Origin are refused before this).
import { TRPCError } from '@trpc/server';
import type { FlagResult, FlagService } from '$lib/server/flags';
import type { AuthedContext } from '../../../context';
import { domainError } from '../../../errors';
import { supportProcedure } from '../../../procedures';

export type FlagsContext = AuthedContext & { flags: FlagService };

export const flagsProcedure = supportProcedure.use(({ ctx, next }) => {
	const { flags } = ctx as typeof ctx & { flags?: FlagService };
	if (!flags) {
		throw new TRPCError({
			code: 'INTERNAL_SERVER_ERROR',
			message: 'The flag service is not part of this server'
		});
	}
	return next({ ctx: { ...ctx, flags } });
});

/** The value of a flag store result, or its domain error (USER_NOT_FOUND, MARKET_NOT_FOUND). */
export function valueOf<T>(result: FlagResult<T>): T {
	if (!result.ok) throw domainError(result.code, result.message);
	return result.value;
}

// What a rollout flag is, in one place: its zod shapes (the API's output and the audit's JSON),
// the scope keys the table is unique on, and what a change must carry (a reason).
import { z } from 'zod';
import { EngineName } from '$lib/shared/orders';

export const FlagScope = z.enum(['GLOBAL', 'MARKET', 'USER']);
export type FlagScope = z.infer<typeof FlagScope>;

/** A flag as the resolver and the admin API see it, with who last set it. */
export const FlagView = z.strictObject({
	scope: FlagScope,
	scopeKey: z.string(),
	userId: z.uuid().nullable(),
	marketId: z.uuid().nullable(),
	engine: EngineName,
	/** Only the GLOBAL flag uses it: the share of users (by a hash of their id) on `engine`. */
	rolloutPercent: z.number().int().min(0).max(100),
	updatedBy: z.strictObject({ id: z.uuid(), email: z.string().nullable() }),
	updatedAt: z.date()
});
export type FlagView = z.infer<typeof FlagView>;

/** A flag as the audit stores it in `before` / `after` (JSON: the time as an ISO string). */
export const FlagState = z.strictObject({
	scope: FlagScope,
	scopeKey: z.string(),
	userId: z.uuid().nullable(),
	marketId: z.uuid().nullable(),
	engine: EngineName,
	rolloutPercent: z.number().int().min(0).max(100),
	updatedById: z.uuid(),
	updatedAt: z.iso.datetime()
});
export type FlagState = z.infer<typeof FlagState>;

export function flagState(flag: FlagView): FlagState {
	return {
		scope: flag.scope,
		scopeKey: flag.scopeKey,
		userId: flag.userId,
		marketId: flag.marketId,
		engine: flag.engine,
		rolloutPercent: flag.rolloutPercent,
		updatedById: flag.updatedBy.id,
		updatedAt: flag.updatedAt.toISOString()
	};
}

/** Why a flag changed: required and readable, so the audit always says why, and bounded. */
export { StaffReason as FlagReason, MAX_REASON_LENGTH } from '$lib/shared/staff-reason';

export const GLOBAL_SCOPE_KEY = 'global';
export const userScopeKey = (userId: string) => `user:${userId}`;
export const marketScopeKey = (marketId: string) => `market:${marketId}`;

/** What the audit row's `action` says happened to the flag. */
export type FlagAction = 'create' | 'update' | 'remove';

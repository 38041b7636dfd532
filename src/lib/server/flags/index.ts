// The rollout flags: which engine serves a user in a market, who changed that and why, and
// how every app process learns of a change.
export type { EngineChoice, EngineResolver, EngineRule, EngineTarget } from './choice';
export {
	FlagReason,
	FlagScope,
	FlagState,
	FlagView,
	GLOBAL_SCOPE_KEY,
	MAX_REASON_LENGTH,
	marketScopeKey,
	userScopeKey
} from './flag';
export type { FlagAction } from './flag';
export { flagSetOf, flagsFor, inRollout, resolveEngine, rolloutBucket } from './resolve';
export type { ConsideredFlags, FlagSet } from './resolve';
export { FlagCache } from './cache';
export type { FlagSnapshot, ReloadCause, SnapshotListener } from './cache';
export { createFlagStore, FLAGS_TOPIC } from './store';
export type {
	AuditEntry,
	AuditPage,
	AuditQuery,
	FlagChange,
	FlagErrorCode,
	FlagListItem,
	FlagResult,
	FlagStore
} from './store';
export { createFlagService, DEFAULT_FLAG_REFRESH_MS } from './service';
export type { FlagExplanation, FlagResolver, FlagService, FlagServiceOptions } from './service';

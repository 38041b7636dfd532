// Rollout flags and engine numbers in words for support staff: what a flag means, what an audit
// entry changed, how long ago something happened.
import type { RouterOutputs } from '$lib/trpc/types';

export type FlagList = RouterOutputs['admin']['flags']['list'];
export type ListedFlag = FlagList['flags'][number];
export type AuditPage = RouterOutputs['admin']['flags']['audit'];
export type AuditEntry = AuditPage['entries'][number];
export type FlagState = NonNullable<AuditEntry['after']>;
export type Explanation = RouterOutputs['admin']['flags']['explain'];
export type EngineStatsView = RouterOutputs['admin']['engines']['stats'];
export type EngineHealthView = RouterOutputs['admin']['engines']['health'];
export type UserDetail = RouterOutputs['admin']['users']['detail'];
export type Engine = 'local' | 'remote';

/** Audit entries per page of the rollout page's log. */
export const AUDIT_PAGE_SIZE = 20;

/** Something support staff can pick: a user or a market. */
export interface PickOption {
	id: string;
	label: string;
	hint?: string;
}

/** What a change form hands its page; the page answers with an error in words, or null. */
export type SaveResult = { error: string } | { done: string };

/** The engines' names as headings and column titles show them. */
export const engineName: Record<Engine, string> = {
	local: 'Local engine (TypeScript)',
	remote: 'Remote engine'
};

export type RolloutPhase = 'off' | 'percentage' | 'all';

export function phaseOf(percent: number): RolloutPhase {
	if (percent <= 0) return 'off';
	if (percent >= 100) return 'all';
	return 'percentage';
}

export function phaseText(percent: number): string {
	const phase = phaseOf(percent);
	if (phase === 'off') return 'Off — rollout sends nobody to the remote engine';
	if (phase === 'all') return 'All — every user without their own flag is on the remote engine';
	return `Percentage — ${percent}% of users (sticky by user) are on the remote engine`;
}

/** A flag as it was before or after a change, in a few words. */
export function flagStateText(state: FlagState | null): string {
	if (!state) return 'no flag';
	if (state.scope === 'GLOBAL') return `${state.engine} for ${state.rolloutPercent}% of users`;
	return `${state.engine} engine`;
}

export const actionText: Record<string, string> = {
	create: 'set',
	update: 'changed',
	remove: 'removed'
};

/** "user:<id>" → ["User", id]; "global" → ["Global rollout", null]. */
export function splitScopeKey(scopeKey: string): { kind: string; id: string | null } {
	if (scopeKey === 'global') return { kind: 'Global rollout', id: null };
	const [scope, ...rest] = scopeKey.split(':');
	return {
		kind: scope === 'user' ? 'User' : scope === 'market' ? 'Market' : scope!,
		id: rest.join(':')
	};
}

// en-US like every other page, so a user's support page reads one way from table to table; with
// the year and seconds, because audit trails are read long after and to the second.
const dateTime = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'medium' });

/** "Dec 5, 2026, 10:21:23 PM". */
export function formatWhen(at: Date): string {
	return dateTime.format(at);
}

export function formatMs(ms: number | null): string {
	if (ms === null) return '—';
	return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}

export const breakerText: Record<'closed' | 'open' | 'halfOpen', string> = {
	closed: 'Closed — calls go to the remote engine',
	open: 'Open — the remote engine is skipped, orders fall back to the local engine',
	halfOpen: 'Half-open — one trial call decides whether the remote engine is back'
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(text: string): boolean {
	return UUID.test(text);
}

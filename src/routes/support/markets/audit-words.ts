// A market's audit entries in words: what was done, and the market before and after it
// ("open, closes Dec 26, 2026, 8:00 PM → halted"), with what the change did.
import { formatCents, formatCount } from '$lib/shared/format';
import type { MarketAuditAction } from '$lib/shared/market-audit';
import { formatCloseTime, statusWord } from './market-words';

export const auditActionText: Record<MarketAuditAction, string> = {
	CREATE: 'Created',
	HALT: 'Halted',
	REOPEN: 'Reopened',
	CLOSE: 'Closed',
	RESOLVE: 'Resolved',
	VOID: 'Voided',
	CLOSE_TIME: 'Close time changed'
};

/** Audit entries per page of a market's trail. */
export const AUDIT_PAGE_SIZE = 5;

type State = Record<string, unknown>;

function asState(value: unknown): State | null {
	return value !== null && typeof value === 'object' && !Array.isArray(value)
		? (value as State)
		: null;
}

function asDate(value: unknown): Date | null {
	if (value instanceof Date) return value;
	if (typeof value !== 'string') return null;
	const at = new Date(value);
	return Number.isNaN(at.getTime()) ? null : at;
}

function statusText(value: unknown): string | null {
	return typeof value === 'string' && value in statusWord
		? statusWord[value as keyof typeof statusWord]
		: null;
}

function sameTime(a: unknown, b: unknown): boolean {
	return asDate(a)?.getTime() === asDate(b)?.getTime();
}

function plural(n: number, one: string, many: string): string {
	return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/** The parts of a state worth saying: those that changed, when a state to compare with is given. */
function stateParts(state: State, other: State | null): string[] {
	const parts: string[] = [];
	const status = statusText(state.status);
	if (status && (!other || other.status !== state.status)) parts.push(status);
	const closesAt = asDate(state.closesAt);
	if (closesAt && (!other || !sameTime(other.closesAt, state.closesAt))) {
		parts.push(`closes ${formatCloseTime(closesAt)}`);
	}
	return parts;
}

/** What the change did, from the numbers recorded after it. */
function effectParts(after: State, optionLabel: (id: string) => string | null): string[] {
	const parts: string[] = [];
	const winner = after.winningOptionId;
	if (typeof winner === 'string') {
		const label =
			typeof after.winningOptionLabel === 'string' ? after.winningOptionLabel : optionLabel(winner);
		parts.push(`“${label ?? winner.slice(0, 8)}” won`);
	}
	if (after.resolution === 'VOID') parts.push('no option won');
	if (typeof after.cancelledOrders === 'number' && after.cancelledOrders > 0) {
		parts.push(`${plural(after.cancelledOrders, 'resting order', 'resting orders')} cancelled`);
	}
	if (typeof after.settledPositions === 'number' && after.settledPositions > 0) {
		parts.push(`${plural(after.settledPositions, 'position', 'positions')} settled`);
	}
	if (typeof after.paidCents === 'number' && after.paidCents > 0) {
		parts.push(`${formatCents(after.paidCents)} paid`);
	}
	return parts;
}

/** "open → halted"; "closes Dec 26, 2026, 8:00 PM → closes Jan 2, 2027, 8:00 PM"; "— → open, closes …". */
export function beforeAfterText(
	before: unknown,
	after: unknown,
	optionLabel: (id: string) => string | null
): { before: string; after: string } {
	const was = asState(before);
	const is = asState(after);
	const beforeParts = was ? stateParts(was, is) : [];
	const afterParts = is ? [...stateParts(is, was), ...effectParts(is, optionLabel)] : [];
	return {
		before: was ? beforeParts.join(', ') || 'unchanged' : '—',
		after: is ? afterParts.join(', ') || 'unchanged' : '—'
	};
}

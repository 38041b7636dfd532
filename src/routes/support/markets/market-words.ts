// What staff may do to a market in each status, and what each change does, in the words of the
// Markets support page: button labels, the warning before an irreversible step, the outcome.
import { formatCents, formatCount } from '$lib/shared/format';
import type { MarketStatus } from '$lib/shared/markets';

export type LifecycleAction = 'halt' | 'reopen' | 'close' | 'resolve' | 'void';

/** The changes the engine's lifecycle accepts from each status (src/lib/engine/lifecycle.ts). */
const actionsByStatus: Record<MarketStatus, LifecycleAction[]> = {
	OPEN: ['halt', 'close', 'resolve', 'void'],
	HALTED: ['reopen', 'close', 'resolve', 'void'],
	CLOSED: ['resolve', 'void'],
	RESOLVED: []
};

export function actionsFor(status: MarketStatus): LifecycleAction[] {
	return actionsByStatus[status];
}

/** A close time can move only while the market still trades or is halted. */
export function canMoveCloseTime(status: MarketStatus): boolean {
	return status === 'OPEN' || status === 'HALTED';
}

/** Changes that cannot be taken back: they ask for a confirmation first. */
export function isIrreversible(action: LifecycleAction): boolean {
	return action === 'close' || action === 'resolve' || action === 'void';
}

export const actionLabel: Record<LifecycleAction, string> = {
	halt: 'Halt',
	reopen: 'Reopen',
	close: 'Close',
	resolve: 'Resolve',
	void: 'Void'
};

/** What the change does, said before it is made. */
export function consequences(action: LifecycleAction, winnerLabel: string | null): string[] {
	switch (action) {
		case 'halt':
			return [
				'New orders are refused until the market is reopened. Resting orders stay on the book.'
			];
		case 'reopen':
			return ['Orders are accepted again.'];
		case 'close':
			return [
				'Trading stops for good. Resting orders are cancelled and their holds released.',
				'Afterwards the market can only be resolved or voided.'
			];
		case 'resolve':
			return [
				`${winnerLabel ? `“${winnerLabel}” wins.` : 'The option you choose wins.'} Each winning share pays 100¢: every long share of the winner and every short share of each other option.`,
				'Resting orders are cancelled and every position is settled. This cannot be undone.'
			];
		case 'void':
			return [
				'No option wins. Every position is refunded what it cost.',
				'Resting orders are cancelled. This cannot be undone.'
			];
	}
}

/** What the New market form sends, as markets.create takes it. */
export interface NewMarket {
	title: string;
	category: string;
	description: string;
	options: string[];
	closesAt: Date;
	reason: string;
}

/** What a panel's page answers when it sent a change: done, or why not (for a field, or as a whole). */
export type Submitted =
	{ ok: true } | { ok: false; error: string | null; fieldErrors?: Record<string, string> };

export interface LifecycleOutcome {
	status: MarketStatus;
	cancelledOrders: number;
	settledPositions: number;
	paidCents: number;
}

function count(n: number, one: string, many: string): string {
	return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/** The outcome of a change in one sentence. */
export function outcomeText(
	action: LifecycleAction,
	outcome: LifecycleOutcome,
	winnerLabel: string | null
): string {
	const cancelled = `${count(outcome.cancelledOrders, 'resting order', 'resting orders')} cancelled`;
	switch (action) {
		case 'halt':
			return 'Halted: new orders are refused until the market is reopened.';
		case 'reopen':
			return 'Reopened: orders are accepted again.';
		case 'close':
			return `Closed: ${cancelled} and their holds released.`;
		case 'resolve':
			return `Resolved${winnerLabel ? ` with “${winnerLabel}” winning` : ''}: ${count(outcome.settledPositions, 'position', 'positions')} settled, ${formatCents(outcome.paidCents)} paid, ${cancelled}.`;
		case 'void':
			return `Voided: ${count(outcome.settledPositions, 'position', 'positions')} refunded, ${formatCents(outcome.paidCents)} paid back, ${cancelled}.`;
	}
}

export const statusWord: Record<MarketStatus, string> = {
	OPEN: 'open',
	HALTED: 'halted',
	CLOSED: 'closed',
	RESOLVED: 'resolved'
};

/**
 * A field's problem as the API states it, in plain words: zod's "Too small: expected string to
 * have >=5 characters" becomes "needs at least 5 characters".
 */
export function fieldProblemText(message: string): string {
	const size =
		/^Too (small|big): expected (string|array) to have ([<>]=?)(\d+) (characters|items)/.exec(
			message
		);
	if (size) {
		const [, , kind, , limitText] = size;
		const limit = Number(limitText);
		const small = size[1] === 'small';
		if (kind === 'string' && small && limit === 1) return 'cannot be empty';
		const unit = kind === 'string' ? 'characters' : 'options';
		return `${small ? 'needs at least' : 'may have at most'} ${limit} ${unit}`;
	}
	if (/expected a valid date/.test(message)) return 'needs a date and time';
	return message;
}

// en-US as on every support page; a close time to the minute.
const closeTimeFormat = new Intl.DateTimeFormat('en-US', {
	dateStyle: 'medium',
	timeStyle: 'short'
});

/** "Dec 26, 2026, 8:00 PM". */
export function formatCloseTime(at: Date): string {
	return closeTimeFormat.format(at);
}

/** A date as a datetime-local input holds it: the browser's local time, to the minute. */
export function toLocalInputValue(at: Date): string {
	const pad = (n: number) => String(n).padStart(2, '0');
	return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}`;
}

/** A datetime-local input's value as a date (local time), or null when it holds none. */
export function fromLocalInputValue(value: string): Date | null {
	if (!value) return null;
	const at = new Date(value);
	return Number.isNaN(at.getTime()) ? null : at;
}

// The account activity in words, for the trader's API keys page and support's user page: what
// happened, to which key, what signing out everywhere ended, and what an admin's cash adjustment
// moved.
import type {
	AccessActivityFields,
	AccountActivityFields,
	AccountAuditAction,
	CashAdjustment,
	EndedSessions
} from '$lib/shared/account-activity';
import { formatCents } from '$lib/shared/format';

export const activityActionText: Record<AccountAuditAction, string> = {
	API_KEY_CREATED: 'Key created',
	API_KEY_REVOKED: 'Key revoked',
	SESSIONS_REVOKED: 'Signed out everywhere',
	CASH_ADJUSTED: 'Cash adjusted'
};

/** "Cash credited $12.34" or "Cash debited $12.34". */
export function cashAdjustmentText({ amountCents }: Pick<CashAdjustment, 'amountCents'>): string {
	return `Cash ${amountCents > 0 ? 'credited' : 'debited'} ${formatCents(Math.abs(amountCents))}`;
}

/** What an entry did, in a few words: its action, or for a cash adjustment what it moved. */
export function activityText(entry: AccessActivityFields | AccountActivityFields): string {
	const cash = 'cash' in entry ? entry.cash : null;
	return cash ? cashAdjustmentText(cash) : activityActionText[entry.action];
}

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** "Ended 2 browser sign-ins and 1 API key". */
export function endedSessionsText({ revoked, apiKeys }: EndedSessions): string {
	const browsers = revoked - apiKeys;
	const parts = [
		browsers > 0 ? count(browsers, 'browser sign-in', 'browser sign-ins') : null,
		apiKeys > 0 ? count(apiKeys, 'API key', 'API keys') : null
	].filter((part) => part !== null);
	return parts.length === 0 ? 'Ended nothing' : `Ended ${parts.join(' and ')}`;
}

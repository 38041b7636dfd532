// The account activity in words, for the trader's API keys page and support's user page: what
// happened, to which key, and what signing out everywhere ended.
import type { AccountAuditAction, EndedSessions } from '$lib/shared/account-activity';

export const activityActionText: Record<AccountAuditAction, string> = {
	API_KEY_CREATED: 'Key created',
	API_KEY_REVOKED: 'Key revoked',
	SESSIONS_REVOKED: 'Signed out everywhere'
};

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

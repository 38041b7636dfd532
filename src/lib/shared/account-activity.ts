// The account activity: API keys made and revoked and every session ended, as the trader sees
// it on their API keys page and as support staff see it on a user's page.
import { z } from 'zod';
import { ApiKeyAccess } from './api-keys';

export const accountAuditActions = [
	'API_KEY_CREATED',
	'API_KEY_REVOKED',
	'SESSIONS_REVOKED'
] as const;
export const AccountAuditAction = z.enum(accountAuditActions);
export type AccountAuditAction = z.infer<typeof AccountAuditAction>;

/** Entries per page of apiKeys.activity unless told. */
export const ACCOUNT_ACTIVITY_PAGE = 20;

/** The key an entry is about, as it was then. */
export const AuditedApiKey = z.strictObject({
	id: z.string(),
	label: z.string(),
	access: ApiKeyAccess,
	hint: z.string(),
	expiresAt: z.date()
});
export type AuditedApiKey = z.infer<typeof AuditedApiKey>;

/** What signing a user out everywhere ended: every session, and how many of them were API keys. */
export const EndedSessions = z.strictObject({
	revoked: z.number().int().nonnegative(),
	apiKeys: z.number().int().nonnegative()
});
export type EndedSessions = z.infer<typeof EndedSessions>;

const AccountActivityFields = z.strictObject({
	/** A decimal id; larger is newer. */
	id: z.string(),
	action: AccountAuditAction,
	createdAt: z.date(),
	/** For API_KEY_CREATED and API_KEY_REVOKED; null otherwise. */
	key: AuditedApiKey.nullable(),
	/** For SESSIONS_REVOKED; null otherwise. */
	sessions: EndedSessions.nullable()
});
/** What every view of an entry has, whoever reads it. */
export type AccountActivityFields = z.infer<typeof AccountActivityFields>;

/** An entry as the account's owner sees it: who did it is "you" or staff, who are not named. */
export const MyAccountActivity = AccountActivityFields.extend({
	actor: z.enum(['SELF', 'STAFF'])
});
export type MyAccountActivity = z.infer<typeof MyAccountActivity>;

/** An entry as support staff see it: who did it, and from which client address. */
export const AccountActivityForStaff = AccountActivityFields.extend({
	actor: z.strictObject({ id: z.uuid(), email: z.string() }),
	clientAddress: z.string().nullable()
});
export type AccountActivityForStaff = z.infer<typeof AccountActivityForStaff>;

// The account activity: API keys made and revoked and every session ended, as the trader sees it
// on their API keys page, and with admins' credits and debits of a trader's cash, as support
// staff see it on a user's page.
import { z } from 'zod';
import { ApiKeyAccess } from './api-keys';

/** Changes to who may act as a user: what the trader's own activity lists. */
export const accessAuditActions = [
	'API_KEY_CREATED',
	'API_KEY_REVOKED',
	'SESSIONS_REVOKED'
] as const;
export const AccessAuditAction = z.enum(accessAuditActions);
export type AccessAuditAction = z.infer<typeof AccessAuditAction>;

export const accountAuditActions = [...accessAuditActions, 'CASH_ADJUSTED'] as const;
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

/** An admin's correction of a trader's cash: what moved, the ledger journal that moved it, why. */
export const CashAdjustment = z.strictObject({
	/** Positive for a credit, negative for a debit. */
	amountCents: z.number().int(),
	journalId: z.string(),
	reason: z.string()
});
export type CashAdjustment = z.infer<typeof CashAdjustment>;

const AccessActivityFields = z.strictObject({
	/** A decimal id; larger is newer. */
	id: z.string(),
	action: AccessAuditAction,
	createdAt: z.date(),
	/** For API_KEY_CREATED and API_KEY_REVOKED; null otherwise. */
	key: AuditedApiKey.nullable(),
	/** For SESSIONS_REVOKED; null otherwise. */
	sessions: EndedSessions.nullable()
});
/** What every view of a change to who may act as a user has, whoever reads it. */
export type AccessActivityFields = z.infer<typeof AccessActivityFields>;

const AccountActivityFields = AccessActivityFields.extend({
	action: AccountAuditAction,
	/** For CASH_ADJUSTED; null otherwise. */
	cash: CashAdjustment.nullable()
});
/** Every entry of the account audit, cash adjustments too. */
export type AccountActivityFields = z.infer<typeof AccountActivityFields>;

/**
 * An entry as the account's owner sees it: who did it is "you" or staff, who are not named.
 * Only changes to who may act as them: a cash adjustment shows in their cash history instead.
 */
export const MyAccountActivity = AccessActivityFields.extend({
	actor: z.enum(['SELF', 'STAFF'])
});
export type MyAccountActivity = z.infer<typeof MyAccountActivity>;

/** An entry as support staff see it: who did it, and from which client address. */
export const AccountActivityForStaff = AccountActivityFields.extend({
	actor: z.strictObject({ id: z.uuid(), email: z.string() }),
	clientAddress: z.string().nullable()
});
export type AccountActivityForStaff = z.infer<typeof AccountActivityForStaff>;

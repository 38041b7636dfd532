// What the market audit records: the actions, and the market's state an entry keeps before and
// after a change, shared by the server that writes and reads it and the staff pages that show it.
import { z } from 'zod';
import type { MarketStatus } from './markets';

export const marketAuditActions = [
	'CREATE',
	'HALT',
	'REOPEN',
	'CLOSE',
	'RESOLVE',
	'VOID',
	'CLOSE_TIME'
] as const;
export const MarketAuditAction = z.enum(marketAuditActions);
export type MarketAuditAction = z.infer<typeof MarketAuditAction>;

/**
 * A market as an audit entry has it before or after a change (stored as JSON, so `closesAt` is
 * an ISO string). Every entry has `status` and `closesAt`; the rest is there where it applies.
 */
export interface MarketAuditState {
	status: MarketStatus;
	closesAt: string;
	/** CREATE: the market as it was made. */
	title?: string;
	options?: { id: string; label: string }[];
	/** CLOSE, RESOLVE, VOID: resting orders cancelled. */
	cancelledOrders?: number;
	/** RESOLVE and VOID: how it ended, and what was paid out or refunded. */
	resolution?: 'OPTION' | 'VOID';
	winningOptionId?: string;
	winningOptionLabel?: string;
	settledPositions?: number;
	paidCents?: number;
}

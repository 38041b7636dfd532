// The entries of a market's audit trail as admin.markets.audit gives them.
import type { RouterOutputs } from '$lib/trpc/types';

export type MarketAuditEntry = RouterOutputs['admin']['markets']['audit']['entries'][number];

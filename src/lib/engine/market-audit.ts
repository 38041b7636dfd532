// Writes the market audit: one append-only row per change to a market (its status or its close
// time), inside the transaction that makes the change, so that neither lands without the other.
import type pg from 'pg';
import type { MarketAuditAction, MarketAuditState } from '$lib/shared/market-audit';

/** Who changed a market and why: an admin, or the app itself (`actorId` null, e.g. the closer). */
export interface MarketActor {
	actorId: string | null;
	reason?: string | null;
}

/** A change the app made on its own, with no one to name. */
export const BY_THE_APP: MarketActor = { actorId: null, reason: null };

/** Records a change to the market; call it inside the transaction that makes it. */
export async function recordMarketChange(
	client: pg.ClientBase,
	marketId: string,
	by: MarketActor,
	action: MarketAuditAction,
	before: MarketAuditState | null,
	after: MarketAuditState
): Promise<void> {
	await client.query(
		`INSERT INTO market_audit (market_id, action, actor_id, reason, before, after)
		 VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb)`,
		[
			marketId,
			action,
			by.actorId,
			by.reason ?? null,
			before === null ? null : JSON.stringify(before),
			JSON.stringify(after)
		]
	);
}

// The one check every rollout form makes before it sends: a reason the audit log can keep, by the
// rule the API holds it to, in words support staff read.
import { isReadableReason, REASON_RULE } from '$lib/shared/staff-reason';

/** The hint under every reason field, shown before anything is sent. */
export const REASON_HINT = `Say why in ${REASON_RULE}.`;

export const REASON_MISSING = 'Give a reason for this change: it is kept in the audit log.';
export const REASON_UNREADABLE = `Give a reason of ${REASON_RULE}: it is kept in the audit log.`;

export function reasonError(reason: string): string | null {
	if (!reason.trim()) return REASON_MISSING;
	return isReadableReason(reason) ? null : REASON_UNREADABLE;
}

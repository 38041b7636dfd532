// The one check every rollout form makes before it sends: a reason, in words support staff read.
export const REASON_MISSING = 'Give a reason for this change: it is kept in the audit log.';

export function reasonError(reason: string): string | null {
	return reason.trim() ? null : REASON_MISSING;
}

// What a staff change (a rollout flag, a market's status or close time) must say about why it was
// made, in one place: the API refuses a reason that breaks the rule, and the support site states
// the rule and checks it before it sends.
import { z } from 'zod';

export const MIN_REASON_LENGTH = 10;
export const MAX_REASON_LENGTH = 500;
/** Letters or digits, ignoring case: "xxxxxxxxxx" or "!!!!!!!!!!" says nothing a colleague can read. */
export const MIN_REASON_DISTINCT_CHARACTERS = 3;

/** The rule in words, for the API's error and the site's hint. */
export const REASON_RULE = `at least ${MIN_REASON_LENGTH} characters, with ${MIN_REASON_DISTINCT_CHARACTERS} or more different letters or digits`;

/** Whether a reason (as sent, before trimming) keeps to the rule. */
export function isReadableReason(reason: string): boolean {
	const text = reason.trim();
	const alphanumerics = text.toLowerCase().match(/[\p{L}\p{N}]/gu) ?? [];
	return (
		text.length >= MIN_REASON_LENGTH &&
		new Set(alphanumerics).size >= MIN_REASON_DISTINCT_CHARACTERS
	);
}

/**
 * Why staff changed something: trimmed, readable and bounded. One message per refusal, so that a reason
 * too long is not also reported as unreadable.
 */
export const StaffReason = z
	.string()
	.trim()
	.max(MAX_REASON_LENGTH, { abort: true })
	.refine(isReadableReason, { error: `give a reason of ${REASON_RULE}` });

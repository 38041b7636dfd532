// The amount an admin types to credit or debit a trader's cash ("12.34", "$1,000") as whole
// cents, read digit by digit with no floating point, or what is wrong with it in words.
import { MAX_CASH_ADJUSTMENT_CENTS } from '$lib/shared/cash-adjustment';
import { formatCents } from '$lib/shared/format';

export type AmountReading = { ok: true; cents: number } | { ok: false; error: string };

// Dollars as written: plain digits or grouped by thousands with commas, then up to any number of
// decimals (more than two is refused in words, not as "not a number"); cents alone as ".50".
const AMOUNT = /^\$?(?:(\d+|\d{1,3}(?:,\d{3})+)(?:\.(\d*))?|\.(\d+))$/;

export const AMOUNT_HINT = `Dollars and cents, e.g. 12.34 or $1,000; at most ${formatCents(MAX_CASH_ADJUSTMENT_CENTS)}.`;

export function parseCashAmount(text: string): AmountReading {
	const written = text.trim();
	if (!written) return { ok: false, error: 'Enter an amount in dollars and cents.' };
	if (/^[-−]/.test(written)) {
		return { ok: false, error: 'Enter the amount without a sign: choose credit or debit.' };
	}
	const match = AMOUNT.exec(written);
	if (!match) return { ok: false, error: 'Enter an amount like 12.34 or $1,000.' };
	const [, dollarsText = '0', decimalsAfterDollars, decimalsAlone] = match;
	const decimals = decimalsAfterDollars ?? decimalsAlone ?? '';
	if (decimals.length > 2) {
		return { ok: false, error: 'Enter at most two decimals: whole cents.' };
	}
	const dollars = BigInt(dollarsText.replaceAll(',', ''));
	const cents = dollars * 100n + BigInt(decimals.padEnd(2, '0'));
	if (cents === 0n) return { ok: false, error: 'Enter an amount above zero.' };
	if (cents > BigInt(MAX_CASH_ADJUSTMENT_CENTS)) {
		return {
			ok: false,
			error: `Enter at most ${formatCents(MAX_CASH_ADJUSTMENT_CENTS)} at a time.`
		};
	}
	return { ok: true, cents: Number(cents) };
}

// How long a locked-out sign-in must wait, in words: "15 minutes", "1 minute", "40 seconds".

const plural = (count: number, unit: string) => `${count} ${unit}${count === 1 ? '' : 's'}`;

/** Rounded up, so a trader who waits as long as it says is let in. */
export function waitText(waitMs: number): string {
	const seconds = Math.max(1, Math.ceil(waitMs / 1000));
	if (seconds < 60) return plural(seconds, 'second');
	return plural(Math.ceil(seconds / 60), 'minute');
}

// Keeps a subscription running while a page shows it. tRPC resumes a stream by itself after a
// reconnect; when that resume is refused, or the stream ends with an error, it is opened afresh
// (unless the session has ended).
// After every reconnect `resync` re-reads the state the stream's updates build on.
import { connection } from './connection.svelte';
import { isSignedOut } from './errors';

interface Unsubscribable {
	unsubscribe(): void;
}

export interface FollowOptions {
	/** Re-read what the stream's updates apply to (after a reconnect or a restart). */
	resync?: () => void;
}

/** `open` starts the subscription and reports its error; returns a function that stops it. */
export function follow(
	open: (onError: (error: unknown) => void) => Unsubscribable,
	{ resync }: FollowOptions = {}
): () => void {
	let stopped = false;
	let current: Unsubscribable | null = null;
	let retry: ReturnType<typeof setTimeout> | undefined;
	let failures = 0;

	const start = () => {
		current = open((error) => {
			current?.unsubscribe();
			current = null;
			if (stopped || isSignedOut(error)) return;
			// A refused stream is retried with growing pauses, so a persistent refusal costs little.
			const delayMs = Math.min(500 * 2 ** failures++, 10_000);
			retry = setTimeout(() => {
				if (stopped) return;
				resync?.();
				start();
			}, delayMs);
		});
	};
	start();
	const stopResume = connection.onResume(() => {
		failures = 0;
		resync?.();
	});
	return () => {
		stopped = true;
		clearTimeout(retry);
		stopResume();
		current?.unsubscribe();
	};
}

// Keeps a subscription running while a page shows it. tRPC resumes a stream by itself after a
// reconnect; when that resume is refused, or the stream ends with an error, it is opened afresh
// (unless the session has ended).
// `resync` re-reads the state the stream's updates build on: once each stream has started (what
// changed between the page's load and the stream's start comes in no update), and after every
// reconnect.
import { connection } from './connection.svelte';
import { isSignedOut } from './errors';

interface Unsubscribable {
	unsubscribe(): void;
}

export interface FollowOptions {
	/** Re-read what the stream's updates apply to: once it has started, and after a reconnect. */
	resync?: () => void;
}

/** The callbacks `open` hands the subscription, beside its own `onData`. */
export interface StreamCallbacks {
	onStarted: () => void;
	onError: (error: unknown) => void;
}

/** `open` starts the subscription with `callbacks`; returns a function that stops it. */
export function follow(
	open: (callbacks: StreamCallbacks) => Unsubscribable,
	{ resync }: FollowOptions = {}
): () => void {
	let stopped = false;
	let current: Unsubscribable | null = null;
	let retry: ReturnType<typeof setTimeout> | undefined;
	let failures = 0;

	const start = () => {
		current = open({
			// Read only now: from here on every change comes as an update, so none falls between.
			onStarted: () => resync?.(),
			onError: (error) => {
				current?.unsubscribe();
				current = null;
				if (stopped || isSignedOut(error)) return;
				// A refused stream is retried with growing pauses, so a persistent refusal costs little.
				const delayMs = Math.min(500 * 2 ** failures++, 10_000);
				retry = setTimeout(() => {
					if (!stopped) start();
				}, delayMs);
			}
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

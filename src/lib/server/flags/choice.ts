// What the engine router asks the flags: which engine serves this user in this market, and which
// rule decided (so that support staff can be told why).
import type { EngineName } from '$lib/shared/orders';

/** The rules in the order they are tried: the first that applies decides. */
export type EngineRule = 'USER' | 'MARKET' | 'GLOBAL' | 'DEFAULT';

export interface EngineChoice {
	engine: EngineName;
	rule: EngineRule;
	/** In words, e.g. "user flag set by support@betwise.dev: remote". */
	explanation: string;
}

export interface EngineTarget {
	/** The signed-in user, or null for calls made for no one (a public book read). */
	userId: string | null;
	/** The market the call is about, or null when it spans markets (positions, cancel-all). */
	marketId: string | null;
}

export interface EngineResolver {
	resolve(target: EngineTarget): Promise<EngineChoice>;
}

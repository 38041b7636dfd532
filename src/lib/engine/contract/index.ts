// The trading engine contract suite: run it with describeTradingEngine(label, makeEngine).
export { describeTradingEngine } from './describe-trading-engine';
export type { ContractMarket, EngineUnderTest } from './describe-trading-engine';

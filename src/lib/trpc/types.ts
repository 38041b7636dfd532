// What the API's procedures return, inferred from the router's type (no hand-copied shapes).
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '$lib/server/trpc/root';

export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type RouterInputs = inferRouterInputs<AppRouter>;

export type BookView = RouterOutputs['books']['get'];
export type BookLevel = BookView['bids'][number];
export type TradeView = RouterOutputs['books']['trades'][number];
export type Candle = RouterOutputs['books']['candles'][number];
export type PlaceResult = RouterOutputs['orders']['place'];
export type AmendResult = RouterOutputs['orders']['amend'];
export type Balance = RouterOutputs['account']['balance'];
export type Position = RouterOutputs['positions']['mine']['positions'][number];
export type LedgerRow = RouterOutputs['account']['ledger']['items'][number];
export type OrderFills = RouterOutputs['orders']['get']['fills'];

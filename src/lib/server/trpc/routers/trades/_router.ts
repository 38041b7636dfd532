import { router } from '../../init';
import { publicProcedure } from '../../procedures';
import { onTrade, onTradeInput } from './on-trade.handler';

export const tradesRouter = router({
	onTrade: publicProcedure.input(onTradeInput).subscription(onTrade)
});

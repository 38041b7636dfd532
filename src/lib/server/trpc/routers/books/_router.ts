import { router } from '../../init';
import { publicProcedure } from '../../procedures';
import { candles } from './candles.handler';
import { candlesInput, candlesOutput } from './candles.schema';
import { getBook } from './get.handler';
import { onBookUpdate } from './on-update.handler';
import { onUpdateInput } from './on-update.schema';
import { getInput, getOutput } from './get.schema';
import { recentTrades } from './trades.handler';
import { tradesInput, tradesOutput } from './trades.schema';

export const booksRouter = router({
	get: publicProcedure.input(getInput).output(getOutput).query(getBook),
	trades: publicProcedure.input(tradesInput).output(tradesOutput).query(recentTrades),
	candles: publicProcedure.input(candlesInput).output(candlesOutput).query(candles),
	onUpdate: publicProcedure.input(onUpdateInput).subscription(onBookUpdate)
});

import { router } from '../../init';
import { onMyOrderUpdates } from './on-my-updates.handler';
import { onMyUpdatesInput } from './on-my-updates.schema';
import { authedProcedure } from '../../procedures';
import { amendOrder } from './amend.handler';
import { amendInput, amendOutput } from './amend.schema';
import { cancelAllOrders, cancelOrder, cancelOrderBatch } from './cancel.handler';
import {
	cancelAllInput,
	cancelAllOutput,
	cancelBatchInput,
	cancelBatchOutput,
	cancelInput,
	cancelOutput
} from './cancel.schema';
import { getOrder, listOrders } from './list.handler';
import { getInput, getOutput, listInput, listOutput } from './list.schema';
import { placeOrder, placeOrderBatch } from './place.handler';
import { placeBatchInput, placeBatchOutput, placeInput, placeOutput } from './place.schema';

export const ordersRouter = router({
	place: authedProcedure.input(placeInput).output(placeOutput).mutation(placeOrder),
	placeBatch: authedProcedure
		.input(placeBatchInput)
		.output(placeBatchOutput)
		.mutation(placeOrderBatch),
	amend: authedProcedure.input(amendInput).output(amendOutput).mutation(amendOrder),
	cancel: authedProcedure.input(cancelInput).output(cancelOutput).mutation(cancelOrder),
	cancelBatch: authedProcedure
		.input(cancelBatchInput)
		.output(cancelBatchOutput)
		.mutation(cancelOrderBatch),
	cancelAll: authedProcedure
		.input(cancelAllInput)
		.output(cancelAllOutput)
		.mutation(cancelAllOrders),
	list: authedProcedure.input(listInput).output(listOutput).query(listOrders),
	get: authedProcedure.input(getInput).output(getOutput).query(getOrder),
	onMyUpdates: authedProcedure.input(onMyUpdatesInput).subscription(onMyOrderUpdates)
});

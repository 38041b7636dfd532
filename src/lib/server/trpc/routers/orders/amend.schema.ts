import { AmendOrderInput } from '$lib/shared/orders';
import { placeOutput } from './place.schema';

export const amendInput = AmendOrderInput;
/** The amended order, and the fills its new price made. */
export const amendOutput = placeOutput;

export type AmendInput = AmendOrderInput;

// One price on one side of the book: a FIFO queue of resting orders (an intrusive doubly
// linked list through the order nodes) with its running total, kept in step on every change.

import type { OrderNode } from './order-node';
import type { Side } from './types';

export class PriceLevel {
	head: OrderNode | null = null;
	tail: OrderNode | null = null;
	totalQuantity = 0;
	orderCount = 0;
	/** Id of the last command that touched this level, so each level reports one delta. */
	touchedBy = 0;

	constructor(
		readonly side: Side,
		readonly priceCents: number
	) {}

	append(node: OrderNode): void {
		node.level = this;
		node.next = null;
		node.prev = this.tail;
		if (this.tail === null) this.head = node;
		else this.tail.next = node;
		this.tail = node;
		this.totalQuantity += node.quantity;
		this.orderCount++;
	}

	/** Places the node by its priority; O(1) when nodes arrive in priority order. */
	insertByPriority(node: OrderNode): void {
		let after = this.tail;
		while (after !== null && after.priority > node.priority) after = after.prev;
		if (after === this.tail) {
			this.append(node);
			return;
		}
		node.level = this;
		node.prev = after;
		node.next = after === null ? this.head : after.next;
		if (node.next !== null) node.next.prev = node;
		if (after === null) this.head = node;
		else after.next = node;
		this.totalQuantity += node.quantity;
		this.orderCount++;
	}

	unlink(node: OrderNode): void {
		const { prev, next } = node;
		if (prev === null) this.head = next;
		else prev.next = next;
		if (next === null) this.tail = prev;
		else next.prev = prev;
		node.prev = null;
		node.next = null;
		node.level = null;
		this.totalQuantity -= node.quantity;
		this.orderCount--;
	}
}

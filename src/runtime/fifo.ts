/**
 * A first-in, first-out list whose `shift` costs the same at any length. An array's shift
 * moves every remaining item: a cold start queues every entity at once, and at 100,000 keys
 * taking them off one by one cost seconds. Items are read from a head index, and the array is
 * cut only when the head has passed half of it, so memory stays within twice what is held.
 */
export class Fifo<T> {
  private items: T[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head++];
    if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  clear(): void {
    this.items = [];
    this.head = 0;
  }
}

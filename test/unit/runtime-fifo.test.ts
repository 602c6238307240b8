import { describe, expect, it } from '@jest/globals';
import { Fifo } from '../../src/runtime/fifo.ts';

describe('the work queue’s first-in, first-out list', () => {
  it('when thousands of keys are added and taken in turns, then they come out in the order they went in, and the length is what is held', () => {
    const fifo = new Fifo<number>();
    const out: number[] = [];
    let next = 0;
    for (let round = 0; round < 30; round++) {
      for (let i = 0; i < 500 + round * 7; i++) fifo.push(next++);
      for (let i = 0; i < 450; i++) out.push(fifo.shift()!);
      expect(fifo.length).toBe(next - out.length);
    }
    while (fifo.length > 0) out.push(fifo.shift()!);
    expect(out).toEqual(Array.from({ length: next }, (_, i) => i));
    expect(fifo.shift()).toBeUndefined();
    fifo.push(1);
    fifo.clear();
    expect(fifo.length).toBe(0);
  });
});

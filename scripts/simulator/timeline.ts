// The live feed: every webhook of the stories in play, by trigger time, plus new orders arriving at
// the seed's rate. `due(now)` hands out what Shopify would have sent by then.
import type { Generator, OrderStory, SimWebhook } from "./generator";

class MinHeap<T> {
  private items: T[] = [];
  constructor(private readonly less: (a: T, b: T) => boolean) {}
  get size(): number {
    return this.items.length;
  }
  peek(): T | undefined {
    return this.items[0];
  }
  push(x: T): void {
    const a = this.items;
    a.push(x);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(a[i] as T, a[p] as T)) break;
      [a[i], a[p]] = [a[p] as T, a[i] as T];
      i = p;
    }
  }
  pop(): T | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last !== undefined) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.less(a[l] as T, a[m] as T)) m = l;
        if (r < a.length && this.less(a[r] as T, a[m] as T)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m] as T, a[i] as T];
        i = m;
      }
    }
    return top;
  }
}

export class Timeline {
  private readonly heap = new MinHeap<{ w: SimWebhook; seq: number }>(
    (a, b) => a.w.at.getTime() - b.w.at.getTime() < 0 || (a.w.at.getTime() === b.w.at.getTime() && a.seq < b.seq),
  );
  private seq = 0;
  private nextLive: OrderStory;
  /** Stories that entered the feed (seeded ones and live ones), by order index. */
  readonly stories = new Map<number, OrderStory>();

  constructor(
    private readonly gen: Generator,
    firstLiveIndex: number,
  ) {
    this.nextLive = gen.story(firstLiveIndex);
  }

  /** Adds a story's webhooks that are after `after` (the rest were delivered by the seed). */
  add(story: OrderStory, after: Date | null = null): void {
    this.stories.set(story.index, story);
    for (const w of story.webhooks)
      if (!after || w.at.getTime() > after.getTime()) this.heap.push({ w, seq: this.seq++ });
  }

  get waiting(): number {
    return this.heap.size;
  }

  /** When the next webhook is due (a live order's arrival included). */
  nextAt(): Date {
    const first = this.heap.peek()?.w.at.getTime() ?? Infinity;
    const live = this.nextLive.webhooks[0]?.at.getTime() ?? Infinity;
    return new Date(Math.min(first, live));
  }

  /** Everything due by `now`, in trigger order; new orders join the feed as they are placed. */
  due(now: Date): SimWebhook[] {
    const t = now.getTime();
    while ((this.nextLive.webhooks[0]?.at.getTime() ?? Infinity) <= t) {
      this.add(this.nextLive);
      this.nextLive = this.gen.story(this.nextLive.index + 1);
    }
    const out: SimWebhook[] = [];
    while (this.heap.size > 0 && (this.heap.peek()?.w.at.getTime() ?? Infinity) <= t)
      out.push((this.heap.pop() as { w: SimWebhook }).w);
    return out;
  }
}

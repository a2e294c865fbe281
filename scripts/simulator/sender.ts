// Delivers simulated webhooks over HTTP the way Shopify does: signed, with bounded concurrency and an
// optional rate limit, at-least-once (a share of deliveries is repeated with the same webhook id) and
// without ordering guarantees (a share is held back behind later ones). Retries 5xx and network
// errors with backoff, as Shopify retries failed deliveries.
import type { SimWebhook } from "./generator";
import { Random } from "./random";
import { webhookPath, webhookHeaders } from "./signer";

export interface SenderOptions {
  baseUrl: string;
  secret: string;
  /** Deliveries in flight at once. */
  concurrency?: number;
  /** Deliveries started per second at most (unlimited when absent). */
  ratePerSecond?: number;
  /** Share of webhooks delivered twice (same X-Shopify-Webhook-Id). Shopify: at-least-once. */
  duplicateRate?: number;
  /** Share of webhooks held back behind a few later ones. */
  reorderRate?: number;
  seed?: string | number;
  retries?: number;
  fetch?: typeof fetch;
  /** Called after each delivery attempt settles. */
  onDelivered?: (w: SimWebhook, status: number, duplicate: boolean) => void;
}

export interface SenderStats {
  delivered: number;
  duplicates: number;
  reordered: number;
  retried: number;
  failed: number;
  byStatus: Record<number, number>;
}

interface Item {
  w: SimWebhook;
  duplicate: boolean;
}

export class Sender {
  readonly stats: SenderStats = { delivered: 0, duplicates: 0, reordered: 0, retried: 0, failed: 0, byStatus: {} };
  private readonly queue: Item[] = [];
  private readonly rng: Random;
  private inFlight = 0;
  private nextStart = 0;
  private idle: (() => void)[] = [];
  private stopped = false;
  private readonly opts: Required<Omit<SenderOptions, "ratePerSecond" | "onDelivered" | "seed">> &
    Pick<SenderOptions, "ratePerSecond" | "onDelivered">;

  constructor(options: SenderOptions) {
    this.opts = {
      concurrency: 8,
      duplicateRate: 0.03,
      reorderRate: 0.02,
      retries: 5,
      fetch: globalThis.fetch.bind(globalThis),
      ...options,
    };
    this.rng = new Random(options.seed ?? "sender");
  }

  /** Webhooks waiting or in flight. */
  get pending(): number {
    return this.queue.length + this.inFlight;
  }

  /** Queues webhooks in the order given; duplicates and hold-backs are injected here. */
  enqueue(webhooks: readonly SimWebhook[]): void {
    for (const w of webhooks) {
      const item: Item = { w, duplicate: false };
      if (this.rng.chance(this.opts.reorderRate)) {
        // Held back: delivered after the next few webhooks instead of before them.
        this.holdBack.push({ item, after: this.rng.int(1, 6) });
        this.stats.reordered++;
      } else {
        this.queue.push(item);
        this.releaseHeld();
      }
      if (this.rng.chance(this.opts.duplicateRate)) {
        // Redelivered with the same webhook id, a little later (Shopify did not see our 200 in time).
        this.holdBack.push({ item: { w, duplicate: true }, after: this.rng.int(0, 20) });
        this.stats.duplicates++;
      }
    }
    this.pump();
  }

  private holdBack: { item: Item; after: number }[] = [];

  private releaseHeld(): void {
    for (const h of this.holdBack) h.after--;
    const ready = this.holdBack.filter((h) => h.after <= 0);
    this.holdBack = this.holdBack.filter((h) => h.after > 0);
    for (const h of ready) this.queue.push(h.item);
  }

  /** Resolves when everything queued (and held back) has been delivered. */
  async drain(): Promise<void> {
    for (const h of this.holdBack) this.queue.push(h.item);
    this.holdBack = [];
    this.pump();
    if (this.pending === 0) return;
    await new Promise<void>((resolve) => this.idle.push(resolve));
  }

  stop(): void {
    this.stopped = true;
    this.queue.length = 0;
    this.holdBack = [];
    if (this.inFlight === 0) this.flushIdle();
  }

  private flushIdle(): void {
    const waiting = this.idle;
    this.idle = [];
    for (const r of waiting) r();
  }

  private pump(): void {
    while (!this.stopped && this.inFlight < this.opts.concurrency && this.queue.length > 0) {
      const now = Date.now();
      if (this.opts.ratePerSecond && now < this.nextStart) {
        setTimeout(() => this.pump(), this.nextStart - now);
        return;
      }
      if (this.opts.ratePerSecond) this.nextStart = Math.max(now, this.nextStart) + 1000 / this.opts.ratePerSecond;
      const item = this.queue.shift() as Item;
      this.inFlight++;
      void this.deliver(item).finally(() => {
        this.inFlight--;
        if (this.pending === 0 && this.holdBack.length === 0) this.flushIdle();
        else if (this.queue.length === 0 && this.inFlight === 0 && this.holdBack.length > 0) {
          for (const h of this.holdBack) this.queue.push(h.item);
          this.holdBack = [];
        }
        this.pump();
      });
    }
  }

  private async deliver({ w, duplicate }: Item): Promise<void> {
    const url = new URL(webhookPath(w.topic), this.opts.baseUrl);
    for (let attempt = 0; ; attempt++) {
      let status = 0;
      try {
        const res = await this.opts.fetch(url, {
          method: "POST",
          headers: webhookHeaders(w, this.opts.secret),
          body: w.body,
        });
        status = res.status;
        await res.arrayBuffer();
      } catch {
        status = 0;
      }
      if ((status === 0 || status >= 500) && attempt < this.opts.retries && !this.stopped) {
        this.stats.retried++;
        await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
        continue;
      }
      this.stats.byStatus[status] = (this.stats.byStatus[status] ?? 0) + 1;
      if (status >= 200 && status < 300) this.stats.delivered++;
      else this.stats.failed++;
      this.opts.onDelivered?.(w, status, duplicate);
      return;
    }
  }
}

/**
 * @module When a live event should wake the clinic number's drain to send the practice system its webhooks
 * (practice-webhooks.ts). The Durable Object asks this on every publish; it answers from memory and asks D1
 * whether the practice has webhook keys at most once a minute (losing the memory costs one query).
 */
import type { LiveEvent } from "../shared/live-protocol";
import { isWebhookEvent } from "./practice-webhooks";

/** Webhooks wait a moment so a burst of events goes out in one alarm run. */
export const WEBHOOK_DELAY_MS = 500;
/** How long the answer "this practice has (no) webhook keys" is trusted. */
export const WEBHOOK_CHECK_MS = 60_000;

export class WebhookNudge {
  private webhooksOn = false;
  private checkedAt: number | null = null;

  constructor(
    /** Whether the number's practice has webhook keys (webhookKeysForNumber in production). */
    private readonly hasWebhookKeys: (numberId: number) => Promise<boolean>,
    private readonly clock: () => number = Date.now,
  ) {}

  /** The moment the drain should run for this event's webhook, or null if it has none to send. */
  async dueAt(event: LiveEvent): Promise<number | null> {
    if (!isWebhookEvent(event)) return null;
    if (!(await this.hasWebhooks(event.numberId))) return null;
    return this.clock() + WEBHOOK_DELAY_MS;
  }

  private async hasWebhooks(numberId: number): Promise<boolean> {
    if (this.checkedAt !== null && this.checkedAt > this.clock() - WEBHOOK_CHECK_MS) return this.webhooksOn;
    this.webhooksOn = await this.hasWebhookKeys(numberId);
    this.checkedAt = this.clock();
    return this.webhooksOn;
  }
}

import { describe, it, vi } from "vitest";
import { runAlarmSteps, WEBHOOK_FAILURE_RETRY_MS } from "./number-alarm";

const NOW = 1_000_000;
const at = (nextAt: number | null) => () => Promise.resolve({ nextAt });
const fails = () => Promise.reject(new Error("webhook key unreadable"));

describe("runAlarmSteps", () => {
  const cases: [string, Parameters<typeof runAlarmSteps>[0], number | null][] = [
    ["nothing due anywhere: no next alarm", { drain: at(null), webhooks: at(null) }, null],
    ["only texts due", { drain: at(NOW + 1_000), webhooks: at(null) }, NOW + 1_000],
    ["only webhooks due", { drain: at(null), webhooks: at(NOW + 30_000) }, NOW + 30_000],
    ["both: the earlier one", { drain: at(NOW + 9_000), webhooks: at(NOW + 2_000) }, NOW + 2_000],
    [
      "broken webhooks retry in five minutes",
      { drain: at(null), webhooks: fails },
      NOW + WEBHOOK_FAILURE_RETRY_MS,
    ],
    ["broken webhooks never delay due texts", { drain: at(NOW + 1_000), webhooks: fails }, NOW + 1_000],
    [
      "an escalation due first rings first",
      { drain: at(NOW + 9_000), webhooks: at(null), escalation: at(NOW + 3_000) },
      NOW + 3_000,
    ],
    [
      "a broken escalation step retries in five minutes and never delays due texts",
      { drain: at(NOW + 1_000), webhooks: at(null), escalation: fails },
      NOW + 1_000,
    ],
    [
      "a broken escalation step alone: five minutes",
      { drain: at(null), webhooks: at(null), escalation: fails },
      NOW + WEBHOOK_FAILURE_RETRY_MS,
    ],
  ];
  for (const [name, steps, expected] of cases) {
    it(name, async ({ expect }) => {
      vi.spyOn(console, "error").mockImplementation(() => undefined);
      expect(await runAlarmSteps(steps, () => NOW)).toBe(expected);
      vi.restoreAllMocks();
    });
  }

  it("a drain that throws fails the alarm, so the runtime retries it", async ({ expect }) => {
    const webhooks = vi.fn(at(null));
    await expect(
      runAlarmSteps({ drain: () => Promise.reject(new Error("D1 down")), webhooks }),
    ).rejects.toThrow("D1 down");
    expect(webhooks).not.toHaveBeenCalled();
  });
});

import { fireEvent, render, waitFor } from "@solidjs/testing-library";
import { describe, expect, it } from "vitest";
import { apiError, fakeApi } from "../test/fake-api";
import { PushDevices } from "./push-devices";

const device = (id: number, label: string, failingSince: number | null = null) => ({
  id,
  endpoint: `https://push.example.test/${id}`,
  label,
  createdAt: Date.UTC(2026, 2, 1),
  lastSuccessAt: null,
  failingSince,
});

describe("the user's push devices", () => {
  it("lists the devices; Remove calls the API and the row disappears", async () => {
    let devices = [device(7, "Chrome on Android"), device(8, "Safari on iPhone", Date.UTC(2026, 2, 2))];
    const { sent } = fakeApi({
      "GET /api/push/subscriptions": () => ({ json: { devices } }),
      "DELETE /api/push/subscriptions/7": () => {
        const [removed] = devices.filter((d) => d.id === 7);
        devices = devices.filter((d) => d.id !== 7);
        return { json: { device: removed } };
      },
    });
    const screen = render(() => <PushDevices />);
    const list = await screen.findByRole("list", { name: "Devices that get notifications" });
    await waitFor(() => expect(list.querySelectorAll("li")).toHaveLength(2));
    expect(screen.getByText("Chrome on Android")).toBeInTheDocument();
    expect(screen.getByText(/Safari on iPhone/)).toHaveTextContent("(not reachable lately)");
    // jsdom has no PushManager: the page says so instead of offering a button that cannot work.
    expect(screen.getByText("This browser cannot receive notifications.")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Notify this device" })).not.toBeInTheDocument();

    fireEvent.click(screen.getByRole("button", { name: "Remove Chrome on Android" }));
    await waitFor(() => expect(screen.queryByText("Chrome on Android")).not.toBeInTheDocument());
    expect(list.querySelectorAll("li")).toHaveLength(1);
    expect(sent.filter((s) => s.method === "DELETE").map((s) => s.url.pathname)).toEqual([
      "/api/push/subscriptions/7",
    ]);
  });

  it("keeps the row and shows the refusal when Remove fails", async () => {
    fakeApi({
      "GET /api/push/subscriptions": { json: { devices: [device(9, "Firefox on Linux")] } },
      "DELETE /api/push/subscriptions/9": apiError(404, "not_found", "Push subscription not found."),
    });
    const screen = render(() => <PushDevices />);
    fireEvent.click(await screen.findByRole("button", { name: "Remove Firefox on Linux" }));
    expect(await screen.findByText("Push subscription not found.")).toBeInTheDocument();
    expect(screen.getByText("Firefox on Linux")).toBeInTheDocument();
  });
});

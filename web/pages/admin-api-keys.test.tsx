import { fireEvent, render, waitFor } from "@solidjs/testing-library";
import { describe, expect, it, vi } from "vitest";
import { fakeApi } from "../test/fake-api";
import AdminApiKeysPage from "./admin-api-keys";

const KEY = {
  id: 7,
  name: "PMS sync",
  prefix: "tdk_Ab12",
  createdAt: Date.UTC(2026, 10, 1),
  lastUsedAt: null,
  revokedAt: null,
  webhookUrl: null,
};

describe("API keys", () => {
  it("shows a new key's secret once and lists the key", async () => {
    let created = false;
    fakeApi({
      "GET /api/admin/api-keys": () => ({ json: { apiKeys: created ? [KEY] : [] } }),
      "POST /api/admin/api-keys": () => {
        created = true;
        return { status: 201, json: { apiKey: KEY, secret: "tdk_Ab12-the-whole-secret" } };
      },
    });
    const screen = render(() => <AdminApiKeysPage />);
    expect(await screen.findByText("No keys yet.")).toBeInTheDocument();
    fireEvent.input(screen.getByLabelText("Key name"), { target: { value: "PMS sync" } });
    fireEvent.click(screen.getByRole("button", { name: "Create key" }));
    expect(await screen.findByText("tdk_Ab12-the-whole-secret")).toBeInTheDocument();
    expect(await screen.findByRole("button", { name: "Revoke PMS sync" })).toBeInTheDocument();
  });

  it("revokes a key after confirmation", async () => {
    let revoked = false;
    const { sent } = fakeApi({
      "GET /api/admin/api-keys": () => ({
        json: { apiKeys: [revoked ? { ...KEY, revokedAt: Date.now() } : KEY] },
      }),
      "DELETE /api/admin/api-keys/7": () => {
        revoked = true;
        return { json: { apiKey: { ...KEY, revokedAt: Date.now() } } };
      },
    });
    vi.stubGlobal("confirm", () => true);
    const screen = render(() => <AdminApiKeysPage />);
    fireEvent.click(await screen.findByRole("button", { name: "Revoke PMS sync" }));
    await waitFor(() => expect(screen.getByText(/^Revoked/)).toBeInTheDocument());
    expect(sent.some((r) => r.method === "DELETE")).toBe(true);
  });
});

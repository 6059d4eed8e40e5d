/** Requesting, awaiting and downloading exports through the API, as the web app does. */
import Papa from "papaparse";
import { call } from "./helpers";

export type ExportView = {
  id: number;
  status: string;
  error: string | null;
  rows: number;
  downloadUrl: string | null;
  fileName: string;
};

export async function requestExport(cookie: string, json: Record<string, unknown>) {
  const res = await call("/api/exports", { cookie, json });
  if (res.status !== 202) throw new Error(`export request: ${res.status} ${await res.text()}`);
  return (await res.json<{ export: ExportView }>()).export;
}

/** Polls until the export is done or failed (it runs in waitUntil), with an explicit timeout. */
export async function waitForExport(cookie: string, id: number, timeoutMs = 10_000): Promise<ExportView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await call(`/api/exports/${id}`, { cookie });
    const view = (await res.json<{ export: ExportView }>()).export;
    if (view.status === "done" || view.status === "failed") return view;
    if (Date.now() > deadline) throw new Error(`export ${id} still ${view.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export async function download(cookie: string, view: ExportView) {
  if (!view.downloadUrl) throw new Error("export has no download");
  return call(view.downloadUrl, { cookie });
}

/** Parses a downloaded CSV (after checking and stripping its BOM) into header-keyed records. */
export function parseCsv(bytes: ArrayBuffer) {
  // Response.text() would silently drop the BOM, so look at the bytes.
  const head = new Uint8Array(bytes, 0, 3);
  if (head[0] !== 0xef || head[1] !== 0xbb || head[2] !== 0xbf) throw new Error("CSV has no UTF-8 BOM");
  const text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(new Uint8Array(bytes, 3));
  const parsed = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true });
  if (parsed.errors.length > 0) throw new Error(`CSV parse: ${parsed.errors[0]?.message ?? ""}`);
  return parsed.data;
}

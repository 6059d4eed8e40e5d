/**
 * A fake Twilio REST API on loopback (the bench config's TWILIO_API_BASE), so keyword replies and after-hours
 * alerts set off by benchmark traffic never leave the machine and never fail for want of a carrier.
 */
import http from "node:http";
import { randomSid } from "./twilio.ts";
import { FAKE_CARRIER_PORT } from "./server.ts";

/**
 * `onSend` sees every send as it arrives (its form fields, the wall-clock time it came in), for benchmarks
 * that measure when the carrier was called.
 */
export function startFakeCarrier(onSend?: (params: URLSearchParams, at: number) => void) {
  let sends = 0;
  const server = http.createServer((req, res) => {
    const at = Date.now();
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      sends++;
      onSend?.(new URLSearchParams(Buffer.concat(chunks).toString("utf8")), at);
      res.writeHead(201, { "content-type": "application/json" });
      res.end(JSON.stringify({ sid: randomSid(), status: "queued" }));
    });
  });
  server.listen(FAKE_CARRIER_PORT, "127.0.0.1");
  return {
    sends: () => sends,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * A fake Twilio for bench/mms.ts, in its own process: media downloads (one 500 KB JPEG), and sends and
 * deletes answered at once. Its own process because the bench's client times the webhook answers, and the
 * worker fetches the photo right as it answers: served from the client's event loop, writing 500 KB would
 * delay reading that answer and be counted as the app's time (a real carrier's host is another machine).
 *
 *   node bench/lib/fake-twilio-media.ts <port> <bytes>     GET /__served says how many photos it served
 */
import http from "node:http";
import { randomBytes } from "node:crypto";
import { randomSid } from "./twilio.ts";

const [port, bytes] = process.argv.slice(2).map(Number);
if (!port || !bytes) throw new Error("usage: fake-twilio-media.ts <port> <bytes>");
/** A JPEG's magic bytes, then noise: what the worker's type check needs, at the size the bench names. */
const photo = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(bytes - 4)]);
let served = 0;

http
  .createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      if (req.method === "GET" && req.url === "/__served") {
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ served }));
        return;
      }
      if (req.method === "GET" && /\/Media\/ME[0-9a-f]{32}$/.test(req.url ?? "")) {
        res.writeHead(200, { "content-type": "image/jpeg", "content-length": String(photo.byteLength) });
        res.end(photo);
        served++;
        return;
      }
      if (req.method === "DELETE") {
        res.writeHead(204).end();
        return;
      }
      res.writeHead(201, { "content-type": "application/json" });
      res.end(JSON.stringify({ sid: randomSid(), status: "queued" }));
    });
  })
  .listen(port, "127.0.0.1", () => process.send?.("listening"));

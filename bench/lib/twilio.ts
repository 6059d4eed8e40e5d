/** Twilio-style inbound webhooks for the benches, signed the documented way (HMAC-SHA1, base64). */
import { createHmac, randomBytes } from "node:crypto";
import { SIGNED_BASE } from "./server.ts";

/** The demo's Westside number and its fake Twilio account (worker/db/seed-demo.ts). */
export const WESTSIDE = "+15551230002";
const ACCOUNT_SID = "AC00000000000000000000000000000000";
const AUTH_TOKEN = "0123456789abcdef0123456789abcdef";

export const randomSid = () => `SM${randomBytes(16).toString("hex")}`;

export function sign(url: string, params: Record<string, string>, token = AUTH_TOKEN) {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, key) => acc + key + (params[key] ?? ""), url);
  return createHmac("sha1", token).update(data, "utf8").digest("base64");
}

/** A distinct inbound text as Twilio posts it (19 fields, empty geo fields included). */
export function inboundParams(from: string, body: string, sid = randomSid()): Record<string, string> {
  return {
    ToCountry: "US",
    ToState: "",
    SmsMessageSid: sid,
    NumMedia: "0",
    ToCity: "",
    FromZip: "",
    SmsSid: sid,
    FromState: "",
    SmsStatus: "received",
    FromCity: "",
    Body: body,
    FromCountry: "US",
    To: WESTSIDE,
    ToZip: "",
    NumSegments: "1",
    MessageSid: sid,
    AccountSid: ACCOUNT_SID,
    From: from,
    ApiVersion: "2010-04-01",
  };
}

/** A signed POST to `path` (signed as SIGNED_BASE + path, which is what the Worker rebuilds). */
export function signedPost(path: string, params: Record<string, string>) {
  return {
    method: "POST",
    path,
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-twilio-signature": sign(`${SIGNED_BASE}${path}`, params),
    },
    body: new URLSearchParams(params).toString(),
  };
}

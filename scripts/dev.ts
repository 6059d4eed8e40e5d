/**
 * `npm run dev`: everything a fresh clone needs, then the dev server.
 * 1. .dev.vars from .dev.vars.example if missing (fake local secrets, simulator on, demo seed on), with a
 *    fresh VAPID pair for Web Push in place of the example's placeholders (also filled into an older .dev.vars);
 *    and a random MEDIA_URL_SECRET (the photo links the carriers fetch);
 * 2. local D1 migrations (idempotent);
 * 3. `vite dev`: the SolidJS app and the Worker together. The demo practice seeds itself on first request.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
  const result = spawnSync(command, args, { stdio: "inherit", env });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

if (!existsSync(".dev.vars")) {
  copyFileSync(".dev.vars.example", ".dev.vars");
  console.log("Created .dev.vars from .dev.vars.example (local-only values).");
}
await fillVapidPair(".dev.vars");
fillMediaSecret(".dev.vars");

/**
 * The key that signs the outbound photo URLs the carriers fetch (worker/messaging/media.ts): random per clone
 * for the same reason as the VAPID pair. Also added to an older .dev.vars that lacks it.
 */
function fillMediaSecret(file: string) {
  const text = readFileSync(file, "utf8");
  if (/^MEDIA_URL_SECRET=(?!generated-by-npm-run-dev$).{16,}$/m.test(text)) return;
  const secret = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url");
  const line = /^MEDIA_URL_SECRET=.*$/m;
  let next = line.test(text)
    ? text.replace(line, `MEDIA_URL_SECRET=${secret}`)
    : `${text.trimEnd()}\nMEDIA_URL_SECRET=${secret}\n`;
  if (!/^MEDIA_ALLOW_LOOPBACK=/m.test(next)) next = `${next.trimEnd()}\nMEDIA_ALLOW_LOOPBACK=false\n`;
  writeFileSync(file, next);
  console.log(`Generated MEDIA_URL_SECRET for photo links in ${file}.`);
}

/**
 * Each clone gets its own VAPID pair (a private key in a public example file would let anyone push to the
 * browsers subscribed to a dev server). Formats as the Worker reads them (worker/push/vapid.ts): base64url of
 * the raw public point and of the private scalar `d`.
 */
async function fillVapidPair(file: string) {
  const text = readFileSync(file, "utf8");
  const placeholder = "generated-by-npm-run-dev";
  const has = (name: string) => new RegExp(`^${name}=(?!${placeholder}$).+$`, "m").test(text);
  if (has("VAPID_PUBLIC_KEY") && has("VAPID_PRIVATE_KEY")) return;
  const pair = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, [
    "sign",
    "verify",
  ]);
  const publicKey = Buffer.from(await crypto.subtle.exportKey("raw", pair.publicKey)).toString("base64url");
  const { d } = await crypto.subtle.exportKey("jwk", pair.privateKey);
  if (!d) throw new Error("exported P-256 key has no d");
  const values: Record<string, string> = { VAPID_PUBLIC_KEY: publicKey, VAPID_PRIVATE_KEY: d };
  let next = text;
  for (const [name, value] of Object.entries(values)) {
    const line = new RegExp(`^${name}=.*$`, "m");
    next = line.test(next) ? next.replace(line, `${name}=${value}`) : `${next.trimEnd()}\n${name}=${value}\n`;
  }
  for (const [name, value] of Object.entries({
    VAPID_SUBJECT: "mailto:dev@textdesk.invalid",
    PUSH_ALLOW_LOOPBACK: "false",
  })) {
    if (!new RegExp(`^${name}=`, "m").test(next)) next = `${next.trimEnd()}\n${name}=${value}\n`;
  }
  writeFileSync(file, next);
  console.log(`Generated a VAPID key pair for Web Push in ${file}.`);
}

const state = process.env.TEXTDESK_STATE;
run("wrangler", ["d1", "migrations", "apply", "DB", "--local", ...(state ? ["--persist-to", state] : [])], {
  ...process.env,
  CI: "true", // no interactive confirmation prompt
});
run("vite", ["dev", ...process.argv.slice(2)]);

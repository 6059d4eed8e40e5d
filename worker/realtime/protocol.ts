/**
 * The live socket protocol lives in worker/shared/live-protocol.ts, the one copy the web client reads too.
 * This name stays for the Durable Object's modules, which import it as their neighbour.
 */
export * from "../shared/live-protocol";

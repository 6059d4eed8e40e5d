/**
 * The queue's shapes, read off the API's own route types (Hono RPC), so the web never restates them and a
 * Worker change that breaks the screen fails `tsc`.
 */
import type { api, Ok } from "./api";

type QueuePage = Ok<
  Awaited<ReturnType<(typeof api.api.queue.numbers)[":numberId"]["conversations"]["search"]["$post"]>>
>;
type ThreadPage = Ok<Awaited<ReturnType<(typeof api.api.conversations)[":id"]["messages"]["$get"]>>>;
type CatchUp = Ok<Awaited<ReturnType<typeof api.api.live.events.$get>>>;
type ConversationAnswer = Ok<Awaited<ReturnType<(typeof api.api.conversations)[":id"]["$get"]>>>;

export type Conversation = QueuePage["conversations"][number];
export type LiveMessage = ThreadPage["messages"][number];
export type LiveEvent = CatchUp["events"][number];
export type MessageStatus = LiveMessage["status"];
export type OptOutChange = ConversationAnswer["optOutHistory"][number];
export type OptOutReview = ConversationAnswer["optOutReviews"][number];
export type ClinicNumber = { id: number; e164: string; label: string };

/**
 * Request bodies as the routes' own validators type them (read off AppType, the Hono RPC contract the web
 * client uses). Test builders write `{ ... } satisfies StaffText`, so a field a route renames, drops or
 * newly requires fails tsc in the tests instead of turning them into tests of a 400.
 */
import type { hc, InferRequestType } from "hono/client";
import type { AppType } from "../app";

type Api = ReturnType<typeof hc<AppType>>["api"];

export type StaffText = InferRequestType<Api["messages"]["$post"]>["json"];
export type NewApiKey = InferRequestType<Api["admin"]["api-keys"]["$post"]>["json"];
export type KeyWebhook = InferRequestType<Api["admin"]["api-keys"][":id"]["webhook"]["$put"]>["json"];

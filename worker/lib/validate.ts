import type { ValidationTargets } from "hono";
import { validator } from "hono-openapi";
import type { StandardSchemaV1 } from "@standard-schema/spec";
import { AppError } from "./errors";

/**
 * Schema validation for every route input, documented in the OpenAPI file by hono-openapi.
 * A failure answers 400 naming the first offending field, in the API's one error shape.
 */
export function validate<Target extends keyof ValidationTargets, Schema extends StandardSchemaV1>(
  target: Target,
  schema: Schema,
) {
  return validator(target, schema, (result) => {
    if (!result.success) {
      const issue = result.error[0];
      const path = issue?.path?.map((p) => (typeof p === "object" ? p.key : p)).join(".");
      const message = issue ? (path ? `${path}: ${issue.message}` : issue.message) : "Invalid input";
      throw new AppError(400, "invalid_input", message);
    }
  });
}

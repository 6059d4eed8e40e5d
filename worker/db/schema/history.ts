/** The R2 archive's manifest, the prune job's lease and history exports. */
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { clinicNumbers, organizations, users } from "./practice";
import { conversations } from "./messaging";

/**
 * One NDJSON object in the R2 archive: a chunk of one clinic number's messages from one UTC day, written by
 * the prune job (jobs/prune-and-archive.ts). The row is the manifest: it exists before the object is written
 * (`writing`), becomes `verified` once the object was read back with the same row count and SHA-256, and
 * `pruned` once exactly the rows listed in the object have left D1. Exports read only verified objects.
 */
export const ARCHIVE_STATUSES = ["writing", "verified", "pruned"] as const;
export type ArchiveStatus = (typeof ARCHIVE_STATUSES)[number];

export const archiveObjects = sqliteTable(
  "archive_objects",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    orgId: integer("org_id")
      .notNull()
      .references(() => organizations.id),
    numberId: integer("number_id")
      .notNull()
      .references(() => clinicNumbers.id),
    /** Deterministic from the content (number, UTC day, first and last id), so a rewrite is identical. */
    key: text("key").notNull(),
    day: text("day").notNull(),
    firstId: integer("first_id").notNull(),
    lastId: integer("last_id").notNull(),
    minCreatedAt: integer("min_created_at").notNull(),
    maxCreatedAt: integer("max_created_at").notNull(),
    rows: integer("rows").notNull(),
    bytes: integer("bytes").notNull(),
    sha256: text("sha256").notNull(),
    status: text("status", { enum: ARCHIVE_STATUSES }).notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("archive_objects_key_unique").on(t.key),
    index("archive_objects_number_time_idx").on(t.numberId, t.minCreatedAt),
    index("archive_objects_status_idx").on(t.status),
  ],
);

/**
 * Where one conversation's rows sit inside an archive object: the object is sorted by conversation, then id,
 * so a conversation export reads just its byte range (an R2 ranged GET) instead of the whole day.
 */
export const archiveSegments = sqliteTable(
  "archive_segments",
  {
    objectId: integer("object_id")
      .notNull()
      .references(() => archiveObjects.id, { onDelete: "cascade" }),
    conversationId: integer("conversation_id")
      .notNull()
      .references(() => conversations.id),
    firstId: integer("first_id").notNull(),
    lastId: integer("last_id").notNull(),
    rows: integer("rows").notNull(),
    offset: integer("offset").notNull(),
    length: integer("length").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.objectId, t.conversationId] }),
    index("archive_segments_conversation_idx").on(t.conversationId, t.firstId),
  ],
);

/** A lease so two overlapping cron runs (or a manual run) never work on the same rows at once. */
export const jobLeases = sqliteTable("job_leases", {
  name: text("name").primaryKey(),
  holder: text("holder").notNull(),
  expiresAt: integer("expires_at").notNull(),
});

export const EXPORT_FORMATS = ["csv", "html"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export const EXPORT_STATUSES = ["pending", "running", "done", "failed", "expired"] as const;
export type ExportStatus = (typeof EXPORT_STATUSES)[number];

/** A history export: one conversation, or (admins) a date range of a whole clinic number. */
export const historyExports = sqliteTable(
  "exports",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    orgId: integer("org_id")
      .notNull()
      .references(() => organizations.id),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    numberId: integer("number_id")
      .notNull()
      .references(() => clinicNumbers.id),
    /** Null for a range export of the whole number. */
    conversationId: integer("conversation_id").references(() => conversations.id),
    phone: text("phone"),
    /** Range exports: [rangeFrom, rangeTo) in ms. */
    rangeFrom: integer("range_from"),
    rangeTo: integer("range_to"),
    format: text("format", { enum: EXPORT_FORMATS }).notNull(),
    status: text("status", { enum: EXPORT_STATUSES }).notNull(),
    /** Why it failed, for people: never a body or a phone. */
    error: text("error"),
    r2Key: text("r2_key"),
    rows: integer("rows").notNull().default(0),
    bytes: integer("bytes").notNull().default(0),
    createdAt: integer("created_at").notNull(),
    startedAt: integer("started_at"),
    finishedAt: integer("finished_at"),
    expiresAt: integer("expires_at"),
  },
  (t) => [
    index("exports_user_created_idx").on(t.userId, t.id),
    index("exports_status_expires_idx").on(t.status, t.expiresAt),
  ],
);

export type ArchiveObject = typeof archiveObjects.$inferSelect;
export type ArchiveSegment = typeof archiveSegments.$inferSelect;
export type HistoryExport = typeof historyExports.$inferSelect;

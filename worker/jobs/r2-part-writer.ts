/**
 * @module Streams a file of unknown length into R2 with a bounded buffer.
 *
 * `R2Bucket.put` needs a body of known length (a stream of unknown length is refused), so a file generated
 * on the fly goes up as a multipart upload: every part but the last must be at least 5 MiB and all of them
 * the same size (developers.cloudflare.com/r2/objects/multipart-objects/). Memory stays at one part whatever
 * the export's size. A file smaller than one part skips multipart and is one `put`.
 */
const encoder = new TextEncoder();

export const MIN_PART_BYTES = 5 * 1024 * 1024;

/** Any R2 failure while writing, so callers can tell storage faults from the rest. */
export class StorageError extends Error {
  constructor(step: string, cause: unknown) {
    super(`R2 ${step} failed`, { cause });
    this.name = "StorageError";
  }
}

async function step<T>(name: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw new StorageError(name, error);
  }
}

export class R2PartWriter {
  private part: Uint8Array<ArrayBuffer>;
  private fill = 0;
  private upload: R2MultipartUpload | undefined;
  private readonly parts: R2UploadedPart[] = [];
  private pendingText = "";
  bytes = 0;

  constructor(
    private readonly bucket: R2Bucket,
    readonly key: string,
    private readonly options: R2MultipartOptions,
    private readonly partBytes = MIN_PART_BYTES,
  ) {
    this.part = new Uint8Array(partBytes);
  }

  /** Text is gathered into ~64 KiB before encoding: one TextEncoder call per row would dominate the CPU time. */
  async write(text: string) {
    this.pendingText += text;
    if (this.pendingText.length >= 65_536) await this.flushText();
  }

  private async flushText() {
    const bytes = encoder.encode(this.pendingText);
    this.pendingText = "";
    this.bytes += bytes.byteLength;
    let at = 0;
    while (at < bytes.byteLength) {
      const n = Math.min(this.partBytes - this.fill, bytes.byteLength - at);
      this.part.set(bytes.subarray(at, at + n), this.fill);
      this.fill += n;
      at += n;
      if (this.fill === this.partBytes) await this.uploadFullPart();
    }
  }

  private async uploadFullPart() {
    this.upload ??= await step("createMultipartUpload", () =>
      this.bucket.createMultipartUpload(this.key, this.options),
    );
    const upload = this.upload;
    const body = this.part;
    // A fresh buffer per part: the runtime may still be reading the one just handed over.
    this.part = new Uint8Array(this.partBytes);
    this.fill = 0;
    this.parts.push(await step("uploadPart", () => upload.uploadPart(this.parts.length + 1, body)));
  }

  /** Uploads what is left and completes the object. Returns its size in bytes. */
  async finish(): Promise<number> {
    await this.flushText();
    const rest = this.part.subarray(0, this.fill);
    const upload = this.upload;
    if (!upload) {
      await step("put", () => this.bucket.put(this.key, rest, this.options));
    } else {
      if (rest.byteLength > 0) {
        this.parts.push(await step("uploadPart", () => upload.uploadPart(this.parts.length + 1, rest)));
      }
      await step("complete", () => upload.complete(this.parts));
    }
    return this.bytes;
  }

  /**
   * Best effort after a failure: abort the upload (R2 would otherwise keep its parts for 7 days) and remove
   * anything already stored under the key, so no partial file can ever be served.
   */
  async abort() {
    try {
      await this.upload?.abort();
    } catch {
      // The upload may never have started or already be gone.
    }
    try {
      await this.bucket.delete(this.key);
    } catch {
      // Nothing was stored, or R2 is down: the row is failed and never points at this key.
    }
  }
}

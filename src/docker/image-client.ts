// The engine's images: the probe image's presence, build, removal, and its transfer to another node's engine.

/** An image as the engine lists it. */
export interface ImageSummary {
  id: string;
  tags: string[];
  sizeBytes: number;
  labels: Record<string, string>;
}

/** The image calls dockprobe makes; every error names the image it concerns. */
export interface ImageClient {
  exists(reference: string): Promise<boolean>;
  /**
   * The ports the image's configuration exposes (`EXPOSE`, the image's ExposedPorts), sorted; undefined when the
   * engine has no such image (nothing is pulled to find out).
   */
  exposedPorts(reference: string): Promise<{ port: number; protocol: string }[] | undefined>;
  /** Images carrying all the given labels, as `repository:tag` (or the id when untagged). */
  list(filter: { labels: string[] }): Promise<ImageSummary[]>;
  /** Removes an image; one already gone is not an error. */
  remove(reference: string): Promise<void>;
  /** The image as a tar stream (`docker save`), to load into another engine. */
  save(reference: string): Promise<NodeJS.ReadableStream>;
  /**
   * Loads a tar stream of images (`docker load`), within `timeoutMs` for the whole transfer; `reference` is the image
   * it holds, named in its errors.
   */
  load(tar: NodeJS.ReadableStream, timeoutMs: number, reference: string): Promise<void>;
  /** Builds an image from `files` (paths relative to `contextDir`, Dockerfile included). */
  build(options: {
    contextDir: string;
    files: string[];
    tag: string;
    /** Further tags the image gets. */
    alsoTag?: string[];
    labels: Record<string, string>;
    timeoutMs: number;
  }): Promise<void>;
}

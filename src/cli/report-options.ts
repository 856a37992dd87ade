/** Report formats for stdout. */
export const FORMATS = ['pretty', 'json', 'tap', 'junit'] as const;
/** One of {@link FORMATS}. */
export type Format = (typeof FORMATS)[number];

/** Where reports go: one format on stdout, more in files from the same run. */
export interface ReportOptions {
  format: Format;
  json?: string | undefined;
  junit?: string | undefined;
  tap?: string | undefined;
  verbose?: boolean | undefined;
}

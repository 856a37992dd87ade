/** Report formats for stdout. */
export const FORMATS = ['pretty', 'json', 'tap', 'junit', 'markdown', 'sarif', 'github'] as const;
/** One of {@link FORMATS}. */
export type Format = (typeof FORMATS)[number];
/** The formats a chaos drill is reported in, on stdout (`--format`) or in files. */
export const CHAOS_FORMATS = [
  'pretty',
  'json',
  'tap',
  'markdown',
  'sarif',
  'github',
  'junit',
] as const satisfies Format[];
/** One of {@link CHAOS_FORMATS}. */
export type ChaosFormat = (typeof CHAOS_FORMATS)[number];
/** The formats a file option writes: each of {@link FORMATS} but the terminal's and GitHub's, and the HTML page. */
export type FileFormat = Exclude<Format, 'pretty' | 'github'> | 'html';

/** Where reports go: one format on stdout, more in files from the same run. */
export interface ReportOptions {
  format: Format;
  json?: string | undefined;
  junit?: string | undefined;
  tap?: string | undefined;
  sarif?: string | undefined;
  markdown?: string | undefined;
  html?: string | undefined;
  verbose?: boolean | undefined;
}

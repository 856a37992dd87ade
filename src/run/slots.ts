/** At most `limit` of the works given run at once, started in the order given; no limit when undefined. */
export function slots(limit: number | undefined): <T>(work: () => Promise<T>) => Promise<T> {
  if (limit === undefined) return (work) => work();
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (work) => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    else running++;
    try {
      return await work();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}

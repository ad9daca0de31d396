// GitHub's page-number pagination: `per_page` (default 30, at most 100) and `page`, with a Link
// header naming next/last/first/prev that Octokit's paginate() follows.

export interface Page<T> {
  items: T[];
  headers: Record<string, string>;
}

export function paginate<T>(all: readonly T[], apiUrl: string, pathname: string, query: URLSearchParams): Page<T> {
  const perPage = Math.min(Math.max(Number.parseInt(query.get("per_page") ?? "30", 10) || 30, 1), 100);
  const page = Math.max(Number.parseInt(query.get("page") ?? "1", 10) || 1, 1);
  const lastPage = Math.max(Math.ceil(all.length / perPage), 1);
  const items = all.slice((page - 1) * perPage, page * perPage);
  const link = (p: number, rel: string): string => {
    const q = new URLSearchParams(query);
    q.set("page", String(p));
    if (!q.has("per_page") && perPage !== 30) q.set("per_page", String(perPage));
    return `<${apiUrl}${pathname}?${q.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page > 1) links.push(link(page - 1, "prev"));
  if (page < lastPage) links.push(link(page + 1, "next"), link(lastPage, "last"));
  if (page > 1) links.push(link(1, "first"));
  return { items, headers: links.length > 0 ? { link: links.join(", ") } : {} };
}

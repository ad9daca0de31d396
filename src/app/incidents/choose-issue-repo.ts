import type { RepoTarget } from "../app-context.js";
import type { GitHub } from "../github/create-octokit.js";
import { code, repoName } from "./markdown.js";

// Where a repository's incidents are filed. An incident names the repository, the file, the
// commit, the pusher and the key's last four characters: it may go to another repository
// only if that one is the same owner's and no more visible than the source. Anything else
// (another owner, a public target for a private source, a repository that does not exist or
// the app cannot reach, issues turned off) is refused: the incident stays in the source
// repository and the check run says why. Checked against the API on each job, because
// visibility changes.

export interface IssueRoute {
  /** `owner/name` to open issues in. */
  issueRepo: string;
  /** Markdown, for the check run. */
  problems: string[];
}

type Visibility = "public" | "internal" | "private";
const RANK: Record<Visibility, number> = { private: 0, internal: 1, public: 2 };

function visibilityOf(data: { private: boolean; visibility?: string }): Visibility {
  if (!data.private) return "public";
  return data.visibility === "internal" ? "internal" : "private";
}

export async function chooseIssueRepo(gh: GitHub, source: RepoTarget, configured: string | null): Promise<IssueRoute> {
  const here = { issueRepo: source.fullName, problems: [] as string[] };
  if (configured === null || configured.toLowerCase() === source.fullName.toLowerCase()) return here;
  const refuse = (why: string): IssueRoute => ({
    issueRepo: source.fullName,
    problems: [`${code("issues.repository")} ${code(configured)} ${why}; incidents are filed in ${repoName(source.fullName)} instead`],
  });

  const [owner, name] = configured.split("/") as [string, string];
  if (owner.toLowerCase() !== source.owner.toLowerCase()) return refuse(`belongs to another owner than ${repoName(source.fullName)}`);
  let target;
  try {
    target = (await gh.rest.repos.get({ owner, repo: name })).data;
  } catch (err) {
    if ((err as { status?: number }).status === 404) return refuse("does not exist, or leakguard is not installed on it");
    throw err;
  }
  // The API's answer, not the file's spelling, decides (a transferred repository redirects).
  if (target.owner.login.toLowerCase() !== source.owner.toLowerCase()) return refuse(`belongs to another owner than ${repoName(source.fullName)}`);
  if (target.archived) return refuse("is archived");
  if (!target.has_issues) return refuse("has issues turned off");
  const to = visibilityOf(target);
  // The push payload only says private or not: whether a non-public source is internal is the API's word.
  const from = source.isPublic ? "public" : to === "private" ? "private" : visibilityOf((await gh.rest.repos.get({ owner: source.owner, repo: source.name })).data);
  if (RANK[to] > RANK[from]) return refuse(`is ${to} and ${repoName(source.fullName)} is ${from}: its incidents would be readable by more people than the code`);
  return { issueRepo: target.full_name, problems: [] };
}
